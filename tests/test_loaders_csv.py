"""The CSV, JSON and edge-list loaders: detection, field mapping, normalization, stable ids and refusals.

Pure parsing, no database. Each fixture is written the way the real export writes it, quirks
included (LinkedIn's notes above the header, Google's BOM and ``:::`` lists, Outlook's
Windows-1252 and ``0/0/00``).
"""

from __future__ import annotations

import csv
import io
import json
import random
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from graph.model import Birthday
from loaders import edgelist, google, kithfile, linkedin, outlook
from loaders.detect import detect
from loaders.limits import latest
from loaders.parse import PARSERS, parse_file
from loaders.records import FORMATS, ME, LoadError, ParseOptions

ROOT = Path(__file__).resolve().parents[1]
COLLEGE_MSG = ROOT.parent / "shared" / "datasets" / "CollegeMsg.txt"  # shared/ sits beside the checkout
KITH_EXAMPLE = ROOT / "loaders" / "examples" / "kith-history.csv"
GB = ParseOptions(default_region="GB")


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def csv_text(header: list[str], rows: list[dict], lineterminator: str = "\r\n") -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator=lineterminator)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def load_error(call, *args) -> LoadError:
    with pytest.raises(LoadError) as caught:
        call(*args)
    return caught.value


# =============================================================================
# Fixtures: real layouts
# =============================================================================

# LinkedIn's notes paragraph is quoted and here spans two lines, so the header is on line 5.
CONNECTIONS = """Notes:
"When exporting your connection data, you may notice that some of the email addresses are missing. \
You will only see email addresses for connections who have allowed their connections to see or download their
email address using this setting https://www.linkedin.com/psettings/privacy/email."

First Name,Last Name,URL,Email Address,Company,Position,Connected On
Ana,Souza,https://www.linkedin.com/in/ana-souza-4b1a2c,,Bluepeak Health,"Head of Data, EMEA",12 Mar 2021
Ben,Okafor,https://www.linkedin.com/in/benokafor/,Ben.Okafor@Example.com,Northwind Analytics,Data Engineer,03 Jan 2019
José,Álvarez,https://WWW.LinkedIn.com/in/jose-alvarez,,,,28 Feb 2024
,,,,,,15 Jun 2020
"""
CONNECTIONS_FIRST_ROW = 6

MESSAGES_HEADER = ("CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE URLS,"
                   "DATE,SUBJECT,CONTENT,FOLDER")
ALEX, ANA = "https://www.linkedin.com/in/alexmorgan", "https://www.linkedin.com/in/ana-souza-4b1a2c"
BEN, JOSE = "https://www.linkedin.com/in/benokafor", "https://www.linkedin.com/in/jose-alvarez"
MESSAGE_ROWS = [
    f'2-YWJj,,Ana Souza,{ANA},Alex Morgan,{ALEX},2023-04-05 14:03:11 UTC,,"Hi Alex, are you free for coffee '
    'next week? I would love to hear about the new role and what you are building.",INBOX',
    f"2-YWJj,,Alex Morgan,{ALEX},Ana Souza,{ANA},2023-04-05 15:10:00 UTC,,Sure! Thursday at 10?,INBOX",
    f'2-ZGVm,Climbing trip,Alex Morgan,{ALEX},"Ben Okafor, José Álvarez","{BEN},{JOSE}",'
    '2023-05-01 09:00:00 UTC,Climbing trip,"Who is in for\nSaturday at the crag?",INBOX',
    f'2-ZGVm,Climbing trip,Ben Okafor,{BEN},"Alex Morgan, José Álvarez","{ALEX},{JOSE}",'
    "2023-05-01 10:00:00 UTC,,Me! &amp; I can drive,INBOX",
]


def messages_text(rows: list[str]) -> str:
    return "\n".join([MESSAGES_HEADER, *rows]) + "\n"


GOOGLE_HEADER = [
    "First Name", "Middle Name", "Last Name", "Phonetic First Name", "Phonetic Middle Name", "Phonetic Last Name",
    "Name Prefix", "Name Suffix", "Nickname", "File As", "Organization Name", "Organization Title",
    "Organization Department", "Birthday", "Notes", "Photo", "Labels", "E-mail 1 - Label", "E-mail 1 - Value",
    "E-mail 2 - Label", "E-mail 2 - Value", "Phone 1 - Label", "Phone 1 - Value", "Phone 2 - Label",
    "Phone 2 - Value", "Address 1 - Label", "Address 1 - Formatted", "Address 1 - Street", "Address 1 - City",
    "Address 1 - Postal Code", "Address 1 - Country", "Relation 1 - Label", "Relation 1 - Value",
    "Relation 2 - Label", "Relation 2 - Value", "Website 1 - Label", "Website 1 - Value",
]
GOOGLE_ROWS = [
    {"First Name": "Ana", "Last Name": "Souza", "Nickname": "Nana", "File As": "Souza, Ana",
     "Organization Name": "Bluepeak Health", "Organization Title": "Head of Data", "Birthday": "1990-05-17",
     "Notes": "Met at PyData London.\nAllergic to peanuts.", "Labels": "* myContacts ::: Family ::: Climbing",
     "E-mail 1 - Label": "* Home", "E-mail 1 - Value": "Ana.Souza@Example.com ::: ana@bluepeak.example",
     "Phone 1 - Label": "Mobile", "Phone 1 - Value": "07700 900123",
     "Phone 2 - Label": "Work", "Phone 2 - Value": "+1 415 555 0100",
     "Address 1 - Label": "Home", "Address 1 - Formatted": "12 Elm Row\nLondon\nN1 7AA\nGB",
     "Address 1 - Street": "12 Elm Row", "Address 1 - City": "London", "Address 1 - Postal Code": "N1 7AA",
     "Address 1 - Country": "GB", "Relation 1 - Label": "Child", "Relation 1 - Value": "Maya ::: Leo",
     "Relation 2 - Label": "Spouse", "Relation 2 - Value": "Rui", "Website 1 - Label": "Profile",
     "Website 1 - Value": "https://ana.example"},
    {"First Name": "Ben", "Last Name": "Okafor", "Birthday": "--11-02", "Labels": "* starred ::: Work",
     "E-mail 1 - Label": "Work", "E-mail 1 - Value": "ben@okafor.example",
     "Phone 1 - Label": "Mobile", "Phone 1 - Value": "call me maybe"},
    {"Phone 1 - Label": "Mobile", "Phone 1 - Value": "07700 900999", "Labels": "* myContacts"},
    {"First Name": "Chloé", "Last Name": "Martin", "Birthday": "1990-02-30", "Labels": "* myContacts",
     "E-mail 1 - Value": "chloe@martin.example"},
]

GOOGLE_OLD_HEADER = [
    "Name", "Given Name", "Additional Name", "Family Name", "Yomi Name", "Given Name Yomi", "Additional Name Yomi",
    "Family Name Yomi", "Name Prefix", "Name Suffix", "Initials", "Nickname", "Short Name", "Maiden Name",
    "Birthday", "Gender", "Location", "Billing Information", "Directory Server", "Mileage", "Occupation", "Hobby",
    "Sensitivity", "Priority", "Subject", "Notes", "Group Membership", "E-mail 1 - Type", "E-mail 1 - Value",
    "Phone 1 - Type", "Phone 1 - Value", "Organization 1 - Type", "Organization 1 - Name",
    "Organization 1 - Yomi Name", "Organization 1 - Title", "Organization 1 - Department",
]
GOOGLE_OLD_ROWS = [
    {"Name": "Dana Whitfield", "Given Name": "Dana", "Family Name": "Whitfield", "Birthday": "1982-12-01",
     "Notes": "Founder", "Group Membership": "* My Contacts ::: Conference",
     "E-mail 1 - Type": "* Work", "E-mail 1 - Value": "Dana@Whitfield.example",
     "Phone 1 - Type": "Mobile", "Phone 1 - Value": "+44 7700 900777",
     "Organization 1 - Name": "Whitfield Consulting", "Organization 1 - Title": "Founder"},
]

OUTLOOK_HEADER = [
    "Title", "First Name", "Middle Name", "Last Name", "Suffix", "Company", "Department", "Job Title",
    "Business Street", "Business City", "Business Postal Code", "Home Street", "Home City", "Home Postal Code",
    "Business Phone", "Business Phone 2", "Home Phone", "Mobile Phone", "Other Phone", "Primary Phone",
    "Birthday", "Categories", "E-mail Address", "E-mail Display Name", "E-mail 2 Address", "E-mail 3 Address",
    "Notes", "Web Page",
]
OUTLOOK_ROWS = [
    {"Title": "M.", "First Name": "François", "Last Name": "Dûpont", "Company": "Société Générale",
     "Job Title": "Analyste", "Home City": "Zürich", "Mobile Phone": "07700 900456",
     "Business Phone": "+1 (212) 555-0142", "Birthday": "5/17/1990", "Categories": "Work;Conference",
     "E-mail Address": "Francois.Dupont@Example.FR", "E-mail Display Name": "François Dûpont",
     "E-mail 2 Address": "/o=ExchangeLabs/ou=Exchange Administrative Group/cn=Recipients/cn=fdupont",
     "Notes": "Café au lait, no sugar"},
    {"First Name": "Grace", "Last Name": "Ng", "Birthday": "0/0/00", "E-mail Address": "grace.ng@example.com",
     "Business City": "Leeds"},
]

# The rows below fill the first 22 columns; the person-detail columns after them may be left out.
KITH_CSV_HEADER = ",".join(kithfile.COLUMNS[:kithfile.COLUMNS.index("tags") + 1])
EDGES = """# Directed graph (each unordered pair of nodes is saved once): CollegeMsg.txt
# Messages on a social network; src dst unixts
src dst time
1 2 1082040961
3 4 1082155839

1 2 1082040961
2 1 1082050000
"""


@pytest.fixture
def connections(tmp_path):
    return write(tmp_path, "Connections.csv", CONNECTIONS)


@pytest.fixture
def messages(tmp_path):
    return write(tmp_path, "messages.csv", messages_text(MESSAGE_ROWS))


@pytest.fixture
def google_csv(tmp_path):
    return write(tmp_path, "contacts.csv", csv_text(GOOGLE_HEADER, GOOGLE_ROWS), "utf-8-sig")


@pytest.fixture
def google_old_csv(tmp_path):
    return write(tmp_path, "google.csv", csv_text(GOOGLE_OLD_HEADER, GOOGLE_OLD_ROWS))


@pytest.fixture
def outlook_csv(tmp_path):
    return write(tmp_path, "contacts.CSV", csv_text(OUTLOOK_HEADER, OUTLOOK_ROWS), "cp1252")


@pytest.fixture
def edges(tmp_path):
    return write(tmp_path, "CollegeMsg.txt", EDGES)


# =============================================================================
# Detection
# =============================================================================

def test_every_format_has_a_parser():
    assert set(PARSERS) == set(FORMATS)


@pytest.mark.parametrize("fixture, expected", [
    ("connections", "linkedin-connections"),
    ("messages", "linkedin-messages"),
    ("google_csv", "google-csv"),
    ("google_old_csv", "google-csv"),
    ("outlook_csv", "outlook-csv"),
    ("edges", "edgelist"),
])
def test_detects_csv_and_edge_lists_by_content(request, fixture, expected, tmp_path):
    path = request.getfixturevalue(fixture)
    renamed = path.rename(tmp_path / "export.txt")  # the name must not matter
    assert detect(renamed) == expected


def test_detects_kith_vcard_ical_and_json(tmp_path):
    assert detect(KITH_EXAMPLE) == "kith-csv"
    assert detect(write(tmp_path, "a", "\ufeffBEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana\r\nEND:VCARD\r\n")) == "vcard"
    assert detect(write(tmp_path, "b", "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n")) == "ical"
    assert detect(write(tmp_path, "c", '\n  {"people": [], "knows": []}')) == "kith-json"
    assert detect(write(tmp_path, "d", "1\t2\t1082040961\n2\t3\t1082040999\n")) == "edgelist"


def test_detection_finds_the_header_after_long_notes(tmp_path):
    notes = "Notes:\n\"" + "Some addresses are missing. " * 40 + "\"\n\n"
    path = write(tmp_path, "c.csv", notes + CONNECTIONS.split("\n\n", 1)[1])
    assert detect(path) == "linkedin-connections"


@pytest.mark.parametrize("text, line, seen", [
    ("\n\nName,Phone\nAna,07700 900123\n", 3, "'Name,Phone'"),
    ('{"contacts": []}', 1, "JSON object"),
    ("hello world\n", 1, "'hello world'"),
])
def test_unknown_layout_is_refused_naming_what_was_seen(tmp_path, text, line, seen):
    error = load_error(detect, write(tmp_path, "x.csv", text))
    assert error.line == line
    assert "unknown layout" in str(error) and seen in str(error)


def test_binary_files_are_refused(tmp_path):
    png = write(tmp_path, "photo.csv", "")
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert "binary" in str(load_error(detect, png))
    late_nul = write(tmp_path, "late.csv", "")
    late_nul.write_bytes(b"First Name,Last Name,Labels\nAna,Souza,\nBen\x00,Okafor,\n")
    error = load_error(google.parse, late_nul, GB)
    assert error.line == 3 and f"{late_nul}:3:" in str(error)
    control = write(tmp_path, "control.csv", "record,name\nperson,Ana\x1b[0m\n")
    assert "binary" in str(load_error(kithfile.parse_csv, control, GB))


def test_mixed_encodings_are_refused_rather_than_garbled(tmp_path):
    path = write(tmp_path, "mixed.csv", "")
    path.write_bytes("First Name,Last Name,Labels\nJosé,Álvarez,\n".encode() + b"Fran\xe7ois,Dupont,\n")
    error = load_error(google.parse, path, GB)
    assert error.line == 3 and "UTF-8" in str(error)


def test_parse_file_dispatches_on_content_or_forced_format(connections, google_csv):
    assert parse_file(connections, GB).format == "linkedin-connections"
    assert parse_file(google_csv, GB, format="google-csv").format == "google-csv"
    wrong = load_error(parse_file, google_csv, GB, "linkedin-connections")
    assert "unknown layout" in str(wrong) and wrong.line == 1
    with pytest.raises(ValueError, match="unknown format"):
        parse_file(google_csv, GB, format="excel")


# =============================================================================
# LinkedIn
# =============================================================================

def test_connections_field_mapping(connections):
    parsed = linkedin.parse_connections(connections, GB)
    ana, ben, jose = parsed.contacts
    assert (ana.name, ana.given_name, ana.family_name) == ("Ana Souza", "Ana", "Souza")
    assert ana.source == "linkedin" and ana.source_id == "https://www.linkedin.com/in/ana-souza-4b1a2c"
    assert ana.line == CONNECTIONS_FIRST_ROW
    assert (ana.company, ana.title, ana.connected_on) == ("Bluepeak Health", "Head of Data, EMEA", date(2021, 3, 12))
    assert ana.emails == [] and ana.tags == ["linkedin"] and ana.met_how == "LinkedIn connection"
    assert ana.urls == [ana.source_id]
    assert ben.emails == ["ben.okafor@example.com"]
    assert ben.source_id == "https://www.linkedin.com/in/benokafor"  # trailing slash dropped
    assert jose.source_id == "https://www.linkedin.com/in/jose-alvarez"  # host lower-cased
    assert parsed.skipped == [(CONNECTIONS_FIRST_ROW + 3, "connection with no name and no email")]


def test_connection_without_url_falls_back_to_name(tmp_path):
    text = CONNECTIONS.replace("https://WWW.LinkedIn.com/in/jose-alvarez", "")
    jose = linkedin.parse_connections(write(tmp_path, "c.csv", text), GB).contacts[2]
    assert jose.source_id == "name:jose alvarez" and jose.urls == []


def test_connections_bad_date_is_left_out_on_its_line(tmp_path):
    text = CONNECTIONS.replace("03 Jan 2019", "sometime in 2019")
    parsed = linkedin.parse_connections(write(tmp_path, "c.csv", text), GB)
    ben = parsed.contacts[1]
    assert ben.name == "Ben Okafor" and ben.connected_on is None
    assert (CONNECTIONS_FIRST_ROW + 1, "connected-on date left out: 'sometime in 2019' is not a date like "
                                       "'12 Mar 2021'") in parsed.skipped


def test_connections_row_with_extra_cells_is_left_out_on_its_line(tmp_path):
    text = CONNECTIONS.replace("Data Engineer,03 Jan 2019", "Data Engineer,03 Jan 2019,extra")
    parsed = linkedin.parse_connections(write(tmp_path, "c.csv", text), GB)
    assert [c.given_name for c in parsed.contacts] == ["Ana", "José"]
    line, reason = parsed.skipped[0]
    assert line == CONNECTIONS_FIRST_ROW + 1 and "8 cells but the header has 7" in reason


def test_messages_become_activities_with_the_owner_as_me(messages):
    parsed = linkedin.parse_messages(messages, GB)
    first, reply, group, group_reply = parsed.activities
    assert first.participants == [f"contact:{ANA}", ME] and first.initiated_by == f"contact:{ANA}"
    assert first.at == datetime(2023, 4, 5, 14, 3, 11, tzinfo=timezone.utc)
    assert (first.channel, first.kind, first.source) == ("message", "message", "linkedin")
    assert first.summary.startswith("Hi Alex, are you free") and first.summary.endswith("…")
    assert len(first.summary) <= linkedin.SUMMARY_CHARS
    assert reply.participants == [ME, f"contact:{ANA}"] and reply.initiated_by == ME
    assert group.participants == [ME, f"contact:{BEN}", f"contact:{JOSE}"] and group.summary == "Climbing trip"
    assert group_reply.summary == "Me! & I can drive"
    assert group_reply.line == 6  # the two-line content above is counted
    counterparts = {c.source_id: c.name for c in parsed.contacts}
    assert counterparts == {ANA: "Ana Souza", BEN: "Ben Okafor", JOSE: "José Álvarez"}


def test_message_contacts_match_connections_by_url(connections, messages):
    connected = {c.source_id for c in linkedin.parse_connections(connections, GB).contacts}
    messaged = {c.source_id for c in linkedin.parse_messages(messages, GB).contacts}
    assert messaged <= connected


def test_owner_name_settles_who_is_me_in_a_single_conversation(tmp_path):
    one_conversation = write(tmp_path, "m.csv", messages_text(MESSAGE_ROWS[:2]))
    error = load_error(linkedin.parse_messages, one_conversation, GB)
    assert "cannot tell which participant is the owner" in str(error)
    parsed = linkedin.parse_messages(one_conversation, ParseOptions(owner_name="alex  MORGAN"))
    assert parsed.activities[0].participants == [f"contact:{ANA}", ME]
    assert [c.source_id for c in parsed.contacts] == [ANA]


def test_message_ids_survive_reordering(tmp_path):
    forward = linkedin.parse_messages(write(tmp_path, "a.csv", messages_text(MESSAGE_ROWS)), GB)
    again = linkedin.parse_messages(write(tmp_path, "b.csv", messages_text(MESSAGE_ROWS)), GB)
    backward = linkedin.parse_messages(write(tmp_path, "c.csv", messages_text(MESSAGE_ROWS[::-1])), GB)
    assert [a.source_id for a in forward.activities] == [a.source_id for a in again.activities]
    assert len({a.source_id for a in forward.activities}) == len(MESSAGE_ROWS)
    by_id = lambda p: {a.source_id: (a.at, a.participants, a.summary) for a in p.activities}  # noqa: E731
    assert by_id(forward) == by_id(backward)
    assert sorted(c.source_id for c in forward.contacts) == sorted(c.source_id for c in backward.contacts)


def test_message_bad_date_is_left_out_on_its_line(tmp_path):
    rows = [*MESSAGE_ROWS[:3], MESSAGE_ROWS[3].replace("2023-05-01 10:00:00 UTC", "yesterday")]
    parsed = linkedin.parse_messages(write(tmp_path, "m.csv", messages_text(rows)), GB)
    assert len(parsed.activities) == 3
    assert parsed.skipped == [(6, "message left out: DATE 'yesterday' is not a time like '2023-04-05 14:03:11 UTC'")]


def test_messages_skip_drafts_and_rows_without_sender(tmp_path):
    draft = MESSAGE_ROWS[1].replace(",INBOX", ",DRAFTS")
    anonymous = MESSAGE_ROWS[3].replace(f"Ben Okafor,{BEN},", ",,", 1)
    parsed = linkedin.parse_messages(write(tmp_path, "m.csv", messages_text(
        [MESSAGE_ROWS[0], draft, MESSAGE_ROWS[2], anonymous])), GB)
    assert len(parsed.activities) == 2
    assert parsed.skipped == [(3, "draft, never sent"), (6, "message with no sender")]


# =============================================================================
# Google and Outlook
# =============================================================================

def test_google_current_layout_field_mapping(google_csv):
    parsed = google.parse(google_csv, GB)
    ana, ben, chloe = parsed.contacts
    assert (ana.source, ana.name, ana.given_name, ana.family_name, ana.nickname) == (
        "google", "Ana Souza", "Ana", "Souza", "Nana")
    assert ana.emails == ["ana.souza@example.com", "ana@bluepeak.example"]
    assert ana.phones == ["+447700900123", "+14155550100"]
    assert ana.source_id == "email:ana.souza@example.com"
    assert ana.birthday == Birthday(5, 17, 1990)
    assert (ana.company, ana.title, ana.location) == ("Bluepeak Health", "Head of Data", "London")
    assert ana.notes == "Met at PyData London.\nAllergic to peanuts."
    assert ana.children == ["Maya", "Leo"]
    assert ana.tags == ["family", "climbing"]
    assert ana.urls == ["https://ana.example"]
    assert ben.birthday == Birthday(11, 2) and ben.tags == ["work"] and ben.phones == []
    assert chloe.birthday is None and chloe.emails == ["chloe@martin.example"]
    # Ana's notes and address span lines 2 to 6, so Ben starts on line 7.
    assert [(line, reason.split(":")[0]) for line, reason in parsed.skipped] == [
        (7, "phone left out"), (8, "contact with no name and no email"), (9, "birthday left out")]
    assert "'call me maybe' is not a phone number" in parsed.skipped[0][1]


def test_google_older_layout(google_old_csv):
    (dana,) = google.parse(google_old_csv, GB).contacts
    assert (dana.name, dana.given_name, dana.family_name) == ("Dana Whitfield", "Dana", "Whitfield")
    assert dana.emails == ["dana@whitfield.example"] and dana.phones == ["+447700900777"]
    assert (dana.company, dana.title, dana.birthday) == ("Whitfield Consulting", "Founder", Birthday(12, 1, 1982))
    assert dana.tags == ["conference"]


def test_google_ids_are_stable_and_survive_reordering(tmp_path):
    forward = google.parse(write(tmp_path, "a.csv", csv_text(GOOGLE_HEADER, GOOGLE_ROWS)), GB)
    again = google.parse(write(tmp_path, "b.csv", csv_text(GOOGLE_HEADER, GOOGLE_ROWS)), GB)
    shuffled = GOOGLE_ROWS[:]
    random.Random(4).shuffle(shuffled)
    moved = google.parse(write(tmp_path, "c.csv", csv_text(GOOGLE_HEADER, shuffled)), GB)
    assert forward.contacts == again.contacts
    assert {c.source_id: c.name for c in forward.contacts} == {c.source_id: c.name for c in moved.contacts}


def test_google_duplicate_keys_are_numbered(tmp_path):
    twice = [GOOGLE_ROWS[1], {**GOOGLE_ROWS[1], "Notes": "second card"}]
    contacts = google.parse(write(tmp_path, "g.csv", csv_text(GOOGLE_HEADER, twice)), GB).contacts
    assert [c.source_id for c in contacts] == ["email:ben@okafor.example", "email:ben@okafor.example~2"]


def test_google_row_with_extra_cells_is_left_out_on_its_line(tmp_path):
    text = csv_text(GOOGLE_HEADER, GOOGLE_ROWS).replace("Ben,,Okafor", "Ben,,,Okafor")
    parsed = google.parse(write(tmp_path, "g.csv", text), GB)
    assert [c.given_name for c in parsed.contacts] == ["Ana", "Chloé"]
    assert parsed.skipped[0][0] == 7 and f"{len(GOOGLE_HEADER) + 1} cells" in parsed.skipped[0][1]


def test_google_short_rows_are_padded(tmp_path):
    text = "First Name,Last Name,Labels,E-mail 1 - Value,Notes\nAna,Souza,* myContacts,ana@example.com\n"
    (ana,) = google.parse(write(tmp_path, "g.csv", text), GB).contacts
    assert ana.emails == ["ana@example.com"] and ana.notes is None


def test_outlook_windows_1252_export(outlook_csv):
    parsed = outlook.parse(outlook_csv, GB)
    francois, grace = parsed.contacts
    assert (francois.source, francois.name, francois.company) == ("outlook", "François Dûpont", "Société Générale")
    assert (francois.title, francois.location, francois.notes) == ("Analyste", "Zürich", "Café au lait, no sugar")
    assert francois.emails == ["francois.dupont@example.fr"]
    assert francois.phones == ["+447700900456", "+12125550142"]
    assert francois.birthday == Birthday(5, 17, 1990)
    assert francois.tags == ["work", "conference"]
    assert grace.birthday is None and grace.location == "Leeds"
    assert parsed.skipped == [(2, "email '/o=ExchangeLabs/ou=Exchange Administrative Group/cn=Recipients/cn=fdupont'"
                                  " left out: not an address")]


def test_outlook_day_first_birthdays_are_recognised(tmp_path):
    rows = [{"First Name": "Ana", "Birthday": "17/5/1990"}, {"First Name": "Ben", "Birthday": "3/4/1985"}]
    ana, ben = outlook.parse(write(tmp_path, "o.csv", csv_text(OUTLOOK_HEADER, rows), "cp1252"), GB).contacts
    assert ana.birthday == Birthday(5, 17, 1990) and ben.birthday == Birthday(4, 3, 1985)


# =============================================================================
# Kith CSV and JSON
# =============================================================================

def test_kith_example_parses_cleanly_and_covers_every_record():
    parsed = kithfile.parse_csv(KITH_EXAMPLE, ParseOptions(default_region="GB", owner_name="Alex Morgan"))
    assert parsed.skipped == []
    records = {row["record"] for row in csv.DictReader(KITH_EXAMPLE.open(encoding="utf-8"))}
    assert records == set(kithfile.FIELDS)
    assert 20 <= sum(1 for _ in KITH_EXAMPLE.open()) - 1 <= 30
    assert all([parsed.contacts, parsed.activities, parsed.favors, parsed.introductions, parsed.ties])


KITH_ROWS = [
    "person,,,Priya Raman,Priya.Raman@Example.com,07700 900311,,,,,,,,Two kids,,,2019-02-04,Bluepeak,"
    "Bluepeak Health,Data Lead,--09-14,Ex-Colleague;climbing",
    "person,,,Marcus Hale,,07700 900482;12,,,,,,,,,,,,,,,1985-02-30,",
    "interaction,,2024-01-09 12:30,,,,priya.raman@example.com;me;+1 415 555 0100,In-Person,,Lunch,out,,,,,,,,,,,",
    "interaction,,2024-03-02,,,,Marcus Hale,call,advice-asked,,in,,,,,,,,,,,",
    "favor,lend-1,2024-05-18T09:00:00+01:00,,,,Marcus Hale,,borrowed ladder,,received,yes,,For the gutters,,,,,,,,",
    "introduction,,2024-03-10,,,,,,,,,,Hired,,priya.raman@example.com,Marcus Hale,,,,,,",
    "knows,,,,,,,,,,,,,,priya.raman@example.com,alex@morgan.example,last year,Bluepeak,,,,",
]


def kith_csv(tmp_path: Path, rows: list[str]) -> Path:
    return write(tmp_path, "history.csv", "\n".join([KITH_CSV_HEADER, *rows]) + "\n")


def test_kith_csv_field_mapping(tmp_path):
    options = ParseOptions(default_region="GB", owner_emails=frozenset({"Alex@Morgan.example"}))
    parsed = kithfile.parse_csv(kith_csv(tmp_path, KITH_ROWS), options)
    priya, marcus = parsed.contacts
    assert (priya.source, priya.source_id, priya.emails, priya.phones) == (
        "kith", "email:priya.raman@example.com", ["priya.raman@example.com"], ["+447700900311"])
    assert (priya.birthday, priya.tags, priya.met_how, priya.connected_on) == (
        Birthday(9, 14), ["ex-colleague", "climbing"], "Bluepeak", date(2019, 2, 4))
    assert (priya.company, priya.title, priya.notes) == ("Bluepeak Health", "Data Lead", "Two kids")
    assert marcus.source_id == "phone:+447700900482" and marcus.birthday is None
    lunch, call = parsed.activities
    assert lunch.participants == [ME, "email:priya.raman@example.com", "phone:+14155550100"]
    assert (lunch.channel, lunch.kind, lunch.initiated_by) == ("in-person", "catch-up", ME)
    assert lunch.at == datetime(2024, 1, 9, 12, 30, tzinfo=timezone.utc)
    assert call.at == datetime(2024, 3, 2, 12, tzinfo=timezone.utc) and call.initiated_by == "name:Marcus Hale"
    (favor,) = parsed.favors
    assert (favor.source_id, favor.person, favor.direction, favor.kind, favor.status) == (
        "lend-1", "name:Marcus Hale", "received", "borrowed ladder", "yes")
    assert favor.at == datetime(2024, 5, 18, 8, tzinfo=timezone.utc)
    (intro,) = parsed.introductions
    assert (intro.a, intro.b, intro.made_by, intro.status, intro.outcome) == (
        "email:priya.raman@example.com", "name:Marcus Hale", ME, "made", "Hired")
    (tie,) = parsed.ties
    assert (tie.a, tie.b, tie.since, tie.context) == ("email:priya.raman@example.com", ME, None, "Bluepeak")
    assert parsed.skipped == [
        (3, "phone left out: '12' is not a possible phone number"),
        (3, "birthday left out: day is out of range for month"),
        (8, "since left out: 'last year' is not a date like 2019-06-01"),
    ]


def test_kith_csv_ids_are_stable_and_survive_reordering(tmp_path):
    forward = kithfile.parse_csv(kith_csv(tmp_path, KITH_ROWS), GB)
    backward = kithfile.parse_csv(kith_csv(tmp_path, KITH_ROWS[::-1]), GB)
    ids = lambda p: sorted(r.source_id for r in [*p.contacts, *p.activities, *p.favors, *p.introductions])  # noqa: E731
    assert ids(forward) == ids(backward)
    assert kithfile.parse_csv(kith_csv(tmp_path, KITH_ROWS), GB) == forward


@pytest.mark.parametrize("row, message", [
    ("interaction,,2024-01-09,,,,Ana,pigeon,,,,,,,,,,,,,,", "interaction channel 'pigeon' is not one of: in-person"),
    ("interaction,,2024-01-09,,,,Ana,call,gossip,,,,,,,,,,,,,", "interaction kind 'gossip' is not one of: catch-up"),
    ("interaction,,2024-01-09,,,,Ana,call,,,sideways,,,,,,,,,,,", "interaction direction 'sideways' is not one of: out, in"),
    ("favor,,2024-01-09,,,,Ana,,advice,,lent,,,,,,,,,,,", "favor direction 'lent' is not one of: given"),
    ("favor,,2024-01-09,,,,Ana,,advice,,given,maybe,,,,,,,,,,", "favor status 'maybe' is not one of: pending"),
    ("introduction,,2024-01-09,,,,,,,,,done,,,Ana,Ben,,,,,,", "introduction status 'done' is not one of: suggested"),
    ("meeting,,2024-01-09,,,,Ana,call,,,,,,,,,,,,,,", "record 'meeting' is not one of person"),
    ("interaction,,last tuesday,,,,Ana,call,,,,,,,,,,,,,,", "at 'last tuesday' is not a date"),
    ("interaction,,2024-01-09,,,,,call,,,,,,,,,,,,,,", "'with' is required in interaction records"),
    ("knows,,,,,,,,,,,,,a note,Ana,Ben,,,,,,", "'note' does not apply to knows records"),
    ("favor,,2024-01-09,,,,Ana;Ben,,advice,,given,,,,,,,,,,,", "'with' must name one person, not 2"),
    ("knows,,,,,,,,,,,,,,ana@x.example,Ana@X.example,,,,,,", "'a' and 'b' are the same person"),
    ("favor,,2024-01-09,,,,ana@,,advice,,given,,,,,,,,,,,", "with: 'ana@' is not an email address"),
    ("interaction,,2024-01-09,,,,Ana,call,,,,,,,,,,,,,", "row has 21 cells but the header has 22"),
])
def test_kith_csv_mistakes_are_errors_on_their_line(tmp_path, row, message):
    error = load_error(kithfile.parse_csv, kith_csv(tmp_path, [KITH_ROWS[0], row, KITH_ROWS[1]]), GB)
    assert error.line == 3 and f"history.csv:3: {message}" in str(error)


def test_kith_csv_unknown_column_and_duplicate_id(tmp_path):
    typo = write(tmp_path, "t.csv", "record,name,summery\nperson,Ana,\n")
    error = load_error(kithfile.parse_csv, typo, GB)
    assert error.line == 1 and "unknown column 'summery'" in str(error)
    twice = kith_csv(tmp_path, [KITH_ROWS[4], KITH_ROWS[4]])
    error = load_error(kithfile.parse_csv, twice, GB)
    assert error.line == 3 and "id 'lend-1' is used twice (first at 2)" in str(error)


def test_kith_csv_may_omit_columns(tmp_path):
    path = write(tmp_path, "short.csv", "record,at,with,channel\ninteraction,2024-06-01,ana@x.example,video\n")
    assert detect(path) == "kith-csv"
    (activity,) = kithfile.parse_csv(path, GB).activities
    assert activity.participants == [ME, "email:ana@x.example"] and activity.kind == "catch-up"


KITH_JSON = {
    "people": [{"name": "Priya Raman", "email": ["Priya.Raman@Example.com"], "phone": "07700 900311",
                "birthday": "1987-09-14", "tags": "ex-colleague;climbing"}],
    "interactions": [{"at": "2024-01-09 12:30", "with": ["priya.raman@example.com", "Sam Okoro"],
                      "channel": "in-person", "summary": "Lunch", "direction": "out"}],
    "favors": [
        {"at": "2024-06-03", "with": "sam.okoro@example.com", "direction": "given", "kind": "cv review"},
        {"at": "2024-06-04", "with": "sam.okoro@example.com", "direction": "received", "kind": "intro",
         "status": "yes"},
    ],
    "introductions": [{"at": "2024-03-10", "a": "sam.okoro@example.com", "b": "priya.raman@example.com"}],
    "knows": [{"a": "priya.raman@example.com", "b": "sam.okoro@example.com", "since": "2021-05-01"}],
}


def test_kith_json_matches_the_csv_form(tmp_path):
    path = write(tmp_path, "history.json", json.dumps(KITH_JSON, indent=2))
    assert detect(path) == "kith-json"
    parsed = parse_file(path, GB)
    assert parsed.format == "kith-json" and parsed.skipped == []
    (priya,) = parsed.contacts
    assert (priya.emails, priya.phones, priya.tags) == (
        ["priya.raman@example.com"], ["+447700900311"], ["ex-colleague", "climbing"])
    assert parsed.activities[0].participants == [ME, "email:priya.raman@example.com", "name:Sam Okoro"]
    assert [f.line for f in parsed.favors] == [1, 2] and parsed.favors[0].status == "pending"
    assert parsed.introductions[0].made_by == ME and parsed.ties[0].since == date(2021, 5, 1)


@pytest.mark.parametrize("change, line, message", [
    (lambda d: d["favors"][1].update(direction="lent"), 2, "favors[2]: favor direction 'lent' is not one of"),
    (lambda d: d["interactions"][0].update(channel="pigeon"), 1, "interactions[1]: interaction channel 'pigeon'"),
    (lambda d: d["people"][0].update(birthday=19870914), 1, "people[1]: 'birthday' must be a string"),
    (lambda d: d["knows"].append("Ana knows Ben"), 2, "knows[2]: expected an object"),
    (lambda d: d.update(contacts=[]), None, "unknown key 'contacts'"),
])
def test_kith_json_mistakes_name_the_array_and_position(tmp_path, change, line, message):
    data = json.loads(json.dumps(KITH_JSON))
    change(data)
    error = load_error(kithfile.parse_json, write(tmp_path, "h.json", json.dumps(data)), GB)
    assert error.line == line and message in str(error)


def test_kith_json_syntax_error_has_its_line(tmp_path):
    error = load_error(kithfile.parse_json, write(tmp_path, "h.json", '{\n  "people": [\n    {"name": }\n'), GB)
    assert error.line == 3 and "not valid JSON" in str(error)


# =============================================================================
# Edge lists
# =============================================================================

def test_edge_list_with_header_and_comments(edges):
    parsed = edgelist.parse(edges, GB)
    assert [a.source_id for a in parsed.activities] == [
        "1-2-1082040961-0", "3-4-1082155839-0", "1-2-1082040961-1", "2-1-1082050000-0"]
    first = parsed.activities[0]
    assert first.participants == ["contact:1", "contact:2"] and first.initiated_by == "contact:1"
    assert first.at == datetime(2004, 4, 15, 14, 56, 1, tzinfo=timezone.utc)
    assert (first.source, first.channel, first.kind, first.line) == ("edgelist:CollegeMsg", "message", "message", 4)
    assert ME not in {p for a in parsed.activities for p in a.participants}
    assert [(c.source_id, c.name, c.line, c.source) for c in parsed.contacts] == [
        ("1", "CollegeMsg 1", 4, "edgelist:CollegeMsg"), ("2", "CollegeMsg 2", 4, "edgelist:CollegeMsg"),
        ("3", "CollegeMsg 3", 5, "edgelist:CollegeMsg"), ("4", "CollegeMsg 4", 5, "edgelist:CollegeMsg")]


@pytest.mark.parametrize("bad, message", [
    ("5 6 yesterday", "expected whole numbers"),
    ("5 6", "expected 'src dst time', found 2 fields"),
])
def test_edge_list_bad_line_is_an_error_on_its_line(tmp_path, bad, message):
    error = load_error(edgelist.parse, write(tmp_path, "e.txt", EDGES + bad + "\n"), GB)
    assert error.line == 9 and message in str(error)


@pytest.mark.parametrize("seconds", ["99999999999999999999", "253402300799", "-62135596800", "-2208988801"])
def test_edge_list_time_outside_the_years_kith_takes_is_skipped_on_its_line(tmp_path, seconds):
    """Year 9999, year 1, a second before 1900: skipped with the line, the rest of the file kept."""
    parsed = edgelist.parse(write(tmp_path, "e.txt", EDGES + f"5 6 {seconds}\n"), GB)
    assert len(parsed.activities) == 4 and "contact:5" not in {p for a in parsed.activities for p in a.participants}
    assert parsed.skipped == [(9, f"time {seconds} is outside 1900-01-01 … {latest()}: message left out")]


def test_edge_list_damaged_first_line_is_not_taken_for_a_header(tmp_path):
    error = load_error(edgelist.parse, write(tmp_path, "e.txt", "# comment\n1 2 1082040961x\n3 4 1082155839\n"), GB)
    assert error.line == 2 and "expected whole numbers" in str(error)


def test_detection_of_a_long_single_line_json_with_accents(tmp_path):
    people = [{"name": f"José Álvarez {n}", "email": f"jose{n}@example.es"} for n in range(600)]
    path = write(tmp_path, "h.json", json.dumps({"people": people}, ensure_ascii=False))
    assert path.stat().st_size > 16 * 1024 and "\n" not in path.read_text()
    assert detect(path) == "kith-json"
    assert len(parse_file(path, GB).contacts) == 600


def test_college_msg_parses_whole():
    """Every message and every node of the real data set (benchmarks/bench_loaders.py times it)."""
    if not COLLEGE_MSG.exists():
        pytest.skip("CollegeMsg.txt data set not present")
    assert detect(COLLEGE_MSG) == "edgelist"
    parsed = edgelist.parse(COLLEGE_MSG, GB)
    assert len(parsed.activities) == 59_835 and len(parsed.contacts) == 1_899
    assert len({a.source_id for a in parsed.activities}) == 59_835


# =============================================================================
# Outlook in other languages, Outlook 2013's short rows, Thunderbird; phones that exist
# =============================================================================

GERMAN_OUTLOOK_HEADER = ["Anrede", "Vorname", "Weitere Vornamen", "Nachname", "Firma", "Position",
                         "Mobiltelefon", "E-Mail-Adresse", "Geburtstag", "Kategorien", "Notizen", "Webseite"]


def test_german_outlook_headers_and_dotted_birthdays(tmp_path):
    rows = [{"Vorname": "Jörg", "Nachname": "Müller", "Firma": "Nordlicht GmbH", "Position": "Leiter Vertrieb",
             "Mobiltelefon": "+49 151 23456789", "E-Mail-Adresse": "joerg@nordlicht.example",
             "Geburtstag": "3.4.1975", "Kategorien": "Kunden;Wandern", "Webseite": "https://nordlicht.example"},
            {"Vorname": "Grete", "Nachname": "Ng", "Geburtstag": "0.0.00", "E-Mail-Adresse": "grete@example.de"}]
    path = write(tmp_path, "kontakte.csv", csv_text(GERMAN_OUTLOOK_HEADER, rows), "cp1252")
    assert detect(path) == "outlook-csv"
    joerg, grete = outlook.parse(path, GB).contacts
    assert (joerg.name, joerg.company, joerg.title) == ("Jörg Müller", "Nordlicht GmbH", "Leiter Vertrieb")
    assert joerg.phones == ["+4915123456789"] and joerg.emails == ["joerg@nordlicht.example"]
    assert joerg.birthday == Birthday(4, 3, 1975) and joerg.tags == ["kunden", "wandern"]
    assert joerg.urls == ["https://nordlicht.example"]
    assert grete.birthday is None


def test_slashed_birthdays_in_a_foreign_header_are_day_first(tmp_path):
    header = ["Prénom", "Nom", "Adresse de messagerie", "Anniversaire"]
    rows = [{"Prénom": "Chloé", "Nom": "Martin", "Adresse de messagerie": "chloe@example.fr",
             "Anniversaire": "03/04/1990"}]
    (chloe,) = outlook.parse(write(tmp_path, "f.csv", csv_text(header, rows)), GB).contacts
    assert chloe.name == "Chloé Martin" and chloe.birthday == Birthday(4, 3, 1990)


def test_birthdays_that_contradict_each_other_leave_the_ambiguous_ones_out(tmp_path):
    rows = [{"First Name": "Ana", "Birthday": "17/5/1990"}, {"First Name": "Ben", "Birthday": "5/17/1985"},
            {"First Name": "Cy", "Birthday": "3/4/1980"}, {"First Name": "Di", "Birthday": "31/31/1980"}]
    parsed = outlook.parse(write(tmp_path, "o.csv", csv_text(OUTLOOK_HEADER, rows)), GB)
    assert [c.birthday for c in parsed.contacts] == [Birthday(5, 17, 1990), Birthday(5, 17, 1985), None, None]
    assert [line for line, _ in parsed.skipped] == [4, 5]
    assert "could be either day/month or month/day" in parsed.skipped[0][1]


def test_outlook_2013_rows_short_of_cells_are_padded_and_long_ones_left_out(tmp_path):
    text = ("First Name,Last Name,E-mail Address,Notes,Web Page\r\n"
            "Ana,Souza,ana@example.com\r\n"
            "Ben,Okafor,ben@example.com,,,surplus\r\n"
            "Cy,Lee,cy@example.com,hi,\r\n")
    parsed = outlook.parse(write(tmp_path, "o.csv", text), GB)
    assert [c.name for c in parsed.contacts] == ["Ana Souza", "Cy Lee"]
    assert parsed.skipped == [(3, "row left out: it has 6 cells but the header has 5, "
                                  "so its values cannot be matched to their columns")]


def test_thunderbird_address_book(tmp_path):
    header = ["First Name", "Last Name", "Display Name", "Nickname", "Primary Email", "Secondary Email",
              "Work Phone", "Fax Number", "Mobile Number", "Organization", "Web Page 1", "Birth Year",
              "Birth Month", "Birth Day", "Notes", ""]
    rows = [{"First Name": "Ana", "Last Name": "Souza", "Nickname": "Nana", "Primary Email": "ana@example.com",
             "Fax Number": "+44 20 7946 0999", "Mobile Number": "07700 900123", "Organization": "Bluepeak",
             "Birth Month": "5", "Birth Day": "17"},
            {"Display Name": "The Plumber", "Mobile Number": "07700 900456", "Birth Year": "1970",
             "Birth Month": "13", "Birth Day": "1"}]
    path = write(tmp_path, "tb.csv", csv_text(header, rows))
    assert detect(path) == "outlook-csv"
    parsed = outlook.parse(path, GB)
    ana, plumber = parsed.contacts
    assert (ana.nickname, ana.company, ana.birthday, ana.phones) == ("Nana", "Bluepeak", Birthday(5, 17),
                                                                      ["+447700900123"])  # no fax
    assert plumber.name == "The Plumber" and plumber.birthday is None
    assert parsed.skipped == [(3, "birthday left out: year '1970', month '13', day '1' is not a date")]


@pytest.mark.parametrize("text, region", [("91989511", "GB"), ("+49 1111 111111", None), ("+11 111 1111", None),
                                          ("07700 9001234", "GB")])
def test_phones_must_be_valid_not_merely_possible(text, region):
    from graph.model import normalize_phone
    with pytest.raises(ValueError):
        normalize_phone(text, region)


@pytest.mark.parametrize("text, region, e164", [("07700 900123", "GB", "+447700900123"),
                                                ("020 7946 0018", "GB", "+442079460018"),
                                                ("+49 151 23456789", None, "+4915123456789"),
                                                ("(415) 555-0100", "US", "+14155550100")])
def test_valid_and_drama_phones_are_kept(text, region, e164):
    from graph.model import normalize_phone
    assert normalize_phone(text, region) == e164
