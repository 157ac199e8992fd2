"""One person per human: turn a parsed file into Kith records, merged with who is already known.

A pure step between parsing and writing: it reads a snapshot of the people in
the graph (``PeopleIndex``) and a ``ParsedFile``, and returns an ``ImportPlan``
(the records to write and a summary) without touching the database.

Merge rules, strongest first:

1. the same source record seen before (``linkedin:<profile url>`` …): it is that person;
2. a shared email address, or a shared phone number: same person;
3. the same full name *and* the same company or the same work-email domain: same person;
4. the same name alone, or a close one (rapidfuzz ``token_sort_ratio`` ≥ 90), or one that
   differs only by a nickname (Dan/Daniel Smith: ``loaders/nicknames.py``): a new person plus
   a **merge candidate** for the user to confirm (``kith merge``).

Nothing is silently lost. When another source gives a different value for a
field, the first stays and the other is kept as an alternate (``also_title`` …).
When the *same* source changes its own value (a newer export with a new job
title), the person is updated and a ``Change`` is recorded so Kith can
congratulate on it.
"""

from __future__ import annotations

import bisect
import functools
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from rapidfuzz import fuzz, process

from graph.model import Employment, Favor, Interaction, Introduction, Knows, Network, fold
from kith import clock
from loaders.ids import digest, kith_id
from loaders.nicknames import differ_by_nickname, nickname_pairs, split_name
from loaders.records import ME, Contact, LoadError, ParsedFile

SCALARS = ("name", "given_name", "family_name", "nickname", "company", "title", "location", "notes", "birthday",
           "met_how", "met_where", "health_notes", "cadence_days")
LISTS = ("emails", "phones", "urls", "children", "tags", "skills", "interests", "needs", "openers")
# Mail providers say nothing about where someone works.
PERSONAL_DOMAINS = frozenset({
    "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "yahoo.com", "icloud.com",
    "me.com", "mac.com", "proton.me", "protonmail.com", "aol.com", "gmx.com", "gmx.de", "web.de", "mail.com",
    "yandex.ru", "qq.com", "163.com", "hotmail.co.uk", "yahoo.co.uk", "btinternet.com", "fastmail.com",
})
FUZZY_MIN = 90


def work_domains(emails) -> set[str]:
    return {e.rpartition("@")[2] for e in emails if "@" in e} - PERSONAL_DOMAINS


# -- what is already in the graph -----------------------------------------------------


@dataclass
class Known:
    """A person already in the graph, with what each source said about them."""

    props: dict[str, Any]
    source_fields: dict[str, dict[str, Any]] = field(default_factory=dict)  # source key -> fields it gave

    @property
    def id(self) -> str:
        return self.props["id"]


class PeopleIndex:
    """Look-ups from emails, phones, names and source keys to the people already known."""

    def __init__(self, people: list[dict[str, Any]], source_records: list[dict[str, Any]],
                 not_same: list[tuple[str, str]] = ()):
        self.people: dict[str, Known] = {}
        self.by_email: dict[str, str] = {}
        self.by_phone: dict[str, str] = {}
        self.by_name: dict[str, list[str]] = {}
        self.by_source: dict[str, str] = {}
        self.not_same = {frozenset(p) for p in not_same}
        for props in people:
            self.add(Known(dict(props)))
        for r in source_records:
            if r["person"] in self.people:
                self.people[r["person"]].source_fields[r["id"]] = json.loads(r["fields"])
                self.by_source[r["id"]] = r["person"]

    def add(self, known: Known) -> None:
        self.people[known.id] = known
        self.reindex(known)

    def reindex(self, known: Known) -> None:
        p = known.props
        for e in p.get("emails") or []:
            self.by_email.setdefault(e, known.id)
        for ph in p.get("phones") or []:
            self.by_phone.setdefault(ph, known.id)
        ids = self.by_name.setdefault(fold(p["name"]), [])
        if known.id not in ids:
            ids.append(known.id)

    def owner_id(self) -> str | None:
        return next((k.id for k in self.people.values() if k.props.get("me")), None)


# -- the plan ---------------------------------------------------------------------------


@dataclass
class Candidate:
    """Two people who may be one: ``a`` is the one to keep (``kith merge A B``)."""

    a: str
    b: str
    reason: str
    score: float
    evidence: str = ""  # what else they share, for the user to judge ("both at Acme" …)


@dataclass
class ImportPlan:
    path: str
    format: str
    people: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> full props to write
    source_records: list[dict[str, Any]] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)
    network: Network = field(default_factory=Network)  # ties, interactions, favors … (people go in `people`)
    interaction_hashes: dict[str, str] = field(default_factory=dict)
    candidates: list[Candidate] = field(default_factory=list)
    # People, each counted once by the strongest thing that happened to them; except that a person the
    # file created and then took more of its contacts for is counted as created and as merged.
    created: int = 0
    updated: int = 0
    merged: int = 0  # people some contact of this file was merged into (a note says when several were)
    unchanged: int = 0
    merges: list[tuple[str, str, str]] = field(default_factory=list)  # (source key, person id, rule)
    skipped: list[tuple[int, str]] = field(default_factory=list)
    # (line, note): imported, with one of Kith's bounds applied (an event too big for pairwise ties …), or
    # worth a look (several contacts of the file taken for one person)
    notes: list[tuple[int, str]] = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "merged": self.merged,
                "unchanged": self.unchanged, "interactions": len(self.network.interactions),
                "ties": len(self.network.knows), "favors": len(self.network.favors),
                "introductions": len(self.network.introductions), "changes": len(self.changes),
                "merge candidates": len(self.candidates), "skipped": len(self.skipped)}


def _names_agree(a: str, b: str) -> bool:
    """The same person's name, as a file may write it: "Rivera, Sam", "Sam", "Dan"/"Daniel Smith".

    >>> _names_agree("Rivera, Sam", "Sam Rivera"), _names_agree("Sam", "Sam Rivera"), _names_agree("Jo Bloggs", "Sam Rivera")
    (True, True, False)
    """
    ta, tb = set(re.findall(r"\w+", fold(a))), set(re.findall(r"\w+", fold(b)))
    return bool(ta and tb) and (ta <= tb or tb <= ta or differ_by_nickname(fold(a), fold(b)))


def plan_import(parsed: ParsedFile, index: PeopleIndex, *, now: datetime | None = None) -> ImportPlan:
    """Resolve every contact and reference in ``parsed`` against ``index`` (which it updates)."""
    now = now or clock.now()
    plan = ImportPlan(parsed.path, parsed.format, skipped=list(parsed.skipped))
    resolver = _Resolver(parsed, index, plan, now)
    for contact in parsed.contacts:
        resolver.contact(contact)
    resolver.file_owner()
    resolver.activities()
    resolver.ties_favors_introductions()
    resolver.merged_within_file()
    resolver.candidates()
    return plan


class _Resolver:
    def __init__(self, parsed: ParsedFile, index: PeopleIndex, plan: ImportPlan, now: datetime):
        self.parsed, self.index, self.plan, self.now = parsed, index, plan, now
        self.by_contact: dict[str, str] = {}  # contact source_id -> person id
        self.touched: dict[str, str] = {}     # person id -> "created" | "updated" | "merged" | "unchanged"
        # (person id, source) -> (line, name, the rule that matched and on what) of each contact of this file
        # resolved to them (an archive holds several sources, which may well each list one human once)
        self.file_contacts: dict[tuple[str, str], list[tuple[int, str, str]]] = {}
        self.created: list[tuple[str, str]] = []  # (person id, folded name) of each person the file adds

    # -- people ---------------------------------------------------------------------

    def contact(self, c: Contact, *, yours: str | None = None) -> str:
        """Who ``c`` is (found, merged or created), with what it says folded in. ``yours``: ``c`` is the
        file's owner and this person (the graph's owner) is who they are (``file_owner``)."""
        key = f"{c.source}:{c.source_id}"
        fields = _contact_fields(c)
        if yours is not None:
            person_id, rule, evidence = yours, ("source" if key in self.index.by_source else "your own file"), ""
        else:
            person_id, rule, evidence = self._match(c, key, fields)
        if person_id is None:
            person_id = kith_id("p", key)
            known = Known({"id": person_id, "name": c.name, "sources": []})
            self.index.add(known)
            self.created.append((person_id, fold(c.name)))  # merge candidates: `candidates`, once all are known
            how = "created"
        else:
            known = self.index.people[person_id]
            how = "merged" if rule not in ("source", "your own file") else "updated"
            if how == "merged":
                self.plan.merges.append((key, person_id, rule))
        # Who of this file became whom: several contacts taken for one person are said (merged_within_file).
        why = f"{rule} {evidence}".strip() if rule not in ("", "source") else ""
        self.file_contacts.setdefault((person_id, c.source), []).append((c.line, c.name, why))
        said_before = known.source_fields.get(key)
        new_record = key not in self.index.by_source
        changed = self._merge_fields(known, key, fields)
        self.by_contact[c.source_id] = person_id
        if said_before == fields and not changed:
            self._mark(person_id, "unchanged")
            return person_id
        self._mark(person_id, how)
        # ``created``/``person_created``: neither was in the graph the plan was made against (what
        # Store.apply_import writes with CREATE rather than MERGE).
        self.plan.source_records.append({"id": key, "person": person_id, "source": c.source,
                                         "file": self.parsed.path, "line": c.line, "at": self.now,
                                         "fields": json.dumps(fields, sort_keys=True, ensure_ascii=False),
                                         "created": new_record, "person_created": how == "created"})
        if c.company:
            self.plan.network.employments.append(Employment(person_id, c.company, c.title))
        return person_id

    def _match(self, c: Contact, key: str, fields: dict) -> tuple[str | None, str, str]:
        """Who ``c`` is among the people known: (person id or None, the rule, the value it matched on)."""
        ix = self.index
        if key in ix.by_source:
            return ix.by_source[key], "source", ""
        for e in c.emails:
            if e in ix.by_email:
                return ix.by_email[e], "same email", e
        for ph in c.phones:
            if ph in ix.by_phone:
                return ix.by_phone[ph], "same phone", ph
        company = fold(c.company) if c.company else None
        domains = work_domains(c.emails)
        for pid in ix.by_name.get(fold(c.name), []):
            other = ix.people[pid].props
            if company and other.get("company") and fold(other["company"]) == company:
                return pid, "same name and company", other["company"]
            if shared := domains & work_domains(other.get("emails") or []):
                return pid, "same name and email domain", ", ".join(sorted(shared))
        return None, "", ""

    def candidates(self) -> None:
        """Merge candidates for the people this file created: a name match alone is never merged, it becomes
        a question for the user.

        Each new person is compared with everyone known before them (the graph, then the file's earlier
        rows), never the owner (you are not a duplicate of a contact, and `merge --list` agrees): the same
        folded name, a close one (``token_sort_ratio`` ≥ FUZZY_MIN; the best five names) or one that
        differs by a nickname. Where several earlier people share a name, the latest of them is named.
        All new names are scored against all names at once (``rapidfuzz.process.cdist``, in C on every
        core), so a file of thousands costs about a second rather than a pass over the graph per row.
        """
        created = [(pid, key) for pid, key in self.created if telling_name(key)]
        if not created:
            return
        ix = self.index
        owner = ix.owner_id()
        position = {pid: n for n, pid in enumerate(ix.people)}
        # Each name: the people who bear it, in the order they became known (its first one orders ties).
        bearers: dict[str, list[int]] = {}
        ids: list[str] = []
        for pid, known in ix.people.items():
            ids.append(pid)
            if pid != owner:
                bearers.setdefault(fold(known.props["name"]), []).append(position[pid])
        names = list(bearers)
        by_rest: dict[str, list[tuple[str, str]]] = {}  # family part -> (name, given name) bearing it
        for other in names:
            given, rest = split_name(other)
            by_rest.setdefault(rest, []).append((other, given))
        close = _close_names(sorted({key for _, key in created}), names)

        @functools.cache
        def nickname_of(given: str, other: str) -> bool:  # two folded given names (differ_by_nickname's rule)
            return given != other and differ_by_nickname(f"{given} x", f"{other} x")

        def latest_before(other: str, at: int) -> str | None:
            """The last person named ``other`` who was known before position ``at``."""
            found = bisect.bisect_left(bearers[other], at)
            return ids[bearers[other][found - 1]] if found else None

        for person_id, key in created:
            at = position[person_id]
            similar = []
            for other, score in close.get(key, ()):
                other_id = latest_before(other, at)
                if other_id is not None:
                    similar.append((-score, bearers[other][0], other, other_id, score))
            for _, _, other, other_id, score in sorted(similar)[:5]:
                if frozenset((person_id, other_id)) in ix.not_same:
                    continue
                reason = "same name" if other == key else "similar name"
                self.plan.candidates.append(Candidate(other_id, person_id, reason, round(score, 1)))
            given, rest = split_name(key)
            for other, other_given in by_rest.get(rest, ()) if rest else ():
                if not nickname_of(given, other_given):
                    continue
                other_id = latest_before(other, at)
                if other_id is not None and frozenset((person_id, other_id)) not in ix.not_same:
                    score = round(fuzz.token_sort_ratio(key, other), 1)
                    self.plan.candidates.append(Candidate(other_id, person_id, "nickname", score))

    def merged_within_file(self) -> None:
        """Several contacts of one source in this file taken for one person: counted as merged, and said.

        That is seldom right (an address book rarely lists one human twice) and often a value several
        people share (a switchboard number, a placeholder phone): the user should see it. A person the
        file both created and merged others into counts as created and as merged. (Contacts of
        different sources in one archive, a Takeout's contacts and its calendar, are expected to meet.)
        """
        counted = set()
        for (person_id, _), contacts in self.file_contacts.items():
            if len(contacts) < 2:
                continue
            if self.touched.get(person_id) == "created" and person_id not in counted:
                counted.add(person_id)
                self.plan.merged += 1
            names = list(dict.fromkeys(name for _, name, _ in contacts))
            why = "; ".join(dict.fromkeys(w for _, _, w in contacts if w))
            shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
            lines = ", ".join(str(line) for line, _, _ in contacts[:10]) + (", …" if len(contacts) > 10 else "")
            self.plan.notes.append((contacts[0][0], f"{len(contacts)} contacts of this file were taken for one "
                                                    f"person ({person_id}: {shown}): {why or 'one person since an earlier import'} "
                                                    f"(lines {lines}); check them with `kith person show {person_id}`"))

    def _merge_fields(self, known: Known, key: str, fields: dict) -> bool:
        """Fold one source's fields into a person. Returns True if anything changed."""
        p = known.props
        before = dict(p)  # every change below puts a new value in place: a shallow copy tells them
        previous = known.source_fields.get(key, {})
        for f in SCALARS:
            new, cur, prev = fields.get(f), p.get(f), previous.get(f)
            if new is None or new == cur:
                continue
            if cur is None:
                p[f] = new
            elif prev is not None and prev == cur:
                p[f] = new  # the source itself moved on: a change worth congratulating
                self.plan.changes.append({"id": kith_id("c", f"{known.id}:{f}:{prev}:{new}"),
                                          "person": known.id, "field": f, "old": prev, "new": new,
                                          "source": key, "at": self.now})
            elif prev != new and new not in (p.get(f"also_{f}") or []):
                p[f"also_{f}"] = [*(p.get(f"also_{f}") or []), new]
        for f in LISTS:
            extra = [v for v in fields.get(f, []) if v not in (p.get(f) or [])]
            if extra:
                p[f] = [*(p.get(f) or []), *extra]
        connected = fields.get("connected_on")  # ISO dates: the earliest any source gave is when you connected
        if connected and (not p.get("connected_on") or connected < p["connected_on"]):
            p["connected_on"] = connected
        source = key.split(":", 1)[0]
        if source not in (p.get("sources") or []):
            p["sources"] = [*(p.get("sources") or []), source]
        known.source_fields[key] = fields
        self.index.by_source[key] = known.id
        self.index.reindex(known)
        changed = p != before
        if changed:
            self.plan.people[known.id] = p
        return changed

    def _mark(self, person_id: str, how: str) -> None:
        """Count each person once per file, by the strongest thing that happened to them."""
        rank = ("unchanged", "updated", "merged", "created")
        old = self.touched.get(person_id)
        if old is not None and rank.index(old) >= rank.index(how):
            return
        if old is not None:
            setattr(self.plan, old, getattr(self.plan, old) - 1)
        self.touched[person_id] = how
        setattr(self.plan, how, getattr(self.plan, how) + 1)

    def file_owner(self) -> None:
        """The file's owner (the account it was exported from), in a graph that already has one.

        It is you when it shares an address or phone with you, or when it bears your name and none of
        its addresses is someone else's in the graph: then what it says of you (addresses, phones,
        skills, position) joins you, so that the next file knows you by them (a calendar would
        otherwise make you a contact of your own). Otherwise it is said, not guessed: the export may
        be someone else's.
        """
        c, owner = self.parsed.owner, self.index.owner_id()
        if c is None or owner is None or not (c.emails or c.phones):
            return  # no address nor phone: nothing the next file could know you by
        you = self.index.people[owner].props
        mine = set(you.get("emails") or []) | set(you.get("phones") or [])
        theirs = [*c.emails, *c.phones]
        whose = f"{c.name}'s ({', '.join(theirs)})" if c.name else f"{', '.join(theirs)}'s"
        shares = bool(mine & set(theirs))
        if not shares:
            others = {self.index.by_email.get(a) or self.index.by_phone.get(a) for a in theirs} - {None, owner}
            if others:
                who = ", ".join(sorted(f"{self.index.people[o].props.get('name')} ({o})" for o in others))
                self.plan.notes.append((c.line, f"this file is {whose}: that is {who} in your graph, not you; "
                                                f"if that is you, `kith me --person {sorted(others)[0]}` makes it so"))
                return
            if not _names_agree(c.name or "", you.get("name") or ""):
                # The one command that says it is you: an address for `kith me`, a phone for `kith person set`.
                fix = (f"`kith me --email {c.emails[0]}`" if c.emails else
                       f"`kith person set {owner} --phone {c.phones[0]}`")
                self.plan.notes.append((c.line, f"this file is {whose}, not yours by name or address: nothing of "
                                                f"its profile was added to you ({fix} if it is yours)"))
                return
        self.contact(c, yours=owner)
        added = [a for a in theirs if a not in mine]
        if added:
            why = "it shares an address with you" if shares else "it bears your name"
            self.plan.notes.append((c.line, f"{', '.join(added)}: now yours too (this file is yours: {why}); "
                                            "`kith me` shows them"))

    def _owner_from_file(self) -> str | None:
        """Make the person the file says is you the owner (a graph without one learns it here)."""
        if self.parsed.owner is None:
            return None
        person_id = self.contact(self.parsed.owner)
        known = self.index.people[person_id]
        known.props["me"] = True
        self.plan.people[person_id] = known.props
        return person_id

    # -- references -------------------------------------------------------------------------

    def ref(self, ref: str, line: int) -> str:
        """A Ref from the file to a person id, creating a bare person for an unknown address."""
        kind, _, value = ref.partition(":")
        if ref == ME:
            owner = self.index.owner_id() or self._owner_from_file()
            if owner is None:
                raise LoadError(self.parsed.path, line, "this file refers to you, but Kith does not know who you "
                                "are yet: run `kith me --name \"Your Name\" --email you@example.com` first")
            return owner
        if kind == "contact":
            if value not in self.by_contact:
                raise LoadError(self.parsed.path, line, f"refers to contact {value!r}, which the file does not define")
            return self.by_contact[value]
        if kind == "email" and value in self.index.by_email:
            return self.index.by_email[value]
        if kind == "phone" and value in self.index.by_phone:
            return self.index.by_phone[value]
        if kind == "name":
            ids = self.index.by_name.get(fold(value), [])
            if len(ids) == 1:
                return ids[0]
        if kind not in ("email", "phone", "name") or not value:
            raise LoadError(self.parsed.path, line, f"cannot tell who {ref!r} is")
        name = value.split("@")[0].replace(".", " ").title() if kind == "email" else value
        bare = Contact(source=f"{self.parsed.format}-ref", source_id=f"{kind}:{value.lower()}", line=line, name=name,
                       emails=[value] if kind == "email" else [], phones=[value] if kind == "phone" else [])
        return self.contact(bare)

    def activities(self) -> None:
        if not self.parsed.activities:
            return  # a file of contacts only: not even the analytics' module to load
        from graph.projection import PAIRWISE_GROUP_MAX  # the analytics' bound, said at import

        for a in self.parsed.activities:
            participants = sorted({self.ref(r, a.line) for r in a.participants})
            if len(participants) < 2:
                self.plan.skipped.append((a.line, "an interaction needs at least two people"))
                continue
            if len(participants) > PAIRWISE_GROUP_MAX:
                what = f"{a.kind} {a.summary!r}" if a.summary else a.kind
                self.plan.notes.append((a.line, f"{what} has {len(participants):,} people; pairwise ties are taken "
                                                f"only from groups of ≤ {PAIRWISE_GROUP_MAX}: it counts as your "
                                                "contact with each of them, not as ties between them"))
            iid = kith_id("i", f"{a.source}:{a.source_id}")
            initiated = self.ref(a.initiated_by, a.line) if a.initiated_by else None
            interaction = Interaction(iid, a.at, participants, channel=a.channel, kind=a.kind,
                                      summary=a.summary, source=a.source, initiated_by=initiated)
            self.plan.network.interactions.append(interaction)
            self.plan.interaction_hashes[iid] = _hash(interaction)
        self.plan.notes = list(dict.fromkeys(self.plan.notes))  # a recurring event's note once

    def ties_favors_introductions(self) -> None:
        n = self.plan.network
        for t in self.parsed.ties:
            a, b = self.ref(t.a, t.line), self.ref(t.b, t.line)
            if a != b:
                n.knows.append(Knows(a, b, since=t.since, context=t.context, source=self.parsed.format))
        for f in self.parsed.favors:
            n.favors.append(Favor(kith_id("f", f"{self.parsed.format}:{f.source_id}"), f.at,
                                  self.ref(f.person, f.line), f.direction, f.kind, f.status, f.note))
        for i in self.parsed.introductions:
            n.introductions.append(Introduction(kith_id("n", f"{self.parsed.format}:{i.source_id}"), i.at,
                                                self.ref(i.a, i.line), self.ref(i.b, i.line),
                                                self.ref(i.made_by, i.line), i.status, i.outcome, i.note))


# -- merge candidates over the whole graph -------------------------------------------------

CANDIDATE_BLOCK = 2_000  # names compared per cdist call: bounds memory at BLOCK x people scores


def telling_name(key: str) -> bool:
    """Whether a folded name can say two records are one human.

    Not "CollegeMsg 123" or initials: at least two words of letters (hyphens and
    apostrophes allowed: "Jean-Luc O'Neill") and four letters in all.
    """
    words = [t for t in key.split() if t.replace("-", "").replace("'", "").isalpha()]
    return len(words) >= 2 and sum(ch.isalpha() for ch in key) >= 4


def find_candidates(index: PeopleIndex) -> list[Candidate]:
    """Every pair of people who may be one human, by name: the same folded name, a close one, or a nickname.

    The owner, names that say nothing and pairs the user said are different people
    are left out. Best score first, then by ids. ``rapidfuzz.process.cdist`` scores
    all pairs in C on every core: 5,000 people take under a second.
    """
    owner = index.owner_id()
    people = sorted((fold(k.props.get("name") or ""), k.id) for k in index.people.values() if k.id != owner)
    people = [(key, pid) for key, pid in people if telling_name(key)]
    keys = [key for key, _ in people]
    found, seen = [], set()
    for i, j, score in _close_pairs(keys):
        (key_a, a), (key_b, b) = people[i], people[j]
        seen.add((i, j))
        if frozenset((a, b)) in index.not_same:
            continue
        keep, drop = _keep_first(index.people[a], index.people[b])
        found.append(Candidate(keep.id, drop.id, "same name" if key_a == key_b else "similar name",
                               round(float(score), 1), _evidence(keep.props, drop.props)))
    for i, j in nickname_pairs(keys):  # Dan Smith ~ Daniel Smith: too far apart for the fuzzy score
        (key_a, a), (key_b, b) = people[i], people[j]
        if (i, j) in seen or frozenset((a, b)) in index.not_same:
            continue
        keep, drop = _keep_first(index.people[a], index.people[b])
        found.append(Candidate(keep.id, drop.id, "nickname", round(float(fuzz.token_sort_ratio(key_a, key_b)), 1),
                               _evidence(keep.props, drop.props)))
    found.sort(key=lambda c: (-c.score, c.a, c.b))
    return found


def _close_pairs(keys: list[str]):
    """(i, j, score) for i < j whose names score at least FUZZY_MIN, block by block (upper triangle only)."""
    import numpy as np  # rapidfuzz's cdist answers in numpy; only this path needs it

    for start in range(0, len(keys), CANDIDATE_BLOCK):
        rows = keys[start:start + CANDIDATE_BLOCK]
        scores = process.cdist(rows, keys[start:], scorer=fuzz.token_sort_ratio, score_cutoff=FUZZY_MIN,
                               workers=-1)
        scores = np.triu(scores, k=1)  # column c is keys[start + c]: keep c > row, once per pair
        for r, c in zip(*np.nonzero(scores)):
            yield start + int(r), start + int(c), scores[r, c]


def _close_names(keys: list[str], names: list[str]) -> dict[str, list[tuple[str, float]]]:
    """Each of ``keys`` -> the ``names`` whose ``token_sort_ratio`` with it is at least FUZZY_MIN, with the score.

    ``token_sort_ratio`` is ``ratio`` of the names with their words sorted: they are sorted once here
    rather than in every comparison. ``cdist`` scores block by block as small integers (a bound on
    memory); the few pairs near the cut-off or over it are scored again exactly, so the answer is
    ``fuzz.token_sort_ratio``'s own.
    """
    import numpy as np  # rapidfuzz's cdist answers in numpy; only this path needs it

    found: dict[str, list[tuple[str, float]]] = {}
    if not keys or not names:
        return found
    sorted_names = [" ".join(sorted(n.split())) for n in names]
    for start in range(0, len(keys), CANDIDATE_BLOCK):
        rows = keys[start:start + CANDIDATE_BLOCK]
        scores = process.cdist([" ".join(sorted(k.split())) for k in rows], sorted_names, scorer=fuzz.ratio,
                               score_cutoff=FUZZY_MIN - 1, dtype=np.uint8, workers=-1)
        for r, c in zip(*np.nonzero(scores)):
            key, other = rows[int(r)], names[int(c)]
            score = fuzz.token_sort_ratio(key, other)
            if score >= FUZZY_MIN:
                found.setdefault(key, []).append((other, score))
    return found


def _keep_first(x: Known, y: Known) -> tuple[Known, Known]:
    """The fuller record first (more properties, then more sources), ties by id: it is the one to keep."""

    def weight(k: Known):
        filled = sum(1 for v in k.props.values() if v not in (None, "", []))
        return (-filled, -len(k.props.get("sources") or []), k.id)
    return (x, y) if weight(x) <= weight(y) else (y, x)


def _evidence(a: dict[str, Any], b: dict[str, Any]) -> str:
    """What else two records share, in a few words (empty when only the name does)."""
    said = []
    emails = sorted(set(a.get("emails") or []) & set(b.get("emails") or []))
    if emails:
        said.append("same email " + ", ".join(emails))
    phones = sorted(set(a.get("phones") or []) & set(b.get("phones") or []))
    if phones:
        said.append("same phone " + ", ".join(phones))
    if a.get("company") and b.get("company") and fold(a["company"]) == fold(b["company"]):
        said.append(f"both at {a['company']}")
    domains = sorted(work_domains(a.get("emails") or []) & work_domains(b.get("emails") or []))
    if domains and not emails:
        said.append("email at " + ", ".join(domains))
    if a.get("birthday") and a.get("birthday") == b.get("birthday"):
        said.append(f"same birthday {a['birthday']}")
    sources_a, sources_b = set(a.get("sources") or []), set(b.get("sources") or [])
    if sources_a and sources_b and sources_a.isdisjoint(sources_b):
        said.append("from different sources")  # one source rarely lists a person twice
    return "; ".join(said)


def _contact_fields(c: Contact) -> dict[str, Any]:
    """What this source says about the person, as plain JSON-able values."""
    fields: dict[str, Any] = {f: getattr(c, f) for f in SCALARS if f != "birthday" and getattr(c, f)}
    if c.birthday:
        fields["birthday"] = str(c.birthday)
    if c.connected_on:
        fields["connected_on"] = c.connected_on.isoformat()
        if not c.met_how:
            fields["met_how"] = f"connected on {c.source} {c.connected_on.isoformat()}"
    for f in LISTS:
        values = getattr(c, f)
        if values:
            fields[f] = list(dict.fromkeys(values))
    return fields


def _hash(i: Interaction) -> str:
    """What an interaction says, digested: re-importing it unchanged is told apart from an edit."""
    return digest(repr((i.at.isoformat(), i.participants, i.channel, i.kind, i.summary, i.initiated_by)))
