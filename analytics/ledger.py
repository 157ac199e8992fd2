"""Give and ask: the favors between you and each contact, and what they call for.

Reciprocity keeps relationships alive (Gouldner 1960, "The Norm of Reciprocity",
American Sociological Review 25(2)); asking again and again of someone who keeps
saying no wears a tie out. The ledger counts, per contact:

    given      favors you did for them
    received   favors they did for you
    asked      favors you asked of them, by answer (yes / no / ignored / pending)
    balance  = given − received − yes            (> 0: you have given more than you got)

and flags the two things worth acting on:

- **don't push your luck**: asked ``min_refusals`` times or more with no "yes" ever
  (refusals are "no" or "ignored");
- **owes a thank-you**: a favor received (or a "yes") with no ``thank-you``
  interaction with that person since.
"""

from __future__ import annotations

import pandas as pd

COLUMNS = ["person", "given", "received", "asked", "yes", "no", "ignored", "pending", "balance",
           "push_luck", "thanks_owed", "last_favor"]


def ledger(favors: pd.DataFrame, thank_yous: pd.DataFrame | None = None, *, min_refusals: int = 3) -> pd.DataFrame:
    """One row per contact with at least one favor.

    ``favors``: columns ``person``, ``at`` (datetime64, UTC), ``direction``
    (given | received | asked), ``status`` (pending | yes | no | ignored).
    ``thank_yous``: columns ``person``, ``at``: thank-you interactions with that person.

    >>> import pandas as pd
    >>> f = pd.DataFrame({"person": ["m"] * 3, "direction": ["asked"] * 3, "status": ["no", "no", "ignored"],
    ...                   "at": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-03-01"], utc=True)})
    >>> row = ledger(f).iloc[0]
    >>> row["person"], int(row["asked"]), bool(row["push_luck"])
    ('m', 3, True)
    """
    if favors.empty:
        return pd.DataFrame(columns=COLUMNS)
    f = favors.copy()
    direction, status = f["direction"], f["status"]
    asked = direction.eq("asked")
    counts = pd.DataFrame({
        "person": f["person"],
        "given": direction.eq("given"),
        "received": direction.eq("received"),
        "asked": asked,
        "yes": asked & status.eq("yes"),
        "no": asked & status.eq("no"),
        "ignored": asked & status.eq("ignored"),
        "pending": asked & status.eq("pending"),
    }).groupby("person", sort=True).sum().astype(int)
    counts["balance"] = counts["given"] - counts["received"] - counts["yes"]
    counts["push_luck"] = (counts["no"] + counts["ignored"] >= min_refusals) & counts["yes"].eq(0)
    counts["last_favor"] = f.groupby("person")["at"].max()
    counts["thanks_owed"] = _thanks_owed(f, thank_yous)
    counts["thanks_owed"] = counts["thanks_owed"].fillna(0).astype(int)
    return counts.reset_index()[COLUMNS]


def _thanks_owed(f: pd.DataFrame, thank_yous: pd.DataFrame | None) -> pd.Series:
    """How many received favors (or yeses) have no thank-you with that person after them."""
    helped = f[f["direction"].eq("received") | (f["direction"].eq("asked") & f["status"].eq("yes"))]
    if helped.empty:
        return pd.Series(dtype=int)
    if thank_yous is None or thank_yous.empty:
        # Nobody was ever thanked: every favor is owed. (Mapping onto an empty datetime Series
        # raises under pandas 3, so this case is not left to the general path.)
        return helped.groupby("person").size()
    last_thanks = thank_yous.groupby("person")["at"].max()
    thanked_at = helped["person"].map(last_thanks)
    unthanked = thanked_at.isna() | (thanked_at < helped["at"])
    return unthanked.groupby(helped["person"]).sum()


def most_giving(table: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """Contacts who have helped you most (received + yes), most generous first."""
    if table.empty:
        return table
    t = table.assign(helped=table["received"] + table["yes"])
    return t[t["helped"] > 0].sort_values(["helped", "person"], ascending=[False, True]).head(n)
