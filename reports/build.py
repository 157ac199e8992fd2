"""Reports: compose the analytics over one projection into tables a person reads.

Each function takes a ``Projection`` and an ``as_of`` date and returns a pandas
frame whose columns are the report's; ``render.py`` turns any of them into
Markdown, HTML, CSV or JSON. Only interactions before ``as_of`` are used, so a
report for a given graph and date is always the same.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import networkx as nx
import pandas as pd

from analytics import circles as circles_mod
from analytics import decay as decay_mod
from analytics import introductions as intro_mod
from analytics import keep_in_touch as kit
from analytics import ledger as ledger_mod
from analytics import linkpred, opportunities, strength
from graph.projection import Projection
from reports import registry


def cutoff(as_of: date) -> pd.Timestamp:
    return pd.Timestamp(datetime.combine(as_of, time.min, tzinfo=timezone.utc))


def pairs_before(P: Projection, as_of: date) -> pd.DataFrame:
    pr = P.pairs
    return pr[pr["at"] < cutoff(as_of)]


def owner_ties(P: Projection, as_of: date) -> pd.DataFrame:
    """The owner's tie with each contact: strength (0–100), days since, explanation; index person."""
    ties = strength.tie_strength(pairs_before(P, as_of), as_of, owner=P.owner)
    mine = ties[(ties["a"] == P.owner) | (ties["b"] == P.owner)].copy()
    mine["person"] = mine["a"].where(mine["b"] == P.owner, mine["b"])
    mine["days_since"] = (cutoff(as_of) - mine["last_contact"]).dt.days
    return mine.set_index("person")


MIN_PEAK = 30.0  # a tie that never got stronger than this is not one to mourn
KNOWS_ONLY_STRENGTH = 0.3  # contacts said to know each other, with no history Kith can see


def strength_graph(P: Projection, as_of: date) -> nx.Graph:
    """Everyone with every tie weighted 0–1: interaction strength where there is history, else KNOWS."""
    G = nx.Graph()
    G.add_nodes_from(P.people.index)
    G.add_edges_from(zip(P.knows["a"], P.knows["b"]), strength=KNOWS_ONLY_STRENGTH)
    ties = strength.tie_strength(pairs_before(P, as_of), as_of, owner=P.owner)
    for a, b, s in zip(ties["a"], ties["b"], ties["strength"]):
        G.add_edge(a, b, strength=max(s / 100, G.edges[a, b]["strength"] if G.has_edge(a, b) else 0.0))
    return G


def intros(P: Projection, as_of: date, top: int = 20) -> pd.DataFrame:
    ties = owner_ties(P, as_of)
    reach = ties["strength"]
    people = P.people
    contacts = {pid: intro_mod.Contact(
        id=pid, name=row["name"], title=_text(row["title"]), company=_text(row["company"]),
        location=_text(row["location"]),
        skills=set(row["skills"]), needs=set(row["needs"]), interests=set(row["interests"]),
        schools=set(row["schools"]), tags=set(row["tags"])) for pid, row in people.iterrows() if pid != P.owner}
    G = P.contact_graph
    done = {frozenset((a, b)) for a, b in zip(P.introductions["a"], P.introductions["b"])}
    weights = intro_mod.learn_weights(_intro_history(P, contacts, G)) if len(P.introductions) else intro_mod.DEFAULT_WEIGHTS
    model = linkpred.fit_combined(G, seed=0) if G.number_of_edges() >= 20 else None

    def structural(pairs):
        return model.score(G, pairs) if model else linkpred.score(G, pairs, "resource_allocation")

    found = intro_mod.suggest(G, contacts, reach, circles_mod.circles(G, weight=None), structural,
                              done=done, weights=weights, top=top)
    return found


def _text(value) -> str | None:
    return value if isinstance(value, str) and value else None


def _intro_history(P: Projection, contacts, G) -> pd.DataFrame:
    """Past introductions with their parts and whether they went well: what suggestions learn from."""
    rows = P.introductions[P.introductions["a"].isin(contacts) & P.introductions["b"].isin(contacts)]
    if rows.empty:
        return pd.DataFrame(columns=[*intro_mod.PARTS, "good"])
    pairs = list(zip(rows["a"], rows["b"]))
    table = intro_mod.parts(pairs, contacts, circles_mod.circles(G, weight=None),
                            linkpred.score(G, pairs, "resource_allocation"))
    went_well = rows["outcome"].fillna("").str.contains("no follow", case=False)
    table["good"] = (rows["status"].eq("made") & ~went_well).to_numpy()
    return table


TIE_STATE_COLUMNS = list(registry.TIE_STATE_COLUMNS)


def tie_states(P: Projection, as_of: date) -> pd.DataFrame:
    """Every tie of the owner with its decay state and risk (index: person)."""
    pr = pairs_before(P, as_of)
    mine = pr[(pr["a"] == P.owner) | (pr["b"] == P.owner)]
    if P.owner is None or mine.empty:
        return pd.DataFrame(columns=TIE_STATE_COLUMNS, index=pd.Index([], name="person"))
    risk = decay_mod.decay_risk(mine[["a", "b", "at"]], as_of)
    risk["person"] = risk["a"].where(risk["b"] == P.owner, risk["b"])
    return risk.set_index("person")[TIE_STATE_COLUMNS]


def decay(P: Projection, as_of: date, top: int = 30) -> pd.DataFrame:
    """The owner's valuable ties most at risk of going silent."""
    risk = tie_states(P, as_of).reset_index()
    risk["name"] = P.people["name"].reindex(risk["person"]).to_numpy()
    # What you are about to lose: risky ties that were once worth something, most valuable first.
    risk = risk[(risk["state"] != "active") & (risk["strength_peak"] >= MIN_PEAK)]
    risk = risk.assign(loss=risk["risk"] * risk["strength_peak"]).sort_values(
        ["loss", "person"], ascending=[False, True], kind="stable")
    return risk.head(top)[["person", "name", *TIE_STATE_COLUMNS]].reset_index(drop=True)


def in_touch_on(P: Projection, day: date) -> set[str]:
    """The contacts the owner was in touch with on ``day``: "done today" when ``day`` is today.

    A report as of a day counts what came before it, so what was logged on the day itself
    would still show as due; the keep-in-touch report leaves these people out instead.
    """
    part = P.participation
    on_day = part[(part["at"] >= cutoff(day)) & (part["at"] < cutoff(day + timedelta(days=1)))]
    with_owner = on_day[on_day["person"] == P.owner]["interaction"]
    people = on_day[on_day["interaction"].isin(with_owner) & (on_day["person"] != P.owner)]["person"]
    return set(people)


def keep_in_touch(P: Projection, as_of: date, top: int = 30) -> pd.DataFrame:
    """Who is due for contact and why, most pressing first; people already seen on ``as_of`` are done."""
    ties = owner_ties(P, as_of)
    led = ledger(P, as_of)
    thanks = led.set_index("person")["thanks_owed"] if not led.empty else None
    owner_needs = set(P.people.loc[P.owner, "needs"]) if P.owner in P.people.index else set()
    queue = kit.queue(ties[["strength", "days_since"]], P.people, as_of, thanks_owed=thanks,
                      changes=_changes_with_congratulations(P, as_of), owner_needs=owner_needs)
    done = in_touch_on(P, as_of)
    return queue[~queue["person"].isin(done)].head(top).reset_index(drop=True)


def _changes_with_congratulations(P: Projection, as_of: date) -> pd.DataFrame:
    ch = P.changes[P.changes["at"] < cutoff(as_of)].copy()
    if ch.empty:
        return ch
    congrats = P.participation[P.participation["kind"].eq("congratulations")]
    last = congrats.groupby("person")["at"].max()
    ch["congratulated"] = ch["person"].map(last).ge(ch["at"]).fillna(False)
    return ch


def ledger(P: Projection, as_of: date, top: int | None = None) -> pd.DataFrame:
    favors = P.favors[P.favors["at"] < cutoff(as_of)]
    part = P.participation
    thank = part[part["kind"].eq("thank-you") & (part["at"] < cutoff(as_of)) & part["person"].ne(P.owner)]
    table = ledger_mod.ledger(favors, thank[["person", "at"]])
    table.insert(1, "name", P.people["name"].reindex(table["person"]).to_numpy())
    table = table.sort_values(["push_luck", "thanks_owed", "balance"], ascending=[False, False, True],
                              kind="stable").reset_index(drop=True)
    return table if top is None else table.head(top)


def circles(P: Projection, as_of: date, top: int = 20) -> pd.DataFrame:
    G = P.contact_graph
    member = circles_mod.circles(G, weight=None)
    table = circles_mod.brokers(G, k=500 if G.number_of_nodes() > 2000 else None)
    table["circle"] = table["node"].map(member)
    table["name"] = P.people["name"].reindex(table["node"]).to_numpy()
    table["tags"] = [", ".join(P.people.loc[n, "tags"]) for n in table["node"]]
    return table.rename(columns={"node": "person"})[
        ["person", "name", "circle", "tags", "betweenness", "constraint", "effective_size", "degree"]].head(top)


def opportunity(P: Projection, as_of: date, description: str, top: int = 15) -> pd.DataFrame:
    """Whom to tell about an opening, event or project described by skills, tags or topics."""
    reach = owner_ties(P, as_of)["strength"]
    contacts = P.people[P.people.index != P.owner]
    return opportunities.route(opportunities.terms(description), contacts, reach, top=top)
