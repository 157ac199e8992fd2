"""Running the user's own Cypher: read-only unless they ask to write.

The user's query is theirs, so it is the one Cypher text that does not live in
``queries.py``; their values still travel as parameters (``--param k=v``).

Read-only is the server's rule, not Kith's guess: a read-only query runs as a user the server
does not let write (``Store.reader``). On the embedded store that is Kith's reader user, whose
group may read records and nothing else (graph/server_users.py); ArcadeDB ignores the driver's
READ access mode. On Neo4j it is a READ access mode session, which Neo4j enforces, as
``NEO4J_READER_USER`` when that is set. Around that:

- before anything is sent, a lexical check refuses what plainly writes, with a message that says
  so (``refusal``); it is for the message, not the guard, and errs towards refusing;
- the transaction of a read-only query is always rolled back, and one whose summary reports any
  change is refused;
- every query ends at its timeout on the server too, and is stopped there if the process that
  sent it dies (graph/query_guard.py; Neo4j applies a transaction's timeout itself). One the
  embedded store cannot interrupt is stopped by restarting the store, and the user is told so.
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import neo4j
from neo4j.exceptions import AuthError, DriverError, Neo4jError
from neo4j.graph import Node, Path, Relationship

from graph import query_guard
from graph.store import touch
from kith import clock
from kith.errors import CypherError

WRITE_CLAUSES = ("CREATE", "MERGE", "SET", "DELETE", "DETACH", "REMOVE", "DROP", "FOREACH", "LOAD", "ALTER",
                 "GRANT", "DENY", "REVOKE", "RENAME", "START", "STOP", "TERMINATE", "INSERT")
# Procedures that write, or run Cypher given as a string (which may write), as a dotted name
# starts; ArcadeDB also answers to each without its ``apoc.``. Read-only ones are ``READ_PROCEDURES``.
WRITE_PROCEDURES = ("do.", "cypher.", "periodic.", "create.", "merge.", "refactor.", "schema.", "trigger.",
                    "atomic.", "lock.", "nodes.delete", "nodes.link", "nodes.collapse", "graph.fromcypher",
                    "db.migrate", "db.create", "db.drop", "db.index.fulltext.create", "db.index.fulltext.drop",
                    "db.index.vector.create", "dbms.", "gds.graph.drop")
WRITE_PROCEDURE_ENDS = (".write", ".mutate")  # the graph-algorithm libraries' writing modes
READ_PROCEDURES = ("create.v", "create.uuid")  # virtual nodes and relationships, ids: nothing stored
# Characters some line-based tools end a line at and ArcadeDB's lexer does not (it ends a // comment at
# \n or \r only): in a comment they would make the check and the server disagree on what is code.
OTHER_LINE_ENDS = {"\x0b": "U+000B", "\x0c": "U+000C", "\x1c": "U+001C", "\x1d": "U+001D", "\x1e": "U+001E",
                   "\x85": "U+0085", "\u2028": "U+2028", "\u2029": "U+2029"}
STOP_GRACE_S = 2.0  # how long a timed-out query may take to stop once told to

# What is not code, each to its end (or the query's end, unterminated): with possessive repeats and
# an end every alternative reaches, a match never fails part-way, so one pass is linear in the query.
_NOT_CODE = re.compile(r"""
    '(?:[^'\\]|\\[\s\S]?)*+(?:'|\Z)          # 'string', \ escaping the next character
  | "(?:[^"\\]|\\[\s\S]?)*+(?:"|\Z)          # "string"
  | `(?:[^`]|``)*+(?:`|\Z)                   # `quoted name`, `` escaping a backtick
  | //[^\n\r]*+                              # line comment: to \n or \r, as ArcadeDB ends it
  | /\*(?:[^*]|\*(?!/))*+(?:\*/|\Z)          # block comment
""", re.VERBOSE)
_WORD = re.compile(r"[^\W\d]\w*+")
_NAME_CHAIN = re.compile(r"(?<![\w.$])[^\W\d]\w*+(?:\s*+\.\s*+[^\W\d]\w*+)++")
_SPACE = re.compile(r"\s*+")


class _QuietWhileStopping(logging.Filter):
    """The neo4j driver logs an error when a connection is cut: noise on stderr when Kith cut it, stopping
    a query by restarting the store, and says so itself. Only for the thread waiting for that query."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not getattr(threading.current_thread(), "kith_stopping", False)


for _name in ("neo4j", "neo4j.io", "neo4j.pool"):
    logging.getLogger(_name).addFilter(_QuietWhileStopping())


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[list[Any]]  # raw driver values: Node, Relationship, Path, neo4j.time …
    truncated: bool = False
    counters: dict[str, int] = field(default_factory=dict)


def write_clauses(query: str) -> list[str]:
    """What in a query writes, in order: write keywords (upper case), ``IN TRANSACTIONS`` and the names of
    procedures that write. Strings, comments and `quoted names` are not code; letters are compared after
    Unicode compatibility folding (fullwidth ＳＥＴ is SET) with invisible format characters taken out."""
    code, _ = _scan(query)
    if not code.isascii():
        code = "".join(ch for ch in unicodedata.normalize("NFKC", code) if unicodedata.category(ch) != "Cf")
    found: list[tuple[int, str]] = []
    previous = ""
    for m in _WORD.finditer(code):
        word = m.group().upper()
        before = code[m.start() - 1] if m.start() else " "
        at = _SPACE.match(code, m.end()).end()
        after = code[at:at + 1]
        # A property (.set), a parameter ($create), a label (:Set), a map key ({delete: 1}) or a
        # namespace (merge.node, a procedure's) is not a clause.
        if before not in ".$:" and after not in (":", "."):
            if word == "TRANSACTIONS" and previous in ("IN", "CONCURRENT"):
                found.append((m.start(), "IN TRANSACTIONS"))
            elif word in WRITE_CLAUSES:
                found.append((m.start(), word))
        previous = word
    for m in _NAME_CHAIN.finditer(code):
        name = re.sub(r"\s+", "", m.group())
        bare = name.lower().removeprefix("apoc.")
        if (bare.startswith(WRITE_PROCEDURES) or bare.endswith(WRITE_PROCEDURE_ENDS)) and not bare.startswith(READ_PROCEDURES):
            found.append((m.start(), name))
    return [what for _, what in sorted(found)]


def refusal(query: str) -> str | None:
    """Why read-only mode refuses a query before sending it, or None. The server refuses writes anyway:
    this says what and why in the user's terms."""
    _, comments = _scan(query)
    odd = sorted({OTHER_LINE_ENDS[ch] for c in comments for ch in c if ch in OTHER_LINE_ENDS})
    if odd:
        return (f"this query has a // comment holding {', '.join(odd)}, which some tools end a line at and the "
                "graph store does not; it is refused in read-only mode. End the comment with a newline.")
    found = write_clauses(query)
    if found:
        return (f"this query writes ({', '.join(dict.fromkeys(found))}); it is refused in read-only mode. "
                "Pass --write to allow changes.")
    return None


def clock_params() -> dict[str, Any]:
    """``$now`` and ``$today`` for every user query: Kith's clock (KITH_TODAY), not the server's.

    A query written with ``datetime()`` answers as of the database server's wall clock; one
    written with ``datetime($now)`` answers as of the day Kith works on, like every report.
    They travel as ISO text: ArcadeDB cannot do arithmetic on a temporal parameter, but can on
    ``datetime($now)``.
    """
    return {"now": clock.now().isoformat(), "today": clock.today().isoformat()}


def run(store, query: str, params: dict[str, Any] | None = None, *, write: bool = False,
        limit: int = 1000, timeout: float = 30.0) -> QueryResult:
    """Run a user query. Read-only unless ``write``; at most ``limit`` rows; stopped on the server after
    ``timeout`` seconds."""
    if not query.strip():
        raise CypherError("the query is empty")
    if not timeout > 0:
        raise CypherError("the timeout must be more than 0 seconds")
    if not write and (reason := refusal(query)):
        raise CypherError(reason)
    target = store if write else store.reader()
    job = _Job(target, query, {**clock_params(), **(params or {})}, write, limit, timeout)
    if target.watch is None:
        job.run()  # Neo4j: the server ends the transaction at its timeout
        return job.result()
    stuck = None
    with query_guard.Watchdog(target.watch, job.tag, timeout) as guard:
        worker = threading.Thread(target=job.run, name="kith-cypher", daemon=True)
        worker.start()
        worker.join(timeout)
        if worker.is_alive():
            job.timed_out = True
            stuck = _halt(guard, job, worker)
    if stuck:
        raise CypherError(stuck)
    return job.result()


def _halt(guard: query_guard.Watchdog, job: _Job, worker: threading.Thread) -> str | None:
    """The query's time is up: stop it on the server. What to tell the user when more than that happened."""
    watch, timeout = job.store.watch, job.timeout
    worker.kith_stopping = True  # its connection may be cut: see _QuietWhileStopping
    halted = guard.halt(worker)
    if halted is None:  # no watchdog: stopped from here
        until = time.monotonic() + STOP_GRACE_S
        query_guard.stop(watch, job.tag, wait=STOP_GRACE_S)
        worker.join(max(until - time.monotonic(), 0.2))
    elif halted.outcome == "restarted":
        return (f"the query ran longer than its timeout ({timeout:g} s) and could not be interrupted; the graph "
                f"store was restarted to stop it; nothing you committed was lost.{job.rolled_back()} It computes "
                "one expression (such as a reduce or list comprehension over a large range) that ArcadeDB cannot "
                "interrupt: narrow the query.")
    elif halted.outcome == "not-restarted":
        why = f" ({halted.detail})" if halted.detail else ""
        return (f"the query ran longer than its timeout ({timeout:g} s) and could not be interrupted, so the graph "
                f"store was stopped to end it, but it did not start again{why}; nothing you committed was lost. "
                "Start it with `kith db start`.")
    else:
        worker.join(STOP_GRACE_S)
    return _still_running(watch, job.tag, timeout) if worker.is_alive() else None


class _Job:
    """One user query in one transaction, run on a thread of its own so that its timeout does not
    depend on the server answering."""

    def __init__(self, store, query: str, params: dict[str, Any], write: bool, limit: int, timeout: float):
        self.store, self.params, self.write, self.limit, self.timeout = store, params, write, limit, timeout
        self.tag = query_guard.new_tag() if store.watch is not None else ""
        self.text = query_guard.tagged(query, self.tag) if self.tag else query
        self.in_transactions = "IN TRANSACTIONS" in write_clauses(query)
        self.timed_out = False
        self.outcome: QueryResult | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.outcome = self._execute()
        except BaseException as e:  # noqa: BLE001 - handed to the thread that waits for it
            self.error = e

    def result(self) -> QueryResult:
        if self.error is None:
            return self.outcome
        if self.timed_out and isinstance(self.error, (Neo4jError, DriverError, OSError)):
            raise CypherError(self._timed_out()) from None
        if isinstance(self.error, Neo4jError):
            raise CypherError(self._message(self.error)) from None
        raise self.error

    def _execute(self) -> QueryResult:
        mode = neo4j.WRITE_ACCESS if self.write else neo4j.READ_ACCESS
        with self.store.session(default_access_mode=mode) as session:
            tx = session.begin_transaction(timeout=self.timeout)
            try:
                result = tx.run(self.text, self.params)
                columns = list(result.keys())
                rows = [list(r.values()) for r in result.fetch(self.limit + 1)]
                summary = result.consume()
                counters = {k: v for k, v in vars(summary.counters).items()
                            if isinstance(v, int) and not isinstance(v, bool) and v}
                if not self.write and (summary.counters.contains_updates or summary.counters.contains_system_updates):
                    # Never reached on a store that enforces read-only; if it were, the rollback below
                    # undoes what this transaction did, which is all this can say for sure.
                    raise CypherError("this query reported changes to the graph, which read-only mode does not "
                                      "allow; its transaction was rolled back. Pass --write to allow changes.")
                if self.write:
                    touch(tx)  # the change marker, as every write of Kith's sets it
                    tx.commit()
            finally:
                if tx.closed() is False:
                    with contextlib.suppress(Neo4jError, DriverError, OSError):
                        tx.rollback()  # a stopped query's connection may be gone: nothing is committed then
        return QueryResult(columns, rows[:self.limit], truncated=len(rows) > self.limit, counters=counters)

    def _message(self, e: Neo4jError) -> str:
        if (e.code or "").endswith(("TransactionTimedOut", "TransactionTimedOutClientConfiguration")):
            return self._timed_out()  # Neo4j's own timeout
        message = _clean_message(e, self.tag)
        if self.store.watch is not None:
            # The store names the user it refused: Kith's names are kept out of sight (graph/server_users.py).
            name = re.escape(self.store.watch.user)
            message = re.sub(rf"[Uu]ser '{name}'|'{name}'|{name}", "Kith's read-only user" if not self.write
                             else "Kith's user", message)
        return message

    def _timed_out(self) -> str:
        kept = (" Batches it committed with CALL … IN TRANSACTIONS before that are kept."
                if self.write and self.in_transactions else "")
        return (f"the query ran longer than its timeout ({self.timeout:g} s), and the graph store stopped it; "
                f"its transaction was rolled back.{kept} Raise the timeout (--timeout) or narrow the query.")

    def rolled_back(self) -> str:
        """What became of a stopped write query's own changes, as a sentence (nothing to say for a read)."""
        if not self.write:
            return ""
        kept = " (batches it committed with CALL … IN TRANSACTIONS are kept)" if self.in_transactions else ""
        return f" Its own changes were rolled back{kept}."


def _still_running(watch, tag: str, timeout: float) -> str:
    try:
        still = bool(query_guard.running(watch, tag))
    except (OSError, ValueError):
        still = True
    if not still:
        return (f"the query ran longer than its timeout ({timeout:g} s) and was stopped, but the graph store "
                "did not answer after that. Raise the timeout (--timeout) or narrow the query.")
    return (f"the query ran longer than its timeout ({timeout:g} s), and the graph store could not stop it: it "
            "is still computing one expression (such as a reduce or list comprehension over a large range), "
            "which ArcadeDB cannot interrupt, and Kith could not restart the store to end it. Stop the store "
            "to end it: `kith db stop`.")


def _clean_message(e: Neo4jError, tag: str = "") -> str:
    message = (e.message or str(e)).replace(tag, "") if tag else (e.message or str(e))
    message = message.strip().splitlines()[0] if message.strip() else (e.code or "an error")
    if isinstance(e, AuthError):
        # ArcadeDB says only "Authentication failed", also while a name is locked out.
        return (f"the graph store refused Kith's login ({message}); after 5 failed logins it refuses a user "
                "name for 30 s, so try again in a minute")
    return f"the graph store refused the query: {message}"


def _scan(query: str) -> tuple[str, list[str]]:
    """The query with strings, comments and `quoted names` blanked out, and its // comments; one pass."""
    code, comments, at = [], [], 0
    for m in _NOT_CODE.finditer(query):
        code += [query[at:m.start()], " "]
        if m.group().startswith("//"):
            comments.append(m.group())
        at = m.end()
    code.append(query[at:])
    return "".join(code), comments


def to_plain(value: Any) -> Any:
    """Driver values as JSON-friendly Python: nodes and relationships become dicts of their properties."""
    if isinstance(value, Node):
        return {"_labels": sorted(value.labels), **{k: to_plain(v) for k, v in value.items()}}
    if isinstance(value, Relationship):
        return {"_type": value.type,
                "_start": value.start_node.get("id") if value.start_node else None,
                "_end": value.end_node.get("id") if value.end_node else None,
                **{k: to_plain(v) for k, v in value.items()}}
    if isinstance(value, Path):
        return [to_plain(x) for pair in zip(value.nodes, [*value.relationships, None]) for x in pair if x is not None]
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    if hasattr(value, "iso_format"):
        return value.iso_format()
    return value
