"""Building the demo network, and loading it: how long it takes, against a plain baseline run alongside.

``build_demo(as_of)`` builds the network as of ``demo.ANCHOR`` and then shifts every date
to ``as_of`` (``demo.shift``). Measured in one run, best of ``RUNS`` each:

- ``build_demo`` as of a day other than the anchor, the whole of what ``kith demo`` builds.
  Target (was an assertion in tests/test_demo.py; unit tests now check behaviour only):
  at most 2 s;
- its two parts: the build as of the anchor, and the shift of the built network;
- the baseline for the shift: ``copy.deepcopy`` of the same built network, a plain copy
  of every record (the shift makes a new copy of every record too, moving its dates), so
  the ratio is what the date arithmetic and the event renames add;
- loading the network into a fresh embedded store (``Store.load``, one run; server start
  not counted), for scale: what ``kith demo`` spends after the build.

Prints the numbers, PASS or FAIL, and exits non-zero on FAIL.

Run: ./.venv/bin/python benchmarks/bench_demo.py
"""

from __future__ import annotations

import copy
import sys
import time
import timeit
from datetime import date

from demo import ANCHOR, build_demo
from demo.build import build_at_anchor
from demo.shift import shift_network
from graph.server import scratch_server
from graph.store import Store

AS_OF = date(2028, 2, 29)  # not the anchor, so the shift does its work
RUNS = 3
BUILD_TARGET_S = 2.0


def best_of(fn) -> float:
    """``fn``'s fastest time over ``RUNS`` runs, in seconds."""
    return min(timeit.repeat(fn, number=1, repeat=RUNS))


def main() -> None:
    t_build = best_of(lambda: build_demo(AS_OF))
    t_anchor = best_of(build_at_anchor)
    anchored = build_at_anchor()
    t_shift = best_of(lambda: shift_network(anchored, ANCHOR, AS_OF))
    t_copy = best_of(lambda: copy.deepcopy(anchored))
    network = shift_network(anchored, ANCHOR, AS_OF)

    with scratch_server() as server, Store.connect(server.home) as store:
        started = time.perf_counter()
        store.load(network)
        t_load = time.perf_counter() - started
        counts = store.counts()

    print(f"the demo network as of {AS_OF} (anchor {ANCHOR}; best of {RUNS})")
    print(f"  build_demo                 {t_build:7.3f} s   (target <= {BUILD_TARGET_S:.0f} s)")
    print(f"    build as of the anchor   {t_anchor:7.3f} s")
    print(f"    shift to {AS_OF}      {t_shift:7.3f} s   {t_shift / t_copy:5.2f}x the baseline")
    print(f"  baseline, deepcopy         {t_copy:7.3f} s   (of the built network)")
    print(f"  load into a fresh store    {t_load:7.3f} s   (one run): " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    ok = t_build <= BUILD_TARGET_S
    print("PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
