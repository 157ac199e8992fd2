"""Google Contacts' CSV export, in its current layout and the older one ("Google CSV")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from loaders._csvutil import Row, open_table
from loaders._fields import add_contact, clean_birthday, clean_emails, clean_phones, clean_tags, join_name, split_values
from loaders.ids import UniqueIds
from loaders.records import ParsedFile, ParseOptions

# Google puts several values of one field in one cell, separated like this.
MULTI = " ::: "


def is_google_header(columns: set[str]) -> bool:
    return ({"first name", "last name", "labels"} <= columns
            or {"name", "given name", "family name", "group membership"} <= columns)


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


def parse(path: Path, options: ParseOptions) -> ParsedFile:
    # Ragged: a row short of cells is padded, a long one left out (``open_table``), not the whole file.
    table = open_table(path, is_google_header, "Google Contacts CSV", max_bytes=options.max_bytes, ragged=True)
    layout = _CURRENT if "labels" in table.columns else _OLDER
    emails, phones, websites = (_numbered(table.columns, kind, "Value") for kind in ("E-mail", "Phone", "Website"))
    relations = [(value.replace(" - value", f" - {layout.label_part.casefold()}"), value)
                 for value in _numbered(table.columns, "Relation", "Value")]
    parsed = ParsedFile(str(path), "google-csv", skipped=table.skipped)
    ids = UniqueIds()
    for row in table.rows:
        name = (row[layout.full_name] if layout.full_name else "") or join_name(
            row[layout.given], row[layout.middle], row[layout.family])
        add_contact(
            parsed, ids, "google", row.line, name or row["Nickname"],
            emails=clean_emails(_values(row, emails), row.line, parsed.skipped),
            phones=clean_phones(_own_phones(row, phones, layout), options, row.line, parsed.skipped),
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


def _own_phones(row: Row, columns: list[str], layout: _GoogleLayout) -> list[str]:
    """The phone values whose label is not a fax or a pager: an office fax is shared by everyone in
    the office, so it would merge them all into one person, and nobody is called on it."""
    phones = []
    for column in columns:
        label = row[column.replace(" - value", f" - {layout.label_part.casefold()}")].casefold()
        if "fax" not in label and "pager" not in label:
            phones += split_values(row[column], MULTI)
    return phones


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
