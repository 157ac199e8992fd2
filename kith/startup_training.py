"""The training run behind the store's start-up cache (graph/aot_cache.py): `kith db cache`.

A throw-away home is started with ``-XX:AOTCacheOutput``, given the work a user's first
session gives it (the demo network written; every sample in loaders/examples imported,
then imported again, which changes nothing; the analytics' projection read), and stopped:
the JVM writes the cache as it exits. The records are made up, so the cache holds no one's
data; the work is not the benchmarks' (bench_linkedin_import synthesises its own file), so
what they measure with the cache is not what it was trained on.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from graph import aot_cache, projection
from graph.server import EmbeddedServer, private_dirs, startup_cache_file
from graph.store import Store
from kith.errors import ServerError

EXAMPLES = Path(__file__).resolve().parent.parent / "loaders" / "examples"
# Samples of every kind of source; the others there are parts of these archives or meant to fail.
TRAINING_FILES = ("kith-history.csv", "mail-sample.mbox", "linkedin-export.zip", "takeout.zip",
                  "telegram-result.json", "whatsapp-android-group.txt", "whatsapp-ios-one-to-one.txt")
DEMO_AS_OF = date(2026, 1, 1)  # any date: the history's shape, not its day, is what the JIT sees


@dataclass(frozen=True)
class Built:
    path: Path
    size: int
    seconds: float
    removed: list[Path]  # caches of runtimes or jars no longer installed


def workload(store: Store) -> None:
    """The work the cache is trained on."""
    from demo import build_demo
    from loaders.importer import import_file

    store.load(build_demo(DEMO_AS_OF))
    for _ in range(2):
        for name in TRAINING_FILES:
            import_file(store, EXAMPLES / name, default_region="GB")
        projection.load(store)


def build(work: Callable[[Store], None] = workload) -> Built:
    """Make this runtime's start-up cache by a training run of ``work``; replaces any older one."""
    started = time.perf_counter()
    target = startup_cache_file()
    if target is None:
        raise ServerError(f"the store's Java runtime is older than Java {aot_cache.AOT_MIN_JAVA}: "
                          "it cannot keep a start-up cache")
    private_dirs(target.parent)
    recording = target.parent / f".{target.name}.{os.getpid()}.tmp"
    try:
        with tempfile.TemporaryDirectory(prefix="kith-training-") as tmp:
            server = EmbeddedServer(Path(tmp) / "home", record_startup_cache=recording)
            try:
                server.start()
                with Store.connect(server.home) as store:
                    work(store)
            finally:
                server.stop()  # the JVM writes the cache as it exits
            if not recording.is_file():
                log = (server.log_dir / "server.out").read_text(errors="replace")[-2000:]
                raise ServerError(f"the training run wrote no start-up cache; the server said:\n{log}")
        os.replace(recording, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            recording.unlink()
    # Older caches of this environment's earlier jars; a shared folder's may be other installs' own.
    removed = [old for old in target.parent.glob("arcadedb-*.aot") if old != target] \
        if aot_cache.owns_cache_dir() else []
    for old in removed:
        old.unlink(missing_ok=True)
    return Built(target, target.stat().st_size, time.perf_counter() - started, removed)


def status() -> str:
    """One line on the cache for `kith db status`."""
    path = startup_cache_file()
    if path is None:
        return "start-up cache: not possible with this Java runtime"
    if not path.is_file():
        return "start-up cache: none (`kith db cache` makes one: the store starts in about half the time)"
    return "start-up cache: " + ("in use" if aot_cache.enabled() else "off (KITH_STARTUP_CACHE)")
