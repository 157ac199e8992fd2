"""The command line, run as a user runs it: a subprocess of `python -m kith` on the real store."""

from __future__ import annotations

import csv
import io
import json

from tests.conftest import run_kith


def count_people() -> int:
    done = run_kith("cypher", "MATCH (p:Person) RETURN count(p) AS n", "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)[0]["n"]


def test_help_everywhere():
    for args in ([], ["db"], ["person"], ["person", "add"], ["cypher"], ["log"], ["demo"]):
        done = run_kith(*args, "--help")
        assert done.returncode == 0 and "Usage" in done.stdout, args


def test_person_add_show_search_forget(store):
    assert run_kith("person", "add", "Alex Morgan", "--me", "--email", "alex@example.com").returncode == 0
    done = run_kith("person", "add", "José Álvarez", "--email", " Jose@Example.ORG ", "--phone", "07700 900123",
                    "--birthday=--05-17", "--company", "Acme", "--tag", "ex-colleague", "--skill", "python",
                    "--child", "Lia", "--id", "jose")
    assert done.returncode == 0, done.stderr
    assert "saved as jose" in done.stdout

    shown = json.loads(run_kith("person", "show", "alvarez", "--json").stdout)
    assert shown["emails"] == "jose@example.org" and shown["phones"] == "+447700900123"
    assert shown["birthday"] == "--05-17" and shown["tags"] == "ex-colleague" and shown["children"] == "Lia"

    found = run_kith("person", "search", "JOSE")
    assert found.returncode == 0 and "José Álvarez" in found.stdout

    assert run_kith("log", "jose", "--kind", "thank-you", "--summary", "for the referral").returncode == 0
    assert json.loads(run_kith("person", "show", "jose", "--json").stdout)["interactions"] == 1

    gone = run_kith("person", "forget", "jose", "--yes")
    assert gone.returncode == 0 and "1 private interactions" in gone.stdout
    assert run_kith("person", "show", "jose").returncode == 1
    assert count_people() == 1


def test_health_notes_hidden_unless_asked(store):
    run_kith("cypher", "CREATE (:Person {id: 'h', name: 'Hana', health_notes: 'migraines'})", "--write")
    plain = run_kith("person", "show", "h")
    assert "migraines" not in plain.stdout and "hidden" in plain.stdout
    assert "migraines" in run_kith("person", "show", "h", "--health").stdout


def test_user_mistakes_are_one_line_and_non_zero(store):
    for args in (["person", "show", "nobody at all"],
                 ["person", "add", "X", "--birthday", "17/05/1990"],
                 ["person", "add", "X", "--phone", "not a phone"],
                 ["log", "someone"],
                 ["cypher", "MATCH (p:Person RETURN p"],
                 ["cypher", "RETURN 1", "--param", "novalue"]):
        done = run_kith(*args)
        assert done.returncode == 1, args
        assert "Traceback" not in done.stderr and done.stderr.strip().startswith("error:"), (args, done.stderr)


def test_cypher_outputs(store):
    run_kith("person", "add", "Ann O'Neil", "--id", "ann")
    run_kith("person", "add", "Bea \"B\" Ng", "--id", "bea")
    q = "MATCH (p:Person) WHERE p.id IN $ids RETURN p.id AS id, p.name AS name ORDER BY id"
    ids = ["--param", 'ids=["ann","bea"]']
    as_json = run_kith("cypher", q, *ids, "--json")
    assert json.loads(as_json.stdout) == [{"id": "ann", "name": "Ann O'Neil"}, {"id": "bea", "name": 'Bea "B" Ng'}]
    as_csv = run_kith("cypher", q, *ids, "--csv")
    assert list(csv.reader(io.StringIO(as_csv.stdout))) == [["id", "name"], ["ann", "Ann O'Neil"], ["bea", 'Bea "B" Ng']]
    table = run_kith("cypher", q, *ids)
    assert "Ann O'Neil" in table.stdout and "2 rows" in table.stderr


def test_cypher_write_needs_the_flag(store):
    before = count_people()
    refused = run_kith("cypher", "CREATE (:Person {id: 'x', name: 'X'})")
    assert refused.returncode == 1 and "read-only" in refused.stderr
    assert count_people() == before
    allowed = run_kith("cypher", "CREATE (:Person {id: 'x', name: 'X'})", "--write")
    assert allowed.returncode == 0 and "nodes created: 1" in allowed.stderr
    assert count_people() == before + 1


def test_demo_loads_a_realistic_network_once(demo_home):
    env = {"KITH_HOME": str(demo_home)}
    done = run_kith("cypher", "MATCH (p:Person) RETURN count(p) AS n", "--json", env=env)
    assert json.loads(done.stdout)[0]["n"] >= 250
    again = run_kith("demo", env=env)
    assert again.returncode == 0 and "already holds" in again.stdout
    status = run_kith("db", "status", env=env)
    assert status.returncode == 0 and "running" in status.stdout and "people" in status.stdout


def test_db_stop_leaves_no_server(tmp_path):
    env = {"KITH_HOME": str(tmp_path / "h")}
    assert run_kith("db", "start", env=env).returncode == 0
    pid = json.loads((tmp_path / "h" / "server.json").read_text())["pid"]
    assert run_kith("db", "stop", env=env).returncode == 0
    from graph.server import _pid_alive

    assert not _pid_alive(pid)
    assert run_kith("db", "status", env=env).returncode == 3


def test_log_refuses_an_unknown_kind_or_channel_and_writes_nothing(store):
    run_kith("me", "--name", "Alex Morgan")
    run_kith("person", "add", "Ana Souza", "--id", "ana")
    for option, value in (("--kind", "pigeon"), ("--channel", "owl")):
        done = run_kith("log", "ana", option, value)
        assert done.returncode == 1, done.stdout
        assert done.stderr.strip().count("\n") == 0 and "Traceback" not in done.stderr
        assert done.stderr.startswith("error:") and f"'{value}' is not one of: " in done.stderr
    assert json.loads(run_kith("person", "show", "ana", "--json").stdout)["interactions"] == 0
    assert run_kith("log", "ana", "--kind", "advice-asked", "--channel", "call").returncode == 0
    assert json.loads(run_kith("person", "show", "ana", "--json").stdout)["interactions"] == 1


def test_me_creates_the_owner_then_adds_addresses(store):
    unknown = run_kith("me")
    assert unknown.returncode == 1 and unknown.stderr.startswith("error:") and "kith me --name" in unknown.stderr
    assert "you are Alex Morgan (me)" in run_kith("me", "--name", "Alex Morgan", "--email", "Alex@Example.com").stdout
    done = run_kith("me", "--email", "alex@work.com")
    assert done.returncode == 0 and "addresses: alex@example.com, alex@work.com" in done.stdout
