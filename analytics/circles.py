"""Circles and brokers: the groups your contacts form, and who bridges them.

- **Circles** are communities found by Louvain modularity optimisation (Blondel,
  Guillaume, Lambiotte & Lefebvre 2008, "Fast unfolding of communities in large
  networks", J. Stat. Mech.), seeded so the same graph always gives the same circles.
- **Brokers** sit between circles. Betweenness centrality (Freeman 1977) counts the
  shortest paths through a person; Burt's constraint (low = spans structural holes)
  and effective size (non-redundant contacts) come from Burt 1992, *Structural Holes*:

      constraint(i)     = Σ_j (p_ij + Σ_q p_iq p_qj)²     p_ij = proportion of i's ties spent on j
      effective_size(i) = n_i − 2 t_i / n_i               t_i = ties among i's contacts

Ties are stated and inferred ones (``analytics.ties``): callers pass a graph of the ties from
``KNOWS_THRESHOLD`` on (reports.build.strength_graph weighs an inferred tie by its confidence,
which Louvain reads through ``weight``). Edges that carry ``inferred`` are counted in the
explanations: a circle's name and ``tie_note`` say how many of its ties Kith inferred.
"""

from __future__ import annotations

from collections import Counter

import networkx as nx
import pandas as pd

from analytics import ties as ties_mod


def circles(G: nx.Graph, *, seed: int = 42, resolution: float = 1.0, weight: str | None = "strength") -> dict:
    """Map each node to a circle number (0 = the largest circle). Isolated nodes get their own.

    >>> G = nx.Graph([(1, 2), (2, 3), (1, 3), (4, 5), (5, 6), (4, 6), (3, 4)])
    >>> c = circles(G, weight=None)
    >>> c[1] == c[2] == c[3] and c[4] == c[5] == c[6] and c[1] != c[4]
    True
    """
    if G.number_of_nodes() == 0:
        return {}
    found = nx.community.louvain_communities(G, weight=weight, resolution=resolution, seed=seed)
    ordered = sorted(found, key=lambda c: (-len(c), min(map(str, c))))
    return {node: i for i, members in enumerate(ordered) for node in members}


def name_circles(member: dict, people: pd.DataFrame, G: nx.Graph | None = None) -> dict[int, str]:
    """Name each circle after what its people share most: a how-met tag and a company.

    'Circle 3' means nothing to a person; 'ex-colleague · Bluepeak Health (41)' does. The
    company is named only when at least a quarter of the circle (and two people) work there.
    ``people``: index person id, columns ``tags`` (lists) and ``company``. The circles report
    and the dashboard's Network page both name circles with this.

    >>> people = pd.DataFrame({"tags": [["school"], ["school", "climbing"], ["family"]],
    ...                        "company": ["Acme", "Acme", None]}, index=["a", "b", "c"])
    >>> name_circles({"a": 0, "b": 0, "c": 1}, people)
    {0: 'school · Acme (2)', 1: 'family (1)'}

    With ``G`` (edges marked ``inferred``), a circle some of whose ties Kith inferred says how many:

    >>> name_circles({"a": 0, "b": 0, "c": 1}, people, nx.Graph([("a", "b", {"inferred": True})]))
    {0: 'school · Acme (2; 1 tie inferred)', 1: 'family (1)'}
    """
    by_circle: dict[int, list] = {}
    for person, c in member.items():
        by_circle.setdefault(c, []).append(person)
    names = {}
    for c, members in by_circle.items():
        rows = people.reindex(members)
        tags = Counter(t for ts in rows["tags"] if isinstance(ts, list) for t in ts)
        companies = Counter(x for x in rows["company"] if isinstance(x, str) and x)
        bits = [tags.most_common(1)[0][0]] if tags else []
        if companies and companies.most_common(1)[0][1] >= max(2, len(members) // 4):
            bits.append(companies.most_common(1)[0][0])
        inferred = ties_mod.count_ties(G, members)[1] if G is not None else 0
        note = f"; {inferred} tie{'s' * (inferred != 1)} inferred" if inferred else ""
        names[c] = f"{' · '.join(bits) or 'mixed'} ({len(members)}{note})"
    return names


def tie_note(G: nx.Graph, members=None, *, node=None) -> str | None:
    """The sentence saying how many ties Kith inferred: of a circle (``members``) or of one
    person (``node``, e.g. a broker), None when all are stated or from history.

    >>> G = nx.Graph([("a", "b", {"inferred": True}), ("a", "c", {}), ("b", "c", {})])
    >>> tie_note(G, ["a", "b", "c"])
    '1 of its 3 ties is inferred from interactions they were on together'
    >>> tie_note(G, node="a")
    '1 of their 2 ties is inferred from interactions they were on together'
    """
    if node is not None:
        edges = list(G.edges(node, data="inferred", default=False)) if node in G else []
        return ties_mod.inferred_phrase(sum(bool(i) for _, _, i in edges), len(edges), "their")
    total, inferred = ties_mod.count_ties(G, members)
    return ties_mod.inferred_phrase(inferred, total, "its")


def brokers(G: nx.Graph, *, k: int | None = None, seed: int = 42) -> pd.DataFrame:
    """Per node: betweenness, constraint and effective size, best brokers first.

    ``k`` samples that many pivots for betweenness on large graphs (Brandes 2008).
    """
    if G.number_of_nodes() == 0:
        return pd.DataFrame(columns=["node", "betweenness", "constraint", "effective_size", "degree"])
    sample = k if k is not None and k < G.number_of_nodes() else None
    betweenness = nx.betweenness_centrality(G, k=sample, seed=seed, normalized=True)
    connected = [n for n in G if G.degree(n) > 0]
    constraint = nx.constraint(G, nodes=connected)
    effective = nx.effective_size(G, nodes=connected)
    table = pd.DataFrame({
        "node": list(G.nodes),
        "betweenness": [betweenness[n] for n in G],
        "constraint": [constraint.get(n, float("nan")) for n in G],
        "effective_size": [effective.get(n, float("nan")) for n in G],
        "degree": [G.degree(n) for n in G],
    })
    return table.sort_values(["betweenness", "effective_size"], ascending=False, kind="stable").reset_index(drop=True)
