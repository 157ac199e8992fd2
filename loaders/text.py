"""Kith's encoding policy: how the bytes of an export become text, or why they cannot.

Every loader, and format detection, decodes through ``decode`` so that "is this text at all?"
is answered one way, and every refusal names the physical line an editor shows (a lone CR
ends a line too, as it does for the CSV reader and the vCard/iCalendar unfolding):

- UTF-8, with or without a BOM, is what every export Kith reads is meant to be;
- UTF-16 (Windows' "Unicode" exports) when the file starts with its byte-order mark, or, without
  one, with ASCII text every other byte of which is NUL: no other text has NUL bytes, so this is
  no guess;
- otherwise Windows-1252, as Outlook writes its CSV, unless the format's standard says UTF-8
  only (vCard 4, iCalendar: ``utf8_only``), where guessing would garble names quietly;
- or, for a format whose values each say their encoding (vCard 2.1/3.0 ``CHARSET=``), the bytes
  kept as they are (``decode_deferred``) and each value decoded on its own (``decode_value``);
- a file with well-formed UTF-8 sequences *and* invalid bytes is mixed or damaged UTF-8, and
  refused: reading it as Windows-1252 would garble every accent it has;
- a NUL byte or a control character no text export holds means binary data, refused.

And what is read at all (``open_regular``): regular files only, checked with ``os.stat`` before
opening and again on the open file, opened non-blocking (a FIFO swapped in between cannot hang
the import), and no more than the caller's ``max_bytes`` (``loaders.limits.MAX_FILE_BYTES``).
"""

from __future__ import annotations

import codecs
import contextlib
import io
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from loaders.limits import megabytes
from loaders.records import LoadError

LEGACY_ENCODING = "cp1252"  # Windows-1252: Outlook's CSV export
# C0 control characters other than the whitespace ones (tab, line feed, vertical tab, form feed,
# carriage return), and DEL, never occur in exported text; one means the file is binary or damaged.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_LINE_BREAK_BYTES = re.compile(rb"\r\n|\r|\n")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_UTF16_UNITS_CHECKED = 16  # a BOM-less UTF-16 file must start with this many ASCII characters (or all it has)
# What is not a regular file, as a person would call it.
_NOT_REGULAR = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
                (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


# -- which files are read, and how much -------------------------------------------------


def check_file(path: Path, max_bytes: int | None = None) -> int:
    """The size of ``path`` if Kith reads it: a regular file of at most ``max_bytes`` (None: any size).

    Only ``os.stat``: nothing is opened, so a FIFO or a device is refused without blocking.
    """
    try:
        found = os.stat(path)
    except OSError as e:
        raise LoadError(str(path), None, f"cannot read it ({e.strerror or e})") from None
    _check_stat(str(path), found, max_bytes)
    return found.st_size


def _check_stat(where: str, found: os.stat_result, max_bytes: int | None) -> None:
    if not stat.S_ISREG(found.st_mode):
        kind = next((name for test, name in _NOT_REGULAR if test(found.st_mode)), "not a regular file")
        raise LoadError(where, None, f"is {kind}, not a file Kith can import (only regular files are read)")
    if max_bytes is not None and found.st_size > max_bytes:
        _too_big(where, found.st_size, max_bytes)


def _too_big(where: str, size: int | None, max_bytes: int) -> None:
    cap = megabytes(max_bytes)
    if size is None:
        what = "grew while it was read to"
    elif megabytes(size) == cap:  # just over: "100 MB, more than the 100 MB" says nothing
        what, cap = f"is {size:,} bytes,", f"{max_bytes:,} bytes"
    else:
        what = f"is {megabytes(size)},"
    raise LoadError(where, None, f"{what} more than the {cap} Kith reads from one file: split it, "
                                 "or lift the cap (`kith import --max-size MB`, or `--no-size-limit`)")


@contextlib.contextmanager
def open_regular(path: Path, max_bytes: int | None = None) -> Iterator[BinaryIO]:
    """``path`` opened for reading in binary, if it is a regular file of at most ``max_bytes``.

    Checked before opening (``check_file``), opened non-blocking (O_NONBLOCK: a FIFO put in its
    place meanwhile returns at once instead of waiting for a writer) and checked again on the open
    descriptor, so what is read is the regular file that was checked.
    """
    where = str(path)
    check_file(path, max_bytes)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as e:
        raise LoadError(where, None, f"cannot read it ({e.strerror or e})") from None
    try:
        _check_stat(where, os.fstat(fd), max_bytes)
        os.set_blocking(fd, True)  # a regular file: reads as usual from here
    except BaseException:
        os.close(fd)
        raise
    with os.fdopen(fd, "rb") as f:
        yield f


def read_bytes(path: Path, max_bytes: int | None = None, *, head: int | None = None) -> bytes:
    """The bytes of ``path`` (a regular file of at most ``max_bytes``), or only its first ``head`` bytes."""
    with open_regular(path, max_bytes) as f:
        if head is not None:
            return f.read(head)
        data = f.read(-1 if max_bytes is None else max_bytes + 1)
    if max_bytes is not None and len(data) > max_bytes:
        _too_big(str(path), None, max_bytes)
    return data


def read_text(path: Path, *, utf8_only: bool = False, max_bytes: int | None = None) -> str:
    """The file at ``path`` decoded by ``decode``; errors name ``path``.

    ``max_bytes``: the most this file may hold (the parsers pass ``ParseOptions.max_bytes``);
    None reads any size (the importer checks the size before anything is read).
    """
    return decode(read_bytes(path, max_bytes), str(path), utf8_only=utf8_only)


# -- bytes to text ----------------------------------------------------------------------


def decode(data: bytes, where: str, *, utf8_only: bool = False) -> str:
    """UTF-8 (a BOM is dropped), UTF-16, else Windows-1252 unless ``utf8_only``; binary data is refused."""
    utf16 = utf16_encoding(data)
    if utf16:
        text = _decode_utf16(data, where, utf16)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as not_utf8:
            text = _decode_legacy(data, where, not_utf8.start, utf8_only)
    _refuse_control(text, where)
    return text


def decode_head(data: bytes, where: str, *, cut: bool) -> str:
    """The first bytes of a file, as text, for telling its format (``loaders.detect``).

    ``cut``: the file goes on past ``data``, so only whole lines are kept (or, in one long
    line, no trailing partial character): a character cut in two would look like a broken encoding.
    """
    if cut:
        utf16 = utf16_encoding(data)
        if utf16:
            data = _cut_utf16(data, _utf16_order(data, utf16))
        else:
            data = data[:data.rfind(b"\n") + 1] or data.rstrip(bytes(range(0x80, 0x100)))
    return decode(data, where)


def utf16_encoding(data: bytes) -> str | None:
    """``utf-16`` for a file with a UTF-16 byte-order mark, ``utf-16-le``/``-be`` for one that starts
    with ASCII text with a NUL before or after every character; None for any other file."""
    if data.startswith(_UTF16_BOMS):
        return "utf-16"
    units = min(len(data) // 2, _UTF16_UNITS_CHECKED)
    if units < 2:
        return None
    first, second = data[0:units * 2:2], data[1:units * 2:2]
    for zeros, chars, encoding in ((first, second, "utf-16-be"), (second, first, "utf-16-le")):
        if not any(zeros) and all(0x09 <= c < 0x80 for c in chars):
            return encoding
    return None


def _utf16_order(data: bytes, encoding: str) -> str:
    """``utf-16-le`` or ``utf-16-be``: the byte order of ``data`` in ``encoding``."""
    if encoding != "utf-16":
        return encoding
    return "utf-16-le" if data.startswith(codecs.BOM_UTF16_LE) else "utf-16-be"


def _cut_utf16(data: bytes, order: str) -> bytes:
    """UTF-16 ``data`` up to its last line break, or whole code units without half a surrogate pair."""
    newline = "\n".encode(order)
    end = data.rfind(newline)
    while end > 0 and end % 2:  # the pair of bytes must be one code unit, not the halves of two
        end = data.rfind(newline, 0, end)
    if end > 0:
        return data[:end + 2]
    data = data[:len(data) // 2 * 2]
    high = data[-1] if order == "utf-16-le" else data[-2]
    return data[:-2] if 0xD8 <= high <= 0xDB else data


def _decode_utf16(data: bytes, where: str, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as e:
        before = data[:e.start].decode(encoding, errors="replace")
        raise LoadError(where, line_at(before, len(before)), "not valid UTF-16 text (a broken character or "
                                                             "an odd number of bytes)") from None


def _refuse_control(text: str, where: str, line: int | None = None) -> None:
    control = _CONTROL.search(text)
    if control:
        found = "a NUL byte" if control.group() == "\x00" else f"control byte {ord(control.group()):#04x}"
        at = line if line is not None else line_at(text, control.start())
        raise LoadError(where, at, f"binary data ({found}), not a text export")


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


def decode_deferred(data: bytes, where: str) -> tuple[str, bool]:
    """``data`` as text, and whether it is still *bytes*: a file that is neither UTF-8 nor UTF-16
    comes back as Latin-1 (one character per byte, so nothing is lost), for its values to be
    decoded one by one by ``decode_value``.

    For formats whose values say their own encoding (vCard 2.1/3.0's ``CHARSET=`` parameter): one
    file may hold values in several, so no single encoding of the whole file is right. Binary data
    is refused as by ``decode``.
    """
    if utf16_encoding(data):
        return decode(data, where), False
    try:
        text, deferred = data.decode("utf-8-sig"), False
    except UnicodeDecodeError:
        text, deferred = data.decode("latin-1"), True
    _refuse_control(text, where)  # NUL and C0 controls are the same bytes in Latin-1: binary is still refused
    return text, deferred


def decode_value(raw: bytes, charset: str | None = None) -> str:
    """One value's bytes as text: in ``charset`` if it names one Python knows, else UTF-8, else
    Windows-1252.

    Raises ValueError for a value that is in none of them, or that is UTF-8 with a broken
    character (reading it as Windows-1252 would garble every accent it has): the value is
    skipped by the caller, the rest of the file is still read.
    """
    encoding = _known_encoding(charset)
    if encoding and encoding != "utf-8":
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError as e:
            raise ValueError(f"not {charset} text (byte 0x{raw[e.start]:02x})") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        if _UTF8_SEQUENCE.search(raw):  # UTF-8 with a broken character: no other reading is right
            raise ValueError(f"damaged UTF-8 (byte 0x{raw[e.start]:02x})") from None
        bad = raw[e.start]
    try:
        return raw.decode(LEGACY_ENCODING)
    except UnicodeDecodeError:
        raise ValueError(f"neither UTF-8 nor Windows-1252 text (byte 0x{bad:02x})") from None


def _known_encoding(charset: str | None) -> str | None:
    """Python's name for ``charset`` (``windows-1252`` -> ``cp1252``), None for one it does not know."""
    if not charset:
        return None
    try:
        return codecs.lookup(charset.strip().strip('"')).name
    except LookupError:
        return None


# -- a file line by line, without holding it ---------------------------------------------

_STREAM_CHECK_LINES = 65_536  # how often a UTF-16 stream's position is checked against max_bytes
MAX_STREAM_LINE_BYTES = 1024 * 1024  # one line of a streamed file: longer is no line of text
_STREAM_BLOCK_BYTES = 1024 * 1024


def stream_lines(path: Path, max_bytes: int | None = None) -> Iterator[tuple[int, str]]:
    """Each physical line of ``path`` (ended by LF, CRLF or a lone CR) with its number, without the
    line break, decoded by Kith's policy one line at a time: memory does not grow with the file.

    For files far larger than what parsing them yields per line (edge lists). UTF-8 and
    Windows-1252 are told apart line by line (a line with well-formed UTF-8 and invalid bytes is
    refused as damaged UTF-8); ``max_bytes`` is enforced on what is read, not only on the size
    the file had when it was checked.
    """
    where = str(path)
    with open_regular(path, max_bytes) as raw:
        utf16 = utf16_encoding(raw.read(_UTF16_UNITS_CHECKED * 2))
        raw.seek(0)
        if utf16:
            yield from _stream_utf16(raw, where, utf16, max_bytes)
            return
        number, read, rest = 0, 0, b""
        while block := raw.read(_STREAM_BLOCK_BYTES):
            read += len(block)
            if max_bytes is not None and read > max_bytes:
                _too_big(where, None, max_bytes)
            if number == 0 and not rest:
                block = block.removeprefix(codecs.BOM_UTF8)
            *lines, rest = (rest + block).split(b"\n")
            if len(rest) > MAX_STREAM_LINE_BYTES:
                raise LoadError(where, number + len(lines) + 1,
                                f"a line longer than {megabytes(MAX_STREAM_LINE_BYTES)}: not a line of text")
            for data in lines:
                for part in _cr_split(data):
                    number += 1
                    yield number, _decode_line(part, where, number)
        if rest:
            for part in _cr_split(rest):
                number += 1
                yield number, _decode_line(part, where, number)


def _cr_split(data: bytes) -> list[bytes] | tuple[bytes]:
    """A line ended by LF, split at the lone CRs in it (a CR before the LF is part of the line break)."""
    if b"\r" not in data:
        return (data,)
    return data.removesuffix(b"\r").split(b"\r")


def _decode_line(data: bytes, where: str, number: int) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        if _UTF8_SEQUENCE.search(data):
            raise LoadError(where, number, "invalid UTF-8 in a UTF-8 file (mixed or damaged encoding)") from None
        try:
            text = data.decode(LEGACY_ENCODING)
        except UnicodeDecodeError:
            raise LoadError(where, number, f"neither UTF-8 nor Windows-1252 text (byte 0x{data[e.start]:02x})") from None
    if not text.isascii() or not text.isprintable():
        _refuse_control(text, where, number)
    return text


def _stream_utf16(raw: BinaryIO, where: str, encoding: str, max_bytes: int | None) -> Iterator[tuple[int, str]]:
    lines = io.TextIOWrapper(raw, encoding=encoding, newline=None)  # universal newlines: LF, CRLF, lone CR
    number = 0
    try:
        for number, line in enumerate(lines, 1):
            if max_bytes is not None and number % _STREAM_CHECK_LINES == 0 and raw.tell() > max_bytes:
                _too_big(where, None, max_bytes)
            line = line.removesuffix("\n")
            _refuse_control(line, where, number)
            yield number, line
    except UnicodeDecodeError:
        raise LoadError(where, number + 1, "not valid UTF-16 text (a broken character or an odd number of "
                                           "bytes)") from None
    finally:
        lines.detach()


# -- lines ------------------------------------------------------------------------------


def line_at(text: str, index: int) -> int:
    """The 1-based physical line that character ``index`` of ``text`` is on."""
    return len(_LINE_BREAK.findall(text, 0, index)) + 1


def _line_at_byte(data: bytes, index: int) -> int:
    return len(_LINE_BREAK_BYTES.findall(data, 0, index)) + 1


def physical_lines(text: str) -> list[str]:
    """``text`` split at every line break (CRLF, LF or a lone CR), as ``line_at`` counts them."""
    return _LINE_BREAK.split(text)
