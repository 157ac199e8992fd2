"""One entry point for every import: find the file's format (or take the one forced) and parse it.

Every file, whatever its format, then passes the same bounds (``loaders/limits.py``): a field
too long to be a contact detail refuses the file at its line; a date outside the years Kith takes
is left out with its line and reason.
"""

from __future__ import annotations

import importlib
from dataclasses import fields
from datetime import date
from pathlib import Path

from graph.model import Birthday
from loaders.detect import detect
from loaders.limits import MAX_FIELD_CHARS, MAX_NOTE_CHARS, birth_year_problem, cap_for, date_problem, latest
from loaders.records import (
    FORMATS,
    Activity,
    Contact,
    FavorRow,
    IntroductionRow,
    LoadError,
    ParsedFile,
    ParseOptions,
    Tie,
)
from loaders.text import check_file

# format -> (module, function). Modules are imported on first use, so one format's
# dependencies (vobject, icalendar …) are only needed when a file of that format comes in.
PARSERS = {
    "linkedin-connections": ("loaders.linkedin", "parse_connections"),
    "linkedin-messages": ("loaders.linkedin", "parse_messages"),
    "linkedin-contacts": ("loaders.linkedin", "parse_imported_contacts"),
    "google-csv": ("loaders.google", "parse"),
    "outlook-csv": ("loaders.outlook", "parse"),
    "vcard": ("loaders.vcard", "parse"),
    "ical": ("loaders.ical", "parse"),
    "kith-csv": ("loaders.kithfile", "parse_csv"),
    "kith-json": ("loaders.kithfile", "parse_json"),
    "kith-export": ("kith.export", "parse"),  # never parsed: loaders/importer.py restores it (kith/export.py)
    "edgelist": ("loaders.edgelist", "parse"),
    "mbox": ("loaders.mbox", "parse"),
    "whatsapp": ("loaders.whatsapp", "parse"),
    "telegram": ("loaders.telegram", "parse"),
    "linkedin-zip": ("loaders.archive", "parse_linkedin_zip"),
    "takeout-zip": ("loaders.archive", "parse_takeout_zip"),
}

# Free text a person writes at length; every other text field is a name, an address, a label …
_LONG_FIELDS = frozenset({"notes", "health_notes", "note", "summary"})
# Ids and refs are made from a field ("name:" + a name, a UID + "/" + a time): twice a field's room.
_DERIVED_FIELDS = ("source_id", "participants", "initiated_by", "a", "b", "person", "made_by")


def parse_file(path: Path, options: ParseOptions, format: str | None = None) -> ParsedFile:
    """Parse ``path`` as ``format``, or as whatever ``detect`` finds it to be.

    Raises LoadError for a file that cannot be read as that format, or as a format Kith
    does not know, or that is not a regular file of at most ``options.max_bytes``.
    """
    if format is None:
        check_file(path, options.max_bytes)
        format = detect(path, options.max_bytes)
    elif format not in PARSERS:
        raise LoadError(str(path), None, f"unknown format {format!r}; choose one of {', '.join(FORMATS)}")
    else:
        check_file(path, cap_for(format, options.max_bytes))  # a streamed format is not held to the cap
    module, function = PARSERS[format]
    parser = getattr(importlib.import_module(module), function)
    try:
        parsed = parser(path, options)
    except RecursionError:  # a library recursing once per level of a file nested absurdly deep
        raise LoadError(str(path), None, "nested too deeply to be read: a damaged or hostile file") from None
    return bounded(parsed)


def bounded(parsed: ParsedFile) -> ParsedFile:
    """``parsed`` within ``loaders/limits.py``'s bounds: LoadError for a field too long; dates out of
    range left out (with their line in ``skipped``)."""
    contacts = [*parsed.contacts, *([parsed.owner] if parsed.owner else [])]
    for records in (contacts, parsed.activities, parsed.ties, parsed.favors, parsed.introductions):
        _check_lengths(parsed.path, records)
    skipped, last = parsed.skipped, latest()
    for contact in contacts:
        _contact_dates(contact, skipped, last)
    for tie in parsed.ties:
        problem = tie.since and date_problem(tie.since, last)
        if problem:
            skipped.append((tie.line, f"since left out: {problem}"))
            tie.since = None
    parsed.activities = _in_range(parsed.activities, "interaction", skipped, last)
    parsed.favors = _in_range(parsed.favors, "favor", skipped, last)
    parsed.introductions = _in_range(parsed.introductions, "introduction", skipped, last)
    return parsed


def _check_lengths(where: str, records: list[Contact | Activity | Tie | FavorRow | IntroductionRow]) -> None:
    """LoadError at the first record with a text field longer than its cap."""
    if not records:
        return
    # The fields a person wrote first, so that the error names the field, not the id made of it.
    names = sorted((f.name for f in fields(records[0])), key=lambda name: name in _DERIVED_FIELDS)
    caps = [MAX_NOTE_CHARS if name in _LONG_FIELDS else 2 * MAX_FIELD_CHARS if name in _DERIVED_FIELDS
            else MAX_FIELD_CHARS for name in names]
    for record in records:
        for name, cap in zip(names, caps):
            value = getattr(record, name)
            if isinstance(value, list):
                value = max(value, key=len, default="") if value and isinstance(value[0], str) else ""
            if isinstance(value, str) and len(value) > cap:
                raise LoadError(where, record.line, f"{name.replace('_', ' ')} is {len(value):,} characters long, "
                                                    f"more than the {cap:,} Kith takes: a damaged or hostile file")


def _contact_dates(contact: Contact, skipped: list[tuple[int, str]], last: date) -> None:
    birthday = contact.birthday
    problem = birthday and birthday.year is not None and birth_year_problem(birthday.year)
    if problem:
        contact.birthday = Birthday(birthday.month, birthday.day)  # 29 February too: a day without a year
        skipped.append((contact.line, f"birthday year left out ({problem}): kept as {contact.birthday}"))
    problem = contact.connected_on and date_problem(contact.connected_on, last)
    if problem:
        skipped.append((contact.line, f"connected-on date left out: {problem}"))
        contact.connected_on = None


def _in_range(records: list, what: str, skipped: list[tuple[int, str]], last: date) -> list:
    """``records`` (each with ``at`` and ``line``) whose date Kith takes; the others said in ``skipped``."""
    kept = [r for r in records if not date_problem(r.at, last)]
    if len(kept) == len(records):
        return records
    skipped += [(r.line, f"{what} left out: {date_problem(r.at, last)}") for r in records if date_problem(r.at, last)]
    return kept
