"""The user's Cypher: read-only by default, values as parameters, clean errors."""

from __future__ import annotations

import pytest

from graph import cypher
from graph.model import Network, Person


@pytest.mark.parametrize("query, expected", [
    ("MATCH (p:Person) RETURN p", []),
    ("CREATE (p:Person {id: 'x'})", ["CREATE"]),
    ("match (p) detach delete p", ["DETACH", "DELETE"]),
    ("MATCH (p) SET p.x = 1", ["SET"]),
    ("MERGE (p:Person {id: $id})", ["MERGE"]),
    ("MATCH (p) WHERE p.note = 'CREATE this; DELETE that' RETURN p", []),
    ('MATCH (p) WHERE p.note = "SET" RETURN p', []),
    ("MATCH (p) // DELETE everything\nRETURN p", []),
    ("MATCH (p) /* MERGE */ RETURN p.set, p.create AS `DELETE`", []),
    ("MATCH (p) RETURN {create: 1, delete: 2} AS m", []),
    ("MATCH (n:Set) RETURN n", []),
    ("DROP INDEX person_name_key", ["DROP"]),
    ("LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row", ["LOAD"]),
    ("MATCH (p) FOREACH (x IN [1] | SET p.x = x)", ["FOREACH", "SET"]),
    ("MATCH (p) REMOVE p.x", ["REMOVE"]),
])
def test_write_clauses(query, expected):
    assert cypher.write_clauses(query) == expected


def test_reads_return_columns_and_rows(store):
    store.upsert_people([Person(id="a", name="Ann"), Person(id="b", name="Bea")])
    result = cypher.run(store, "MATCH (p:Person) RETURN p.id AS id, p.name AS name ORDER BY id")
    assert result.columns == ["id", "name"]
    assert result.rows == [["a", "Ann"], ["b", "Bea"]]
    assert not result.truncated


def test_parameters_carry_values(store):
    store.upsert_people([Person(id="q", name="O'Brien \"Bob\" $x")])
    result = cypher.run(store, "MATCH (p:Person {name: $n}) RETURN p.id AS id", {"n": "O'Brien \"Bob\" $x"})
    assert result.rows == [["q"]]


def test_write_refused_without_flag_and_nothing_changes(store):
    with pytest.raises(cypher.CypherError, match="read-only"):
        cypher.run(store, "CREATE (:Person {id: 'x', name: 'X'})")
    assert store.counts()["people"] == 0


def test_write_that_slips_past_the_lexer_is_still_rolled_back(store, monkeypatch):
    """Layer 3: if the keyword check ever misses a write, the server's counters catch it."""
    monkeypatch.setattr(cypher, "write_clauses", lambda q: [])
    with pytest.raises(cypher.CypherError, match="changed the graph"):
        cypher.run(store, "CREATE (:Person {id: 'sneaky', name: 'S'})")
    assert store.person("sneaky") is None


def test_write_allowed_with_flag(store):
    result = cypher.run(store, "CREATE (p:Person {id: 'w', name: 'W'}) RETURN p.id AS id", write=True)
    assert result.rows == [["w"]]
    assert result.counters.get("nodes_created") == 1
    assert store.person("w").person.name == "W"


def test_limit_truncates(store):
    store.load(Network(people=[Person(id=f"x{i}", name=f"X{i}") for i in range(12)]))
    result = cypher.run(store, "MATCH (p:Person) RETURN p.id AS id", limit=5)
    assert len(result.rows) == 5 and result.truncated


def test_errors_are_one_clear_line(store):
    with pytest.raises(cypher.CypherError) as e:
        cypher.run(store, "MATCH (p:Person RETURN p")
    assert "\n" not in str(e.value) and "syntax" in str(e.value).lower()
    with pytest.raises(cypher.CypherError, match="empty"):
        cypher.run(store, "   ")


def test_to_plain_makes_json_friendly_values(store):
    from datetime import date

    store.upsert_people([Person(id="a", name="Ann"), Person(id="b", name="Bea")])
    cypher.run(store, "MATCH (a:Person {id: 'a'}), (b:Person {id: 'b'}) CREATE (a)-[:KNOWS {since: $d}]->(b)",
               {"d": date(2020, 1, 2)}, write=True)
    result = cypher.run(store, "MATCH path = (a:Person {id: 'a'})-[k:KNOWS]->(b) RETURN a, k, path, k.since AS since")
    a, k, path, since = (cypher.to_plain(v) for v in result.rows[0])
    assert a["_labels"] == ["Person"] and a["name"] == "Ann"
    assert k == {"_type": "KNOWS", "_start": "a", "_end": "b", "since": "2020-01-02"}
    assert [x.get("name") or x.get("_type") for x in path] == ["Ann", "KNOWS", "Bea"]
    assert since == "2020-01-02"
