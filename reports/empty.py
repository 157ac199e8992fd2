"""Why a report is empty, and what to add so that it is not.

"Nothing to report" on a new user's first day reads as "Kith is broken". Every report
needs something particular (history for decay, favors for the ledger, who-knows-whom or
skills and needs for introductions), so an empty report names what is missing from *this*
graph and the command that adds it. Pure: a function of the projection and the date.
"""

from __future__ import annotations

from datetime import date

from graph.projection import Projection
from reports.build import horizon, in_touch_on

ADD_PEOPLE = "add people (`kith person add NAME`) or import a file (`kith import FILE`)"
LOG = "log what you do (`kith log NAME --kind catch-up`) or import mail, calendars or messages"


def why_empty(report: str, P: Projection, as_of: date) -> str:
    """One or two sentences: why ``report`` has nothing as of ``as_of``, and what to add.

    >>> import pandas as pd
    >>> P = Projection(None, pd.DataFrame(columns=["name", "me"]), *[pd.DataFrame()] * 5)
    >>> why_empty("ledger", P, date(2026, 12, 2)).split(":")[0]
    'Kith does not know who you are yet'
    """
    if P.owner is None:
        return "Kith does not know who you are yet: say so with `kith me --name \"Your Name\"`."
    contacts = [p for p in P.people.index if p != P.owner]
    if not contacts:
        return f"You have no contacts yet: {ADD_PEOPLE}."
    n = len(contacts)
    history = _owner_history(P, as_of)
    reason = _REASONS.get(report)
    return reason(P, as_of, n, history) if reason else "Nothing in your graph matches this report yet."


def _owner_history(P: Projection, as_of: date) -> int:
    """How many of the owner's interactions count for a report as of ``as_of``."""
    part = P.participation
    if part.empty:
        return 0
    mine = part[(part["person"] == P.owner) & (part["at"] < horizon(as_of))]
    return int(mine["interaction"].nunique())


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


def _intros(P, as_of, n, history) -> str:
    if n < 2:
        return f"An introduction needs two contacts; you have one: {ADD_PEOPLE}."
    knows = len(P.knows)
    typed = sum(bool(len(P.people.loc[p, c])) for p in P.people.index if p != P.owner for c in ("skills", "needs"))
    if not knows and not typed:
        return (f"Your {n} contacts have no who-knows-whom and no skills or needs, which is what introductions "
                "are made of: say who knows whom (`kith link A B`) or what people are good at and need "
                "(`kith person set NAME --skill … --need …`).")
    return (f"No pair among your {n} contacts is a good enough match yet ({_plural(knows, 'tie')} between them, "
            f"skills or needs on {typed} records): add skills and needs, or who knows whom.")


def _keep_in_touch(P, as_of, n, history) -> str:
    if not history:
        return (f"No one is due because Kith has no history with your {n} contacts yet: {LOG}. "
                "Favors owed a thank-you, birthdays and job changes show up here too.")
    today = in_touch_on(P, as_of)
    if today:
        return (f"You were in touch with {_plural(len(today), 'contact')} on {as_of:%d %B %Y}, and no one else "
                "is due for contact.")
    return f"No one is due for contact as of {as_of:%d %B %Y}: every tie has been kept up at its rhythm."


def _decay(P, as_of, n, history) -> str:
    if not history:
        return f"A tie can only go quiet after it has a history; there is none with your {n} contacts yet: {LOG}."
    return (f"None of your ties with history ({_plural(history, 'interaction')}) is going quiet, or none was "
            "ever strong enough to be worth a warning.")


def _ledger(P, as_of, n, history) -> str:
    return ("No favors recorded yet. Record help given, received or asked "
            "(`kith favor NAME --received --kind advice`): the ledger shows who is owed a thank-you "
            "and whose luck not to push.")


def _circles(P, as_of, n, history) -> str:
    return (f"Circles come from who knows whom, and none of your {n} contacts is linked to another yet: "
            "`kith link A B`, or import a file that says who knows whom.")


def _opportunity(P, as_of, n, history) -> str:
    return (f"None of your {n} contacts has a skill, need, interest, tag or title matching those words: "
            "add them (`kith person set NAME --skill …`) or try other words.")


def _birthdays(P, as_of, n, history) -> str:
    contacts = P.people[P.people.index != P.owner]
    known = int(contacts["birth_month"].notna().sum()) if "birth_month" in contacts else 0
    if not known:
        return f"None of your {n} contacts has a birthday recorded: `kith person set NAME --birthday --MM-DD`."
    return f"None of the {known} birthdays you know falls in the days this report looks ahead (`--days`)."


_REASONS = {"intros": _intros, "keep-in-touch": _keep_in_touch, "decay": _decay, "ledger": _ledger,
            "circles": _circles, "opportunity": _opportunity, "birthdays": _birthdays}
