"""Reading a big mailbox: Kith's header-only mbox parse against the standard library's ``mailbox``.

Synthesises an mbox of ``--size-mb`` MB (default 500) in a temp dir: Gmail-Takeout-like header
blocks (Received chains, RFC 2047 names, list mail, a few spam) and bodies of random sizes, some
with attachments of up to 2 MB, written as it is made (the benchmark never holds the mailbox). Then,
each in a fresh subprocess so that its peak RSS (``ru_maxrss`` of the child) is its own:

- Kith: ``loaders.mbox.parse`` (headers only, bodies read past): messages/s, MB/s, peak RSS;
- stdlib: ``mailbox.mbox(path)``, iterating every message and reading its From/To/Date headers.

With ``--import-mb N`` (default 50, 0 to skip) it also imports an N MB mailbox into a fresh
embedded home (``KITH_HOME`` temp dir, as ``benchmarks/bench_import.py``), then again (must
change nothing).

Run: ./.venv/bin/python -m benchmarks.bench_mbox [--size-mb 500] [--import-mb 50]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PEOPLE = 2_000
OWNER = "owner@example.com"
FIRST = ["Ana", "Bo", "Chris", "Dana", "Émile", "Farah", "Göran", "Hiro", "Ines", "José", "Kai", "Lena"]
LAST = ["Souza", "Lindqvist", "Taylor", "Okafor", "Müller", "Nakamura", "García", "Novak", "Ødegaard"]


def _name(i: int) -> str:
    name = f"{FIRST[i % len(FIRST)]} {LAST[i // len(FIRST) % len(LAST)]} {i}"
    if not name.isascii():  # as mail clients write them: RFC 2047
        from email.header import Header
        return Header(name, "utf-8").encode()
    return name


def _header(rng: random.Random, n: int, at: datetime) -> str:
    sender, others = rng.randrange(PEOPLE), rng.sample(range(PEOPLE), rng.choice((1, 1, 1, 2, 3, 5)))
    outgoing = rng.random() < 0.3
    frm = f"Owner <{OWNER}>" if outgoing else f"{_name(sender)} <user{sender}@example.org>"
    to = ", ".join(f"{_name(o)} <user{o}@example.org>" for o in others)
    if not outgoing:
        to = f"Owner <{OWNER}>, " + to
    lines = [f"From {1780000000000000000 + n}@xxx {at.strftime('%a %b %d %H:%M:%S +0000 %Y')}",
             f"X-GM-THRID: {1780000000000000000 + n // 3}",
             "X-Gmail-Labels: " + rng.choice(("Inbox,Opened", "Sent", "Inbox,Important", "Spam", "Archived")),
             f"Delivered-To: {OWNER}"]
    for hop in range(rng.randrange(2, 6)):
        lines += [f"Received: from mx{hop}.example.net (mx{hop}.example.net. [203.0.113.{hop}])",
                  f"        by mx.example.com with ESMTPS id {n:x}.{hop}; {format_datetime(at)}"]
    lines += [f"From: {frm}", f"To: {to}", f"Subject: Message {n} about things",
              f"Date: {format_datetime(at)}", f"Message-ID: <m{n}@example.org>",
              "MIME-Version: 1.0", 'Content-Type: multipart/mixed; boundary="b1"']
    if rng.random() < 0.15:
        lines += ["List-Id: <news.example.org>", "List-Unsubscribe: <mailto:u@example.org>"]
    return "\n".join(lines) + "\n\n"


def _body(rng: random.Random, out, approx: int) -> None:
    """A body of about ``approx`` bytes: text lines, and base64 lines for an attachment."""
    line = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.\n"
    b64 = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0NTY3\n"
    text = max(1, min(approx, 4000) // len(line))
    out.write("--b1\nContent-Type: text/plain\n\n" + line * text + ">From the archive, a quoted line\n")
    if approx > 4000:
        out.write("--b1\nContent-Type: application/pdf\nContent-Transfer-Encoding: base64\n\n")
        out.write(b64 * ((approx - 4000) // len(b64)))
    out.write("--b1--\n\n")


def synthesise(path: Path, size_mb: int, seed: int = 7) -> int:
    """Write an mbox of about ``size_mb`` MB to ``path``; return how many messages it has."""
    rng = random.Random(seed)
    at, n, target = datetime(2020, 1, 1, tzinfo=timezone.utc), 0, size_mb * 2**20
    with path.open("w", encoding="utf-8", newline="\n") as out:
        while out.tell() < target:
            at += timedelta(seconds=rng.randrange(60, 7200))
            out.write(_header(rng, n, at))
            big = rng.random() < 0.02  # one in fifty with an attachment of up to 2 MB
            _body(rng, out, rng.randrange(50_000, 2_000_000) if big else int(rng.expovariate(1 / 6000)))
            n += 1
    return n


# -- what each child process runs -------------------------------------------------------


def _child_kith(path: str) -> dict:
    from loaders.mbox import parse
    from loaders.records import ParseOptions

    parsed = parse(Path(path), ParseOptions(max_bytes=None))
    return {"kept": len(parsed.activities), "people": len(parsed.contacts)}


def _child_stdlib(path: str) -> dict:
    import mailbox

    seen = 0
    for msg in mailbox.mbox(path, create=False):
        msg.get("From"), msg.get_all("To"), msg.get("Date")
        seen += 1
    return {"kept": seen, "people": None}


def _child(which: str, path: str) -> None:
    import resource

    started = time.perf_counter()
    result = {"kith": _child_kith, "stdlib": _child_stdlib}[which](path)
    result["seconds"] = time.perf_counter() - started
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux
    print(json.dumps(result))


def run_child(which: str, path: Path) -> dict:
    done = subprocess.run([sys.executable, "-m", "benchmarks.bench_mbox", "--child", which, str(path)],
                          cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def baseline_rss() -> float:
    """Peak RSS of a child that only starts Python and imports Kith's loader: what every run pays."""
    code = ("import resource, loaders.mbox, mailbox;"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)")
    return float(subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                                check=True).stdout)


def full_import(tmp: Path, size_mb: int) -> None:
    from graph.server import EmbeddedServer
    from graph.store import Store
    from loaders.importer import import_file

    path = tmp / "import.mbox"
    messages = synthesise(path, size_mb, seed=11)
    home = tmp / "home"
    home.mkdir()
    server = EmbeddedServer(home)
    server.start()
    try:
        with Store.connect(home) as store:
            t = time.perf_counter()
            first = import_file(store, path)
            t_import = time.perf_counter() - t
            counts = store.counts()
            t = time.perf_counter()
            second = import_file(store, path)
            t_again = time.perf_counter() - t
            unchanged = store.counts() == counts and second.summary()["interactions"] == 0
    finally:
        server.stop()
    print(f"\nFull import of a {size_mb} MB mailbox ({messages:,} messages) into a fresh embedded home")
    print(f"  import      {t_import:7.2f} s   {counts['interactions']:,} interactions, {counts['people']:,} people "
          f"({first.summary()['skipped']} skipped lines)")
    print(f"  re-import   {t_again:7.2f} s   changed nothing: {unchanged}")


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--size-mb", type=int, default=500)
    args.add_argument("--import-mb", type=int, default=50)
    args.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    a = args.parse_args()
    if a.child:
        _child(*a.child)
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "mail.mbox"
        t = time.perf_counter()
        messages = synthesise(path, a.size_mb)
        size = path.stat().st_size / 2**20
        print(f"Synthesised {path.name}: {size:,.0f} MB, {messages:,} messages ({time.perf_counter() - t:.0f} s)")
        base = baseline_rss()
        rows = [("Kith loaders.mbox.parse", run_child("kith", path)),
                ("stdlib mailbox.mbox", run_child("stdlib", path))]
        print(f"\n{'reader':<26}{'seconds':>9}{'msgs/s':>10}{'MB/s':>8}{'peak RSS MB':>13}{'kept':>9}")
        for name, r in rows:
            print(f"{name:<26}{r['seconds']:>9.1f}{messages / r['seconds']:>10,.0f}{size / r['seconds']:>8.0f}"
                  f"{r['peak_mb']:>13.0f}{r['kept']:>9,}")
        print(f"(a child that only imports both modules peaks at {base:.0f} MB; Kith 'kept' = messages that become "
              "interactions, stdlib = every message)")
        os.remove(path)
        if a.import_mb:
            full_import(Path(tmp), a.import_mb)


if __name__ == "__main__":
    main()
