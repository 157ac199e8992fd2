"""The pure analytics on small inputs whose answers are known by hand."""

from __future__ import annotations

from datetime import date

import networkx as nx
import pandas as pd
import pytest

from analytics import circles, introductions, keep_in_touch, ledger, opportunities, paths


def ts(*days: str) -> pd.Series:
    return pd.to_datetime(list(days), utc=True)


# -- ledger ----------------------------------------------------------------------------------


def test_ledger_counts_balance_and_flags():
    favors = pd.DataFrame({
        "person": ["m", "m", "m", "m", "g", "g", "t"],
        "direction": ["asked", "asked", "asked", "asked", "received", "given", "asked"],
        "status": ["no", "no", "ignored", "pending", "yes", "yes", "yes"],
        "at": ts("2025-01-01", "2025-02-01", "2025-03-01", "2025-04-01", "2025-05-01", "2025-06-01", "2025-07-01"),
    })
    thanks = pd.DataFrame({"person": ["g"], "at": ts("2025-05-03")})
    table = ledger.ledger(favors, thanks).set_index("person")
    assert table.loc["m", ["asked", "no", "ignored", "pending", "yes"]].tolist() == [4, 2, 1, 1, 0]
    assert bool(table.loc["m", "push_luck"]) and not table.loc[["g", "t"], "push_luck"].any()
    assert table.loc["g", "balance"] == 0          # gave one, received one
    assert table.loc["t", "balance"] == -1         # said yes once: you owe them
    assert table.loc["g", "thanks_owed"] == 0      # thanked two days later
    assert table.loc["t", "thanks_owed"] == 1      # a yes never thanked
    assert ledger.most_giving(table.reset_index())["person"].tolist() == ["g", "t"]


def test_two_refusals_are_not_yet_pushing_luck():
    favors = pd.DataFrame({"person": ["m", "m"], "direction": ["asked", "asked"], "status": ["no", "no"],
                           "at": ts("2025-01-01", "2025-02-01")})
    assert not ledger.ledger(favors)["push_luck"].iloc[0]


# -- warm paths --------------------------------------------------------------------------------


def test_warm_path_prefers_strong_ties_over_few_hops():
    G = nx.Graph()
    G.add_edge("me", "t", strength=0.2)                     # direct but weak: 0.2
    G.add_edge("me", "a", strength=0.9)
    G.add_edge("a", "t", strength=0.5)                      # 0.9 × 0.5 = 0.45
    G.add_edge("me", "b", strength=0.8)
    G.add_edge("b", "c", strength=0.9)
    G.add_edge("c", "t", strength=0.9)                      # 0.8 × 0.9 × 0.9 = 0.648
    found = paths.warm_paths(G, "me", "t", k=3)
    assert [p.people for p in found] == [["me", "b", "c", "t"], ["me", "a", "t"], ["me", "t"]]
    assert found[0].value == pytest.approx(0.648) and found[0].ask == "b"
    assert found[2].ask is None


def test_warm_path_stops_at_third_degree():
    G = nx.path_graph(["me", "a", "b", "c", "t"])
    nx.set_edge_attributes(G, 0.9, "strength")
    assert paths.warm_paths(G, "me", "t") == []
    assert paths.warm_paths(G, "me", "c")[0].people == ["me", "a", "b", "c"]
    with pytest.raises(ValueError):
        paths.warm_paths(G, "me", "nobody")


# -- circles -------------------------------------------------------------------------------------


def test_circles_and_the_broker_between_them():
    G = nx.Graph()
    G.add_edges_from(nx.complete_graph(["a1", "a2", "a3", "a4"]).edges)
    G.add_edges_from(nx.complete_graph(["b1", "b2", "b3", "b4"]).edges)
    G.add_edges_from([("x", "a1"), ("x", "b1")])           # x bridges the two cliques
    member = circles.circles(G, weight=None)
    assert len({member[n] for n in ["a1", "a2", "a3", "a4"]}) == 1
    assert member["a1"] != member["b1"]
    table = circles.brokers(G).set_index("node")
    assert table["betweenness"].idxmax() == "x"
    assert table.loc["x", "effective_size"] == pytest.approx(2.0)   # two non-redundant contacts
    assert table.loc["x", "constraint"] < table.loc["a2", "constraint"]


# -- keep in touch -------------------------------------------------------------------------------


def test_layers_follow_dunbar_sizes():
    # 200 contacts all seen every other day for three months: rank alone caps each layer.
    as_of = pd.Timestamp("2026-11-26", tz="UTC")
    strength = pd.Series({f"p{i:03d}": 200 - i for i in range(200)})
    history = pd.DataFrame([(p, as_of - pd.Timedelta(days=2 * k + 1)) for p in strength.index for k in range(45)],
                           columns=["person", "at"])
    table = keep_in_touch.layers(strength, history, as_of)
    assert table["layer"].value_counts().to_dict() == {"meaningful": 100, "acquaintance": 50, "good": 35,
                                                        "close": 10, "inner": 5}
    assert table.loc["p000", "cadence_days"] == 7 and table.loc["p199", "cadence_days"] == 365
    assert table.loc["p000", "layer"] == "inner" and table.loc["p199", "layer"] == "acquaintance"
    # Without a history nothing shows a rhythm, whatever the rank.
    assert set(keep_in_touch.layers(strength)["layer"]) == {"acquaintance"}


def test_birthdays_with_and_without_a_year():
    people = pd.DataFrame({"name": ["Ann", "Bo", "Cy"], "birth_month": [12, 12, 6], "birth_day": [1, 10, 1],
                           "birth_year": [1990, None, 1980]}, index=["a", "b", "c"])
    soon = keep_in_touch.upcoming_birthdays(people, date(2026, 11, 26))
    assert soon["person"].tolist() == ["a", "b"]
    assert soon["in_days"].tolist() == [5, 14] and soon["turning"].iloc[0] == 36
    assert pd.isna(soon["turning"].iloc[1])


def test_queue_reasons_and_overrides():
    ties = pd.DataFrame({"strength": [90.0, 80.0, 70.0, 60.0], "days_since": [10, 3, 2, 40]},
                        index=["due", "thanks", "bday", "override"])
    people = pd.DataFrame({
        "name": ["Due", "Thanks", "Bday", "Override"], "birth_month": [None, None, 11, None],
        "birth_day": [None, None, 28, None], "birth_year": [None, None, None, None],
        "cadence_days": [None, None, None, 60], "skills": [["sql"], [], [], []], "needs": [[], [], [], []],
    }, index=ties.index)
    # Everyone seen weekly until their last contact: each has the evidence for a tight layer.
    as_of = pd.Timestamp("2026-11-26", tz="UTC")
    history = pd.DataFrame([(p, as_of - pd.Timedelta(days=int(d) + 7 * k)) for p, d in ties["days_since"].items()
                            for k in range(8)], columns=["person", "at"])
    q = keep_in_touch.queue(ties, people, date(2026, 11, 26), history=history, thanks_owed=pd.Series({"thanks": 1}),
                            owner_needs={"sql"}).set_index("person")
    assert q.index[0] == "thanks" and q.loc["thanks", "reason_kind"] == "thank-you"
    assert q.loc["bday", "reason_kind"] == "birthday-wishes" and "in 2 days" in q.loc["bday", "reason"]
    assert q.loc["due", "status"] == "due" and q.loc["due", "reason_kind"] == "advice-asked"
    assert "override" not in q.index            # 40 days into a 60-day rhythm: not due yet


# -- introductions --------------------------------------------------------------------------------


def contact(pid, **kw):
    return introductions.Contact(id=pid, name=pid.title() + " Person", **kw)


def test_introductions_rank_complementary_pairs_across_circles():
    contacts = {
        "ann": contact("ann", skills={"fundraising"}, tags={"school"}),
        "bob": contact("bob", needs={"fundraising"}, tags={"ex-colleague"}),
        "cat": contact("cat", interests={"jazz"}, tags={"ex-colleague"}),
        "dan": contact("dan", interests={"jazz"}, tags={"ex-colleague"}),
        "eve": contact("eve", tags={"family"}),
    }
    knows = nx.Graph([("bob", "cat"), ("cat", "dan"), ("ann", "eve")])
    knows.add_nodes_from(contacts)
    reach = pd.Series({"ann": 80.0, "bob": 80.0, "cat": 80.0, "dan": 80.0, "eve": 10.0})
    member = {"ann": 0, "eve": 0, "bob": 1, "cat": 1, "dan": 1}
    found = introductions.suggest(knows, contacts, reach, member, lambda pairs: [0.0] * len(pairs),
                                  done={frozenset(("ann", "cat"))})
    pairs = [frozenset(p) for p in zip(found["a"], found["b"])]
    assert pairs[0] == frozenset(("ann", "bob"))                 # skill meets need, across circles
    assert frozenset(("cat", "dan")) not in pairs                # they already know each other
    assert frozenset(("ann", "cat")) not in pairs                # already introduced or declined
    assert not any("eve" in p for p in pairs)                    # too weak a tie to ask a favour
    assert "fundraising" in found["explanation"].iloc[0] and "different circles" in found["explanation"].iloc[0]


def test_weights_learn_from_outcomes():
    history = pd.DataFrame({"complementarity": [1.0, 1.0, 0.0, 0.0], "common_ground": [0.0, 0.0, 1.0, 1.0],
                            "structural": [0.5] * 4, "bridging": [1.0] * 4, "good": [True, True, False, False]})
    w = introductions.learn_weights(history)
    d = introductions.DEFAULT_WEIGHTS
    assert w["complementarity"] > d["complementarity"] and w["common_ground"] < d["common_ground"]
    assert w["structural"] == pytest.approx(d["structural"])


# -- opportunities ---------------------------------------------------------------------------------


def test_opportunity_prefers_who_wants_it_then_who_you_know():
    people = pd.DataFrame({"name": ["Ann", "Bob", "Cat"], "title": ["", "Data engineer", ""],
                           "skills": [["python"], [], []], "needs": [[], [], ["python"]],
                           "interests": [[], [], []], "tags": [[], [], []]}, index=["a", "b", "c"])
    ranked = opportunities.route({"python", "engineer"}, people, pd.Series({"a": 90, "b": 90, "c": 10}))
    # Ann: skill 0.7/2 · (0.5 + 0.45) = 33.2; Cat: need 1.0/2 · 0.55 = 27.5; Bob: title 0.5/2 · 0.95 = 23.8
    assert ranked["person"].tolist() == ["a", "c", "b"]
    assert ranked["score"].tolist() == [33.2, 27.5, 23.8]
    with pytest.raises(ValueError):
        opportunities.route(set(), people, pd.Series(dtype=float))
