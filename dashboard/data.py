"""What every page reads: one store connection and the analyses, cached per graph state.

Reading the graph into a projection takes about a second on the demo network and some
analyses a second more, so each is computed once per *graph state* and shared by all pages
and browser tabs. The state is a ``Key``: which graph (KITH_HOME or NEO4J_URI), its change
marker (``Store.version()``: a token every write replaces, whoever makes it, the CLI or
this dashboard; one cheap query per page view) and the day. So an edit from the command
line shows on the next page load, even one that changes no count (a new owner, a cadence).
"""

from __future__ import annotations

import os
from datetime import date
from typing import NamedTuple

import networkx as nx
import pandas as pd
import streamlit as st
from neo4j.exceptions import ServiceUnavailable, SessionExpired

from dashboard import compose, layout
from graph import projection as projection_mod
from graph.projection import Projection
from graph.store import Store
from kith import clock
from reports import build, empty, registry


class Key(NamedTuple):
    """One state of one graph: what every cached analysis is keyed by."""

    graph: str         # which graph: NEO4J_URI, or the embedded store's KITH_HOME
    version: str       # Store.version(): the change marker
    as_of: date        # reports are as of a day (everything up to its end counts)


def _which_graph() -> str:
    return os.environ.get("NEO4J_URI") or os.environ.get("KITH_HOME") or "default home"


@st.cache_resource(show_spinner="Connecting to your graph store…")
def _store(graph: str) -> Store:
    # `graph` is only the cache key: Store.connect() reads the same environment.
    return Store.connect()


def store() -> Store:
    return _store(_which_graph())


def current() -> Key:
    """The graph's state now. Reconnects once if the store was restarted under us."""
    try:
        version = store().version()
    except (ServiceUnavailable, SessionExpired, OSError):
        _store.clear()
        version = store().version()
    return Key(_which_graph(), version, clock.today())


def refresh() -> None:
    """Forget every cached analysis: called after the dashboard writes to the graph."""
    for cached in (counts, owner, why_empty, projection, _report, _analysis, strength_graph, network, ego_positions,
                   strength_curve):
        cached.clear()


@st.cache_data(max_entries=8, show_spinner=False)
def counts(key: Key) -> dict[str, int]:
    """How many people, interactions … the graph holds in this state (the footer shows them)."""
    return store().counts()


@st.cache_data(max_entries=8, show_spinner=False)
def owner(key: Key) -> dict | None:
    """The owner (id, name) or None: one indexed query, so a page without one says so at once."""
    return store().owner()


# -- the projection and the reports --------------------------------------------------------


@st.cache_resource(max_entries=2, show_spinner="Reading your network…")
def projection(key: Key) -> Projection:
    # cache_resource, not cache_data: the frames are shared read-only, never copied per page view.
    return projection_mod.load(store())


@st.cache_data(max_entries=16, show_spinner="Working it out…")
def _report(name: str, key: Key, top: int | None) -> pd.DataFrame:
    return registry.get(name).run(projection(key), key.as_of, top)


# The analyses pages share besides the reports: each a reports.build function of (P, as_of).
ANALYSES = {"owner_ties": build.owner_ties, "tie_states": build.tie_states, "done_today": build.in_touch_on}


@st.cache_data(max_entries=16, show_spinner="Working it out…")
def _analysis(name: str, key: Key):
    return ANALYSES[name](projection(key), key.as_of)


@st.cache_data(max_entries=32, show_spinner=False)
def why_empty(report: str, key: Key) -> str:
    """Why ``report`` has nothing in this graph state, and what to add (reports/empty.py)."""
    return empty.why_empty(report, projection(key), key.as_of)


def intros(key: Key) -> pd.DataFrame:
    return _report("intros", key, 20)


def keep_in_touch(key: Key) -> pd.DataFrame:
    return _report("keep-in-touch", key, 40)


def ledger(key: Key) -> pd.DataFrame:
    return _report("ledger", key, None)


def owner_ties(key: Key) -> pd.DataFrame:
    return _analysis("owner_ties", key)


def tie_states(key: Key) -> pd.DataFrame:
    return _analysis("tie_states", key)


def done_today(key: Key) -> set[str]:
    """The contacts you were in touch with today (the keep-in-touch queue leaves them out)."""
    return _analysis("done_today", key)


@st.cache_resource(max_entries=2, show_spinner="Weighing every tie…")
def strength_graph(key: Key) -> nx.Graph:
    return build.strength_graph(projection(key), key.as_of)


@st.cache_resource(max_entries=2, show_spinner="Laying out your network…")
def network(key: Key) -> compose.NetworkView:
    """Everyone but you, tie-weighted, grouped into circles and laid out once per graph state."""
    P = projection(key)
    # The circles report's circles, by the same names, from the tie-weighted graph already cached.
    G, member = build.contact_circles(P, key.as_of, strength_graph(key))
    positions = layout.circle_layout(G, member)
    return compose.network_view(P, G, member, positions, owner_ties(key))


@st.cache_data(max_entries=16, show_spinner="Laying out their network…")
def ego_positions(key: Key, ego: str, shown: tuple[str, ...]) -> dict:
    """The Network page centred on ``ego``: a fresh layout of the people shown (``layout.ego_layout``)."""
    view = network(key)
    return layout.ego_layout(view.graph, ego, shown, circles=view.nodes["circle"].to_dict())


@st.cache_data(max_entries=64, show_spinner="Drawing the strength of your tie…")
def strength_curve(key: Key, person: str) -> pd.Series:
    return compose.strength_curve(projection(key), person, key.as_of)
