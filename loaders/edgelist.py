"""Temporal edge lists (SNAP): one ``src dst unixtime`` message per line.

Such a file records messages between *other* people (a research data set, or a network
exported from elsewhere), so the owner is not a participant. Each node id becomes a Contact.

Files run to millions of lines, so the file is streamed (``loaders.text.stream_lines``: never
the whole text, nor a list of its lines, in memory) and the loop is kept lean: no regex, one
split per line, refs built once per node, one slotted ``Activity`` per message, and a time
outside the years Kith takes (``loaders/limits.py``) is skipped before any record is made.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from loaders.limits import EARLIEST, latest
from loaders.records import Activity, Contact, LoadError, ParsedFile, ParseOptions
from loaders.text import stream_lines

COMMENT_MARKS = ("#", "%")  # SNAP comments with "#", KONECT with "%"


def parse(path: Path, options: ParseOptions) -> ParsedFile:
    where, stem = str(path), path.stem
    source = f"edgelist:{stem}"
    parsed = ParsedFile(where, "edgelist")
    activities = parsed.activities
    refs: dict[int, str] = {}         # node -> its ref, built once
    first_line: dict[int, int] = {}   # node -> where it first appears
    repeats = _Repeats(activities)
    earliest, last = _seconds(EARLIEST), _seconds(latest() + timedelta(days=1)) - 1
    header_allowed = True
    for number, line in stream_lines(path, options.max_bytes):
        fields = line.split()
        if not fields or fields[0].startswith(COMMENT_MARKS):
            continue
        if len(fields) not in (3, 4):
            raise LoadError(where, number, f"expected 'src dst time', found {len(fields)} fields")
        try:
            # KONECT's four columns are "src dst weight time": the weight says nothing here.
            src, dst, seconds = int(fields[0]), int(fields[1]), int(fields[-1])
        except ValueError:
            # A first line of words, such as "src dst time", names the columns; a first line
            # with some numbers in it is a damaged edge, not a header.
            if header_allowed and not any(is_int(f) for f in fields):
                header_allowed = False
                continue
            found = line.strip()[:80]
            raise LoadError(where, number, f"expected whole numbers 'src dst time', found {found!r}") from None
        header_allowed = False
        if not earliest <= seconds <= last:
            parsed.skipped.append((number, f"time {seconds} is outside {EARLIEST.isoformat()} … "
                                           f"{latest().isoformat()}: message left out"))
            continue
        if src == dst:
            parsed.skipped.append((number, f"a message from node {src} to itself"))
            continue
        for node in (src, dst):
            if node not in refs:
                refs[node] = f"contact:{node}"
                first_line[node] = number
        n = repeats.number(src, dst, seconds)
        activities.append(Activity(source, f"{src}-{dst}-{seconds}-{n}", number,
                                   datetime.fromtimestamp(seconds, timezone.utc),
                                   [refs[src], refs[dst]], "message", "message", None, refs[src]))
    parsed.contacts = [Contact(source=source, source_id=str(node), line=first_line[node], name=f"{stem} {node}")
                       for node in sorted(first_line)]
    return parsed


class _Repeats:
    """Numbers exact duplicates (same src, dst and time) 0, 1, … in file order: part of their ids.

    Without a table of every message seen: SNAP files are in time order, so only the current
    second's messages are kept. If the time ever goes back, the table of every message so far is
    built once from ``activities`` and kept from then on.
    """

    def __init__(self, activities: list[Activity]):
        self.activities = activities
        self.second: int | None = None
        self.in_second: dict[tuple[int, int], int] = {}
        self.every: dict[tuple[int, int, int], int] | None = None

    def number(self, src: int, dst: int, seconds: int) -> int:
        if self.every is None and seconds != self.second:
            if self.second is not None and seconds < self.second:
                self.every = self._so_far()
            else:
                self.second, self.in_second = seconds, {}
        if self.every is None:
            n = self.in_second[src, dst] = self.in_second.get((src, dst), -1) + 1
        else:
            n = self.every[src, dst, seconds] = self.every.get((src, dst, seconds), -1) + 1
        return n

    def _so_far(self) -> dict[tuple[int, int, int], int]:
        every: dict[tuple[int, int, int], int] = {}
        for a in self.activities:
            src, dst = (int(ref.removeprefix("contact:")) for ref in a.participants)
            key = (src, dst, int(a.at.timestamp()))
            every[key] = every.get(key, -1) + 1
        return every


def _seconds(day) -> int:
    """Unix time at the start of ``day`` (UTC)."""
    return int(datetime(day.year, day.month, day.day, tzinfo=timezone.utc).timestamp())


def is_int(text: str) -> bool:
    return text.lstrip("-").isdigit()
