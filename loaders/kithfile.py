"""Kith's own history format, for what was kept in a spreadsheet: people, interactions, favors,
introductions and who knows whom.

Two spellings of one format (documented in ``loaders/KITH_FORMAT.md``): a CSV whose ``record``
column says what each row is, and a JSON object with one array per record type. Both go through
``_Builder``, so they accept and refuse exactly the same things. The file is written by hand, so it
is checked strictly: a misspelt kind or a column that does not apply is an error naming the line,
never a silent guess. The closed lists (channels, kinds, statuses …) are the model's: each row is
checked by building the ``graph.model`` record it will become, so this loader holds no copy of them.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, time, timezone
from pathlib import Path

from graph.model import Favor, Interaction, Introduction, check_choice, utc
from kith.errors import InvalidRecord
from loaders._csvutil import open_table
from loaders._fields import (
    Skipped,
    clean_birthday,
    clean_emails,
    clean_phones,
    clean_tags,
    contact_name,
    join_name,
    split_values,
    text_ref,
    unique,
)
from loaders.ids import UniqueIds, contact_key, digest
from loaders.limits import MAX_JSON_DEPTH
from loaders.records import (
    ME,
    Activity,
    Contact,
    FavorRow,
    IntroductionRow,
    LoadError,
    ParsedFile,
    ParseOptions,
    Tie,
)
from loaders.text import line_at, read_text

SOURCE = "kith"
COLUMNS = ("record", "id", "at", "name", "email", "phone", "with", "channel", "kind", "summary", "direction",
           "status", "outcome", "note", "a", "b", "since", "context", "company", "title", "birthday", "tags",
           "location", "skills", "needs", "interests", "children", "health_notes", "openers", "cadence")
# What the analytics use about a person beyond who they are (skills and needs for introductions,
# cadence for keep-in-touch …): person records only, lists `;`-separated.
PERSON_LISTS = ("skills", "needs", "interests", "children", "openers")
LIST_FIELDS = frozenset({"email", "phone", "with", "tags", *PERSON_LISTS})
LIST_SEPARATOR = ";"
# record type -> (the fields it takes, the fields it needs)
FIELDS = {
    "person": ({"id", "name", "email", "phone", "company", "title", "birthday", "tags", "note", "context",
                "since", "location", "health_notes", "cadence", *PERSON_LISTS}, set()),
    "interaction": ({"id", "at", "with", "channel", "kind", "summary", "direction"}, {"at", "with", "channel"}),
    "favor": ({"id", "at", "with", "direction", "kind", "status", "note"}, {"at", "with", "direction", "kind"}),
    "introduction": ({"id", "at", "a", "b", "with", "status", "outcome", "note"}, {"at", "a", "b"}),
    "knows": ({"a", "b", "since", "context"}, {"a", "b"}),
}
# JSON array -> record type; people first, as in a CSV written top-down.
JSON_ARRAYS = {"people": "person", "interactions": "interaction", "favors": "favor",
               "introductions": "introduction", "knows": "knows"}
# Who reached out, for an interaction: the owner ("out") or the first person in `with` ("in").
INTERACTION_DIRECTIONS = ("out", "in")
DEFAULT_KIND = "catch-up"


def is_kith_header(columns: set[str]) -> bool:
    return "record" in columns


def parse_csv(path: Path, options: ParseOptions) -> ParsedFile:
    table = open_table(path, is_kith_header, "Kith CSV", max_bytes=options.max_bytes)
    unknown = sorted(table.columns - set(COLUMNS))
    if unknown:
        raise LoadError(str(path), table.line, f"unknown column {unknown[0]!r}; a Kith CSV has {', '.join(COLUMNS)}")
    builder = _Builder(ParsedFile(str(path), "kith-csv"), options)
    for row in table.rows:
        record = row["record"].lower()
        fields = {}
        for column in COLUMNS[1:]:
            if row[column]:
                fields[column] = split_values(row[column], LIST_SEPARATOR) if column in LIST_FIELDS else row[column]
        try:
            builder.add(record, fields, row.line, "")
        except InvalidRecord as e:
            raise LoadError(str(path), row.line, str(e)) from None
    return builder.parsed


def load_json(text: str, where: str):
    """``text`` parsed as JSON, or LoadError at the line where it is not valid or nests too deep.

    Python's parser recurses once per level: a file nested thousands deep would exhaust the
    stack (RecursionError) rather than be refused like any other broken file.
    """
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise LoadError(where, e.lineno, f"not valid JSON ({e.msg})") from None
    except RecursionError:
        pass  # out of the except clause: the line is found on a stack that is not full
    at = _too_deep(text)
    raise LoadError(where, line_at(text, at) if at is not None else None,
                    f"JSON nested more than {MAX_JSON_DEPTH} levels deep: not a Kith file")


_JSON_NESTING = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _too_deep(text: str) -> int | None:
    """Where ``text`` opens its (MAX_JSON_DEPTH + 1)-th nested array or object, if it does."""
    depth = 0
    for m in _JSON_NESTING.finditer(text):
        token = m.group()[0]
        if token in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                return m.start()
        elif token in "]}":
            depth -= 1
    return None


def parse_json(path: Path, options: ParseOptions) -> ParsedFile:
    data = load_json(read_text(path, max_bytes=options.max_bytes), str(path))
    arrays = ", ".join(JSON_ARRAYS)
    if not isinstance(data, dict):
        raise LoadError(str(path), 1, f"expected a JSON object with arrays {arrays}")
    unknown = sorted(set(data) - set(JSON_ARRAYS))
    if unknown:
        raise LoadError(str(path), None, f"unknown key {unknown[0]!r}; a Kith JSON file has {arrays}")
    builder = _Builder(ParsedFile(str(path), "kith-json"), options)
    for array, record in JSON_ARRAYS.items():
        items = data.get(array, [])
        if not isinstance(items, list):
            raise LoadError(str(path), None, f"{array} must be an array")
        for position, item in enumerate(items, start=1):
            where = f"{array}[{position}]: "
            try:
                builder.add(record, _json_fields(item), position, where)
            except InvalidRecord as e:
                raise LoadError(str(path), position, f"{where}{e}") from None
    return builder.parsed


def _json_fields(item: object) -> dict[str, str | list[str]]:
    """An item's fields in the CSV's shape: strings, and lists of strings for the list fields."""
    if not isinstance(item, dict):
        raise InvalidRecord("expected an object")
    fields: dict[str, str | list[str]] = {}
    for name, value in item.items():
        if name == "cadence" and isinstance(value, int) and not isinstance(value, bool):
            value = str(value)  # a number of days: 30 or "30"
        if name in LIST_FIELDS and isinstance(value, list) and all(isinstance(v, str) for v in value):
            values = [v.strip() for v in value if v.strip()]
        elif isinstance(value, str):
            values = split_values(value, LIST_SEPARATOR) if name in LIST_FIELDS else value.strip()
        else:
            kind = "a string or a list of strings" if name in LIST_FIELDS else "a string"
            raise InvalidRecord(f"{name!r} must be {kind}")
        if values:
            fields[name] = values
    return fields


class _Builder:
    """Turns one record's fields into records of ``parsed``; raises ``InvalidRecord`` for a bad record.

    The caller turns ``InvalidRecord`` into a ``LoadError`` that says where the record is.
    """

    def __init__(self, parsed: ParsedFile, options: ParseOptions):
        self.parsed, self.options = parsed, options
        self.generated_ids = UniqueIds()
        self.given_ids: dict[tuple[str, str], int] = {}  # (record, id) -> line

    def add(self, record: str, fields: dict, line: int, where: str) -> None:
        if record not in FIELDS:
            raise InvalidRecord(f"record {record!r} is not one of {', '.join(FIELDS)}")
        takes, needs = FIELDS[record]
        extra = sorted(set(fields) - takes)
        if extra:
            raise InvalidRecord(f"{extra[0]!r} does not apply to {record} records")
        missing = sorted(needs - set(fields))
        if missing:
            raise InvalidRecord(f"{missing[0]!r} is required in {record} records")
        skipped: Skipped = []
        getattr(self, f"_{record}")(fields, line, skipped)
        self.parsed.skipped += [(n, where + reason) for n, reason in skipped]

    def _person(self, f: dict, line: int, skipped: Skipped) -> None:
        emails = clean_emails(f.get("email", []), line, skipped)
        name = contact_name(join_name(f.get("name", "")), emails, line, "person", skipped)
        if name is None:
            return
        phones = clean_phones(f.get("phone", []), self.options, line, skipped)
        self.parsed.contacts.append(Contact(
            source=SOURCE,
            source_id=self._source_id("person", f, line, contact_key(emails, phones, name)),
            line=line,
            name=name,
            emails=emails,
            phones=phones,
            birthday=clean_birthday(f.get("birthday", ""), line, skipped),
            company=f.get("company"),
            title=f.get("title"),
            notes=f.get("note"),
            tags=clean_tags(f.get("tags", [])),
            met_how=f.get("context"),
            connected_on=self._optional_date(f, "since", line, skipped),
            location=f.get("location"),
            health_notes=f.get("health_notes"),
            cadence_days=_cadence(f.get("cadence")),
            **{attr: unique(f.get(attr, [])) for attr in PERSON_LISTS},
        ))

    def _interaction(self, f: dict, line: int, skipped: Skipped) -> None:
        at = _instant(f["at"])
        others = [r for r in dict.fromkeys(self._ref(text, "with") for text in f["with"]) if r != ME]
        if not others:
            raise InvalidRecord("'with' names nobody but you")
        channel, kind, direction = _lower(f, "channel"), _lower(f, "kind", DEFAULT_KIND), _lower(f, "direction")
        if direction is not None:  # this file's own field: who reached out
            check_choice("interaction", "direction", direction, INTERACTION_DIRECTIONS)
        participants = [ME, *others]
        summary = f.get("summary")
        Interaction("", at, participants, channel=channel, kind=kind)  # the model refuses an unknown kind
        self.parsed.activities.append(Activity(
            source=SOURCE,
            source_id=self._source_id("interaction", f, line, "i-" + digest(
                at.isoformat(), *sorted(participants), channel, kind, summary or "")),
            line=line,
            at=at,
            participants=participants,
            channel=channel,
            kind=kind,
            summary=summary,
            initiated_by={"out": ME, "in": others[0]}.get(direction),
        ))

    def _favor(self, f: dict, line: int, skipped: Skipped) -> None:
        at = _instant(f["at"])
        person = self._one_ref(f, "with")
        if person == ME:
            raise InvalidRecord("a favor is between you and someone else: 'with' names you")
        direction, kind, status = _lower(f, "direction"), f["kind"], _lower(f, "status", "pending")
        Favor("", at, person, direction, kind, status)  # the model refuses an unknown direction or status
        self.parsed.favors.append(FavorRow(
            source_id=self._source_id("favor", f, line, "f-" + digest(at.isoformat(), person, direction, kind)),
            line=line,
            at=at,
            person=person,
            direction=direction,
            kind=kind,
            status=status,
            note=f.get("note"),
        ))

    def _introduction(self, f: dict, line: int, skipped: Skipped) -> None:
        at = _instant(f["at"])
        a, b = self._pair(f)
        made_by, status = self._one_ref(f, "with") if "with" in f else ME, _lower(f, "status", "made")
        Introduction("", at, a, b, made_by, status)  # the model refuses an unknown status
        self.parsed.introductions.append(IntroductionRow(
            source_id=self._source_id("introduction", f, line, "n-" + digest(at.isoformat(), *sorted((a, b)))),
            line=line,
            at=at,
            a=a,
            b=b,
            made_by=made_by,
            status=status,
            outcome=f.get("outcome"),
            note=f.get("note"),
        ))

    def _knows(self, f: dict, line: int, skipped: Skipped) -> None:
        a, b = self._pair(f)
        self.parsed.ties.append(Tie(a=a, b=b, line=line, since=self._optional_date(f, "since", line, skipped),
                                    context=f.get("context")))

    # -- fields ----------------------------------------------------------------------------

    def _ref(self, text: str, field: str) -> str:
        try:
            return text_ref(text, self.options)
        except ValueError as e:
            raise InvalidRecord(f"{field}: {e}") from None

    def _one_ref(self, f: dict, field: str) -> str:
        values = f[field]
        if len(values) != 1:
            raise InvalidRecord(f"{field!r} must name one person, not {len(values)}")
        return self._ref(values[0], field)

    def _pair(self, f: dict) -> tuple[str, str]:
        a, b = self._ref(f["a"], "a"), self._ref(f["b"], "b")
        if a == b:
            raise InvalidRecord("'a' and 'b' are the same person")
        return a, b

    def _source_id(self, record: str, f: dict, line: int, generated: str) -> str:
        """The row's own ``id`` (which must be unique), else an id made from what the row says."""
        given = f.get("id")
        if given is None:
            return self.generated_ids(generated)
        first = self.given_ids.setdefault((record, given), line)
        if first != line:
            raise InvalidRecord(f"id {given!r} is used twice (first at {first})")
        return given

    @staticmethod
    def _optional_date(f: dict, field: str, line: int, skipped: Skipped) -> date | None:
        text = f.get(field)
        if text is None:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            skipped.append((line, f"{field} left out: {text!r} is not a date like 2019-06-01"))
            return None


def _instant(text: str) -> datetime:
    """``2024-03-05``, ``2024-03-05 18:30`` or full ISO 8601; no zone means UTC.

    A bare date is taken as noon UTC, so that it shows as the same day in every time zone.
    """
    try:
        return datetime.combine(date.fromisoformat(text), time(12), timezone.utc)
    except ValueError:
        pass
    try:
        return utc(datetime.fromisoformat(text))
    except ValueError:
        raise InvalidRecord(f"at {text!r} is not a date or time like 2024-03-05 or 2024-03-05 18:30") from None


def _cadence(text: str | None) -> int | None:
    """Keep in touch every N days: a whole number of days, or nothing."""
    if text is None:
        return None
    if not text.isdigit() or int(text) == 0:
        raise InvalidRecord(f"cadence {text!r} is not a whole number of days like 30")
    return int(text)


def _lower(f: dict, field: str, default: str | None = None) -> str | None:
    """A choice field's value, lower-cased (a hand-typed ``Call`` is ``call``); ``default`` when absent."""
    return f[field].lower() if field in f else default
