r"""Inferred ties: which two of the owner's contacts know each other, with a confidence that means it.

Pure functions over plain inputs (no database): interactions are ``(at, participants,
initiated_by)`` records — ``at`` a datetime, ``participants`` the people on it (the owner
among them), ``initiated_by`` who started it (a mail's sender) or None — or a pandas frame with
those columns (``participants_frame`` turns ``Projection.participation`` into one).

Evidence, per unordered pair ``(a, b)`` of the owner's contacts (``evidence_from_interactions``)
-----------------------------------------------------------------------------------------------
``direct``   "a reply you can see": one of the two started an interaction the other is on
             (a mail from a to {you, b, …}). It is a fact that a wrote to b: direct evidence.
``co``       both were on an interaction someone else started (you, or a third person), each
             weighted by the size of the group: Newman's collaboration weight [1]_

             .. math:: w_{ab} = \sum_{k \ni a, b} \frac{1}{n_k - 1},

             ``n_k`` the people on interaction ``k`` (you included): a three-person meeting adds
             1/2, a 40-person all-hands 1/39. ``small`` counts those of at most ``SMALL_GROUP``
             (3) people.
``structural``  on the graph in which two contacts are joined when they were ever on one
             interaction (you left out): common neighbours, Jaccard, Adamic–Adar [2]_ and
             resource allocation [3]_ (``analytics.linkpred``), so that a pair never seen
             together but with many common correspondents can still be a tie.
``activity`` of each one: interactions started (mails sent) and degree in that graph, the
             pair's own messages taken out (so a feature never restates the pair's label).
other kinds  optional (``pair_evidence``: a frame ``a, b, kind[, count, at, detail]``):
             ``linkedin_invitation`` and ``linkedin_endorsement`` are direct evidence like a
             reply; ``same_employer`` (overlapping dates), ``same_school`` (same years) and
             ``shared_label`` (groups, tags) are features the model weighs. A kind absent from
             the owner's data is a constant column and is dropped.

The estimator (``infer_ties``): hide and check
---------------------------------------------
The only labels a mailbox can check are positives: a pair with direct evidence knows each
other. So the model learns, from the owner's own mail, what a part of it foretells about the
rest: the mail is dealt at random (seeded) into ``HIDE_FOLDS`` parts; with one hidden, the
features (``pair_features`` without the pair's own direct mail) are computed from the visible
part, for the pairs with no direct mail there that were seen together or share a contact; the
label is "the hidden part shows one of them writing to the other". A logistic regression on
those rows, calibrated with isotonic regression (scikit-learn's ``CalibratedClassifierCV``,
``CAL_FOLDS`` folds), is applied to the features of the whole mailbox. Direct evidence gives 1;
a pair with no evidence at all gets the measured rate at which such pairs of a visible part
wrote to each other in the hidden one (``floor``). The label is a lower bound on "knows"
(ties that never write with the owner on copy never show), so the confidence is conservative;
``benchmarks/bench_inferred_ties.py`` measures how far, against the full DNC network, which
no fit here ever sees (and ``benchmarks/diag_inferred_ties_oracle.py`` bounds what any
mailbox-only calibrated model could reach).

Candidate pairs are those seen together or with a common neighbour (distance ≤ 2); any other
pair's confidence is the same as a candidate with all-zero features (``InferredTies.floor``).

References
----------
.. [1] M. E. J. Newman. Scientific collaboration networks. II. Shortest paths, weighted
       networks, and centrality. Physical Review E 64, 016132 (2001).
.. [2] L. A. Adamic, E. Adar. Friends and neighbors on the Web. Social Networks 25(3), 2003.
.. [3] T. Zhou, L. Lü, Y.-C. Zhang. Predicting missing links via local information.
       European Physical Journal B 71, 2009.
.. [4] B. Zadrozny, C. Elkan. Transforming classifier scores into accurate multiclass
       probability estimates. KDD 2002 (isotonic calibration).

Example
-------
>>> from datetime import datetime, timezone
>>> t = datetime(2025, 3, 4, tzinfo=timezone.utc)
>>> mails = [(t, ["me", "ana", "bo"], "ana"), (t, ["me", "ana", "bo", "cy"], "me")]
>>> ev = evidence_from_interactions(mails, "me")
>>> ev.loc[("ana", "bo"), ["together", "direct", "co"]].tolist()
[2, 1, 1]
>>> round(float(ev.loc[("ana", "bo"), "w_co"]), 3)  # the mail of 4 people: 1/3
0.333
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from itertools import combinations

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp

__all__ = [
    "DIRECT_KINDS",
    "MODEL_FEATURES",
    "RICH",
    "FEATURE_KINDS",
    "InferredTies",
    "evidence_from_interactions",
    "explain",
    "infer_ties",
    "naive_ties",
    "pair_features",
    "participants_frame",
    "suggest_introductions",
]

#: Evidence kinds that, like a visible reply, say outright that one of the two reached the other.
DIRECT_KINDS = ("linkedin_invitation", "linkedin_endorsement")
#: Evidence kinds that are features for the model (circumstantial).
FEATURE_KINDS = ("same_employer", "same_school", "shared_label")
#: A group of at most this many people (you included) is a "small" one in explanations.
SMALL_GROUP = 3
#: An interaction of more people ties none of them pairwise (as graph.projection.PAIRWISE_GROUP_MAX).
MAX_GROUP = 50
#: The owner's mail is dealt into this many parts; each is hidden in turn (2: halves).
HIDE_FOLDS = 2
#: Folds of the isotonic calibration (scikit-learn's CalibratedClassifierCV).
CAL_FOLDS = 3
#: The L2 penalty on the mean loss (as analytics.linkpred.fit_combined).
L2_PER_ROW = 1e-3
#: Fewer labelled (or unlabelled) training pairs than this in a hiding: nothing to learn from;
#: only direct evidence gives a tie.
MIN_LABELLED = 10
#: Ties at or above this confidence are "known" (the KNOWS edge written; the benchmark's cut).
TIE_THRESHOLD = 0.5

Interaction = tuple  # (at, participants, initiated_by)


def participants_frame(participation: pd.DataFrame) -> list[tuple]:
    """``Projection.participation`` (interaction, at, initiated_by, person rows) as records.

    >>> p = pd.DataFrame({"interaction": ["i1", "i1"], "at": ["t1", "t1"], "initiated_by": ["me", "me"],
    ...                   "person": ["me", "ana"]})
    >>> participants_frame(p)
    [('t1', ['me', 'ana'], 'me')]
    """
    out = []
    for _, g in participation.groupby("interaction", sort=True):
        first = g.iloc[0]
        by = first["initiated_by"]
        out.append((first["at"], list(g["person"]), None if pd.isna(by) else by))
    return out


def _records(interactions) -> Iterable[tuple]:
    if isinstance(interactions, pd.DataFrame):
        return zip(interactions["at"], interactions["participants"], interactions["initiated_by"])
    return interactions


def _pair(a, b) -> tuple:
    return (a, b) if str(a) <= str(b) else (b, a)


# --------------------------------------------------------------------------------------------
# Evidence


def evidence_from_interactions(interactions, owner: Hashable, *, max_group: int = MAX_GROUP) -> pd.DataFrame:
    """Per pair of the owner's contacts seen on one interaction: what the owner can see of them.

    Only interactions the owner is on count (anything else is not the owner's to read). Index
    ``(a, b)`` with ``str(a) <= str(b)``; columns

    ``together``  interactions with both;  ``direct``  of which one of the two started it;
    ``co``  of which someone else did (you or a third person);  ``w_co``  Σ 1/(n−1) over those
    (Newman's weight, n the people on it);  ``small``  of those, how many had ≤ 3 people;
    ``by_owner`` / ``by_other``  who started the ``co`` ones;  ``first_seen``, ``last_seen``.

    An interaction of more than ``max_group`` people ties nobody pairwise.
    """
    acc: dict[tuple, list] = {}
    for at, participants, by in _records(interactions):
        people = list(dict.fromkeys(participants))
        if owner not in people or len(people) > max_group:
            continue
        n = len(people)
        others = [p for p in people if p != owner]
        for a, b in combinations(others, 2):
            key = _pair(a, b)
            row = acc.get(key)
            if row is None:
                row = acc[key] = [0, 0, 0, 0.0, 0, 0, 0, at, at]
            row[0] += 1
            if by == a or by == b:
                row[1] += 1
            else:
                row[2] += 1
                row[3] += 1.0 / (n - 1)
                row[4] += n <= SMALL_GROUP
                row[5 if by == owner else 6] += 1
            if at < row[7]:
                row[7] = at
            if at > row[8]:
                row[8] = at
    cols = ["together", "direct", "co", "w_co", "small", "by_owner", "by_other", "first_seen", "last_seen"]
    frame = pd.DataFrame.from_dict(acc, orient="index", columns=cols)
    frame.index = pd.MultiIndex.from_tuples(list(acc), names=["a", "b"]) if acc else \
        pd.MultiIndex.from_tuples([], names=["a", "b"])
    return frame


def naive_ties(interactions, owner: Hashable, *, max_group: int = MAX_GROUP) -> set[tuple]:
    """The baseline: every two contacts seen on one interaction know each other (pairs ``a <= b``)."""
    return set(evidence_from_interactions(interactions, owner, max_group=max_group).index)


def _extra(pair_evidence: pd.DataFrame | None) -> pd.DataFrame:
    """Other evidence kinds summed per pair and kind: columns a, b, kind, count, at, detail."""
    cols = ["a", "b", "kind", "count", "at", "detail"]
    if pair_evidence is None or len(pair_evidence) == 0:
        return pd.DataFrame(columns=cols)
    e = pair_evidence.copy()
    unknown = set(e["kind"]) - set(DIRECT_KINDS) - set(FEATURE_KINDS)
    if unknown:
        raise ValueError(f"unknown evidence kind(s): {', '.join(sorted(map(str, unknown)))}; "
                         f"expected one of: {', '.join(DIRECT_KINDS + FEATURE_KINDS)}")
    for c, default in (("count", 1), ("at", pd.NaT), ("detail", None)):
        if c not in e:
            e[c] = default
    keys = [_pair(a, b) for a, b in zip(e["a"], e["b"])]
    e["a"], e["b"] = [k[0] for k in keys], [k[1] for k in keys]
    e = e[e["a"] != e["b"]]
    return e[cols]


# --------------------------------------------------------------------------------------------
# Rich pair features (sparse matrices over the owner's mail)

def _mail_matrices(interactions, owner, nodes, max_group):
    """Sparse per-pair counts and per-person activity over the owner's mail."""
    pos = {p: i for i, p in enumerate(nodes)}
    n = len(nodes)
    msgs = []
    for at, participants, by in interactions:
        people = list(dict.fromkeys(participants))
        if owner not in people or len(people) > max_group:
            continue
        msgs.append((at, [pos[p] for p in people if p != owner and p in pos], by, len(people)))
    order = sorted(range(len(msgs)), key=lambda k: msgs[k][0])
    rank = np.empty(len(msgs))
    rank[order] = np.arange(len(msgs))
    r, c, w, small, mine, sender = [], [], [], [], [], []
    for k, (_at, idx, by, size) in enumerate(msgs):
        r += [k] * len(idx)
        c += idx
        w.append(1.0 / (size - 1) if size > 1 else 0.0)
        small.append(float(size <= 3))
        mine.append(float(by == owner))
        sender.append(pos.get(by, -1) if by is not None and by != owner else -1)
    m = len(msgs)
    M = sp.csr_array((np.ones(len(r)), (r, c)), shape=(m, n))
    sender = np.array(sender, np.int64)
    has = sender >= 0
    S = sp.csr_array((np.ones(int(has.sum())), (np.flatnonzero(has), sender[has])), shape=(m, n))
    w, small, mine = np.array(w), np.array(small), np.array(mine)
    Mt = M.T.tocsr()
    def gram(d):
        return (Mt @ sp.diags_array(d) @ M).tocsr() if m else sp.csr_array((n, n))
    T = gram(np.ones(m))
    D = (S.T @ M).tocsr()  # D[a, b]: mails a sent with b on
    D.setdiag(0)
    D.eliminate_zeros()
    Dw = (S.T @ sp.diags_array(w) @ M).tocsr()
    Ds = (S.T @ sp.diags_array(small) @ M).tocsr()
    out = dict(T=T, D=D, W=gram(w), Dw=Dw, SM=gram(small), Ds=Ds, O=gram(mine))
    # distinct senders (the owner one of them) who put the two on one mail
    key = np.where(has, sender, -1 - (mine > 0))  # -2: owner, -1: unknown sender
    acc = sp.csr_array((n, n))
    for s in np.unique(key):
        sel = np.flatnonzero(key == s)
        Ms = M[sel]
        B = (Ms.T @ Ms).tocsr()
        B.data[:] = 1.0
        acc = acc + B
    out["senders"] = acc.tocsr()
    out["sent"] = np.asarray(S.sum(axis=0)).ravel()
    out["from_owner"] = np.asarray(Mt @ mine).ravel() if m else np.zeros(n)
    out["appear"] = np.asarray(M.sum(axis=0)).ravel()
    first, last = np.full(n, np.inf), np.full(n, -np.inf)
    rr, cc = np.asarray(r, np.int64), np.asarray(c, np.int64)
    if rr.size:
        np.minimum.at(first, cc, rank[rr])
        np.maximum.at(last, cc, rank[rr])
    out["first"], out["last"], out["m"] = first, last, m
    return out

def _take(X, iu, iv):
    return np.asarray(X[iu, iv]).ravel().astype(float) if iu.size else np.empty(0)


#: The rich per-pair features (``pair_features``): what the owner's mailbox shows of two contacts.
RICH = (
    "log_together", "log_direct", "log_co", "w_co", "log_small", "log_by_owner", "log_by_other",
    "log_senders", "log_min_sent", "log_max_sent", "log_min_from_owner", "log_max_from_owner",
    "log_min_appear", "log_max_appear", "overlap", "log_cn", "jaccard", "log_aa", "ra",
    "log_min_degree", "log_max_degree", "log_cn_direct", "log_min_direct_degree", "log_max_direct_degree",
)
#: The model's features: ``RICH`` without the pair's own direct mail (the label it learns to foresee).
MODEL_FEATURES = tuple(f for f in RICH if f not in ("log_together", "log_direct"))


def pair_features(interactions, owner, nodes: list, pairs: list[tuple], *, max_group: int = MAX_GROUP) -> pd.DataFrame:
    """The rich per-pair features (columns ``RICH``) for ``pairs`` of ``nodes``.

    Each person's activity counts (``sent``, ``appear``) leave out the pair's own direct mails, so
    that only ``log_direct`` (and the structure of *other* pairs' direct mail) restates it.
    """
    interactions = list(_records(interactions))
    mm = _mail_matrices(interactions, owner, nodes, max_group)
    pos = {p: i for i, p in enumerate(nodes)}
    iu = np.array([pos[a] for a, _ in pairs], np.int64)
    iv = np.array([pos[b] for _, b in pairs], np.int64)
    t = lambda X, u=iu, v=iv: _take(X, u, v)  # noqa: E731
    d_ab, d_ba = t(mm["D"]), t(mm["D"], iv, iu)
    direct = d_ab + d_ba
    together = t(mm["T"])
    co = together - direct
    w_co = t(mm["W"]) - t(mm["Dw"]) - t(mm["Dw"], iv, iu)
    small = t(mm["SM"]) - t(mm["Ds"]) - t(mm["Ds"], iv, iu)
    by_owner = t(mm["O"])
    senders = t(mm["senders"]) - (d_ab > 0) - (d_ba > 0)
    sa, sb = mm["sent"][iu] - d_ab, mm["sent"][iv] - d_ba
    fa, fb = mm["from_owner"][iu], mm["from_owner"][iv]
    aa_, ab_ = mm["appear"][iu] - direct, mm["appear"][iv] - direct
    first, last, m = mm["first"], mm["last"], max(mm["m"], 1)
    lo, hi = np.maximum(first[iu], first[iv]), np.minimum(last[iu], last[iv])
    overlap = np.where(np.isfinite(lo) & np.isfinite(hi), np.clip(hi - lo, 0, None) / m, 0.0)

    def structure(A):
        A = A.tocsr().copy()
        A.setdiag(0)
        A.eliminate_zeros()
        A.data[:] = 1.0
        deg = np.asarray(A.sum(axis=1)).ravel()
        inv_log = np.where(deg > 1, 1.0 / np.log(np.maximum(deg, 2)), 0.0)
        inv = np.where(deg > 1, 1.0 / np.maximum(deg, 1), 0.0)
        cn = _take(A @ A, iu, iv)
        aa = _take(A @ sp.diags_array(inv_log) @ A, iu, iv)
        ra = _take(A @ sp.diags_array(inv) @ A, iu, iv)
        union = deg[iu] + deg[iv] - cn - 2 * _take(A, iu, iv)
        jac = np.where(union > 0, cn / np.maximum(union, 1), 0.0)
        return cn, aa, ra, jac, deg

    cn, aa, ra, jac, deg = structure(mm["T"])
    cnd, _, _, _, degd = structure(mm["D"] + mm["D"].T)
    own = (direct > 0).astype(float)
    log = np.log1p
    cols = {
        "log_together": log(together), "log_direct": log(direct), "log_co": log(co), "w_co": w_co,
        "log_small": log(small), "log_by_owner": log(by_owner), "log_by_other": log(co - by_owner),
        "log_senders": log(senders), "log_min_sent": log(np.minimum(sa, sb)), "log_max_sent": log(np.maximum(sa, sb)),
        "log_min_from_owner": log(np.minimum(fa, fb)), "log_max_from_owner": log(np.maximum(fa, fb)),
        "log_min_appear": log(np.minimum(aa_, ab_)), "log_max_appear": log(np.maximum(aa_, ab_)),
        "overlap": overlap, "log_cn": log(cn), "jaccard": jac, "log_aa": log(aa), "ra": ra,
        "log_min_degree": log(np.minimum(deg[iu], deg[iv])), "log_max_degree": log(np.maximum(deg[iu], deg[iv])),
        "log_cn_direct": log(cnd),
        "log_min_direct_degree": log(np.minimum(degd[iu], degd[iv]) - own),
        "log_max_direct_degree": log(np.maximum(degd[iu], degd[iv]) - own),
    }
    return pd.DataFrame(cols, columns=list(RICH))


# --------------------------------------------------------------------------------------------
# The model


@dataclass
class InferredTies:
    """What ``infer_ties`` returns.

    ``ties``: one row per candidate pair, sorted by confidence (best first) then a, b — columns
    ``a, b, confidence, evidence_count, last_seen, direct, together, co, w_co, small,
    common_neighbors, evidence`` (a list of ``(kind, count, detail)``).
    ``floor``: the confidence of any pair not listed. ``c``, ``weights``: the fitted model
    (``None`` when there was too little to learn from). ``n_labelled``: pairs with direct evidence.
    """

    ties: pd.DataFrame
    floor: float
    c: float | None
    weights: dict | None
    intercept: float | None
    n_labelled: int

    def confidence(self, a, b) -> float:
        key = _pair(a, b)
        idx = self._index()
        return float(idx.get(key, self.floor))

    def _index(self) -> dict:
        if not hasattr(self, "_idx"):
            self._idx = dict(zip(zip(self.ties["a"], self.ties["b"]), self.ties["confidence"]))
        return self._idx

    def known(self, threshold: float = TIE_THRESHOLD) -> set[tuple]:
        """The pairs at or above ``threshold``: the KNOWS edges to write."""
        t = self.ties
        return set(zip(t.loc[t["confidence"] >= threshold, "a"], t.loc[t["confidence"] >= threshold, "b"]))


def _candidates(G: nx.Graph, seen: Iterable[tuple], extra_pairs: Iterable[tuple], all_pairs: bool) -> list[tuple]:
    if all_pairs:
        nodes = sorted(G, key=str)
        return [(a, b) for a, b in combinations(nodes, 2)]
    out = set(seen) | set(extra_pairs)
    for w in G:
        nbrs = sorted(G[w], key=str)
        if len(nbrs) > 1:
            out.update(combinations(nbrs, 2))
    return sorted(out, key=lambda p: (str(p[0]), str(p[1])))


def infer_ties(interactions, owner: Hashable, *, pair_evidence: pd.DataFrame | None = None,
               contacts: Iterable[Hashable] | None = None, all_pairs: bool = False, seed: int = 0,
               max_group: int = MAX_GROUP) -> InferredTies:
    """Who among the owner's contacts know each other, with a calibrated confidence.

    ``interactions``: ``(at, participants, initiated_by)`` records (or a frame with those
    columns); ``owner``: the owner's id; ``pair_evidence``: other kinds (see the module
    docstring); ``contacts``: people to include even if never seen with another contact;
    ``all_pairs``: score every pair of contacts, not only the candidates (distance ≤ 2).

    The fit is the module docstring's hide-and-check logistic regression with isotonic
    calibration; deterministic for a given ``seed`` (which mails are hidden).
    """
    interactions = list(_records(interactions))
    ev = evidence_from_interactions(interactions, owner, max_group=max_group)
    extra = _extra(pair_evidence)
    G = nx.Graph()
    G.add_nodes_from(c for c in (contacts or ()) if c != owner)
    for _, participants, _by in interactions:
        people = set(participants)
        if owner in people and len(people) <= max_group:
            G.add_nodes_from(people - {owner})
    G.add_edges_from(ev.index)
    G.add_nodes_from(x for x in set(extra["a"]) | set(extra["b"]) if x != owner)
    nodes = sorted(G, key=str)
    pairs = _candidates(G, ev.index, zip(extra["a"], extra["b"]), all_pairs)

    full = pair_features(interactions, owner, nodes, pairs, max_group=max_group)
    kinds = _kind_columns(extra, pairs)
    direct_extra = extra[extra["kind"].isin(DIRECT_KINDS)]
    labelled_extra = set(zip(direct_extra["a"], direct_extra["b"]))
    s_mail = full["log_direct"].to_numpy() > 0
    s = s_mail | np.array([p in labelled_extra for p in pairs], bool)

    conf, c, weights, b0, floor = _fit_hidden(interactions, owner, nodes, pairs, full, kinds, s, seed, max_group)
    struct = {"common_neighbors": np.rint(np.expm1(full["log_cn"].to_numpy()))}
    table = _table(pairs, conf, s, ev, extra, struct)
    return InferredTies(table, floor, c, weights, b0, int(s.sum()))


def _kind_columns(extra: pd.DataFrame, pairs: list[tuple]) -> pd.DataFrame:
    """log(1 + count) of each circumstantial kind (``FEATURE_KINDS``) per pair."""
    per_kind = {k: np.zeros(len(pairs)) for k in FEATURE_KINDS}
    if len(extra):
        pos = {p: i for i, p in enumerate(pairs)}
        for a, b, kind, count in zip(extra["a"], extra["b"], extra["kind"], extra["count"]):
            i = pos.get((a, b))
            if i is not None and kind in per_kind:
                per_kind[kind][i] += float(count)
    return pd.DataFrame({f"log_{k}": np.log1p(v) for k, v in per_kind.items()})


def _fit_hidden(interactions, owner, nodes, pairs, full, kinds, s, seed, max_group):
    """Hide-and-check: learn from half the mail what the other half shows, calibrated with isotonic.

    Returns ``(confidence, base_rate, weights, intercept, floor)``; ``base_rate`` (kept in
    ``InferredTies.c``) is the share of training pairs whose hidden half showed direct mail.
    """
    s_mail = full["log_direct"].to_numpy() > 0
    mails = [m for m in interactions if owner in set(m[1]) and len(set(m[1])) <= max_group]
    rng = np.random.default_rng(seed)
    fold = rng.permutation(np.arange(len(mails)) % HIDE_FOLDS) if mails else np.empty(0, np.int64)
    Xs, ys, lone_n, lone_k = [], [], 0, 0
    for k in range(HIDE_FOLDS):
        visible = [m for m, f in zip(mails, fold) if f != k]
        xv = pair_features(visible, owner, nodes, pairs, max_group=max_group) if pairs else full.iloc[:0]
        # pairs with no direct mail in the visible part, seen together or with a common contact there
        keep = (xv["log_direct"].to_numpy() == 0) & ((xv["log_together"].to_numpy() > 0) | (xv["log_cn"].to_numpy() > 0))
        Xs.append(pd.concat([xv[list(MODEL_FEATURES)], kinds], axis=1).to_numpy()[keep])
        ys.append(s_mail[keep])  # the hidden part showed one of them writing to the other
        lone = (xv["log_direct"].to_numpy() == 0) & ~keep  # neither together nor a common contact there
        lone_n, lone_k = lone_n + int(lone.sum()), lone_k + int(s_mail[lone].sum())
    y_all = np.concatenate(ys) if ys else np.empty(0, bool)
    if min(int(y.sum()) for y in ys) < MIN_LABELLED or min(int((~y).sum()) for y in ys) < MIN_LABELLED:
        return s.astype(float), None, None, None, 0.0  # too little to learn from: direct evidence only
    X_all = np.vstack(Xs)
    keep_cols = X_all.std(axis=0) > 0  # a kind absent from the owner's data says nothing
    names = [f for f, k in zip(MODEL_FEATURES + tuple(kinds.columns), keep_cols) if k]
    Xs = [X[:, keep_cols] for X in Xs]

    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X_tr = np.vstack(Xs)
    lr = make_pipeline(StandardScaler(), LogisticRegression(C=1.0 / (L2_PER_ROW * len(y_all)), max_iter=2000))
    model = CalibratedClassifierCV(lr, method="isotonic",
                                   cv=StratifiedKFold(CAL_FOLDS, shuffle=True, random_state=seed))
    from threadpoolctl import threadpool_limits  # small problems: threads cost more than they save

    with threadpool_limits(limits=1):
        model.fit(X_tr, y_all)
    X_full = pd.concat([full[list(MODEL_FEATURES)], kinds], axis=1).to_numpy()[:, keep_cols]
    post = model.predict_proba(X_full)[:, 1] if len(pairs) else np.empty(0)
    # the logistic weights on the unstandardised features, averaged over the calibration folds
    raws = []
    for cc in model.calibrated_classifiers_:
        scaler, clf = cc.estimator[0], cc.estimator[-1]
        wk = clf.coef_[0] / scaler.scale_
        raws.append((wk, float(clf.intercept_[0] - wk @ scaler.mean_)))
    w, b = np.mean([r[0] for r in raws], axis=0), float(np.mean([r[1] for r in raws]))
    # a pair with no evidence at all (never together, no common contact): the measured rate at which
    # such pairs of a visible part wrote to each other in the hidden one (Jeffreys' estimate)
    # (none to measure: no likelier than the least likely candidate)
    floor = (lone_k + 0.5) / (lone_n + 1.0) if lone_n else float(post.min(initial=0.5))
    nothing = (full["log_together"].to_numpy() == 0) & (full["log_cn"].to_numpy() == 0)
    post = np.where(nothing, floor, post)
    conf = np.where(s, 1.0, post)  # a pair with no evidence at all: every feature 0
    return conf, float(y_all.mean()), dict(zip(names, w.tolist())), b, floor


def _table(pairs, conf, s, ev, extra, struct) -> pd.DataFrame:
    idx = pd.MultiIndex.from_tuples(pairs, names=["a", "b"]) if pairs else ev.index[:0]
    e = ev.reindex(idx)
    t = pd.DataFrame({
        "a": [p[0] for p in pairs], "b": [p[1] for p in pairs], "confidence": conf,
        "direct": e["direct"].fillna(0).astype(int).to_numpy(),
        "together": e["together"].fillna(0).astype(int).to_numpy(),
        "co": e["co"].fillna(0).astype(int).to_numpy(), "w_co": e["w_co"].fillna(0.0).to_numpy(),
        "small": e["small"].fillna(0).astype(int).to_numpy(),
        "common_neighbors": struct["common_neighbors"].astype(int),
        "last_seen": e["last_seen"].to_numpy(),
    })
    by_pair: dict[tuple, list] = defaultdict(list)
    for a, b, kind, count, at, detail in extra.itertuples(index=False):
        by_pair[a, b].append((kind, int(count), detail, at))
    evidence, counts, last = [], [], []
    for row in t.itertuples(index=False):
        items = []
        if row.direct:
            items.append(("reply", row.direct, f"{row.direct} message{'s' * (row.direct != 1)} from one to the other"))
        if row.co:
            items.append(("co_participation", row.co,
                          f"{row.co} message{'s' * (row.co != 1)} together, {row.small} of them with at most "
                          f"{SMALL_GROUP} people (weight {row.w_co:.2f})"))
        if row.common_neighbors:
            items.append(("common_contacts", row.common_neighbors,
                          f"{row.common_neighbors} common correspondent{'s' * (row.common_neighbors != 1)}"))
        latest = row.last_seen
        n_extra = 0
        for kind, count, detail, at in by_pair.get((row.a, row.b), ()):
            items.append((kind, count, detail or kind.replace("_", " ")))
            n_extra += count
            if pd.notna(at) and (pd.isna(latest) or at > latest):
                latest = at
        evidence.append(items)
        counts.append(row.together + n_extra)
        last.append(latest)
    t["evidence_count"] = counts
    t["last_seen"] = last
    t["evidence"] = evidence
    t = t.sort_values(["confidence", "a", "b"], ascending=[False, True, True], kind="stable").reset_index(drop=True)
    return t[["a", "b", "confidence", "evidence_count", "last_seen", "direct", "together", "co", "w_co", "small",
              "common_neighbors", "evidence"]]


def explain(row) -> str:
    """One sentence from a tie's evidence: "on 7 emails together, 3 of them with at most 3 people; …".

    >>> explain({"confidence": 0.72, "evidence": [("co_participation", 7, "7 messages together, 3 of them "
    ...          "with at most 3 people (weight 2.10)"), ("common_contacts", 4, "4 common correspondents")]})
    '72% likely to know each other: 7 messages together, 3 of them with at most 3 people (weight 2.10); 4 common correspondents.'
    """
    items = row["evidence"] if isinstance(row, dict) else row.evidence
    conf = row["confidence"] if isinstance(row, dict) else row.confidence
    body = "; ".join(detail for _, _, detail in items) or "no evidence of their own"
    return f"{conf:.0%} likely to know each other: {body}."


# --------------------------------------------------------------------------------------------
# Introductions that do not introduce people who already know each other

#: Suggest an introduction only when Kith is at least 1 − this sure the two do not know each
#: other: with a calibrated confidence, the expected share of suggestions already acquainted is
#: at most this (the issue's 10 % target is a statement of what an introduction is worth).
MAX_INTRO_CONFIDENCE = 0.1


def suggest_introductions(inferred: InferredTies, contacts: dict, reach: pd.Series, circles: dict, *,
                          done: set = frozenset(), top: int = 20,
                          max_confidence: float = MAX_INTRO_CONFIDENCE) -> pd.DataFrame:
    """``analytics.introductions.suggest`` fed the inferred ties and their confidences.

    KNOWS: the ties at or above ``TIE_THRESHOLD``; pairs with a confidence above
    ``max_confidence`` are passed as ``done`` (never suggested: they probably know each other);
    the structural part is ``1 − confidence`` (the chance they have not met), instead of "the
    network brings them close", which says the opposite.
    """
    from analytics import introductions

    knows = nx.Graph()
    knows.add_nodes_from(contacts)
    knows.add_edges_from(inferred.known())
    t = inferred.ties
    likely = {frozenset(p) for p in zip(t.loc[t["confidence"] > max_confidence, "a"],
                                        t.loc[t["confidence"] > max_confidence, "b"])}
    if inferred.floor > max_confidence:  # every pair not listed is as likely as a featureless one
        listed = {frozenset(p) for p in zip(t["a"], t["b"])}
        people = list(contacts)
        likely |= {frozenset(p) for p in combinations(people, 2) if frozenset(p) not in listed}

    def unmet(pairs):
        return np.array([1.0 - inferred.confidence(a, b) for a, b in pairs])

    return introductions.suggest(knows, contacts, reach, circles, unmet, done=set(done) | likely, top=top)
