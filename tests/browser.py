"""Driving the dashboard in a real browser: the browser test and benchmarks/bench_dashboard.py share this.

``Server`` runs ``kith dashboard`` (what users run: Streamlit behind Kith's Host check) on a
free port of 127.0.0.1 against a given KITH_HOME and stops it (its whole process group) on exit. ``open_page`` loads one page
in Debian's Chromium (driven by playwright) and returns when the page has run to its end
and every chart has been drawn: the time that takes is what a person waits.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

# (title, url path) in the sidebar's order.
PAGES = [("Home", ""), ("Network", "network"), ("Person", "person"), ("Keep in touch", "keep-in-touch"),
         ("Introductions", "introductions"), ("Warm path", "warm-path"), ("Give & ask", "give-and-ask"),
         ("Cypher", "cypher"), ("Import", "import")]

FOOTER = ".st-key-kith-footer"  # app.py draws it after the page's last element
EXCEPTION = '[data-testid="stException"]'
# Drawn: no placeholder left (charts load their code lazily, showing a skeleton meanwhile), the
# script no longer running, and every plotly chart has painted its SVG.
DRAWN = """() => !document.querySelector('[data-testid="stSkeleton"]')
    && !document.querySelector('[data-testid="stStatusWidgetRunningIcon"]')
    && [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].every(c => c.querySelector('.main-svg'))"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``kith dashboard`` in the background, for one KITH_HOME."""

    def __init__(self, home: Path, port: int | None = None, log: Path | None = None):
        self.home, self.port = Path(home), port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        env = {**os.environ, "KITH_HOME": str(self.home)}
        env.pop("NEO4J_URI", None)
        out = open(self.log, "wb") if self.log else subprocess.DEVNULL
        self.process = subprocess.Popen([sys.executable, "-m", "kith", "dashboard", "--port", str(self.port)],
                                        cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"kith dashboard exited with {self.process.returncode} (log: {self.log})")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.read().strip() == b"ok":
                        return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"kith dashboard did not answer on {self.url} within 60 s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # its own session: only what it started
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)

    def __exit__(self, *exc) -> None:
        self.stop()


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def open_page(page, url: str, timeout: float = 60.0) -> float:
    """Load ``url`` and wait until the script has finished and every chart is drawn; seconds taken."""
    start = time.perf_counter()
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector(FOOTER, state="attached", timeout=timeout * 1000)
    page.wait_for_function(DRAWN, timeout=timeout * 1000)
    return time.perf_counter() - start


def exceptions(page) -> list[str]:
    return [e.inner_text() for e in page.query_selector_all(EXCEPTION)]
