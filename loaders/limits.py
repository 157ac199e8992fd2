"""Bounds on what one import may ask of Kith: every cap a loader applies, in one place, with why.

An export is input from anywhere (a colleague's file, a download, a damaged disk), so reading it
must take bounded time and memory whatever it holds. Each bound is far above what a real export
needs; input past one is refused with the file and line (``LoadError``: nothing is written) or,
where the rest of the file is still good, left out with its line in the import's ``skipped``.

- ``MAX_FILE_BYTES``: one file is at most 100 MB unless the caller lifts the cap
  (``kith import --max-size MB`` / ``--no-size-limit``). The largest real exports Kith reads (a
  decade of calendar, a 20,000-card address book) are a few MB; parsing holds a file's text and
  its records in memory, several times its size. ``STREAMED_FORMATS`` are not held to it as a
  file: an mbox is read a line at a time and keeps only a few fields per message, never the file
  (a Gmail Takeout mailbox runs to gigabytes); a Takeout zip's own size says little, since the cap
  applies to what is read from it — all its members but the mailboxes, in all (``loaders/archive.py``).
  A file over the cap is read as far as its first 16 KB, and refused unless they tell one of
  these formats.
- Only regular files are read (``loaders.text.open_regular``): a FIFO would block an import
  forever, a device would never end, a directory is no export.
- ``MAX_FIELD_CHARS`` / ``MAX_NOTE_CHARS``: a name, email, title … is at most 2,000 characters,
  notes and summaries at most 100,000. A longer one is not a contact detail but a damaged or
  hostile file, refused at its line. ``MAX_LINE_CHARS``: a vCard or iCalendar property line
  (unfolded) other than a photo or an attachment is at most 400,000 characters, refused before
  the libraries that parse them spend seconds on a 30 MB line.
- ``MAX_JSON_DEPTH``: Kith's JSON nests three deep; a file nested deeper than 100 (which would
  exhaust Python's recursion) is refused at the line where it goes too deep.
- ``MAX_COMPONENT_DEPTH``: iCalendar components nest three deep (VCALENDAR > VEVENT > VALARM);
  more than 16 is refused.
- ``MAX_OCCURRENCES_PER_EVENT``: a recurring event gives at most 5,000 occurrences (a daily
  meeting for 13 years, a weekly one for 96); ``MAX_RECURRING_ATTENDANCES``: the occurrences a
  file's recurring events give past their first, times the people in each, are at most 200,000
  (50 weekly meetings of five for ten years are 130,000; a weekly all-hands of 10,000 gets 20
  weeks). Past either, the rest of the series is left out with its line
  (``FREQ=SECONDLY;COUNT=50000000`` is one line of text, and a meeting's attendees are copied
  into each of its occurrences).
- Dates: every date is between ``EARLIEST`` (1900-01-01) and ``YEARS_AHEAD`` (100) years after
  today (``kith.clock``); a birthday's year is between 1900 and this year. Anything else is a
  typo or a placeholder (year 1, 9999), left out with its line and reason: reports do date
  arithmetic in pandas, whose timestamps end in 1677 and 2262.

How many people one interaction may tie together pairwise is not a loader's bound but the
analytics': ``graph.projection.PAIRWISE_GROUP_MAX``; the import says when an event passes it.
"""

from __future__ import annotations

from datetime import date, datetime

from kith import clock

MAX_FILE_BYTES = 100 * 1024 * 1024
STREAMED_FORMATS = frozenset({"mbox", "takeout-zip"})
MAX_FIELD_CHARS = 2_000
MAX_NOTE_CHARS = 100_000
MAX_LINE_CHARS = 4 * MAX_NOTE_CHARS  # escaped and with its parameters, a note fits with room to spare
MAX_JSON_DEPTH = 100
MAX_COMPONENT_DEPTH = 16
MAX_OCCURRENCES_PER_EVENT = 5_000
MAX_RECURRING_ATTENDANCES = 200_000
EARLIEST = date(1900, 1, 1)
YEARS_AHEAD = 100


def latest() -> date:
    """The last day a date in an export may be: ``YEARS_AHEAD`` years after today (29 February → 28th)."""
    today = clock.today()
    year = today.year + YEARS_AHEAD
    return today.replace(year=year, day=28) if (today.month, today.day) == (2, 29) else today.replace(year=year)


def date_problem(value: date | datetime, last: date | None = None) -> str | None:
    """Why ``value`` is no date Kith takes (outside ``EARLIEST`` … ``latest()``), or None.

    ``last``: ``latest()``, when the caller checks many dates (it reads the clock).
    """
    day = value.date() if isinstance(value, datetime) else value
    last = last or latest()
    if day < EARLIEST or day > last:
        return f"date {day.isoformat()} is outside {EARLIEST.isoformat()} … {last.isoformat()}"
    return None


def birth_year_problem(year: int) -> str | None:
    """Why ``year`` is no year someone alive was born in (before 1900, or after this year), or None."""
    if not EARLIEST.year <= year <= clock.today().year:
        return f"year {year} is outside {EARLIEST.year} … {clock.today().year}"
    return None


def cap_for(format: str, max_bytes: int | None) -> int | None:
    """The size cap for a file of ``format``: ``max_bytes``, or none for a streamed format."""
    return None if format in STREAMED_FORMATS else max_bytes


def megabytes(size: int) -> str:
    """``104857600`` → ``100 MB`` (one decimal below 10 MB; bytes below 1 MB)."""
    mb = size / (1024 * 1024)
    if mb < 1:
        return f"{size:,} bytes"
    return f"{mb:.1f} MB" if mb < 10 else f"{mb:,.0f} MB"
