"""Importing a real community's message history: CollegeMsg (59,835 messages, 1,899 people).

Targets (issue 3, 2-core machine, embedded store): import at most 10 s, re-import
of the unchanged file at most 5 s (and it must change nothing).

Measured in one run, on a fresh KITH_HOME (server start not counted):
- Kith's import: parse → resolve → one transaction of batched UNWIND writes;
- the re-import of the same file;
- the baseline: the same interactions written one statement per row (still one
  transaction), on the first BASELINE_ROWS rows, as interactions per second.

Run: ./.venv/bin/python benchmarks/bench_import.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from graph import queries as Q
from graph.server import EmbeddedServer
from graph.store import Store, _interaction_row
from loaders.importer import import_file

ROOT = Path(__file__).resolve().parents[1]

DATASET = ROOT.parent / "shared" / "datasets" / "CollegeMsg.txt"
BASELINE_ROWS = 3_000
IMPORT_TARGET_S, REIMPORT_TARGET_S = 10.0, 5.0


def timed(fn):
    t = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - t


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        server = EmbeddedServer(home)
        server.start()
        try:
            with Store.connect(home) as store:
                first, t_import = timed(lambda: import_file(store, DATASET))
                counts = store.counts()
                second, t_reimport = timed(lambda: import_file(store, DATASET))
                unchanged = store.counts() == counts and second.summary()["created"] == 0 \
                    and second.summary()["interactions"] == 0

                # Baseline: one statement per interaction, same query text, same transaction shape.
                rows = [{**_interaction_row(i), "id": "b" + i.id, "hash": "x"}
                        for i in first.plan.network.interactions[:BASELINE_ROWS]]
                def row_at_a_time():
                    with store.session() as s, s.begin_transaction() as tx:
                        for row in rows:
                            tx.run(Q.CREATE_INTERACTIONS, rows=[row]).consume()
                        tx.rollback()
                _, t_base = timed(row_at_a_time)
        finally:
            server.stop()

    n = counts["interactions"]
    rate, base_rate = n / t_import, len(rows) / t_base
    print(f"CollegeMsg import into the embedded store ({counts['people']} people, {n} interactions)")
    print(f"  import                     {t_import:6.2f} s   {rate:8,.0f} interactions/s   (target <= {IMPORT_TARGET_S:.0f} s)")
    print(f"  re-import (no change)      {t_reimport:6.2f} s   changed nothing: {unchanged}   (target <= {REIMPORT_TARGET_S:.0f} s)")
    print(f"  baseline, row at a time    {t_base:6.2f} s   {base_rate:8,.0f} interactions/s   (first {len(rows):,} rows)")
    print(f"  batched vs row-at-a-time   {rate / base_rate:6.1f}x")
    ok = t_import <= IMPORT_TARGET_S and t_reimport <= REIMPORT_TARGET_S and unchanged
    print("PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
