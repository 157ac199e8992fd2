"""Which format a file is, from its first few KB (never from its name: exports get renamed)."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from loaders import google, kithfile, linkedin, outlook
from loaders._csvutil import csv_rows, describe_row
from loaders.edgelist import COMMENT_MARKS, is_int
from loaders.records import LoadError
from loaders.text import decode_head, read_bytes

SNIFF_BYTES = 16 * 1024
# CSV layouts by their header; LinkedIn's notes may come before the header, so several rows are tried.
CSV_HEADERS = (
    ("linkedin-connections", linkedin.is_connections_header),
    ("linkedin-messages", linkedin.is_messages_header),
    ("linkedin-contacts", linkedin.is_imported_contacts_header),
    ("google-csv", google.is_google_header),
    ("outlook-csv", outlook.is_outlook_header),
    ("kith-csv", kithfile.is_kith_header),
)
_KITH_JSON_KEY = re.compile(rf'"(?:{"|".join(kithfile.JSON_ARRAYS)})"\s*:')
_KITH_EXPORT_KEY = re.compile(r'\{\s*"kith_export"\s*:')
EDGE_LINES_CHECKED = 5
ZIP_MAGIC = b"PK\x03\x04"


def detect(path: Path, max_bytes: int | None = None) -> str:
    """One of ``records.FORMATS``, or LoadError naming what the file starts with.

    Reads only the first ``SNIFF_BYTES``, of a regular file of at most ``max_bytes``
    (``loaders.text.open_regular``).
    """
    where = str(path)
    data = read_bytes(path, max_bytes, head=SNIFF_BYTES + 1)
    if data.startswith(ZIP_MAGIC):  # an archive: which one is told by the names of its members
        from loaders import archive
        return archive.zip_format(path)
    if data.lstrip().startswith(b"From "):  # mbox: each message starts with a "From " line
        from loaders import mbox  # bodies may be in any encoding, so it is told from the bytes
        if mbox.looks_like(data):
            return "mbox"
    if data.lstrip(codecs.BOM_UTF8 + b" \t\r\n").upper().startswith(b"BEGIN:VCARD"):
        return "vcard"  # told from the bytes: a vCard's values may each be in a code page of their own
    # Only whole lines: a character cut in two would look like a broken encoding.
    text = decode_head(data[:SNIFF_BYTES], where, cut=len(data) > SNIFF_BYTES)
    start = text.lstrip()
    if not start:
        raise LoadError(where, None, "unknown layout: the file is empty")
    first_line = text[:len(text) - len(start)].count("\n") + 1
    upper = start[:20].upper()
    if start.startswith("From ") and not data.lstrip().startswith(b"From "):
        raise LoadError(where, first_line, "a mailbox (mbox) in a text encoding mail never uses (UTF-16): "
                                           "mail is read as it was received, in 8-bit bytes")
    if upper.startswith("BEGIN:VCARD"):
        return "vcard"
    if upper.startswith("BEGIN:VCALENDAR"):
        return "ical"
    if upper.startswith("BEGIN:VTIMEZONE"):  # a calendar's pieces: the calendar reader says what is missing
        return "ical"
    if upper.startswith("BEGIN:VEVENT"):
        from loaders import ical  # imported only here: it loads icalendar
        if ical.looks_like_fragment(start):
            return "ical"
    if start.startswith("{"):
        from loaders import telegram
        if telegram.looks_like(start):
            return "telegram"
        if _KITH_EXPORT_KEY.match(start):  # `kith export` writes its header first
            return "kith-export"
        if _KITH_JSON_KEY.search(text):
            return "kith-json"
        raise LoadError(where, first_line, "unknown layout: a JSON object without any of the keys "
                                           + ", ".join(kithfile.JSON_ARRAYS))
    found = _csv_format(text, where) or _edgelist(text)
    if found:
        return found
    from loaders import whatsapp
    if whatsapp.looks_like(start):
        return "whatsapp"
    raise LoadError(where, first_line, f"unknown layout: the file starts with {describe_row([start.splitlines()[0]])}, "
                                       "which is no vCard, iCalendar, Kith JSON, known CSV header or edge list")


def _csv_format(text: str, where: str) -> str | None:
    try:
        for seen, (_, cells) in enumerate(csv_rows(text, where)):
            columns = {cell.strip().casefold() for cell in cells}
            for name, is_header in CSV_HEADERS:
                if is_header(columns):
                    return name
            if seen >= linkedin.PREAMBLE_ROWS:
                return None
    except LoadError:
        pass  # not CSV (or cut mid-cell): let the other formats have a look
    return None


def _edgelist(text: str) -> str | None:
    """A few lines of 3 or 4 whole numbers, maybe after comments and a header line."""
    lines = [line.split() for line in text.splitlines()
             if line.strip() and not line.lstrip().startswith(COMMENT_MARKS)][:EDGE_LINES_CHECKED + 1]
    if lines and not all(is_int(f) for f in lines[0]):
        lines = lines[1:]  # a header such as "src dst time"
    if lines and all(len(fields) in (3, 4) and all(is_int(f) for f in fields) for fields in lines):
        return "edgelist"
    return None

