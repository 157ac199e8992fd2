"""Finding a forgotten person in text, and taking them out of it: the pure part of ``Store.forget``.

A person is named in text by their full name (in any case, with or without accents, with any
spacing between its words), their email addresses and their phone numbers (as stored, E.164,
or written the usual ways: ``+44 7700 900123``, ``07700 900123``). ``Traces`` holds those, and
``Traces.redact`` replaces each mention with ``MARK``, word-bounded, so that forgetting
"Ann Lee" leaves "Ann Leeson" alone.

A single word of their name ("Dinner with Ann and Bob") says who it is only where they were:
``Traces.redact_summary`` also takes out their given and family names, as words, from the
summary of an interaction they were part of, unless another participant shares that word
(then it may as well be them, and it stays).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from graph.model import fold

MARK = "[forgotten]"
# Fewer letters than this is not a name anyone can be found by ("Al", "Jo" are everywhere).
MIN_TOKEN = 3
# Separators people put inside a phone number.
_PHONE_GAP = r"[\s\-.()/]*"


def _fold_char(c: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", c) if not unicodedata.combining(ch)).casefold()


def _folded(text: str) -> tuple[str, list[int]]:
    """``text`` folded like ``graph.model.fold`` (without collapsing spaces), and where each folded
    character came from, so that a match in the folded text maps back onto the original."""
    chars: list[str] = []
    origin: list[int] = []
    for i, c in enumerate(text):
        for ch in _fold_char(c):
            chars.append(ch)
            origin.append(i)
    return "".join(chars), origin


def _word(body: str) -> str:
    return rf"(?<!\w){body}(?!\w)"


def _name_pattern(name: str) -> str | None:
    words = fold(name).split()
    if not words or sum(len(w) for w in words) < MIN_TOKEN:
        return None
    return _word(r"\s+".join(re.escape(w) for w in words))


def _email_pattern(email: str) -> str | None:
    email = fold(email)
    if "@" not in email:
        return None
    return rf"(?<![\w.+-]){re.escape(email)}(?!\w|[.-]\w)"


def _phone_patterns(phone: str) -> list[str]:
    """The number as stored and as people write it: with its country code, or nationally with a 0."""
    digits = re.sub(r"\D", "", phone)
    if len(digits) < 6:
        return []
    national = None
    try:
        import phonenumbers

        parsed = phonenumbers.parse(phone if phone.startswith("+") else "+" + digits)
        national = str(parsed.national_number)
        country = str(parsed.country_code)
    except Exception:  # noqa: BLE001 - not a number phonenumbers knows: the digits as they are
        country = None
    spaced = lambda ds: _PHONE_GAP.join(ds)  # noqa: E731
    forms = [rf"\+?{spaced(digits)}"]
    if national and country:
        forms.append(rf"(?:(?:\+|00){spaced(country)}{_PHONE_GAP}(?:\(0\){_PHONE_GAP})?|0{_PHONE_GAP})"
                     rf"{spaced(national)}")
    return [rf"(?<![\d+]){form}(?!\d)" for form in forms]


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v)


@dataclass(frozen=True)
class Traces:
    """What names a person in text: their names, emails and phones as stored on their node."""

    names: tuple[str, ...]    # full names: the name, and other sources' names for them (also_name)
    words: tuple[str, ...]    # single words of their names: given, family, each word of a full name
    emails: tuple[str, ...]
    phones: tuple[str, ...]

    @classmethod
    def of(cls, props: dict[str, Any]) -> Traces:
        names = tuple(dict.fromkeys(n.strip() for n in _strings([props.get("name"), props.get("also_name")])
                                    if n.strip()))
        words = [w for n in (*names, *_strings([props.get("given_name"), props.get("family_name"),
                                                 props.get("also_given_name"), props.get("also_family_name")]))
                 for w in fold(n).split()]
        return cls(names=names,
                   words=tuple(dict.fromkeys(w for w in words if len(w) >= MIN_TOKEN)),
                   emails=tuple(dict.fromkeys(e for e in _strings([props.get("emails"), props.get("also_emails")])
                                              if e.strip())),
                   phones=tuple(dict.fromkeys(p for p in _strings([props.get("phones"), props.get("also_phones")])
                                              if p.strip())))

    @cached_property
    def _pattern(self) -> re.Pattern | None:
        parts = [p for n in self.names if (p := _name_pattern(n))]
        parts += [p for e in self.emails if (p := _email_pattern(e))]
        parts += [p for ph in self.phones for p in _phone_patterns(ph)]
        return re.compile("|".join(f"(?:{p})" for p in parts)) if parts else None

    # -- text --------------------------------------------------------------------------

    def redact(self, text: str, words: Iterable[str] = ()) -> str:
        """``text`` with every mention of them replaced by ``MARK``; also ``words``, as whole words."""
        patterns = [self._pattern] if self._pattern else []
        words = [w for w in words if w]
        if words:
            patterns.append(re.compile(_word("(?:" + "|".join(re.escape(w) for w in words) + ")")))
        if not patterns or not text:
            return text
        folded, origin = _folded(text)
        spans = sorted((origin[m.start()], origin[m.end() - 1] + 1) for p in patterns for m in p.finditer(folded)
                       if m.end() > m.start())
        if not spans:
            return text
        merged: list[list[int]] = []
        for start, end in spans:
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        out, at = [], 0
        for start, end in merged:
            out += [text[at:start], MARK]
            at = end
        out.append(text[at:])
        return "".join(out)

    def redact_summary(self, text: str | None, others: Iterable[str]) -> str | None:
        """An interaction's summary, of one they were part of: names, and words of their name no
        other participant (``others``: their names) shares."""
        if not text:
            return text
        shared = {w for name in others if name for w in fold(name).split()}
        return self.redact(text, [w for w in self.words if w not in shared])

    def redact_value(self, value: Any) -> Any:
        """A property value with the mentions taken out: strings, and the strings in a list."""
        if isinstance(value, str):
            return self.redact(value)
        if isinstance(value, list):
            return [self.redact_value(v) for v in value]
        return value

    def redact_props(self, props: dict[str, Any], keep: Iterable[str] = ()) -> dict[str, Any]:
        """The properties ``redact`` changes, with their new values (``keep``: never touched)."""
        keep = set(keep)
        return {k: new for k, v in props.items() if k not in keep and (new := self.redact_value(v)) != v}

    # -- what to look for ----------------------------------------------------------------------

    def needles(self) -> list[str]:
        """Lower-case substrings a text naming them contains: what the store is asked to find (a
        superset: ``redact`` then decides, word by word). Names are looked for as written and folded,
        the store lower-cases but does not fold accents; a name spread over odd spacing is not found."""
        found = [t for n in self.names for t in (" ".join(n.lower().split()), fold(n))]
        found += [e.lower() for e in self.emails] + [fold(e) for e in self.emails]
        found += [re.sub(r"\D", "", p)[-4:] for p in self.phones if len(re.sub(r"\D", "", p)) >= 6]
        return sorted({n for n in found if len(n) >= MIN_TOKEN})

    def file_texts(self) -> list[str]:
        """What must be in no file once they are forgotten: their full names (as written, lower case,
        folded), emails and phones."""
        texts = {t for n in self.names for t in (unicodedata.normalize("NFC", n), n.lower(), fold(n))}
        texts |= set(self.emails) | {e.lower() for e in self.emails} | set(self.phones)
        return sorted(t for t in texts if len(t) >= MIN_TOKEN)

    def __bool__(self) -> bool:
        return bool(self.names or self.emails or self.phones)


def file_pattern(texts: Iterable[str]) -> re.Pattern[bytes] | None:
    """Any of ``texts`` in a file's bytes, as a whole word: in UTF-8 (ArcadeDB's pages and WAL, the
    logs), Latin-1, and Java's UTF-16 in both byte orders. Whole words, so that forgetting "Ann Lee"
    does not find "Ann Leeson", and "+447700900123" not "+4477009001234"."""
    word = b"[A-Za-z0-9]"
    # What may not come before and after, per encoding. A letter or digit byte right next to it is
    # refused in every encoding too: a UTF-16 text one byte off would otherwise match the other order.
    bounds = {"utf-8": ([], []), "latin-1": ([], []),
              "utf-16-le": ([word + b"\x00"], [word + b"\x00"]),
              "utf-16-be": ([b"\x00" + word], [b"\x00" + word])}
    parts = []
    for text in texts:
        for encoding, (before, after) in bounds.items():
            try:
                data = text.encode(encoding)
            except UnicodeEncodeError:
                continue  # Latin-1 has no such letter: nothing to find in it
            parts.append(b"".join(b"(?<!" + b + b")" for b in [word, *before]) + re.escape(data)
                         + b"".join(b"(?!" + a + b")" for a in [word, *after]))
    return re.compile(b"|".join(sorted(set(parts), key=len, reverse=True))) if parts else None
