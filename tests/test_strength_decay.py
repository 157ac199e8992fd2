"""Tie strength and tie decay (analytics.strength, analytics.decay): small hand-checkable cases.

Pure functions over pandas frames; no store needed.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analytics.decay import COLUMNS as DECAY_COLUMNS
from analytics.decay import STATES, decay_features, decay_risk, fit_decay_model
from analytics.strength import COLUMNS as STRENGTH_COLUMNS
from analytics.strength import WEIGHTS, explain, strength_over_time, strength_peak, tie_strength

NOW = pd.Timestamp("2024-06-01 12:00", tz="UTC")
DAY = pd.Timedelta(days=1)


def log(rows) -> pd.DataFrame:
    """rows: (a, b, days_ago[, initiated_by[, channel]])."""
    rows = [tuple(r) + (None,) * (5 - len(r)) for r in rows]
    return pd.DataFrame({
        "a": [r[0] for r in rows], "b": [r[1] for r in rows],
        "at": pd.to_datetime([NOW - r[2] * DAY for r in rows], utc=True).astype("datetime64[ns, UTC]"),
        "initiated_by": pd.array([r[3] for r in rows], dtype=object),
        "channel": pd.array([r[4] for r in rows], dtype=object),
    })


def every(other: str, start: float, stop: float, step: float, **kw) -> list:
    """Contacts between "me" and ``other`` from ``start`` days ago to ``stop`` days ago, every ``step``."""
    out, d = [], start
    while d >= stop - 1e-9:
        out.append(("me", other, d, kw.get("by"), kw.get("channel")))
        d -= step
    return out


# Three ties from the brief: weekly until yesterday, weekly that stopped three months ago,
# and once a year, last four months ago.
WEEKLY = every("ann", 1 + 7 * 25, 1, 7)
STOPPED = every("bob", 90 + 7 * 25, 90, 7)
YEARLY = every("cat", 120 + 365 * 4, 120, 365)


@pytest.fixture(scope="module")
def three():
    return decay_risk(log(WEEKLY + STOPPED + YEARLY), NOW).set_index("a")


# --------------------------------------------------------------------------------------------
# Decay: the hand cases


def test_weekly_until_yesterday_is_active_with_low_risk(three):
    ann = three.loc["ann"]
    assert ann["state"] == "active"
    assert ann["risk"] < 0.15
    assert ann["days_since"] == pytest.approx(1.0)
    assert 7 <= ann["usual_gap"] <= 8  # weekly, shrunk a little towards the 14-day prior
    assert ann["reason"] == "usually every 8 days, silent for 1"


def test_weekly_that_stopped_three_months_ago_is_at_risk_or_dormant(three):
    bob = three.loc["bob"]
    assert bob["state"] in ("at risk", "dormant")
    assert bob["risk"] > 0.9
    assert bob["reason"] == "usually every 8 days, silent for 90"
    assert bob["strength_peak"] > bob["strength_now"]  # it was stronger when in weekly touch


def test_yearly_tie_four_months_on_is_not_at_risk(three):
    cat = three.loc["cat"]
    assert cat["state"] not in ("at risk", "dormant")
    assert cat["risk"] < 0.5
    assert cat["risk"] < three.loc["bob", "risk"]
    assert cat["usual_gap"] > 200


def test_small_history_uses_the_fixed_formula(three):
    assert three.attrs["model"] == "formula"
    assert math.isnan(three.attrs["calibration_window_days"])
    assert fit_decay_model(log(WEEKLY + STOPPED + YEARLY), NOW) is None


def test_most_at_risk_first(three):
    risks = three["risk"].to_numpy()
    assert (np.diff(risks) <= 0).all()
    assert list(three.index) == ["bob", "cat", "ann"]


def test_a_single_contact_gets_the_prior_rhythm():
    out = decay_risk(log([("me", "dan", 3.0)]), NOW).iloc[0]
    assert out["usual_gap"] == pytest.approx(14.0)
    assert out["reason"] == "one contact so far, silent for 3"


def test_contacts_within_a_day_are_one_contact():
    # Ten messages in one hour, every week: the rhythm is weekly, not "every few minutes".
    rows = [("me", "eve", d + k / (24 * 60)) for d in range(1, 50, 7) for k in range(10)]
    f = decay_features(log(rows), NOW).iloc[0]
    assert f["n_interactions"] == 70 and f["n_contacts"] == 7
    # Six silences of 7 days less the 9-minute burst, shrunk towards 14 days with weight 2.
    assert f["usual_gap"] == pytest.approx((2 * 14 + 6 * (7 - 9 / 1440)) / 8)


# --------------------------------------------------------------------------------------------
# Decay: the calibrated model


def synthetic_network(seed: int = 7, people: int = 120, days: int = 200) -> pd.DataFrame:
    """Ties with their own rhythms; some stop partway. Deterministic for a seed."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(people):
        for j in rng.choice(people, size=4, replace=False):
            if j == i:
                continue
            gap = float(rng.choice([2, 5, 10, 30]))
            start = float(rng.uniform(0, days / 2))
            stop = float(rng.uniform(start, days * 1.3))  # some never stop before the end
            t = start
            while t < min(stop, days):
                rows.append((f"p{i}", f"p{j}", days - t, f"p{i}" if rng.random() < 0.5 else f"p{j}"))
                t += rng.exponential(gap)
    return log(rows)


@pytest.fixture(scope="module")
def network():
    return synthetic_network()


def test_calibrated_model_is_fitted_on_enough_history(network):
    model = fit_decay_model(network, NOW)
    assert model is not None
    assert model.window_days == 7.0
    assert model.as_of == NOW
    assert 0 < model.n_silent < model.n_ties
    assert set(model.weights()) == set(model.features)
    out = decay_risk(network, NOW)
    assert out.attrs["model"] == "fitted"
    assert out.attrs["calibration_window_days"] == 7.0
    # Long silences rank above recent contact.
    old, fresh = out[out["days_since"] > 60], out[out["days_since"] < 2]
    assert old["risk"].median() > fresh["risk"].median()


def test_calibrated_and_formula_models_are_both_selectable(network):
    fitted = decay_risk(network, NOW, model=fit_decay_model(network, NOW))
    pd.testing.assert_frame_equal(fitted, decay_risk(network, NOW))
    formula = decay_risk(network, NOW, model="formula")
    assert formula.attrs["model"] == "formula"
    pd.testing.assert_frame_equal(formula, decay_risk(network, NOW, model=None))
    with pytest.raises(ValueError):
        decay_risk(network, NOW, model="magic")


def test_model_learns_nothing_from_the_future(network):
    # Features at the cut as_of - 7 days, labels from [cut, as_of): all before as_of.
    cut = NOW - 10 * DAY
    earlier = network[network["at"] < cut]
    model = fit_decay_model(earlier, cut)
    assert model is not None and model.as_of == cut and model.window_days == 7.0
    # Anything at or after as_of is refused rather than silently used.
    with pytest.raises(ValueError, match="as_of"):
        fit_decay_model(network, cut)
    with pytest.raises(ValueError, match="as_of"):
        decay_risk(network, cut, model=model)
    # Scoring with a model fitted earlier is allowed, and deterministic.
    pd.testing.assert_frame_equal(decay_risk(network, NOW, model=model), decay_risk(network, NOW, model=model))


# --------------------------------------------------------------------------------------------
# Decay: determinism, as_of, shapes


def test_decay_is_deterministic_and_order_free(network):
    one = decay_risk(network, NOW)
    two = decay_risk(network, NOW)
    pd.testing.assert_frame_equal(one, two)
    shuffled = network.sample(frac=1.0, random_state=3).reset_index(drop=True)
    pd.testing.assert_frame_equal(one, decay_risk(shuffled, NOW))


def test_interactions_at_or_after_as_of_raise():
    frame = log(WEEKLY + [("me", "ann", -2.0)])
    with pytest.raises(ValueError, match="as_of"):
        decay_risk(frame, NOW)
    with pytest.raises(ValueError, match="as_of"):
        decay_risk(log([("me", "ann", 0.0)]), NOW)  # at == as_of is not before it
    with pytest.raises(ValueError, match="as_of"):
        decay_features(frame, NOW)


def test_decay_columns_dtypes_and_ranges(network):
    out = decay_risk(network, NOW)
    assert list(out.columns) == DECAY_COLUMNS
    assert str(out["a"].dtype) == "str" and str(out["b"].dtype) == "str"
    for c in ("risk", "strength_now", "strength_peak", "days_since", "usual_gap"):
        assert out[c].dtype == np.float64, c
    assert (out["a"] < out["b"]).all()
    assert out["risk"].between(0, 1).all()
    assert out["strength_now"].between(0, 100).all() and (out["strength_peak"] >= out["strength_now"]).all()
    assert set(out["state"]) <= set(STATES)
    assert out["reason"].str.len().gt(0).all()
    # One row per unordered pair with at least one interaction.
    pairs = {tuple(sorted(p)) for p in zip(network["a"], network["b"])}
    assert len(out) == len(pairs) == len(out.drop_duplicates(["a", "b"]))


def test_decay_of_nothing_is_an_empty_table():
    out = decay_risk(log([]), NOW)
    assert list(out.columns) == DECAY_COLUMNS and out.empty


def test_a_is_below_b_whatever_the_input_order():
    out = decay_risk(log([("zed", "amy", 3.0), ("amy", "zed", 10.0), ("10", "9", 2.0)]), NOW)
    assert sorted(zip(out["a"], out["b"])) == [("10", "9"), ("amy", "zed")]  # compared as strings


# --------------------------------------------------------------------------------------------
# Strength


def test_strength_columns_dtypes_and_ranges(network):
    out = tie_strength(network, NOW)
    assert list(out.columns) == STRENGTH_COLUMNS
    assert str(out["a"].dtype) == "str" and str(out["explain"].dtype) == "str"
    assert str(out["last_contact"].dtype) == "datetime64[ns, UTC]"
    assert out["n_interactions"].dtype == np.int64 and out["n_last_year"].dtype == np.int64
    assert (out["a"] < out["b"]).all()
    assert out["strength"].between(0, 100).all()
    for c in WEIGHTS:
        assert out[c].between(0, 1).all(), c
    weighted = 100 * sum(w * out[c] for c, w in WEIGHTS.items())
    np.testing.assert_allclose(out["strength"], weighted)
    assert sum(WEIGHTS.values()) == pytest.approx(1.0)


def test_strength_components_by_hand():
    # One interaction 90 days ago (the recency half-life), nobody known to have initiated.
    row = tie_strength(log([("x", "y", 90.0)]), NOW).iloc[0]
    assert row["recency"] == pytest.approx(0.5)
    assert row["frequency"] == pytest.approx(math.log(2) / math.log(53))
    assert row["duration"] == 0.0
    assert row["reciprocity"] == 0.5 and math.isnan(row["initiated_share_a"])
    assert row["multiplexity"] == pytest.approx(1 / 3)
    assert row["n_interactions"] == 1 and row["n_last_year"] == 1


def test_reciprocity_reflects_who_initiates():
    rows = (every("ann", 100, 10, 10, by="me")             # always me
            + every("bob", 100, 10, 10, by="bob")          # always them
            + [("me", "cat", d, "me" if k % 2 else "cat") for k, d in enumerate(range(100, 0, -10))]
            + every("dan", 100, 10, 10))                   # unknown
    out = tie_strength(log(rows), NOW, owner="me").set_index("a")
    assert out.loc["ann", "initiated_share_a"] == 0.0 and out.loc["ann", "reciprocity"] == 0.0  # a=ann, b=me
    assert out.loc["bob", "initiated_share_a"] == 1.0 and out.loc["bob", "reciprocity"] == 0.0
    assert out.loc["cat", "initiated_share_a"] == 0.5 and out.loc["cat", "reciprocity"] == 1.0
    assert math.isnan(out.loc["dan", "initiated_share_a"]) and out.loc["dan", "reciprocity"] == 0.5
    assert out.loc["ann", "explain"].startswith("mostly you reaching out")
    assert out.loc["bob", "explain"].startswith("mostly them reaching out")
    assert out.loc["cat", "explain"].startswith("both reaching out")
    assert "reaching out" not in out.loc["dan", "explain"]


def test_explain_says_you_for_the_owner_only():
    rows = [("me", "ann", d, "me", ch) for d, ch in ((150, "call"), (160, "email"), (170, "message"))]
    rows += [("me", "ann", 200 + 7 * k, "me", "call") for k in range(11)]
    with_owner = tie_strength(log(rows), NOW, owner="me").iloc[0]["explain"]
    assert with_owner == "mostly you reaching out; last seen 5 months ago; 14 interactions this year over 3 channels"
    without = tie_strength(log(rows), NOW).iloc[0]["explain"]
    assert "you" not in without and without.startswith("mostly me reaching out")
    assert explain({"a": "ann", "b": "bob", "days_since": 0.2, "n_last_year": 0, "n_interactions": 3}, owner="me") \
        == "last seen today; no interactions in the last 12 months (3 interactions before)"


def test_more_contact_is_stronger():
    out = tie_strength(log(WEEKLY + YEARLY + STOPPED), NOW).set_index("a")
    assert out.loc["ann", "strength"] > out.loc["bob", "strength"]
    assert out.loc["ann", "strength"] > out.loc["cat", "strength"]
    assert out.loc["cat", "duration"] > out.loc["ann", "duration"]  # four years beats half a year


def test_strength_over_time_rises_with_contact_and_decays_after():
    # Weekly contact from 200 to 130 days ago, then silence.
    frame = log(every("ann", 200, 130, 7) + WEEKLY[:3])
    dates = [NOW - d * DAY for d in (250, 199.5, 180, 160, 131, 120, 90, 60, 30)]
    curve = strength_over_time(frame, "me", "ann", dates)
    assert curve.name == "strength" and list(curve.index) == dates
    assert curve.iloc[0] == 0.0  # before the first contact
    rising = curve.iloc[1:5].to_numpy()
    assert (np.diff(rising) > 0).all()
    falling = curve.iloc[4:].to_numpy()
    assert (np.diff(falling) < 0).all()
    # The same numbers as tie_strength at each date (only interactions before it count).
    at_90 = tie_strength(frame, dates[6])
    assert curve.iloc[6] == pytest.approx(at_90.loc[at_90["a"] == "ann", "strength"].iloc[0])
    assert strength_over_time(frame, "ann", "me", dates).equals(curve)  # the order of a, b is free


def test_strength_uses_only_the_past_and_is_deterministic(network):
    late = pd.concat([network, log([("p1", "p2", -5.0)])], ignore_index=True)
    pd.testing.assert_frame_equal(tie_strength(late, NOW), tie_strength(network, NOW))
    pd.testing.assert_frame_equal(tie_strength(network, NOW), tie_strength(network.iloc[::-1], NOW))


def test_strength_peak_is_the_strength_right_after_the_best_contact():
    frame = log(STOPPED)
    peak = strength_peak(frame, NOW).iloc[0]
    last = frame["at"].max()
    just_after = tie_strength(frame, last + pd.Timedelta(microseconds=1)).iloc[0]["strength"]
    assert peak["strength_peak"] == pytest.approx(just_after, abs=1e-6)
    assert peak["peak_at"] == last


def test_strength_of_nothing_is_an_empty_table():
    out = tie_strength(log([]), NOW)
    assert list(out.columns) == STRENGTH_COLUMNS and out.empty


def test_naive_times_are_utc():
    frame = log(WEEKLY)
    naive = frame.assign(at=frame["at"].dt.tz_localize(None))
    pd.testing.assert_frame_equal(tie_strength(naive, NOW.tz_localize(None)), tie_strength(frame, NOW))


# --------------------------------------------------------------------------------------------
# Scale


def test_sixty_thousand_interactions_score_every_tie():
    # The timings of this workload are in benchmarks/bench_decay.py (unit tests assert behaviour only).
    rng = np.random.default_rng(0)
    n, pairs = 60_000, 20_000
    ids = rng.integers(0, 3_000, size=(pairs, 2))
    ids[:, 1] = (ids[:, 0] + 1 + ids[:, 1] % 2_999) % 3_000  # never a self-pair
    which = np.r_[np.arange(pairs), rng.integers(0, pairs, size=n - pairs)]
    frame = pd.DataFrame({
        "a": ids[which, 0].astype(str), "b": ids[which, 1].astype(str),
        "at": NOW - pd.to_timedelta(rng.uniform(1, 400 * 86_400, size=n), unit="s"),
        "initiated_by": ids[which, rng.integers(0, 2, size=n)].astype(str),
        "channel": rng.choice(["call", "email", "message"], size=n),
    })
    ties = {tuple(sorted(p)) for p in zip(frame["a"], frame["b"])}
    out = tie_strength(frame, NOW)
    assert len(out) == len(ties)
    risk = decay_risk(frame, NOW)
    assert set(zip(risk["a"], risk["b"])) == ties
    assert risk["risk"].between(0, 1).all()
