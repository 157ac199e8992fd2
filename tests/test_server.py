"""The embedded server's life cycle: start, share, bind, stop, survive kill -9, a damaged home."""

from __future__ import annotations

import getpass
import json
import os
import signal
import stat
import subprocess
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from neo4j import GraphDatabase

from graph import server_users
from graph.model import Interaction, Network, Person
from graph.server import DATABASE, READY_TIMEOUT_S, ROOT_USER, EmbeddedServer, _pid_alive, scratch_server
from graph.store import Store
from tests.conftest import run_kith


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
    # Nor in the JVM's perf-data file, which would keep it in /tmp after a kill -9.
    assert not Path(f"/tmp/hsperfdata_{getpass.getuser()}/{state.pid}").exists()


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


# -- a damaged home --------------------------------------------------------------------


def processes_in(home: Path) -> list[int]:
    """Processes whose working folder is home, read from /proc rather than asked of Kith."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if Path(os.readlink(entry / "cwd")) == home.resolve():
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def snapshot(home: Path) -> dict[str, tuple[int, int, int]]:
    return {str(p.relative_to(home)): (p.lstat().st_mode, p.lstat().st_size, p.lstat().st_mtime_ns)
            for p in sorted(home.rglob("*"))}


@pytest.fixture
def own_home(tmp_path):
    home = tmp_path / "home"
    yield home
    EmbeddedServer(home).stop()


def test_a_damaged_state_file_neither_hides_the_server_nor_starts_a_second(own_home):
    env = {"KITH_HOME": str(own_home)}
    assert run_kith("db", "start", env=env).returncode == 0
    state_file = own_home / "server.json"
    real = json.loads(state_file.read_text())
    damages = {
        "garbage": "\x00\x7fnot json at all",
        "empty": "",
        "truncated": json.dumps(real)[:25],
        "wrong pid": json.dumps({**real, "pid": os.getpid()}),  # alive, but not our java
        "missing": None,
    }

    def damage(how: str) -> None:
        if damages[how] is None:
            state_file.unlink(missing_ok=True)
        else:
            state_file.write_text(damages[how])

    for how in damages:
        damage(how)
        status = run_kith("db", "status", env=env)
        assert status.returncode == 0 and f"pid {real['pid']}" in status.stdout, (how, status.stdout, status.stderr)
        assert json.loads(state_file.read_text())["pid"] == real["pid"], how  # written again
        assert {k: json.loads(state_file.read_text())[k] for k in ("bolt_port", "http_port", "host")} == \
            {k: real[k] for k in ("bolt_port", "http_port", "host")}, how
        if how in ("truncated", "wrong pid"):  # the same look-up as status: two kinds are enough
            damage(how)
            start = run_kith("db", "start", env=env)
            assert start.returncode == 0 and f"pid {real['pid']}" in start.stdout, (how, start.stdout, start.stderr)
        assert processes_in(own_home) == [real["pid"]], how

    damage("garbage")
    stop = run_kith("db", "stop", env=env)
    assert stop.returncode == 0 and "graph store stopped" in stop.stdout
    assert processes_in(own_home) == [] and not _pid_alive(real["pid"])
    assert not state_file.exists()


def test_a_server_whose_ports_are_lost_is_replaced_not_doubled(own_home):
    env = {"KITH_HOME": str(own_home)}
    assert run_kith("db", "start", env=env).returncode == 0
    old = json.loads((own_home / "server.json").read_text())["pid"]
    (own_home / "server.json").unlink()
    (own_home / "java.args").unlink()  # nothing left says where it listens
    status = run_kith("db", "status", env=env)
    assert status.returncode == 3 and f"process {old} " in status.stdout and "kith db start" in status.stdout
    done = run_kith("db", "start", env=env)
    assert done.returncode == 0, done.stderr
    new = json.loads((own_home / "server.json").read_text())["pid"]
    assert new != old and not _pid_alive(old)
    assert processes_in(own_home) == [new]


def test_a_lost_secret_fails_at_once_and_reset_password_recovers(own_home):
    env = {"KITH_HOME": str(own_home)}
    done = run_kith("cypher", "--write", "CREATE (:Probe {id: 'kept'})", env=env)
    assert done.returncode == 0, done.stderr
    secret = own_home / "secret"
    old_secret = secret.read_text()

    secret.unlink()  # while the server runs
    t0 = time.monotonic()
    done = run_kith("cypher", "MATCH (n:Probe) RETURN n.id", env=env)
    assert done.returncode == 1 and time.monotonic() - t0 < 5
    assert f"{secret} is missing" in done.stderr and "kith db reset-password" in done.stderr
    assert not secret.exists()
    assert run_kith("db", "stop", env=env).returncode == 0  # stopping needs no password
    assert processes_in(own_home) == []

    damages = {"missing": lambda: None, "empty": lambda: secret.write_text(""),
               "blank": lambda: secret.write_text("\n  \n"), "unreadable": lambda: secret.mkdir()}
    for how, damage in damages.items():
        damage()
        before = snapshot(own_home)
        t0 = time.monotonic()
        done = run_kith("db", "start", env=env)
        elapsed = time.monotonic() - t0
        assert done.returncode == 1, (how, done.stdout)
        assert elapsed < 5, (how, elapsed)
        assert "kith db reset-password" in done.stderr and str(secret) in done.stderr, (how, done.stderr)
        assert snapshot(own_home) == before, how  # no new secret, no server, nothing touched
        assert processes_in(own_home) == [], how
        if secret.is_dir():
            secret.rmdir()
        else:
            secret.unlink(missing_ok=True)

    # A user Kith did not create does not survive the reset (nor any start): the store's users are
    # root and Kith's own two, whose names follow the new secret (graph/server_users.py).
    users = own_home / "arcadedb" / "config" / "server-users.jsonl"
    root = json.loads(users.read_text().splitlines()[0])
    users.write_text(users.read_text() + json.dumps({**root, "name": "backup-reader"}) + "\n")

    declined = run_kith("db", "reset-password", input="n\n", env=env)
    assert declined.returncode == 1 and not secret.exists()

    done = run_kith("db", "reset-password", "--yes", env=env)
    assert done.returncode == 0, done.stderr
    new_secret = secret.read_text()
    assert new_secret.strip() and new_secret != old_secret
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    names = {json.loads(line)["name"] for line in users.read_text().splitlines() if line.strip()}
    server = EmbeddedServer(own_home)
    assert names == {"root", server_users.admin(server).user, server_users.reader(server).user}
    done = run_kith("cypher", "--json", "MATCH (n:Probe) RETURN n.id AS id", env=env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [{"id": "kept"}]


def test_a_wrong_secret_fails_fast_and_leaves_no_server(own_home):
    env = {"KITH_HOME": str(own_home)}
    assert run_kith("db", "start", env=env).returncode == 0
    assert run_kith("db", "stop", env=env).returncode == 0
    (own_home / "secret").write_text("the-secret-of-another-home")
    t0 = time.monotonic()
    done = run_kith("db", "start", env=env)
    assert done.returncode == 1 and time.monotonic() - t0 < READY_TIMEOUT_S / 2
    assert "refused the password" in done.stderr and "kith db reset-password" in done.stderr
    assert processes_in(own_home) == []  # a server nobody can log in to is not left holding the database
