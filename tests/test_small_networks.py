"""Kith is sensible on a small, sparse network: eleven people from five real export formats.

The sample (tests/fixtures/small-network/) is what a new user has on day one: a LinkedIn
Connections.csv, a Google Contacts CSV, an iPhone and an Android vCard, and a Google Calendar
export with Alex's meetings — a weekly 1:1 (Ana), climbing every other Saturday (Bo), a monthly
lunch (Chris), a coffee now and then (Dana), and one dinner in June 2025 where Alex met five
people once (Eve, Farid, Grace, Hiro, Inês); Jonas and Kemi are only in the address books.
Reports are asked as of 2 December 2026 (``--as-of``), so the test does not depend on the day
it runs. Then the layer rule and the decay thresholds on synthetic histories.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analytics import decay, keep_in_touch
from graph import projection
from graph import queries as Q
from reports import build
from tests.conftest import run_kith

SAMPLE = Path(__file__).parent / "fixtures" / "small-network"
FILES = ["Connections.csv", "google-contacts.csv", "iphone.vcf", "android.vcf", "calendar.ics"]
AS_OF = date(2026, 12, 2)
MET_ONCE = {"Eve Laurent", "Farid Haddad", "Grace Obi", "Hiro Tanaka", "Inês Duarte"}  # at one dinner, 18 months ago


@pytest.fixture(scope="module")
def sample(session_store):
    """The five files imported into an emptied store with an owner; what the reports make of it."""
    with session_store.session() as s:
        s.run(Q.WIPE).consume()
    me = run_kith("me", "--name", "Alex Morgan", "--email", "alex@example.com")
    assert me.returncode == 0, me.stderr
    done = run_kith("import", *(str(SAMPLE / f) for f in FILES), "--default-region", "GB")  # the phones are British
    assert done.returncode == 0, done.stdout + done.stderr
    report = run_kith("report", "keep-in-touch", "--as-of", AS_OF.isoformat(), "--top", "50", "--format", "json")
    assert report.returncode == 0, report.stderr
    P = projection.load(session_store)
    names = P.people["name"]
    ties = build.owner_ties(P, AS_OF)
    table = keep_in_touch.layers(ties["strength"], build.owner_history(P, AS_OF), AS_OF)
    states = build.tie_states(P, AS_OF)
    return {"P": P, "import": done.stdout, "queue": json.loads(report.stdout)["items"],
            "layers": table.set_index(names.reindex(table.index).to_numpy()),
            "states": states.set_index(names.reindex(states.index).to_numpy())}


def test_eleven_people_from_five_sources_become_eleven_people(sample, session_store):
    people = sample["P"].people
    assert len(people) == 12 and people.loc[sample["P"].owner, "name"] == "Alex Morgan"
    sources = {r["name"]: set(r["sources"]) for r in session_store.read(
        "MATCH (p:Person) RETURN p.name AS name, p.sources AS sources")}
    assert sources["Ana Souza"] == {"linkedin", "google", "ical"} and sources["Inês Duarte"] == {"vcard", "ical"}
    summaries = [line for line in sample["import"].splitlines() if "created" in line]
    assert len(summaries) == 5 and all("0 merge candidates, 0 skipped" in line for line in summaries)


def test_nobody_seen_once_is_in_a_tight_layer(sample):
    table = sample["layers"]
    assert table["layer"].to_dict() == {
        "Ana Souza": "inner", "Bo Lindqvist": "close", "Chris Taylor": "good", "Dana Whitfield": "meaningful",
        **{name: "acquaintance" for name in MET_ONCE}}
    assert table.loc["Ana Souza", "evidence"] == "6 contacts in the last 6 weeks"
    assert table.loc["Bo Lindqvist", "contacts"] == 6  # every other Saturday: too few for weekly


def test_keep_in_touch_does_not_nag_about_people_met_once(sample):
    queue = {row["name"]: row for row in sample["queue"]}
    assert not MET_ONCE & set(queue)  # acquaintances: no cadence to be overdue on
    assert all("about every 7 days" not in row["reason"] for row in sample["queue"] if row["days_since"] > 42)
    ana = queue["Ana Souza"]
    assert (ana["layer"], ana["cadence_days"], ana["status"]) == ("inner", 7, "due")
    assert ana["reason"].startswith("Catch up: about every 7 days for this tie (6 contacts in the last 6 weeks)")
    assert queue["Bo Lindqvist"]["cadence_days"] == 14


def test_decay_states_are_sensible(sample):
    states = sample["states"]
    assert set(states.loc[sorted(MET_ONCE), "state"]) == {"dormant"}
    assert set(states.loc[["Ana Souza", "Bo Lindqvist", "Chris Taylor"], "state"]) == {"active"}
    assert states.loc["Dana Whitfield", "state"] in ("active", "cooling")
    assert states.loc["Ana Souza", "risk"] < states.loc["Dana Whitfield", "risk"] < states.loc["Eve Laurent", "risk"]


# -- the layer rule on synthetic histories -----------------------------------------------------

NOW = pd.Timestamp("2026-12-02", tz="UTC")


def history(**rhythms: list[float]) -> pd.DataFrame:
    """``person=[days ago, …]`` → a frame of ``person``, ``at``."""
    return pd.DataFrame([(p, NOW - pd.Timedelta(days=d)) for p, days in rhythms.items() for d in days],
                        columns=["person", "at"])


def every(step: float, first: float = 1.0, n: int = 20) -> list[float]:
    return [first + step * k for k in range(n)]


def test_rhythm_not_rank_decides_the_layer():
    strength = pd.Series({"once": 99.0, "weekly": 80.0, "fortnightly": 70.0, "monthly": 60.0, "quarterly": 50.0,
                          "none": 40.0})
    h = history(once=[2.0], weekly=every(7), fortnightly=every(14), monthly=every(30), quarterly=every(91, n=6))
    table = keep_in_touch.layers(strength, h, NOW)
    assert table["layer"].to_dict() == {"once": "acquaintance", "weekly": "inner", "fortnightly": "close",
                                        "monthly": "good", "quarterly": "meaningful", "none": "acquaintance"}
    assert table.loc["weekly", "cadence_days"] == 7 and table.loc["fortnightly", "cadence_days"] == 14
    assert table.loc["once", "evidence"] == "1 contact in the last 540 days"


def test_a_weekly_tie_that_stopped_falls_to_the_layer_it_still_shows():
    # Weekly for a year, then nothing for ten weeks: no longer weekly, still more than quarterly.
    table = keep_in_touch.layers(pd.Series({"x": 90.0}), history(x=every(7, first=70, n=52)), NOW)
    assert table.loc["x", "layer"] == "good"


def test_a_burst_of_messages_is_one_contact():
    # Thirty messages on one afternoon a week ago are one contact, not a weekly rhythm.
    burst = [7 + k / (24 * 60) for k in range(30)]
    table = keep_in_touch.layers(pd.Series({"x": 90.0}), history(x=burst), NOW)
    assert (table.loc["x", "layer"], table.loc["x", "contacts"]) == ("acquaintance", 1)


def test_rank_still_caps_the_layers():
    strength = pd.Series({f"w{i}": 100.0 - i for i in range(8)})
    h = history(**{p: every(7) for p in strength.index})
    table = keep_in_touch.layers(strength, h, NOW)
    assert table["layer"].tolist() == ["inner"] * 5 + ["close"] * 3  # all weekly; only five fit the inner layer
    assert table.index[:5].tolist() == ["w0", "w1", "w2", "w3", "w4"]


def test_acquaintances_get_no_catch_up_nag_unless_asked_for():
    ties = pd.DataFrame({"strength": [90.0, 80.0, 70.0], "days_since": [548, 548, 548]}, index=["met", "asked", "owed"])
    people = pd.DataFrame({"name": ["Met", "Asked", "Owed"], "birth_month": [None] * 3, "birth_day": [None] * 3,
                           "birth_year": [None] * 3, "cadence_days": [None, 180, None], "skills": [[], [], []],
                           "needs": [[], [], []]}, index=ties.index)
    h = history(met=[548.0], asked=[548.0], owed=[548.0])
    q = keep_in_touch.queue(ties, people, NOW.date(), history=h, thanks_owed=pd.Series({"owed": 1})).set_index("person")
    assert "met" not in q.index
    assert q.loc["asked", "reason"] == "Catch up: every 180 days, as you asked; last contact 18 months ago"
    assert q.loc["owed", "reason_kind"] == "thank-you"


def test_layers_need_as_of_with_a_history():
    with pytest.raises(ValueError, match="as_of"):
        keep_in_touch.layers(pd.Series({"x": 1.0}), history(x=[1.0]))


# -- the decay states are thresholds on a probability -------------------------------------------


def test_decay_states_follow_the_stated_probabilities():
    risk = np.array([0.0, 0.49, 0.5, 0.74, 0.75, 0.95, 0.95, 0.95])
    days = np.array([1.0, 1.0, 1.0, 1.0, 1.0, 100.0, 20.0, 40.0])
    gap = np.full(len(risk), 10.0)
    assert list(decay._states(risk, days, gap, 28.0)) == [
        "active", "active", "cooling", "cooling", "at risk", "dormant", "at risk", "dormant"]
    # 0.95 after 20 days is "at risk", not dormant: not yet silent for the horizon (and 3 gaps).
    assert decay.STATE_RISK == {"cooling": 0.5, "at risk": 0.75, "dormant": 0.9}


def test_a_long_silence_alone_does_not_make_a_tie_cool():
    # The old rule called any tie silent for 1.5 usual gaps "cooling", whatever its risk.
    assert decay._states(np.array([0.2]), np.array([30.0]), np.array([10.0]), 28.0)[0] == "active"
