"""Where each person sits on the network picture: circles laid out apart, people within them.

A force-directed layout of the whole graph is what people expect, but networkx's takes
13 s for 2,000 people (its large-graph path loops in Python). Laying out each circle on its
own (small graphs are fast) and then placing the circles by how tied they are to each other
takes well under a second, and makes the circles themselves visible: a "group-in-a-box"
layout (Rodrigues et al. 2011) with a force-directed placement of the groups.
"""

from __future__ import annotations

import math
from collections import defaultdict

import networkx as nx
import numpy as np

LONERS = "loners"  # people with no tie to anyone else in the picture: one grid together


def circle_layout(G: nx.Graph, circles: dict, *, seed: int = 7) -> dict:
    """Positions ``{node: (x, y)}`` for every node of ``G``; deterministic for a given seed.

    ``circles`` maps nodes to a circle (e.g. ``analytics.circles.circles``); edges may carry
    ``strength`` (0–1), which pulls tied people closer.
    """
    groups: dict = defaultdict(list)
    for node in G:
        group = LONERS if G.degree(node) == 0 else circles.get(node, LONERS)
        groups[group].append(node)

    local, radius = {}, {}
    for group, members in groups.items():
        members.sort(key=str)  # set order varies between runs; the layout must not
        if group == LONERS:
            pos = _grid(members)
        elif len(members) == 1:
            pos = {members[0]: np.zeros(2)}
        else:
            # k twice networkx's default spreads a tight circle out so its people can be told apart.
            pos = nx.spring_layout(G.subgraph(members), weight="strength", seed=seed, k=2 / math.sqrt(len(members)))
        # A circle's disc grows with the square root of its size, so density stays even.
        r = math.sqrt(len(members))
        local[group] = {n: np.asarray(p, dtype=float) * r for n, p in pos.items()}
        radius[group] = r

    centres = _place_groups(G, groups, radius, seed)
    return {n: tuple(centres[g] + p) for g, pos in local.items() for n, p in pos.items()}


def _grid(members: list) -> dict:
    side = max(1, math.ceil(math.sqrt(len(members))))
    step = 2.0 / side
    return {n: np.array([-1 + step * (i % side + 0.5), -1 + step * (i // side + 0.5)]) for i, n in enumerate(members)}


def _place_groups(G: nx.Graph, groups: dict, radius: dict, seed: int) -> dict:
    """Centres for the circles: a spring layout of the circle graph, spread until discs clear."""
    of = {n: g for g, members in groups.items() for n in members}
    Q = nx.Graph()
    Q.add_nodes_from(sorted(groups, key=str))
    for a, b in G.edges():
        ga, gb = of[a], of[b]
        if ga != gb:
            w = Q.get_edge_data(ga, gb, {"weight": 0})["weight"]
            Q.add_edge(ga, gb, weight=w + 1)
    if len(Q) <= 1:  # no circle (only you in the graph) or one: nothing to arrange
        return {g: np.zeros(2) for g in Q}
    pos = nx.spring_layout(Q, weight="weight", seed=seed)
    keys = list(Q)
    r = np.array([radius[g] for g in keys])
    # Blow the arrangement up to about the discs' total area, then push overlapping discs
    # apart a little at a time (a few dozen circles: cheap, and neighbours stay neighbours).
    xy = np.array([pos[g] for g in keys]) * math.sqrt(float(np.sum(r ** 2))) * 0.7
    need = (r[:, None] + r[None, :]) * 1.1
    for _ in range(200):
        delta = xy[:, None, :] - xy[None, :, :]
        d = np.linalg.norm(delta, axis=-1)
        np.fill_diagonal(d, np.inf)
        overlap = np.clip(need - d, 0, None)
        if not overlap.any():
            break
        unit = delta / np.maximum(d, 1e-9)[..., None]
        xy += 0.5 * np.sum(unit * overlap[..., None], axis=1)
    return {g: xy[i] for i, g in enumerate(keys)}


def ego_layout(G: nx.Graph, ego, nodes, *, circles: dict | None = None, seed: int = 7) -> dict:
    """A fresh layout of one person's network: ``ego`` at (0, 0), each step away a ring further out.

    Not the global picture filtered: around one person what matters is who is one, two or
    three steps from them, so people start on rings by distance (grouped by ``circles`` along
    each ring, so a circle stays together) and a spring layout with ``ego`` pinned lets ties
    pull them together. ``nodes``: who is shown (``ego`` among them); anyone not reachable from
    ``ego`` inside them goes on an outer ring. Past ``SPRING_MAX`` people the rings alone are
    used (networkx's spring layout gets slow). Deterministic for a given seed.
    """
    nodes = sorted(set(nodes) | {ego}, key=str)
    sub = G.subgraph(nodes)
    dist = nx.single_source_shortest_path_length(sub, ego) if ego in sub else {ego: 0}
    outer = max(dist.values(), default=0) + 1
    rings: dict[int, list] = defaultdict(list)
    for n in nodes:
        rings[dist.get(n, outer)].append(n)
    circles = circles or {}
    pos = {ego: np.zeros(2)}
    for r, members in rings.items():
        if r == 0:
            continue
        members.sort(key=lambda n: (str(circles.get(n, "")), str(n)))
        angles = 2 * math.pi * np.arange(len(members)) / len(members)
        for n, a in zip(members, angles):
            pos[n] = np.array([r * math.cos(a), r * math.sin(a)])
    if 2 < len(nodes) <= SPRING_MAX:
        pos = nx.spring_layout(sub, pos=pos, fixed=[ego], weight="strength", seed=seed, iterations=60,
                               k=2 / math.sqrt(len(nodes)))
    return {n: (float(p[0]), float(p[1])) for n, p in pos.items()}


SPRING_MAX = 600
