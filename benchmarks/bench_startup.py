"""How fast the embedded graph store is ready: target under 3 s.

Measures, in one run and on fresh KITH_HOMEs:
- first start (creates the database), restart of an existing home, and the
  no-op start of an already running server (what every CLI command pays),
  with the store's start-up cache as ``make install`` leaves it (graph/aot_cache.py),
  and the first start once more with the cache off, for the record;
- the baseline: the arcadedb-embedded wheel's own recipe (``create_server`` in
  a Python process via JPype), timed to the same "a real query succeeds" point.

Run: ./.venv/bin/python -m benchmarks.bench_startup
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from graph import aot_cache
from graph import queries as Q
from graph.server import DATABASE, EmbeddedServer, _free_port, startup_cache_file

RUNS = 3
TARGET_S = 3.0


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def kith_cold_and_warm() -> tuple[list[float], list[float], list[float]]:
    cold, warm, noop = [], [], []
    for _ in range(RUNS):
        with tempfile.TemporaryDirectory() as tmp:
            server = EmbeddedServer(Path(tmp))
            cold.append(timed(server.start))
            noop.append(timed(server.start))
            server.stop()
            warm.append(timed(server.start))
            server.stop()
    return cold, warm, noop


def root_ready(bolt_port: int, password: str) -> bool:
    """The baseline's "ready": the same query as ``EmbeddedServer.ready``, as root, the one user the wheel's
    server has (Kith's own ``ready`` logs in as Kith's admin, which only Kith's start creates)."""
    from neo4j import GraphDatabase
    from neo4j.exceptions import Neo4jError, ServiceUnavailable, SessionExpired

    try:
        with GraphDatabase.driver(f"bolt://127.0.0.1:{bolt_port}", auth=("root", password),
                                  connection_timeout=2) as driver:
            with driver.session(database=DATABASE) as session:
                session.run(Q.READY_CHECK).consume()
        return True
    except (ServiceUnavailable, SessionExpired, Neo4jError, OSError):
        return False


def wheel_recipe() -> list[float]:
    """The wheel's documented way: a Python process that owns the JVM via JPype."""
    times = []
    for _ in range(RUNS):
        with tempfile.TemporaryDirectory() as tmp:
            bolt, http = _free_port("127.0.0.1"), _free_port("127.0.0.1")
            code = textwrap.dedent(f"""
                import arcadedb_embedded as a, time
                s = a.create_server(root_path={tmp!r}, root_password="benchpass1", config={{
                    "host": "127.0.0.1", "http_port": {http},
                    "server_plugins": "Bolt:com.arcadedb.bolt.BoltProtocolPlugin", "bolt_port": {bolt},
                    "server_defaultDatabases": "{DATABASE}[]", "bolt_defaultDatabase": "{DATABASE}"}})
                s.start()
                print("started", flush=True)
                time.sleep(120)
            """)
            t = time.perf_counter()
            # cwd: the wheel's server writes its logs to ./log, which must not land in the checkout.
            proc = subprocess.Popen([sys.executable, "-c", code], cwd=tmp,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.perf_counter() + 120
            while not root_ready(bolt, "benchpass1"):  # the recipe's own password
                if proc.poll() is not None or time.perf_counter() > deadline:
                    raise SystemExit(f"the wheel's server did not become ready (exit code {proc.poll()})")
                time.sleep(0.1)
            times.append(time.perf_counter() - t)
            proc.kill()
            proc.wait()
    return times


def main() -> None:
    cold, warm, noop = kith_cold_and_warm()
    cache = aot_cache.in_use(startup_cache_file())
    if cache:
        with aot_cache.switched_off():
            uncached = kith_cold_and_warm()[0]
    baseline = wheel_recipe()
    med = statistics.median
    print(f"embedded store ready (median of {RUNS}; target < {TARGET_S:.0f} s)")
    print(f"  store's start-up cache: {cache if cache else 'none (`kith db cache` makes it; make install does)'}")
    print(f"  kith, first start (new database)   {med(cold):6.2f} s   runs {', '.join(f'{x:.2f}' for x in cold)}")
    print(f"  kith, restart of an existing home  {med(warm):6.2f} s   runs {', '.join(f'{x:.2f}' for x in warm)}")
    print(f"  kith, already running (no-op)      {med(noop):6.3f} s")
    if cache:
        print(f"  kith, first start, cache off       {med(uncached):6.2f} s   runs "
              f"{', '.join(f'{x:.2f}' for x in uncached)}   (for the record)")
    print(f"  baseline: wheel's create_server    {med(baseline):6.2f} s   runs {', '.join(f'{x:.2f}' for x in baseline)}")
    print(f"  kith first start vs baseline: {med(baseline) / med(cold):.2f}x")
    ok = max(med(cold), med(warm)) < TARGET_S
    print("PASS" if ok else "FAIL", f"(slowest median {max(med(cold), med(warm)):.2f} s)")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
