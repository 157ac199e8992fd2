"""LinkedIn's data export: ``Connections.csv`` (people), ``messages.csv`` (conversations) and
``ImportedContacts.csv`` (the address book you let LinkedIn sync).

Connections and messages name people by profile URL, so a message's sender becomes
``contact:<url>`` and a Contact with ``source_id`` = that URL: the resolver then matches them with
Connections.csv. URLs are canonicalised (``profile_url``) so that two exports spelling one profile
differently give one person.

LinkedIn changed these files over the years; every layout seen in real exports is read:

- Connections.csv: ``Connected On`` as ``08 Jan 2018`` (now), ``1/8/18, 6:14 PM`` (2018) or
  ``23-Apr-23`` (a file saved again by a spreadsheet).
- messages.csv: ``From,To,Date,Subject,Content,Direction,Folder`` (2018: no conversation ids, no
  URLs, but ``Direction`` tells which side is the owner); ``CONVERSATION ID,…,FROM,SENDER PROFILE
  URL,TO,DATE,…`` (2021: no recipient URLs); and the current one with ``RECIPIENT PROFILE URLS``.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from urllib.parse import unquote

from graph.model import fold
from loaders._csvutil import Row, open_table
from loaders._fields import (
    add_contact,
    clean_emails,
    clean_phones,
    contact_name,
    join_name,
    name_ref,
    split_values,
    unique,
)
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
    """Any layout of messages.csv: 2018's has no conversation id, but a direction and content."""
    return {"from", "to", "date"} <= columns and bool(columns & {"conversation id", "direction"})


def is_imported_contacts_header(columns: set[str]) -> bool:
    return {"firstname", "lastname"} <= columns and bool(columns & {"emails", "emailaddress", "phonenumbers"})


# -- profile URLs ---------------------------------------------------------------------------

_LINKEDIN_HOST = re.compile(r"(?:[a-z]{2,3}\.|www\.)?linkedin\.com")


def profile_url(text: str) -> str:
    """One spelling per profile, whichever export or browser wrote it.

    ``http://linkedin.com/in/J%C3%B6rg/`` and ``https://www.linkedin.com/in/Jörg`` are one profile:
    the path is percent-decoded and NFC-normalised; scheme and host are lower-cased; LinkedIn's
    hosts (``linkedin.com``, ``de.linkedin.com``) become ``https://www.linkedin.com``; a query
    (``?trk=…``), a fragment and trailing slashes are dropped. The path keeps its case:
    LinkedIn's member ids (``ACoAA…``) are case-sensitive.
    """
    url = text.strip()
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url.rstrip("/")
    host, slash, path = rest.partition("/")
    scheme, host = scheme.lower(), host.lower()
    path = unicodedata.normalize("NFC", unquote(re.split(r"[?#]", path, maxsplit=1)[0])).rstrip("/")
    if _LINKEDIN_HOST.fullmatch(host):
        scheme, host = "https", "www.linkedin.com"
    return f"{scheme}://{host}{slash if path else ''}{path}"


# -- dates ----------------------------------------------------------------------------------

def parse_date(text: str) -> date:
    """A date as LinkedIn (or a spreadsheet that saved its file) writes it.

    ``08 Jan 2018``, ``1/8/18, 6:14 PM`` (US order, LinkedIn's 2018 exports), ``23-Apr-23``,
    ``2018-01-08``. Raises ValueError for anything else.
    """
    text = " ".join(text.split())
    if m := re.fullmatch(r"(\d{1,2})[ -]([A-Za-z]{3})[a-z]*\.?[ ,-]*(\d{4}|\d{2})", text):
        day, month, year = int(m.group(1)), _MONTHS.get(m.group(2).lower()), m.group(3)
        if month:
            return date(_year(year), month, day)
    elif m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})(?:,? .*)?", text):
        return date(_year(m.group(3)), int(m.group(1)), int(m.group(2)))
    elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return date.fromisoformat(text)
    raise ValueError(f"{text!r} is not a date like '12 Mar 2021'")


def _year(text: str) -> int:
    """A four-digit year; a two-digit one is of this century (LinkedIn started in 2003)."""
    return int(text) if len(text) == 4 else 2000 + int(text)


def parse_time(text: str) -> datetime:
    """A message's time, in UTC: ``2023-04-05 14:03:11 UTC`` (LinkedIn's exports write UTC) or the
    2018 exports' ``1/8/18, 6:14 PM``. Raises ValueError for anything else."""
    text = " ".join(text.split())
    try:
        at = datetime.fromisoformat(text.removesuffix(" UTC"))
    except ValueError:
        m = re.fullmatch(r"(\d{1,2}/\d{1,2}/)(\d{2}|\d{4}),? (\d{1,2}:\d{2}(?::\d{2})?) ?([AaPp][Mm])(?: UTC)?", text)
        if not m:
            raise ValueError(f"{text!r} is not a time like '2023-04-05 14:03:11 UTC'") from None
        clock = m.group(3) if m.group(3).count(":") == 2 else m.group(3) + ":00"
        at = datetime.strptime(f"{m.group(1)}{_year(m.group(2))} {clock} {m.group(4).upper()}",
                               "%m/%d/%Y %I:%M:%S %p")
    return at.replace(tzinfo=timezone.utc) if at.tzinfo is None else at.astimezone(timezone.utc)


# -- Connections.csv ------------------------------------------------------------------------

def parse_connections(path: Path, options: ParseOptions) -> ParsedFile:
    table = open_table(path, is_connections_header, "LinkedIn Connections.csv", PREAMBLE_ROWS,
                       max_bytes=options.max_bytes, ragged=True)
    parsed = ParsedFile(str(path), "linkedin-connections", skipped=table.skipped)
    ids = UniqueIds()
    for row in table.rows:
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
            connected_on=_connected_on(row, parsed.skipped),
        ))
    return parsed


def _connected_on(row: Row, skipped: list[tuple[int, str]]) -> date | None:
    """The date in ``Connected On``; one LinkedIn (or a spreadsheet) wrote unreadably is left out."""
    text = row["Connected On"]
    if not text:
        return None
    try:
        return parse_date(text)
    except ValueError:
        skipped.append((row.line, f"connected-on date left out: {text!r} is not a date like '12 Mar 2021'"))
        return None


# -- ImportedContacts.csv -------------------------------------------------------------------

def parse_imported_contacts(path: Path, options: ParseOptions) -> ParsedFile:
    """The phone and email contacts LinkedIn imported from your address book.

    LinkedIn writes ``null`` for a value it does not have, and several emails or phones in one
    cell, comma-separated. These are not connections: no ``linkedin`` tag.
    """
    table = open_table(path, is_imported_contacts_header, "LinkedIn ImportedContacts.csv",
                       max_bytes=options.max_bytes, ragged=True)
    parsed = ParsedFile(str(path), "linkedin-contacts", skipped=table.skipped)
    ids = UniqueIds()
    for row in table.rows:
        cell = _NotNull(row)
        emails = [e for c in ("Emails", "EmailAddress") for e in re.split(r"[,;]", cell(c))]
        phones = re.split(r"[,;]", cell("PhoneNumbers"))
        given, family = cell("FirstName"), cell("LastName")
        add_contact(
            parsed, ids, SOURCE, row.line, cell("FullName") or join_name(given, family),
            emails=clean_emails([e.strip() for e in emails if e.strip()], row.line, parsed.skipped),
            phones=clean_phones([p.strip() for p in phones if p.strip()], options, row.line, parsed.skipped),
            given_name=given or None,
            family_name=family or None,
            company=cell("Companies") or None,
            title=cell("Title") or None,
            location=cell("Location") or None,
            urls=unique(profile_url(u) for u in re.split(r"[,;\s]+", f"{cell('Profiles')} {cell('Sites')}")
                        if "://" in u),
        )
    return parsed


class _NotNull:
    """A row's cells with LinkedIn's ``null`` read as empty."""

    def __init__(self, row: Row) -> None:
        self.row = row

    def __call__(self, column: str) -> str:
        value = self.row[column]
        return "" if value.casefold() == "null" else value


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
    direction: str  # "incoming" or "outgoing" (2018 layout), else ""


# Folders whose messages were never a conversation between people.
_NOT_CONVERSATIONS = {"draft": "draft, never sent", "drafts": "draft, never sent",
                      "spam": "spam, not a conversation", "sponsored": "sponsored message, not from a person"}
# LinkedIn's own senders (InMail ads, Learning, Premium) and its stand-in for a hidden account.
_NOT_A_PERSON = re.compile(r"linkedin(?: .*)?|.*@ ?linkedin.*|linkedin member", re.IGNORECASE)
# Degrees and post-nominals that follow a name after a comma: "Jane Doe, CPHR", "Li Wei, Ph.D., P.Eng".
_POST_NOMINALS = frozenset({"phd", "jr", "sr", "esq", "eng", "peng", "msc", "bsc", "ma", "ba", "md", "mba", "cpa",
                            "cfa", "pmp", "ii", "iii", "iv", "facs", "frcp", "dphil", "meng", "llm", "jd"})


def parse_messages(path: Path, options: ParseOptions) -> ParsedFile:
    table = open_table(path, is_messages_header, "LinkedIn messages.csv", PREAMBLE_ROWS,
                       max_bytes=options.max_bytes, ragged=True)
    parsed = ParsedFile(str(path), "linkedin-messages", skipped=table.skipped)
    rows = list(table.rows)
    known = _known_people(rows)
    messages = [m for row in rows if (m := _read_message(row, known, parsed.skipped))]
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
    parsed.skipped.sort(key=lambda skip: skip[0])
    return parsed


def _known_people(rows: list[Row]) -> dict[str, str]:
    """Folded name -> profile URL of everyone the file names with a URL (senders; recipients where
    TO and RECIPIENT PROFILE URLS pair up), so that a recipient named without a URL is still known.

    A name two profiles share is kept without a URL ("") rather than given the wrong one.
    """
    found: dict[str, set[str]] = {}
    for row in rows:
        pairs = [(row["FROM"], row["SENDER PROFILE URL"])]
        urls = split_values(row["RECIPIENT PROFILE URLS"], ",")
        names = split_values(row["TO"], ",")
        if urls and len(urls) == len(names):
            pairs += zip(names, urls)
        for name, url in pairs:
            if name:
                found.setdefault(fold(name), set()).update([profile_url(url)] if url else [])
    return {name: next(iter(urls)) if len(urls) == 1 else "" for name, urls in found.items()}


def _read_message(row: Row, known: dict[str, str], skipped: list[tuple[int, str]]) -> _Message | None:
    """The message on ``row``, or None (said in ``skipped``) when it is not one between people."""
    sender = _person(row["FROM"], row["SENDER PROFILE URL"], known)
    reason = _not_a_conversation(row, sender)
    if reason:
        skipped.append((row.line, reason))
        return None
    try:
        at = parse_time(row["DATE"])
    except ValueError as e:
        skipped.append((row.line, f"message left out: DATE {e}"))
        return None
    return _Message(
        line=row.line,
        conversation=row["CONVERSATION ID"],
        at=at,
        sender=sender,
        recipients=[p for p in _recipients(row, known) if not _NOT_A_PERSON.fullmatch(p.name)],
        subject=row["SUBJECT"],
        content=row["CONTENT"],
        date_text=row["DATE"],
        direction=row["DIRECTION"].casefold(),
    )


def _not_a_conversation(row: Row, sender: _Person) -> str | None:
    folder = row["FOLDER"].casefold()
    if folder in _NOT_CONVERSATIONS:
        return _NOT_CONVERSATIONS[folder]
    if row["DIRECTION"].casefold() == "draft":
        return _NOT_CONVERSATIONS["draft"]
    if not sender.url and not sender.name:
        return "message with no sender"
    if row["CONVERSATION TITLE"].casefold().startswith("sponsored conversation"):
        return "sponsored message, not from a person"
    if _NOT_A_PERSON.fullmatch(sender.name):
        return f"message from {sender.name!r}, not a person"
    return None


def _person(name: str, url: str, known: dict[str, str]) -> _Person:
    return _Person(profile_url(url) if url else known.get(fold(name), ""), name)


def _recipients(row: Row, known: dict[str, str]) -> list[_Person]:
    """TO and RECIPIENT PROFILE URLS list recipients in the same order, comma-separated.

    A name may itself hold a comma ("Jane Doe, CPHR"), so TO is split only where each part is a
    name (``_split_names``); when the counts then disagree the names cannot be paired with URLs,
    and recipients keep only their URL (their name comes from other rows).
    """
    urls = [profile_url(u) for u in split_values(row["RECIPIENT PROFILE URLS"], ",")]
    names = _split_names(row["TO"], known)
    if len(names) == len(urls):
        return [_Person(u, n) for u, n in zip(urls, names)]
    if urls:
        return [_Person(u, "") for u in urls]
    return [_person(n, "", known) for n in names]


def _split_names(text: str, known: dict[str, str]) -> list[str]:
    """The names in a TO cell. A part after a comma is a name of its own when the file knows it
    (someone who wrote, or the whole part pairs with a URL) or it is not a post-nominal
    ("CPHR", "Ph.D."); otherwise it belongs to the name before it."""
    text = " ".join(text.split())
    if not text or fold(text) in known:
        return [text] if text else []
    names: list[str] = []
    for part in split_values(text, ","):
        if names and fold(part) not in known and _is_post_nominal(part):
            names[-1] += ", " + part
        else:
            names.append(part)
    return names


def _is_post_nominal(part: str) -> bool:
    words = [w.strip(".()") for w in part.split()]
    return all(w.isupper() or w.replace(".", "").casefold() in _POST_NOMINALS for w in words if w)


def _owner_contact(messages: list[_Message], owner: set[str]) -> Contact | None:
    """The owner as this export spells them (name and profile URL), for a graph that has no owner yet."""
    for m in messages:
        for p in (m.sender, *m.recipients):
            if p.key in owner and p.name:
                return Contact(source=SOURCE, source_id=p.url or f"owner:{fold(p.name)}", line=m.line,
                               name=p.name, urls=[p.url] if p.url else [])
    return None


def _owner_keys(messages: list[_Message], options: ParseOptions, path: Path) -> set[str]:
    """Who the owner is: the sender of OUTGOING and recipient of INCOMING messages (2018 layout),
    else the one person in every conversation of their own export; ``owner_name`` settles ties."""
    if not messages:
        return set()
    everyone = {p for m in messages for p in (m.sender, *m.recipients)}
    if options.owner_name:
        named = {p.key for p in everyone if p.name and fold(p.name) == fold(options.owner_name)}
        if named:
            return named
    directed = _owner_by_direction(messages)
    if directed:
        return directed
    conversations: dict[str, set[str]] = {}
    for m in messages:
        conversation = m.conversation or "\0".join(sorted({m.sender.key, *(p.key for p in m.recipients)}))
        conversations.setdefault(conversation, set()).update(p.key for p in (m.sender, *m.recipients))
    common = set.intersection(*conversations.values())
    if len(common) == 1:
        return common
    seen = ", ".join(sorted(common)) or "nobody"
    raise LoadError(str(path), None, f"cannot tell which participant is the owner (in every conversation: {seen}); "
                                     "give the owner's name as LinkedIn spells it")


def _owner_by_direction(messages: list[_Message]) -> set[str]:
    """The keys the 2018 layout's Direction column marks as the owner's (empty when it has none)."""
    keys = set()
    for m in messages:
        if m.direction == "outgoing":
            keys.add(m.sender.key)
        elif m.direction == "incoming" and len(m.recipients) == 1:
            keys.add(m.recipients[0].key)
    return keys


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
