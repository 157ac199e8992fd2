"""Merging two records of one person, and undoing it: the pure part.

``Store.merge`` reads both people whole (properties and every relationship),
asks ``plan_merge`` what to write, and writes it in one transaction together
with a ``(:Merge)`` node holding ``MergePlan.snapshot``. ``Store.undo_merge``
reads that snapshot back and asks ``plan_undo`` what to write. Nothing here
touches the database, so the rules can be read (and tested) on their own:

- ``keep`` keeps its values. A property only ``drop`` has moves over; where both
  differ, drop's value becomes an alternate (``also_<field>``, as imports do);
  lists are unioned.
- Every relationship of ``drop`` moves to ``keep``. Where keep already has the
  same one (same type, same node at the other end; for WORKS_AT the same title),
  the two become one: keep's properties win, drop's fill the gaps. A
  relationship between keep and drop (they KNOW each other …) disappears.
- The snapshot holds drop as it was, keep's properties as they were, and, for
  every relationship the merge wrote on keep, what keep had there before
  (nothing, or its old properties). Undo recreates drop, deletes what was new on
  keep, puts back what was changed, and restores keep's properties: the graph
  is as before the merge.

Snapshots are JSON; Neo4j's temporal and spatial values do not survive plain
JSON, so they travel as tagged objects (see ``dumps``/``loads``).
"""

from __future__ import annotations

import base64
import json
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import neo4j.spatial
import neo4j.time

from graph import queries as Q
from kith.errors import MergeError  # also importable as graph.merge.MergeError, as before

SNAPSHOT_VERSION = 1

# Kept in step with their source field: taking drop's birthday takes its month,
# day and year too, and never a year on its own.
DERIVED = {"name_key": "name", "birth_month": "birthday", "birth_day": "birthday", "birth_year": "birthday"}
NEVER_MOVED = {"id", "me"}


@dataclass(frozen=True)
class RelKind(Q.PersonRel):
    """One kind of relationship a merge moves: its statements (``put``, ``delete``) and its merge rule.

    Kinds Kith can move are exactly ``queries.PERSON_RELS``; only the rule below is the merge's own.
    """

    # Properties whose absence says something (no `until`: still there), so a gap in
    # keep's copy is never filled from drop's.
    meaningful_gaps: tuple[str, ...] = ()


MEANINGFUL_GAPS = {"WORKS_AT": ("until",), "STUDIED_AT": ("until",)}
KINDS = [RelKind(**asdict(r), meaningful_gaps=MEANINGFUL_GAPS.get(r.type, ())) for r in Q.PERSON_RELS]
_BY_TYPE_LABEL = {(k.type, k.label): k for k in KINDS}


@dataclass(frozen=True)
class Rel:
    """A relationship as seen from one person: ``out`` when that person is its start node."""

    type: str
    out: bool
    other: str
    label: str
    props: dict[str, Any]

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Rel:
        """A PERSON_RELATIONSHIPS row; the label is the one Kith knows for this type."""
        labels = row["labels"] or []
        label = next((lb for lb in labels if (row["type"], lb) in _BY_TYPE_LABEL), labels[0] if labels else "?")
        return cls(row["type"], bool(row["out"]), row["other"], label, dict(row["props"] or {}))

    def as_dict(self) -> dict[str, Any]:
        return {"type": self.type, "out": self.out, "other": self.other, "label": self.label, "props": self.props}

    def describe(self) -> str:
        arrow = f"-[:{self.type}]->" if self.out else f"<-[:{self.type}]-"
        return f"{arrow}(:{self.label} {{id: {self.other!r}}})"


@dataclass
class Write:
    """One PUT_REL_*/DELETE_REL_* row: ``start`` -> ``end`` with exactly ``props``."""

    kind: RelKind
    start: str
    end: str
    props: dict[str, Any]

    def row(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "props": self.props}


@dataclass
class MergePlan:
    keep_props: dict[str, Any]
    puts: list[Write]
    initiated: list[str]  # interactions drop initiated: keep did, now
    snapshot: dict[str, Any]


@dataclass
class UndoPlan:
    keep: str
    drop: str
    keep_props: dict[str, Any]
    drop_props: dict[str, Any]
    puts: list[Write] = field(default_factory=list)      # drop's relationships, and keep's old ones
    deletes: list[Write] = field(default_factory=list)   # what only drop had brought to keep
    initiated: list[str] = field(default_factory=list)   # interactions drop initiated, back to drop


# -- properties -------------------------------------------------------------------------


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def _union(first: list, second: list) -> list:
    return [*first, *(v for v in second if v not in first)]


def merge_properties(keep: dict[str, Any], drop: dict[str, Any]) -> dict[str, Any]:
    """keep's properties with drop's folded in (see the module docstring)."""
    merged = dict(keep)
    for key, value in drop.items():
        if key in NEVER_MOVED or key in DERIVED or _empty(value):
            continue
        current = merged.get(key)
        if _empty(current):
            merged[key] = value
            merged.update({d: drop[d] for d, source in DERIVED.items() if source == key and d in drop})
        elif isinstance(current, list) and isinstance(value, list):
            merged[key] = _union(current, value)
        elif current != value:
            also = f"also_{key}"
            merged[also] = _union(merged.get(also) or [], value if isinstance(value, list) else [value])
    if keep.get("connected_on") and drop.get("connected_on"):  # ISO dates: the earliest is when you connected
        merged["connected_on"] = min(keep["connected_on"], drop["connected_on"])
        merged["also_connected_on"] = [v for v in merged.get("also_connected_on") or [] if v != merged["connected_on"]]
    # An alternate equal to the value itself says nothing.
    for key in [k for k in merged if k.startswith("also_") and isinstance(merged[k], list)]:
        main = merged.get(key[len("also_"):])
        merged[key] = [v for v in merged[key] if v != main]
        if not merged[key]:
            del merged[key]
    return merged


# -- relationships ---------------------------------------------------------------------------


def kind_of(rel: Rel) -> RelKind:
    kind = _BY_TYPE_LABEL.get((rel.type, rel.label))
    if kind is None or rel.other is None or (kind.person_starts is not None and kind.person_starts != rel.out):
        raise MergeError(f"Kith does not know how to move the relationship {rel.describe()}")
    return kind


def _identity(kind: RelKind, other: str, out: bool, props: dict[str, Any]) -> tuple:
    """What makes two relationships of one person the same one (direction only counts one way)."""
    direction = None if kind.person_starts is None else out
    return (kind.type, kind.label, other, direction, *(props.get(k) or "" for k in kind.key))


def _ends(person: str, rel: Rel) -> tuple[str, str]:
    return (person, rel.other) if rel.out else (rel.other, person)


def plan_merge(keep_props: dict[str, Any], drop_props: dict[str, Any],
               keep_rels: list[Rel], drop_rels: list[Rel], initiated: list[str] = ()) -> MergePlan:
    """What to write to merge ``drop`` into ``keep``; raises MergeError if it cannot be exact.

    ``initiated``: the interactions whose ``initiated_by`` is drop.
    """
    keep = keep_props["id"]
    for rel in drop_rels:
        kind_of(rel)  # refuse before anything is written, not half way
    # keep's relationships as they are, by identity; updated as drop's are folded in.
    # (Kinds Kith does not know can never be the same as one of drop's: they stay as they are.)
    current: dict[tuple, tuple[str, str, dict]] = {}
    for rel in keep_rels:
        kind = _BY_TYPE_LABEL.get((rel.type, rel.label))
        if kind is not None:
            current.setdefault(_identity(kind, rel.other, rel.out, rel.props), (*_ends(keep, rel), rel.props))
    before: dict[tuple, dict | None] = {}
    for rel in drop_rels:
        if rel.other == keep:
            continue  # between the two of them: it disappears with drop
        kind = kind_of(rel)
        ident = _identity(kind, rel.other, rel.out, rel.props)
        if ident in current:
            start, end, props = current[ident]
            before.setdefault(ident, {"start": start, "end": end, "props": props})
            gaps = {k: v for k, v in rel.props.items() if k not in kind.meaningful_gaps}
            if kind.type == "KNOWS" and props.get("source") == "inferred" and rel.props.get("source") != "inferred":
                props, gaps = gaps, props  # a stated tie is someone's word: it wins over Kith's guess
            current[ident] = (start, end, {**gaps, **props})  # keep's values win, drop's fill gaps
        else:
            before.setdefault(ident, None)
            current[ident] = (*_ends(keep, rel), rel.props)
    puts = [Write(_BY_TYPE_LABEL[ident[:2]], *current[ident]) for ident in before]
    snapshot = {
        "version": SNAPSHOT_VERSION,
        "keep": keep_props,
        "drop": drop_props,
        "drop_rels": [r.as_dict() for r in drop_rels],
        "initiated_by": sorted(initiated),
        # Every relationship the merge writes on keep, with what keep had there before.
        "keep_links": [{"type": w.kind.type, "label": w.kind.label, "start": w.start, "end": w.end,
                        "props": w.props, "before": before[ident]} for ident, w in zip(before, puts)],
    }
    return MergePlan(merge_properties(keep_props, drop_props), puts, sorted(initiated), snapshot)


def plan_undo(snapshot: dict[str, Any]) -> UndoPlan:
    """What to write to put the graph back as it was before the merge that took ``snapshot``."""
    if snapshot.get("version") != SNAPSHOT_VERSION:
        raise MergeError(f"this merge was recorded in an unknown format ({snapshot.get('version')!r})")
    keep, drop = snapshot["keep"], snapshot["drop"]
    plan = UndoPlan(keep["id"], drop["id"], keep, drop, initiated=snapshot["initiated_by"])
    for link in snapshot["keep_links"]:
        kind = _BY_TYPE_LABEL[(link["type"], link["label"])]
        old = link["before"]
        if old is None:
            plan.deletes.append(Write(kind, link["start"], link["end"], link["props"]))
        else:
            plan.puts.append(Write(kind, old["start"], old["end"], old["props"]))
    for d in snapshot["drop_rels"]:
        rel = Rel(d["type"], d["out"], d["other"], d["label"], d["props"])
        plan.puts.append(Write(kind_of(rel), *_ends(drop["id"], rel), rel.props))
    return plan


def people_in(snapshot: dict[str, Any]) -> set[str]:
    """Every person a merge touched: undoing it is only exact while they are all still there."""
    ids = {snapshot["keep"]["id"], snapshot["drop"]["id"]}
    return ids | {d["other"] for d in snapshot["drop_rels"] if d["label"] == "Person"}


# -- snapshots as JSON ---------------------------------------------------------------------------

_TAG = "__neo4j__"


def _tagged(value: Any) -> Any:
    """``value`` with every non-JSON value replaced by a tagged stand-in.

    A walk of its own rather than json's ``default=``: Points and Durations are
    tuples, which json would quietly write as plain lists.
    """
    if value is None or type(value) in (str, int, float, bool):
        return value
    if isinstance(value, dict):
        return {k: _tagged(v) for k, v in value.items()}
    if type(value) in (list, tuple):
        return [_tagged(v) for v in value]
    return _encode(value)


def _encode(value: Any) -> dict[str, Any]:
    """A JSON stand-in for a value json cannot write: a tag plus an exact text form."""
    if isinstance(value, (datetime, neo4j.time.DateTime)):
        dt = neo4j.time.DateTime.from_native(value) if isinstance(value, datetime) else value
        zone = getattr(dt.tzinfo, "zone", None) or getattr(dt.tzinfo, "key", None)
        return {_TAG: "datetime", "value": dt.iso_format(), **({"zone": zone} if isinstance(zone, str) else {})}
    if isinstance(value, (date, neo4j.time.Date)):
        d = neo4j.time.Date.from_native(value) if isinstance(value, date) else value
        return {_TAG: "date", "value": d.iso_format()}
    if isinstance(value, (time, neo4j.time.Time)):
        t = neo4j.time.Time.from_native(value) if isinstance(value, time) else value
        return {_TAG: "time", "value": t.iso_format()}
    if isinstance(value, (timedelta, neo4j.time.Duration)):
        d = (neo4j.time.Duration(days=value.days, seconds=value.seconds, microseconds=value.microseconds)
             if isinstance(value, timedelta) else value)
        return {_TAG: "duration", "value": d.iso_format()}
    if isinstance(value, neo4j.spatial.Point):
        return {_TAG: "point", "srid": value.srid, "coords": list(value)}
    if isinstance(value, (bytes, bytearray)):
        return {_TAG: "bytes", "value": base64.b64encode(value).decode()}
    raise MergeError(f"cannot keep a value of type {type(value).__name__} in a merge snapshot")


def _point(srid: int, coords: list[float]) -> neo4j.spatial.Point:
    for cls in (neo4j.spatial.CartesianPoint, neo4j.spatial.WGS84Point):
        point = cls(coords)
        if point.srid == srid:
            return point
    raise MergeError(f"unknown point SRID {srid} in a merge snapshot")


def _decode(obj: dict[str, Any]) -> Any:
    tag = obj.get(_TAG)
    if tag is None:
        return obj
    if tag == "datetime":
        dt = neo4j.time.DateTime.from_iso_format(obj["value"])
        if "zone" in obj:
            import pytz  # the driver's own time zone library

            dt = dt.as_timezone(pytz.timezone(obj["zone"]))
        return dt
    if tag == "date":
        return neo4j.time.Date.from_iso_format(obj["value"])
    if tag == "time":
        return neo4j.time.Time.from_iso_format(obj["value"])
    if tag == "duration":
        return neo4j.time.Duration.from_iso_format(obj["value"])
    if tag == "point":
        return _point(obj["srid"], obj["coords"])
    if tag == "bytes":
        return base64.b64decode(obj["value"])
    raise MergeError(f"unknown value type {tag!r} in a merge snapshot")


def dumps(snapshot: dict[str, Any]) -> str:
    return json.dumps(_tagged(snapshot), ensure_ascii=False, sort_keys=True)


def loads(text: str) -> dict[str, Any]:
    return json.loads(text, object_hook=_decode)


# -- forgetting someone a merge touched -------------------------------------------------------


def about(snapshot: dict[str, Any], person_id: str) -> bool:
    """True when the merge was of ``person_id``'s own records: the snapshot is all about them."""
    return person_id in (snapshot.get("keep", {}).get("id"), snapshot.get("drop", {}).get("id"))


def without(snapshot: dict[str, Any], gone: set[str]) -> dict[str, Any]:
    """``snapshot`` without the relationships to nodes that are ``gone`` (a forgotten person and
    the records deleted with them).

    Undo stays exact: it would put back links to nodes that no longer exist, which is nothing.
    """
    def touches(link: dict[str, Any]) -> bool:
        before = link.get("before") or {}
        return bool({link.get("start"), link.get("end"), before.get("start"), before.get("end")} & gone)

    return {**snapshot,
            "drop_rels": [r for r in snapshot.get("drop_rels", []) if r.get("other") not in gone],
            "initiated_by": [i for i in snapshot.get("initiated_by", []) if i not in gone],
            "keep_links": [link for link in snapshot.get("keep_links", []) if not touches(link)]}
