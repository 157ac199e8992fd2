"""Opportunity routing: given an opening, an event or a project, whom to tell.

Paying it forward means passing things on to the people they fit. An
opportunity is a set of terms (skills, tags, topics). A contact's fit is how much
of the opportunity their own profile covers, counting what they need or are
interested in (they would want it) above what they can already do (they could
use it or pass it on):

    fit(c)   = Σ_t∈O w(t, c) / |O|,   w = 1.0 if t in needs ∪ interests, 0.7 if in skills,
                                         0.5 if in tags or title words, else 0
    score(c) = 100 · fit(c) · (0.5 + 0.5 · reach(c)/100)

so a perfect fit you barely know still ranks above a close friend it does not fit.
"""

from __future__ import annotations

import re

import pandas as pd

WEIGHTS = (("needs", 1.0), ("interests", 1.0), ("skills", 0.7), ("tags", 0.5))


def terms(text: str) -> set[str]:
    """Lower-case terms from a comma- or semicolon-separated description."""
    return {t.strip().lower() for t in re.split(r"[,;]", text) if t.strip()}


def route(opportunity: set[str], people: pd.DataFrame, reach: pd.Series, *, top: int = 15) -> pd.DataFrame:
    """Contacts ranked by how well the opportunity fits them, with the matching terms.

    ``people``: index person id; ``name``, ``title`` and list columns ``skills``, ``needs``,
    ``interests``, ``tags``. ``reach``: the owner's strength with each contact (0–100).

    >>> people = pd.DataFrame({"name": ["Ana", "Bo"], "title": ["", ""], "skills": [["python"], []],
    ...     "needs": [[], ["python"]], "interests": [[], []], "tags": [[], []]}, index=["a", "b"])
    >>> route({"python"}, people, pd.Series({"a": 50, "b": 50}))["person"].tolist()
    ['b', 'a']
    """
    wanted = {t.lower() for t in opportunity}
    if not wanted:
        raise ValueError("describe the opportunity with at least one skill, tag or topic")
    rows = []
    for pid, p in people.iterrows():
        matched, total = [], 0.0
        title_words = set(str(p.get("title") or "").lower().split())
        for term in sorted(wanted):
            w = next((w for col, w in WEIGHTS if term in {x.lower() for x in p[col] or []}), 0.0)
            w = w or (0.5 if term in title_words else 0.0)
            if w:
                matched.append(term)
                total += w
        if matched:
            fit = total / len(wanted)
            r = float(reach.get(pid, 0.0))
            rows.append({"person": pid, "name": p["name"], "score": round(100 * fit * (0.5 + r / 200), 1),
                         "fit": round(fit, 2), "reach": round(r, 1), "matches": ", ".join(matched)})
    table = pd.DataFrame(rows, columns=["person", "name", "score", "fit", "reach", "matches"])
    return table.sort_values(["score", "person"], ascending=[False, True], kind="stable").head(top).reset_index(drop=True)
