"""Keep in touch: who is due, and a good reason to reach out to each.

Cadence follows closeness, and closeness needs evidence. Dunbar's nested circles of about 5,
15, 50 and 150 people (Zhou, Sornette, Hill & Dunbar 2005, "Discrete hierarchical organization
of social group sizes", Proc. R. Soc. B) are defined by how often people are in contact (Hill &
Dunbar 2003; Sutcliffe, Dunbar, Binder & Arrow 2012: the inner layers are those seen weekly or
so), so a contact is in a layer only when its own history shows that layer's rhythm
(:func:`layers`): strength ranks the contacts and caps each layer's size, frequency admits them::

    layer         size   cadence   evidence: contacts in the last 6 cadences
    inner          5      7 days    ≥ 4 in 42 days
    close         15     14 days    ≥ 4 in 84 days
    good          50     30 days    ≥ 4 in 180 days
    meaningful   150     90 days    ≥ 4 in 540 days
    acquaintance  …      none       (anything less)

An acquaintance has no rhythm to keep, so it is never "due" for a catch-up (no cadence nag),
unless the person's own ``cadence_days`` asks for one: that overrides the layer. A contact is
**due** when ``days_since ≥ cadence`` and **due soon** within a week of it.

The reason comes from the practice of keeping in touch with a reason, most
pressing first: a thank-you owed, a birthday within two weeks, congratulations
on a change seen on re-import, asking a small piece of advice they are good at
(one of the owner's needs), passing on something that fits one of their needs;
otherwise a plain catch-up.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import pandas as pd

from analytics.strength import ago, as_utc

LAYERS = (("inner", 5, 7), ("close", 15, 14), ("good", 50, 30), ("meaningful", 150, 90))
ACQUAINTANCE = ("acquaintance", 365)  # the cadence is only nominal: an acquaintance is never due for a catch-up
EVIDENCE_CYCLES = 6  # a layer's evidence window: six of its cadences
EVIDENCE_SHARE = 2 / 3  # … holding at least two thirds of the contacts that rhythm gives (4 of 6)
EPISODE_GAP_DAYS = 1.0  # interactions less than a day apart are one contact (as in analytics.decay)
BIRTHDAY_WINDOW = 14
PRESSING = {"thank-you": 3, "birthday-wishes": 2, "congratulations": 2}
CHANGE_WINDOW = 120


def next_birthday(month: int, day: int, as_of: date) -> date:
    """The next occurrence of a birthday on or after ``as_of`` (29 February → 28th in other years).

    >>> next_birthday(2, 29, date(2027, 1, 10))
    datetime.date(2027, 2, 28)
    >>> next_birthday(1, 5, date(2026, 12, 30))
    datetime.date(2027, 1, 5)
    """
    for year in (as_of.year, as_of.year + 1):
        d = date(year, month, 28 if (month, day) == (2, 29) and not _leap(year) else day)
        if d >= as_of:
            return d
    raise AssertionError("unreachable")


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def layers(strength: pd.Series, history: pd.DataFrame | None = None, as_of=None) -> pd.DataFrame:
    """Layer, cadence and the evidence for it, for each contact (index: person id, as ``strength``).

    ``strength``: each contact's tie strength (ranks them). ``history``: the owner's
    interactions with them, columns ``person`` and ``at`` (UTC), none after what the report
    counts (the caller filters the future out); ``as_of``: the day (or instant) the evidence
    windows end at. Without ``history`` nobody shows a rhythm and everyone is an acquaintance.

    The rule. Interactions less than a day apart are one contact. A contact *shows* a layer's
    cadence ``c`` when at least ``EVIDENCE_SHARE`` (two thirds) of the contacts that rhythm would
    give in the last ``EVIDENCE_CYCLES × c`` days happened: 4 in the last 42 days for the weekly
    inner layer, 4 in 84 days (close), 180 (good), 540 (meaningful). A tie truly on that rhythm
    (Poisson contacts, 6 expected) shows it with probability 0.85, one at half of it (3
    expected: the next layer's rhythm) with 0.35, so the layers stay apart; one seen once at a
    dinner 18 months ago shows none. Contacts are taken by strength, strongest first, and each goes to
    the tightest layer it shows that still has room — a layer holds at most its Dunbar size
    less the layers inside it (5, 10, 35, 100) — and a contact that shows no layer with room is
    an acquaintance. The windows nest, so showing a tight layer implies showing the looser ones.

    Columns: ``layer``, ``cadence_days``, ``contacts`` (in the evidence window of the layer
    given, or of the loosest layer for an acquaintance) and ``evidence`` ("4 contacts in the
    last 6 weeks").

    >>> now = pd.Timestamp("2026-12-02", tz="UTC")
    >>> weekly = [now - pd.Timedelta(days=7 * k + 1) for k in range(10)]
    >>> once = [now - pd.Timedelta(days=500)]  # met once at a dinner, 16 months ago
    >>> history = pd.DataFrame({"person": ["a"] * 10 + ["b"], "at": weekly + once})
    >>> for person, row in layers(pd.Series({"a": 90, "b": 95}), history, now).iterrows():
    ...     print(person, row["layer"], row["cadence_days"], row["evidence"], sep=" | ")
    b | acquaintance | 365 | 1 contact in the last 540 days
    a | inner | 7 | 6 contacts in the last 6 weeks
    """
    order = strength.sort_values(ascending=False, kind="stable").index
    ages = _contact_ages(history, as_of)
    needed = math.ceil(EVIDENCE_SHARE * EVIDENCE_CYCLES)
    room, inside = {}, 0
    for name, size, _ in LAYERS:
        room[name], inside = size - inside, size
    none = np.empty(0)
    rows = {}
    for person in order:
        age = ages.get(person, none)
        for name, _, cadence in LAYERS:
            window = EVIDENCE_CYCLES * cadence
            n = int((age < window).sum())
            if n >= needed and room[name] > 0:
                room[name] -= 1
                rows[person] = (name, cadence, n, _evidence(n, window))
                break
        else:
            rows[person] = (*ACQUAINTANCE, n, _evidence(n, window))
    return pd.DataFrame.from_dict(rows, orient="index", columns=["layer", "cadence_days", "contacts", "evidence"]
                                  ).reindex(order).astype({"cadence_days": int, "contacts": int})


def _contact_ages(history: pd.DataFrame | None, as_of) -> dict:
    """Days before ``as_of`` of each contact (an interaction a day or more after the previous), by person."""
    if history is None or history.empty:
        return {}
    if as_of is None:
        raise ValueError("layers: as_of is needed with a history")
    end = as_utc(as_of)
    h = history[["person", "at"]].dropna().sort_values(["person", "at"], kind="stable")
    days = ((end - pd.to_datetime(h["at"], utc=True)).dt.total_seconds() / 86400).to_numpy()
    person = h["person"].to_numpy()
    same = np.r_[False, person[1:] == person[:-1]]
    new = ~same | (np.r_[np.inf, days[:-1] - days[1:]] >= EPISODE_GAP_DAYS)
    return {p: g for p, g in pd.Series(days[new]).groupby(person[new], sort=False)}


def _evidence(n: int, window: int) -> str:
    span = f"{window // 7} weeks" if window < 90 else f"{window} days"
    return f"{n} contact{'s' * (n != 1)} in the last {span}"


def upcoming_birthdays(people: pd.DataFrame, as_of: date, days: int = BIRTHDAY_WINDOW) -> pd.DataFrame:
    """People whose birthday falls within ``days`` of ``as_of`` (year known or not).

    ``people``: index person id; columns ``name``, ``birth_month``, ``birth_day``, ``birth_year``.
    """
    known = people.dropna(subset=["birth_month", "birth_day"])
    rows = []
    for pid, p in known.iterrows():
        when = next_birthday(int(p["birth_month"]), int(p["birth_day"]), as_of)
        if (when - as_of).days <= days:
            turning = when.year - int(p["birth_year"]) if pd.notna(p.get("birth_year")) else None
            rows.append({"person": pid, "name": p["name"], "date": when, "in_days": (when - as_of).days,
                         "turning": turning})
    return pd.DataFrame(rows, columns=["person", "name", "date", "in_days", "turning"]).sort_values(
        ["in_days", "name"], kind="stable").reset_index(drop=True)


def queue(ties: pd.DataFrame, people: pd.DataFrame, as_of: date, *, history: pd.DataFrame | None = None,
          thanks_owed: pd.Series | None = None, changes: pd.DataFrame | None = None,
          owner_needs: set[str] = frozenset()) -> pd.DataFrame:
    """The keep-in-touch queue: one row per contact that is due, due soon, or has a pressing reason.

    ``ties``: the owner's ties, index person id, columns ``strength`` (0–100), ``days_since``.
    ``history``: the owner's interactions, ``person`` and ``at``: the evidence for the layers
    (:func:`layers`; without it every contact is an acquaintance). An acquaintance is listed
    only for a thank-you owed, or when their own ``cadence_days`` sets a rhythm.
    ``people``: index person id; ``name``, ``birth_month``, ``birth_day``, ``birth_year``,
    ``cadence_days`` (override or NaN), ``skills``, ``needs`` (lists).
    ``thanks_owed``: favors received and not yet thanked, by person.
    ``changes``: ``person``, ``field``, ``new``, ``at`` (datetime64, UTC), ``congratulated`` (bool).
    """
    if ties.empty:
        return pd.DataFrame(columns=["person", "name", "layer", "cadence_days", "days_since", "overdue_days",
                                     "status", "reason_kind", "reason", "strength"])
    table = ties.join(layers(ties["strength"], history, as_of))
    override = people["cadence_days"].reindex(table.index) if "cadence_days" in people else None
    if override is not None:
        table["cadence_days"] = override.fillna(table["cadence_days"]).astype(int)
    table["own_cadence"] = override.notna() if override is not None else False
    keeps_rhythm = (table["layer"] != ACQUAINTANCE[0]) | table["own_cadence"]
    table["overdue_days"] = table["days_since"] - table["cadence_days"]
    table["status"] = pd.cut(table["overdue_days"], [-float("inf"), -8, -1, float("inf")],
                             labels=["later", "due soon", "due"]).astype(str)
    birthdays = upcoming_birthdays(people, as_of).set_index("person")
    recent_changes = _recent_changes(changes, as_of)
    reasons = [_reason(pid, row, people, birthdays, thanks_owed, recent_changes, owner_needs)
               for pid, row in table.iterrows()]
    table["reason_kind"] = [r[0] for r in reasons]
    table["reason"] = [r[1] for r in reasons]
    table["name"] = people["name"].reindex(table.index)
    # A thank-you is owed whoever it is; birthdays and congratulations matter for ties you keep up.
    weight = table["reason_kind"].map(PRESSING).fillna(0)
    weight = weight.where(keeps_rhythm | (table["reason_kind"] == "thank-you"), 0)
    result = table[((table["status"] != "later") & keeps_rhythm) | (weight > 0)].copy()
    result["urgency"] = weight * 1000 + result["overdue_days"].clip(lower=-7) / result["cadence_days"]
    result = result.sort_values(["urgency", "strength"], ascending=False, kind="stable")
    return result.rename_axis("person").reset_index()[
        ["person", "name", "layer", "cadence_days", "days_since", "overdue_days", "status", "reason_kind",
         "reason", "strength"]]


def _recent_changes(changes: pd.DataFrame | None, as_of: date) -> pd.DataFrame:
    if changes is None or changes.empty:
        return pd.DataFrame(columns=["field", "new"])
    since = pd.Timestamp(as_of - timedelta(days=CHANGE_WINDOW), tz="UTC")
    congratulated = changes["congratulated"] if "congratulated" in changes else pd.Series(False, index=changes.index)
    fresh = changes[(changes["at"] >= since) & ~congratulated.astype(bool)]
    return fresh.sort_values("at").groupby("person").last()


def _reason(pid, tie, people, birthdays, thanks_owed, changes, owner_needs) -> tuple[str, str]:
    person = people.loc[pid] if pid in people.index else pd.Series(dtype=object)
    if thanks_owed is not None and thanks_owed.get(pid, 0) > 0:
        n = int(thanks_owed[pid])
        return "thank-you", f"Say thank you: {n} favor{'s' * (n > 1)} from them not yet thanked"
    if pid in birthdays.index:
        b = birthdays.loc[pid]
        turning = f" (turning {int(b['turning'])})" if pd.notna(b["turning"]) else ""
        n = int(b["in_days"])
        when = "today" if n == 0 else f"tomorrow, {b['date']:%a %d %b}" if n == 1 else f"in {n} days, {b['date']:%a %d %b}"
        return "birthday-wishes", f"Birthday {when}{turning}: send wishes"
    if pid in changes.index:
        c = changes.loc[pid]
        return "congratulations", f"Congratulate them on the new {c['field']}: {c['new']}"
    skills = set(person.get("skills") or []) if isinstance(person.get("skills"), list) else set()
    overlap = sorted(skills & set(owner_needs))
    if overlap:
        return "advice-asked", f"Ask a small piece of advice on {overlap[0]}, which they know well"
    needs = person.get("needs") if isinstance(person.get("needs"), list) else []
    if needs:
        return "opportunity-shared", f"Ask how their search for {needs[0]} is going; pass on anything that fits"
    gap = int(tie["days_since"])
    rhythm = (f"every {int(tie['cadence_days'])} days, as you asked" if tie["own_cadence"]
              else f"about every {int(tie['cadence_days'])} days for this tie ({tie['evidence']})")
    return "catch-up", f"Catch up: {rhythm}; last contact {ago(gap)}"
