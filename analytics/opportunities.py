"""Opportunity routing: given an opening, an event or a project, whom to tell.

Paying it forward means passing things on to the people they fit. An
opportunity is a set of terms (skills, tags, topics). A contact's fit is how much
of the opportunity their own profile covers, counting what they need or are
interested in (they would want it) above what they can already do (they could
use it or pass it on):

    fit(c)   = Σ_t∈O w(t, c) / |O|,   w = 1.0 if t in needs ∪ interests, 0.7 if in skills,
                                         0.5 if in tags or in the title, else 0
    score(c) = 100 · fit(c) · (0.5 + 0.5 · reach(c)/100)

so a perfect fit you barely know still ranks above a close friend it does not fit.

A term t is "in" a list when it equals an entry once both are normalised
(``analytics.skills.normalise``: case, plural, synonyms such as ML = machine learning) or
when their words have the same stems (recruiter ~ recruiting). It is "in the title" when
the title's mapped skills (``analytics/title_skills.py``: "Head of Growth" → growth
marketing) hold it, or when every word of t has a stem among the title's words
("Angel Investor" matches "angel investing": angel, invest). Each match says where:
``angel investing (title: Angel Investor)``, ``python (skill)``, and with ``inferred``
(``analytics.skills.infer_profile``) a skill or need nobody typed says where it came from:
``rust (need: from the note "wants to learn Rust")``.
"""

from __future__ import annotations

import re

import pandas as pd

from analytics import skills as sk

WEIGHTS = (("needs", 1.0), ("interests", 1.0), ("skills", 0.7), ("tags", 0.5))
TITLE_WEIGHT = 0.5
LABELS = {"needs": "need", "interests": "interest", "skills": "skill", "tags": "tag"}


def terms(text: str) -> set[str]:
    """Lower-case terms from a comma- or semicolon-separated description."""
    return {t.strip().lower() for t in re.split(r"[,;]", text) if t.strip()}


def title_match(term: str, title) -> bool:
    """Whether an opportunity term is in a title: its mapped skills, or the stems of its words.

    >>> title_match("angel investing", "Angel Investor"), title_match("growth marketing", "Head of Growth")
    (True, True)
    >>> title_match("python", "Angel Investor")
    False
    """
    if not isinstance(title, str) or not title.strip():
        return False
    t = sk.normalise(term)
    mapped = [s for s, _ in sk.skills_from_title(title)]
    if t in mapped or sk.phrase_stems(t) in {sk.phrase_stems(s) for s in mapped}:
        return True
    words, title_words = sk.phrase_stems(t), set(sk.phrase_stems(title))
    return bool(words) and all(w in title_words for w in words)


def _in_list(term: str, values) -> bool:
    t, stems = sk.normalise(term), sk.phrase_stems(term)
    return any(sk.normalise(v) == t or (stems and sk.phrase_stems(v) == stems) for v in values or [])


def route(opportunity: set[str], people: pd.DataFrame, reach: pd.Series, *, top: int = 15,
          inferred: pd.DataFrame | None = None) -> pd.DataFrame:
    """Contacts ranked by how well the opportunity fits them, with the matching terms and where.

    ``people``: index person id; ``name``, ``title`` and list columns ``skills``, ``needs``,
    ``interests``, ``tags``. ``reach``: the owner's strength with each contact (0–100).
    ``inferred`` (optional): ``analytics.skills.infer_profile`` rows; their skills and needs
    count too, and a match on one says where it came from.

    >>> people = pd.DataFrame({"name": ["Ana", "Bo"], "title": ["", ""], "skills": [["python"], []],
    ...     "needs": [[], ["python"]], "interests": [[], []], "tags": [[], []]}, index=["a", "b"])
    >>> route({"python"}, people, pd.Series({"a": 50, "b": 50}))[["person", "matches"]].values.tolist()
    [['b', 'python (need)'], ['a', 'python (skill)']]
    """
    wanted = sorted({sk.normalise(t) for t in opportunity} - {""})
    if not wanted:
        raise ValueError("describe the opportunity with at least one skill, tag or topic")
    whys: dict = {}
    if inferred is not None and not inferred.empty:
        people = sk.with_inferred(people, inferred)
        whys = sk.explanations(inferred[inferred["source"] != "stated"])
    rows = []
    for pid, p in people.iterrows():
        matched, total = [], 0.0
        for term in wanted:
            hit = next(((col, w) for col, w in WEIGHTS if col in p and _in_list(term, p[col])), None)
            if hit:
                col, w = hit
                kind = {"skills": "skill", "needs": "need"}.get(col)
                why = whys.get((pid, kind, term)) if kind else None
                matched.append(f"{term} ({LABELS[col]}: {why})" if why else f"{term} ({LABELS[col]})")
            elif title_match(term, p.get("title")):
                w = TITLE_WEIGHT
                matched.append(f"{term} (title: {' '.join(str(p['title']).split())})")
            else:
                continue
            total += w
        if matched:
            fit = total / len(wanted)
            r = float(reach.get(pid, 0.0))
            rows.append({"person": pid, "name": p["name"], "score": round(100 * fit * (0.5 + r / 200), 1),
                         "fit": round(fit, 2), "reach": round(r, 1), "matches": "; ".join(matched)})
    table = pd.DataFrame(rows, columns=["person", "name", "score", "fit", "reach", "matches"])
    return table.sort_values(["score", "person"], ascending=[False, True], kind="stable").head(top).reset_index(drop=True)
