"""The LinkedIn import path: what contacts give is stored (links, nickname, when you connected), several
contacts of one file taken for one person are said, and the one-pass merge-candidate search finds exactly
what comparing each new person with everyone before them finds. (Its speed: benchmarks/bench_linkedin_import.py.)"""

from __future__ import annotations

import json
import random
from datetime import date
from pathlib import Path

from rapidfuzz import fuzz, process

from graph import queries as Q
from graph.model import fold
from kith import export as X
from loaders.importer import import_file
from loaders.nicknames import differ_by_nickname, split_name
from loaders.parse import parse_file
from loaders.records import Contact, ParsedFile, ParseOptions
from loaders.resolve import FUZZY_MIN, PeopleIndex, plan_import, telling_name
from tests.conftest import run_kith

CONNECTIONS_HEADER = """Notes:
"When exporting your connection data, you may notice that some of the email addresses are missing."

First Name,Last Name,URL,Email Address,Company,Position,Connected On
"""
GOOGLE_HEADER = ("First Name,Middle Name,Last Name,Nickname,Organization Name,Organization Title,Labels,"
                 "E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Label,Phone 1 - Value,Website 1 - Label,"
                 "Website 1 - Value\n")
ANA_URL = "https://www.linkedin.com/in/anasouza"


def linkedin(tmp_path: Path, rows: list[str], name: str = "Connections.csv") -> Path:
    path = tmp_path / name
    path.write_text(CONNECTIONS_HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def google(tmp_path: Path, rows: list[str], name: str = "contacts.csv") -> Path:
    path = tmp_path / name
    path.write_text(GOOGLE_HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_linkedin_links_and_the_earliest_connection_date_are_stored(store, tmp_path):
    import_file(store, linkedin(tmp_path, [f"Ana,Souza,{ANA_URL},ana@northwind.io,Northwind,CTO,12 Mar 2021"]))
    ana = store.person(store.resolve("Ana Souza")).person
    assert ana.urls == [ANA_URL] and ana.connected_on == date(2021, 3, 12)
    # An older export that says you connected earlier: the earliest date stays, whichever came first.
    older = linkedin(tmp_path, [f"Ana,Souza,{ANA_URL},ana@northwind.io,Northwind,CTO,08 Jan 2018"], "Old.csv")
    import_file(store, older)
    assert store.person(ana.id).person.connected_on == date(2018, 1, 8)
    import_file(store, linkedin(tmp_path, [f"Ana,Souza,{ANA_URL},ana@northwind.io,Northwind,CTO,12 Mar 2021"]))
    assert store.person(ana.id).person.connected_on == date(2018, 1, 8)
    assert store.read("MATCH (p:Person {id: $id}) RETURN p.connected_on AS d", id=ana.id) == [{"d": "2018-01-08"}]

    # Google gives her nickname and website: one person, both links kept, the nickname stored.
    import_file(store, google(tmp_path, ["Ana,,Souza,Nani,Northwind,CTO,,Work,ana@northwind.io,,,Blog,"
                                         "https://ana.example/blog"]))
    ana = store.person(ana.id).person
    assert ana.urls == [ANA_URL, "https://ana.example/blog"] and ana.nickname == "Nani"
    assert store.counts()["people"] == 1

    shown = run_kith("person", "show", "Ana Souza", "--json")
    assert shown.returncode == 0, shown.stderr
    fields = json.loads(shown.stdout)
    assert fields["nickname"] == "Nani" and fields["connected on"] == "2018-01-08"
    assert fields["links"] == f"{ANA_URL}, https://ana.example/blog"


def test_a_merge_keeps_both_peoples_links(store, tmp_path):
    import_file(store, linkedin(tmp_path, [f"Ana,Souza,{ANA_URL},,Northwind,CTO,12 Mar 2021"]))
    import_file(store, google(tmp_path, ["Ana,,Souza,,,,,,ana@souza.example,,,Home,https://ana.example"]))
    ids = sorted(r["id"] for r in store.read("MATCH (p:Person) RETURN p.id AS id"))
    assert len(ids) == 2  # the same name alone is never merged
    linkedin_id = next(i for i in ids if store.person(i).person.urls == [ANA_URL])
    other = next(i for i in ids if i != linkedin_id)
    store.merge(linkedin_id, other)
    kept = store.person(linkedin_id).person
    assert kept.urls == [ANA_URL, "https://ana.example"] and kept.connected_on == date(2021, 3, 12)


def test_new_fields_round_trip_through_an_export(store, tmp_path):
    import_file(store, linkedin(tmp_path, [f"Ana,Souza,{ANA_URL},,Northwind,CTO,12 Mar 2021"]))
    import_file(store, google(tmp_path, ["Ana,,Souza,Nani,Northwind,,,,,,,Blog,https://ana.example/blog"]))
    doc = X.export_document(store)
    [person] = doc["people"]
    assert person["urls"] == [ANA_URL, "https://ana.example/blog"] and person["nickname"] == "Nani"
    assert person["connected_on"] == "2021-03-12"
    card = X.vcards(doc)
    assert "NICKNAME:Nani\r\n" in card and f"URL:{ANA_URL}\r\n" in card
    before = store.read("MATCH (p:Person) RETURN p {.*} AS p")
    with store.session() as s:
        s.run(Q.WIPE).consume()
    X.restore_document(store, json.loads(X.dumps(doc)), tmp_path / "export.json")
    assert store.read("MATCH (p:Person) RETURN p {.*} AS p") == before
    restored = store.person(person["id"]).person
    assert restored.connected_on == date(2021, 3, 12) and restored.nickname == "Nani"


def test_contacts_of_one_file_taken_for_one_person_are_counted_and_said(tmp_path):
    """A placeholder phone shared by three entries makes one person of them: the summary says merged, and why."""
    path = google(tmp_path, [f"{given},,{family},,,,,,,Mobile,07700 900123,,"
                             for given, family in (("Ana", "Souza"), ("Bo", "Lind"), ("Chris", "Taylor"))]
                  + ["Dana,,Whit,,,,,,,Mobile,07700 900456,,"])
    plan = plan_import(parse_file(path, ParseOptions(default_region="GB")), PeopleIndex([], [], []))
    s = plan.summary()
    assert (s["created"], s["merged"]) == (2, 1)
    [(line, note)] = plan.notes
    assert line == 2
    assert note.startswith("3 contacts of this file were taken for one person (p-")
    assert "Ana Souza, Bo Lind, Chris Taylor): same phone +447700900123 (lines 2, 3, 4)" in note
    # Against a graph that already holds the person: still said (and counted once, as merged).
    index = PeopleIndex([{"id": "p-old", "name": "Ana Souza", "phones": ["+447700900123"], "sources": ["cli"]}],
                        [], [])
    plan = plan_import(parse_file(path, ParseOptions(default_region="GB")), index)
    assert (plan.summary()["created"], plan.summary()["merged"]) == (1, 1)
    assert [n for _, n in plan.notes][0].startswith("3 contacts of this file were taken for one person (p-old:")


def test_a_file_of_different_people_has_no_such_note(tmp_path):
    path = google(tmp_path, ["Ana,,Souza,,,,,,,Mobile,07700 900123,,", "Bo,,Lind,,,,,,,Mobile,07700 900456,,"])
    plan = plan_import(parse_file(path, ParseOptions(default_region="GB")), PeopleIndex([], [], []))
    assert plan.notes == [] and (plan.created, plan.merged) == (2, 0)


# -- the merge-candidate search, against the plain one it replaced ---------------------------------


def _reference_candidates(existing: list[dict], contacts: list[Contact], not_same) -> list[tuple]:
    """Each new person against every name known before them, one at a time (the rule, written plainly)."""
    people = [(p["id"], fold(p["name"]), bool(p.get("me"))) for p in existing]
    found = []
    for c in contacts:
        pid = f"new:{c.source_id}"
        key = fold(c.name)
        if telling_name(key):
            names = {}
            for other_id, other_key, me in people:
                if not me:
                    names[other_key] = other_id  # the latest bearer of a name is the one named
            best = process.extract(key, list(names), scorer=fuzz.token_sort_ratio, score_cutoff=FUZZY_MIN, limit=5)
            for other_key, score, _ in best:
                if frozenset((pid, names[other_key])) not in not_same:
                    found.append((names[other_key], pid, "same name" if other_key == key else "similar name",
                                  round(score, 1)))
            for other_key, other_id in names.items():
                if (split_name(other_key)[1] == split_name(key)[1] and differ_by_nickname(key, other_key)
                        and frozenset((pid, other_id)) not in not_same):
                    found.append((other_id, pid, "nickname", round(fuzz.token_sort_ratio(key, other_key), 1)))
        people.append((pid, key, False))
    return found


def test_candidates_are_those_of_comparing_each_new_person_with_everyone_before(monkeypatch):
    rng = random.Random(3)
    givens = ["Dan", "Daniel", "Bob", "Robert", "Liz", "Elizabeth", "Ana", "Anna", "Chloé", "Chloe", "Jon", "John"]
    families = ["Smith", "Smyth", "Souza", "Sousa", "Okoro", "Lindqvist", "Lindquist", "Taylor"]
    existing = [{"id": f"old{i}", "name": f"{rng.choice(givens)} {rng.choice(families)}", "sources": []}
                for i in range(40)]
    existing.append({"id": "me", "name": "Dan Smith", "me": True, "sources": []})
    contacts = [Contact("test", f"c{i}", i + 1, f"{rng.choice(givens)} {rng.choice(families)}") for i in range(80)]
    contacts.append(Contact("test", "x1", 99, "X"))  # a name that says nothing: no candidates
    not_same = {frozenset(("old3", "new:c5")), frozenset(("old7", "new:c11"))}
    monkeypatch.setattr("loaders.resolve.kith_id", lambda prefix, key: f"new:{key.split(':', 1)[1]}")
    parsed = ParsedFile("test.csv", "kith-csv", contacts=contacts)
    index = PeopleIndex(existing, [], [tuple(p) for p in not_same])
    plan = plan_import(parsed, index)
    got = [(c.a, c.b, c.reason, c.score) for c in plan.candidates]
    assert got == _reference_candidates(existing, contacts, not_same)
    assert {reason for _, _, reason, _ in got} == {"same name", "similar name", "nickname"}


def test_people_written_meanwhile_are_merged_not_refused(store, tmp_path):
    """The plan creates people outright; one written by someone else since is merged with, as MERGE would."""
    from graph.model import Person

    path = linkedin(tmp_path, [f"Ana,Souza,{ANA_URL},,Northwind,CTO,12 Mar 2021",
                               "Bo,Lind,https://www.linkedin.com/in/bolind,,Copperline,Designer,01 Feb 2019"])
    plan = plan_import(parse_file(path, ParseOptions()), PeopleIndex(*store.people_index_rows()))
    assert all(r["created"] and r["person_created"] for r in plan.source_records)
    ana_id = plan.source_records[0]["person"]
    store.upsert_people([Person(id=ana_id, name="Ana Souza", notes="typed in meanwhile")])
    store.apply_import(plan.people, plan.source_records, plan.changes, plan.network, plan.interaction_hashes)
    assert store.counts()["people"] == 2
    ana = store.person(ana_id).person
    assert ana.notes == "typed in meanwhile" and ana.urls == [ANA_URL]
    rows = store.read("MATCH (r:SourceRecord)-[:DESCRIBES]->(p:Person) RETURN p.id AS p, r.id AS r, r.created AS c")
    assert len(rows) == 2 and all(r["c"] is None for r in rows)  # the plan's flags are not written
