"""Bounded work on any input (loaders/limits.py): what is read, how much, how far a calendar
recurs, which dates and how long a field, and how many people one event ties together.

Real files and the real store, as everywhere; what must stay bounded in memory is measured in a
child process (``tests/hostile.py``) with generous bounds: each guards against a regression of
an order of magnitude (the red-team numbers were 20 GB and out-of-memory), not against noise.
"""

from __future__ import annotations

import json
import os
import socket
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
import pytest

from graph.projection import PAIRWISE_GROUP_MAX, Projection
from graph.server import EmbeddedServer
from kith import clock
from loaders import ical, vcard
from loaders.importer import import_file
from loaders.limits import (
    EARLIEST,
    MAX_FIELD_CHARS,
    MAX_FILE_BYTES,
    MAX_NOTE_CHARS,
    MAX_OCCURRENCES_PER_EVENT,
    MAX_RECURRING_ATTENDANCES,
    latest,
)
from loaders.parse import parse_file
from loaders.records import LoadError, ParseOptions
from tests.conftest import ROOT, run_kith
from tests.hostile import OWNER, graph_dump, measured, measured_python

UTC = timezone.utc
OPTIONS = ParseOptions(owner_emails=frozenset({"alex@example.com"}), owner_name="Alex Morgan")
REALWORLD = ROOT.parent / "shared" / "realworld"


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def calendar(*events: str) -> str:
    return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Kith tests//EN\r\n" + "".join(events) + "END:VCALENDAR\r\n"


def event(uid: str, start: str, *lines: str, attendees: int = 1, summary: str | None = None) -> str:
    people = "".join(f"ATTENDEE;CN=Guest {n:05d}:mailto:guest{n}@example.org\r\n" for n in range(attendees))
    return (f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTART:{start}\r\nSUMMARY:{summary or uid}\r\n"
            + "".join(line + "\r\n" for line in lines)
            + f"ORGANIZER;CN=Alex Morgan:mailto:alex@example.com\r\n{people}END:VEVENT\r\n")


@pytest.fixture
def owned(store):
    store.upsert_people([OWNER])
    return store


# -- only regular files, and not too big ---------------------------------------------------


@pytest.fixture
def not_files(tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(tmp_path / "s.csv"))
    directory = tmp_path / "folder.csv"
    directory.mkdir()
    yield {"a named pipe (FIFO)": fifo, "a socket": tmp_path / "s.csv", "a directory": directory,
           "a character device": Path("/dev/zero")}
    sock.close()


def test_only_regular_files_are_read_and_nothing_blocks(owned, not_files):
    before = graph_dump(owned)
    for kind, path in not_files.items():
        started = time.monotonic()
        with pytest.raises(LoadError) as caught:
            import_file(owned, path)
        assert str(caught.value) == f"{path}: is {kind}, not a file Kith can import (only regular files are read)"
        with pytest.raises(LoadError):
            parse_file(path, OPTIONS)
        assert time.monotonic() - started < 5
    assert graph_dump(owned) == before


def test_cli_refuses_a_fifo_instead_of_waiting_for_a_writer(owned, not_files, tmp_path):
    good = write(tmp_path, "edges.txt", "1 2 1082040961\n")
    done = run_kith("import", str(not_files["a named pipe (FIFO)"]), str(good))  # run_kith: killed after 120 s
    assert done.returncode == 1
    assert f"{not_files['a named pipe (FIFO)']}: is a named pipe (FIFO)" in done.stderr
    assert "1 interactions" in done.stdout  # the next file is imported all the same


def test_a_file_over_the_size_cap_is_refused_unread_unless_the_cap_is_lifted(owned, tmp_path):
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as f:
        f.truncate(MAX_FILE_BYTES + 1)  # sparse: refused on its size, never read
    started = time.monotonic()
    with pytest.raises(LoadError) as caught:
        import_file(owned, huge)
    assert time.monotonic() - started < 5
    assert str(caught.value) == (f"{huge}: is 104,857,601 bytes, more than the 104,857,600 bytes Kith reads from one "
                                 "file: split it, or lift the cap (`kith import --max-size MB`, or `--no-size-limit`)")
    padded = write(tmp_path, "padded.txt", "1 2 1082040961\n# " + "x" * 1_200_000 + "\n3 4 1082155839\n")
    refused = run_kith("import", "--max-size", "1", str(padded))
    assert refused.returncode == 1 and "is 1.1 MB, more than the 1.0 MB Kith reads" in refused.stderr
    assert owned.counts()["interactions"] == 0
    taken = run_kith("import", "--no-size-limit", str(padded))
    assert taken.returncode == 0, taken.stderr
    assert owned.counts()["interactions"] == 2


def test_the_size_cap_holds_on_every_way_in(tmp_path):
    """parse_file and each loader on its own take ParseOptions.max_bytes (a file may grow after a check)."""
    path = write(tmp_path, "c.vcf", "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Souza\r\nEND:VCARD\r\n" * 100)
    small = ParseOptions(max_bytes=1000)
    for parse in (lambda: parse_file(path, small), lambda: vcard.parse(path, small)):
        with pytest.raises(LoadError) as caught:
            parse()
        assert str(caught.value).startswith(f"{path}: is {path.stat().st_size:,} bytes, more than the 1,000 bytes "
                                            "Kith reads from one file")
    assert len(parse_file(path, ParseOptions(max_bytes=None)).contacts) == 100


def test_a_large_edge_list_is_streamed_not_held(tmp_path):
    """40 MB of an edge list cost a few MB, not the several times its size of reading it whole."""
    path = tmp_path / "big.txt"
    comment = "# " + "padding " * 9 + "\n"
    with path.open("w") as f:
        for block in range(40):
            f.write(f"{block} {block + 1} {1082040961 + block}\n")
            f.write(comment * (1024 * 1024 // len(comment)))
    assert path.stat().st_size > 40 * 1024 * 1024
    found = measured_python("from pathlib import Path\nfrom loaders.parse import parse_file\n"
                            "from loaders.records import ParseOptions",
                            f"result = len(parse_file(Path({str(path)!r}), ParseOptions()).activities)")
    assert found["result"] == 40
    assert found["growth_mb"] < 25, found  # reading it whole: 40 MB of bytes, 40 MB of text, 120 MB of lines


# -- recurring events ---------------------------------------------------------------------


def test_a_secondly_rule_with_fifty_million_occurrences_stops_at_the_cap(tmp_path):
    path = write(tmp_path, "spam.ics", calendar(
        event("spam", "20240101T000000Z", "RRULE:FREQ=SECONDLY;COUNT=50000000", summary="Every second"),
        event("lunch", "20240301T120000Z", summary="Lunch")))
    started = time.monotonic()
    parsed = parse_file(path, OPTIONS)
    assert time.monotonic() - started < 30
    spam = [a for a in parsed.activities if a.source_id.startswith("spam/")]
    assert len(spam) == MAX_OCCURRENCES_PER_EVENT
    assert spam[-1].at == datetime(2024, 1, 1, tzinfo=UTC) + timedelta(seconds=MAX_OCCURRENCES_PER_EVENT - 1)
    assert parsed.skipped == [(4, f"recurring event stops after {MAX_OCCURRENCES_PER_EVENT:,} occurrences (Kith's cap "
                                  f"of {MAX_OCCURRENCES_PER_EVENT:,} occurrences per event): those from "
                                  "2024-01-01 01:23 on left out")]
    assert [a.summary for a in parsed.activities if not a.source_id.startswith("spam/")] == ["Lunch"]


def test_cli_import_of_a_secondly_rule_is_bounded_and_says_so(owned, tmp_path):
    path = write(tmp_path, "spam.ics", calendar(
        event("spam", "20200101T000000Z", "RRULE:FREQ=SECONDLY;COUNT=50000000", summary="Every second")))
    run = measured("import", "--dry-run", str(path), timeout=240)  # 5,000 writes would only slow the suite
    assert run.code == 0, run.stderr
    assert f"skipped line 4: recurring event stops after {MAX_OCCURRENCES_PER_EVENT:,} occurrences" in run.stdout
    assert f"{MAX_OCCURRENCES_PER_EVENT} interactions" in run.stdout and owned.counts()["interactions"] == 0
    assert run.seconds < 120 and run.peak_mb < 1000, run  # it was out of memory


def test_recurring_attendances_are_capped_per_file(tmp_path):
    """A weekly meeting of 1,001 people since 2000: its occurrences, times its people, stay within the file's cap."""
    path = write(tmp_path, "big.ics", calendar(
        event("all-hands", "20000103T090000Z", "RRULE:FREQ=WEEKLY", attendees=1000, summary="All hands"),
        event("one-to-one", "20000104T090000Z", "RRULE:FREQ=WEEKLY", summary="One to one")))
    parsed = ical.parse(path, ParseOptions(owner_emails=OPTIONS.owner_emails, until=datetime(2026, 1, 1, tzinfo=UTC)))
    cap = 1 + MAX_RECURRING_ATTENDANCES // 1001
    big = [a for a in parsed.activities if a.summary == "All hands"]
    assert len(big) == cap and len(big[0].participants) == 1001
    first_cut = datetime(2000, 1, 3, 9, tzinfo=UTC) + timedelta(weeks=cap)
    assert (4, f"recurring event stops after {cap:,} occurrences (Kith's cap of {MAX_RECURRING_ATTENDANCES:,} people in "
               f"recurring occurrences per file): those from {first_cut:%Y-%m-%d %H:%M} on left out") in parsed.skipped
    # What the big one left of the budget still goes to the next series (of two people).
    small = [a for a in parsed.activities if a.summary == "One to one"]
    assert len(small) == 1 + (MAX_RECURRING_ATTENDANCES - (cap - 1) * 1001) // 2 < 1357  # weeks until 2026


def test_a_rule_that_never_occurs_is_left_out_at_once(tmp_path):
    """dateutil would look for a 30 February second by second until the year 9999."""
    path = write(tmp_path, "never.ics", calendar(
        event("never", "20240101T000000Z", "RRULE:FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30", summary="Never"),
        event("leap", "20240229T100000Z", "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", summary="Leap day")))
    started = time.monotonic()
    parsed = ical.parse(path, ParseOptions(owner_emails=OPTIONS.owner_emails, until=datetime(2033, 1, 1, tzinfo=UTC)))
    assert time.monotonic() - started < 5
    assert [a.at for a in parsed.activities if a.summary == "Never"] == [datetime(2024, 1, 1, tzinfo=UTC)]
    assert (8, "RRULE never occurs (no day passes all its BY… parts): 'Never' kept as one event") in parsed.skipped
    assert [a.at.year for a in parsed.activities if a.summary == "Leap day"] == [2024, 2028, 2032]


def test_an_event_before_1900_is_left_out_before_it_is_expanded(tmp_path):
    path = write(tmp_path, "old.ics", calendar(event("typo", "00240101T090000Z", "RRULE:FREQ=DAILY"),
                                               event("real", "20240101T090000Z")))
    started = time.monotonic()
    parsed = parse_file(path, OPTIONS)
    assert time.monotonic() - started < 5
    assert [a.source_id for a in parsed.activities] == ["real/2024-01-01T09:00:00Z"]
    assert parsed.skipped == [(4, "starts 0024-01-01, before 1900-01-01: 'typo' left out")]


def test_components_nested_too_deep_are_refused_at_their_line(tmp_path):
    nested = "".join(f"BEGIN:X-LEVEL{n}\r\n" for n in range(20)) + "".join(f"END:X-LEVEL{n}\r\n" for n in reversed(range(20)))
    path = write(tmp_path, "deep.ics", calendar(event("e", "20240101T090000Z", nested.rstrip("\r\n"))))
    with pytest.raises(LoadError) as caught:
        parse_file(path, OPTIONS)
    # VCALENDAR and VEVENT are two levels; the 15th X-LEVEL is the 17th, on line 8 + 14.
    assert caught.value.line == 22 and "nested more than 16 deep" in str(caught.value)


# -- dates -------------------------------------------------------------------------------


def test_dates_outside_the_years_kith_takes_are_skipped_with_their_line(tmp_path):
    last = latest()
    path = write(tmp_path, "history.json", json.dumps({
        "people": [{"name": "Ana Souza", "email": "ana@example.com", "birthday": "0001-05-17", "since": "9999-01-01"},
                   {"name": "Bo Lindqvist", "email": "bo@example.com", "birthday": "1900-02-28"}],
        "interactions": [{"at": d, "with": "ana@example.com", "channel": "call"}
                         for d in ("0001-01-01", "1899-12-31", "1900-01-01", last.isoformat(),
                                   (last + timedelta(days=1)).isoformat(), "9999-12-31")],
        "favors": [{"at": "9999-12-31", "with": "ana@example.com", "direction": "given", "kind": "advice"}],
        "knows": [{"a": "ana@example.com", "b": "bo@example.com", "since": "0001-01-01"}],
    }))
    parsed = parse_file(path, OPTIONS)
    assert [a.at.date() for a in parsed.activities] == [EARLIEST, last]
    assert parsed.contacts[0].birthday.year is None and str(parsed.contacts[0].birthday) == "--05-17"
    assert parsed.contacts[0].connected_on is None and str(parsed.contacts[1].birthday) == "1900-02-28"
    assert parsed.favors == [] and parsed.ties[0].since is None
    window = f"{EARLIEST} … {last}"
    assert sorted(parsed.skipped) == sorted([
        (1, f"birthday year left out (year 1 is outside 1900 … {clock.today().year}): kept as --05-17"),
        (1, f"connected-on date left out: date 9999-01-01 is outside {window}"),
        (1, f"since left out: date 0001-01-01 is outside {window}"),
        (1, f"interaction left out: date 0001-01-01 is outside {window}"),
        (2, f"interaction left out: date 1899-12-31 is outside {window}"),
        (5, f"interaction left out: date {last + timedelta(days=1)} is outside {window}"),
        (6, f"interaction left out: date 9999-12-31 is outside {window}"),
        (1, f"favor left out: date 9999-12-31 is outside {window}"),
    ])


def test_a_vcard_birthday_in_year_one_keeps_its_day(tmp_path):
    path = write(tmp_path, "c.vcf", "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Souza\r\nBDAY:00010517\r\nEND:VCARD\r\n")
    parsed = parse_file(path, OPTIONS)
    assert str(parsed.contacts[0].birthday) == "--05-17" and parsed.skipped[0][0] == 1


# -- fields and nesting ------------------------------------------------------------------


_CARDS = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ok\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nFN:{big}\r\nEND:VCARD\r\n"


@pytest.mark.parametrize("name, text, size, line, field", [
    ("c.vcf", _CARDS, MAX_FIELD_CHARS + 1, 5, "name is 2,001 characters"),
    ("c.vcf", _CARDS, 1_000_000, 7, "FN line is 1,000,003 characters"),  # refused before vobject parses it
    ("h.json", json.dumps({"people": [{"name": "Ok"}, {"name": "{big}"}]}), 1_000_000, 2, "name is 1,000,000"),
    ("h.csv", "record,name,note\nperson,Ok,\nperson,Ana,{big}\n", MAX_NOTE_CHARS + 1, 3, "notes is 100,001"),
    ("c.ics", calendar(event("e", "20240101T090000Z", "ATTENDEE;CN={big}:mailto:x@example.org")), 3000, 4,
     "name is 3,000"),
    ("c.ics", calendar(event("e", "20240101T090000Z", summary="{big}")), 200_000, 4, "summary is 200,000"),
    ("c.ics", calendar(event("e", "20240101T090000Z", summary="{big}")), 1_000_000, 7, "a line of 1,000,008"),
])
def test_a_field_too_long_is_refused_at_its_line(owned, tmp_path, name, text, size, line, field):
    path = write(tmp_path, name, text.replace("{big}", "A" * size))
    before = graph_dump(owned)
    with pytest.raises(LoadError) as caught:
        import_file(owned, path)
    assert caught.value.line == line and caught.value.path == str(path)
    assert field in str(caught.value) and "more than the" in str(caught.value)
    assert graph_dump(owned) == before


def test_long_but_sane_fields_are_taken(tmp_path):
    path = write(tmp_path, "h.json", json.dumps({"people": [
        {"name": "N" * MAX_FIELD_CHARS, "note": "n" * MAX_NOTE_CHARS}]}))
    assert len(parse_file(path, OPTIONS).contacts[0].notes) == MAX_NOTE_CHARS


@pytest.mark.parametrize("opening", ['{"people": ', '{"kith_export": {"version": 1}, "people": '])
def test_json_nested_100k_deep_is_an_error_at_its_line_not_a_recursion_error(owned, tmp_path, opening):
    path = write(tmp_path, "deep.json", opening + "[\n" * 100_000 + "]" * 100_000 + "}")
    before = graph_dump(owned)
    with pytest.raises(LoadError) as caught:
        import_file(owned, path)
    # The object is the first level and the 99th "[", on line 99, the 100th: the 101st level is on line 100.
    assert caught.value.line == 100 and "nested more than 100 levels deep" in str(caught.value)
    assert graph_dump(owned) == before


# -- encodings ---------------------------------------------------------------------------

CARD = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zoë Ǽgean-Łukasz\r\nEMAIL:zoe@example.org\r\nEND:VCARD\r\n"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_or_without_a_byte_order_mark_is_read(tmp_path, encoding):
    parsed = parse_file(write(tmp_path, "c.vcf", CARD.encode(encoding)), OPTIONS)
    assert [c.name for c in parsed.contacts] == ["Zoë Ǽgean-Łukasz"]


def test_broken_utf16_is_refused_at_its_line(tmp_path):
    data = CARD.encode("utf-16-le")
    data = data[:60] + b"\x00\xdc" + data[60:]  # a lone low surrogate after 30 characters: on line 3
    with pytest.raises(LoadError) as caught:
        parse_file(write(tmp_path, "c.vcf", b"\xff\xfe" + data), OPTIONS)
    assert caught.value.line == 3 and "not valid UTF-16" in str(caught.value)


def test_the_real_utf16_vcard_without_a_byte_order_mark_imports():
    path = REALWORLD / "vcard" / "roundcubemail__utf-16_sample.vcf"
    if not path.exists():
        pytest.skip("shared/realworld not present")
    assert [c.name for c in parse_file(path, OPTIONS).contacts] == ["Ǽgean ĽdaMonté"]


# -- how many people one event ties together --------------------------------------------


def _participation(groups: dict[str, list[str]]) -> pd.DataFrame:
    rows = [{"interaction": i, "at": pd.Timestamp("2026-06-01", tz="UTC"), "channel": "meeting", "kind": "meeting",
             "initiated_by": "me", "person": p} for i, people in groups.items() for p in people]
    return pd.DataFrame(rows)


def test_pairs_come_from_small_groups_only_and_a_big_one_still_counts_for_the_owner():
    guests = [f"p{n:05d}" for n in range(10_000)]
    empty = pd.DataFrame()
    P = Projection("me", empty, empty, _participation({
        "all-hands": ["me", *guests], "dinner": ["me", "p00001", "p00002"],
        "big-without-me": guests[:PAIRWISE_GROUP_MAX + 1], "biggest-small": guests[:PAIRWISE_GROUP_MAX]}),
        empty, empty, empty)
    pairs = P.pairs
    by = pairs.groupby("interaction").size().to_dict()
    n = PAIRWISE_GROUP_MAX
    assert by == {"all-hands": 10_000, "dinner": 3, "biggest-small": n * (n - 1) // 2}
    hands = pairs[pairs["interaction"] == "all-hands"]
    assert (hands["a"] < hands["b"]).all() and set(hands["a"]) | set(hands["b"]) == {"me", *guests}
    assert ((hands["a"] == "me") | (hands["b"] == "me")).all()
    assert len(P.owner_pairs()) == 10_000 + 2


def test_import_says_when_an_event_is_too_big_for_pairwise_ties(owned, tmp_path):
    path = write(tmp_path, "conf.ics", calendar(event("conf", "20260601T090000Z", attendees=PAIRWISE_GROUP_MAX + 5,
                                                      summary="Conference")))
    result = import_file(owned, path)
    assert result.plan.notes == [(4, f"meeting 'Conference' has {PAIRWISE_GROUP_MAX + 6:,} people; pairwise ties are "
                                     f"taken only from groups of ≤ {PAIRWISE_GROUP_MAX}: it counts as your contact "
                                     "with each of them, not as ties between them")]
    assert result.summary()["interactions"] == 1 and owned.counts()["interactions"] == 1


@pytest.fixture
def own_home(tmp_path_factory):
    """A KITH_HOME of this test's own: a graph of 10,000 people would take a minute to wipe from the shared one."""
    home = tmp_path_factory.mktemp("kith-big-event")
    server = EmbeddedServer(home)
    server.start()  # here, not in the measured child: the store is not what is measured
    try:
        yield {"KITH_HOME": str(home)}
    finally:
        server.stop()


def test_report_decay_with_a_10000_person_event_is_bounded(own_home, tmp_path):
    """One event with 10,000 attendees grew `kith report decay` past 20 GB: pairs among them all."""
    assert run_kith("me", "--name", "Alex Morgan", "--email", "alex@example.com", env=own_home).returncode == 0
    guests = "".join(f"ATTENDEE:mailto:guest{n}@example.org\r\n" for n in range(10_000))
    regulars = "".join(event(f"catch-up-{m}", f"2026{m:02d}15T090000Z", summary="Catch-up", attendees=3)
                       for m in range(1, 10))
    path = write(tmp_path, "all-hands.ics", calendar(
        event("all-hands", "20260301T090000Z", guests.rstrip("\r\n"), summary="All hands", attendees=0), regulars))
    imported = measured("import", str(path), timeout=600, env=own_home)
    assert imported.code == 0, imported.stderr
    assert ("note, line 4: meeting 'All hands' has 10,001 people; pairwise ties are taken only from groups of ≤ 50"
            in imported.stdout)
    report = measured("report", "decay", "--format", "csv", timeout=300, env=own_home)
    assert report.code == 0, report.stderr
    assert report.seconds < 120 and report.peak_mb < 1500, report
