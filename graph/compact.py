"""Rewriting the embedded store's files, so that what the graph no longer holds is gone from disk too.

ArcadeDB deletes a record by marking its slot in a page free: the bytes stay in the page file, in
index pages and in the write-ahead log until something happens to be written over them. It has no
command that rewrites a database's files (``CHECK DATABASE`` fixes them in place, a backup copies
the pages as they are). So ``compact`` builds a new database from what the graph holds now, on the
running server, which stays up (its ports, and every client's connection, stay as they were):

1. export the whole graph (kith/export.py: the exact export) and the change marker, in one read;
2. restore it into a new database beside the live one (``kith_compact``), and compare that
   database with the export, record by record;
3. close the live database and rename it ``kith_old`` (for about a second there is no database:
   Kith's own commands wait and retry); open it under that name and check its change marker is
   still the one exported (a write that came in meanwhile would otherwise be lost: then it goes
   back, and the whole compaction starts again); move the new one in, open it, check its counts;
4. overwrite, then delete, the old database; overwrite the logs that name the person.

Until step 3 has checked the new database, the old one is where it was, holding everything: if
anything fails, it goes back. A journal (``KITH_HOME/compacting.json``) says which step a crash
interrupted, so the next command puts it right (``before_start``).

Overwriting makes the bytes unreadable through the file system; on a copy-on-write file system or
in an SSD's spare blocks old copies can outlive it, which only an encrypted disk prevents.
On a real Neo4j (``NEO4J_URI``) the files are the server's, not Kith's: ``compact`` is not for it.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import re
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.server import DATABASE, ROOT_USER, EmbeddedServer, fsync_dir, write_private
from kith.errors import StoreError

SCRATCH = f"{DATABASE}_compact"  # the new database while it is built
OLD = f"{DATABASE}_old"          # the old one between the swap and its shredding
JOURNAL = "compacting.json"      # in KITH_HOME: which step of the swap was reached
LOCK = "compacting.lock"         # in KITH_HOME: one compaction at a time
ATTEMPTS = 3                     # a write between the export and the swap makes the export stale: again
LOCK_WAIT_S = 300.0
_CHUNK = 1 << 20
_OVERLAP = 4096  # longer than any name, email or phone looked for: one split across two chunks is still found


@dataclass
class Compaction:
    """What ``compact`` did: the database's files before and after, how long it took, what it removed."""

    seconds: float = 0.0
    bytes_before: int = 0
    bytes_after: int = 0
    shredded: int = 0                # files overwritten and deleted (the old database's)
    logs_scrubbed: int = 0           # log files that named them, overwritten and emptied
    attempts: int = 1
    checked_files: int = 0           # every file under KITH_HOME, read afterwards
    found_in: list[str] = field(default_factory=list)  # those that still name them: should be none


def databases(home: Path) -> Path:
    return home / "arcadedb" / "databases"


def _size(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and not p.is_symlink())


# -- the running server's own database commands ------------------------------------------------


class _Server:
    """The embedded server's HTTP commands (open, close, create, drop a database), as root."""

    def __init__(self, server: EmbeddedServer):
        state = server.running()
        if state is None:
            raise StoreError(f"the graph store of {server.home} is not running")
        self.folder = databases(server.home)
        self.url = f"http://{state.host}:{state.http_port}/api/v1/server"
        token = base64.b64encode(f"{ROOT_USER}:{server.password()}".encode()).decode()
        self.headers = {"Authorization": f"Basic {token}", "Content-Type": "application/json"}

    def run(self, command: str) -> Any:
        request = urllib.request.Request(self.url, data=json.dumps({"command": command}).encode(),
                                         headers=self.headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=120) as answer:
                return json.loads(answer.read() or b"null").get("result")
        except urllib.error.HTTPError as e:
            detail = e.read().decode(errors="replace")[:300]
            raise StoreError(f"the graph store refused {command!r}: {detail}") from None
        except OSError as e:
            raise StoreError(f"the graph store did not answer {command!r}: {e}") from None

    def databases(self) -> list[str]:
        return list(self.run("list databases") or [])


# -- locking, the journal and recovering from a crash --------------------------------------------


@contextlib.contextmanager
def _locked(home: Path, *, wait: bool = True) -> Iterator[bool]:
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(home / LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + (LOCK_WAIT_S if wait else 0)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not wait:
                    yield False
                    return
                if time.monotonic() > deadline:
                    raise StoreError(f"another Kith command has been compacting {home} for "
                                     f"{LOCK_WAIT_S:.0f}s; try again when it is done") from None
                time.sleep(0.2)
        yield True
    finally:
        os.close(fd)  # releases the lock


def _journal(home: Path, stage: str | None) -> None:
    """Record (durably) which step of the swap was reached; None once it is over."""
    path = home / JOURNAL
    if stage is None:
        path.unlink(missing_ok=True)
        fsync_dir(home)
    else:
        write_private(path, json.dumps({"stage": stage}))  # atomic and fsynced


def _stage(home: Path) -> str | None:
    try:
        return json.loads((home / JOURNAL).read_text())["stage"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def before_start(home: Path) -> None:
    """Called before Kith starts or connects to the embedded store of ``home``: puts right a
    compaction a crash interrupted (a running one is left alone: the store stays up through it)."""
    if not (home / JOURNAL).exists():
        return
    with _locked(home, wait=False) as mine:
        if mine and (home / JOURNAL).exists():
            _recover(home)


def _recover(home: Path) -> None:
    """Finish or undo a swap a crash interrupted (the journal says how far it went). Under the lock.

    ``swapping``: if the new database is still beside the live one, the swap did not finish: the old
    one goes back in place (whatever is there instead is an empty database a start made). Else the
    new one is in place, verified before the swap: the old one is shredded. ``swapped``: the same.
    """
    folder = databases(home)
    live, new, old = folder / DATABASE, folder / SCRATCH, folder / OLD
    stage = _stage(home)
    if stage is not None:
        EmbeddedServer(home).stop()  # nothing may hold these folders while they move
        if stage == "swapping" and old.exists() and new.exists():
            shred_tree(live)
            old.rename(live)
            fsync_dir(folder)
        shred_tree(old)
        shred_tree(new)
        _journal(home, None)


# -- shredding -------------------------------------------------------------------------------


def _zero(path: Path) -> int:
    """Overwrite the whole of ``path`` with zeros, flushed to disk; returns its size."""
    size = path.stat().st_size
    fd = os.open(path, os.O_WRONLY)
    try:
        zeros = bytes(min(size, _CHUNK))
        left = size
        while left > 0:
            left -= os.write(fd, zeros[:min(left, _CHUNK)])
        os.fsync(fd)
    finally:
        os.close(fd)
    return size


def shred_file(path: Path) -> None:
    """Overwrite ``path`` with zeros, then delete it."""
    with contextlib.suppress(FileNotFoundError):
        _zero(path)
    path.unlink(missing_ok=True)


def shred_tree(root: Path) -> int:
    """Shred every file under ``root`` (symbolic links are removed, never followed), then remove it.
    Returns how many files went."""
    if root.is_symlink():
        root.unlink()
        return 0
    if not root.exists():
        return 0
    if not root.is_dir():
        shred_file(root)
        return 1
    count = 0
    for folder, dirs, files in os.walk(root, topdown=False):
        for name in files:
            path = Path(folder) / name
            path.unlink() if path.is_symlink() else shred_file(path)
            count += 1
        for name in dirs:
            d = Path(folder) / name
            d.unlink() if d.is_symlink() else d.rmdir()
    root.rmdir()
    return count


def scrub(path: Path) -> None:
    """Overwrite a file another process may still be writing (a log), then empty it in place."""
    with contextlib.suppress(FileNotFoundError):
        _zero(path)
        os.truncate(path, 0)


# -- finding what should be gone -----------------------------------------------------------------


def files_holding(root: Path, pattern: re.Pattern[bytes] | None) -> tuple[list[Path], int]:
    """Files under ``root`` in which ``pattern`` is found (graph/redact.py's ``file_pattern``), read in
    chunks; and how many files were read."""
    if pattern is None:
        return [], 0
    found, checked = [], 0
    for folder, _, files in os.walk(root):
        for name in sorted(files):
            path = Path(folder) / name
            if path.is_symlink():
                continue
            try:
                with open(path, "rb") as f:
                    checked += 1
                    tail = b""
                    while chunk := f.read(_CHUNK):
                        if pattern.search(tail + chunk):
                            found.append(path)
                            break
                        tail = chunk[-_OVERLAP:]
            except OSError:
                continue  # gone meanwhile (a rolled-over log)
    return found, checked


# -- compaction ------------------------------------------------------------------------------------


def compact(home: Path, pattern: re.Pattern[bytes] | None = None) -> Compaction:
    """Rebuild the embedded store of ``home`` from what its graph holds now (see the module docstring).

    ``pattern``: what must be in no file under ``home`` afterwards (what named a forgotten person,
    graph/redact.py's ``file_pattern``): logs that hold it are scrubbed, then every file is read, and
    any that still holds it is listed in ``found_in``.
    """
    from graph.store import Store

    home = EmbeddedServer(home).home
    started = time.perf_counter()
    live = databases(home) / DATABASE
    with _locked(home):
        _recover(home)
        with Store.connect(home) as store:
            if store.backend != "embedded":
                raise StoreError("only the embedded store's files are Kith's to rewrite")
            result = Compaction(bytes_before=_size(live))
            server = _Server(EmbeddedServer(home))
            for attempt in range(1, ATTEMPTS + 1):
                result.attempts = attempt
                doc, version = _export(store)
                _build(store, server, doc)
                if _swap(home, store, server, doc, version):
                    break
            else:
                raise StoreError(f"the graph kept changing while Kith rewrote its files ({ATTEMPTS} tries); "
                                 "the store is as it was: run `kith db compact` when nothing else writes to it")
        result.shredded = shred_tree(databases(home) / OLD)
        _journal(home, None)
    if pattern is not None:
        for path in files_holding(home, pattern)[0]:
            if _is_log(home, path):
                scrub(path)
                result.logs_scrubbed += 1
        found, result.checked_files = files_holding(home, pattern)
        result.found_in = [str(p) for p in found]
    result.bytes_after = _size(live)
    result.seconds = time.perf_counter() - started
    return result


def _export(store) -> tuple[dict[str, Any], str | None]:
    """The export document, and the change marker read in the same transaction."""
    from kith import clock
    from kith import export as X

    nodes, rels = X.read_graph(store)
    version = next((n["props"].get("version") for n in nodes if "KithState" in n["labels"]), None)
    return X.compose(nodes, rels, exported_at=clock.now()), version


def _build(store, server: _Server, doc: dict[str, Any]) -> None:
    """``SCRATCH``: a new database holding exactly ``doc``, closed, beside the live one."""
    from graph.store import Store
    from kith import clock
    from kith import export as X

    _drop(server, SCRATCH)
    server.run(f"create database {SCRATCH}")
    try:
        scratch = Store(store.driver, SCRATCH, store.backend)
        scratch.ensure_schema()
        X.restore_document(scratch, doc, Path("the graph being compacted"))
        nodes, rels = X.read_graph(scratch)
        if _canonical(X.compose(nodes, rels, exported_at=clock.now())) != _canonical(doc):
            raise StoreError("the rebuilt store did not hold exactly what the graph holds; nothing was changed")
        server.run(f"close database {SCRATCH}")
    except BaseException:
        _drop(server, SCRATCH)
        raise


def _drop(server: _Server, name: str) -> None:
    """Remove database ``name`` if it is there, open or not."""
    if name in server.databases():
        server.run(f"drop database {name}")
    shred_tree(server.folder / name)


def _canonical(doc: dict[str, Any]) -> dict[str, Any]:
    from kith import export as X

    return {"counts": doc[X.HEADER]["counts"],
            **{a: sorted(json.dumps(r, sort_keys=True, ensure_ascii=False) for r in doc[a]) for a in X.ARRAYS}}


def _swap(home: Path, store, server: _Server, doc: dict[str, Any], version: str | None) -> bool:
    """Put the new database in the live one's place; False (and the live one as it was) when the live one
    was written to after the export. Leaves the old one closed as ``OLD`` for the caller to shred."""
    from graph.store import Store
    from kith import export as X

    folder = databases(home)
    live, new, old = folder / DATABASE, folder / SCRATCH, folder / OLD
    _journal(home, "swapping")
    server.run(f"close database {DATABASE}")
    try:
        live.rename(old)
        # A query between the close and the rename opens the database again (the server does so on
        # demand), now in the renamed folder: then this is no time to swap. After the rename a query
        # finds no database (Kith's commands wait and retry) until the new one is open.
        if DATABASE in server.databases():
            server.run(f"close database {DATABASE}")
            old.rename(live)
            server.run(f"open database {DATABASE}")
            _drop(server, SCRATCH)
            _journal(home, None)
            return False
        server.run(f"open database {OLD}")
        try:
            written = Store(store.driver, OLD, store.backend).version() != (version or "")
        finally:
            server.run(f"close database {OLD}")
        if written:
            old.rename(live)
            server.run(f"open database {DATABASE}")
            _drop(server, SCRATCH)
            _journal(home, None)
            return False
        new.rename(live)
        fsync_dir(folder)
        server.run(f"open database {DATABASE}")
        with store.session() as s, s.begin_transaction() as tx:
            counts = X.graph_counts(tx)
            tx.rollback()
        if counts != doc[X.HEADER]["counts"]:
            raise StoreError("the rebuilt store does not hold what the graph held; the old one was put back")
    except BaseException:
        with contextlib.suppress(StoreError):
            server.run(f"close database {DATABASE}")
        if old.exists():
            shred_tree(live)
            old.rename(live)
            fsync_dir(folder)
        server.run(f"open database {DATABASE}")
        _drop(server, SCRATCH)
        _journal(home, None)
        raise
    _journal(home, "swapped")
    return True


def _is_log(home: Path, path: Path) -> bool:
    """Logs of the store (the JVM's output, ArcadeDB's own two folders): what a scrub may empty."""
    logs = (EmbeddedServer(home).log_dir, home / "log", home / "arcadedb" / "log")
    return any(path.is_relative_to(folder) for folder in logs)
