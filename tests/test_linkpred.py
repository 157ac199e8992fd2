"""analytics.linkpred: the indices equal networkx's, top_k equals a brute force, combined earns
its keep on held-out edges. Pure functions on small graphs; no database, deterministic."""

from __future__ import annotations

import doctest
import math
from itertools import combinations

import networkx as nx
import numpy as np
import pytest

from analytics import evaluation, linkpred
from analytics.evaluation import auc, holdout_auc
from analytics.linkpred import fit_combined, hide_edges, sample_non_edges, score, top_k

NX_INDEX = {
    "jaccard": nx.jaccard_coefficient,
    "adamic_adar": nx.adamic_adar_index,
    "resource_allocation": nx.resource_allocation_index,
    "preferential_attachment": nx.preferential_attachment,
}


def nx_scores(G, pairs, method):
    if method == "common_neighbors":
        return np.array([len(nx.common_neighbors(G, u, v)) for u, v in pairs], dtype=float)
    return np.array([p for _, _, p in NX_INDEX[method](G, pairs)], dtype=float)


def with_isolated_and_pendant():
    G = nx.karate_club_graph()
    G.add_node("loner")  # isolated
    G.add_edge(33, "leaf")  # degree 1
    G.add_edge("leaf2", "leaf3")  # a component of two degree-1 nodes
    return G


def les_miserables_unweighted():
    L = nx.les_miserables_graph()
    G = nx.Graph()
    G.add_nodes_from(L)
    G.add_edges_from(L.edges())
    return G


GRAPHS = {
    "karate": nx.karate_club_graph,
    "path": lambda: nx.path_graph(7),
    "star": lambda: nx.star_graph(6),
    "isolated+pendant": with_isolated_and_pendant,
    "les_miserables": les_miserables_unweighted,
    "powerlaw_cluster": lambda: nx.powerlaw_cluster_graph(120, 3, 0.3, seed=4),
}


# --------------------------------------------------------------------------------------------
# the classic indices equal networkx's


@pytest.mark.parametrize("graph", GRAPHS)
@pytest.mark.parametrize("method", linkpred.CLASSIC_METHODS)
def test_classic_indices_equal_networkx(graph, method):
    G = GRAPHS[graph]()
    pairs = list(combinations(G, 2))  # every pair: edges, non-edges, isolated nodes
    got = score(G, pairs, method)
    assert got.dtype == np.float64 and got.shape == (len(pairs),)
    np.testing.assert_allclose(got, nx_scores(G, pairs, method), rtol=0, atol=1e-9)


def test_hand_computed_five_node_graph():
    #   0 — 1 — 3 — 4        degrees: 0:2, 1:3, 2:3, 3:3, 4:1
    #    \  |  /
    #     \ | /
    #       2
    G = nx.Graph([(0, 1), (0, 2), (1, 2), (1, 3), (2, 3), (3, 4)])
    pairs = [(0, 3), (1, 4), (0, 4), (4, 2)]
    ln3 = math.log(3)
    expected = {
        "common_neighbors": [2, 1, 0, 1],
        "resource_allocation": [2 / 3, 1 / 3, 0, 1 / 3],
        "adamic_adar": [2 / ln3, 1 / ln3, 0, 1 / ln3],
        "jaccard": [2 / 3, 1 / 3, 0, 1 / 3],  # (0,3): {1,2} / {1,2,4}; (0,4): 0 / {1,2,3}
        "preferential_attachment": [6, 3, 2, 3],
    }
    for method, values in expected.items():
        np.testing.assert_allclose(score(G, pairs, method), values, rtol=0, atol=1e-12)


def test_katz_equals_explicit_matrix_power_sum():
    G = nx.Graph([(0, 1), (1, 2), (2, 0), (2, 3), (3, 4), (5, 6)])  # two components
    G.add_node(7)
    A = nx.to_numpy_array(G, nodelist=list(G), weight=None)
    lam = np.linalg.eigvalsh(A)[-1]
    pairs = list(combinations(G, 2))
    pos = {u: i for i, u in enumerate(G)}
    for beta, length in [(None, 4), (0.1, 4), (0.3, 1), (0.3, 2), (0.3, 3), (0.2, 5)]:
        b = 0.5 / lam if beta is None else beta
        K = sum(b**p * np.linalg.matrix_power(A, p) for p in range(1, length + 1))
        expected = [K[pos[u], pos[v]] for u, v in pairs]
        got = score(G, pairs, "katz", beta=beta, max_length=length)
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)
    assert linkpred.katz_beta(G) == pytest.approx(0.5 / lam)
    with pytest.raises(ValueError, match="beta"):
        score(G, pairs, "katz", beta=1.01 / lam)


def test_katz_on_a_larger_graph_matches_dense_powers():
    G = nx.powerlaw_cluster_graph(400, 3, 0.3, seed=7)
    A = nx.to_numpy_array(G, nodelist=list(G), weight=None)
    b = 0.5 / np.linalg.eigvalsh(A)[-1]
    K = sum(b**p * np.linalg.matrix_power(A, p) for p in range(1, 5))
    rng = np.random.default_rng(3)
    iu = rng.integers(0, 400, 500)
    iv = (iu + rng.integers(1, 400, 500)) % 400
    pairs = list(zip(iu.tolist(), iv.tolist()))
    np.testing.assert_allclose(score(G, pairs, "katz"), K[iu, iv], rtol=1e-9)


def test_chunked_pair_scoring_gives_the_same_answer(monkeypatch):
    G = nx.powerlaw_cluster_graph(200, 3, 0.3, seed=2)
    pairs = list(combinations(G, 2))[::7]
    whole = {m: score(G, pairs, m) for m in linkpred.SINGLE_METHODS}
    monkeypatch.setattr(linkpred, "_PAIR_CHUNK", 17)
    monkeypatch.setattr(linkpred, "_KATZ_CHUNK", 13)
    for method, values in whole.items():
        np.testing.assert_allclose(score(G, pairs, method), values, rtol=1e-12)


def test_graph_is_read_as_simple_undirected_unweighted():
    G = nx.karate_club_graph()  # has 'weight' attributes, which are ignored
    pairs = list(combinations(G, 2))[:300]
    D = nx.DiGraph()
    D.add_nodes_from(G)
    for u, v in G.edges():  # one direction only, arbitrary
        D.add_edge(*((u, v) if (u + v) % 2 else (v, u)))
    M = nx.MultiGraph(G)
    M.add_edges_from(list(G.edges())[:20])  # parallel edges
    S = G.copy()
    S.add_edges_from([(0, 0), (5, 5)])  # self-loops
    for method in linkpred.SINGLE_METHODS:
        base = score(G, pairs, method)
        for other in (D, M, S):
            np.testing.assert_allclose(score(other, pairs, method), base, rtol=1e-12)


def test_errors_are_clear():
    G = nx.karate_club_graph()
    with pytest.raises(ValueError, match="unknown link-prediction method 'nope'"):
        score(G, [(0, 1)], "nope")
    with pytest.raises(ValueError, match="node 99 is not in G"):
        score(G, [(0, 1), (99, 1)], "jaccard")
    with pytest.raises(ValueError, match="node 'x' is not in G"):
        score(G, [(0, "x")], "katz")
    with pytest.raises(ValueError, match="itself"):
        score(G, [(3, 3)], "common_neighbors")
    with pytest.raises(ValueError, match="unknown top_k method 'jaccard'"):
        top_k(G, 3, "jaccard")
    with pytest.raises(ValueError, match="k must be"):
        top_k(G, -1)
    assert score(G, [], "adamic_adar").shape == (0,)


# --------------------------------------------------------------------------------------------
# top_k equals a brute force over every non-edge


def brute_top_k(G, k, method):
    pos = {u: i for i, u in enumerate(G)}
    fn = {
        "common_neighbors": lambda pairs: [
            (u, v, len(nx.common_neighbors(G, u, v))) for u, v in pairs
        ],
        "adamic_adar": lambda pairs: nx.adamic_adar_index(G, pairs),
        "resource_allocation": lambda pairs: nx.resource_allocation_index(G, pairs),
    }[method]
    cand = {u: [] for u in G}
    for u, v, p in fn(list(nx.non_edges(G))):
        if p > 0:
            cand[u].append((v, p))
            cand[v].append((u, p))
    res_ = linkpred.TIE_RESOLUTION
    return {
        u: sorted(c, key=lambda t: (-round(t[1] / res_), pos[t[0]]))[:k] for u, c in cand.items()
    }


@pytest.mark.parametrize(
    "graph",
    ["karate", "powerlaw_cluster_300", "les_miserables", "isolated+pendant", "star"],
)
@pytest.mark.parametrize("method", linkpred.TOP_K_METHODS)
@pytest.mark.parametrize("k", [1, 5, 10])
def test_top_k_equals_brute_force(graph, method, k):
    G = {
        "karate": nx.karate_club_graph,
        "powerlaw_cluster_300": lambda: nx.powerlaw_cluster_graph(300, 3, 0.3, seed=1),
        **GRAPHS,
    }[graph]()
    got = top_k(G, k, method)
    want = brute_top_k(G, k, method)
    assert list(got) == list(G)
    for u in G:
        assert [v for v, _ in got[u]] == [v for v, _ in want[u]], u
        np.testing.assert_allclose([s for _, s in got[u]], [s for _, s in want[u]], atol=1e-9)
        assert all(type(s) is float for _, s in got[u])


def test_top_k_small_blocks_give_the_same_answer(monkeypatch):
    G = nx.powerlaw_cluster_graph(300, 3, 0.3, seed=1)
    whole = top_k(G, 7, "adamic_adar")
    monkeypatch.setattr(linkpred, "_BLOCK_WORK", 500)
    monkeypatch.setattr(linkpred, "_BLOCK_ROWS", 13)
    assert top_k(G, 7, "adamic_adar") == whole


def test_top_k_ties_are_ranked_by_node_order():
    G = nx.star_graph(["hub", "c", "a", "d", "b"])  # hub + 4 leaves: every leaf pair scores 1/4
    G.add_edge("x", "c")
    res = top_k(G, 2, "resource_allocation")
    assert res["a"] == [("c", 0.25), ("d", 0.25)]  # list(G) order: hub, c, a, d, b, x
    assert res["x"] == [("hub", 0.5)]
    assert res["hub"] == [("x", 0.5)]
    assert top_k(G, 0) == {u: [] for u in G}
    assert top_k(nx.empty_graph(3), 4) == {0: [], 1: [], 2: []}
    assert top_k(nx.Graph(), 4) == {}


# --------------------------------------------------------------------------------------------
# held-out evaluation and combined


def test_auc_is_mann_whitney():
    assert auc([3, 2], [1, 0]) == 1.0
    assert auc([0], [1, 2]) == 0.0
    assert auc([1, 1], [1, 0]) == 0.75
    rng = np.random.default_rng(0)
    pos = rng.integers(0, 6, 40).astype(float)
    neg = rng.integers(0, 5, 70).astype(float)
    brute = np.mean([(p > q) + 0.5 * (p == q) for p in pos for q in neg])
    assert auc(pos, neg) == pytest.approx(brute, abs=1e-12)
    with pytest.raises(ValueError):
        auc([], [1.0])


def test_splits_are_seeded_and_valid():
    G = nx.powerlaw_cluster_graph(200, 3, 0.2, seed=5)
    Gt, hidden = hide_edges(G, 0.1, seed=3)
    assert len(hidden) == round(0.1 * G.number_of_edges())
    assert Gt.number_of_edges() + len(hidden) == G.number_of_edges()
    assert set(Gt) == set(G) and all(G.has_edge(u, v) and not Gt.has_edge(u, v) for u, v in hidden)
    assert hide_edges(G, 0.1, seed=3)[1] == hidden != hide_edges(G, 0.1, seed=4)[1]
    neg = sample_non_edges(G, 500, seed=3)
    assert len(neg) == len(set(neg)) == 500
    assert not any(G.has_edge(u, v) or u == v for u, v in neg)
    assert sample_non_edges(G, 500, seed=3) == neg
    big = nx.powerlaw_cluster_graph(3000, 2, 0.1, seed=1)  # the rejection-sampling path
    neg = sample_non_edges(big, 2000, seed=1)
    assert len({frozenset(p) for p in neg}) == 2000
    assert not any(big.has_edge(u, v) or u == v for u, v in neg)
    assert len(sample_non_edges(nx.complete_graph(5), 3)) == 0


def test_combined_is_deterministic_and_is_fit_then_score():
    G = nx.karate_club_graph()
    m1, m2 = fit_combined(G, seed=0), fit_combined(G, seed=0)
    np.testing.assert_array_equal(m1.weights, m2.weights)
    assert m1.intercept == m2.intercept
    assert m1.feature_names == linkpred.FEATURES and m1.weights.shape == (len(linkpred.FEATURES),)
    assert m1.n_positive == m1.n_negative > 0
    pairs = list(nx.non_edges(G))
    np.testing.assert_array_equal(score(G, pairs, "combined"), m1.score(G, pairs))
    assert not np.array_equal(fit_combined(G, seed=1).weights, m1.weights)
    p = m1.probability(G, pairs)
    assert ((p > 0) & (p < 1)).all()
    with pytest.raises(ValueError, match="at least 2 edges"):
        fit_combined(nx.Graph([(0, 1)]))
    with pytest.raises(ValueError, match="non-edge"):
        fit_combined(nx.complete_graph(6))


def stochastic_block_model():
    sizes = [60, 60, 60, 60]
    probs = [[0.25 if i == j else 0.02 for j in range(4)] for i in range(4)]
    return nx.stochastic_block_model(sizes, probs, seed=3)


@pytest.mark.parametrize(
    "graph, repeats",
    [
        ("karate", 20),  # 78 edges: 8 held out per split, so average many splits
        ("powerlaw_cluster_1000", 3),
        ("les_miserables", 10),
        ("stochastic_block_model", 3),
    ],
)
def test_combined_beats_every_single_index_on_held_out_edges(graph, repeats):
    G = {
        "karate": nx.karate_club_graph,
        "powerlaw_cluster_1000": lambda: nx.powerlaw_cluster_graph(1000, 4, 0.2, seed=2),
        "les_miserables": les_miserables_unweighted,
        "stochastic_block_model": stochastic_block_model,
    }[graph]()
    # evaluation splits use seeds 1000, 1001, …; combined's inner split uses seed 0
    result = holdout_auc(G, linkpred.METHODS, fraction=0.1, seed=1000, repeats=repeats)
    best = max(result[m] for m in linkpred.SINGLE_METHODS)
    assert result["combined"] >= best, result
    assert holdout_auc(G, ["combined"], seed=1000, repeats=1)["combined"] == holdout_auc(
        G, ["combined"], seed=1000, repeats=1
    )["combined"]


def test_docstring_examples():
    for module in (linkpred, evaluation):
        failed, tried = doctest.testmod(module, extraglobs={"nx": nx}, verbose=False)[:2]
        assert tried > 0 and failed == 0
