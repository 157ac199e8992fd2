"""What a loader gives back: one file's records, as that file describes them.

Loaders only parse. They do not decide who is who: a ``Contact`` is one person
*as one source describes them*, and activities refer to people through
``Ref`` strings (an email, a phone, a contact of the same file, a name). The
resolver (``loaders/resolve.py``) later turns contacts and refs into Kith
person ids, merging what is the same human.

Ref forms (plain strings, so they sort and hash):

- ``me``                      the owner
- ``email:ana@example.com``    normalized email
- ``phone:+447700900123``      E.164 phone
- ``contact:<source_id>``      a Contact of the same file
- ``name:Ana Souza``           only a name (weakest: matched, never merged on)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from graph.model import Birthday
from kith.errors import LoadError  # re-exported: every loader raises Kith's own LoadError
from loaders.limits import MAX_FILE_BYTES

__all__ = ["ME", "LoadError", "Contact", "Activity", "Tie", "FavorRow", "IntroductionRow", "ParsedFile",
           "ParseOptions", "FORMATS"]

ME = "me"


@dataclass
class Contact:
    source: str        # "linkedin", "google", "outlook", "vcard", "kith", "edgelist", "ical"
    source_id: str     # stable within the source: LinkedIn URL, vCard UID, a row's key …
    line: int          # where it starts in the file
    name: str
    given_name: str | None = None
    family_name: str | None = None
    nickname: str | None = None
    emails: list[str] = field(default_factory=list)  # normalized (graph.model.normalize_email)
    phones: list[str] = field(default_factory=list)  # E.164 (graph.model.normalize_phone)
    birthday: Birthday | None = None
    company: str | None = None
    title: str | None = None
    location: str | None = None
    notes: str | None = None
    health_notes: str | None = None  # sensitive: shown only when asked for
    children: list[str] = field(default_factory=list)
    openers: list[str] = field(default_factory=list)  # conversation openers
    cadence_days: int | None = None  # keep in touch every N days
    tags: list[str] = field(default_factory=list)    # how-met categories, labels, vCard categories
    skills: list[str] = field(default_factory=list)
    interests: list[str] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    met_how: str | None = None
    met_where: str | None = None
    connected_on: date | None = None


@dataclass(slots=True)
class Activity:
    """An interaction as the file describes it (becomes an ``Interaction``).

    Slotted: an edge list gives one per line, millions of them.
    """

    source: str
    source_id: str     # stable, so re-importing the same file gives the same interaction id
    line: int
    at: datetime       # timezone-aware
    participants: list[str]  # Refs; the owner is ``me`` when the file says so
    channel: str = "message"
    kind: str = "message"
    summary: str | None = None
    initiated_by: str | None = None  # a Ref


@dataclass
class Tie:
    """Two people know each other (becomes ``KNOWS``)."""

    a: str  # Ref
    b: str  # Ref
    line: int
    since: date | None = None
    context: str | None = None


@dataclass
class FavorRow:
    source_id: str
    line: int
    at: datetime
    person: str  # Ref
    direction: str
    kind: str
    status: str = "pending"
    note: str | None = None


@dataclass
class IntroductionRow:
    source_id: str
    line: int
    at: datetime
    a: str  # Ref
    b: str  # Ref
    made_by: str = ME
    status: str = "made"
    outcome: str | None = None
    note: str | None = None


@dataclass
class ParsedFile:
    path: str
    format: str
    contacts: list[Contact] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)
    ties: list[Tie] = field(default_factory=list)
    favors: list[FavorRow] = field(default_factory=list)
    introductions: list[IntroductionRow] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (line, reason): kept out, not an error
    # Who the file says you are, when it says so (the one person in every conversation of your
    # own messages export): a graph without an owner learns it from here.
    owner: Contact | None = None


@dataclass(frozen=True)
class ParseOptions:
    """What a parser may need to know beyond the file itself."""

    default_region: str | None = None          # for phone numbers without a country code, e.g. "GB"
    owner_emails: frozenset[str] = frozenset()  # the owner's own addresses become the ``me`` ref
    owner_name: str | None = None               # the owner's name, as exports spell it
    until: datetime | None = None               # recurring events are expanded up to here (default: kith.clock.now())
    max_bytes: int | None = MAX_FILE_BYTES      # the largest file read (None: any size); loaders/limits.py
    mail_subjects: bool = False                 # mbox: keep each email's subject as its summary (off: private)
    # A streamed file's parser calls ``progress(bytes_read, file_size)`` now and then (a callable, or None);
    # not compared, so options that differ only in who watches are equal.
    progress: Callable[[int, int], None] | None = field(default=None, compare=False)


# Every format name a parser answers to; `kith import --format` takes these.
FORMATS = (
    "linkedin-connections", "linkedin-messages", "linkedin-contacts", "google-csv", "outlook-csv", "vcard", "ical",
    "kith-csv", "kith-json", "kith-export", "edgelist",
    "mbox", "whatsapp", "telegram", "linkedin-zip", "takeout-zip",
)
