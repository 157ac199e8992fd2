"""Every store operation against the real embedded server."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timezone

import pytest

from graph.model import (
    CHANNELS,
    FAVOR_DIRECTIONS,
    FAVOR_STATUSES,
    INTERACTION_KINDS,
    INTRODUCTION_STATUSES,
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
from graph.store import Forgotten, Loaded, StoreError
from kith import clock, usecases
from kith.errors import InvalidRecord, NoOwner

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc)


def people(*names: str) -> list[Person]:
    return [Person(id=f"p{i}", name=n) for i, n in enumerate(names, 1)]


def small_network() -> Network:
    me = Person(id="me", name="Alex Morgan", me=True, emails=["alex@example.com"])
    ana = Person(id="ana", name="Ana Souza", emails=[" Ana@Example.COM "], phones=["+447700900123"],
                 birthday=Birthday(5, 17), company="Northwind", title="CTO", children=["Lia"],
                 health_notes="knee surgery in March", tags=["ex-colleague"], skills=["fundraising"],
                 interests=["jazz"], needs=["hiring"], sources=["test"])
    bo = Person(id="bo", name="Bo Lindqvist", birthday=Birthday(11, 2, 1988), tags=["school"], skills=["hiring"])
    cy = Person(id="cy", name="Cyrus Amini", tags=["school", "conference"])
    return Network(
        people=[me, ana, bo, cy],
        knows=[Knows("ana", "bo", since=date(2020, 1, 1), context="work"), Knows("bo", "cy")],
        interactions=[
            Interaction("i1", T0, ["me", "ana"], channel="call", kind="catch-up", summary="Q1 catch-up"),
            Interaction("i2", T0.replace(day=2), ["me", "ana", "bo"], channel="in-person", kind="meeting"),
            Interaction("i3", T0.replace(day=3), ["me", "bo"], kind="thank-you"),
        ],
        favors=[Favor("f1", T0, "ana", "received", "referral", "yes"),
                Favor("f2", T0, "bo", "asked", "intro", "no")],
        introductions=[Introduction("n1", T0, "ana", "cy", "me", outcome="coffee")],
        employments=[Employment("ana", "Northwind", "CTO", since=date(2021, 4, 1))],
        studies=[Study("bo", "University of Leeds", "BSc")],
        attendances=[Attendance("cy", "PyCon UK 2024", at=date(2024, 9, 20))],
    )


def test_load_writes_every_kind_of_record(store):
    loaded = store.load(small_network())
    assert loaded == Loaded(people=4, knows=2, interactions=3, favors=2, introductions=1, employments=1, studies=1,
                            attendances=1)
    assert store.counts() == {"people": 4, "knows": 2, "interactions": 3, "favors": 2,
                              "introductions": 1, "organizations": 1}
    d = store.person("ana")
    assert d.person.emails == ["ana@example.com"]
    assert d.person.birthday == Birthday(5, 17)
    assert d.person.children == ["Lia"] and d.person.health_notes == "knee surgery in March"
    assert (d.person.tags, d.person.skills, d.person.needs, d.person.interests) == (
        ["ex-colleague"], ["fundraising"], ["hiring"], ["jazz"])
    assert d.jobs == [{"organization": "Northwind", "title": "CTO", "since": date(2021, 4, 1), "until": None}]
    assert d.knows == 1 and d.interactions == 2
    assert d.last_seen == T0.replace(day=2)
    assert store.person("bo").schools == [{"school": "University of Leeds", "degree": "BSc"}]
    assert store.person("bo").person.birthday == Birthday(11, 2, 1988)


def test_shared_tags_are_one_node(store):
    store.load(small_network())
    rows = store.read("MATCH (t:Tag {id: 'tag:school'})<-[:TAGGED]-(p) RETURN count(p) AS n")
    assert rows == [{"n": 2}]


def test_reload_is_idempotent(store):
    store.load(small_network())
    first = store.counts()
    store.load(small_network())
    assert store.counts() == first
    rows = store.read("MATCH (:Interaction {id: 'i2'})-[w:WITH]->() RETURN count(w) AS n")
    assert rows == [{"n": 3}]


def test_upsert_never_erases(store):
    store.load(small_network())
    store.upsert_people([Person(id="ana", name="Ana Souza", title="CEO")])
    p = store.person("ana").person
    assert p.title == "CEO" and p.company == "Northwind" and p.emails == ["ana@example.com"]


def test_knows_is_one_tie_whichever_way(store):
    store.load(small_network())
    store.link([Knows("bo", "ana", context="reunion")])
    rows = store.read("MATCH (:Person {id: 'ana'})-[k:KNOWS]-(:Person {id: 'bo'}) RETURN k.context AS c, k.since AS s")
    assert len(rows) == 1 and rows[0]["c"] == "reunion"
    with pytest.raises(StoreError, match="themselves"):
        store.link([Knows("bo", "bo")])


def test_unknown_people_are_refused_and_nothing_is_written(store):
    store.load(small_network())
    before = store.counts()
    bad = Network(people=[Person(id="new", name="New Person")],
                  interactions=[Interaction("i9", T0, ["me", "ghost"])])
    with pytest.raises(StoreError, match="ghost"):
        store.load(bad)
    assert store.counts() == before
    assert store.person("new") is None


def test_a_failure_mid_load_writes_nothing(store):
    """People are written before the bad tie is reached; the transaction takes them back."""
    store.load(small_network())
    before = store.counts()
    net = Network(people=[Person(id="zed", name="Zed")], knows=[Knows("zed", "zed")])
    with pytest.raises(StoreError, match="themselves"):
        store.load(net)
    assert store.counts() == before
    assert store.person("zed") is None


def test_only_one_owner(store):
    store.load(small_network())
    with pytest.raises(StoreError, match="already has an owner"):
        store.upsert_people([Person(id="me2", name="Someone Else", me=True)])
    assert store.owner() == {"id": "me", "name": "Alex Morgan"}


def test_search_ignores_case_and_accents(store):
    store.load(Network(people=[Person(id="j", name="José Álvarez", emails=["jose@x.org"], company="Acme"),
                               Person(id="k", name="Joséphine Ng")]))
    assert [r["id"] for r in store.search("ALVAREZ")] == ["j"]
    assert [r["id"] for r in store.search("jose")] == ["j", "k"]
    assert [r["id"] for r in store.search("acme")] == ["j"]
    assert [r["id"] for r in store.search("jose@x")] == ["j"]
    assert store.search("nobody") == []


def test_resolve_by_id_name_or_unique_fragment(store):
    store.load(small_network())
    assert store.resolve("ana") == "ana"
    assert store.resolve("bo lindqvist") == "bo"
    assert store.resolve("Amini") == "cy"
    with pytest.raises(StoreError, match="no person"):
        store.resolve("Nobody Here")
    store.upsert_people([Person(id="ana2", name="Ana Souza")])
    with pytest.raises(StoreError, match="several"):
        store.resolve("Ana Souza")


def test_forget_leaves_nothing_behind(store):
    store.load(small_network())
    deleted = store.forget("ana")
    # Her tag, skill, interest and employer were hers alone: they go too ("hiring" is also Bo's skill).
    assert deleted == Forgotten(people=1, interactions=1, favors=1, introductions=1, knows=1, named=4)
    assert deleted.records_about_them == 2
    assert store.person("ana") is None
    # Nothing anywhere still mentions her id or her email.
    everything = repr(store.read("MATCH (n) OPTIONAL MATCH (n)-[r]->() RETURN properties(n) AS n, properties(r) AS r"))
    assert "ana@example.com" not in everything and "Ana Souza" not in everything and "knee" not in everything
    # The group interaction stays, with its other participants, without her.
    rows = store.read("MATCH (:Interaction {id: 'i2'})-[:WITH]->(p) RETURN p.id AS id ORDER BY id")
    assert [r["id"] for r in rows] == ["bo", "me"]
    assert store.read("MATCH (i:Interaction {id: 'i1'}) RETURN i") == []
    assert store.read("MATCH (f:Favor {id: 'f1'}) RETURN f") == []
    assert store.read("MATCH (n:Introduction {id: 'n1'}) RETURN n") == []
    # Bo's records are untouched.
    assert store.person("bo").interactions == 2
    assert store.counts()["favors"] == 1


def test_forget_refuses_the_owner_and_unknowns(store):
    store.load(small_network())
    with pytest.raises(StoreError, match="owner"):
        store.forget("me")
    with pytest.raises(StoreError, match="no person"):
        store.forget("ghost")


def test_hostile_text_is_stored_verbatim(store):
    nasty = "Robert'); MATCH (n) DETACH DELETE n; //\" `x` {id:'me'} $param \\ ' OR 1=1 --"
    store.load(small_network())
    store.upsert_people([Person(id="evil", name=nasty, notes=nasty, tags=[nasty])])
    assert store.person("evil").person.name == nasty
    assert store.person("evil").person.notes == nasty
    assert store.person("evil").person.tags == [nasty.lower()]  # tags in their canonical spelling: lower case
    assert store.counts()["people"] == 5
    assert [r["id"] for r in store.search("robert')")] == ["evil"]


def test_large_batches_are_split(store):
    """More rows than one UNWIND batch still land completely."""
    from graph import store as store_module

    n = store_module.BATCH + 7
    net = Network(people=[Person(id="me", name="Me", me=True)] + [Person(id=f"x{i}", name=f"X {i}") for i in range(n)])
    net.interactions = [Interaction(f"i{i}", T0, ["me", f"x{i}"]) for i in range(n)]
    store.load(net)
    c = store.counts()
    assert c["people"] == n + 1 and c["interactions"] == n


def test_loads_and_imports_write_people_by_the_same_rules(store):
    """One person-row builder: a Person loaded and the same person imported (as a field map) are stored alike."""
    said = {"name": "Dee Ng", "emails": [" Dee@X.org ", "dee@x.org", "d@y.org", " "], "birthday": "--02-29",
            "tags": [" climbing ", ""], "skills": ["go"], "company": "", "notes": None}
    store.load(Network(people=[Person(id="loaded", **{**said, "birthday": Birthday.parse(said["birthday"])})]))
    store.apply_import({"imported": {"id": "imported", **said}}, [], [], Network(), {})
    stored = {r["props"]["id"]: {k: v for k, v in r["props"].items() if k != "id"}
              for r in store.read("MATCH (p:Person) RETURN properties(p) AS props")}
    assert stored["loaded"] == stored["imported"]
    assert stored["loaded"] == {"name": "Dee Ng", "name_key": "dee ng", "emails": ["dee@x.org", "d@y.org"],
                                "birthday": "--02-29", "birth_month": 2, "birth_day": 29}
    assert store.person("loaded").person.tags == store.person("imported").person.tags == ["climbing"]


# -- the model's rules ---------------------------------------------------------------------


@pytest.mark.parametrize("make, message", [
    (lambda: Interaction("i", T0, ["me", "ana"], kind="pigeon"), "interaction kind 'pigeon' is not one of: catch-up, "),
    (lambda: Interaction("i", T0, ["me", "ana"], channel="owl"), "interaction channel 'owl' is not one of: in-person, "),
    (lambda: Favor("f", T0, "ana", "stolen", "advice"), "favor direction 'stolen' is not one of: given, received, "),
    (lambda: Favor("f", T0, "ana", "given", "advice", "maybe"), "favor status 'maybe' is not one of: pending, "),
    (lambda: Introduction("n", T0, "ana", "bo", "me", status="rumoured"), "introduction status 'rumoured' is not "),
])
def test_records_refuse_values_outside_their_lists_in_one_line(make, message):
    with pytest.raises(InvalidRecord) as e:
        make()
    assert str(e.value).startswith(message) and "\n" not in str(e.value)


def test_every_listed_value_is_accepted():
    for kind, channel in zip(INTERACTION_KINDS, itertools.cycle(CHANNELS)):
        Interaction("i", T0, ["me", "ana"], channel=channel, kind=kind)
    for direction, status in itertools.product(FAVOR_DIRECTIONS, FAVOR_STATUSES):
        Favor("f", T0, "ana", direction, "advice", status)
    for status in INTRODUCTION_STATUSES:
        Introduction("n", T0, "ana", "bo", "me", status=status)


def test_introduce_needs_an_owner_and_a_known_step(store):
    store.upsert_people(people("Ana Souza", "Bo Lindqvist"))
    with pytest.raises(NoOwner):
        store.start_introduction("p1", "p2")
    store.upsert_people([Person(id="me", name="Alex Morgan", me=True)])
    with pytest.raises(InvalidRecord, match="introduction step 'rumoured'"):
        store.introduction_step("p1", "p2", "rumoured", skip_opt_in=True)
    assert store.counts()["introductions"] == 0


# -- use-cases: what the CLI and the dashboard both do ---------------------------------------------


def test_logging_as_the_owner(store):
    store.upsert_people(people("Ana Souza"))
    with pytest.raises(NoOwner):
        usecases.log_with_owner(store, ["p1"], kind="catch-up", channel="call", source="test")
    assert store.counts()["interactions"] == 0
    store.upsert_people([Person(id="me", name="Alex Morgan", me=True)])
    with pytest.raises(InvalidRecord, match="kind 'pigeon'"):
        usecases.log_with_owner(store, ["p1"], kind="pigeon", channel="call", source="test")
    assert store.counts()["interactions"] == 0

    said = usecases.log_with_owner(store, ["p1"], kind="thank-you", channel="call", summary="", source="test",
                                   initiated_by_owner=True)
    assert (said.participants, said.initiated_by, said.summary) == (["me", "p1"], "me", None)
    assert said.at.date() == clock.today()  # now, as Kith's clock says (KITH_TODAY in the suite)
    unsaid = usecases.log_with_owner(store, ["p1"], kind="catch-up", channel="call", at=T0, source="test")
    assert (unsaid.at, unsaid.initiated_by) == (T0, None)
    assert store.person("p1").interactions == 2


def test_setting_the_owner_creates_then_only_adds(store):
    with pytest.raises(NoOwner):
        usecases.require_owner(store)
    with pytest.raises(NoOwner):
        usecases.set_owner(store, None, ["alex@example.com"])
    first = usecases.set_owner(store, "Alex Morgan", [" Alex@Example.com "])
    assert (first.person.id, first.person.me, first.person.emails) == ("me", True, ["alex@example.com"])
    again = usecases.set_owner(store, None, ["alex@work.com"])
    assert (again.person.name, again.person.emails) == ("Alex Morgan", ["alex@example.com", "alex@work.com"])
    assert usecases.set_owner(store, "Alex M.", []).person.emails == ["alex@example.com", "alex@work.com"]
    assert usecases.require_owner(store) == {"id": "me", "name": "Alex M."}
