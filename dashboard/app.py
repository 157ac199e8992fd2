"""Kith's dashboard: ``kith dashboard`` serves it (``make demo`` ends with it).

It reads the graph ``Store.connect()`` picks (the embedded store of KITH_HOME, or Neo4j when
NEO4J_URI is set). It shows personal data, so it is for this machine only: ``kith dashboard``
binds 127.0.0.1 and refuses requests for any other host (dashboard/serve.py). Started with a
bare ``streamlit run`` instead, from any folder, ``.streamlit/config.toml`` next to this file
asks for the same, and every run checks it got it (``serve.refusal``): listening beyond this
machine, usage statistics on, XSRF protection off, or a page opened under another host name,
and the page shows nothing but how to start it properly.
"""

from __future__ import annotations

import time
from pathlib import Path

import streamlit as st
from neo4j.exceptions import DriverError, Neo4jError

from dashboard import data, serve, ui
from kith import uploads
from kith.errors import KithError

HERE = Path(__file__).resolve().parent

st.set_page_config(page_title="Kith", page_icon="🌿", layout="wide")

why_not = serve.refusal(st.get_option("server.address"), st.get_option("browser.gatherUsageStats"),
                        st.get_option("server.enableXsrfProtection"), dict(st.context.headers),
                        st.get_option("server.port"))
if why_not:
    st.error(why_not)
    st.stop()


@st.cache_resource(show_spinner=False)
def _purge_uploads() -> None:
    """Once per server: uploads a killed dashboard (or an older Kith) left behind go."""
    uploads.purge()


_purge_uploads()

PAGES = {
    "": [st.Page("views/home.py", title="Home", icon=":material/home:", default=True)],
    "Your network": [
        st.Page("views/network.py", title="Network", icon=":material/hub:", url_path="network"),
        st.Page("views/person.py", title="Person", icon=":material/person:", url_path="person"),
    ],
    "What to do": [
        st.Page("views/keep_in_touch.py", title="Keep in touch", icon=":material/schedule:", url_path="keep-in-touch"),
        st.Page("views/introductions.py", title="Introductions", icon=":material/handshake:", url_path="introductions"),
        st.Page("views/warm_path.py", title="Warm path", icon=":material/route:", url_path="warm-path"),
        st.Page("views/give_ask.py", title="Give & ask", icon=":material/balance:", url_path="give-and-ask"),
    ],
    "Your data": [
        st.Page("views/cypher.py", title="Cypher", icon=":material/terminal:", url_path="cypher"),
        st.Page("views/import_files.py", title="Import", icon=":material/upload:", url_path="import"),
    ],
}

started = time.perf_counter()
page = st.navigation(PAGES)
st.logo(str(HERE / "logo.svg"), size="large")

try:
    key = data.current()
except (KithError, DriverError, Neo4jError, OSError) as e:  # no store: say so plainly, not a traceback
    st.error(f"Kith cannot reach your graph store: {ui.md(e)}")
    st.caption("Start it with `kith db start`, or check NEO4J_URI and its credentials.")
    st.stop()
st.session_state["kith_key"] = key

try:
    page.run()
except ui.Halt:  # the page said all it could (an empty graph, nothing uploaded yet …)
    pass
ui.footer(key, time.perf_counter() - started)
