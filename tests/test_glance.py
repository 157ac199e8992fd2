"""Read at a glance: the tie line of `person show`, the birthdays report, named circles, the Network picture."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone

import networkx as nx
import pandas as pd
import pytest

from analytics.circles import circles as find_circles
from analytics.circles import name_circles
from dashboard import charts, compose, layout
from graph import projection
from graph.model import Birthday, Interaction, Person
from kith import clock
from reports import build, registry, render
from tests.conftest import run_kith

# -- person show: the tie strength line ---------------------------------------------------


def test_person_show_gives_the_tie_strength_and_why(demo_home, demo_store):
    env = {"KITH_HOME": str(demo_home), "COLUMNS": "200"}
    shown = run_kith("person", "show", "p-0037", env=env)
    assert shown.returncode == 0, shown.stderr
    [line] = [x for x in shown.stdout.splitlines() if x.strip().startswith("tie strength")]
    P = projection.load(demo_store)
    tie = build.owner_ties(P, clock.today()).loc["p-0037"]
    assert f"{tie['strength']:.0f}/100: {tie['explain']}" in line
    assert "last seen" in line

    # As of another day: the number is that day's (a year earlier he was a different tie).
    earlier = date(clock.today().year - 1, clock.today().month, 1)
    then = json.loads(run_kith("person", "show", "p-0037", "--json", "--as-of", earlier.isoformat(),
                               env=env).stdout)["tie strength"]
    assert then["as_of"] == earlier.isoformat()
    assert then["strength"] == pytest.approx(round(float(build.owner_ties(P, earlier).loc["p-0037", "strength"]), 1))
    assert then["strength"] != pytest.approx(round(float(tie["strength"]), 1))
    bad = run_kith("person", "show", "p-0037", "--as-of", "soon", env=env)
    assert bad.returncode == 1 and bad.stderr.count("\n") == 1 and "--as-of 'soon'" in bad.stderr


def test_one_tie_read_alone_is_the_tie_of_the_whole_graph(demo_store):
    from reports.glance import tie_glance

    P = projection.load(demo_store)
    ties = build.owner_ties(P, clock.today())
    some = [*ties.sort_values("strength").index[::25], "p-0037"]
    assert len(some) >= 10
    for person in some:
        alone = tie_glance(projection.load_tie(demo_store, person), person, clock.today())
        assert alone == tie_glance(P, person, clock.today()), person
        assert alone.strength == pytest.approx(round(float(ties.at[person, "strength"]), 1))


def test_person_show_says_why_there_is_no_strength(store):
    store.upsert_people([Person(id="p-ann", name="Ann Lee")])
    no_owner = run_kith("person", "show", "p-ann", env={"COLUMNS": "200"})
    assert no_owner.returncode == 0, no_owner.stderr
    assert "tie strength    unknown: Kith does not know who you are yet" in no_owner.stdout
    store.upsert_people([Person(id="me", name="Alex Morgan", me=True)])
    no_history = run_kith("person", "show", "p-ann", env={"COLUMNS": "200"})
    assert f"none yet: no interactions with you up to {clock.today():%d %B %Y}" in no_history.stdout
    assert "this is you" in run_kith("person", "show", "me", env={"COLUMNS": "200"}).stdout


# -- report birthdays -----------------------------------------------------------------------

BORN = {"p-leap": "1992-02-29", "p-jan": "1980-01-03", "p-dec": "--12-30", "p-jun": "1975-06-07"}


@pytest.fixture
def birthdays_store(store):
    store.upsert_people([Person(id="me", name="Alex Morgan", me=True, birthday=Birthday.parse("1985-12-31")),
                         *(Person(id=pid, name=f"Person {pid[2:]}", birthday=Birthday.parse(b),
                                  children=["Anya", "Dev"] if pid == "p-jan" else [])
                           for pid, b in BORN.items())])
    return store


def birthdays_as_of(store, day: date, **kw) -> pd.DataFrame:
    frame = build.birthdays(projection.load(store), day, **kw)
    assert tuple(frame.columns) == registry.get("birthdays").columns
    return frame


def test_birthdays_across_the_year_end_with_age_and_children(birthdays_store):
    frame = birthdays_as_of(birthdays_store, date(2026, 12, 20))
    assert list(frame["person"]) == ["p-dec", "p-jan"]  # never you (31 Dec); 3 Jan is next year's
    dec, jan = frame.to_dict("records")
    assert (dec["date"], dec["in_days"], dec["turning"], dec["children"]) == (date(2026, 12, 30), 10, None, "")
    assert (jan["date"], jan["in_days"], jan["turning"], jan["children"]) == (date(2027, 1, 3), 14, 47, "Anya, Dev")
    assert set(frame["suggest"]) == {"birthday-wishes"} and not frame["wished"].any()
    assert list(birthdays_as_of(birthdays_store, date(2026, 12, 20), days=10)["person"]) == ["p-dec"]
    assert list(birthdays_as_of(birthdays_store, date(2026, 12, 30), days=0)["person"]) == ["p-dec"]  # today


def test_a_29_february_birthday_is_on_the_28th_in_other_years(birthdays_store):
    plain = birthdays_as_of(birthdays_store, date(2027, 2, 20), days=10)
    assert (plain.at[0, "person"], plain.at[0, "date"], plain.at[0, "in_days"], plain.at[0, "turning"]) == \
        ("p-leap", date(2027, 2, 28), 8, 35)
    leap = birthdays_as_of(birthdays_store, date(2028, 2, 20), days=10)
    assert (leap.at[0, "person"], leap.at[0, "date"], leap.at[0, "turning"]) == ("p-leap", date(2028, 2, 29), 36)
    # As of 29 February itself (the suite's other day), and on 1 March of a plain year: next year's.
    assert birthdays_as_of(birthdays_store, date(2028, 2, 29), days=0).at[0, "person"] == "p-leap"
    after = birthdays_as_of(birthdays_store, date(2027, 3, 1), days=365)
    assert after.set_index("person").at["p-leap", "date"] == date(2028, 2, 29)


def test_wished_counts_this_birthday_only(birthdays_store):
    def wish(at: datetime, iid: str) -> None:
        birthdays_store.log_interactions([Interaction(iid, at, ["me", "p-jan"], kind="birthday-wishes")])

    wish(datetime(2026, 1, 3, 9, tzinfo=timezone.utc), "i-last-year")
    assert not birthdays_as_of(birthdays_store, date(2026, 12, 20)).set_index("person").at["p-jan", "wished"]
    wish(datetime(2026, 12, 20, 8, tzinfo=timezone.utc), "i-early")  # on the report's day: counts
    frame = birthdays_as_of(birthdays_store, date(2026, 12, 20)).set_index("person")
    assert frame.at["p-jan", "wished"] and not frame.at["p-dec", "wished"]
    assert not birthdays_as_of(birthdays_store, date(2026, 12, 19)).set_index("person").at["p-jan", "wished"]


def test_report_birthdays_on_the_command_line_and_when_there_are_none(birthdays_store):
    shown = run_kith("report", "birthdays", "--as-of", "2026-12-20", "--format", "csv")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.splitlines() == [
        "person,name,date,in_days,turning,children,suggest,wished",
        "p-dec,Person dec,2026-12-30,10,,,birthday-wishes,False",
        "p-jan,Person jan,2027-01-03,14,47,\"Anya, Dev\",birthday-wishes,False"]
    none = run_kith("report", "birthdays", "--as-of", "2026-07-01", "--days", "7")
    assert none.returncode == 0, none.stderr
    assert "Nothing to report." in none.stdout and "birthday" in none.stdout.split("Nothing to report.")[1]
    for args in (["birthdays", "--days", "-1"], ["ledger", "--days", "3"]):
        bad = run_kith("report", *args)
        assert bad.returncode == 1 and "--days" in bad.stderr and bad.stderr.count("\n") == 1, bad.stderr


def test_birthdays_report_renders_in_every_format(birthdays_store):
    frame = birthdays_as_of(birthdays_store, date(2026, 12, 20))
    md = render.render("birthdays", frame, "md", as_of=date(2026, 12, 20))
    assert md.startswith("# Birthdays coming up\n") and "| Person jan | 2027-01-03 | 14 | 47 | Anya, Dev |" in md
    items = json.loads(render.render("birthdays", frame, "json", as_of=date(2026, 12, 20)))["items"]
    assert items[1]["turning"] == 47 and items[0]["turning"] is None and items[0]["wished"] is False


# -- circles, named ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def P(demo_store):
    return projection.load(demo_store)


@pytest.fixture(scope="module")
def view(P):
    G, member = build.contact_circles(P, clock.today())
    return compose.network_view(P, G, member, layout.circle_layout(G, member), build.owner_ties(P, clock.today()))


def test_circles_report_names_circles_as_the_network_page_does(P, view):
    table = build.circles(P, clock.today(), top=30)
    assert table["circle"].map(type).eq(str).all()
    for person, circle in zip(table["person"], table["circle"]):
        assert view.nodes.at[person, "circle_name"] == circle
    assert any(c.startswith("ex-colleague · ") for c in table["circle"])


def test_name_circles_is_the_shared_naming():
    people = pd.DataFrame({"tags": [["family"], ["family"], ["school"], []], "company": ["Acme", None, None, None]},
                          index=list("abcd"))
    assert name_circles({"a": 0, "b": 0, "c": 1, "d": 2}, people) == {0: "family (2)", 1: "school (1)", 2: "mixed (1)"}


# -- the Network picture --------------------------------------------------------------------------


def test_people_are_labelled_up_to_sixty_shown(view):
    few = list(view.nodes.sort_values("strength", ascending=False).index[:60])
    fig = charts.network_figure(view, few)
    people = [t for t in fig.data if t.customdata is not None and len(t.customdata[0]) > 1]
    assert sum(len(t.x) for t in people) == 60 and all(t.mode == "markers+text" for t in people)
    assert sorted(n for t in people for n in t.text) == sorted(view.nodes.loc[few, "name"])
    many = charts.network_figure(view, list(view.nodes.index[:61]))
    assert all(t.mode == "markers" and t.text is None for t in many.data if t.name != "you" and t.mode != "lines")


def test_the_owner_is_the_star_and_a_chosen_person_is_centred_afresh(view):
    everyone = charts.network_figure(view)
    [you] = [t for t in everyone.data if t.name == "you"]
    assert you.marker.symbol == "star" and list(you.text) == ["you"]

    ego = "p-0037"
    shown = compose.filter_network(view, ego=ego, depth=1)
    pos = layout.ego_layout(view.graph, ego, shown, circles=view.nodes["circle"].to_dict())
    assert set(pos) == set(shown) and pos[ego] == (0.0, 0.0)
    assert pos == layout.ego_layout(view.graph, ego, shown, circles=view.nodes["circle"].to_dict())
    # A new layout, not the global one cut down: the positions are not the global ones.
    moved = sum(abs(pos[p][0] - view.nodes.at[p, "x"]) > 0.01 for p in shown)
    assert moved >= len(shown) - 1
    fig = charts.network_figure(view, shown, positions=pos, ego=ego)
    [star] = [t for t in fig.data if t.marker.symbol == "star"]
    assert (star.x[0], star.y[0]) == (0.0, 0.0) and list(star.text) == ["Marcus Whitfield"]
    assert star.customdata[0][0] == ego  # clicking the star opens them too
    assert not [t for t in fig.data if t.name == "you"]


def test_ego_layout_puts_far_people_further_out():
    G = nx.path_graph(["e", "a", "b", "c"])
    G.add_node("z")  # shown but not reachable
    pos = layout.ego_layout(G, "e", list(G))
    r = {n: (x * x + y * y) ** 0.5 for n, (x, y) in pos.items()}
    assert r["e"] == 0 and r["a"] < r["c"] and r["z"] > 0


def test_a_circle_keeps_its_colour_in_every_view(view):
    def colours(fig) -> dict[str, str]:
        return {t.name.rsplit(" (", 1)[0]: t.marker.color for t in fig.data
                if t.customdata is not None and len(t.customdata[0]) > 1 and not t.name.startswith("other")}

    everyone = colours(charts.network_figure(view))
    biggest = view.nodes["circle"].value_counts().index
    # A view without the largest circle: by rank, every other circle would shift colour.
    rest = list(view.nodes.index[view.nodes["circle"] != biggest[0]])
    without = colours(charts.network_figure(view, rest))
    ego = "p-0037"
    shown = compose.filter_network(view, ego=ego, depth=1)
    around = colours(charts.network_figure(view, shown, ego=ego, positions=layout.ego_layout(view.graph, ego, shown)))
    common = set(everyone) & set(without)
    assert len(common) >= 5
    assert all(everyone[c] == without[c] for c in common)
    assert all(everyone[c] == around[c] for c in set(everyone) & set(around))
    assert len(set(everyone.values())) == len(everyone)  # different circles, different colours
    assert charts.OTHER not in everyone.values() and all(c in charts.GROUP_PALETTE for c in everyone.values())


def test_stable_colours_come_from_the_key_not_the_view():
    one = charts.stable_colours(["school", "family", "ex-colleague"])
    assert one == charts.stable_colours(["ex-colleague", "school", "family"])
    assert len(set(one.values())) == 3
    ids = charts.circle_identity({0: "school (30)", 1: "school (12)", 2: "family (4)"})
    assert ids == {0: "school", 1: "school #2", 2: "family"}


def test_circles_seeded_on_the_same_graph_are_the_same(view):
    again = find_circles(view.graph)
    assert again == {n: c for n, c in zip(view.nodes.index, view.nodes["circle"])}


def test_network_page_draws_the_star_and_recentres_on_a_chosen_person(demo_home, demo_store, monkeypatch):
    from tests.test_dashboard import app

    monkeypatch.setenv("KITH_HOME", str(demo_home))

    def figure(at) -> dict:
        return json.loads(at.get("plotly_chart")[0].proto.spec)

    def star(fig: dict) -> dict:
        [s] = [t for t in fig["data"] if t.get("marker", {}).get("symbol") == "star"]
        return s

    at = app("network")
    assert star(figure(at))["text"] == ["you"]
    at.selectbox(key="net_ego").set_value("p-0037").run()
    assert not at.exception, [e.value for e in at.exception]
    fig = figure(at)
    centred = star(fig)
    assert centred["text"] == ["Marcus Whitfield"] and (centred["x"], centred["y"]) == ([0.0], [0.0])
    named = [n for t in fig["data"] if t.get("mode") == "markers+text" and t is not centred for n in t["text"] if n]
    # Everyone he knows, each dot named (≤ 60 shown); his own name is on his star, once.
    assert len(named) == demo_store.person("p-0037").knows and "Marcus Whitfield" not in named
