"""Kith's records: the typed shapes that go into and come out of the graph.

Loaders produce these, the store writes them, analytics and the dashboard read
them. Each maps to one node or relationship pattern documented in SCHEMA.md;
the field names are the property names users see in Cypher.

Identity is Kith's own ``id`` string, never a database elementId (ArcadeDB
changes those when labels change).
"""

from __future__ import annotations

import functools
import re
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from kith.errors import InvalidRecord

INTERACTION_KINDS = (
    "catch-up", "thank-you", "birthday-wishes", "advice-asked", "congratulations",
    "introduction", "opportunity-shared", "invitation", "condolences", "meeting", "message",
    "chat", "email", "recommendation",
)
CHANNELS = ("in-person", "call", "video", "meeting", "email", "message", "social", "letter", "event",
            "whatsapp", "telegram")
FAVOR_DIRECTIONS = ("given", "received", "asked")
FAVOR_STATUSES = ("pending", "yes", "no", "ignored")
# An introduction's life (double opt-in), in order; graph/introductions.py checks the steps.
INTRODUCTION_STATUSES = ("suggested", "asked-a", "a-agreed", "asked-b", "agreed", "made", "declined")
# Statuses written before the double opt-in: still read, as the state they meant.
LEGACY_INTRODUCTION_STATUSES = {"offered": "asked-a"}
INTRODUCTION_OUTCOMES = ("good", "neutral", "bad")
INTRODUCTION_DECLINERS = ("a", "b", "you")
# When each state was reached: one property per step, so Cypher can ask "asked since when?".
INTRODUCTION_STEP_TIMES = {"asked-a": "asked_a_at", "a-agreed": "a_agreed_at", "asked-b": "asked_b_at",
                           "agreed": "agreed_at", "made": "made_at", "declined": "declined_at"}
# Free-text outcomes from before the closed list: these words meant it went nowhere, anything else
# was counted as good (the rule the suggestions learnt by until then).
_BAD_OUTCOME_WORDS = ("no follow", "nothing came", "went nowhere", "never ", "no reply", "no response",
                      "didn't", "did not", "ghosted")


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


@functools.lru_cache(maxsize=1 << 16)  # an import folds each name and company several times
def fold(text: str) -> str:
    """A case- and accent-insensitive search key: ``"  José  ÁLVAREZ "`` -> ``"jose alvarez"``."""
    nfkd = unicodedata.normalize("NFKD", unicodedata.normalize("NFC", text))
    bare = "".join(c for c in nfkd if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


# Tags as people type them, folded onto one spelling: the words a how-met tag is made of
# (SCHEMA.md lists the usual ones). Only these lose a plural "s", so "business" and
# "news" stay as they are; a word joined to "ex" ("excolleague") is split off only if listed.
TAG_WORDS = frozenset({
    "colleague", "friend", "conference", "neighbour", "interviewer", "classmate", "client", "investor",
    "mentor", "mentee", "founder", "recruiter", "teammate", "flatmate", "housemate", "roommate", "boss",
    "manager", "partner", "parent", "cousin", "event", "meetup", "student", "customer",
    "supplier", "peer",
})
TAG_SYNONYMS = {"neighbor": "neighbour", "coworker": "colleague", "co-worker": "colleague",
                "workmate": "colleague", "meet-up": "meetup"}
_TAG_PLURALS = {"bosses": "boss", **{f"{w}s": w for w in TAG_WORDS if not w.endswith("s")},
                **{f"{w}s": s for w, s in TAG_SYNONYMS.items()}}


def canonical_tag(text: str) -> str:
    """The one spelling of a tag: lower case, single spaces, plurals and synonyms folded.

    Every writer of tags (the CLI, imports, the dashboard) goes through here, so one label
    typed three ways is one (:Tag) node.

    >>> [canonical_tag(t) for t in ("ex-colleagues", "Ex colleague", "excolleague", " EX_Colleague ")]
    ['ex-colleague', 'ex-colleague', 'ex-colleague', 'ex-colleague']
    >>> [canonical_tag(t) for t in ("Colleagues", "friends", "conferences", "school friends", "Neighbors")]
    ['colleague', 'friend', 'conference', 'school friend', 'neighbour']
    >>> [canonical_tag(t) for t in ("business", "news", "networking event", "climbing", "  ")]
    ['business', 'news', 'networking event', 'climbing', '']
    """
    words = text.replace("_", " ").lower().split()
    if not words:
        return ""
    *head, last = words
    glued = re.fullmatch(r"ex-?([a-z].*)", last)
    ex = bool(glued) and (last.startswith("ex-") or _tag_word(glued.group(1)) in TAG_WORDS)
    if head and head[-1] in ("ex", "ex-"):
        head, ex = head[:-1], True
    word = _tag_word(glued.group(1) if ex and glued else last)
    return " ".join([*head, f"ex-{word}" if ex else word])


def _tag_word(word: str) -> str:
    word = _TAG_PLURALS.get(word, word)
    return TAG_SYNONYMS.get(word, word)


def canonical_tags(values: list[str]) -> list[str]:
    """``values`` as canonical tags, each once, in the order given; empty ones left out."""
    return list(dict.fromkeys(t for t in map(canonical_tag, values) if t))


def normalize_email(text: str) -> str:
    return text.strip().lower()


def normalize_phone(text: str, region: str | None = None) -> str:
    """A phone number in E.164 (``+447700900123``); ``region`` for numbers without a country code.

    Raises ValueError for something that is not a valid phone number. Merely *possible* is not
    enough: phones merge people, and a placeholder of the right length (``91989511``,
    ``+49 1111 111111``) shared by several address-book entries made one person of seven.
    The ranges Ofcom keeps free for drama and documentation (``07700 900xxx`` …) are taken
    although no phone company uses them: examples and tests are written with them.
    """
    import phonenumbers  # imported here: only people-writing paths need it

    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as e:
        digits = sum(ch.isdigit() for ch in text)  # a national number has 7 or more: '600' is no phone anywhere
        if e.error_type == phonenumbers.NumberParseException.INVALID_COUNTRY_CODE and not region and digits >= 7:
            raise ValueError(f"{text!r} has no country code: say which country such numbers are in "
                             "(`kith import --default-region GB`, US, DE …)") from None
        raise ValueError(f"{text!r} is not a phone number ({e})") from None
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if not phonenumbers.is_possible_number(number):
        raise ValueError(f"{text!r} is not a possible phone number")
    if not (phonenumbers.is_valid_number(number) or _is_drama_number(e164)):
        raise ValueError(f"{text!r} is not a valid phone number (no such number range"
                         f"{' in ' + region if region and not text.lstrip().startswith('+') else ''})")
    return e164


# Ofcom's numbers for drama (UK): never assigned, so phonenumbers calls them invalid. E.164 prefixes
# followed by the digits that complete the number.
_DRAMA_PREFIXES = {"+447700900": 3, "+442079460": 3, "+441632960": 3, "+441134960": 3, "+441144960": 3,
                   "+441154960": 3, "+441164960": 3, "+441174960": 3, "+441184960": 3, "+441214960": 3,
                   "+441314960": 3, "+441414960": 3, "+441514960": 3, "+441614960": 3, "+441914980": 3,
                   "+442896496": 3, "+448081570": 3, "+449098790": 3, "+443069990": 3}


def _is_drama_number(e164: str) -> bool:
    return any(e164.startswith(prefix) and len(e164) == len(prefix) + rest and e164[len(prefix):].isdigit()
               for prefix, rest in _DRAMA_PREFIXES.items())


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
    # Conversation openers ("ask about the marathon"): a list property, not nodes, since
    # they belong to this one person and link them to nobody.
    openers: list[str] = field(default_factory=list)
    nickname: str | None = None  # what they go by ("Liz"), as an address book gives it
    urls: list[str] = field(default_factory=list)  # profile pages and websites (a LinkedIn profile …)
    # When you connected on a network such as LinkedIn: the earliest date any source gave.
    # Stored as ISO text (``2018-01-08``), like the birthday.
    connected_on: date | None = None


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


def legacy_outcome(text: str | None) -> str | None:
    """The closed outcome a free-text one meant: ``"no follow-up"`` -> bad, ``"hired"`` -> good."""
    if text is None or text in INTRODUCTION_OUTCOMES:
        return text
    folded = fold(text) + " "
    return "bad" if any(w in folded for w in _BAD_OUTCOME_WORDS) else "good"


def canonical_status(status: str) -> str:
    return LEGACY_INTRODUCTION_STATUSES.get(status, status)


@dataclass
class Introduction:
    """``made_by`` introducing ``a`` and ``b``: double opt-in, ``a`` is asked first.

    ``status`` is where it stands (INTRODUCTION_STATUSES); each step's time is kept in its
    ``*_at`` field, ``at`` is when it was first recorded. ``outcome`` (good, neutral, bad) says
    how a made one went; free text goes to ``note``. Old records still load: ``offered``
    becomes ``asked-a``, a free-text outcome moves to ``note`` and is read as good or bad
    (``legacy_outcome``), and a state without its time takes ``at``.
    """

    id: str
    at: datetime
    a: str
    b: str
    made_by: str
    status: str = "made"
    outcome: str | None = None
    note: str | None = None
    declined_by: str | None = None  # a, b or you
    why: str | None = None          # why they should meet (the suggestion's explanation, or yours)
    skipped_opt_in: bool = False    # made outside Kith, without the two asks
    asked_a_at: datetime | None = None
    a_agreed_at: datetime | None = None
    asked_b_at: datetime | None = None
    agreed_at: datetime | None = None
    made_at: datetime | None = None
    declined_at: datetime | None = None
    outcome_at: datetime | None = None

    def __post_init__(self) -> None:
        check_choice("introduction", "status", self.status,
                     (*INTRODUCTION_STATUSES, *LEGACY_INTRODUCTION_STATUSES))
        self.status = canonical_status(self.status)
        if self.outcome is not None and self.outcome not in INTRODUCTION_OUTCOMES:
            text = self.outcome
            self.outcome = legacy_outcome(text)
            self.note = f"{text}; {self.note}" if self.note and text not in self.note else (self.note or text)
        if self.declined_by is not None:
            check_choice("introduction", "declined_by", self.declined_by, INTRODUCTION_DECLINERS)
        step_time = INTRODUCTION_STEP_TIMES.get(self.status)
        if step_time and getattr(self, step_time) is None:
            setattr(self, step_time, self.at)


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
