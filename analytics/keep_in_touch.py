"""Keep in touch: who is due, and a good reason to reach out to each.

Cadence follows closeness. Contacts are ranked by tie strength and cut into
layers after Dunbar's nested circles of about 5, 15, 50 and 150 people (Zhou,
Sornette, Hill & Dunbar 2005, "Discrete hierarchical organization of social
group sizes", Proc. R. Soc. B), each with a rhythm that keeps such a tie alive:

    layer         size   cadence
    inner          5      7 days
    close         15     14 days
    good          50     30 days
    meaningful   150     90 days
    acquaintance  …     365 days

A person's own ``cadence_days`` overrides the layer. A contact is **due** when
``days_since ≥ cadence`` and **due soon** within a week of it.

The reason comes from the practice of keeping in touch with a reason, most
pressing first: a thank-you owed, a birthday within two weeks, congratulations
on a change seen on re-import, asking a small piece of advice they are good at
(one of the owner's needs), passing on something that fits one of their needs;
otherwise a plain catch-up.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from analytics.strength import ago

LAYERS = (("inner", 5, 7), ("close", 15, 14), ("good", 50, 30), ("meaningful", 150, 90))
ACQUAINTANCE = ("acquaintance", 365)
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


def layers(strength: pd.Series) -> pd.DataFrame:
    """Layer and cadence for each contact from their strength (index: person id).

    >>> layers(pd.Series({"a": 90, "b": 10})).loc["a", "layer"]
    'inner'
    """
    order = strength.sort_values(ascending=False, kind="stable")
    rows, start = {}, 0
    for name, size, cadence in LAYERS:
        for person in order.index[start:size]:
            rows[person] = (name, cadence)
        start = size
    for person in order.index[start:]:
        rows[person] = ACQUAINTANCE
    return pd.DataFrame.from_dict(rows, orient="index", columns=["layer", "cadence_days"])


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


def queue(ties: pd.DataFrame, people: pd.DataFrame, as_of: date, *, thanks_owed: pd.Series | None = None,
          changes: pd.DataFrame | None = None, owner_needs: set[str] = frozenset()) -> pd.DataFrame:
    """The keep-in-touch queue: one row per contact that is due, due soon, or has a pressing reason.

    ``ties``: the owner's ties, index person id, columns ``strength`` (0–100), ``days_since``.
    ``people``: index person id; ``name``, ``birth_month``, ``birth_day``, ``birth_year``,
    ``cadence_days`` (override or NaN), ``skills``, ``needs`` (lists).
    ``thanks_owed``: favors received and not yet thanked, by person.
    ``changes``: ``person``, ``field``, ``new``, ``at`` (datetime64, UTC), ``congratulated`` (bool).
    """
    if ties.empty:
        return pd.DataFrame(columns=["person", "name", "layer", "cadence_days", "days_since", "overdue_days",
                                     "status", "reason_kind", "reason", "strength"])
    table = ties.join(layers(ties["strength"]))
    override = people["cadence_days"].reindex(table.index) if "cadence_days" in people else None
    if override is not None:
        table["cadence_days"] = override.fillna(table["cadence_days"]).astype(int)
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
    weight = weight.where((table["layer"] != ACQUAINTANCE[0]) | (table["reason_kind"] == "thank-you"), 0)
    result = table[(table["status"] != "later") | (weight > 0)].copy()
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
    return "catch-up", f"Catch up: about every {int(tie['cadence_days'])} days for this tie; last contact {ago(gap)}"
