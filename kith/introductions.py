"""Use-cases of a double opt-in introduction that the CLI and the dashboard share.

The rules of the steps are graph/introductions.py's, the messages analytics/introductions.py's;
this module puts them together with what the store knows: the people's names and details
for the drafts, and one row per introduction saying where it stands and whose move it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from analytics import introductions as drafting
from graph import introductions as flow
from graph.model import Introduction
from graph.store import Store
from kith.errors import StoreError

# What each step means, in words (the CLI's and the dashboard's labels).
STATE_LABELS = {
    "suggested": "not asked yet", "asked-a": "asked A", "a-agreed": "A agreed", "asked-b": "asked B",
    "agreed": "both agreed", "made": "introduced", "declined": "declined",
}


def contact(store: Store, person_id: str) -> drafting.Contact:
    """What the drafts need to know about one person, read from the store."""
    details = store.person(person_id)
    if details is None:
        raise StoreError(f"no person with id {person_id!r}")
    p = details.person
    return drafting.Contact(id=p.id, name=p.name, title=p.title, company=p.company, location=p.location,
                            skills=set(p.skills), needs=set(p.needs), interests=set(p.interests),
                            schools={s.get("school") for s in details.schools if s.get("school")},
                            tags=set(p.tags))


def drafts(store: Store, intro: Introduction) -> dict[str, str]:
    """The three messages for ``intro``: ``to_a``, ``to_b``, ``joint``."""
    return drafting.drafts(contact(store, intro.a), contact(store, intro.b))


@dataclass(frozen=True)
class Standing:
    """Where one introduction stands, in words."""

    intro: Introduction
    a_name: str
    b_name: str
    state: str               # the status
    waiting_on: str          # "you", a name, or "" when nothing is left to do
    next_step: str           # what to do next, in words
    since: datetime

    @property
    def between(self) -> str:
        return f"{self.a_name} ↔ {self.b_name}"


def standing(intro: Introduction, names: dict[str, str]) -> Standing:
    a, b = names.get(intro.a, intro.a), names.get(intro.b, intro.b)
    who = flow.waiting_on(intro)
    waiting = {"you": "you", "a": a, "b": b, None: ""}[who]
    nexts = {
        "suggested": f"ask {a}", "asked-a": f"{a}'s answer", "a-agreed": f"ask {b}", "asked-b": f"{b}'s answer",
        "agreed": "send the introduction", "made": "" if intro.outcome else "record how it went",
        "declined": "",
    }[intro.status]
    state = intro.status
    if intro.status == "declined" and intro.declined_by:
        state = f"declined by {dict(a=a, b=b, you='you')[intro.declined_by]}"
    if intro.status == "made" and intro.outcome:
        state = f"made: {intro.outcome}"
    return Standing(intro, a, b, state, waiting, nexts, flow.since(intro))


def standings(store: Store, *, open_only: bool = False) -> list[Standing]:
    """Every introduction (newest first), or only those with something left to do."""
    intros = store.introductions()
    names = store.names(x for n in intros for x in (n.a, n.b))
    rows = [standing(n, names) for n in intros]
    return [r for r in rows if r.next_step] if open_only else rows
