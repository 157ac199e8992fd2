"""Importing a LinkedIn ``Connections.csv``: contacts a second, against a plain batched write of the same rows.

The issue: a real export of 3,716 connections took 26 s into a fresh home (about 140 contacts/s)
and over a minute into a home that already held a few hundred people. Target (2-core machine,
embedded store, server start not counted): at least 2,000 contacts a second through the whole
import path (parse → ``plan_import``, merge-candidate search included → ``Store.apply_import``)
both into a fresh home and into one that already holds 2,000 people.

The file is made up but looks like a real export: LinkedIn's notes preamble, the seven columns,
most emails empty, some personal and some work addresses, ``08 Jan 2018`` dates, and names that
collide the way real ones do (shared full names, nicknames of one another: Dan/Daniel Smith,
near spellings), so the merge-candidate search has work to do. Seeded: the same every run.

Measured in one run, each in a fresh KITH_HOME of its own:
- Kith's import of 5,000 connections into a fresh home;
- the same, into a home that already holds 2,000 other connections (imported first, the same way);
- the baseline for each: the same 5,000 people written with a plain batched ``UNWIND … MERGE`` of
  their properties (``UPSERT_PEOPLE``, one transaction, no resolution, no source records, tags
  or employers): the least any writer of these rows does.

The store runs as ``make install`` leaves it: with its start-up cache (graph/aot_cache.py) when there
is one, which saves the cold JVM's class loading and JIT warm-up that a first import pays. For the
record, the fresh-home import is measured once more with the cache off (``KITH_STARTUP_CACHE=off``).

Run: ./.venv/bin/python -m benchmarks.bench_linkedin_import
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from graph import aot_cache
from graph import queries as Q
from graph.server import scratch_server, startup_cache_file
from graph.store import BATCH, Store, _person_props
from loaders.importer import import_file
from loaders.linkedin import parse_connections
from loaders.records import ParseOptions

CONNECTIONS = 5_000
ALREADY_KNOWN = 2_000
TARGET_PER_S = 2_000
SEED = 7

PREAMBLE = ('Notes:\n"When exporting your connection data, you may notice that some of the email addresses are '
            'missing. You will only see email addresses for connections who have allowed their connections to see '
            'or download their email address using this setting https://www.linkedin.com/psettings/privacy/email. '
            'You can learn more here https://www.linkedin.com/help/linkedin/answer/261"\n\n')
HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"

# Given names in nickname pairs (both spellings occur, as they do in a real network) and alone.
GIVEN = ["Daniel", "Dan", "Robert", "Bob", "Elizabeth", "Liz", "William", "Bill", "Katherine", "Kate",
         "Michael", "Mike", "Jennifer", "Jen", "Thomas", "Tom", "Alexander", "Alex", "Margaret", "Maggie",
         "Ana", "Chloé", "Dev", "Emma", "Farid", "Grace", "Hugo", "Inès", "Jonas", "Kemi", "Luca", "Mei",
         "Nadia", "Oren", "Priya", "Quentin", "Rosa", "Sven", "Tariq", "Ulla", "Viktor", "Wen", "Xavier",
         "Yara", "Zoltan", "Aisha", "Bruno", "Carmen", "Diego", "Elena", "Fatima", "Georg", "Hana", "Ivan",
         "Julia", "Kenji", "Leila", "Marco", "Nora", "Olu", "Pablo", "Rania", "Sofia", "Tobias", "Uma"]
FAMILY_STEMS = ["Mar", "Ols", "Pet", "Ridg", "Stav", "Tor", "Vell", "Ash", "Brig", "Cald", "Dun", "Eck",
                "Fair", "Gold", "Hart", "Kings", "Lind", "Mont", "North", "Oak", "Pem", "Quill", "Rey", "Sal"]
FAMILY_ENDS = ["sen", "son", "ez", "ini", "ova", "ley", "ford", "well", "ton", "berg"]
COMPANIES = [f"{a} {b}" for a in ("Northwind", "Acme", "Lumen", "Copperline", "Bluepeak", "Meridian", "Orbit",
                                  "Quanta", "Harbor", "Summit", "Vertex", "Juniper", "Cobalt", "Everlane")
             for b in ("Analytics", "Labs", "Health", "Capital", "Systems", "Group", "Studio", "Partners")]
POSITIONS = ["Software Engineer", "Senior Software Engineer", "Product Manager", "Data Scientist", "Designer",
             "Engineering Manager", "Account Director", "Recruiter", "CTO", "Founder", "Analyst", "Consultant",
             "Head of Sales", "Marketing Lead", "Investor", "Student", ""]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _ascii(text: str) -> str:
    return text.lower().replace("é", "e").replace("è", "e")


def connections_csv(path: Path, n: int, seed: int, tag: str) -> Path:
    """A Connections.csv of ``n`` made-up connections (``tag`` keeps two files' profile URLs apart)."""
    rng = random.Random(seed)
    families = [f"{s}{e}" for s in FAMILY_STEMS for e in FAMILY_ENDS]
    lines = []
    for i in range(n):
        given, family = rng.choice(GIVEN), rng.choice(families)
        if rng.random() < 0.02:  # a near spelling of someone else's family name
            family = family + family[-1]
        company = rng.choice(COMPANIES) if rng.random() < 0.92 else ""
        email = ""
        roll = rng.random()
        if roll < 0.06:
            email = f"{_ascii(given)}.{_ascii(family)}{rng.randint(1, 99)}@gmail.com"
        elif roll < 0.10 and company:
            email = f"{_ascii(given)}.{_ascii(family)}@{_ascii(company.split()[0])}.example"
        day = date(2010, 1, 1) + timedelta(days=rng.randrange(16 * 365))
        connected = f"{day.day:02d} {MONTHS[day.month - 1]} {day.year}"
        url = f"https://www.linkedin.com/in/{_ascii(given)}-{_ascii(family)}-{tag}{i:05d}"
        position = rng.choice(POSITIONS)
        if "," in position:
            position = f'"{position}"'
        lines.append(f"{given},{family},{url},{email},{company},{position},{connected}\n")
    path.write_text(PREAMBLE + HEADER + "".join(lines), encoding="utf-8")
    return path


def timed(fn):
    t = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - t


def kith_import(existing: Path | None, csv: Path) -> tuple[dict, float]:
    """The whole import path into a fresh home (after ``existing``, imported first and not timed)."""
    with scratch_server() as server, Store.connect(server.home) as store:
        if existing is not None:
            import_file(store, existing)
        result, seconds = timed(lambda: import_file(store, csv))
        return result.summary(), seconds


def plain_write(existing: Path | None, csv: Path) -> float:
    """The baseline: the file's people as property maps, one batched UNWIND MERGE, one transaction."""
    with scratch_server() as server, Store.connect(server.home) as store:
        if existing is not None:
            import_file(store, existing)

        def write():
            parsed = parse_connections(csv, ParseOptions())
            rows = [{"id": f"b-{c.source_id}", "props": _person_props(
                {"name": c.name, "given_name": c.given_name, "family_name": c.family_name, "emails": c.emails,
                 "company": c.company, "title": c.title, "sources": [c.source]})} for c in parsed.contacts]
            with store.session() as s, s.begin_transaction() as tx:
                for start in range(0, len(rows), BATCH):
                    tx.run(Q.UPSERT_PEOPLE, rows=rows[start:start + BATCH]).consume()
                tx.commit()

        return timed(write)[1]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        csv = connections_csv(Path(tmp) / "Connections.csv", CONNECTIONS, SEED, "a")
        earlier = connections_csv(Path(tmp) / "Earlier.csv", ALREADY_KNOWN, SEED + 1, "b")
        fresh, t_fresh = kith_import(None, csv)
        with aot_cache.switched_off():
            _, t_cold = kith_import(None, csv)
        known, t_known = kith_import(earlier, csv)
        b_fresh = plain_write(None, csv)
        b_known = plain_write(earlier, csv)

    def rate(seconds: float) -> float:
        return CONNECTIONS / seconds

    print(f"LinkedIn Connections.csv import, {CONNECTIONS:,} connections (embedded store; target >= "
          f"{TARGET_PER_S:,} contacts/s)")
    cache = aot_cache.in_use(startup_cache_file())
    print(f"  store's start-up cache: {cache if cache else 'none (`kith db cache` makes it; make install does)'}")
    print(f"  {'':38} {'seconds':>8} {'contacts/s':>11}")
    print(f"  {'kith import, fresh home':38} {t_fresh:8.2f} {rate(t_fresh):11,.0f}   "
          f"{fresh['created']} created, {fresh['merged']} merged, {fresh['merge candidates']} merge candidates")
    if cache:
        print(f"  {'kith import, fresh home, cache off':38} {t_cold:8.2f} {rate(t_cold):11,.0f}   (for the record)")
    print(f"  {'plain batched write, fresh home':38} {b_fresh:8.2f} {rate(b_fresh):11,.0f}")
    print(f"  {f'kith import, home of {ALREADY_KNOWN:,} people':38} {t_known:8.2f} {rate(t_known):11,.0f}   "
          f"{known['created']} created, {known['merged']} merged, {known['merge candidates']} merge candidates")
    print(f"  {f'plain batched write, home of {ALREADY_KNOWN:,}':38} {b_known:8.2f} {rate(b_known):11,.0f}")
    print(f"  kith vs plain write: {t_fresh / b_fresh:.1f}x the time (fresh), {t_known / b_known:.1f}x "
          f"(home of {ALREADY_KNOWN:,})")
    ok = rate(t_fresh) >= TARGET_PER_S and rate(t_known) >= TARGET_PER_S
    print("PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
