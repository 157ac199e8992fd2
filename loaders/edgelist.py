"""Temporal edge lists (SNAP): one ``src dst unixtime`` message per line.

Such a file records messages between *other* people (a research data set, or a network
exported from elsewhere), so the owner is not a participant. Each node id becomes a Contact.

Files run to millions of lines, so the loop is kept lean: no regex, one split per line, and
refs built once per node.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from loaders.records import Activity, Contact, LoadError, ParsedFile, ParseOptions
from loaders.text import read_text

COMMENT_MARKS = ("#", "%")  # SNAP comments with "#", KONECT with "%"


def parse(path: Path, options: ParseOptions) -> ParsedFile:
    where, stem = str(path), path.stem
    source = f"edgelist:{stem}"
    parsed = ParsedFile(where, "edgelist")
    activities = parsed.activities
    refs: dict[int, str] = {}         # node -> its ref, built once
    first_line: dict[int, int] = {}   # node -> where it first appears
    repeats: dict[tuple[int, int, int], int] = {}
    header_allowed = True
    for number, line in enumerate(read_text(path).split("\n"), start=1):
        fields = line.split()
        if not fields or fields[0].startswith(COMMENT_MARKS):
            continue
        if len(fields) not in (3, 4):
            raise LoadError(where, number, f"expected 'src dst time', found {len(fields)} fields")
        try:
            # KONECT's four columns are "src dst weight time": the weight says nothing here.
            src, dst, seconds = int(fields[0]), int(fields[1]), int(fields[-1])
            at = datetime.fromtimestamp(seconds, timezone.utc)
        except ValueError:
            # A first line of words, such as "src dst time", names the columns; a first line
            # with some numbers in it is a damaged edge, not a header.
            if header_allowed and not any(is_int(f) for f in fields):
                header_allowed = False
                continue
            found = line.strip()[:80]
            raise LoadError(where, number, f"expected whole numbers 'src dst time', found {found!r}") from None
        except (OverflowError, OSError):
            raise LoadError(where, number, f"time {fields[-1]} is out of range") from None
        header_allowed = False
        if src == dst:
            parsed.skipped.append((number, f"a message from node {src} to itself"))
            continue
        for node in (src, dst):
            if node not in refs:
                refs[node] = f"contact:{node}"
                first_line[node] = number
        key = (src, dst, seconds)
        n = repeats[key] = repeats.get(key, -1) + 1  # exact duplicates are numbered 0, 1, … in file order
        activities.append(Activity(source, f"{src}-{dst}-{seconds}-{n}", number, at,
                                   [refs[src], refs[dst]], "message", "message", None, refs[src]))
    parsed.contacts = [Contact(source=source, source_id=str(node), line=first_line[node], name=f"{stem} {node}")
                       for node in sorted(first_line)]
    return parsed


def is_int(text: str) -> bool:
    return text.lstrip("-").isdigit()
