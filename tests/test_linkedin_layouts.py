"""Every layout of LinkedIn's export files seen in real exports, from the samples in
``loaders/examples/linkedin/``: who is a person, who is the owner, which messages are
interactions, which dates are read. Pure parsing, but for two imports into the store at the end.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from loaders import linkedin
from loaders.detect import detect
from loaders.importer import import_file
from loaders.parse import parse_file
from loaders.records import ME, ParseOptions

SAMPLES = Path(__file__).resolve().parents[1] / "loaders" / "examples" / "linkedin"
GB = ParseOptions(default_region="GB")

LI = "https://www.linkedin.com/in/"
ANA, BEN, JANE, JORG, ALEX = (LI + s for s in ("ana-souza-4b1a2c", "benokafor", "janedoe-cphr",
                                                 "jörg-müller-4a1b2c3d", "alexmorgan"))


def parse(name: str, options: ParseOptions = GB):
    return parse_file(SAMPLES / name, options)


@pytest.mark.parametrize("name, format", [
    ("Connections.csv", "linkedin-connections"),
    ("Connections-2018.csv", "linkedin-connections"),
    ("Connections-spreadsheet.csv", "linkedin-connections"),
    ("messages.csv", "linkedin-messages"),
    ("messages-2021.csv", "linkedin-messages"),
    ("messages-2018.csv", "linkedin-messages"),
    ("ImportedContacts.csv", "linkedin-contacts"),
])
def test_every_sample_is_detected(name, format):
    assert detect(SAMPLES / name) == format


# -- Connections.csv --------------------------------------------------------------------------

def test_connections_current_layout():
    parsed = parse("Connections.csv")
    by_name = {c.name: c for c in parsed.contacts}
    assert list(by_name) == ["Jörg Müller", "Ana Souza", "Jane Doe, CPHR", "Ben Okafor", "Li Wei"]
    jorg = by_name["Jörg Müller"]
    assert jorg.source_id == JORG and jorg.urls == [JORG]  # %C3%B6 decoded
    assert jorg.connected_on == date(2018, 1, 8) and jorg.tags == ["linkedin"]
    assert by_name["Ben Okafor"].source_id == BEN  # trailing slash dropped
    assert by_name["Li Wei"].source_id == LI + "ACoAAB3xYz0BqR7"  # member ids keep their case
    # An unreadable date loses the date, not the person nor the file.
    assert by_name["Li Wei"].connected_on is None
    assert parsed.skipped == [(9, "connected-on date left out: 'sometime in 2020' is not a date like '12 Mar 2021'")]


def test_connections_2018_layout_without_urls():
    parsed = parse("Connections-2018.csv")
    assert [(c.name, c.source_id, c.connected_on) for c in parsed.contacts] == [
        ("Jörg Müller", "email:joerg.mueller@nordlicht.example", date(2018, 1, 8)),
        ("Ana Souza", "name:ana souza", date(2017, 12, 3)),
        ("Ben Okafor", "email:ben@okafor.example", date(2016, 7, 30)),
    ]
    assert parsed.skipped == []


def test_spreadsheet_saved_connections_give_the_same_people():
    saved = {c.source_id: c.connected_on for c in parse("Connections-spreadsheet.csv").contacts}
    original = {c.source_id: c.connected_on for c in parse("Connections.csv").contacts}
    assert saved == {JORG: date(2018, 1, 8), ANA: date(2021, 3, 12), JANE: date(2023, 4, 23)}
    assert saved.items() <= original.items()


@pytest.mark.parametrize("text, expected", [
    ("08 Jan 2018", date(2018, 1, 8)),
    ("8 January 2018", date(2018, 1, 8)),
    ("1/8/18, 6:14 PM", date(2018, 1, 8)),
    ("12/31/2019", date(2019, 12, 31)),
    ("23-Apr-23", date(2023, 4, 23)),
    ("2018-01-08", date(2018, 1, 8)),
])
def test_connected_on_formats(text, expected):
    assert linkedin.parse_date(text) == expected


@pytest.mark.parametrize("text", ["sometime in 2020", "31/12/2019", "32 Jan 2018", "08 Foo 2018", ""])
def test_unreadable_dates_raise_value_error(text):
    with pytest.raises(ValueError):
        linkedin.parse_date(text)


@pytest.mark.parametrize("spelling", [
    "https://www.linkedin.com/in/j%C3%B6rg-m%C3%BCller-4a1b2c3d",
    "https://www.linkedin.com/in/jörg-müller-4a1b2c3d/",
    "http://linkedin.com/in/jo\u0308rg-mu\u0308ller-4a1b2c3d",  # decomposed umlauts (NFD)
    "HTTPS://WWW.LinkedIn.com/in/j%c3%b6rg-m%c3%bcller-4a1b2c3d?trk=people-guest",
    "https://de.linkedin.com/in/jörg-müller-4a1b2c3d",
    " https://www.linkedin.com/in/jörg-müller-4a1b2c3d// ",
])
def test_every_spelling_of_a_profile_url_is_one_source_id(spelling):
    assert linkedin.profile_url(spelling) == JORG


def test_percent_encoded_and_decoded_files_give_one_source_id():
    encoded = {c.name: c.source_id for c in parse("Connections.csv").contacts}
    decoded = {c.name: c.source_id for c in parse("Connections-spreadsheet.csv").contacts}
    assert encoded["Jörg Müller"] == decoded["Jörg Müller"] == JORG
    messaged = {c.name: c.source_id for c in parse("messages-2021.csv").contacts}
    assert messaged["Jörg Müller"] == JORG


# -- messages.csv -----------------------------------------------------------------------------

def test_messages_current_layout():
    parsed = parse("messages.csv")
    assert parsed.owner.name == "Alex Morgan" and parsed.owner.source_id == ALEX
    assert [a.participants for a in parsed.activities] == [
        [f"contact:{ANA}", ME], [ME, f"contact:{ANA}"], [ME, f"contact:{JANE}"], [f"contact:{JANE}", ME]]
    assert {c.source_id: c.name for c in parsed.contacts} == {ANA: "Ana Souza", JANE: "Jane Doe, CPHR"}
    assert parsed.skipped == [(6, "sponsored message, not from a person")]


def test_messages_2021_layout_without_recipient_urls():
    parsed = parse("messages-2021.csv")
    assert parsed.owner.name == "Alex Morgan" and parsed.owner.source_id == ALEX  # without `kith me`
    people = {c.source_id: c.name for c in parsed.contacts}
    assert people == {ANA: "Ana Souza", JANE: "Jane Doe, CPHR", BEN: "Ben Okafor", JORG: "Jörg Müller"}
    names = {c.name for c in parsed.contacts}
    assert "CPHR" not in names and not any("LinkedIn" in n or "Crypto" in n or "Priya" in n for n in names)
    assert len(parsed.activities) == 7
    group = parsed.activities[4]
    assert group.at == datetime(2021, 7, 10, 8, 0, tzinfo=timezone.utc) and group.summary == "Climbing trip"
    assert group.participants == [ME, f"contact:{BEN}", f"contact:{JANE}", f"contact:{JORG}"]
    for activity in parsed.activities:
        assert all(p == ME or p.startswith("contact:") for p in activity.participants)  # nobody by name only
    assert parsed.activities[2].summary == "Open role at Maple"
    assert parsed.skipped == [
        (9, "sponsored message, not from a person"),
        (10, "message from 'Marketing Team @ LinkedIn Learning', not a person"),
        (11, "message from 'LinkedIn Member', not a person"),
        (12, "spam, not a conversation"),
        (13, "draft, never sent"),
    ]


def test_messages_2018_layout_direction_tells_the_owner():
    parsed = parse("messages-2018.csv")
    assert parsed.owner.name == "Alex Morgan"
    assert [(a.participants, a.initiated_by) for a in parsed.activities] == [
        (["name:Ana Souza", ME], "name:Ana Souza"),
        ([ME, "name:Ana Souza"], ME),
        (["name:Ben Okafor", ME], "name:Ben Okafor"),
        ([ME, "name:Ben Okafor"], ME),
    ]
    assert parsed.activities[0].at == datetime(2018, 3, 15, 18, 24, tzinfo=timezone.utc)
    assert parsed.contacts == []  # no URLs: people are matched by name
    assert parsed.skipped == [(6, "draft, never sent"), (7, "message from 'LinkedIn Learning', not a person")]


@pytest.mark.parametrize("to, known, expected", [
    ("Jane Doe, CPHR", set(), ["Jane Doe, CPHR"]),
    ("Li Wei, Ph.D., P.Eng", set(), ["Li Wei, Ph.D., P.Eng"]),
    ("Ben Okafor, Jane Doe, CPHR", set(), ["Ben Okafor", "Jane Doe, CPHR"]),
    ("Ben Okafor, José Álvarez", set(), ["Ben Okafor", "José Álvarez"]),
    ("Alex Morgan, MBA", {"alex morgan, mba"}, ["Alex Morgan, MBA"]),
    ("Ana, Ben", {"ana", "ben"}, ["Ana", "Ben"]),
    ("Ana Souza, MBA", {"ana souza", "mba"}, ["Ana Souza", "MBA"]),  # "MBA" wrote in this file: a person
])
def test_to_is_split_only_between_names(to, known, expected):
    assert linkedin._split_names(to, dict.fromkeys(known, "")) == expected


@pytest.mark.parametrize("sender", ["LinkedIn", "LinkedIn Member", "LinkedIn Premium", "Sales Team @ LinkedIn Learning",
                                    "Recruiting @LinkedIn"])
def test_linkedin_itself_is_not_a_person(sender):
    assert linkedin._NOT_A_PERSON.fullmatch(sender)


def test_a_person_with_linkedin_in_their_title_is_a_person():
    assert not linkedin._NOT_A_PERSON.fullmatch("Ana Souza")


# -- ImportedContacts.csv ---------------------------------------------------------------------

def test_imported_contacts():
    parsed = parse("ImportedContacts.csv")
    ana, grace, jo = parsed.contacts
    assert (ana.source, ana.name, ana.company, ana.title, ana.location) == (
        "linkedin", "Ana Souza", "Bluepeak Health", "Head of Data", "London")
    assert ana.emails == ["ana.souza@example.com", "ana@bluepeak.example"] and ana.phones == ["+447700900123"]
    assert ana.urls == [ANA] and ana.tags == []
    assert grace.phones == ["+14155550100"] and grace.company is None  # "null" is no company
    assert jo.name == "jo@example.org"
    assert parsed.skipped == [(3, "phone left out: '91989511' is not a valid phone number (no such number range in GB)"),
                              (5, "contact with no name and no email")]


# -- into the store ---------------------------------------------------------------------------

def test_connections_and_2021_messages_make_one_person_each(store):
    import_file(store, SAMPLES / "Connections.csv", default_region="GB")
    result = import_file(store, SAMPLES / "messages-2021.csv", default_region="GB")
    names = sorted(r["name"] for r in store.read("MATCH (p:Person) RETURN p.name AS name"))
    assert names.count("Jörg Müller") == 1 and "CPHR" not in names
    assert not any("LinkedIn" in n for n in names)
    assert result.summary()["interactions"] == 7


def test_messages_alone_recognise_the_owner(store):
    import_file(store, SAMPLES / "messages-2018.csv", default_region="GB")
    owner = store.owner()
    assert owner is not None and owner["name"] == "Alex Morgan"
