"""Stable ids: the same record gives the same id on every import, so re-importing changes nothing.

A source gives most records an id of its own (a vCard UID, a LinkedIn URL); the rest are known
by a digest of what identifies them (``digest``), and the resolver turns each source key into a
Kith id the same way (``kith_id``). Every hashed id in the loaders comes from ``digest``: changing
how it hashes would give every person and interaction already imported a new id.
"""

from __future__ import annotations

import hashlib

from graph.model import fold

_SEPARATOR = "\x1f"  # the ASCII unit separator: no field of an export holds it


def digest(*fields: str) -> str:
    """A short digest of a record's identifying fields: the same fields give the same id anywhere."""
    return hashlib.sha1(_SEPARATOR.join(fields).encode()).hexdigest()[:16]


def kith_id(prefix: str, key: str) -> str:
    """The Kith id for a source key: ``p-…`` for a person, ``i-…`` for an interaction …"""
    return f"{prefix}-{digest(key)}"


def contact_key(emails: list[str], phones: list[str], name: str) -> str:
    """A source_id for a row without one: its first email, else first phone, else folded name."""
    if emails:
        return f"email:{emails[0]}"
    if phones:
        return f"phone:{phones[0]}"
    return f"name:{fold(name)}"


class UniqueIds:
    """Hands out each key once; a repeat gets ``~2``, ``~3`` … (``separator``) in file order.

    Rows that repeat a key exactly cannot be told apart, so file order is the only
    way to number them, and it numbers them the same way on every import.
    """

    def __init__(self, separator: str = "~") -> None:
        self._seen: dict[str, int] = {}
        self._separator = separator

    def __call__(self, key: str) -> str:
        n = self._seen[key] = self._seen.get(key, 0) + 1
        return key if n == 1 else f"{key}{self._separator}{n}"
