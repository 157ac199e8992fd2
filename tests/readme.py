"""The README's console examples, read and replayed (sqlite-utils' test_docs idea).

Every ```console block in README.md is a list of ``$ kith …`` commands, each followed by
the output the README promises. A block is replayed in the home named by the HTML comment
just above it: ``<!-- replay: demo -->`` (a KITH_HOME where ``kith demo`` is about to run),
``<!-- replay: fresh -->`` (another, empty one); blocks in the same home run in order and
see each other's writes. ``<!-- replay: no -->`` marks output that is not reproducible
(benchmark timings). Every command runs with ``KITH_TODAY`` set to the date the README
names (``REPLAY_DATE`` below), so the examples hold whatever day it is.

What a run cannot reproduce is normalised on both sides before comparing: random ids
(``p-f853bea0b1c8`` → ``p-…``), ports, process ids and the home's path. A line that is
only ``…`` in the README stands for any number of lines.

``python -m tests.readme`` prints what each command gives now; ``--write`` puts it into
README.md in place of what was there (except outputs elided with "…": shown, left alone).
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
KITH = Path(sys.executable).parent / "kith"

REPLAY_DATE = "2026-12-02"  # the README says: "real, from the demo network as of 2 December 2026"
# Rich lays tables out for the terminal's width: the README's are 100 columns wide.
ENV = {"KITH_TODAY": REPLAY_DATE, "COLUMNS": "100", "TERM": "dumb", "NO_COLOR": "1"}

_BLOCK = re.compile(r"<!-- replay: (\w+) -->\s*\n```console\n(.*?)```", re.S)
_UNMARKED = re.compile(r"```console\n")
_VOLATILE = [
    (re.compile(r"\b([a-z])-[0-9a-f]{8,}\b"), r"\1-…"),          # generated and hashed ids
    (re.compile(r"127\.0\.0\.1:\d+"), "127.0.0.1:PORT"),
    (re.compile(r"\(pid \d+, home [^)]+\)"), "(pid PID, home HOME)"),
]


@dataclass
class Example:
    home: str          # "demo", "fresh", …: which KITH_HOME it runs in
    line: int          # where the command stands in README.md
    command: str       # as typed, without the "$ "
    expected: list[str]
    last: int = 0      # the README line the command ends on (it may be continued with "\\")
    end: int = 0       # the README line after its last expected line


def examples(text: str | None = None) -> list[Example]:
    """Every command of every replayed console block, in README order."""
    text = README.read_text(encoding="utf-8") if text is None else text
    marked = {m.start(2) for m in _BLOCK.finditer(text)}
    for m in _UNMARKED.finditer(text):
        if m.end() not in marked:
            line = text.count("\n", 0, m.start()) + 1
            raise ValueError(f"README.md:{line}: a console block needs a <!-- replay: HOME|no --> comment above it")
    found: list[Example] = []
    for m in _BLOCK.finditer(text):
        home, body = m.group(1), m.group(2)
        if home == "no":
            continue
        first = text.count("\n", 0, m.start(2)) + 1
        current: Example | None = None
        lines = body.splitlines()
        i = 0
        while i < len(lines):
            line = lines[i]
            if line.startswith("$ "):
                command, start = line[2:], i
                while command.endswith("\\"):  # a command continued on the next line
                    i += 1
                    command = command[:-1].rstrip() + " " + lines[i].strip()
                current = Example(home, first + start, command, [], first + i, first + i + 1)
                found.append(current)
            elif current is not None:
                current.expected.append(line)
                current.end = first + i + 1
            i += 1
    return found


def run(example: Example, home: Path) -> list[str]:
    """The example's command as a user runs it: ``kith`` from the checkout, in ``home``."""
    argv = shlex.split(example.command)
    assert argv[0] == "kith", f"README.md:{example.line}: only kith commands are replayed"
    done = subprocess.run([str(KITH), *argv[1:]], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**os.environ, **ENV, "KITH_HOME": str(home)})
    return (done.stdout + done.stderr).rstrip("\n").splitlines()


def normalise(lines: list[str]) -> list[str]:
    out = []
    for line in lines:
        for pattern, replacement in _VOLATILE:
            line = pattern.sub(replacement, line)
        out.append(line.rstrip())
    return out


def matches(expected: list[str], actual: list[str]) -> bool:
    """Line by line; an expected line that is only "…" matches any run of lines."""
    expected, actual = normalise(expected), normalise(actual)

    def at(i: int, j: int) -> bool:
        if i == len(expected):
            return j == len(actual)
        if expected[i].strip() == "…":
            return any(at(i + 1, k) for k in range(j, len(actual) + 1))
        return j < len(actual) and expected[i] == actual[j] and at(i + 1, j + 1)

    return at(0, 0)


if __name__ == "__main__":
    import tempfile

    write = "--write" in sys.argv[1:]
    text = README.read_text(encoding="utf-8").split("\n")
    rewrites: list[tuple[Example, list[str]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        homes: dict[str, Path] = {}
        for ex in examples():
            home = homes.setdefault(ex.home, Path(tmp) / ex.home)
            actual = run(ex, home)
            flag = "ok " if matches(ex.expected, actual) else "DIFF"
            print(f"{flag} README.md:{ex.line} [{ex.home}] $ {ex.command}")
            if flag == "DIFF":
                print("\n".join(actual))
                if not any(line.strip() == "…" for line in ex.expected):
                    rewrites.append((ex, actual))
        if write:
            for ex, actual in reversed(rewrites):  # bottom up: earlier line numbers stay right
                text[ex.last:ex.end - 1] = actual
            README.write_text("\n".join(text), encoding="utf-8")
            print(f"wrote {len(rewrites)} outputs into {README}")
        for home in homes.values():
            subprocess.run([str(KITH), "db", "stop"], env={**os.environ, "KITH_HOME": str(home)},
                           capture_output=True)
