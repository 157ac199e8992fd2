"""The dashboard's writes: each one Store call, then the caches are cleared.

Kept apart from the pages so that every change the dashboard can make to the graph is
listed in one short file.
"""

from __future__ import annotations

from datetime import datetime, timezone

from dashboard import data
from graph.model import Interaction, new_id
from graph.store import Store, StoreError


def log_interaction(store: Store, person: str, *, kind: str, channel: str, at: datetime | None = None,
                    summary: str | None = None) -> str:
    """Log that you were in touch with ``person`` (you reached out). Returns the interaction id."""
    owner = store.owner()
    if owner is None:
        raise StoreError("the graph has no owner yet: `kith me --name …` first")
    interaction = Interaction(id=new_id("i"), at=at or datetime.now(timezone.utc), participants=[owner["id"], person],
                              channel=channel, kind=kind, summary=summary or None, source="dashboard",
                              initiated_by=owner["id"])
    store.log_interactions([interaction])
    data.refresh()
    return interaction.id


def introduce(store: Store, a: str, b: str, *, declined: bool = False) -> str:
    """Record an introduction you made, or (``declined``) one not to suggest again."""
    iid = store.introduce(a, b, status="declined" if declined else "made", note="from the dashboard")
    data.refresh()
    return iid
