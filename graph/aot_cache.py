"""The embedded store's start-up cache: a JVM ahead-of-time cache of ArcadeDB doing Kith's work.

A fresh JVM spends its first seconds loading and linking some 10,000 classes and then
interpreting the code it is running until the JIT has seen enough of it to compile. Every
`kith` command that starts the store pays the first part, and every first import pays the
second: a cold server wrote a 5,000-row LinkedIn file ~40 % slower than a warm one.

Java 24+ can keep both in a file (JEP 483, JEP 514, and JEP 515's method profiles): one
*training run* with ``-XX:AOTCacheOutput=FILE`` writes it when the JVM exits, and later
runs given ``-XX:AOTCache=FILE`` start with the classes loaded and linked and the JIT
knowing which methods are hot. `kith db cache` makes one (kith/startup_training.py runs
the training); `make install` calls it. Measured on the 2-core machine: the server ready
in 0.6–0.7 s instead of 1.4 s; a 5,000-connection import into a fresh home 2,400–2,700/s
instead of 1,650–2,370/s (benchmarks/bench_startup.py, bench_linkedin_import.py).

The JVM uses a cache only with the exact runtime and jars that made it (their paths, sizes
and modification times), so its name is a hash of those: a reinstalled or upgraded
``arcadedb-embedded`` simply finds no cache (and starts as before) until the next
`kith db cache`. It lives beside the jars, in the Python environment Kith is installed in
(``<venv>/var/kith``; the user's cache folder if that is not writable), not in KITH_HOME:
one cache serves every home (tests, benchmarks, profiles), and two checkouts each with its
own .venv do not replace each other's. It holds class metadata and profiles of Kith's code
paths, no data: the training runs on a throw-away home with made-up records.

``KITH_STARTUP_CACHE=off`` starts without it (to compare, or to rule it out); ``KITH_CACHE_DIR``
puts it elsewhere. A damaged or foreign file in its place costs nothing but the speed: the JVM
checks the cache as it maps it, and runs without one it cannot use.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sys
from pathlib import Path

AOT_MIN_JAVA = 25  # JEP 514's one-step -XX:AOTCacheOutput (24 had only the two-step recipe)


def cache_dir() -> Path:
    if os.environ.get("KITH_CACHE_DIR"):
        return Path(os.environ["KITH_CACHE_DIR"]).expanduser()
    if os.access(sys.prefix, os.W_OK):
        return Path(sys.prefix) / "var" / "kith"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / "kith"


def owns_cache_dir() -> bool:
    """True when the cache folder is this environment's own (older caches in it can go)."""
    return cache_dir().is_relative_to(Path(sys.prefix))


def java_major(java_home: Path) -> int | None:
    """The feature release of the runtime at ``java_home`` (its ``release`` file), or None."""
    try:
        text = (java_home / "release").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    found = re.search(r'^JAVA_VERSION="(\d+)', text, re.MULTILINE)
    return int(found.group(1)) if found else None


def cache_key(java_home: Path, jars: Path) -> str:
    """A name for the runtime + classpath pair: changes whenever the JVM would reject the cache."""
    digest = hashlib.sha256()
    try:
        digest.update((java_home / "release").read_bytes())
    except OSError:
        digest.update(str(java_home).encode())
    digest.update(f"{java_home.resolve()}\0{jars.resolve()}\n".encode())
    for jar in sorted(jars.glob("*.jar")):
        st = jar.stat()
        digest.update(f"{jar.name}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def cache_file(java_home: Path, jars: Path) -> Path | None:
    """Where this runtime's start-up cache is (or would be); None if the runtime cannot have one."""
    if (java_major(java_home) or 0) < AOT_MIN_JAVA:
        return None
    return cache_dir() / f"arcadedb-{cache_key(java_home, jars)}.aot"


def enabled() -> bool:
    return os.environ.get("KITH_STARTUP_CACHE", "on").strip().lower() not in ("off", "0", "no", "false")


@contextlib.contextmanager
def switched_off():
    """Servers started in this block (by this process) start without the cache: benchmarks' "before"."""
    before = os.environ.get("KITH_STARTUP_CACHE")
    os.environ["KITH_STARTUP_CACHE"] = "off"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("KITH_STARTUP_CACHE", None)
        else:
            os.environ["KITH_STARTUP_CACHE"] = before


def in_use(path: Path | None) -> Path | None:
    """``path`` (a ``cache_file``) if a server started now would use it: it is there and not switched off."""
    return path if path is not None and enabled() and path.is_file() else None


def jvm_args(java_home: Path, jars: Path, record_to: Path | None = None) -> list[str]:
    """The JVM options for the cache: record one (a training run), use the one there is, or none."""
    if record_to is not None:
        return [f"-XX:AOTCacheOutput={record_to}"]
    path = in_use(cache_file(java_home, jars))
    return [f"-XX:AOTCache={path}"] if path else []
