"""No crash on any graph a person can have: every report and every dashboard page, on random graphs.

A new user's graph is nothing like the demo: empty, the owner alone, one contact, favors never
thanked, job changes never congratulated, no who-knows-whom, history only from 2004, events in
the future. Hypothesis draws such graphs (small, so that each is quick, and shrunk to the
smallest one that fails when one does); each is written to the real embedded store, read back
through the projection, and every report runs in every format, then every dashboard page runs
through Streamlit's AppTest. Nothing may raise, and an empty report must say why.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from graph import projection
from graph.model import (
    CHANNELS,
    FAVOR_DIRECTIONS,
    FAVOR_STATUSES,
    INTERACTION_KINDS,
    INTRODUCTION_STATUSES,
    Birthday,
    Favor,
    Interaction,
    Introduction,
    Knows,
    Network,
    Person,
)
from kith import clock
from reports import empty, registry, render
from tests.test_dashboard import APP, PAGES

WORDS = ["python", "design", "fundraising", "hiring", "climbing"]
TAGS = ["ex-colleague", "school", "family", "conference"]
# How far from today an event may be: most recent, some years back, 2004, and a few in the future.
OFFSETS = st.one_of(st.integers(-400, -1), st.integers(-3000, -400), st.integers(-8400, -8000),
                    st.integers(0, 0), st.integers(1, 60))


def _at(days: int, minute: int) -> datetime:
    day = clock.today() + timedelta(days=days)
    return datetime.combine(day, time(0, 0), tzinfo=timezone.utc) + timedelta(minutes=minute)


@st.composite
def graphs(draw) -> tuple[Network, list[dict]]:
    """A small random graph: (records, changes a re-import would have seen)."""
    n = draw(st.integers(0, 6))
    has_owner = draw(st.booleans()) if n == 0 else draw(st.integers(0, 9)) > 0
    ids = [f"p-{i}" for i in range(n)]
    people = [Person("me", "Sam Owner", me=True, needs=draw(st.lists(st.sampled_from(WORDS), max_size=2)))] \
        if has_owner else []
    for pid in ids:
        birthday = draw(st.none() | st.sampled_from([Birthday(2, 29), Birthday(12, 31, 1980), Birthday(1, 1),
                                                       Birthday(clock.today().month, min(clock.today().day, 28))]))
        people.append(Person(
            pid, draw(st.sampled_from(["Ana Lima", "Ben Cho", "Chidi Okafor", "Dan Smith", "Daniel Smith", "Eve"])),
            birthday=birthday, cadence_days=draw(st.none() | st.integers(1, 400)),
            company=draw(st.none() | st.sampled_from(["Acme", "Globex"])),
            title=draw(st.none() | st.sampled_from(["Engineer", "Angel Investor"])),
            skills=draw(st.lists(st.sampled_from(WORDS), max_size=2, unique=True)),
            needs=draw(st.lists(st.sampled_from(WORDS), max_size=2, unique=True)),
            interests=draw(st.lists(st.sampled_from(WORDS), max_size=1)),
            tags=draw(st.lists(st.sampled_from(TAGS), max_size=2, unique=True))))
    everyone = (["me"] if has_owner else []) + ids
    pairs = [(a, b) for i, a in enumerate(ids) for b in ids[i + 1:]]
    knows = [Knows(a, b, source="test") for a, b in draw(st.lists(st.sampled_from(pairs), max_size=6, unique=True))] \
        if pairs else []
    interactions = []
    if everyone:
        for k in range(draw(st.integers(0, 14))):
            who = draw(st.lists(st.sampled_from(everyone), min_size=1, max_size=4, unique=True))
            if has_owner and draw(st.booleans()) and "me" not in who:
                who = ["me", *who]
            interactions.append(Interaction(
                f"i-{k}", _at(draw(OFFSETS), draw(st.integers(0, 1439))), who,
                channel=draw(st.sampled_from(CHANNELS)), kind=draw(st.sampled_from(INTERACTION_KINDS)),
                initiated_by=draw(st.none() | st.sampled_from(who))))
    favors = [Favor(f"f-{k}", _at(draw(OFFSETS), 600), draw(st.sampled_from(ids)),
                    draw(st.sampled_from(FAVOR_DIRECTIONS)), "advice", draw(st.sampled_from(FAVOR_STATUSES)))
              for k in range(draw(st.integers(0, 4)))] if ids and has_owner else []
    intros = [Introduction(f"n-{k}", _at(draw(OFFSETS), 700), a, b, "me", draw(st.sampled_from(INTRODUCTION_STATUSES)),
                           outcome=draw(st.none() | st.sampled_from(["good", "bad", "no follow-up"])))
              for k, (a, b) in enumerate(draw(st.lists(st.sampled_from(pairs), max_size=2, unique=True)))] \
        if pairs and has_owner else []
    changes = [{"id": f"c-{k}", "person": draw(st.sampled_from(ids)), "field": "title", "old": "Engineer",
                "new": "Head of Growth", "source": "test:x", "at": _at(draw(OFFSETS), 800)}
               for k in range(draw(st.integers(0, 2)))] if ids else []
    return Network(people=people, knows=knows, interactions=interactions, favors=favors,
                   introductions=intros), changes


def _write(store, network: Network, changes: list[dict]) -> None:
    store.load(network)
    if changes:
        store.apply_import({}, [], changes, Network(), {})


def _reports(P) -> None:
    """Every report in every format; an empty one says why (and not the catch-all)."""
    as_of = clock.today()
    for name, report in registry.REPORTS.items():
        extra = {"description": "python, hiring"} if "description" in report.takes else {}
        frame = report.run(P, as_of, None, **extra)
        assert list(frame.columns) == list(report.columns), name
        why = empty.why_empty(name, P, as_of) if frame.empty else None
        if frame.empty:
            assert why and "Nothing in your graph matches" not in why, (name, why)
        for fmt in render.FORMATS:
            text = render.render(name, frame, fmt, as_of=as_of, why=why)
            if frame.empty and fmt in ("md", "html", "json"):
                assert "Kith" in text or why.split(":")[0][:30] in text, (name, fmt)


def _pages() -> None:
    """Every page in turn, as a person clicking through the sidebar (one session, like a browser tab)."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    for page in PAGES:
        if page != "home":
            at.switch_page(f"views/{page}.py").run()
        assert not at.exception, (page, [e.value for e in at.exception])
        assert "page worked out in" in "\n".join(c.value for c in at.caption), page  # ran to its end


SETTINGS = settings(max_examples=200, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                           HealthCheck.data_too_large])


@SETTINGS
@given(graph=graphs())
def test_every_report_on_any_graph(store, graph):
    network, changes = graph
    _wipe(store)
    _write(store, network, changes)
    P = projection.load(store)
    if P.owner is None:
        return  # the CLI and the dashboard stop before any report: test_no_owner_is_said_at_once
    _reports(P)


@pytest.mark.timeout(900)  # every page for 200 graphs: 3–4 minutes alone, more on a busy two-core machine
@settings(SETTINGS, max_examples=200)
@given(graph=graphs())
def test_every_dashboard_page_on_any_graph(store, kith_home, graph):
    network, changes = graph
    _wipe(store)
    _write(store, network, changes)
    _pages()


def _wipe(store) -> None:
    from graph import queries as Q

    with store.session() as s:
        s.run(Q.WIPE).consume()


@pytest.mark.parametrize("report", registry.PLAIN)
def test_no_owner_is_said_at_once(store, report):
    from tests.conftest import run_kith

    store.upsert_people([Person("p-1", "Ana Lima")])
    done = run_kith("report", report)
    assert done.returncode == 1
    assert "no owner yet" in done.stderr and "kith me --person" in done.stderr
