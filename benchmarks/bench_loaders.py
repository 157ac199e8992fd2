"""Parsing speed of the loaders, each beside the plain library read of the same file.

Targets (2-core machine; they were wall-clock asserts in the unit tests before): the CollegeMsg edge
list (59,835 lines) parses in at most 1 s, and a vCard file of ten 400 KB photos in at most 10 s
(its photos are never decoded). A 5,000-row Google Contacts CSV has no target: it shows what the
field cleaning (emails, phone numbers, birthdays, labels) costs over the CSV reading itself.

Measured in one run, best of ``REPEATS`` (a loaded machine only ever makes a run slower):
- edge list: ``loaders.edgelist.parse`` vs reading the file and splitting every line into ints;
- vCard: ``loaders.vcard.parse`` vs ``vobject.readComponents`` over the same text;
- CSV: ``loaders.google.parse`` vs ``csv.DictReader`` over the same file.

Run: ./.venv/bin/python benchmarks/bench_loaders.py
"""

from __future__ import annotations

import base64
import csv
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import vobject

from loaders import edgelist, google, vcard
from loaders.records import ParseOptions

ROOT = Path(__file__).resolve().parents[1]

DATASET = ROOT.parent / "shared" / "datasets" / "CollegeMsg.txt"
REPEATS = 3
EDGELIST_TARGET_S, VCARD_TARGET_S = 1.0, 10.0
PHOTOS, PHOTO_BYTES = 10, 400_000
CSV_ROWS = 5_000
OPTIONS = ParseOptions(default_region="GB")


def best(fn: Callable[[], object]) -> tuple[object, float]:
    """``fn``'s value and its fastest time over ``REPEATS`` runs."""
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - started)
    return value, min(times)


def split_edges(path: Path) -> int:
    """The plain baseline: every line of numbers split and converted, nothing else (a header is passed over)."""
    n = 0
    with path.open(encoding="utf-8") as f:
        for line in f:
            fields = line.split()
            if fields and edgelist.is_int(fields[0]):
                int(fields[0]), int(fields[1]), int(fields[-1])
                n += 1
    return n


def photo_cards(path: Path) -> Path:
    """Ten cards, each with a 400 KB base64 JPEG folded the way exporters fold it."""
    data = base64.b64encode(b"\xff\xd8\xff\xe0" + bytes(range(256)) * (PHOTO_BYTES // 256)).decode()
    photo = "\r\n ".join(data[i:i + 72] for i in range(0, len(data), 72))
    path.write_text("".join(f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person {i}\r\nPHOTO;ENCODING=b;TYPE=JPEG:{photo}\r\n"
                            "END:VCARD\r\n" for i in range(PHOTOS)), encoding="utf-8", newline="")
    return path


def google_csv(path: Path) -> Path:
    header = ["First Name", "Middle Name", "Last Name", "Nickname", "Organization Name", "Organization Title",
              "Birthday", "Notes", "Labels", "E-mail 1 - Label", "E-mail 1 - Value", "Phone 1 - Label",
              "Phone 1 - Value"]
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        for i in range(CSV_ROWS):
            writer.writerow([f"Ana{i}", "", f"Souza{i}", "", "Northwind", "CTO", "1988-05-17", "Met at PyData",
                             "* myContacts ::: Work", "Work", f"ana{i}@northwind.io", "Mobile",
                             f"07700 9{i:05d}"])
    return path


def dict_rows(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as f:
        return sum(1 for _ in csv.DictReader(f))


def line(label: str, seconds: float, baseline: float, extra: str = "") -> None:
    print(f"  {label:<34} {seconds:6.3f} s   baseline {baseline:6.3f} s   {seconds / baseline:5.1f}x the baseline {extra}")


def main() -> None:
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print(f"Loaders, best of {REPEATS} runs (baseline: the plain library read of the same file)", flush=True)

        if DATASET.exists():
            parsed, t_parse = best(lambda: edgelist.parse(DATASET, OPTIONS))
            rows, t_base = best(lambda: split_edges(DATASET))
            within = t_parse <= EDGELIST_TARGET_S and len(parsed.activities) == rows
            ok &= within
            line(f"edge list ({rows:,} lines)", t_parse, t_base,
                 f"(target <= {EDGELIST_TARGET_S:.0f} s){'' if within else '  MISSED'}")
        else:
            print(f"  edge list: skipped, {DATASET} is not there")

        cards = photo_cards(folder / "photos.vcf")
        parsed, t_parse = best(lambda: vcard.parse(cards, OPTIONS))
        text = cards.read_text(encoding="utf-8")
        components, t_base = best(lambda: list(vobject.readComponents(text)))
        within = t_parse <= VCARD_TARGET_S and len(parsed.contacts) == len(components) == PHOTOS
        ok &= within
        line(f"vCard ({PHOTOS} x {PHOTO_BYTES // 1000} KB photos)", t_parse, t_base,
             f"(target <= {VCARD_TARGET_S:.0f} s){'' if within else '  MISSED'}")

        contacts = google_csv(folder / "contacts.csv")
        parsed, t_parse = best(lambda: google.parse(contacts, OPTIONS))
        rows, t_base = best(lambda: dict_rows(contacts))
        ok &= len(parsed.contacts) == rows == CSV_ROWS
        line(f"Google CSV ({CSV_ROWS:,} rows)", t_parse, t_base, "(no target: field cleaning vs reading)")

    print("PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
