"""One real embedded graph store per test session, in a throw-away KITH_HOME.

Tests talk to it exactly as users do (the neo4j driver over Bolt); nothing is
mocked. It is stopped at the end, leaving no process behind.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from graph import queries as Q
from graph.server import EmbeddedServer
from graph.store import Store

ROOT = Path(__file__).resolve().parents[1]

# Time is an input: the whole suite (and every `kith` it runs) works as of one pinned day, so a
# test that passes today passes on any day. `KITH_TODAY=2028-02-29 make test` runs it as of
# another; CI does so for a leap day and a year end (.ci/run).
SUITE_TODAY = "2026-12-02"
os.environ.setdefault("KITH_TODAY", SUITE_TODAY)


@pytest.fixture(scope="session")
def kith_home(tmp_path_factory):
    home = tmp_path_factory.mktemp("kith-home")
    saved = {k: os.environ.get(k) for k in ("KITH_HOME", "NEO4J_URI")}
    os.environ["KITH_HOME"] = str(home)
    os.environ.pop("NEO4J_URI", None)  # the suite runs on the embedded store
    server = EmbeddedServer(home)
    server.start()
    yield home
    server.stop()
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@pytest.fixture(scope="session")
def session_store(kith_home):
    store = Store.connect()
    yield store
    store.close()


@pytest.fixture
def store(session_store):
    """The shared store, emptied before the test."""
    with session_store.session() as s:
        s.run(Q.WIPE).consume()
    return session_store


def run_kith(*args: str, input: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the real CLI as a user would, against the test session's KITH_HOME."""
    return subprocess.run([sys.executable, "-m", "kith", *args], cwd=ROOT, input=input,
                          capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=120)


@contextlib.contextmanager
def own_demo_home(tmp_path_factory, name: str):
    """A demo network of a test module's own, which it may write to; KITH_HOME points at it meanwhile."""
    path = tmp_path_factory.mktemp(name)
    done = run_kith("demo", env={"KITH_HOME": str(path)})
    assert done.returncode == 0, done.stderr
    saved = os.environ["KITH_HOME"]
    os.environ["KITH_HOME"] = str(path)
    try:
        yield path
    finally:
        os.environ["KITH_HOME"] = saved
        EmbeddedServer(path).stop()


@pytest.fixture(scope="session")
def demo_home(tmp_path_factory, kith_home):
    """A second KITH_HOME holding the demo network, loaded through the real CLI."""
    home = tmp_path_factory.mktemp("kith-demo")
    done = run_kith("demo", env={"KITH_HOME": str(home)})
    assert done.returncode == 0, done.stderr
    yield home
    EmbeddedServer(home).stop()


@pytest.fixture(scope="session")
def demo_store(demo_home):
    store = Store.connect(demo_home)
    yield store
    store.close()
