"""Telegram Desktop's export (Settings → Advanced → Export Telegram data, "Machine-readable JSON").

``result.json`` of a whole-account export::

    {"about": "Here is the data you requested…",
     "personal_information": {"user_id": 100000001, "first_name": "Alex", "last_name": "Morgan",
                              "phone_number": "+44 7700 900001", …},
     "contacts": {"list": [{"user_id": 100000002, "first_name": "Ana", "last_name": "Souza",
                            "phone_number": "+44 7700 900123", "date": "2020-05-01T09:00:00", …}]},
     "chats": {"list": [{"name": "Ana Souza", "type": "personal_chat", "id": 100000002, "messages": [
         {"id": 1, "type": "message", "date": "2021-03-04T10:11:12", "date_unixtime": "1614852672",
          "from": "Ana Souza", "from_id": "user100000002", "text": "Lunch?"}, …]}, …]}}

or one chat exported on its own: that chat's object (``name``, ``type``, ``id``, ``messages``) at
the top.

People are Telegram users, known by id: each writer is a Contact (source ``telegram``,
``source_id`` ``user<id>``, named as in their latest message, with the phone of the entry of the
same id, or else the same name, in the contacts list) and is referred to as ``contact:user<id>``.
The contacts list's other entries are Contacts too: they are the owner's address book. You are
``personal_information``'s user id; a single-chat export has none, so you are the writer named like
the owner Kith knows, or in a personal chat the writer who is not the chat's other person (a
personal chat's id is the other user's id).

Chats are read as WhatsApp's are (``loaders/whatsapp.py``): one interaction per chat and
calendar day (channel ``telegram``, kind ``chat``), with the day's writers and you, and in groups
(``private_group``, ``private_supergroup``, ``public_supergroup``) a tie per pair of writers up to
``GROUP_TIES_MAX`` writers. Channels and bots are not people, saved messages are yours alone:
those chats give nothing (said in ``skipped``). Service messages (``create_group``,
``invite_members`` …) are not writing. A message's calendar day is its ``date`` (the exporting
computer's local time); its instant is ``date_unixtime`` when given, else ``date`` taken as UTC.

Lines: Telegram Desktop writes one key per line, so each message is found at the line of its
``"id"``; a message whose date cannot be read is left out with that line and why.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, datetime, timezone
from itertools import islice
from pathlib import Path

from graph.model import fold, normalize_phone, utc
from loaders._fields import join_name, name_ref
from loaders.ids import contact_key
from loaders.kithfile import load_json
from loaders.records import ME, Contact, LoadError, ParsedFile, ParseOptions
from loaders.text import read_text
from loaders.whatsapp import Chat, Said, conversation_days

SOURCE = "telegram"
GROUP_TYPES = frozenset({"private_group", "private_supergroup", "public_supergroup"})
NOT_PEOPLE = {"bot_chat": "a bot is no person", "public_channel": "a channel is no conversation",
              "private_channel": "a channel is no conversation", "saved_messages": "saved messages are yours alone"}
_CHAT_TYPES = "|".join(["personal_chat", *GROUP_TYPES, *NOT_PEOPLE])
_SINGLE_CHAT = re.compile(rf'"type"\s*:\s*"(?:{_CHAT_TYPES})"')
_MESSAGES_KEY = re.compile(r'"messages"\s*:\s*\[')
_ACCOUNT_KEY = re.compile(r'"(?:personal_information|chats)"\s*:\s*\{')
_CONTACTS_KEY = re.compile(r'"contacts"\s*:\s*\{[^\[]*"list"\s*:\s*\[')
_OBJECT = re.compile(r'\{\s*"')
# Each message object starts with its id, then its type (how Telegram Desktop writes it).
_MESSAGE_START = re.compile(r'\{\s*(?="id")"id"\s*:\s*-?\d+\s*,\s*"type"\s*:\s*"')


def looks_like(start: str) -> bool:
    """Whether a JSON file's first text is a Telegram export: a whole account's, or one chat's."""
    if _ACCOUNT_KEY.search(start):
        return True
    return bool(_SINGLE_CHAT.search(start) and _MESSAGES_KEY.search(start))


class _Lines:
    """The line of each message object, in document order (1 for all when the file is laid out otherwise)."""

    def __init__(self, text: str, count: int):
        starts = [m.start() + m.group().index('"id"') for m in _MESSAGE_START.finditer(text)]
        self.starts = starts if len(starts) == count else []
        self.breaks = [m.start() for m in re.finditer("\n", text)] if self.starts else []
        self.next = 0

    def take(self) -> int:
        """The line of the next message object (1 when the messages could not be found in the text)."""
        i, self.next = self.next, self.next + 1
        return bisect_right(self.breaks, self.starts[i]) + 1 if self.starts else 1


@dataclass
class _Person:
    key: str   # "user<id>", or "name:<folded name>" without an id
    name: str


def parse(path: Path, options: ParseOptions) -> ParsedFile:
    text = read_text(path, max_bytes=options.max_bytes)
    data = load_json(text, str(path))
    if not isinstance(data, dict):
        raise LoadError(str(path), 1, "expected a Telegram export: a JSON object")
    chats = _chats(data, str(path))
    lines = _Lines(text, sum(len(c.get("messages") or []) for c in chats))
    parsed = ParsedFile(str(path), "telegram")
    me = data.get("personal_information") if isinstance(data.get("personal_information"), dict) else None
    book = _address_book(data, options, parsed, text)
    writers: dict[str, tuple[str, int]] = {}   # user key -> (latest name, first line)
    read = [(chat, _messages(chat, lines, parsed.skipped)) for chat in chats]
    owner = f"user{me['user_id']}" if me and me.get("user_id") is not None else _owner(read, options, str(path))

    def ref(person: _Person, line: int) -> str:
        if person.key == owner:
            return ME
        if person.key.startswith("name:"):
            return name_ref(person.name, options)
        name, first = writers.get(person.key, (person.name, line))
        writers[person.key] = (person.name or name, min(first, line))
        return f"contact:{person.key}"

    for chat, messages in read:
        _chat_days(parsed, chat, messages, ref)
    parsed.contacts = _contacts(writers, book) + [c for k, c in book.items() if k not in writers and k != owner]
    parsed.owner = _owner_contact(me, owner, options, read, _line_of(text, '"personal_information"'))
    return parsed


def _chats(data: dict, where: str) -> list[dict]:
    """The chats of a whole-account export (``chats.list`` and ``left_chats.list``), or the one chat."""
    if "messages" in data:
        if not isinstance(data["messages"], list):
            raise LoadError(where, None, "messages is not a list")
        return [data]
    chats = []
    for key in ("chats", "left_chats"):
        found = data.get(key, {})
        items = found.get("list", []) if isinstance(found, dict) else None
        if not isinstance(items, list) or not all(isinstance(c, dict) for c in items):
            raise LoadError(where, None, f"{key}.list is not a list of chats")
        chats += items
    for chat in chats:
        if not isinstance(chat.get("messages", []), list):
            raise LoadError(where, None, f"chat {chat.get('name')!r}: messages is not a list")
    return chats


def _address_book(data: dict, options: ParseOptions, parsed: ParsedFile, text: str) -> dict[str, Contact]:
    """The contacts list, by ``user<id>`` (or, without an id, by name or phone)."""
    found = data.get("contacts", {})
    entries = found.get("list", []) if isinstance(found, dict) else []
    book: dict[str, Contact] = {}
    start = _CONTACTS_KEY.search(text)
    count = len(entries) if isinstance(entries, list) else 0
    objects = [m.start() for m in islice(_OBJECT.finditer(text, start.end()), count)] if start else []
    for position, entry in enumerate(entries if isinstance(entries, list) else []):
        if not isinstance(entry, dict):
            continue
        line = text.count("\n", 0, objects[position]) + 1 if position < len(objects) else _line_of(text, '"contacts"')
        name = join_name(str(entry.get("first_name") or ""), str(entry.get("last_name") or ""))
        phones = []
        if entry.get("phone_number"):
            try:
                phones = [normalize_phone(str(entry["phone_number"]), options.default_region)]
            except ValueError as e:
                parsed.skipped.append((line, f"contact {name!r}: phone left out: {e}"))
        if not name and not phones:
            parsed.skipped.append((line, "contact with no name and no phone"))
            continue
        key = f"user{entry['user_id']}" if entry.get("user_id") else contact_key([], phones, name)
        book[key] = Contact(source=SOURCE, source_id=key, line=line, name=name or phones[0], phones=phones,
                            given_name=_text(entry.get("first_name")), family_name=_text(entry.get("last_name")),
                            connected_on=_date(entry.get("date")))
    return book


def _text(value: object) -> str | None:
    return " ".join(str(value).split()) or None if value is not None else None


def _line_of(text: str, key: str) -> int:
    """The line where ``key`` first appears (1 if it does not)."""
    at = text.find(key)
    return text.count("\n", 0, at) + 1 if at >= 0 else 1


def _date(value: object) -> date | None:
    try:
        return datetime.fromisoformat(str(value)).date() if value else None
    except ValueError:
        return None


@dataclass
class _Message:
    line: int
    day: date
    at: datetime
    sender: _Person


def _messages(chat: dict, lines: _Lines, skipped: list[tuple[int, str]]) -> list[_Message]:
    """The chat's messages with a writer (service messages are not writing), each with its line."""
    kind, messages = _kind(chat), []
    if kind in NOT_PEOPLE:  # nobody to have talked with: said once, at its first message
        lines_taken = [lines.take() for _ in chat.get("messages") or []]
        if lines_taken:
            name = _text(chat.get("name")) or f"chat {chat.get('id')}"
            skipped.append((lines_taken[0], f"Telegram {kind.replace('_', ' ')} {name!r}: {NOT_PEOPLE[kind]}"))
        return []
    for item in chat.get("messages") or []:
        line = lines.take()
        if not isinstance(item, dict) or item.get("type", "message") != "message":
            continue
        sender = _sender(item)
        if sender is None:
            skipped.append((line, f"message {item.get('id')} in {chat.get('name')!r}: not from a person "
                                  f"({item.get('from_id') or 'no sender'})"))
            continue
        try:
            local = datetime.fromisoformat(str(item["date"]))
            at = (datetime.fromtimestamp(int(item["date_unixtime"]), timezone.utc) if item.get("date_unixtime")
                  else utc(local))
        except (KeyError, ValueError, OverflowError, OSError):
            skipped.append((line, f"message {item.get('id')} in {chat.get('name')!r}: date {item.get('date')!r} "
                                  "is not a time like 2021-03-04T10:11:12: left out"))
            continue
        messages.append(_Message(line, local.date(), at, sender))
    return messages


def _kind(chat: dict) -> str:
    kind = chat.get("type")
    return kind if isinstance(kind, str) else repr(kind)


def _sender(item: dict) -> _Person | None:
    from_id, name = item.get("from_id"), " ".join(str(item.get("from") or "").split())
    if isinstance(from_id, str) and re.fullmatch(r"user\d+", from_id):
        return _Person(from_id, name)
    if from_id is None and name:
        return _Person(f"name:{fold(name)}", name)
    return None  # a channel posting in a group, an anonymous admin …


def _owner(read: list[tuple[dict, list[_Message]]], options: ParseOptions, where: str) -> str | None:
    """You in a single-chat export (no personal_information)."""
    writers = {m.sender.key: m.sender.name for _, messages in read for m in messages}
    if options.owner_name:
        named = [k for k, name in writers.items() if fold(name) == fold(options.owner_name)]
        if named:
            return named[0]
    for chat, _ in read:
        if _kind(chat) == "personal_chat" and chat.get("id") is not None:
            others = [k for k in writers if k != f"user{chat['id']}"]
            if len(others) <= 1:
                return others[0] if others else None  # None: you wrote nothing in it
    if options.owner_name:
        return None
    raise LoadError(where, None, "cannot tell which writer is you: this one-chat export has no "
                                 "personal_information (writers: " + ", ".join(sorted(writers.values())) + "); say who "
                                 "you are with `kith me --person NAME` (or `kith me --name NAME`), spelt as Telegram "
                                 "shows it, and import again")


def _chat_days(parsed: ParsedFile, chat: dict, messages: list[_Message], ref) -> None:
    kind, name = _kind(chat), " ".join(str(chat.get("name") or "").split()) or f"chat {chat.get('id')}"
    first_line = messages[0].line if messages else 1
    if kind in NOT_PEOPLE:
        return  # said in skipped when its messages were read
    if kind not in GROUP_TYPES and kind != "personal_chat":
        if messages:
            parsed.skipped.append((first_line, f"Telegram chat {name!r} of type {kind!r}: not a kind Kith reads"))
        return
    said = [Said(m.line, m.day, m.at, ref(m.sender, m.line)) for m in messages]
    if not said:
        return
    if kind in GROUP_TYPES:
        chat_ref = Chat(key=f"chat{chat.get('id')}", label=f"Telegram group {name}", group=name, always=[ME])
    else:  # the other person: whoever else wrote, else the user whose id the chat has
        others = [s.writer for s in said if s.writer != ME]
        if not others and chat.get("id") is not None:
            others = [ref(_Person(f"user{chat['id']}", name), first_line)]
        always = [ME, *others[:1]]
        chat_ref = Chat(key=f"chat{chat.get('id')}", label=f"Telegram chat with {name}", always=always)
    conversation_days(parsed, chat_ref, said, source=SOURCE, prefix="tg")


def _contacts(writers: dict[str, tuple[str, int]], book: dict[str, Contact]) -> list[Contact]:
    """A Contact per user written to or with, with the address book's phone for the same id or name."""
    by_name = {}
    for c in book.values():
        by_name.setdefault(fold(c.name), []).append(c)
    contacts = []
    for key, (name, line) in writers.items():
        entry = book.get(key)
        if entry is None and len(by_name.get(fold(name), [])) == 1:
            entry = by_name[fold(name)][0]
            book.pop(entry.source_id)
        contacts.append(Contact(source=SOURCE, source_id=key, line=line,
                                name=name or (entry.name if entry else f"Telegram user {key.removeprefix('user')}"),
                                phones=entry.phones if entry else [],
                                connected_on=entry.connected_on if entry else None))
    return contacts


def _owner_contact(me: dict | None, owner: str | None, options: ParseOptions,
                   read: list[tuple[dict, list[_Message]]], line: int) -> Contact | None:
    """You as the export spells you, for a graph that has no owner yet."""
    if me:
        name = join_name(str(me.get("first_name") or ""), str(me.get("last_name") or ""))
        phones = []
        try:
            phones = [normalize_phone(str(me["phone_number"]), options.default_region)] if me.get("phone_number") else []
        except ValueError:
            pass
        return Contact(source=SOURCE, source_id=str(owner), line=line, name=name or phones[0], phones=phones) \
            if name or phones else None
    for _, messages in read:
        for m in messages:
            if m.sender.key == owner and m.sender.name:
                return Contact(source=SOURCE, source_id=owner, line=m.line, name=m.sender.name)
    return None
