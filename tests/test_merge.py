"""Merge candidates, merging two records of one person, undo and "not the same person", on the real store."""

from __future__ import annotations

import json
import random
from datetime import date, datetime, timezone

import neo4j.spatial
import neo4j.time
import pytest
import pytz

from graph import merge as M
from graph import queries as Q
from graph.model import (
    Attendance,
    Employment,
    Favor,
    Interaction,
    Introduction,
    Knows,
    Network,
    Person,
    Study,
)
from graph.store import StoreError, UndoneMerge
from loaders.importer import import_file
from loaders.resolve import PeopleIndex, find_candidates
from tests.conftest import run_kith
from tests.test_import import ANA_G, ANA_LI, BO_G, BO_LI, CHRIS_G, CHRIS_LI, google, linkedin
from tests.test_store import T0, small_network


def write(store, query: str, **params) -> None:
    with store.session() as s:
        s.run(query, params).consume()


def graph_state(store) -> tuple[list[str], list[str]]:
    """Every node and relationship (but the merge records and the change marker), sorted, as JSON text."""
    nodes = store.read("MATCH (n) WHERE NOT n:Merge AND NOT n:KithState "
                       "RETURN labels(n) AS labels, properties(n) AS props")
    rels = store.read("MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS type, b.id AS b, properties(r) AS props")
    dump = lambda rows: sorted(json.dumps(r, sort_keys=True, default=str) for r in rows)  # noqa: E731
    return dump(nodes), dump(rels)


def candidates(store):
    return find_candidates(PeopleIndex(*store.people_index_rows()))


def chris_ids(store) -> tuple[str, str]:
    """(the LinkedIn Chris, the Google Chris)."""
    rows = store.read("MATCH (p:Person {name: 'Chris Taylor'}) WHERE p.me IS NULL "
                      "RETURN p.id AS id, p.sources AS sources")
    by_source = {r["sources"][0]: r["id"] for r in rows}
    return by_source["linkedin"], by_source["google"]


def duplicated_ana() -> Network:
    """The small network plus a second record of Ana with a bit of everything, some of it shared with the first."""
    net = small_network()
    net.people.append(Person(id="ana2", name="Ana  Souza", emails=["ana@acme.com", "ana@example.com"],
                             company="Acme", title="CEO", location="Lisbon", children=["Rui"],
                             tags=["ex-colleague", "conference"], skills=["fundraising", "golang"],
                             needs=["visa"], interests=["surfing"], sources=["google"]))
    net.knows += [Knows("ana2", "cy", since=date(2018, 6, 1), context="conference"),
                  Knows("bo", "ana2", since=date(2015, 1, 1), context="school"),  # Ana already knows Bo
                  Knows("ana2", "ana")]                                           # disappears with the merge
    net.interactions.append(Interaction("i4", T0.replace(day=4), ["me", "ana2"], channel="video", kind="catch-up",
                                        initiated_by="ana2"))
    next(i for i in net.interactions if i.id == "i2").participants.append("ana2")  # both were at that meeting
    net.favors.append(Favor("f3", T0, "ana2", "given", "advice", "pending"))
    net.introductions += [Introduction("n2", T0, "ana2", "bo", "me", status="offered"),
                          Introduction("n3", T0, "cy", "bo", "ana2", status="made")]
    net.employments += [Employment("ana2", "Northwind", "CTO", since=date(2019, 1, 1), until=date(2020, 12, 31)),
                        Employment("ana2", "Acme", "CEO", since=date(2022, 2, 1))]
    net.studies.append(Study("ana2", "Universidade de Lisboa", "MSc", since=date(2008, 9, 1)))
    net.attendances.append(Attendance("ana2", "PyCon UK 2024", at=date(2024, 9, 20)))
    return net


def add_records_about(store, person: str) -> None:
    """A SourceRecord, a Change and a NOT_SAME: what imports and the user leave on a person."""
    write(store, Q.RECORD_SOURCES, rows=[{"id": "google:ana2", "person": person, "source": "google", "file": "c.csv",
                                          "line": 2, "at": T0, "fields": "{}"}])
    write(store, Q.RECORD_CHANGES, rows=[{"id": "c-ana2", "person": person, "field": "title", "old": "CTO",
                                          "new": "CEO", "source": "google:ana2", "at": T0}])
    write(store, Q.RECORD_NOT_SAME, a=person, b="cy")


# -- candidates ------------------------------------------------------------------------------


def index_of(*people: dict, not_same=()) -> PeopleIndex:
    return PeopleIndex([{"sources": [], **p} for p in people], [], list(not_same))


def test_candidates_by_same_and_similar_name_but_never_the_owner_or_empty_names():
    index = index_of({"id": "me", "name": "Chris Taylor", "me": True},
                     {"id": "c1", "name": "Chris Taylor", "company": "Acme", "title": "Engineer"},
                     {"id": "c2", "name": "CHRIS  TAYLOR"},
                     {"id": "c3", "name": "Chris Tailor", "emails": ["c@acme.com"]},
                     {"id": "j1", "name": "Jean-Luc Picard"}, {"id": "j2", "name": "Jean-Luc Picard"},
                     {"id": "x1", "name": "CollegeMsg 123"}, {"id": "x2", "name": "CollegeMsg 123"},
                     {"id": "d1", "name": "Dee New"}, {"id": "d2", "name": "Zed Other"})
    found = [(c.a, c.b, c.reason) for c in find_candidates(index)]
    assert found == [("c1", "c2", "same name"), ("j1", "j2", "same name"),
                     ("c1", "c3", "similar name"), ("c3", "c2", "similar name")]
    assert all(c.score >= 90 for c in find_candidates(index))


def test_candidates_skip_pairs_said_to_differ_and_show_evidence():
    index = index_of({"id": "a", "name": "Ana Souza", "emails": ["ana@northwind.io"], "company": "Northwind",
                      "sources": ["linkedin"]},
                     {"id": "b", "name": "Ana Souza", "emails": ["ana@northwind.io"], "company": "northwind",
                      "sources": ["google"]},
                     {"id": "c", "name": "Ana Souza"},
                     not_same=[("c", "a"), ("b", "c")])
    [only] = find_candidates(index)
    assert (only.a, only.b, only.reason, only.score) == ("a", "b", "same name", 100.0)
    assert only.evidence == "same email ana@northwind.io; both at Northwind; from different sources"


def test_candidates_for_five_thousand_people_are_many_and_in_a_stable_order():
    """How fast is benchmarks/bench_merge.py's to say; here only what comes out."""
    rnd = random.Random(7)
    first = ["Ana", "Bo", "Chris", "Dana", "Eli", "Fatima", "Gus", "Hana", "Ivan", "Jo", "Kim", "Lee", "Mia"]
    last = [f"{a}{b}son" for a in "BCDFGHKLMNPRST" for b in ("a", "e", "i", "o", "u", "ar", "el")]
    index = index_of(*({"id": f"p{i:04d}", "name": f"{rnd.choice(first)} {rnd.choice(last)}"} for i in range(5000)))
    found = find_candidates(index)
    assert len(found) > 1000
    assert found == sorted(found, key=lambda c: (-c.score, c.a, c.b))  # deterministic order


def test_candidates_after_overlapping_imports(store, tmp_path):
    store.upsert_people([Person(id="me", name="Chris Taylor", me=True)])  # the owner shares the name
    import_file(store, linkedin(tmp_path, [ANA_LI, BO_LI, CHRIS_LI]), default_region="GB")
    import_file(store, google(tmp_path, [ANA_G, BO_G, CHRIS_G]), default_region="GB")
    chris_li, chris_g = chris_ids(store)
    [found] = candidates(store)  # Ana and Bo were merged by the import itself
    assert {found.a, found.b} == {chris_li, chris_g} and found.reason == "same name"
    assert found.evidence == "from different sources"
    store.not_same(chris_g, chris_li)
    assert candidates(store) == []
    store.not_same(chris_li, chris_g)  # said twice, recorded once
    assert store.read("MATCH ()-[r:NOT_SAME]->() RETURN count(r) AS n") == [{"n": 1}]


# -- merge and undo ----------------------------------------------------------------------------------


def test_merge_moves_everything_without_duplicates(store):
    store.load(duplicated_ana())
    add_records_about(store, "ana2")
    people_before = store.counts()["people"]
    merge_id = store.merge("ana", "ana2")
    assert merge_id.startswith("m-") and store.counts()["people"] == people_before - 1
    assert store.read("MATCH (n {id: 'ana2'}) RETURN n") == []

    ana = store.person("ana")
    p = ana.person
    assert (p.name, p.company, p.title, p.location) == ("Ana Souza", "Northwind", "CTO", "Lisbon")
    assert p.emails == ["ana@example.com", "ana@acme.com"] and p.children == ["Lia", "Rui"]
    assert p.sources == ["test", "google"]
    extra = store.read("MATCH (p:Person {id: 'ana'}) RETURN p.also_company AS company, p.also_title AS title, "
                       "p.also_name AS name, p.name_key AS key")
    assert extra == [{"company": ["Acme"], "title": ["CEO"], "name": ["Ana  Souza"], "key": "ana souza"}]
    assert p.tags == ["conference", "ex-colleague"] and p.skills == ["fundraising", "golang"]
    assert (p.needs, p.interests) == (["hiring", "visa"], ["jazz", "surfing"])
    assert ana.interactions == 3  # i1, i2 (once, though both were in it) and i4

    def around(pattern: str) -> list:
        return sorted(r["x"] for r in store.read(f"MATCH {pattern} RETURN x.id AS x"))

    assert around("(x:Interaction)-[:WITH]->(:Person {id: 'ana'})") == ["i1", "i2", "i4"]
    assert around("(x:Interaction {initiated_by: 'ana'})") == ["i4"]  # a person id held as a value follows too
    assert around("(x:Favor)-[:WITH]->(:Person {id: 'ana'})") == ["f1", "f3"]
    assert around("(x:Introduction)-[:INTRODUCED]->(:Person {id: 'ana'})") == ["n1", "n2"]
    assert around("(:Person {id: 'ana'})-[:MADE]->(x:Introduction)") == ["n3"]
    assert around("(x:SourceRecord)-[:DESCRIBES]->(:Person {id: 'ana'})") == ["google:ana2"]
    assert around("(x:Change)-[:OF]->(:Person {id: 'ana'})") == ["c-ana2"]
    assert around("(:Person {id: 'ana'})-[:NOT_SAME]-(x:Person)") == ["cy"]
    assert around("(:Person {id: 'ana'})-[:ATTENDED]->(x:Event)") == ["event:pycon-uk-2024"]
    assert around("(:Person {id: 'ana'})-[:STUDIED_AT]->(x:School)") == ["school:universidade-de-lisboa"]

    jobs = sorted((j["organization"], j["title"], j["since"], j["until"]) for j in ana.jobs)
    # The same job (same organization and title) is one: Ana's own dates win; her missing `until`
    # means she still works there, so the other record's is not taken.
    assert jobs == [("Acme", "CEO", date(2022, 2, 1), None), ("Northwind", "CTO", date(2021, 4, 1), None)]
    knows = store.read("MATCH (:Person {id: 'ana'})-[k:KNOWS]-(o:Person) "
                       "RETURN o.id AS other, k.since AS since, k.context AS context ORDER BY other")
    assert [(k["other"], k["since"].to_native(), k["context"]) for k in knows] == [
        ("bo", date(2020, 1, 1), "work"), ("cy", date(2018, 6, 1), "conference")]

    twice = store.read("MATCH (a)-[r]->(b) WITH a.id AS a, type(r) AS t, b.id AS b, r.title AS title, count(r) AS n "
                       "WHERE n > 1 RETURN a, t, b, n")
    assert twice == []


def test_undo_restores_the_graph_exactly(store):
    store.load(duplicated_ana())
    add_records_about(store, "ana2")
    # Values plain JSON would lose: a date-time with its zone, a time, a duration, a point, on nodes and ties.
    write(store, "MATCH (p:Person {id: 'ana2'}) SET p.first_seen = $dt, p.score = 0.5, p.visits = [1, 2]",
          dt=datetime(2024, 3, 1, 9, 30, 15, 123456, tzinfo=timezone.utc))
    write(store, "MATCH (:Person {id: 'ana2'})-[k:KNOWS]-(:Person {id: 'cy'}) SET k.last = $dt, k.every = $d",
          dt=datetime(2024, 5, 2, 8, 0, tzinfo=timezone.utc), d=neo4j.time.Duration(days=30))
    before = graph_state(store)
    merge_id = store.merge("ana", "ana2")
    assert graph_state(store) != before
    done = store.undo_merge()
    assert done == UndoneMerge(id=merge_id, keep="ana", drop="ana2", keep_name="Ana Souza", drop_name="Ana  Souza")
    after = graph_state(store)
    assert after[0] == before[0]  # nodes
    assert after[1] == before[1]  # relationships
    assert [(m["id"], m["undone"]) for m in store.merges()] == [(merge_id, True)]
    with pytest.raises(StoreError, match="already undone"):
        store.undo_merge(merge_id)
    with pytest.raises(StoreError, match="no merge to undo"):
        store.undo_merge()


def test_merge_refusals_write_nothing(store):
    store.load(small_network())
    before = graph_state(store)
    for keep, drop, message in (("ana", "me", "owner"), ("ana", "ana", "themselves"),
                                ("ana", "ghost", "no person"), ("ghost", "ana", "no person")):
        with pytest.raises(StoreError, match=message):
            store.merge(keep, drop)
    # A relationship Kith does not know how to move: refused rather than lost.
    write(store, "MATCH (a:Person {id: 'bo'}), (b:Person {id: 'cy'}) CREATE (a)-[:MENTORS]->(b)")
    with pytest.raises(StoreError, match="MENTORS"):
        store.merge("ana", "bo")
    write(store, "MATCH (:Person {id: 'bo'})-[r:MENTORS]->() DELETE r")
    assert graph_state(store) == before and store.merges() == []
    with pytest.raises(StoreError, match="unknown person"):
        store.not_same("ana", "ghost")
    with pytest.raises(StoreError, match="one person"):
        store.not_same("ana", "ana")
    with pytest.raises(StoreError, match="no merge with id"):
        store.undo_merge("m-nope")


def test_the_owner_can_keep_a_duplicate_of_themselves(store):
    store.load(small_network())
    store.upsert_people([Person(id="me2", name="Alex Morgan", emails=["alex@work.com"])])
    store.log_interactions([Interaction("i9", T0, ["me2", "bo"])])
    store.merge("me", "me2")
    assert store.owner() == {"id": "me", "name": "Alex Morgan"}
    assert store.person("me").person.emails == ["alex@example.com", "alex@work.com"]
    assert store.person("me").interactions == 4


def test_undo_out_of_order_is_refused_until_the_later_merge_is_undone(store):
    store.load(duplicated_ana())
    store.upsert_people([Person(id="ana3", name="Ana Souza")])
    before = graph_state(store)
    first = store.merge("ana", "ana2")
    second = store.merge("ana", "ana3")
    with pytest.raises(StoreError, match=f"undo {second} first"):
        store.undo_merge(first)
    assert store.undo_merge().id == second
    assert store.undo_merge().id == first
    assert graph_state(store) == before


def test_reimport_after_a_merge_does_not_bring_the_duplicate_back(store, tmp_path):
    files = [linkedin(tmp_path, [ANA_LI, BO_LI, CHRIS_LI]), google(tmp_path, [ANA_G, BO_G, CHRIS_G])]
    for f in files:
        import_file(store, f, default_region="GB")
    chris_li, chris_g = chris_ids(store)
    store.merge(chris_g, chris_li)
    people = store.counts()["people"]
    state = graph_state(store)
    for f in files:
        again = import_file(store, f, default_region="GB")
        s = again.summary()
        assert (s["created"], s["merged"], s["updated"], s["merge candidates"]) == (0, 0, 0, 0), s
    assert store.counts()["people"] == people
    assert store.person(chris_li) is None
    assert graph_state(store)[0] == state[0]  # not even a property changed
    chris = store.person(chris_g).person
    assert (chris.company, chris.title, sorted(chris.sources)) == ("Acme", "Engineer", ["google", "linkedin"])
    assert candidates(store) == []


def test_snapshot_json_keeps_neo4j_values():
    values = {
        "date": neo4j.time.Date(2020, 2, 29),
        "utc": neo4j.time.DateTime(2024, 3, 1, 9, 30, 15, 123456789, tzinfo=pytz.utc),
        "offset": neo4j.time.DateTime(2024, 3, 1, 9, 30, tzinfo=pytz.FixedOffset(90)),
        "zoned": neo4j.time.DateTime(2024, 7, 1, 9, 30, tzinfo=pytz.utc).as_timezone(pytz.timezone("Europe/London")),
        "local": neo4j.time.DateTime(2024, 3, 1, 9, 30, 0, 1),
        "time": neo4j.time.Time(9, 30, 0, 5, tzinfo=pytz.FixedOffset(60)),
        "local_time": neo4j.time.Time(9, 30),
        "duration": neo4j.time.Duration(months=1, days=2, seconds=3, nanoseconds=4),
        "point": neo4j.spatial.WGS84Point((-0.1, 51.5)),
        "point3d": neo4j.spatial.CartesianPoint((1.0, 2.0, 3.0)),
        "list": [neo4j.time.Date(2020, 1, 1), neo4j.time.Date(2021, 1, 1)],
        "text": "plain", "n": 3, "none": None,
    }
    back = M.loads(M.dumps({"props": values}))["props"]
    assert back == values
    assert back["zoned"].tzinfo.zone == "Europe/London" and back["zoned"].utcoffset().total_seconds() == 3600
    assert back["local"].tzinfo is None and type(back["point"]) is neo4j.spatial.WGS84Point


def test_merge_properties_rules():
    keep = {"id": "a", "name": "Ana Souza", "name_key": "ana souza", "title": "CTO", "also_title": ["CEO"],
            "emails": ["a@x.org"], "birthday": "--05-17", "birth_month": 5, "birth_day": 17, "me": True}
    drop = {"id": "b", "name": "Ana S.", "name_key": "ana s.", "title": "CEO", "emails": ["a@x.org", "a@y.org"],
            "birthday": "1988-05-17", "birth_month": 5, "birth_day": 17, "birth_year": 1988, "company": "Acme",
            "also_company": ["Acme Ltd"]}
    merged = M.merge_properties(keep, drop)
    assert merged == {"id": "a", "name": "Ana Souza", "name_key": "ana souza", "title": "CTO", "also_title": ["CEO"],
                      "emails": ["a@x.org", "a@y.org"], "birthday": "--05-17", "birth_month": 5, "birth_day": 17,
                      "also_birthday": ["1988-05-17"], "also_name": ["Ana S."], "company": "Acme",
                      "also_company": ["Acme Ltd"], "me": True}
    assert "birth_year" not in merged  # never a year without the birthday it belongs to
    assert M.merge_properties({"id": "a", "name": "A B"}, {"id": "b", "name": "A B", "birthday": "1990-01-02",
                                                           "birth_year": 1990, "birth_month": 1, "birth_day": 2}) == {
        "id": "a", "name": "A B", "birthday": "1990-01-02", "birth_year": 1990, "birth_month": 1, "birth_day": 2}


# -- the command line --------------------------------------------------------------------------------


def test_cli_list_merge_undo_not_same(store, tmp_path):
    for f in (linkedin(tmp_path, [ANA_LI, CHRIS_LI]), google(tmp_path, [ANA_G, CHRIS_G])):
        assert run_kith("import", str(f)).returncode == 0
    chris_li, chris_g = chris_ids(store)

    listed = run_kith("merge", "--list")
    assert listed.returncode == 0, listed.stderr
    assert chris_li in listed.stdout and chris_g in listed.stdout and "same name" in listed.stdout
    assert "kith merge KEEP DROP" in listed.stdout

    declined = run_kith("merge", chris_g, chris_li, input="n\n")
    assert declined.returncode == 1 and "Chris Taylor" in declined.stdout
    assert store.person(chris_li) is not None

    merged = run_kith("merge", chris_g, chris_li, "--yes")
    assert merged.returncode == 0, merged.stderr
    merge_id = store.merges()[0]["id"]
    assert f"merged {chris_li} into {chris_g} as {merge_id}" in merged.stdout
    assert f"kith merge --undo {merge_id}" in merged.stdout
    assert store.person(chris_li) is None
    assert run_kith("merge", "--list").stdout.strip() == "no merge candidates"

    undone = run_kith("merge", "--undo", merge_id)
    assert undone.returncode == 0 and f"undid {merge_id}" in undone.stdout
    assert store.person(chris_li) is not None

    different = run_kith("merge", "--not-same", chris_li, chris_g)
    assert different.returncode == 0 and "will not be suggested again" in different.stdout
    assert run_kith("merge", "--list").stdout.strip() == "no merge candidates"


def test_cli_merge_mistakes_are_one_line(store):
    assert "KEEP DROP" in run_kith("merge", "--help").stdout
    store.load(small_network())
    for args in (["merge", "ana"], ["merge", "ana", "ana", "--yes"], ["merge", "ana", "ghost person", "--yes"],
                 ["merge", "ana", "me", "--yes"], ["merge", "--undo"], ["merge", "--undo", "m-nope"],
                 ["merge", "--list", "--undo"], ["merge", "--list", "ana"], ["merge", "--not-same", "ana"]):
        done = run_kith(*args)
        assert done.returncode == 1, (args, done.stdout, done.stderr)
        assert done.stderr.startswith("error:") and len(done.stderr.strip().splitlines()) == 1, (args, done.stderr)
    assert store.merges() == []
