"""The typed store: Kith's records in, Kith's records out, over one Bolt driver.

``Store.connect()`` picks the back end: a real Neo4j 5 when ``NEO4J_URI`` is
set, otherwise the embedded ArcadeDB server (started on first use). Everything
after that is the same code path, the official ``neo4j`` driver and the Cypher
in ``graph/queries.py``.

Writes are batched (one ``UNWIND`` per kind of record) and a whole ``Network``
is written in one transaction: it lands completely or not at all. Every write
transaction goes through ``Store.write_transaction``, which runs it again, whole,
when the store refuses it for meeting another writer (see there).
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, TypeVar

from neo4j import READ_ACCESS, Driver, GraphDatabase, ManagedTransaction
from neo4j.exceptions import ConstraintError, Neo4jError, TransientError

from graph import edit as E
from graph import introductions as flow
from graph import merge as M
from graph import queries as Q
from graph import server_users
from graph.model import (
    FAVOR_STATUSES,
    INTRODUCTION_STEP_TIMES,
    Attendance,
    Birthday,
    Employment,
    Favor,
    Interaction,
    Introduction,
    Knows,
    Network,
    Person,
    Study,
    canonical_tag,
    fold,
    new_id,
    normalize_email,
    slug,
    utc,
)
from graph.query_guard import Watch
from graph.redact import MARK, Traces
from graph.server import DATABASE, EmbeddedServer
from kith import clock
from kith.errors import InvalidRecord, NoOwner, StoreError  # StoreError stays importable from graph.store, as before

BATCH = 5_000  # rows per UNWIND: large enough to amortise a round trip, small enough for the heap
IMPORT_BATCH = 10_000  # imports are mostly interactions: bigger batches than BATCH measured faster
# A write the store refused for meeting another one is run again this many times in all, waiting
# 0.2 s, 0.4 s … (at most 5 s, with jitter) in between. ArcadeDB gives up waiting for a lock after
# 5 s, and a large import's commit can hold one longer: eight tries outlast a minute of it.
WRITE_ATTEMPTS = 8
RETRY_FIRST_WAIT_S = 0.2
RETRY_MAX_WAIT_S = 5.0

T = TypeVar("T")

# One statement and the rows it UNWINDs, and the parameters every row shares (optional).
Step = tuple[str, list[dict[str, Any]]] | tuple[str, list[dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class Loaded:
    """How many of each record ``Store.load`` wrote: all of the bundle, since it lands whole or not at all."""

    people: int = 0
    knows: int = 0
    interactions: int = 0
    favors: int = 0
    introductions: int = 0
    employments: int = 0
    studies: int = 0
    attendances: int = 0

    @classmethod
    def of(cls, network: Network) -> Loaded:
        return cls(**{f.name: len(getattr(network, f.name)) for f in fields(network)})


@dataclass(frozen=True)
class Forgotten:
    """What ``Store.forget`` took out of the graph: each count is of distinct records."""

    people: int = 0
    interactions: int = 0            # deleted: only between them and you
    interactions_redacted: int = 0   # kept, others were there: their name or initiated_by taken out
    favors: int = 0
    introductions: int = 0
    source_records: int = 0
    changes: int = 0
    knows: int = 0                   # ties to other people
    not_same: int = 0                # "not the same person" pairs
    named: int = 0                   # tags, skills, organizations, events … no one else had
    merges_closed: int = 0           # merges of their own records: snapshot dropped, undo refused
    merges_redacted: int = 0         # other merges: their links and name taken out, undo still exact
    mentions_redacted: int = 0       # other records (notes, a tie's context …) whose text named them
    traces: Traces | None = field(default=None, repr=False, compare=False)  # what named them, for files

    @property
    def records_about_them(self) -> int:
        return self.favors + self.introductions + self.source_records + self.changes


@dataclass(frozen=True)
class UndoneMerge:
    """A merge ``Store.undo_merge`` took back: ``drop`` is in the graph again, ``keep`` as it was."""

    id: str
    keep: str
    drop: str
    keep_name: str | None
    drop_name: str | None


@dataclass
class PersonDetails:
    """A person as the CLI and dashboard show them: the record plus what surrounds it."""

    person: Person
    jobs: list[dict[str, Any]] = field(default_factory=list)
    schools: list[dict[str, Any]] = field(default_factory=list)
    knows: int = 0
    interactions: int = 0
    last_seen: datetime | None = None


class Store:
    def __init__(self, driver: Driver, database: str, backend: str, *, watch: Watch | None = None,
                 read_only: bool = False):
        self.driver = driver
        self.database = database
        self.backend = backend  # "neo4j" or "embedded"
        # How a user query sent through this store is stopped (graph/query_guard.py). None on Neo4j,
        # which stops a transaction at its own timeout.
        self.watch = watch
        self.read_only = read_only  # sessions default to READ access mode
        self._open_reader: Callable[[], Store] | None = None
        self._reader: Store | None = None
        self._reader_lock = threading.Lock()

    # -- connection ----------------------------------------------------------

    @classmethod
    def connect(cls, home: Path | None = None) -> Store:
        """Connect to Neo4j if ``NEO4J_URI`` is set, else to the embedded store (starting it).

        ``home`` picks the embedded store of another KITH_HOME than the environment's.

        Read-only user queries go through ``reader()``: on the embedded store that is Kith's
        reader user, which the server lets read records and nothing else (graph/server_users.py);
        on Neo4j, READ access mode sessions, which Neo4j refuses writes in, as the user
        ``NEO4J_READER_USER`` (password ``NEO4J_READER_PASSWORD``) when set, else ``NEO4J_USER``.
        """
        uri = None if home else os.environ.get("NEO4J_URI")
        if uri:
            auth = (os.environ.get("NEO4J_USER", "neo4j"), os.environ.get("NEO4J_PASSWORD", ""))
            database = os.environ.get("NEO4J_DATABASE", "neo4j")
            store = cls(GraphDatabase.driver(uri, auth=auth), database, "neo4j")
            reader_auth = ((os.environ["NEO4J_READER_USER"], os.environ.get("NEO4J_READER_PASSWORD", ""))
                           if os.environ.get("NEO4J_READER_USER") else auth)
            store._open_reader = lambda: cls(GraphDatabase.driver(uri, auth=reader_auth), database, "neo4j",
                                             read_only=True)
        else:
            from graph import compact

            server = EmbeddedServer(home)
            compact.before_start(server.home)  # never start while a compaction swaps databases
            state = server.start()
            admin, reader = server_users.admin(server), server_users.reader(server)
            store = cls(GraphDatabase.driver(state.uri, auth=admin.auth), DATABASE, "embedded",
                        watch=Watch(state.host, state.http_port, *admin.auth))
            store._open_reader = lambda: cls(GraphDatabase.driver(state.uri, auth=reader.auth), DATABASE, "embedded",
                                             watch=Watch(state.host, state.http_port, *reader.auth), read_only=True)
        store.ensure_schema()
        return store

    def reader(self) -> Store:
        """This graph as read-only user queries reach it, where the server refuses every write.

        Opened on first use (most commands never need it) and closed with this store.
        """
        if self.read_only:
            return self
        with self._reader_lock:
            if self._reader is None:
                if self._open_reader is None:
                    raise StoreError("this connection has no read-only side: open the store with Store.connect()")
                self._reader = self._open_reader()
            return self._reader

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
        self.driver.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def session(self, **kwargs):
        if self.read_only:
            kwargs.setdefault("default_access_mode", READ_ACCESS)
        return self.driver.session(database=self.database, **kwargs)

    def ensure_schema(self) -> None:
        def run() -> None:
            with self.session() as s:
                for statement in Q.SCHEMA:
                    s.run(statement).consume()

        _while_swapped(run)

    def read(self, query: str, **params) -> list[dict[str, Any]]:
        def run() -> list[dict[str, Any]]:
            with self.session() as s:
                return [r.data() for r in s.run(query, **params)]

        return _while_swapped(run)

    # -- writes ----------------------------------------------------------------

    def load(self, network: Network) -> Loaded:
        """Write a whole bundle of records in one transaction; returns how many of each."""
        self._check_owner(network.people)
        known = {p.id for p in network.people}
        referenced = _referenced_people(network) - known
        missing = self._missing(referenced)
        if missing:
            raise StoreError(f"unknown person id(s): {', '.join(sorted(missing)[:10])}")
        self._write_all([*_people_steps([_person_fields(p) for p in network.people]),
                         (Q.LINK_KNOWS, [_knows_row(k) for k in network.knows]),
                         (Q.LOG_INTERACTIONS, [_interaction_row(i) for i in network.interactions]),
                         (Q.RECORD_FAVORS, [_favor_row(f) for f in network.favors]),
                         (Q.RECORD_INTRODUCTIONS, [_introduction_row(n) for n in network.introductions]),
                         (Q.RECORD_EMPLOYMENTS, [_employment_row(e) for e in network.employments]),
                         (Q.RECORD_STUDIES, [_study_row(e) for e in network.studies]),
                         (Q.RECORD_ATTENDANCES, [_attendance_row(a) for a in network.attendances])], batch=BATCH)
        return Loaded.of(network)

    def upsert_people(self, people: Iterable[Person]) -> None:
        self.load(Network(people=list(people)))

    def link(self, knows: Iterable[Knows]) -> None:
        """Say that pairs know each other: the owner's word, so it takes back a rejection of the pair
        (``unlink``) and turns an inferred tie into a stated one (keeping its evidence as context)."""
        knows = list(knows)
        missing = self._missing(_referenced_people(Network(knows=knows)))
        if missing:
            raise StoreError(f"unknown person id(s): {', '.join(sorted(missing)[:10])}")
        rows = [_knows_row(k) for k in knows]
        self._write_all([(Q.LINK_KNOWS, rows), (Q.CLEAR_NOT_KNOWS, rows)], batch=BATCH)

    def log_interactions(self, interactions: Iterable[Interaction]) -> None:
        self.load(Network(interactions=list(interactions)))

    def record_favors(self, favors: Iterable[Favor]) -> None:
        self.load(Network(favors=list(favors)))

    def record_introductions(self, introductions: Iterable[Introduction]) -> None:
        self.load(Network(introductions=list(introductions)))

    def forget(self, person_id: str) -> Forgotten:
        """Remove a person and every trace of them the graph holds, in one transaction.

        Deleted: their node and links, interactions only between them and you, their favors,
        introductions, source records and changes, tags and organizations … no one else has.
        Rewritten: group interactions they were in (their name out of the summary, initiated_by
        cleared), merges of their records (snapshot dropped: that undo is refused from now on),
        other merges' snapshots (links to what was deleted), and any other text that names them
        (graph/redact.py). The store's files still hold the old bytes: graph/compact.py.
        """
        return self.write_transaction(lambda tx: _forget(tx, person_id))

    # -- merging two records of one person -------------------------------------------

    def merge(self, keep_id: str, drop_id: str) -> str:
        """Merge person ``drop_id`` into ``keep_id`` in one transaction; returns the merge id for undo.

        What moves where is decided in graph/merge.py; the snapshot that makes undo
        exact is written in the same transaction as the merge itself.
        """
        if keep_id == drop_id:
            raise StoreError(f"cannot merge {keep_id} into themselves")
        def work(tx: ManagedTransaction) -> str:
            keep, drop = _read_person(tx, keep_id), _read_person(tx, drop_id)
            if drop.get("me"):
                raise StoreError(f"{drop_id} is you, the owner of this graph: keep yourself and merge the "
                                 f"other record into you ({drop_id} {keep_id})")
            initiated = [r["id"] for r in tx.run(Q.INITIATED_BY, id=drop_id)]
            try:
                plan = M.plan_merge(keep, drop, _read_relationships(tx, keep_id),
                                    _read_relationships(tx, drop_id), initiated)
                snapshot = M.dumps(plan.snapshot)  # before any write: an odd value fails cleanly
            except M.MergeError as e:
                raise StoreError(f"cannot merge {drop_id} into {keep_id}: {e}") from None
            merge_id = new_id("m")
            tx.run(Q.SET_PERSON_PROPERTIES, id=keep_id, props=plan.keep_props).consume()
            _run_relationship_writes(tx, plan.puts, put=True)
            tx.run(Q.SET_INITIATED_BY, ids=plan.initiated, person=keep_id).consume()
            tx.run(Q.FORGET_PERSON, id=drop_id).consume()
            tx.run(Q.RECORD_MERGE, id=merge_id, at=clock.now(), keep=keep_id, drop=drop_id,
                   keep_name=keep.get("name"), drop_name=drop.get("name"), snapshot=snapshot).consume()
            return merge_id

        return self.write_transaction(work)

    def undo_merge(self, merge_id: str | None = None) -> UndoneMerge:
        """Put the graph back as it was before a merge (default: the latest one not yet undone).

        Refused while a later merge (not undone) involves any of the people this one
        touched: undoing out of order could not be exact.
        """
        merges = self.merges()
        if merge_id is None:
            pending = [m for m in merges if not m["undone"]]
            if not pending:
                raise StoreError("there is no merge to undo")
            merge_id = pending[0]["id"]
        position = next((i for i, m in enumerate(merges) if m["id"] == merge_id), None)
        if position is None:
            raise StoreError(f"no merge with id {merge_id!r}")
        record = merges[position]
        if record["undone"]:
            raise StoreError(f"merge {merge_id} was already undone")
        def work(tx: ManagedTransaction) -> M.UndoPlan:
            row = tx.run(Q.MERGE_SNAPSHOT, id=merge_id).single()
            if row["forgotten_at"] is not None or row["snapshot"] is None:
                raise StoreError(f"cannot undo {merge_id}: it merged the records of someone you have since "
                                 f"forgotten, and what undo needs was forgotten with them")
            try:
                snapshot = M.loads(row["snapshot"])
                plan = M.plan_undo(snapshot)
            except M.MergeError as e:
                raise StoreError(f"cannot undo {merge_id}: {e}") from None
            involved = M.people_in(snapshot)
            later = [m["id"] for m in merges[:position] if not m["undone"] and {m["keep"], m["drop"]} & involved]
            if later:
                raise StoreError(f"later merges involve the same people: undo {', '.join(later)} first")
            if tx.run(Q.PERSON_PROPERTIES, id=plan.keep).single() is None:
                raise StoreError(f"cannot undo {merge_id}: {plan.keep} is no longer in the graph")
            if tx.run(Q.PERSON_PROPERTIES, id=plan.drop).single() is not None:
                raise StoreError(f"a person with id {plan.drop} exists again: cannot bring back the merged one")
            tx.run(Q.CREATE_PERSON, props=plan.drop_props).consume()
            _run_relationship_writes(tx, plan.deletes, put=False)
            _run_relationship_writes(tx, plan.puts, put=True)
            tx.run(Q.SET_INITIATED_BY, ids=plan.initiated, person=plan.drop).consume()
            tx.run(Q.SET_PERSON_PROPERTIES, id=plan.keep, props=plan.keep_props).consume()
            tx.run(Q.MARK_MERGE_UNDONE, id=merge_id, at=clock.now()).consume()
            return plan

        plan = self.write_transaction(work)
        return UndoneMerge(merge_id, plan.keep, plan.drop, plan.keep_props.get("name"), plan.drop_props.get("name"))

    def not_same(self, a: str, b: str) -> None:
        """Record that two people are different humans: they are never suggested as a merge again."""
        if a == b:
            raise StoreError(f"{a} is one person: there is nothing to tell apart")
        missing = self._missing({a, b})
        if missing:
            raise StoreError(f"unknown person id(s): {', '.join(sorted(missing))}")
        self._run_write(Q.RECORD_NOT_SAME, a=a, b=b)

    def merges(self) -> list[dict[str, Any]]:
        """Every recorded merge, newest first: id, at, keep, drop, keep_name, drop_name, undone."""
        return [{**r, "at": _to_datetime(r["at"]), "undone": bool(r["undone"])} for r in self.read(Q.MERGES)]

    # -- imports -------------------------------------------------------------------

    def people_index_rows(self) -> tuple[list[dict], list[dict], list[tuple[str, str]]]:
        """Everything identity resolution needs: people, what each source said, pairs known to differ."""
        people = [_plain(r["props"]) for r in self.read(Q.PEOPLE_INDEX)]
        sources = self.read(Q.SOURCE_RECORDS_INDEX)
        not_same = [(r["a"], r["b"]) for r in self.read(Q.NOT_SAME_PAIRS)]
        return people, sources, not_same

    def new_or_changed_interactions(self, interactions: list[Interaction],
                                    hashes: dict[str, str]) -> tuple[set[str], set[str]]:
        """Split interaction ids into (new, changed) by comparing content hashes with the store's."""
        sources = sorted({i.source for i in interactions if i.source})
        stored = {r["id"]: r["hash"] for r in self.read(Q.INTERACTION_HASHES, sources=sources)} if sources else {}
        new = {i for i in hashes if i not in stored}
        changed = {i for i in hashes if i in stored and stored[i] != hashes[i]}
        return new, changed

    def apply_import(self, people: dict[str, dict[str, Any]], source_records: list[dict], changes: list[dict],
                     network: Network, hashes: dict[str, str], progress=None) -> dict[str, int]:
        """Write one file's resolved records in one transaction: all of it lands, or none.

        ``people`` are full property maps (new and changed people only); interactions
        already stored with the same content hash are skipped, so a re-import writes nothing.
        """
        new, changed = self.new_or_changed_interactions(network.interactions, hashes)
        fresh = [i for i in network.interactions if i.id in new]
        updated = [i for i in network.interactions if i.id in changed]
        tail = [(Q.RECORD_CHANGES, changes),
                (Q.RECORD_EMPLOYMENTS, [_employment_row(e) for e in network.employments]),
                (Q.LINK_KNOWS, [_knows_row(k) for k in network.knows]),
                (Q.CREATE_INTERACTIONS, [{**_interaction_row(i), "hash": hashes[i.id]} for i in fresh]),
                (Q.LOG_INTERACTIONS, [_interaction_row(i) for i in updated]),
                (Q.SET_INTERACTION_HASHES, [{"id": i.id, "hash": hashes[i.id]} for i in updated]),
                (Q.RECORD_FAVORS, [_favor_row(f) for f in network.favors]),
                (Q.RECORD_INTRODUCTIONS, [_introduction_row(n) for n in network.introductions])]
        # People and source records the plan found nowhere in the graph (``person_created``, ``created``:
        # loaders/resolve.py) are created outright, much faster than MERGE on a large file. Should another
        # writer have added one since, its unique id refuses it, and the file is written again with MERGE.
        created = {r["person"] for r in source_records if r.get("person_created")}
        person_rows = [{**p, "id": pid} for pid, p in people.items()]

        def steps(fast: bool) -> list[Step]:
            if not fast:
                return [*_people_steps(person_rows), (Q.RECORD_SOURCES, _unflagged(source_records)), *tail]
            return [*_people_steps(person_rows, created),
                    *_new_source_steps([r for r in source_records if r.get("created")]),
                    (Q.RECORD_SOURCES, _unflagged([r for r in source_records if not r.get("created")])), *tail]

        try:
            self._write_all(steps(True), batch=IMPORT_BATCH, progress=progress)
        except ConstraintError:  # written meanwhile by someone else: nothing of this one was, so again with MERGE
            self._write_all(steps(False), batch=IMPORT_BATCH, progress=progress)
        # Still a dict: loaders/importer.py reads it with .get (ImportResult.written).
        return {"interactions_new": len(fresh), "interactions_updated": len(updated)}

    # -- introductions ---------------------------------------------------------------

    # Double opt-in: the steps' rules are graph/introductions.py's; these read, apply, write back.

    def introductions(self) -> list[Introduction]:
        """Every introduction, newest first (A is the one asked first)."""
        return [_introduction_from_row(r) for r in self.read(Q.INTRODUCTIONS)]

    def names(self, ids: Iterable[str]) -> dict[str, str]:
        """Person id -> name, for the ids that exist."""
        ids = sorted(set(ids))
        return {r["id"]: r["name"] for r in self.read(Q.PEOPLE_NAMES, ids=ids)} if ids else {}

    def introduction_between(self, a: str, b: str) -> Introduction | None:
        """The latest introduction between ``a`` and ``b`` (in either order), or None."""
        rows = self.read(Q.INTRODUCTION_BETWEEN, a=a, b=b)
        return _introduction_from_row(rows[0]) if rows else None

    def start_introduction(self, a: str, b: str, *, why: str | None = None,
                           at: datetime | None = None) -> tuple[Introduction, bool]:
        """The introduction between ``a`` and ``b``: the one recorded, else a new ``suggested`` one.

        Returns it and whether it is new. ``a`` is the one you will ask first.
        """
        found = self.introduction_between(a, b)
        if found is not None:
            return found, False
        intro = Introduction(new_id("n"), at or clock.now(), a, b, self._introducer(a, b), "suggested", why=why)
        self.record_introductions([intro])
        return intro, True

    def introduction_step(self, a: str, b: str, step: str, *, by: str | None = None, skip_opt_in: bool = False,
                          note: str | None = None, at: datetime | None = None) -> Introduction:
        """Move the introduction between ``a`` and ``b`` on to ``step`` (checked: StepError if not allowed).

        With ``skip_opt_in``, ``made`` needs no earlier record: one you made outside Kith.
        """
        flow.check_step(step)
        intro = self.introduction_between(a, b)
        if intro is None:
            if not (step == "made" and skip_opt_in):
                raise StoreError("no introduction between them is recorded: `kith introduce A B` first")
            intro = Introduction(new_id("n"), at or clock.now(), a, b, self._introducer(a, b), "suggested")
        intro = flow.advance(intro, step, at or clock.now(), by=by, skip_opt_in=skip_opt_in, note=note)
        self.record_introductions([intro])
        return intro

    def introduction_outcome(self, a: str, b: str, outcome: str, *, note: str | None = None,
                             at: datetime | None = None) -> Introduction:
        """Record how the made introduction between ``a`` and ``b`` went: good, neutral or bad."""
        intro = self.introduction_between(a, b)
        if intro is None:
            raise StoreError("no introduction between them is recorded: `kith introduce A B` first")
        intro = flow.with_outcome(intro, outcome, at or clock.now(), note=note)
        self.record_introductions([intro])
        return intro

    def _introducer(self, a: str, b: str) -> str:
        owner = self.owner()
        if owner is None:
            raise NoOwner()
        if a == b:
            raise StoreError("an introduction needs two different people")
        return owner["id"]

    # -- entering by hand: one person's details, favors, who knows whom -----------------

    def edit_person(self, person_id: str, edit: E.PersonEdit, *, source: str = "cli") -> E.EditPlan:
        """Change one person's details in one transaction; returns the plan (``changes`` says what changed).

        Read and written whole (graph/edit.py plans it): properties the edit does not name
        stay exactly as they were. A value to remove that is not there refuses the whole edit.
        """
        def work(tx: ManagedTransaction) -> E.EditPlan:
            props = _read_person(tx, person_id)
            row = tx.run(Q.GET_PERSON, id=person_id).single()
            plan = E.plan_edit(props, {attr: list(row[attr]) for attr in _NAMED_LISTS}, edit, source=source)
            if not plan.changes:
                raise _Unchanged(plan)
            tx.run(Q.SET_PERSON_PROPERTIES, id=person_id, props=plan.props).consume()
            for attr, names in plan.attach.items():
                _write(tx, _NAMED_LISTS[attr], [_named_row(person_id, attr, n) for n in names])
            for attr, names in plan.detach.items():
                _write(tx, _UNNAMED_LISTS[attr], [_named_row(person_id, attr, n) for n in names])
            return plan

        return self.write_transaction(work)

    def pending_asks(self, person_id: str) -> list[dict[str, Any]]:
        """Favors you asked of this person that are still unanswered, newest first: id, at, kind, note."""
        return [{**r, "at": _to_datetime(r["at"])} for r in self.read(Q.PENDING_ASKS, person=person_id)]

    def answer_favor(self, person_id: str, status: str, favor_id: str | None = None) -> str:
        """Record the answer to an ask of yours: the latest pending one of ``person_id``, or ``favor_id``."""
        if status not in FAVOR_STATUSES or status == "pending":
            raise InvalidRecord(f"answer {status!r} is not one of: yes, no, ignored")
        if favor_id is None:
            asks = self.pending_asks(person_id)
            if not asks:
                raise StoreError(f"{person_id} has no pending ask of yours to answer "
                                 "(record one with `kith favor PERSON --asked --kind …`)")
            favor_id = asks[0]["id"]
        else:
            rows = self.read(Q.FAVOR_WITH, id=favor_id)
            if not rows:
                raise StoreError(f"no favor with id {favor_id!r}")
            if rows[0]["person"] != person_id:
                raise StoreError(f"favor {favor_id} is with {rows[0]['person']}, not {person_id}")
            if rows[0]["direction"] != "asked":
                raise StoreError(f"favor {favor_id} was {rows[0]['direction']}, not asked: only asks have answers")
        self._run_write(Q.SET_FAVOR_STATUS, id=favor_id, status=status)
        return favor_id

    def unlink(self, a: str, b: str) -> int:
        """Remove the KNOWS between two people; ``StoreError`` when none is recorded.

        The owner says they do not know each other: the pair is marked ``NOT_KNOWS`` too, so no
        refresh of inferred ties (``kith infer``, after an import) writes it again. Returns how many
        of the removed ties were inferred (0 or 1).
        """
        def work(tx: ManagedTransaction) -> int:
            row = tx.run(Q.UNLINK_KNOWS, a=a, b=b).single()
            if not row["deleted"]:
                raise StoreError(f"{a} and {b} are not recorded as knowing each other")
            tx.run(Q.REJECT_KNOWS, a=a, b=b, at=clock.now()).consume()
            return row["inferred"] or 0

        return self.write_transaction(work)

    # -- inferred ties -------------------------------------------------------------

    def rejected_pairs(self) -> set[tuple[str, str]]:
        """The pairs the owner said do not know each other (both orders)."""
        pairs = set()
        for r in self.read(Q.REJECTED_PAIRS):
            pairs |= {(r["a"], r["b"]), (r["b"], r["a"])}
        return pairs

    def replace_inferred_ties(self, rows: list[dict[str, Any]], *, threshold: float) -> dict[str, int]:
        """Delete every inferred KNOWS and write ``rows`` ({a, b, props}) instead, in one transaction.

        A row over a stated tie or a rejected pair is not written. Returns ``deleted``, ``written``
        and the counts after it: ``inferred``, ``known`` (confidence >= threshold), ``confirmed``,
        ``rejected``.
        """
        def work(tx: ManagedTransaction) -> dict[str, int]:
            deleted = tx.run(Q.DELETE_INFERRED_KNOWS).single()["deleted"]
            written = 0
            for start in range(0, len(rows), BATCH):
                written += tx.run(Q.WRITE_INFERRED_KNOWS, rows=rows[start:start + BATCH]).single()["written"]
            counts = tx.run(Q.INFERENCE_COUNTS, threshold=threshold).single().data()
            return {"deleted": deleted, "written": written, **counts}

        return self.write_transaction(work)

    def tie_between(self, a: str, b: str) -> dict[str, Any]:
        """The KNOWS between two people (its properties, or None), its interactions and any rejection."""
        rows = self.read(Q.TIE_BETWEEN, a=a, b=b)
        if not rows:
            raise StoreError(f"no person with id {a!r} or {b!r}")
        tie = dict(rows[0]["tie"]) if rows[0]["tie"] is not None else None
        ids = list((tie or {}).get("interactions") or [])
        interactions = self.read(Q.INTERACTIONS_BY_ID, ids=ids) if ids else []
        return {"tie": tie, "rejected_at": rows[0]["rejected_at"], "interactions": interactions}

    # -- reads -------------------------------------------------------------------

    def person(self, person_id: str) -> PersonDetails | None:
        rows = self.read(Q.GET_PERSON, id=person_id)
        if not rows:
            return None
        row = rows[0]
        person = _person_from_props(row["person"])
        person.tags, person.skills = sorted(row["tags"]), sorted(row["skills"])
        person.needs, person.interests = sorted(row["needs"]), sorted(row["interests"])
        times = [_to_datetime(t) for t in row["interaction_times"] if t is not None]
        return PersonDetails(
            person=person,
            jobs=[_plain(j) for j in row["jobs"]],
            schools=[_plain(s) for s in row["schools"]],
            knows=row["knows"],
            interactions=row["interactions"],
            last_seen=max(times) if times else None,
        )

    def search(self, text: str, limit: int = 20) -> list[dict[str, Any]]:
        """People whose name, email, phone or company contains ``text`` (case and accents ignored)."""
        return self.read(Q.SEARCH_PEOPLE, q=fold(text), limit=limit)

    def resolve(self, ref: str) -> str:
        """Turn what a user typed (an id, a full name or a unique fragment) into a person id."""
        if self.read(Q.GET_PERSON, id=ref):
            return ref
        exact = self.people_named(ref)
        if len(exact) == 1:
            return exact[0]["id"]
        matches = exact or self.search(ref, limit=6)
        if len(matches) == 1:
            return matches[0]["id"]
        if not matches:
            raise StoreError(f"no person matches {ref!r}")
        listed = "; ".join(f"{m['name']} ({m['id']})" for m in matches[:5])
        raise StoreError(f"{ref!r} matches several people: {listed}. Use an id.")

    def people_named(self, name: str) -> list[dict[str, Any]]:
        """Everyone whose name is ``name``, case and accents ignored: id and name."""
        return self.read(Q.FIND_BY_NAME_KEY, key=fold(name))

    def set_owner_flag(self, person_id: str) -> None:
        """Mark ``person_id`` as the owner (``me``); refused when the graph has another owner."""
        current = self.owner()
        if current and current["id"] != person_id:
            raise StoreError(f"the graph already has an owner: {current['name']} ({current['id']})")
        self._run_write(Q.SET_OWNER_FLAG, id=person_id)

    def owner(self) -> dict[str, Any] | None:
        rows = self.read(Q.OWNER)
        return rows[0] if rows else None

    def counts(self) -> dict[str, int]:
        return self.read(Q.COUNTS)[0]

    def version(self) -> str:
        """The change marker: a token every committed write replaces (``""`` before the first write).

        Cheap (one node by id): the dashboard reads it on every page view to know whether
        anything changed, whoever wrote it.
        """
        rows = self.read(Q.STATE_VERSION)
        return (rows[0]["version"] or "") if rows else ""

    # -- helpers -------------------------------------------------------------------

    def _write_all(self, steps: list[Step], *, batch: int, progress=None) -> None:
        """The one way Kith writes records: every step in one transaction, each in UNWIND batches.

        ``progress(rows, total)`` is told after each batch. All of it lands, or none.
        """
        total = sum(len(step[1]) for step in steps)
        told = _ToldOnce(progress) if progress else None

        def work(tx: ManagedTransaction) -> None:
            if told:
                told.again()
            for query, rows, *shared in steps:
                _write(tx, query, rows, batch=batch, progress=told, total=total, params=shared[0] if shared else None)

        self.write_transaction(work)

    def _run_write(self, query: str, **params) -> None:
        """One write statement in its own transaction, committed with the change marker."""
        self.write_transaction(lambda tx: tx.run(query, **params).consume())

    def write_transaction(self, work: Callable[[ManagedTransaction], T]) -> T:
        """Run ``work(tx)`` in one write transaction, committed with the change marker; return its result.

        A store can refuse a transaction that meets another writer: ArcadeDB when two change one
        record ("concurrent change to the same record"), or when a lock it waits for is held past
        its 5 s timeout (a large import's commit holds the people's file that long); Neo4j on a
        deadlock. It says so with a transient error, and nothing of the transaction is kept. So
        ``work`` runs again, whole, in a fresh transaction: an import of one file is one transaction
        and is never applied twice, nor half. ``work`` must do everything through ``tx``, and may
        raise ``_Unchanged(value)`` to leave without writing. When the store stays busy through every
        attempt, ``StoreError`` says so (nothing was written). The second in which graph/compact.py
        swaps the database for a rebuilt one (no database at all) is waited out the same way.
        """
        wait = RETRY_FIRST_WAIT_S
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            try:
                with self.session() as s:
                    with s.begin_transaction() as tx:
                        try:
                            result = work(tx)
                        except _Unchanged as nothing:
                            return nothing.value
                        _commit(tx)
                return result
            except Neo4jError as e:
                if not (_swapping(e) or isinstance(e, TransientError) and e.is_retryable()):
                    raise
                if attempt == WRITE_ATTEMPTS:
                    message = (e.message or str(e)).strip().splitlines()[0]
                    raise StoreError(f"the graph store stayed busy with another write through {attempt} attempts "
                                     f"({message}); nothing of this one was written: try again") from None
            time.sleep(wait * random.uniform(0.5, 1.5))  # jitter: two writers retrying do not meet again
            wait = min(wait * 2, RETRY_MAX_WAIT_S)
        raise AssertionError("unreachable")

    def _missing(self, ids: set[str]) -> set[str]:
        if not ids:
            return set()
        return set(self.read(Q.MISSING_PEOPLE, ids=sorted(ids))[0]["missing"])

    def _check_owner(self, people: list[Person]) -> None:
        owners = [p.id for p in people if p.me]
        if len(owners) > 1:
            raise StoreError(f"only one person can be the owner (me): got {', '.join(owners)}")
        current = self.owner()
        if owners and current and current["id"] != owners[0]:
            raise StoreError(f"the graph already has an owner: {current['name']} ({current['id']})")


def _swapping(e: Neo4jError) -> bool:
    """The database is missing, or closing, for the second graph/compact.py swaps it for a rebuilt one."""
    return e.code == "Neo.ClientError.Database.DatabaseNotFound" or "Cannot open database" in (e.message or "")


def _while_swapped(run: Callable[[], T]) -> T:
    """``run()``, again after a pause while the database is being swapped (reads and IF NOT EXISTS schema
    statements: safe to repeat)."""
    for attempt in range(1, WRITE_ATTEMPTS + 1):
        try:
            return run()
        except Neo4jError as e:
            if not _swapping(e) or attempt == WRITE_ATTEMPTS:
                raise
        time.sleep(RETRY_FIRST_WAIT_S * attempt)
    raise AssertionError("unreachable")


class _Unchanged(Exception):  # noqa: N818 - not an error: a way out of a transaction
    """Raised by a write transaction's work to leave without writing: ``write_transaction`` returns ``value``."""

    def __init__(self, value: Any):
        super().__init__()
        self.value = value


class _ToldOnce:
    """A progress callback for work that may run again: rows already told are not told twice."""

    def __init__(self, progress: Callable[[int, int], None]):
        self.progress, self.told, self.written = progress, 0, 0

    def again(self) -> None:
        self.written = 0

    def __call__(self, rows: int, total: int) -> None:
        self.written += rows
        if self.written > self.told:
            self.progress(self.written - self.told, total)
            self.told = self.written


def _commit(tx: ManagedTransaction) -> None:
    """Commit a write transaction: every one of Kith's writes ends here, with the change marker set
    in the same transaction (so a reader never sees the change without the marker, or the reverse)."""
    touch(tx)
    tx.commit()


def touch(tx: ManagedTransaction) -> None:
    tx.run(Q.TOUCH, token=new_id("v"), at=clock.now().isoformat()).consume()


# -- forgetting a person ------------------------------------------------------------

# What a forget deletes outright when it is linked to them: a record about them, whatever the link.
_ABOUT_THEM = {"Favor": "favors", "Introduction": "introductions", "SourceRecord": "source_records",
               "Change": "changes"}
# Shared named things: deleted only when no one else is linked to them.
_NAMED = ("Tag", "Skill", "Interest", "Organization", "School", "Event")
# Another person's own identity is theirs even when it is the same as the forgotten one's.
_IDENTITY = frozenset({"id", "name", "name_key", "given_name", "family_name", "emails", "phones", "also_name",
                       "also_given_name", "also_family_name", "also_emails", "also_phones"})


def _forget(tx: ManagedTransaction, person_id: str) -> Forgotten:
    """``Store.forget``'s transaction: everything is read first, then deleted and rewritten by id."""
    row = tx.run(Q.PERSON_PROPERTIES, id=person_id).single()
    if row is None:
        raise StoreError(f"no person with id {person_id!r}")
    props = dict(row["props"])
    if props.get("me"):
        raise StoreError("that is you, the owner of this graph: Kith will not forget you")
    traces = Traces.of(props)
    counts: dict[str, int] = {}

    # Interactions: only theirs (no one but the owner with them) go; the others lose them.
    interactions = [r.data() for r in tx.run(Q.FORGET_INTERACTIONS, id=person_id)]
    gone: dict[str, set[str]] = {label: set() for label in Q.FORGET_LABELS}
    rewrites: dict[str, dict[str, dict[str, Any]]] = {label: {} for label in Q.FORGET_LABELS}
    for i in interactions:
        if not any(not o["me"] for o in i["others"]):
            gone["Interaction"].add(i["id"])
            continue
        change = {}
        summary = traces.redact_summary(i["summary"], [o["name"] for o in i["others"]])
        if summary != i["summary"]:
            change["summary"] = summary
        if i["initiated_by"] == person_id:
            change["initiated_by"] = None
        if change:
            rewrites["Interaction"][i["id"]] = change

    for link in tx.run(Q.FORGET_LINKS, id=person_id):
        labels, node_id = link["labels"], link["id"]
        label = labels[0] if len(labels) == 1 else None
        if label in _ABOUT_THEM and node_id is not None:
            gone[label].add(node_id)
        elif label in _NAMED and node_id is not None and link["elsewhere"] == 0:
            gone[label].add(node_id)
        elif link["type"] in ("KNOWS", "NOT_SAME"):
            key = link["type"].lower()
            counts[key] = counts.get(key, 0) + 1

    # Merges: snapshots of their own records are dropped (undo is refused from now on); the others
    # lose their links to what goes now, so their undo stays exact.
    deleted_ids = {person_id}.union(*gone.values())
    closed: set[str] = set()
    for m in tx.run(Q.FORGET_MERGES):
        theirs = person_id in (m["keep"], m["drop"])
        snapshot = None
        if m["snapshot"] is not None:
            try:
                snapshot = M.loads(m["snapshot"])
            except (M.MergeError, ValueError, TypeError):
                snapshot = None  # unreadable: left to the text sweep below, unless it is theirs
            theirs = theirs or (snapshot is not None and M.about(snapshot, person_id))
        if theirs:
            change = {"snapshot": None, "forgotten_at": clock.now()}
            if m["keep"] == person_id:
                change["keep_name"] = MARK
                if not m["undone"]:
                    change["drop_name"] = MARK  # the dropped record was them too, and is theirs now
            if m["drop"] == person_id:
                change["drop_name"] = MARK
            rewrites["Merge"][m["id"]] = change
            if m["snapshot"] is not None:
                closed.add(m["id"])
        elif snapshot is not None:
            pruned = M.without(snapshot, deleted_ids)
            if pruned != snapshot:
                rewrites["Merge"][m["id"]] = {"snapshot": M.dumps(pruned)}

    deleted = {label: _run_count(tx, getattr(Q, f"FORGET_DELETE_{label.upper()}"), sorted(ids))
               for label, ids in gone.items() if ids}
    people = _run_count(tx, Q.FORGET_DELETE_PERSON, [person_id])
    for label, changes in rewrites.items():
        _write(tx, getattr(Q, f"FORGET_SET_{label.upper()}"),
               [{"id": node_id, "props": change} for node_id, change in changes.items()])

    # Whatever else still names them (their full name, an email, a phone) in any text.
    mentioned: dict[str, set[str]] = {}
    needles = traces.needles()
    if needles:
        for r in tx.run(Q.FORGET_MENTIONS, needles=needles):
            labels, node = r["labels"], dict(r["props"])
            if len(labels) != 1 or labels[0] not in Q.FORGET_LABELS or not isinstance(node.get("id"), str):
                continue  # not a node Kith can address: the file check after compaction will say so
            change = traces.redact_props(node, keep=_IDENTITY if labels[0] == "Person" else {"id"})
            if change:
                _write(tx, getattr(Q, f"FORGET_SET_{labels[0].upper()}"), [{"id": node["id"], "props": change}])
                mentioned.setdefault(labels[0], set()).add(node["id"])
        rels = 0
        for r in tx.run(Q.FORGET_REL_MENTIONS, needles=needles):
            rels += _redact_relationship(tx, traces, r.data())
        counts["mentions"] = rels
    merges_redacted = (set(rewrites["Merge"]) | mentioned.pop("Merge", set())) - closed
    return Forgotten(
        people=people, interactions=deleted.get("Interaction", 0),
        interactions_redacted=len(set(rewrites["Interaction"]) | mentioned.pop("Interaction", set())),
        favors=deleted.get("Favor", 0), introductions=deleted.get("Introduction", 0),
        source_records=deleted.get("SourceRecord", 0), changes=deleted.get("Change", 0),
        knows=counts.get("knows", 0), not_same=counts.get("not_same", 0),
        named=sum(deleted.get(label, 0) for label in _NAMED),
        merges_closed=len(closed), merges_redacted=len(merges_redacted),
        mentions_redacted=sum(len(ids) for ids in mentioned.values()) + counts.get("mentions", 0),
        traces=traces)


def _run_count(tx: ManagedTransaction, query: str, ids: list[str]) -> int:
    return tx.run(query, ids=ids).single()["deleted"] if ids else 0


_REL_KINDS = {(k.type, *k.ends): k for k in Q.PERSON_RELS}


def _redact_relationship(tx: ManagedTransaction, traces: Traces, row: dict[str, Any]) -> int:
    """Take them out of one relationship's text (a tie's context …); 1 if it changed."""
    ends = (row["start_labels"][0] if len(row["start_labels"]) == 1 else None,
            row["end_labels"][0] if len(row["end_labels"]) == 1 else None)
    kind = _REL_KINDS.get((row["type"], *ends))
    props = dict(row["props"])
    change = traces.redact_props(props)
    if kind is None or not change or row["start"] is None or row["end"] is None:
        return 0
    old = {"start": row["start"], "end": row["end"], "props": props}
    if set(change) & set(kind.key):  # the changed text tells it apart: a new one in place of the old
        tx.run(kind.delete, rows=[old]).consume()
    tx.run(kind.put, rows=[{**old, "props": {**props, **change}}]).consume()
    return 1


# -- records <-> rows -------------------------------------------------------------

_NAMED_LISTS = {"tags": Q.TAG_PEOPLE, "skills": Q.ADD_SKILLS, "needs": Q.ADD_NEEDS, "interests": Q.ADD_INTERESTS}
_UNNAMED_LISTS = {"tags": Q.UNTAG_PEOPLE, "skills": Q.REMOVE_SKILLS, "needs": Q.REMOVE_NEEDS,
                  "interests": Q.REMOVE_INTERESTS}
_ID_PREFIX = {"tags": "tag", "skills": "skill", "needs": "skill", "interests": "interest"}


def _write(tx: ManagedTransaction, query: str, rows: list[dict], *, batch: int = BATCH, progress=None,
           total: int = 0, params: dict[str, Any] | None = None) -> None:
    """``rows`` in slices of ``batch``: one UNWIND round trip each, none so large the server's heap suffers.

    ``params``: parameters every row shares, sent once per slice."""
    for start in range(0, len(rows), batch):
        tx.run(query, rows=rows[start:start + batch], **(params or {})).consume()
        if progress:
            progress(min(len(rows) - start, batch), total)


def _people_steps(people: list[dict[str, Any]], new: set[str] | tuple = ()) -> list[Step]:
    """Writing people given as field maps: their nodes, then their tags, skills, needs and interests.

    ``new``: ids known not to be in the graph, created rather than merged (CREATE_PEOPLE).
    """
    rows = [{"id": p["id"], "props": _person_props(p)} for p in people]
    steps = [(Q.CREATE_PEOPLE, [r for r in rows if r["id"] in new]),
             (Q.UPSERT_PEOPLE, [r for r in rows if r["id"] not in new])]
    for attr, query in _NAMED_LISTS.items():
        steps.append((query, [_named_row(p["id"], attr, name) for p in people for name in p.get(attr) or []
                              if name.strip() and (attr != "tags" or canonical_tag(name))]))
    return steps


_PLAN_FLAGS = ("created", "person_created")  # what loaders/resolve.py says of a source record, not written


def _unflagged(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in r.items() if k not in _PLAN_FLAGS} for r in records]


def _new_source_steps(records: list[dict[str, Any]]) -> list[Step]:
    """New source records as CREATE_SOURCES rows, one step per import time (``$at``: a file has one)."""
    by_time: dict[Any, list[dict[str, Any]]] = {}
    for r in records:
        by_time.setdefault(r["at"], []).append({k: v for k, v in r.items() if k != "at" and k not in _PLAN_FLAGS})
    return [(Q.CREATE_SOURCES, rows, {"at": at}) for at, rows in by_time.items()]


def _named_row(person_id: str, attr: str, name: str) -> dict[str, str]:
    """A row attaching (or detaching) one named thing; tags in their one canonical spelling."""
    name = canonical_tag(name) if attr == "tags" else name.strip()
    return {"person": person_id, "id": f"{_ID_PREFIX[attr]}:{slug(name)}", "name": name}


def _read_person(tx: ManagedTransaction, person_id: str) -> dict[str, Any]:
    """A person's properties exactly as stored (neo4j.time values stay as they are)."""
    row = tx.run(Q.PERSON_PROPERTIES, id=person_id).single()
    if row is None:
        raise StoreError(f"no person with id {person_id!r}")
    return dict(row["props"])


def _read_relationships(tx: ManagedTransaction, person_id: str) -> list[M.Rel]:
    return [M.Rel.from_row(r.data()) for r in tx.run(Q.PERSON_RELATIONSHIPS, id=person_id)]


def _run_relationship_writes(tx: ManagedTransaction, writes: list[M.Write], *, put: bool) -> None:
    """PUT_REL_* (or DELETE_REL_*) rows, batched by kind of relationship."""
    by_statement: dict[str, list[dict]] = {}
    for w in writes:
        by_statement.setdefault(w.kind.put if put else w.kind.delete, []).append(w.row())
    for query, rows in by_statement.items():
        _write(tx, query, rows)


def _person_fields(p: Person) -> dict[str, Any]:
    """A Person as the field map an import resolves to (the birthday as its text), so both write alike."""
    return {**asdict(p), "birthday": str(p.birthday) if p.birthday else None,
            "connected_on": p.connected_on.isoformat() if p.connected_on else None}


def _person_props(fields: dict[str, Any]) -> dict[str, Any]:
    """A person's node properties: the same rules whoever writes them (a load, an import, the CLI).

    Named lists become nodes instead; emails are trimmed, lower-cased and each kept once
    (in the order given: the first is the one a source listed first); the search key and
    the birthday's parts are derived. Empty values are left out, so an upsert never erases.
    """
    props = {k: v for k, v in fields.items() if k not in _NAMED_LISTS}
    props["name_key"] = fold(fields["name"])
    props["emails"] = list(dict.fromkeys(normalize_email(e) for e in fields.get("emails") or [] if e.strip()))
    if fields.get("birthday"):
        birthday = Birthday.parse(str(fields["birthday"]))
        props.update(birthday=str(birthday), **_birthday_parts(birthday))
    return {k: v for k, v in props.items() if v is not False and v not in (None, "", [])}


def _birthday_parts(b: Birthday) -> dict[str, int | None]:
    """The searchable parts of a birthday (no year when it is unknown)."""
    return {"birth_month": b.month, "birth_day": b.day, "birth_year": b.year}


def _person_from_props(props: dict[str, Any]) -> Person:
    names = {f.name for f in fields(Person)}
    kwargs = {k: v for k, v in props.items() if k in names and k != "birthday"}
    if props.get("birthday"):
        kwargs["birthday"] = Birthday.parse(props["birthday"])
    kwargs["connected_on"] = _to_date(props.get("connected_on"))
    return Person(**kwargs)


def _to_date(value: Any) -> date | None:
    """A date stored as ISO text (or, written by hand in Cypher, as a date); None when it is not one."""
    value = value.to_native() if hasattr(value, "to_native") else value
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _referenced_people(n: Network) -> set[str]:
    ids = {x for k in n.knows for x in (k.a, k.b)}
    ids |= {x for i in n.interactions for x in i.participants}
    ids |= {f.person for f in n.favors}
    ids |= {x for i in n.introductions for x in (i.a, i.b, i.made_by)}
    ids |= {e.person for e in [*n.employments, *n.studies, *n.attendances]}
    return ids


def _knows_row(k: Knows) -> dict[str, Any]:
    if k.a == k.b:
        raise StoreError(f"a person cannot know themselves ({k.a})")
    return {"a": k.a, "b": k.b, "since": k.since, "context": k.context, "source": k.source}


def _interaction_row(i: Interaction) -> dict[str, Any]:
    if not i.participants:
        raise StoreError(f"interaction {i.id} has no participants")
    if i.initiated_by and i.initiated_by not in i.participants:
        raise StoreError(f"interaction {i.id}: initiated_by {i.initiated_by} is not a participant")
    return {"id": i.id, "at": utc(i.at), "participants": sorted(set(i.participants)), "channel": i.channel,
            "kind": i.kind, "summary": i.summary, "source": i.source, "initiated_by": i.initiated_by}


def _favor_row(f: Favor) -> dict[str, Any]:
    return {"id": f.id, "at": utc(f.at), "person": f.person, "direction": f.direction, "kind": f.kind,
            "status": f.status, "note": f.note}


def _introduction_row(n: Introduction) -> dict[str, Any]:
    times = {k: utc(v) if v else None for k, v in ((t, getattr(n, t)) for t in (*INTRODUCTION_STEP_TIMES.values(),
                                                                              "outcome_at"))}
    return {"id": n.id, "at": utc(n.at), "a": n.a, "b": n.b, "made_by": n.made_by, "status": n.status,
            "outcome": n.outcome, "note": n.note, "declined_by": n.declined_by, "why": n.why,
            "skipped_opt_in": n.skipped_opt_in or None, **times}


def _introduction_from_row(row: dict[str, Any]) -> Introduction:
    """An Introduction as stored (old records too: the model reads their status and outcome)."""
    props = dict(row["props"])
    names = {f.name for f in fields(Introduction)} - {"a", "b", "made_by"}
    kwargs = {k: (_to_datetime(v) if k == "at" or k.endswith("_at") else v) for k, v in props.items() if k in names}
    kwargs["skipped_opt_in"] = bool(kwargs.get("skipped_opt_in"))
    return Introduction(a=row["a"], b=row["b"], made_by=row["made_by"], **kwargs)


def _employment_row(e: Employment) -> dict[str, Any]:
    return {"person": e.person, "org_id": f"org:{slug(e.organization)}", "org_name": e.organization,
            "title": e.title or "", "since": e.since, "until": e.until}


def _study_row(s: Study) -> dict[str, Any]:
    return {"person": s.person, "school_id": f"school:{slug(s.school)}", "school_name": s.school,
            "degree": s.degree, "since": s.since, "until": s.until}


def _attendance_row(a: Attendance) -> dict[str, Any]:
    return {"person": a.person, "event_id": f"event:{slug(a.event)}", "event_name": a.event,
            "at": a.at, "location": a.location}


def _to_datetime(value: Any) -> datetime:
    """neo4j.time values to Python; ArcadeDB drops the zone inside map projections, so naive means UTC."""
    dt = value.to_native() if hasattr(value, "to_native") else value
    if isinstance(dt, datetime) and dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.to_native() if hasattr(v, "to_native") else v) for k, v in row.items()}
