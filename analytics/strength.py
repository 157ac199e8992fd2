"""Tie strength: how strong each tie is, 0–100, from its interaction history alone.

Granovetter (1973) defines the strength of a tie as "a (probably linear) combination of the
amount of time, the emotional intensity, the intimacy (mutual confiding), and the reciprocal
services which characterize the tie". Gilbert & Karahalios (2009) measured which observable
traces predict it; recency of contact, frequency (intensity), duration and the variety of
channels were among the strongest. From an interaction log alone Kith measures five of them,
each in [0, 1]:

==============  ======  ======================================================================
component       weight  measure (``d`` = days since last contact, ``n`` = interactions in the
                        365 days before ``as_of``)
==============  ======  ======================================================================
recency          0.30   ``2 ** (-d / half_life_days)``: halves every ``half_life_days`` (90)
frequency        0.25   ``min(1, log1p(n) / log1p(52))``: log-scaled, saturates at weekly
duration         0.20   ``1 - 2 ** (-span / 365)``: span = days from first to last contact
reciprocity      0.15   ``1 - |2 s - 1|``, s = share of the known initiations made by ``a``;
                        1 = balanced, 0 = one-sided, 0.5 (neutral) when nobody's is known
multiplexity     0.10   ``min(1, channels / 3)``: distinct channels (at least one)
==============  ======  ======================================================================

and ``strength = 100 * sum(weight * component)``.

Input: an interactions frame, one row per pair per interaction (a group interaction of ``n``
people appears as its ``n (n - 1) / 2`` pairs), with columns ``a``, ``b`` (participant ids),
``at`` (datetime64, UTC; naive times are read as UTC), optionally ``initiated_by`` (an id or NA)
and ``channel``. Ids are compared as strings; each tie is reported once with ``a < b``. Rows
with a missing id or time, or with ``a == b``, are dropped. Only interactions strictly before
``as_of`` count, so one frame can be evaluated at any date, and the same frame and ``as_of``
always give the same table.

>>> import pandas as pd
>>> t = pd.Timestamp("2024-06-01", tz="UTC")
>>> log = pd.DataFrame({"a": ["me", "me", "ann"], "b": ["ann", "ann", "me"],
...                     "at": [t - pd.Timedelta(days=d) for d in (200, 100, 10)],
...                     "initiated_by": ["me", "me", "me"], "channel": ["call", "email", "call"]})
>>> row = tie_strength(log, t, owner="me").iloc[0]
>>> (row.a, row.b, int(row.n_interactions), round(float(row.strength), 1))
('ann', 'me', 3, 49.2)
>>> row.explain
'mostly you reaching out; last seen 10 days ago; 3 interactions this year over 2 channels'

References
----------
.. [1] M. S. Granovetter. The strength of weak ties. American Journal of Sociology 78(6),
       1360–1380, 1973.
.. [2] E. Gilbert, K. Karahalios. Predicting tie strength with social media. CHI 2009,
       211–220.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping

import numpy as np
import pandas as pd

__all__ = ["WEIGHTS", "tie_strength", "strength_over_time", "strength_peak", "explain"]

WEIGHTS = {"recency": 0.30, "frequency": 0.25, "duration": 0.20, "reciprocity": 0.15, "multiplexity": 0.10}
COMPONENTS = tuple(WEIGHTS)
HALF_LIFE_DAYS = 90.0
FREQUENCY_SATURATION = 52  # interactions a year at which frequency reaches 1 (weekly)
DURATION_HALF_DAYS = 365.0  # a tie one year old scores 0.5 on duration
CHANNEL_SATURATION = 3
YEAR = pd.Timedelta(days=365)
DAY_NS = 86_400 * 10**9

COLUMNS = ["a", "b", "strength", *COMPONENTS, "last_contact", "n_interactions", "n_last_year",
           "initiated_share_a", "explain"]


# --------------------------------------------------------------------------------------------
# Input


def as_utc(ts) -> pd.Timestamp:
    """``ts`` as a UTC timestamp (a naive one is read as UTC)."""
    ts = pd.Timestamp(ts)
    if ts is pd.NaT:
        raise ValueError("as_of must be a date or time, not NaT")
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def normalize(interactions: pd.DataFrame, as_of=None, *, future: str = "drop") -> pd.DataFrame:
    """The interactions as ``a < b`` (str), ``at`` (UTC), ``ia`` and ``channel``, sorted by tie and time.

    ``ia`` is 1.0 where ``a`` initiated, 0.0 where ``b`` did and NaN where it is unknown (or
    the initiator is not one of the two). With ``as_of``, rows at or after it are dropped
    (``future="drop"``) or make a ``ValueError`` (``future="raise"``).
    """
    missing = {"a", "b", "at"} - set(interactions.columns)
    if missing:
        raise ValueError(f"interactions need columns a, b, at (missing {', '.join(sorted(missing))})")
    at = pd.to_datetime(interactions["at"], utc=True).astype("datetime64[ns, UTC]")
    keep = interactions["a"].notna().to_numpy() & interactions["b"].notna().to_numpy() & at.notna().to_numpy()
    if as_of is not None:
        late = keep & (at >= as_of).to_numpy()
        if late.any():
            if future == "raise":
                raise ValueError(f"{int(late.sum())} interaction(s) at or after as_of {as_of}; "
                                 "pass only the history before as_of")
            keep &= ~late
    x = interactions.loc[keep]
    a = x["a"].astype(str).to_numpy(dtype=object)
    b = x["b"].astype(str).to_numpy(dtype=object)
    lo, hi = np.where(a <= b, a, b), np.where(a <= b, b, a)
    out = pd.DataFrame({"a": pd.array(lo, dtype="str"), "b": pd.array(hi, dtype="str"),
                        "at": at[keep].reset_index(drop=True)})
    if "initiated_by" in x.columns:
        by = x["initiated_by"]
        known = by.notna().to_numpy()
        by = np.where(known, by.astype(str).to_numpy(dtype=object), None)
        out["ia"] = np.where(known & (by == lo), 1.0, np.where(known & (by == hi), 0.0, np.nan))
    else:
        out["ia"] = np.nan
    if "channel" in x.columns:
        ch = x["channel"]
        out["channel"] = pd.array(np.where(ch.notna().to_numpy(), ch.astype(str).to_numpy(dtype=object), None),
                                  dtype="str")
    else:
        out["channel"] = pd.array([None] * len(out), dtype="str")
    out = out[out["a"] != out["b"]]
    return out.sort_values(["a", "b", "at"], kind="stable").reset_index(drop=True)


def _days(td) -> np.ndarray:
    return np.asarray(td, dtype="timedelta64[ns]").astype(np.int64) / DAY_NS


# --------------------------------------------------------------------------------------------
# Components


def components(days_since, n_last_year, span_days, share_a, channels, *,
               half_life_days: float = HALF_LIFE_DAYS) -> dict[str, np.ndarray]:
    """The five components (each in [0, 1]) from per-tie measures, and the weighted strength."""
    days_since = np.asarray(days_since, dtype=float)
    comp = {
        "recency": np.exp2(-np.maximum(days_since, 0.0) / half_life_days),
        "frequency": np.minimum(1.0, np.log1p(np.asarray(n_last_year, dtype=float))
                                / math.log1p(FREQUENCY_SATURATION)),
        "duration": 1.0 - np.exp2(-np.maximum(np.asarray(span_days, dtype=float), 0.0) / DURATION_HALF_DAYS),
        "reciprocity": np.where(np.isnan(share_a), 0.5, 1.0 - np.abs(2.0 * np.asarray(share_a, float) - 1.0)),
        "multiplexity": np.minimum(1.0, np.maximum(np.asarray(channels, dtype=float), 1.0) / CHANNEL_SATURATION),
    }
    comp["strength"] = 100.0 * sum(WEIGHTS[k] * comp[k] for k in COMPONENTS)
    return comp


def _per_tie(df: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Per-tie measures of a normalized frame (interactions before ``as_of`` only)."""
    g = df.groupby(["a", "b"], sort=True)
    t = pd.DataFrame({
        "first": g["at"].min(), "last_contact": g["at"].max(), "n_interactions": g.size(),
        "n_last_year": (df["at"] > as_of - YEAR).groupby([df["a"], df["b"]], sort=True).sum(),
        "n_init_a": g["ia"].sum(), "n_init_known": g["ia"].count(),
        "channels": g["channel"].nunique(),
    })
    t["days_since"] = _days(as_of - t["last_contact"])
    t["span_days"] = _days(t["last_contact"] - t["first"])
    with np.errstate(invalid="ignore", divide="ignore"):
        t["initiated_share_a"] = np.where(t["n_init_known"] > 0, t["n_init_a"] / t["n_init_known"], np.nan)
    return t


def _table(df: pd.DataFrame, as_of: pd.Timestamp, half_life_days: float, owner, with_explain: bool) -> pd.DataFrame:
    if df.empty:
        return _empty()
    t = _per_tie(df, as_of)
    comp = components(t["days_since"], t["n_last_year"], t["span_days"], t["initiated_share_a"].to_numpy(),
                      t["channels"], half_life_days=half_life_days)
    out = pd.DataFrame({"a": t.index.get_level_values("a").astype("str"),
                        "b": t.index.get_level_values("b").astype("str"),
                        "strength": comp["strength"]})
    for k in COMPONENTS:
        out[k] = comp[k]
    out["last_contact"] = t["last_contact"].to_numpy()
    out["n_interactions"] = t["n_interactions"].to_numpy(dtype=np.int64)
    out["n_last_year"] = t["n_last_year"].to_numpy(dtype=np.int64)
    out["initiated_share_a"] = t["initiated_share_a"].to_numpy(dtype=float)
    if with_explain:
        has_channel = df["channel"].notna().any()
        out["explain"] = [
            explain({"a": a, "b": b, "initiated_share_a": s, "days_since": d, "n_last_year": n,
                     "n_interactions": m, "channels": c if has_channel else None}, owner)
            for a, b, s, d, n, m, c in zip(out["a"], out["b"], out["initiated_share_a"], t["days_since"],
                                           out["n_last_year"], out["n_interactions"], t["channels"])]
        out["explain"] = out["explain"].astype("str")
    return out


def _empty() -> pd.DataFrame:
    return pd.DataFrame({
        "a": pd.Series(dtype="str"), "b": pd.Series(dtype="str"), "strength": pd.Series(dtype=float),
        **{k: pd.Series(dtype=float) for k in COMPONENTS},
        "last_contact": pd.Series(dtype="datetime64[ns, UTC]"),
        "n_interactions": pd.Series(dtype=np.int64), "n_last_year": pd.Series(dtype=np.int64),
        "initiated_share_a": pd.Series(dtype=float), "explain": pd.Series(dtype="str"),
    })


# --------------------------------------------------------------------------------------------
# Public functions


def tie_strength(interactions: pd.DataFrame, as_of, *, half_life_days: float = HALF_LIFE_DAYS,
                 owner: Hashable | None = None) -> pd.DataFrame:
    """Strength 0–100 of every tie in ``interactions``, evaluated at ``as_of``.

    ``strength = 100 * (0.30 recency + 0.25 frequency + 0.20 duration + 0.15 reciprocity
    + 0.10 multiplexity)`` with the components of the module docstring (Granovetter 1973;
    Gilbert & Karahalios 2009). Only interactions strictly before ``as_of`` count.

    Returns one row per tie, sorted by ``a, b``: ``a``, ``b`` (``a < b`` as strings),
    ``strength``, the five components, ``last_contact``, ``n_interactions`` (all before
    ``as_of``), ``n_last_year`` (in the 365 days before it), ``initiated_share_a`` (the share
    of the known initiations made by ``a``, NaN if none is known) and ``explain``, a sentence
    in plain language; with ``owner`` (a person id) it speaks of the owner as "you".

    >>> t = pd.Timestamp("2024-01-01", tz="UTC")
    >>> log = pd.DataFrame({"a": ["x"], "b": ["y"], "at": [t - pd.Timedelta(days=90)]})
    >>> tie_strength(log, t)[["a", "b", "recency", "reciprocity", "strength"]].round(3).to_dict("records")
    [{'a': 'x', 'b': 'y', 'recency': 0.5, 'reciprocity': 0.5, 'strength': 30.198}]
    """
    as_of = as_utc(as_of)
    return _table(normalize(interactions, as_of), as_of, half_life_days, owner, True)


def strength_over_time(interactions: pd.DataFrame, a: Hashable, b: Hashable, dates: Iterable, *,
                       half_life_days: float = HALF_LIFE_DAYS) -> pd.Series:
    """The strength of the tie ``a``–``b`` at each of ``dates``, from the interactions before each.

    A curve for the dashboard: it jumps at each contact and decays, through recency, between
    them. A date before the tie's first interaction gives 0. Index: the dates (UTC), in the
    order given; name ``"strength"``.

    >>> t0 = pd.Timestamp("2024-01-01", tz="UTC")
    >>> log = pd.DataFrame({"a": ["x"], "b": ["y"], "at": [t0]})
    >>> strength_over_time(log, "y", "x", [t0, t0 + pd.Timedelta(days=1), t0 + pd.Timedelta(days=91)]).round(1).tolist()
    [0.0, 45.0, 30.1]
    """
    index = pd.DatetimeIndex([as_utc(d) for d in dates], name="as_of")
    lo, hi = sorted((str(a), str(b)))
    df = normalize(interactions)
    df = df[(df["a"] == lo) & (df["b"] == hi)]
    values = np.zeros(len(index))
    times = df["at"].array.asi8
    for i, d in enumerate(index):
        before = df.iloc[: int(np.searchsorted(times, d.as_unit("ns").value, side="left"))]
        if not before.empty:
            values[i] = _table(before, d, half_life_days, None, False)["strength"].iloc[0]
    return pd.Series(values, index=index, name="strength")


def strength_peak(interactions: pd.DataFrame, as_of=None, *, half_life_days: float = HALF_LIFE_DAYS) -> pd.DataFrame:
    """Each tie's highest strength so far: its strength just after each of its interactions.

    Right after a contact recency is 1 and the other components include that contact; between
    contacts strength only decays, so the maximum over these moments is the maximum over all
    of the tie's history (up to ``as_of``, exclusive, when given). Vectorised: one sort and a
    ``searchsorted`` for the 365-day frequency window. Returns ``a``, ``b``, ``strength_peak``,
    ``peak_at``, sorted by ``a, b``.
    """
    as_of = None if as_of is None else as_utc(as_of)
    df = normalize(interactions, as_of)
    if df.empty:
        return pd.DataFrame({"a": pd.Series(dtype="str"), "b": pd.Series(dtype="str"),
                             "strength_peak": pd.Series(dtype=float),
                             "peak_at": pd.Series(dtype="datetime64[ns, UTC]")})
    return _peak(df, half_life_days)


def _peak(df: pd.DataFrame, half_life_days: float) -> pd.DataFrame:
    """``strength_peak`` of a normalized frame (sorted by tie and time)."""
    code = df.groupby(["a", "b"], sort=True).ngroup().to_numpy()
    ns = df["at"].array.asi8
    t = (ns - ns.min()) / DAY_NS
    width = t.max() + 2 * 365.0 + 1.0
    key = code * width + t
    lo = np.searchsorted(key, key - 365.0, side="right")
    pos = np.arange(len(df))
    n_year = pos - lo + 1
    first_t = pd.Series(t).groupby(code).transform("min").to_numpy()
    known = df["ia"].notna().to_numpy()
    by_a = pd.Series(np.where(known, df["ia"].to_numpy(), 0.0)).groupby(code).cumsum().to_numpy()
    n_known = pd.Series(known.astype(float)).groupby(code).cumsum().to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(n_known > 0, by_a / n_known, np.nan)
    ch = df["channel"]
    new_channel = ch.notna().to_numpy() & ~pd.DataFrame({"c": code, "ch": ch}).duplicated().to_numpy()
    channels = pd.Series(new_channel.astype(float)).groupby(code).cumsum().to_numpy()
    s = components(np.zeros(len(df)), n_year, t - first_t, share, channels, half_life_days=half_life_days)["strength"]
    best = pd.Series(s).groupby(code).idxmax().to_numpy()
    return pd.DataFrame({"a": df["a"].to_numpy()[best], "b": df["b"].to_numpy()[best],
                         "strength_peak": s[best], "peak_at": df["at"].iloc[best].to_numpy()}).astype(
        {"a": "str", "b": "str"})


# --------------------------------------------------------------------------------------------
# Plain language


def ago(days: float) -> str:
    """'today', 'yesterday', '5 days ago', '3 weeks ago', '5 months ago', '2 years ago'."""
    d = int(math.floor(max(days, 0.0)))
    if d == 0:
        return "today"
    if d == 1:
        return "yesterday"
    if d < 14:
        return f"{d} days ago"
    if d < 60:
        return f"{round(d / 7)} weeks ago"
    if d < 730:
        return f"{round(d / 30.44)} months ago"
    return f"{round(d / 365.25)} years ago"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def explain(tie: Mapping, owner: Hashable | None = None) -> str:
    """A plain-language sentence about one tie (a row of :func:`tie_strength` or a dict).

    Uses ``a``, ``b``, ``initiated_share_a``, ``last_contact`` (or ``days_since`` with
    ``as_of``), ``n_last_year``, ``n_interactions`` and ``channels`` when present. With
    ``owner`` equal to ``a`` or ``b`` the owner is "you" and the other person "them".

    >>> explain({"a": "ann", "b": "me", "initiated_share_a": 0.2, "days_since": 150,
    ...          "n_last_year": 14, "channels": 3}, owner="me")
    'mostly you reaching out; last seen 5 months ago; 14 interactions this year over 3 channels'
    >>> explain({"a": "ann", "b": "bob", "initiated_share_a": 0.5, "days_since": 1, "n_last_year": 1})
    'both reaching out; last seen yesterday; 1 interaction this year'
    """
    a, b = str(tie["a"]), str(tie["b"])
    me = None if owner is None else str(owner)
    name = {a: "you" if me == a else ("them" if me == b else a),
            b: "you" if me == b else ("them" if me == a else b)}
    parts = []
    share = tie.get("initiated_share_a")
    if share is not None and not pd.isna(share):
        if me == b:  # speak from the owner's side
            a, b, share = b, a, 1.0 - share
        if share >= 0.7:
            parts.append(f"mostly {name[a]} reaching out")
        elif share <= 0.3:
            parts.append(f"mostly {name[b]} reaching out")
        else:
            parts.append("both reaching out")
    days = tie.get("days_since")
    if (days is None or pd.isna(days)) and tie.get("last_contact") is not None and tie.get("as_of") is not None:
        days = _days(as_utc(tie["as_of"]) - as_utc(tie["last_contact"])).item()
    if days is not None and not pd.isna(days):
        parts.append(f"last seen {ago(float(days))}")
    n = tie.get("n_last_year")
    if n is not None and not pd.isna(n):
        n = int(n)
        if n == 0:
            total = tie.get("n_interactions")
            parts.append("no interactions in the last 12 months"
                         + (f" ({_plural(int(total), 'interaction')} before)" if total else ""))
        else:
            text = f"{_plural(n, 'interaction')} this year"
            ch = tie.get("channels")
            if ch is not None and not pd.isna(ch) and int(ch) > 0:
                text += f" over {_plural(int(ch), 'channel')}"
            parts.append(text)
    return "; ".join(parts)
