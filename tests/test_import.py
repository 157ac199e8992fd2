"""Imports end to end on the real store: one person per human, nothing lost, nothing half-written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph.model import Person
from loaders.importer import import_file, import_files
from loaders.records import LoadError
from tests.conftest import run_kith

CONNECTIONS_HEADER = """Notes:
"When exporting your connection data, you may notice that some of the email addresses are missing."

First Name,Last Name,URL,Email Address,Company,Position,Connected On
"""


def linkedin(tmp_path: Path, rows: list[str], name: str = "Connections.csv") -> Path:
    path = tmp_path / name
    path.write_text(CONNECTIONS_HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


GOOGLE_HEADER = ("First Name,Middle Name,Last Name,Nickname,Organization Name,Organization Title,Birthday,Notes,"
                 "Labels,E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Label,Phone 1 - Value\n")


def google(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "contacts.csv"
    path.write_bytes(("\ufeff" + GOOGLE_HEADER + "\n".join(rows) + "\n").encode("utf-8"))
    return path


ANA_LI = "Ana,Souza,https://www.linkedin.com/in/anasouza,,Northwind,CTO,12 Mar 2021"
BO_LI = "Bo,Lindqvist,https://www.linkedin.com/in/bolind,bo@lindqvist.se,Copperline,Designer,01 Feb 2019"
CHRIS_LI = "Chris,Taylor,https://www.linkedin.com/in/ctaylor,,Acme,Engineer,05 May 2020"
ANA_G = "Ana,,Souza,,Northwind,Chief Technology Officer,1988-05-17,Met at PyData,* myContacts ::: Work,Work,ana@northwind.io,Mobile,07700 900123"
BO_G = "Björn,,Lindqvist,Bo,,,--11-02,,* myContacts ::: Family,Home,bo@lindqvist.se,,"
CHRIS_G = "Chris,,Taylor,,,,,,* myContacts,,chris.t@gmail.com,Mobile,07700 900456"


def people_by_name(store) -> dict[str, dict]:
    return {r["name"]: r for r in store.read(
        "MATCH (p:Person) RETURN p.name AS name, p.id AS id, p.title AS title, p.also_title AS also_title, "
        "p.also_name AS also_name, p.emails AS emails, p.phones AS phones, p.sources AS sources, p.birthday AS birthday")}


def test_sources_merge_into_one_person_per_human(store, tmp_path):
    first = import_file(store, linkedin(tmp_path, [ANA_LI, BO_LI, CHRIS_LI]), default_region="GB")
    assert first.summary()["created"] == 3
    second = import_file(store, google(tmp_path, [ANA_G, BO_G, CHRIS_G]), default_region="GB")
    s = second.summary()
    # Ana: same name and company. Bo: same email despite another first name. Chris: name alone.
    assert (s["merged"], s["created"], s["merge candidates"]) == (2, 1, 1)
    rules = {rule for _, _, rule in second.plan.merges}
    assert rules == {"same name and company", "same email"}
    people = people_by_name(store)
    assert store.counts()["people"] == 4
    ana = people["Ana Souza"]
    assert ana["title"] == "CTO" and ana["also_title"] == ["Chief Technology Officer"]  # an alternate, not an overwrite
    assert ana["emails"] == ["ana@northwind.io"] and ana["phones"] == ["+447700900123"]
    assert ana["birthday"] == "1988-05-17" and sorted(ana["sources"]) == ["google", "linkedin"]
    assert people["Bo Lindqvist"]["also_name"] == ["Björn Lindqvist"]
    chrises = {r["id"] for r in store.read("MATCH (p:Person {name: 'Chris Taylor'}) RETURN p.id AS id")}
    candidate = second.plan.candidates[0]
    assert candidate.reason == "same name" and {candidate.a, candidate.b} == chrises and len(chrises) == 2


def test_reimport_changes_nothing(store, tmp_path):
    files = [linkedin(tmp_path, [ANA_LI, BO_LI]), google(tmp_path, [ANA_G, BO_G, CHRIS_G])]
    for f in files:
        import_file(store, f, default_region="GB")
    counts, ids = store.counts(), sorted(p["id"] for p in people_by_name(store).values())
    snapshot = store.read("MATCH (p:Person) RETURN p {.*} AS p ORDER BY p.id")
    for f in files:
        again = import_file(store, f, default_region="GB")
        assert again.summary()["created"] == again.summary()["merged"] == again.summary()["updated"] == 0
    assert store.counts() == counts
    assert sorted(p["id"] for p in people_by_name(store).values()) == ids
    assert store.read("MATCH (p:Person) RETURN p {.*} AS p ORDER BY p.id") == snapshot


def test_newer_export_records_a_change(store, tmp_path):
    import_file(store, linkedin(tmp_path, [ANA_LI]))
    newer = linkedin(tmp_path, [ANA_LI.replace("Northwind,CTO", "Northwind,CEO")], name="Connections-2.csv")
    result = import_file(store, newer)
    assert result.summary()["updated"] == 1 and result.summary()["changes"] == 1
    ana = people_by_name(store)["Ana Souza"]
    assert ana["title"] == "CEO" and ana["also_title"] is None
    rows = store.read("MATCH (c:Change)-[:OF]->(p:Person) RETURN c.field AS field, c.old AS old, c.new AS new")
    assert rows == [{"field": "title", "old": "CTO", "new": "CEO"}]


def test_malformed_file_writes_nothing(store, tmp_path):
    import_file(store, linkedin(tmp_path, [ANA_LI]))
    before = store.counts()
    broken = tmp_path / "broken.vcf"  # cut short before its only card ends: nothing in it is whole
    broken.write_text("BEGIN:VCARD\nVERSION:3.0\nFN:Broken Card\nEMAIL:broken@example.com\n", encoding="utf-8")
    with pytest.raises(LoadError) as e:
        import_file(store, broken)
    assert str(e.value).startswith(f"{broken}:1")
    assert store.counts() == before
    binary = tmp_path / "photo.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20)
    with pytest.raises(LoadError):
        import_file(store, binary)
    assert store.counts() == before


def test_a_failure_after_parsing_writes_nothing(store, tmp_path):
    """A file whose last row refers to someone it never defines fails at resolution: nothing lands."""
    store.upsert_people([Person(id="me", name="Alex Morgan", me=True, emails=["alex@example.com"])])
    before = store.counts()
    path = tmp_path / "history.json"
    path.write_text(json.dumps({
        "people": [{"name": "New Friend", "email": "new@friend.org"}],
        "interactions": [{"at": "2025-01-02", "with": "new@friend.org", "channel": "call"}],
        "favors": [{"at": "2025-01-03", "with": "me", "direction": "given", "kind": "advice"}],
    }))
    with pytest.raises(LoadError):
        import_file(store, path)
    assert store.counts() == before


def test_import_files_goes_on_after_a_refused_file(store, tmp_path):
    """The refused file resolved Bo before failing; the next file must not take him as known."""
    refused = tmp_path / "history.json"
    refused.write_text(json.dumps({
        "people": [{"name": "Bo Lindqvist", "email": "bo@lindqvist.se"}],
        "interactions": [{"at": "2025-01-02", "with": "bo@lindqvist.se", "channel": "call"}],  # with you: no owner yet
    }))
    good = linkedin(tmp_path, [ANA_LI, BO_LI])
    outcomes = list(import_files(store, [refused, good]))
    assert [o.path for o in outcomes] == [refused, good]
    assert isinstance(outcomes[0].error, LoadError) and outcomes[0].result is None
    assert f"{refused}:1: this file refers to you" in str(outcomes[0].error)
    assert outcomes[1].error is None and outcomes[1].result.summary()["created"] == 2
    assert store.counts()["people"] == 2


def test_dry_run_writes_nothing_and_says_what_would_happen(store, tmp_path):
    path = linkedin(tmp_path, [ANA_LI, BO_LI])
    dry = import_file(store, path, dry_run=True)
    assert dry.summary()["created"] == 2
    assert store.counts()["people"] == 0
    real = import_file(store, path)
    assert real.summary() == dry.summary()


def test_calendar_links_the_owner_and_known_people(store, tmp_path):
    store.upsert_people([Person(id="me", name="Alex Morgan", me=True, emails=["alex@example.com"])])
    import_file(store, google(tmp_path, [ANA_G]), default_region="GB")
    ics = tmp_path / "cal.ics"
    ics.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\r\n"
        "BEGIN:VEVENT\r\nUID:weekly-1@google.com\r\nDTSTART:20250106T090000Z\r\nDTEND:20250106T093000Z\r\n"
        "RRULE:FREQ=WEEKLY;COUNT=3\r\nSUMMARY:Mentoring\r\n"
        "ORGANIZER;CN=Alex Morgan:mailto:alex@example.com\r\n"
        "ATTENDEE;CN=Ana Souza;PARTSTAT=ACCEPTED:mailto:ANA@northwind.io\r\n"
        "ATTENDEE;CN=Dee New;PARTSTAT=ACCEPTED:mailto:dee@new.org\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n", encoding="utf-8")
    result = import_file(store, ics)
    assert result.summary()["interactions"] == 3
    rows = store.read("MATCH (i:Interaction)-[:WITH]->(p:Person) RETURN i.id AS id, collect(p.name) AS who")
    assert len(rows) == 3 and all(sorted(r["who"]) == ["Alex Morgan", "Ana Souza", "Dee New"] for r in rows)
    assert store.counts()["people"] == 3  # Ana matched by email, Dee created once, the owner recognised


def test_edge_list_imports_a_community(store, tmp_path):
    path = tmp_path / "msgs.txt"
    path.write_text("src dst time\n1 2 1082040961\n2 1 1082155839\n3 1 1082414391\n1 2 1082040961\n")
    result = import_file(store, path)
    assert store.counts()["people"] == 3 and store.counts()["interactions"] == 4
    assert result.summary()["merge candidates"] == 0
    assert import_file(store, path).summary()["interactions"] == 0


def test_cli_import_summary_and_errors(store, tmp_path):
    good = linkedin(tmp_path, [ANA_LI, BO_LI])
    dry = run_kith("import", str(good), "--dry-run")
    assert dry.returncode == 0 and "dry run" in dry.stdout and "2 created" in dry.stdout
    assert store.counts()["people"] == 0
    bad = tmp_path / "bad.csv"
    bad.write_text("Who,What\nx,y\n")
    done = run_kith("import", str(good), str(bad))
    assert done.returncode == 1
    assert f"{bad}:1" in done.stderr and "nothing from this file was written" in done.stderr
    assert "2 created" in done.stdout and store.counts()["people"] == 2
