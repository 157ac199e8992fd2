"""Address-book CSV exports: Google Contacts (current and older layouts) and Outlook."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from graph.model import Birthday
from loaders._csvutil import Row, open_table
from loaders._fields import (
    Skipped, UniqueIds, clean_birthday, clean_emails, clean_phones, clean_tags, contact_key, join_name,
    split_values,
)
from loaders.records import Contact, ParsedFile, ParseOptions

# Google puts several values of one field in one cell, separated like this.
MULTI = " ::: "


def is_google_header(columns: set[str]) -> bool:
    return ({"first name", "last name", "labels"} <= columns
            or {"name", "given name", "family name", "group membership"} <= columns)


def is_outlook_header(columns: set[str]) -> bool:
    return {"first name", "last name", "e-mail address"} <= columns


# -- Google -------------------------------------------------------------------------------

@dataclass(frozen=True)
class _GoogleLayout:
    full_name: str | None  # only the older layout has a column with the whole name
    given: str
    middle: str
    family: str
    labels: str
    label_part: str  # "Relation 1 - Label" now, "Relation 1 - Type" before
    company: str
    title: str


_CURRENT = _GoogleLayout(None, "First Name", "Middle Name", "Last Name", "Labels", "Label",
                         "Organization Name", "Organization Title")
_OLDER = _GoogleLayout("Name", "Given Name", "Additional Name", "Family Name", "Group Membership", "Type",
                       "Organization 1 - Name", "Organization 1 - Title")


def parse_google(path: Path, options: ParseOptions) -> ParsedFile:
    table = open_table(path, is_google_header, "Google Contacts CSV")
    layout = _CURRENT if "labels" in table.columns else _OLDER
    emails, phones, websites = (_numbered(table.columns, kind, "Value") for kind in ("E-mail", "Phone", "Website"))
    relations = [(value.replace(" - value", f" - {layout.label_part.casefold()}"), value)
                 for value in _numbered(table.columns, "Relation", "Value")]
    parsed = ParsedFile(str(path), "google-csv")
    ids = UniqueIds()
    for row in table.rows:
        name = (row[layout.full_name] if layout.full_name else "") or join_name(
            row[layout.given], row[layout.middle], row[layout.family])
        _add_contact(
            parsed, ids, "google", row, name or row["Nickname"],
            emails=clean_emails(_values(row, emails), row.line, parsed.skipped),
            phones=clean_phones(_values(row, phones), options, row.line, parsed.skipped),
            given_name=row[layout.given] or None,
            family_name=row[layout.family] or None,
            nickname=row["Nickname"] or None,
            birthday=clean_birthday(row["Birthday"], row.line, parsed.skipped),
            company=row[layout.company] or None,
            title=row[layout.title] or None,
            location=row["Address 1 - City"] or ", ".join(split_values(row["Address 1 - Formatted"], "\n")) or None,
            notes=row["Notes"] or None,
            children=_children(row, relations),
            tags=clean_tags(split_values(row[layout.labels], MULTI)),
            urls=_values(row, websites),
        )
    return parsed


def _values(row: Row, columns: list[str]) -> list[str]:
    return [v for c in columns for v in split_values(row[c], MULTI)]


def _numbered(columns: set[str], kind: str, part: str) -> list[str]:
    """The columns ``<kind> 1 - <part>``, ``<kind> 2 - <part>`` … in number order."""
    pattern = re.compile(rf"{re.escape(kind.casefold())} (\d+) - {re.escape(part.casefold())}")
    found = sorted((int(m.group(1)), c) for c in columns if (m := pattern.fullmatch(c)))
    return [c for _, c in found]


def _children(row: Row, relations: list[tuple[str, str]]) -> list[str]:
    """Values of relations labelled ``Child``; one label may stand for several ``:::`` values."""
    children = []
    for label_column, value_column in relations:
        values = split_values(row[value_column], MULTI)
        labels = split_values(row[label_column], MULTI)
        if len(labels) == 1:
            labels *= len(values)
        children += [v for label, v in zip(labels, values) if label.casefold() == "child"]
    return children


# -- Outlook ------------------------------------------------------------------------------

_OUTLOOK_EMAILS = ("E-mail Address", "E-mail 2 Address", "E-mail 3 Address")
_OUTLOOK_PHONES = ("Mobile Phone", "Primary Phone", "Business Phone", "Business Phone 2",
                   "Home Phone", "Home Phone 2", "Other Phone")


def parse_outlook(path: Path, options: ParseOptions) -> ParsedFile:
    rows = list(open_table(path, is_outlook_header, "Outlook contacts CSV").rows)
    day_first = _birthdays_are_day_first(rows)
    parsed = ParsedFile(str(path), "outlook-csv")
    ids = UniqueIds()
    for row in rows:
        _add_contact(
            parsed, ids, "outlook", row, join_name(row["First Name"], row["Middle Name"], row["Last Name"]),
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


# -- both ---------------------------------------------------------------------------------

def _add_contact(parsed: ParsedFile, ids: UniqueIds, source: str, row: Row, name: str,
                 emails: list[str], phones: list[str], **fields) -> None:
    if not name and not emails:
        parsed.skipped.append((row.line, "contact with no name and no email"))
        return
    name = name or emails[0]
    parsed.contacts.append(Contact(source=source, source_id=ids(contact_key(emails, phones, name)), line=row.line,
                                   name=name, emails=emails, phones=phones, **fields))
