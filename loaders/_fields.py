"""Turning exported values into record fields: emails, phones, birthdays, tags, refs, stable ids.

A value that is merely odd (a malformed phone, an impossible birthday) is left out and noted in
``skipped`` as ``(line, reason)``; the rest of its row is kept. Callers pass that list in.
"""

from __future__ import annotations

import hashlib
import re

from graph.model import Birthday, fold, normalize_email, normalize_phone
from loaders.records import ME, ParseOptions

Skipped = list[tuple[int, str]]

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
_PHONE_CHARS = frozenset("+0123456789 -().")
# Google marks its own groups with "* "; these two say nothing about how you know someone.
_SYSTEM_LABELS = frozenset({"mycontacts", "starred"})


def split_values(text: str, separator: str) -> list[str]:
    """The non-empty, stripped parts of a multi-valued cell."""
    return [part.strip() for part in text.split(separator) if part.strip()]


def unique(values: list[str]) -> list[str]:
    """``values`` without repeats, first occurrence kept (order stays deterministic)."""
    return list(dict.fromkeys(values))


def clean_emails(values: list[str], line: int, skipped: Skipped) -> list[str]:
    emails = []
    for value in values:
        email = normalize_email(value)
        if _EMAIL.fullmatch(email):
            emails.append(email)
        else:
            skipped.append((line, f"email {value!r} left out: not an address"))
    return unique(emails)


def clean_phones(values: list[str], options: ParseOptions, line: int, skipped: Skipped) -> list[str]:
    phones = []
    for value in values:
        try:
            phones.append(normalize_phone(value, options.default_region))
        except ValueError as e:
            skipped.append((line, f"phone left out: {e}"))
    return unique(phones)


def clean_birthday(text: str, line: int, skipped: Skipped) -> Birthday | None:
    """``1990-05-17`` or ``--05-17``; anything else is left out."""
    if not text:
        return None
    try:
        return Birthday.parse(text)
    except ValueError as e:
        skipped.append((line, f"birthday left out: {e}"))
        return None


def clean_tags(values: list[str]) -> list[str]:
    """Lower-cased labels, without Google's ``* myContacts`` and ``* starred``."""
    tags = []
    for value in values:
        tag = value.removeprefix("*").strip().lower()
        if tag and tag.replace(" ", "") not in _SYSTEM_LABELS:
            tags.append(tag)
    return unique(tags)


def join_name(*parts: str) -> str:
    return " ".join(" ".join(parts).split())


def contact_key(emails: list[str], phones: list[str], name: str) -> str:
    """A source_id for a row without one: its first email, else first phone, else folded name."""
    if emails:
        return f"email:{emails[0]}"
    if phones:
        return f"phone:{phones[0]}"
    return f"name:{fold(name)}"


def stable_hash(*fields: str) -> str:
    """A short digest of a record's identifying fields: the same fields give the same id anywhere."""
    return hashlib.sha1("\x1f".join(fields).encode()).hexdigest()[:16]


class UniqueIds:
    """Hands out each key once; a repeat gets ``~2``, ``~3`` … in file order.

    Rows that repeat a key exactly cannot be told apart, so file order is the only
    way to number them, and it numbers them the same way on every import.
    """

    def __init__(self) -> None:
        self._seen: dict[str, int] = {}

    def __call__(self, key: str) -> str:
        n = self._seen[key] = self._seen.get(key, 0) + 1
        return key if n == 1 else f"{key}~{n}"


def email_ref(email: str, options: ParseOptions) -> str:
    owner = {normalize_email(e) for e in options.owner_emails}
    return ME if email in owner else f"email:{email}"


def name_ref(name: str, options: ParseOptions) -> str:
    if options.owner_name and fold(name) == fold(options.owner_name):
        return ME
    return f"name:{join_name(name)}"


def text_ref(text: str, options: ParseOptions) -> str:
    """A person written by hand: ``me``, an email, a phone number or a name.

    Raises ValueError when it looks like an email or phone but is not a valid one: guessing
    would tie the record to the wrong person.
    """
    text = text.strip()
    if text.casefold() == ME:
        return ME
    if "@" in text:
        email = normalize_email(text)
        if not _EMAIL.fullmatch(email):
            raise ValueError(f"{text!r} is not an email address")
        return email_ref(email, options)
    if set(text) <= _PHONE_CHARS and sum(c.isdigit() for c in text) >= 5:
        return f"phone:{normalize_phone(text, options.default_region)}"
    return name_ref(text, options)
