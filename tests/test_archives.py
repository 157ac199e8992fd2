"""Whole exports straight from their .zip (loaders/archive.py): a LinkedIn data export and a Google
Takeout, each one file for Kith, all or nothing; and zips that are not exports, or are hostile."""

from __future__ import annotations

import shutil
import stat
import tempfile
import zipfile
from datetime import date
from pathlib import Path

import pytest

from graph.model import Person
from loaders import archive
from loaders.detect import detect
from loaders.examples.make_zips import SAMPLES, build
from loaders.importer import import_file
from loaders.parse import parse_file
from loaders.records import ME, LoadError, ParseOptions
from tests.conftest import run_kith

EXAMPLES = Path(__file__).resolve().parent.parent / "loaders" / "examples"
LINKEDIN = EXAMPLES / "linkedin-export"
TAKEOUT = EXAMPLES / "takeout"
ANA, BO, CHRIS, DEE = (f"https://www.linkedin.com/in/{n}" for n in ("anasouza", "bolind", "ctaylor", "deeokafor"))
FRANK, EVE = "https://www.linkedin.com/in/frankng", "https://www.linkedin.com/in/evepark"
MAIL = "Takeout/Mail/All mail Including Spam and Trash.mbox"


@pytest.fixture
def linkedin_zip(tmp_path) -> Path:
    return build(LINKEDIN, tmp_path / "Basic_LinkedInDataExport_12-01-2026.zip")


def copy_of(source: Path, tmp_path: Path, name: str) -> Path:
    """A copy of a sample folder, to change a member of it."""
    return Path(shutil.copytree(source, tmp_path / name))


def takeout_zip(tmp_path: Path, *, mail: bool) -> Path:
    """The Takeout sample, without its mailbox unless ``mail`` (the mbox reader is another module's)."""
    source = copy_of(TAKEOUT, tmp_path, "takeout-source")
    if not mail:
        (source / MAIL).unlink()
    return build(source, tmp_path / "takeout-20261201T080000Z-001.zip")


def zip_of(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def by_id(contacts):
    return {c.source_id: c for c in contacts}


# -- parsing --------------------------------------------------------------------------------

def test_each_archive_is_told_by_its_members(linkedin_zip, tmp_path):
    assert detect(linkedin_zip) == "linkedin-zip"
    assert detect(takeout_zip(tmp_path, mail=True)) == "takeout-zip"
    other = zip_of(tmp_path / "holiday.zip", {"photos/beach.jpg": b"\xff\xd8", "notes.txt": b"sun"})
    with pytest.raises(LoadError) as e:
        detect(other)
    assert "neither a LinkedIn data export nor a Google Takeout" in str(e.value)
    assert "'photos/beach.jpg', 'notes.txt'" in str(e.value)
    with pytest.raises(LoadError, match="it holds no files"):
        detect(zip_of(tmp_path / "empty.zip", {"folder/": b""}))


def test_a_linkedin_export_says_who_you_are_and_who_you_know(linkedin_zip):
    parsed = parse_file(linkedin_zip, ParseOptions())
    assert parsed.format == "linkedin-zip" and parsed.path == str(linkedin_zip)
    owner = parsed.owner  # Profile.csv, Email Addresses.csv, Positions.csv, Skills.csv, messages.csv joined
    assert (owner.name, owner.source_id) == ("Alex Morgan", "https://www.linkedin.com/in/alexmorgan")
    assert owner.emails == ["alex@example.com", "alex.morgan@gmail.com"]  # the primary address first
    assert (owner.company, owner.title, owner.location) == ("Kith Labs", "Founder", "London, England, United Kingdom")
    # Your skills: the profile's and those others vouched for (not the endorsement you hid).
    assert sorted(owner.skills) == ["Product Strategy", "Public Speaking", "Python", "Team Leadership"]
    people = by_id(parsed.contacts)
    # Eve only got an invitation; Gita is in the address book you let LinkedIn import.
    assert sorted(people) == sorted([ANA, BO, CHRIS, DEE, FRANK, "email:gita.rao@gmail.com"])
    # One contact per person, whichever members speak of them: Connections.csv, endorsements, messages.
    assert people[ANA].skills == ["Distributed Systems"] and people[ANA].company == "Northwind"
    assert people[CHRIS].skills == ["Python"]
    assert people[ANA].notes == "Endorsed you on LinkedIn for Python"  # who vouched for what
    assert people[FRANK].notes == "Endorsed you on LinkedIn for Public Speaking" and people[FRANK].name == "Frank Ng"
    assert len(parsed.activities) == 3 and {a.kind for a in parsed.activities} == {"message"}
    favors = {(f.direction, f.person) for f in parsed.favors}
    assert favors == {("received", f"contact:{BO}"), ("given", f"contact:{CHRIS}")}
    assert all(f.kind == "recommendation" and len(f.note) <= 120 for f in parsed.favors)
    reasons = [reason for _, reason in parsed.skipped]
    assert "Learning.csv: not read" in reasons
    assert "Endorsement_Received_Info.csv: endorsement rejected, not kept" in reasons
    assert any(r.startswith("Invitations.csv: invitation not (yet) accepted (Eve Park") for r in reasons)


def test_invitations_say_since_when_and_who_asked(linkedin_zip):
    ties = {t.b: t for t in parse_file(linkedin_zip, ParseOptions()).ties}
    assert set(ties) == {f"contact:{u}" for u in (ANA, BO, CHRIS, DEE)} and all(t.a == ME for t in ties.values())
    assert ties[f"contact:{ANA}"].since == date(2021, 3, 10)  # invited two days before Connections.csv's date
    assert ties[f"contact:{ANA}"].context == "LinkedIn connection; LinkedIn invitation: they invited you"
    assert ties[f"contact:{DEE}"].context.endswith("you invited them")
    assert ties[f"contact:{BO}"].since == date(2019, 2, 1) and ties[f"contact:{BO}"].context == "LinkedIn connection"


def test_a_takeout_says_who_you_are_and_who_you_meet(tmp_path):
    parsed = parse_file(takeout_zip(tmp_path, mail=False), ParseOptions())
    assert parsed.format == "takeout-zip"
    assert (parsed.owner.name, parsed.owner.emails) == ("Alex Morgan", ["alex@example.com"])
    assert {c.name for c in parsed.contacts} == {"Ana Souza", "Gita Rao", "Hugo Brandt"}
    assert len(parsed.activities) == 2 and all(ME in a.participants for a in parsed.activities)
    assert [r for _, r in parsed.skipped] == ["Takeout/archive_browser.html: not read"]


def test_a_takeout_label_exported_as_csv_is_read_as_google_csv(tmp_path):
    source = copy_of(TAKEOUT, tmp_path, "csv-takeout")
    (source / MAIL).unlink()
    label = source / "Takeout" / "Contacts" / "Starred"
    label.mkdir()
    (label / "Starred.csv").write_text("First Name,Middle Name,Last Name,Labels,E-mail 1 - Label,E-mail 1 - Value\n"
                                       "Ivo,,Petrov,* starred,Work,ivo@petrov.bg\n", encoding="utf-8")
    parsed = parse_file(build(source, tmp_path / "csv.zip"), ParseOptions())
    assert [(c.source, c.name, c.emails) for c in parsed.contacts if c.source == "google"] == [
        ("google", "Ivo Petrov", ["ivo@petrov.bg"])]


def test_a_takeout_with_mail_reads_the_mailbox(tmp_path):
    pytest.importorskip("loaders.mbox")
    parsed = parse_file(takeout_zip(tmp_path, mail=True), ParseOptions())
    assert parsed.owner.name == "Alex Morgan" and "alex@example.com" in parsed.owner.emails
    assert len(parsed.activities) == 4  # two meetings, two mails
    assert {"email:ana@northwind.io", ME} <= {p for a in parsed.activities for p in a.participants}


def test_without_a_profile_your_ties_wait_for_you(tmp_path):
    source = copy_of(LINKEDIN, tmp_path, "anonymous")
    for name in ("Profile.csv", "Email Addresses.csv", "messages.csv"):
        (source / name).unlink()
    parsed = parse_file(build(source, tmp_path / "anonymous.zip"), ParseOptions())
    assert parsed.owner is None and parsed.ties == [] and len(parsed.contacts) == 6
    reasons = [r for _, r in parsed.skipped]
    assert any(r.startswith("your skills and position left out") for r in reasons)
    assert any(r.startswith("4 ties with you left out") for r in reasons)


def test_a_profile_that_is_not_yours_in_kith_is_said_not_guessed(store, linkedin_zip):
    store.upsert_people([Person(id="me", name="Sam Rivera", me=True, emails=["sam@example.com"])])
    result = import_file(store, linkedin_zip)
    me = store.person("me").person
    assert me.emails == ["sam@example.com"] and me.skills == [] and me.company is None
    assert not store.read("MATCH (p:Person) WHERE p.name = 'Alex Morgan' RETURN p.id AS id")  # nor a contact
    assert any("not yours by name or address" in note and "kith me --email alex@example.com" in note
               for _, note in result.plan.notes)


def test_a_member_that_inflates_past_its_declared_size_is_refused(tmp_path):
    """A zip bomb's trick: a small declared size in the headers, more data in the stream."""
    data = b'{"displayName": "Alex Morgan", "emails": [{"value": "alex@example.com"}]}' + b" " * 5_000
    path = zip_of(tmp_path / "liar.zip", {"Takeout/Profile/Profile.json": data})
    raw = bytearray(path.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):  # local and central headers
        at = raw.find(signature) + offset
        raw[at:at + 4] = (100).to_bytes(4, "little")
    path.write_bytes(bytes(raw))
    with pytest.raises(LoadError, match="Profile.json: cannot be extracted .*a damaged archive"):
        parse_file(path, ParseOptions())


def test_a_broken_member_refuses_the_archive_naming_member_and_line(tmp_path):
    source = copy_of(LINKEDIN, tmp_path, "broken")
    with (source / "Connections.csv").open("a", encoding="utf-8") as f:
        f.write('Eve,Park,https://www.linkedin.com/in/evepark,,"Initech,CEO,01 Dec 2026\n')  # a quote never closed
    broken = build(source, tmp_path / "broken.zip")
    with pytest.raises(LoadError) as e:
        parse_file(broken, ParseOptions())
    assert e.value.path == f"{broken} › Connections.csv" and e.value.line == 9
    assert str(e.value).startswith(f"{broken} › Connections.csv:9: broken CSV")


def test_hostile_archives_are_refused_before_anything_is_extracted(tmp_path, monkeypatch):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    climbing = zip_of(tmp_path / "climb.zip", {"Connections.csv": b"x", "../../.bashrc": b"echo pwned"})
    with pytest.raises(LoadError, match=r"member '\.\./\.\./\.bashrc' has a path outside the archive"):
        parse_file(climbing, ParseOptions(), format="linkedin-zip")
    absolute = zip_of(tmp_path / "abs.zip", {"Takeout/Profile/Profile.json": b"{}", "/etc/cron.d/x": b"* * * * *"})
    with pytest.raises(LoadError, match="path outside the archive"):
        detect(absolute)
    # A member that inflates past the bound of one file: refused on its declared size.
    big = zip_of(tmp_path / "big.zip", {"Takeout/Contacts/My Contacts/My Contacts.vcf": b"\0" * 200_000})
    assert big.stat().st_size < 2_000
    with pytest.raises(LoadError, match=r"hold 195\.3 KB uncompressed|hold 200,000 bytes uncompressed|more than the"):
        parse_file(big, ParseOptions(max_bytes=100_000))
    monkeypatch.setattr(archive, "MAX_MEMBERS", 3)
    many = zip_of(tmp_path / "many.zip", {f"Takeout/Contacts/{n}.vcf": b"" for n in range(4)})
    with pytest.raises(LoadError, match="4 entries, more than the 3"):
        parse_file(many, ParseOptions())
    not_zip = tmp_path / "cut.zip"
    not_zip.write_bytes(b"PK\x03\x04" + b"\0" * 40)
    with pytest.raises(LoadError, match="not a readable zip archive"):
        parse_file(not_zip, ParseOptions())
    assert list(scratch.iterdir()) == []  # nothing extracted, no temporary directory left


def test_links_are_not_followed_and_temporary_files_are_removed(tmp_path, monkeypatch, linkedin_zip):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    with zipfile.ZipFile(linkedin_zip, "a") as zf:
        link = zipfile.ZipInfo("Skills.csv.lnk")
        link.create_system, link.external_attr = 3, (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, "/etc/passwd")
    parsed = parse_file(linkedin_zip, ParseOptions())
    assert "Skills.csv.lnk: a symbolic link, not read" in [r for _, r in parsed.skipped]
    assert list(scratch.iterdir()) == []


def test_the_committed_sample_zips_match_their_folders():
    """`python -m loaders.examples.make_zips` after changing a sample file."""
    for folder, name in SAMPLES.items():
        files = {p.relative_to(EXAMPLES / folder).as_posix(): p.read_bytes()
                 for p in sorted((EXAMPLES / folder).rglob("*")) if p.is_file()}
        with zipfile.ZipFile(EXAMPLES / name) as zf:
            assert {n: zf.read(n) for n in zf.namelist()} == files, f"rebuild {name}"


# -- importing into the store ---------------------------------------------------------------

def everyone(store) -> list[dict]:
    return store.read("MATCH (p:Person) RETURN p {.*} AS p ORDER BY p.id")


def test_a_linkedin_export_imports_in_one_command_and_teaches_the_owner(store, linkedin_zip):
    assert store.owner() is None
    first = import_file(store, linkedin_zip)
    owner = store.owner()
    assert owner is not None and owner["name"] == "Alex Morgan"
    me = store.person(owner["id"]).person
    assert "Public Speaking" in me.skills and sorted(me.emails) == ["alex.morgan@gmail.com", "alex@example.com"]
    s = first.summary()
    assert (s["created"], s["interactions"], s["ties"], s["favors"]) == (7, 3, 4, 2)  # you and 6 people
    assert store.counts()["people"] == 7
    snapshot = everyone(store)
    again = import_file(store, linkedin_zip).summary()
    assert (again["created"], again["updated"], again["merged"], again["changes"]) == (0, 0, 0, 0)
    assert everyone(store) == snapshot


def test_an_export_joins_the_owner_kith_already_has_by_address(store, linkedin_zip):
    store.upsert_people([Person(id="me", name="Alex Morgan", me=True, emails=["alex@example.com"])])
    import_file(store, linkedin_zip)
    assert store.owner()["id"] == "me" and store.counts()["people"] == 7
    me = store.person("me").person
    assert "Product Strategy" in me.skills and me.company == "Kith Labs"
    assert "alex.morgan@gmail.com" in me.emails


def test_an_export_joins_an_owner_kith_knows_only_by_name(store, linkedin_zip):
    """`kith me --name` and nothing else, then your LinkedIn export: its profile is yours (before, it was
    said and left out, and your addresses stayed unknown to every later import)."""
    store.upsert_people([Person(id="me", name="Alex Morgan", me=True)])
    first = import_file(store, linkedin_zip)
    assert store.owner()["id"] == "me" and store.counts()["people"] == 7
    me = store.person("me").person
    assert sorted(me.emails) == ["alex.morgan@gmail.com", "alex@example.com"] and me.company == "Kith Labs"
    assert "Public Speaking" in me.skills
    assert any("now yours too (this file is yours: it bears your name)" in note for _, note in first.plan.notes)
    again = import_file(store, linkedin_zip).summary()
    assert (again["created"], again["updated"], again["merged"]) == (0, 0, 0)


def test_an_export_of_someone_else_does_not_become_an_owner_known_only_by_name(store, linkedin_zip):
    store.upsert_people([Person(id="me", name="Sam Rivera", me=True)])
    result = import_file(store, linkedin_zip)
    me = store.person("me").person
    assert me.emails == [] and me.skills == [] and me.company is None
    assert any("not yours by name or address" in note and "kith me --email alex@example.com" in note
               for _, note in result.plan.notes)


def test_an_export_bearing_your_name_joins_you_though_kith_knew_another_address(store, linkedin_zip):
    store.upsert_people([Person(id="me", name="Alex Morgan", me=True, emails=["alex@work.example"])])
    result = import_file(store, linkedin_zip)
    me = store.person("me").person
    assert sorted(me.emails) == ["alex.morgan@gmail.com", "alex@example.com", "alex@work.example"]
    assert any("now yours too (this file is yours: it bears your name)" in note for _, note in result.plan.notes)


def test_a_broken_member_writes_nothing(store, tmp_path):
    source = copy_of(LINKEDIN, tmp_path, "broken")
    (source / "Invitations.csv").write_text('From,To,Sent At,Message,Direction,inviterProfileUrl,inviteeProfileUrl\n'
                                            '"Ana Souza,Alex Morgan,3/10/21\n', encoding="utf-8")  # quote never closed
    broken = build(source, tmp_path / "broken.zip")
    with pytest.raises(LoadError, match="Invitations.csv"):
        import_file(store, broken)
    assert store.counts()["people"] == 0 and store.owner() is None


def test_a_takeout_imports_in_one_command(store, tmp_path):
    path = takeout_zip(tmp_path, mail=False)
    import_file(store, path)
    assert store.owner()["name"] == "Alex Morgan"
    assert store.counts()["people"] == 4  # you, Ana (card and calendar: one), Gita, Hugo
    snapshot = everyone(store)
    again = import_file(store, path).summary()
    assert (again["created"], again["updated"], again["merged"]) == (0, 0, 0) and everyone(store) == snapshot


def test_a_takeout_with_mail_imports_in_one_command(store):
    pytest.importorskip("loaders.mbox")
    path = EXAMPLES / SAMPLES["takeout"]
    first = import_file(store, path).summary()
    assert store.owner()["name"] == "Alex Morgan" and first["interactions"] == 4
    assert store.counts()["people"] == 4  # the mail adds no one new: Ana and Hugo are known by address
    snapshot = everyone(store)
    again = import_file(store, path).summary()
    assert (again["created"], again["updated"], again["merged"]) == (0, 0, 0) and everyone(store) == snapshot


def test_the_command_line_imports_the_sample_archive(store):
    done = run_kith("import", "loaders/examples/linkedin-export.zip")
    assert done.returncode == 0, done.stderr
    assert "loaders/examples/linkedin-export.zip (linkedin-zip)" in done.stdout
    assert "7 created" in done.stdout and store.owner()["name"] == "Alex Morgan"
    again = run_kith("import", "loaders/examples/linkedin-export.zip")
    assert again.returncode == 0 and "0 created, 0 updated, 0 merged" in again.stdout
