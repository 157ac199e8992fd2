"""Introductions worth making: pairs of your contacts who should meet, and why.

For every pair (a, b) of your contacts who do not know each other and whom you
have not already introduced (or been told no), five parts, each in [0, 1]:

    complementarity  one's skills meet the other's needs, either way:
                     min(1, (|skills_a ∩ needs_b| + |skills_b ∩ needs_a|) / 2 + 0.5·[any]),
                     terms compared once normalised (``analytics.skills.normalise``: "ML" meets
                     "machine learning"); stated and inferred skills and needs alike
    common_ground    shared interests (Jaccard), and the same place, school or how-you-met tag
    structural       the pair's link-prediction score (analytics.linkpred), as a percentile
                     among the candidates: people the network already brings close
    bridging         1 when they sit in different circles: an introduction across a
                     structural hole adds most (Burt 2004, "Structural Holes and Good Ideas")
    reach            your own strength with both, √(s_a · s_b) / 100: you can only introduce
                     people you know

    score = 100 · reach · Σ_c w_c · part_c / Σ_c w_c · (1 − c_ab)        (c ≠ reach)

Who knows whom includes inferred ties (``analytics.ties``): a pair inferred to know each other
(confidence from ``KNOWS_THRESHOLD``, 0.5) is not a candidate, like a stated one. A pair inferred
below it has ``c_ab`` its confidence (else 0): the introduction is worth making only if they do
not know each other already, which is (1 − c_ab) likely, so its expected value is that much lower.
(A multiplier rather than a cut-off: a 0.2 guess should not hide a good suggestion, only lower
it; and the structural part, which already rises for pairs the network brings close, is not
penalised twice.) The explanation says what the inference saw.

The weights start at ``DEFAULT_WEIGHTS`` and learn from your history
(``learn_weights``): parts that were high in introductions that went well and
low in ones that went badly gain weight (reports/build.py says which count, and how much).

Every introduction is double opt-in (graph/introductions.py): ``drafts`` writes the three
messages, to A (asking), to B (asking, saying A agreed) and the joint one to both.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import combinations

import networkx as nx
import numpy as np
import pandas as pd

from analytics import skills as sk
from analytics import ties as ties_mod

PARTS = ("complementarity", "common_ground", "structural", "bridging")
DEFAULT_WEIGHTS = {"complementarity": 3.0, "common_ground": 1.0, "structural": 1.0, "bridging": 1.0}
MIN_REACH = 15.0  # owner strength below this: not someone you can ask a favour of
MAX_PER_PERSON = 2  # a list of ten intros for the same person is one suggestion, not ten


@dataclass
class Contact:
    """What the suggestion needs to know about one person."""

    id: str
    name: str
    title: str | None = None
    company: str | None = None
    location: str | None = None
    skills: set[str] = field(default_factory=set)
    needs: set[str] = field(default_factory=set)
    interests: set[str] = field(default_factory=set)
    schools: set[str] = field(default_factory=set)
    tags: set[str] = field(default_factory=set)


def candidate_pairs(knows: nx.Graph, reach: pd.Series, done: set[frozenset], *, max_people: int = 400) -> list:
    """Pairs of contacts you can reach, who do not know each other and were not introduced yet.

    The ``max_people`` strongest contacts are considered (pairs grow with its square).
    """
    people = [p for p in reach[reach >= MIN_REACH].sort_values(ascending=False, kind="stable").index[:max_people]]
    people.sort(key=str)
    return [(a, b) for a, b in combinations(people, 2)
            if not knows.has_edge(a, b) and frozenset((a, b)) not in done]


def meets(skills: set, needs: set) -> list[str]:
    """The terms of ``skills`` that meet ``needs``, compared normalised, sorted.

    >>> meets({"ML", "Python"}, {"machine learning"})
    ['machine learning']
    """
    wanted = {sk.normalise(n) for n in needs} - {""}
    return sorted({sk.normalise(t) for t in skills} & wanted)


def parts(pairs: list, contacts: dict[str, Contact], circles: dict, structural: np.ndarray) -> pd.DataFrame:
    """The four suggestion parts for each pair (rows aligned with ``pairs``)."""
    rows = []
    ranks = pd.Series(structural).rank(pct=True).to_numpy() if len(pairs) else np.array([])
    for (a, b), s in zip(pairs, ranks):
        ca, cb = contacts[a], contacts[b]
        gives, gets = meets(ca.skills, cb.needs), meets(cb.skills, ca.needs)
        complement = min(1.0, (len(gives) + len(gets)) / 2 + 0.5 * bool(gives or gets))
        shared = ca.interests | cb.interests
        ground = (len(ca.interests & cb.interests) / len(shared) if shared else 0.0) * 0.6
        ground += 0.2 * bool(ca.location and ca.location == cb.location) + 0.2 * bool(ca.schools & cb.schools)
        bridging = float(circles.get(a, -1) != circles.get(b, -2))
        rows.append((a, b, complement, min(ground, 1.0), float(s) if structural.any() else 0.0, bridging))
    return pd.DataFrame(rows, columns=["a", "b", *PARTS])


def learn_weights(history: pd.DataFrame, weights: dict[str, float] = DEFAULT_WEIGHTS, *, rate: float = 0.5) -> dict:
    """Shift weight toward the parts that separated good introductions from bad ones.

    ``history``: past introductions with the four parts, ``good`` (True: went well; False:
    went badly) and optionally ``weight`` (how much each row counts, default 1).
    w_c ← w_c · exp(rate · (mean_good_c − mean_bad_c)), the means weighted.
    """
    good = history["good"].astype(bool)
    w = history["weight"].astype(float) if "weight" in history else pd.Series(1.0, index=history.index)
    if w[good].sum() == 0 or w[~good].sum() == 0:
        return dict(weights)

    def mean(c: str, rows: pd.Series) -> float:
        return float((history.loc[rows, c].astype(float) * w[rows]).sum() / w[rows].sum())

    return {c: weights[c] * math.exp(rate * (mean(c, good) - mean(c, ~good))) for c in PARTS}


def suggest(knows: nx.Graph, contacts: dict[str, Contact], reach: pd.Series, circles: dict,
            structural_score, *, done: set[frozenset] = frozenset(), weights: dict = DEFAULT_WEIGHTS,
            top: int = 20, maybe_known: dict | None = None, sources: dict | None = None) -> pd.DataFrame:
    """Ranked introductions with their parts, a one-paragraph explanation and a draft message.

    ``knows``: who knows whom (stated ties and inferred ones from ``KNOWS_THRESHOLD``; edges may
    carry ``inferred`` and ``why``); its pairs are never suggested. ``structural_score(pairs) ->
    array`` scores pairs on the contact network (e.g. ``lambda p: linkpred.score(knows, p,
    "combined")``); ``reach``: your strength with each contact (0–100). ``maybe_known``
    (``analytics.ties.maybe_known``): pairs inferred below the threshold, ``{frozenset: {"confidence",
    "why"}}``, each scored (1 − confidence) times as much. ``sources``
    (``analytics.skills.explanations``): where an inferred skill or need came from, cited.
    """
    maybe_known = maybe_known or {}
    sources = sources or {}
    pairs = candidate_pairs(knows, reach, set(done))
    if not pairs:
        return pd.DataFrame(columns=["a", "b", "a_name", "b_name", "score", *PARTS, "reach", "explanation", "draft"])
    table = parts(pairs, contacts, circles, np.asarray(structural_score(pairs), dtype=float))
    table["reach"] = np.sqrt(reach.reindex(table["a"]).to_numpy() * reach.reindex(table["b"]).to_numpy()) / 100
    total = sum(weights[c] for c in PARTS)
    table["score"] = 100 * table["reach"] * sum(weights[c] * table[c] for c in PARTS) / total
    doubt = [maybe_known.get(frozenset((a, b)), {}).get("confidence", 0.0) for a, b in zip(table["a"], table["b"])]
    table["score"] = table["score"] * (1 - np.clip(np.asarray(doubt, dtype=float), 0.0, 1.0))
    table = table.sort_values(["score", "a", "b"], ascending=[False, True, True], kind="stable")
    table = _diverse(table, top, per_person=MAX_PER_PERSON)
    table["a_name"] = [contacts[a].name for a in table["a"]]
    table["b_name"] = [contacts[b].name for b in table["b"]]
    mutual = [_mutual(knows, a, b) for a, b in zip(table["a"], table["b"])]
    table["explanation"] = [explain(contacts[r.a], contacts[r.b], r, m, reach, sources=sources,
                                    maybe=maybe_known.get(frozenset((r.a, r.b))))
                            for r, m in zip(table.itertuples(), mutual)]
    table["draft"] = [draft(contacts[r.a], contacts[r.b]) for r in table.itertuples()]
    table["score"] = table["score"].round(1)
    return table.reset_index(drop=True)[["a", "b", "a_name", "b_name", "score", *PARTS, "reach", "explanation", "draft"]]


def _diverse(ranked: pd.DataFrame, top: int, per_person: int) -> pd.DataFrame:
    """The best ``top`` rows in which nobody appears more than ``per_person`` times."""
    seen: dict[str, int] = {}
    keep = []
    for i, a, b in zip(ranked.index, ranked["a"], ranked["b"]):
        if seen.get(a, 0) < per_person and seen.get(b, 0) < per_person:
            keep.append(i)
            seen[a], seen[b] = seen.get(a, 0) + 1, seen.get(b, 0) + 1
            if len(keep) == top:
                break
    return ranked.loc[keep]


def _mutual(knows: nx.Graph, a, b) -> tuple[int, int]:
    """(mutual acquaintances of a and b, how many of them through an inferred tie)."""
    if a not in knows or b not in knows:
        return 0, 0
    common = set(knows[a]) & set(knows[b])
    inferred = sum(1 for m in common if knows.edges[a, m].get("inferred") or knows.edges[b, m].get("inferred"))
    return len(common), inferred


def _who(c: Contact) -> str:
    role = " at ".join(x for x in (c.title, c.company) if x)
    return f"{c.name} ({role})" if role else c.name


def _cited(giver: Contact, taker: Contact, terms: list[str], sources: dict) -> str:
    """The terms, each inferred one with where it came from: "rust (from the note …)"."""
    out = []
    for t in terms:
        why = [w for w in (sources.get((giver.id, "skill", t)), sources.get((taker.id, "need", t))) if w]
        out.append(f"{t} ({'; '.join(why)})" if why else t)
    return ", ".join(out)


def explain(a: Contact, b: Contact, row, mutual, reach: pd.Series, *, sources: dict | None = None,
            maybe: dict | None = None) -> str:
    """One paragraph a person can read: why these two, why now, why you.

    ``mutual``: the number of mutual acquaintances, or (that number, how many through an
    inferred tie). ``sources``: where inferred skills and needs came from; ``maybe``: the pair's
    own inferred tie below the threshold (``confidence``, ``why``), which lowered the score.
    """
    sources = sources or {}
    mutual, mutual_inferred = mutual if isinstance(mutual, tuple) else (mutual, 0)
    sentences = []
    gives, gets = meets(a.skills, b.needs), meets(b.skills, a.needs)
    if gives:
        sentences.append(f"{_who(a)} knows {_cited(a, b, gives, sources)}, which {b.name} is looking for help with.")
    if gets:
        sentences.append(f"{'In return, ' if gives else ''}{_who(b) if not gives else b.name} knows "
                         f"{_cited(b, a, gets, sources)}, which {a.name} needs.")
    common = sorted(a.interests & b.interests)
    place = a.location if a.location and a.location == b.location else None
    if common or place:
        bits = ([f"share an interest in {', '.join(common[:3])}"] if common else []) + \
               ([f"are both in {place}"] if place else [])
        sentences.append(f"They {' and '.join(bits)}.")
    through = (f" ({mutual_inferred} of {'them' if mutual > 1 else 'it'} through a tie Kith inferred from "
               f"interactions they were on together)") if mutual_inferred else ""
    if row.bridging:
        sentences.append(f"They move in different circles ({_circles(a, b)}) and have "
                         f"{mutual or 'no'} mutual acquaintance{'s' * (mutual != 1)}{through}, so they are unlikely "
                         f"to meet without you.")
    elif mutual:
        sentences.append(f"They already have {mutual} mutual acquaintance{'s' * (mutual != 1)}{through}.")
    if maybe and maybe.get("confidence", 0) > 0:
        c = float(maybe["confidence"])
        seen = f": {str(maybe['why']).rstrip('.')}" if maybe.get("why") else ""
        sentences.append(f"They may know each other already (Kith puts it at {ties_mod.percent(c)}{seen}), so the "
                         f"score counts {ties_mod.percent(1 - c)} of its value; ask whether they have met.")
    sentences.append(f"You know both well enough to ask (tie strength {reach[a.id]:.0f} and {reach[b.id]:.0f}).")
    return " ".join(sentences)


def _circles(a: Contact, b: Contact) -> str:
    ta, tb = (", ".join(sorted(c.tags)[:1]) or "another circle" for c in (a, b))
    return f"your {ta} and your {tb}" if ta != tb else f"two different groups of your {ta}s"


def _first(c: Contact) -> str:
    return c.name.split()[0]


def _topic(a: Contact, b: Contact) -> str | None:
    """What the two have to talk about: a skill meeting a need (either way), else a shared interest."""
    topic = meets(b.skills, a.needs) or meets(a.skills, b.needs) or sorted(a.interests & b.interests)
    return topic[0] if topic else None


def _talk_about(a: Contact, b: Contact) -> str:
    """The sentence that says what the two have to talk about, or nothing when Kith cannot tell."""
    topic = _topic(a, b)
    return f" I think you two would have a lot to talk about on {topic}." if topic else ""


def draft(a: Contact, b: Contact) -> str:
    """A double opt-in message to ``a``: ask before connecting, so either can say no quietly."""
    why = _talk_about(a, b)
    return (f"Hi {_first(a)}, I'd like to introduce you to {_who(b)}.{why} "
            f"Would you be open to it? If so, I'll send you both a short email; if now isn't a good time, "
            f"no problem at all.")


def draft_to_b(a: Contact, b: Contact) -> str:
    """The second ask, to ``b``: A has already said yes, and B can still say no quietly."""
    why = _talk_about(a, b)
    return (f"Hi {_first(b)}, I'd like to introduce you to {_who(a)}.{why} {_first(a)} would be glad to "
            f"meet you. Would you be open to it? If so, I'll send you both a short email; if not, "
            f"no problem at all, {_first(a)} won't mind.")


def _line(c: Contact, other: Contact) -> str:
    """One sentence introducing ``c`` to ``other``: their role, and what they bring to this."""
    if c.title:
        role = f"is {_article(c.title)}{c.title}" + (f" at {c.company}" if c.company else "")
    else:
        role = f"works at {c.company}" if c.company else ""
    gives = ", ".join(meets(c.skills, other.needs))
    knows = f"knows a lot about {gives}" if gives else ""
    if role:
        return f"{c.name} {role}{f' and {knows}' if knows else ''}."
    return f"{c.name} {knows}." if knows else f"This is {c.name}."


def _article(role: str) -> str:
    return "an " if role[:1].lower() in "aeiou" else "a "


def draft_joint(a: Contact, b: Contact) -> str:
    """The introduction itself, to both, once both agreed: who each is and why they should talk."""
    topic = _topic(a, b)
    why = f"I think you two should talk about {topic}. " if topic else "I think you two should meet. "
    return (f"Subject: {_first(a)} ↔ {_first(b)}\n\n"
            f"Hi {_first(a)} and {_first(b)}, as promised, meet each other! "
            f"{_line(a, b)} {_line(b, a)} {why}"
            f"I'll let you take it from here.")


def drafts(a: Contact, b: Contact) -> dict[str, str]:
    """The three messages of a double opt-in introduction: ``to_a``, ``to_b`` and ``joint``."""
    return {"to_a": draft(a, b), "to_b": draft_to_b(a, b), "joint": draft_joint(a, b)}
