"""LinkedIn's data export: ``Connections.csv`` (people) and ``messages.csv`` (conversations).

Both files name people by profile URL, so a message's sender becomes ``contact:<url>`` and a
Contact with ``source_id`` = that URL: the resolver then matches them with Connections.csv.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from graph.model import fold
from loaders._csvutil import Row, open_table
from loaders._fields import clean_emails, contact_name, join_name, name_ref, split_values
from loaders.ids import UniqueIds, contact_key, digest
from loaders.records import ME, Activity, Contact, LoadError, ParsedFile, ParseOptions

SOURCE = "linkedin"
# LinkedIn writes a few lines of notes above the header of Connections.csv.
PREAMBLE_ROWS = 5
_MONTHS = {m: n for n, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
SUMMARY_CHARS = 80


def is_connections_header(columns: set[str]) -> bool:
    return {"first name", "last name", "connected on"} <= columns


def is_messages_header(columns: set[str]) -> bool:
    return {"conversation id", "from", "to", "date"} <= columns


def profile_url(text: str) -> str:
    """One spelling per profile: no spaces, no trailing slash, lower-case scheme and host.

    The path keeps its case: LinkedIn's member ids (``ACoAA…``) are case-sensitive.
    """
    url = text.strip().rstrip("/")
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    host, slash, path = rest.partition("/")
    return f"{scheme.lower()}://{host.lower()}{slash}{path}"


# -- Connections.csv ------------------------------------------------------------------------

def parse_connections(path: Path, options: ParseOptions) -> ParsedFile:
    rows = open_table(path, is_connections_header, "LinkedIn Connections.csv", PREAMBLE_ROWS,
                      max_bytes=options.max_bytes).rows
    parsed = ParsedFile(str(path), "linkedin-connections")
    ids = UniqueIds()
    for row in rows:
        emails = clean_emails(split_values(row["Email Address"], ","), row.line, parsed.skipped)
        name = contact_name(join_name(row["First Name"], row["Last Name"]), emails, row.line, "connection",
                            parsed.skipped)
        if name is None:
            continue
        url = profile_url(row["URL"])
        parsed.contacts.append(Contact(
            source=SOURCE,
            source_id=ids(url or contact_key(emails, [], name)),
            line=row.line,
            name=name,
            given_name=row["First Name"] or None,
            family_name=row["Last Name"] or None,
            emails=emails,
            company=row["Company"] or None,
            title=row["Position"] or None,
            tags=["linkedin"],
            urls=[url] if url else [],
            met_how="LinkedIn connection",
            connected_on=_connected_on(row, path),
        ))
    return parsed


def _connected_on(row: Row, path: Path) -> date | None:
    """``12 Mar 2021`` (LinkedIn writes English month names whatever the account's language)."""
    text = row["Connected On"]
    if not text:
        return None
    try:
        day, month, year = text.split()
        return date(int(year), _MONTHS[month[:3].lower()], int(day))
    except (ValueError, KeyError):
        raise LoadError(str(path), row.line, f"Connected On {text!r} is not a date like '12 Mar 2021'") from None


# -- messages.csv ---------------------------------------------------------------------------

@dataclass(frozen=True)
class _Person:
    url: str
    name: str

    @property
    def key(self) -> str:
        """Who this is within the file: the profile URL, else the folded name."""
        return self.url or f"name:{fold(self.name)}"


@dataclass
class _Message:
    line: int
    conversation: str
    at: datetime
    sender: _Person
    recipients: list[_Person]
    subject: str
    content: str
    date_text: str


def parse_messages(path: Path, options: ParseOptions) -> ParsedFile:
    rows = open_table(path, is_messages_header, "LinkedIn messages.csv", PREAMBLE_ROWS,
                      max_bytes=options.max_bytes).rows
    parsed = ParsedFile(str(path), "linkedin-messages")
    messages = [m for row in rows if (m := _read_message(row, path, parsed.skipped))]
    owner = _owner_keys(messages, options, path)

    def ref(person: _Person) -> str:
        if person.key in owner:
            return ME
        return f"contact:{person.url}" if person.url else name_ref(person.name, options)

    ids = UniqueIds()
    for m in messages:
        participants = list(dict.fromkeys(ref(p) for p in (m.sender, *m.recipients)))
        parsed.activities.append(Activity(
            source=SOURCE,
            source_id=ids("li-" + digest(m.conversation, m.date_text, m.sender.key, m.subject, m.content)),
            line=m.line,
            at=m.at,
            participants=participants,
            channel="message",
            kind="message",
            summary=_summary(m.subject, m.content),
            initiated_by=ref(m.sender),
        ))
    parsed.contacts = _counterparts(messages, owner)
    parsed.owner = _owner_contact(messages, owner)
    return parsed


def _owner_contact(messages: list[_Message], owner: set[str]) -> Contact | None:
    """The owner as this export spells them (name and profile URL), for a graph that has no owner yet."""
    for m in messages:
        for p in (m.sender, *m.recipients):
            if p.key in owner and p.name:
                return Contact(source=SOURCE, source_id=p.url or f"owner:{fold(p.name)}", line=m.line,
                               name=p.name, urls=[p.url] if p.url else [])
    return None


def _read_message(row: Row, path: Path, skipped: list[tuple[int, str]]) -> _Message | None:
    sender = _Person(profile_url(row["SENDER PROFILE URL"]), row["FROM"])
    if not sender.url and not sender.name:
        skipped.append((row.line, "message with no sender"))
        return None
    if row["FOLDER"].lower() in ("draft", "drafts"):
        skipped.append((row.line, "draft, never sent"))
        return None
    return _Message(
        line=row.line,
        conversation=row["CONVERSATION ID"],
        at=_message_time(row, path),
        sender=sender,
        recipients=_recipients(row),
        subject=row["SUBJECT"],
        content=row["CONTENT"],
        date_text=row["DATE"],
    )


def _recipients(row: Row) -> list[_Person]:
    """TO and RECIPIENT PROFILE URLS list recipients in the same order, comma-separated.

    A name may itself hold a comma ("Souza, Ana"); when the counts disagree the names cannot be
    paired with URLs, so recipients keep only their URL (their name comes from other rows).
    """
    urls = [profile_url(u) for u in split_values(row["RECIPIENT PROFILE URLS"], ",")]
    names = split_values(row["TO"], ",")
    if len(names) == len(urls):
        return [_Person(u, n) for u, n in zip(urls, names)]
    if urls:
        return [_Person(u, "") for u in urls]
    return [_Person("", n) for n in names]


def _message_time(row: Row, path: Path) -> datetime:
    """``2023-04-05 14:03:11 UTC``."""
    text = row["DATE"]
    try:
        at = datetime.fromisoformat(text.removesuffix(" UTC"))
    except ValueError:
        raise LoadError(str(path), row.line, f"DATE {text!r} is not a time like '2023-04-05 14:03:11 UTC'") from None
    return at.replace(tzinfo=timezone.utc) if at.tzinfo is None else at.astimezone(timezone.utc)


def _owner_keys(messages: list[_Message], options: ParseOptions, path: Path) -> set[str]:
    """The owner is in every conversation of their own export; ``owner_name`` settles ties."""
    if not messages:
        return set()
    everyone = {p for m in messages for p in (m.sender, *m.recipients)}
    if options.owner_name:
        named = {p.key for p in everyone if p.name and fold(p.name) == fold(options.owner_name)}
        if named:
            return named
    conversations: dict[str, set[str]] = {}
    for m in messages:
        conversations.setdefault(m.conversation, set()).update(p.key for p in (m.sender, *m.recipients))
    common = set.intersection(*conversations.values())
    if len(common) == 1:
        return common
    seen = ", ".join(sorted(common)) or "nobody"
    raise LoadError(str(path), None, f"cannot tell which participant is the owner (in every conversation: {seen}); "
                                     "give the owner's name as LinkedIn spells it")


def _counterparts(messages: list[_Message], owner: set[str]) -> list[Contact]:
    """One Contact per profile URL other than the owner's, named as in their latest message."""
    first_line: dict[str, int] = {}
    latest_name: dict[str, tuple[datetime, str]] = {}
    for m in messages:
        for p in (m.sender, *m.recipients):
            if not p.url or p.key in owner:
                continue
            first_line.setdefault(p.url, m.line)
            # Latest by time, then by name: the same however the rows are ordered.
            if p.name and (p.url not in latest_name or (m.at, p.name) > latest_name[p.url]):
                latest_name[p.url] = (m.at, p.name)
    return [
        Contact(source=SOURCE, source_id=url, line=line,
                name=latest_name[url][1] if url in latest_name else url.rsplit("/", 1)[-1], urls=[url])
        for url, line in first_line.items()
    ]


def _summary(subject: str, content: str) -> str | None:
    if subject:
        return html.unescape(subject)
    text = " ".join(html.unescape(content).split())
    if len(text) <= SUMMARY_CHARS:
        return text or None
    return text[:SUMMARY_CHARS - 1].rstrip() + "…"
