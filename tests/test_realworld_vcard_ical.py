"""Every real vCard and iCalendar file in ``shared/realworld``: what a person gets from each.

Files other projects keep as fixtures, written by phones, mail programs and calendar servers,
none of them for Kith (``shared/realworld/README.md``; ``MANIFEST.tsv`` says where each came
from). Each has one expected outcome here: imported, with how many contacts, interactions and
notes of what was left out; or refused, with the line and the reason. A file added to those
folders without an entry here fails ``test_every_file_has_an_expectation``, so that someone
decides what it should give.

Parsing only (``loaders.parse.parse_file``): no store, fast.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

import pytest

from loaders.parse import parse_file
from loaders.records import LoadError, ParsedFile, ParseOptions
from tests.conftest import ROOT

REALWORLD = ROOT.parent / "shared" / "realworld"
FOLDERS = {"vcard": ("vcard", "*.vcf"), "ical": ("ical", "*.ics")}  # folder -> (format, files)
# A fixed "now": the counts of recurring events must not change with the day the tests run.
OPTIONS = ParseOptions(until=datetime(2026, 1, 1, tzinfo=timezone.utc))

pytestmark = pytest.mark.skipif(not REALWORLD.is_dir(), reason="shared/realworld not present")


@dataclass(frozen=True)
class Imported:
    contacts: int
    activities: int
    skipped: int  # values, records and events left out, each with its line and reason


@dataclass(frozen=True)
class Refused:
    line: int | None
    reason: str  # a fragment of the message


# The phone counts in ``skipped`` include numbers written without a country code (no
# ``--default-region`` is given here) and numbers that cannot exist ("+123456789").
EXPECTED = {
    "vcard": {
        # One ORG with a stray byte (0x80) in UTF-8 quoted-printable: that value is left out, the 6 cards kept.
        "ez-vcard__John_Doe_ANDROID.vcf": Imported(6, 0, 11),
        "ez-vcard__John_Doe_BLACK_BERRY.vcf": Imported(1, 0, 1),
        "ez-vcard__John_Doe_EVOLUTION.vcf": Imported(1, 0, 2),
        "ez-vcard__John_Doe_GMAIL.vcf": Imported(1, 0, 2),
        # CR CR LF line ends and a folded PHOTO: 7 phones without a country code.
        "ez-vcard__John_Doe_IPHONE.vcf": Imported(1, 0, 7),
        "ez-vcard__John_Doe_LOTUS_NOTES.vcf": Imported(1, 0, 2),
        "ez-vcard__John_Doe_MAC_ADDRESS_BOOK.vcf": Imported(1, 0, 7),
        "ez-vcard__John_Doe_MS_OUTLOOK.vcf": Imported(1, 0, 2),
        "ez-vcard__fullcontact.vcf": Imported(1, 0, 9),
        "ez-vcard__gmail-list.vcf": Imported(3, 0, 0),
        "ez-vcard__gmail-single.vcf": Imported(1, 0, 2),
        "ez-vcard__gmail-single2.vcf": Imported(1, 0, 11),
        "ez-vcard__issue114.vcf": Imported(1, 0, 1),
        "ez-vcard__outlook-2003.vcf": Imported(1, 0, 4),
        "ez-vcard__outlook-2007.vcf": Imported(1, 0, 4),
        "ez-vcard__rfc2426-example.vcf": Imported(2, 0, 0),
        "ez-vcard__rfc6350-example.vcf": Imported(1, 0, 0),
        "ez-vcard__thunderbird-MoreFunctionsForAddressBook-extension.vcf": Imported(1, 0, 5),
        "khard__altid.vcf": Imported(1, 0, 0),
        "khard__category.vcf": Imported(1, 0, 0),
        "khard__korean-c.vcf": Imported(1, 0, 0),
        "khard__labels.vcf": Imported(1, 0, 0),
        "khard__photov3.vcf": Imported(1, 0, 0),
        "khard__photov4.vcf": Imported(1, 0, 0),
        "khard__tel-value-uri.vcf": Imported(1, 0, 1),
        "khard__text-bday.vcf": Imported(1, 0, 1),
        # Its one card is never ended: the file stops after FN (khard keeps it as "unparsable").
        "khard__unparsable.vcf": Refused(1, "BEGIN:VCARD has no END:VCARD"),
        "roundcubemail__apple.vcf": Imported(1, 0, 0),
        "roundcubemail__browser_contacts.vcf": Imported(2, 0, 0),
        # vCard 2.1 in Windows-1252 ("Doë"), not UTF-8: read in its CHARSET.
        "roundcubemail__johndoe.vcf": Imported(1, 0, 2),
        "roundcubemail__photo.vcf": Imported(1, 0, 0),
        "roundcubemail__thebat.vcf": Imported(1, 0, 0),
        "roundcubemail__utf-16_sample.vcf": Imported(1, 0, 0),
        "vobject__issue153.vcf": Imported(1, 0, 0),
        "vobject__issue64.vcf": Imported(0, 0, 1),  # its one card has no name, email or phone
        "vobject__radicale-1587.vcf": Imported(1, 0, 0),
    },
    "ical": {
        # Most are single events of the owner's own, or RFC examples without attendees: nothing
        # to import but "no other attendees" notes.
        "icalendar__alarm_etar_future.ics": Imported(0, 0, 1),
        "icalendar__alarm_google_future.ics": Imported(0, 0, 1),
        "icalendar__alarm_thunderbird_future.ics": Imported(0, 0, 1),
        "icalendar__america_new_york.ics": Imported(0, 0, 1),
        # 20 empty VEVENTs (no DTSTART) and no END:VCALENDAR: each said, nothing imported.
        "icalendar__big_bad_calendar.ics": Imported(0, 0, 21),
        "icalendar__bom_calendar.ics": Imported(0, 0, 0),
        "icalendar__broken_ical.ics": Imported(0, 0, 2),  # DTSTART;;VALUE=…: the line, then its event
        "icalendar__calendar_with_unicode.ics": Imported(0, 0, 0),
        "icalendar__event_with_rsvp.ics": Imported(0, 0, 1),  # a bare VEVENT, without DTSTART
        "icalendar__example.ics": Imported(0, 0, 3),
        "icalendar__issue_101_icalendar_chokes_on_umlauts_in_organizer.ics": Imported(1, 1, 0),  # a bare VEVENT
        "icalendar__issue_104_broken_calendar.ics": Imported(0, 0, 2),
        "icalendar__issue_1050_multiple_calendars.ics": Imported(0, 0, 2),
        "icalendar__issue_156_RDATE_with_PERIOD_TZID_khal.ics": Imported(1, 1, 0),
        "icalendar__issue_165_missing_event.ics": Imported(0, 0, 1),  # Exchange's "BYDAY=MO, TU" is read
        "icalendar__issue_237_fail_to_parse_timezone_with_non_ascii_tzid.ics": Imported(0, 0, 1),
        "icalendar__issue_27_multiple_periods_in_freebusy_multiple_freebusies.ics": Imported(0, 0, 0),
        "icalendar__issue_348_exception_parsing_value.ics": Imported(0, 0, 1),
        "icalendar__issue_350.ics": Imported(0, 0, 2),  # a line after END:VCALENDAR
        "icalendar__issue_722_missing_timezones.ics": Imported(0, 0, 3),
        "icalendar__pacific_fiji.ics": Imported(0, 0, 2),
        "icalendar__property_params.ics": Imported(3, 1, 0),
        "icalendar__rfc_6868.ics": Imported(0, 0, 1),
        "icalendar__rfc_7256_multi_value_parameters.ics": Imported(0, 0, 2),
        "icalendar__tutorial_example.ics": Imported(0, 0, 1),
        "icalendar__x_location.ics": Imported(0, 0, 1),
        "ox-appsuite__google_2016_full.ics": Imported(0, 0, 3),
        "ox-appsuite__macos_1011_full.ics": Imported(0, 0, 3),
        "ox-appsuite__outlook_2013_en_full.ics": Imported(0, 0, 6),
        "vobject__UntilRespectsTimezoneTest.ics": Imported(0, 0, 1),
        "vobject__ms_tzid.ics": Imported(0, 0, 1),
        "vobject__radicale-0816.ics": Imported(0, 0, 1),
        "vobject__radicale-0827.ics": Imported(0, 0, 3),
        # Only VTIMEZONE definitions: no event, no VCALENDAR, nobody's calendar export.
        "vobject__timezones.ics": Refused(1, "BEGIN:VTIMEZONE outside a VCALENDAR"),
        "vobject__tzid_8bit.ics": Imported(0, 0, 1),
        "vobject__vobject_0050.ics": Imported(1, 1, 0),  # DTEND with a leading space
    },
}

CASES = [(folder, name) for folder, files in EXPECTED.items() for name in files]


def parse(folder: str, name: str) -> ParsedFile:
    return parse_file(REALWORLD / folder / name, OPTIONS, format=FOLDERS[folder][0])


def test_every_file_has_an_expectation():
    for folder, (_fmt, pattern) in FOLDERS.items():
        found = {path.name for path in (REALWORLD / folder).glob(pattern)}
        assert found, f"no {pattern} in {REALWORLD / folder}"
        missing = sorted(found - EXPECTED[folder].keys())
        assert not missing, f"{folder}: say what these should give in EXPECTED: {missing}"
        gone = sorted(EXPECTED[folder].keys() - found)
        assert not gone, f"{folder}: these are no longer there: {gone}"


@pytest.mark.parametrize("folder, name", CASES)
def test_outcome(folder, name):
    expected = EXPECTED[folder][name]
    if isinstance(expected, Refused):
        with pytest.raises(LoadError) as caught:
            parse(folder, name)
        assert (caught.value.line, expected.reason in str(caught.value)) == (expected.line, True), str(caught.value)
        return
    parsed = parse(folder, name)
    got = Imported(len(parsed.contacts), len(parsed.activities), len(parsed.skipped))
    assert got == expected, "\n".join(f"{line}: {reason}" for line, reason in parsed.skipped)
    assert all(isinstance(line, int) and line >= 1 for line, _ in parsed.skipped), parsed.skipped


def contact(folder: str, name: str, index: int = 0):
    return parse(folder, name).contacts[index]


# -- what the people in them are called --------------------------------------------------------

@pytest.mark.parametrize("name, index, expected", [
    ("roundcubemail__johndoe.vcf", 0, "John Doë"),          # Windows-1252, CHARSET=windows-1252
    ("khard__korean-c.vcf", 0, "최유림"),
    ("roundcubemail__utf-16_sample.vcf", 0, "Ǽgean ĽdaMonté"),
    ("ez-vcard__John_Doe_ANDROID.vcf", 2, "Ñ Ñ Ñ Ñ Ñ"),    # UTF-8 quoted-printable
    ("ez-vcard__John_Doe_IPHONE.vcf", 0, "Mr. John Richter James Doe Sr."),
    # No CHARSET and not UTF-8: read as Windows-1252, the documented fallback. The Polish "ń"
    # would need Windows-1250, which nothing in the file says.
    ("roundcubemail__thebat.vcf", 0, "Piotr Iksiñski"),
])
def test_names_decode(name, index, expected):
    assert contact("vcard", name, index).name == expected


def test_android_keeps_every_card_and_says_which_value_was_left_out():
    parsed = parse("vcard", "ez-vcard__John_Doe_ANDROID.vcf")
    assert (82, "ORG left out: value does not decode: damaged UTF-8 (byte 0x80)") in parsed.skipped
    henry = parsed.contacts[-1]
    assert (henry.emails, henry.company) == (["henry@company.com"], "Ñ" * 44)  # its first ORG


def test_iphone_nickname_url_and_phones_without_country_code():
    parsed = parse("vcard", "ez-vcard__John_Doe_IPHONE.vcf")
    (john,) = parsed.contacts
    assert (john.nickname, john.urls, john.emails, john.company) == (
        "Johny", ["http://www.ibm.com"], ["john.doe@ibm.com"], "IBM")
    assert all("--default-region" in reason for _, reason in parsed.skipped)
    with_region = parse_file(REALWORLD / "vcard" / "ez-vcard__John_Doe_IPHONE.vcf",
                             ParseOptions(default_region="US"), format="vcard")
    assert with_region.contacts[0].phones[0] == "+19055551234"
    assert not any("--default-region" in reason for _, reason in with_region.skipped)


def test_gmail_nickname_and_url():
    greg = contact("vcard", "ez-vcard__gmail-single.vcf")
    assert (greg.name, greg.nickname, greg.urls) == ("Greg Dartmouth", "Gman", ["http://TheProfile.com"])


# -- calendars: what is left out, and where ----------------------------------------------------

@pytest.mark.parametrize("name, line, reason", [
    ("icalendar__broken_ical.ics", 4, "not an iCalendar property line: 'DTSTART;;VALUE=DATE-TIME:20140409T093000'"),
    ("icalendar__broken_ical.ics", 2, "VEVENT has no DTSTART: 'An Event with too many semicolons' left out"),
    ("icalendar__issue_104_broken_calendar.ics", 13, "not an iCalendar property line: 'X': left out"),
    ("icalendar__issue_350.ics", 36, "text after END:VCALENDAR left out"),
    ("icalendar__issue_1050_multiple_calendars.ics", 4, "VEVENT has no DTSTART: 'Event 1' left out"),
    ("icalendar__event_with_rsvp.ics", 1, "VEVENT has no DTSTART"),
    ("icalendar__big_bad_calendar.ics", 1, "BEGIN:VCALENDAR has no END:VCALENDAR"),
    ("icalendar__issue_165_missing_event.ics", 20, "no other attendees: 'Sprint 25 Daily Standup'"),
])
def test_left_out_with_line_and_reason(name, line, reason):
    skipped = parse("ical", name).skipped
    assert any(at == line and reason in said for at, said in skipped), skipped


def test_bare_vevent_with_an_umlaut_organizer():
    parsed = parse("ical", "icalendar__issue_101_icalendar_chokes_on_umlauts_in_organizer.ics")
    assert [(c.name, c.emails) for c in parsed.contacts] == [("acme, ädmin", ["adm-acme@mydomain.de"])]
    assert parsed.activities[0].at == datetime(2013, 4, 16, 10, tzinfo=timezone.utc)


def test_exchange_rule_with_spaces_is_expanded():
    # Expanded (one note for the whole series: the owner alone in it), not refused.
    parsed = parse_file(REALWORLD / "ical" / "icalendar__issue_165_missing_event.ics",
                        ParseOptions(owner_emails=frozenset({"nobody@example.com"}),
                                     until=datetime(2026, 1, 1, tzinfo=timezone.utc)), format="ical")
    assert parsed.skipped == [(20, "no other attendees: 'Sprint 25 Daily Standup'")]


def test_leading_space_in_dtend():
    (meeting,) = parse("ical", "vobject__vobject_0050.ics").activities
    assert meeting.participants == ["email:appointments@wellsfargo.com"]
