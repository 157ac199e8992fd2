"""Nickname-aware merge candidates: Dan Smith and Daniel Smith may be one human, never merged on that alone."""

from __future__ import annotations

from loaders.importer import import_file
from loaders.nicknames import interchangeable, nickname_pairs
from loaders.resolve import PeopleIndex, find_candidates
from tests.conftest import run_kith

HEADER = "record,name,email,phone,company\n"


def kith_csv(tmp_path, name: str, *rows: str):
    path = tmp_path / name
    path.write_text(HEADER + "".join(f"person,{r}\n" for r in rows), encoding="utf-8")
    return path


def index_of(*people: dict) -> PeopleIndex:
    return PeopleIndex([{"sources": [], **p} for p in people], [])


def test_the_nickname_table_knows_the_usual_pairs_both_ways_and_nothing_more():
    for a, b in [("Dan", "Daniel"), ("Bob", "Robert"), ("Liz", "Elizabeth"), ("Bill", "William"),
                 ("Kate", "Katherine")]:
        assert interchangeable(a, b) and interchangeable(b, a), (a, b)
    assert interchangeable("DÁN", "daniel")  # folded like every name
    assert not interchangeable("Bill", "Bob")  # two nicknames of Robert: not enough
    assert not interchangeable("Dan", "Dana") and not interchangeable("Kate", "Robert")


def test_nickname_pairs_need_the_same_family_name():
    keys = ["dan smith", "daniel smith", "daniel smyth", "bob smith", "robert jones", "bob jones", "dan"]
    assert nickname_pairs(keys) == [(0, 1), (4, 5)]


def test_find_candidates_adds_nicknames_the_fuzzy_score_misses():
    index = index_of({"id": "me", "name": "Dan Smith", "me": True},
                     {"id": "d1", "name": "Daniel Smith", "company": "Acme", "emails": ["d@acme.com"]},
                     {"id": "d2", "name": "Dan Smith"},
                     {"id": "l1", "name": "Liz Taylor"}, {"id": "l2", "name": "Elizabeth Taylor"},
                     {"id": "b1", "name": "Bill Jones"}, {"id": "b2", "name": "Bob Jones"})
    found = {(c.a, c.b): c for c in find_candidates(index)}
    assert set(found) == {("d1", "d2"), ("l1", "l2")}  # never the owner; Bill/Bob are not one
    assert found["d1", "d2"].reason == "nickname" and found["d1", "d2"].score < 90  # fuzzy alone: no
    index.not_same = {frozenset(("l2", "l1"))}
    assert [(c.a, c.b) for c in find_candidates(index)] == [("d1", "d2")]


def test_import_makes_a_candidate_not_a_merge_unless_an_address_matches(store, tmp_path):
    first = import_file(store, kith_csv(tmp_path, "a.csv", "Daniel Smith,daniel@smith.example,,Acme",
                                        "Robert Brown,,07700 900111,"), default_region="GB")
    assert first.plan.created == 2
    # Dan Smith (even at the same company) is asked about; Bob Brown with Robert's phone is Robert.
    second = import_file(store, kith_csv(tmp_path, "b.csv", "Dan Smith,,,Acme", "Bob Brown,bob@brown.example,07700 900111,"),
                         default_region="GB")
    plan = second.plan
    assert (plan.created, plan.merged) == (1, 1), (plan.summary(), plan.merges)
    assert plan.merges[0][2] == "same phone"
    [candidate] = plan.candidates
    assert candidate.reason == "nickname"
    names = {r["name"] for r in store.read("MATCH (p:Person) RETURN p.name AS name")}
    assert names == {"Daniel Smith", "Dan Smith", "Robert Brown"}

    listed = run_kith("merge", "--list", env={"COLUMNS": "200"})
    assert listed.returncode == 0, listed.stderr
    assert "nickname" in listed.stdout and "Daniel Smith / Dan Smith" in listed.stdout
    assert "both at Acme" in listed.stdout


def test_import_merges_a_nickname_that_shares_an_email(store, tmp_path):
    import_file(store, kith_csv(tmp_path, "a.csv", "Katherine Lee,kate@lee.example,,"))
    again = import_file(store, kith_csv(tmp_path, "b.csv", "Kate Lee,kate.lee@work.example;KATE@lee.example,,"))
    assert (again.plan.created, again.plan.merged, again.plan.candidates) == (0, 1, [])
    assert again.plan.merges[0][2] == "same email"
    people = store.read("MATCH (p:Person) RETURN p.name AS name, p.also_name AS also")
    assert people == [{"name": "Katherine Lee", "also": ["Kate Lee"]}]
