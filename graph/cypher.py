"""Running the user's own Cypher: read-only unless they ask to write.

The user's query is theirs, so it is the one Cypher text that does not live in
``queries.py``; their values still travel as parameters (``--param k=v``).

Read-only is enforced three ways, because neither back end can be trusted to do
it alone (ArcadeDB ignores the driver's READ access mode):

1. a lexical check refuses write clauses before anything is sent;
2. the query runs in a READ-mode transaction (Neo4j itself refuses writes);
3. that transaction is always rolled back, and if the server reports any update
   the query is refused, so even a write the first two missed changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import neo4j
from neo4j.exceptions import Neo4jError
from neo4j.graph import Node, Path, Relationship

from graph.store import touch
from kith import clock
from kith.errors import CypherError

WRITE_CLAUSES = ("CREATE", "MERGE", "SET", "DELETE", "DETACH", "REMOVE", "DROP", "FOREACH", "LOAD", "ALTER",
                 "GRANT", "DENY", "REVOKE", "RENAME", "START", "STOP", "TERMINATE")

# Strings, comments and `quoted names` are blanked out before looking for keywords,
# so `WHERE p.note = 'CREATE this'` is not mistaken for a write.
_NOT_CODE = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`|//[^\n]*|/\*.*?\*/", re.S)
_WORD = re.compile(r"(?<![\w.$:])([A-Za-z_]+)(?!\s*:)")


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[list[Any]]  # raw driver values: Node, Relationship, Path, neo4j.time …
    truncated: bool = False
    counters: dict[str, int] = field(default_factory=dict)


def write_clauses(query: str) -> list[str]:
    """The write keywords in a query (upper case, in order of appearance), ignoring strings and comments."""
    code = _NOT_CODE.sub(" ", query)
    return [w.upper() for w in _WORD.findall(code) if w.upper() in WRITE_CLAUSES]


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
    """Run a user query. Read-only unless ``write``; at most ``limit`` rows; server timeout in seconds."""
    if not query.strip():
        raise CypherError("the query is empty")
    found = write_clauses(query)
    if found and not write:
        raise CypherError(f"this query writes ({', '.join(dict.fromkeys(found))}); "
                          "it is refused in read-only mode. Pass --write to allow changes.")
    mode = neo4j.WRITE_ACCESS if write else neo4j.READ_ACCESS
    try:
        with store.session(default_access_mode=mode) as session:
            tx = session.begin_transaction(timeout=timeout)
            try:
                result = tx.run(query, {**clock_params(), **(params or {})})
                columns = list(result.keys())
                rows = [list(r.values()) for r in result.fetch(limit + 1)]
                summary = result.consume()
                counters = {k: v for k, v in vars(summary.counters).items()
                            if isinstance(v, int) and not isinstance(v, bool) and v}
                if not write and (summary.counters.contains_updates or summary.counters.contains_system_updates):
                    raise CypherError("this query changed the graph, which read-only mode does not allow; "
                                      "nothing was kept. Pass --write to allow changes.")
                if write:
                    touch(tx)  # the change marker, as every write of Kith's sets it
                    tx.commit()
            finally:
                if tx.closed() is False:
                    tx.rollback()
    except Neo4jError as e:
        raise CypherError(_clean_message(e)) from None
    return QueryResult(columns, rows[:limit], truncated=len(rows) > limit, counters=counters)


def _clean_message(e: Neo4jError) -> str:
    message = (e.message or str(e)).strip().splitlines()[0]
    return f"the graph store refused the query: {message}"


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
