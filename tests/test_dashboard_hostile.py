"""The dashboard trusts no data and no stranger, checked in a real browser against ``kith dashboard``.

A home of its own holds contacts whose names are attacks: HTML that runs script, Markdown that
loads an image from a local "beacon" server (which records every request it gets), a link, Rich
markup. Every page is opened in Debian's Chromium: no request may reach the beacon, no dialog may
open, no data may become a link or an image, and each name must show as typed. Then requests
that name another host than the dashboard's own (DNS rebinding) must be refused, HTTP and
WebSocket alike, while the dashboard's own address works.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import http.client
import http.server
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest

from dashboard import serve
from graph.server import EmbeddedServer
from kith import clock, uploads
from tests.browser import CHROMIUM, Server, exceptions, free_port, launch, open_page
from tests.conftest import run_kith

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="needs Debian's chromium: make install-dev")

WORD_JOINER = "\u2060"  # ui.md puts one before a web address so that it is not made a link
# An upload the Import page cannot read; unique to this run, so where it was saved can be found.
UPLOAD = f"First Name,Surname\nAda,Lovelace,{os.urandom(8).hex()}\n".encode()


class Beacon:
    """A local HTTP server that records every request: any hit means the page fetched from data."""

    def __init__(self):
        hits = self.hits = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                hits.append(self.path)
                self.send_response(204)
                self.end_headers()

            do_POST = do_GET

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def beacon():
    b = Beacon()
    yield b
    b.close()


def hostile_names(port: int) -> dict[str, str]:
    return {
        "h1": "<img src=x onerror=alert(1)>",
        "h2": f"![b](http://127.0.0.1:{port}/beacon.png)",
        "h3": f'<a href="http://127.0.0.1:{port}/x">click</a>',
        "h4": "[link=http://x]a[/link]",
    }


def hostile_network(port: int, today) -> dict:
    """Kith JSON: the four hostile contacts due, owed, refusing, introduced and reachable through Sam."""
    names = hostile_names(port)

    def day(n: int) -> str:
        return (today - timedelta(days=n)).isoformat()

    email = {k: f"{k}@example.com" for k in (*names, "sam")}
    people = [{"name": "Sam Bridge", "email": email["sam"], "skills": ["python"]},
              {"name": names["h1"], "email": email["h1"], "company": f"![c](http://127.0.0.1:{port}/company.png)",
               "tags": [f"<a href='http://127.0.0.1:{port}/tag'>t</a>"], "skills": ["python"],
               "note": f"![n](http://127.0.0.1:{port}/note.png)", "cadence": 30},
              {"name": names["h2"], "email": email["h2"], "needs": ["python"],
               "title": f"<img src=http://127.0.0.1:{port}/title.png>"},
              {"name": names["h3"], "email": email["h3"], "cadence": 30},
              {"name": names["h4"], "email": email["h4"], "cadence": 30,
               "birthday": "--" + (today + timedelta(days=3)).strftime("%m-%d")}]
    interactions = [{"at": day(n), "with": [email[k]], "channel": "call", "kind": "catch-up", "direction": "out",
                     "summary": f"![s](http://127.0.0.1:{port}/summary.png)"}
                    for k in ("h1", "h3", "h4") for n in range(60, 330, 30)]
    interactions += [{"at": day(n), "with": [email["sam"]], "channel": "in-person", "kind": "catch-up",
                      "direction": "out"} for n in range(2, 200, 14)]
    favors = [{"at": day(n), "with": email["h1"], "direction": "asked", "kind": "referral", "status": "no"}
              for n in (100, 80, 70)]
    favors.append({"at": day(40), "with": email["h3"], "direction": "received", "kind": "advice", "status": "yes"})
    knows = [{"a": email[a], "b": email[b]} for a, b in
             (("sam", "h1"), ("sam", "h2"), ("sam", "h3"), ("sam", "h4"), ("h1", "h3"), ("h3", "h4"))]
    intros = [{"at": day(10), "a": email["h3"], "b": email["h4"], "status": "offered",
               "note": f"<img src=http://127.0.0.1:{port}/intro.png>"}]
    return {"people": people, "interactions": interactions, "favors": favors, "knows": knows,
            "introductions": intros}


@pytest.fixture(scope="module")
def hostile_home(tmp_path_factory, kith_home, beacon):
    """A KITH_HOME of this module's own holding the hostile network, built with the real CLI; its ids by key."""
    home = tmp_path_factory.mktemp("kith-hostile")
    env = {"KITH_HOME": str(home)}
    source = home.parent / "hostile-network.json"
    source.write_text(json.dumps(hostile_network(beacon.port, clock.today())), encoding="utf-8")
    for args in (("person", "add", "Alex Morgan", "--me"), ("import", str(source))):
        done = run_kith(*args, env=env)
        assert done.returncode == 0, done.stderr
    found = run_kith("cypher", "MATCH (p:Person) WHERE p.emails IS NOT NULL RETURN p.id AS id, p.emails AS emails",
                     "--json", env=env)
    assert found.returncode == 0, found.stderr
    ids = {row["emails"][0].split("@")[0]: row["id"] for row in json.loads(found.stdout)}
    yield home, ids
    EmbeddedServer(home).stop()


@pytest.fixture(scope="module")
def leftover():
    """An upload folder a killed dashboard left (its process is long gone: Linux pids stop at 2**22)."""
    folder = Path(tempfile.mkdtemp(prefix=f"{uploads.PREFIX}999999999-"))
    (folder / "Connections.csv").write_text("First Name,Last Name\nAda,Lovelace\n")
    yield folder
    shutil.rmtree(folder, ignore_errors=True)  # only if the test failed


@pytest.fixture(scope="module")
def dashboard(hostile_home, leftover, tmp_path_factory):
    home, _ = hostile_home
    with Server(home, log=tmp_path_factory.mktemp("hostile-log") / "dashboard.log") as server:
        yield server


# Every element of the page that shows data as something other than text.
ACTIVE = """(port) => {
  const bad = [];
  for (const a of document.querySelectorAll('a')) {
    const href = a.getAttribute('href') || a.getAttribute('xlink:href') || '';
    if (href.includes(':' + port) || href.startsWith('http://x')) bad.push(a.outerHTML);  // a mailto: link is fine
  }
  for (const img of document.querySelectorAll('img, image')) {
    const src = img.getAttribute('src') || img.getAttribute('href') || '';
    if (src === 'x' || src.includes(':' + port)) bad.push(img.outerHTML);
  }
  return bad;
}"""


def shown(page) -> str:
    return page.inner_text("body").replace(WORD_JOINER, "")


def test_every_page_shows_hostile_data_as_text(hostile_home, beacon, dashboard):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    home, ids = hostile_home
    names = hostile_names(beacon.port)
    # What each page must show, literally: the people it is about.
    visits = [("", ["h1", "h3", "h4"]), ("keep-in-touch", ["h1", "h3", "h4"]), ("give-and-ask", ["h1", "h3"]),
              (f"warm-path?id={ids['h2']}", ["h2"]), ("network", ["h1", "h2", "h3", "h4"]),
              ("introductions", ["h3", "h4"]), *[(f"person?id={ids[k]}", [k]) for k in names]]
    problems, dialogs = [], []  # every page is visited, and all that is wrong is reported at once

    def check(where: str, expected) -> None:
        text = shown(page)
        problems.extend(f"{where}: {names[k]!r} not shown as typed" for k in expected if names[k] not in text)
        problems.extend(f"{where}: data made active: {html}" for html in page.evaluate(ACTIVE, str(beacon.port)))

    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 2400})
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            for path, expected in visits:
                open_page(page, f"{dashboard.url}/{path}")
                assert exceptions(page) == [], f"{path}: {exceptions(page)}"
                check(path or "home", expected)

            # Plotly: a name is text in the hover too, never a link.
            open_page(page, f"{dashboard.url}/network")
            x, y = page.evaluate(POINT_XY, ids["h3"])
            page.mouse.move(x, y)
            try:
                page.wait_for_function("() => document.querySelector('.hoverlayer').textContent.includes('your tie')",
                                       timeout=15_000)
            except PlaywrightTimeout:
                pass  # the hover's text is checked next, whatever it is
            hover = page.evaluate("() => document.querySelector('.hoverlayer').textContent")
            if names["h3"] not in hover:
                problems.append(f"network hover: {hover!r}")
            check("network hover", [])
            open_page(page, f"{dashboard.url}/give-and-ask")
            ticks = page.evaluate("() => [...document.querySelectorAll('.ytick text')].map(t => t.textContent)")
            if names["h1"] not in ticks:
                problems.append(f"give-and-ask: the balance's names are {ticks}")

            # Import: a file named with the beacon's Markdown, that cannot be imported, says so as text.
            open_page(page, f"{dashboard.url}/import")
            page.locator('input[type="file"]').set_input_files(
                {"name": names["h2"], "mimeType": "text/csv", "buffer": UPLOAD})
            page.get_by_text("cannot be imported").wait_for(timeout=30_000)
            check("import", ["h2"])
            page.wait_for_timeout(1000)  # any image the page asked for has had time to be fetched
        finally:
            browser.close()
    assert problems == []
    assert beacon.hits == [], f"the dashboard made the browser fetch {beacon.hits}"
    assert dialogs == [], f"script from data ran: {dialogs}"


def test_uploads_are_not_kept(dashboard, leftover):
    """The upload above was deleted once its page had run, and the leftover went when the dashboard started."""
    digest = hashlib.sha256(UPLOAD).hexdigest()[:16]  # the folder each upload is saved in, by content
    assert not list(Path(tempfile.gettempdir()).glob(f"{uploads.PREFIX}*/{digest}"))
    assert not leftover.exists()


def test_purge_spares_running_dashboards_only(tmp_path):
    live = tmp_path / f"{uploads.PREFIX}{os.getpid()}-abc"  # this process: a dashboard using it now
    dead = tmp_path / f"{uploads.PREFIX}999999999-abc"
    old = tmp_path / f"{uploads.PREFIX}k2j4x9qa"  # what earlier versions made, and kept
    for folder in (live, dead, old):
        (folder / "digest").mkdir(parents=True)
        (folder / "digest" / "contacts.vcf").write_text("BEGIN:VCARD\n")
    assert sorted(uploads.purge(tmp_path)) == sorted([dead, old])
    assert live.exists() and not dead.exists() and not old.exists()


# Screen coordinates of one person's dot on the network chart, found by id (customdata[0]).
POINT_XY = """(id) => {
  const gd = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
  const box = gd.querySelector('.nsewdrag').getBoundingClientRect();
  for (const t of gd._fullData) {
    const i = (t.customdata || []).findIndex(row => row && row[0] === id);
    if (t.mode && t.mode.startsWith('markers') && i >= 0)
      return [box.left + gd._fullLayout.xaxis.l2p(t.x[i]), box.top + gd._fullLayout.yaxis.l2p(t.y[i])];
  }
  throw new Error('no dot for ' + id);
}"""


# -- strangers: requests naming another host (DNS rebinding) ----------------------------------


def http_status(port: int, host: str, origin: str | None = None, path: str = "/") -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.putrequest("GET", path, skip_host=True)
        conn.putheader("Host", host)
        if origin:
            conn.putheader("Origin", origin)
        conn.endheaders()
        return conn.getresponse().status
    finally:
        conn.close()


def websocket_status(port: int, host: str, origin: str | None = None) -> int:
    """The HTTP status a WebSocket handshake to Streamlit's stream gets (101: upgraded)."""
    key = base64.b64encode(os.urandom(16)).decode()
    lines = ["GET /_stcore/stream HTTP/1.1", f"Host: {host}", "Upgrade: websocket", "Connection: Upgrade",
             f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13", "Sec-WebSocket-Protocol: streamlit"]
    if origin:
        lines.append(f"Origin: {origin}")
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        status = s.recv(1024).split(b"\r\n", 1)[0]
    return int(status.split()[1])


def test_requests_for_another_host_are_refused(dashboard):
    port = dashboard.port
    own, evil = f"127.0.0.1:{port}", f"evil.example:{port}"
    assert http_status(port, own) == 200
    assert http_status(port, f"localhost:{port}") == 200
    assert websocket_status(port, own, f"http://{own}") == 101
    assert http_status(port, evil) == 403
    assert http_status(port, evil, f"http://{evil}", "/_stcore/health") == 403
    assert http_status(port, own, "http://evil.example") == 403
    assert http_status(port, f"127.0.0.1:{port + 1}") == 403  # the right address, another port
    assert websocket_status(port, evil) == 403
    assert websocket_status(port, evil, f"http://{evil}") == 403  # what a rebound page sends: same-origin to it
    assert websocket_status(port, own, "http://evil.example") == 403


def test_the_dashboard_listens_on_127_0_0_1_only(dashboard):
    # Linux routes all of 127/8 to this machine: a server on every address would answer 127.0.0.2 too.
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", dashboard.port)) == 0
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.2", dashboard.port)) != 0


@contextlib.contextmanager
def bare_streamlit_run(home: Path, cwd: Path, *flags: str):
    """``streamlit run /…/dashboard/app.py`` started from another folder, as someone might; its port."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(serve.APP), "--server.port", str(port),
                                *flags], cwd=cwd, env={**os.environ, "KITH_HOME": str(home)}, stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        for _ in range(300):
            assert process.poll() is None, "streamlit exited"
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        yield port
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # its own session: only what it started
        process.wait(30)


def test_a_bare_streamlit_run_from_elsewhere_stays_on_this_machine(hostile_home, tmp_path):
    from playwright.sync_api import sync_playwright

    home, _ = hostile_home
    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page()
            # dashboard/.streamlit/config.toml applies from any folder: 127.0.0.1 only, Streamlit's Host check on.
            with bare_streamlit_run(home, tmp_path) as port:
                with socket.socket() as s:
                    assert s.connect_ex(("127.0.0.2", port)) != 0
                assert websocket_status(port, f"evil.example:{port}") == 403
                open_page(page, f"http://127.0.0.1:{port}/")
                assert page.locator("h1").first.inner_text() == "Hello, Alex"
            # Opened up by a flag, it shows nothing but how to start it properly.
            with bare_streamlit_run(home, tmp_path, "--browser.gatherUsageStats", "true") as port:
                page.goto(f"http://127.0.0.1:{port}/")
                page.get_by_text("usage statistics").wait_for(timeout=60_000)
                assert "kith dashboard" in page.inner_text("body") and page.locator("h1").count() == 0
        finally:
            browser.close()


def test_the_host_check_itself():
    names = serve.allowed_names("127.0.0.1")
    assert serve.host_allowed("127.0.0.1:8501", names, 8501) and serve.host_allowed("LOCALHOST:8501", names, 8501)
    assert serve.host_allowed("[::1]:8501", names, 8501)
    assert not serve.host_allowed("127.0.0.1:8502", names, 8501)
    assert not serve.host_allowed("127.0.0.1.evil.example:8501", names, 8501)
    assert not serve.host_allowed(None, names, 8501)
    assert serve.origin_allowed(None, names, 8501) and serve.origin_allowed("http://localhost:8501", names, 8501)
    assert not serve.origin_allowed("null", names, 8501)
    assert not serve.origin_allowed("https://127.0.0.1:8501", names, 8501)
    assert not serve.origin_allowed("http://user@127.0.0.1:8501", names, 8501)
    # Listening on every address: only the names asked for (and loopback) are answered.
    wide = serve.allowed_names("0.0.0.0", ["kith.lan"])
    assert serve.host_allowed("kith.lan:8501", wide, 8501) and not serve.host_allowed("0.0.0.0:8501", wide, 8501)
