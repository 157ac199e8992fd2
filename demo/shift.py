"""Move a built network in time: every date and instant by the same number of days.

``build_demo`` builds as of a fixed day and shifts the result here, so the demo is
the same network whatever day it is asked for. The shift is generic over the
records (``graph.model``): every ``date`` and ``datetime`` field moves by
``as_of - anchor``, and so does every ``Birthday``:

* its next occurrence on or after the anchor moves by the same days, and the
  birthday takes that day's month and day; with a year, the year is the one that
  keeps the age they turn then. So as of ``as_of``, every birthday is exactly as
  many days away as it was as of the anchor, and every age is the same. (Moving the
  date of birth itself would not do: leap days between birth and the anchor make
  the anniversary drift by a day, in or out of "birthdays in the next 14 days".)
  29 February counts as 28 February in common years, as in ``analytics.keep_in_touch``;
  a birthday with a year that would move to 29 February of a common year of birth
  becomes 28 February, the one case a day off.

Text that names a year taken from a date is re-derived from the shifted date: an
event is named after the year it was held in (``"DataConf Europe 2025"``), and
that name also appears in how-met notes, so every text field is renamed with it.
"""

from __future__ import annotations

import dataclasses
import re
from calendar import isleap
from collections.abc import Callable
from datetime import date, timedelta

from graph.model import Attendance, Birthday, Network


def shift_network(network: Network, anchor: date, as_of: date) -> Network:
    """``network`` (built as of ``anchor``) as of ``as_of``.

    New records (they share their lists, tags and the like, with the input, which is not
    changed); ``network`` itself when the two days are the same.
    """
    delta = as_of - anchor
    if not delta:
        return network
    rename = _renamer(_event_renames(network.attendances, delta))
    return Network(**{f.name: [_shift_record(r, delta, anchor, rename) for r in getattr(network, f.name)]
                      for f in dataclasses.fields(network)})


def shift_birthday(birthday: Birthday, delta: timedelta, anchor: date) -> Birthday:
    """``birthday`` as of ``anchor + delta``: as many days away as it was from ``anchor``, the same age then."""
    then = _next_occurrence(birthday.month, birthday.day, anchor)
    moved = then + delta
    if birthday.year is None:
        return Birthday(moved.month, moved.day)
    year = moved.year - (then.year - birthday.year)
    day = 28 if (moved.month, moved.day) == (2, 29) and not isleap(year) else moved.day
    return Birthday(moved.month, day, year)


def _next_occurrence(month: int, day: int, since: date) -> date:
    """The first day on or after ``since`` that the birthday falls on (29 February: the 28th in common years)."""
    for year in (since.year, since.year + 1):
        found = date(year, month, 28 if (month, day) == (2, 29) and not isleap(year) else day)
        if found >= since:
            return found
    raise AssertionError("unreachable: a birthday comes round within a year")


def _shift_record(record, delta: timedelta, anchor: date, rename: Callable[[str], str]):
    changes = {}
    for f in dataclasses.fields(record):
        value = getattr(record, f.name)
        if isinstance(value, date):  # datetime too: it is a date, and + timedelta keeps its type
            changes[f.name] = value + delta
        elif isinstance(value, Birthday):
            changes[f.name] = shift_birthday(value, delta, anchor)
        elif isinstance(value, str):
            changes[f.name] = rename(value)
    return dataclasses.replace(record, **changes)


def _event_renames(attendances: list[Attendance], delta: timedelta) -> dict[str, str]:
    """Old name -> new name, for events named after the year they were held in."""
    renames = {}
    for a in attendances:
        if a.at is None or not a.event.endswith(f" {a.at.year}"):
            continue
        held = (a.at + delta).year
        if held != a.at.year:
            renames[a.event] = f"{a.event[:-4]}{held}"
    return renames


def _renamer(renames: dict[str, str]) -> Callable[[str], str]:
    """Replace every old name in a text by its new one, in one pass (so no rename feeds another)."""
    if not renames:
        return lambda text: text
    names = "|".join(re.escape(old) for old in sorted(renames, key=len, reverse=True))
    pattern = re.compile(rf"(?<!\w)(?:{names})(?!\w)")
    return lambda text: pattern.sub(lambda m: renames[m.group(0)], text)

