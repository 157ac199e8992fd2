"""iCalendar (.ics) files from Google, Outlook and Apple: meetings become activities.

Each occurrence of a VEVENT up to ``options.until`` is one ``Activity`` whose
participants are its organizer and attendees (by email; the owner's addresses
are ``me``; declined attendees and meeting rooms are left out). Attendees
with a name also become a ``Contact`` so the name attaches to the email.
Cancelled events, events the owner declined and events with nobody but the
owner are kept out, with the reason in ``skipped``.

icalendar parses the calendar and recurring_ical_events expands RRULE, RDATE,
EXDATE and moved instances, but neither reports line numbers, so the file is
first scanned here (``_scan``): structure, property lines and a DTSTART per
VEVENT are checked with physical line numbers, and each VEVENT's line is kept
for the records and ``skipped`` reasons.

Time zones, and the library behaviour worked around:

- icalendar keeps one process-wide cache of zones built from VTIMEZONE blocks,
  keyed by TZID, and never replaces an entry. Outlook names many different
  zones "Customized Time Zone", so a second file would silently get the first
  file's offsets. The cache is reset before each file is read.
- Outlook writes Windows zone names ("GMT Standard Time") with a VTIMEZONE
  that holds only today's DST rule, wrong for older events. Those blocks are
  left out, so icalendar maps the name to its IANA zone (CLDR's table), which
  has the full history.
- Google's X-WR-TIMEZONE calendars write UTC and floating times that are
  meant in that zone; ``x_wr_timezone`` turns them into local times so that
  weekly events follow daylight saving time. recurring_ical_events does this
  too, but only inside its expansion: it is done here first so that the
  expansion window and the line lookup see the same times.
- Other floating times (no zone) are taken as UTC, all-day events as
  midnight UTC.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import icalendar
import recurring_ical_events
import x_wr_timezone
from icalendar.parser import Contentline
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from graph.model import normalize_email, utc
from kith import clock
from loaders._fields import is_email
from loaders.content_lines import LogicalLine, logical_lines
from loaders.ids import digest
from loaders.records import ME, Activity, Contact, LoadError, ParsedFile, ParseOptions
from loaders.text import read_text

SOURCE = "ical"

# Properties that say when an event happens: a broken one makes the file unreadable.
_TIMING = {"DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE", "RECURRENCE-ID"}
_NOT_PEOPLE = {"RESOURCE", "ROOM"}  # meeting rooms and projectors are attendees too
_VIDEO_LINK = re.compile(
    r"https?://\S*(?:zoom\.us|meet\.google\.com|teams\.microsoft\.com|teams\.live\.com|webex\.com)", re.I)
_VIDEO_SERVICE = re.compile(r"zoom|teams|google meet|webex|skype", re.I)
_NOT_A_PLACE = re.compile(r"https?://|\bonline\b|\bvirtual\b", re.I)


# =============================================================================
# Scan: structure and line numbers
# =============================================================================

@dataclass
class _EventLines:
    line: int  # BEGIN:VEVENT
    properties: dict[str, int] = field(default_factory=dict)  # name -> line of its first use


@dataclass
class _Scan:
    events: list[_EventLines]  # in file order, as icalendar's walk("VEVENT") returns them
    text: str  # what icalendar reads: the logical lines, less Windows-zone VTIMEZONEs


def _scan(path: Path, lines: list[LogicalLine]) -> _Scan:
    events: list[_EventLines] = []
    kept: list[str] = []
    open_blocks: list[tuple[str, int]] = []  # (component, BEGIN line), innermost last
    zone_start, zone_is_windows = 0, False
    for number, text in lines:
        name, value = _property_line(path, number, text)
        inside = open_blocks[-1][0] if open_blocks else None
        kept.append(text)
        if name == "BEGIN":
            _check_begin(path, number, value, inside)
            open_blocks.append((value, number))
            if value == "VEVENT":
                events.append(_EventLines(number))
            elif value == "VTIMEZONE":
                zone_start, zone_is_windows = len(kept) - 1, False
        elif name == "END":
            _check_end(path, number, value, open_blocks)
            open_blocks.pop()
            if value == "VEVENT" and "DTSTART" not in events[-1].properties:
                raise LoadError(str(path), events[-1].line, "VEVENT has no DTSTART")
            if value == "VTIMEZONE" and zone_is_windows:
                del kept[zone_start:]
        elif inside is None:
            raise LoadError(str(path), number, f"text outside BEGIN:VCALENDAR … END:VCALENDAR: {text[:60]!r}")
        elif inside == "VEVENT":
            events[-1].properties.setdefault(name, number)
        elif inside == "VTIMEZONE" and name == "TZID":
            zone_is_windows = value in WINDOWS_TO_OLSON
    if open_blocks:
        component, line = open_blocks[-1]
        raise LoadError(str(path), line, f"BEGIN:{component} has no END:{component}")
    if not lines:
        raise LoadError(str(path), 1, "empty file: no BEGIN:VCALENDAR")
    return _Scan(events, "\r\n".join(kept) + "\r\n")


def _property_line(path: Path, number: int, text: str) -> tuple[str, str]:
    """(NAME, value) of a content line, checked by icalendar's own line parser."""
    try:
        name, _params, value = Contentline(text).parts()
    except ValueError:
        raise LoadError(str(path), number, f"not an iCalendar property line: {text[:60]!r}") from None
    name = name.upper()
    return name, (value.strip().upper() if name in ("BEGIN", "END") else value.strip())


def _check_begin(path: Path, number: int, component: str, inside: str | None) -> None:
    if (inside is None) != (component == "VCALENDAR"):
        where = f"inside {inside}" if inside else "outside a VCALENDAR"
        raise LoadError(str(path), number, f"BEGIN:{component} {where}")


def _check_end(path: Path, number: int, component: str, open_blocks: list[tuple[str, int]]) -> None:
    if not any(name == component for name, _ in open_blocks):
        raise LoadError(str(path), number, f"END:{component} without BEGIN:{component}")
    innermost, line = open_blocks[-1]
    if innermost != component:
        raise LoadError(str(path), line, f"BEGIN:{innermost} has no END:{innermost} (END:{component} at line {number})")


# =============================================================================
# Calendar -> activities and contacts
# =============================================================================

@dataclass(frozen=True)
class _Person:
    ref: str
    email: str | None
    name: str | None
    declined: bool
    organizer: bool


def parse(path: Path, options: ParseOptions) -> ParsedFile:
    scan = _scan(path, logical_lines(read_text(path, utf8_only=True)))
    calendars = _read_calendars(path, scan.text, scan.events)
    events = [event for calendar in calendars for event in calendar.walk("VEVENT")]
    parsed = ParsedFile(path=str(path), format="ical")
    line_of = _event_lines(events, scan.events, parsed.skipped)
    owner = frozenset(normalize_email(e) for e in options.owner_emails)
    kept: list[tuple[Activity, list[_Person]]] = []
    for occurrence in _occurrences(path, calendars, events, _until(options)):
        uid = str(occurrence["UID"])
        line = line_of.get((uid, _recurrence_key(occurrence)), line_of[uid])  # a moved instance, else its series
        people = _people(occurrence, owner)
        reason = _skip_reason(occurrence, people)
        if reason:
            parsed.skipped.append((line, f"{reason}: {_summary(occurrence)!r}"))
            continue
        kept.append((_activity(occurrence, line, people), people))
    ordered = sorted(kept, key=lambda pair: (pair[0].at, pair[0].source_id))
    parsed.activities = [activity for activity, _ in ordered]
    parsed.contacts = _contacts(ordered)
    parsed.skipped = sorted(dict.fromkeys(parsed.skipped))  # a skipped series is said once
    return parsed


def _read_calendars(path: Path, text: str, scanned: list[_EventLines]) -> list[icalendar.Calendar]:
    # Resets icalendar's process-wide VTIMEZONE cache (see the module docstring).
    icalendar.use_zoneinfo()
    try:
        calendars = icalendar.Calendar.from_ical(text, multiple=True)
    except ValueError as e:
        raise LoadError(str(path), None, f"unreadable calendar: {e}") from None
    events = [event for calendar in calendars for event in calendar.walk("VEVENT")]
    for event, lines in zip(events, scanned, strict=True):
        _check_event(path, event, lines)
    # After the checks: x_wr_timezone copies the events it changes, and copies lose ``errors``.
    return [x_wr_timezone.to_standard(calendar) for calendar in calendars]


def _check_event(path: Path, event, lines: _EventLines) -> None:
    """Refuse timing properties icalendar could not read; give a UID to events without one.

    The UID made up is a hash of the event, so it is the same on every import.
    """
    for name, message in event.errors:
        if name.upper() in _TIMING:
            raise LoadError(str(path), lines.properties.get(name.upper(), lines.line), f"{name}: {message}")
    if "UID" not in event:
        event["UID"] = "sha1:" + digest(event.to_ical().decode())


def _event_lines(events: list, scanned: list[_EventLines], skipped: list[tuple[int, str]]) -> dict:
    """Each VEVENT's line, by (UID, RECURRENCE-ID) and by UID alone (for its occurrences).

    A second VEVENT for the same slot is said in ``skipped``: recurring_ical_events keeps the first.
    """
    line_of: dict = {}
    for event, lines in zip(events, scanned, strict=True):
        uid = str(event["UID"])
        key = (uid, _recurrence_key(event) if "RECURRENCE-ID" in event else None)
        if key in line_of:
            skipped.append((lines.line, f"repeats the event at line {line_of[key]} (same UID {uid!r})"))
        line_of.setdefault(key, lines.line)
        line_of.setdefault(uid, lines.line)
    return line_of


def _occurrences(path: Path, calendars: list, events: list, until: datetime) -> list:
    """Every occurrence from the first event's start up to ``until``."""
    start = min((_instant(event["DTSTART"].dt) for event in events), default=until)
    if start >= until:
        return []
    try:
        return [occurrence for calendar in calendars
                for occurrence in recurring_ical_events.of(calendar).between(start, until)]
    except icalendar.InvalidCalendar as e:
        raise LoadError(str(path), None, f"cannot expand recurring events: {e}") from None


def _until(options: ParseOptions) -> datetime:
    return utc(options.until) if options.until else clock.now()


def _instant(value: date | datetime) -> datetime:
    """A DATE is midnight UTC; a floating time is taken as UTC."""
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    return utc(value)


def _iso(value: date | datetime) -> str:
    return _instant(value).strftime("%Y-%m-%dT%H:%M:%SZ")


def _recurrence_key(event) -> str:
    """The slot an occurrence fills: its RECURRENCE-ID (set by recurring_ical_events), else its start."""
    return _iso((event.get("RECURRENCE-ID") or event["DTSTART"]).dt)


def _summary(event) -> str | None:
    return str(event.get("SUMMARY", "")).strip() or None


# --- people ------------------------------------------------------------------

def _people(event, owner: frozenset[str]) -> list[_Person]:
    """The organizer, then the attendees, as the file lists them (rooms left out)."""
    attendees = event.get("ATTENDEE", [])
    people = [_person(event["ORGANIZER"], owner, organizer=True)] if "ORGANIZER" in event else []
    people += [_person(a, owner, organizer=False) for a in (attendees if isinstance(attendees, list) else [attendees])]
    return [p for p in people if p]


def _person(address, owner: frozenset[str], organizer: bool) -> _Person | None:
    params = address.params
    if str(params.get("CUTYPE", "")).upper() in _NOT_PEOPLE:
        return None
    value = str(address).strip()
    # Apple may give an urn:uuid address with the email in an EMAIL parameter (RFC 7986).
    email = value[len("mailto:"):] if value.lower().startswith("mailto:") else params.get("EMAIL")
    email = normalize_email(str(email)) if email else None
    if email and not is_email(email):
        email = None  # "mailto:" with something that is no address: known by name, if at all
    name = str(params.get("CN", "")).strip() or None
    if name and "@" in name:  # Google repeats the address as CN when it knows no name
        name = None
    if email:
        ref = ME if email in owner else f"email:{email}"
    elif name:
        ref = f"name:{name}"
    else:
        return None
    return _Person(ref, email, name, str(params.get("PARTSTAT", "")).upper() == "DECLINED", organizer)


def _skip_reason(event, people: list[_Person]) -> str | None:
    if str(event.get("STATUS", "")).upper() == "CANCELLED":
        return "cancelled"
    if any(p.ref == ME and p.declined for p in people):
        return "declined by the owner"
    if not any(p.ref != ME and not p.declined for p in people):
        return "no other attendees"
    return None


def _activity(event, line: int, people: list[_Person]) -> Activity:
    return Activity(
        source=SOURCE,
        source_id=f"{event['UID']}/{_recurrence_key(event)}",
        line=line,
        at=_instant(event["DTSTART"].dt),
        participants=list(dict.fromkeys(p.ref for p in people if not p.declined)),
        channel=_channel(event),
        kind="meeting",
        summary=_summary(event),
        initiated_by=next((p.ref for p in people if p.organizer), None),
    )


def _channel(event) -> str:
    location = str(event.get("LOCATION", "")).strip()
    if location and not (_VIDEO_SERVICE.search(location) or _NOT_A_PLACE.search(location)):
        return "in-person"
    described = " ".join(str(event.get(k, "")) for k in ("LOCATION", "DESCRIPTION", "URL", "X-GOOGLE-CONFERENCE"))
    if _VIDEO_LINK.search(described) or _VIDEO_SERVICE.search(location):
        return "video"
    return "meeting"


def _contacts(kept: list[tuple[Activity, list[_Person]]]) -> list[Contact]:
    """A contact per named attendee (not the owner), first name seen wins."""
    contacts: dict[str, Contact] = {}
    for activity, people in kept:
        for person in people:
            if person.email and person.name and person.ref != ME and person.email not in contacts:
                contacts[person.email] = Contact(source=SOURCE, source_id=person.email, line=activity.line,
                                                 name=person.name, emails=[person.email])
    return list(contacts.values())
