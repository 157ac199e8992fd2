"""Link prediction: which two people in the owner's network probably know each other, or should.

Every algorithm here is a pure function of a networkx graph: no database calls, no global state,
and every random choice comes from a seeded ``numpy.random.Generator``, so the same graph and
seed always give the same numbers.

The graph is read as a **simple undirected unweighted** graph on the same nodes: edge directions
are dropped (an edge either way joins the two people), parallel edges count once, edge weights
are ignored and self-loops are removed. On a simple ``nx.Graph`` the classic indices are exactly
networkx's (``nx.common_neighbors``, ``nx.jaccard_coefficient``, ``nx.adamic_adar_index``,
``nx.resource_allocation_index``, ``nx.preferential_attachment``); the tests hold them to 1e-9.

Everything is computed with sparse matrices. With ``A`` the adjacency matrix, ``d`` the degrees
and ``W`` a diagonal matrix of weights on the common neighbour, the neighbourhood indices are
entries of ``A W A``::

    common_neighbors      W = I                    (A A)_uv   = |Γ(u) ∩ Γ(v)|
    resource_allocation   W = D⁻¹                  (A D⁻¹ A)_uv = Σ_{w ∈ Γ(u) ∩ Γ(v)} 1/d_w
    adamic_adar           W = diag(1/log d)        Σ_{w ∈ Γ(u) ∩ Γ(v)} 1/log d_w

For a list of pairs only the needed entries are computed (row ``u`` of ``A`` dotted with row
``v`` of ``A W``); ``top_k`` multiplies whole blocks of rows.

References
----------
.. [1] D. Liben-Nowell, J. Kleinberg. The link-prediction problem for social networks.
       Journal of the American Society for Information Science and Technology 58(7), 2007.
.. [2] R. N. Lichtenwalter, J. T. Lussier, N. V. Chawla. New perspectives and methods in link
       prediction. KDD 2010.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from itertools import chain
from typing import Any

import networkx as nx
import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import ArpackNoConvergence, eigsh

from analytics.logistic import fit_ridge_logistic, sigmoid

__all__ = [
    "METHODS",
    "SINGLE_METHODS",
    "TOP_K_METHODS",
    "CombinedModel",
    "fit_combined",
    "hide_edges",
    "katz_beta",
    "sample_non_edges",
    "score",
    "top_k",
]

CLASSIC_METHODS = (
    "common_neighbors",
    "jaccard",
    "adamic_adar",
    "resource_allocation",
    "preferential_attachment",
)
#: Every index that is a formula of the graph (what ``combined`` learns to weigh).
SINGLE_METHODS = CLASSIC_METHODS + ("katz",)
#: Every method ``score`` accepts.
METHODS = SINGLE_METHODS + ("combined",)
#: The methods ``top_k`` can rank over all node pairs (the ``A W A`` ones).
TOP_K_METHODS = ("common_neighbors", "adamic_adar", "resource_allocation")

#: Katz: paths up to this length are summed.
KATZ_LENGTH = 4
#: Katz: the default damping is this fraction of 1/λ_max.
KATZ_BETA_FRACTION = 0.5

#: Scores closer than this are ties in ``top_k`` (and then ranked by node order).
TIE_RESOLUTION = 1e-9

_PAIR_CHUNK = 50_000  # pairs scored at once (bounds the memory of the gathered rows)
_KATZ_CHUNK = 10_000  # Katz: pairs at once (rows of A² at their endpoints are held)
_BLOCK_WORK = 1_000_000  # top_k: products (≈ entries of A·W·A) per block of rows
_BLOCK_ROWS = 4096  # top_k: at most this many rows per block
_HIST_SHIFT = 52 - 3  # top_k: histogram bins of 1/8 octave (float64 exponent + 3 mantissa bits)


# --------------------------------------------------------------------------------------------
# The graph as a sparse matrix


class _Adjacency:
    """``list(G)``, its positions, and the symmetric 0/1 CSR adjacency matrix (no diagonal)."""

    __slots__ = ("nodes", "index", "A", "deg", "_lambda")

    def __init__(self, nodes: list, index: dict, A: sp.csr_array):
        self.nodes = nodes
        self.index = index
        self.A = A
        self.deg = np.diff(A.indptr).astype(np.int64)
        self._lambda: float | None = None

    @property
    def n(self) -> int:
        return len(self.nodes)

    @classmethod
    def from_graph(cls, G: nx.Graph) -> _Adjacency:
        nodes = list(G)
        n = len(nodes)
        index = {u: i for i, u in enumerate(nodes)}
        nbrs = [G._adj[u] for u in nodes]  # successors for a DiGraph; keys once for a multigraph
        counts = np.fromiter(map(len, nbrs), dtype=np.int64, count=n)
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        nnz = int(indptr[-1])
        itype = np.int32 if max(n, nnz) < 2**31 - 1 else np.int64
        indices = np.fromiter(
            map(index.__getitem__, chain.from_iterable(nbrs)), dtype=itype, count=nnz
        )
        rows = np.repeat(np.arange(n, dtype=itype), counts)
        loops = indices == rows
        directed = G.is_directed()
        if not directed and not loops.any():  # the common case: already simple and symmetric
            A = sp.csr_array(
                (np.ones(nnz), indices, indptr.astype(itype)), shape=(n, n), copy=False
            )
            A.sort_indices()
        else:
            keep = ~loops
            rows, indices = rows[keep], indices[keep]
            if directed:
                rows, indices = np.concatenate([rows, indices]), np.concatenate([indices, rows])
            A = sp.coo_array((np.ones(rows.size), (rows, indices)), shape=(n, n)).tocsr()
            A.sum_duplicates()
            A.data[:] = 1.0
        return cls(nodes, index, A)

    def without_edges(self, ei: np.ndarray, ej: np.ndarray) -> _Adjacency:
        """The same nodes with only the edges ``(ei[k], ej[k])`` (each given once)."""
        n = self.n
        rows = np.concatenate([ei, ej])
        cols = np.concatenate([ej, ei])
        A = sp.coo_array((np.ones(rows.size), (rows, cols)), shape=(n, n)).tocsr()
        A.sum_duplicates()
        return _Adjacency(self.nodes, self.index, A)

    def edges(self) -> tuple[np.ndarray, np.ndarray]:
        """Every edge once, as positions ``i < j``, sorted."""
        rows = np.repeat(np.arange(self.n, dtype=np.int64), self.deg)
        cols = self.A.indices.astype(np.int64)
        upper = cols > rows
        return rows[upper], cols[upper]

    def positions(self, pairs: Iterable[tuple[Hashable, Hashable]]) -> tuple[np.ndarray, np.ndarray]:
        pairs = list(pairs)
        if not pairs:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        try:
            us, vs = zip(*pairs)
        except (TypeError, ValueError):
            raise ValueError("pairs must be (u, v) node pairs") from None
        if len(us) != len(pairs):
            raise ValueError("pairs must be (u, v) node pairs")
        try:
            iu = np.fromiter(map(self.index.__getitem__, us), dtype=np.int64, count=len(us))
            iv = np.fromiter(map(self.index.__getitem__, vs), dtype=np.int64, count=len(vs))
        except (KeyError, TypeError):
            missing = next(x for x in chain(us, vs) if not _contains(self.index, x))
            raise ValueError(f"node {missing!r} is not in G") from None
        same = np.flatnonzero(iu == iv)
        if same.size:
            u = us[same[0]]
            raise ValueError(f"pair ({u!r}, {u!r}) joins a node to itself")
        return iu, iv

    def lambda_max(self) -> float:
        """The largest eigenvalue of A (0 for a graph without edges)."""
        if self._lambda is None:
            self._lambda = _lambda_max(self.A)
        return self._lambda


def _contains(index: dict, x: Any) -> bool:
    try:
        return x in index
    except TypeError:
        return False


def _lambda_max(A: sp.csr_array) -> float:
    n = A.shape[0]
    if A.nnz == 0:
        return 0.0
    if n <= 256:
        return float(np.linalg.eigvalsh(A.toarray())[-1])
    try:
        top = eigsh(A, k=1, which="LA", v0=np.ones(n), return_eigenvectors=False)
        return float(top[0])
    except ArpackNoConvergence:
        return float(np.diff(A.indptr).max())  # an upper bound: β stays below 1/λ_max


def _weights(deg: np.ndarray, method: str) -> np.ndarray:
    """W's diagonal: what a common neighbour of degree d adds to the pair's score.

    A common neighbour of two distinct nodes has degree ≥ 2; nodes of degree < 2 get weight 0
    (they only ever close a walk u–w–u, which is never a candidate pair).
    """
    w = np.zeros(deg.size)
    ok = deg >= 2
    if method == "common_neighbors":
        w[ok] = 1.0
    elif method == "resource_allocation":
        w[ok] = 1.0 / deg[ok]
    elif method == "adamic_adar":
        w[ok] = 1.0 / np.log(deg[ok])
    else:  # pragma: no cover - callers check
        raise AssertionError(method)
    return w


def _rowdot(X: sp.csr_array, Y: sp.csr_array) -> np.ndarray:
    """Row-wise dot products of two sparse matrices of the same shape."""
    return np.asarray(X.multiply(Y).sum(axis=1), dtype=np.float64).ravel()


def _check_method(method: str, allowed: tuple[str, ...], what: str) -> None:
    if method not in allowed:
        raise ValueError(
            f"unknown {what} method {method!r}; expected one of: {', '.join(allowed)}"
        )


# --------------------------------------------------------------------------------------------
# The indices on pairs


def _awa(adj: _Adjacency, iu: np.ndarray, iv: np.ndarray, method: str) -> np.ndarray:
    """(A W A)_{uv} at the given pairs, in chunks."""
    A = adj.A
    AW = A @ sp.diags_array(_weights(adj.deg, method), format="csr")
    out = np.empty(iu.size)
    for s in range(0, iu.size, _PAIR_CHUNK):
        e = s + _PAIR_CHUNK
        out[s:e] = _rowdot(A[iu[s:e]], AW[iv[s:e]])
    return out


def _common_neighbors(adj, iu, iv):
    return _awa(adj, iu, iv, "common_neighbors")


def _jaccard(adj, iu, iv):
    cn = _common_neighbors(adj, iu, iv)
    union = adj.deg[iu] + adj.deg[iv] - cn
    return np.divide(cn, union, out=np.zeros_like(cn), where=union > 0)


def _preferential_attachment(adj, iu, iv):
    return adj.deg[iu].astype(np.float64) * adj.deg[iv]


def katz_beta(G: nx.Graph, fraction: float = KATZ_BETA_FRACTION) -> float:
    """The default Katz damping of ``G``: ``fraction / λ_max`` (λ_max: A's largest eigenvalue).

    Below 1/λ_max the full Katz series converges; the truncated sum is used either way. A graph
    without edges gets ``fraction`` (every Katz score is 0 there anyway).

    >>> round(katz_beta(nx.complete_graph(5)), 6)  # λ_max = 4
    0.125
    """
    lam = _Adjacency.from_graph(G).lambda_max()
    return fraction / lam if lam > 0 else fraction


def _katz(adj, iu, iv, beta=None, max_length=KATZ_LENGTH):
    """Σ_{l=1..L} β^l (A^l)_{uv}, with (A^l)_{uv} = <row u of A^a, row v of A^b>, a + b = l.

    Only the rows of A^1 … A^⌈L/2⌉ at the pairs' endpoints are formed.
    """
    lam = adj.lambda_max()
    if beta is None:
        beta = KATZ_BETA_FRACTION / lam if lam > 0 else KATZ_BETA_FRACTION
    elif not (beta > 0 and (lam == 0 or beta * lam < 1)):
        raise ValueError(f"katz needs 0 < beta < 1/λ_max = {1 / lam if lam else math.inf:.6g}")
    if int(max_length) != max_length or max_length < 1:
        raise ValueError("katz needs an integer max_length ≥ 1")
    max_length = int(max_length)
    A, n = adj.A, adj.n
    out = np.zeros(iu.size)
    half = (max_length + 1) // 2
    for s in range(0, iu.size, _KATZ_CHUNK):
        cu, cv = iu[s : s + _KATZ_CHUNK], iv[s : s + _KATZ_CHUNK]
        ends = np.unique(np.concatenate([cu, cv]))
        pu, pv = np.searchsorted(ends, cu), np.searchsorted(ends, cv)
        eye = sp.csr_array(
            (np.ones(ends.size), ends, np.arange(ends.size + 1)), shape=(ends.size, n)
        )
        powers = [eye, A[ends]]
        for _ in range(2, half + 1):
            powers.append(powers[-1] @ A)
        acc = np.zeros(cu.size)
        for length in range(1, max_length + 1):
            a = (length + 1) // 2
            acc += beta**length * _rowdot(powers[a][pu], powers[length - a][pv])
        out[s : s + cu.size] = acc
    return out


_SINGLE = {
    "common_neighbors": _common_neighbors,
    "jaccard": _jaccard,
    "adamic_adar": lambda adj, iu, iv: _awa(adj, iu, iv, "adamic_adar"),
    "resource_allocation": lambda adj, iu, iv: _awa(adj, iu, iv, "resource_allocation"),
    "preferential_attachment": _preferential_attachment,
}


def score(
    G: nx.Graph,
    pairs: Iterable[tuple[Hashable, Hashable]],
    method: str,
    *,
    beta: float | None = None,
    max_length: int = KATZ_LENGTH,
    seed: int = 0,
) -> np.ndarray:
    r"""Score node pairs: how likely each pair is to be (or become) linked.

    Returns a float array aligned with ``pairs``. The methods, with Γ(u) the neighbours of u
    and d_u = |Γ(u)| (Liben-Nowell & Kleinberg [1]_ compare all but ``combined``):

    ``common_neighbors``
        |Γ(u) ∩ Γ(v)|  — ``(A·A)_uv``.
    ``jaccard``
        |Γ(u) ∩ Γ(v)| / |Γ(u) ∪ Γ(v)|  = CN / (d_u + d_v − CN); 0 when both are isolated.
    ``adamic_adar``
        Σ_{w ∈ Γ(u) ∩ Γ(v)} 1 / log d_w  — ``(A·diag(1/log d)·A)_uv`` (Adamic & Adar 2003).
    ``resource_allocation``
        Σ_{w ∈ Γ(u) ∩ Γ(v)} 1 / d_w  — ``(A·D⁻¹·A)_uv`` (Zhou, Lü & Zhang 2009).
    ``preferential_attachment``
        d_u · d_v  (Barabási & Albert 1999).
    ``katz``
        Σ_{l=1..L} β^l (A^l)_uv, the number of walks of each length up to ``max_length`` (L,
        default 4), damped by ``beta`` (default ``0.5 / λ_max``; must be below 1/λ_max)
        (Katz 1953).
    ``combined``
        ``fit_combined(G, seed=seed).score(G, pairs)``: a logistic regression over the
        indices above, trained on edges hidden from ``G`` itself (see ``fit_combined``).

    The graph is read as simple, undirected and unweighted (see the module docstring).

    Parameters
    ----------
    G : networkx graph
    pairs : iterable of (u, v)
        Node pairs; both nodes must be in ``G`` and differ.
    method : str
        One of ``METHODS``.
    beta, max_length : Katz's damping and path length (``katz`` and ``combined``: only the
        path length).
    seed : the seed of ``combined``'s training split.

    Raises
    ------
    ValueError
        For an unknown method, a node that is not in ``G`` or a pair (u, u).

    Examples
    --------
    >>> G = nx.Graph([(0, 1), (0, 2), (1, 2), (2, 3)])
    >>> score(G, [(0, 3), (1, 3)], "resource_allocation").tolist()
    [0.3333333333333333, 0.3333333333333333]
    >>> score(G, [(0, 3)], "jaccard").tolist()
    [0.5]

    References
    ----------
    .. [1] D. Liben-Nowell, J. Kleinberg. The link-prediction problem for social networks.
           JASIST 58(7), 2007.
    """
    _check_method(method, METHODS, "link-prediction")
    adj = _Adjacency.from_graph(G)
    iu, iv = adj.positions(pairs)
    if method == "combined":
        return fit_combined(G, seed=seed, max_length=max_length)._score_adj(adj, iu, iv)
    if iu.size == 0:
        return np.empty(0)
    if method == "katz":
        return _katz(adj, iu, iv, beta=beta, max_length=max_length)
    return _SINGLE[method](adj, iu, iv)


# --------------------------------------------------------------------------------------------
# Held-out edges and non-edges (the training and evaluation splits)


def hide_edges(
    G: nx.Graph, fraction: float = 0.1, seed: int = 0
) -> tuple[nx.Graph, list[tuple[Hashable, Hashable]]]:
    """Remove a random ``fraction`` of G's edges: ``(G_train, hidden_edges)``.

    ``G_train`` has every node of G (as a simple undirected ``nx.Graph``) and the other edges;
    at least one edge is hidden when G has two or more. Seeded, so repeatable.

    >>> Gt, hidden = hide_edges(nx.karate_club_graph(), 0.1, seed=1)
    >>> len(hidden), Gt.number_of_edges()
    (8, 70)
    """
    adj = _Adjacency.from_graph(G)
    ei, ej = adj.edges()
    hide = _choose_hidden(ei.size, fraction, np.random.default_rng(seed))
    keep = np.ones(ei.size, bool)
    keep[hide] = False
    nodes = adj.nodes
    G_train = nx.Graph()
    G_train.add_nodes_from(nodes)
    G_train.add_edges_from(zip([nodes[i] for i in ei[keep]], [nodes[j] for j in ej[keep]]))
    hidden = [(nodes[i], nodes[j]) for i, j in zip(ei[hide], ej[hide])]
    return G_train, hidden


def _hidden_count(m: int, fraction: float) -> int:
    """How many of m edges a split hides: round(fraction·m), at least 1, never all."""
    if not 0 < fraction < 1:
        raise ValueError("fraction must be between 0 and 1")
    return min(m - 1, max(1, round(fraction * m))) if m >= 2 else 0


def _choose_hidden(m: int, fraction: float, rng: np.random.Generator) -> np.ndarray:
    count = _hidden_count(m, fraction)
    if count == 0:
        return np.empty(0, np.int64)
    return np.sort(rng.choice(m, size=count, replace=False))


def sample_non_edges(G: nx.Graph, count: int, seed: int = 0) -> list[tuple[Hashable, Hashable]]:
    """``count`` distinct node pairs that are not edges of G, uniformly at random (seeded).

    Fewer when G has fewer non-edges.

    >>> len(sample_non_edges(nx.path_graph(4), 10))  # a path on 4 nodes has 3 non-edges
    3
    """
    adj = _Adjacency.from_graph(G)
    ni, nj = _sample_non_edges(adj, count, np.random.default_rng(seed))
    nodes = adj.nodes
    return [(nodes[i], nodes[j]) for i, j in zip(ni, nj)]


def _sample_non_edges(
    adj: _Adjacency, count: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    n = adj.n
    ei, ej = adj.edges()
    total = n * (n - 1) // 2
    available = total - ei.size
    count = min(int(count), available)
    if count <= 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    if total <= 2_000_000 or available < 4 * count:
        # small or dense: list every non-edge and draw without replacement
        iu, iv = np.triu_indices(n, k=1)
        edge = np.zeros(total, bool)
        edge[_pair_rank(ei, ej, n)] = True
        iu, iv = iu[~edge], iv[~edge]
        pick = np.sort(rng.choice(iu.size, size=count, replace=False))
        return iu[pick].astype(np.int64), iv[pick].astype(np.int64)
    # large and sparse: rejection sampling, keeping the first draw of each pair
    edge_keys = ei * n + ej  # sorted, since the edges are sorted by (i, j)
    keys = np.empty(0, np.int64)
    while keys.size < count:
        draw = 2 * (count - keys.size) + 16
        a = rng.integers(0, n, size=draw)
        b = rng.integers(0, n, size=draw)
        a, b = np.minimum(a, b), np.maximum(a, b)
        k = a * n + b
        pos = np.searchsorted(edge_keys, k)
        is_edge = edge_keys[np.minimum(pos, edge_keys.size - 1)] == k if edge_keys.size else False
        k = k[(a != b) & ~is_edge]
        k = np.concatenate([keys, k])
        _, first = np.unique(k, return_index=True)
        keys = k[np.sort(first)]
    keys = keys[:count]
    return keys // n, keys % n


def _pair_rank(i: np.ndarray, j: np.ndarray, n: int) -> np.ndarray:
    """Position of pair (i < j) in ``np.triu_indices(n, 1)`` order."""
    return i * n - i * (i + 1) // 2 + (j - i - 1)


# --------------------------------------------------------------------------------------------
# combined: supervised link prediction


FEATURES = (
    "log_common_neighbors",
    "log_jaccard",
    "log_adamic_adar",
    "log_resource_allocation",
    "log_preferential_attachment",
    "log_katz",
    "log_min_degree",
    "log_max_degree",
)


def _features(adj: _Adjacency, iu: np.ndarray, iv: np.ndarray, max_length: int) -> np.ndarray:
    """The indices at the pairs, log-scaled: one row per pair, one column per ``FEATURES``.

    Counts get ``log(1 + x)``; the others ``log(x + floor)`` with ``floor`` below the smallest
    non-zero value the index can take on this graph, so "no path at all" sits just under
    "the weakest possible link". Besides the six indices, the two endpoints' degrees (smaller,
    larger; as in Lichtenwalter et al.'s HPLP): preferential attachment only sees their
    product, and many networks link a low-degree node to a hub far more often than two
    mid-degree nodes (degree disassortativity), or the other way round.
    """
    n = max(adj.n, 2)
    dmax = max(int(adj.deg.max(initial=0)), 2)
    lam = adj.lambda_max()
    beta = KATZ_BETA_FRACTION / lam if lam > 0 else KATZ_BETA_FRACTION
    cn = _common_neighbors(adj, iu, iv)
    union = adj.deg[iu] + adj.deg[iv] - cn
    jac = np.divide(cn, union, out=np.zeros_like(cn), where=union > 0)
    aa = _awa(adj, iu, iv, "adamic_adar")
    ra = _awa(adj, iu, iv, "resource_allocation")
    pa = _preferential_attachment(adj, iu, iv)
    katz = _katz(adj, iu, iv, beta=beta, max_length=max_length)
    du, dv = adj.deg[iu], adj.deg[iv]
    return np.column_stack(
        [
            np.log1p(cn),
            np.log(jac + 0.5 / (2 * n)),
            np.log1p(aa),
            np.log(ra + 0.5 / dmax),
            np.log1p(pa),
            np.log(katz + 0.5 * beta**max_length),
            np.log1p(np.minimum(du, dv)),
            np.log1p(np.maximum(du, dv)),
        ]
    )


@dataclass(frozen=True)
class CombinedModel:
    """A fitted ``combined`` scorer: ``logit = intercept + Σ weights[f] · feature_f(u, v)``.

    ``feature_names`` name the log-scaled indices (see ``FEATURES``). ``score`` returns the
    logit (higher = more likely linked); ``probability`` its logistic (calibrated to the
    balanced training sample, so a ranking score rather than a true probability).
    """

    feature_names: tuple[str, ...]
    weights: np.ndarray
    intercept: float
    max_length: int = KATZ_LENGTH
    n_positive: int = 0
    n_negative: int = 0
    seed: int = 0

    def score(self, G: nx.Graph, pairs: Iterable[tuple[Hashable, Hashable]]) -> np.ndarray:
        adj = _Adjacency.from_graph(G)
        iu, iv = adj.positions(pairs)
        return self._score_adj(adj, iu, iv)

    def probability(self, G: nx.Graph, pairs: Iterable[tuple[Hashable, Hashable]]) -> np.ndarray:
        return sigmoid(self.score(G, pairs))

    def _score_adj(self, adj: _Adjacency, iu: np.ndarray, iv: np.ndarray) -> np.ndarray:
        if iu.size == 0:
            return np.empty(0)
        return self.intercept + _features(adj, iu, iv, self.max_length) @ self.weights


def fit_combined(
    G: nx.Graph,
    seed: int = 0,
    *,
    holdout: float = 0.1,
    min_positives: int = 300,
    max_rounds: int = 10,
    l2: float = 1e-3,
    max_length: int = KATZ_LENGTH,
) -> CombinedModel:
    r"""Learn, from G alone, how to weigh the indices: Kith's ``combined`` link predictor.

    Supervised link prediction (Lichtenwalter, Lussier & Chawla [1]_) over the classic
    unsupervised indices (Liben-Nowell & Kleinberg [2]_):

    1. hide a random ``holdout`` fraction of G's edges (seeded); what is left is the graph the
       indices "see";
    2. positives: the hidden edges; negatives: as many random non-edges of G;
    3. features: CN, Jaccard, Adamic–Adar, resource allocation, preferential attachment and
       Katz of each pair on the remaining graph, and the pair's two degrees, all log-scaled
       (see ``FEATURES``);
    4. repeat 1–3 with fresh draws until there are ``min_positives`` positives (at most
       ``max_rounds`` rounds: small graphs get several splits);
    5. fit an L2-regularised logistic regression (``l2`` on the standardised weights, the
       intercept free; scikit-learn's ``LogisticRegression``, lbfgs, see
       :mod:`analytics.logistic`): minimise

       .. math:: \frac1N \sum_i \log(1 + e^{z_i}) - y_i z_i + \frac{\lambda}{2}\lVert w\rVert^2,
                 \quad z_i = b + w \cdot x_i,

       with ``λ = l2`` and ``x_i`` standardised; scikit-learn's ``C Σ loss + ½‖w‖²`` is this
       objective times ``C = 1 / (λ N)``.

    The model then scores pairs with the features computed on the graph it is given (usually
    all of G).

    Raises ``ValueError`` when G has fewer than two edges or no non-edge (nothing to learn).

    >>> model = fit_combined(nx.karate_club_graph(), seed=0)
    >>> model.feature_names[0], model.n_positive == model.n_negative
    ('log_common_neighbors', True)
    >>> s = model.score(nx.karate_club_graph(), [(0, 33), (16, 25)])
    >>> bool(s[0] > s[1])
    True

    References
    ----------
    .. [1] R. N. Lichtenwalter, J. T. Lussier, N. V. Chawla. New perspectives and methods in
           link prediction. KDD 2010.
    .. [2] D. Liben-Nowell, J. Kleinberg. The link-prediction problem for social networks.
           JASIST 58(7), 2007.
    """
    adj = _Adjacency.from_graph(G)
    ei, ej = adj.edges()
    m = ei.size
    if m < 2:
        raise ValueError("combined needs a graph with at least 2 edges to learn from")
    rng = np.random.default_rng(seed)
    rounds = max(1, min(max_rounds, math.ceil(min_positives / _hidden_count(m, holdout))))
    X, y = [], []
    for _ in range(rounds):
        hide = _choose_hidden(m, holdout, rng)
        keep = np.ones(m, bool)
        keep[hide] = False
        train = adj.without_edges(ei[keep], ej[keep])
        ni, nj = _sample_non_edges(adj, hide.size, rng)
        if ni.size == 0:
            raise ValueError("combined needs a graph with at least one non-edge")
        X.append(_features(train, ei[hide], ej[hide], max_length))
        X.append(_features(train, ni, nj, max_length))
        y.append(np.ones(hide.size))
        y.append(np.zeros(ni.size))
    Xa, ya = np.vstack(X), np.concatenate(y)
    # the penalty is on the mean loss: λ N on the summed loss (C = 1 / (λ N) in scikit-learn)
    w, b = fit_ridge_logistic(Xa, ya, l2 * ya.size).raw()
    return CombinedModel(
        feature_names=FEATURES,
        weights=w,
        intercept=b,
        max_length=max_length,
        n_positive=int(ya.sum()),
        n_negative=int(ya.size - ya.sum()),
        seed=seed,
    )


# --------------------------------------------------------------------------------------------
# top_k: every node's best non-neighbours


def top_k(
    G: nx.Graph, k: int, method: str = "resource_allocation"
) -> dict[Hashable, list[tuple[Hashable, float]]]:
    r"""Each node's ``k`` best-scoring non-neighbours: ``{u: [(v, score), …]}``.

    Candidates are the nodes at distance 2 (score > 0): never ``u`` itself nor an existing
    neighbour. Lists are sorted by score, best first; scores within ``TIE_RESOLUTION`` (1e-9)
    are ties, ranked by node order (position in ``list(G)``). Every node of G is a key
    (isolated nodes get ``[]``). Methods: ``TOP_K_METHODS`` (common_neighbors, adamic_adar,
    resource_allocation), i.e. the rows of ``A·W·A`` (see ``score``).

    How, without a Python loop over pairs: the rows are cut into blocks of at most
    ``_BLOCK_ROWS`` rows and about ``_BLOCK_WORK`` products, and for each block

    1. one sparse product ``[A | A + I] · [W A ; −∞·I]`` gives ``A W A`` with every existing
       edge and the diagonal already at −∞ (masked inside the multiplication);
    2. a per-row histogram of the scores (float exponent + 3 mantissa bits, ``np.bincount``)
       finds, per row, a bin whose lower edge is at most the row's k-th best score; only the
       entries at or above it survive (about k per row);
    3. those are sorted by (row, −score, column) with ``np.lexsort`` and the first k of each row
       are kept (ranks from the row offsets).

    >>> G = nx.Graph([(0, 1), (0, 2), (1, 2), (2, 3), (3, 4)])
    >>> top_k(G, 2, "resource_allocation")[0]
    [(3, 0.3333333333333333)]
    >>> top_k(G, 2, "common_neighbors")[2]
    [(4, 1.0)]

    Raises ``ValueError`` for another method or a negative ``k``.
    """
    _check_method(method, TOP_K_METHODS, "top_k")
    if int(k) != k or k < 0:
        raise ValueError("k must be a non-negative integer")
    k = int(k)
    adj = _Adjacency.from_graph(G)
    nodes, n, A = adj.nodes, adj.n, adj.A
    w = _weights(adj.deg, method)
    if k == 0 or n == 0 or not w.any():
        return {u: [] for u in nodes}

    WA = sp.csr_array(sp.diags_array(w, format="csr") @ A)
    WA.eliminate_zeros()
    eye = sp.identity(n, dtype=np.float64, format="csr")
    L = sp.hstack([A, A + eye], format="csr")
    R = sp.vstack([WA, sp.csr_array(eye * -np.inf)], format="csr")

    # histogram range: every candidate score lies in [min w, max_u Σ_{w∈Γ(u)} w_w]
    lo = w[w > 0].min()
    hi = (A @ w).max()
    kmin = int(np.float64(lo).view(np.int64) >> _HIST_SHIFT) - 1  # bin 0: −∞ (masked)
    nbins = int(np.float64(hi).view(np.int64) >> _HIST_SHIFT) - kmin + 2

    nodes_arr = np.empty(n, dtype=object)
    nodes_arr[:] = nodes
    work = A @ (adj.deg * (w > 0)) + adj.deg + 1  # ≥ entries in each row of the product
    cum = np.concatenate([[0], np.cumsum(work)])
    out: dict[Hashable, list[tuple[Hashable, float]]] = {}
    r0 = 0
    while r0 < n:
        r1 = int(np.searchsorted(cum, cum[r0] + _BLOCK_WORK, side="right")) - 1
        r1 = min(max(r1, r0 + 1), r0 + _BLOCK_ROWS, n)
        rows_v, cols, vals = _block_top_k(L[r0:r1], R, k, kmin, nbins)
        counts = np.bincount(rows_v, minlength=r1 - r0)
        picked = list(zip(nodes_arr[cols].tolist(), vals.tolist()))
        s = 0
        for u, e in zip(nodes[r0:r1], np.cumsum(counts).tolist()):
            out[u] = picked[s:e]
            s = e
        r0 = r1
    return out


def _block_top_k(Lb, R, k, kmin, nbins):
    """Top-k of each row of ``Lb @ R``: (row, column, score) sorted by row, then rank."""
    B = Lb @ R
    nb = Lb.shape[0]
    data, cols = B.data, B.indices
    counts = np.diff(B.indptr)

    # 1. per-row histogram of the scores, from the top bin down: the bin holding the k-th
    key = data.view(np.int64) >> _HIST_SHIFT
    key -= kmin
    np.clip(key, 0, nbins - 1, out=key)  # −∞ (masked) → bin 0
    key += np.repeat(np.arange(nb, dtype=np.int64) * nbins, counts)
    hist = np.bincount(key, minlength=nb * nbins).reshape(nb, nbins)
    above = np.cumsum(hist[:, :0:-1], axis=1)  # entries in this bin or higher (bins ≥ 1)
    full = above[:, -1] >= k
    kth_bin = (nbins - 1 - np.argmax(above >= k, axis=1)) + kmin
    edge = (kth_bin.astype(np.int64) << _HIST_SHIFT).view(np.float64)
    # anything within TIE_RESOLUTION of the k-th score may tie with it
    floor = np.where(full, edge - 2 * TIE_RESOLUTION, 0.0)
    floor = np.maximum(floor, np.finfo(np.float64).tiny)  # never −∞

    # 2. keep the entries at or above the row's floor
    keep = data >= np.repeat(floor, counts)
    vals = data[keep]
    cols = cols[keep]
    rows = np.repeat(np.arange(nb, dtype=np.int64), counts)[keep]

    # 3. sort by (row, −score rounded to the tie resolution, column); first k per row
    q = np.rint(vals / TIE_RESOLUTION)
    order = np.lexsort((cols, -q, rows))
    rows, cols, vals = rows[order], cols[order], vals[order]
    starts = np.zeros(nb + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=nb), out=starts[1:])
    first = (np.arange(rows.size) - starts[rows]) < k
    return rows[first], cols[first], vals[first]
