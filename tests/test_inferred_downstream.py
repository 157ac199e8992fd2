"""Inferred ties downstream: circles, introductions, warm paths and the network chart read them.

Pure functions on small hand-built frames; no store. A knows frame without the inferred-tie
columns (``source``, ``confidence``, ``evidence_count``, ``why``) reads as all stated.
"""

from __future__ import annotations

from datetime import date

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from analytics import circles as circles_mod
from analytics import introductions as intro_mod
from analytics import ties
from analytics.paths import warm_paths
from dashboard import charts, compose
from graph.projection import Projection
from reports import build

AS_OF = date(2026, 12, 2)


def knows(rows):
    """(a, b, source, confidence, why) rows as a knows frame with the new columns."""
    return pd.DataFrame([{"a": a, "b": b, "since": None, "source": s, "confidence": c,
                          "evidence_count": 0 if s != "inferred" else 2, "why": w} for a, b, s, c, w in rows],
                        columns=["a", "b", "since", "source", "confidence", "evidence_count", "why"])


def people(ids, **lists):
    n = len(ids)
    frame = pd.DataFrame({"name": [i.title() for i in ids], "me": [i == "me" for i in ids],
                          "title": [None] * n, "company": [None] * n, "location": [None] * n,
                          "birth_month": [None] * n, "birth_day": [None] * n, "birth_year": [None] * n,
                          "cadence_days": [None] * n}, index=pd.Index(ids, name="id"))
    for col in ("children", "skills", "needs", "interests", "tags", "schools"):
        frame[col] = pd.Series([list(lists.get(col, {}).get(i, [])) for i in ids], index=frame.index, dtype=object)
    return frame


def projection(P_people, knows_frame, participation=None):
    part = participation if participation is not None else pd.DataFrame(
        columns=["interaction", "at", "channel", "kind", "initiated_by", "person"])
    part = part.assign(at=pd.to_datetime(part["at"], utc=True))
    return Projection("me", P_people, knows_frame, part,
                      pd.DataFrame({"id": [], "person": [], "at": pd.to_datetime([], utc=True), "direction": [],
                                    "kind": [], "status": []}),
                      pd.DataFrame(columns=["id", "a", "b", "made_by", "at", "status", "outcome", "declined_by"]),
                      pd.DataFrame(columns=["person", "field", "old", "new", "at"]))


def contacts(ids, skills=None, needs=None):
    skills, needs = skills or {}, needs or {}
    return {i: intro_mod.Contact(id=i, name=i.title(), skills=set(skills.get(i, ())), needs=set(needs.get(i, ())))
            for i in ids}


def suggest(G, cs, **kw):
    reach = pd.Series(80.0, index=list(cs))
    return intro_mod.suggest(G, cs, reach, {i: n for n, i in enumerate(cs)}, lambda p: np.zeros(len(p)), **kw)


# -- reading a knows frame ---------------------------------------------------------------------


def test_a_frame_without_the_new_columns_is_all_stated():
    old = pd.DataFrame({"a": ["x", "y"], "b": ["y", "z"], "since": [None, None]})
    known = ties.known(old)
    assert set(known) == {frozenset("xy"), frozenset("yz")}
    assert all(t["confidence"] == 1.0 and not t["inferred"] for t in known.values())
    assert ties.maybe_known(old) == {}


def test_only_inferred_ties_from_the_threshold_are_known():
    k = knows([("x", "y", "inferred", 0.7, "x wrote to y"), ("x", "z", "inferred", 0.3, "on 2 threads together"),
               ("y", "z", "import", 0.2, None)])  # a stated tie is a fact, whatever number rides along
    assert set(ties.known(k)) == {frozenset("xy"), frozenset("yz")}
    assert set(ties.maybe_known(k)) == {frozenset("xz")}


# -- introductions -----------------------------------------------------------------------------


def test_an_inferred_tie_from_the_threshold_excludes_the_introduction():
    cs = contacts(["ana", "bo"], skills={"ana": ["python"]}, needs={"bo": ["python"]})
    assert len(suggest(nx.Graph(), cs)) == 1
    G = ties.known_graph(knows([("ana", "bo", "inferred", 0.6, "Ana wrote to Bo")]), cs)
    assert suggest(G, cs).empty


def test_a_pair_perhaps_acquainted_scores_less_and_says_why():
    cs = contacts(["ana", "bo"], skills={"ana": ["python"]}, needs={"bo": ["python"]})
    k = knows([("ana", "bo", "inferred", 0.3, "They were on 2 email threads together.")])
    G = ties.known_graph(k, cs)
    plain = suggest(G, cs)
    doubted = suggest(G, cs, maybe_known=ties.maybe_known(k))
    assert doubted["score"][0] == pytest.approx(plain["score"][0] * 0.7, abs=0.1)
    assert "30%" in doubted["explanation"][0] and "2 email threads together" in doubted["explanation"][0]
    assert "may know each other" not in plain["explanation"][0]


def test_complementarity_compares_normalised_terms_and_cites_inferred_ones():
    cs = contacts(["ana", "bo"], skills={"ana": ["ML"]}, needs={"bo": ["Machine Learning"]})
    found = suggest(nx.Graph(), cs, sources={("ana", "skill", "machine learning"): "from the title ML Engineer"})
    assert found["complementarity"][0] == 1.0
    assert "machine learning (from the title ML Engineer)" in found["explanation"][0]


def test_mutual_acquaintances_through_inferred_ties_are_named():
    cs = contacts(["ana", "bo", "cy"], skills={"ana": ["python"]}, needs={"bo": ["python"]})
    G = ties.known_graph(knows([("ana", "cy", "inferred", 0.9, "Ana wrote to Cy"), ("bo", "cy", "stated", 1.0, None)]),
                         cs)
    row = suggest(G, cs).set_index(["a", "b"]).loc[("ana", "bo")]
    assert "1 mutual acquaintance (1 of it through a tie Kith inferred" in row["explanation"]


def test_the_intros_report_leaves_out_inferred_pairs():
    ids = ["me", "ana", "bo"]
    P_people = people(ids, skills={"ana": ["python"]}, needs={"bo": ["python"]})
    t = pd.Timestamp("2026-11-01", tz="UTC")
    part = pd.DataFrame([(f"i{i}{p}", t, "email", "meeting", "me", x) for i, p in enumerate(("ana", "bo"))
                         for x in ("me", p)], columns=["interaction", "at", "channel", "kind", "initiated_by", "person"])
    assert len(build.intros(projection(P_people, knows([]), part), AS_OF)) == 1
    P = projection(P_people, knows([("ana", "bo", "inferred", 0.8, "Ana wrote to Bo")]), part)
    assert build.intros(P, AS_OF).empty


# -- circles -----------------------------------------------------------------------------------


def test_circles_form_from_inferred_ties_and_say_so():
    ids = ["me", "a1", "a2", "a3", "b1", "b2", "b3"]
    rows = [(x, y, "inferred", 0.9, f"{x} wrote to {y}") for x, y in (("a1", "a2"), ("a2", "a3"), ("a1", "a3"))]
    rows += [(x, y, "stated", 1.0, None) for x, y in (("b1", "b2"), ("b2", "b3"), ("b1", "b3"), ("a3", "b1"))]
    rows += [("a1", "b3", "inferred", 0.2, "once on a thread")]  # below the threshold: no tie
    P = projection(people(ids, tags={i: [i[0]] for i in ids}), knows(rows))
    G, member = build.contact_circles(P, AS_OF)
    assert not G.has_edge("a1", "b3")
    assert member["a1"] == member["a2"] == member["a3"] != member["b1"] == member["b2"]
    assert G.edges["a1", "a2"]["strength"] == pytest.approx(build.KNOWS_ONLY_STRENGTH * 0.9)
    names = circles_mod.name_circles(member, P.people, G)
    assert names[member["a1"]] == "a (3; 3 ties inferred)" and names[member["b1"]] == "b (3)"
    assert circles_mod.tie_note(G, ["a1", "a2", "a3"]).startswith("3 of its 3 ties are inferred")
    assert circles_mod.tie_note(G, node="a3") == "2 of their 3 ties are inferred from interactions they were on together"
    assert build.circles(P, AS_OF)["circle"].str.contains("inferred").any()


# -- warm paths --------------------------------------------------------------------------------


def test_warm_path_hop_strength_comes_from_the_ties_confidence():
    ids = ["me", "ana", "bo", "kim"]
    t = pd.Timestamp("2026-11-20", tz="UTC")
    part = pd.DataFrame([(f"i{i}{p}", t, "call", "call", "me", x) for i, p in enumerate(("ana", "bo")) for _ in range(3)
                         for x in ("me", p)], columns=["interaction", "at", "channel", "kind", "initiated_by", "person"])
    part["interaction"] = [f"{x}{n // 2}" for n, x in enumerate(part["interaction"])]
    P = projection(people(ids), knows([("ana", "kim", "stated", 1.0, None), ("bo", "kim", "inferred", 0.6, "Bo wrote to Kim")]),
                   part)
    G = build.strength_graph(P, AS_OF)
    assert G.edges["ana", "kim"]["strength"] == pytest.approx(build.KNOWS_ONLY_STRENGTH)
    assert G.edges["bo", "kim"]["strength"] == pytest.approx(build.KNOWS_ONLY_STRENGTH * 0.6)
    paths = {tuple(p.people): p for p in warm_paths(G, "me", "kim")}
    assert paths[("me", "bo", "kim")].strengths[1] == pytest.approx(0.18)
    assert paths[("me", "ana", "kim")].value > paths[("me", "bo", "kim")].value


def test_a_knows_frame_without_new_columns_gives_the_same_graphs():
    ids = ["me", "ana", "bo", "kim"]
    old = pd.DataFrame({"a": ["ana", "bo", "me"], "b": ["kim", "kim", "ana"], "since": [None] * 3})
    new = knows([("ana", "kim", "stated", 1.0, None), ("bo", "kim", "stated", 1.0, None), ("me", "ana", "stated", 1.0, None)])
    G_old = build.strength_graph(projection(people(ids), old), AS_OF)
    G_new = build.strength_graph(projection(people(ids), new), AS_OF)
    assert list(G_old.edges(data="strength")) == list(G_new.edges(data="strength"))
    assert all(s == build.KNOWS_ONLY_STRENGTH for _, _, s in G_old.edges(data="strength"))
    assert nx.utils.graphs_equal(build.known_graph(projection(people(ids), old)),
                                 build.known_graph(projection(people(ids), new)))


# -- the dashboard -----------------------------------------------------------------------------


def test_inferred_ties_are_drawn_lighter_thinner_and_dotted():
    assert charts.tie_style(1.0, inferred=False) == {}
    weak, sure = charts.tie_style(0.5), charts.tie_style(0.9)
    assert weak["dash"] == sure["dash"] == "dot"
    assert weak["opacity"] < sure["opacity"] <= 0.3 and weak["width"] < sure["width"] < 1.0


def test_the_network_chart_has_an_inferred_legend_and_says_why_on_hover():
    ids = ["me", "ana", "bo", "cy"]
    P = projection(people(ids), knows([("ana", "bo", "inferred", 0.7, "Ana wrote to Bo <twice>"),
                                       ("bo", "cy", "stated", 1.0, None)]))
    G, member = build.contact_circles(P, AS_OF)
    view = compose.network_view(P, G, member, {i: (n, n) for n, i in enumerate(G)}, pd.DataFrame())
    assert view.edges.set_index(["a", "b"])["inferred"].to_dict() == {("ana", "bo"): True, ("bo", "cy"): False}
    fig = charts.network_figure(view)
    (trace,) = [t for t in fig.data if t.name == "inferred tie"]
    assert trace.showlegend and trace.line.dash == "dot"
    assert "Ana wrote to Bo &lt;twice&gt;" in trace.text[0] and "70% sure" in trace.text[0]
    assert sum(len([x for x in t.x if x == x]) for t in fig.data if t.mode == "lines") == 4  # both ties drawn once


def test_the_knows_line_counts_inferred_ties_from_the_threshold():
    ids = ["me", "ana", "bo", "cy", "di"]
    P = projection(people(ids), knows([("ana", "bo", "inferred", 0.7, "w"), ("ana", "cy", "stated", 1.0, None),
                                       ("ana", "di", "inferred", 0.3, "w"), ("me", "ana", "stated", 1.0, None)]))
    assert compose.knows_line(P, "ana") == "2 of your contacts (1 inferred)"
    assert compose.knows_line(P, "cy") == "1 of your contacts"
