"""Kith's records: the typed shapes that go into and come out of the graph.

Loaders produce these, the store writes them, analytics and the dashboard read
them. Each maps to one node or relationship pattern documented in SCHEMA.md;
the field names are the property names users see in Cypher.

Identity is Kith's own ``id`` string, never a database elementId (ArcadeDB
changes those when labels change).
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from kith.errors import InvalidRecord

INTERACTION_KINDS = (
    "catch-up", "thank-you", "birthday-wishes", "advice-asked", "congratulations",
    "introduction", "opportunity-shared", "invitation", "condolences", "meeting", "message",
)
CHANNELS = ("in-person", "call", "video", "meeting", "email", "message", "social", "letter", "event")
FAVOR_DIRECTIONS = ("given", "received", "asked")
FAVOR_STATUSES = ("pending", "yes", "no", "ignored")
INTRODUCTION_STATUSES = ("suggested", "offered", "made", "declined")


def check_choice(record: str, field: str, value: str, allowed: tuple[str, ...]) -> None:
    """Refuse a value outside its closed list, in one line that names the record, the field and the choices.

    Every record checks itself here, when it is made, so a loader, the CLI and the
    dashboard cannot each hold (and drift from) their own copy of the rule.
    """
    if value not in allowed:
        raise InvalidRecord(f"{record} {field} {value!r} is not one of: {', '.join(allowed)}")


def new_id(prefix: str) -> str:
    """A fresh random id such as ``p-3f9c2a1b7e4d`` (prefix tells the kind at a glance)."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def slug(text: str) -> str:
    """A stable, readable key for named things: ``"Acme Corp."`` -> ``"acme-corp"``.

    Accents are folded so that "Zürich" and "Zurich" land on one node.
    """
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-") or "x"


def fold(text: str) -> str:
    """A case- and accent-insensitive search key: ``"  José  ÁLVAREZ "`` -> ``"jose alvarez"``."""
    nfkd = unicodedata.normalize("NFKD", unicodedata.normalize("NFC", text))
    bare = "".join(c for c in nfkd if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def normalize_email(text: str) -> str:
    return text.strip().lower()


def normalize_phone(text: str, region: str | None = None) -> str:
    """A phone number in E.164 (``+447700900123``); ``region`` for numbers without a country code.

    Raises ValueError for something that is not a possible phone number.
    """
    import phonenumbers  # imported here: only people-writing paths need it

    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as e:
        raise ValueError(f"{text!r} is not a phone number ({e})") from None
    if not phonenumbers.is_possible_number(number):
        raise ValueError(f"{text!r} is not a possible phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def utc(dt: datetime) -> datetime:
    """Interactions are stored as UTC instants; naive datetimes are taken as UTC."""
    return dt.replace(tzinfo=timezone.utc) if dt.tzinfo is None else dt.astimezone(timezone.utc)


@dataclass(frozen=True)
class Birthday:
    """A birthday with or without a year (people often know only the day)."""

    month: int
    day: int
    year: int | None = None

    def __post_init__(self) -> None:
        # 2000 is a leap year, so 29 February is accepted without a year.
        date(self.year or 2000, self.month, self.day)

    @classmethod
    def parse(cls, text: str) -> Birthday:
        """Parse ``1990-05-17`` or the no-year form ``--05-17`` (ISO 8601 / vCard 4)."""
        m = re.fullmatch(r"(\d{4}|-)-(\d{2})-(\d{2})", text.strip())
        if not m:
            raise ValueError(f"birthday {text!r} is not YYYY-MM-DD or --MM-DD")
        year = None if m.group(1) == "-" else int(m.group(1))
        return cls(int(m.group(2)), int(m.group(3)), year)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}" if self.year else f"--{self.month:02d}-{self.day:02d}"


@dataclass
class Person:
    """One human. ``me=True`` marks the owner of the graph."""

    id: str
    name: str
    given_name: str | None = None
    family_name: str | None = None
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    birthday: Birthday | None = None
    company: str | None = None
    title: str | None = None
    location: str | None = None
    notes: str | None = None
    health_notes: str | None = None  # sensitive: shown only when asked for
    children: list[str] = field(default_factory=list)
    met_how: str | None = None
    met_where: str | None = None
    sources: list[str] = field(default_factory=list)
    cadence_days: int | None = None  # keep in touch every N days (overrides the inferred rhythm)
    me: bool = False
    # Become (:Tag), (:Skill), (:Interest) nodes rather than properties, so that
    # people who share one are one hop apart in the graph.
    tags: list[str] = field(default_factory=list)
    skills: list[str] = field(default_factory=list)
    interests: list[str] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)


@dataclass
class Knows:
    """Two contacts know each other; direction carries no meaning."""

    a: str
    b: str
    since: date | None = None
    context: str | None = None
    source: str | None = None


@dataclass
class Interaction:
    """One conversation, meeting, call or message, with every participant (owner included)."""

    id: str
    at: datetime
    participants: list[str]
    channel: str = "message"
    kind: str = "catch-up"
    summary: str | None = None
    source: str | None = None
    # Who reached out (a participant's id), when known: reciprocity needs it.
    initiated_by: str | None = None

    def __post_init__(self) -> None:
        check_choice("interaction", "kind", self.kind, INTERACTION_KINDS)
        check_choice("interaction", "channel", self.channel, CHANNELS)


@dataclass
class Favor:
    """Help between the owner and one contact: ``given``, ``received`` or ``asked`` (by the owner)."""

    id: str
    at: datetime
    person: str
    direction: str
    kind: str
    status: str = "pending"
    note: str | None = None

    def __post_init__(self) -> None:
        check_choice("favor", "direction", self.direction, FAVOR_DIRECTIONS)
        check_choice("favor", "status", self.status, FAVOR_STATUSES)


@dataclass
class Introduction:
    """``made_by`` introduced ``a`` and ``b`` (usually the owner did)."""

    id: str
    at: datetime
    a: str
    b: str
    made_by: str
    status: str = "made"
    outcome: str | None = None
    note: str | None = None

    def __post_init__(self) -> None:
        check_choice("introduction", "status", self.status, INTRODUCTION_STATUSES)


@dataclass
class Employment:
    person: str
    organization: str
    title: str | None = None
    since: date | None = None
    until: date | None = None


@dataclass
class Study:
    person: str
    school: str
    degree: str | None = None
    since: date | None = None
    until: date | None = None


@dataclass
class Attendance:
    person: str
    event: str
    at: date | None = None
    location: str | None = None


@dataclass
class Network:
    """A bundle of records written together (the demo, an import)."""

    people: list[Person] = field(default_factory=list)
    knows: list[Knows] = field(default_factory=list)
    interactions: list[Interaction] = field(default_factory=list)
    favors: list[Favor] = field(default_factory=list)
    introductions: list[Introduction] = field(default_factory=list)
    employments: list[Employment] = field(default_factory=list)
    studies: list[Study] = field(default_factory=list)
    attendances: list[Attendance] = field(default_factory=list)
