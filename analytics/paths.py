"""Warm paths: the best chain of people to reach someone you do not know well.

An introduction travels best along strong ties, so a path's value is the
product of its ties' strengths (each 0–1), not its number of hops:

    value(path) = Π strength(e)         for e in path
    best path   = argmax value = argmin Σ −log strength(e)

(equivalently, the shortest path under edge weights ``−log s``; Granovetter 1973 on weak ties
carrying new information; Lin, Ensel & Vaughn 1981, "Social Resources and
Strength of Ties", on reaching further through stronger contacts). Paths are
limited to ``max_hops`` (third degree by default: you → A → B → target).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import networkx as nx

MIN_STRENGTH = 0.01  # a tie weaker than this cannot carry an introduction


@dataclass
class WarmPath:
    people: list       # owner first, target last
    strengths: list    # one per hop, 0–1
    value: float       # their product

    @property
    def ask(self):
        """Who to ask: the first person after the owner."""
        return self.people[1] if len(self.people) > 2 else None


def warm_paths(G: nx.Graph, source, target, *, max_hops: int = 3, k: int = 3,
               weight: str = "strength") -> list[WarmPath]:
    """The ``k`` best simple paths from ``source`` to ``target`` with at most ``max_hops`` hops.

    ``G``'s edges carry ``weight`` in [0, 1]. Returns [] if the target is out of reach.

    >>> G = nx.Graph()
    >>> G.add_edge("me", "a", strength=0.9); G.add_edge("a", "t", strength=0.8)
    >>> G.add_edge("me", "t", strength=0.1)
    >>> [p.people for p in warm_paths(G, "me", "t", k=2)]
    [['me', 'a', 't'], ['me', 't']]
    """
    if source not in G or target not in G:
        raise ValueError(f"{source if source not in G else target!r} is not in the network")
    if source == target:
        return []
    strength = {}
    for u, v, s in G.edges(data=weight, default=0.0):
        if s is not None and s >= MIN_STRENGTH:
            strength[frozenset((u, v))] = min(float(s), 1.0)
    H = nx.Graph(tuple(e) for e in strength if len(e) == 2)
    if source not in H or target not in H:
        return []
    # Within three hops the simple paths are few enough to score them all: exact, not heuristic.
    found = []
    for path in nx.all_simple_paths(H, source, target, cutoff=max_hops):
        hops = [strength[frozenset(e)] for e in zip(path, path[1:])]
        found.append(WarmPath(path, hops, math.prod(hops)))
    found.sort(key=lambda p: (-p.value, len(p.people), [str(x) for x in p.people]))
    return found[:k]
