"""Every real Google, Outlook, Outlook.com, Thunderbird and Roundcube contacts CSV in
``../shared/realworld/`` (written by those programs, kept by other projects as test fixtures)
gives exactly the contacts and skips below. Parsing only, no database.

Their phone numbers are placeholders (``+49 1111 111111``, ``pager``, ``100``): each is left out
with its reason, never the contact or the file. A file added to those folders without an entry
here fails ``test_every_file_has_an_expectation``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from graph.model import Birthday
from loaders.parse import parse_file
from loaders.records import ParseOptions

REALWORLD = Path(__file__).resolve().parents[2] / "shared" / "realworld"
FOLDERS = ("google-csv", "outlook-csv")
NO_REGION = ParseOptions()


@dataclass(frozen=True)
class Person:
    name: str
    emails: list[str]
    phones: list[str] = field(default_factory=list)
    birthday: Birthday | None = None
    extra: dict = field(default_factory=dict)  # other Contact fields worth checking


@dataclass(frozen=True)
class Expected:
    format: str
    people: list[Person]
    skipped: list[tuple[int, str]]  # (line, start of the reason)


def phone_skips(line: int, *values: str) -> list[tuple[int, str]]:
    return [(line, f"phone left out: {v!r} is not a") for v in values]


HANS_2013 = dict(given_name="Hans", family_name="Wurst", company="Open-Xchange GmbH", title="Boss")
EXPECTED: dict[str, Expected] = {
    "google-csv/Integrity2gmail__google.csv": Expected("google-csv", [
        Person("Oero Smith", ["email@localhost"]),
        Person("corn last", ["mail@unicorn.com"]),
        Person("Ike snake", ["snail@127.0.0.1"]),
    ], []),
    "google-csv/gmail-to-google-contacts__google_contacts.csv": Expected("google-csv", [
        Person("Richard Feynman", ["rich@caltech.edu"]),
        Person("iforgotthisguysnamebutihavehisemail@gmail.com", ["iforgotthisguysnamebutihavehisemail@gmail.com"]),
        Person("Elon Musk", ["elon.musk@tesla.com"]),
    ], []),
    # Phone values are the fixture's placeholders; faxes and pagers are not taken for phones at all.
    "google-csv/roundcubemail__gmail.csv": Expected("google-csv", [
        Person("Prefix Firstname Middle Lastname Suffix",
               ["home@aaa.pl", "work@email.pl", "unknown@email.com", "other@email.com"], [], Birthday(12, 12, 1975),
               dict(nickname="nick", urls=["test.com", "home.page.com"], company="company", title="jobtitle",
                    location="home_city", tags=["test"], notes='note"note', children=[])),
    ], phone_skips(2, "mainphone", "homephone", "mobile", "workphone")),
    # Outlook 2013 leaves out a row's trailing empty cells; German column names; 14.12.2016 birthdays.
    "outlook-csv/ox-appsuite__outlook_2013_de.csv": Expected("outlook-csv", [
        Person("Hans Wurst", ["foo@example.com"], ["+492222222222"], Birthday(12, 14, 2016), HANS_2013),
    ], phone_skips(2, "+49 1111 111111", "+49 33 33")),
    "outlook-csv/ox-appsuite__outlook_2013_en.csv": Expected("outlook-csv", [
        Person("Hans Wurst", ["foo@example.com"], ["+492222222222"], Birthday(12, 14, 2016),
               {**HANS_2013, "notes": None}),
    ], phone_skips(2, "+49 1111 111111")),
    "outlook-csv/ox-appsuite__outlookcom_2016_contact.csv": Expected("outlook-csv", [
        Person("Hans Wurst", ["hans@example.com"], [], None, dict(location="Hometown", notes="Some notes\n\nFor Hans")),
    ], phone_skips(2, "+11 111 1111")),
    "outlook-csv/ox-appsuite__outlookcom_2016_contacts.csv": Expected("outlook-csv", [
        Person("Another Person", ["foo@bar.example.com"]),
        Person("Hans Wurst", ["hans@example.com"], [], None, dict(location="Hometown")),
    ], phone_skips(3, "+11 111 1111")),
    # Roundcube's own layout (Outlook-like English names); 20/01/1991 proves day-first dates.
    "outlook-csv/roundcubemail__all.csv": Expected("outlook-csv", [
        Person("First Name Middle Name Last Name", ["home@example.com", "work@example.com", "other@example.com"], [],
               Birthday(1, 20, 1991),
               dict(nickname="Nickname", company="Company", title="Job Title", location="Home City", notes="Notes",
                    tags=["test"], urls=["https://home", "https://work", "https://profile", "https://blog",
                                         "https://other"])),
    ], phone_skips(2, "600", "300", "400", "100", "200", "444", "500")),
    # Only the three email columns: the contact is named by its first address.
    "outlook-csv/roundcubemail__outlook.csv": Expected("outlook-csv", [
        Person("test1@domain.tld", ["test1@domain.tld", "test2@domain.tld", "test3@domain.tld"]),
    ], []),
    # Thunderbird: Primary/Secondary Email, Birth Year/Month/Day, Web Page 1/2, a trailing comma.
    "outlook-csv/roundcubemail__tb_plain.csv": Expected("outlook-csv", [
        Person("Firstname Lastname", ["test@domain.tld", "next@domain.tld"], [], Birthday(11, 15, 1970),
               dict(nickname="Nick", company="Organization", title="title", location="City",
                    urls=["http://page.com", "http://webpage.tld"])),
    ], phone_skips(2, "phone home", "mobile", "phone work")),
}


def realworld_files() -> list[str]:
    return sorted(f"{folder}/{p.name}" for folder in FOLDERS for p in (REALWORLD / folder).glob("*")
                  if p.is_file() and p.name != "MANIFEST.tsv")


pytestmark = pytest.mark.skipif(not REALWORLD.is_dir(), reason="../shared/realworld is not beside the checkout")


def test_every_file_has_an_expectation():
    files = realworld_files()
    assert files, "no real-world CSV files found"
    assert set(files) == set(EXPECTED), "each real-world CSV needs its entry in EXPECTED"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_realworld_csv(name):
    expected = EXPECTED[name]
    parsed = parse_file(REALWORLD / name, NO_REGION)
    assert parsed.format == expected.format
    assert [c.name for c in parsed.contacts] == [p.name for p in expected.people]
    for contact, person in zip(parsed.contacts, expected.people):
        assert (contact.emails, contact.phones, contact.birthday) == (person.emails, person.phones, person.birthday)
        for attribute, value in person.extra.items():
            assert getattr(contact, attribute) == value, attribute
    assert len(parsed.skipped) == len(expected.skipped), parsed.skipped
    for (line, reason), (want_line, want_start) in zip(parsed.skipped, expected.skipped):
        assert line == want_line and reason.startswith(want_start), (line, reason)


def test_german_and_english_outlook_2013_give_the_same_contact():
    de, en = (parse_file(REALWORLD / f"outlook-csv/ox-appsuite__outlook_2013_{lang}.csv", NO_REGION).contacts[0]
              for lang in ("de", "en"))
    assert (de.source_id, de.name, de.emails, de.birthday, de.company) == (
        en.source_id, en.name, en.emails, en.birthday, en.company)
