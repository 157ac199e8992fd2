"""Does decay_risk foresee which ties go silent? Checked on a real community: CollegeMsg.

CollegeMsg (59,835 private messages, 193 days; most of them in the first ~60 days, then the
community cools down). At each cut (days 30, 45, 60, 75, 90 and 110 after the first message):

- every tie (unordered pair) with a message before the cut is scored from the messages before
  the cut only: ``decay_risk(history, cut)`` (its model calibrates itself on that history);
- the label is "went silent": no message between the two in the next 28 days (the horizon);
- the baselines are scored on the same ties and labels, in the same run: days since the last
  message (higher = more silent) and minus the number of past messages (fewer = more silent).

Most ties go silent (84 % at day 30, 98 % at day 110), so accuracy would say little; the AUC
(the chance that a random tie that went silent outscores a random tie that did not, ties
counting one half — Mann–Whitney) does not depend on the base rate. It is reported per cut,
pooled over all (cut, tie) rows, and pooled within cuts (each cut's AUC weighted by its number
of silent × renewed pairs: ties are only ever ranked against ties of the same date). The
fixed formula (``model="formula"``) is shown too, for reference.

Then the time it takes, median of ``RUNS`` runs, beside a plain baseline timed in the same run
(a pandas groupby of the unordered pairs giving each tie's days since the last interaction, the
least any per-tie score has to do): ``tie_strength`` and ``decay_risk`` on the whole CollegeMsg
history (what the dashboard pays) and on a synthetic log of 60,000 interactions over 20,000 ties
of 3,000 people across 400 days (targets: tie_strength < 1 s, decay_risk < 3 s).

Then calibration (a reliability check): is ``risk`` a probability one can state as such (the
decay states are thresholds on it, ``analytics.decay.STATE_RISK``)? At each cut every tie's
risk is set against what happened: silent for the tie's whole window ``max(28, 2 usual gaps)``
days or not (ties whose window runs past the end of the data are left out). Binned by
predicted risk (tenths) and by state, mean predicted against observed share, and the expected
calibration error (ECE: the mean |predicted − observed| over bins, weighted by ties). On
CollegeMsg (the cuts above) and on the demo network's owner ties (``demo.build_demo`` as of
DEMO_AS_OF, cuts on the first of each month from 18 to 3 months before).

PASS when decay_risk's pooled AUC beats both baselines' (both poolings), it loses to a
baseline at no more than one cut, the demo network's ECE is at most MAX_DEMO_ECE, and the
synthetic workload meets its time targets; the exit code is non-zero on FAIL. CollegeMsg's
calibration is reported, not required: its community cools down much faster than any
calibration window can see.

Run: ./.venv/bin/python benchmarks/bench_decay.py
"""

from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from analytics.decay import HORIZON_DAYS, STATES, WINDOW_GAPS, decay_risk
from analytics.strength import tie_strength

ROOT = Path(__file__).resolve().parents[1]
DATASET = ROOT.parent / "shared" / "datasets" / "CollegeMsg.txt"
CUT_DAYS = (30, 45, 60, 75, 90, 110)
HORIZON = pd.Timedelta(days=28)
SCORES = ("risk", "days_since", "-count", "formula")
RUNS = 3
SYNTHETIC_INTERACTIONS, SYNTHETIC_TIES, SYNTHETIC_PEOPLE, SYNTHETIC_DAYS = 60_000, 20_000, 3_000, 400
TARGET_STRENGTH_S, TARGET_DECAY_S = 1.0, 3.0
DEMO_AS_OF = date(2026, 12, 2)
MAX_DEMO_ECE = 0.10
RISK_BINS = np.linspace(0.0, 1.0, 11)


def auc(score, silent) -> float:
    """Mann–Whitney AUC of ``score`` for the positives ``silent`` (mid-ranks for ties)."""
    score = np.asarray(score, dtype=float)
    silent = np.asarray(silent, dtype=bool)
    n1, n0 = int(silent.sum()), int((~silent).sum())
    if n1 == 0 or n0 == 0:
        return float("nan")
    ranks = pd.Series(score).rank(method="average").to_numpy()
    return float((ranks[silent].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def load() -> pd.DataFrame:
    raw = pd.read_csv(DATASET, sep=r"\s+")
    src, dst = raw["src"].astype(str), raw["dst"].astype(str)
    return pd.DataFrame({"a": src, "b": dst, "at": pd.to_datetime(raw["time"], unit="s", utc=True),
                         "initiated_by": src}).sort_values("at", kind="stable").reset_index(drop=True)


def pairs(frame: pd.DataFrame) -> pd.DataFrame:
    a, b = frame["a"].to_numpy(dtype=object), frame["b"].to_numpy(dtype=object)
    return pd.DataFrame({"a": np.where(a <= b, a, b), "b": np.where(a <= b, b, a)})


def synthetic(as_of: pd.Timestamp, seed: int = 0) -> pd.DataFrame:
    """SYNTHETIC_INTERACTIONS interactions over SYNTHETIC_TIES random ties (each seen at least once)."""
    rng = np.random.default_rng(seed)
    n, ties, people = SYNTHETIC_INTERACTIONS, SYNTHETIC_TIES, SYNTHETIC_PEOPLE
    ids = rng.integers(0, people, size=(ties, 2))
    ids[:, 1] = (ids[:, 0] + 1 + ids[:, 1] % (people - 1)) % people  # never a self-pair
    which = np.r_[np.arange(ties), rng.integers(0, ties, size=n - ties)]
    return pd.DataFrame({
        "a": ids[which, 0].astype(str), "b": ids[which, 1].astype(str),
        "at": as_of - pd.to_timedelta(rng.uniform(1, SYNTHETIC_DAYS * 86_400, size=n), unit="s"),
        "initiated_by": ids[which, rng.integers(0, 2, size=n)].astype(str),
        "channel": rng.choice(["call", "email", "message"], size=n),
    })


def days_since_baseline(frame: pd.DataFrame, as_of: pd.Timestamp) -> pd.Series:
    """The plain baseline: days since each tie's last interaction, by one pandas groupby."""
    last = pairs(frame).assign(at=frame["at"].to_numpy()).groupby(["a", "b"], sort=True)["at"].max()
    return (as_of - last).dt.total_seconds() / 86400


def median_seconds(fn, *args, **kwargs) -> tuple[float, object]:
    """Median wall time of RUNS calls, and the last result."""
    times, out = [], None
    for _ in range(RUNS):
        t = time.perf_counter()
        out = fn(*args, **kwargs)
        times.append(time.perf_counter() - t)
    return float(np.median(times)), out


def time_workload(name: str, frame: pd.DataFrame, as_of: pd.Timestamp) -> tuple[float, float]:
    """Print and return the median seconds of tie_strength and decay_risk, beside the baseline."""
    tie_strength(frame.head(100), as_of)  # warm-up
    t_base, base = median_seconds(days_since_baseline, frame, as_of)
    t_strength, strength = median_seconds(tie_strength, frame, as_of)
    t_decay, risk = median_seconds(decay_risk, frame, as_of)
    assert len(strength) == len(risk) == len(base), "every tie must be scored once"
    print(f"{name} ({len(frame):,} interactions, {len(base):,} ties; median of {RUNS} runs): "
          f"days-since groupby {t_base:.3f} s, tie_strength {t_strength:.3f} s ({t_strength / t_base:.1f}×), "
          f"decay_risk {t_decay:.3f} s ({t_decay / t_base:.1f}×, {risk.attrs['model']})")
    return t_strength, t_decay


def evaluate_cut(messages: pd.DataFrame, cut: pd.Timestamp) -> tuple[pd.DataFrame, dict]:
    history = messages[messages["at"] < cut]
    future = messages[(messages["at"] >= cut) & (messages["at"] < cut + HORIZON)]

    # The baselines, from the history alone.
    p = pairs(history).assign(at=history["at"].to_numpy())
    base = p.groupby(["a", "b"], sort=True)["at"].agg(["max", "size"])
    ties = base.index
    days_since = (cut - base["max"]).dt.total_seconds().to_numpy() / 86400
    silent = ~ties.isin(pd.MultiIndex.from_frame(pairs(future).drop_duplicates()))

    t = time.perf_counter()
    scored = decay_risk(history, cut)
    seconds = time.perf_counter() - t
    formula = decay_risk(history, cut, model="formula")

    risk = scored.set_index(["a", "b"])["risk"]
    assert len(risk) == len(ties) and risk.index.isin(ties).all(), "decay_risk must score exactly the past ties"
    rows = pd.DataFrame({
        "silent": silent,
        "risk": risk.reindex(ties).to_numpy(),
        "days_since": days_since,
        "-count": -base["size"].to_numpy(dtype=float),
        "formula": formula.set_index(["a", "b"])["risk"].reindex(ties).to_numpy(),
    })
    info = {"model": scored.attrs["model"], "window": scored.attrs["calibration_window_days"], "seconds": seconds,
            "states": scored["state"].value_counts().to_dict()}
    return rows, info


def window_outcomes(history: pd.DataFrame, after: pd.DataFrame, cut: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Each tie's risk and state at ``cut`` and whether it stayed silent for its whole window.

    ``after``: the interactions from ``cut`` on (up to ``end``, the end of the data); ties whose
    window ``max(HORIZON_DAYS, WINDOW_GAPS × usual gap)`` ends after ``end`` are left out.
    """
    scored = decay_risk(history, cut)
    window = np.maximum(HORIZON_DAYS, WINDOW_GAPS * scored["usual_gap"].to_numpy())
    nxt = pairs(after).assign(at=after["at"].to_numpy()).groupby(["a", "b"])["at"].min()
    nxt = nxt.reindex(pd.MultiIndex.from_frame(scored[["a", "b"]]))
    wait = ((nxt - cut).dt.total_seconds() / 86400).fillna(np.inf).to_numpy()
    seen = cut + pd.to_timedelta(window, unit="D") <= end
    return pd.DataFrame({"risk": scored["risk"].to_numpy(), "state": scored["state"].to_numpy(),
                         "silent": wait >= window})[seen]


def reliability(name: str, rows: pd.DataFrame) -> float:
    """Print predicted against observed silence by risk bin and by state; return the ECE."""
    bins = pd.cut(rows["risk"], RISK_BINS, right=False, include_lowest=True)
    t = rows.groupby(bins, observed=True).agg(n=("silent", "size"), predicted=("risk", "mean"),
                                               observed=("silent", "mean"))
    ece = float((t["n"] * (t["predicted"] - t["observed"]).abs()).sum() / t["n"].sum())
    brier = float(((rows["risk"] - rows["silent"]) ** 2).mean())
    print(f"{name}: {len(rows):,} tie-cuts, silent within their window {rows['silent'].mean():.1%}; "
          f"ECE {ece:.3f}, Brier {brier:.3f}")
    print(f"  {'risk':>10} {'ties':>7} {'predicted':>9} {'observed':>8}")
    for interval, r in t.iterrows():
        print(f"  {f'{interval.left:.1f}–{interval.right:.1f}':>10} {int(r['n']):>7} {r['predicted']:>9.3f} "
              f"{r['observed']:>8.3f}")
    s = rows.groupby("state").agg(n=("silent", "size"), predicted=("risk", "mean"), observed=("silent", "mean"))
    for state in (x for x in STATES if x in s.index):
        r = s.loc[state]
        print(f"  {state:>10} {int(r['n']):>7} {r['predicted']:>9.3f} {r['observed']:>8.3f}")
    return ece


def demo_owner_pairs() -> tuple[pd.DataFrame, pd.Timestamp]:
    """The demo network's owner ties as interactions (owner, contact, at), and where its history ends."""
    from demo import build_demo

    net = build_demo(DEMO_AS_OF)
    rows = [("me", p, i.at) for i in net.interactions if "me" in i.participants for p in i.participants if p != "me"]
    frame = pd.DataFrame(rows, columns=["a", "b", "at"])
    frame["at"] = pd.to_datetime(frame["at"], utc=True)
    return frame, pd.Timestamp(DEMO_AS_OF, tz="UTC")


def calibration(messages: pd.DataFrame) -> float:
    """The reliability check on CollegeMsg (reported) and the demo network; returns the demo's ECE."""
    print("\nCalibration: predicted risk against the share of ties silent for their whole window")
    t0, end = messages["at"].min(), messages["at"].max()
    college = []
    for day in CUT_DAYS:
        cut = t0 + pd.Timedelta(days=day)
        college.append(window_outcomes(messages[messages["at"] < cut], messages[messages["at"] >= cut], cut, end))
    reliability("CollegeMsg", pd.concat(college, ignore_index=True))
    frame, end = demo_owner_pairs()
    demo = []
    for cut in pd.date_range(end - pd.DateOffset(months=18), end - pd.DateOffset(months=3), freq="MS"):
        demo.append(window_outcomes(frame[frame["at"] < cut], frame[(frame["at"] >= cut) & (frame["at"] < end)],
                                    cut, end))
    return reliability(f"demo network as of {DEMO_AS_OF}", pd.concat(demo, ignore_index=True))


def main() -> int:
    messages = load()
    t0 = messages["at"].min()
    print(f"CollegeMsg: {len(messages):,} messages, {len(pairs(messages).drop_duplicates()):,} ties, "
          f"{(messages['at'].max() - t0).days} days; horizon {HORIZON.days} days\n")

    header = (f"{'cut':>5} {'ties':>6} {'silent':>7} {'model':>11} {'risk':>6} {'days':>6} {'-count':>6} "
              f"{'formula':>7} {'time':>6}  result")
    print("AUC of each score for 'went silent in the next 28 days' (higher is better)")
    print(header)
    print("-" * len(header))
    all_rows, losses, strat = [], 0, {k: [0.0, 0.0] for k in SCORES}
    for day in CUT_DAYS:
        cut = t0 + pd.Timedelta(days=day)
        rows, info = evaluate_cut(messages, cut)
        a = {k: auc(rows[k], rows["silent"]) for k in SCORES}
        weight = float(rows["silent"].sum() * (~rows["silent"]).sum())
        for k in SCORES:
            strat[k][0] += a[k] * weight
            strat[k][1] += weight
        lost = a["risk"] <= max(a["days_since"], a["-count"])
        losses += lost
        model = f"fitted {info['window']:.0f}d" if info["model"] == "fitted" else "formula"
        print(f"{day:>5} {len(rows):>6} {rows['silent'].mean():>7.1%} {model:>11} {a['risk']:>6.3f} "
              f"{a['days_since']:>6.3f} {a['-count']:>6.3f} {a['formula']:>7.3f} {info['seconds']:>5.2f}s  "
              f"{'LOSS' if lost else 'win'}")
        all_rows.append(rows)
    pooled = pd.concat(all_rows, ignore_index=True)
    p = {k: auc(pooled[k], pooled["silent"]) for k in SCORES}
    s = {k: strat[k][0] / strat[k][1] for k in SCORES}
    print("-" * len(header))
    print(f"{'pooled, all rows':>31} {p['risk']:>6.3f} {p['days_since']:>6.3f} {p['-count']:>6.3f} "
          f"{p['formula']:>7.3f}")
    print(f"{'pooled, within cuts':>31} {s['risk']:>6.3f} {s['days_since']:>6.3f} {s['-count']:>6.3f} "
          f"{s['formula']:>7.3f}")

    demo_ece = calibration(messages)
    ok_calibrated = demo_ece <= MAX_DEMO_ECE
    print(f"demo network ECE {demo_ece:.3f} (at most {MAX_DEMO_ECE:.2f})  {'PASS' if ok_calibrated else 'FAIL'}")

    # Time, beside the plain baseline: the whole history (what the dashboard pays), and the synthetic log.
    print()
    time_workload("whole history", messages, messages["at"].max() + pd.Timedelta(seconds=1))
    now = pd.Timestamp("2024-06-01 12:00", tz="UTC")
    t_strength, t_decay = time_workload("synthetic", synthetic(now), now)
    ok_strength, ok_decay = t_strength < TARGET_STRENGTH_S, t_decay < TARGET_DECAY_S
    print(f"synthetic tie_strength {t_strength:.2f} s (target < {TARGET_STRENGTH_S:.0f} s)  "
          f"{'PASS' if ok_strength else 'FAIL'}")
    print(f"synthetic decay_risk   {t_decay:.2f} s (target < {TARGET_DECAY_S:.0f} s)  {'PASS' if ok_decay else 'FAIL'}")

    ok = (p["risk"] > max(p["days_since"], p["-count"]) and s["risk"] > max(s["days_since"], s["-count"])
          and losses <= 1)
    print(f"\n{'PASS' if ok else 'FAIL'}: pooled AUC {p['risk']:.3f} vs days-since {p['days_since']:.3f} and "
          f"-count {p['-count']:.3f} (within cuts {s['risk']:.3f} vs {s['days_since']:.3f} and {s['-count']:.3f}); "
          f"cuts lost: {losses} of {len(CUT_DAYS)} (at most 1 allowed)")
    return 0 if ok and ok_calibrated and ok_strength and ok_decay else 1


if __name__ == "__main__":
    sys.exit(main())
