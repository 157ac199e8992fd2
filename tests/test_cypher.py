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
    ("CREATE (p)", ["CREATE"]),
    ("MATCH (p) RETURN {creates: 1, settled: 2} AS m", []),
    ("INSERT (:Person {id: 'x'})", ["INSERT"]),
    ("CALL () { MATCH (n) RETURN n } IN TRANSACTIONS", ["IN TRANSACTIONS"]),
    ("MATCH (n) CALL (n) { SET n.x = 1 } IN 2 CONCURRENT TRANSACTIONS", ["SET", "IN TRANSACTIONS"]),
    ("CALL apoc.do.when(true, 'CREATE (n)', '', {}) YIELD value RETURN value", ["apoc.do.when"]),
    ("CALL apoc.periodic.iterate('MATCH (n) RETURN n', 'SET n.x = 1', {})", ["apoc.periodic.iterate"]),
    ("CALL merge.node(['X'], {}) YIELD node RETURN node", ["merge.node"]),
    ("RETURN apoc.create.vNode(['X'], {}) AS v", []),
    ("MATCH (n) ＤＥＴＡＣＨ ＤＥＬＥＴＥ n", ["DETACH", "DELETE"]),
    ("MATCH (n) DE\u200bTACH DELETE n", ["DETACH", "DELETE"]),
    ("MATCH (p) WHERE p.note = 'it\\'s CREATE' RETURN p // MERGE\rRETURN 1", []),
    ("MATCH (p) RETURN p // MERGE\rSET p.x = 1", ["SET"]),
])
def test_write_clauses(query, expected):
    assert cypher.write_clauses(query) == expected


def test_refusal_says_what_writes():
    assert cypher.refusal("MATCH (p) RETURN p") is None
    assert cypher.refusal("CREATE (:Person {id: 'x', name: 'X'})") == (
        "this query writes (CREATE); it is refused in read-only mode. Pass --write to allow changes.")
    assert "(apoc.do.when)" in cypher.refusal("CALL apoc.do.when(true, 'CREATE (n)', '', {}) YIELD value RETURN value")
    assert "U+2029" in cypher.refusal("MATCH (p) RETURN p // note\u2029")


def test_a_timeout_must_be_positive(store):
    with pytest.raises(cypher.CypherError, match="timeout"):
        cypher.run(store, "RETURN 1", timeout=0)


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


def test_write_that_slips_past_the_lexer_is_refused_by_the_server(store, monkeypatch):
    """The lexical check is for the message: the store itself refuses the reader's writes."""
    store.upsert_people([Person(id="a", name="Ann")])
    monkeypatch.setattr(cypher, "refusal", lambda q: None)
    with pytest.raises(cypher.CypherError, match="not allowed to create records"):
        cypher.run(store, "CREATE (:Person {id: 'sneaky', name: 'S'})")
    assert store.person("sneaky") is None
    # An update ArcadeDB only refuses at commit: the summary shows it, and the transaction is rolled back.
    with pytest.raises(cypher.CypherError, match="reported changes to the graph.*rolled back"):
        cypher.run(store, "MATCH (p:Person {id: 'a'}) SET p.name = 'Changed'")
    assert store.person("a").person.name == "Ann"


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
