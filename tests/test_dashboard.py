"""The dashboard: every page through Streamlit's AppTest, and its figures and helpers directly.

The pages run against a demo network of their own (a module-scoped KITH_HOME loaded with
``kith demo``), because some tests write to it: logging interactions, introductions, an
import. The session's shared demo store stays untouched.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import networkx as nx
import pandas as pd
import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import charts, compose, layout
from graph import projection
from graph.examples import examples
from graph.store import Store
from kith import clock
from tests.conftest import own_demo_home
from tests.test_queries import schema_examples

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "dashboard" / "app.py")
PAGES = ["home", "network", "person", "keep_in_touch", "introductions", "warm_path", "give_ask", "cypher",
         "import_files"]


@pytest.fixture(scope="module")
def home(tmp_path_factory, kith_home):
    """A demo network this module may write to; KITH_HOME points at it while the module runs."""
    with own_demo_home(tmp_path_factory, "kith-dashboard") as path:
        yield path


@pytest.fixture(scope="module")
def store(home):
    with Store.connect(home) as s:
        yield s


def app(page: str = "home", **query) -> AppTest:
    """The app on one page, run once (AppTest needs a first run before switching pages)."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update(query)
    at.run()
    if page != "home":
        at.switch_page(f"views/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    """Everything the page says in text elements, for 'does it show up' checks."""
    parts = [e.value for kind in ("title", "header", "subheader", "markdown", "caption", "success", "info",
                                  "warning", "error", "code") for e in getattr(at, kind)]
    return "\n".join(shown(p) for p in parts)


def shown(markdown) -> str:
    """What the reader sees of Markdown the pages wrote with data through ui.md: the escapes undone."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", str(markdown)).replace("\u2060", "")


def labels(widgets) -> list[str]:
    return [w.label for w in widgets]


# -- every page ------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_without_exception(home, page):
    at = app(page)
    assert not at.error, [e.value for e in at.error]
    assert "page worked out in" in texts(at)  # the footer: the run reached its end


def test_home_shows_the_metrics_with_links(home):
    at = app()
    assert at.title[0].value == "Hello, Alex"
    assert [m.label for m in at.metric] == ["People", "Active ties", "Cooling or at risk", "Due this week",
                                            "Birthdays, next 14 days", "Give & ask balance"]
    assert at.metric[0].value == "295"
    links = {link.label for link in at.get("page_link")}
    assert {"See the network", "Get back in touch", "Keep in touch", "Send wishes", "The ledger",
            "All suggestions"} <= links
    assert at.get("plotly_chart")


def test_network_page_has_filters_and_the_figure(home):
    at = app("network")
    assert labels(at.radio) == ["Colour by", "Size by"]
    assert labels(at.multiselect) == ["How you met"]
    assert "Around one person" in labels(at.selectbox)
    assert {"Your tie at least", "Steps from them"} <= set(labels(at.slider))
    assert len(at.get("plotly_chart")) == 1
    assert "295 of 295 people" in texts(at)


def test_network_ego_filter_narrows_the_picture(home, store):
    at = app("network")
    at.selectbox(key="net_ego").set_value("p-0037").run()
    at.slider(key="net_depth").set_value(1).run()
    knows = store.person("p-0037").knows
    assert f"{knows + 1} of 295 people" in texts(at)  # Marcus and everyone he knows


def test_person_page_shows_details_tie_and_form(home):
    at = app("person", id="p-0037")
    assert at.title[0].value == "Marcus Whitfield"
    said = texts(at)
    assert "Meridian Pharma" in said and "Your tie over time" in said
    assert [m.label for m in at.metric] == ["Your tie", "State", "Last seen", "Birthday"]
    assert len(at.get("plotly_chart")) == 1  # the strength curve
    assert [t.label for t in at.tabs] == ["Timeline", "Favors", "Circle", "Introductions"]
    assert "Log it" in labels(at.button)


def test_health_notes_stay_hidden_until_revealed(home, store):
    rows = store.read("MATCH (p:Person) WHERE p.health_notes IS NOT NULL RETURN p.id AS id, p.health_notes AS h "
                      "ORDER BY p.id LIMIT 1")
    pid, note = rows[0]["id"], rows[0]["h"]
    at = app("person", id=pid)
    assert note not in texts(at)
    at.toggle(key=f"health_{pid}").set_value(True).run()
    assert note in texts(at)


def test_logging_an_interaction_writes_it_and_shows_it(home, store):
    before = store.person("p-0014")
    at = app("person", id="p-0014")
    at.selectbox(key="log_kind").set_value("congratulations")
    at.selectbox(key="log_channel").set_value("call")
    at.text_input(key="log_summary").set_value("new job at Lumen")
    next(b for b in at.button if b.label == "Log it").click().run()
    assert not at.exception
    assert "Logged congratulations (call) with Priya Raman" in texts(at)
    after = store.person("p-0014")
    assert after.interactions == before.interactions + 1
    assert at.metric[2].value == clock.today().strftime("%d %b %Y")  # last seen: today
    assert store.read("MATCH (i:Interaction {summary: 'new job at Lumen'})-[:WITH]->(p:Person {id: 'p-0014'}) "
                      "RETURN i.kind AS kind, i.source AS source") == [{"kind": "congratulations",
                                                                          "source": "dashboard"}]


def test_keep_in_touch_done_logs_the_interaction(home, store):
    at = app("keep_in_touch")
    done = [b for b in at.button if b.key and b.key.startswith("done_")]
    assert done, "the queue is empty on the demo network"
    person = done[0].key.removeprefix("done_")
    name = store.person(person).person.name
    before = store.person(person).interactions
    done[0].click().run()
    assert not at.exception
    assert store.person(person).interactions == before + 1
    said = texts(at)
    assert f"with {name}." in said and "Done today" in said
    assert not any(b.key == f"done_{person}" for b in at.button)  # out of the queue


def test_declining_an_introduction_is_remembered(home, store):
    at = app("introductions")
    decline = [b for b in at.button if b.key and b.key.startswith("skip_")]
    a, b = decline[0].key.removeprefix("skip_").split("_")
    decline[0].click().run()
    assert not at.exception
    assert "will not suggest" in texts(at)
    intros = projection.load(store).introductions
    pair = intros[(intros["a"] == a) & (intros["b"] == b)]
    assert pair[["status", "declined_by"]].values.tolist() == [["declined", "you"]]
    assert not any(x.key == f"skip_{a}_{b}" for x in at.button)  # not suggested again


def test_starting_an_introduction_records_it_and_shows_the_drafts(home, store):
    at = app("introductions")
    start = [b for b in at.button if b.key and b.key.startswith("start_")]
    a, b = start[0].key.removeprefix("start_").split("_")
    start[0].click().run()
    assert not at.exception
    assert "Started:" in texts(at)
    first = store.person(a).person.name.split()[0]
    assert at.code and at.code[0].value.startswith(f"Hi {first}, I'd like to introduce you to")
    intros = projection.load(store).introductions
    started = intros[(intros["a"] == a) & (intros["b"] == b)]
    assert started["status"].tolist() == ["suggested"]  # nobody asked yet: double opt-in (tests/test_intro_optin.py)


def test_warm_path_names_who_to_ask(home):
    at = app("warm_path")
    assert labels(at.selectbox) == ["Who do you want to reach?"]
    assert at.success and at.success[0].value.startswith("Ask **")
    assert len(at.get("plotly_chart")) == 1


def test_give_and_ask_warns_not_to_push_your_luck(home):
    at = app("give_ask")
    assert any("Marcus Whitfield" in w.value and "never a yes" in w.value for w in at.warning)
    assert at.dataframe and len(at.get("plotly_chart")) == 1


def test_cypher_page_runs_an_example_and_offers_csv(home):
    at = app("cypher")
    assert labels(at.text_area) == ["Query"]
    assert labels(at.checkbox) == ["Allow changes (write mode)"]
    assert labels(at.number_input) == ["Row limit", "Timeout (s)"]
    at.selectbox(key="cypher_example").set_value("My contacts by how we met").run()
    assert "MATCH (p:Person)-[:TAGGED]->(t:Tag)" in at.text_area(key="cypher_query").value
    at.button(key="cypher_run").click().run()
    assert not at.exception and not at.error
    table = at.dataframe[0].value
    assert list(table.columns) == ["met_through", "people", "for_example"]
    assert at.get("download_button")


def test_cypher_page_refuses_writes_unless_asked_and_shows_errors(home, store):
    at = app("cypher")
    at.text_area(key="cypher_query").set_value("CREATE (:Person {id: 'x-dash', name: 'X'})")
    at.button(key="cypher_run").click().run()
    assert not at.exception
    assert "refused in read-only mode" in shown(at.error[0].value)
    at.text_area(key="cypher_query").set_value("MATCH (p:Person RETURN p")
    at.button(key="cypher_run").click().run()
    assert not at.exception and "the graph store refused the query" in shown(at.error[0].value)
    assert store.read("MATCH (p:Person {id: 'x-dash'}) RETURN p.id AS id") == []


def test_cypher_page_draws_returned_nodes_as_a_graph(home):
    at = app("cypher")
    at.text_area(key="cypher_query").set_value(
        "MATCH (a:Person {id: 'p-0037'})-[r:KNOWS]-(b:Person) RETURN a, r, b LIMIT 5")
    at.button(key="cypher_run").click().run()
    assert not at.exception and not at.error
    assert [t.label for t in at.tabs] == ["Table", "Graph"]
    assert len(at.get("plotly_chart")) == 1


def test_import_previews_then_imports(home, store):
    path = ROOT / "loaders" / "examples" / "kith-history.csv"
    before = store.counts()
    at = app("import_files")
    at.file_uploader[0].set_value((path.name, path.read_bytes(), "text/csv")).run()
    assert not at.exception and not at.error
    preview = at.dataframe[0].value
    created = int(preview.loc[0, "created"])
    assert preview.loc[0, "format"] == "kith-csv" and created >= 6
    assert store.counts() == before  # a preview writes nothing
    next(b for b in at.button if b.key == "import_go").click().run()
    assert not at.exception
    assert "Imported kith-history.csv" in texts(at)
    assert store.counts()["people"] == before["people"] + created


def test_import_refuses_an_unreadable_file_with_a_message(home, store):
    at = app("import_files")
    at.file_uploader[0].set_value(("contacts.csv", b"First Name,Surname\nAda,Lovelace\n", "text/csv")).run()
    assert not at.exception
    assert "cannot be imported" in at.error[0].value


# -- figures and helpers, called directly ----------------------------------------------------


@pytest.fixture(scope="module")
def P(demo_store):
    return projection.load(demo_store)


@pytest.fixture(scope="module")
def view(P):
    from analytics.circles import circles
    from reports import build

    as_of = clock.today()
    G = build.strength_graph(P, as_of)
    G.remove_node(P.owner)
    member = circles(G)
    return compose.network_view(P, G, member, layout.circle_layout(G, member), build.owner_ties(P, as_of))


def test_network_figure_draws_everyone_with_hover_and_ids(view):
    fig = charts.network_figure(view)
    people = [t for t in fig.data if t.mode == "markers"]
    assert sum(len(t.x) for t in people) == len(view.nodes) == 295
    assert all(isinstance(t, go.Scatter) for t in fig.data)  # small: SVG
    ids = {row[0] for t in people for row in t.customdata}
    assert ids == set(view.nodes.index)
    assert "your tie" in people[0].hovertemplate and "how you met" in people[0].hovertemplate
    by_tag = charts.network_figure(view, color_by="tag", size_by="degree")
    assert by_tag.layout.legend.title.text == "how you met"


def test_network_figure_switches_to_webgl_when_large():
    G = nx.connected_caveman_graph(60, 10)  # 600 people in 60 tight circles
    member = {n: n // 10 for n in G}
    nx.set_edge_attributes(G, 0.5, "strength")
    people = pd.DataFrame({"name": [f"P{n}" for n in G], "title": None, "company": None,
                           "tags": [["school"]] * len(G)}, index=list(G))
    P = projection.Projection("me", people, *(pd.DataFrame(),) * 5)
    view = compose.network_view(P, G, member, layout.circle_layout(G, member), pd.DataFrame())
    fig = charts.network_figure(view)
    assert len(view.nodes) >= charts.LARGE
    assert all(isinstance(t, go.Scattergl) for t in fig.data)
    assert sum(len(t.x) for t in fig.data if t.mode == "markers") == 600


def test_circle_layout_is_deterministic_and_keeps_circles_apart():
    G = nx.connected_caveman_graph(8, 12)
    G.add_node("alone")
    member = {n: (n // 12 if n != "alone" else 99) for n in G}
    pos = layout.circle_layout(G, member)
    assert pos == layout.circle_layout(G, member) and set(pos) == set(G)
    centre = {c: pd.DataFrame([pos[n] for n in G if member[n] == c]).mean().to_numpy() for c in range(8)}
    spread = max(max(abs(pos[n][0] - centre[member[n]][0]), abs(pos[n][1] - centre[member[n]][1]))
                 for n in G if n != "alone")
    gaps = [((centre[a] - centre[b]) ** 2).sum() ** 0.5 for a in range(8) for b in range(a)]
    assert min(gaps) > spread  # no two circles drawn on top of each other


def test_filter_network_by_tag_strength_and_ego(view):
    everyone = compose.filter_network(view)
    assert len(everyone) == 295
    family = compose.filter_network(view, tags=["family"])
    assert family and all("family" in view.nodes.at[p, "tags"] for p in family)
    strong = compose.filter_network(view, min_strength=60)
    assert all(view.nodes.at[p, "strength"] >= 60 for p in strong) and len(strong) < 295
    near = compose.filter_network(view, ego="p-0037", depth=1)
    assert set(near) == {"p-0037", *view.graph["p-0037"]}
    assert len(compose.filter_network(view, ego="p-0037", depth=2)) > len(near)


def test_circles_are_named_after_what_their_people_share(view):
    assert any(name.startswith("ex-colleague") for name in view.circle_names.values())
    assert all(name.endswith(")") for name in view.circle_names.values())


def test_strength_curve_rises_at_contacts_and_fades_after_today(P):
    curve = compose.strength_curve(P, "p-0037", clock.today())
    assert len(curve) == compose.CURVE_POINTS and curve.max() > 0
    future = curve[curve.index > pd.Timestamp(clock.today(), tz="UTC")]
    assert future.is_monotonic_decreasing
    fig = charts.strength_curve_figure(curve, compose.timeline(P, "p-0037"), clock.today())
    assert [t.name for t in fig.data] == ["tie strength", "if you don't get in touch", "interactions"]
    assert fig.data[1].line.dash == "dash"


def test_timeline_names_who_else_was_there(P, demo_store):
    t = compose.timeline(P, "p-0037")
    # Every interaction with him, newest first: 13 in the demo, on whatever day it is built.
    assert len(t) == demo_store.person("p-0037").interactions == 13 and t["at"].is_monotonic_decreasing
    assert t["with"].str.contains("you").all()


def test_balance_and_path_and_states_figures(P):
    from analytics.paths import warm_paths
    from reports import build

    ledger = build.ledger(P, clock.today())
    fig = charts.balance_figure(ledger)
    assert [t.name for t in fig.data][:2] == ["you helped them", "they helped you"]
    assert "don't push your luck" in [t.name for t in fig.data]
    G = build.strength_graph(P, clock.today())
    paths = warm_paths(G, P.owner, "p-0037", k=2)
    steps = [compose.path_steps(p, P) for p in paths]
    assert steps[0][0]["from"] == "you" and steps[0][-1]["to"] == "Marcus Whitfield"
    assert charts.path_figure(steps).data
    states = charts.states_figure({"active": 3, "cooling": 2, "at risk": 1, "dormant": 0})
    assert [t.name for t in states.data] == list(compose.STATES)


def test_cypher_examples_are_those_of_the_schema():
    text = (ROOT / "graph" / "SCHEMA.md").read_text()
    mine = examples()
    theirs = schema_examples()
    assert len(mine) == len(theirs) >= 10
    assert [f"SCHEMA.md: {k}" for k in mine] == list(theirs)
    assert all(mine[k] in text for k in mine)  # verbatim from SCHEMA.md, only trimmed


def test_result_graph_collects_nodes_and_relationships(demo_store):
    from graph import cypher

    result = cypher.run(demo_store, "MATCH p = (a:Person {id: 'p-0037'})-[:KNOWS]-(:Person) RETURN p LIMIT 3")
    graph = compose.result_graph(result)
    assert len(graph.edges) == 3 and len(graph.nodes) == 4
    assert {n["label"] for n in graph.nodes.values()} >= {"Marcus Whitfield"}
    fig = charts.result_graph_figure(graph)
    assert sum(len(t.x) for t in fig.data if t.name == "Person") == 4
    frame = compose.results_frame(result)
    assert list(frame.columns) == ["p"] and len(frame) == 3


def test_the_dashboard_listens_on_this_machine_only():
    # Next to app.py, so a bare `streamlit run …/dashboard/app.py` from any folder reads it.
    config = tomllib.loads((ROOT / "dashboard" / ".streamlit" / "config.toml").read_text())
    assert config["server"]["address"] == "127.0.0.1"
    assert config["server"]["headless"] is True
    assert config["server"]["enableXsrfProtection"] is True
    assert config["browser"]["gatherUsageStats"] is False
    demo = (ROOT / "Makefile").read_text().split("\ndemo:")[1].split("\n\n")[0]
    assert demo.strip().splitlines()[-1].split()[:2] == ["$(VENV)/bin/kith", "dashboard"]


def test_the_pages_show_nothing_when_served_beyond_this_machine(home):
    from streamlit import config

    for option, value, said in (("server.address", "0.0.0.0", "listens on 127.0.0.1 only"),
                                ("browser.gatherUsageStats", True, "usage statistics"),
                                ("server.enableXsrfProtection", False, "XSRF")):
        saved = config.get_option(option)
        config.set_option(option, value)
        try:
            at = AppTest.from_file(APP, default_timeout=120).run()
        finally:
            config.set_option(option, saved)
        assert [e.value for e in at.error] and said in at.error[0].value and "kith dashboard" in at.error[0].value
        assert not at.title and not at.metric  # nothing of the graph
