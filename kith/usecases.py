"""What you can do to your graph as its owner, written once for the CLI and the dashboard.

Each use-case is orchestration only: it asks the store who the owner is, builds
the records (which check themselves: ``graph.model``) and hands them to the
store. No Cypher here, and no printing: the CLI and the dashboard each say the
result, or the ``KithError``, their own way.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from graph.edit import EditPlan, PersonEdit
from graph.model import Favor, Interaction, Knows, Person, new_id, normalize_email
from graph.store import PersonDetails, Store
from kith import clock
from kith.errors import InvalidRecord, NoOwner, StoreError

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


# -- entering what the analytics use, by hand (CLI and dashboard alike) --------------------


def add_person(store: Store, person: Person) -> list[dict[str, Any]]:
    """Save ``person``; returns the *other* people already known by the same name (case and accents
    ignored), so the caller can warn: a name alone never merges, but it may be a duplicate."""
    same_name = [r for r in store.people_named(person.name) if r["id"] != person.id]
    store.upsert_people([person])
    return same_name


def record_favor(store: Store, person_id: str, *, direction: str, kind: str, status: str | None = None,
                 at: datetime | None = None, note: str | None = None) -> Favor:
    """Record a favor between you and ``person_id``; returns it as written.

    Without a status, an ask is ``pending`` (answer it later) and a favor given or
    received is ``yes`` (it happened). ``Favor`` refuses an unknown direction or status.
    """
    require_owner(store)
    if not kind or not kind.strip():
        raise InvalidRecord("the favor needs a kind: referral, advice, intro …")
    status = status or ("pending" if direction == "asked" else "yes")
    favor = Favor(id=new_id("f"), at=at or clock.now(), person=person_id, direction=direction,
                  kind=" ".join(kind.split()), status=status, note=note or None)
    store.record_favors([favor])
    return favor


def link_people(store: Store, a: str, b: str, *, context: str | None = None, since: date | None = None,
                source: str) -> Knows:
    """Say that ``a`` and ``b`` know each other (an existing tie keeps its first ``since``)."""
    if a == b:
        raise InvalidRecord(f"a person cannot know themselves ({a})")
    knows = Knows(a, b, since=since, context=context or None, source=source)
    store.link([knows])
    return knows


def edit_person(store: Store, person_id: str, edit: PersonEdit, *, source: str) -> EditPlan:
    """Change one person's details (``graph.edit``); ``InvalidRecord`` for an empty edit."""
    if not edit:
        raise InvalidRecord("nothing to change: give at least one option (see `kith person set --help`)")
    return store.edit_person(person_id, edit, source=source)


def same_name_hint(person: Person, others: list[dict[str, Any]]) -> str:
    """The one-line warning for a name already known: who they are, and the two ways on."""
    listed = ", ".join(f"{o['name']} ({o['id']})" for o in others)
    return (f"already known by that name: {listed}. If {person.id} is the same human, merge them "
            f"(`kith merge {others[0]['id']} {person.id}`); to change an existing person use `kith person set`")


def become(store: Store, person_id: str) -> tuple[PersonDetails, str | None]:
    """Say that an existing person is you; returns the owner as stored and the merge id, if any.

    Without an owner, that person becomes it. With one already (``kith me --name`` made a bare
    record before an import brought your own contact card in), the two are one human: the
    person is merged into the owner (undo with ``kith merge --undo``), so nothing is lost.
    """
    if store.person(person_id) is None:
        raise StoreError(f"no person with id {person_id!r}")
    owner = store.owner()
    if owner is None:
        store.set_owner_flag(person_id)
        return store.person(person_id), None
    if owner["id"] == person_id:
        return store.person(person_id), None
    merge_id = store.merge(owner["id"], person_id)
    return store.person(owner["id"]), merge_id


def merge_candidates(store: Store) -> list[dict[str, Any]]:
    """People who may be one human, as `kith merge --list` shows them: keep, drop, their names, why."""
    from loaders.resolve import PeopleIndex, find_candidates

    index = PeopleIndex(*store.people_index_rows())
    name = {pid: k.props.get("name") for pid, k in index.people.items()}
    return [{"keep": c.a, "drop": c.b, "keep_name": name[c.a], "drop_name": name[c.b], "reason": c.reason,
             "score": c.score, "evidence": c.evidence} for c in find_candidates(index)]
