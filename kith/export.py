"""``kith export``: your whole graph in one file you can take away, and back again.

Two shapes, both written by plain functions of what the graph holds:

- **Kith JSON** (``compose`` → ``write_json``): the arrays of ``loaders/KITH_FORMAT.md``
  (``people``, ``interactions``, ``favors``, ``introductions``, ``knows``, with that format's
  field names and every record's Kith ``id``) plus arrays for the rest of the graph, so that
  nothing is lost: ``named`` (tags, skills, interests, organizations, schools, events),
  ``employments``, ``studies``, ``attendances``, ``source_records``, ``changes``, ``not_same``,
  ``merges``. The first key is the header ``"kith_export": {"version": 1, "exported_at": …,
  "counts": …}``; ``kith import`` recognises the file by it and ``restore`` puts the graph back
  exactly (same ids, labels, relationships and properties) into an empty home.
- **vCard 4.0** (``write_vcards``): one card per contact, for a phone or another address book.

Why generic: the export reads every node and relationship (``EXPORT_NODES``,
``EXPORT_RELATIONSHIPS``) and sorts them into arrays; a person's properties are copied whatever
they are (only a few are renamed to the format's names), so a property added later is carried
without touching this module. Anything the arrays do not describe lands in ``other_nodes`` /
``other_relationships`` rather than being dropped, and the header's counts let ``restore``
check, before it commits, that it wrote exactly what was exported.

Values: JSON has no dates, so a date or date-time is written as ISO text. In the fields that
are always temporal (``at``, ``since``, ``until``, ``*_at``) it is plain text; anywhere else it
is tagged (``{"$date": "2020-01-01"}``), and a plain string in a temporal field is tagged
``{"$string": …}``, so every value reads back as the type it was. Date-times are UTC; the
embedded store returns them without a zone, which in Kith means UTC (as in graph/store.py).
"""

from __future__ import annotations

import json
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from graph import queries as Q
from kith import clock
from kith.errors import KithError, LoadError

VERSION = 1
HEADER = "kith_export"
FORMATS = ("json", "vcard")
# Kith's own bookkeeping (the dashboard's change marker), not your data: not exported; the
# restoring transaction sets its own.
BOOKKEEPING = frozenset({"KithState"})

# Person properties under the Kith format's names (KITH_FORMAT.md); every other keeps its graph name.
PERSON_NAMES = {"emails": "email", "phones": "phone", "notes": "note", "met_how": "context",
                "cadence_days": "cadence"}
PERSON_PROPS = {v: k for k, v in PERSON_NAMES.items()}
# Named things a person points at, written as lists of names in the person record.
PERSON_LISTS = {"TAGGED": ("tags", "Tag"), "HAS_SKILL": ("skills", "Skill"), "NEEDS": ("needs", "Skill"),
                "INTERESTED_IN": ("interests", "Interest")}
# label -> the array its nodes go to
NODE_ARRAYS = {"Person": "people", "Interaction": "interactions", "Favor": "favors",
               "Introduction": "introductions", "SourceRecord": "source_records", "Change": "changes",
               "Merge": "merges", **{label: "named" for label in
                                      ("Tag", "Skill", "Interest", "Organization", "School", "Event")}}
# (start label, type, end label) -> (the node record it is folded into: "start"/"end", field, how many)
FOLDED = {
    ("Interaction", "WITH", "Person"): ("start", "with", "many"),
    ("Favor", "WITH", "Person"): ("start", "with", "one"),
    ("Introduction", "INTRODUCED", "Person"): ("start", "ab", "pair"),
    ("Person", "MADE", "Introduction"): ("end", "with", "one"),
    ("SourceRecord", "DESCRIBES", "Person"): ("start", "person", "one"),
    ("Change", "OF", "Person"): ("start", "person", "one"),
}
# An introduction's two links say which one is A (asked first): {"role": "a"} and {"role": "b"}.
_INTRODUCED = ("Introduction", "INTRODUCED", "Person")
_ROLES = ({"role": "a"}, {"role": "b"})
# type -> (array, name of the start's field, name of the end's field): relationships as records
REL_ARRAYS = {"KNOWS": ("knows", "a", "b"), "NOT_SAME": ("not_same", "a", "b"),
              "WORKS_AT": ("employments", "person", "organization"),
              "STUDIED_AT": ("studies", "person", "school"),
              "ATTENDED": ("attendances", "person", "event")}
ARRAYS = ("people", "interactions", "favors", "introductions", "knows", "named", "employments", "studies",
          "attendances", "source_records", "changes", "not_same", "merges", "other_nodes",
          "other_relationships")
TEMPORAL = frozenset({"at", "since", "until"})
# Field names a record uses for what is not a property of its node (a renamed property, folded
# relationships): a node that has a property of that name is kept whole in other_nodes instead.
_RESERVED = {True: frozenset(PERSON_PROPS) | {name for name, _ in PERSON_LISTS.values()},
             False: frozenset({"label", "with", "a", "b", "person"})}


class ExportError(KithError, ValueError):
    """The graph holds a value an export cannot write (a type JSON and Kith do not know)."""


# -- values ----------------------------------------------------------------------------


def _temporal_field(name: str | None) -> bool:
    return name is not None and (name in TEMPORAL or name.endswith("_at"))


def encode(value: Any, name: str | None = None) -> Any:
    """A property value as JSON, so that ``decode(encode(v, name), name)`` is ``v`` again."""
    if hasattr(value, "to_native"):  # neo4j.time.Date / DateTime
        value = value.to_native()
    if isinstance(value, datetime):
        text = (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).astimezone(timezone.utc).isoformat()
        return text if _temporal_field(name) else {"$datetime": text}
    if isinstance(value, date):
        return value.isoformat() if _temporal_field(name) else {"$date": value.isoformat()}
    if isinstance(value, str):
        return {"$string": value} if _temporal_field(name) else value
    if isinstance(value, list):
        return [encode(v) for v in value]
    if value is None or isinstance(value, (bool, int, float)):
        return value
    raise ExportError(f"cannot export property {name!r}: a {type(value).__name__} ({value!r})")


def decode(value: Any, name: str | None = None) -> Any:
    if isinstance(value, dict):
        if len(value) == 1:
            (tag, text), = value.items()
            if tag == "$string" and isinstance(text, str):
                return text
            if tag in ("$date", "$datetime") and isinstance(text, str):
                return _temporal(text)
        raise ValueError(f"{name or 'a value'}: an object is not a property value")
    if isinstance(value, str) and _temporal_field(name):
        return _temporal(value)
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


def _temporal(text: str) -> date | datetime:
    if len(text) == 10:
        return date.fromisoformat(text)
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


# -- composing an export: the graph as Kith JSON ------------------------------------------


def read_graph(store) -> tuple[list[dict], list[dict]]:
    """Every node and relationship, read in one transaction (a consistent picture)."""
    with store.session() as s:
        with s.begin_transaction() as tx:
            nodes = [r.data() for r in tx.run(Q.EXPORT_NODES)]
            rels = [r.data() for r in tx.run(Q.EXPORT_RELATIONSHIPS)]
            tx.rollback()
    return nodes, rels


def compose(nodes: list[dict], rels: list[dict], *, exported_at: datetime) -> dict[str, Any]:
    """The export document of a graph read by ``read_graph``: pure, so tests can feed it anything."""
    nodes = [n for n in nodes if not set(n["labels"]) & BOOKKEEPING]
    rels = [r for r in rels if not (set(r["start_labels"]) | set(r["end_labels"])) & BOOKKEEPING]
    doc: dict[str, Any] = {HEADER: {
        "version": VERSION, "exported_at": exported_at.astimezone(timezone.utc).isoformat(),
        "counts": {"nodes": dict(sorted(Counter(lb for n in nodes for lb in n["labels"]).items())),
                   "relationships": dict(sorted(Counter(r["type"] for r in rels).items()))}}}
    for array in ARRAYS:
        doc[array] = []
    records: dict[str, dict] = {}  # Kith id -> the record its node became
    label_of: dict[str, str] = {}
    names: dict[tuple[str, str], list[str]] = defaultdict(list)  # (label, name) -> ids
    for n in nodes:
        props, labels = n["props"], n["labels"]
        node_id = props.get("id")
        array = NODE_ARRAYS.get(labels[0]) if len(labels) == 1 and isinstance(node_id, str) else None
        if array is None or node_id in records or props.keys() & _RESERVED[array == "people"]:
            doc["other_nodes"].append({"labels": labels, "props": _encode_props(props)})
            continue
        record = _node_record(labels[0], props)
        doc[array].append(record)
        records[node_id], label_of[node_id] = record, labels[0]
        if array == "named":
            names[(labels[0], props.get("name"))].append(node_id)
    folded: dict[tuple[str, str, str], list[dict]] = defaultdict(list)  # (holder id, field, type) -> rels
    for r in rels:  # in the order read, so each array keeps the graph's order
        start, end, props = r["start"], r["end"], r["props"]
        key = (label_of.get(start), r["type"], label_of.get(end))
        plain = start in records and end in records and r["start_labels"] == [key[0]] and r["end_labels"] == [key[2]]
        listed = PERSON_LISTS.get(r["type"])
        if not plain:
            doc["other_relationships"].append(_other_rel(r))
        elif key in FOLDED and (not props or key == _INTRODUCED and props in _ROLES):
            side, name, _ = FOLDED[key]
            folded[(start if side == "start" else end, name, r["type"])].append(r)
        elif r["type"] in REL_ARRAYS and key not in FOLDED and not props.keys() & set(REL_ARRAYS[r["type"]][1:]):
            array, a, b = REL_ARRAYS[r["type"]]
            doc[array].append({a: start, b: end, **_encode_props(props)})
        elif (listed and key[0] == "Person" and key[2] == listed[1] and not props
              and isinstance(records[end].get("name"), str) and len(names[(key[2], records[end]["name"])]) == 1):
            records[start].setdefault(listed[0], []).append(records[end]["name"])
        else:
            doc["other_relationships"].append(_other_rel(r))
    for (holder, name, _), found in folded.items():
        _fold(records[holder], name, found, doc["other_relationships"])
    return doc


def _node_record(label: str, props: dict[str, Any]) -> dict[str, Any]:
    if label == "Person":
        record = {"id": props["id"], "name": encode(props.get("name"), "name")}
        record.update({PERSON_NAMES.get(k, k): encode(v, k) for k, v in sorted(props.items())
                       if k not in ("id", "name")})
        return record
    record = {"label": label} if NODE_ARRAYS[label] == "named" else {}
    return {**record, "id": props["id"], **_encode_props({k: v for k, v in props.items() if k != "id"})}


def _fold(record: dict, name: str, found: list[dict], others: list[dict]) -> None:
    """Put relationships into the record of the node they belong to (``with``, ``a``/``b``, ``person``)."""
    kind = (found[0]["start_labels"][0], found[0]["type"], found[0]["end_labels"][0])
    side, _, mode = FOLDED[kind]
    ids = [r["end"] if side == "start" else r["start"] for r in found]
    if mode == "many":
        record[name] = ids
    elif mode == "pair" and sorted(r["props"].get("role", "") for r in found) == ["a", "b"]:
        for r, other in zip(found, ids):
            record[r["props"]["role"]] = other
    elif mode == "one" and len(ids) == 1:
        record[name] = ids[0]
    else:
        others.extend(_other_rel(r) for r in found)


def _other_rel(r: dict) -> dict[str, Any]:
    return {"type": r["type"], "start": r["start"], "start_labels": r["start_labels"], "end": r["end"],
            "end_labels": r["end_labels"], "props": _encode_props(r["props"])}


def _encode_props(props: dict[str, Any]) -> dict[str, Any]:
    return {k: encode(v, k) for k, v in sorted(props.items())}


def export_document(store) -> dict[str, Any]:
    nodes, rels = read_graph(store)
    return compose(nodes, rels, exported_at=clock.now())


def dumps(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def summary(doc: dict[str, Any]) -> str:
    """``296 people, 7116 interactions, …`` for the arrays that hold something."""
    return ", ".join(f"{len(doc[a])} {a.replace('_', ' ')}" for a in ARRAYS if doc.get(a)) or "an empty graph"


# -- restoring an export into an empty home ------------------------------------------------


def is_export(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get(HEADER), dict)


@dataclass
class RestorePlan:
    """What a restore writes; shaped like loaders.resolve.ImportPlan where the CLI and dashboard read one."""

    path: str
    nodes: dict[str, list[dict]] = field(default_factory=dict)   # label -> rows {"props": …}
    rels: dict[str, list[dict]] = field(default_factory=dict)    # PersonRel suffix -> rows {start, end, props}
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # the header's, checked after writing
    format: str = "kith-export"
    merges: list = field(default_factory=list)
    candidates: list = field(default_factory=list)
    skipped: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        by_label = {label: len(rows) for label, rows in self.nodes.items()}
        return {"people": by_label.get("Person", 0), "interactions": by_label.get("Interaction", 0),
                "favors": by_label.get("Favor", 0), "introductions": by_label.get("Introduction", 0),
                "nodes": sum(by_label.values()), "relationships": sum(len(r) for r in self.rels.values())}


@dataclass
class RestoreResult:
    plan: RestorePlan
    dry_run: bool

    def summary(self) -> dict[str, int]:
        return self.plan.summary()


def plan_restore(path: Path, data: dict[str, Any]) -> RestorePlan:
    """Turn an export document back into node and relationship rows, checking it on the way (pure)."""
    where = str(path)
    header = data.get(HEADER)
    if not isinstance(header, dict) or header.get("version") != VERSION:
        raise LoadError(where, None, f"a Kith export of version {header.get('version')!r}: this Kith reads "
                                     f"version {VERSION}")
    unknown = sorted(set(data) - {HEADER, *ARRAYS})
    if unknown:
        raise LoadError(where, None, f"unknown key {unknown[0]!r} in a Kith export; it has {', '.join(ARRAYS)}")
    plan = RestorePlan(where, counts=header.get("counts") or {})
    kinds = {(r.ends[0], r.type, r.ends[1]): r.suffix for r in Q.PERSON_RELS}
    ids: dict[str, str] = {}  # id -> label
    named: dict[tuple[str, str], str] = {}
    rels: list[tuple] = []  # (type, start, end, position, props, listed newest first)
    reversed_starts: dict[str, list[bool]] = {}

    def add_node(label: str, props: dict, at: str) -> None:
        if label not in Q.RESTORE_LABELS:
            raise LoadError(where, None, f"{at}: a node labelled {label!r}, which Kith cannot restore")
        node_id = props.get("id")
        if not isinstance(node_id, str) or not node_id:
            raise LoadError(where, None, f"{at}: no id")
        if node_id in ids:
            raise LoadError(where, None, f"{at}: id {node_id!r} is used twice")
        ids[node_id] = label
        plan.nodes.setdefault(label, []).append({"props": props})

    for array in ARRAYS:
        items = data.get(array, [])
        if not isinstance(items, list):
            raise LoadError(where, None, f"{array} must be an array")
        for position, item in enumerate(items, start=1):
            at = f"{array}[{position}]"
            if not isinstance(item, dict):
                raise LoadError(where, None, f"{at}: expected an object")
            try:
                _plan_item(array, dict(item), at, add_node, rels, named)
            except (ValueError, TypeError, KeyError) as e:
                raise LoadError(where, None, f"{at}: {e}") from None
    owners = [row["props"]["id"] for row in plan.nodes.get("Person", []) if row["props"].get("me") is True]
    if len(owners) > 1:
        raise LoadError(where, None, f"more than one owner (me): {', '.join(owners)}")
    for rel_type, start, end, at, props, newest_first in rels:
        if isinstance(end, tuple):  # (label, name) of a named thing
            found = named.get(end)
            if found is None:
                raise LoadError(where, None, f"{at}: no {end[0]} named {end[1]!r} in the named array")
            end = found
        for role, node in (("start", start), ("end", end)):
            if node not in ids:
                raise LoadError(where, None, f"{at}: {rel_type} {role}s at {node!r}, which is not in the export")
        kind = kinds.get((ids[start], rel_type, ids[end]))
        if kind is None:
            raise LoadError(where, None, f"{at}: a {rel_type} from {ids[start]} to {ids[end]}, "
                                         "which Kith cannot restore")
        plan.rels.setdefault(kind, []).append({"start": start, "end": end, "props": props})
        reversed_starts.setdefault(kind, []).append(newest_first)
    for kind, rows in plan.rels.items():
        _oldest_first(rows, reversed_starts[kind])
    return plan


def _oldest_first(rows: list[dict], newest_first: list[bool]) -> None:
    """Put back, in place, the order in which each node's relationships were made.

    The embedded store lists a node's relationships newest first, and so does the export
    (a person's tags, an interaction's participants, in the order Kith shows them). Cypher
    promises no order, but a report that lists someone's tags shows them in this one: so the
    rows read newest first are written oldest first, start node by start node, and the
    restored graph lists them as the original did.
    """
    groups: dict[str, list[int]] = {}
    for i, (row, flag) in enumerate(zip(rows, newest_first)):
        if flag:
            groups.setdefault(row["start"], []).append(i)
    for positions in groups.values():
        taken = [rows[i] for i in positions]
        for i, row in zip(positions, reversed(taken)):
            rows[i] = row


def _plan_item(array: str, item: dict, at: str, add_node, rels: list, named: dict) -> None:
    """One record of the file: its node (if it is one) and the relationships folded into it."""
    def decoded(props: dict) -> dict:
        if not isinstance(props, dict):
            raise ValueError("props must be an object")
        return {k: decode(v, k) for k, v in props.items() if v is not None}

    if array == "other_nodes":
        labels = item.get("labels")
        if not isinstance(labels, list) or len(labels) != 1:
            raise ValueError("a node Kith cannot restore: it needs exactly one label")
        add_node(labels[0], decoded(item.get("props", {})), at)
        return
    if array == "other_relationships":
        rels.append((item["type"], item["start"], item["end"], at, decoded(item.get("props", {})), True))
        return
    if array in ("knows", "not_same", "employments", "studies", "attendances"):
        rel_type, a, b = next((t, a, b) for t, (arr, a, b) in REL_ARRAYS.items() if arr == array)
        start, end = item.pop(a), item.pop(b)
        rels.append((rel_type, start, end, at, decoded(item), True))
        return
    if array == "people":
        lists = {name: item.pop(name, None) or [] for name, _ in PERSON_LISTS.values()}
        props = {PERSON_PROPS.get(k, k): decode(v, PERSON_PROPS.get(k, k)) for k, v in item.items()
                 if v is not None}
        add_node("Person", props, at)
        for rel_type, (name, label) in PERSON_LISTS.items():
            for thing in lists[name]:
                rels.append((rel_type, props["id"], (label, thing), at, {}, True))
        return
    label = item.pop("label") if array == "named" else \
        next(lb for lb, arr in NODE_ARRAYS.items() if arr == array)
    folded = {k: item.pop(k) for k in ("with", "a", "b", "person") if k in item}
    props = decoded(item)
    add_node(label, props, at)
    if array == "named":
        named[(label, props.get("name"))] = props["id"]
    node_id = props["id"]
    for (start_label, rel_type, end_label), (side, name, mode) in FOLDED.items():
        if (start_label if side == "start" else end_label) != label:
            continue
        if mode == "pair":
            others = [(folded[k], {"role": k}) for k in ("a", "b") if k in folded]
        elif name in folded:
            others = [(o, {}) for o in (folded[name] if mode == "many" else [folded[name]])]
        else:
            others = []
        for other, rel_props in others:
            rels.append((rel_type, *((node_id, other) if side == "start" else (other, node_id)), at, rel_props,
                         side == "start" and mode != "pair"))


def parse(path: Path, options=None):
    """loaders/parse.py's entry for the format: an export is restored, never parsed into records."""
    raise LoadError(str(path), None, "is a Kith export: `kith import` restores it into an empty home")


def read_export(path: Path) -> dict[str, Any] | None:
    """The export document in ``path``, or None if the file is something else."""
    from loaders.text import read_text

    try:
        data = json.loads(read_text(path))
    except json.JSONDecodeError as e:
        raise LoadError(str(path), e.lineno, f"not valid JSON ({e.msg})") from None
    return data if is_export(data) else None


def restore_file(store, path: Path, *, dry_run: bool = False) -> RestoreResult:
    """Put an export back into ``store``, which must be empty: in one transaction, all or nothing.

    After writing, and before committing, the counts of every label and relationship type are
    compared with the export's header: a restore that would not be exact is rolled back.
    """
    data = read_export(Path(path))
    if data is None:
        raise LoadError(str(path), None, f"not a Kith export (no {HEADER!r} header)")
    return restore_document(store, data, Path(path), dry_run=dry_run)


def restore_document(store, data: dict[str, Any], path: Path, *, dry_run: bool = False) -> RestoreResult:
    """``restore_file`` of a document already read (``path`` names it in messages)."""
    plan = plan_restore(Path(path), data)
    if dry_run:
        _refuse_non_empty(store.read(Q.GRAPH_SIZE)[0]["nodes"], path)
        return RestoreResult(plan, True)

    def work(tx) -> None:
        _refuse_non_empty(tx.run(Q.GRAPH_SIZE).single()["nodes"], path)
        for label, rows in plan.nodes.items():
            _write(tx, getattr(Q, f"RESTORE_{label.upper()}"), rows)
        for kind, rows in plan.rels.items():
            _write(tx, getattr(Q, f"RESTORE_REL_{kind}"), rows)
        got = graph_counts(tx)
        if plan.counts and got != plan.counts:
            raise LoadError(str(path), None, f"the restore would not be exact (wrote {_diff(got, plan.counts)}):"
                                             " nothing was written")

    store.write_transaction(work)  # committed with the dashboard's change marker
    return RestoreResult(plan, False)


def graph_counts(tx) -> dict[str, dict[str, int]]:
    """How many nodes of each label and relationships of each type, as an export's header counts them."""
    return {"nodes": {r["label"]: r["n"] for r in tx.run(Q.LABEL_COUNTS) if r["label"] not in BOOKKEEPING},
            "relationships": {r["type"]: r["n"] for r in tx.run(Q.REL_COUNTS)}}


def _write(tx, query: str, rows: list[dict], batch: int = 5_000) -> None:
    for start in range(0, len(rows), batch):
        tx.run(query, rows=rows[start:start + batch]).consume()


def _refuse_non_empty(nodes: int, path: Path) -> None:
    if nodes:
        raise LoadError(str(path), None, f"is a Kith export, which restores only into an empty home, and this "
                                         f"graph holds {nodes} nodes: restore it into a new one "
                                         f"(KITH_HOME=/path/to/new/home kith import {path})")


def _diff(got: dict, want: dict) -> str:
    parts = []
    for kind in ("nodes", "relationships"):
        for key in sorted(set(got.get(kind, {})) | set(want.get(kind, {}))):
            g, w = got.get(kind, {}).get(key, 0), want.get(kind, {}).get(key, 0)
            if g != w:
                parts.append(f"{g} {key} instead of {w}")
    return ", ".join(parts)


# -- vCard 4.0 ---------------------------------------------------------------------------------
#
# Written by hand: vobject serialises vCard 3.0 (it would write VERSION:3.0 rules, e.g. for
# BDAY and escaping), and the few properties below need only RFC 6350's escaping (section
# 3.4), folding at 75 octets (3.2) and CRLF line ends. TEL is the default text value in E.164,
# which Google Contacts and iOS both read; a tel: URI is shown as "tel:+44…" by some readers.


def escape(text: str) -> str:
    """A TEXT value (RFC 6350 3.4): backslash, comma, semicolon and newlines escaped."""
    return (text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def fold_line(line: str) -> str:
    """One content line, folded so no physical line is over 75 octets (never inside a UTF-8 character)."""
    out, current, size = [], [], 0
    for ch in line:
        width = len(ch.encode("utf-8"))
        limit = 75 if not out else 74  # continuation lines start with a space
        if size + width > limit:
            out.append("".join(current))
            current, size = [], 0
        current.append(ch)
        size += width
    out.append("".join(current))
    return "\r\n ".join(out) + "\r\n"


def _bday(birthday: str | None) -> str | None:
    if not birthday:
        return None
    if birthday.startswith("--"):
        return "--" + birthday[2:].replace("-", "")
    return birthday.replace("-", "")


def vcard(person: dict[str, Any], *, revised: datetime, health: bool = False) -> str:
    """One person record of the export (``people[i]``, values as JSON) as a vCard 4.0."""
    lines = ["BEGIN:VCARD", "VERSION:4.0", f"UID:urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'kith:' + person['id'])}",
             f"X-KITH-ID:{escape(person['id'])}", f"FN:{escape(person.get('name') or '')}",
             "N:" + ";".join(escape(person.get(k) or "") for k in ("family_name", "given_name")) + ";;;"]
    if isinstance(person.get("nickname"), str) and person["nickname"]:
        lines.append(f"NICKNAME:{escape(person['nickname'])}")
    lines += [f"EMAIL:{escape(e)}" for e in person.get("email") or []]
    lines += [f"TEL:{escape(t)}" for t in person.get("phone") or []]
    if _bday(person.get("birthday")):
        lines.append(f"BDAY:{_bday(person['birthday'])}")
    if person.get("company"):
        lines.append(f"ORG:{escape(person['company'])}")
    if person.get("title"):
        lines.append(f"TITLE:{escape(person['title'])}")
    if isinstance(person.get("location"), str) and person["location"]:
        lines.append(f"ADR:;;;{escape(person['location'])};;;")
    lines += [f"URL:{escape(u)}" for u in person.get("urls") or [] if isinstance(u, str)]
    lines += [f"RELATED;TYPE=child;VALUE=text:{escape(c)}" for c in person.get("children") or []
              if isinstance(c, str)]
    notes = [person.get("note")] + ([f"Health: {person['health_notes']}"] if health and person.get("health_notes")
                                    else [])
    if any(isinstance(n, str) and n for n in notes):
        lines.append("NOTE:" + escape("\n\n".join(n for n in notes if isinstance(n, str) and n)))
    if person.get("tags"):
        lines.append("CATEGORIES:" + ",".join(escape(t) for t in person["tags"]))
    lines += [f"REV:{revised.astimezone(timezone.utc).strftime('%Y%m%dT%H%M%SZ')}", "END:VCARD"]
    return "".join(fold_line(line) for line in lines)


def vcards(doc: dict[str, Any], *, include_me: bool = False, health: bool = False) -> str:
    """Every contact of an export document as vCards (the owner only with ``include_me``)."""
    revised = datetime.fromisoformat(doc[HEADER]["exported_at"])
    people: Iterable[dict] = (p for p in doc["people"] if include_me or p.get("me") is not True)
    return "".join(vcard(p, revised=revised, health=health) for p in people)
