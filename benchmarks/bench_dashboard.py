"""How fast the dashboard's pages render in a real browser: targets < 2 s (demo), < 3 s (2,000 people).

A page has rendered when its script has run to the end (the footer is on the page) and every
chart is drawn; timed from navigation in Debian's Chromium (playwright), a full page load
each time, as when a person opens a link. Measured in one run:

- each page on the demo network, cold (its analyses not yet cached: the baseline) and warm
  (median of 3 loads once cached: the target);
- the Network page with 2,000 people (a synthetic Kith CSV imported with
  loaders.importer into a fresh KITH_HOME), cold and warm;
- the layout behind it: Kith's circle layout against networkx's spring layout of the whole
  graph, the obvious way (the baseline it replaces).

Run from the checkout: .venv/bin/python -m benchmarks.bench_dashboard (it shares tests/browser.py
with the browser test, so it runs as a module of the checkout)
"""

from __future__ import annotations

import csv
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from graph.model import Person
from graph.server import EmbeddedServer
from graph.store import Store
from kith import clock
from tests.browser import PAGES, Server, exceptions, launch, open_page

ROOT = Path(__file__).resolve().parents[1]

TARGET_PAGE_S = 2.0
TARGET_BIG_NETWORK_S = 3.0
WARM_RUNS = 3
BIG = 2_000
COMMUNITIES = 25

FIRST = ["Ada", "Ben", "Chloé", "Dev", "Elena", "Finn", "Grace", "Hiro", "Ines", "Jonas", "Kofi", "Lena", "Marek",
         "Nia", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tara", "Uma", "Viktor", "Wen", "Yara", "Zoe"]
LAST = ["Adler", "Brooks", "Costa", "Dubois", "Evans", "Fischer", "García", "Hughes", "Ito", "Jensen", "Khan",
        "López", "Murphy", "Novak", "Okafor", "Patel", "Rossi", "Sato", "Torres", "Varga", "Walsh", "Zhang"]
TAGS = ["ex-colleague", "school", "conference", "family", "neighbour", "social", "networking event", "interviewer"]


def synthetic_csv(path: Path, n: int = BIG, seed: int = 1) -> None:
    """A Kith CSV of ``n`` people in communities, who knows whom, and your history with a third of them."""
    rng = random.Random(seed)
    today = clock.today()
    rows = []
    group = [i % COMMUNITIES for i in range(n)]
    email = [f"contact{i:04d}@example.com" for i in range(n)]
    for i in range(n):
        rows.append({"record": "person", "name": f"{rng.choice(FIRST)} {rng.choice(LAST)} {i:04d}",
                     "email": email[i], "tags": TAGS[group[i] % len(TAGS)],
                     "company": f"Company {group[i]:02d}", "title": rng.choice(["Engineer", "Analyst", "Director"])})
    members = [[i for i in range(n) if group[i] == g] for g in range(COMMUNITIES)]
    seen = set()
    for i in range(n):  # about 4 ties inside one's community and 0.3 outside
        for j in rng.sample(members[group[i]], 4) + ([rng.randrange(n)] if rng.random() < 0.3 else []):
            pair = (min(i, j), max(i, j))
            if i != j and pair not in seen:
                seen.add(pair)
                rows.append({"record": "knows", "a": email[pair[0]], "b": email[pair[1]]})
    for i in rng.sample(range(n), n // 3):
        for _ in range(rng.randint(1, 15)):
            at = datetime.combine(today - timedelta(days=rng.randint(1, 900)), datetime.min.time(), timezone.utc)
            rows.append({"record": "interaction", "at": at.strftime("%Y-%m-%d %H:%M"), "with": email[i],
                         "channel": rng.choice(["email", "call", "in-person", "message"]),
                         "direction": rng.choice(["out", "in"])})
    columns = ["record", "at", "name", "email", "with", "channel", "direction", "a", "b", "company", "title", "tags"]
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, columns)
        w.writeheader()
        w.writerows(rows)


def big_home(home: Path) -> dict:
    from loaders.importer import import_file

    path = home / "synthetic.csv"
    synthetic_csv(path)
    with Store.connect(home) as store:
        store.upsert_people([Person(id="me", name="Bench Owner", me=True, emails=["bench@example.com"])])
        import_file(store, path)
        return store.counts()


def measure(page, url: str) -> tuple[float, list[float]]:
    """Seconds to render: the first (cold) load, then WARM_RUNS loads once cached."""
    cold = open_page(page, url)
    problems = exceptions(page)
    if problems:
        raise RuntimeError(f"{url} shows an exception: {problems[0][:300]}")
    return cold, [open_page(page, url) for _ in range(WARM_RUNS)]


def layout_baseline(home: Path) -> tuple[float, float, int]:
    """Kith's circle layout against networkx's whole-graph spring layout, same graph."""
    import networkx as nx

    from analytics.circles import circles
    from dashboard.layout import circle_layout
    from graph import projection
    from reports import build

    with Store.connect(home) as store:
        P = projection.load(store)
    G = build.strength_graph(P, clock.today())
    G.remove_node(P.owner)
    t = time.perf_counter()
    circle_layout(G, circles(G))
    ours = time.perf_counter() - t
    t = time.perf_counter()
    nx.spring_layout(G, weight="strength", seed=7)
    return ours, time.perf_counter() - t, G.number_of_nodes()


def main() -> int:
    from playwright.sync_api import sync_playwright

    failed = []
    with tempfile.TemporaryDirectory() as tmp:
        demo, big = Path(tmp) / "demo", Path(tmp) / "big"
        demo.mkdir(), big.mkdir()
        try:
            loaded = subprocess.run([sys.executable, "-m", "kith", "demo"], cwd=ROOT, capture_output=True,
                                    text=True, env={"KITH_HOME": str(demo), "PATH": "/usr/bin:/bin"}, check=True)
            print(loaded.stdout.strip())
            t = time.perf_counter()
            counts = big_home(big)
            print(f"synthetic network imported in {time.perf_counter() - t:.1f} s: "
                  + ", ".join(f"{v} {k}" for k, v in counts.items()))

            with sync_playwright() as p:
                browser = launch(p)
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                print(f"\ndemo network, each page (target < {TARGET_PAGE_S:.0f} s once its cache is warm; "
                      f"warm = median of {WARM_RUNS} loads)")
                print(f"  {'page':<15}{'warm':>8}{'cold (baseline)':>18}   warm runs")
                with Server(demo, log=Path(tmp) / "demo.log") as server:
                    for title, path in PAGES:
                        cold, warm = measure(page, f"{server.url}/{path}")
                        median = statistics.median(warm)
                        ok = median < TARGET_PAGE_S
                        failed += [] if ok else [f"{title} {median:.2f} s"]
                        print(f"  {title:<15}{median:>7.2f}s{cold:>17.2f}s   "
                              f"{', '.join(f'{w:.2f}' for w in warm)}{'' if ok else '  SLOW'}")

                print(f"\nNetwork page with {counts['people'] - 1:,} people (target < {TARGET_BIG_NETWORK_S:.0f} s warm)")
                with Server(big, log=Path(tmp) / "big.log") as server:
                    cold, warm = measure(page, f"{server.url}/network")
                    median = statistics.median(warm)
                    ok = median < TARGET_BIG_NETWORK_S
                    failed += [] if ok else [f"Network with {BIG} people {median:.2f} s"]
                    print(f"  warm {median:.2f} s (runs {', '.join(f'{w:.2f}' for w in warm)}); "
                          f"cold first render (baseline) {cold:.2f} s; {cold / median:.1f}x")
                    page.screenshot(path=str(Path("/tmp") / "kith-bench-network-2000.png"))
                browser.close()

            ours, spring, n = layout_baseline(big)
            print(f"\nlayout of {n:,} people: circle layout {ours:.2f} s; baseline networkx spring_layout "
                  f"{spring:.2f} s ({spring / ours:.0f}x slower)")
        finally:
            for home in (demo, big):
                EmbeddedServer(home).stop()

    print("PASS" if not failed else f"FAIL: {'; '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
