"""The projection: read the graph once into the frames and graphs analytics work on.

Analytics never touch the database. This module runs the ``PROJECT_*``
statements, converts driver values to pandas types (timestamps in UTC), and
hands back a ``Projection``: plain data, cheap to cache (the dashboard keeps one
per graph state) and to build by hand in tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from graph import queries as Q
from graph.model import canonical_status, legacy_outcome

# The most people one interaction ties to each other pairwise. A dinner of eight is eight people who
# spent an evening together; a conference or an all-hands of 10,000 is not 50 million friendships,
# and its pairs would not fit in memory. A bigger interaction still counts as the owner's contact
# with each participant (owner–participant pairs), only no ties between the others come from it.
PAIRWISE_GROUP_MAX = 50

# Inferred ties carry their confidence (a stated tie has 1): analytics/ties.py says what it means.
KNOWS_COLUMNS = ["a", "b", "since", "source", "confidence", "evidence_count", "why"]


@dataclass
class Projection:
    owner: str | None
    people: pd.DataFrame          # index id: name, me, title, company, location, birth_*, cadence_days, lists
    #                               (children, skills, needs, interests, tags, schools)
    knows: pd.DataFrame           # a, b, since, source ("inferred": Kith's guess; anything else: stated),
    #                               confidence (1.0 when stated), evidence_count, why (None when stated)
    participation: pd.DataFrame   # interaction, at, channel, kind, initiated_by, person
    favors: pd.DataFrame          # id, person, at, direction, kind, status
    introductions: pd.DataFrame   # id, a (asked first), b, made_by, at, status, outcome, declined_by
    changes: pd.DataFrame         # person, field, old, new, at

    @cached_property
    def pairs(self) -> pd.DataFrame:
        """One row per pair of participants per interaction: a, b (a < b), at, channel, kind, initiated_by.

        Every pair of an interaction of at most ``PAIRWISE_GROUP_MAX`` people; of a bigger one, only
        the owner with each other participant. So the rows are at most ``PAIRWISE_GROUP_MAX`` times
        the participations: memory stays bounded whatever one event holds.
        """
        columns = ["interaction", "a", "b", "at", "channel", "kind", "initiated_by"]
        p = self.participation
        if p.empty:
            return pd.DataFrame(columns=columns)
        size = p.groupby("interaction")["person"].transform("size")
        big = size > PAIRWISE_GROUP_MAX
        small = p[~big] if big.any() else p
        left = small.rename(columns={"person": "a"})
        right = small[["interaction", "person"]].rename(columns={"person": "b"})
        joined = left.merge(right, on="interaction")
        joined = joined[joined["a"] < joined["b"]]
        if big.any():
            joined = pd.concat([joined, _owner_with_each(p[big], self.owner)], ignore_index=True)
        return joined[columns].reset_index(drop=True)

    def owner_pairs(self) -> pd.DataFrame:
        """The owner's interactions as pairs (owner, contact)."""
        pr = self.pairs
        return pr[(pr["a"] == self.owner) | (pr["b"] == self.owner)]


def _owner_with_each(part: pd.DataFrame, owner) -> pd.DataFrame:
    """The pairs (owner, participant) of interactions given as participation rows, a < b."""
    if owner is None:
        return part.iloc[:0].drop(columns="person").assign(a=[], b=[])
    mine = part.loc[part["person"] == owner, "interaction"]
    others = part[part["interaction"].isin(mine) & (part["person"] != owner)]
    a = others["person"].where(others["person"] < owner, owner)
    b = others["person"].where(others["person"] > owner, owner)
    return others.drop(columns="person").assign(a=a, b=b)


def _records(store, query: str) -> list[dict]:
    with store.session() as s:
        return [r.data() for r in s.run(query)]


def _utc(series: pd.Series) -> pd.Series:
    """neo4j DateTime values (or None) to a UTC datetime64 column."""
    return pd.to_datetime([v.to_native() if hasattr(v, "to_native") else v for v in series], utc=True)


def load(store) -> Projection:
    """Read everything analytics need, in six queries."""
    people = pd.DataFrame(_records(store, Q.PROJECT_PEOPLE),
                          columns=["id", "name", "me", "title", "company", "location", "birth_month", "birth_day",
                                   "birth_year", "cadence_days", "children", "skills", "needs", "interests", "tags",
                                   "schools"]).set_index("id")
    owner = people.index[people["me"]].min() if people["me"].any() else None
    knows = pd.DataFrame(_records(store, Q.PROJECT_KNOWS), columns=KNOWS_COLUMNS)
    knows["confidence"] = knows["confidence"].astype(float)
    participation = pd.DataFrame(_records(store, Q.PROJECT_PARTICIPATION),
                                 columns=["interaction", "at", "channel", "kind", "initiated_by", "person"])
    participation["at"] = _utc(participation["at"])
    favors = pd.DataFrame(_records(store, Q.PROJECT_FAVORS),
                          columns=["id", "person", "at", "direction", "kind", "status"])
    favors["at"] = _utc(favors["at"])
    intros = pd.DataFrame(_records(store, Q.PROJECT_INTRODUCTIONS),
                          columns=["id", "a", "b", "made_by", "at", "status", "outcome", "declined_by"])
    intros["at"] = _utc(intros["at"])
    # Records from before the double opt-in read as what they meant (graph/model.py).
    intros["status"] = intros["status"].map(canonical_status)
    intros["outcome"] = intros["outcome"].map(legacy_outcome, na_action="ignore")
    changes = pd.DataFrame(_records(store, Q.PROJECT_CHANGES), columns=["person", "field", "old", "new", "at"])
    changes["at"] = _utc(changes["at"])
    return Projection(owner, people, knows, participation, favors, intros, changes)


def load_tie(store, person: str) -> Projection:
    """Only what the owner's tie with ``person`` needs: the interactions the two shared.

    A tie's strength depends on that pair's history alone, so ``reports.build.owner_ties`` on
    this gives the same number as on the whole graph, without reading the whole graph
    (``kith person show`` is a glance, not a report). No owner: a projection without one.
    """
    owner = store.owner()
    owner_id = owner["id"] if owner else None
    people = pd.DataFrame({"name": [owner["name"]] if owner else [], "me": [True] if owner else []},
                          index=pd.Index([owner_id] if owner else [], name="id"))
    rows = []
    if owner_id is not None and person != owner_id:
        with store.session() as s:
            rows = [r.data() for r in s.run(Q.PROJECT_TIE, owner=owner_id, person=person)]
    participation = pd.DataFrame(rows, columns=["interaction", "at", "channel", "kind", "initiated_by", "person"])
    participation["at"] = _utc(participation["at"])
    return Projection(owner_id, people, pd.DataFrame(columns=KNOWS_COLUMNS), participation,
                      pd.DataFrame(columns=["id", "person", "at", "direction", "kind", "status"]),
                      pd.DataFrame(columns=["id", "a", "b", "made_by", "at", "status", "outcome"]),
                      pd.DataFrame(columns=["person", "field", "old", "new", "at"]))
