"""Email: an ``.mbox`` file (Google Takeout Mail, Thunderbird, Apple Mail), read from its headers only.

What is read, and why. Kith needs to know who wrote to whom, and when: a message's From, To, Cc,
Bcc, Date and Message-ID (its Subject only when asked, ``ParseOptions.mail_subjects``). That is
all it should see: a mailbox is the most private file a person has, so bodies are never stored,
never parsed, not even held in memory. The file is streamed line by line (``_header_blocks``):
a message's header block is gathered up to its first empty line, and its body lines are read
past as they come. Memory grows with the number of messages and people, never with the size of
the file, so a 2 GB mailbox is read like a 2 MB one and is not held to ``limits.MAX_FILE_BYTES``
(``limits.STREAMED_FORMATS``).

Each header block goes through the standard library (``email.parser.HeaderParser``,
``email.utils.getaddresses``, ``parsedate_to_datetime``; RFC 2047 names by ``email.header``).

What becomes what:

- a message → one ``Activity`` (channel "email", kind "message"), every address on it a participant
  (``email:…``, yours ``me``), started by its sender. Its id is its Message-ID (a digest of its
  headers when it has none), so importing it again, or from another mailbox (Sent and Inbox),
  is the same interaction;
- an address → one ``Contact`` (source "mail"), named by the display name it is most often given;
- you: ``ParseOptions.owner_emails`` when Kith knows them and this mailbox has them; otherwise the
  address mail was delivered to (Delivered-To / X-Original-To), else the one on the most messages.
  The file's ``owner`` then tells a graph without an owner who you are.

Left out, in ``skipped``: mailing lists and automated mail (List-Id, List-Unsubscribe, Precedence
bulk/list/junk, Auto-Submitted, no-reply and bounce senders), Gmail's Spam, Trash and Drafts, a
Message-ID seen before in the file, notes to yourself, and mail neither from, to, nor delivered to
you (an alias, a list without its headers, someone else's mail: it says nothing about your ties,
and other people's correspondence is not yours to record). Each of these is one line per reason,
with how many, so a mailbox of 100,000 newsletters gives a few lines. A damaged message (no date,
no sender, no recipient) is said with the line of its ``From `` separator; the file is never
refused for one message.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timezone
from email.header import decode_header, make_header
from email.message import Message
from email.parser import HeaderParser
from email.policy import compat32
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path
from typing import BinaryIO, NamedTuple

from graph.model import normalize_email
from loaders.limits import MAX_FIELD_CHARS
from loaders.records import ME, Activity, Contact, ParsedFile, ParseOptions
from loaders.text import LEGACY_ENCODING, open_regular

SOURCE = "mail"
# A separator: "From " at the start of a line after an empty one (RFC 4155), with the time it
# was written ("From - Sat Jan 03 19:22:51 2015", "From 1790@xxx Sun Apr 07 10:23:45 +0000 2024").
# Writers quote a body's own "From " lines (">From "); an unquoted one rarely has a time in it.
_SEPARATOR = re.compile(rb"From \S+ .*\d{1,2}:\d\d")
_HEADER_NAME = re.compile(rb"([!-9;-~]+):")
_TELLING_HEADERS = frozenset({b"from", b"to", b"date", b"message-id", b"received", b"return-path",
                              b"delivered-to", b"x-gmail-labels", b"subject"})
MAX_LINE_BYTES = 64 * 1024         # read at most this much of a line at once (a body may have one of 1 GB)
MAX_HEADER_BYTES = 256 * 1024      # a header block longer than this is no message's (Gmail's longest are ~50 KB)
MAX_NAME_CHARS = 200               # a longer display name is not a name
MAX_MESSAGE_ID_CHARS = 250         # a longer Message-ID is replaced by its digest
MAX_SUBJECT_CHARS = 300
MAX_SKIPPED_LINES = 1_000          # damaged messages said one by one; past this, counted
PROGRESS_EVERY_LINES = 1 << 16

_PARSER = HeaderParser(policy=compat32)
_AUTOMATED_SENDER = re.compile(r"(?:no-?reply|do-?not-?reply|notifications?|mailer-daemon|postmaster|bounces?)"
                               r"(?:[+._-].*)?", re.IGNORECASE)
_GMAIL_LEFT_OUT = {"spam": "in Gmail's Spam", "trash": "in Gmail's Trash", "bin": "in Gmail's Trash",
                   "drafts": "a draft (Gmail's Drafts)", "draft": "a draft (Gmail's Drafts)"}
_BULK = frozenset({"bulk", "list", "junk"})


class _Mail(NamedTuple):
    """What is kept of one message while the file is read (who is "me" is known only at the end)."""

    line: int
    at: datetime
    source_id: str
    sender: str
    addresses: tuple[str, ...]   # normalized, sender first, each once
    delivered_to: frozenset[str]
    subject: str | None


def looks_like(data: bytes) -> bool:
    """The first bytes of a file are an mbox: a ``From `` separator, then mail headers."""
    lines = data.lstrip().splitlines()
    if not lines or not _SEPARATOR.match(lines[0]):
        return False
    names = set()
    for line in lines[1:100]:
        if not line.strip():
            break
        found = _HEADER_NAME.match(line)
        if found:
            names.add(found.group(1).lower())
    return bool(names & _TELLING_HEADERS)


def parse(path: Path, options: ParseOptions) -> ParsedFile:
    parsed = ParsedFile(str(path), "mbox")
    skips = _Skips()
    mails: list[_Mail] = []
    names: dict[str, Counter[str]] = {}  # address -> the display names it is given
    delivered: Counter[str] = Counter()  # address -> messages delivered to it
    seen: set[str] = set()
    with open_regular(path) as f:  # streamed, so any size (limits.STREAMED_FORMATS)
        for line, block in _header_blocks(f, options.progress):
            mail = _read(line, block, options, skips, names, delivered)
            if mail is None:
                continue
            if mail.source_id in seen:
                skips.counted(line, "the same Message-ID as a message before it")
                continue
            seen.add(mail.source_id)
            mails.append(mail)
    del seen
    owner, inferred = _owner(mails, delivered, options)
    parsed.activities, first_line = _activities(mails, owner, skips)
    del mails
    parsed.contacts = [_contact(address, line, names.get(address)) for address, line in first_line.items()]
    if inferred and owner:
        address = min(owner, key=lambda a: (-delivered[a], a))
        # The name the mail gives them (a Kith with an owner compares it with yours: resolve.file_owner);
        # none given, yours, rather than one made of the address.
        shown = names.get(address)
        name = _best_name(address, shown) if shown or not options.owner_name else options.owner_name
        parsed.owner = Contact(SOURCE, address, 1, name, emails=sorted(owner))
    parsed.skipped = skips.lines()
    return parsed


# -- the file: header blocks, bodies read past ---------------------------------------------


def _header_blocks(f: BinaryIO, progress=None) -> Iterator[tuple[int, bytes | None]]:
    """``(line of its "From " separator, header block)`` for each message, in file order.

    The header block is the bytes after the separator up to the first empty line (None when it
    runs past ``MAX_HEADER_BYTES``); the body after it is read past a line at a time, never kept.
    Lines are counted by LF (a CRLF file counts the same).
    """
    size = f.seek(0, 2)
    f.seek(0)
    readline = f.readline
    number = start = 0                    # the line just read; the current message's separator
    header: list[bytes] | None = None     # the header block being gathered; None in a body
    header_bytes = 0
    blank_before = True                   # the line before this one was empty
    whole = True                          # the last chunk read ended its line
    while chunk := readline(MAX_LINE_BYTES):
        if not whole:  # more of a line longer than MAX_LINE_BYTES: never a separator
            whole = chunk.endswith(b"\n")
            if header is not None:
                header_bytes += len(chunk)
                if header_bytes <= MAX_HEADER_BYTES:
                    header.append(chunk)
            continue
        whole = chunk.endswith(b"\n")
        number += 1
        if progress is not None and number % PROGRESS_EVERY_LINES == 0:
            progress(f.tell(), size)
        if blank_before and chunk.startswith(b"From ") and _SEPARATOR.match(chunk):
            if header is not None and start:
                yield start, b"".join(header) if header_bytes <= MAX_HEADER_BYTES else None
            start, header, header_bytes, blank_before = number, [], 0, False
            continue
        blank_before = chunk == b"\n" or chunk == b"\r\n"
        if header is None:
            continue
        if blank_before:
            yield start, b"".join(header) if header_bytes <= MAX_HEADER_BYTES else None
            header = None
        else:
            header_bytes += len(chunk)
            if header_bytes <= MAX_HEADER_BYTES:  # past it: counted, no longer kept
                header.append(chunk)
    if header is not None and start:
        yield start, b"".join(header) if header_bytes <= MAX_HEADER_BYTES else None
    if progress is not None:
        progress(size, size)


# -- one message's headers -----------------------------------------------------------------


def _read(line: int, block: bytes | None, options: ParseOptions, skips: _Skips,
          names: dict[str, Counter[str]], delivered: Counter[str]) -> _Mail | None:
    """The message whose header block is ``block``, or None (said in ``skips``) if it is left out."""
    if block is None:
        skips.each(line, f"a header block longer than {MAX_HEADER_BYTES // 1024} KB: a damaged message")
        return None
    msg = _PARSER.parsestr(_text(block), headersonly=True)
    to_me = frozenset(a for a, _ in _pairs(msg, "Delivered-To", "X-Original-To"))
    delivered.update(to_me)
    senders = _pairs(msg, "From")
    reason = _left_out(msg, senders[0][0] if senders else "")
    if reason:
        skips.counted(line, reason)
        return None
    at = _date(msg.get("Date"))
    recipients = _pairs(msg, "To", "Cc", "Bcc")
    problem = ("no Date" if msg.get("Date") is None else "a Date that is no date" if at is None
               else "no sender (From)" if not senders else "no recipient (To, Cc)" if not recipients and not to_me
               else None)
    if problem:
        skips.each(line, f"{problem}: message left out")
        return None
    for address, name in senders + recipients:
        if name:
            names.setdefault(address, Counter())[name] += 1
    addresses = tuple(dict.fromkeys(a for a, _ in senders + recipients))
    subject = _decoded(msg.get("Subject") or "")
    return _Mail(line, at, _message_id(msg, at, addresses, subject), addresses[0], addresses, to_me,
                 " ".join(subject.split())[:MAX_SUBJECT_CHARS] or None if options.mail_subjects else None)


def _text(block: bytes) -> str:
    """A header block as text: UTF-8 if it is, else Windows-1252 (8-bit headers are not ASCII)."""
    try:
        return block.decode("utf-8")
    except UnicodeDecodeError:
        return block.decode(LEGACY_ENCODING, errors="replace")


def _left_out(msg: Message, sender: str) -> str | None:
    """Why a message is left out without a word (a list, a machine, spam …), or None."""
    for label in (msg.get("X-Gmail-Labels") or "").split(","):
        reason = _GMAIL_LEFT_OUT.get(label.strip().casefold())
        if reason:
            return reason
    if msg.get("List-Id") is not None or msg.get("List-Unsubscribe") is not None:
        return "mailing-list mail (List-Id, List-Unsubscribe)"
    if (msg.get("Precedence") or "").strip().lower() in _BULK:
        return "bulk mail (Precedence: bulk, list or junk)"
    if (msg.get("Auto-Submitted") or "no").strip().lower() != "no":
        return "automatic mail (Auto-Submitted)"
    if _AUTOMATED_SENDER.fullmatch(sender.partition("@")[0]):
        return "from a machine (no-reply, notifications, mailer-daemon, bounces …)"
    return None


def _pairs(msg: Message, *fields: str) -> list[tuple[str, str]]:
    """``(normalized address, display name)`` of every good address in ``fields``, in order."""
    values = [str(v) for f in fields for v in msg.get_all(f, [])]
    pairs = []
    for name, address in getaddresses(values):
        address = normalize_email(address)
        local, at, domain = address.rpartition("@")
        if at and local and "." in domain and len(address) <= 254 and not any(c.isspace() for c in address):
            pairs.append((address, _name(name, address)))
    return pairs


def _name(raw: str, address: str) -> str:
    name = _decoded(raw).strip().strip("'\"").strip()
    if not name or len(name) > MAX_NAME_CHARS or normalize_email(name) == address or not name.isprintable():
        return ""
    return " ".join(name.split())


def _decoded(value: str) -> str:
    """An RFC 2047 header value (``=?UTF-8?B?…?=``) as text; the value itself if it cannot be."""
    if "=?" not in value:
        return value
    try:
        return str(make_header(decode_header(value)))
    except (LookupError, UnicodeError, ValueError):  # an unknown charset, a broken encoded word
        return value


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        at = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return at if at.tzinfo else at.replace(tzinfo=timezone.utc)  # "-0000": the zone is not known


def _message_id(msg: Message, at: datetime, addresses: tuple[str, ...], subject: str) -> str:
    """The message's Message-ID, without its <>, or a digest of its headers when it has none
    (so that the same message in two mailboxes is still one)."""
    found = (msg.get("Message-ID") or "").strip().strip("<>").strip()
    if found and len(found) <= MAX_MESSAGE_ID_CHARS and found.isprintable():
        return found
    text = "\n".join([found, at.isoformat(), addresses[0], *sorted(addresses[1:]), subject])
    return "sha256:" + hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:40]


# -- the whole mailbox: who you are, and what is kept ---------------------------------------


def _owner(mails: list[_Mail], delivered: Counter[str], options: ParseOptions) -> tuple[frozenset[str], bool]:
    """Your addresses, and whether they were inferred (rather than known from ``options``)."""
    on_messages = Counter(a for m in mails for a in m.addresses)
    known = frozenset(normalize_email(e) for e in options.owner_emails)
    if known & (on_messages.keys() | delivered.keys()):
        return known, False
    counts = delivered or on_messages
    if not counts:
        return frozenset(), False
    best = min(counts.items(), key=lambda item: (-item[1], item[0]))[0]  # ties: the first by address
    return frozenset({best}), True


def _activities(mails: list[_Mail], owner: frozenset[str], skips: _Skips) -> tuple[list[Activity], dict[str, int]]:
    """One Activity per message you are on; and each other address they have, with its first line."""
    refs: dict[str, str] = {a: ME for a in owner}
    first_line: dict[str, int] = {}
    activities = []
    for m in mails:
        addresses = m.addresses
        if owner and owner.isdisjoint(addresses):
            mine = owner & m.delivered_to
            if not mine:
                skips.counted(m.line, "neither from, to, nor delivered to you (someone else's mail)")
                continue
            addresses += (min(mine),)  # delivered to you, not on its To or Cc: you were a Bcc
        participants = list(dict.fromkeys(refs.get(a) or refs.setdefault(a, f"email:{a}") for a in addresses))
        if len(participants) < 2:
            skips.counted(m.line, "sent to its sender only (a note to yourself)")
            continue
        for a in addresses:
            if a not in owner:
                first_line.setdefault(a, m.line)
        activities.append(Activity(SOURCE, m.source_id, m.line, m.at, participants, "email", "message",
                                   m.subject, refs[m.sender]))
    return activities, first_line


def _contact(address: str, line: int, names: Counter[str] | None) -> Contact:
    return Contact(SOURCE, address, line, _best_name(address, names), emails=[address])


def _best_name(address: str, names: Counter[str] | None) -> str:
    """The display name most often given (the first by name on a tie), else one made of the address."""
    if names:
        return min(names.items(), key=lambda item: (-item[1], item[0]))[0][:MAX_FIELD_CHARS]
    return address.partition("@")[0].replace(".", " ").replace("_", " ").title()[:MAX_FIELD_CHARS]


class _Skips:
    """What is left out: damaged messages one by one (up to ``MAX_SKIPPED_LINES``), the rest one line per reason."""

    def __init__(self) -> None:
        self.each_lines: list[tuple[int, str]] = []
        self.first: dict[str, int] = {}
        self.count: Counter[str] = Counter()

    def each(self, line: int, reason: str) -> None:
        if len(self.each_lines) < MAX_SKIPPED_LINES:
            self.each_lines.append((line, reason))
        else:
            self.counted(line, "more damaged messages (no date, sender or recipient)")

    def counted(self, line: int, reason: str) -> None:
        self.first.setdefault(reason, line)
        self.count[reason] += 1

    def lines(self) -> list[tuple[int, str]]:
        counted = [(line, f"{reason}: {self.count[reason]:,} message{'s' if self.count[reason] > 1 else ''} "
                          "left out, the first here") for reason, line in self.first.items()]
        return sorted(self.each_lines + counted)
