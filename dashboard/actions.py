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


def introduce(store: Store, a: str, b: str, *, declined: bool = False) -> str:
    """Record an introduction you made, or (``declined``) one not to suggest again."""
    iid = store.introduce(a, b, status="declined" if declined else "made", note="from the dashboard")
    data.refresh()
    return iid
