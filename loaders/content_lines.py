"""Content lines, the line syntax vCard (RFC 6350, and 2.1) and iCalendar (RFC 5545) share.

A property may be folded over several physical lines; ``logical_lines`` unfolds them and
keeps, for each logical line, the physical line it starts on, so that an error in either
format names the line a user sees in an editor. The libraries that parse the properties
(vobject, icalendar) lose that number, which is why the unfolding is done here.

iPhone exports end every line with CR CR LF: split at each break (``text.physical_lines``), that
is a blank line after every line, which would end every fold (a folded PHOTO's next line would
read as a property line of its own). Editors show such a line as one line, so it is counted as one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from loaders.text import physical_lines

_BASE64_ONLY = re.compile(r"[A-Za-z0-9+/=]+")
_IPHONE_BREAK = re.compile(r"\r\r\n")
# What a quoted-printable soft break never joins: a card or component boundary. A value cut
# short by an exporter ("NOTE;ENCODING=QUOTED-PRINTABLE:…=" right before END:VCARD) would
# otherwise swallow the END and make the file look unfinished.
_BOUNDARY = re.compile(r"(?:BEGIN|END):V[A-Z]+\s*", re.I)


class LogicalLine(NamedTuple):
    number: int  # the 1-based physical line it starts on
    text: str


@dataclass
class _Unfolding:
    """A logical line being assembled from physical lines."""

    number: int
    parts: list[str]
    quoted_printable: bool
    base64: bool

    @classmethod
    def start(cls, number: int, text: str) -> _Unfolding:
        head = text.split(":", 1)[0].upper()
        return cls(number, [text], "QUOTED-PRINTABLE" in head,
                   "BASE64" in head or "ENCODING=B" in head)

    def takes(self, raw: str) -> bool:
        """Whether physical line ``raw`` continues this logical line (and append it if so)."""
        if self.quoted_printable and self.parts[-1].endswith("=") and not _BOUNDARY.fullmatch(raw):
            # A quoted-printable soft break: "=" at the end joins the next line as is.
            self.parts[-1] = self.parts[-1][:-1]
            self.parts.append(raw)
        elif raw[:1] in (" ", "\t"):
            self.parts.append(raw[1:])
        elif self.base64 and _BASE64_ONLY.fullmatch(raw):
            # vCard 2.1 lets base64 run on unindented lines until a blank line.
            self.parts.append(raw)
        else:
            return False
        return True

    def done(self) -> LogicalLine:
        return LogicalLine(self.number, "".join(self.parts))


def logical_lines(text: str) -> list[LogicalLine]:
    """Unfold ``text`` into logical lines, each with the physical line it starts on.

    Folding follows RFC 6350/5545 (drop the line break and one space or tab); vCard 2.1's
    quoted-printable soft breaks and unindented base64 blocks are joined too. Blank lines
    are dropped; they also end a vCard 2.1 base64 block. CR CR LF is one line break (iPhone).
    """
    lines: list[LogicalLine] = []
    current: _Unfolding | None = None
    if "\r\r\n" in text:
        text = _IPHONE_BREAK.sub("\r\n", text)
    for number, raw in enumerate(physical_lines(text), 1):
        if current and current.takes(raw):
            continue
        if current:
            lines.append(current.done())
        current = _Unfolding.start(number, raw) if raw.strip() else None
    if current:
        lines.append(current.done())
    return lines
