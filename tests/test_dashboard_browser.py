"""The dashboard in a real browser: ``kith dashboard`` on 127.0.0.1, Debian's Chromium via playwright.

Every page is opened on the session's demo network; none may show Streamlit's exception box.
A screenshot of each is kept (and copied to /tmp/kith-screens/ to look at). Only reads happen
here (the import is previewed, not made), so the shared demo store stays as it was. The
server is stopped at the end, leaving no process behind.
"""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest

from tests.browser import CHROMIUM, PAGES, Server, exceptions, launch, open_page

ROOT = Path(__file__).resolve().parents[1]
SCREENS = Path("/tmp/kith-screens")

# Screen coordinates of the first person drawn on the network chart (plotly's own axes say where).
FIRST_PERSON_XY = """() => {
  const gd = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
  const t = gd._fullData.find(t => t.mode === 'markers');
  const box = gd.querySelector('.nsewdrag').getBoundingClientRect();
  return [box.left + gd._fullLayout.xaxis.l2p(t.x[0]), box.top + gd._fullLayout.yaxis.l2p(t.y[0])];
}"""

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium: make install-dev")


def test_every_page_in_a_real_browser(demo_home, tmp_path):
    from playwright.sync_api import sync_playwright

    shots = tmp_path / "screens"
    shots.mkdir()
    server = Server(demo_home, log=tmp_path / "streamlit.log")
    with server, sync_playwright() as p:
        assert server.url.startswith("http://127.0.0.1:")
        browser = launch(p)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1800})
            for i, (title, path) in enumerate(PAGES):
                open_page(page, f"{server.url}/{path}")
                assert exceptions(page) == [], f"{title}: {exceptions(page)}"
                assert page.locator("h1").first.inner_text().strip(), f"{title} has no heading"
                page.screenshot(path=str(shots / f"{i:02d}-{path or 'home'}.png"))

            # The Cypher page runs an example and shows its table.
            open_page(page, f"{server.url}/cypher")
            page.get_by_role("button", name="Run").click()
            page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=30_000)
            assert exceptions(page) == []
            page.screenshot(path=str(shots / "10-cypher-results.png"))

            # The Import page previews an upload (a dry run: nothing is written).
            open_page(page, f"{server.url}/import")
            page.locator('input[type="file"]').set_input_files(str(ROOT / "loaders/examples/kith-history.csv"))
            page.get_by_text("Preview (nothing written yet)").wait_for(timeout=30_000)
            assert exceptions(page) == []
            page.screenshot(path=str(shots / "11-import-preview.png"))

            # On the Network page, hovering a person says who and why; clicking opens them.
            open_page(page, f"{server.url}/network")
            x, y = page.evaluate(FIRST_PERSON_XY)
            page.mouse.move(x, y)
            page.wait_for_function("() => document.querySelector('.hoverlayer').textContent.includes('your tie')")
            hover = page.evaluate("() => document.querySelector('.hoverlayer').textContent")
            page.mouse.click(x, y)
            page.wait_for_url("**/person?id=*", timeout=30_000)
            page.wait_for_selector(".st-key-kith-footer", state="attached")
            assert page.locator("h1").first.inner_text().strip() in hover

            # Opening a person from a link carries who it is.
            open_page(page, f"{server.url}/person?id=p-0037")
            assert page.locator("h1").first.inner_text().strip() == "Marcus Whitfield"
        finally:
            browser.close()

    assert server.process.poll() is not None  # stopped, with its whole process group
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", server.port)) != 0  # nothing listens any more
    SCREENS.mkdir(exist_ok=True)
    for png in shots.glob("*.png"):
        shutil.copy(png, SCREENS / png.name)
    assert len(list(shots.glob("*.png"))) == len(PAGES) + 2
