"""The demo network: about 300 believable contacts around one owner, built from a seed.

``build_demo(as_of, seed)`` is what a new user sees in the dashboard and what the
analytics are tried on, so it has the texture of a real address book:

* circles, each with a how-met tag: ex-colleagues from three companies the owner
  worked at in turn, university friends, family, neighbours, social friends, a
  conference crowd, people from networking events and interviewers;
* KNOWS edges, dense inside circles and sparse across them, with a few people
  who bridge two circles;
* three years of interactions with a rhythm per tie (a close core, a monthly
  ring, many occasional ties, a long tail) and bursts around events (job moves,
  trips, conferences, birthdays); some ties fade, some revive;
* favors, past introductions, birthdays (some soon), skills, interests, needs.

Some facts are planted for the analytics to find and for tests to check:
``INTENDED_INTRODUCTIONS`` (a need in one circle, the matching skill in another,
and the two have never met), ``PUSHES_LUCK_ID`` (asked four times, never a yes),
the fading ties (``_Builder.assign_trajectories``) and a few received favors
that were never thanked.

The build reads nothing but the seed: it always runs as of ``ANCHOR``, one
``random.Random(seed)`` makes every choice, and no set is ever iterated (string
hashing differs between processes), so the output is the same everywhere.
``build_demo(as_of, seed)`` then moves every date by ``as_of - ANCHOR`` days
(``demo/shift.py``), so the network is the same, shifted, whatever the day.

Reading order: ``build_demo``, then the ``_Builder`` steps in the order
``build_at_anchor`` calls them. The tables (who is in the demo) are in
``demo/tables.py``.
"""

from __future__ import annotations

import math
import random
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, timezone
from typing import NamedTuple

from demo.shift import shift_network
from demo.tables import (
    AREAS,
    BRIDGES,
    CAFES,
    CAREERS,
    CHILD_NAMES,
    CIRCLES,
    COMPANY_DOMAINS,
    COMPANY_KEYS,
    CONFERENCES,
    CORE,
    DEGREES,
    EPISODES_PER_YEAR,
    FADING,
    FAVOR_COUNT,
    FAVOR_KINDS,
    FAVOR_STATUS_WEIGHTS,
    FEATURED,
    FEATURED_IDS,
    FOLLOW_UP_CHANCE,
    GENERIC_TOPICS,
    GROUP_RHYTHMS,
    HEALTH_NOTES,
    HISTORY_DAYS,
    INTENDED_INTRODUCTIONS,
    INTENDED_KEYS,
    INTERESTS,
    INTERVIEW_ROUNDS,
    INTERVIEW_STAGES,
    INTERVIEWER_TITLES,
    INTRO_PLAN,
    LATER_JOBS,
    LOCATIONS,
    LUCK_ASKS,
    NAME_POOLS,
    NANP_AREA_CODES,
    NEEDS,
    NETWORKING_EVENTS,
    NOTE_TEMPLATES,
    OCCASIONAL,
    OWNER_AGE,
    OWNER_CAREER,
    OWNER_FAMILY,
    OWNER_GIVEN,
    OWNER_ID,
    OWNER_MOVED_IN_MONTHS,
    OWNER_NAME,
    OWNER_TITLE_NOW,
    PERSONAL_DOMAINS,
    PROJECTS,
    PUSHES_LUCK_ID,
    REVIVED,
    SCHOOL,
    SCHOOL_GROUPS,
    SKILLS,
    SOCIAL_GROUPS,
    STAY_CHANCE,
    STREET,
    SUMMARIES,
    TIER_WEIGHT,
    TITLES,
    TRIPS,
    UK_PLACES,
    UNTHANKED,
    Circle,
)
from graph.model import (
    Attendance,
    Birthday,
    Employment,
    Favor,
    Interaction,
    Introduction,
    Knows,
    Network,
    Person,
    Study,
)

# =============================================================================
# The entry points
# =============================================================================

# The day the demo is built as of. Calendar arithmetic ("six months ago", "the
# 1st of the month", birthdays) gives a different network on different days, so
# the build always runs as of this fixed day and the result is then moved, every
# date by the same number of days, to the day asked for.
ANCHOR = date(2026, 12, 2)


def build_demo(as_of: date, seed: int = 7) -> Network:
    """The demo network as of ``as_of`` (history ends the day before): same inputs, same output.

    For any ``as_of`` it is the network built as of ``ANCHOR``, shifted by ``as_of - ANCHOR``
    days (``demo.shift``): the same people, ties and counts whatever the day.
    """
    return shift_network(build_at_anchor(seed), ANCHOR, as_of)


def build_at_anchor(seed: int = 7) -> Network:
    """The demo network as of ``ANCHOR``, before any shift."""
    b = _Builder(ANCHOR, seed)
    b.add_owner()
    b.add_featured()
    b.add_generated()
    b.assign_tiers()
    b.assign_trajectories()
    b.move_some_birthdays_close()
    b.add_knows()
    b.add_introductions()
    b.add_rhythm()
    b.add_group_rhythms()
    b.add_life_events()
    b.add_favors()
    return b.network()


def intended_introductions(network: Network) -> list[tuple[str, str]]:
    """The planted (needs help, can help) pairs present in ``network``."""
    ids = {p.id for p in network.people}
    return [(a, b) for a, b, _ in INTENDED_INTRODUCTIONS if a in ids and b in ids]


# =============================================================================
# Helpers
# =============================================================================


def _months_ago(as_of: date, months: int) -> date:
    """The first day of the month ``months`` before as_of's month."""
    y, m = divmod(as_of.year * 12 + as_of.month - 1 - months, 12)
    return date(y, m + 1, 1)


def _opted_in(n: Introduction) -> Introduction:
    """The double opt-in steps before ``n.at`` (when it was made, or declined by B): asked A a week
    before, A agreed the next day, B asked the day after and (if made) agreed two days later.
    """
    first = n.at - timedelta(days=7)
    steps = {"at": first, "asked_a_at": first, "a_agreed_at": first + timedelta(days=1),
             "asked_b_at": first + timedelta(days=2)}
    if n.status == "made":
        steps.update(agreed_at=first + timedelta(days=4), made_at=n.at,
                     outcome_at=n.at + timedelta(days=30) if n.outcome else None)
    else:
        steps.update(declined_at=n.at)
    return replace(n, **steps)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.utc)


def _ascii(text: str) -> str:
    """'Yılmaz' -> 'yilmaz': for email addresses."""
    text = text.translate(str.maketrans({"ı": "i", "ł": "l", "ø": "o", "ß": "ss", "æ": "ae"}))
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "".join(ch for ch in folded if ch.isalpha())


def _poisson(rng: random.Random, lam: float) -> int:
    """Knuth's method; fine for the small rates used here."""
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def _pick(rng: random.Random, weighted) -> object:
    """One value from ((value, weight), ...)."""
    values, weights = zip(*weighted)
    return rng.choices(values, weights=weights)[0]


def _weighted_sample(rng: random.Random, items: list, weights: list[float], k: int) -> list:
    """k distinct items, heavier ones likelier (Efraimidis-Spirakis keys)."""
    keyed = sorted(((rng.random() ** (1 / w), i) for i, w in enumerate(weights)), reverse=True)
    return [items[i] for _, i in keyed[:k]]


class _Draft(NamedTuple):
    """An interaction before filtering and numbering."""

    at: datetime
    people: tuple[str, ...]  # contacts; the owner is added at the end
    channel: str
    kind: str
    summary: str | None


@dataclass
class _Contact:
    """What the builder knows about a contact beyond their Person record."""

    person: Person
    circles: list[str]                # primary circle first, then a bridge circle
    age: int
    group: int = 0                    # team, flat, event or interview round within the primary circle
    featured: str | None = None       # key in FEATURED
    tier: str = "rare"
    trajectory: str = "steady"        # steady | fading | revived
    met: date | None = None           # no interaction before this day (set once the circles are placed)
    silent_from: date | None = None   # fading: no interaction from this day on
    gap: tuple[date, date] | None = None  # revived: silent between these days
    joined: dict[str, date | None] = field(default_factory=dict)  # per circle, for KNOWS.since
    jobs: list[Employment] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.person.id

    @property
    def circle(self) -> str:
        return self.circles[0]

    def active(self, day: date) -> bool:
        """Can the owner and this contact be in touch on ``day``?"""
        if self.met is None or day < self.met or (self.silent_from and day >= self.silent_from):
            return False
        return not (self.gap and self.gap[0] <= day < self.gap[1])

    def employer(self, day: date) -> str | None:
        for job in self.jobs:
            if job.since <= day and (job.until is None or day <= job.until):
                return job.organization
        return None


# =============================================================================
# The builder: one method per step of build_demo, in call order
# =============================================================================


class _Builder:
    def __init__(self, as_of: date, seed: int) -> None:
        self.as_of, self.seed = as_of, seed
        self.rng = random.Random(seed)
        self.start = as_of - timedelta(days=HISTORY_DAYS)
        self.people: list[Person] = []
        self.contacts: dict[str, _Contact] = {}
        self.used_names: list[str] = []
        self.used_emails: dict[str, None] = {}
        self.employments: list[Employment] = []
        self.studies: list[Study] = []
        self.attendances: list[Attendance] = []
        self.knows: dict[tuple[str, str], Knows] = {}
        self.forbidden = {tuple(sorted((a, b))) for a, b, _ in INTENDED_INTRODUCTIONS}
        self.drafts: list[_Draft] = []
        self.favors: list[Favor] = []
        self.introductions: list[Introduction] = []
        # Fictional phone ranges: UK drama numbers (07700 900xxx) and North American 555-01xx.
        self.uk_numbers = self.rng.sample(range(100, 1000), 900)
        self.nanp_numbers = self.rng.sample(range(100), 100)
        self.owner_jobs = [
            Employment(OWNER_ID, org, title, _months_ago(as_of, since), _months_ago(as_of, until) - timedelta(days=1))
            for org, title, since, until in OWNER_CAREER.values()
        ]

    # -- dates -------------------------------------------------------------------

    def months_ago(self, months: int) -> date:
        return _months_ago(self.as_of, months)

    def random_day(self, lo: date, hi: date) -> date:
        """A day in [lo, hi)."""
        return lo + timedelta(days=self.rng.randrange(max(1, (hi - lo).days)))

    def event_day(self, months: int) -> date:
        return self.months_ago(months) + timedelta(days=11)

    def owner_employer(self, day: date) -> str | None:
        return next((j.organization for j in self.owner_jobs if j.since <= day <= j.until), None)

    def works_with_owner(self, c: _Contact, day: date) -> bool:
        org = self.owner_employer(day)
        return org is not None and c.employer(day) == org

    # -- step 1: people ------------------------------------------------------------

    def add_owner(self) -> None:
        doy = date(2001, 1, 1) + timedelta(days=72)  # 14 March
        owner = Person(
            id=OWNER_ID, name=OWNER_NAME, given_name=OWNER_GIVEN, family_name=OWNER_FAMILY,
            emails=["alex.morgan@fastmail.com", "alex@morgan-data.co.uk"], phones=["+447700900001"],
            birthday=Birthday(doy.month, doy.day, self.as_of.year - OWNER_AGE), title=OWNER_TITLE_NOW,
            location="Hackney, London", sources=["demo"], me=True,
            skills=["python", "data science", "sql", "mentoring"],
            interests=["climbing", "jazz", "sourdough", "cycling"],
            notes="Independent data consultant since leaving Copperline Studios.",
        )
        self.people.append(owner)
        self.used_names.append(OWNER_NAME)
        self.employments.extend(self.owner_jobs)
        self.studies.append(Study(OWNER_ID, SCHOOL, "BSc Mathematics", date(self.as_of.year - 17, 9, 20),
                                  date(self.as_of.year - 14, 6, 30)))
        for name, place, months in (*CONFERENCES, *NETWORKING_EVENTS):
            day = self.event_day(months)
            self.attendances.append(Attendance(OWNER_ID, f"{name} {day.year}", day, place))

    def add_featured(self) -> None:
        for f in FEATURED:
            c = self.new_contact(f.given, f.family, f.circle, f.age, group=f.group, featured=f.key)
            p = c.person
            p.location, p.skills, p.interests, p.needs = f.location, list(f.skills), list(f.interests), list(f.needs)
            p.children, p.notes, p.health_notes = list(f.children), f.notes, f.health
            if f.circle in COMPANY_KEYS:
                stays = f.company == OWNER_CAREER[f.circle][0]
                self.add_career(c, [f.circle], stays, (f.company, f.title), f.title if stays else f.past_title)
            else:
                self.add_job(c, f.company, f.title, self.rng.randint(38, 100))
            self.finish_contact(c, birthday_chance=1.0 if f.circle == "family" else 0.8)

    def add_generated(self) -> None:
        featured_per_circle = {k: sum(f.circle == k for f in FEATURED) for k in CIRCLES}
        bridges = list(BRIDGES)
        for circle in CIRCLES.values():
            for slot in range(circle.size - featured_per_circle[circle.key]):
                extra = next((b for b in bridges if b[0] == circle.key), None)
                if extra:
                    bridges.remove(extra)
                self.add_generated_person(circle, slot + featured_per_circle[circle.key], extra and extra[1])

    def add_generated_person(self, circle: Circle, slot: int, second: str | None) -> None:
        rng = self.rng
        given, family = self.new_name()
        age = rng.randint(*circle.ages)
        if second == "school":
            age = OWNER_AGE + rng.choice((-1, 0, 1))
        c = self.new_contact(given, family, circle.key, age, group=slot % circle.groups, second=second)
        p = c.person
        p.location = _pick(rng, LOCATIONS[circle.key])
        p.skills = rng.sample(SKILLS[circle.key], rng.randint(1, 3))
        if second in SKILLS:
            p.skills.append(rng.choice([s for s in SKILLS[second] if s not in p.skills]))
        p.interests = rng.sample(INTERESTS, rng.randint(1, 3))
        if rng.random() < 0.25:
            p.needs = [rng.choice(NEEDS)]
        if age >= 32 and rng.random() < 0.4:
            p.children = rng.sample(CHILD_NAMES, rng.choice((1, 1, 2, 2, 3)))
        stints = [k for k in COMPANY_KEYS if k in c.circles]
        if stints:
            must_leave = circle.key not in COMPANY_KEYS  # their present job is their own circle's kind
            later = rng.choice(CAREERS[circle.key]) if must_leave else None
            self.add_career(c, stints, False if must_leave else None, later, None)
        else:
            company, title = rng.choice(CAREERS[circle.key]) if circle.key in CAREERS else (None, None)
            since = rng.randint(2, 120)
            if circle.key == "interviewer":  # already there when they interviewed the owner
                company, months = INTERVIEW_ROUNDS[c.group]
                title, since = rng.choice(INTERVIEWER_TITLES), rng.randint(months + 2, months + 80)
            self.add_job(c, company, title, since)
        if rng.random() < 0.3:
            p.notes = self.note_for(c)
        if rng.random() < 0.025:
            p.health_notes = rng.choice(HEALTH_NOTES)
        self.finish_contact(c, birthday_chance=0.68)

    def new_name(self) -> tuple[str, str]:
        while True:
            _, givens, families = _pick(self.rng, [(pool, pool[0]) for pool in NAME_POOLS])
            given, family = self.rng.choice(givens.split()), self.rng.choice(families.split())
            if f"{given} {family}" not in self.used_names:
                return given, family

    def new_contact(self, given: str, family: str, circle: str, age: int, *, group: int = 0,
                    featured: str | None = None, second: str | None = None) -> _Contact:
        pid = f"p-{len(self.people):04d}"  # people[0] is the owner, so the first contact is p-0001
        name = f"{given} {family}"
        self.used_names.append(name)
        person = Person(id=pid, name=name, given_name=given, family_name=family, sources=["demo"])
        c = _Contact(person, [circle] + ([second] if second else []), age, group, featured)
        self.people.append(person)
        self.contacts[pid] = c
        self.place_in_circles(c)
        return c

    def place_in_circles(self, c: _Contact) -> None:
        """Tags, how-met, event attendance, studies, and when they met the owner."""
        p, rng = c.person, self.rng
        met_dates = []
        for key in c.circles:
            circle = CIRCLES[key]
            if circle.tag not in p.tags:
                p.tags.append(circle.tag)
            joined = met = None
            if key == "family":
                met = self.as_of - timedelta(days=365 * 40)
            elif key == "school":
                start_year = self.as_of.year - c.age + 18
                joined = met = date(start_year, 9, 20)
                self.studies.append(Study(c.id, SCHOOL, rng.choice(DEGREES), joined, date(start_year + 3, 6, 30)))
            elif key == "neighbour":
                joined = self.months_ago(rng.randint(1, 240))
                met = max(joined, self.months_ago(OWNER_MOVED_IN_MONTHS))
            elif key == "social":
                joined = met = self.months_ago(rng.randint(24, 144))
            elif key in ("conference", "networking"):
                joined = met = self.attend_events(c, key)
            elif key == "interviewer":
                company, months = INTERVIEW_ROUNDS[c.group]
                met = self.event_day(months) + timedelta(days=rng.randint(0, 12))
            c.joined[key] = joined
            if met:
                met_dates.append(met)
        c.met = min(met_dates, default=None)  # colleagues: add_career sets it from the overlap
        self.set_met_where(c)

    def attend_events(self, c: _Contact, key: str) -> date:
        """Attendance at the conference(s) or networking event of their group; returns the first."""
        events = CONFERENCES if key == "conference" else NETWORKING_EVENTS
        # Conference group 2 went to both conferences.
        chosen = [events[c.group]] if c.group < len(events) else list(events)
        days = []
        for name, place, months in chosen:
            day = self.event_day(months)
            self.attendances.append(Attendance(c.id, f"{name} {day.year}", day, place))
            days.append(day)
        return min(days)

    def set_met_where(self, c: _Contact) -> None:
        p, circle = c.person, CIRCLES[c.circle]
        p.met_how, p.met_where = circle.met_how, circle.met_where
        if c.circle == "social":
            p.met_how, p.met_where = SOCIAL_GROUPS[c.group % len(SOCIAL_GROUPS)]
        elif c.circle == "school":
            p.met_how = f"university ({SCHOOL_GROUPS[c.group % len(SCHOOL_GROUPS)]})"
        elif c.circle in ("conference", "networking"):
            first = min((a for a in self.attendances if a.person == c.id), key=lambda a: a.at)
            p.met_where = f"{first.event}, {first.location}"
        elif c.circle == "interviewer":
            p.met_where = f"interview at {INTERVIEW_ROUNDS[c.group][0]}"

    def add_career(self, c: _Contact, stints: list[str], stays: bool | None,
                   later_job: tuple[str | None, str] | None, title_here: str | None) -> None:
        """Jobs at the owner's companies in ``stints`` (in order) and, if they left, the job after.

        Every stint overlaps the owner's time there by at least four months, which
        is what makes them an ex-colleague.
        """
        rng = self.rng
        starts = []
        for i, key in enumerate(stints):
            _, _, o_since, o_until = OWNER_CAREER[key]
            latest = o_until + 4
            earliest = o_since + 36 if i == 0 else o_since - 1  # a later stint follows the owner there
            starts.append(rng.randint(latest, earliest))
        ends: list[int | None] = starts[1:]  # moved straight on to the next company
        _, _, o_since, _ = OWNER_CAREER[stints[-1]]
        if stays is None:
            stays = rng.random() < STAY_CHANCE[stints[-1]]
        left = None
        if not stays:
            latest_leave = min(starts[-1], o_since) - 4  # at least four months alongside the owner
            left = rng.randint(3, latest_leave) if latest_leave >= 3 else None
        ends.append(left)
        for i, (key, start, end) in enumerate(zip(stints, starts, ends)):
            org = OWNER_CAREER[key][0]
            title = title_here if (title_here and i == len(stints) - 1) else rng.choice(TITLES[key])
            self.add_job(c, org, title, start, end)
            owner_since = self.months_ago(OWNER_CAREER[key][2])
            overlap_from = max(owner_since, self.months_ago(start))
            c.met = min(overlap_from, c.met or overlap_from)
            c.joined[key] = self.months_ago(start)
        if left is not None:
            company, title = later_job or rng.choice(LATER_JOBS)
            self.add_job(c, company, title, max(0, left - rng.randint(0, 2)))

    def add_job(self, c: _Contact, company: str | None, title: str | None, since: int,
                until: int | None = None) -> None:
        """An Employment (months ago); a job with no until is their current one."""
        if until is None:
            c.person.company, c.person.title = company, title
        if company is None:
            return
        job = Employment(c.id, company, title, self.months_ago(since),
                         None if until is None else self.months_ago(until) - timedelta(days=1))
        self.employments.append(job)
        c.jobs.append(job)

    def finish_contact(self, c: _Contact, birthday_chance: float) -> None:
        """Birthday, emails and phone, once the job and place are known."""
        p, rng = c.person, self.rng
        if rng.random() < birthday_chance:
            day = date(2001, 1, 1) + timedelta(days=rng.randrange(365))
            not_yet = (day.month, day.day) > (self.as_of.month, self.as_of.day)
            year = self.as_of.year - c.age - not_yet
            hide_year = c.circle != "family" and rng.random() < 0.25  # people often know only the day
            p.birthday = Birthday(day.month, day.day, None if hide_year else year)
        if c.age >= 16:
            p.emails = self.emails_for(p)
        if c.age >= 16 and rng.random() < 0.4:
            phone = self.phone_for(p.location)
            if phone:
                p.phones = [phone]

    def emails_for(self, p: Person) -> list[str]:
        rng = self.rng
        g, f = _ascii(p.given_name), _ascii(p.family_name)
        emails = []
        if p.company in COMPANY_DOMAINS and rng.random() < 0.8:
            emails.append(f"{g}.{f}@{COMPANY_DOMAINS[p.company]}")
        if rng.random() < 0.85 or not emails:
            local = rng.choice((f"{g}.{f}", f"{g}{f}", f"{g[0]}{f}", f"{g}.{f}{rng.randint(1, 99)}"))
            emails.append(f"{local}@{rng.choice(PERSONAL_DOMAINS)}")
        emails = [e for e in emails if e not in self.used_emails]
        self.used_emails.update(dict.fromkeys(emails))
        return emails

    def phone_for(self, location: str | None) -> str | None:
        city = (location or "").split(", ")[-1]
        if city in NANP_AREA_CODES and self.nanp_numbers:
            return f"+1{NANP_AREA_CODES[city]}55501{self.nanp_numbers.pop():02d}"
        if city in UK_PLACES and self.uk_numbers:
            return f"+447700900{self.uk_numbers.pop():03d}"
        return None  # abroad: email only

    def note_for(self, c: _Contact) -> str:
        p = c.person
        template = self.rng.choice([t for t in NOTE_TEMPLATES if "{children}" not in t or p.children])
        return template.format(met_where=p.met_where or "work", interest=p.interests[0], skill=p.skills[0],
                               city=(p.location or "London").split(", ")[-1], children=", ".join(p.children))

    # -- step 2: how close each tie is, and how it changes -----------------------

    def assign_tiers(self) -> None:
        """Featured people have a set tier; the rest fill each circle's CORE, then OCCASIONAL by warmth."""
        tier_of = {f.key: f.tier for f in FEATURED}
        for c in self.contacts.values():
            if c.featured:
                c.tier = tier_of[c.featured]
        unset = []
        for key, (close, monthly) in CORE.items():
            members = [c for c in self.contacts.values() if c.circle == key]
            taken = {t: sum(c.tier == t for c in members if c.featured) for t in ("close", "monthly")}
            free = [c for c in members if not c.featured]
            self.rng.shuffle(free)
            n_close, n_monthly = max(0, close - taken["close"]), max(0, monthly - taken["monthly"])
            for c in free[:n_close]:
                c.tier = "close"
            for c in free[n_close:n_close + n_monthly]:
                c.tier = "monthly"
            unset += free[n_close + n_monthly:]
        unset.sort(key=lambda c: CIRCLES[c.circle].warmth + self.rng.random() * 0.7, reverse=True)
        n_occasional = OCCASIONAL - sum(c.tier == "occasional" for c in self.contacts.values() if c.featured)
        for c in unset[:n_occasional]:
            c.tier = "occasional"

    def assign_trajectories(self) -> None:
        """Fading ties (strong 1-2 years ago, silent for 4+ months) and revived ones."""
        rng = self.rng
        protected = {"helena", "david", "claire"} | {k for pair in INTENDED_KEYS for k in pair[:2]} | {"marcus"}
        long_known = [c for c in self.contacts.values()
                      if c.met < self.as_of - timedelta(days=800) and c.featured not in protected]
        copperline_left = self.owner_jobs[2].until
        for tier, n in FADING.items():
            pool = [c for c in long_known if c.tier == tier and c.circle != "family"]
            for c in rng.sample(pool, min(n, len(pool))):
                c.trajectory = "fading"
                if any(j.organization == "Copperline Studios" for j in c.jobs):
                    # Ex-Copperline colleagues went quiet when the owner left.
                    c.silent_from = copperline_left + timedelta(days=rng.randint(0, 20))
                else:
                    c.silent_from = self.as_of - timedelta(days=rng.randint(135, 330))
        pool = [c for c in long_known if c.tier in ("monthly", "occasional") and c.trajectory == "steady"
                and c.circle != "family"]
        for c in rng.sample(pool, REVIVED):
            c.trajectory = "revived"
            went_quiet = self.as_of - timedelta(days=rng.randint(540, 700))
            c.gap = (went_quiet, self.as_of - timedelta(days=rng.randint(25, 75)))

    def move_some_birthdays_close(self) -> None:
        """Put seven birthdays in the 14 days after as_of, so "birthdays soon" has content."""
        rng = self.rng
        pool = [c for c in self.contacts.values() if c.person.birthday and c.tier != "rare"]
        for c, offset in zip(rng.sample(pool, 7), rng.sample(range(1, 15), 7)):
            day, year = self.as_of + timedelta(days=offset), c.person.birthday.year
            if (day.month, day.day) == (2, 29) and year and year % 4:
                year = None  # 29 February needs a leap year
            c.person.birthday = Birthday(day.month, day.day, year)

    # -- step 3: who knows whom ------------------------------------------------------

    def add_knows(self) -> None:
        for circle in CIRCLES.values():
            members = [c for c in self.contacts.values() if circle.key in c.circles]
            self.link_circle(circle, members)
        self.link_across_circles(300)
        self.link_family_to_friends()
        self.link_loners()

    def link(self, a: str, b: str, since: date | None, context: str | None) -> bool:
        key = (a, b) if a < b else (b, a)
        if a == b or key in self.knows or key in self.forbidden or OWNER_ID in key:
            return False
        self.knows[key] = Knows(key[0], key[1], since, context, "demo")
        return True

    def link_circle(self, circle: Circle, members: list[_Contact]) -> None:
        """Dense inside sub-groups (teams, flats), thinner across the circle."""
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                same_group = self.group_in(a, circle.key) == self.group_in(b, circle.key)
                if self.rng.random() < (circle.p_in if same_group else circle.p_out):
                    self.link(a.id, b.id, self.since(a, b, circle.key), self.circle_context(circle, a))

    def circle_context(self, circle: Circle, a: _Contact) -> str:
        """What a KNOWS edge inside a circle says about how the two know each other."""
        if circle.key in COMPANY_KEYS:
            return f"colleagues at {circle.met_where}"
        if circle.key == "interviewer":
            return f"colleagues at {INTERVIEW_ROUNDS[a.group][0]}"
        return {"family": "family", "school": SCHOOL, "neighbour": f"neighbours on {STREET}", "social": "friends",
                "conference": "met at a conference", "networking": "met at a networking event"}[circle.key]

    def group_in(self, c: _Contact, circle: str) -> int:
        """Bridges join their second circle's sub-groups by id, so they spread evenly."""
        return c.group if c.circle == circle else int(c.id[2:]) % CIRCLES[circle].groups

    def since(self, a: _Contact, b: _Contact, circle: str) -> date | None:
        ja, jb = a.joined.get(circle), b.joined.get(circle)
        return max(ja, jb) if ja and jb else None

    def adults(self) -> list[_Contact]:
        return [c for c in self.contacts.values() if c.age >= 18]

    def link_across_circles(self, n: int) -> None:
        """Sparse random ties across circles: friends of friends, ex-colleagues' partners."""
        adults, made = self.adults(), 0
        while made < n:
            a, b = self.rng.sample(adults, 2)
            if a.circle != b.circle:
                made += self.link(a.id, b.id, None, "mutual friends")

    def link_family_to_friends(self) -> None:
        """The owner's sister and parents know a few of the owner's closest friends."""
        close_friends = [c for c in self.contacts.values()
                         if c.circle in ("school", "social") and c.tier in ("close", "monthly")]
        for key in ("claire", "helena", "david"):
            for friend in self.rng.sample(close_friends, 2):
                self.link(FEATURED_IDS[key], friend.id, None, f"friends of {OWNER_GIVEN}'s")

    def link_loners(self) -> None:
        """Everyone knows at least one other contact in their circle (no one floats alone)."""
        degree = dict.fromkeys(self.contacts, 0)
        for a, b in self.knows:
            degree[a] += 1
            degree[b] += 1
        for c in self.contacts.values():
            if degree[c.id] == 0:
                peers = [o for o in self.contacts.values() if o.circle == c.circle and o is not c]
                for other in self.rng.sample(peers, len(peers)):
                    if self.link(c.id, other.id, self.since(c, other, c.circle),
                                 self.circle_context(CIRCLES[c.circle], c)):
                        break

    # -- step 4: introductions the owner made -------------------------------------------

    def add_introductions(self) -> None:
        """Past introductions between two contacts from different circles who did not know each other."""
        rng = self.rng
        used: list[str] = []
        for n, (months, status, declined_by, outcome, note) in enumerate(INTRO_PLAN, start=1):
            day = self.months_ago(months) + timedelta(days=rng.randint(0, 20))
            pool = [c for c in self.adults() if not c.featured and c.tier in ("monthly", "occasional")
                    and c.active(day) and c.active(day + timedelta(days=30)) and c.id not in used]
            a, b = self.strangers(pool)
            used += [a.id, b.id]
            at = _at(day, rng.randint(8, 18), rng.randrange(60))
            text = note.format(a=a.person.given_name, b=b.person.given_name)
            self.introductions.append(_opted_in(Introduction(
                f"n-{n:03d}", at, a.id, b.id, OWNER_ID, status, outcome, text, declined_by=declined_by)))
            if status == "made":
                self.link(a.id, b.id, day, f"introduced by {OWNER_NAME}")
                self.draft(at, (a.id, b.id), "email", "introduction",
                           f"Introduced {a.person.given_name} and {b.person.given_name}")
            else:
                self.draft(at, (b.id,), "message", "message",
                           f"Asked {b.person.given_name} to meet {a.person.given_name}; not now")

    def strangers(self, pool: list[_Contact]) -> tuple[_Contact, _Contact]:
        """Two people from different circles who do not know each other (the pool is large: a few tries do)."""
        for _ in range(1000):
            a, b = self.rng.sample(pool, 2)
            if a.circle != b.circle and (min(a.id, b.id), max(a.id, b.id)) not in self.knows:
                return a, b
        raise RuntimeError("no two strangers to introduce")

    # -- step 5: interactions ------------------------------------------------------------

    def draft(self, at: datetime, people: tuple[str, ...], channel: str, kind: str, summary: str | None) -> None:
        self.drafts.append(_Draft(at, people, channel, kind, summary))

    def add_rhythm(self) -> None:
        """Each tie's own rhythm: weekly draws of conversation episodes at the tie's rate."""
        for c in self.contacts.values():
            if c.tier == "rare":
                if self.rng.random() < 0.6:  # the long tail: one contact in three years, if that
                    self.episode(c, self.random_day(max(self.start, c.met), self.as_of))
                continue
            per_week = EPISODES_PER_YEAR[c.tier] / 52
            week = self.start
            while week < self.as_of:
                for _ in range(_poisson(self.rng, per_week * self.intensity(c, week + timedelta(days=3)))):
                    self.episode(c, week + timedelta(days=self.rng.randrange(7)))
                week += timedelta(days=7)

    def intensity(self, c: _Contact, day: date) -> float:
        """How much more (or less) than usual the owner and ``c`` talk around ``day``."""
        if not c.active(day):
            return 0.0
        factor = 1.0
        if c.trajectory == "fading":
            factor *= 1.3  # they were frequent before going quiet
        if c.gap and 0 <= (day - c.gap[1]).days < 60:
            factor *= 3.0  # the rush of a revived tie
        if 0 <= (day - c.met).days < 30:
            factor *= 3.0  # getting to know someone new
        if self.works_with_owner(c, day):
            factor *= 1.5
        return factor

    def episode(self, c: _Contact, day: date) -> None:
        """One conversation and a few follow-up messages over the next days (bursts)."""
        rng = self.rng
        working = self.works_with_owner(c, day)
        if working:
            kind = _pick(rng, (("meeting", 45), ("message", 35), ("catch-up", 20)))
        else:
            kind = _pick(rng, (("catch-up", 46), ("message", 45), ("advice-asked", 3),
                               ("opportunity-shared", 3), ("invitation", 3)))
        channel = self.channel_for(c, kind)
        at = self.time_on(day, channel)
        self.draft(at, (c.id,), channel, kind, self.summary(c, kind, channel, day))
        while rng.random() < FOLLOW_UP_CHANCE[c.tier]:
            at += timedelta(hours=rng.randint(2, 60))
            if at.hour < 7:  # nobody replies at 3am: move it to the morning
                at = at.replace(hour=rng.randint(7, 9))
            self.draft(at, (c.id,), rng.choice(("message", "message", "email")), "message",
                       None if rng.random() < 0.85 else "Follow-up: " + self.topic(c, at.date()))

    def channel_for(self, c: _Contact, kind: str) -> str:
        rng, local = self.rng, "London" in (c.person.location or "")
        if kind == "catch-up":
            return "in-person" if local and rng.random() < 0.6 else rng.choice(("call", "call", "video"))
        if kind == "meeting":
            return "in-person" if local and rng.random() < 0.55 else "video"
        if c.circle in COMPANY_KEYS or kind == "opportunity-shared":
            return _pick(rng, (("message", 5), ("email", 4), ("social", 1)))
        return _pick(rng, (("message", 7), ("email", 1), ("social", 2)))

    def time_on(self, day: date, channel: str) -> datetime:
        """A plausible UTC time: in person at lunch or evening, messages whenever awake."""
        rng = self.rng
        if channel == "in-person":
            return _at(day, rng.choice((12, 13, 18, 19, 19, 20)), rng.choice((0, 15, 30, 45)))
        return _at(day, rng.randint(7, 22), rng.randrange(60))

    def topic(self, c: _Contact, day: date) -> str:
        p = c.person
        options = [*p.interests, *p.needs, *self.rng.sample(GENERIC_TOPICS, 2)]
        if p.company:
            options.append(f"work at {p.company}")
        if p.children:
            options += ["the kids", f"{p.children[0]}'s new school"]
        recent = [j for j in c.jobs if j.until is None and 0 <= (day - j.since).days < 120]
        if recent:
            options += [f"the new role at {recent[0].organization}"] * 3
        return self.rng.choice(options)

    def summary(self, c: _Contact, kind: str, channel: str, day: date) -> str | None:
        """A short human note for about half the conversations."""
        rng = self.rng
        if rng.random() < 0.5 and kind not in ("advice-asked", "opportunity-shared", "invitation"):
            return None
        key = kind if kind != "catch-up" else ("catch-up/in-person" if channel == "in-person" else "catch-up/remote")
        org = self.owner_employer(day)
        org_key = next((k for k, v in OWNER_CAREER.items() if v[0] == org), "copperline")
        return rng.choice(SUMMARIES[key]).format(
            topic=self.topic(c, day), cafe=rng.choice(CAFES), area=rng.choice(AREAS),
            interest=rng.choice(c.person.interests or ["data"]), project=rng.choice(PROJECTS[org_key]),
            skill=rng.choice(c.person.skills or ["work"]))

    def add_group_rhythms(self) -> None:
        """Family lunches, climbing nights, team lunches: 3-6 people including the owner."""
        rng = self.rng
        for circle, every, kind, summaries in GROUP_RHYTHMS:
            members = [c for c in self.contacts.values() if circle in c.circles and c.tier != "rare"]
            day = self.start + timedelta(days=rng.randrange(every))
            while day < self.as_of:
                at_work = circle in COMPANY_KEYS
                here = [c for c in members if c.active(day) and (not at_work or self.works_with_owner(c, day))]
                if len(here) >= 2:
                    chosen = _weighted_sample(rng, here, [TIER_WEIGHT[c.tier] for c in here],
                                              rng.randint(2, min(5, len(here))))
                    self.draft(self.time_on(day, "in-person"), tuple(c.id for c in chosen), "in-person", kind,
                               rng.choice(summaries))
                day += timedelta(days=max(1, round(every * rng.uniform(0.7, 1.3))))

    def add_life_events(self) -> None:
        self.add_birthday_wishes()
        self.add_job_change_congratulations()
        self.add_owner_moves()
        self.add_christmases()
        self.add_trips()
        self.add_events_met_at()
        self.add_interviews()
        self.add_revivals()
        self.add_condolences()

    def yearly(self, month: int, day: int) -> list[date]:
        """Each date with this month and day inside the history window (28 Feb in other years)."""
        found = []
        for year in range(self.start.year, self.as_of.year + 1):
            d = date(year, month, day if (month, day) != (2, 29) or year % 4 == 0 else 28)
            if self.start <= d < self.as_of:
                found.append(d)
        return found

    def add_birthday_wishes(self) -> None:
        rng = self.rng
        chance = {"close": 0.95, "monthly": 0.7, "occasional": 0.25, "rare": 0.0}
        for c in self.contacts.values():
            if not c.person.birthday:
                continue
            for day in self.yearly(c.person.birthday.month, c.person.birthday.day):
                if rng.random() < chance[c.tier]:
                    channel = rng.choice(("call", "message", "message", "social")) if c.tier == "close" \
                        else rng.choice(("message", "social"))
                    self.draft(_at(day, rng.randint(8, 20), rng.randrange(60)), (c.id,), channel, "birthday-wishes",
                               rng.choice(("Happy birthday!", "Birthday call", "Sent birthday wishes", None)))
        # ... and the owner's own birthday: most of the close core, some of the monthly ring.
        owner_bday = self.people[0].birthday
        for day in self.yearly(owner_bday.month, owner_bday.day):
            for c in self.contacts.values():
                if c.tier in ("close", "monthly") and rng.random() < (0.8 if c.tier == "close" else 0.3):
                    self.draft(_at(day, rng.randint(8, 21), rng.randrange(60)), (c.id,),
                               rng.choice(("message", "call", "social")), "birthday-wishes", "Wished me happy birthday")

    def add_job_change_congratulations(self) -> None:
        """A contact starts a new job: congratulations within days, a catch-up a few weeks later."""
        rng = self.rng
        chance = {"close": 1.0, "monthly": 0.9, "occasional": 0.7, "rare": 0.35}
        for c in self.contacts.values():
            for job in c.jobs:
                if job.since < self.start or rng.random() > chance[c.tier] or self.works_with_owner(c, job.since):
                    continue
                day = job.since + timedelta(days=rng.randint(0, 8))
                self.draft(_at(day, rng.randint(8, 21), rng.randrange(60)), (c.id,),
                           _pick(rng, (("social", 5), ("message", 4), ("email", 2))), "congratulations",
                           f"Congrats on the new role at {job.organization}")
                if c.tier in ("close", "monthly"):
                    later = day + timedelta(days=rng.randint(14, 40))
                    self.draft(self.time_on(later, "in-person"), (c.id,), "in-person", "catch-up",
                               f"Lunch to hear about the first weeks at {job.organization}")

    def add_owner_moves(self) -> None:
        """The owner's own job moves in the window: leaving drinks, then a wave of congratulations."""
        rng = self.rng
        chance = {"close": 0.9, "monthly": 0.7, "occasional": 0.3, "rare": 0.05}
        moves = ((self.owner_jobs[1], "Congrats on the move to Copperline Studios"),
                 (self.owner_jobs[2], "Congrats on going independent"))
        for old_job, message in moves:
            last_day = old_job.until
            team = [c for c in self.contacts.values() if self.works_with_owner(c, last_day) and c.tier != "rare"]
            if len(team) >= 2:
                chosen = _weighted_sample(rng, team, [TIER_WEIGHT[c.tier] for c in team], min(5, len(team)))
                self.draft(_at(last_day - timedelta(days=1), 18, 30), tuple(c.id for c in chosen), "in-person",
                           "catch-up", f"My leaving drinks at {old_job.organization}")
            for c in self.contacts.values():
                if rng.random() < chance[c.tier] and not self.works_with_owner(c, last_day):
                    day = last_day + timedelta(days=rng.randint(1, 10))
                    self.draft(_at(day, rng.randint(8, 21), rng.randrange(60)), (c.id,),
                               _pick(rng, (("social", 5), ("message", 4), ("email", 1))), "congratulations", message)

    def add_christmases(self) -> None:
        """A big family lunch every year: on 25 December as of ANCHOR, so the text names no holiday
        (build_demo moves every date, and Christmas with it)."""
        family = [c for c in self.contacts.values() if c.circle == "family" and c.tier != "rare"]
        for day in self.yearly(12, 25):
            chosen = _weighted_sample(self.rng, family, [TIER_WEIGHT[c.tier] for c in family], 5)
            self.draft(_at(day, 13, 0), tuple(c.id for c in chosen), "in-person", "catch-up",
                       "The whole family's yearly lunch in Guildford")

    def add_trips(self) -> None:
        """On a trip the owner messages contacts who live there beforehand and meets them."""
        rng = self.rng
        for city, months, length in TRIPS:
            first = self.months_ago(months) + timedelta(days=9)
            here = [c for c in self.contacts.values() if city in (c.person.location or "") and c.tier != "rare"]
            for c in here:
                if rng.random() < 0.7:
                    before = first - timedelta(days=rng.randint(5, 20))
                    self.draft(self.time_on(before, "message"), (c.id,), "message", "message",
                               f"Planning to meet up while I'm in {city}")
                if rng.random() < 0.85:
                    day = first + timedelta(days=rng.randrange(length))
                    self.draft(self.time_on(day, "in-person"), (c.id,), "in-person", "catch-up",
                               f"Dinner in {city}: {self.topic(c, day)}")
            family_here = [c for c in here if c.circle == "family"]
            if len(family_here) >= 2:
                self.draft(_at(first + timedelta(days=1), 13, 0), tuple(c.id for c in family_here[:5]), "in-person",
                           "catch-up", f"Family lunch at Tia Lúcia's in {city}")

    def add_events_met_at(self) -> None:
        """Conferences and mixers: chats on the day, a dinner, follow-up emails after."""
        rng = self.rng
        for name, _, months in (*CONFERENCES, *NETWORKING_EVENTS):
            day = self.event_day(months)
            event = f"{name} {day.year}"
            attendees = [self.contacts[a.person] for a in self.attendances
                         if a.event == event and a.person != OWNER_ID]
            for c in attendees:
                self.draft(_at(day, rng.randint(9, 17), rng.randrange(60)), (c.id,), "event", "catch-up",
                           f"Met at {name}: talked about {self.topic(c, day)}")
                if rng.random() < 0.6:
                    later = day + timedelta(days=rng.randint(2, 14))
                    kind = rng.choice(("message", "message", "opportunity-shared"))
                    self.draft(self.time_on(later, "email"), (c.id,), "email", kind,
                               rng.choice((f"Followed up after {name}", "Sent the slides from my talk",
                                           "Shared a paper we discussed")))
            if len(attendees) >= 3:
                chosen = rng.sample(attendees, min(5, len(attendees)))
                self.draft(_at(day, 19, 30), tuple(c.id for c in chosen), "event", "catch-up",
                           f"Dinner with the {name} crowd")

    def add_interviews(self) -> None:
        rng = self.rng
        for c in self.contacts.values():
            if c.circle != "interviewer":
                continue
            company = INTERVIEW_ROUNDS[c.group][0]
            self.draft(_at(c.met, rng.randint(9, 16), rng.choice((0, 30))), (c.id,),
                       rng.choice(("video", "in-person")), "meeting",
                       f"Interview at {company}: {rng.choice(INTERVIEW_STAGES)} with {c.person.given_name}")
            self.draft(_at(c.met + timedelta(days=1), rng.randint(8, 11), rng.randrange(60)), (c.id,), "email",
                       "thank-you", f"Thank-you note after the {company} interview")

    def add_revivals(self) -> None:
        """A revived tie: a last chat before the silence, then a message out of the blue and a proper catch-up."""
        rng = self.rng
        for c in self.contacts.values():
            if not c.gap:
                continue
            quiet, back = c.gap
            before = quiet - timedelta(days=rng.randint(10, 60))
            self.draft(self.time_on(before, "call"), (c.id,), "call", "catch-up", None)
            self.draft(self.time_on(back, "message"), (c.id,), "message", "catch-up",
                       f"Back in touch after a quiet year: {self.topic(c, back)}")
            meet = back + timedelta(days=rng.randint(5, 20))
            self.draft(self.time_on(meet, "in-person"), (c.id,), "in-person", "catch-up",
                       f"Coffee at {rng.choice(CAFES)} to catch up properly")

    def add_condolences(self) -> None:
        rng = self.rng
        pool = [c for c in self.contacts.values() if c.tier in ("close", "monthly") and c.circle != "family"]
        for c, text in zip(rng.sample(pool, 2), ("Condolences: their father died", "Card after their gran's funeral")):
            day = self.random_day(max(self.start, c.met), self.as_of)
            if c.active(day):
                self.draft(self.time_on(day, "letter"), (c.id,), "letter", "condolences", text)

    # -- step 6: favors -------------------------------------------------------------------

    def add_favors(self) -> None:
        """Favors given, received and asked, each with the conversation around it."""
        rng = self.rng
        drafts = self.luck_asks()
        pool = [c for c in self.contacts.values() if c.id != PUSHES_LUCK_ID and c.age >= 18]
        weights = [TIER_WEIGHT[c.tier] for c in pool]
        while len(drafts) < FAVOR_COUNT:
            c = rng.choices(pool, weights=weights)[0]
            day = self.favor_day(c)
            if day is None:
                continue
            direction = _pick(rng, (("given", 40), ("received", 33), ("asked", 27)))
            kind = rng.choice(FAVOR_KINDS[CIRCLES[c.circle].tag])
            status = _pick(rng, FAVOR_STATUS_WEIGHTS[direction])
            at = _at(day, rng.randint(8, 21), rng.randrange(60))
            drafts.append(Favor("", at, c.id, direction, kind, status, self.favor_note(c, kind)))
        drafts.sort(key=lambda f: f.at)
        unthanked = self.pick_unthanked(drafts)
        for n, f in enumerate(drafts, start=1):
            f.id = f"f-{n:04d}"
            self.favor_conversations(f, thank=n - 1 not in unthanked)
        self.favors = drafts

    def luck_asks(self) -> list[Favor]:
        """The contact the owner keeps asking: three no's and a silence."""
        favors = []
        for months, kind, status, note in LUCK_ASKS:
            at = _at(self.months_ago(months) + timedelta(days=6), 10, 15)
            favors.append(Favor("", at, PUSHES_LUCK_ID, "asked", kind, status, note))
        return favors

    def favor_day(self, c: _Contact) -> date | None:
        """A day when the tie is active and still active a week later (for the thank-you)."""
        for _ in range(20):
            day = self.random_day(max(self.start, c.met), self.as_of - timedelta(days=7))
            if c.active(day) and c.active(day + timedelta(days=7)):
                return day
        return None

    def favor_note(self, c: _Contact, kind: str) -> str:
        p = c.person
        notes = {
            "referral": f"Referral for a role at {p.company or 'their company'}",
            "advice": f"Advice on {self.rng.choice(p.skills or ['a career move'])}",
            "intro": "Intro to someone in their network",
            "reference letter": "Reference letter for a new job",
            "code review": "Code review of a side-project pull request",
            "cv review": "CV review before a job application",
            "help moving": "Help moving flat",
        }
        return notes.get(kind, kind.capitalize())

    def pick_unthanked(self, favors: list[Favor]) -> list[int]:
        """A few received favors from people whose help was never returned with a thank-you.

        Only people with no other yes-favor qualify, so no later thank-you covers them.
        """
        helped_by = [f.person for f in favors if f.status == "yes" and f.direction in ("received", "asked")]
        candidates = [i for i, f in enumerate(favors) if f.direction == "received" and f.status == "yes"
                      and helped_by.count(f.person) == 1 and self.contacts[f.person].circle != "interviewer"]
        return self.rng.sample(candidates, min(UNTHANKED, len(candidates)))

    def favor_conversations(self, f: Favor, thank: bool) -> None:
        rng, c = self.rng, self.contacts[f.person]
        name = c.person.given_name
        if f.direction == "asked":
            kind = "advice-asked" if f.kind == "advice" else "message"
            self.draft(f.at, (c.id,), "message", kind, f"Asked {name}: {f.note}")
        elif f.direction == "given":
            self.draft(f.at, (c.id,), rng.choice(("message", "call", "in-person")), "message",
                       f"Helped {name}: {f.note}")
        else:
            self.draft(f.at, (c.id,), rng.choice(("message", "call")), "message", f"{name} helped: {f.note}")
        got_help = f.status == "yes" and f.direction in ("received", "asked")
        if got_help and thank:
            later = f.at + timedelta(days=rng.randint(0, 4), hours=rng.randint(1, 6))
            channel = "letter" if c.circle == "family" and rng.random() < 0.3 else rng.choice(("message", "email"))
            self.draft(later, (c.id,), channel, "thank-you", f"Thanks for the {f.kind}")

    # -- step 7: the records -----------------------------------------------------------------

    def network(self) -> Network:
        return Network(
            people=self.people,
            knows=[self.knows[k] for k in sorted(self.knows)],
            interactions=self.interactions(),
            favors=self.favors,
            introductions=self.introductions,
            employments=self.employments,
            studies=self.studies,
            attendances=self.attendances,
        )

    def interactions(self) -> list[Interaction]:
        """Drafts inside the window, with only contacts the owner was in touch with then, in time order."""
        first, end = _at(self.start, 0), _at(self.as_of, 0)
        kept = []
        for d in self.drafts:
            if not first <= d.at < end:
                continue
            people = [pid for pid in dict.fromkeys(d.people) if self.contacts[pid].active(d.at.date())]
            if people:
                kept.append(d._replace(people=tuple(people)))
        kept.sort(key=lambda d: d.at)  # stable: equal times keep their (deterministic) order
        return [Interaction(f"i-{n:06d}", d.at, [OWNER_ID, *d.people], d.channel, d.kind, d.summary, "demo",
                            initiated_by=self._initiator(n, d))
                for n, d in enumerate(kept, start=1)]

    def _initiator(self, n: int, d: _Draft) -> str | None:
        """Who reached out, for one-to-one interactions: fading ties are mostly the owner chasing.

        A Random of its own per interaction, so adding this left every other draw unchanged.
        """
        if len(d.people) != 1:
            return None
        contact = self.contacts[d.people[0]]
        owner_share = {"fading": 0.85, "revived": 0.4}.get(contact.trajectory, 0.55)
        return OWNER_ID if random.Random(f"{self.seed}:{n}").random() < owner_share else contact.id
