"""Turning exported values into record fields: emails, phones, birthdays, tags, refs.

A value that is merely odd (a malformed phone, an impossible birthday) is left out and noted in
``skipped`` as ``(line, reason)``; the rest of its row is kept. Callers pass that list in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from graph.model import Birthday, canonical_tag, fold, normalize_email, normalize_phone
from loaders.ids import UniqueIds, contact_key
from loaders.records import ME, Contact, ParsedFile, ParseOptions

Skipped = list[tuple[int, str]]

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
_PHONE_CHARS = frozenset("+0123456789 -().")
# Google marks its own groups with "* "; these two say nothing about how you know someone.
_SYSTEM_LABELS = frozenset({"mycontacts", "starred"})


def split_values(text: str, separator: str) -> list[str]:
    """The non-empty, stripped parts of a multi-valued cell."""
    return [part.strip() for part in text.split(separator) if part.strip()]


def unique(values: Iterable[str]) -> list[str]:
    """``values`` without repeats or empty ones, first occurrence kept (order stays deterministic)."""
    return list(dict.fromkeys(v for v in values if v))


def is_email(email: str) -> bool:
    """Whether a normalized value looks like an email address: one ``@``, text either side, no spaces.

    Only the shape: every loader asks this one question, so a value one format keeps as an
    address is not dropped by another.
    """
    return _EMAIL.fullmatch(email) is not None


def clean_emails(values: list[str], line: int, skipped: Skipped) -> list[str]:
    emails = []
    for value in values:
        email = normalize_email(value)
        if is_email(email):
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
    """Labels in their canonical spelling (``graph.model.canonical_tag``), without Google's ``* myContacts``
    and ``* starred``."""
    tags = []
    for value in values:
        tag = canonical_tag(value.removeprefix("*"))
        if tag and tag.replace(" ", "") not in _SYSTEM_LABELS:
            tags.append(tag)
    return unique(tags)


def join_name(*parts: str) -> str:
    return " ".join(" ".join(parts).split())


def contact_name(name: str, emails: list[str], line: int, what: str, skipped: Skipped) -> str | None:
    """The name to file a contact under: its own, else its first email.

    A row with neither names nobody; it is left out (``None``) and said in ``skipped``.
    """
    if not name and not emails:
        skipped.append((line, f"{what} with no name and no email"))
        return None
    return name or emails[0]


def add_contact(parsed: ParsedFile, ids: UniqueIds, source: str, line: int, name: str,
                emails: list[str], phones: list[str], **fields) -> None:
    """Add an address-book row that has no id of its own; it is known by its first email, phone or name."""
    name = contact_name(name, emails, line, "contact", parsed.skipped)
    if name is not None:
        parsed.contacts.append(Contact(source=source, source_id=ids(contact_key(emails, phones, name)), line=line,
                                       name=name, emails=emails, phones=phones, **fields))


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
        if not is_email(email):
            raise ValueError(f"{text!r} is not an email address")
        return email_ref(email, options)
    if set(text) <= _PHONE_CHARS and sum(c.isdigit() for c in text) >= 5:
        return f"phone:{normalize_phone(text, options.default_region)}"
    return name_ref(text, options)
