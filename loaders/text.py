"""Kith's encoding policy: how the bytes of an export become text, or why they cannot.

Every loader, and format detection, decodes through ``decode`` so that "is this text at all?"
is answered one way, and every refusal names the physical line an editor shows (a lone CR
ends a line too, as it does for the CSV reader and the vCard/iCalendar unfolding):

- UTF-8, with or without a BOM, is what every export Kith reads is meant to be;
- otherwise Windows-1252, as Outlook writes its CSV, unless the format's standard says UTF-8
  only (vCard 4, iCalendar: ``utf8_only``), where guessing would garble names quietly;
- a file with well-formed UTF-8 sequences *and* invalid bytes is mixed or damaged UTF-8, and
  refused: reading it as Windows-1252 would garble every accent it has;
- a NUL byte or a control character no text export holds means binary data, refused.
"""

from __future__ import annotations

import re
from pathlib import Path

from loaders.records import LoadError

LEGACY_ENCODING = "cp1252"  # Windows-1252: Outlook's CSV export
# C0 control characters other than the whitespace ones (tab, line feed, vertical tab, form feed,
# carriage return), and DEL, never occur in exported text; one means the file is binary or damaged.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_LINE_BREAK_BYTES = re.compile(rb"\r\n|\r|\n")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def read_text(path: Path, *, utf8_only: bool = False) -> str:
    """The file at ``path`` decoded by ``decode``; errors name ``path``."""
    return decode(path.read_bytes(), str(path), utf8_only=utf8_only)


def decode(data: bytes, where: str, *, utf8_only: bool = False) -> str:
    """UTF-8 (a BOM is dropped), else Windows-1252 unless ``utf8_only``; binary data is refused."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as not_utf8:
        text = _decode_legacy(data, where, not_utf8.start, utf8_only)
    control = _CONTROL.search(text)
    if control:
        found = "a NUL byte" if control.group() == "\x00" else f"control byte {ord(control.group()):#04x}"
        raise LoadError(where, line_at(text, control.start()), f"binary data ({found}), not a text export")
    return text


def _decode_legacy(data: bytes, where: str, bad: int, utf8_only: bool) -> str:
    """``data``, which is not UTF-8 from byte ``bad`` on, as Windows-1252 if the policy allows."""
    if utf8_only:
        raise LoadError(where, _line_at_byte(data, bad),
                        f"not UTF-8 text (byte 0x{data[bad]:02x}): binary, or another encoding")
    nul = data.find(b"\x00")
    if nul >= 0:
        raise LoadError(where, _line_at_byte(data, nul), "binary data (a NUL byte), not a text export")
    if _UTF8_SEQUENCE.search(data):
        raise LoadError(where, _line_at_byte(data, bad), "invalid UTF-8 in a UTF-8 file (mixed or damaged encoding)")
    try:
        return data.decode(LEGACY_ENCODING)
    except UnicodeDecodeError:
        raise LoadError(where, _line_at_byte(data, bad), "neither UTF-8 nor Windows-1252 text") from None


def line_at(text: str, index: int) -> int:
    """The 1-based physical line that character ``index`` of ``text`` is on."""
    return len(_LINE_BREAK.findall(text, 0, index)) + 1


def _line_at_byte(data: bytes, index: int) -> int:
    return len(_LINE_BREAK_BYTES.findall(data, 0, index)) + 1


def physical_lines(text: str) -> list[str]:
    """``text`` split at every line break (CRLF, LF or a lone CR), as ``line_at`` counts them."""
    return _LINE_BREAK.split(text)
