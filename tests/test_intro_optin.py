"""Double opt-in introductions: the states and their checked steps, through the real CLI and store,
the three drafts, what the suggestions learn from, and the dashboard's Introductions page."""

from __future__ import annotations

import os
from datetime import datetime, timezone

import networkx as nx
import pandas as pd
import pytest

from analytics import introductions as drafting
from graph import introductions as flow
from graph import projection
from graph.model import Introduction, Person
from graph.projection import Projection
from graph.store import Store
from kith.errors import InvalidRecord, StoreError
from reports import build
from tests.conftest import own_demo_home, run_kith

T0 = datetime(2026, 11, 1, 9, tzinfo=timezone.utc)
WEI, JAMES = "Wei Zhang", "James Lloyd"


def kith(*args: str) -> str:
    done = run_kith(*args)
    assert done.returncode == 0, done.stderr
    return done.stdout


def refused(*args: str) -> str:
    done = run_kith(*args)
    assert done.returncode == 1 and done.stdout == "", (done.stdout, done.stderr)
    assert done.stderr.count("\n") == 1  # one clear line
    return done.stderr


@pytest.fixture
def pair(store):
    """An owner and two contacts who should meet (Wei can mentor, James needs it); their ids."""
    store.upsert_people([Person(id="me", name="Alex Morgan", me=True),
                         Person(id="wei", name=WEI, title="Data Scientist", company="Bluepeak", skills=["mentoring"]),
                         Person(id="james", name=JAMES, title="Plumber", needs=["mentoring"], interests=["cooking"])])
    return "wei", "james"


def stored(store: Store) -> dict:
    """The one introduction node's properties as stored, and its roles."""
    rows = store.read("MATCH (n:Introduction)-[r:INTRODUCED]->(p:Person) "
                      "RETURN properties(n) AS props, r.role AS role, p.id AS person ORDER BY role")
    assert len(rows) == 2
    return {**rows[0]["props"], "roles": {r["role"]: r["person"] for r in rows}}


# -- the whole path, through the CLI -------------------------------------------------------------


def test_full_double_opt_in_path_via_the_cli(store):
    kith("me", "--name", "Alex Morgan")
    kith("person", "add", WEI, "--company", "Bluepeak", "--skill", "mentoring")
    kith("person", "add", JAMES, "--need", "mentoring")

    started = kith("introduce", WEI, JAMES, "--why", "James is starting an apprenticeship scheme")
    assert started.startswith(f"started: {WEI} ↔ {JAMES} (n-") and ": suggested, next: ask Wei Zhang" in started
    assert "message to Wei Zhang:\n  Hi Wei, I'd like to introduce you to James Lloyd." in started
    assert kith("introduce", WEI, JAMES).startswith(f"{WEI} ↔ {JAMES}")  # shown again, not a second one
    assert store.counts()["introductions"] == 1

    assert ": asked-a, next: Wei Zhang's answer, since 2026-11-01" in kith("intro", "ask", WEI, JAMES, "--at", "2026-11-01")
    agreed_a = kith("intro", "agree", WEI, JAMES, "--at", "2026-11-02")
    assert ": a-agreed, next: ask James Lloyd" in agreed_a
    assert "message to James Lloyd:\n  Hi James, I'd like to introduce you to Wei Zhang (Bluepeak)." in agreed_a
    assert "Wei would be glad to meet you" in agreed_a
    assert ": asked-b, next: James Lloyd's answer" in kith("intro", "ask", WEI, JAMES, "--at", "2026-11-03")
    both = kith("intro", "agree", "james", WEI, "--at", "2026-11-05")  # either order finds it
    assert ": agreed, next: send the introduction" in both
    assert "message to both:\n  Subject: Wei ↔ James" in both and "Hi Wei and James" in both
    assert ": made, next: record how it went" in kith("intro", "made", WEI, JAMES, "--at", "2026-11-06")
    done = kith("intro", "outcome", WEI, JAMES, "good", "--note", "they meet monthly", "--at", "2026-11-30")
    assert ": made: good, since 2026-11-30" in done

    n = stored(store)
    wei, james = (store.resolve(x) for x in (WEI, JAMES))
    assert n["roles"] == {"a": wei, "b": james}
    assert (n["status"], n["outcome"], n["note"], n["why"]) == (
        "made", "good", "they meet monthly", "James is starting an apprenticeship scheme")
    days = [n[k].to_native().date().isoformat() for k in
            ("asked_a_at", "a_agreed_at", "asked_b_at", "agreed_at", "made_at", "outcome_at")]
    assert days == ["2026-11-01", "2026-11-02", "2026-11-03", "2026-11-05", "2026-11-06", "2026-11-30"]
    assert "skipped_opt_in" not in n and "declined_at" not in n

    listing = run_kith("intro", "list", env={"COLUMNS": "120"}).stdout
    assert "Wei Zhang ↔ James Lloyd" in listing and "made: good" in listing and "2026-11-30" in listing
    again = refused("intro", "outcome", WEI, JAMES, "great")
    assert "introduction outcome 'great' is not one of: good, neutral, bad" in again


def test_intro_list_says_who_is_waiting_on_whom(store, pair):
    store.start_introduction(*pair, at=T0)
    store.introduction_step(*pair, "asked-a", at=T0)
    listing = run_kith("intro", "list", "--open", env={"COLUMNS": "120"}).stdout
    (row,) = [line for line in listing.splitlines() if "Wei Zhang ↔ James Lloyd" in line]
    assert [cell.strip() for cell in row.split("│")[1:-1]] == ["Wei Zhang ↔ James Lloyd", "asked-a", "Wei Zhang",
                                                             "2026-11-01"]
    store.introduction_step(*pair, "a-agreed", at=T0)
    listing = run_kith("intro", "list", env={"COLUMNS": "120"}).stdout
    (row,) = [line for line in listing.splitlines() if "Wei Zhang ↔ James Lloyd" in line]
    assert [cell.strip() for cell in row.split("│")[2:4]] == ["a-agreed", "you: ask James Lloyd"]


# -- declined, at every step ---------------------------------------------------------------------

PATH = ("asked-a", "a-agreed", "asked-b", "agreed")


@pytest.mark.parametrize("reached, by", [
    ("suggested", "you"), ("asked-a", "a"), ("a-agreed", "you"), ("asked-b", "b"), ("agreed", "a"), ("agreed", "b"),
])
def test_declined_at_each_step_records_who_and_when(store, pair, reached, by):
    store.start_introduction(*pair, at=T0)
    for step in PATH[:PATH.index(reached) + 1] if reached != "suggested" else ():
        store.introduction_step(*pair, step, at=T0)
    out = kith("intro", "decline", "Wei", "James", "--by", by, "--note", "not now", "--at", "2026-11-20")
    who = {"a": WEI, "b": JAMES, "you": "you"}[by]
    assert f": declined by {who}, since 2026-11-20" in out
    n = stored(store)
    assert (n["status"], n["declined_by"], n["note"]) == ("declined", by, "not now")
    assert n["declined_at"].to_native().date().isoformat() == "2026-11-20"
    # Closed: nothing follows a decline, and the pair is never suggested again.
    assert "is declined: cannot go to asked-a; next allowed: nothing (it is closed)" in refused("intro", "ask", "Wei", "James")
    P = projection.load(store)
    assert P.introductions["declined_by"].tolist() == [by]
    assert frozenset(pair) in {frozenset(x) for x in zip(P.introductions["a"], P.introductions["b"])}


def test_b_cannot_decline_before_being_asked(store, pair):
    store.start_introduction(*pair, at=T0)
    store.introduction_step(*pair, "asked-a", at=T0)
    before = stored(store)
    message = refused("intro", "decline", "Wei", "James", "--by", "b")
    assert "is asked-a: cannot go to declined by b (B has not been asked yet); next allowed: a-agreed, declined" in message
    assert stored(store) == before


# -- wrong steps: refused, nothing written -------------------------------------------------------


def test_out_of_order_step_is_refused_and_nothing_is_written(store, pair):
    store.start_introduction(*pair, at=T0)
    store.introduction_step(*pair, "asked-a", at=T0)
    before = stored(store)
    message = refused("intro", "made", "Wei", "James")
    assert message.startswith("error: introduction n-") and "is asked-a: cannot go to made without both agreeing" in message
    assert message.rstrip().endswith("next allowed: a-agreed, declined")
    assert "cannot go to an outcome before it is made" in refused("intro", "outcome", "Wei", "James", "good")
    assert "next allowed: a-agreed, declined" in refused("intro", "ask", "Wei", "James")  # already asked
    assert stored(store) == before
    assert store.counts()["introductions"] == 1


def test_a_step_without_an_introduction_is_refused(store, pair):
    assert "no introduction between them is recorded" in refused("intro", "agree", "Wei", "James")
    with pytest.raises(StoreError, match="two different people"):
        store.start_introduction("wei", "wei")
    assert store.counts()["introductions"] == 0
    store.start_introduction(*pair, at=T0)
    with pytest.raises(InvalidRecord, match="introduction step 'maybe' is not one of: suggested, asked-a"):
        store.introduction_step(*pair, "maybe")
    assert stored(store)["status"] == "suggested"


def test_skip_opt_in_records_one_made_outside_kith(store, pair):
    out = kith("intro", "made", "Wei", "James", "--skip-opt-in", "--at", "2025-03-01")
    assert ": made, next: record how it went, since 2025-03-01" in out
    n = stored(store)
    assert n["skipped_opt_in"] is True and n["made_at"].to_native().date().isoformat() == "2025-03-01"
    assert "asked_a_at" not in n


def test_transitions_are_pure_and_name_the_allowed_steps():
    n = Introduction("n1", T0, "a", "b", "me", "suggested")
    assert flow.allowed("suggested") == ("asked-a", "declined") and flow.allowed("made") == ("outcome",)
    later = flow.advance(n, "asked-a", T0)
    assert (n.status, later.status, later.asked_a_at) == ("suggested", "asked-a", T0)
    with pytest.raises(flow.StepError, match="is suggested: cannot go to agreed; next allowed: asked-a, declined"):
        flow.advance(n, "agreed", T0)
    with pytest.raises(flow.StepError, match="say who declined"):
        flow.advance(n, "declined", T0)
    skipped = flow.advance(n, "made", T0, skip_opt_in=True)
    assert skipped.skipped_opt_in and skipped.made_at == T0
    assert flow.waiting_on(later) == "a" and flow.next_message(n) == "to_a"


# -- old records still load ------------------------------------------------------------------------


def test_old_statuses_and_free_text_outcomes_still_load(store, pair):
    # As a Kith before the double opt-in wrote them: no roles, no step times, a free-text outcome.
    with store.session() as s:
        s.run("MATCH (me:Person {id: 'me'}), (a:Person {id: 'wei'}), (b:Person {id: 'james'}) "
              "CREATE (me)-[:MADE]->(n:Introduction {id: 'n-old', at: datetime('2024-05-01T10:00:00Z'), "
              "status: 'made', outcome: 'no follow-up'}), (n)-[:INTRODUCED]->(a), (n)-[:INTRODUCED]->(b)").consume()
    (old,) = store.introductions()
    assert (old.status, old.outcome, old.note, old.made_at) == (
        "made", "bad", "no follow-up", datetime(2024, 5, 1, 10, tzinfo=timezone.utc))
    P = projection.load(store)
    assert P.introductions[["status", "outcome"]].values.tolist() == [["made", "bad"]]
    assert Introduction("n", T0, "a", "b", "me", "offered").status == "asked-a"
    hired = Introduction("n", T0, "a", "b", "me", "made", "Hired", "after two interviews")
    assert (hired.outcome, hired.note) == ("good", "Hired; after two interviews")
    # An old record moves on from where it stood; it had no roles, so A is the first by id.
    store.introduction_outcome("wei", "james", "neutral")
    assert stored(store)["outcome"] == "neutral" and stored(store)["roles"] == {"a": "james", "b": "wei"}


# -- the drafts --------------------------------------------------------------------------------------


def test_the_three_drafts_name_the_right_people():
    wei = drafting.Contact("wei", WEI, title="Data Scientist", company="Bluepeak", skills={"mentoring"})
    james = drafting.Contact("james", JAMES, title="Plumber", needs={"mentoring"})
    d = drafting.drafts(wei, james)
    assert d == drafting.drafts(wei, james)  # deterministic
    assert d["to_a"].startswith("Hi Wei, I'd like to introduce you to James Lloyd (Plumber).")
    assert d["to_b"].startswith("Hi James, I'd like to introduce you to Wei Zhang (Data Scientist at Bluepeak).")
    assert "Wei would be glad to meet you" in d["to_b"] and "mentoring" in d["to_b"]
    assert d["joint"].startswith("Subject: Wei ↔ James\n\nHi Wei and James, as promised, meet each other!")
    assert "Wei Zhang is a Data Scientist at Bluepeak and knows a lot about mentoring." in d["joint"]
    assert "James Lloyd is a Plumber." in d["joint"]
    assert "James" not in d["to_a"].split(".")[0].replace("James Lloyd", "") and "Hi James" not in d["to_a"]


# -- what suggestions learn from ---------------------------------------------------------------------


def _projection(rows: list[tuple]) -> Projection:
    intros = pd.DataFrame(rows, columns=["id", "a", "b", "status", "outcome", "declined_by"]).assign(
        made_by="me", at=pd.Timestamp(T0))
    empty = pd.DataFrame()
    return Projection("me", empty, empty, empty, empty, intros, empty)


def test_learning_uses_the_explicit_outcome():
    c = {x: drafting.Contact(x, x.title()) for x in "abcdefghijkl"}
    c["a"].skills, c["b"].needs = {"python"}, {"python"}      # complementary: it went well
    c["e"].skills, c["f"].needs = {"sql"}, {"sql"}            # complementary, declined by B: half a no
    P = _projection([
        ("n1", "a", "b", "made", "good", None),
        ("n2", "c", "d", "made", "bad", None),
        ("n3", "e", "f", "declined", None, "b"),
        ("n4", "g", "h", "made", "neutral", None),     # left out: says nothing either way
        ("n5", "i", "j", "declined", None, "you"),     # left out: you changed your mind
        ("n6", "k", "l", "made", None, None),          # left out: not known yet
    ])
    G = nx.Graph()
    G.add_nodes_from(c)
    history = build._intro_history(P, c, G)
    assert history["good"].tolist() == [True, False, False]
    assert history["weight"].tolist() == [1.0, 1.0, 0.5]
    w = drafting.learn_weights(history)
    # Good: complementarity 1; bad: (0·1 + 1·0.5) / 1.5 = 1/3 -> w = 3 · exp(0.5 · 2/3)
    assert w["complementarity"] == pytest.approx(3.0 * 2.718281828 ** (0.5 * (1 - 1 / 3)), rel=1e-6)
    # Free text "no follow-up" used to be the only bad outcome; "hired" was good. Same now, explicitly.
    only_made = build._intro_history(_projection([("n1", "a", "b", "made", "good", None),
                                                  ("n2", "c", "d", "made", None, None)]), c, G)
    assert drafting.learn_weights(only_made) == drafting.DEFAULT_WEIGHTS  # nothing bad: nothing to learn


def test_recorded_pairs_are_never_suggested_again(demo_store):
    P = projection.load(demo_store)
    recorded = {frozenset(p) for p in zip(P.introductions["a"], P.introductions["b"])}
    assert len(recorded) >= 7 and "declined" in set(P.introductions["status"])  # the demo has 7
    found = build.intros(P, pd.Timestamp(os.environ["KITH_TODAY"]).date(), top=50)
    assert not recorded & {frozenset(p) for p in zip(found["a"], found["b"])}


# -- the dashboard page -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def home(tmp_path_factory, kith_home):
    """A demo network this module's dashboard test may write to."""
    with own_demo_home(tmp_path_factory, "kith-intro-dashboard") as path:
        yield path


def test_dashboard_shows_the_states_and_performs_steps(home):
    from tests.test_dashboard import app, texts

    at = app("introductions")
    said = texts(at)
    assert "Where your introductions stand" in said
    assert "**Introduced** (6)" in said and "**Declined** (1)" in said
    assert len(at.dataframe) == 2
    with Store.connect(home) as store:
        start = [b for b in at.button if b.key and b.key.startswith("start_")][0]
        a, b = start.key.removeprefix("start_").split("_")
        start.click().run()
        assert not at.exception, [e.value for e in at.exception]
        intro = store.introduction_between(a, b)
        assert (intro.status, intro.a, intro.b) == ("suggested", a, b) and intro.why
        assert "Started:" in texts(at) and "**Not asked yet** (1)" in texts(at)
        first = store.person(a).person.name.split()[0]
        assert [c.value.split(",")[0] for c in at.code][:2] == [f"Hi {first}", f"Hi {store.person(b).person.name.split()[0]}"]
        assert not any(x.key == f"start_{a}_{b}" for x in at.button)  # no longer suggested

        at.button(key=f"step_{intro.id}_asked-a").click().run()
        assert not at.exception
        assert store.introduction_between(a, b).status == "asked-a"
        assert "**Asked A** (1)" in texts(at)
        at.button(key=f"no_{intro.id}_a").click().run()
        assert store.introduction_between(a, b).declined_by == "a"
        assert "declined; Kith will not suggest them again" in texts(at)


def test_dashboard_records_an_outcome(home):
    from tests.test_dashboard import app, texts

    at = app("introductions")
    at.selectbox(key="intro_selected").set_value("n-007").run()  # the demo's made one, outcome not known yet
    assert "next: record how it went" in texts(at)
    [radio] = [r for r in at.radio if r.label == "How did it go?"]
    radio.set_value("good")
    [submit] = [b for b in at.button if b.label == "Record outcome"]
    submit.click().run()
    assert not at.exception, [e.value for e in at.exception]
    with Store.connect(home) as store:
        (n,) = [x for x in store.introductions() if x.id == "n-007"]
    assert (n.status, n.outcome) == ("made", "good")
    assert "**Introduced** (" in texts(at) and ": good." in texts(at)
