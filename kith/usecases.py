"""What you can do to your graph as its owner, written once for the CLI and the dashboard.

Each use-case is orchestration only: it asks the store who the owner is, builds
the records (which check themselves: ``graph.model``) and hands them to the
store. No Cypher here, and no printing: the CLI and the dashboard each say the
result, or the ``KithError``, their own way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from graph.edit import EditPlan, PersonEdit
from graph.model import Favor, Interaction, Knows, Person, new_id, normalize_email
from graph.store import PersonDetails, Store
from kith import clock
from kith.errors import InvalidRecord, NoOwner, StoreError

if TYPE_CHECKING:  # pandas is imported where it is used: the CLI starts faster without it
    import pandas as pd

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


# -- inferred ties: who among your contacts know each other ------------------------------------

#: Tags that say where a record came from, not anything two people share.
SOURCE_TAGS = frozenset({"linkedin", "google", "outlook", "vcard", "icalendar", "iphone", "android", "imported",
                         "csv", "mbox", "whatsapp", "telegram", "kith", "my contacts", "starred"})
#: The interactions a tie keeps as its evidence (newest first): `MATCH (i:Interaction) WHERE i.id IN k.interactions`.
TIE_INTERACTIONS = 20


@dataclass
class InferenceResult:
    """What ``refresh_inferred_ties`` did: ties written, and the owner's word kept as it was."""

    inferred: int = 0      # inferred KNOWS in the graph now (confidence >= STORED_FLOOR)
    known: int = 0         # of which at or above KNOWS_THRESHOLD
    confirmed: int = 0     # inferred ties someone confirmed (`kith link`): now stated
    rejected: int = 0      # pairs said not to know each other (`kith unlink`): never inferred
    deleted: int = 0       # inferred ties the refresh replaced

    def sentence(self) -> str:
        from analytics.ties import KNOWS_THRESHOLD

        text = (f"inferred {self.inferred} tie{'s' * (self.inferred != 1)} among your contacts "
                f"({self.known} at ≥ {KNOWS_THRESHOLD:g})")
        kept = [f"{n} you {what}" for n, what in ((self.confirmed, "confirmed"), (self.rejected, "rejected")) if n]
        if kept:
            text += f"; {' and '.join(kept)} {'is' if self.confirmed + self.rejected == 1 else 'are'} kept as you said"
        return text


def pair_evidence(people) -> pd.DataFrame:
    """Evidence from the people themselves (``Projection.people`` without the owner): the same company
    (``same_employer``) and shared tags other than where a record came from (``shared_label``)."""
    import pandas as pd

    rows = []
    by_company: dict[str, list[str]] = {}
    by_tag: dict[str, list[str]] = {}
    for pid, person in people.iterrows():
        company = person.get("company")
        if isinstance(company, str) and company.strip():
            by_company.setdefault(" ".join(company.lower().split()), []).append((pid, company.strip()))
        for tag in person.get("tags") or []:
            if tag and tag.lower() not in SOURCE_TAGS:
                by_tag.setdefault(tag, []).append(pid)
    for members in by_company.values():
        for i, (a, name) in enumerate(members):
            for b, _ in members[i + 1:]:
                rows.append({"a": a, "b": b, "kind": "same_employer", "count": 1, "detail": f"both at {name}"})
    shared: dict[tuple, list[str]] = {}
    for tag, members in sorted(by_tag.items()):
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                shared.setdefault(tuple(sorted((a, b))), []).append(tag)
    for (a, b), tags in shared.items():
        rows.append({"a": a, "b": b, "kind": "shared_label", "count": len(tags),
                     "detail": f"both tagged {', '.join(tags)}"})
    return pd.DataFrame(rows, columns=["a", "b", "kind", "count", "detail"])


def refresh_inferred_ties(store: Store, as_of: datetime | None = None, *, seed: int = 0) -> InferenceResult:
    """Infer who among the owner's contacts know each other and write it as ``KNOWS {source: "inferred"}``.

    Every inferred tie is replaced in one transaction: pairs at or above ``STORED_FLOOR``, never
    with the owner, never where a stated KNOWS exists (the owner's or a file's word wins) and never
    for a pair the owner rejected (``kith unlink``). ``as_of``: only interactions up to then count
    (default: all). Deterministic for a given ``seed``. No owner: nothing is inferred or changed.
    """
    import pandas as pd

    from analytics.inferred_ties import explain, infer_ties, participants_frame
    from analytics.ties import KNOWS_THRESHOLD, STORED_FLOOR
    from graph.projection import load

    P = load(store)
    if P.owner is None:
        return InferenceResult()
    participation = P.participation
    if as_of is not None:
        cut = pd.Timestamp(as_of)
        cut = cut.tz_convert("UTC") if cut.tzinfo else cut.tz_localize("UTC")
        participation = participation[participation["at"] <= cut]
    contacts = P.people.drop(index=[P.owner], errors="ignore")
    stated = {(a, b) for a, b, src in zip(P.knows["a"], P.knows["b"], P.knows["source"]) if src != "inferred"}
    stated |= {(b, a) for a, b in stated}
    blocked = stated | store.rejected_pairs()
    rows: list[dict[str, Any]] = []
    if not participation.empty or len(contacts) > 1:
        ties = infer_ties(participants_frame(participation), P.owner, pair_evidence=pair_evidence(contacts),
                          seed=seed).ties
        if ties.empty:
            ties = pd.DataFrame(columns=["a", "b", "confidence", "evidence_count", "last_seen", "evidence"])
        ties = ties[(ties["confidence"] >= STORED_FLOOR) & (ties["a"] != P.owner) & (ties["b"] != P.owner)]
        ties = ties[pd.Series([(a, b) not in blocked for a, b in zip(ties["a"], ties["b"])], index=ties.index,
                              dtype=bool)]
        behind = _tie_interactions(P, participation, set(zip(ties["a"], ties["b"])))
        for row in ties.itertuples(index=False):
            last = row.last_seen
            rows.append({"a": row.a, "b": row.b, "props": {
                "source": "inferred", "confidence": round(float(row.confidence), 4),
                "evidence_count": int(row.evidence_count),
                "last_seen": None if pd.isna(last) else _utc(pd.Timestamp(last)).to_pydatetime(),
                "evidence": [detail for _, _, detail in row.evidence],
                "why": explain(row), "interactions": behind.get((row.a, row.b), [])}})
    done = store.replace_inferred_ties(rows, threshold=KNOWS_THRESHOLD)
    return InferenceResult(inferred=done["inferred"], known=done["known"], confirmed=done["confirmed"],
                           rejected=done["rejected"], deleted=done["deleted"])


def _utc(t):
    """A timestamp in UTC (the inference hands back naive UTC ones)."""
    return t.tz_localize("UTC") if t.tzinfo is None else t.tz_convert("UTC")


def _tie_interactions(P, participation, pairs: set[tuple]) -> dict[tuple, list[str]]:
    """The newest ``TIE_INTERACTIONS`` interactions each pair was on together (with the owner), by pair."""
    from analytics.inferred_ties import MAX_GROUP

    if not pairs or participation.empty:
        return {}
    owners = set(participation.loc[participation["person"] == P.owner, "interaction"])
    part = participation[participation["interaction"].isin(owners)]
    size = part.groupby("interaction")["person"].transform("size")
    part = part[size <= MAX_GROUP][["interaction", "at", "person"]]
    joined = part.merge(part[["interaction", "person"]].rename(columns={"person": "b"}), on="interaction")
    joined = joined.rename(columns={"person": "a"})
    keys = [(a, b) if str(a) <= str(b) else (b, a) for a, b in zip(joined["a"], joined["b"])]
    joined = joined.assign(key=keys)
    joined = joined[(joined["a"] != joined["b"]).to_numpy() & [k in pairs for k in keys]]
    joined = joined.drop_duplicates(["key", "interaction"]).sort_values(["at", "interaction"], ascending=[False, True])
    return {key: list(g["interaction"].head(TIE_INTERACTIONS)) for key, g in joined.groupby("key", sort=False)}
