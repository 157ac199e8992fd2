"""The rest of LinkedIn's full data export: who you are, and what the CSVs besides the two in
``loaders/linkedin.py`` say about the people you know.

Each reader takes one member of the export (already extracted by ``loaders/archive.py``) and
gives back a ``ParsedFile`` like any loader, so the archive merges them all the same way:

- ``Profile.csv``, ``Email Addresses.csv``, ``Skills.csv``, ``Positions.csv``: the owner, as
  ``ParsedFile.owner`` pieces (name, addresses, skills, current position) that the archive joins;
- ``Invitations.csv``: a tie between you and the other side, since the invitation was sent, and
  who asked whom (an invitation never accepted is no tie: ``drop_pending`` leaves it out);
- ``Endorsement_Given_Info.csv``: the endorsee gets the skill you vouched for;
- ``Endorsement_Received_Info.csv``: the skill is yours, and the endorser is a contact who vouched
  for it (said in their notes);
- ``Recommendations_Given.csv`` / ``Recommendations_Received.csv``: a favor given or received
  (kind ``recommendation``), with a short summary of the text, not the whole of it.

People are named by profile URL, canonicalised with ``linkedin.profile_url`` (the endorsement
files write it without ``https://``), so each is the same Contact as their Connections.csv row.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from graph.model import fold
from loaders._csvutil import Row, open_table
from loaders._fields import clean_emails, join_name, name_ref
from loaders.ids import UniqueIds, digest
from loaders.linkedin import SOURCE, profile_url
from loaders.records import ME, Contact, FavorRow, ParsedFile, ParseOptions, Tie

OWNER_ID = "me"  # the owner's source_id when no profile URL of theirs is known (messages.csv gives one)
SUMMARY_CHARS = 80
# LinkedIn has written its dates several ways over the years, and differently in each file.
_TIME_FORMATS = ("%Y/%m/%d %H:%M:%S UTC", "%Y-%m-%d %H:%M:%S UTC", "%m/%d/%y, %I:%M %p", "%m/%d/%Y, %I:%M %p",
                 "%m/%d/%y", "%m/%d/%Y", "%Y-%m-%d", "%Y/%m/%d", "%d %b %Y", "%b %Y", "%Y")
ACCEPTED = ("", "accepted", "visible")  # endorsement / recommendation statuses that were given and kept


def _table(path: Path, columns: set[str], layout: str, options: ParseOptions):
    return open_table(path, lambda found: columns <= found, layout, max_bytes=options.max_bytes)


def when(text: str) -> datetime | None:
    """A LinkedIn date or time in any of the spellings its export uses, in UTC; None if unreadable."""
    text = " ".join(text.split())
    for pattern in _TIME_FORMATS:
        try:
            return datetime.strptime(text, pattern).replace(tzinfo=timezone.utc)
        except ValueError:
            continue
    return None


def public_url(text: str) -> str:
    """A profile URL as Connections.csv spells it: ``www.linkedin.com/in/x`` gets its ``https://``."""
    text = text.strip()
    if text and "://" not in text:
        text = "https://" + text
    return profile_url(text)


def _owner(line: int = 1, **fields) -> Contact:
    return Contact(source=SOURCE, source_id=OWNER_ID, line=line, name=fields.pop("name", ""), **fields)


# -- the owner ------------------------------------------------------------------------------

def read_profile(path: Path, options: ParseOptions) -> ParsedFile:
    """``Profile.csv``: one row, your name and where you are."""
    parsed = ParsedFile(str(path), "linkedin-profile")
    for row in _table(path, {"first name", "last name"}, "LinkedIn Profile.csv", options).rows:
        name = join_name(row["First Name"], row["Last Name"])
        if name:
            parsed.owner = _owner(row.line, name=name, given_name=row["First Name"] or None,
                                  family_name=row["Last Name"] or None, location=row["Geo Location"] or None,
                                  urls=[public_url(u) for u in row["Websites"].split(",") if "linkedin.com/in/" in u])
        break
    return parsed


def read_email_addresses(path: Path, options: ParseOptions) -> ParsedFile:
    """``Email Addresses.csv``: your addresses, the primary one first, unconfirmed ones too (they are yours)."""
    parsed = ParsedFile(str(path), "linkedin-emails")
    rows = list(_table(path, {"email address"}, "LinkedIn Email Addresses.csv", options).rows)
    rows.sort(key=lambda row: row["Primary"].casefold() != "yes")
    emails = [e for row in rows for e in clean_emails([row["Email Address"]], row.line, parsed.skipped)]
    if emails:
        parsed.owner = _owner(rows[0].line, emails=list(dict.fromkeys(emails)))
    return parsed


def read_skills(path: Path, options: ParseOptions) -> ParsedFile:
    """``Skills.csv``: the skills on your profile."""
    parsed = ParsedFile(str(path), "linkedin-skills")
    rows = list(_table(path, {"name"}, "LinkedIn Skills.csv", options).rows)
    skills = [row["Name"] for row in rows if row["Name"]]
    if skills:
        parsed.owner = _owner(rows[0].line, skills=skills)
    return parsed


def read_positions(path: Path, options: ParseOptions) -> ParsedFile:
    """``Positions.csv``: your current position (not finished; the latest started if several are)."""
    parsed = ParsedFile(str(path), "linkedin-positions")
    current = [row for row in _table(path, {"company name", "title"}, "LinkedIn Positions.csv", options).rows
               if not row["Finished On"] and row["Company Name"]]
    if current:
        row = max(current, key=lambda r: (when(r["Started On"]) or datetime.min.replace(tzinfo=timezone.utc),
                                          -r.line))
        parsed.owner = _owner(row.line, company=row["Company Name"], title=row["Title"] or None)
    return parsed


# -- people ---------------------------------------------------------------------------------

def _person(row: Row, first: str, last: str | None, url: str, **fields) -> Contact | None:
    """Someone a row names by profile URL (None without one: a name alone is no LinkedIn member)."""
    url = public_url(row[url])
    if not url:
        return None
    name = join_name(row[first], row[last]) if last else join_name(row[first])
    return Contact(source=SOURCE, source_id=url, line=row.line, name=name or url.rsplit("/", 1)[-1], urls=[url],
                   given_name=(row[first] or None) if last else None, family_name=(row[last] or None) if last else None,
                   **fields)


def read_invitations(path: Path, options: ParseOptions) -> ParsedFile:
    """``Invitations.csv``: a tie with the other side since the day the invitation was sent.

    The tie's context says who asked; ``drop_pending`` keeps it only if the other side is a connection.
    """
    parsed = ParsedFile(str(path), "linkedin-invitations")
    table = _table(path, {"from", "to", "sent at", "direction"}, "LinkedIn Invitations.csv", options)
    for row in table.rows:
        outgoing = row["Direction"].casefold() == "outgoing"
        other = _person(row, "To" if outgoing else "From", None,
                        "inviteeProfileUrl" if outgoing else "inviterProfileUrl")
        if other is None:
            parsed.skipped.append((row.line, "invitation without the other side's profile URL"))
            continue
        sent = when(row["Sent At"])
        if sent is None and row["Sent At"]:
            parsed.skipped.append((row.line, f"invitation date {row['Sent At']!r} left out: not a date"))
        parsed.contacts.append(other)
        asked = "you invited them" if outgoing else "they invited you"
        parsed.ties.append(Tie(ME, f"contact:{other.source_id}", row.line, since=sent.date() if sent else None,
                               context=f"LinkedIn invitation: {asked}"))
    return parsed


def read_endorsements_given(path: Path, options: ParseOptions) -> ParsedFile:
    """``Endorsement_Given_Info.csv``: you vouched for the endorsee's skill, so they have it."""
    parsed = ParsedFile(str(path), "linkedin-endorsements-given")
    table = _table(path, {"skill name", "endorsee public url"}, "LinkedIn Endorsement_Given_Info.csv", options)
    for row in table.rows:
        if not _kept(row, "endorsement", parsed) or not row["Skill Name"]:
            continue
        person = _person(row, "Endorsee First Name", "Endorsee Last Name", "Endorsee Public Url",
                         skills=[row["Skill Name"]])
        if person is None:
            parsed.skipped.append((row.line, "endorsement without the endorsee's profile URL"))
        else:
            parsed.contacts.append(person)
    return parsed


def read_endorsements_received(path: Path, options: ParseOptions) -> ParsedFile:
    """``Endorsement_Received_Info.csv``: the skill is yours; the endorser vouched for it (their notes say so)."""
    parsed = ParsedFile(str(path), "linkedin-endorsements-received")
    table = _table(path, {"skill name", "endorser public url"}, "LinkedIn Endorsement_Received_Info.csv", options)
    skills: list[str] = []
    vouched: dict[str, list[str]] = {}
    people: dict[str, Contact] = {}
    first = None
    for row in table.rows:
        if not _kept(row, "endorsement", parsed) or not row["Skill Name"]:
            continue
        first = first or row.line
        skills.append(row["Skill Name"])
        person = _person(row, "Endorser First Name", "Endorser Last Name", "Endorser Public Url")
        if person is None:
            continue  # your skill all the same; who vouched is unknown
        people.setdefault(person.source_id, person)
        vouched.setdefault(person.source_id, []).append(row["Skill Name"])
    for url, person in people.items():
        person.notes = "Endorsed you on LinkedIn for " + ", ".join(dict.fromkeys(vouched[url]))
        parsed.contacts.append(person)
    if skills:
        parsed.owner = _owner(first, skills=list(dict.fromkeys(skills)))
    return parsed


def _kept(row: Row, what: str, parsed: ParsedFile) -> bool:
    status = row["Endorsement Status"] or row["Status"]
    if status.casefold() in ACCEPTED:
        return True
    parsed.skipped.append((row.line, f"{what} {status.lower()}, not kept"))
    return False


def read_recommendations(direction: str) -> Callable[[Path, ParseOptions], ParsedFile]:
    """``Recommendations_Given.csv`` / ``Recommendations_Received.csv``: a favor, ``given`` or ``received``.

    These files name people without a URL: ``finish`` matches the name with a connection.
    """
    def read(path: Path, options: ParseOptions) -> ParsedFile:
        parsed = ParsedFile(str(path), f"linkedin-recommendations-{direction}")
        table = _table(path, {"first name", "last name", "text"}, f"LinkedIn Recommendations_{direction.title()}.csv",
                       options)
        ids = UniqueIds()
        for row in table.rows:
            name = join_name(row["First Name"], row["Last Name"])
            at = when(row["Creation Date"])
            if not name or at is None:
                why = "no name" if not name else f"date {row['Creation Date']!r} is not a date"
                parsed.skipped.append((row.line, f"recommendation left out: {why}"))
                continue
            if not _kept(row, "recommendation", parsed):
                continue
            parsed.favors.append(FavorRow(
                source_id=ids("rec-" + digest(direction, name, row["Creation Date"])), line=row.line, at=at,
                person=name_ref(name, options), direction=direction, kind="recommendation", status="yes",
                note=_summary(row["Text"], direction)))
        return parsed
    return read


def _summary(text: str, direction: str) -> str:
    words = " ".join(text.split())
    if len(words) > SUMMARY_CHARS:
        words = words[:SUMMARY_CHARS - 1].rstrip() + "…"
    said = "LinkedIn recommendation you wrote" if direction == "given" else "LinkedIn recommendation of you"
    return f"{said}: {words}" if words else said


# Members read by this module, by their name in the export (case-insensitive).
READERS: dict[str, Callable[[Path, ParseOptions], ParsedFile]] = {
    "profile.csv": read_profile,
    "email addresses.csv": read_email_addresses,
    "skills.csv": read_skills,
    "positions.csv": read_positions,
    "invitations.csv": read_invitations,
    "endorsement_given_info.csv": read_endorsements_given,
    "endorsement_received_info.csv": read_endorsements_received,
    "recommendations_given.csv": read_recommendations("given"),
    "recommendations_received.csv": read_recommendations("received"),
}
# Read first: who you are settles who "me" is in messages.csv.
OWNER_MEMBERS = ("profile.csv", "email addresses.csv")


# -- the whole export -----------------------------------------------------------------------

def connection_ties(connections: ParsedFile) -> list[Tie]:
    """You know each of your connections (Connections.csv's contacts), since the day you connected."""
    return [Tie(ME, f"contact:{c.source_id}", c.line, since=c.connected_on, context="LinkedIn connection")
            for c in connections.contacts]


def drop_pending(parsed: ParsedFile, connections: set[str]) -> None:
    """Invitations.csv's records less the invitations never accepted: someone you only invited (or who
    only invited you) is not a connection, so neither a tie nor a contact."""
    pending = {c.source_id: c.name for c in parsed.contacts if c.source_id not in connections}
    parsed.contacts = [c for c in parsed.contacts if c.source_id in connections]
    kept = []
    for tie in parsed.ties:
        other = tie.b.removeprefix("contact:")
        if other in pending:
            asked = "you invited them" if "you invited" in (tie.context or "") else "they invited you"
            parsed.skipped.append((tie.line, f"invitation not (yet) accepted ({pending[other]}: {asked}): no tie"))
        else:
            kept.append(tie)
    parsed.ties = kept


def finish(parsed: ParsedFile, connections: set[str], owner_known: bool) -> None:
    """What needs the whole export: recommendations matched with connections by name (their files
    give no URL), and nothing that names you when Kith cannot tell who you are."""
    by_name: dict[str, list[str]] = {}
    for c in parsed.contacts:
        if c.source_id in connections:
            by_name.setdefault(fold(c.name), []).append(c.source_id)
    for favor in parsed.favors:
        if favor.person.startswith("name:"):
            urls = by_name.get(fold(favor.person.removeprefix("name:")), [])
            if len(urls) == 1:
                favor.person = f"contact:{urls[0]}"
    if not owner_known:
        _without_me(parsed)


def _without_me(parsed: ParsedFile) -> None:
    """Your ties left out, said once: Kith does not know who you are (no Profile.csv, no owner yet)."""
    before = len(parsed.ties)
    parsed.ties = [t for t in parsed.ties if ME not in (t.a, t.b)]
    if len(parsed.ties) < before:
        parsed.skipped.append((0, f"{before - len(parsed.ties)} ties with you left out: the export has no Profile.csv "
                                  "to say who you are; run `kith me --name \"Your Name\" --email you@example.com` "
                                  "and import it again"))
