"""Shaping analytics output for the pages: plain functions, no Streamlit, no Cypher.

Everything here takes a ``Projection`` (or frames made from one) and returns frames,
dicts or small dataclasses a page shows as they are. The numbers themselves come from
``reports.build`` and ``analytics``; this module only picks, joins and words them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
from neo4j.graph import Node, Path, Relationship

from analytics import strength as strength_mod
from analytics.circles import name_circles
from analytics.keep_in_touch import next_birthday
from graph import cypher
from graph.projection import Projection

STATES = ("active", "cooling", "at risk", "dormant")
CURVE_POINTS = 90        # enough for the curve's shape; each point is one strength evaluation
CURVE_FUTURE_DAYS = 180  # how the tie fades if nobody gets in touch


def name_of(P: Projection, person: str) -> str:
    return str(P.people["name"].get(person, person))


def contacts(P: Projection) -> pd.DataFrame:
    """Everyone but the owner, by name (what person pickers list)."""
    people = P.people[P.people.index != P.owner]
    return people.sort_values("name", kind="stable")


def label(P: Projection, person: str) -> str:
    """'Name — Title at Company', for pickers where two people can share a name."""
    row = P.people.loc[person]
    role = " at ".join(str(x) for x in (row.get("title"), row.get("company")) if isinstance(x, str) and x)
    return f"{row['name']} — {role}" if role else str(row["name"])


# -- ties and their states -------------------------------------------------------------


def state_counts(states: pd.DataFrame) -> dict[str, int]:
    counts = states["state"].value_counts() if not states.empty else pd.Series(dtype=int)
    return {s: int(counts.get(s, 0)) for s in STATES}


def upcoming_birthdays(P: Projection, today: date, days: int = 14) -> pd.DataFrame:
    from analytics.keep_in_touch import upcoming_birthdays as upcoming

    people = P.people[P.people.index != P.owner]
    return upcoming(people, today, days)


def birthday_line(row) -> str:
    """'Fri 27 Nov: tomorrow, turning 31' for a row of ``upcoming_birthdays``."""
    n = int(row.in_days)
    when = "today!" if n == 0 else "tomorrow" if n == 1 else f"in {n} days"
    turning = f", turning {int(row.turning)}" if pd.notna(row.turning) else ""
    return f"{row.date:%a %d %b}: {when}{turning}"


def birthday_countdown(month, day, year, today: date) -> tuple[str, str] | None:
    """('in 12 days', 'Sat 07 Jun, turning 51'), ('today!', …) or None without a birthday."""
    if pd.isna(month) or pd.isna(day):
        return None
    when = next_birthday(int(month), int(day), today)
    n = (when - today).days
    turning = f", turning {when.year - int(year)}" if not pd.isna(year) else ""
    return ("today!" if n == 0 else "tomorrow" if n == 1 else f"in {n} days"), f"{when:%a %d %b}{turning}"


# -- the network page -------------------------------------------------------------------


@dataclass
class NetworkView:
    """The contact network ready to draw: one row per person, one per tie."""

    graph: nx.Graph          # everyone but the owner; edges carry "strength" (0–1)
    nodes: pd.DataFrame      # index id: name, role, tags, tag, circle, circle_name, strength, why, degree, x, y
    edges: pd.DataFrame      # a, b, strength, confidence (1 unless inferred), inferred, why (of an inferred tie)
    circle_names: dict[int, str]


def network_view(P: Projection, G: nx.Graph, member: dict, positions: dict, ties: pd.DataFrame) -> NetworkView:
    ids = list(G.nodes)
    people = P.people.reindex(ids)
    names = name_circles(member, people, G)
    strength = ties["strength"].reindex(ids).fillna(0.0) if not ties.empty else pd.Series(0.0, index=ids)
    why = ties["explain"].reindex(ids).fillna("no interactions with you yet") if not ties.empty else \
        pd.Series("no interactions with you yet", index=ids)
    # Two decimals are finer than a pixel, and halve what travels to the browser for big networks.
    xy = np.round(np.array([positions[i] for i in ids]), 2) if ids else np.zeros((0, 2))
    nodes = pd.DataFrame({
        "name": people["name"].fillna(pd.Series(ids, index=ids)),
        "role": [_role(r) for r in people.itertuples()],
        "tags": [list(t) if isinstance(t, list) else [] for t in people["tags"]],
        "circle": [member.get(i, -1) for i in ids],
        "strength": strength.round(1).to_numpy(),
        "why": why.to_numpy(),
        "degree": [G.degree(i) for i in ids],
        "x": xy[:, 0], "y": xy[:, 1],
    }, index=pd.Index(ids, name="id"))
    nodes["tag"] = [t[0] if t else "no tag" for t in nodes["tags"]]
    nodes["circle_name"] = nodes["circle"].map(names)
    edges = pd.DataFrame([(a, b, d.get("strength", 0.0), float(d.get("confidence", 1.0)), bool(d.get("inferred", False)),
                           d.get("why")) for a, b, d in G.edges(data=True)],
                         columns=["a", "b", "strength", "confidence", "inferred", "why"])
    return NetworkView(G, nodes, edges, names)


def knows_line(P: Projection, person: str, threshold: float | None = None) -> str:
    """The person page's "Knows" line: how many of your contacts they know, stated or inferred
    from ``KNOWS_THRESHOLD`` on, and how many of those Kith inferred: "5 of your contacts (3 inferred)"."""
    from analytics import ties
    from reports.build import KNOWS_THRESHOLD
    known = ties.known(P.knows, KNOWS_THRESHOLD if threshold is None else threshold)
    mine = [t for pair, t in known.items() if person in pair and P.owner not in pair]
    inferred = sum(t["inferred"] for t in mine)
    return f"{len(mine)} of your contacts" + (f" ({inferred} inferred)" if inferred else "")


def _role(row) -> str:
    return " at ".join(str(x) for x in (getattr(row, "title", None), getattr(row, "company", None))
                       if isinstance(x, str) and x)


def filter_network(view: NetworkView, *, tags: Iterable[str] = (), min_strength: float = 0.0,
                   ego: str | None = None, depth: int = 1) -> list[str]:
    """The people to show: any of ``tags``, your tie at least ``min_strength``, within ``depth`` of ``ego``."""
    nodes = view.nodes
    keep = pd.Series(True, index=nodes.index)
    tags = set(tags)
    if tags:
        keep &= nodes["tags"].map(lambda ts: bool(tags & set(ts)))
    if min_strength > 0:
        keep &= nodes["strength"] >= min_strength
    if ego is not None and ego in view.graph:
        near = nx.single_source_shortest_path_length(view.graph, ego, cutoff=depth)
        keep &= nodes.index.isin(list(near))
        keep[ego] = True
    return list(nodes.index[keep])


# -- the person page -------------------------------------------------------------------


def strength_curve(P: Projection, person: str, as_of: date) -> pd.Series:
    """The owner's tie with ``person`` from its first interaction to six months ahead.

    Past today it shows how the tie fades if nobody gets in touch (the decay). Empty when
    they have never interacted.
    """
    pr = P.pairs
    a, b = sorted((str(P.owner), str(person)))
    tie = pr[(pr["a"] == a) & (pr["b"] == b)]
    if tie.empty:
        return pd.Series(dtype=float, name="strength")
    start = tie["at"].min()
    end = pd.Timestamp(as_of, tz="UTC") + pd.Timedelta(days=CURVE_FUTURE_DAYS)
    dates = pd.date_range(start, end, periods=CURVE_POINTS)
    return strength_mod.strength_over_time(tie, a, b, dates)


def timeline(P: Projection, person: str) -> pd.DataFrame:
    """Every interaction ``person`` took part in, newest first, with who else was there."""
    part = P.participation
    theirs = part[part["person"] == person]
    if theirs.empty:
        return pd.DataFrame(columns=["at", "kind", "channel", "with", "started by"])
    names = P.people["name"]
    others = part[part["interaction"].isin(theirs["interaction"]) & (part["person"] != person)]
    with_whom = others.groupby("interaction")["person"].agg(
        lambda ps: ", ".join(sorted("you" if p == P.owner else str(names.get(p, p)) for p in ps)))
    table = theirs.assign(**{
        # object first: with nobody else in any of them, the mapped column is all-NaN float64.
        "with": theirs["interaction"].map(with_whom).astype(object).fillna(""),
        "started by": theirs["initiated_by"].map(
            lambda p: "you" if p == P.owner else (str(names.get(p, p)) if isinstance(p, str) else "")),
    })
    return table.sort_values("at", ascending=False)[["at", "kind", "channel", "with", "started by"]].reset_index(drop=True)


def favors_with(P: Projection, person: str) -> pd.DataFrame:
    f = P.favors[P.favors["person"] == person]
    return f.sort_values("at", ascending=False)[["at", "direction", "kind", "status"]].reset_index(drop=True)


def introductions_with(P: Projection, person: str) -> pd.DataFrame:
    """Introductions recorded between ``person`` and someone else, newest first."""
    n = P.introductions
    mine = n[(n["a"] == person) | (n["b"] == person)]
    other = mine["b"].where(mine["a"] == person, mine["a"])
    return pd.DataFrame({"at": mine["at"], "with": [name_of(P, o) for o in other],
                         "status": mine["status"], "outcome": mine["outcome"]}).sort_values(
        "at", ascending=False).reset_index(drop=True)


def suggestions_with(intros: pd.DataFrame, person: str) -> pd.DataFrame:
    rows = intros[(intros["a"] == person) | (intros["b"] == person)]
    return rows.assign(other=rows["b_name"].where(rows["a"] == person, rows["a_name"]))


BOARD_COLUMNS = ["id", "a", "b", "between", "status", "state", "waiting on", "since", "next"]


def introduction_board(standings: Iterable) -> pd.DataFrame:
    """Where each introduction stands (``kith.introductions.Standing``s), in the order of their life:
    the ones waiting on you or on an answer first, then made, then declined; newest first in each."""
    from graph.model import INTRODUCTION_STATUSES

    rows = [[s.intro.id, s.intro.a, s.intro.b, s.between, s.intro.status, s.state, s.waiting_on,
             s.since.date(), s.next_step] for s in standings]
    board = pd.DataFrame(rows, columns=BOARD_COLUMNS)
    rank = board["status"].map({status: i for i, status in enumerate(INTRODUCTION_STATUSES)})
    return board.assign(_rank=rank).sort_values(["_rank", "since", "id"], ascending=[True, False, True],
                                                kind="stable").drop(columns="_rank").reset_index(drop=True)


def circle_of(view: NetworkView, person: str, top: int = 12) -> tuple[str | None, pd.DataFrame]:
    """The circle ``person`` belongs to and its other members, your strongest ties first."""
    if person not in view.nodes.index:
        return None, view.nodes.iloc[:0]
    c = view.nodes.at[person, "circle"]
    members = view.nodes[(view.nodes["circle"] == c) & (view.nodes.index != person)]
    members = members.assign(knows=[view.graph.has_edge(person, m) for m in members.index])
    members = members.sort_values(["knows", "strength"], ascending=False, kind="stable").head(top)
    return view.circle_names.get(c), members[["name", "role", "knows", "strength"]]


# -- warm paths ---------------------------------------------------------------------------


def path_steps(path, P: Projection) -> list[dict[str, Any]]:
    """One row per hop of a warm path: from, to, tie strength (0–100)."""
    return [{"from": "you" if a == P.owner else name_of(P, a), "to": name_of(P, b), "strength": round(100 * s)}
            for a, b, s in zip(path.people, path.people[1:], path.strengths)]


# -- Cypher ------------------------------------------------------------------------------

def results_frame(result: cypher.QueryResult) -> pd.DataFrame:
    """A query's rows as a table of plain values (nodes and lists as JSON-like text)."""
    rows = [[_cell(cypher.to_plain(v)) for v in row] for row in result.rows]
    return pd.DataFrame(rows, columns=_unique(result.columns))


def _unique(columns: list[str]) -> list[str]:
    seen: Counter = Counter()
    out = []
    for c in columns:
        seen[c] += 1
        out.append(c if seen[c] == 1 else f"{c} ({seen[c]})")
    return out


def _cell(value):
    if isinstance(value, (dict, list)):
        import json

        return json.dumps(value, ensure_ascii=False, default=str)
    return value


@dataclass
class ResultGraph:
    nodes: dict[str, dict]     # element id -> {"label": ..., "kind": first label, "props": {...}}
    edges: list[tuple[str, str, str]]  # (from element id, to element id, type)


def result_graph(result: cypher.QueryResult) -> ResultGraph:
    """The nodes and relationships a query returned (also inside paths and lists), to draw."""
    graph = ResultGraph({}, [])
    for row in result.rows:
        for value in row:
            _collect(value, graph)
    return graph


def _collect(value, graph: ResultGraph) -> None:
    # Keyed by element id, which is stable within one result (a relationship's end nodes may
    # arrive without their properties; the full node, when returned too, fills them in).
    if isinstance(value, Node):
        props = dict(cypher.to_plain(value))
        kind = (props.pop("_labels") or ["?"])[0]
        known = graph.nodes.get(value.element_id)
        if known is None or (props and not known["props"]):
            graph.nodes[value.element_id] = {"label": str(props.get("name") or props.get("id") or kind),
                                             "kind": kind, "props": props}
    elif isinstance(value, Relationship):
        for end in (value.start_node, value.end_node):
            if end is not None:
                _collect(end, graph)
        if value.start_node is not None and value.end_node is not None:
            graph.edges.append((value.start_node.element_id, value.end_node.element_id, value.type))
    elif isinstance(value, Path):
        for node in value.nodes:
            _collect(node, graph)
        for rel in value.relationships:
            _collect(rel, graph)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _collect(v, graph)
    elif isinstance(value, dict):
        for v in value.values():
            _collect(v, graph)


def overdue_text(overdue_days) -> str:
    """'3 days over', 'in 5 days', 'today'; '' for a contact with no rhythm yet (no history)."""
    if overdue_days is None or pd.isna(overdue_days):
        return ""
    overdue = int(overdue_days)
    return f"{overdue} days over" if overdue > 0 else f"in {-overdue} days" if overdue < 0 else "today"
