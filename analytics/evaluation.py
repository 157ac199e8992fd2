"""How well a link predictor ranks edges it was not shown: held-out AUC.

Pure functions, seeded; no database calls.
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx
import numpy as np
from scipy.stats import rankdata

from analytics import linkpred

__all__ = ["auc", "holdout_auc"]


def auc(pos: Iterable[float], neg: Iterable[float]) -> float:
    r"""Area under the ROC curve of scores ``pos`` (true links) against ``neg`` (non-links).

    The Mann–Whitney statistic: the probability that a random positive outscores a random
    negative, a tie counting one half,

    .. math:: \mathrm{AUC} = \frac{1}{|P||N|}\sum_{p \in P}\sum_{q \in N}
              \big([s_p > s_q] + \tfrac12 [s_p = s_q]\big)
              = \frac{R_P - |P|(|P|+1)/2}{|P||N|},

    with :math:`R_P` the sum of the positives' ranks (mid-ranks for ties) among all scores
    (Hanley & McNeil 1982). O(N log N).

    >>> auc([3, 2], [1, 0])
    1.0
    >>> auc([1, 1], [1, 0])
    0.75
    """
    pos, neg = _floats(pos), _floats(neg)
    if pos.size == 0 or neg.size == 0:
        raise ValueError("auc needs at least one positive and one negative score")
    ranks = rankdata(np.concatenate([pos, neg]))
    r_pos = ranks[: pos.size].sum()
    return float((r_pos - pos.size * (pos.size + 1) / 2) / (pos.size * neg.size))


def _floats(x: Iterable[float]) -> np.ndarray:
    return np.asarray(x if isinstance(x, (np.ndarray, list, tuple)) else list(x), float).ravel()


def holdout_auc(
    G: nx.Graph,
    methods: Iterable[str] = linkpred.METHODS,
    *,
    fraction: float = 0.1,
    seed: int = 1000,
    repeats: int = 1,
    negatives_per_positive: int = 10,
    fit_seed: int = 0,
) -> dict[str, float]:
    """Mean held-out AUC of each method on G.

    For each of ``repeats`` splits (seeds ``seed``, ``seed + 1``, …): hide ``fraction`` of G's
    edges (``linkpred.hide_edges``), score the hidden edges (positives) and
    ``negatives_per_positive`` times as many random non-edges of G (negatives) on the graph
    that is left, and take the AUC. ``combined`` is fitted on that graph alone, with
    ``fit_seed`` for its own inner split, so it never sees the held-out edges; keep ``seed``
    away from ``fit_seed`` so the two splits differ.

    >>> scores = holdout_auc(nx.karate_club_graph(), ["common_neighbors", "resource_allocation"])
    >>> sorted(scores)
    ['common_neighbors', 'resource_allocation']
    """
    methods = list(methods)
    for method in methods:
        if method not in linkpred.METHODS:
            raise ValueError(f"unknown link-prediction method {method!r}")
    total = dict.fromkeys(methods, 0.0)
    for r in range(repeats):
        G_train, hidden = linkpred.hide_edges(G, fraction, seed=seed + r)
        negatives = linkpred.sample_non_edges(
            G, negatives_per_positive * len(hidden), seed=seed + r
        )
        pairs = hidden + negatives
        for method in methods:
            s = linkpred.score(G_train, pairs, method, seed=fit_seed)
            total[method] += auc(s[: len(hidden)], s[len(hidden) :])
    return {method: total[method] / repeats for method in methods}
