"""The dashboard's writes: each one Store call, then the caches are cleared.

Kept apart from the pages so that every change the dashboard can make to the graph is
listed in one short file.
"""

from __future__ import annotations

from datetime import datetime

from dashboard import data
from graph.store import Store
from kith import usecases


def log_interaction(store: Store, person: str, *, kind: str, channel: str, at: datetime | None = None,
                    summary: str | None = None) -> str:
    """Log that you were in touch with ``person`` (you reached out). Returns the interaction id."""
    interaction = usecases.log_with_owner(store, [person], kind=kind, channel=channel, at=at, summary=summary,
                                          source="dashboard", initiated_by_owner=True)
    data.refresh()
    return interaction.id


def start_introduction(store: Store, a: str, b: str, *, why: str | None = None, declined: bool = False) -> str:
    """Start a double opt-in introduction of a suggested pair (``declined``: you decided not to,
    so it is not suggested again). Returns its id."""
    intro, _ = store.start_introduction(a, b, why=why)
    if declined:
        intro = store.introduction_step(a, b, "declined", by="you", note="not this pair (dashboard)")
    data.refresh()
    return intro.id


def introduction_step(store: Store, a: str, b: str, step: str, *, by: str | None = None) -> str:
    """Move an introduction on (checked by graph/introductions.py). Returns the new status."""
    intro = store.introduction_step(a, b, step, by=by)
    data.refresh()
    return intro.status


def introduction_outcome(store: Store, a: str, b: str, outcome: str, *, note: str | None = None) -> None:
    store.introduction_outcome(a, b, outcome, note=note or None)
    data.refresh()


def edit_person(store: Store, person: str, *, add: dict | None = None, remove: dict | None = None,
                set: dict | None = None) -> list[str]:
    """Change one person's details (graph/edit.py checks the values); returns what changed, a line each."""
    from graph.edit import person_edit

    plan = usecases.edit_person(store, person, person_edit(add, remove, set), source="dashboard")
    data.refresh()
    return plan.changes


def record_favor(store: Store, person: str, *, direction: str, kind: str, status: str | None = None,
                 at: datetime | None = None, note: str | None = None) -> str:
    """Record a favor given, received or asked; returns its id."""
    favor = usecases.record_favor(store, person, direction=direction, kind=kind, status=status, at=at, note=note)
    data.refresh()
    return favor.id


def answer_favor(store: Store, person: str, answer: str, favor_id: str | None = None) -> str:
    """Record the answer to an ask (their latest pending one, or ``favor_id``); returns the favor id."""
    done = store.answer_favor(person, answer, favor_id)
    data.refresh()
    return done


def link_people(store: Store, a: str, b: str, *, context: str | None = None) -> None:
    """Record that ``a`` and ``b`` know each other."""
    usecases.link_people(store, a, b, context=context, source="dashboard")
    data.refresh()


def merge(store: Store, keep: str, drop: str) -> str:
    """Merge ``drop`` into ``keep`` (as `kith merge KEEP DROP`); returns the merge id, for undo."""
    merge_id = store.merge(keep, drop)
    data.refresh()
    return merge_id


def not_same(store: Store, a: str, b: str) -> None:
    """Say two people are different humans (as `kith merge --not-same A B`): never suggested again."""
    store.not_same(a, b)
    data.refresh()
