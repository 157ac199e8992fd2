"""Outlook's contacts CSV export (File > Open & Export > Import/Export > Comma Separated Values)."""

from __future__ import annotations

from pathlib import Path

from graph.model import Birthday
from loaders._csvutil import Row, open_table
from loaders._fields import (
    Skipped,
    add_contact,
    clean_birthday,
    clean_emails,
    clean_phones,
    clean_tags,
    join_name,
    split_values,
)
from loaders.ids import UniqueIds
from loaders.records import ParsedFile, ParseOptions


def is_outlook_header(columns: set[str]) -> bool:
    return {"first name", "last name", "e-mail address"} <= columns


_OUTLOOK_EMAILS = ("E-mail Address", "E-mail 2 Address", "E-mail 3 Address")
_OUTLOOK_PHONES = ("Mobile Phone", "Primary Phone", "Business Phone", "Business Phone 2",
                   "Home Phone", "Home Phone 2", "Other Phone")


def parse(path: Path, options: ParseOptions) -> ParsedFile:
    rows = list(open_table(path, is_outlook_header, "Outlook contacts CSV", max_bytes=options.max_bytes).rows)
    day_first = _birthdays_are_day_first(rows)
    parsed = ParsedFile(str(path), "outlook-csv")
    ids = UniqueIds()
    for row in rows:
        add_contact(
            parsed, ids, "outlook", row.line, join_name(row["First Name"], row["Middle Name"], row["Last Name"]),
            emails=clean_emails([row[c] for c in _OUTLOOK_EMAILS if row[c]], row.line, parsed.skipped),
            phones=clean_phones([row[c] for c in _OUTLOOK_PHONES if row[c]], options, row.line, parsed.skipped),
            given_name=row["First Name"] or None,
            family_name=row["Last Name"] or None,
            birthday=_outlook_birthday(row, day_first, parsed.skipped),
            company=row["Company"] or None,
            title=row["Job Title"] or None,
            location=row["Home City"] or row["Business City"] or None,
            notes=row["Notes"] or None,
            tags=clean_tags(split_values(row["Categories"], ";")),
            urls=[row["Web Page"]] if row["Web Page"] else [],
        )
    return parsed


def _birthdays_are_day_first(rows: list[Row]) -> bool:
    """Outlook writes dates in the PC's short-date order: ``5/17/1990`` in the US, ``17/5/1990`` in the UK.

    Reading one as the other would silently swap day and month for every day up to 12, so the
    file's own dates decide: a first number above 12 proves day-first, a second one month-first.
    Without proof (or with contradicting proof) the US order, Outlook's default, is taken.
    """
    day_first = month_first = False
    for row in rows:
        parts = row["Birthday"].split("/")
        if len(parts) == 3 and all(p.isdigit() for p in parts):
            day_first |= int(parts[0]) > 12
            month_first |= int(parts[1]) > 12
    return day_first and not month_first


def _outlook_birthday(row: Row, day_first: bool, skipped: Skipped) -> Birthday | None:
    text = row["Birthday"]
    if not text.strip("0/"):
        return None  # Outlook's "0/0/00" means no birthday
    if "/" not in text:
        return clean_birthday(text, row.line, skipped)
    try:
        first, second, year = text.split("/")
        month, day = (int(second), int(first)) if day_first else (int(first), int(second))
        # A two-digit year (Outlook's "00" placeholder included) cannot be placed in a century.
        return Birthday(month, day, int(year) if len(year) == 4 else None)
    except ValueError:
        skipped.append((row.line, f"birthday left out: {text!r} is not a date"))
        return None
