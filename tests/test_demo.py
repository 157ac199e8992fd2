"""The demo network: deterministic, well formed, and holding the stories the analytics look for.

Pure Python: no graph store. Most checks run on three (as_of, seed) cases,
including a leap day, so they hold for the demo in general, not one lucky draw.
The demo is one network whatever the day, shifted: the last section checks that
on days across years, leap days included. (How long a build takes is a benchmark's
business: benchmarks/bench_demo.py.)
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict, deque
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from demo import ANCHOR, INTENDED_INTRODUCTIONS, PUSHES_LUCK_ID, build_demo, intended_introductions
from graph.model import (
    CHANNELS,
    FAVOR_DIRECTIONS,
    FAVOR_STATUSES,
    INTERACTION_KINDS,
    INTRODUCTION_STATUSES,
    normalize_phone,
)

ROOT = Path(__file__).resolve().parents[1]
AS_OF = date(2025, 6, 1)
CASES = [(AS_OF, 7), (date(2024, 2, 29), 1), (date(2026, 1, 15), 42)]
COMPANIES = ("Northwind Analytics", "Bluepeak Health", "Copperline Studios")


@pytest.fixture(scope="module", params=CASES, ids=lambda c: f"{c[0]}-seed{c[1]}")
def case(request):
    as_of, seed = request.param
    return as_of, build_demo(as_of, seed)


def midnight(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, tzinfo=timezone.utc)


def days_ago_by_contact(net, as_of: date) -> dict[str, list[int]]:
    """For each contact, how many days before as_of each of their interactions was."""
    end = midnight(as_of)
    found = defaultdict(list)
    for i in net.interactions:
        for pid in i.participants:
            if pid != "me":
                found[pid].append((end - i.at).days)
    return found


def days_until(b, as_of: date) -> int:
    """Days from as_of to the next time birthday ``b`` comes round (29 February: the 28th in common years)."""
    for year in (as_of.year, as_of.year + 1):
        day = date(year, b.month, b.day if (b.month, b.day) != (2, 29) or year % 4 == 0 else 28)
        if day >= as_of:
            return (day - as_of).days
    raise AssertionError("unreachable")


def knows_pairs(net) -> set[tuple[str, str]]:
    return {(k.a, k.b) for k in net.knows}


def contacts(net):
    return [p for p in net.people if not p.me]


# -- determinism -------------------------------------------------------------------------


def test_same_inputs_same_network():
    assert build_demo(AS_OF, 7) == build_demo(AS_OF, 7)
    assert build_demo(AS_OF, 7) != build_demo(AS_OF, 8)


def test_same_network_in_other_processes():
    """String hashing differs per process; the demo must not depend on it (no set iteration)."""
    code = ("import hashlib, datetime; from demo import build_demo; "
            "print(hashlib.sha256(repr(build_demo(datetime.date(2025, 6, 1), 7)).encode()).hexdigest())")
    here = hashlib.sha256(repr(build_demo(AS_OF, 7)).encode()).hexdigest()
    for hash_seed in ("1", "2"):
        done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                              env={**os.environ, "PYTHONHASHSEED": hash_seed}, check=True)
        assert done.stdout.strip() == here


# -- shape -------------------------------------------------------------------------------


def test_sizes(case):
    _, net = case
    assert 280 <= len(net.people) <= 320
    assert 1500 <= len(net.knows) <= 3000
    assert 4000 <= len(net.interactions) <= 8000
    assert 60 <= len(net.favors) <= 120
    assert 5 <= len(net.introductions) <= 10


def test_exactly_one_owner(case):
    _, net = case
    owners = [p for p in net.people if p.me]
    assert [p.id for p in owners] == ["me"]
    assert owners[0].name == "Alex Morgan"


def test_ids_are_well_formed_and_unique(case):
    _, net = case
    for records, pattern in ((contacts(net), r"p-\d{4}"), (net.interactions, r"i-\d{6}"),
                             (net.favors, r"f-\d{4}"), (net.introductions, r"n-\d{3}")):
        ids = [r.id for r in records]
        assert len(set(ids)) == len(ids)
        assert all(re.fullmatch(pattern, x) for x in ids), pattern
    assert [p.id for p in contacts(net)] == [f"p-{n:04d}" for n in range(1, len(net.people))]


def test_every_referenced_id_exists(case):
    _, net = case
    ids = {p.id for p in net.people}
    referenced = {x for k in net.knows for x in (k.a, k.b)}
    referenced |= {x for i in net.interactions for x in i.participants}
    referenced |= {f.person for f in net.favors}
    referenced |= {x for n in net.introductions for x in (n.a, n.b, n.made_by)}
    referenced |= {r.person for r in (*net.employments, *net.studies, *net.attendances)}
    assert referenced <= ids


def test_knows_is_canonical(case):
    _, net = case
    pairs = [(k.a, k.b) for k in net.knows]
    assert len(set(pairs)) == len(pairs)
    assert all(a < b for a, b in pairs)  # ordered, hence no self-loops either
    assert all("me" not in pair for pair in pairs)  # the owner's ties are interactions
    assert all(k.source == "demo" for k in net.knows)


def test_knows_is_dense_inside_circles_and_sparse_across(case):
    _, net = case
    tags = {p.id: set(p.tags) for p in net.people}
    inside = sum(bool(tags[k.a] & tags[k.b]) for k in net.knows)
    assert inside / len(net.knows) > 0.75
    assert len(net.knows) - inside >= 100  # but circles are not islands


def test_bridges_and_one_small_world(case):
    """Everyone is reachable; SCHEMA.md's family-to-conference chain exists within 6 hops."""
    _, net = case
    assert sum(len(p.tags) >= 2 for p in contacts(net)) >= 5
    neighbours = defaultdict(list)
    for k in net.knows:
        neighbours[k.a].append(k.b)
        neighbours[k.b].append(k.a)
    family = min((p for p in net.people if "family" in p.tags), key=lambda p: p.name)
    hops = {family.id: 0}
    queue = deque([family.id])
    while queue:
        here = queue.popleft()
        for there in neighbours[here]:
            if there not in hops:
                hops[there] = hops[here] + 1
                queue.append(there)
    assert len(hops) >= 0.97 * len(contacts(net))
    conference = min((p for p in net.people if "conference" in p.tags), key=lambda p: p.name)
    assert hops.get(conference.id, 99) <= 6


# -- the people ------------------------------------------------------------------------------


def test_circles_are_recognisable(case):
    _, net = case
    tags = Counter(t for p in contacts(net) for t in p.tags)
    for tag in ("school", "conference", "interviewer", "neighbour", "networking event", "social"):
        assert tags[tag] >= 5, tag
    assert 10 <= tags["family"] <= 15
    for company in COMPANIES:
        staff = {e.person for e in net.employments if e.organization == company and e.person != "me"}
        assert 30 <= len(staff) <= 60, company
    mine = sorted((e for e in net.employments if e.person == "me"), key=lambda e: e.since)
    assert [e.organization for e in mine] == list(COMPANIES)
    assert all(a.until < b.since for a, b in zip(mine, mine[1:]))
    assert any(s.person == "me" for s in net.studies) and len(net.studies) >= 20
    assert {a.event for a in net.attendances if a.person == "me"} >= {a.event for a in net.attendances}
    assert all(p.met_how and p.tags for p in contacts(net))


def test_people_look_real(case):
    _, net = case
    names = [p.name for p in net.people]
    assert len(set(names)) == len(names)
    assert all(p.sources == ["demo"] for p in net.people)
    assert all(p.name == f"{p.given_name} {p.family_name}" for p in net.people)
    emails = [e for p in net.people for e in p.emails]
    assert len(set(emails)) == len(emails)
    assert all(re.fullmatch(r"[a-z0-9.]+@[a-z0-9.-]+\.[a-z]+", e) for e in emails)
    phones = [ph for p in net.people for ph in p.phones]
    assert len(phones) >= 30
    assert all(normalize_phone(ph) == ph for ph in phones)
    people = contacts(net)
    assert sum(bool(p.company) for p in people) > 0.6 * len(people)
    assert sum(bool(p.notes) for p in people) >= 30
    assert 4 <= sum(bool(p.health_notes) for p in people) <= 20
    assert sum(bool(p.children) for p in people) >= 20
    assert all(e.until is None or e.since <= e.until for e in net.employments)


def test_birthdays(case):
    as_of, net = case
    birthdays = [p.birthday for p in net.people if p.birthday]
    assert 0.6 <= len(birthdays) / len(net.people) <= 0.8
    assert 0.15 <= sum(b.year is None for b in birthdays) / len(birthdays) <= 0.35
    assert sum(1 <= days_until(b, as_of) <= 14 for b in birthdays) >= 5


# -- interactions -----------------------------------------------------------------------------


def test_interactions_are_in_the_window_and_include_the_owner(case):
    as_of, net = case
    end = midnight(as_of)
    start = end - timedelta(days=3 * 366)
    for i in net.interactions:
        assert i.at.tzinfo is not None and i.at.utcoffset() == timedelta(0)
        assert start <= i.at < end
        assert i.participants[0] == "me"
        assert 2 <= len(i.participants) <= 6 and len(set(i.participants)) == len(i.participants)
        assert i.channel in CHANNELS and i.kind in INTERACTION_KINDS
        assert i.source == "demo"
    assert [i.at for i in net.interactions] == sorted(i.at for i in net.interactions)


def test_interactions_have_texture(case):
    _, net = case
    kinds = Counter(i.kind for i in net.interactions)
    assert sum(kinds[k] for k in ("catch-up", "message", "meeting")) > 0.7 * len(net.interactions)
    for kind in ("thank-you", "birthday-wishes", "congratulations", "advice-asked", "introduction"):
        assert kinds[kind] >= 5, kind
    assert sum(len(i.participants) >= 3 for i in net.interactions) >= 100  # family dinners, team lunches
    assert 0.3 <= sum(bool(i.summary) for i in net.interactions) / len(net.interactions) <= 0.7


def test_close_core_monthly_ring_and_long_tail(case):
    as_of, net = case
    per_contact = days_ago_by_contact(net, as_of)
    last_year = [sum(d < 365 for d in per_contact[p.id]) for p in contacts(net)]
    assert 10 <= sum(n >= 52 for n in last_year) <= 20      # weekly or more
    assert 40 <= sum(n >= 12 for n in last_year) <= 90      # monthly or more
    assert sum(len(per_contact[p.id]) <= 2 for p in contacts(net)) >= 40  # rarely or once


def test_fading_ties(case):
    """Many interactions a year or two ago, none in the last 120 days."""
    as_of, net = case
    per_contact = days_ago_by_contact(net, as_of)
    fading = [pid for pid, days in per_contact.items()
              if sum(365 <= d < 730 for d in days) >= 8 and min(days) >= 120]
    assert len(fading) >= 15


def test_revived_ties(case):
    """In touch long ago, silent for a year, back in the last 90 days."""
    as_of, net = case
    per_contact = days_ago_by_contact(net, as_of)
    revived = [pid for pid, days in per_contact.items()
               if sum(d < 90 for d in days) >= 2 and not any(90 <= d < 455 for d in days)
               and any(d >= 455 for d in days)]
    assert len(revived) >= 6


def test_job_moves_make_bursts(case):
    """The owner's move to Copperline brings a wave of congratulations."""
    _, net = case
    joined = next(e.since for e in net.employments if e.person == "me" and e.organization == "Copperline Studios")
    wave = [i for i in net.interactions if i.kind == "congratulations"
            and joined <= i.at.date() < joined + timedelta(days=14)]
    assert len(wave) >= 20


# -- favors and introductions --------------------------------------------------------------------


def test_favors_are_valid(case):
    as_of, net = case
    for f in net.favors:
        assert f.direction in FAVOR_DIRECTIONS and f.status in FAVOR_STATUSES
        assert f.at < midnight(as_of) and f.kind and f.note
    assert {f.direction for f in net.favors} == set(FAVOR_DIRECTIONS)
    assert {f.status for f in net.favors} == set(FAVOR_STATUSES)


def test_the_contact_who_keeps_saying_no(case):
    _, net = case
    theirs = [f for f in net.favors if f.person == PUSHES_LUCK_ID]
    assert sum(f.direction == "asked" and f.status == "no" for f in theirs) >= 3
    assert not any(f.status == "yes" for f in theirs)
    others = Counter(f.person for f in net.favors if f.direction == "asked" and f.status != "yes")
    assert others.most_common(1)[0][0] == PUSHES_LUCK_ID


def test_some_received_favors_were_never_thanked(case):
    _, net = case
    thanks = defaultdict(list)
    for i in net.interactions:
        if i.kind == "thank-you":
            for pid in i.participants[1:]:
                thanks[pid].append(i.at)
    received = [f for f in net.favors if f.direction == "received" and f.status == "yes"]
    unthanked = [f for f in received if not any(t >= f.at for t in thanks[f.person])]
    assert 3 <= len(unthanked) <= 0.3 * len(received)


def test_intended_introductions_are_real_opportunities(case):
    _, net = case
    people = {p.id: p for p in net.people}
    pairs = intended_introductions(net)
    assert len(pairs) >= 10 and len(pairs) == len(INTENDED_INTRODUCTIONS)
    assert len({x for pair in pairs for x in pair}) == 2 * len(pairs)  # each person in one pair
    known = knows_pairs(net)
    for (needs, helps), (_, _, topic) in zip(pairs, INTENDED_INTRODUCTIONS):
        assert topic in people[needs].needs and topic in people[helps].skills
        assert (min(needs, helps), max(needs, helps)) not in known
        assert not set(people[needs].tags) & set(people[helps].tags)  # different circles
        assert "me" not in (needs, helps)


def test_past_introductions(case):
    _, net = case
    intros = net.introductions
    assert all(n.made_by == "me" and n.status in INTRODUCTION_STATUSES for n in intros)
    assert sum(n.status == "declined" for n in intros) == 1
    assert [n.outcome for n in intros].count("good") >= 3 and {"bad", "neutral", None} <= {n.outcome for n in intros}
    assert [n.declined_by for n in intros if n.status == "declined"] == ["b"]  # B said no, once A agreed
    assert all(n.asked_a_at < n.a_agreed_at < n.asked_b_at for n in intros)   # double opt-in, in order
    assert all(n.agreed_at < n.made_at for n in intros if n.status == "made")
    intended = {frozenset(pair) for pair in intended_introductions(net)}
    assert not any(frozenset((n.a, n.b)) in intended for n in intros)
    known = knows_pairs(net)
    for n in intros:
        assert ((min(n.a, n.b), max(n.a, n.b)) in known) == (n.status == "made")


# -- the same network whatever the day ------------------------------------------------------

SHIFT_DAYS = (date(2027, 2, 28), date(2028, 2, 29), date(2030, 12, 31), date(2026, 1, 1))


@pytest.fixture(scope="module")
def anchored():
    return build_demo(ANCHOR)


@pytest.fixture(scope="module", params=SHIFT_DAYS, ids=str)
def shifted(request):
    return request.param, build_demo(request.param)


def age(b, as_of: date) -> int:
    return as_of.year - b.year - ((as_of.month, as_of.day) < (b.month, b.day))


def test_the_same_records_whatever_the_day(anchored, shifted):
    _, net = shifted
    for f in dataclasses.fields(net):
        assert len(getattr(net, f.name)) == len(getattr(anchored, f.name)), f.name
    assert [(p.id, p.name, p.tags) for p in net.people] == [(p.id, p.name, p.tags) for p in anchored.people]
    assert knows_pairs(net) == knows_pairs(anchored)
    assert [i.participants for i in net.interactions] == [i.participants for i in anchored.interactions]


def test_marcus_is_as_busy_whatever_the_day(anchored, shifted):
    _, net = shifted
    marcus = next(p for p in net.people if p.id == PUSHES_LUCK_ID)
    assert marcus.name == "Marcus Whitfield"
    count = [sum(PUSHES_LUCK_ID in i.participants for i in n.interactions) for n in (net, anchored)]
    assert count[0] == count[1] > 0


def test_interactions_keep_their_distance_from_as_of(anchored, shifted):
    as_of, net = shifted
    offsets = sorted(i.at - midnight(as_of) for i in net.interactions)
    assert offsets == sorted(i.at - midnight(ANCHOR) for i in anchored.interactions)
    assert offsets[-1] < timedelta(0)  # the last interaction is before as_of
    assert max(f.at for f in net.favors) < midnight(as_of)
    assert max(n.at for n in net.introductions) < midnight(as_of)


def test_every_date_moves_by_the_same_days(anchored, shifted):
    """Each record is its anchor-built self with every date + (as_of - ANCHOR); event names follow their year."""
    as_of, net = shifted
    delta = as_of - ANCHOR
    renames = {}
    for before, after in zip(anchored.attendances, net.attendances):
        name, year = before.event.rsplit(" ", 1)
        assert int(year) == before.at.year and after.event == f"{name} {after.at.year}"
        renames[before.event] = after.event
    assert len({n.rsplit(" ", 1)[0] for n in renames}) == len(renames)  # one year per event: renames cannot chain

    def renamed(text):
        for old, new in renames.items():
            text = text.replace(old, new)
        return text

    kinds = ("knows", "interactions", "favors", "introductions", "employments", "studies", "attendances")
    for kind in ("people", *kinds):
        for before, after in zip(getattr(anchored, kind), getattr(net, kind)):
            for f in dataclasses.fields(before):
                old, new = getattr(before, f.name), getattr(after, f.name)
                if isinstance(old, date):
                    assert new == old + delta, (kind, f.name)
                elif isinstance(old, str):
                    assert new == renamed(old), (kind, f.name)
                elif f.name != "birthday":
                    assert new == old, (kind, f.name)
    events = set(renames.values())
    met_at_events = [p for p in net.people if {"conference", "networking event"} & set(p.tags) and p.id != "me"]
    assert met_at_events and all(p.met_where.split(", ")[0] in events for p in met_at_events
                                 if p.tags[0] in ("conference", "networking event"))


def test_birthdays_keep_their_distance_and_ages(anchored, shifted):
    as_of, net = shifted
    for before, after in zip(anchored.people, net.people):
        if not before.birthday:
            assert after.birthday is None
            continue
        assert (after.birthday.year is None) == (before.birthday.year is None)
        assert days_until(after.birthday, as_of) == days_until(before.birthday, ANCHOR), before.id
        if before.birthday.year:
            assert age(after.birthday, as_of) == age(before.birthday, ANCHOR), before.id
    soon = [p.id for p in net.people if p.birthday and 1 <= days_until(p.birthday, as_of) <= 14]
    assert len(soon) >= 7  # the seven planted, and any that fall there by chance


def test_building_as_of_the_anchor_is_the_plain_build(anchored):
    from demo.build import build_at_anchor

    assert anchored == build_at_anchor(7)
