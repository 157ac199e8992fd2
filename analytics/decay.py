"""Tie decay: which ties are going silent, how likely that is, and why.

A tie goes silent when the two people stop being in touch. Whether a silence is worrying
depends on the tie's own rhythm: three weeks without a word is alarming for a weekly tie and
nothing for a yearly one. The model has three ingredients.

**Rhythm.** Interactions less than ``EPISODE_GAP_DAYS`` (1 day) apart are one contact; the
silences between contacts are the tie's gaps. Its *usual gap* ``g`` is the median gap shrunk
towards a prior of ``PRIOR_GAP_DAYS`` (14) with the weight of ``PRIOR_GAP_WEIGHT`` (2) gaps::

    g = (2 * 14 + m * median(gaps)) / (2 + m)          m = number of gaps

so a tie seen once or twice gets a cautious rhythm. Gaps are taken as exponential with mean
``g``: the chance of a silence at least as long as the current one, ``d`` days, is the
survival ``S = exp(-d / g)``.

**Decay with a half-life** (Burt 2000). A tie can also die: right after a contact with
probability ``p`` (the liability of newness: ``p = 1 / (4 + m)``, the mean of a Beta(1, 3)
prior after ``m`` gaps, so young ties drop out more) and at any time at a rate
``mu = ln 2 / h``, a half-life ``h = max(half_life_days, span)`` that lengthens with the age of
the tie (Burt: older relationships decay more slowly). Given the silence so far, the
probability that the tie is still alive is, as in the Pareto/NBD and BG/NBD models of
"counting your customers" (Schmittlein, Morrison & Colombo 1987; Fader, Hardie & Lee 2005),
with ``lam = 1 / g``::

    E = exp(-(lam + mu) d)                                  (= S · 2^(-d/h))
    P(alive) = (1-p) E / ((1-p) E + p + (1-p) mu/(lam+mu) (1 - E))

**The fixed formula.** The risk is the chance of no contact within the tie's window
``W = max(horizon_days, 2 g)`` — at least the horizon, and two usual gaps for slow ties so
that a yearly friend is not "at risk" after a month::

    risk = 1 - P(alive) (1 - exp(-W / g))

**Calibrated on the owner's own history** (:func:`fit_decay_model`, used by default). The
formula's parts and a few more measures of each tie are computed at an earlier cut,
``as_of - w`` for a short window ``w`` (7 days, or 14 or 28 if the last week has too few
contacts), and a ridge logistic regression learns from what happened next: whether the tie
was silent during ``[cut, as_of)``. Only interactions before ``as_of`` are used, so nothing is
learnt from the future. The measures (standardised) are: logit P(alive), the log contact
rate, log days since, log contacts and log interactions, how overdue the tie is
(``log1p(d / g)``), the trend (contacts in the last 30 days against the long-run rate), the
balance of who initiates (Hidalgo & Rodriguez-Sickert 2008 and Raeder et al. 2011 found
reciprocated ties persist), the number of common neighbours (embeddedness, Raeder et al.),
and, of the two people, the longer time since either was in touch with anyone, the weaker of
their trends and the smaller of their degrees. The fitted probability ``q`` of silence within ``w`` days becomes the risk over
the tie's window by a constant hazard, ``risk = q ** (W / w)``. With too little history
(fewer than ``MIN_EACH`` silent and ``MIN_EACH`` renewed ties at every window) the fixed
formula is used. ``decay_risk(...).attrs["model"]`` says which.

**States** are statements about that probability, so each label is a fair thing to say of the
tie (thresholds in :data:`STATE_RISK`, stated as probabilities, not tuned to any one network):

- ``active``: contact within the window is more likely than not (risk < 0.5);
- ``cooling``: silence is more likely than not (0.5 ≤ risk < 0.75);
- ``at risk``: silence is at least three times as likely as contact (risk ≥ 0.75);
- ``dormant``: risk ≥ 0.9 and already silent for 3 usual gaps and the horizon: it has most
  likely stopped.

This holds only as far as ``risk`` is calibrated. ``benchmarks/bench_decay.py`` checks it
(predicted risk against the share of ties that did go silent within their window, in bins): on
the demo network's own history (monthly cuts over 15 months, 3,435 tie-cuts) the fitted risk is
close to calibrated (expected calibration error 0.067; observed silence 0.33 for the ties it
called active, 0.54 cooling, 0.75 at risk, 0.90 dormant), while on CollegeMsg, a community
cooling down fast, it under-states silence (the calibration window is always the last weeks
before the cut).

>>> import pandas as pd
>>> now = pd.Timestamp("2024-06-01", tz="UTC")
>>> weekly = [now - pd.Timedelta(days=1 + 7 * k) for k in range(20)]
>>> stopped = [now - pd.Timedelta(days=90 + 7 * k) for k in range(20)]
>>> log = pd.DataFrame({"a": ["me"] * 40, "b": ["ann"] * 20 + ["bob"] * 20, "at": weekly + stopped})
>>> decay_risk(log, now)[["a", "b", "state", "reason"]].to_dict("records")  # doctest: +NORMALIZE_WHITESPACE
[{'a': 'bob', 'b': 'me', 'state': 'dormant', 'reason': 'usually every 8 days, silent for 90'},
 {'a': 'ann', 'b': 'me', 'state': 'active', 'reason': 'usually every 8 days, silent for 1'}]

References
----------
.. [1] R. S. Burt. Decay functions. Social Networks 22(1), 1–28, 2000.
.. [2] D. C. Schmittlein, D. G. Morrison, R. Colombo. Counting your customers: who are they
       and what will they do next? Management Science 33(1), 1–24, 1987.
.. [3] P. S. Fader, B. G. S. Hardie, K. L. Lee. "Counting your customers" the easy way: an
       alternative to the Pareto/NBD model. Marketing Science 24(2), 275–284, 2005.
.. [4] T. Raeder, O. Lizardo, D. Hachen, N. V. Chawla. Predictors of short-term decay of cell
       phone contacts in a large scale communication network. Social Networks 33(4), 2011.
.. [5] C. A. Hidalgo, C. Rodriguez-Sickert. The dynamics of a mobile phone network. Physica A
       387(12), 3017–3024, 2008.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.logistic import fit_ridge_logistic, sigmoid
from analytics.strength import DAY_NS, _peak, _table, as_utc, normalize
from analytics.strength import HALF_LIFE_DAYS as STRENGTH_HALF_LIFE_DAYS

__all__ = ["DecayModel", "decay_features", "fit_decay_model", "decay_risk", "STATES", "STATE_RISK"]

HORIZON_DAYS = 28.0
HALF_LIFE_DAYS = 365.0
EPISODE_GAP_DAYS = 1.0
PRIOR_GAP_DAYS = 14.0
PRIOR_GAP_WEIGHT = 2.0
DROPOUT_PRIOR = (1.0, 3.0)  # Beta(alpha, beta) on the chance a tie ends right after a contact
WINDOW_GAPS = 2.0
TREND_DAYS = 30.0
CALIBRATION_WINDOWS = (7.0, 14.0, 28.0)
MIN_EACH = 30
L2 = 1.0
STATES = ("active", "cooling", "at risk", "dormant")
# The least risk (probability of silence within the tie's window) for each state but active.
STATE_RISK = {"cooling": 0.5, "at risk": 0.75, "dormant": 0.9}
DORMANT_GAPS = 3.0  # … and dormant only once silent for this many usual gaps (and the horizon)

FEATURES = ("logit_p_alive", "log_rate", "log_days_since", "log_contacts", "log_interactions", "overdue",
            "trend", "balance", "log_common", "log_partner_days_since", "partner_trend", "log_degree")

COLUMNS = ["a", "b", "risk", "strength_now", "strength_peak", "days_since", "usual_gap", "state", "reason"]


# --------------------------------------------------------------------------------------------
# Measures of each tie


def decay_features(interactions: pd.DataFrame, as_of, *, horizon_days: float = HORIZON_DAYS,
                   half_life_days: float = HALF_LIFE_DAYS) -> pd.DataFrame:
    """The measures behind :func:`decay_risk`, one row per tie (index ``a, b``), at ``as_of``.

    ``interactions`` must hold only interactions before ``as_of`` (else ``ValueError``).
    Columns: ``days_since``, ``n_interactions``, ``n_contacts`` (interactions less than a day
    apart count once), ``span_days``, ``usual_gap``, ``p_alive``, ``window_days``,
    ``risk_formula``, ``trend``, ``balance``, ``common``, ``partner_days_since``,
    ``partner_trend``, ``degree``.
    """
    as_of = as_utc(as_of)
    return _features(normalize(interactions, as_of, future="raise"), as_of, horizon_days, half_life_days)


def _features(df: pd.DataFrame, as_of: pd.Timestamp, horizon_days: float, half_life_days: float) -> pd.DataFrame:
    """:func:`decay_features` of a normalized frame (sorted by ``a, b, at``, all before ``as_of``)."""
    ns = df["at"].array.asi8
    age = (as_utc(as_of).as_unit("ns").value - ns) / DAY_NS  # days before as_of, > 0
    tie = df.groupby(["a", "b"], sort=True).ngroup().to_numpy()
    same = np.r_[False, tie[1:] == tie[:-1]]
    gap = np.r_[np.nan, age[:-1] - age[1:]]
    gap[~same] = np.nan
    new = ~same | (gap >= EPISODE_GAP_DAYS)
    ep_gap = np.where(new & same, gap, np.nan)
    recent = new & (age < TREND_DAYS)

    by = pd.DataFrame({"tie": tie, "age": age, "new": new, "ep_gap": ep_gap, "recent": recent,
                       "ia": df["ia"].to_numpy()}).groupby("tie", sort=True)
    f = pd.DataFrame({
        "days_since": by["age"].min(), "first_age": by["age"].max(), "n_interactions": by.size(),
        "n_contacts": by["new"].sum(), "n_gaps": by["ep_gap"].count(), "median_gap": by["ep_gap"].median(),
        "n_recent": by["recent"].sum(), "n_init_a": by["ia"].sum(), "n_init_known": by["ia"].count(),
    })
    first = np.r_[True, ~same[1:]]
    f.index = pd.MultiIndex.from_arrays([df["a"].to_numpy()[first], df["b"].to_numpy()[first]], names=["a", "b"])
    f["span_days"] = f["first_age"] - f["days_since"]

    # Rhythm, dropout and Burt decay → P(alive) and the formula's risk.
    m = f["n_gaps"].to_numpy(dtype=float)
    g = (PRIOR_GAP_WEIGHT * PRIOR_GAP_DAYS + m * f["median_gap"].fillna(0.0).to_numpy()) / (PRIOR_GAP_WEIGHT + m)
    g = np.maximum(g, EPISODE_GAP_DAYS)
    d = f["days_since"].to_numpy()
    lam = 1.0 / g
    mu = math.log(2) / np.maximum(half_life_days, f["span_days"].to_numpy())
    p = DROPOUT_PRIOR[0] / (DROPOUT_PRIOR[0] + DROPOUT_PRIOR[1] + m)
    e = np.exp(-(lam + mu) * d)
    alive = (1 - p) * e
    dead = p + (1 - p) * mu / (lam + mu) * (1 - e)
    f["usual_gap"] = g
    f["p_alive"] = alive / (alive + dead)
    f["window_days"] = np.maximum(horizon_days, WINDOW_GAPS * g)
    f["risk_formula"] = 1.0 - f["p_alive"] * (1.0 - np.exp(-f["window_days"] / g))
    f["trend"] = (np.log((f["n_recent"] + 0.5) / TREND_DAYS)
                  - np.log((f["n_contacts"] + 0.5) / np.maximum(f["first_age"], TREND_DAYS)))
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(f["n_init_known"] > 0, f["n_init_a"] / f["n_init_known"], np.nan)
    f["balance"] = np.where(np.isnan(share), 0.5, 1.0 - np.abs(2.0 * share - 1.0))

    # The people: each one's last contact with anyone, trend and degree; common neighbours.
    ends = pd.DataFrame({"u": np.r_[df["a"].to_numpy(), df["b"].to_numpy()], "age": np.r_[age, age]})
    pg = ends.groupby("u", sort=True)["age"]
    person = pd.DataFrame({"ds": pg.min(), "first": pg.max(), "n": pg.size(),
                           "recent": (ends["age"] < TREND_DAYS).groupby(ends["u"], sort=True).sum()})
    person["trend"] = (np.log((person["recent"] + 0.5) / TREND_DAYS)
                       - np.log((person["n"] + 0.5) / np.maximum(person["first"], TREND_DAYS)))
    ia = f.index.get_level_values("a")
    ib = f.index.get_level_values("b")
    deg = pd.Series(np.r_[ia, ib]).value_counts()
    pa, pb = person.reindex(ia), person.reindex(ib)
    f["partner_days_since"] = np.maximum(pa["ds"].to_numpy(), pb["ds"].to_numpy())
    f["partner_trend"] = np.minimum(pa["trend"].to_numpy(), pb["trend"].to_numpy())
    f["degree"] = np.minimum(deg.reindex(ia).to_numpy(), deg.reindex(ib).to_numpy())
    f["common"] = _common_neighbours(ia.to_numpy(), ib.to_numpy())
    return f.drop(columns=["first_age", "n_gaps", "median_gap", "n_recent", "n_init_a", "n_init_known"])


def _common_neighbours(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """|N(a) ∩ N(b)| for each edge of the undirected graph with edges (a[i], b[i])."""
    nbrs: dict[str, set] = {}
    for u, v in zip(a, b):
        nbrs.setdefault(u, set()).add(v)
        nbrs.setdefault(v, set()).add(u)
    return np.fromiter((len(nbrs[u] & nbrs[v]) for u, v in zip(a, b)), dtype=np.int64, count=len(a))


def _design(f: pd.DataFrame) -> np.ndarray:
    """The model's feature matrix (columns in :data:`FEATURES` order)."""
    pa = np.clip(f["p_alive"].to_numpy(), 1e-12, 1 - 1e-12)
    d = f["days_since"].to_numpy()
    cols = {
        "logit_p_alive": np.log(pa / (1 - pa)),
        "log_rate": -np.log(f["usual_gap"].to_numpy()),
        "log_days_since": np.log1p(d),
        "log_contacts": np.log1p(f["n_contacts"].to_numpy(dtype=float)),
        "log_interactions": np.log1p(f["n_interactions"].to_numpy(dtype=float)),
        "overdue": np.log1p(d / f["usual_gap"].to_numpy()),
        "trend": f["trend"].to_numpy(),
        "balance": f["balance"].to_numpy(),
        "log_common": np.log1p(f["common"].to_numpy(dtype=float)),
        "log_partner_days_since": np.log1p(f["partner_days_since"].to_numpy()),
        "partner_trend": f["partner_trend"].to_numpy(),
        "log_degree": np.log(f["degree"].to_numpy(dtype=float)),
    }
    return np.column_stack([cols[k] for k in FEATURES])


# --------------------------------------------------------------------------------------------
# The calibrated model


@dataclass(frozen=True)
class DecayModel:
    """A logistic regression of "silent for the next ``window_days``" on :data:`FEATURES`.

    ``coef`` applies to the features standardised with ``mean`` and ``scale``. Fitted by
    :func:`fit_decay_model` at the cut ``as_of - window_days`` on ``n_ties`` ties, of which
    ``n_silent`` were silent until ``as_of``.
    """

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    window_days: float
    as_of: pd.Timestamp
    n_ties: int
    n_silent: int

    def predict(self, features: pd.DataFrame) -> np.ndarray:
        """P(no contact within ``window_days``) for each row of :func:`decay_features`."""
        z = (_design(features) - self.mean) / self.scale
        return sigmoid(self.intercept + z @ self.coef)

    def weights(self) -> dict[str, float]:
        """The standardised coefficients by feature (positive = more likely to go silent)."""
        return {k: float(w) for k, w in zip(self.features, self.coef)}


def fit_decay_model(interactions: pd.DataFrame, as_of, *, windows=CALIBRATION_WINDOWS, min_each: int = MIN_EACH,
                    l2: float = L2, horizon_days: float = HORIZON_DAYS,
                    half_life_days: float = HALF_LIFE_DAYS) -> DecayModel | None:
    """Calibrate the decay model on the owner's own recent history.

    For the first window ``w`` in ``windows`` (days) that has at least ``min_each`` silent
    and ``min_each`` renewed ties: the features of every tie active before the cut
    ``as_of - w`` are computed from the interactions before the cut, the label is "no
    interaction in ``[cut, as_of)``", and a ridge logistic regression is fitted: on the
    standardised features, minimise ``Σ log(1 + e^z) − y z + l2/2 ‖w‖²``, ``z = b + w·x``, the
    intercept unpenalised (scikit-learn's ``LogisticRegression``, lbfgs, ``C = 1 / l2``;
    deterministic, see :mod:`analytics.logistic`). Interactions at or
    after ``as_of`` raise ``ValueError``: nothing comes from the future. Returns ``None`` when no
    window has enough history; :func:`decay_risk` then uses the fixed formula.
    """
    as_of = as_utc(as_of)
    return _fit(normalize(interactions, as_of, future="raise"), as_of, windows, min_each, l2, horizon_days,
                half_life_days)


def _fit(df, as_of, windows, min_each, l2, horizon_days, half_life_days) -> DecayModel | None:
    ns = df["at"].array.asi8
    for w in windows:
        cut = as_of - pd.Timedelta(days=float(w))
        before = ns < cut.as_unit("ns").value
        if not before.any():
            continue
        f = _features(df[before], cut, horizon_days, half_life_days)
        later = df.loc[~before, ["a", "b"]].drop_duplicates()
        silent = ~f.index.isin(pd.MultiIndex.from_frame(later))
        if silent.sum() < min_each or (~silent).sum() < min_each:
            continue
        fit = fit_ridge_logistic(_design(f), silent, l2)
        return DecayModel(FEATURES, fit.mean, fit.scale, fit.coef, fit.intercept, float(w), as_of, len(f),
                          int(silent.sum()))
    return None


# --------------------------------------------------------------------------------------------
# The table


def decay_risk(interactions: pd.DataFrame, as_of, *, model="auto", horizon_days: float = HORIZON_DAYS,
               half_life_days: float = HALF_LIFE_DAYS) -> pd.DataFrame:
    """How likely each tie is to go silent, with its state and the reason in plain words.

    ``interactions``: columns ``a``, ``b``, ``at`` (datetime64, UTC), optionally
    ``initiated_by`` (used for the balance of who reaches out); only interactions before
    ``as_of`` — any other raises ``ValueError``. ``model``: ``"auto"`` (calibrate on this
    history with :func:`fit_decay_model`, falling back to the fixed formula when it is too
    short), a :class:`DecayModel`, or ``None`` / ``"formula"`` for the fixed formula.

    Returns one row per tie with at least one interaction, most at risk first (then ``a``,
    ``b``): ``a``, ``b`` (``a < b``), ``risk`` (0–1: the chance of no contact within
    ``max(horizon_days, 2 usual gaps)``), ``strength_now`` and ``strength_peak`` (0–100,
    :func:`analytics.strength.tie_strength` now and its maximum over the tie's history),
    ``days_since``, ``usual_gap`` (days), ``state`` (one of :data:`STATES`) and ``reason``.
    ``attrs["model"]`` is ``"fitted"`` or ``"formula"``; ``attrs["calibration_window_days"]``
    the window of a fitted model. The same input and ``as_of`` always give the same table.
    """
    as_of = as_utc(as_of)
    df = normalize(interactions, as_of, future="raise")
    if df.empty:
        out = pd.DataFrame({c: pd.Series(dtype="str" if c in ("a", "b", "state", "reason") else float)
                            for c in COLUMNS})
        out.attrs.update(model="formula", calibration_window_days=float("nan"))
        return out
    f = _features(df, as_of, horizon_days, half_life_days)
    if isinstance(model, str) and model == "auto":
        model = _fit(df, as_of, CALIBRATION_WINDOWS, MIN_EACH, L2, horizon_days, half_life_days)
    elif isinstance(model, str) and model == "formula":
        model = None
    elif model is not None and not isinstance(model, DecayModel):
        raise ValueError(f"model must be 'auto', 'formula', None or a DecayModel, not {model!r}")
    if model is None:
        risk = f["risk_formula"].to_numpy()
    else:
        q = np.clip(model.predict(f), 0.0, 1.0)
        risk = q ** (f["window_days"].to_numpy() / model.window_days)

    now = _table(df, as_of, STRENGTH_HALF_LIFE_DAYS, None, False)
    peak = _peak(df, STRENGTH_HALF_LIFE_DAYS)  # both sorted by a, b, like f
    strength_now = now["strength"].to_numpy()
    out = pd.DataFrame({
        "a": f.index.get_level_values("a").astype("str"), "b": f.index.get_level_values("b").astype("str"),
        "risk": np.clip(risk, 0.0, 1.0), "strength_now": strength_now,
        "strength_peak": np.maximum(peak["strength_peak"].to_numpy(), strength_now),
        "days_since": f["days_since"].to_numpy(), "usual_gap": f["usual_gap"].to_numpy(),
    })
    out["state"] = pd.array(_states(out["risk"].to_numpy(), out["days_since"].to_numpy(),
                                    out["usual_gap"].to_numpy(), horizon_days), dtype="str")
    out["reason"] = pd.array([_reason(d, g, int(n), t) for d, g, n, t in zip(
        out["days_since"], out["usual_gap"], f["n_contacts"], f["trend"])], dtype="str")
    out = out.sort_values(["risk", "a", "b"], ascending=[False, True, True], kind="stable").reset_index(drop=True)
    out.attrs.update(model="formula" if model is None else "fitted",
                     calibration_window_days=float("nan") if model is None else model.window_days)
    return out


def _states(risk: np.ndarray, days: np.ndarray, gap: np.ndarray, horizon_days: float) -> np.ndarray:
    """The state of each tie from its risk (see the module docstring: :data:`STATE_RISK`)."""
    dormant = (risk >= STATE_RISK["dormant"]) & (days >= DORMANT_GAPS * gap) & (days >= horizon_days)
    at_risk = risk >= STATE_RISK["at risk"]
    cooling = risk >= STATE_RISK["cooling"]
    return np.select([dormant, at_risk, cooling], ["dormant", "at risk", "cooling"], "active").astype(object)


def _reason(days: float, gap: float, contacts: int, trend: float) -> str:
    silent = int(math.floor(days))
    since = f"silent for {silent}" if silent >= 1 else "in touch today"
    if contacts <= 1:
        text = f"one contact so far, {since}"
    elif gap < 1.5:
        text = f"usually daily, {since}"
    else:
        text = f"usually every {int(round(gap))} days, {since}"
    if contacts >= 3 and days < TREND_DAYS and trend <= -math.log(2):
        text += "; fewer contacts lately"
    return text
