"""Stopping a user's query on the embedded store when its time is up, or when whoever sent it is gone.

What ArcadeDB (26.10) does by itself, measured (tests/test_readonly_attacks.py):

- it ignores the Bolt transaction timeout, and a Bolt client cannot ask for another one: its
  ``arcadedb.command.timeout`` is one bound for every statement of every user (Kith's own imports
  too), and a group's ``readTimeout`` only bounds each scan of a type, not a query;
- a query whose client is gone (killed, its connection dropped) runs on to its end, however long;
- ``terminate query <id>``, an HTTP server command the user who runs a query may send, stops it at
  its next row or step: at once, in practice; ``list queries`` shows a user their running queries.

So every user query Kith sends carries a comment with a random tag (``tagged``; ArcadeDB drops a
leading comment before parsing, so error positions stay the user's), and it is stopped by tag:

- at its timeout, by the process that sent it (``stop``);
- if that process dies first (SIGKILL included), by a watchdog process started with the query, in
  a session of its own: its end of a pipe closes, and it stops the query at once. It also stops it
  a second after the timeout, should the sender be alive but stuck.

What this cannot stop (nor anything short of stopping the server): one expression that loops by
itself, like a ``reduce`` or a list comprehension over a ``range`` nested in another; ArcadeDB
looks for a termination between rows and steps, not inside an expression. And a single
``apoc.util.sleep`` call runs out its time (ArcadeDB caps it at 60 s; it holds a thread, no CPU).

The watchdog runs this file as a script (``python -I -S``): it imports nothing but the standard
library, so it starts in a few milliseconds.
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

# EXPLAIN and PROFILE must stay first: ArcadeDB's Bolt plugin looks for them at the very start.
_MODIFIER = re.compile(r"\s*+(?:EXPLAIN|PROFILE)(?![\w$])", re.IGNORECASE)


@dataclass(frozen=True)
class Watch:
    """Where and as whom to look for, and stop, the queries of one user: the one who sent them."""

    host: str
    http_port: int
    user: str
    password: str


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
    """The process that stops the query tagged ``tag`` if this one dies, or is stuck past ``timeout``.

    Use as a context manager around sending the query; leaving the block tells it the query is
    over (leaving it by an exception also stops the query, as Ctrl-C means to).
    """

    def __init__(self, watch: Watch, tag: str, timeout: float):
        self.watch, self.tag = watch, tag
        job = {"watch": asdict(watch), "tag": tag, "deadline": time.time() + timeout + BACKSTOP_S}
        self.proc: subprocess.Popen | None = None
        with contextlib.suppress(OSError):
            # Its own session: Ctrl-C or a closed terminal, which end this process, must not end it.
            self.proc = subprocess.Popen([sys.executable, "-I", "-S", os.path.abspath(__file__)],
                                         stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL, start_new_session=True)
            self.proc.stdin.write(json.dumps(job).encode() + b"\n")
            self.proc.stdin.flush()

    def __enter__(self) -> Watchdog:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            stop(self.watch, self.tag, wait=1.0)  # told at once; not waiting long for the store to confirm
        self.close()

    def close(self) -> None:
        if self.proc is None:
            return
        proc, self.proc = self.proc, None
        with contextlib.suppress(OSError):
            proc.stdin.write(b"done\n")
            proc.stdin.close()
        # Reaped in the background: the dashboard runs for days, and must not gather zombies.
        threading.Thread(target=proc.wait, daemon=True).start()


def _command(watch: Watch, command: str, wait: float = HTTP_TIMEOUT_S) -> dict:
    token = base64.b64encode(f"{watch.user}:{watch.password}".encode()).decode()
    request = urllib.request.Request(f"http://{watch.host}:{watch.http_port}/api/v1/server",
                                     data=json.dumps({"command": command}).encode(), method="POST",
                                     headers={"Authorization": f"Basic {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=wait) as response:
        return json.loads(response.read() or b"{}")


def _watch() -> None:
    """The watchdog: one JSON line (what to watch) on stdin, then ``done`` or the end of the pipe."""
    fd = sys.stdin.fileno()
    received = b""
    while b"\n" not in received:
        chunk = os.read(fd, 4096)
        if not chunk:
            return  # its sender died before saying what to watch: it had sent nothing
        received += chunk
    line, _, rest = received.partition(b"\n")
    job = json.loads(line)
    watch, tag, deadline = Watch(**job["watch"]), job["tag"], job["deadline"]
    if b"done" in rest:
        return
    while (left := deadline - time.time()) > 0:
        if select.select([fd], [], [], left)[0]:
            chunk = os.read(fd, 64)
            if b"done" in chunk:
                return
            if not chunk:
                break  # its sender is gone: nobody wants this query's answer
    settle = time.monotonic() + SETTLE_S
    while time.monotonic() < settle:
        stop(watch, tag)
        time.sleep(0.2)


if __name__ == "__main__":
    _watch()
