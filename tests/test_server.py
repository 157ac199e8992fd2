"""The embedded server's life cycle: start, share, bind, stop, survive kill -9."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from neo4j import GraphDatabase

from graph.model import Interaction, Network, Person
from graph.server import DATABASE, ROOT_USER, EmbeddedServer, _pid_alive, scratch_server
from graph.store import Store


def listening_addresses(pid: int) -> set[tuple[str, int]]:
    """(address, port) of every TCP socket the process listens on, from `ss`."""
    out = subprocess.run(["ss", "-Hltnp"], capture_output=True, text=True, check=True).stdout
    found = set()
    for line in out.splitlines():
        if f"pid={pid}," in line:
            local = line.split()[3]
            host, _, port = local.rpartition(":")
            found.add((host.strip("[]").removeprefix("::ffff:"), int(port)))
    return found


@pytest.fixture
def other_home(tmp_path):
    server = EmbeddedServer(tmp_path / "other")
    yield server
    server.stop()


def test_session_server_is_local_and_owns_its_files(kith_home):
    server = EmbeddedServer(kith_home)
    state = server.running()
    assert state is not None
    addresses = listening_addresses(state.pid)
    assert addresses, "the server listens on nothing?"
    assert {host for host, _ in addresses} == {"127.0.0.1"}
    assert {port for _, port in addresses} == {state.bolt_port, state.http_port}
    assert stat.S_IMODE((kith_home / "secret").stat().st_mode) == 0o600
    assert stat.S_IMODE((kith_home / "java.args").stat().st_mode) == 0o600
    assert (kith_home / "logs" / "server.out").stat().st_size > 0
    # The password never shows on the command line.
    cmdline = Path(f"/proc/{state.pid}/cmdline").read_bytes()
    assert server.password().encode() not in cmdline


def test_start_is_idempotent(kith_home):
    server = EmbeddedServer(kith_home)
    first = server.running()
    assert server.start().pid == first.pid


def test_two_homes_side_by_side(kith_home, other_home, session_store):
    state = other_home.start()
    mine = EmbeddedServer(kith_home).running()
    assert state.pid != mine.pid and state.bolt_port != mine.bolt_port
    with GraphDatabase.driver(state.uri, auth=(ROOT_USER, other_home.password())) as d:
        with d.session(database=DATABASE) as s:
            s.run("CREATE (:Probe {id: 'other'})").consume()
            assert s.run("MATCH (n:Probe) RETURN count(n) AS n").single()["n"] == 1
    assert session_store.read("MATCH (n:Probe) RETURN count(n) AS n") == [{"n": 0}]


def test_stop_leaves_no_process(other_home):
    state = other_home.start()
    assert other_home.stop() is True
    assert not _pid_alive(state.pid)
    assert other_home.running() is None
    assert other_home.stop() is False


def test_stale_state_file_is_ignored(other_home):
    other_home.home.mkdir(parents=True, exist_ok=True)
    other_home.state_file.write_text('{"pid": 1, "bolt_port": 1, "http_port": 2, "host": "127.0.0.1", "started_at": 0}')
    assert other_home.running() is None  # pid 1 is not our java
    state = other_home.start()
    assert state.pid != 1 and other_home.ready(state)


def test_nothing_committed_is_lost_on_kill_9(other_home, monkeypatch):
    monkeypatch.setenv("KITH_HOME", str(other_home.home))
    t0 = datetime(2025, 1, 1, tzinfo=timezone.utc)
    with Store.connect() as store:
        net = Network(people=[Person(id="me", name="Me", me=True)] + [Person(id=f"k{i}", name=f"K {i}") for i in range(300)],
                      interactions=[Interaction(f"i{i}", t0, ["me", f"k{i}"]) for i in range(300)])
        store.load(net)
        store.upsert_people([Person(id="last", name="Committed Last")])
    pid = other_home.running().pid
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while _pid_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _pid_alive(pid)
    with Store.connect() as store:  # restarts the server, which replays its journal
        assert other_home.running().pid != pid
        counts = store.counts()
        assert counts["people"] == 302 and counts["interactions"] == 300
        assert store.person("last").person.name == "Committed Last"


def test_a_scratch_server_leaves_nothing_behind():
    with scratch_server() as server:
        state = server.running()
        assert state is not None and server.ready(state)
        home = server.home
    assert not _pid_alive(state.pid) and not home.exists()
