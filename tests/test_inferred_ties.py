"""Inferred ties: evidence per pair, the positive–unlabelled confidence, explanations, introductions."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pandas as pd
import pytest

from analytics import introductions
from analytics.inferred_ties import (
    evidence_from_interactions,
    explain,
    infer_ties,
    naive_ties,
    participants_frame,
    suggest_introductions,
)

T0 = datetime(2025, 1, 6, 9, tzinfo=timezone.utc)


def at(days: float) -> datetime:
    return T0 + timedelta(days=days)


def test_a_three_person_meeting_says_more_than_an_all_hands():
    hands = [f"p{i}" for i in range(37)]  # 40 people, you included
    mails = [(at(0), ["me", "ana", "bo"], "me"), (at(1), ["me", "cy", "di", *hands], "me")]
    ev = evidence_from_interactions(mails, "me")
    small, big = ev.loc[("ana", "bo")], ev.loc[("cy", "di")]
    assert small["w_co"] == pytest.approx(1 / 2) and big["w_co"] == pytest.approx(1 / 39)
    assert (small["small"], big["small"]) == (1, 0)
    assert small["together"] == big["together"] == 1


def test_a_reply_between_two_contacts_is_direct_evidence():
    mails = [(at(0), ["ana", "me", "bo"], "ana"), (at(2), ["me", "ana", "bo"], "me")]
    ev = evidence_from_interactions(mails, "me")
    row = ev.loc[("ana", "bo")]
    assert (row["together"], row["direct"], row["co"], row["by_owner"]) == (2, 1, 1, 1)
    assert row["first_seen"] == at(0) and row["last_seen"] == at(2)


def test_mail_the_owner_is_not_on_and_huge_groups_tie_nobody():
    mails = [(at(0), ["ana", "bo"], "ana"), (at(1), ["me", *[f"p{i}" for i in range(60)]], "me")]
    assert evidence_from_interactions(mails, "me").empty
    assert naive_ties(mails, "me") == set()


def test_participants_frame_reads_the_projection_shape():
    p = pd.DataFrame({"interaction": ["i1", "i1", "i1", "i2", "i2"], "at": [at(0)] * 3 + [at(1)] * 2,
                      "initiated_by": ["ana"] * 3 + [None] * 2, "person": ["me", "ana", "bo", "me", "cy"]})
    assert participants_frame(p) == [(at(0), ["me", "ana", "bo"], "ana"), (at(1), ["me", "cy"], None)]


def office(seed: int = 3, days: int = 120, size: int = 8) -> list[tuple]:
    """A small office: two teams who write to each other with the owner on copy, and all-hands."""
    rng = random.Random(seed)
    teams = [[f"a{i}" for i in range(size)], [f"b{i}" for i in range(size)]]
    everyone = teams[0] + teams[1]
    mails = []
    for day in range(days):
        team = teams[day % 2]
        sender = rng.choice(team)
        others = rng.sample([p for p in team if p != sender], rng.choice((1, 1, 2)))
        mails.append((at(day), [sender, "me", *others], sender))
        if day % 3 == 0:
            mails.append((at(day + 0.5), ["me", *rng.sample(team, 2)], "me"))
        if day % 20 == 0:
            mails.append((at(day + 0.7), ["me", *everyone], "me"))
    return mails


def test_confidence_is_a_probability_and_direct_evidence_is_certain():
    res = infer_ties(office(days=240, size=12), "me", all_pairs=True, seed=0)
    t = res.ties
    assert t["confidence"].between(0, 1).all() and 0 <= res.floor <= 1
    assert (t.loc[t["direct"] > 0, "confidence"] == 1).all()
    assert res.c is not None and 0 < res.c <= 1 and res.n_labelled == int((t["direct"] > 0).sum())
    # a pair only ever together at the all-hands, in different teams, is less likely than a teammate pair
    cross = t[(t["a"].str[0] != t["b"].str[0])]
    assert cross["confidence"].max() < t.loc[t["direct"] > 0, "confidence"].min()


def test_results_are_deterministic():
    one = infer_ties(office(), "me", seed=0).ties
    two = infer_ties(office(), "me", seed=0).ties
    pd.testing.assert_frame_equal(one.drop(columns="evidence"), two.drop(columns="evidence"))
    assert one["evidence"].tolist() == two["evidence"].tolist()


def test_evidence_explains_itself():
    res = infer_ties(office(), "me", seed=0)
    row = res.ties.iloc[0]
    kinds = [k for k, _, _ in row["evidence"]]
    assert "reply" in kinds
    text = explain(row)
    assert text.startswith("100% likely to know each other: ") and "from one to the other" in text
    assert row["evidence_count"] >= 1 and row["last_seen"] is not None


def test_other_evidence_kinds_and_unknown_ones():
    extra = pd.DataFrame({"a": ["a0", "b1"], "b": ["b0", "a2"], "kind": ["linkedin_endorsement", "same_school"],
                          "detail": ["a0 endorsed b0 for Python", "both at Uppsala, 2010–2014"]})
    res = infer_ties(office(), "me", pair_evidence=extra, seed=0)
    assert res.confidence("b0", "a0") == 1.0  # an endorsement says it outright
    row = res.ties[(res.ties["a"] == "a2") & (res.ties["b"] == "b1")].iloc[0]
    assert ("same_school", 1, "both at Uppsala, 2010–2014") in row["evidence"]
    with pytest.raises(ValueError, match="unknown evidence kind"):
        infer_ties(office(), "me", pair_evidence=extra.assign(kind="horoscope"))


def test_too_little_to_learn_from_leaves_only_direct_evidence():
    mails = [(at(0), ["ana", "me", "bo"], "ana"), (at(1), ["me", "cy", "di"], "me")]
    res = infer_ties(mails, "me")
    assert res.c is None and res.known() == {("ana", "bo")}


def test_introductions_never_pair_people_who_probably_know_each_other():
    res = infer_ties(office(), "me", all_pairs=True, seed=0)
    people = sorted({p for _, ps, _ in office() for p in ps} - {"me"})
    contacts = {p: introductions.Contact(p, p.upper()) for p in people}
    table = suggest_introductions(res, contacts, pd.Series(50.0, index=people), {}, top=20)
    assert not table.empty
    for a, b in zip(table["a"], table["b"]):
        assert res.confidence(a, b) <= 0.1
