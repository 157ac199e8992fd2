"""Editing one person by hand (``kith person set``, the dashboard's Person form): the pure part.

``person_edit`` checks what the user typed and puts it in the form the graph keeps
(canonical tags, E.164 phones, lower-case emails, a parsed birthday), so a bad value
is refused before anything is written. ``plan_edit`` then works out, from the
person's stored properties and named lists, the full new property map, the named
things to attach and detach, and a line for each change. ``Store.edit_person`` runs
that in one transaction. Nothing here touches the database.

The new property map starts from *all* the stored properties, so what an edit does
not name (``also_*`` alternates, ``sources``, ``name_key`` …) is kept as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from graph.model import Birthday, canonical_tag, fold, normalize_email, normalize_phone, slug
from kith.errors import InvalidRecord

# Become (:Skill), (:Tag) … nodes; edited through relationships.
NAMED = ("skills", "needs", "interests", "tags")
# List properties of the Person node.
LISTS = ("children", "openers", "emails", "phones")
SCALARS = ("company", "title", "location", "notes", "health_notes", "birthday", "cadence_days")
SINGULAR = {"skills": "skill", "needs": "need", "interests": "interest", "tags": "tag", "children": "child",
            "openers": "opener", "emails": "email", "phones": "phone"}
LABEL = {"health_notes": "health notes", "cadence_days": "cadence"}
_BIRTH_PARTS = ("birth_month", "birth_day", "birth_year")


@dataclass
class PersonEdit:
    """What to change: values to add and remove per list, scalars to set (``None`` clears one)."""

    add: dict[str, list[str]] = field(default_factory=dict)
    remove: dict[str, list[str]] = field(default_factory=dict)
    set: dict[str, Any] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return any(self.add.values()) or any(self.remove.values()) or bool(self.set)


@dataclass
class EditPlan:
    props: dict[str, Any]                # the person's whole new property map
    attach: dict[str, list[str]]         # named list -> names to attach
    detach: dict[str, list[str]]         # named list -> names (as stored) to detach
    changes: list[str]                   # one line per change, for the CLI and the dashboard


def person_edit(add: dict[str, list[str]] | None = None, remove: dict[str, list[str]] | None = None,
                set: dict[str, Any] | None = None, *, region: str | None = "GB") -> PersonEdit:
    """A checked, normalised ``PersonEdit``; ``InvalidRecord`` names the first bad value.

    Scalars: ``""`` or ``None`` clears; ``birthday`` is ``YYYY-MM-DD`` or ``--MM-DD``;
    ``cadence_days`` is a whole number of days, 0 clearing it.
    """
    edit = PersonEdit()
    for target, given in ((edit.add, add or {}), (edit.remove, remove or {})):
        for attr, values in given.items():
            if attr not in SINGULAR:
                raise InvalidRecord(f"a person has no list {attr!r}")
            cleaned = [_clean(attr, v, region) for v in values]
            if cleaned:
                target[attr] = list(dict.fromkeys(cleaned))
    for attr in edit.add.keys() & edit.remove.keys():
        both = [v for v in edit.add[attr] if _key(attr, v) in {_key(attr, x) for x in edit.remove[attr]}]
        if both:
            raise InvalidRecord(f"{SINGULAR[attr]} {both[0]!r} is both added and removed")
    for attr, value in (set or {}).items():
        if attr not in SCALARS:
            raise InvalidRecord(f"a person has no field {attr!r} to set")
        edit.set[attr] = _scalar(attr, value)
    return edit


def _clean(attr: str, value: str, region: str | None) -> str:
    what = SINGULAR[attr]
    text = " ".join(str(value).split())
    if attr == "tags":
        text = canonical_tag(text)
    elif attr == "emails":
        from loaders._fields import is_email  # the one email check every loader uses

        text = normalize_email(text)
        if text and not is_email(text):
            raise InvalidRecord(f"email {value!r} is not an address")
    elif attr == "phones" and text:
        try:
            text = normalize_phone(text, region)
        except ValueError as e:
            raise InvalidRecord(str(e)) from None
    if not text:
        raise InvalidRecord(f"the {what} is empty")
    return text


def _scalar(attr: str, value: Any) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if attr == "birthday":
        if isinstance(value, Birthday):
            return value
        try:
            return Birthday.parse(str(value))
        except ValueError as e:
            raise InvalidRecord(str(e)) from None
    if attr == "cadence_days":
        try:
            days = int(value)
        except (TypeError, ValueError):
            raise InvalidRecord(f"cadence {value!r} is not a whole number of days") from None
        if days < 0 or days != float(value):
            raise InvalidRecord(f"cadence {value!r} is not a whole number of days (0 clears it)")
        return days or None
    return " ".join(str(value).split()) if attr != "notes" and attr != "health_notes" else str(value).strip()


def _key(attr: str, value: str) -> str:
    """What makes two values one: the node id for named things, case and accents ignored for text."""
    if attr in NAMED:
        return slug(value)
    return value if attr in ("emails", "phones") else fold(value)


def plan_edit(props: dict[str, Any], named: dict[str, list[str]], edit: PersonEdit, *,
              source: str | None = None) -> EditPlan:
    """The new properties and relationships of one person, and what changed; ``InvalidRecord`` when
    something to remove is not there (a typo should not pass for a change)."""
    new = dict(props)
    attach: dict[str, list[str]] = {}
    detach: dict[str, list[str]] = {}
    changes: list[str] = []
    name = props.get("name", props.get("id"))
    for attr in (*NAMED, *LISTS):
        current = list(named.get(attr) or []) if attr in NAMED else list(props.get(attr) or [])
        keys = {_key(attr, v): v for v in current}
        gone = []
        for value in edit.remove.get(attr, []):
            if _key(attr, value) not in keys:
                have = ", ".join(current) or "none"
                raise InvalidRecord(f"{name} has no {SINGULAR[attr]} {value!r} ({attr}: {have})")
            gone.append(keys.pop(_key(attr, value)))
        added = [v for v in edit.add.get(attr, []) if _key(attr, v) not in keys]
        for v in added:
            keys[_key(attr, v)] = v
        if attr in NAMED:
            attach[attr], detach[attr] = added, gone
        elif added or gone:
            kept = [v for v in current if v not in gone] + added
            if kept:
                new[attr] = kept
            else:
                new.pop(attr, None)
        if added:
            changes.append(f"{_label(attr)}: + {', '.join(added)}")
        if gone:
            changes.append(f"{_label(attr)}: - {', '.join(gone)}")
    for attr, value in edit.set.items():
        line = _set_scalar(new, attr, value)
        if line:
            changes.append(line)
    if changes and source and source not in (new.get("sources") or []):
        new["sources"] = [*(new.get("sources") or []), source]
    return EditPlan(new, {k: v for k, v in attach.items() if v}, {k: v for k, v in detach.items() if v}, changes)


def _set_scalar(props: dict[str, Any], attr: str, value: Any) -> str | None:
    """Set (or, for ``None``, clear) one scalar in ``props``; the change as a line, or None if there is none."""
    old = props.get(attr)
    new = str(value) if attr == "birthday" and value is not None else value
    if _shown(old) == _shown(new):
        return None
    if attr == "birthday":  # its searchable parts go with it
        for part in _BIRTH_PARTS:
            props.pop(part, None)
        if value is not None:
            props.update(birth_month=value.month, birth_day=value.day)
            if value.year:
                props["birth_year"] = value.year
    if new is None:
        props.pop(attr, None)
    else:
        props[attr] = new
    label = _label(attr)
    if attr == "health_notes":  # sensitive: the CLI and the dashboard never echo them
        return f"{label}: {'cleared' if new is None else 'updated' if old else 'set'}"
    show = (lambda v: f"every {v} days") if attr == "cadence_days" else _shown
    if new is None:
        return f"{label}: cleared (was {show(old)})"
    return f"{label}: {show(old)} -> {show(new)}" if old is not None else f"{label}: {show(new)}"


def _shown(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)


def _label(attr: str) -> str:
    return LABEL.get(attr, attr)


def edit_towards(current: dict[str, list[str]], wanted: dict[str, list[str]]) -> tuple[dict, dict]:
    """The adds and removes that turn each list in ``current`` into the one in ``wanted`` (the dashboard's
    form gives whole lists). Values compare as ``plan_edit`` compares them."""
    add, remove = {}, {}
    for attr, values in wanted.items():
        have = {_key(attr, v): v for v in current.get(attr) or []}
        want = {_key(attr, canonical_tag(v) if attr == "tags" else v): v for v in values if v.strip()}
        add[attr] = [v for k, v in want.items() if k not in have]
        remove[attr] = [v for k, v in have.items() if k not in want]
    return add, remove
