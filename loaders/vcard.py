"""vCard 2.1, 3.0 and 4.0 address books (iPhone/iCloud, Android, Google exports).

vobject reads each property line, but it loses track of physical line numbers
and its text decoding cuts values at the first unescaped comma (``NOTE:Met at
a conference, London`` comes back as ``Met at a conference``). So this module
does the file-level work itself, keeping line numbers:

1. ``_read``: the file as text. vCard 4.0 is UTF-8 by its standard; vCard
   2.1 and 3.0 files from Windows phones and mail programs are often in the
   computer's code page (German, Greek, Polish …), and say so per property
   (``N;CHARSET=ISO-8859-7:…``) or not at all. So a file that is not UTF-8
   is kept as bytes (``text.decode_deferred``) and each value is decoded on
   its own: its CHARSET, else UTF-8, else Windows-1252 (``text.decode_value``).
   Binary data is refused at its line.
2. ``loaders.content_lines.logical_lines``: unfolding (continuation lines,
   vCard 2.1 quoted-printable soft breaks and unindented base64 blocks), each
   logical line remembering the physical line it starts on.
3. ``_cards``: BEGIN:VCARD / END:VCARD blocks, each line parsed by vobject,
   quoted-printable decoded here (vobject would decode it as UTF-8 whatever
   the CHARSET, and fail on one stray byte).
4. ``_contact``: one card to one ``Contact``; odd values go to ``skipped``.

What is refused and what is skipped: a file is refused only when it is no
vCard file, or cannot be read as a whole (binary data, no card at all). A
value that does not decode, a line that is no property line, a card never
ended, stray text between cards: each is left out with its line and reason
in ``skipped``, and the other cards are read.

Step 2 is shared with ``loaders/ical.py``: iCalendar uses the same content-line
syntax (but is UTF-8 only: it has no CHARSET parameter).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path

from vobject.base import ContentLine, ParseError, parseLine
from vobject.icalendar import stringToTextValues

from graph.model import Birthday, normalize_email, normalize_phone
from loaders._fields import is_email, unique
from loaders.content_lines import LogicalLine, logical_lines
from loaders.ids import UniqueIds, digest
from loaders.limits import MAX_LINE_CHARS
from loaders.records import Contact, LoadError, ParsedFile, ParseOptions
from loaders.text import decode, decode_deferred, decode_value, read_bytes

SOURCE = "vcard"

# Unescaped by ``_text``; ``\:`` is not in the RFC but Apple writes it in URLs.
_ESCAPABLE = '\\;,:Nn"'
_BINARY_PROPERTIES = {"PHOTO", "LOGO", "SOUND", "KEY"}  # never read, so never decoded
_CHILD_LABELS = {"child", "son", "daughter"}
_DROPPED_CATEGORIES = {"mycontacts"}  # Google's "all contacts" system group
_BDAY = re.compile(r"(?:(\d{4})-?|--)(\d{2})-?(\d{2})")
_VERSION_4 = re.compile(r"^VERSION:\s*4", re.I | re.M)
_QUOTED_PRINTABLE = "QUOTED-PRINTABLE"


class _BadLine(ValueError):
    """A property line left out: its reason goes to ``skipped`` with its line."""


# =============================================================================
# Bytes to text
# =============================================================================

def _read(path: Path, options: ParseOptions) -> tuple[str, bool]:
    """The file's text, and whether its values are still bytes to decode one by one (``decode_value``).

    A vCard 4.0 file must be UTF-8 (RFC 6350): one that is not is refused, as before, rather
    than read in a guessed code page.
    """
    data = read_bytes(path, options.max_bytes)
    text, deferred = decode_deferred(data, str(path))
    if deferred and _VERSION_4.search(text):
        decode(data, str(path), utf8_only=True)  # raises: "not UTF-8 text", at the line
    return text, deferred


# =============================================================================
# Property lines
# =============================================================================

def _property_name(text: str) -> str:
    """``item1.TEL;TYPE=CELL:…`` -> ``TEL``."""
    return re.split(r"[;:]", text, maxsplit=1)[0].rsplit(".", 1)[-1].strip().upper()


def _line_value(text: str) -> str:
    """What follows the first colon, e.g. ``VCARD`` for ``BEGIN:VCARD``."""
    return text.split(":", 1)[1].strip().upper() if ":" in text else ""


# =============================================================================
# Cards
# =============================================================================

@dataclass
class _Card:
    line: int  # BEGIN:VCARD
    properties: list[ContentLine] = field(default_factory=list)  # lineNumber = physical line

    def all(self, name: str) -> list[ContentLine]:
        return [p for p in self.properties if p.name == name]

    def first(self, name: str) -> ContentLine | None:
        return next(iter(self.all(name)), None)


def _cards(path: Path, lines: list[LogicalLine], deferred: bool, skipped: list[tuple[int, str]]) -> list[_Card]:
    """Split logical lines into cards, parsing each property line with vobject.

    A card never ended is left out (with its line in ``skipped``), the complete ones kept; a file
    without one complete card is refused: it is cut short, or no vCard file.
    """
    cards: list[_Card] = []
    card: _Card | None = None
    unfinished: tuple[int, str] | None = None  # the first card never ended, if no card is complete
    for number, text in lines:
        name, value = _property_name(text), _line_value(text)
        if name == "BEGIN" and value == "VCARD":
            if card:
                unfinished = unfinished or (card.line, f"BEGIN:VCARD has no END:VCARD (next card begins at line {number})")
                skipped.append((card.line, f"BEGIN:VCARD has no END:VCARD (next card begins at line {number}): "
                                           "card left out"))
            card = _Card(number)
        elif name == "END" and value == "VCARD":
            if card:
                cards.append(card)
            else:
                skipped.append((number, "END:VCARD without BEGIN:VCARD: left out"))
            card = None
        elif not card:
            if text.strip():
                skipped.append((number, f"text outside a BEGIN:VCARD … END:VCARD block left out: {text[:60]!r}"))
        elif name not in _BINARY_PROPERTIES:
            if len(text) > MAX_LINE_CHARS:
                raise LoadError(str(path), number, f"{name} line is {len(text):,} characters long, more than the "
                                                   f"{MAX_LINE_CHARS:,} Kith reads: a damaged or hostile file")
            try:
                card.properties.append(_property(number, text, deferred))
            except _BadLine as e:
                skipped.append((number, f"{name or 'line'} left out: {e}"))
    if card:
        unfinished = unfinished or (card.line, "BEGIN:VCARD has no END:VCARD")
        skipped.append((card.line, "BEGIN:VCARD has no END:VCARD (the file ends inside it: cut short?): "
                                   "card left out"))
    if not cards:
        raise LoadError(str(path), *unfinished) if unfinished else LoadError(
            str(path), 1, "no vCard in this file (no BEGIN:VCARD)")
    return cards


def _property(number: int, text: str, deferred: bool) -> ContentLine:
    """One property line as vobject's ContentLine, its value decoded to text.

    Raises ``_BadLine`` for a line that is no property line, or a value that does not decode.
    """
    try:
        name, params, value, group = parseLine(text, number)
    except ParseError:
        raise _BadLine(f"not a vCard property line: {text[:60]!r}") from None
    params, quoted_printable = _without_quoted_printable(params)
    charset = next((p[1] for p in params if len(p) > 1 and p[0].upper() == "CHARSET"), None)
    try:
        if quoted_printable:
            raw = codecs.decode(value.encode("latin-1" if deferred else "utf-8"), "quopri")
            value = decode_value(raw, charset)
        elif deferred and not value.isascii():
            value = decode_value(value.encode("latin-1"), charset)
    except ValueError as e:  # binascii.Error (bad quoted-printable) is a ValueError too
        raise _BadLine(f"value does not decode: {e}") from None
    return ContentLine(name, params, value, group, encoded=True, lineNumber=number)


def _without_quoted_printable(params: list[list[str]]) -> tuple[list[list[str]], bool]:
    """``params`` less ``ENCODING=QUOTED-PRINTABLE`` (or 2.1's bare ``QUOTED-PRINTABLE``), and whether it was there.

    Any case: vobject only knows it in capitals, and would leave ``=C3=A9`` in a name.
    """
    kept, found = [], False
    for param in params:
        values = [v for v in param[1:] if v.upper() != _QUOTED_PRINTABLE]
        if len(param) == 1 and param[0].upper() == _QUOTED_PRINTABLE:
            found = True
        elif param[0].upper() == "ENCODING" and len(values) < len(param) - 1:
            found = True
            if values:
                kept.append([param[0], *values])
        else:
            kept.append(param)
    return kept, found


# =============================================================================
# Card -> Contact
# =============================================================================

def parse(path: Path, options: ParseOptions) -> ParsedFile:
    text, deferred = _read(path, options)
    parsed = ParsedFile(path=str(path), format="vcard")
    cards = _cards(path, logical_lines(text), deferred, parsed.skipped)
    # Two cards with one id (a repeated UID, two "Sam"s with no email) stay two contacts;
    # vCard ids have always been numbered "#2", "#3" …, and ids must not change.
    card_ids = UniqueIds(separator="#")
    for card in cards:
        contact = _contact(card, options, parsed.skipped)
        if contact:
            contact.source_id = card_ids(contact.source_id)
            parsed.contacts.append(contact)
    parsed.skipped.sort()  # in file order: a card's values are checked after its lines
    return parsed


def _contact(card: _Card, options: ParseOptions, skipped: list[tuple[int, str]]) -> Contact | None:
    if _is_group(card):
        skipped.append((card.line, "a contact group, not a person"))
        return None
    family, given = _name_parts(card)
    emails = _emails(card, skipped)
    phones = _phones(card, options.default_region, skipped)
    company = _company(card)
    name = (_first_text(card, "FN") or " ".join(filter(None, (given, family)))
            or company or next(iter(emails + phones), ""))
    if not name:
        skipped.append((card.line, "card has no name, email or phone"))
        return None
    return Contact(
        source=SOURCE,
        source_id=_first_text(card, "UID") or _hashed_id(name, emails + phones),
        line=card.line,
        name=name,
        given_name=given,
        family_name=family,
        nickname=", ".join(_list_values(card, "NICKNAME")) or None,
        emails=emails,
        phones=phones,
        birthday=_birthday(card, skipped),
        company=company,
        title=_first_text(card, "TITLE"),
        location=_location(card),
        notes=_notes(card),
        children=_children(card, skipped),
        tags=_tags(card),
        urls=unique(_text(p) for p in card.all("URL")),
    )


def _is_group(card: _Card) -> bool:
    kinds = {_text(p).lower() for p in card.all("KIND") + card.all("X-ADDRESSBOOKSERVER-KIND")}
    return "group" in kinds


def _hashed_id(name: str, keys: list[str]) -> str:
    """A card without UID is known by its name and first email or phone."""
    return "sha1:" + digest(name, keys[0] if keys else "")


# --- values ------------------------------------------------------------------

def _text(prop: ContentLine) -> str:
    """A text value with backslash escapes undone (``\\n``, ``\\,``, ``\\;``, ``\\\\``)."""
    return stringToTextValues(prop.value, listSeparator=None, charList=_ESCAPABLE)[0].strip()


def _components(prop: ContentLine, separator: str) -> list[str]:
    """A structured (``;``) or list (``,``) value, split only at unescaped separators."""
    return [v.strip() for v in stringToTextValues(prop.value, listSeparator=separator, charList=_ESCAPABLE)]


def _first_text(card: _Card, name: str) -> str | None:
    prop = card.first(name)
    return (_text(prop) or None) if prop else None


def _list_values(card: _Card, name: str) -> list[str]:
    return unique(v for p in card.all(name) for v in _components(p, ","))


def _labels(card: _Card, prop: ContentLine) -> set[str]:
    """TYPE parameters plus Apple's group label (``item2.X-ABLabel:_$!<Child>!$_`` -> ``child``)."""
    labels = {t.lower() for value in prop.params.get("TYPE", []) for t in value.split(",")}
    labels |= {s.lower() for s in prop.singletonparams}
    if prop.group:
        for label in card.all("X-ABLABEL"):
            if label.group and label.group.lower() == prop.group.lower():
                labels.add(re.sub(r"^_\$!<(.*)>!\$_$", r"\1", _text(label)).lower())
    return labels


# --- fields ------------------------------------------------------------------

def _name_parts(card: _Card) -> tuple[str | None, str | None]:
    """(family, given) from N: ``family;given;additional;prefix;suffix``."""
    prop = card.first("N")
    parts = (_components(prop, ";") if prop else []) + ["", ""]
    return parts[0] or None, parts[1] or None


def _emails(card: _Card, skipped: list[tuple[int, str]]) -> list[str]:
    emails = []
    for prop in card.all("EMAIL"):
        value = normalize_email(_text(prop)).removeprefix("mailto:")
        if is_email(value):
            emails.append(value)
        elif value:
            skipped.append((prop.lineNumber, f"EMAIL {value!r} is not an email address"))
    return unique(emails)


def _phones(card: _Card, region: str | None, skipped: list[tuple[int, str]]) -> list[str]:
    phones = []
    for prop in card.all("TEL"):
        value = _text(prop).removeprefix("tel:")  # vCard 4 writes TEL;VALUE=uri:tel:+44…
        try:
            phones.append(normalize_phone(value, region))
        except ValueError as e:
            skipped.append((prop.lineNumber, f"TEL: {e}"))  # normalize_phone says how to fix it
    return unique(phones)


def _birthday(card: _Card, skipped: list[tuple[int, str]]) -> Birthday | None:
    """``1990-05-17``, ``19900517``, ``--0517``, ``--05-17``; Apple's omitted year is no year."""
    prop = card.first("BDAY")
    if not prop:
        return None
    value = _text(prop).split("T", 1)[0]  # some exports add a time of day
    match = _BDAY.fullmatch(value)
    try:
        if not match:
            raise ValueError("not a date")
        year = int(match.group(1)) if match.group(1) else None
        # iOS stores a birthday without year as year 1604 and says so in this parameter.
        if year is not None and str(year) in prop.params.get("X-APPLE-OMIT-YEAR", []):
            year = None
        return Birthday(int(match.group(2)), int(match.group(3)), year)
    except ValueError as e:
        skipped.append((prop.lineNumber, f"BDAY {value!r}: {e}"))
        return None


def _company(card: _Card) -> str | None:
    prop = card.first("ORG")
    return (_components(prop, ";")[0] or None) if prop else None


def _location(card: _Card) -> str | None:
    """The city of the first address that has one (else its region, else its country)."""
    for prop in card.all("ADR"):
        parts = _components(prop, ";") + [""] * 7  # box;extended;street;city;region;code;country
        place = parts[3] or parts[4] or parts[6]
        if place:
            return place
    return None


def _notes(card: _Card) -> str | None:
    notes = [_text(p).replace("\r\n", "\n") for p in card.all("NOTE")]
    return "\n\n".join(n for n in notes if n) or None


def _children(card: _Card, skipped: list[tuple[int, str]]) -> list[str]:
    """Apple/Google ``X-ABRELATEDNAMES`` labelled as a child; vCard 4 ``RELATED;TYPE=child``."""
    children = []
    for prop in card.all("X-ABRELATEDNAMES") + card.all("RELATED"):
        if not _labels(card, prop) & _CHILD_LABELS:
            continue
        value = _text(prop)
        is_text = [v.lower() for v in prop.params.get("VALUE", [])] == ["text"]
        if prop.name == "RELATED" and not is_text and re.fullmatch(r"[a-z][a-z0-9+.-]*:\S+", value, re.I):
            skipped.append((prop.lineNumber, f"RELATED child {value!r} is a reference, not a name"))
        else:
            children.append(value)
    return unique(children)


def _tags(card: _Card) -> list[str]:
    return [t for t in unique(v.lower() for v in _list_values(card, "CATEGORIES"))
            if t not in _DROPPED_CATEGORIES]
