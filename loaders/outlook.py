"""Contacts CSV exports of Outlook (File > Open & Export > Import/Export > Comma Separated Values),
Outlook.com, Thunderbird and Roundcube: one format, ``outlook-csv``.

They differ only in their column names. Outlook names its columns in the language of the PC
(``Vorname``, ``Prénom`` …), so foreign names are first given their English Outlook name
(``_ALIASES``); Thunderbird and Roundcube have English names of their own, listed beside
Outlook's in the column tuples below.
"""

from __future__ import annotations

import re
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
    unique,
)
from loaders.ids import UniqueIds
from loaders.records import ParsedFile, ParseOptions

# Outlook's column names in other languages (case-folded) -> its English name. German from a real
# Outlook 2013 export; French, Spanish and Dutch for the columns Kith reads.
_GERMAN = {
    "anrede": "title", "vorname": "first name", "weitere vornamen": "middle name", "nachname": "last name",
    "firma": "company", "position": "job title", "ort geschäftlich": "business city", "ort privat": "home city",
    "telefon geschäftlich": "business phone", "telefon geschäftlich 2": "business phone 2",
    "telefon privat": "home phone", "telefon privat 2": "home phone 2", "mobiltelefon": "mobile phone",
    "weiteres telefon": "other phone", "haupttelefon": "primary phone", "e-mail-adresse": "e-mail address",
    "e-mail 2: adresse": "e-mail 2 address", "e-mail 3: adresse": "e-mail 3 address", "geburtstag": "birthday",
    "kategorien": "categories", "notizen": "notes", "webseite": "web page",
}
_FRENCH = {
    "prénom": "first name", "deuxième prénom": "middle name", "nom": "last name", "société": "company",
    "fonction": "job title", "ville (bureau)": "business city", "ville (domicile)": "home city",
    "téléphone (bureau)": "business phone", "téléphone 2 (bureau)": "business phone 2",
    "téléphone (domicile)": "home phone", "téléphone 2 (domicile)": "home phone 2",
    "tél. mobile": "mobile phone", "téléphone mobile": "mobile phone", "autre téléphone": "other phone",
    "téléphone principal": "primary phone", "adresse de messagerie": "e-mail address",
    "adresse de messagerie 2": "e-mail 2 address", "adresse de messagerie 3": "e-mail 3 address",
    "anniversaire": "birthday", "catégories": "categories", "page web": "web page",
}
_SPANISH = {
    "nombre": "first name", "segundo nombre": "middle name", "apellidos": "last name", "organización": "company",
    "compañía": "company", "puesto": "job title", "ciudad de la oficina": "business city",
    "ciudad de residencia": "home city", "teléfono del trabajo": "business phone",
    "teléfono particular": "home phone", "teléfono móvil": "mobile phone", "otro teléfono": "other phone",
    "teléfono principal": "primary phone", "dirección de correo electrónico": "e-mail address",
    "dirección de correo electrónico 2": "e-mail 2 address", "dirección de correo electrónico 3": "e-mail 3 address",
    "cumpleaños": "birthday", "categorías": "categories", "notas": "notes", "página web": "web page",
}
_DUTCH = {
    "voornaam": "first name", "middelste naam": "middle name", "achternaam": "last name", "bedrijf": "company",
    "functie": "job title", "plaats (werk)": "business city", "woonplaats": "home city",
    "telefoon op werk": "business phone", "telefoon thuis": "home phone", "mobiele telefoon": "mobile phone",
    "andere telefoon": "other phone", "hoofdtelefoon": "primary phone", "e-mailadres": "e-mail address",
    "e-mailadres 2": "e-mail 2 address", "e-mailadres 3": "e-mail 3 address", "verjaardag": "birthday",
    "categorieën": "categories", "notities": "notes", "webpagina": "web page",
}
_ALIASES = {**_DUTCH, **_SPANISH, **_FRENCH, **_GERMAN}

# Outlook, Outlook.com, Thunderbird, Roundcube (in that order within each tuple).
_EMAILS = ("e-mail address", "e-mail 2 address", "e-mail 3 address", "primary email", "secondary email",
           "email home", "email work", "email other")
# A person's own numbers: not faxes, pagers or an assistant's phone.
_PHONES = ("mobile phone", "primary phone", "business phone", "business phone 2", "home phone", "home phone 2",
           "other phone", "mobile number", "work phone", "home mobile")
_WEBSITES = ("web page", "web page 1", "web page 2", "website home page", "website work", "website profile",
             "website blog", "website other")
_DATE = re.compile(r"(\d{1,2})([./])(\d{1,2})\2(\d{2}|\d{4})")


def english(column: str) -> str:
    """Outlook's English name for a case-folded column name in any language Kith knows."""
    return _ALIASES.get(column, column)


def is_outlook_header(columns: set[str]) -> bool:
    """A header with an email column, as Outlook, Outlook.com, Thunderbird or Roundcube name it.

    Detection tries Google's and LinkedIn's layouts first (theirs say ``E-mail 1 - Value``,
    ``Email Address``), so any contacts table with such a column is one of these.
    """
    return any(english(column) in _EMAILS for column in columns)


def parse(path: Path, options: ParseOptions) -> ParsedFile:
    table = open_table(path, is_outlook_header, "Outlook contacts CSV", max_bytes=options.max_bytes,
                       ragged=True, rename=english)
    rows = list(table.rows)
    day_first = _birthdays_are_day_first(rows, foreign=bool(table.original & _ALIASES.keys()))
    parsed = ParsedFile(str(path), "outlook-csv", skipped=table.skipped)
    ids = UniqueIds()
    for row in rows:
        name = join_name(row["First Name"], row["Middle Name"], row["Last Name"]) or row["Display Name"]
        add_contact(
            parsed, ids, "outlook", row.line, name or row["Nickname"],
            emails=clean_emails([row[c] for c in _EMAILS if row[c]], row.line, parsed.skipped),
            phones=clean_phones([row[c] for c in _PHONES if row[c]], options, row.line, parsed.skipped),
            given_name=row["First Name"] or None,
            family_name=row["Last Name"] or None,
            nickname=row["Nickname"] or None,
            birthday=_birthday(row, day_first, parsed.skipped),
            company=row["Company"] or row["Organization"] or None,
            title=row["Job Title"] or None,
            location=row["Home City"] or row["Business City"] or row["Work City"] or None,
            notes=row["Notes"] or None,
            tags=clean_tags(split_values(row["Categories"], ";")),
            urls=unique(row[c] for c in _WEBSITES),
        )
    parsed.skipped.sort(key=lambda skip: skip[0])  # rows left out while reading, then values: in line order
    return parsed


def _birthdays_are_day_first(rows: list[Row], foreign: bool) -> bool | None:
    """Whether ``a/b/yyyy`` birthdays are day first: True, False, or None when the file cannot tell.

    Outlook writes dates in the PC's short-date order: ``5/17/1990`` in the US, ``17/5/1990`` in the
    UK, ``17.05.1990`` in Germany. Reading one as the other would silently swap day and month for
    every day up to 12, so the file decides: a first number above 12 proves day-first, a second
    one month-first. Without proof, a header in another language than English means day-first
    (every language Kith reads writes the day first) and an English one the US order, Outlook's
    default. Contradicting proof means the ambiguous dates cannot be read (None).
    """
    day_first = month_first = False
    for row in rows:
        m = _DATE.fullmatch(row["Birthday"])
        if m and m.group(2) == "/":
            day_first |= int(m.group(1)) > 12
            month_first |= int(m.group(3)) > 12
    if day_first and month_first:
        return None
    return day_first or (foreign and not month_first)


def _birthday(row: Row, day_first: bool | None, skipped: Skipped) -> Birthday | None:
    """Outlook's short date, an ISO date, or Thunderbird's three columns; ``0/0/00`` means none."""
    if row["Birth Month"] or row["Birth Day"]:
        return _thunderbird_birthday(row, skipped)
    text = row["Birthday"]
    if not text.strip("0/.- "):
        return None  # Outlook's "0/0/00" (or "0.0.00") means no birthday
    m = _DATE.fullmatch(text)
    if not m:
        if re.fullmatch(r"(\d{4}|-)-\d{2}-\d{2}", text):
            return clean_birthday(text, row.line, skipped)
        skipped.append((row.line, f"birthday left out: {text!r} is not a date"))
        return None
    first, separator, second, year = int(m.group(1)), m.group(2), int(m.group(3)), m.group(4)
    if separator == ".":
        day_first_here = True  # dotted dates are day-first wherever they are written
    elif first > 12 or second > 12 or first == second:
        day_first_here = first > 12
    elif day_first is None:
        skipped.append((row.line, f"birthday left out: {text!r} could be either day/month or month/day, "
                                  "and this file writes both"))
        return None
    else:
        day_first_here = day_first
    month, day = (second, first) if day_first_here else (first, second)
    try:
        # A two-digit year (Outlook's "00" placeholder included) cannot be placed in a century.
        return Birthday(month, day, int(year) if len(year) == 4 else None)
    except ValueError:
        skipped.append((row.line, f"birthday left out: {text!r} is not a date"))
        return None


def _thunderbird_birthday(row: Row, skipped: Skipped) -> Birthday | None:
    year, month, day = row["Birth Year"], row["Birth Month"], row["Birth Day"]
    try:
        return Birthday(int(month), int(day), int(year) if year else None)
    except ValueError:
        skipped.append((row.line, f"birthday left out: year {year!r}, month {month!r}, day {day!r} is not a date"))
        return None
