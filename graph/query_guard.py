"""Stopping a user's query on the embedded store when its time is up, or when whoever sent it is gone.

What ArcadeDB (26.10) does by itself, measured (tests/test_readonly_attacks.py):

- it ignores the Bolt transaction timeout, and a Bolt client cannot ask for another one: its
  ``arcadedb.command.timeout`` is one bound for every statement of every user (Kith's own imports
  too), and a group's ``readTimeout`` only bounds each scan of a type, not a query;
- a query whose client is gone (killed, its connection dropped) runs on to its end, however long;
- ``terminate query <id>``, an HTTP server command the user who runs a query may send, stops it at
  its next row or step: at once, in practice; ``list queries`` shows a user their running queries;
- but not inside one expression that loops by itself, like a ``reduce`` or a list comprehension
  over a ``range`` nested in another: ArcadeDB looks for a termination between rows and steps. Such
  a query keeps a core busy to its end (hours), whatever it is told. So does, without the CPU, a
  single ``apoc.util.sleep`` call (ArcadeDB caps it at 60 s).

So every user query Kith sends carries a comment with a random tag (``tagged``; ArcadeDB drops a
leading comment before parsing, so error positions stay the user's), and a watchdog process,
started with the query in a session of its own, stops it by tag:

- at its timeout, when the process that sent it says so (``Watchdog.halt``);
- at once if that process dies first (SIGKILL included): its end of a pipe closes. It also stops it
  a second after the timeout, should the sender be alive but stuck;
- as a last resort, when the query is still listed ``ESCALATE_AFTER_S`` after ``terminate query``:
  the watchdog kills the store's server process (SIGKILL) and starts it again, on the same ports
  (``EmbeddedServer.kill_and_restart``), then tells the sender, if it is still there, which tells
  the user. Killing the server is the only way ArcadeDB has to end such a query.

What that restart does to everyone else using the store:

- nothing committed is lost: the WAL is flushed at every commit (``txWalFlush=1``, graph/server.py)
  and replayed at the start (tests/test_readonly_attacks.py checks it);
- every transaction in flight is aborted: another command's import, a ``kith cypher --write``, a
  dashboard page's query. A transaction is all or nothing, so none is half-written: its sender gets
  an error and can run it again. Batches a ``CALL … IN TRANSACTIONS`` committed are kept, as every
  commit is;
- every connection is cut. The restart keeps the ports, so the neo4j driver, which opens a new
  connection to the same address for the next query, carries on: the dashboard's cached store too.
  A command that starts meanwhile waits for the start lock, and finds the new server.

Only the embedded store has a watchdog: on Neo4j a Store has no ``Watch``, and the server ends a
transaction at its own timeout.

The watchdog runs this file as a script (``python -I -S``): it imports nothing but the standard
library, so it starts in a few milliseconds; only a restart imports graph/server.py.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import secrets
import select
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass

HTTP_TIMEOUT_S = 10.0  # ArcadeDB answers `terminate query` once the query ended, or after 5 s
BACKSTOP_S = 1.0  # the watchdog stops a query this long after its timeout, if its sender has not
SETTLE_S = 3.0    # how long the watchdog keeps looking: a query sent just before its sender died may register late
ESCALATE_AFTER_S = 1.0  # a query still listed this long after `terminate query` cannot be: the store is restarted
HALT_GRACE_S = 5.0      # how long a sender waits, past ESCALATE_AFTER_S, for the watchdog to act or say why not
RESTART_WAIT_S = 120.0  # … and for the restarted store to answer (graph/server.py's READY_TIMEOUT_S, with room)

# EXPLAIN and PROFILE must stay first: ArcadeDB's Bolt plugin looks for them at the very start.
_MODIFIER = re.compile(r"\s*+(?:EXPLAIN|PROFILE)(?![\w$])", re.IGNORECASE)


@dataclass(frozen=True)
class Watch:
    """Where and as whom to look for, and stop, the queries of one user: the one who sent them."""

    host: str
    http_port: int
    user: str
    password: str


@dataclass(frozen=True)
class Halted:
    """How a query whose time was up ended (``Watchdog.halt``).

    ``ended``: it stopped when told to (or ended by itself); ``restarted``: it could not be
    interrupted, and the store was restarted to stop it (in ``seconds``); ``not-restarted``: the
    store was killed to stop it, but did not start again (``detail`` says why); ``running``: nothing
    stopped it (``detail`` says why, when the watchdog knows).
    """

    outcome: str
    seconds: float | None = None
    detail: str = ""


def new_tag() -> str:
    return f"/* kith-query {secrets.token_hex(12)} */"


def tagged(query: str, tag: str) -> str:
    m = _MODIFIER.match(query)
    return f"{query[:m.end()]} {tag} {query[m.end():]}" if m else f"{tag} {query}"


def running(watch: Watch, tag: str) -> list[str]:
    """The ids of the watched user's running queries that carry ``tag``."""
    listed = _command(watch, "list queries").get("result") or []
    return [q["id"] for q in listed if isinstance(q, dict) and tag in str(q.get("text", ""))]


def stop(watch: Watch, tag: str, wait: float = HTTP_TIMEOUT_S) -> list[str]:
    """Terminate every running query carrying ``tag``, waiting at most ``wait`` seconds for the store to say it
    ended; returns their ids. Errors reaching the store are swallowed: a store that is gone runs nothing."""
    stopped = []
    with contextlib.suppress(OSError, ValueError):
        for query_id in running(watch, tag):
            stopped.append(query_id)
            _command(watch, f"terminate query {query_id}", wait)
    return stopped


class Watchdog:
    """The process that stops the query tagged ``tag``: when told to (``halt``), if this one dies, or
    if it is stuck past ``timeout``; and that restarts the store when nothing else stops the query.

    Use as a context manager around sending the query; leaving the block tells it the query is
    over (leaving it by an exception has it stop the query, as Ctrl-C means to, without waiting).
    """

    def __init__(self, watch: Watch, tag: str, timeout: float):
        self.watch, self.tag = watch, tag
        job = {"watch": asdict(watch), "tag": tag, "deadline": time.time() + timeout + BACKSTOP_S}
        self.proc: subprocess.Popen | None = None
        self._heard = b""
        with contextlib.suppress(OSError):
            # Its own session: Ctrl-C or a closed terminal, which end this process, must not end it.
            self.proc = subprocess.Popen([sys.executable, "-I", "-S", os.path.abspath(__file__)],
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=subprocess.DEVNULL, start_new_session=True)
            self.proc.stdin.write(json.dumps(job).encode() + b"\n")
            self.proc.stdin.flush()

    def __enter__(self) -> Watchdog:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            if self._tell(b"stop\n"):
                self._close(b"")  # its end of the pipe closes: it stops the query, restarting the store if it must
                return
            stop(self.watch, self.tag, wait=1.0)  # no watchdog: told from here, not waiting long for the store
        self.close()

    def halt(self, worker: threading.Thread) -> Halted | None:
        """The query's time is up: have the watchdog stop it now, and wait until it is over.

        ``worker`` is the thread waiting for the query's answer: it ends when the query does. None
        when there is no watchdog (it could not be started): the caller stops the query itself.
        """
        if not self._tell(b"stop\n"):
            return None
        give_up = time.monotonic() + ESCALATE_AFTER_S + HALT_GRACE_S
        while True:
            report = self._report(0.05)
            if report is None:
                if worker.is_alive():
                    if time.monotonic() > give_up:
                        return Halted("running")
                    continue
                # The watchdog announces a kill before it kills: if a kill ended the query, it is said by now.
                report = self._report(0)
                if report is None:
                    return Halted("ended")
            word, _, rest = report.partition(" ")
            if word == "killing":
                final = self._report(RESTART_WAIT_S) or ""
                word, _, rest = final.partition(" ")
                if word == "restarted":
                    return Halted("restarted", seconds=float(rest))
                return Halted("not-restarted", detail=rest if word == "failed" else "")
            if word == "ended":
                return Halted("ended")
            return Halted("running", detail=rest)  # "unstoppable …", or the watchdog gone without a word

    def close(self) -> None:
        self._close(b"done\n")

    def _close(self, last: bytes) -> None:
        if self.proc is None:
            return
        proc, self.proc = self.proc, None
        with contextlib.suppress(OSError):
            if last:
                proc.stdin.write(last)
            proc.stdin.close()
        # Reaped in the background: the dashboard runs for days, and must gather neither zombies nor pipes.
        threading.Thread(target=_reap, args=(proc,), daemon=True).start()

    def _tell(self, what: bytes) -> bool:
        if self.proc is None:
            return False
        try:
            self.proc.stdin.write(what)
            self.proc.stdin.flush()
            return True
        except OSError:
            return False  # it is gone

    def _report(self, wait: float) -> str | None:
        """The watchdog's next line; "" once it is gone; None if it says nothing within ``wait`` seconds."""
        deadline = time.monotonic() + wait
        while b"\n" not in self._heard:
            left = deadline - time.monotonic()
            if not select.select([self.proc.stdout], [], [], max(left, 0))[0]:
                return None
            chunk = os.read(self.proc.stdout.fileno(), 4096)
            if not chunk:
                return ""
            self._heard += chunk
        line, _, self._heard = self._heard.partition(b"\n")
        return line.decode(errors="replace").strip()


def _reap(proc: subprocess.Popen) -> None:
    proc.wait()
    proc.stdout.close()


def _command(watch: Watch, command: str, wait: float = HTTP_TIMEOUT_S) -> dict:
    token = base64.b64encode(f"{watch.user}:{watch.password}".encode()).decode()
    request = urllib.request.Request(f"http://{watch.host}:{watch.http_port}/api/v1/server",
                                     data=json.dumps({"command": command}).encode(), method="POST",
                                     headers={"Authorization": f"Basic {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=wait) as response:
        return json.loads(response.read() or b"{}")


# -- the watchdog process ------------------------------------------------------------------------


def _watch() -> None:
    """The watchdog: one JSON line (what to watch) on stdin, then ``stop``, ``done`` or the end of the pipe.

    What it does goes to stdout, a line each, for the sender (if still there): ``ended`` (the query
    stopped when told to), ``killing`` (the store's server is about to be killed), then
    ``restarted <seconds>`` or ``failed <why>``; or ``unstoppable <why>`` (nothing could stop it).
    """
    fd = sys.stdin.fileno()
    received = b""
    while b"\n" not in received:
        chunk = os.read(fd, 4096)
        if not chunk:
            return  # its sender died before saying what to watch: it had sent nothing
        received += chunk
    line, _, heard = received.partition(b"\n")
    job = json.loads(line)
    watch, tag, deadline = Watch(**job["watch"]), job["tag"], job["deadline"]
    while b"stop" not in heard and b"done" not in heard and (left := deadline - time.time()) > 0:
        if select.select([fd], [], [], left)[0]:
            chunk = os.read(fd, 64)
            if not chunk:
                break  # its sender is gone: nobody wants this query's answer
            heard += chunk
    if b"done" in heard and b"stop" not in heard:
        return
    _stop_or_restart(watch, tag, fd)


def _stop_or_restart(watch: Watch, tag: str, fd: int) -> None:
    """Terminate the query; if it is still listed ESCALATE_AFTER_S later, restart the store to stop it."""
    give_up = time.monotonic() + SETTLE_S
    terminated_at = None
    sender_done = False
    while time.monotonic() < give_up:
        try:
            ids = running(watch, tag)
        except (OSError, ValueError):
            ids = None  # the store did not answer: try again
        if not ids:
            if ids is not None and terminated_at is not None:
                _say("ended")
                return
            if ids is not None and sender_done:
                return  # its sender has its answer, and it is not running: it ended before it was looked for
            time.sleep(0.1)
            with contextlib.suppress(OSError):
                sender_done = sender_done or (bool(select.select([fd], [], [], 0)[0]) and b"done" in os.read(fd, 64))
        elif terminated_at is None:
            terminated_at = time.monotonic()
            give_up = max(give_up, terminated_at + ESCALATE_AFTER_S + 2.0)
            for query_id in ids:
                # ArcadeDB answers once the query ended, or 5 s later: so this returns at once, or after
                # ESCALATE_AFTER_S without an answer, the query still running.
                with contextlib.suppress(OSError, ValueError):
                    _command(watch, f"terminate query {query_id}", ESCALATE_AFTER_S / len(ids))
        elif time.monotonic() - terminated_at >= ESCALATE_AFTER_S:
            _restart(watch)
            return
        else:
            time.sleep(0.05)


def _restart(watch: Watch) -> None:
    started = time.monotonic()
    try:
        server = _kiths_server_module()
        found = server.serving(watch.http_port, watch.host)
        if found is None:
            _say(f"unstoppable no embedded store of Kith's serves {watch.host}:{watch.http_port}")
            return
        embedded, pid = found
        _say("killing")
        embedded.kill_and_restart(pid)
    except Exception as e:  # noqa: BLE001 - said to the sender, who tells the user
        _say(f"failed {' '.join(str(e).split()) or type(e).__name__}")
        return
    _say(f"restarted {time.monotonic() - started:.2f}")


def _kiths_server_module():
    """graph/server.py, imported from a process started with ``-I -S``: Kith's folder and the
    environment's packages (the neo4j driver, which checks the restarted store) put back on the path."""
    import site

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if root not in sys.path:
        sys.path.insert(0, root)
    site.main()
    from graph import server

    return server


def _say(line: str) -> None:
    with contextlib.suppress(OSError):  # the sender is gone: nobody to tell
        os.write(1, line.encode() + b"\n")


if __name__ == "__main__":
    _watch()
