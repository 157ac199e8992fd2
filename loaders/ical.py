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

Bounded work on any calendar (``loaders/limits.py``): components nest at most
``MAX_COMPONENT_DEPTH`` deep; an event starting before 1900 is left out before
anything is expanded (a daily rule from year 1 is 740,000 occurrences); a
rule that can never occur is left out before it is expanded (``_never_occurs``:
dateutil would look for one until the year 9999); each series is expanded one
at a time and stops at ``MAX_OCCURRENCES_PER_EVENT`` occurrences, and all the
series of a file at ``MAX_RECURRING_ATTENDANCES`` (occurrences past a series'
first, times the people in it), each cut said in ``skipped`` at the event's
line. Where a series stops is found by walking its rules lazily (``_stop``),
since the library's expansion builds the list of every start in the span it
is asked for: ``FREQ=SECONDLY;COUNT=50000000`` is one line of text.
"""

from __future__ import annotations

import heapq
import itertools
import re
import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import icalendar
import recurring_ical_events
import x_wr_timezone
from dateutil.rrule import rrulestr
from icalendar.parser import Contentline
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from graph.model import normalize_email, utc
from kith import clock
from loaders._fields import is_email
from loaders.content_lines import LogicalLine, logical_lines
from loaders.ids import digest
from loaders.limits import (
    EARLIEST,
    MAX_COMPONENT_DEPTH,
    MAX_LINE_CHARS,
    MAX_OCCURRENCES_PER_EVENT,
    MAX_RECURRING_ATTENDANCES,
)
from loaders.records import ME, Activity, Contact, LoadError, ParsedFile, ParseOptions
from loaders.text import read_text

SOURCE = "ical"

# Properties that say when an event happens: a broken one makes the file unreadable.
_TIMING = {"DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE", "RECURRENCE-ID"}
# Meeting rooms, projectors and mailing lists are attendees too (RFC 5545 CUTYPE).
_NOT_PEOPLE = {"RESOURCE", "ROOM", "GROUP"}
# Addresses that are no one: Google's calendars (a shared calendar, a room, an imported calendar,
# "unknownorganizer@calendar.google.com" for an event whose organizer it lost), and the senders
# and lists no person reads (noreply@, calendar@, all-staff@ …).
_CALENDAR_DOMAIN = re.compile(r"(?:^|\.)calendar\.google\.com$")
_NOT_A_PERSON = re.compile(
    r"(?:no-?reply|do-?not-?reply|notifications?|mailer-daemon|postmaster|calendar|invitations?|"
    r"everyone|all|all-?staff|all-?hands|staff)(?:[+._-].*)?", re.I)
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
    text: str  # what icalendar reads: the logical lines, less what is left out (see ``_scan``)
    skipped: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class _Block:
    component: str  # VCALENDAR, VEVENT …
    line: int  # its BEGIN line
    start: int  # its BEGIN's index in the kept lines, to take the whole block out
    once: dict[str, int] = field(default_factory=dict)  # its once-only properties seen, and where


# Properties a component has at most once (RFC 5545): icalendar gives a list for a repeated one,
# which nothing reading a start time or a UID expects. The first is kept, the others left out.
_ONCE = {
    "VCALENDAR": frozenset({"PRODID", "VERSION", "CALSCALE", "METHOD", "X-WR-TIMEZONE", "X-WR-CALNAME"}),
    "VEVENT": frozenset({"UID", "DTSTART", "DTEND", "DURATION", "DTSTAMP", "SUMMARY", "STATUS", "ORGANIZER",
                         "RECURRENCE-ID", "LOCATION", "DESCRIPTION", "CLASS", "CREATED", "GEO", "LAST-MODIFIED",
                         "PRIORITY", "SEQUENCE", "TRANSP", "URL"}),
    "VTIMEZONE": frozenset({"TZID", "LAST-MODIFIED", "TZURL"}),
    "STANDARD": frozenset({"DTSTART", "TZOFFSETFROM", "TZOFFSETTO"}),
    "DAYLIGHT": frozenset({"DTSTART", "TZOFFSETFROM", "TZOFFSETTO"}),
}
# Components Kith never reads, left out before icalendar sees them: an alarm's TRIGGER:PT-2H
# (a sign in the wrong place, as some clients write it) makes icalendar refuse the whole file.
_UNREAD = frozenset({"VALARM"})
# Values a person never sees spaces in: Exchange writes ``BYDAY=MO, TU``, others `` 20240812T223000Z``.
_NO_SPACES = frozenset({"RRULE", "EXRULE"})
_BOUNDARY = re.compile(r"\s*(?:BEGIN|END)\s*:", re.I)


def _scan(path: Path, lines: list[LogicalLine]) -> _Scan:
    """Check the structure, with line numbers, and keep what icalendar is to read.

    Refused: a file that is no calendar (no BEGIN:VCALENDAR first, components nested absurdly
    deep, nothing complete in it). Left out, with line and reason: a line that is no property
    line, a VEVENT without DTSTART or never ended, repeated once-only properties, text after
    END:VCALENDAR, a Windows-zone VTIMEZONE (see the module docstring) and alarms (``_UNREAD``).
    """
    events: list[_EventLines] = []
    kept: list[str] = []
    skipped: list[tuple[int, str]] = []
    blocks: list[_Block] = []  # open components, innermost last
    ended_calendar = False
    zone_is_windows = False
    for number, text in lines:
        if blocks and blocks[-1].component in _UNREAD and not _BOUNDARY.match(text):
            continue  # never read, so never checked
        try:
            name, value = _property_line(path, number, text)
        except _BadLine as e:
            if blocks or ended_calendar:  # inside a calendar, or after one: a bad line, not a bad file
                skipped.append((number, f"{e}: left out"))
                continue
            raise LoadError(str(path), number, str(e)) from None
        inside = blocks[-1].component if blocks else None
        if inside in _ONCE and name in _ONCE[inside]:
            first = blocks[-1].once.setdefault(name, number)
            if first != number:
                skipped.append((number, f"{name} repeated in one {inside} (first at line {first}): left out"))
                continue
        if name in _TIMING or name in _NO_SPACES:
            text = _without_spaces(text, value, name)
            value = value.strip()
        if name == "BEGIN":
            if value == "VEVENT" and inside == "VEVENT":  # the one before was never ended
                skipped.append((blocks[-1].line, f"BEGIN:VEVENT has no END:VEVENT (the next BEGIN:VEVENT is at "
                                                 f"line {number}): {_scanned_summary(kept, blocks[-1])} left out"))
                _drop_block(kept, blocks, events)
                inside = blocks[-1].component
            _check_begin(path, number, value, inside)
            blocks.append(_Block(value, number, len(kept)))
            if len(blocks) > MAX_COMPONENT_DEPTH:
                raise LoadError(str(path), number, f"components nested more than {MAX_COMPONENT_DEPTH} deep "
                                                   "(BEGIN inside BEGIN …): a damaged calendar")
            if value in _UNREAD:
                continue
            if value == "VEVENT":
                events.append(_EventLines(number))
            elif value == "VTIMEZONE":
                zone_is_windows = False
        elif name == "END":
            if value == "VEVENT" and inside == "VCALENDAR":  # the END of an event left out above
                skipped.append((number, "END:VEVENT without BEGIN:VEVENT: left out"))
                continue
            _check_end(path, number, value, [(b.component, b.line) for b in blocks])
            block = blocks[-1]
            if value in _UNREAD or value == "VTIMEZONE" and zone_is_windows:
                del kept[block.start:]
                blocks.pop()
                continue
            if value == "VEVENT" and "DTSTART" not in events[-1].properties:
                skipped.append((block.line, f"VEVENT has no DTSTART: {_scanned_summary(kept, block)} left out"))
                _drop_block(kept, blocks, events)
                continue
            blocks.pop()
            ended_calendar = ended_calendar or value == "VCALENDAR"
        elif inside is None:
            if not ended_calendar:
                raise LoadError(str(path), number, f"text outside BEGIN:VCALENDAR … END:VCALENDAR: {text[:60]!r}")
            skipped.append((number, f"text after END:VCALENDAR left out: {text[:60]!r}"))
            continue
        elif inside == "VEVENT":
            events[-1].properties.setdefault(name, number)
        elif inside == "VTIMEZONE" and name == "TZID":
            zone_is_windows = value in WINDOWS_TO_OLSON
        elif inside == "VCALENDAR" and name == "X-WR-TIMEZONE" and not _is_zone(value):
            skipped.append((number, f"X-WR-TIMEZONE {value[:60]!r} is no time zone: left out, times read as written"))
            continue
        kept.append(text)
    if not lines:
        raise LoadError(str(path), 1, "empty file: no BEGIN:VCALENDAR")
    if blocks:
        _close_cut_file(path, kept, blocks, events, skipped)
    return _Scan(events, "\r\n".join(kept) + "\r\n", skipped)


class _BadLine(ValueError):
    """A line that is no iCalendar property line."""


def _without_spaces(text: str, value: str, name: str) -> str:
    """Content line ``text`` with the spaces around its value (and, in a rule, inside it) taken out."""
    body = text.rstrip()
    head = body[:len(body) - len(value)].rstrip() if body.endswith(value) else ""
    if not head.endswith(":"):
        return text  # a value icalendar's line parser changed (unescaped): left as it is
    return head + (re.sub(r"\s+", "", value) if name in _NO_SPACES else value.strip())


def _scanned_summary(kept: list[str], block: _Block) -> str:
    """The block being scanned, named by its SUMMARY where it is left out."""
    summary = next((text[8:].strip() for text in kept[block.start:] if text[:8].upper() == "SUMMARY:"), "")
    return repr(summary) if summary else "the event (no SUMMARY)"


def _drop_block(kept: list[str], blocks: list[_Block], events: list[_EventLines]) -> None:
    """Take the innermost open block (a VEVENT) out of what icalendar reads."""
    block = blocks.pop()
    del kept[block.start:]
    if block.component == "VEVENT":
        events.pop()


def _close_cut_file(path: Path, kept: list[str], blocks: list[_Block], events: list[_EventLines],
                    skipped: list[tuple[int, str]]) -> None:
    """A file that ends inside a component (cut short): the complete events are kept, the one cut
    off left out; refused if no event is complete. A file that lacks only its END:VCALENDAR is
    read whole, with a note."""
    inner = next((b for b in blocks if b.component != "VCALENDAR"), None)
    complete = events[:-1] if any(b.component == "VEVENT" for b in blocks) else events
    if inner and not complete:
        block = blocks[-1]
        raise LoadError(str(path), block.line, f"BEGIN:{block.component} has no END:{block.component}")
    if inner:
        skipped.append((inner.line, f"BEGIN:{inner.component} has no END:{inner.component} (the file ends "
                                    "inside it: cut short?): left out"))
        del kept[inner.start:]
        del events[len(complete):]
        blocks[:] = blocks[:blocks.index(inner)]
    else:
        skipped.append((blocks[-1].line, "BEGIN:VCALENDAR has no END:VCALENDAR (the file ends: cut short?)"))
    kept.extend("END:VCALENDAR" for _ in blocks)


def _is_zone(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (KeyError, ValueError, OSError):  # ZoneInfoNotFoundError is a KeyError; "../x" a ValueError
        return False
    return True


def _property_line(path: Path, number: int, text: str) -> tuple[str, str]:
    """(NAME, value) of a content line, checked by icalendar's own line parser."""
    if len(text) > MAX_LINE_CHARS and not text[:6].upper().startswith("ATTACH"):  # an attachment may be big
        raise LoadError(str(path), number, f"a line of {len(text):,} characters, more than the {MAX_LINE_CHARS:,} "
                                           "Kith reads: a damaged or hostile file")
    try:
        name, _params, value = Contentline(text).parts()
    except ValueError:
        raise _BadLine(f"not an iCalendar property line: {text[:60]!r}") from None
    name = name.upper()
    return name, (value.strip().upper() if name in ("BEGIN", "END") else value.strip())


def _check_begin(path: Path, number: int, component: str, inside: str | None) -> None:
    # A VEVENT belongs in a VCALENDAR (RFC 5545), never in another component: its lines would be
    # told apart from the enclosing one's by nothing.
    if (inside is None) != (component == "VCALENDAR") or (component == "VEVENT" and inside != "VCALENDAR"):
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


def looks_like_fragment(text: str) -> bool:
    """Whether ``text`` is a bare VEVENT, without the VCALENDAR around it.

    What a mail program saves from an invitation, or a script writes for one event: a readable
    calendar fragment (``parse`` reads it as a calendar of its events). A file of only VTIMEZONEs
    is no fragment: it holds no event, and is no one's calendar export.
    """
    first = next((line for line in text.lstrip("\ufeff").splitlines() if line.strip()), "")
    return re.fullmatch(r"\s*BEGIN\s*:\s*VEVENT\s*", first, re.I) is not None


def _as_calendar(lines: list[LogicalLine]) -> list[LogicalLine]:
    """The lines of a bare VEVENT (``looks_like_fragment``) inside a VCALENDAR; any other file as it is."""
    if not lines or not looks_like_fragment(lines[0].text):
        return lines
    return [LogicalLine(lines[0].number, "BEGIN:VCALENDAR"), *lines, LogicalLine(lines[-1].number, "END:VCALENDAR")]


def parse(path: Path, options: ParseOptions) -> ParsedFile:
    text = read_text(path, utf8_only=True, max_bytes=options.max_bytes)
    scan = _scan(path, _as_calendar(logical_lines(text)))
    parsed = ParsedFile(path=str(path), format="ical", skipped=list(scan.skipped))
    calendars, scanned = _read_calendars(path, scan.text, scan.events, parsed.skipped)
    events = [event for calendar in calendars for event in calendar.walk("VEVENT")]
    line_of = _event_lines(events, scanned, parsed.skipped)
    lines_of = dict(zip(map(id, events), scanned, strict=True))  # each VEVENT's lines, while events live
    events = _from_earliest(calendars, events, lines_of, parsed.skipped)
    _drop_rules_that_never_occur(events, lines_of, parsed.skipped)
    owner = frozenset(normalize_email(e) for e in options.owner_emails)
    kept: list[tuple[Activity, list[_Person]]] = []
    # Occurrences are shallow copies: the ATTENDEE list of a series is one object, read once.
    people_of: dict[tuple[int, int], list[_Person]] = {}
    until, written = _until(options), _written(calendars)
    for occurrence in _occurrences(path, calendars, events, (until, written, _open_ended(events)), line_of,
                                   parsed.skipped):
        uid = str(occurrence["UID"])
        line = line_of.get((uid, _recurrence_key(occurrence)), line_of[uid])  # a moved instance, else its series
        key = (id(occurrence.get("ATTENDEE")), id(occurrence.get("ORGANIZER")))
        people = people_of.get(key)
        if people is None:
            people = people_of[key] = _people(occurrence, owner)
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


def _read_calendars(path: Path, text: str, scanned: list[_EventLines],
                    skipped: list[tuple[int, str]]) -> tuple[list[icalendar.Calendar], list[_EventLines]]:
    """The calendars in ``text``, less the events whose start cannot be read; and the lines of those kept."""
    # Resets icalendar's process-wide VTIMEZONE cache (see the module docstring).
    icalendar.use_zoneinfo()
    try:
        calendars = icalendar.Calendar.from_ical(text, multiple=True)
    except ValueError as e:
        raise LoadError(str(path), None, f"unreadable calendar: {e}") from None
    events = [event for calendar in calendars for event in calendar.walk("VEVENT")]
    unplaced = {id(event) for event, lines in zip(events, scanned, strict=True)
                if not _repair_event(event, lines, skipped)}
    if unplaced:
        _take_out(calendars, unplaced)
        scanned = [lines for event, lines in zip(events, scanned) if id(event) not in unplaced]
    # After the repairs: x_wr_timezone copies the events it changes, and copies lose ``errors``.
    return [x_wr_timezone.to_standard(calendar) for calendar in calendars], scanned


# A timing property icalendar could not read, by what is left out for it: without a start (or
# the slot of a moved instance) the event is nowhere in time; without the rest it still is.
_EVENT_NEEDS = frozenset({"DTSTART", "RECURRENCE-ID"})


def _repair_event(event, lines: _EventLines, skipped: list[tuple[int, str]]) -> bool:
    """Whether ``event`` can be placed in time, its unreadable timing properties taken out (each
    said in ``skipped`` at its line); and a UID given to an event without one.

    A bad value is a bad value, not a bad file: an RRULE that cannot be read leaves the event
    once (its first occurrence), a DTEND or an EXDATE that cannot be read is left out; only an
    unreadable DTSTART leaves the event out. The UID made up is a hash of the event, so it is
    the same on every import.
    """
    for name, message in event.errors:
        name = name.upper()
        if name not in _TIMING:
            continue
        line = lines.properties.get(name, lines.line)
        if name in _EVENT_NEEDS:
            skipped.append((line, f"{name}: {message}: {_summary(event)!r} left out"))
            return False
        kept_as = "kept as one event (its first occurrence)" if name in ("RRULE", "RDATE") else "kept"
        skipped.append((line, f"{name} left out ({message}): {_summary(event)!r} {kept_as}"))
        event.pop(name, None)
    if "UID" not in event:
        event["UID"] = "sha1:" + digest(event.to_ical().decode())
    return True


def _take_out(calendars: list, leaving: set[int]) -> None:
    """Take the components whose ``id`` is in ``leaving`` out of ``calendars``."""
    for calendar in calendars:
        for component in calendar.walk():
            component.subcomponents = [c for c in component.subcomponents if id(c) not in leaving]


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


def _from_earliest(calendars: list, events: list, lines_of: dict[int, _EventLines], skipped: list) -> list:
    """``events`` less those that start before ``limits.EARLIEST``, which are taken out of ``calendars``
    (with their line in ``skipped``): a typo such as year 0019 would be expanded from there."""
    early = {id(event) for event in events if _instant(event["DTSTART"].dt).date() < EARLIEST}
    if not early:
        return events
    for event in events:
        if id(event) in early:
            skipped.append((lines_of[id(event)].line, f"starts {_instant(event['DTSTART'].dt).date().isoformat()}, "
                                                      f"before {EARLIEST.isoformat()}: {_summary(event)!r} left out"))
    _take_out(calendars, early)
    return [event for event in events if id(event) not in early]


def _drop_rules_that_never_occur(events: list, lines_of: dict[int, _EventLines], skipped: list) -> None:
    for event in events:
        lines = lines_of[id(event)]
        rules = event.get("RRULE")
        if rules is None:
            continue
        rules = rules if isinstance(rules, list) else [rules]
        kept = [rule for rule in rules if "FREQ" in rule and not _never_occurs(rule, event["DTSTART"].dt)]
        if len(kept) == len(rules):
            continue
        why = "has no FREQ" if any("FREQ" not in rule for rule in rules) else "never occurs (no day passes all its BY… parts)"
        skipped.append((lines.properties.get("RRULE", lines.line), f"RRULE {why}: {_summary(event)!r} kept as one event"))
        del event["RRULE"]
        for rule in kept:
            event.add("RRULE", rule)


_NEVER_WINDOW_START = 9970  # 30 years before dateutil's last: every kind of year, no century year


def _never_occurs(rule, start: date | datetime) -> bool:
    """Whether ``rule`` (an RRULE value) can never give an occurrence, whenever it starts.

    dateutil looks for the next occurrence of such a rule (``FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30``)
    day by day until the year 9999: seconds of work per rule. Asked from 1 January 9970 instead,
    with no INTERVAL, COUNT or UNTIL, it gives up in 30 years, which hold every kind of year there
    is (each weekday to start on, leap or not), so a day that passes the rule's BY… parts in any
    year passes in one of them. Rules it cannot judge (BYEASTER, which follows no such cycle, or
    one dateutil refuses) are not judged here.
    """
    parts = {key: value for key, value in rule.items() if key not in ("COUNT", "UNTIL", "INTERVAL")}
    if "BYEASTER" in parts or not any(key.startswith("BY") for key in parts):
        return False
    clock_time = start.time().replace(tzinfo=None) if isinstance(start, datetime) else datetime.min.time()
    try:
        text = icalendar.vRecur(parts).to_ical().decode()
        found = rrulestr(text, dtstart=datetime.combine(date(_NEVER_WINDOW_START, 1, 1), clock_time))
        return next(iter(found), None) is None
    except Exception:  # a rule this check cannot read: the expansion judges it (and refuses it if it must)
        return False


def _occurrences(path: Path, calendars: list, events: list, span: tuple[datetime, datetime | None, set[str]],
                 line_of: dict, skipped: list):
    """Every occurrence from the first event's start up to ``until``, series by series, within the
    caps; the repeats of a series without end (UIDs ``open_ended``) only up to when the file was
    ``written`` (``_series_until``).

    A series that cannot be expanded (a rule the library refuses, a time out of its range) is left
    out with its line: the rest of the calendar is still read.
    """
    until, written, open_ended = span
    start = min((_instant(event["DTSTART"].dt) for event in events), default=until)
    if start >= until:
        return
    people_in = {}  # UID -> the most people any of its VEVENTs has
    for event in events:
        attendees = event.get("ATTENDEE", [])
        count = (len(attendees) if isinstance(attendees, list) else 1) + 1
        people_in[str(event["UID"])] = max(count, people_in.get(str(event["UID"]), 0))
    budget = MAX_RECURRING_ATTENDANCES
    for calendar in calendars:
        for series in _series(path, calendar, line_of, skipped):
            people = people_in.get(str(series.uid), 1)
            cap = min(MAX_OCCURRENCES_PER_EVENT, 1 + budget // people)
            try:
                series_until = _series_until(series, until, written) if str(series.uid) in open_ended else until
                stop = _stop(series, series_until, cap)
                found = list(itertools.islice(series.between(start, stop), cap))
            except _EXPANSION_ERRORS as e:
                skipped.append((line_of[str(series.uid)], f"recurring event cannot be expanded ({e}): left out"))
                continue
            budget -= max(len(found) - 1, 0) * people
            if stop < series_until:
                why = (f"Kith's cap of {MAX_OCCURRENCES_PER_EVENT:,} occurrences per event"
                       if cap == MAX_OCCURRENCES_PER_EVENT else
                       f"Kith's cap of {MAX_RECURRING_ATTENDANCES:,} people in recurring occurrences per file")
                skipped.append((line_of[str(series.uid)], f"recurring event stops after {len(found):,} occurrences "
                                f"({why}): those from {stop:%Y-%m-%d %H:%M} on left out"))
            for occurrence in found:
                yield occurrence.as_component(False)


# What expanding a damaged series raises: the libraries' own errors are ValueErrors; a time pushed
# past the year 9999 (a DURATION of centuries) is an OverflowError; dateutil given a rule without
# the parts it needs raises a TypeError.
_EXPANSION_ERRORS = (ValueError, OverflowError, TypeError)


def _series(path: Path, calendar, line_of: dict, skipped: list) -> list:
    """The recurring_ical_events series of ``calendar``; those the library refuses are left out, said at their line."""
    try:
        return recurring_ical_events.of(calendar).series
    except _EXPANSION_ERRORS as e:
        reason = str(e)
    try:
        series = recurring_ical_events.of(calendar, skip_bad_series=True).series
    except _EXPANSION_ERRORS as e:
        raise LoadError(str(path), None, f"cannot expand recurring events: {e}") from None
    read = {str(s.uid) for s in series}
    refused = [event for event in calendar.walk("VEVENT") if str(event["UID"]) not in read]
    why = reason if len({str(event["UID"]) for event in refused}) == 1 else "a rule or a date it refuses"
    for event in refused:
        skipped.append((line_of[str(event["UID"])], f"recurring event cannot be expanded ({why}): "
                                                     f"{_summary(event)!r} left out"))
    return series


def _stop(series, until: datetime, cap: int) -> datetime:
    """``until``, or the start of the series' occurrence after its first ``cap``, if that is earlier.

    Found from the series' rules (its RRULEs, and the set of its RDATEs and DTSTART), walked
    lazily and merged: never more than ``cap`` + 1 starts. Excluded dates and moved instances
    are not taken off, so a series may stop a little short of ``cap``; it never passes it.
    (``recurrence.rrules``: recurring_ical_events 3.8's dateutil rules of the series, the
    version pinned in requirements.txt.)
    """
    seen, last = 0, None
    rules = getattr(series.recurrence, "rrules", ())  # none: moved instances of a series not in the file
    for begins in heapq.merge(*rules):
        if begins == last:  # DTSTART is both the first RRULE start and in the set of RDATEs
            continue
        last, at = begins, _instant(begins)
        if at >= until:
            return until
        if seen == cap:
            return at
        seen += 1
    return until


def _until(options: ParseOptions) -> datetime:
    return utc(options.until) if options.until else clock.now()


def _open_ended(events: list) -> set[str]:
    """The UIDs of the series with a rule that has no end (neither COUNT nor UNTIL)."""
    return {str(event["UID"]) for event in events for rule in _all(event.get("RRULE"))
            if "COUNT" not in rule and "UNTIL" not in rule}


def _series_until(series, until: datetime, written: datetime | None) -> datetime:
    """Up to when a series without end is read: its repeats up to when the file was ``written``,
    its first occurrence up to ``until`` (``options.until``, else now).

    A calendar says what was planned when it was exported, no more: a weekly meeting with no
    end, exported in 2019 and imported in 2026, would otherwise become seven years of meetings
    nobody knows happened (the series may have ended the week after). A series with a COUNT or
    an UNTIL says itself when it ends, and a meeting planned for after the export (an
    invitation, stamped when it was sent) is one the file does say: those are read as planned,
    up to ``until``. When the file was written is the latest DTSTAMP, LAST-MODIFIED
    or CREATED in it (``_written``: Google and Outlook stamp every event with the export's time,
    a CalDAV store with each event's last change, so the latest is when the calendar last changed).
    """
    if written is None or written >= until:
        return until
    first = next(iter(heapq.merge(*getattr(series.recurrence, "rrules", ()))), None)
    if first is None:  # moved instances of a series not in the file: each is an event of its own
        return until
    return min(until, max(written, _instant(first) + timedelta(seconds=1)))


_STAMPS = ("DTSTAMP", "LAST-MODIFIED", "CREATED")


def _written(calendars: list) -> datetime | None:
    """The latest time stamp in ``calendars`` (``_STAMPS``), None if none is readable."""
    stamps = [_instant(value.dt) for calendar in calendars for component in calendar.walk()
              for name in _STAMPS for value in _all(component.get(name)) if isinstance(getattr(value, "dt", None), date)]
    return max(stamps, default=None)


def _all(value) -> list:
    return value if isinstance(value, list) else [] if value is None else [value]


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
    if email and _is_no_one(email):
        return None
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


def _is_no_one(email: str) -> bool:
    """Whether ``email`` is a calendar, a room or a list rather than a person (``_NOT_A_PERSON``)."""
    local, _, domain = email.rpartition("@")
    return bool(_CALENDAR_DOMAIN.search(domain) or _NOT_A_PERSON.fullmatch(local))


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
