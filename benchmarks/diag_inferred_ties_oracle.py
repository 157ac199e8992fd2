"""ORACLE diagnostic for inferred ties: an UPPER BOUND fitted on the hidden truth. Never used by Kith.

Question: can *any* calibrated confidence computed from what a mailbox shows reach the issue's
recall / F1 targets (recall ≥ naive baseline + 0.10, F1 ≥ baseline + 0.05 at confidence ≥ 0.5)?
Kith cannot fit on the truth (the owner never sees the full network); this script does, on
purpose, to bound what any mailbox-only model could do:

- features: ``analytics.inferred_ties.pair_features`` — everything per pair that the owner's
  mail shows (co-participation counts, Newman weights, small groups, who started them, distinct
  third-party senders, the pair's own direct mail, each one's mails sent / received from the
  owner / appearances, overlap of activity windows, common neighbours, Jaccard, Adamic–Adar,
  resource allocation and degrees on the co-participation graph and on the visible direct-mail
  graph), for every pair of the owner's correspondents;
- labels: the truth (the two email each other anywhere in the DNC file);
- training: every DNC person with ≥ 20 correspondents except the evaluated owner
  (leave-one-owner-out; mailboxes overlap, which only flatters the oracle);
- models: (1) logistic regression (standardised, sklearn); (2) HistGradientBoostingClassifier
  calibrated with isotonic regression (``CalibratedClassifierCV``, 3 folds);
- evaluation: the benchmark's ten owners and metrics (per-owner P/R/F1 averaged, at ≥ 0.5), the
  pooled reliability bins, and the P–R curve over one global threshold.

Run: ./.venv/bin/python -m benchmarks.diag_inferred_ties_oracle
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

from analytics.inferred_ties import MAX_GROUP, RICH, naive_ties, pair_features
from benchmarks.bench_inferred_ties import MIN_CORRESPONDENTS, OWNERS, TARGET_F, TARGET_P, TARGET_R, load, mailbox, prf


def records(groups, owner):
    return [(datetime.fromtimestamp(t, timezone.utc), [s, *sorted(rs)], s)
            for (s, t), rs in sorted(groups.items()) if s == owner or owner in rs]


def owner_frame(mails, owner, people, truth):
    nodes = sorted({p for _, ps, _ in mails for p in ps} - {owner} | set(people))
    people = sorted(people, key=str)  # pairs (a, b) with str(a) <= str(b), as Kith and the benchmark write them
    pairs = [(a, b) for i, a in enumerate(people) for b in people[i + 1:]]
    X = pair_features(mails, owner, nodes, pairs, max_group=MAX_GROUP)
    X["y"] = [frozenset(p) in truth for p in pairs]
    X["a"], X["b"], X["owner"] = [p[0] for p in pairs], [p[1] for p in pairs], owner
    return X


def models():
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    return {
        "LR": lambda: make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)),
        "HGB+isotonic": lambda: CalibratedClassifierCV(
            HistGradientBoostingClassifier(max_iter=200, learning_rate=0.1, random_state=0),
            method="isotonic", cv=3),
    }


def main() -> None:
    started = time.perf_counter()
    groups, truth, corr = load()
    ranked = sorted((n for n in corr if len(corr[n]) >= MIN_CORRESPONDENTS), key=lambda n: (-len(corr[n]), n))
    ranks = sorted({round(i * (len(ranked) - 1) / (OWNERS - 1)) for i in range(OWNERS)})
    evaluated = [ranked[r] for r in ranks]
    frames = {}
    with tempfile.TemporaryDirectory() as tmp:
        for o in ranked:
            mails = mailbox(groups, o, Path(tmp)) if o in evaluated else records(groups, o)
            frames[o] = owner_frame(mails, o, corr[o], truth)
    naive = {}
    with tempfile.TemporaryDirectory() as tmp:
        for o in evaluated:
            inside = set(corr[o])
            naive[o] = {p for p in naive_ties(mailbox(groups, o, Path(tmp)), o) if p[0] in inside and p[1] in inside}
    print(f"ORACLE (fitted on the hidden truth; an upper bound, never used by Kith): {len(ranked)} owners' "
          f"mailboxes, {sum(len(f) for f in frames.values()):,} pairs; evaluated on the benchmark's {len(evaluated)}")
    report = {}
    for name, make in models().items():
        scores = {}
        for o in evaluated:
            train = pd.concat([f for k, f in frames.items() if k != o], ignore_index=True)
            m = make().fit(train[list(RICH)].to_numpy(), train["y"].to_numpy())
            scores[o] = m.predict_proba(frames[o][list(RICH)].to_numpy())[:, 1]
        report[name] = scores
        summarise(name, scores, frames, evaluated, naive)
    print(f"({time.perf_counter() - started:.0f} s)")


def per_owner(scores, frames, evaluated, naive, thr):
    rows = []
    for o in evaluated:
        f = frames[o]
        truth_pairs = set(zip(f.loc[f["y"], "a"], f.loc[f["y"], "b"]))
        pred = set(zip(f.loc[scores[o] >= thr, "a"], f.loc[scores[o] >= thr, "b"]))
        rows.append((*prf(naive[o], truth_pairs), *prf(pred, truth_pairs)))
    return pd.DataFrame(rows, columns=["nP", "nR", "nF", "P", "R", "F"]).mean()


def summarise(name, scores, frames, evaluated, naive):
    m = per_owner(scores, frames, evaluated, naive, 0.5)
    tP, tR, tF = m.nP + TARGET_P, m.nR + TARGET_R, m.nF + TARGET_F
    print(f"\n== oracle {name}: at calibrated >= 0.5  P {m.P:.3f}  R {m.R:.3f}  F1 {m.F:.3f}   "
          f"(baseline P {m.nP:.3f} R {m.nR:.3f} F1 {m.nF:.3f}; targets P>={tP:.3f} R>={tR:.3f} F1>={tF:.3f})")
    conf = np.concatenate([scores[o] for o in evaluated])
    y = np.concatenate([frames[o]["y"].to_numpy() for o in evaluated])
    bins = np.minimum((conf * 10).astype(int), 9)
    cells = []
    for b in range(10):
        sel = bins == b
        if sel.sum():
            cells.append(f"{b / 10:.1f}:{conf[sel].mean():.2f}/{y[sel].mean():.2f}(n={sel.sum()})")
    print("   reliability predicted/observed: " + "  ".join(cells))
    curve = []
    for thr in np.unique(np.quantile(conf[conf > 0.01], np.linspace(0, 1, 201))):
        r = per_owner(scores, frames, evaluated, naive, thr)
        curve.append((thr, r.P, r.R, r.F))
    c = pd.DataFrame(curve, columns=["thr", "P", "R", "F"])
    ok = c[(c.P >= tP) & (c.R >= tR) & (c.F >= tF)]
    best_f = c.loc[c.F.idxmax()]
    print(f"   best F1 on the curve: thr {best_f.thr:.3f}  P {best_f.P:.3f}  R {best_f.R:.3f}  F1 {best_f.F:.3f}")
    reach = c[c.P >= tP]
    if len(reach):
        r = reach.loc[reach.R.idxmax()]
        print(f"   highest recall keeping P >= {tP:.3f}: thr {r.thr:.3f}  P {r.P:.3f}  R {r.R:.3f}  F1 {r.F:.3f}")
    dist = np.sqrt(np.clip(tP - c.P, 0, None) ** 2 + np.clip(tR - c.R, 0, None) ** 2 + np.clip(tF - c.F, 0, None) ** 2)
    r = c.loc[dist.idxmin()]
    print(f"   closest point to the targets: thr {r.thr:.3f}  P {r.P:.3f}  R {r.R:.3f}  F1 {r.F:.3f}  "
          f"({'all three targets met' if len(ok) else 'no threshold meets all three targets'})")


if __name__ == "__main__":
    sys.exit(main())
