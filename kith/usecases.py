"""What you can do to your graph as its owner, written once for the CLI and the dashboard.

Each use-case is orchestration only: it asks the store who the owner is, builds
the records (which check themselves: ``graph.model``) and hands them to the
store. No Cypher here, and no printing: the CLI and the dashboard each say the
result, or the ``KithError``, their own way.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from graph.model import Interaction, Person, new_id, normalize_email
from graph.store import PersonDetails, Store
from kith import clock
from kith.errors import NoOwner

OWNER_ID = "me"  # the id a first owner gets: short to type in Cypher, and the one demo and docs use


def require_owner(store: Store) -> dict[str, Any]:
    """The owner's ``id`` and ``name``; ``NoOwner`` when the graph does not know who you are yet."""
    owner = store.owner()
    if owner is None:
        raise NoOwner()
    return owner


def log_with_owner(store: Store, people_ids: Iterable[str], *, kind: str, channel: str,
                   at: datetime | None = None, summary: str | None = None, source: str,
                   initiated_by_owner: bool = False) -> Interaction:
    """Log an interaction between the owner and ``people_ids``; returns it as written.

    The owner is always a participant: every interaction Kith logs for you is one you
    were in. ``initiated_by_owner`` says you reached out (the dashboard's "done" buttons);
    the CLI does not know, so by default nobody is said to have. ``at`` defaults to now.
    An unknown kind or channel is refused by ``Interaction`` before anything is written.
    """
    owner = require_owner(store)["id"]
    interaction = Interaction(id=new_id("i"), at=at or clock.now(), participants=[owner, *people_ids],
                              channel=channel, kind=kind, summary=summary or None, source=source,
                              initiated_by=owner if initiated_by_owner else None)
    store.log_interactions([interaction])
    return interaction


def set_owner(store: Store, name: str | None, emails: Iterable[str] = ()) -> PersonDetails:
    """Say who you are: create the owner, or rename them and add addresses; returns the owner as stored.

    Addresses are only ever added (imports recognise you by any of them); ``name`` may be
    left out once the owner exists. Without an owner and without a name: ``NoOwner``.
    """
    owner = store.owner()
    if owner is None and not name:
        raise NoOwner("Kith does not know you yet: `kith me --name \"Your Name\" --email you@example.com`")
    person_id = owner["id"] if owner else OWNER_ID
    added = [normalize_email(e) for e in emails]
    if name or added:
        # An upsert replaces list properties: carry over what is there, so nothing is lost.
        current = store.person(person_id)
        emails, sources = (current.person.emails, current.person.sources) if current else ([], [])
        store.upsert_people([Person(id=person_id, name=name or owner["name"], me=True, emails=[*emails, *added],
                                    sources=list(dict.fromkeys([*sources, "cli"])))])
    return store.person(person_id)
