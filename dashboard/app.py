"""Kith's dashboard: ``streamlit run dashboard/app.py`` from the checkout (``make demo`` does).

It reads the graph ``Store.connect()`` picks (the embedded store of KITH_HOME, or Neo4j when
NEO4J_URI is set) and listens on 127.0.0.1 only (``.streamlit/config.toml``): it shows
personal data.
"""

from __future__ import annotations

import time
from pathlib import Path

import streamlit as st
from neo4j.exceptions import DriverError, Neo4jError

from dashboard import data, ui
from kith.errors import KithError

HERE = Path(__file__).resolve().parent

st.set_page_config(page_title="Kith", page_icon="🌿", layout="wide")

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
    st.error(f"Kith cannot reach your graph store: {e}")
    st.caption("Start it with `kith db start`, or check NEO4J_URI and its credentials.")
    st.stop()
st.session_state["kith_key"] = key

try:
    page.run()
except ui.Halt:  # the page said all it could (an empty graph, nothing uploaded yet …)
    pass
ui.footer(key, time.perf_counter() - started)
