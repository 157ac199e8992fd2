"""A new user's first day, through the real CLI, the real store and a real browser.

`kith me`, two people, one favor received and no thank-you yet: the pages that show what to do
render, the ledger lists the thank-you owed, and logging the thank-you clears the reminder the
same day. Around it: the owner (picked from people already there, learnt from an export, asked
for at once when missing) and the dashboard seeing a write from the CLI that changes no count.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from graph.model import Person
from graph.server import EmbeddedServer
from graph.store import Store
from kith import clock
from tests.browser import CHROMIUM, Server, exceptions, launch, open_page
from tests.conftest import run_kith
from tests.test_dashboard import APP
from tests.test_loaders_csv import MESSAGE_ROWS, messages_text


@pytest.fixture(scope="module")
def day_one(tmp_path_factory, kith_home):
    """A fresh home: the owner, two people, one favor received from Ana, no thank-you."""
    home = tmp_path_factory.mktemp("kith-day-one")
    env = {"KITH_HOME": str(home)}
    for args in (["me", "--name", "Sam Rivera"], ["person", "add", "Ana Lima"], ["person", "add", "Ben Cho"],
                 ["favor", "Ana Lima", "--received", "--kind", "cv review"]):
        done = run_kith(*args, env=env)
        assert done.returncode == 0, (args, done.stderr)
    yield home
    EmbeddedServer(home).stop()


def kith(home: Path, *args: str):
    done = run_kith(*args, env={"KITH_HOME": str(home)})
    assert done.returncode == 0, (args, done.stderr)
    return done.stdout


def report_json(home: Path, name: str) -> dict:
    return json.loads(kith(home, "report", name, "--format", "json"))


def test_the_ledger_lists_the_thank_you_owed(day_one):
    items = report_json(day_one, "ledger")["items"]
    assert [(i["name"], i["received"], i["thanks_owed"]) for i in items] == [("Ana Lima", 1, 1)]
    todo = report_json(day_one, "keep-in-touch")["items"]
    assert [(i["name"], i["reason_kind"]) for i in todo] == [("Ana Lima", "thank-you")]


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium: make install-dev")
def test_home_keep_in_touch_and_give_ask_render_in_a_real_browser(day_one, tmp_path):
    from playwright.sync_api import sync_playwright

    with Server(day_one, log=tmp_path / "streamlit.log") as server, sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1400})
            for path, says in (("", "Hello, Sam"), ("keep-in-touch", "Say thank you"), ("give-and-ask", "Ana Lima")):
                open_page(page, f"{server.url}/{path}")
                assert exceptions(page) == [], (path, exceptions(page))
                assert says in page.inner_text("body"), path
        finally:
            browser.close()


def test_a_thank_you_logged_today_clears_the_reminder_today(day_one, tmp_path_factory):
    # A copy of the day, so the other tests still see the favor unthanked.
    home = tmp_path_factory.mktemp("kith-thanked")
    env = {"KITH_HOME": str(home)}
    for args in (["me", "--name", "Sam Rivera"], ["person", "add", "Ana Lima"],
                 ["favor", "Ana Lima", "--received", "--kind", "cv review"], ["log", "Ana Lima", "--kind", "thank-you"]):
        assert run_kith(*args, env=env).returncode == 0
    try:
        assert [i["thanks_owed"] for i in report_json(home, "ledger")["items"]] == [0]
        todo = report_json(home, "keep-in-touch")
        assert todo["items"] == [] and "empty_because" in todo
    finally:
        EmbeddedServer(home).stop()


def test_an_empty_report_says_why_and_what_to_add(day_one):
    text = kith(day_one, "report", "intros")
    assert "Nothing to report." in text and "kith link A B" in text
    circles = report_json(day_one, "circles")
    assert circles["items"] == [] and "kith link A B" in circles["empty_because"]


def test_a_report_counts_the_whole_of_its_day_and_nothing_after(store):
    """Time is an input: the report's day is counted to its end, whatever the hour it runs."""
    from datetime import datetime, time, timedelta, timezone

    from graph import projection
    from graph.model import Interaction
    from reports import build

    today = clock.today()
    store.upsert_people([Person("me", "Sam", me=True), Person("ana", "Ana"), Person("bo", "Bo")])
    late_today = datetime.combine(today, time(23, 59), tzinfo=timezone.utc)
    tomorrow = late_today + timedelta(minutes=2)
    store.log_interactions([Interaction("i-1", late_today, ["me", "ana"]), Interaction("i-2", tomorrow, ["me", "bo"])])
    ties = build.owner_ties(projection.load(store), today)
    assert list(ties.index) == ["ana"] and ties.loc["ana", "days_since"] == 0


def test_me_can_pick_a_person_already_there(store):
    kith_home = Path(os.environ["KITH_HOME"])
    store.upsert_people([Person("p-sam", "Sam Rivera", emails=["sam@example.com"])])
    assert "no owner yet" in run_kith("report", "ledger").stderr
    assert "you are Sam Rivera (p-sam)" in kith(kith_home, "me", "--person", "Sam Rivera")
    assert store.owner()["id"] == "p-sam"
    # Another record of you, made later: picking it merges it into you (undoable), nothing lost.
    kith(kith_home, "person", "add", "Sam R.", "--email", "sam.r@example.com")
    said = kith(kith_home, "me", "--person", "Sam R.")
    assert "merged" in said and "kith merge --undo" in said
    assert sorted(store.person("p-sam").person.emails) == ["sam.r@example.com", "sam@example.com"]


def test_the_owner_is_learnt_from_a_messages_export_that_says_who_you_are(store, tmp_path):
    path = tmp_path / "messages.csv"
    path.write_text(messages_text(MESSAGE_ROWS), encoding="utf-8")
    assert store.owner() is None
    done = run_kith("import", str(path))
    assert done.returncode == 0, done.stderr
    owner = store.owner()
    assert owner is not None and owner["name"] == "Alex Morgan"
    again = run_kith("import", str(path))  # a re-import changes nothing, the owner included
    assert again.returncode == 0 and store.owner() == owner


def test_the_dashboard_sees_a_cli_edit_that_changes_no_count(store):
    store.upsert_people([Person("me", "Sam Rivera", me=True), Person("ana", "Ana Lima")])
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert at.title[0].value == "Hello, Sam"
    before = store.version()
    kith(Path(os.environ["KITH_HOME"]), "me", "--name", "Robin Rivera")  # a rename: every count stays
    assert store.version() != before
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert at.title[0].value == "Hello, Robin"


def test_every_write_moves_the_change_marker(store):
    seen = {store.version()}
    store.upsert_people([Person("ana", "Ana"), Person("bo", "Bo")])
    seen.add(store.version())
    store.not_same("ana", "bo")
    seen.add(store.version())
    store.forget("bo")
    seen.add(store.version())
    assert len(seen) == 4
    with Store.connect() as other:  # another process's view: the same marker
        assert other.version() == store.version()
