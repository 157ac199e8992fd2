"""WhatsApp's "Export chat" text file (without media): one chat, one- to-one or a group.

Each message starts a line with its date, time and sender; the lines after it that start with
no date are the rest of the same message. Two layouts, by phone:

- iOS (``_chat.txt`` in ``WhatsApp Chat - Ana Souza.zip``), sometimes after a U+200E mark::

      [31/12/2020, 21:15:02] Ana Souza: Happy new year!

- Android (``WhatsApp Chat with Ana Souza.txt``)::

      12/31/20, 9:15 PM - Ana Souza: Happy new year!

Dates and times are written as the phone's locale writes them: ``31/12/2020``, ``12/31/20``,
``2020-12-31``, ``31.12.20``; ``21:15`` or ``9:15 PM`` (with a narrow no-break space U+202F before
``PM`` on newer phones). The date order is decided once per FILE, from its values: a first field
above 12 means day first, a second field above 12 month first (both in one file: the order most
of them tell, the others left out with their line; as many of each: refused), a 4-digit first
field year first; a dotted date is day first (no locale writes M.D.Y). When no value
tells, the order under which the messages stay in time order wins (a chat is written oldest
first), and when that does not tell either, day first is assumed, as most of the world writes
it, and said in ``skipped``. Times have no zone: they are the phone's local time, taken as UTC
like every other time without a zone in Kith (``graph.model.utc``), and the calendar day is the
one the file writes.

Senders are names as the exporter's phone book has them, or phone numbers (``+44 7700 900123``)
for people not in it: those become ``phone:`` refs, names ``name:`` refs. WhatsApp's own notices
(``Messages and calls are end-to-end encrypted``, ``Ana added Bo``, ``Bo left``) are not
messages: on Android they have no sender, on iOS their text starts with U+200E (and their sender
is the chat's name). Media placeholders (``<Media omitted>``, ``image omitted``) are messages.

**A conversation-day is one interaction.** A chat of a thousand messages is not a thousand
meetings: per chat and calendar day, one Activity (channel ``whatsapp``, kind ``chat``) with
whoever wrote that day and the owner, started by the day's first writer. Its id is made of the
chat and the date, so importing the same chat again (or a longer export of it) changes nothing
already imported. In a group, members who wrote are evidence they know each other: one Tie per
pair, ``WhatsApp group <name>``, unless more than ``GROUP_TIES_MAX`` people wrote (a big group
says little about who knows whom, and its pairs grow as the square).

**Who you are.** WhatsApp writes your own messages under your own name, and your own notices as
"You" (``You created group "Five-a-side"``, ``You added Sam``). You are recognised as the sender
named like the owner Kith knows (``kith me``), else as the sender of a ``You deleted this
message`` line, else, in a one-to-one chat, as the sender who is not the chat's name (the file
name ``WhatsApp Chat with Ana Souza.txt``, or the sender of an iOS notice). A group where none of
these tells is refused, asking for ``kith me --person NAME``.

The shared part, turning messages into conversation-days and ties, is also the Telegram
loader's (``loaders/telegram.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from itertools import combinations
from pathlib import Path

from graph.model import fold, normalize_phone, utc
from loaders._fields import join_name, name_ref
from loaders.ids import digest
from loaders.records import ME, Activity, Contact, LoadError, ParsedFile, ParseOptions, Tie
from loaders.text import physical_lines, read_text

SOURCE = "whatsapp"
# More writers than this in one group give no ties between them (the analytics' bound too:
# graph.projection.PAIRWISE_GROUP_MAX); their conversation-days still count as yours with each.
GROUP_TIES_MAX = 50

# Marks phones put around names and numbers (left-to-right mark, embeddings, isolates, BOM).
_MARKS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
_DATE = r"(?P<date>\d{1,4}(?P<sep>[./-])\d{1,2}(?P=sep)\d{1,4})\.?"
_TIME = (r"(?P<time>\d{1,2}[:.]\d{2}(?:[:.]\d{2})?)"
         r"(?:[ \u202f\u00a0]?(?P<ampm>[AaPp])\.?[ \u202f\u00a0]?[Mm]\.?)?")
_IOS = re.compile(rf"\[{_DATE},? {_TIME}\] (?P<rest>.*)")
_ANDROID = re.compile(rf"{_DATE},? {_TIME} [-–] (?P<rest>.*)")
_PHONE_CHARS = frozenset("+0123456789 -().")
_FILE_NAME = re.compile(r"WhatsApp Chat (?:with|-) (?P<name>.+?)(?: \(\d+\))?\.(?:txt|zip)", re.IGNORECASE)

# Media and deleted messages are messages: their sender wrote (or sent) something that day.
_MEDIA = re.compile(r"<Media omitted>|<attached: .*>|.* omitted|(?:Missed )?(?:voice|video|group) call.*"
                    r"|Location: .*|Live location shared|This message was deleted\.?|You deleted this message\.?|.*\.(?:vcf|pdf) \(file attached\)",
                    re.IGNORECASE)
_YOU_DELETED = re.compile(r"You deleted this message\.?", re.IGNORECASE)
# Notices that say the chat is a group, and what it is called.
_GROUP_NOTICE = re.compile(r"Messages to this group are now|.* created group |.* added |.* removed |.* left$"
                           r"|.* joined using this group's invite link|.* changed the subject |"
                           r".* changed this group's (?:icon|settings)|.* changed the group description"
                           r"|.* deleted this group's icon|You're now an admin", re.IGNORECASE)
_GROUP_NAME = re.compile(r".* (?:created group|changed the subject (?:from .* )?to) [\"“](?P<name>.*)[\"”]",
                         re.IGNORECASE)
# The one notice an iOS export may write without its U+200E mark.
_ENCRYPTED = re.compile(r"Messages (?:and calls are|you send to this (?:chat|group)).*end-to-end encrypt", re.IGNORECASE)


# -- what both chat loaders share: conversation-days and group ties ------------------------

@dataclass
class Said:
    """One message of a chat: who wrote it, and when."""

    line: int
    day: date      # the calendar day as the file writes it (the writer's local day)
    at: datetime   # timezone-aware
    writer: str    # a Ref


@dataclass
class Chat:
    key: str                  # stable id of the chat within its source (part of every interaction id)
    label: str                # "WhatsApp group Five-a-side", "WhatsApp chat with Ana Souza"
    group: str | None = None  # the group's name when it is a group (ties come from groups only)
    always: list[str] = field(default_factory=list)  # refs in every conversation-day: you, the other person


def conversation_days(parsed: ParsedFile, chat: Chat, messages: list[Said], *, source: str, prefix: str) -> None:
    """Add one Activity per calendar day of ``messages`` and, for a group, a Tie per pair of writers."""
    by_day: dict[date, list[Said]] = {}
    for m in messages:
        by_day.setdefault(m.day, []).append(m)
    for day, said in sorted(by_day.items()):
        writers = list(dict.fromkeys(m.writer for m in said))
        participants = list(dict.fromkeys([*writers, *chat.always]))
        if len(participants) < 2:
            parsed.skipped.append((said[0].line, f"{chat.label} on {day}: only you wrote, nobody to have talked with"))
            continue
        parsed.activities.append(Activity(
            source=source, source_id=f"{prefix}-" + digest(chat.key, day.isoformat()), line=said[0].line,
            at=said[0].at, participants=participants, channel=source, kind="chat",
            summary=f"{chat.label}: {len(said)} message{'s' if len(said) > 1 else ''}", initiated_by=writers[0]))
    if chat.group is not None:
        _group_ties(parsed, chat, messages, source)


def _group_ties(parsed: ParsedFile, chat: Chat, messages: list[Said], source: str) -> None:
    first: dict[str, Said] = {}
    for m in messages:
        if m.writer != ME:
            first.setdefault(m.writer, m)
    if len(first) > GROUP_TIES_MAX:
        parsed.skipped.append((messages[0].line, f"{chat.label}: {len(first)} people wrote, more than "
                                                 f"{GROUP_TIES_MAX}: no ties between them (a big group says little "
                                                 "about who knows whom)"))
        return
    context = f"{'WhatsApp' if source == SOURCE else source.title()} group {chat.group}"
    for (a, first_a), (b, first_b) in combinations(first.items(), 2):
        later = max(first_a, first_b, key=lambda m: m.line)
        parsed.ties.append(Tie(a=a, b=b, line=later.line, since=later.day, context=context))


# -- detection ---------------------------------------------------------------------------

def looks_like(start: str) -> bool:
    """Whether a file's first text is a WhatsApp export: its first line is a dated message or notice."""
    first = start.lstrip(_MARKS + " \t\r\n").split("\n", 1)[0].strip(_MARKS)
    return bool(_IOS.fullmatch(first.rstrip("\r")) or _ANDROID.fullmatch(first.rstrip("\r")))


# -- reading the file --------------------------------------------------------------------

@dataclass
class _Entry:
    """A dated line and the lines continuing it."""

    line: int
    ios: bool
    date_text: str
    time_text: str
    ampm: str | None
    rest: str


@dataclass
class _Message:
    line: int
    at: datetime
    sender: str   # as written, marks removed
    text: str


@dataclass
class _Reading:
    messages: list[_Message] = field(default_factory=list)
    notices: list[tuple[int, str]] = field(default_factory=list)  # (line, text)
    ios_chat_name: str | None = None  # the sender of an iOS notice: the chat's name


def parse(path: Path, options: ParseOptions) -> ParsedFile:
    text = read_text(path, max_bytes=options.max_bytes)
    parsed = ParsedFile(str(path), "whatsapp")
    entries = _entries(text, parsed.skipped)
    if not entries:
        raise LoadError(str(path), None, "no WhatsApp messages: no line starts with a date and time "
                                         "like '[31/12/2020, 21:15:02] Ana: …' or '12/31/20, 9:15 PM - Ana: …'")
    order = _date_order(entries, str(path), parsed.skipped)
    reading = _read(entries, order, parsed.skipped)
    group = _group_name(reading, path)
    refs = _Refs(options, parsed.skipped)
    owner = _owner(reading, group, path, options, refs)
    chat = _chat(reading, group, owner, path, refs)
    said = [Said(m.line, m.at.date(), utc(m.at), ME if m.sender == owner else refs(m.sender, m.line))
            for m in reading.messages]
    if said:
        conversation_days(parsed, chat, said, source=SOURCE, prefix="wa")
    parsed.owner = _owner_contact(reading, owner, refs)
    return parsed


def _entries(text: str, skipped: list[tuple[int, str]]) -> list[_Entry]:
    entries: list[_Entry] = []
    for number, raw in enumerate(physical_lines(text), start=1):
        line = raw.lstrip(_MARKS)
        m = _IOS.fullmatch(line) or _ANDROID.fullmatch(line)
        if m:
            entries.append(_Entry(number, m.re is _IOS, m["date"], m["time"], m["ampm"], m["rest"]))
        elif entries:
            entries[-1].rest += "\n" + raw
        elif raw.strip():
            skipped.append((number, "not a WhatsApp message: no date and time at its start"))
    return entries


def _date_order(entries: list[_Entry], where: str, skipped: list[tuple[int, str]]) -> str:
    """``"DMY"`` or ``"MDY"`` for the file's dates that do not start with a 4-digit year (see the module)."""
    fields = [(e, re.split(r"[./-]", e.date_text)) for e in entries]
    fields = [(e, f) for e, f in fields if len(f[0]) < 4]
    day_first = [e for e, f in fields if int(f[0]) > 12 >= int(f[1])]
    month_first = [e for e, f in fields if int(f[1]) > 12 >= int(f[0])]
    if day_first and len(day_first) == len(month_first):
        raise LoadError(where, max(day_first[0].line, month_first[0].line),
                        f"dates in two orders: {day_first[0].date_text!r} (line {day_first[0].line}) is day first, "
                        f"{month_first[0].date_text!r} (line {month_first[0].line}) month first")
    if day_first or month_first:  # the fewer dates of the other order are left out, each with its line
        return "DMY" if len(day_first) > len(month_first) else "MDY"
    if not fields or all(e.date_text.count(".") for e, _ in fields):
        return "DMY"
    backwards = {order: _backwards([f for _, f in fields], order) for order in ("DMY", "MDY")}
    if backwards["DMY"] != backwards["MDY"]:
        return min(backwards, key=backwards.get)
    skipped.append((fields[0][0].line, f"dates such as {fields[0][0].date_text!r} read day first (D/M/Y): no date "
                                       "in the file tells the order, so the most common one is assumed"))
    return "DMY"


def _backwards(fields: list[list[str]], order: str) -> int:
    """How often the dates, read in ``order``, go back in time from one message to the next."""
    days = []
    for f in fields:
        try:
            days.append(_day(f, order))
        except ValueError:
            return len(fields)  # not even a date in this order
    return sum(1 for a, b in zip(days, days[1:]) if b < a)


def _day(f: list[str], order: str) -> date:
    if len(f[0]) == 4:
        year, month, day = f
    elif order == "DMY":
        day, month, year = f
    else:
        month, day, year = f
    return date(int(year) + (2000 if len(year) <= 2 else 0), int(month), int(day))


def _time(entry: _Entry) -> time:
    hour, minute, *second = (int(p) for p in re.split(r"[:.]", entry.time_text))
    if entry.ampm:
        if not 1 <= hour <= 12:
            raise ValueError(f"hour {hour} with AM/PM")
        hour = hour % 12 + (12 if entry.ampm in "Pp" else 0)
    return time(hour, minute, *second)


def _read(entries: list[_Entry], order: str, skipped: list[tuple[int, str]]) -> _Reading:
    reading = _Reading()
    for e in entries:
        try:
            at = datetime.combine(_day(re.split(r"[./-]", e.date_text), order), _time(e))
        except ValueError:
            shown = {"DMY": "D/M/Y", "MDY": "M/D/Y"}[order]
            skipped.append((e.line, f"{e.date_text} {e.time_text}{' ' + e.ampm + 'M' if e.ampm else ''} is no date "
                                    f"and time (dates in this file are read {shown}): message left out"))
            continue
        sender, sep, text = e.rest.partition(": ")
        sender = " ".join(sender.strip(_MARKS).replace("\u00a0", " ").split())
        if e.ios and sep and (text.startswith("\u200e") or _ENCRYPTED.match(text)) and not _MEDIA.fullmatch(
                text.strip(_MARKS + " \n")):
            reading.ios_chat_name = reading.ios_chat_name or sender
            reading.notices.append((e.line, text.strip(_MARKS + " ")))
        elif not sep or not sender or any(q in sender for q in "\"“”") or len(sender) > 100:
            reading.notices.append((e.line, e.rest.strip(_MARKS + " ")))
        else:
            reading.messages.append(_Message(e.line, at, sender, text.strip(_MARKS + " \n")))
    return reading


# -- who is who --------------------------------------------------------------------------

class _Refs:
    """A sender's Ref: ``phone:`` for a number, ``name:`` for a name (``me`` for the owner's name)."""

    def __init__(self, options: ParseOptions, skipped: list[tuple[int, str]]):
        self.options, self.skipped = options, skipped
        self.cache: dict[str, str] = {}

    def __call__(self, sender: str, line: int) -> str:
        if sender not in self.cache:
            self.cache[sender] = self._ref(sender, line)
        return self.cache[sender]

    def _ref(self, sender: str, line: int) -> str:
        if is_phone(sender):
            try:
                return f"phone:{normalize_phone(sender, self.options.default_region)}"
            except ValueError as e:
                self.skipped.append((line, f"sender {sender!r} kept as a name: {e}"))
        return name_ref(sender, self.options)

    def key(self, sender: str) -> str:
        """Who a sender is within the file: the same for one person however the name is cased."""
        if is_phone(sender):
            try:
                return f"phone:{normalize_phone(sender, self.options.default_region)}"
            except ValueError:
                pass
        return f"name:{fold(sender)}"


def is_phone(text: str) -> bool:
    return set(text) <= _PHONE_CHARS and sum(c.isdigit() for c in text) >= 5


def _group_name(reading: _Reading, path: Path) -> str | None:
    """The group's name if the chat is a group (None for one-to-one)."""
    notices = [text for _, text in reading.notices]
    senders = {m.sender for m in reading.messages}
    named = _FILE_NAME.fullmatch(path.name)
    if not any(_GROUP_NOTICE.match(t) for t in notices) and len(senders) <= 2:
        return None
    subjects = [m["name"] for t in notices if (m := _GROUP_NAME.match(t))]
    return reading.ios_chat_name or (named and named["name"]) or (subjects[-1] if subjects else "") or ""


def _owner(reading: _Reading, group: str | None, path: Path, options: ParseOptions, refs: _Refs) -> str | None:
    """The sender who is you (as written), or None when you wrote nothing in this chat."""
    senders = list(dict.fromkeys(m.sender for m in reading.messages))
    if options.owner_name:
        named = [s for s in senders if fold(s) == fold(options.owner_name)]
        if named:
            return named[0]
    deleted = [m.sender for m in reading.messages if _YOU_DELETED.fullmatch(m.text)]
    if deleted:
        return deleted[0]
    if group is None:
        other = _chat_name(reading, path)
        if other is not None:
            others = [s for s in senders if refs.key(s) != refs.key(other)]
            if len(others) <= 1:
                return others[0] if others else None
    if options.owner_name and (group is not None or len(senders) <= 1):
        return None  # you are known, and wrote nothing here under that name
    what = f"the group {group!r}" if group else "this chat"
    raise LoadError(str(path), None, f"cannot tell which sender is you in {what} (senders: {', '.join(senders)}); "
                                     "WhatsApp writes your messages under your own name: say who you are with "
                                     "`kith me --person NAME` (or `kith me --name NAME`), spelt as WhatsApp shows it, "
                                     "and import again")


def _chat_name(reading: _Reading, path: Path) -> str | None:
    named = _FILE_NAME.fullmatch(path.name)
    return reading.ios_chat_name or (named["name"].strip() if named else None)


def _chat(reading: _Reading, group: str | None, owner: str | None, path: Path, refs: _Refs) -> Chat:
    if group is not None:
        key = f"group:{fold(group)}" if group else "group-of:" + ",".join(sorted(
            refs.key(m.sender) for m in reading.messages if m.sender != owner))
        return Chat(key=key, label=f"WhatsApp group {group or '(unnamed)'}", group=group or "(unnamed)", always=[ME])
    others = [m.sender for m in reading.messages if m.sender != owner]
    other = others[0] if others else _chat_name(reading, path)
    if other is None:
        raise LoadError(str(path), None, "cannot tell who this chat is with: only you wrote, and the file is not "
                                         "named 'WhatsApp Chat with NAME.txt'")
    return Chat(key=f"with:{refs.key(other)}", label=f"WhatsApp chat with {other}",
                always=[ME, refs(other, reading.messages[0].line if reading.messages else 1)])


def _owner_contact(reading: _Reading, owner: str | None, refs: _Refs) -> Contact | None:
    """You as this export spells you, for a graph that has no owner yet."""
    if owner is None:
        return None
    line = next(m.line for m in reading.messages if m.sender == owner)
    phone = refs.key(owner).removeprefix("phone:") if is_phone(owner) else None
    return Contact(source=SOURCE, source_id=f"owner:{phone or fold(owner)}", line=line, name=join_name(owner),
                   phones=[phone] if phone and phone.startswith("+") else [])
