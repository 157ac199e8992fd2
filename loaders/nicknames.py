"""Nicknames: "Dan Smith" and "Daniel Smith" may be one human.

A fuzzy score misses them (``token_sort_ratio`` of the two is 86, under the 90 that makes
a similar name), and no spelling rule finds Bob in Robert or Liz in Elizabeth. The
``nicknames`` package (Carlton Northern and Nick Crews, Apache-2.0; a hand-curated table of
about 2,700 English given names and their nicknames) does.

Two given names are **interchangeable** when they are the same, or one is listed as a
nickname of the other (Dan/Daniel, Bob/Robert, Liz/Elizabeth, Bill/William, Kate/Katherine),
in either direction. Two nicknames of one name are not enough on their own (Bill and Bob are
both listed for Robert; that is two brothers as often as one man). Names are compared
folded (lower case, no accents), so "Dán" is "dan".

A nickname match is only ever a merge *candidate*: the person confirms it with ``kith merge``.
Records that also share an email or a phone are merged by the importer's stronger rules anyway.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache

from graph.model import fold


@cache
def _table() -> dict[str, frozenset[str]]:
    """Each folded given name → the names it is interchangeable with (both directions)."""
    from nicknames import NickNamer  # a 90 kB CSV read once, on first use

    linked: dict[str, set[str]] = defaultdict(set)
    for name, nicks in NickNamer().nickname_lookup.items():
        for nick in nicks:
            a, b = fold(name), fold(nick)
            if a != b:
                linked[a].add(b)
                linked[b].add(a)
    return {k: frozenset(v) for k, v in linked.items()}


def interchangeable(a: str, b: str) -> bool:
    """Whether two given names can name the same person.

    >>> interchangeable("Dan", "Daniel"), interchangeable("robert", "Bob"), interchangeable("Liz", "Elizabeth")
    (True, True, True)
    >>> interchangeable("Bill", "Bob"), interchangeable("Dan", "Dana")
    (False, False)
    """
    a, b = fold(a), fold(b)
    return a == b or b in _table().get(a, ())


def split_name(key: str) -> tuple[str, str]:
    """A folded full name as (given name, the rest): "dan smith" → ("dan", "smith")."""
    given, _, rest = key.strip().partition(" ")
    return given, " ".join(rest.split())


def differ_by_nickname(a: str, b: str) -> bool:
    """Two folded full names the same but for interchangeable, different given names.

    >>> differ_by_nickname("dan smith", "daniel smith"), differ_by_nickname("dan smith", "daniel smyth")
    (True, False)
    """
    (given_a, rest_a), (given_b, rest_b) = split_name(a), split_name(b)
    return bool(rest_a) and rest_a == rest_b and given_a != given_b and interchangeable(given_a, given_b)


def nickname_pairs(keys: list[str]) -> list[tuple[int, int]]:
    """(i, j), i < j, for folded full names that differ only by interchangeable given names.

    The rest of the name must be the same ("dan smith" ~ "daniel smith", not ~ "daniel smyth":
    that is the fuzzy match's job). Grouping by the rest keeps it linear in practice.
    """
    by_rest: dict[str, list[int]] = defaultdict(list)
    for i, key in enumerate(keys):
        given, rest = split_name(key)
        if given and rest:
            by_rest[rest].append(i)
    found = []
    for members in by_rest.values():
        for x, i in enumerate(members):
            found += [(min(i, j), max(i, j)) for j in members[x + 1:] if differ_by_nickname(keys[i], keys[j])]
    return sorted(found)
