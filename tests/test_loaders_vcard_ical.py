"""vCard and iCalendar loaders, on fixtures that reproduce what real exports look like.

Pure parsing: no store. Fixtures are written with CRLF line ends, as phones and
calendar servers write them.
"""

from __future__ import annotations

import base64
import textwrap
from datetime import datetime, timezone
from pathlib import Path

import pytest

from graph.model import Birthday
from loaders import ical, vcard
from loaders.records import ME, LoadError, ParseOptions

UTC = timezone.utc
GB = ParseOptions(default_region="GB")
OWNER = "owner@example.com"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_bytes(textwrap.dedent(text).lstrip("\n").replace("\n", "\r\n").encode())
    return path


def folded_photo(size: int, indent: str) -> str:
    """A base64 JPEG folded the way exporters fold it (continuation lines start with ``indent``)."""
    data = base64.b64encode(b"\xff\xd8\xff\xe0" + bytes(range(256)) * (size // 256)).decode()
    return f"\n{indent}".join(data[i:i + 72] for i in range(0, len(data), 72))


def line_of(text: str, wanted: str, nth: int = 1) -> int:
    """The physical line of the ``nth`` line equal to ``wanted`` in fixture ``text``."""
    lines = textwrap.dedent(text).lstrip("\n").splitlines()
    return [number for number, line in enumerate(lines, 1) if line == wanted][nth - 1]


def load_error(parse, path: Path, options=GB) -> LoadError:
    with pytest.raises(LoadError) as caught:
        parse(path, options)
    return caught.value


# =============================================================================
# vCard fixtures
# =============================================================================

IPHONE = f"""
BEGIN:VCARD
VERSION:3.0
PRODID:-//Apple Inc.//iPhone OS 17.4//EN
N:Souza;Ana;Maria;;
FN:Ana Souza
NICKNAME:Aninha
ORG:Acme\\, Inc.;Research
TITLE:Head of Data
item1.EMAIL;type=INTERNET;type=pref:Ana.Souza@Example.com
item1.X-ABLabel:_$!<Work>!$_
EMAIL;type=INTERNET;type=HOME:ana@home.example
item2.TEL;type=pref:07700 900123
item2.X-ABLabel:_$!<Mobile>!$_
TEL;type=CELL;type=VOICE:+44 7700 900456
item3.ADR;type=HOME;type=pref:;;1 High St;London;;N1 1AA;United Kingdom
item3.X-ABADR:gb
item4.URL;type=pref:https\\://ana.example/blog
item4.X-ABLabel:_$!<HomePage>!$_
item5.X-ABRELATEDNAMES:Lia
item5.X-ABLabel:_$!<Child>!$_
item6.X-ABRELATEDNAMES:Marco
item6.X-ABLabel:_$!<Spouse>!$_
item7.X-ABRELATEDNAMES;type=pref:Tom
item7.X-ABLabel:_$!<Son>!$_
NOTE:Met at PyCon\\, Lisbon.\\nLikes hiking\\; hates spam. Path C:\\\\temp
BDAY;X-APPLE-OMIT-YEAR=1604:1604-05-17
PHOTO;ENCODING=b;TYPE=JPEG:{folded_photo(60_000, " ")}
CATEGORIES:Friends,PyCon
UID:8A1F6B2C-3D4E-4F50-9A8B-7C6D5E4F3A2B
END:VCARD
BEGIN:VCARD
VERSION:3.0
PRODID:-//Apple Inc.//iPhone OS 17.4//EN
N:Okafor;Chidi;;;
FN:Chidi Okafor
TEL;type=CELL:+1 (415) 555-0132
BDAY:1990-05-17
END:VCARD
"""

ANDROID = f"""
BEGIN:VCARD
VERSION:2.1
N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=C3=81lvarez;Jos=C3=A9;;;
FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Jos=C3=A9 Mar=C3=ADa =C3=81lvarez G=C3=B3mez de la Fuente y =
Mart=C3=ADnez
TEL;CELL;PREF:07700 900789
TEL;HOME:12
EMAIL;HOME:jose@example.es
NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Conoc=C3=AD a Jos=C3=A9 en Madrid, en la boda de=0D=0A=
Luc=C3=ADa.
BDAY:19900517
PHOTO;ENCODING=BASE64;JPEG:{folded_photo(30_000, "  ")}

X-ANDROID-CUSTOM:vnd.android.cursor.item/nickname;Pepe;1;;;;;;;;;;;;;
END:VCARD
BEGIN:VCARD
VERSION:2.1
N:Nguyen;Linh;;;
FN:Linh Nguyen
TEL;CELL:+84 91 234 56 78
BDAY:1985-02-30
END:VCARD
"""

GOOGLE = """
BEGIN:VCARD
VERSION:3.0
FN:Priya Raman
N:Raman;Priya;;;
EMAIL;TYPE=INTERNET;TYPE=WORK:priya@bigco.example
TEL;TYPE=CELL:020 7946 0018
ADR;TYPE=WORK:;;;Manchester;;;UK
ORG:BigCo
TITLE:CTO
BDAY:--05-17
item1.X-ABRELATEDNAMES:Arjun
item1.X-ABLabel:_$!<Child>!$_
CATEGORIES:myContacts,Family,Starred
END:VCARD
"""

VCARD4 = """
BEGIN:VCARD
VERSION:4.0
KIND:individual
UID:urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1
FN:Sam Taylor
N:Taylor;Sam;;;
TEL;VALUE=uri;TYPE="voice,cell":tel:+44-7700-900222
EMAIL;TYPE=work:sam@example.org
RELATED;TYPE=child;VALUE=text:Lia Taylor
RELATED;TYPE=child:urn:uuid:03a0e51f-d1aa-4385-8a53-e29025acd8af
RELATED;TYPE=friend;VALUE=text:Kim
BDAY:--0517
END:VCARD
BEGIN:VCARD
VERSION:4.0
KIND:group
FN:Book club
MEMBER:urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1
UID:urn:uuid:group-1
END:VCARD
"""


# =============================================================================
# vCard: field mapping
# =============================================================================

def test_iphone_export_maps_every_field(tmp_path):
    parsed = vcard.parse(write(tmp_path, "iphone.vcf", IPHONE), GB)
    assert parsed.format == "vcard" and parsed.skipped == []
    ana, chidi = parsed.contacts
    assert (ana.source, ana.source_id, ana.line) == ("vcard", "8A1F6B2C-3D4E-4F50-9A8B-7C6D5E4F3A2B", 1)
    assert (ana.name, ana.given_name, ana.family_name, ana.nickname) == ("Ana Souza", "Ana", "Souza", "Aninha")
    assert (ana.company, ana.title, ana.location) == ("Acme, Inc.", "Head of Data", "London")
    assert ana.emails == ["ana.souza@example.com", "ana@home.example"]
    assert ana.phones == ["+447700900123", "+447700900456"]
    assert ana.urls == ["https://ana.example/blog"]
    assert ana.children == ["Lia", "Tom"]  # the spouse is not a child
    assert ana.tags == ["friends", "pycon"]
    assert ana.notes == "Met at PyCon, Lisbon.\nLikes hiking; hates spam. Path C:\\temp"
    assert ana.birthday == Birthday(5, 17, None)  # X-APPLE-OMIT-YEAR: iOS's "no year"
    assert chidi.birthday == Birthday(5, 17, 1990)
    assert chidi.phones == ["+14155550132"]
    assert chidi.line == line_of(IPHONE, "BEGIN:VCARD", 2) > 1000  # after the folded photo


def test_photos_are_ignored(tmp_path):
    parsed = vcard.parse(write(tmp_path, "iphone.vcf", IPHONE), GB)
    assert not any("/9j/" in str(value) for c in parsed.contacts for value in vars(c).values())


def test_large_photos_are_skipped_whole(tmp_path):
    """Ten 400 KB photos: the cards are kept, the photos never decoded (benchmarks/bench_loaders.py times it)."""
    cards = "".join(
        f"BEGIN:VCARD\nVERSION:3.0\nFN:Person {i}\nPHOTO;ENCODING=b;TYPE=JPEG:{folded_photo(400_000, ' ')}\nEND:VCARD\n"
        for i in range(10))
    parsed = vcard.parse(write(tmp_path, "photos.vcf", cards), GB)
    assert [c.name for c in parsed.contacts] == [f"Person {i}" for i in range(10)]
    assert parsed.skipped == []


def test_android_21_quoted_printable_with_soft_breaks(tmp_path):
    parsed = vcard.parse(write(tmp_path, "android.vcf", ANDROID), GB)
    jose, linh = parsed.contacts
    assert jose.name == "José María Álvarez Gómez de la Fuente y Martínez"
    assert (jose.given_name, jose.family_name) == ("José", "Álvarez")
    assert jose.notes == "Conocí a José en Madrid, en la boda de\nLucía."  # the comma survives
    assert jose.phones == ["+447700900789"]  # national number, default region GB
    assert jose.emails == ["jose@example.es"]
    assert jose.birthday == Birthday(5, 17, 1990)
    assert jose.source_id.startswith("sha1:")  # Android writes no UID
    assert linh.line == line_of(ANDROID, "BEGIN:VCARD", 2)  # after the 2.1 photo block and blank line
    assert linh.phones == ["+84912345678"] and linh.birthday is None
    assert parsed.skipped == [(7, "TEL: '12' is not a possible phone number"),
                              (line_of(ANDROID, "BDAY:1985-02-30"), "BDAY '1985-02-30': day is out of range for month")]


def test_google_export_categories_and_no_year_birthday(tmp_path):
    (priya,) = vcard.parse(write(tmp_path, "google.vcf", GOOGLE), GB).contacts
    assert priya.tags == ["family", "starred"]  # myContacts is Google's "all contacts"
    assert priya.birthday == Birthday(5, 17, None)
    assert priya.children == ["Arjun"]
    assert priya.phones == ["+442079460018"]
    assert (priya.company, priya.title, priya.location) == ("BigCo", "CTO", "Manchester")


def test_vcard4_related_child_and_short_birthday(tmp_path):
    parsed = vcard.parse(write(tmp_path, "v4.vcf", VCARD4), GB)
    (sam,) = parsed.contacts
    assert sam.source_id == "urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1"
    assert sam.children == ["Lia Taylor"]
    assert sam.birthday == Birthday(5, 17, None)
    assert sam.phones == ["+447700900222"]
    assert parsed.skipped == [
        (10, "RELATED child 'urn:uuid:03a0e51f-d1aa-4385-8a53-e29025acd8af' is a reference, not a name"),
        (14, "a contact group, not a person"),
    ]


def test_vcard_parse_is_deterministic(tmp_path):
    for name, text in (("a.vcf", IPHONE), ("b.vcf", ANDROID), ("c.vcf", GOOGLE), ("d.vcf", VCARD4)):
        path = write(tmp_path, name, text)
        assert vcard.parse(path, GB) == vcard.parse(path, GB)


def test_cards_without_uid_get_distinct_stable_ids(tmp_path):
    twice = "BEGIN:VCARD\nVERSION:3.0\nFN:Sam\nEND:VCARD\n" * 2
    first, second = vcard.parse(write(tmp_path, "sams.vcf", twice), GB).contacts
    assert first.source_id != second.source_id
    assert second.source_id == first.source_id + "#2"


def test_phone_without_default_region_is_skipped_not_guessed(tmp_path):
    parsed = vcard.parse(write(tmp_path, "g.vcf", GOOGLE), ParseOptions())
    assert parsed.contacts[0].phones == []
    assert parsed.skipped[0][0] == 6


# =============================================================================
# vCard: malformed files
# =============================================================================

def test_card_cut_off_at_the_end_is_left_out_and_the_others_kept(tmp_path):
    path = write(tmp_path, "open.vcf", GOOGLE + "BEGIN:VCARD\nVERSION:3.0\nFN:Cut off\n")
    parsed = vcard.parse(path, GB)
    assert [c.name for c in parsed.contacts] == ["Priya Raman"]
    assert (15, "BEGIN:VCARD has no END:VCARD (the file ends inside it: cut short?): card left out") \
        in parsed.skipped


def test_file_whose_only_card_is_cut_off_is_refused(tmp_path):
    error = load_error(vcard.parse, write(tmp_path, "open.vcf", "BEGIN:VCARD\nVERSION:4.0\nFN:Cut off\n"))
    assert error.line == 1 and "BEGIN:VCARD has no END:VCARD" in str(error)


def test_missing_end_before_next_card_leaves_out_that_card(tmp_path):
    path = write(tmp_path, "missing.vcf", "BEGIN:VCARD\nVERSION:3.0\nFN:A\n" + GOOGLE.lstrip())
    parsed = vcard.parse(path, GB)
    assert [c.name for c in parsed.contacts] == ["Priya Raman"]
    assert (1, "BEGIN:VCARD has no END:VCARD (next card begins at line 4): card left out") in parsed.skipped


def test_garbage_line_inside_a_card_is_left_out_with_its_line(tmp_path):
    text = IPHONE.replace("CATEGORIES:Friends,PyCon", "CATEGORIES:Friends,PyCon\nthis line is not a property")
    parsed = vcard.parse(write(tmp_path, "garbage.vcf", text), GB)
    assert parsed.contacts[0].name == "Ana Souza"
    (line, reason), = [s for s in parsed.skipped if "not a vCard property line" in s[1]]
    assert line == line_of(text, "this line is not a property") > 1000


def test_end_without_begin_is_left_out(tmp_path):
    parsed = vcard.parse(write(tmp_path, "end.vcf", GOOGLE + "END:VCARD\n"), GB)
    assert len(parsed.contacts) == 1 and (15, "END:VCARD without BEGIN:VCARD: left out") in parsed.skipped


@pytest.mark.parametrize("data, line", [
    (b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\x00\x01\x02\r\nEND:VCARD\r\n", 3),
    (b"BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Jos\xe9\r\nEND:VCARD\r\n", 3),  # vCard 4 is UTF-8 only
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 2),  # its first control byte, 0x1a
])
def test_binary_data_is_refused_at_its_line(tmp_path, data, line):
    path = tmp_path / "binary.vcf"
    path.write_bytes(data)
    assert load_error(vcard.parse, path).line == line


def test_damaged_utf8_quoted_printable_value_is_left_out(tmp_path):
    text = ("BEGIN:VCARD\nVERSION:2.1\nFN:José\nORG;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=C3=91=C3=91=80\n"
            "TITLE:Chef\nEND:VCARD\n")
    parsed = vcard.parse(write(tmp_path, "qp.vcf", text), GB)
    (contact,) = parsed.contacts
    assert (contact.name, contact.company, contact.title) == ("José", None, "Chef")
    assert parsed.skipped == [(4, "ORG left out: value does not decode: damaged UTF-8 (byte 0x80)")]


def test_quoted_printable_declared_utf8_but_in_windows_1252(tmp_path):
    text = "BEGIN:VCARD\nVERSION:2.1\nFN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Jos=E9\nEND:VCARD\n"
    assert vcard.parse(write(tmp_path, "qp.vcf", text), GB).contacts[0].name == "José"


def test_quoted_printable_in_the_declared_charset(tmp_path):
    text = ("BEGIN:VCARD\nVERSION:2.1\nN;CHARSET=ISO-8859-7;ENCODING=QUOTED-PRINTABLE:=D0=E1=F0=DC=F2;=C3=E9=FE=F1=E3=EF"
            "\nFN;charset=windows-1250;encoding=quoted-printable:Piotr Iksi=F1ski\nEND:VCARD\n")
    (contact,) = vcard.parse(write(tmp_path, "qp.vcf", text), GB).contacts
    assert (contact.family_name, contact.given_name, contact.name) == ("Παπάς", "Γιώργο", "Piotr Iksiński")


def test_ansi_vcard_21_is_read_in_its_charset_or_windows_1252(tmp_path):
    path = tmp_path / "ansi.vcf"
    path.write_bytes("BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=windows-1252:Doë;John\r\nFN:Jürgen Müller\r\n"
                     "END:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nFN;CHARSET=ISO-8859-7:Νίκος\r\nEND:VCARD\r\n"
                     .encode("cp1252", errors="ignore").replace(b"FN;CHARSET=ISO-8859-7:",
                                                                b"FN;CHARSET=ISO-8859-7:" + "Νίκος".encode("iso-8859-7")))
    parsed = vcard.parse(path, GB)
    assert [(c.name, c.family_name) for c in parsed.contacts] == [("Jürgen Müller", "Doë"), ("Νίκος", None)]


def test_iphone_cr_cr_lf_line_ends_unfold(tmp_path):
    path = tmp_path / "iphone.vcf"
    text = IPHONE.lstrip("\n").replace("\n", "\r\r\n")
    path.write_bytes(text.encode())
    parsed, crlf = vcard.parse(path, GB), vcard.parse(write(tmp_path, "crlf.vcf", IPHONE), GB)
    assert (parsed.contacts[0].name, parsed.contacts[0].nickname) == ("Ana Souza", "Aninha")
    assert [c.__dict__ for c in parsed.contacts] == [c.__dict__ for c in crlf.contacts]
    assert parsed.skipped == crlf.skipped


def test_quoted_printable_soft_break_before_a_blank_line_or_the_end(tmp_path):
    text = ("BEGIN:VCARD\nVERSION:2.1\nFN:Ana\nNOTE;ENCODING=QUOTED-PRINTABLE:first line=0D=0Asecond=\n\n"
            "TITLE:Chef\nEND:VCARD\nBEGIN:VCARD\nVERSION:2.1\nFN:Bob\nNOTE;ENCODING=QUOTED-PRINTABLE:cut=\n"
            "END:VCARD\n")
    parsed = vcard.parse(write(tmp_path, "qp.vcf", text), GB)
    assert [(c.name, c.notes, c.title) for c in parsed.contacts] == [
        ("Ana", "first line\nsecond", "Chef"), ("Bob", "cut", None)]
    assert parsed.skipped == []


def test_phone_without_country_code_says_how_to_fix_it(tmp_path):
    text = "BEGIN:VCARD\nVERSION:3.0\nFN:Ana\nTEL:905-555-1234\nEND:VCARD\n"
    parsed = vcard.parse(write(tmp_path, "tel.vcf", text), ParseOptions())
    (line, reason), = parsed.skipped
    assert line == 4 and "--default-region" in reason
    assert vcard.parse(write(tmp_path, "tel.vcf", text), ParseOptions(default_region="US")).contacts[0].phones == [
        "+19055551234"]


def test_nickname_and_urls(tmp_path):
    text = ("BEGIN:VCARD\nVERSION:3.0\nFN:Ana\nNICKNAME:Aninha,Nina\nitem1.URL:http\\://ana.example.com\n"
            "URL;TYPE=work:https://acme.example\nEND:VCARD\n")
    (contact,) = vcard.parse(write(tmp_path, "nick.vcf", text), GB).contacts
    assert contact.nickname == "Aninha, Nina"
    assert contact.urls == ["http://ana.example.com", "https://acme.example"]


def test_file_without_cards(tmp_path):
    assert load_error(vcard.parse, write(tmp_path, "empty.vcf", "\n")).line == 1


# =============================================================================
# iCalendar fixtures
# =============================================================================

# Google: X-WR-TIMEZONE with UTC times, a weekly meeting from a winter Thursday
# (09:00 London = 09:00Z), one week excluded, one moved to the afternoon.
GOOGLE_CAL = """
BEGIN:VCALENDAR
PRODID:-//Google Inc//Google Calendar 70.9054//EN
VERSION:2.0
CALSCALE:GREGORIAN
METHOD:PUBLISH
X-WR-CALNAME:owner@example.com
X-WR-TIMEZONE:Europe/London
BEGIN:VEVENT
DTSTART:20240307T090000Z
DTEND:20240307T093000Z
RRULE:FREQ=WEEKLY;BYDAY=TH
EXDATE:20240321T090000Z
DTSTAMP:20240601T120000Z
ORGANIZER;CN=Owner:mailto:owner@example.com
UID:7kukuqrfedlm2f9t0vr3j5r3ma@google.com
ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN=Ana Souza;X-NUM-GUESTS=0:mailto:ana
 @example.com
ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=TRUE;CN=owner@example.com;X-NUM-G
 UESTS=0:mailto:owner@example.com
ATTENDEE;CUTYPE=RESOURCE;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN=London-3-Ro
 om 301;X-NUM-GUESTS=0:mailto:c_1889@resource.calendar.google.com
ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;CN=bo
 b@example.com;X-NUM-GUESTS=0:mailto:bob@example.com
X-GOOGLE-CONFERENCE:https://meet.google.com/abc-defg-hij
DESCRIPTION:Join with Google Meet: https://meet.google.com/abc-defg-hij
SEQUENCE:0
STATUS:CONFIRMED
SUMMARY:Weekly sync
TRANSP:OPAQUE
END:VEVENT
BEGIN:VEVENT
DTSTART:20240404T130000Z
DTEND:20240404T133000Z
DTSTAMP:20240601T120000Z
ORGANIZER;CN=Owner:mailto:owner@example.com
UID:7kukuqrfedlm2f9t0vr3j5r3ma@google.com
RECURRENCE-ID:20240404T080000Z
ATTENDEE;PARTSTAT=ACCEPTED;CN=Ana Souza:mailto:ana@example.com
ATTENDEE;PARTSTAT=ACCEPTED;CN=owner@example.com:mailto:owner@example.com
LOCATION:Dishoom\\, 12 Upper St Martin's Ln\\, London
SUMMARY:Weekly sync (lunch)
END:VEVENT
BEGIN:VEVENT
DTSTART;VALUE=DATE:20240510
DTEND;VALUE=DATE:20240511
UID:offsite@google.com
ORGANIZER;CN=Ana Souza:mailto:ana@example.com
ATTENDEE;PARTSTAT=ACCEPTED;CN=Ana Souza:mailto:ana@example.com
ATTENDEE;PARTSTAT=ACCEPTED:mailto:OWNER@example.com
SUMMARY:Team offsite
END:VEVENT
BEGIN:VEVENT
DTSTART:20240420T100000Z
DTEND:20240420T110000Z
UID:dentist@google.com
SUMMARY:Dentist
END:VEVENT
BEGIN:VEVENT
DTSTART:20240422T170000Z
DTEND:20240422T180000Z
UID:drinks@google.com
STATUS:CANCELLED
ORGANIZER;CN=Ana Souza:mailto:ana@example.com
ATTENDEE;PARTSTAT=ACCEPTED:mailto:owner@example.com
SUMMARY:Drinks
END:VEVENT
BEGIN:VEVENT
DTSTART:20240423T170000Z
DTEND:20240423T180000Z
UID:party@google.com
ORGANIZER;CN=Bob Lee:mailto:bob@example.com
ATTENDEE;PARTSTAT=DECLINED:mailto:owner@example.com
SUMMARY:Bob's party
END:VEVENT
END:VCALENDAR
"""

OUTLOOK_VTIMEZONE = """
BEGIN:VTIMEZONE
TZID:GMT Standard Time
BEGIN:STANDARD
DTSTART:16011028T020000
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10
TZOFFSETFROM:+0100
TZOFFSETTO:-0000
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010325T010000
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3
TZOFFSETFROM:-0000
TZOFFSETTO:+0100
END:DAYLIGHT
END:VTIMEZONE
"""

# Outlook: a Windows zone name with its VTIMEZONE; Tuesdays 09:00 London from
# January to July 2024, organised by Ana, Teams link, Bob declined.
OUTLOOK_CAL = f"""
BEGIN:VCALENDAR
PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN
VERSION:2.0
METHOD:PUBLISH
X-MS-OLK-FORCEINSPECTOROPEN:TRUE
{OUTLOOK_VTIMEZONE.strip()}
BEGIN:VEVENT
ATTENDEE;CN="Owner";RSVP=TRUE:mailto:Owner@Example.com
ATTENDEE;CN="Lee, Bob";PARTSTAT=DECLINED;RSVP=TRUE:MAILTO:bob@example.com
ATTENDEE;CN="Chidi Okafor";RSVP=TRUE:mailto:chidi@example.com
CLASS:PUBLIC
CREATED:20231220T101500Z
DESCRIPTION:________________________________________________________________________________\\nMicrosoft Teams meeting\\nJoin on your computer: https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc
DTEND;TZID="GMT Standard Time":20240102T093000
DTSTART;TZID="GMT Standard Time":20240102T090000
DTSTAMP:20240101T000000Z
LOCATION:Microsoft Teams Meeting
ORGANIZER;CN="Souza, Ana":mailto:ana@example.com
PRIORITY:5
RRULE:FREQ=WEEKLY;COUNT=30;BYDAY=TU
SEQUENCE:0
SUMMARY;LANGUAGE=en-gb:Planning
TRANSP:OPAQUE
UID:040000008200E00074C5B7101A82E0080000000010F6F1E2F4D3DA01000000000000000010000000
X-MICROSOFT-CDO-BUSYSTATUS:BUSY
END:VEVENT
END:VCALENDAR
"""

OPTIONS = ParseOptions(owner_emails=frozenset({OWNER}), until=datetime(2024, 5, 31, tzinfo=UTC))


def custom_zone_calendar(offset: str) -> str:
    """Outlook calls many different zones "Customized Time Zone"."""
    return f"""
    BEGIN:VCALENDAR
    VERSION:2.0
    BEGIN:VTIMEZONE
    TZID:Customized Time Zone
    BEGIN:STANDARD
    DTSTART:16010101T000000
    TZOFFSETFROM:{offset}
    TZOFFSETTO:{offset}
    END:STANDARD
    END:VTIMEZONE
    BEGIN:VEVENT
    UID:custom-{offset}
    DTSTART;TZID=Customized Time Zone:20240102T090000
    ORGANIZER:mailto:ana@example.com
    ATTENDEE:mailto:owner@example.com
    END:VEVENT
    END:VCALENDAR
    """


# =============================================================================
# iCalendar: Google
# =============================================================================

def test_google_weekly_series_with_exdate_and_moved_instance(tmp_path):
    parsed = ical.parse(write(tmp_path, "google.ics", GOOGLE_CAL), OPTIONS)
    weekly = [a for a in parsed.activities if a.summary.startswith("Weekly sync")]
    # 7 March .. 30 May: 13 Thursdays, less the excluded 21 March.
    assert len(weekly) == 12
    assert datetime(2024, 3, 21, 9, tzinfo=UTC) not in [a.at for a in weekly]
    moved = [a for a in weekly if a.summary == "Weekly sync (lunch)"]
    assert [(m.at, m.line, m.channel) for m in moved] == [(datetime(2024, 4, 4, 13, tzinfo=UTC), 31, "in-person")]
    assert moved[0].source_id == "7kukuqrfedlm2f9t0vr3j5r3ma@google.com/2024-04-04T08:00:00Z"


def test_google_x_wr_timezone_follows_daylight_saving(tmp_path):
    parsed = ical.parse(write(tmp_path, "google.ics", GOOGLE_CAL), OPTIONS)
    times = {a.at.date().isoformat(): a.at for a in parsed.activities if a.summary == "Weekly sync"}
    assert times["2024-03-28"] == datetime(2024, 3, 28, 9, tzinfo=UTC)   # GMT
    assert times["2024-04-11"] == datetime(2024, 4, 11, 8, tzinfo=UTC)   # BST: still 09:00 in London
    assert all(a.at.tzinfo is UTC for a in parsed.activities)


def test_google_participants_owner_rooms_and_names(tmp_path):
    parsed = ical.parse(write(tmp_path, "google.ics", GOOGLE_CAL), OPTIONS)
    first = parsed.activities[0]
    assert first.participants == [ME, "email:ana@example.com", "email:bob@example.com"]  # no room
    assert (first.initiated_by, first.channel, first.kind, first.line) == (ME, "video", "meeting", 8)
    assert first.source_id == "7kukuqrfedlm2f9t0vr3j5r3ma@google.com/2024-03-07T09:00:00Z"
    # Bob's CN is only his address, so only Ana gets a name; the owner is never a contact.
    assert [(c.source, c.source_id, c.name, c.emails) for c in parsed.contacts] == [
        ("ical", "ana@example.com", "Ana Souza", ["ana@example.com"])]


def test_floating_time_in_x_wr_timezone_calendar_is_in_that_zone(tmp_path):
    text = """
    BEGIN:VCALENDAR
    VERSION:2.0
    X-WR-TIMEZONE:Asia/Tokyo
    BEGIN:VEVENT
    UID:tokyo
    DTSTART:20240110T090000
    DTEND:20240110T100000
    ATTENDEE:mailto:ana@example.com
    END:VEVENT
    END:VCALENDAR
    """
    (meeting,) = ical.parse(write(tmp_path, "tokyo.ics", text), OPTIONS).activities
    assert meeting.at == datetime(2024, 1, 10, 0, tzinfo=UTC)
    assert meeting.source_id == "tokyo/2024-01-10T00:00:00Z"


def test_all_day_event_is_midnight_utc(tmp_path):
    parsed = ical.parse(write(tmp_path, "google.ics", GOOGLE_CAL), OPTIONS)
    (offsite,) = [a for a in parsed.activities if a.summary == "Team offsite"]
    assert offsite.at == datetime(2024, 5, 10, tzinfo=UTC)
    assert offsite.participants == ["email:ana@example.com", ME]
    assert offsite.initiated_by == "email:ana@example.com"
    assert offsite.channel == "meeting"
    assert offsite.source_id == "offsite@google.com/2024-05-10T00:00:00Z"


def test_skipped_events_say_why(tmp_path):
    parsed = ical.parse(write(tmp_path, "google.ics", GOOGLE_CAL), OPTIONS)
    assert parsed.skipped == [
        (52, "no other attendees: 'Dentist'"),
        (58, "cancelled: 'Drinks'"),
        (67, "declined by the owner: \"Bob's party\""),
    ]


def test_until_bounds_the_expansion(tmp_path):
    path = write(tmp_path, "google.ics", GOOGLE_CAL)
    early = ical.parse(path, ParseOptions(owner_emails=frozenset({OWNER}), until=datetime(2024, 3, 20)))
    assert [a.at.day for a in early.activities] == [7, 14]  # a naive until is UTC


def test_until_before_every_event_gives_nothing(tmp_path):
    path = write(tmp_path, "google.ics", GOOGLE_CAL)
    parsed = ical.parse(path, ParseOptions(until=datetime(2020, 1, 1, tzinfo=UTC)))
    assert (parsed.activities, parsed.contacts, parsed.skipped) == ([], [], [])


def test_until_defaults_to_now(tmp_path, monkeypatch):
    monkeypatch.setenv("KITH_TODAY", "2031-07-15T12:00:00+00:00")  # "now" comes from kith.clock
    soon, past = datetime(2031, 7, 18, tzinfo=UTC), datetime(2031, 7, 12, tzinfo=UTC)
    events = "".join(f"""
        BEGIN:VEVENT
        UID:{name}
        DTSTART:{at:%Y%m%dT%H%M%SZ}
        ATTENDEE:mailto:ana@example.com
        END:VEVENT""" for name, at in (("past", past), ("soon", soon)))
    path = write(tmp_path, "now.ics", f"BEGIN:VCALENDAR\nVERSION:2.0{textwrap.dedent(events)}\nEND:VCALENDAR\n")
    assert [a.source_id.split("/")[0] for a in ical.parse(path, ParseOptions()).activities] == ["past"]


def test_ical_parse_is_deterministic(tmp_path):
    for name, text in (("g.ics", GOOGLE_CAL), ("o.ics", OUTLOOK_CAL)):
        path = write(tmp_path, name, text)
        assert ical.parse(path, OPTIONS) == ical.parse(path, OPTIONS)


# =============================================================================
# iCalendar: Outlook and time zones
# =============================================================================

def test_outlook_windows_zone_is_dst_correct(tmp_path):
    parsed = ical.parse(write(tmp_path, "outlook.ics", OUTLOOK_CAL), OPTIONS)
    ats = [a.at for a in parsed.activities]
    assert len(ats) == 22  # Tuesdays 2 January .. 28 May (until 31 May)
    assert datetime(2024, 3, 26, 9, tzinfo=UTC) in ats   # last Tuesday of GMT
    assert datetime(2024, 4, 2, 8, tzinfo=UTC) in ats    # first Tuesday of BST
    first = parsed.activities[0]
    assert first.participants == ["email:ana@example.com", ME, "email:chidi@example.com"]  # Bob declined
    assert (first.initiated_by, first.channel, first.summary) == ("email:ana@example.com", "video", "Planning")
    assert first.line == 21
    names = {c.source_id: c.name for c in parsed.contacts}
    assert names == {"ana@example.com": "Souza, Ana", "bob@example.com": "Lee, Bob",
                     "chidi@example.com": "Chidi Okafor"}


def test_windows_zone_uses_the_zone_history_not_todays_rule(tmp_path):
    # Outlook's VTIMEZONE for US Eastern holds only the post-2007 rule (DST from
    # the second Sunday of March). On 20 March 2006 New York was still on EST.
    zone = """
        BEGIN:VTIMEZONE
        TZID:Eastern Standard Time
        BEGIN:STANDARD
        DTSTART:16011104T020000
        RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11
        TZOFFSETFROM:-0400
        TZOFFSETTO:-0500
        END:STANDARD
        BEGIN:DAYLIGHT
        DTSTART:16010311T020000
        RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3
        TZOFFSETFROM:-0500
        TZOFFSETTO:-0400
        END:DAYLIGHT
        END:VTIMEZONE"""
    text = f"""BEGIN:VCALENDAR\nVERSION:2.0{textwrap.dedent(zone)}
BEGIN:VEVENT
UID:ny-2006
DTSTART;TZID=Eastern Standard Time:20060320T090000
ATTENDEE:mailto:ana@example.com
END:VEVENT
END:VCALENDAR
"""
    (meeting,) = ical.parse(write(tmp_path, "ny.ics", text), OPTIONS).activities
    assert meeting.at == datetime(2006, 3, 20, 14, tzinfo=UTC)


def test_same_custom_zone_name_in_two_files_is_not_mixed_up(tmp_path):
    plus = ical.parse(write(tmp_path, "plus.ics", custom_zone_calendar("+0500")), OPTIONS)
    minus = ical.parse(write(tmp_path, "minus.ics", custom_zone_calendar("-0500")), OPTIONS)
    assert plus.activities[0].at == datetime(2024, 1, 2, 4, tzinfo=UTC)
    assert minus.activities[0].at == datetime(2024, 1, 2, 14, tzinfo=UTC)


def test_floating_time_is_utc_and_apple_email_parameter(tmp_path):
    text = """
    BEGIN:VCALENDAR
    VERSION:2.0
    PRODID:-//Apple Inc.//macOS 14.4//EN
    BEGIN:VEVENT
    UID:apple-1
    DTSTART:20240511T150000
    DTEND:20240511T160000
    SUMMARY:Coffee
    LOCATION:Monmouth Coffee\\, Borough Market
    ORGANIZER;CN=Owner;EMAIL=owner@example.com:urn:uuid:11111111-2222
    ATTENDEE;CN=Ana Souza;EMAIL=ana@example.com;PARTSTAT=ACCEPTED:urn:uuid:33333333-4444
    ATTENDEE;CN=Kim;PARTSTAT=ACCEPTED:urn:uuid:55555555-6666
    END:VEVENT
    END:VCALENDAR
    """
    (coffee,) = ical.parse(write(tmp_path, "apple.ics", text), OPTIONS).activities
    assert coffee.at == datetime(2024, 5, 11, 15, tzinfo=UTC)
    assert coffee.participants == [ME, "email:ana@example.com", "name:Kim"]
    assert coffee.channel == "in-person"


def test_rdate_and_a_cancelled_instance_of_a_series(tmp_path):
    text = """
    BEGIN:VCALENDAR
    VERSION:2.0
    BEGIN:VEVENT
    UID:daily
    DTSTART:20240506T120000Z
    RRULE:FREQ=DAILY;COUNT=3
    RDATE:20240510T120000Z,20240512T120000Z
    ATTENDEE:mailto:ana@example.com
    END:VEVENT
    BEGIN:VEVENT
    UID:daily
    RECURRENCE-ID:20240507T120000Z
    DTSTART:20240507T120000Z
    STATUS:CANCELLED
    SUMMARY:Standup
    ATTENDEE:mailto:ana@example.com
    END:VEVENT
    END:VCALENDAR
    """
    parsed = ical.parse(write(tmp_path, "daily.ics", text), OPTIONS)
    assert [a.at.day for a in parsed.activities] == [6, 8, 10, 12]
    assert parsed.skipped == [(10, "cancelled: 'Standup'")]


def test_repeated_uid_is_reported_and_events_without_uid_get_stable_ids(tmp_path):
    text = """
    BEGIN:VCALENDAR
    VERSION:2.0
    BEGIN:VEVENT
    UID:same
    DTSTART:20240101T100000Z
    SUMMARY:First
    ATTENDEE:mailto:ana@example.com
    END:VEVENT
    BEGIN:VEVENT
    UID:same
    DTSTART:20240101T100000Z
    SUMMARY:Second
    ATTENDEE:mailto:ana@example.com
    END:VEVENT
    BEGIN:VEVENT
    DTSTART:20240102T100000Z
    SUMMARY:No UID
    ATTENDEE:mailto:ana@example.com
    END:VEVENT
    END:VCALENDAR
    """
    path = write(tmp_path, "uids.ics", text)
    parsed = ical.parse(path, OPTIONS)
    assert [a.summary for a in parsed.activities] == ["First", "No UID"]
    assert parsed.skipped == [(9, "repeats the event at line 3 (same UID 'same')")]
    no_uid = parsed.activities[1].source_id
    assert no_uid.startswith("sha1:") and no_uid == ical.parse(path, OPTIONS).activities[1].source_id


# =============================================================================
# iCalendar: malformed files
# =============================================================================

def test_vevent_without_dtstart_is_left_out(tmp_path):
    text = GOOGLE_CAL.replace("DTSTART:20240420T100000Z\n", "")
    parsed = ical.parse(write(tmp_path, "nostart.ics", text), OPTIONS)
    assert (52, "VEVENT has no DTSTART: 'Dentist' left out") in parsed.skipped
    assert len(parsed.activities) == 13


def test_garbage_line_after_folded_lines_is_left_out(tmp_path):
    text = GOOGLE_CAL.replace("SEQUENCE:0\n", "SEQUENCE:0\nthis is not a property\n")
    parsed = ical.parse(write(tmp_path, "garbage.ics", text), OPTIONS)
    assert (27, "not an iCalendar property line: 'this is not a property': left out") in parsed.skipped
    assert len(parsed.activities) == 13


def test_garbage_line_before_the_calendar_is_refused(tmp_path):
    error = load_error(ical.parse, write(tmp_path, "garbage.ics", "hello\n" + GOOGLE_CAL.lstrip()))
    assert error.line == 1 and "not an iCalendar property line" in str(error)


def test_unreadable_start_time_leaves_the_event_out_at_its_line(tmp_path):
    text = GOOGLE_CAL.replace("DTSTART:20240423T170000Z", "DTSTART:2024-04-23 5pm")
    parsed = ical.parse(write(tmp_path, "badstart.ics", text), OPTIONS)
    (line, reason), = [s for s in parsed.skipped if "DTSTART" in s[1]]
    assert line == 68 and reason.endswith("\"Bob's party\" left out")
    assert len(parsed.activities) == 13


def test_vevent_without_end_is_left_out(tmp_path):
    text = GOOGLE_CAL.replace("SUMMARY:Dentist\nEND:VEVENT\n", "SUMMARY:Dentist\n")
    parsed = ical.parse(write(tmp_path, "noend.ics", text), OPTIONS)
    assert (52, "BEGIN:VEVENT has no END:VEVENT (the next BEGIN:VEVENT is at line 57): 'Dentist' left out") \
        in parsed.skipped
    assert len(parsed.activities) == 13


def test_calendar_cut_inside_its_only_event_is_refused(tmp_path):
    text = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20240101T100000Z\n"
    error = load_error(ical.parse, write(tmp_path, "cut.ics", text))
    assert error.line == 2 and "BEGIN:VEVENT has no END:VEVENT" in str(error)


def test_calendar_without_end_is_read_with_a_note(tmp_path):
    text = GOOGLE_CAL.replace("END:VCALENDAR\n", "")
    parsed = ical.parse(write(tmp_path, "open.ics", text), OPTIONS)
    assert (1, "BEGIN:VCALENDAR has no END:VCALENDAR (the file ends: cut short?)") in parsed.skipped
    assert len(parsed.activities) == 13


def test_text_after_the_calendar_is_left_out(tmp_path):
    parsed = ical.parse(write(tmp_path, "tail.ics", GOOGLE_CAL + "X-COMMENT:cached\n"), OPTIONS)
    assert (76, "text after END:VCALENDAR left out: 'X-COMMENT:cached'") in parsed.skipped
    assert len(parsed.activities) == 13


ONE_MEETING = """
BEGIN:VCALENDAR
VERSION:2.0
BEGIN:VEVENT
UID:m1
DTSTAMP:20240301T000000Z
DTSTART:20240110T090000Z
{extra}ATTENDEE;CN=Ana Souza:mailto:ana@example.com
SUMMARY:Meeting
END:VEVENT
END:VCALENDAR
"""


def test_rrule_with_spaces_is_read(tmp_path):
    text = ONE_MEETING.format(extra="RRULE:FREQ=DAILY;COUNT=5;BYDAY=MO, TU, WE,\n  TH, FR\n")
    parsed = ical.parse(write(tmp_path, "exchange.ics", text), OPTIONS)
    assert [a.at.day for a in parsed.activities] == [10, 11, 12, 15, 16] and parsed.skipped == []


def test_unreadable_rrule_keeps_the_first_occurrence(tmp_path):
    text = ONE_MEETING.format(extra="RRULE:FREQ=DAILY;BYDAY=XX\n")
    parsed = ical.parse(write(tmp_path, "badrule.ics", text), OPTIONS)
    assert [a.at for a in parsed.activities] == [datetime(2024, 1, 10, 9, tzinfo=UTC)]
    (line, reason), = parsed.skipped
    assert line == 7 and reason.startswith("RRULE left out (") and "kept as one event" in reason


@pytest.mark.parametrize("extra", ["RDATE:20131210Z\n", "EXDATE:2013\n", "DTEND:20240110T25\n"])
def test_unreadable_dates_are_left_out_with_their_line(tmp_path, extra):
    parsed = ical.parse(write(tmp_path, "baddate.ics", ONE_MEETING.format(extra=extra)), OPTIONS)
    assert len(parsed.activities) == 1
    (line, reason), = parsed.skipped
    assert line == 7 and reason.startswith(extra.split(":")[0] + " left out")


def test_leading_space_in_a_date_is_read(tmp_path):
    parsed = ical.parse(write(tmp_path, "space.ics", ONE_MEETING.format(extra="DTEND: 20240110T100000Z\n")), OPTIONS)
    assert len(parsed.activities) == 1 and parsed.skipped == []


def test_alarms_are_not_read(tmp_path):
    alarm = "BEGIN:VALARM\nACTION:DISPLAY\nTRIGGER:PT-2H\nthis is no property\nEND:VALARM\n"
    parsed = ical.parse(write(tmp_path, "alarm.ics", ONE_MEETING.format(extra=alarm)), OPTIONS)
    assert len(parsed.activities) == 1 and parsed.skipped == []


def test_bare_vevent_fragment(tmp_path):
    text = "BEGIN:VEVENT\nUID:f1\nDTSTART:20240110T090000Z\nORGANIZER;CN=\"acme, ädmin\":mailto:adm@example.de\nEND:VEVENT\n"
    assert ical.looks_like_fragment(textwrap.dedent(text))
    assert not ical.looks_like_fragment("BEGIN:VTIMEZONE\nTZID:US/Pacific\nEND:VTIMEZONE\n")
    parsed = ical.parse(write(tmp_path, "fragment.ics", text), OPTIONS)
    assert [(c.name, c.emails) for c in parsed.contacts] == [("acme, ädmin", ["adm@example.de"])]
    assert parsed.activities[0].line == 1


@pytest.mark.parametrize("attendee", [
    "ATTENDEE;CN=Team calendar:mailto:abc123@group.calendar.google.com",
    "ATTENDEE;CN=Room 1:mailto:c_1889@resource.calendar.google.com",
    "ATTENDEE:mailto:unknownorganizer@calendar.google.com",
    "ATTENDEE;CN=Holidays:mailto:xyz@import.calendar.google.com",
    "ATTENDEE;CUTYPE=GROUP;CN=Engineering:mailto:eng@example.com",
    "ATTENDEE;CUTYPE=ROOM;CN=Boardroom:mailto:boardroom@example.com",
    "ATTENDEE;CN=No reply:mailto:noreply@example.com",
    "ATTENDEE;CN=All staff:mailto:all-staff@example.com",
])
def test_calendars_rooms_and_lists_are_no_one(tmp_path, attendee):
    text = ONE_MEETING.format(extra=attendee + "\n").replace("ATTENDEE;CN=Ana Souza:mailto:ana@example.com\n", "")
    parsed = ical.parse(write(tmp_path, "noone.ics", text), OPTIONS)
    assert (parsed.activities, parsed.contacts) == ([], [])
    assert parsed.skipped == [(3, "no other attendees: 'Meeting'")]


def test_no_contacts_from_events_left_out(tmp_path):
    text = ONE_MEETING.format(extra="STATUS:CANCELLED\n")
    parsed = ical.parse(write(tmp_path, "cancelled.ics", text), OPTIONS)
    assert (parsed.activities, parsed.contacts) == ([], [])


def test_open_ended_series_stops_at_the_export_date(tmp_path):
    # Exported (DTSTAMP) on 1 March: the weekly meeting with no end is read up to then, not up to ``until``.
    parsed = ical.parse(write(tmp_path, "open.ics", ONE_MEETING.format(extra="RRULE:FREQ=WEEKLY\n")), OPTIONS)
    assert [a.at.date().isoformat() for a in parsed.activities] == [
        "2024-01-10", "2024-01-17", "2024-01-24", "2024-01-31", "2024-02-07", "2024-02-14", "2024-02-21",
        "2024-02-28"]
    bounded = ONE_MEETING.format(extra="RRULE:FREQ=WEEKLY;COUNT=12\n")
    assert len(ical.parse(write(tmp_path, "count.ics", bounded), OPTIONS).activities) == 12  # it says its end


def test_single_event_after_the_export_date_is_read(tmp_path):
    text = ONE_MEETING.replace("DTSTAMP:20240301T000000Z", "DTSTAMP:20240101T000000Z")
    assert len(ical.parse(write(tmp_path, "invite.ics", text.format(extra="")), OPTIONS).activities) == 1


def test_binary_calendar(tmp_path):
    path = tmp_path / "binary.ics"
    path.write_bytes(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\r\n")
    assert load_error(ical.parse, path).line == 3


def test_an_event_inside_an_event_leaves_out_the_outer_one(tmp_path):
    text = ONE_MEETING.format(extra="BEGIN:VEVENT\nUID:inner\nDTSTART:20240111T090000Z\n"
                                    "ATTENDEE:mailto:bob@example.com\nEND:VEVENT\n")
    parsed = ical.parse(write(tmp_path, "nested.ics", text), OPTIONS)
    assert [a.source_id for a in parsed.activities] == ["inner/2024-01-11T09:00:00Z"]
    assert parsed.skipped == [
        (3, "BEGIN:VEVENT has no END:VEVENT (the next BEGIN:VEVENT is at line 7): the event (no SUMMARY) left out"),
        (14, "END:VEVENT without BEGIN:VEVENT: left out")]
