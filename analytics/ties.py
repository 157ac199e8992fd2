"""Who knows whom, stated or inferred: one reading of the knows frame for every analytic.

A knows frame (``Projection.knows``) has ``a``, ``b`` and, since inferred ties, ``source``
("inferred" for Kith's own inference, anything else is stated), ``confidence`` (0–1; 1.0 for
a stated tie), ``evidence_count`` and ``why`` (the sentence that says what the inference saw;
None for a stated tie). Inferred ties are kept from ``STORED_FLOOR`` on; two people *know each
other* from ``KNOWS_THRESHOLD`` on (the calibrated probability says it is more likely than not).
A frame without the new columns (older code, hand-built tests) reads as all stated, confidence 1.

    known ties          confidence ≥ KNOWS_THRESHOLD       circles, brokers, paths, "do not introduce"
    maybe-known pairs   STORED_FLOOR ≤ confidence < KNOWS_THRESHOLD    introductions, scaled by (1 − c)
"""

from __future__ import annotations

import math

import networkx as nx
import pandas as pd

KNOWS_THRESHOLD = 0.5  # a calibrated probability: more likely than not
STORED_FLOOR = 0.1
INFERRED = "inferred"
COLUMNS = ("a", "b", "source", "confidence", "evidence_count", "why")


def standard(knows: pd.DataFrame) -> pd.DataFrame:
    """``knows`` with all of ``COLUMNS``: a missing column means stated, confidence 1.

    >>> standard(pd.DataFrame({"a": ["x"], "b": ["y"]}))[["source", "confidence"]].values.tolist()
    [['stated', 1.0]]
    """
    out = knows.copy()
    if "source" not in out:
        out["source"] = "stated"
    out["source"] = out["source"].where(out["source"].notna(), "stated")
    inferred = out["source"].eq(INFERRED)
    if "confidence" not in out:
        out["confidence"] = 1.0
    conf = pd.to_numeric(out["confidence"], errors="coerce").astype(float)
    # A stated tie is a fact, whatever number rides along; an inferred one without a number is no evidence.
    out["confidence"] = conf.where(inferred, 1.0).fillna(0.0).clip(0.0, 1.0)
    if "evidence_count" not in out:
        out["evidence_count"] = pd.NA
    if "why" not in out:
        out["why"] = None
    out["why"] = out["why"].where(inferred & out["why"].notna(), None)
    return out


def strongest(knows: pd.DataFrame) -> dict[frozenset, dict]:
    """Per unordered pair, its most confident row as a dict (a stated row wins a tie): ``a``, ``b``
    (as first written, in the frame's order), ``confidence``, ``inferred``, ``why``, ``evidence_count``,
    ``source``."""
    k = standard(knows)
    first: dict[frozenset, tuple] = {}
    for a, b in zip(k["a"], k["b"]):  # the frame's order and orientation, so graphs come out as before
        first.setdefault(frozenset((a, b)), (a, b))
    k = k.assign(_stated=~k["source"].eq(INFERRED)).sort_values(["confidence", "_stated"], ascending=False,
                                                                 kind="stable")
    best: dict[frozenset, dict] = {}
    for r in k.itertuples(index=False):
        key = frozenset((r.a, r.b))
        if len(key) == 2 and key not in best:
            best[key] = {"a": r.a, "b": r.b, "confidence": float(r.confidence), "inferred": r.source == INFERRED, "why": r.why,
                         "evidence_count": r.evidence_count, "source": r.source}
    return {key: {**best[key], "a": ab[0], "b": ab[1]} for key, ab in first.items() if key in best}


def known(knows: pd.DataFrame, threshold: float = KNOWS_THRESHOLD) -> dict[frozenset, dict]:
    """The pairs that know each other: stated, or inferred with confidence ≥ ``threshold``."""
    return {k: v for k, v in strongest(knows).items() if v["confidence"] >= threshold}


def maybe_known(knows: pd.DataFrame, threshold: float = KNOWS_THRESHOLD) -> dict[frozenset, dict]:
    """Inferred pairs below ``threshold``: perhaps acquainted, not enough to say they know each other."""
    return {k: v for k, v in strongest(knows).items() if v["inferred"] and v["confidence"] < threshold}


def known_graph(knows: pd.DataFrame, nodes=(), *, threshold: float = KNOWS_THRESHOLD, leave_out=None) -> nx.Graph:
    """Who knows whom as a graph: ``nodes`` plus every known pair (``known``), ``leave_out`` excluded.

    Edges carry ``confidence``, ``inferred`` (bool) and ``why``.
    """
    G = nx.Graph()
    G.add_nodes_from(n for n in nodes if n != leave_out)
    for pair, tie in known(knows, threshold).items():
        a, b = tie["a"], tie["b"]
        if leave_out is not None and leave_out in pair:
            continue
        G.add_edge(a, b, confidence=tie["confidence"], inferred=tie["inferred"], why=tie["why"])
    return G


def count_ties(G: nx.Graph, nodes=None) -> tuple[int, int]:
    """(ties, of which inferred) among ``nodes`` (every edge when None) of a ``known_graph``."""
    edges = G.edges(data="inferred", default=False) if nodes is None else G.subgraph(nodes).edges(
        data="inferred", default=False)
    total = inferred = 0
    for _, _, inf in edges:
        total += 1
        inferred += bool(inf)
    return total, inferred


def inferred_phrase(n_inferred: int, n_total: int, whose: str = "its") -> str | None:
    """"3 of its 40 ties are inferred from interactions they shared", or None when none is.

    >>> inferred_phrase(1, 4, "their")
    '1 of their 4 ties is inferred from interactions they were on together'
    """
    if not n_inferred:
        return None
    verb = "is" if n_inferred == 1 else "are"
    return f"{n_inferred} of {whose} {n_total} ties {verb} inferred from interactions they were on together"


def percent(confidence: float) -> str:
    """A confidence as a person reads it: 0.34 → "34%"."""
    return f"{int(math.floor(100 * confidence + 0.5))}%"
