"""`kith export`: the graph leaves whole and comes back exactly; vCards that address books read.

Round trips run on real homes (the demo's, the session's, new empty ones with their own embedded
server) through the real CLI; "exactly" is checked on every node's and every relationship's
properties, on the counts per label and type, and on every plain report for one date.
"""

from __future__ import annotations

import json
import os
import stat
from collections import Counter
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from graph import queries as Q
from graph.server import EmbeddedServer
from graph.store import Store
from kith import export as X
from kith.errors import LoadError
from reports import registry
from tests.conftest import ROOT, SUITE_TODAY, run_kith

AS_OF = "2026-12-02"  # the reports' date, whatever day the suite runs as of


@pytest.fixture
def new_home(tmp_path):
    """Empty KITH_HOMEs, each with its own embedded server, stopped at the end."""
    made: list[Path] = []

    def make(name: str) -> Path:
        home = tmp_path / name
        home.mkdir()
        made.append(home)
        return home

    yield make
    for home in made:
        EmbeddedServer(home).stop()


def kith(home: Path, *args: str, ok: bool = True):
    done = run_kith(*args, env={"KITH_HOME": str(home)})
    if ok:
        assert done.returncode == 0, done.stderr
    return done


def _plain(value):
    if hasattr(value, "to_native"):
        value = value.to_native()
    if isinstance(value, datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    if isinstance(value, list):
        return tuple(_plain(v) for v in value)
    return value


def snapshot(store: Store) -> tuple[Counter, Counter]:
    """Every node and relationship with all its properties (Kith's bookkeeping aside), as multisets."""
    with store.session() as s:
        nodes = Counter((tuple(r["labels"]), tuple(sorted((k, _plain(v)) for k, v in r["props"].items())))
                        for r in s.run(Q.EXPORT_NODES) if r["labels"] != ["KithState"])
        rels = Counter((r["type"], r["start"], r["end"], tuple(sorted((k, _plain(v)) for k, v in r["props"].items())))
                       for r in s.run(Q.EXPORT_RELATIONSHIPS))
    return nodes, rels


def counts(store: Store) -> tuple[dict, dict]:
    labels = {r["label"]: r["n"] for r in store.read(Q.LABEL_COUNTS) if r["label"] != "KithState"}
    return labels, {r["type"]: r["n"] for r in store.read(Q.REL_COUNTS)}


def reports(home: Path) -> dict[str, str]:
    return {kind: kith(home, "report", kind, "--as-of", AS_OF, "--format", "md").stdout for kind in registry.PLAIN}


# -- the demo, exported and restored into an empty home ---------------------------------------


def test_demo_export_restores_exactly_into_an_empty_home(demo_home, demo_store, new_home, tmp_path):
    path = tmp_path / "export.json"
    done = kith(demo_home, "export", "--out", str(path))
    assert done.stdout.startswith("exported 296 people, ") and str(path) in done.stdout
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert list(doc)[0] == "kith_export" and doc["kith_export"]["version"] == 1
    assert datetime.fromisoformat(doc["kith_export"]["exported_at"]).date() == date.fromisoformat(
        os.environ.get("KITH_TODAY", SUITE_TODAY)[:10])
    assert doc["other_nodes"] == doc["other_relationships"] == []  # every node and tie has its own array
    before, before_counts = snapshot(demo_store), counts(demo_store)
    assert doc["kith_export"]["counts"] == {"nodes": before_counts[0], "relationships": before_counts[1]}

    restored = new_home("restored")
    done = kith(restored, "import", str(path))
    assert "(kith-export)" in done.stdout and "296 people" in done.stdout
    with Store.connect(restored) as store:
        assert counts(store) == before_counts
        assert snapshot(store) == before
        assert store.owner() == demo_store.owner()
        # Lists Kith reads off relationships (tags, skills …) come back in the order they were in.
        assert sorted(store.read(Q.PEOPLE_INDEX), key=lambda r: r["props"]["id"]) == sorted(
            demo_store.read(Q.PEOPLE_INDEX), key=lambda r: r["props"]["id"])
    assert reports(restored) == reports(demo_home)


def test_export_uses_the_kith_format_names(demo_home, demo_store, tmp_path):
    doc = json.loads(kith(demo_home, "export").stdout)  # no --out: standard output
    marcus = next(p for p in doc["people"] if p["name"] == "Marcus Whitfield")
    stored = demo_store.person(marcus["id"]).person  # the demo's dates move with the day it is built for
    assert marcus["email"] == stored.emails and len(stored.emails) == 2 and marcus["phone"] == stored.phones
    assert marcus["birthday"] == str(stored.birthday) and marcus["birth_year"] == stored.birthday.year
    assert marcus["tags"] == ["ex-colleague"] and set(marcus["skills"]) == {"data strategy", "leadership"}
    assert marcus["note"].startswith("Former skip-level") and "notes" not in marcus and "emails" not in marcus
    me = next(p for p in doc["people"] if p.get("me"))
    assert me["id"] == "me"
    talk = next(i for i in doc["interactions"] if len(i["with"]) > 2)
    assert {"id", "at", "with", "channel", "kind", "source"} <= set(talk) and "me" in talk["with"]
    assert datetime.fromisoformat(talk["at"]).tzinfo is not None
    intro = doc["introductions"][0]
    assert {"id", "at", "a", "b", "with", "status"} <= set(intro)
    assert {"a", "b"} <= set(doc["knows"][0]) and {"person", "organization", "title"} <= set(doc["employments"][0])


# -- provenance: source records, changes, merges, people said to differ ------------------------


def _history_with_provenance(store, tmp_path: Path) -> None:
    """The session home with everything an import and a merge leave behind."""
    kith(Path(os.environ["KITH_HOME"]), "me", "--name", "Alex Morgan", "--email", "alex@example.com")
    kith(Path(os.environ["KITH_HOME"]), "import", str(ROOT / "loaders/examples/kith-history.csv"))
    vcf = tmp_path / "contacts.vcf"
    card = ("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Priya Raman\r\nN:Raman;Priya;;;\r\nUID:priya-1\r\n"
            "EMAIL:priya.raman@example.com\r\nNOTE:Met at a conference\\, London\r\n"
            "END:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nFN:Tom Becket\r\nUID:tom-2\r\nTEL:07700 900999\r\n"
            "TITLE:{title}\r\nEND:VCARD\r\n")
    vcf.write_text(card.format(title="Data Lead"), encoding="utf-8")
    kith(Path(os.environ["KITH_HOME"]), "import", str(vcf))
    vcf.write_text(card.format(title="Head of Data"), encoding="utf-8")  # the same source, a new title
    kith(Path(os.environ["KITH_HOME"]), "import", str(vcf))
    tom = store.resolve("Tom Becket")
    store.merge(store.resolve("Priya Raman"), tom)
    store.undo_merge()
    store.not_same(tom, store.resolve("Sam Okoro"))


def test_provenance_round_trips(store, new_home, tmp_path):
    _history_with_provenance(store, tmp_path)
    labels, rels = counts(store)
    assert labels["SourceRecord"] >= 6 and labels["Change"] >= 1 and labels["Merge"] == 1
    assert rels["DESCRIBES"] >= 6 and rels["OF"] >= 1 and rels["NOT_SAME"] == 1
    path = tmp_path / "history.json"
    kith(Path(os.environ["KITH_HOME"]), "export", "--out", str(path))
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert len(doc["source_records"]) == labels["SourceRecord"] and all(r["person"] for r in doc["source_records"])
    assert doc["changes"][0]["field"] == "title" and doc["merges"][0]["undone"] is True
    assert len(doc["not_same"]) == 1 and doc["other_nodes"] == doc["other_relationships"] == []

    restored = new_home("restored")
    done = kith(restored, "import", str(path), "--dry-run")
    assert "dry run: nothing written" in done.stdout
    with Store.connect(restored) as copy:
        assert copy.read(Q.GRAPH_SIZE)[0]["nodes"] == 0
        kith(restored, "import", str(path))
        assert snapshot(copy) == snapshot(store) and counts(copy) == (labels, rels)
        assert copy.owner() == store.owner()
    # What was imported before is recognised after: re-importing the same file changes nothing.
    again = kith(restored, "import", str(ROOT / "loaders/examples/kith-history.csv"))
    assert "0 created, 0 updated, 0 merged" in again.stdout


def test_restore_into_a_home_that_is_not_empty_is_refused(store, tmp_path):
    _history_with_provenance(store, tmp_path)
    path = tmp_path / "history.json"
    kith(Path(os.environ["KITH_HOME"]), "export", "--out", str(path))
    before = snapshot(store)
    done = kith(Path(os.environ["KITH_HOME"]), "import", str(path), ok=False)
    assert done.returncode == 1
    (line,) = done.stderr.strip().splitlines()
    assert str(path) in line and "restores only into an empty home" in line and "KITH_HOME=" in line
    assert "nothing from this file was written" in line
    assert snapshot(store) == before


def test_a_broken_export_writes_nothing(new_home, tmp_path, demo_home):
    doc = json.loads(kith(demo_home, "export").stdout)
    doc["interactions"][5]["with"].append("p-nobody")  # a participant the file does not have
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    home = new_home("broken")
    done = kith(home, "import", str(path), ok=False)
    assert done.returncode == 1 and "interactions[6]" in done.stderr and "p-nobody" in done.stderr
    with Store.connect(home) as copy:
        assert copy.read(Q.GRAPH_SIZE)[0]["nodes"] == 0


# -- pure parts: values, the composer, the plan ----------------------------------------------


def test_values_keep_their_type():
    when = datetime(2025, 5, 1, 9, 30, tzinfo=timezone.utc)
    cases = [("at", when), ("since", date(2020, 1, 2)), ("snapshot", date(2020, 1, 2)), ("note", when),
             ("at", "2020-01-02"), ("until", "soon"), ("tags", [date(2020, 1, 2), "x"]), ("n", 3), ("me", True)]
    for name, value in cases:
        encoded = json.loads(json.dumps(X.encode(value, name)))
        assert X.decode(encoded, name) == value and type(X.decode(encoded, name)) is type(value), (name, value)
    assert X.encode(when, "at") == "2025-05-01T09:30:00+00:00" and X.encode(date(2020, 1, 2), "x") == {
        "$date": "2020-01-02"}
    assert X.encode(datetime(2025, 5, 1, 9, 30), "at") == "2025-05-01T09:30:00+00:00"  # no zone: UTC
    with pytest.raises(X.ExportError, match="cannot export property 'odd'"):
        X.encode(object(), "odd")


def test_what_no_array_describes_is_kept_and_refused_on_restore(tmp_path):
    nodes = [{"labels": ["Person"], "props": {"id": "me", "name": "Me", "me": True}},
             {"labels": ["Person"], "props": {"id": "p1", "name": "P", "note": "a property named like a field"}},
             {"labels": ["Widget"], "props": {"id": "w1", "size": 3}},
             {"labels": ["KithState"], "props": {"id": "state", "version": "v-1"}}]
    rels = [{"type": "OWNS", "start": "me", "start_labels": ["Person"], "end": "w1", "end_labels": ["Widget"],
             "props": {}}]
    doc = X.compose(nodes, rels, exported_at=datetime(2026, 1, 1, tzinfo=timezone.utc))
    assert doc["other_nodes"][1] == {"labels": ["Widget"], "props": {"id": "w1", "size": 3}}
    assert [p["id"] for p in doc["people"]] == ["me"] and doc["other_nodes"][0]["props"]["note"]  # kept whole
    assert doc["other_relationships"][0]["type"] == "OWNS"
    assert doc["kith_export"]["counts"] == {"nodes": {"Person": 2, "Widget": 1}, "relationships": {"OWNS": 1}}
    with pytest.raises(LoadError, match=r"other_nodes\[2\]: a node labelled 'Widget', which Kith cannot restore"):
        X.plan_restore(tmp_path / "x.json", doc)
    doc["other_nodes"].pop()
    doc["other_relationships"].clear()
    plan = X.plan_restore(tmp_path / "x.json", doc)
    assert sorted(r["props"]["id"] for r in plan.nodes["Person"]) == ["me", "p1"]
    assert next(r for r in plan.nodes["Person"] if r["props"]["id"] == "p1")["props"]["note"]


def test_two_owners_or_an_unknown_key_are_refused(tmp_path):
    people = [{"id": "a", "name": "A", "me": True}, {"id": "b", "name": "B", "me": True}]
    header = {"version": 1, "exported_at": "2026-01-01T00:00:00+00:00"}
    with pytest.raises(LoadError, match="more than one owner"):
        X.plan_restore(tmp_path / "x.json", {"kith_export": header, "people": people})
    with pytest.raises(LoadError, match="unknown key 'peeple'"):
        X.plan_restore(tmp_path / "x.json", {"kith_export": header, "peeple": []})
    with pytest.raises(LoadError, match="version 2"):
        X.plan_restore(tmp_path / "x.json", {"kith_export": {**header, "version": 2}})


# -- vCard 4.0 ---------------------------------------------------------------------------------


def test_vcard_escapes_and_folds():
    assert X.escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    line = "NOTE:" + "Zoë " * 40
    folded = X.fold_line(line)
    physical = folded.split("\r\n")[:-1]
    assert all(len(p.encode("utf-8")) <= 75 for p in physical) and all(p.startswith(" ") for p in physical[1:])
    assert "".join(p[1:] if i else p for i, p in enumerate(physical)) == line  # unfolds to the line
    card = X.vcard({"id": "p-1", "name": "Zoë O'Brien; Jr.", "given_name": "Zoë", "family_name": "O'Brien",
                    "email": ["zoe@example.com"], "phone": ["+447700900123"], "birthday": "--05-17",
                    "note": "Met at PyData, London\nLikes jazz", "health_notes": "asthma",
                    "tags": ["ex-colleague", "a,b"]}, revised=datetime(2026, 12, 2, 10, tzinfo=timezone.utc))
    assert card.startswith("BEGIN:VCARD\r\nVERSION:4.0\r\n") and card.endswith("END:VCARD\r\n")
    assert "FN:Zoë O'Brien\\; Jr.\r\n" in card and "N:O'Brien;Zoë;;;\r\n" in card and "BDAY:--0517\r\n" in card
    assert "NOTE:Met at PyData\\, London\\nLikes jazz\r\n" in card and "asthma" not in card
    assert "CATEGORIES:ex-colleague,a\\,b\r\n" in card and "REV:20261202T100000Z\r\n" in card


def test_vcard_export_reimports_with_the_same_people(demo_home, demo_store, new_home, tmp_path):
    path = tmp_path / "contacts.vcf"
    done = kith(demo_home, "export", "--format", "vcard", "--out", str(path))
    assert done.stdout.startswith("exported 295 contacts as vCard 4.0")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    data = path.read_bytes()
    assert data.count(b"BEGIN:VCARD") == 295 and b"\n" not in data.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    assert b"Alex Morgan" not in data.split(b"BEGIN:VCARD")[1]  # not you, unless --include-me
    health = [X.escape(r["h"]) for r in demo_store.read(
        "MATCH (p:Person) WHERE p.health_notes IS NOT NULL RETURN p.health_notes AS h")]
    assert health and not any(h in data.decode("utf-8").replace("\r\n ", "") for h in health)
    with_health = kith(demo_home, "export", "--format", "vcard", "--health", "--include-me").stdout
    unfolded = with_health.replace("\n ", "")  # text mode: CRLF read as \n
    assert with_health.count("BEGIN:VCARD") == 296 and all(h in unfolded for h in health)

    vobject = pytest.importorskip("vobject")
    cards = list(vobject.readComponents(data.decode("utf-8")))
    assert len(cards) == 295 and all(c.version.value == "4.0" for c in cards)

    home = new_home("vcards")
    kith(home, "import", str(path))
    want = demo_store.read("MATCH (p:Person) WHERE p.me IS NULL RETURN p.name AS name, p.emails AS emails, "
                           "p.phones AS phones, p.birthday AS birthday ORDER BY name")
    with Store.connect(home) as copy:
        got = copy.read("MATCH (p:Person) RETURN p.name AS name, p.emails AS emails, p.phones AS phones, "
                        "p.birthday AS birthday ORDER BY name")
    assert got == want


def test_export_mistakes_are_one_line_and_write_nothing(store, tmp_path):
    home = Path(os.environ["KITH_HOME"])
    done = kith(home, "export", "--format", "xml", "--out", str(tmp_path / "x"), ok=False)
    assert done.returncode == 1 and done.stderr.strip() == "error: --format 'xml': choose json, vcard"
    assert not (tmp_path / "x").exists()
    done = kith(home, "export", "--out", str(tmp_path / "no" / "such" / "dir.json"), ok=False)
    assert done.returncode == 1 and len(done.stderr.strip().splitlines()) == 1 and "cannot write" in done.stderr
    assert kith(home, "export", "--out", str(tmp_path / "empty.json")).stdout.startswith("exported an empty graph")
    done = kith(home, "import", str(tmp_path / "empty.json"))  # an empty graph restores into an empty home
    assert "(kith-export)" in done.stdout and "0 nodes, 0 relationships" in done.stdout
