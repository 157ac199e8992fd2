"""Read-only Cypher is read-only because the store enforces it; Kith's own logins cannot be locked out or taken.

Every attack runs through graph.cypher.run on the real embedded store holding a small graph, and
must be refused with a clear CypherError while a full dump (every node and relationship with all
their properties, the schema, the store's users and groups files) stays byte for byte the same.
Each runs a second time with Kith's lexical check switched off, so that what refuses it is the
server. Then: lock-outs, users put back at a restart, queries stopped on the server at their
timeout or when their client is killed (by restarting the store when ArcadeDB cannot interrupt them), and
LOAD CSV reaching no URL.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import secrets
import signal
import subprocess
import sys
import textwrap
import threading
import time
import types
import urllib.error
import urllib.request
from datetime import date, datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from neo4j import GraphDatabase
from neo4j.exceptions import AuthError

from graph import cypher, query_guard, server_users
from graph.model import Interaction, Knows, Network, Person
from graph.server import DATABASE, EmbeddedServer
from graph.store import Store
from tests.conftest import ROOT, run_kith

# A query ArcadeDB stops when told to (it checks between rows), and that would run for hours.
RUNAWAY = "UNWIND range(1, 10000000) AS x UNWIND range(1, 10000) AS y WITH x, y WHERE x + y < 0 RETURN count(*) AS n"
# One expression that loops by itself: ArcadeDB cannot interrupt it (graph/query_guard.py).
UNSTOPPABLE = "RETURN reduce(s = 0, x IN range(1, 10000000) | s + reduce(t = 0, y IN range(1, 10000000) | t + y)) AS r"


# -- a small graph, and everything that could change ------------------------------------------


def small_network() -> Network:
    at = datetime(2026, 11, 3, 18, 30, tzinfo=timezone.utc)
    people = [Person(id="me", name="Mo Owner", me=True, emails=["mo@example.com"]),
              Person(id="ann", name="Ann O'Neil", emails=["ann@example.com"], tags=["climbing"], company="Acme",
                     notes='says "CREATE nothing"; DELETE is a word'),
              Person(id="bea", name='Bea "B" Smith', phones=["+44 20 7946 0000"], skills=["python"]),
              Person(id="cy", name="Cy Ünal", location="İzmir", interests=["chess"])]
    return Network(people=people,
                   knows=[Knows("ann", "bea", since=date(2019, 5, 1), context="work"), Knows("bea", "cy")],
                   interactions=[Interaction("i1", at, ["me", "ann"], summary="coffee"),
                                 Interaction("i2", at, ["me", "bea", "cy"], channel="call")])


def http(server: EmbeddedServer, path: str, body: dict | None = None, *, auth: tuple[str, str],
         method: str | None = None) -> tuple[int, dict]:
    state = server.running()
    token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
    request = urllib.request.Request(f"http://{state.host}:{state.http_port}{path}", method=method,
                                     data=None if body is None else json.dumps(body).encode(),
                                     headers={"Authorization": f"Basic {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as e:
        return e.code, {"error": e.read().decode(errors="replace")}


def plain(value):
    """Driver values, exactly: temporal values by their ISO text and type, so that a changed zone shows."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if hasattr(value, "iso_format"):
        return [type(value).__name__, value.iso_format()]
    return value


def dump(store: Store, server: EmbeddedServer) -> str:
    """Everything a write could change, as one text: graph, schema, database settings, users, groups."""
    with store.session() as s:
        nodes = [plain(r.data()) for r in s.run(
            "MATCH (n) RETURN elementId(n) AS id, labels(n) AS labels, properties(n) AS props ORDER BY id")]
        rels = [plain(r.data()) for r in s.run(
            "MATCH (a)-[r]->(b) RETURN elementId(r) AS id, type(r) AS type, elementId(a) AS start, "
            "elementId(b) AS end, properties(r) AS props ORDER BY id")]
    admin = server_users.admin(server).auth
    schema = {what: http(server, f"/api/v1/query/{DATABASE}", {"language": "sql", "command": f"SELECT FROM schema:{what}"},
                         auth=admin)[1].get("result") for what in ("types", "indexes", "database")}
    files = {p.name: p.read_bytes().decode() for p in (server_users.users_file(server), server_users.groups_file(server))}
    return json.dumps({"nodes": nodes, "relationships": rels, "schema": schema, "files": files}, sort_keys=True,
                      default=str)


@pytest.fixture(scope="module")
def server(kith_home) -> EmbeddedServer:
    return EmbeddedServer(kith_home)


@pytest.fixture(scope="module")
def graph(session_store, server):
    """The small graph, loaded once for the module; its dump is the baseline every attack is held to."""
    state = {}

    def reload():
        from graph import queries as Q

        with session_store.session() as s:
            s.run(Q.WIPE).consume()
        session_store.load(small_network())
        state["baseline"] = dump(session_store, server)

    reload()
    state["reload"] = reload
    return state


@pytest.fixture
def pristine(graph, session_store, server):
    """The graph as loaded (loaded again if an earlier, failed, test changed it), and its dump."""
    if dump(session_store, server) != graph["baseline"]:
        graph["reload"]()
    return graph["baseline"]


# -- the attacks ---------------------------------------------------------------------------------

SEPARATORS = {"LF": "\n", "CR": "\r", "CRLF": "\r\n", "LS": "\u2028", "PS": "\u2029", "NEL": "\x85", "VT": "\x0b",
              "FF": "\x0c"}
# After these, the rest of a // comment is still comment to ArcadeDB: the payload never runs there.
COMMENT_TO_SERVER = {"LS", "PS", "NEL", "VT", "FF"}

ATTACKS = {
    # every write clause
    "create-node": "CREATE (:Person {id: 'evil', name: 'Evil'})",
    "create-new-label": "CREATE (:Evil)",
    "create-relationship": "MATCH (a:Person {id: 'ann'}), (b:Person {id: 'cy'}) CREATE (a)-[:KNOWS {evil: true}]->(b)",
    "set-property": "MATCH (p:Person {id: 'ann'}) SET p.name = 'Evil'",
    "set-map": "MATCH (p:Person {id: 'ann'}) SET p += {evil: 1}",
    "set-label": "MATCH (p:Person {id: 'ann'}) SET p:Evil",
    "set-relationship": "MATCH ()-[k:KNOWS]->() SET k.context = 'evil'",
    "remove-property": "MATCH (p:Person {id: 'ann'}) REMOVE p.name",
    "remove-label": "MATCH (p:Person {id: 'ann'}) REMOVE p:Person",
    "delete-relationship": "MATCH ()-[k:KNOWS]->() DELETE k",
    "delete-node": "MATCH (i:Interaction) DETACH DELETE i",
    "detach-delete-all": "MATCH (n) DETACH DELETE n",
    "merge-node": "MERGE (:Person {id: 'evil'})",
    "merge-relationship": "MATCH (p:Person {id: 'ann'}) MERGE (p)-[:KNOWS]->(:Person {id: 'evil2'})",
    "merge-on-match": "MERGE (p:Person {id: 'ann'}) ON MATCH SET p.evil = true",
    "foreach-set": "MATCH (p:Person) FOREACH (x IN [1] | SET p.evil = x)",
    "foreach-create": "FOREACH (x IN range(1, 3) | CREATE (:Evil {x: x}))",
    "subquery-set": "MATCH (p:Person) CALL (p) { SET p.evil = 1 } RETURN count(*) AS n",
    "gql-insert": "INSERT (:Evil {x: 1})",
    "load-csv-file": "LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row",
    "load-csv-file-create": "LOAD CSV WITH HEADERS FROM 'file:///etc/hostname' AS row CREATE (:Evil {row: row})",
    "load-csv-remote": "LOAD CSV FROM 'http://127.0.0.1:9/evil.csv' AS row RETURN row",
    # procedures that write, or run Cypher from a string
    "apoc-do-when": "CALL apoc.do.when(true, 'CREATE (:Evil) RETURN 1 AS x', '', {}) YIELD value RETURN value",
    "apoc-do-when-delete": "CALL apoc.do.when(true, 'MATCH (n) DETACH DELETE n RETURN 1 AS x', '', {}) YIELD value RETURN value",
    "do-when-bare": "CALL do.when(true, 'CREATE (:Evil) RETURN 1 AS x', '', {}) YIELD value RETURN value",
    "apoc-spaced": "CALL apoc . do . when(true, 'CREATE (:Evil) RETURN 1 AS x', '', {}) YIELD value RETURN value",
    "apoc-do-case": "CALL apoc.do.case([true, 'CREATE (:Evil) RETURN 1 AS x'], '', {}) YIELD value RETURN value",
    "apoc-cypher-runwrite": "CALL apoc.cypher.runWrite('CREATE (:Evil)', {}) YIELD value RETURN value",
    "apoc-cypher-doit": "CALL apoc.cypher.doIt('CREATE (:Evil)', {}) YIELD value RETURN value",
    "apoc-cypher-run": "CALL apoc.cypher.run('CREATE (:Evil)', {}) YIELD value RETURN value",
    "apoc-periodic-iterate": "CALL apoc.periodic.iterate('MATCH (p:Person) RETURN p', 'SET p.evil = true', {batchSize: 1})",
    "apoc-periodic-commit": "CALL apoc.periodic.commit('CREATE (:Evil) RETURN 0', {})",
    "apoc-create-node": "CALL apoc.create.node(['Evil'], {x: 1}) YIELD node RETURN node",
    "apoc-create-setproperty": "MATCH (p:Person {id: 'ann'}) CALL apoc.create.setProperty(p, 'evil', 1) YIELD node RETURN node",
    "apoc-merge-node": "CALL apoc.merge.node(['Evil'], {x: 1}) YIELD node RETURN node",
    "merge-node-bare": "CALL merge.node(['Evil'], {x: 1}) YIELD node RETURN node",
    "apoc-merge-relationship": "MATCH (a:Person {id: 'ann'}), (b:Person {id: 'cy'}) "
                               "CALL apoc.merge.relationship(a, 'EVIL', {}, {}, b) YIELD rel RETURN rel",
    "apoc-refactor-merge": "MATCH (a:Person {id: 'ann'}), (b:Person {id: 'bea'}) "
                           "CALL apoc.refactor.mergeNodes([a, b]) YIELD node RETURN node",
    "apoc-refactor-clone": "MATCH (a:Person {id: 'ann'}) CALL apoc.refactor.cloneNodesWithRelationships([a]) "
                           "YIELD output RETURN output",
    "db-migrate-temporals": "CALL db.migrateLegacyTemporals()",
    # CALL … IN TRANSACTIONS commits batches of its own
    "in-transactions-create": "CALL () { CREATE (:Evil) } IN TRANSACTIONS",
    "in-transactions-set": "MATCH (p:Person) CALL (p) { SET p.evil = true } IN TRANSACTIONS OF 1 ROW",
    "in-concurrent-transactions": "MATCH (i:Interaction) CALL (i) { DETACH DELETE i } IN 2 CONCURRENT TRANSACTIONS",
    # comments, strings and quoted names around a write
    "block-comment": "MATCH (p:Person) /* just reading */ SET p.evil = true RETURN count(p) AS n",
    "escaped-quote": "MATCH (p:Person) WHERE p.name <> 'it\\'s' SET p.evil = 1",
    "escaped-double-quote": 'MATCH (p:Person) WHERE p.name <> "x\\"" DETACH DELETE p',
    "quoted-names": "MATCH (`p`:`Person`) SET `p`.`evil` = 1",
    "comment-desync": "MATCH (p:Person) RETURN count(p) AS n // \u2028 '\nCREATE (:Evil) // '",
    # Unicode lookalikes and invisible characters
    "fullwidth": "ＣＲＥＡＴＥ (:Evil)",
    "cyrillic-es": "\u0421REATE (:Evil)",
    "zero-width-joiner": "CRE\u200dATE (:Evil)",
    "zero-width-space": "DE\u200bTACH DELETE (n)",
    "byte-order-mark": "\ufeffCREATE (:Evil)",
    "no-break-space": "CREATE\u00a0(:Evil)",
    "ideographic-space": "CREATE\u3000(:Evil)",
    "mixed-case": "cReAtE (:Evil)",
    # several statements
    "read-then-write": "MATCH (p:Person) RETURN count(p) AS n; CREATE (:Evil)",
    "write-then-read": "CREATE (:Evil); MATCH (p) RETURN p",
    "read-newline-delete": "MATCH (p:Person) RETURN count(p) AS n;\nMATCH (q:Person) DETACH DELETE q",
    # schema
    "create-index": "CREATE INDEX evil_index FOR (p:Person) ON (p.evil)",
    "create-index-existing": "CREATE INDEX IF NOT EXISTS FOR (p:Person) ON (p.name)",
    "drop-index": "DROP INDEX person_name_key",
    "create-constraint": "CREATE CONSTRAINT evil_unique FOR (p:Person) REQUIRE p.name IS UNIQUE",
    "drop-constraint": "DROP CONSTRAINT person_id",
    # users, roles, databases
    "create-user": "CREATE USER evil SET PASSWORD 'evilevil12'",
    "create-user-plaintext": "CREATE USER evil IF NOT EXISTS SET PLAINTEXT PASSWORD 'evilevil12' CHANGE NOT REQUIRED",
    "alter-root": "ALTER USER root SET PASSWORD 'hackedroot1'",
    "drop-root": "DROP USER root",
    "create-user-in-do-when": "CALL apoc.do.when(true, \"CREATE USER evil SET PASSWORD 'evilevil12'\", '', {}) "
                              "YIELD value RETURN value",
    "grant-role": "GRANT ROLE admin TO evil",
    "create-database": "CREATE DATABASE evil",
    "stop-database": "STOP DATABASE kith",
    # ArcadeDB's SQL, which this is not
    "sql-insert": "INSERT INTO Person SET id = 'evil'",
    "sql-update": "UPDATE Person SET name = 'Evil'",
    "sql-delete": "DELETE FROM Person",
    "sql-create-type": "CREATE VERTEX TYPE Evil",
    "sql-truncate": "TRUNCATE TYPE Person UNSAFE",
    "sql-alter-database": "ALTER DATABASE `arcadedb.dateFormat` 'yyyy'",
    # prefixes
    "explain-create": "EXPLAIN CREATE (:Evil)",
    "profile-create": "PROFILE CREATE (:Evil)",
    "comment-first": "/* hello */ CREATE (:Evil)",
    "use-clause": "USE kith CREATE (:Evil)",
    **{f"line-comment-{name}": f"MATCH (p:Person) RETURN count(p) AS n // just counting{sep}CREATE (:Evil)"
       for name, sep in SEPARATORS.items()},
}
# Harmless on the server itself, so only refused by Kith's check: the payload is inside a comment there,
# EXPLAIN only plans, and for the reader ArcadeDB's PROFILE of a write and its clone procedure answer
# nothing and write nothing.
HARMLESS_ON_SERVER = {f"line-comment-{name}" for name in COMMENT_TO_SERVER} | {
    "explain-create", "profile-create", "apoc-refactor-clone"}

assert len(ATTACKS) >= 50


def refused(store: Store, query: str) -> str:
    with pytest.raises(cypher.CypherError) as e:
        cypher.run(store, query, timeout=60)
    message = str(e.value)
    assert message and "\n" not in message
    assert "refused in read-only mode" in message or message.startswith("the graph store refused the query: ") \
        or "reported changes to the graph" in message, message
    return message


@pytest.mark.parametrize("name", list(ATTACKS))
def test_attack_is_refused_and_changes_nothing(name, pristine, session_store, server):
    refused(session_store, ATTACKS[name])
    assert dump(session_store, server) == pristine


@pytest.mark.parametrize("name", list(ATTACKS))
def test_attack_is_refused_by_the_server_itself(name, pristine, session_store, server, monkeypatch):
    """Kith's own check switched off: the reader user's rights are what stand in the way."""
    monkeypatch.setattr(cypher, "refusal", lambda query: None)
    if name in HARMLESS_ON_SERVER:
        with contextlib.suppress(cypher.CypherError):
            cypher.run(session_store, ATTACKS[name], timeout=60)
    else:
        message = refused(session_store, ATTACKS[name])
        assert "refused in read-only mode" not in message
    assert dump(session_store, server) == pristine


def test_the_lexical_check_sees_what_the_server_runs():
    assert cypher.write_clauses("CALL () { MATCH (n) RETURN n } IN TRANSACTIONS") == ["IN TRANSACTIONS"]
    assert cypher.write_clauses("CALL apoc . do . when(true, 'x', '', {})") == ["apoc.do.when"]
    assert cypher.write_clauses("RETURN apoc.create.vNode(['X'], {}) AS v") == []
    assert cypher.write_clauses("ＣＲＥＡＴＥ (n)") == ["CREATE"]
    assert cypher.write_clauses("CRE\u200dATE (n)") == ["CREATE"]
    # ArcadeDB ends a // comment at \n and \r only, and so does the check …
    assert cypher.write_clauses("RETURN 1 // x\rCREATE (n)") == ["CREATE"]
    assert cypher.write_clauses("RETURN 1 // x\u2028CREATE (n)") == []
    # … and a comment holding another line end is refused, whatever either side makes of it.
    assert "U+2028" in cypher.refusal("RETURN 1 // x\u2028CREATE (n)")


def test_through_the_real_cli(pristine, session_store, server):
    for name in ("create-node", "apoc-do-when", "in-transactions-set", "cyrillic-es", "line-comment-LS",
                 "create-user", "drop-index"):
        done = run_kith("cypher", ATTACKS[name])
        assert done.returncode == 1, (name, done.stdout)
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), (name, done.stderr)
        assert dump(session_store, server) == pristine, name


def login_works(server: EmbeddedServer, user: str, password: str) -> bool:
    status, _ = http(server, "/api/v1/databases", auth=(user, password))
    return status == 200


def test_read_only_cypher_cannot_create_alter_or_drop_a_user(pristine, session_store, server, monkeypatch):
    users_before = server_users.users_file(server).read_bytes()
    admin = server_users.admin(server)
    attempts = ["CREATE USER evil SET PASSWORD 'evilevil12'",
                "CREATE USER evil SET PLAINTEXT PASSWORD 'evilevil12' CHANGE NOT REQUIRED",
                "CALL apoc.do.when(true, \"CREATE USER evil SET PASSWORD 'evilevil12'\", '', {}) YIELD value RETURN value",
                "ALTER USER root SET PASSWORD 'hackedroot1'",
                f"ALTER USER `{admin.user}` SET PASSWORD 'hackedadmin1'",
                f"DROP USER `{admin.user}`",
                "DROP USER root"]
    monkeypatch.setattr(cypher, "refusal", lambda query: None)  # the server alone
    for query in attempts:
        with pytest.raises(cypher.CypherError):
            cypher.run(session_store, query)
    assert server_users.users_file(server).read_bytes() == users_before
    assert not login_works(server, "evil", "evilevil12")
    with pytest.raises(AuthError), GraphDatabase.driver(server.running().uri, auth=("evil", "evilevil12")) as d:
        d.verify_connectivity()
    assert not login_works(server, admin.user, "hackedadmin1")
    assert login_works(server, *admin.auth)
    assert login_works(server, "root", server.password())
    assert dump(session_store, server) == pristine


# -- the lexical check is linear -------------------------------------------------------------------


@pytest.mark.parametrize("unit", ["'\\", "\\'", '"\\', "'", "`", "/*", "create:", "a.", "a .", "ＣＲＥＡＴＥ ",
                                  "C\u200dR", "'\\'/*\"`//\n", "$x", "set "])
def test_lexical_check_of_a_64_kb_adversarial_query_is_fast(unit):
    query = (unit * (65536 // len(unit) + 1))[:65536]
    t0 = time.perf_counter()
    cypher.refusal(query)
    cypher.write_clauses(query)
    assert time.perf_counter() - t0 < 2.0  # the old regex took ~30 s on "'\\" * 32768


# -- lock-outs, and users put back ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def own_home(tmp_path_factory, kith_home):
    """A store of this module's own: these tests restart it, lock names out and leave queries running."""
    home = tmp_path_factory.mktemp("kith-attacks")
    server = EmbeddedServer(home)
    with Store.connect(home) as store:
        store.load(small_network())
    yield server
    server.stop()


def wrong_logins(server: EmbeddedServer, user: str, times: int = 6) -> None:
    for _ in range(times):
        assert not login_works(server, user, "not-the-password")
    # A lock-out refuses the right password too: ArcadeDB counts failures per name, whatever the address.
    if user == "root":
        assert http(server, "/api/v1/databases", auth=("root", server.password()))[0] != 200


def test_failed_logins_as_root_or_guessed_names_do_not_lock_kith_out(own_home):
    for user in ("root", "kith", "admin", "kith-admin", "kith-reader", "neo4j"):
        wrong_logins(own_home, user)
    t0 = time.monotonic()
    with Store.connect(own_home.home) as store:
        assert cypher.run(store, "MATCH (p:Person) RETURN count(p) AS n").rows == [[4]]
        assert cypher.run(store, "MATCH (p:Person {id: 'ann'}) SET p.seen = true RETURN p.id", write=True).rows == [["ann"]]
    assert time.monotonic() - t0 < 5
    done = run_kith("cypher", "MATCH (p:Person) RETURN count(p) AS n", "--json", env={"KITH_HOME": str(own_home.home)})
    assert done.returncode == 0, done.stderr
    # Kith's names are the secret's: another home's are others, and nothing outside the home shows them.
    admin, reader = server_users.admin(own_home), server_users.reader(own_home)
    elsewhere = types.SimpleNamespace(password=lambda: "the-secret-of-another-home")
    assert {admin.user, reader.user}.isdisjoint({server_users.admin(elsewhere).user, server_users.reader(elsewhere).user})
    cmdline = Path(f"/proc/{own_home.running().pid}/cmdline").read_bytes()
    for secret in (admin.user, admin.password, reader.user, reader.password):
        assert secret.encode() not in cmdline
    own_home.stop()  # a restart forgets lock-outs: root is needed again below


def test_a_locked_out_name_is_refused_even_with_its_password(own_home):
    """Why Kith's names must stay unguessable: the lock-out is per name, right password or not."""
    own_home.start()
    reader = server_users.reader(own_home)
    wrong_logins(own_home, reader.user)
    assert not login_works(own_home, *reader.auth)
    with Store.connect(own_home.home) as store:  # the admin, another name, is not affected
        assert cypher.run(store, "RETURN 1 AS x", write=True).rows == [[1]]
        with pytest.raises(cypher.CypherError, match="refused Kith's login"):
            cypher.run(store, "RETURN 1 AS x")
    own_home.stop()  # a restart forgets lock-outs


def change_users_behind_kiths_back(server: EmbeddedServer) -> None:
    """As root over HTTP: a new admin, write rights for the reader's group, new passwords for the reader and root."""
    root = ("root", server.password())
    reader = server_users.reader(server)
    assert http(server, "/api/v1/server", {"command": 'create user {"name": "evil", "password": "evilevil12", '
                                                     '"databases": {"*": ["admin"]}}'}, auth=root)[0] == 200
    rights = {"database": "*", "name": server_users.READER_GROUP, "resultSetLimit": -1, "readTimeout": -1,
              "access": ["updateSchema", "updateSecurity"],
              "types": {"*": {"access": ["createRecord", "readRecord", "updateRecord", "deleteRecord"]}}}
    assert http(server, "/api/v1/server/groups", rights, auth=root)[0] == 200
    assert http(server, f"/api/v1/server/users?name={reader.user}", {"password": "changedreader1"}, auth=root,
                method="PUT")[0] == 200
    assert http(server, "/api/v1/server/users?name=root", {"password": "changedroot12"}, auth=root, method="PUT")[0] == 200
    assert login_works(server, "evil", "evilevil12") and login_works(server, reader.user, "changedreader1")
    assert login_works(server, "root", "changedroot12")
    assert json.loads(server_users.groups_file(server).read_text()) != server_users.GROUPS


def assert_users_are_kiths(server: EmbeddedServer, store: Store) -> None:
    admin, reader = server_users.admin(server), server_users.reader(server)
    names = [json.loads(line)["name"] for line in server_users.users_file(server).read_text().splitlines()]
    assert sorted(names) == sorted(["root", admin.user, reader.user])
    assert json.loads(server_users.groups_file(server).read_text()) == server_users.GROUPS
    assert not login_works(server, "evil", "evilevil12") and not login_works(server, "evil2", "evilevil12")
    assert login_works(server, *reader.auth) and login_works(server, *admin.auth)
    assert login_works(server, "root", server.password())  # root's password is the secret again
    assert cypher.run(store, "MATCH (p:Person) RETURN count(p) AS n").rows == [[4]]
    with pytest.MonkeyPatch.context() as mp:  # the reader's group is read-only again
        mp.setattr(cypher, "refusal", lambda query: None)
        with pytest.raises(cypher.CypherError, match="not allowed"):
            cypher.run(store, "CREATE (:Evil)")


def test_users_changed_behind_kiths_back_are_put_back_at_restart(own_home):
    own_home.start()
    with Store.connect(own_home.home) as store:  # Kith's admin may create a user in Cypher too
        cypher.run(store, "CREATE USER evil2 SET PASSWORD 'evilevil12'", write=True)
    change_users_behind_kiths_back(own_home)
    assert login_works(own_home, "evil2", "evilevil12")
    own_home.stop()
    with Store.connect(own_home.home) as store:
        assert_users_are_kiths(own_home, store)


def test_users_changed_while_kith_runs_are_put_back_at_its_next_command(own_home):
    """Root's password changed (or anything else) does not lock Kith out: it never logs in as root, and puts it back."""
    own_home.start()
    change_users_behind_kiths_back(own_home)
    t0 = time.monotonic()
    with Store.connect(own_home.home) as store:
        assert time.monotonic() - t0 < server_users.RELOAD_PERIOD_S + 5  # the server's reload of its files
        assert_users_are_kiths(own_home, store)


LEGACY_GROUPS = {"databases": {"*": {"groups": {"admin": server_users.ADMIN_RIGHTS, "*": server_users.NO_RIGHTS}}},
                 "version": 2}


def write_legacy_files(server: EmbeddedServer) -> None:
    """The security files of a home the previous Kith made: root alone, with the secret, and ArcadeDB's groups."""
    root = {"name": "root", "databases": {"*": ["admin"]},
            "password": server_users.encode_password(server.password(), "bGVnYWN5LXNhbHQtb2YtYXJjYWRlZGItcm9vdA==")}
    server_users.users_file(server).write_text(json.dumps(root) + "\n")
    server_users.groups_file(server).write_text(json.dumps(LEGACY_GROUPS))


def test_a_home_of_the_previous_kith_keeps_working(own_home):
    """Stopped, its files are rewritten at start; running (started by the previous Kith), it is adopted."""
    own_home.stop()
    write_legacy_files(own_home)
    with Store.connect(own_home.home) as store:
        assert cypher.run(store, "MATCH (p:Person) RETURN count(p) AS n").rows == [[4]]
    assert server_users.in_place(own_home)

    own_home.stop()
    write_legacy_files(own_home)
    state = own_home._spawn()  # as the previous Kith started it: no user of Kith's
    deadline = time.monotonic() + 60
    while True:
        try:
            with GraphDatabase.driver(state.uri, auth=("root", own_home.password())) as d, d.session(database=DATABASE) as s:
                s.run("RETURN 1").consume()
            break
        except Exception:  # noqa: BLE001 - not up yet
            assert time.monotonic() < deadline
            time.sleep(0.2)
    admin = server_users.admin(own_home)
    assert not login_works(own_home, *admin.auth)
    with Store.connect(own_home.home) as store:
        assert own_home.running().pid == state.pid  # adopted, not restarted
        assert cypher.run(store, "MATCH (p:Person) RETURN count(p) AS n").rows == [[4]]
        assert cypher.run(store, "MATCH (p:Person {id: 'ann'}) SET p.adopted = true RETURN p.id", write=True).rows == [["ann"]]
    assert server_users.in_place(own_home)


def test_a_user_dropped_while_running_is_back_at_the_next_command(own_home):
    reader = server_users.reader(own_home)
    with Store.connect(own_home.home) as store:
        cypher.run(store, f"DROP USER `{reader.user}`", write=True)
    assert not login_works(own_home, *reader.auth)
    done = run_kith("cypher", "MATCH (p:Person) RETURN count(p) AS n", "--json", env={"KITH_HOME": str(own_home.home)})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [{"n": 4}]
    assert server_users.in_place(own_home)


# -- timeouts stop the work on the server --------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def busy(pid: int, over: float = 1.0) -> float:
    """The share of one core the process used over ``over`` seconds."""
    before = cpu_seconds(pid)
    time.sleep(over)
    return (cpu_seconds(pid) - before) / over


def settled_busy(pid: int) -> float:
    """``busy`` of a JVM that has just started, once its start-up work is done: with the start-up cache
    (graph/aot_cache.py) its JIT compiles the methods the cache says are hot, 0.1-0.2 of a core for
    about 2 s after the store answers. A query left running would keep a whole core."""
    time.sleep(2.5)
    return busy(pid, 2.0)


def reader_queries(server: EmbeddedServer) -> list[dict]:
    state, reader = server.running(), server_users.reader(server)
    watch = query_guard.Watch(state.host, state.http_port, *reader.auth)
    return query_guard._command(watch, "list queries").get("result") or []


def test_a_runaway_query_is_stopped_on_the_server_at_its_timeout(session_store, server):
    t0 = time.monotonic()
    with pytest.raises(cypher.CypherError, match=r"ran longer than its timeout \(2 s\)"):
        cypher.run(session_store, RUNAWAY, timeout=2)
    elapsed = time.monotonic() - t0
    assert 2 <= elapsed < 4, elapsed
    t0 = time.monotonic()
    assert cypher.run(session_store, "MATCH (p:Person) RETURN count(p) AS n").columns == ["n"]
    assert time.monotonic() - t0 < 1.5
    assert reader_queries(server) == []
    assert busy(server.running().pid, 2.0) < 0.15  # idle: nothing left computing


def test_the_cli_timeout_is_the_servers(server):
    t0 = time.monotonic()
    done = run_kith("cypher", RUNAWAY, "--timeout", "2")
    assert done.returncode == 1 and "ran longer than its timeout (2 s)" in done.stderr, done.stderr
    assert time.monotonic() - t0 < 12  # a whole `kith` process: imports, connecting, 2 s, stopping
    assert reader_queries(server) == []


def test_the_dashboard_timeout_is_the_servers(kith_home, server):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=120).run()
    at.switch_page("views/cypher.py").run()
    at.text_area(key="cypher_query").set_value(RUNAWAY)
    at.number_input(key="cypher_timeout").set_value(2)
    t0 = time.monotonic()
    at.button(key="cypher_run").click().run()
    assert time.monotonic() - t0 < 10
    assert not at.exception and "ran longer than its timeout (2 s)" in at.error[0].value.replace("\\", "")  # markdown escapes
    assert reader_queries(server) == []


def test_a_runaway_write_query_is_stopped_too(session_store, server):
    with pytest.raises(cypher.CypherError, match="ran longer than its timeout"):
        cypher.run(session_store, RUNAWAY, write=True, timeout=1)
    assert busy(server.running().pid, 2.0) < 0.15  # idle: nothing left computing


def test_a_killed_client_leaves_no_query_running(kith_home, server):
    script = textwrap.dedent(f"""
        from graph import cypher
        from graph.store import Store
        store = Store.connect()
        print("sending", flush=True)
        cypher.run(store, {RUNAWAY!r}, timeout=600)
    """)
    client = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "KITH_HOME": str(kith_home)})
    try:
        assert client.stdout.readline().strip() == "sending"
        deadline = time.monotonic() + 20
        while not reader_queries(server):
            assert time.monotonic() < deadline, "the query never started"
            time.sleep(0.1)
        assert busy(server.running().pid) > 0.2  # it is working (on two cores other tests share)
    finally:
        client.send_signal(signal.SIGKILL)
        client.wait()
    t0 = time.monotonic()
    while reader_queries(server):
        assert time.monotonic() - t0 < 3, "the killed client's query still runs"
        time.sleep(0.1)
    assert busy(server.running().pid, 2.0) < 0.15  # idle: nothing left computing
    t0 = time.monotonic()
    assert run_kith("cypher", "RETURN 1 AS x").returncode == 0
    assert time.monotonic() - t0 < 10  # a whole `kith` process, imports included


def test_ctrl_c_stops_the_query_on_the_server(kith_home, server):
    client = subprocess.Popen([sys.executable, "-m", "kith", "cypher", RUNAWAY, "--timeout", "600"], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                              env={**os.environ, "KITH_HOME": str(kith_home)})
    try:
        deadline = time.monotonic() + 30
        while not reader_queries(server):
            assert time.monotonic() < deadline, "the query never started"
            time.sleep(0.1)
        client.send_signal(signal.SIGINT)
        client.wait(timeout=10)
    finally:
        client.kill()
    t0 = time.monotonic()
    while reader_queries(server):
        assert time.monotonic() - t0 < 3, "the interrupted query still runs"
        time.sleep(0.1)


def exited(pid: int) -> bool:
    """Every thread of the process has exited: nothing of it runs (a killed JVM's main thread stays a zombie
    until its parent reaps it, while its other threads, the query's among them, are still ending)."""
    try:
        return os.listdir(f"/proc/{pid}/task") == [str(pid)] and \
            Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def test_an_expression_arcadedb_cannot_interrupt_is_stopped_by_restarting_the_store(own_home):
    """The acceptance criterion: a runaway query is stopped on the server within its timeout plus 2 s, and the
    store answers at once after. ArcadeDB cannot interrupt one expression: Kith restarts the store to stop it,
    and nothing committed is lost, not even a commit made while the query ran; another client's open
    transaction is aborted whole."""
    timeout = 1.0
    token = secrets.token_hex(8)
    with Store.connect(own_home.home) as store:
        cypher.run(store, "CREATE (:Person {id: $id, name: 'Committed'})", {"id": f"c-{token}"}, write=True)
        old = own_home.running()
        with GraphDatabase.driver(old.uri, auth=server_users.admin_auth(own_home)) as other:
            session = other.session(database=DATABASE)
            half = session.begin_transaction()  # another client's write, in flight when the store is restarted
            half.run("UNWIND range(1, 100) AS i CREATE (:Person {id: 'half-' + toString(i), name: 'Half'})").consume()
            half.run("MATCH (p:Person {id: 'ann'}) SET p.name = 'Half-written'").consume()
            outcome: dict = {}

            def send():
                try:
                    cypher.run(store, UNSTOPPABLE, timeout=timeout)
                except cypher.CypherError as e:
                    outcome["error"] = str(e)
                outcome["returned"] = time.monotonic()

            t0 = time.monotonic()
            client = threading.Thread(target=send)
            client.start()
            seen = False
            while not exited(old.pid):
                assert time.monotonic() - t0 < timeout + 2, "the query still runs on the server"
                if not seen and reader_queries(own_home):
                    seen = True  # it runs: a commit now must survive the kill
                    cypher.run(store, "CREATE (:Person {id: $id, name: 'Committed meanwhile'})",
                               {"id": f"m-{token}"}, write=True)
                time.sleep(0.02)
            gone = time.monotonic() - t0
            assert seen, "the query was never seen running"
            client.join(120)
            restart = outcome["returned"] - t0 - gone
            assert ("could not be interrupted; the graph store was restarted to stop it; nothing you committed "
                    "was lost") in outcome["error"]
            with pytest.raises(Exception):  # noqa: B017 - whichever way the driver says its connection is gone
                half.commit()
            with contextlib.suppress(Exception):
                session.close()
        new = own_home.running()
        assert new.pid != old.pid and (new.host, new.bolt_port, new.http_port) == (old.host, old.bolt_port, old.http_port)
        t1 = time.monotonic()
        # The same store, as the dashboard keeps it: its drivers reconnect to the same address.
        assert cypher.run(store, "MATCH (p:Person) WHERE p.id IN $ids RETURN p.name AS name ORDER BY name",
                          {"ids": [f"c-{token}", f"m-{token}"]}).rows == [["Committed"], ["Committed meanwhile"]]
        assert time.monotonic() - t1 < 1.5
        assert store.read("MATCH (p:Person) WHERE p.name IN ['Half', 'Half-written'] RETURN count(p) AS n") == [{"n": 0}]
        assert store.read("MATCH (p:Person {id: 'ann'}) RETURN p.name AS name") == [{"name": "Ann O'Neil"}]
        assert reader_queries(own_home) == []
        assert settled_busy(new.pid) < 0.15  # idle: nothing left computing
    print(f"\nuninterruptible query (timeout {timeout:g} s): gone from the server {gone:.2f} s after it was sent; "
          f"store restarted and answering {restart:.2f} s after that")


def test_a_killed_clients_uninterruptible_query_is_stopped_by_restarting_the_store(own_home):
    """The client gone, its watchdog does it all: stops the query at once, and restarts the store when it must."""
    old = own_home.start()
    with Store.connect(own_home.home) as store:
        people = store.read("MATCH (p:Person) RETURN count(p) AS n")
    script = textwrap.dedent(f"""
        from graph import cypher
        from graph.store import Store
        store = Store.connect()
        print("sending", flush=True)
        cypher.run(store, {UNSTOPPABLE!r}, timeout=600)
    """)
    client = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "KITH_HOME": str(own_home.home)})
    try:
        assert client.stdout.readline().strip() == "sending"
        deadline = time.monotonic() + 20
        while not reader_queries(own_home):
            assert time.monotonic() < deadline, "the query never started"
            time.sleep(0.1)
    finally:
        client.send_signal(signal.SIGKILL)
        client.wait()
    t0 = time.monotonic()
    while not exited(old.pid):
        assert time.monotonic() - t0 < 3, "the killed client's query still runs"  # told to stop, a second, killed
        time.sleep(0.02)
    gone = time.monotonic() - t0
    while not ((new := own_home.running()) and own_home.ready(new)):
        assert time.monotonic() - t0 < 60, "the store did not start again"
        time.sleep(0.05)
    restart = time.monotonic() - t0 - gone
    assert (new.bolt_port, new.http_port) == (old.bolt_port, old.http_port)
    assert reader_queries(own_home) == []
    assert settled_busy(new.pid) < 0.15
    with Store.connect(own_home.home) as store:
        assert store.read("MATCH (p:Person) RETURN count(p) AS n") == people
    print(f"\nkilled client's uninterruptible query: gone from the server {gone:.2f} s after the client died; "
          f"store answering {restart:.2f} s after that")


# -- LOAD CSV reaches no URL ---------------------------------------------------------------------------


def test_load_csv_reaches_no_url(session_store, server, monkeypatch):
    """Off on the server, for the reader and the admin alike (Kith's check switched off): a read-only query
    could otherwise send the graph out in the URL it asks for. ArcadeDB blocks loopback and private addresses
    by itself, so a refusal alone would not tell; the one asserted here is the setting's."""
    requests: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            requests.append(self.path)
            body = b"a,b\n1,2\n"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/x.csv"
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # it answers whoever asks
            assert response.read() == b"a,b\n1,2\n" and requests == ["/x.csv"]
        requests.clear()
        monkeypatch.setattr(cypher, "refusal", lambda query: None)
        for write in (False, True):
            with pytest.raises(cypher.CypherError, match="the graph store refused the query: .*remote URLs are disabled"):
                cypher.run(session_store, f"LOAD CSV FROM '{url}' AS r RETURN r", write=write, timeout=30)
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert requests == []
