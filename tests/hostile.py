"""Helpers for the tests that feed Kith hostile files: bounded runs, and the graph as it was.

``measured`` runs the real CLI in a child process and reports how long it took and its peak
resident memory, under an address-space limit so that a regression fails the test with a
MemoryError instead of taking the shared machine down. The peak is the child's own ``VmHWM``
(Linux keeps ``ru_maxrss`` across exec, so it would count the pytest process that forked it).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from dataclasses import dataclass

from graph.model import Person
from tests.conftest import ROOT

OWNER = Person(id="me", name="Alex Morgan", me=True, emails=["alex@example.com"])
ADDRESS_SPACE_LIMIT = 4 * 1024**3  # bytes of virtual memory a measured child may map (Python + pandas: ~0.7 GB)

# The high-water mark of this process's resident memory, in MB (reset by writing 5 to clear_refs).
_PEAK = r"""
def peak_mb(field="VmHWM"):
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(field + ":")) / 1024
"""

_RUN_CLI = _PEAK + r"""
import json, sys, time
start = time.perf_counter()
code = 0
try:
    from kith.cli import app
    app(sys.argv[1:], prog_name="kith")
except SystemExit as e:
    code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
except MemoryError:
    code = "MemoryError"
sys.stdout.flush()
print("\n" + json.dumps({"code": code, "seconds": time.perf_counter() - start, "peak_mb": peak_mb()}),
      file=sys.stderr)
"""


@dataclass
class Measured:
    code: int | str
    seconds: float
    peak_mb: float
    stdout: str
    stderr: str


def _limit_address_space() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_LIMIT, ADDRESS_SPACE_LIMIT))


def measured(*args: str, timeout: float = 300, env: dict | None = None) -> Measured:
    """``kith ARGS`` in a child process: exit code, seconds, peak RSS in MB, and what it printed."""
    done = subprocess.run([sys.executable, "-c", _RUN_CLI, *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=timeout, preexec_fn=_limit_address_space)
    *printed, last = done.stderr.rstrip("\n").rsplit("\n", 1)
    try:
        stats = json.loads(last)
    except ValueError:  # killed before it could say (a crash under the memory limit …)
        raise AssertionError(f"kith {' '.join(args)} died (status {done.returncode}): {done.stderr[-2000:]}") from None
    return Measured(stats["code"], stats["seconds"], stats["peak_mb"], done.stdout, "".join(printed))


_RUN_PYTHON = _PEAK + r"""
import gc, json, sys, time
gc.collect()
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")  # the high-water mark starts again from what is resident now
before = peak_mb("VmRSS")
start = time.perf_counter()
exec(sys.argv[1])
print(json.dumps({"seconds": time.perf_counter() - start, "growth_mb": peak_mb() - before, "result": result}))
"""


def measured_python(setup: str, code: str, timeout: float = 120) -> dict:
    """Run ``setup`` then ``code`` (which sets ``result``) in a child; its time and peak RSS growth over ``setup``.

    ``setup`` imports what ``code`` needs, so the growth is what ``code`` itself took.
    """
    program = _RUN_PYTHON.replace("gc.collect()", setup + "\ngc.collect()", 1)
    done = subprocess.run([sys.executable, "-c", program, code], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, preexec_fn=_limit_address_space)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def graph_dump(store) -> tuple[list, list]:
    """Every node and relationship with every property, in a stable order: what "nothing written" compares."""
    from kith.export import read_graph

    nodes, rels = read_graph(store)
    key = lambda item: json.dumps(item, sort_keys=True, default=str)  # noqa: E731
    return sorted(nodes, key=key), sorted(rels, key=key)
