"""Everything the analytics use can be entered by hand: favors, ties, skills, needs, health notes,
openers, cadence and tags, from the CLI (the real ``kith``), from Kith CSV/JSON files and on the
dashboard's Person and Import pages (Streamlit's AppTest), each read back from the real store.
"""

from __future__ import annotations

import doctest
import json
import os
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import graph.model
from graph.model import Interaction, Network, Person, canonical_tag
from graph.server import EmbeddedServer
from graph.store import Store
from kith import clock
from loaders.importer import import_files
from tests.conftest import run_kith
from tests.test_dashboard import shown

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "dashboard" / "app.py")


def kith_ok(*args: str) -> str:
    done = run_kith(*args)
    assert done.returncode == 0, done.stderr
    return done.stdout


def kith_fails(*args: str) -> str:
    """The command is refused with one ``error:`` line (and no traceback)."""
    done = run_kith(*args)
    assert done.returncode != 0, done.stdout
    assert done.stderr.startswith("error: ") and "Traceback" not in done.stderr, done.stderr
    return done.stderr


def props(store: Store, pid: str) -> dict:
    return store.read("MATCH (p:Person {id: $id}) RETURN properties(p) AS p", id=pid)[0]["p"]


def named(store: Store, pid: str) -> dict:
    d = store.person(pid).person
    return {"skills": d.skills, "needs": d.needs, "interests": d.interests, "tags": d.tags}


def favors(store: Store) -> list[dict]:
    return store.read("MATCH (f:Favor)-[:WITH]->(p:Person) RETURN f.id AS id, p.id AS person, "
                      "f.direction AS direction, f.kind AS kind, f.status AS status, f.note AS note ORDER BY f.at, f.id")


@pytest.fixture
def people(store):
    """You and two contacts, written as the CLI writes them."""
    kith_ok("me", "--name", "Alex Morgan")
    kith_ok("person", "add", "Priya Raman", "--id", "p-priya", "--skill", "python", "--tag", "school")
    kith_ok("person", "add", "Sam Okoro", "--id", "p-sam")
    return store


# -- tags ---------------------------------------------------------------------------------------


def test_canonical_tag_doctests_and_conservative_folding():
    assert doctest.testmod(graph.model, verbose=False).failed == 0
    assert {canonical_tag(t) for t in ("ex-colleagues", "Ex colleague", "excolleague")} == {"ex-colleague"}
    assert [canonical_tag(t) for t in ("colleagues", "friends", "conferences")] == ["colleague", "friend",
                                                                                    "conference"]
    assert [canonical_tag(t) for t in ("business", "news", "excel", "Hobbies")] == ["business", "news", "excel",
                                                                                   "hobbies"]


def test_tag_aliases_are_one_tag_from_cli_and_import(people, tmp_path):
    kith_ok("person", "set", "p-sam", "--tag", "Ex colleagues")
    kith_ok("person", "add", "Lee Chan", "--id", "p-lee", "--tag", "excolleague", "--tag", "Friends")
    path = tmp_path / "h.csv"
    path.write_text("record,name,email,tags\nperson,Dana Whitfield,dana@x.example,ex-colleague;CONFERENCES\n")
    kith_ok("import", str(path))
    rows = people.read("MATCH (t:Tag)<-[:TAGGED]-(p:Person) RETURN t.id AS id, t.name AS name, "
                       "count(p) AS n ORDER BY id")
    assert rows == [{"id": "tag:conference", "name": "conference", "n": 1},
                    {"id": "tag:ex-colleague", "name": "ex-colleague", "n": 3},
                    {"id": "tag:friend", "name": "friend", "n": 1},
                    {"id": "tag:school", "name": "school", "n": 1}]
    assert kith_ok("person", "set", "p-lee", "--no-tag", "ex colleague").strip().endswith("tags: - ex-colleague")
    assert named(people, "p-lee")["tags"] == ["friend"]


# -- favors --------------------------------------------------------------------------------------


def test_favor_each_direction_then_the_answer(people):
    out = [kith_ok("favor", "Priya Raman", flag, "--kind", kind, "--at", "2026-11-0" + str(n), "--note", "n")
           for n, (flag, kind) in enumerate((("--given", "cv review"), ("--received", "referral"),
                                             ("--asked", "intro")), start=1)]
    assert out[2].startswith("recorded favor asked (intro, pending) with p-priya as f-")
    rows = favors(people)
    assert [(r["person"], r["direction"], r["kind"], r["status"], r["note"]) for r in rows] == [
        ("p-priya", "given", "cv review", "yes", "n"), ("p-priya", "received", "referral", "yes", "n"),
        ("p-priya", "asked", "intro", "pending", "n")]
    assert rows[2]["id"] in out[2]
    assert kith_ok("favor-answer", "p-priya", "No").strip() == f"answered {rows[2]['id']} (p-priya): no"
    assert favors(people)[2]["status"] == "no"
    assert "no pending ask" in kith_fails("favor-answer", "p-priya", "yes")
    # --id answers that favor, and only an ask of that person.
    kith_ok("favor", "p-priya", "--asked", "--kind", "advice", "--status", "pending")
    assert "not asked" in kith_fails("favor-answer", "p-priya", "yes", "--id", rows[0]["id"])
    assert "not p-sam" in kith_fails("favor-answer", "p-sam", "yes", "--id", rows[2]["id"])
    kith_ok("favor-answer", "p-priya", "ignored", "--id", rows[2]["id"])
    assert [r["status"] for r in favors(people)] == ["yes", "yes", "ignored", "pending"]


def test_bad_favors_are_refused_and_nothing_is_written(people):
    for args, said in [(("p-priya", "--kind", "x"), "exactly one of --given"),
                       (("p-priya", "--given", "--asked", "--kind", "x"), "exactly one of --given"),
                       (("p-priya", "--given"), "--kind is required"),
                       (("p-priya", "--given", "--kind", "x", "--status", "maybe"), "favor status 'maybe'"),
                       (("p-priya", "--given", "--kind", "x", "--at", "last week"), "is not an ISO date"),
                       (("nobody-here", "--given", "--kind", "x"), "no person matches")]:
        assert said in kith_fails("favor", *args)
    kith_ok("favor", "p-priya", "--asked", "--kind", "intro")
    assert "answer 'maybe' is not one of" in kith_fails("favor-answer", "p-priya", "maybe")
    assert [r["status"] for r in favors(people)] == ["pending"]


def test_favor_needs_an_owner(store):
    kith_ok("person", "add", "Sam Okoro", "--id", "p-sam")
    assert "no owner" in kith_fails("favor", "p-sam", "--given", "--kind", "advice")
    assert favors(store) == []


# -- who knows whom --------------------------------------------------------------------------------


def test_link_and_unlink(people):
    assert kith_ok("link", "Priya", "Sam", "--context", "climbing gym", "--since", "2022-09-15").strip() == \
        "noted: p-priya and p-sam know each other"
    ties = people.read("MATCH (:Person {id: 'p-priya'})-[k:KNOWS]-(:Person {id: 'p-sam'}) "
                       "RETURN k.context AS context, k.since AS since, k.source AS source")
    assert [{**t, "since": t["since"].to_native()} for t in ties] == [
        {"context": "climbing gym", "since": date(2022, 9, 15), "source": "cli"}]
    assert people.person("p-sam").knows == 1
    assert "is not a date" in kith_fails("link", "p-priya", "p-sam", "--since", "2022")
    assert "cannot know themselves" in kith_fails("link", "p-priya", "Priya Raman")
    kith_ok("unlink", "p-sam", "p-priya")
    assert people.person("p-sam").knows == 0
    assert "not recorded as knowing each other" in kith_fails("unlink", "p-sam", "p-priya")


# -- person set ---------------------------------------------------------------------------------------

LIST_FLAGS = [("skill", "skills", "mentoring"), ("need", "needs", "fundraising"),
              ("interest", "interests", "jazz"), ("tag", "tags", "neighbour")]
PROP_LISTS = [("child", "children", "Anya"), ("opener", "openers", "ask about the marathon"),
              ("email", "emails", "priya@example.com"), ("phone", "phones", "+447700900311")]


def test_person_set_adds_and_removes_each_list(people):
    people.read("MATCH (p:Person {id: 'p-priya'}) SET p.also_title = ['Lead'], p.sources = ['cli', 'google']")
    out = kith_ok("person", "set", "p-priya", *[x for flag, _, value in LIST_FLAGS + PROP_LISTS
                                                for x in (f"--{flag}", value)])
    assert out.splitlines() == ["Priya Raman (p-priya) updated:",
                                *[f"  {attr}: + {value}" for _, attr, value in LIST_FLAGS + PROP_LISTS]]
    for _, attr, value in LIST_FLAGS:
        assert value in named(people, "p-priya")[attr]
    for _, attr, value in PROP_LISTS:
        assert props(people, "p-priya")[attr] == [value]
    assert "nothing changed" in kith_ok("person", "set", "p-priya", "--skill", "Mentoring")
    out = kith_ok("person", "set", "p-priya", *[x for flag, _, value in LIST_FLAGS + PROP_LISTS
                                                for x in (f"--no-{flag}", value)])
    assert [line.strip() for line in out.splitlines()[1:]] == [f"{attr}: - {value}"
                                                                for _, attr, value in LIST_FLAGS + PROP_LISTS]
    after = props(people, "p-priya")
    assert not {attr for _, attr, _ in PROP_LISTS} & set(after)
    assert after["also_title"] == ["Lead"] and after["sources"] == ["cli", "google"]  # nothing else lost
    assert named(people, "p-priya") == {"skills": ["python"], "needs": [], "interests": [], "tags": ["school"]}
    # The Skill node stays, for anyone else who has it.
    assert people.read("MATCH (s:Skill {id: 'skill:mentoring'}) RETURN count(s) AS n") == [{"n": 1}]


def test_person_set_sets_and_clears_each_field(people):
    kith_ok("person", "set", "p-priya", "--health-notes", "knee surgery in May", "--cadence", "30",
            "--company", "Acme", "--title", "CTO", "--location", "Leeds", "--notes", "likes tea",
            "--birthday=--05-17")
    p = props(people, "p-priya")
    assert {k: p[k] for k in ("health_notes", "cadence_days", "company", "title", "location", "notes",
                              "birthday", "birth_month", "birth_day")} == {
        "health_notes": "knee surgery in May", "cadence_days": 30, "company": "Acme", "title": "CTO",
        "location": "Leeds", "notes": "likes tea", "birthday": "--05-17", "birth_month": 5, "birth_day": 17}
    out = kith_ok("person", "set", "p-priya", "--birthday", "1987-09-14", "--health-notes", "better now")
    assert "birthday: --05-17 -> 1987-09-14" in out and "health notes: updated" in out
    assert "better now" not in out and "knee" not in out  # sensitive: never echoed
    assert props(people, "p-priya")["birth_year"] == 1987
    out = kith_ok("person", "set", "p-priya", "--health-notes", "", "--cadence", "0", "--company", "",
                  "--title", "", "--location", "", "--notes", "", "--birthday", "")
    assert "cadence: cleared (was every 30 days)" in out and "health notes: cleared" in out
    p = props(people, "p-priya")
    gone = {"health_notes", "cadence_days", "company", "title", "location", "notes", "birthday", "birth_month",
            "birth_day", "birth_year"}
    assert not gone & set(p) and p["name"] == "Priya Raman" and p["name_key"] == "priya raman"
    assert "health notes" not in kith_ok("person", "show", "p-priya", "--health")


def test_person_set_refuses_bad_input_and_writes_nothing(people):
    before, before_named = props(people, "p-priya"), named(people, "p-priya")
    for args, said in [(("--birthday", "17 May"), "is not YYYY-MM-DD"),
                       (("--skill", "sql", "--cadence", "-3"), "not a whole number of days"),
                       (("--skill", "sql", "--no-skill", "pyhton"), "has no skill 'pyhton' (skills: python)"),
                       (("--skill", "sql", "--phone", "12"), "phone number"),
                       (("--email", "not-an-address"), "is not an address"),
                       (("--skill", "  ",), "the skill is empty"),
                       (("--skill", "go", "--no-skill", "Go"), "both added and removed"),
                       ((), "nothing to change")]:
        assert said in kith_fails("person", "set", "p-priya", *args)
    assert "no person matches" in kith_fails("person", "set", "Nobody At All", "--skill", "x")
    assert props(people, "p-priya") == before and named(people, "p-priya") == before_named


def test_person_show_prints_openers_and_cadence(people):
    kith_ok("person", "set", "p-priya", "--opener", "ask about the marathon", "--opener", "her new flat",
            "--cadence", "21")
    shown = json.loads(kith_ok("person", "show", "p-priya", "--json"))
    assert shown["openers"] == "ask about the marathon; her new flat" and shown["cadence"] == "every 21 days"


def test_adding_a_known_name_warns_with_the_ids_and_the_merge_command(people):
    done = run_kith("person", "add", "PRIYA  Raman", "--id", "p-priya2")
    assert done.returncode == 0 and done.stdout.strip() == "PRIYA  Raman saved as p-priya2"
    assert "Priya Raman (p-priya)" in done.stderr and "kith merge p-priya p-priya2" in done.stderr
    assert "kith person set" in done.stderr
    assert people.person("p-priya2") is not None  # still added
    quiet = run_kith("person", "add", "Sam Okoro", "--id", "p-sam")  # updating the same id: no warning
    assert quiet.returncode == 0 and quiet.stderr == ""


# -- Kith CSV and JSON ----------------------------------------------------------------------------

EXPECTED = {"location": "London", "skills": ["clinical data", "sql"], "needs": ["mentoring"],
            "interests": ["climbing", "running"], "children": ["Anya", "Dev"], "health_notes": "asthma",
            "openers": ["ask about the Snowdon marathon"], "cadence_days": 30}


def _imported(store: Store, path: Path) -> dict:
    [outcome] = import_files(store, [path])
    assert outcome.error is None, outcome.error
    pid = store.resolve("Priya Raman")
    p, d = props(store, pid), store.person(pid).person
    return {"location": p.get("location"), "skills": d.skills, "needs": d.needs, "interests": d.interests,
            "children": p.get("children"), "health_notes": p.get("health_notes"), "openers": p.get("openers"),
            "cadence_days": p.get("cadence_days")}


def test_kith_csv_person_columns_reach_the_store(store, tmp_path):
    path = tmp_path / "h.csv"
    path.write_text("record,name,email,location,skills,needs,interests,children,health_notes,openers,cadence\n"
                    "person,Priya Raman,priya@x.example,London,clinical data;sql,mentoring,climbing;running,"
                    "Anya;Dev,asthma,ask about the Snowdon marathon,30\n", encoding="utf-8")
    assert _imported(store, path) == EXPECTED


def test_kith_json_person_fields_reach_the_store(store, tmp_path):
    path = tmp_path / "h.json"
    path.write_text(json.dumps({"people": [{
        "name": "Priya Raman", "email": "priya@x.example", "location": "London", "skills": ["clinical data", "sql"],
        "needs": "mentoring", "interests": "climbing; running", "children": ["Anya", "Dev"],
        "health_notes": "asthma", "openers": ["ask about the Snowdon marathon"], "cadence": 30}]}), encoding="utf-8")
    assert _imported(store, path) == EXPECTED


def test_kith_file_with_a_bad_cadence_is_refused_whole(store, tmp_path):
    path = tmp_path / "h.csv"
    path.write_text("record,name,cadence\nperson,Ana Souza,30\nperson,Ben Carter,monthly\n", encoding="utf-8")
    [outcome] = import_files(store, [path])
    assert "h.csv:3: cadence 'monthly' is not a whole number of days" in str(outcome.error)
    assert store.counts()["people"] == 0


# -- the dashboard ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dash(tmp_path_factory, kith_home):
    """A small graph of its own for the pages to write to; KITH_HOME points at it while the module's tests run."""
    home = tmp_path_factory.mktemp("kith-entry")
    now = clock.now()
    people = [Person("me", "Alex Morgan", me=True), Person("p-priya", "Priya Raman", skills=["python"]),
              Person("p-sam", "Sam Okoro"), Person("p-tom", "Tom Beckett", company="Northwind"),
              Person("p-tom2", "Tom Becket", company="Northwind"), Person("p-ann", "Ann Leigh"),
              Person("p-ann2", "Ann Leigh")]
    with Store.connect(home) as s:
        s.load(Network(people=people, interactions=[
            Interaction(f"i-{n}", now.replace(day=1, month=n), ["me", pid], "call")
            for n, pid in enumerate(["p-priya", "p-sam", "p-tom", "p-priya"], start=1)]))
    saved = os.environ["KITH_HOME"]
    os.environ["KITH_HOME"] = str(home)
    with Store.connect(home) as s:
        yield s
    os.environ["KITH_HOME"] = saved
    EmbeddedServer(home).stop()


def page(name: str, **query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update(query)
    at.run()
    at.switch_page(f"views/{name}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def said(at: AppTest) -> str:
    return "\n".join(shown(e.value) for kind in ("success", "error", "markdown") for e in getattr(at, kind))


def test_person_page_edits_skills_needs_and_health_notes(dash):
    at = page("person", id="p-priya")
    assert "Edit health notes" in [t.label for t in at.toggle]
    assert not any(t.key == "edit_health_notes_p-priya" for t in at.text_area)  # hidden until asked
    at.toggle(key="edit_health_p-priya").set_value(True).run()
    at.text_input(key="edit_skills_p-priya").set_value("python, mentoring")
    at.text_input(key="edit_needs_p-priya").set_value("fundraising")
    at.text_input(key="edit_tags_p-priya").set_value("Ex colleagues")
    at.number_input(key="edit_cadence_p-priya").set_value(14)
    at.text_area(key="edit_openers_p-priya").set_value("ask about the marathon")
    at.text_area(key="edit_health_notes_p-priya").set_value("knee surgery in May")
    next(b for b in at.button if b.label == "Save details").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert "Saved Priya Raman: skills: + mentoring" in said(at) and "knee" not in said(at)
    p = dash.person("p-priya").person
    assert (p.skills, p.needs, p.tags, p.cadence_days, p.openers, p.health_notes) == (
        ["mentoring", "python"], ["fundraising"], ["ex-colleague"], 14, ["ask about the marathon"],
        "knee surgery in May")


def test_person_page_records_a_favor_and_its_answer(dash):
    at = page("person", id="p-sam")
    at.selectbox(key="favor_direction").set_value("asked")
    at.text_input(key="favor_kind").set_value("intro to a recruiter")
    at.text_input(key="favor_note").set_value("for the data role")
    next(b for b in at.button if b.label == "Record favor").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert "Recorded: you asked them (intro to a recruiter)" in said(at)
    asks = dash.pending_asks("p-sam")
    assert [(a["kind"], a["note"]) for a in asks] == [("intro to a recruiter", "for the data role")]
    at.radio(key="answer_value_p-sam").set_value("yes")
    at.button(key="answer_go_p-sam").click().run()
    assert not at.exception and "Recorded Sam Okoro's answer: yes" in said(at)
    assert favors(dash) == [{"id": asks[0]["id"], "person": "p-sam", "direction": "asked",
                             "kind": "intro to a recruiter", "status": "yes", "note": "for the data role"}]


def test_person_page_refuses_a_favor_without_a_kind(dash):
    before = len(favors(dash))
    at = page("person", id="p-sam")
    next(b for b in at.button if b.label == "Record favor").click().run()
    assert not at.exception and "needs a kind" in at.error[0].value
    assert len(favors(dash)) == before


def test_person_page_records_who_they_know(dash):
    at = page("person", id="p-priya")
    at.selectbox(key="knows_other_p-priya").set_value("p-sam").run()
    at.text_input(key="knows_context_p-priya").set_value("same climbing gym")
    at.button(key="knows_go_p-priya").click().run()
    assert not at.exception and "Noted: Priya Raman knows" in said(at)
    assert dash.read("MATCH (:Person {id: 'p-priya'})-[k:KNOWS]-(:Person {id: 'p-sam'}) "
                     "RETURN k.context AS context, k.source AS source") == [
        {"context": "same climbing gym", "source": "dashboard"}]


def test_import_page_resolves_merge_candidates(dash):
    at = page("import_files")
    keys = {b.key for b in at.button}
    assert {"merge_p-tom_p-tom2", "notsame_p-tom_p-tom2"} <= keys or {"merge_p-tom2_p-tom"} <= keys
    merge = next(b for b in at.button if b.key in ("merge_p-tom_p-tom2", "merge_p-tom2_p-tom"))
    keep, drop = merge.key.split("_")[1:]
    merge.click().run()
    assert not at.exception and "kith merge --undo m-" in said(at)
    assert dash.person(drop) is None and dash.person(keep) is not None
    assert dash.merges()[0]["drop"] == drop
    ann = next(b for b in at.button if b.key and b.key.startswith("notsame_") and "p-ann" in b.key)
    ann.click().run()
    assert not at.exception and "are different people" in said(at)
    assert dash.read("MATCH (:Person)-[n:NOT_SAME]->(:Person) RETURN count(n) AS n") == [{"n": 1}]
    assert not any(b.key and "p-ann" in b.key for b in at.button)  # not suggested again
