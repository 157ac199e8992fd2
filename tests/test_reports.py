"""Analytics on the demo network, end to end: projection → analytics → reports, and the CLI."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest

from demo import INTENDED_INTRODUCTIONS, PUSHES_LUCK_ID
from graph import projection
from kith import clock
from reports import build, registry, render
from tests.conftest import run_kith


@pytest.fixture(scope="module")
def P(demo_store):
    return projection.load(demo_store)


@pytest.fixture(scope="module")
def as_of():
    return clock.today()  # the demo's history ends today: KITH_TODAY, pinned by conftest


def test_projection_reads_the_whole_graph(P, demo_store):
    counts = demo_store.counts()
    assert P.owner == "me"
    assert len(P.people) == counts["people"] and len(P.knows) == counts["knows"]
    assert P.participation["interaction"].nunique() == counts["interactions"]
    assert (P.pairs["a"] < P.pairs["b"]).all()


def test_introductions_find_the_planted_pairs_and_not_the_wrong_ones(P, as_of):
    found = build.intros(P, as_of, top=20)
    pairs = {frozenset(p) for p in zip(found["a"], found["b"])}
    planted = {frozenset((a, b)) for a, b, _ in INTENDED_INTRODUCTIONS}
    assert len(pairs & planted) >= 5, found[["a_name", "b_name", "score"]]
    knows = {frozenset(p) for p in zip(P.knows["a"], P.knows["b"])}
    introduced = {frozenset(p) for p in zip(P.introductions["a"], P.introductions["b"])}
    assert not pairs & knows and not pairs & introduced
    assert "me" not in set(found["a"]) | set(found["b"])
    assert found["score"].is_monotonic_decreasing
    assert all(len(e) > 80 for e in found["explanation"]) and all(d.startswith("Hi ") for d in found["draft"])


def test_reports_are_deterministic_for_an_as_of(P, as_of):
    for kind in ("intros", "decay", "keep-in-touch", "ledger", "circles"):
        fn = getattr(build, kind.replace("-", "_"))
        first = render.render(kind, fn(P, as_of, top=10), "json", as_of=as_of)
        assert first == render.render(kind, fn(P, as_of, top=10), "json", as_of=as_of), kind
        assert json.loads(first)["items"], f"{kind} report is empty on the demo network"


def test_ledger_flags_the_contact_who_keeps_saying_no(P, as_of):
    table = build.ledger(P, as_of)
    flagged = table[table["push_luck"]]
    assert list(flagged["person"]) == [PUSHES_LUCK_ID]
    assert table["thanks_owed"].sum() >= 1


def test_decay_report_lists_fading_ties(P, as_of):
    table = build.decay(P, as_of, top=30)
    assert set(table["state"]) <= {"cooling", "at risk", "dormant"}
    assert (table["risk"] * table["strength_peak"]).is_monotonic_decreasing
    assert table["reason"].str.len().min() > 10


def test_keep_in_touch_gives_reasons(P, as_of):
    table = build.keep_in_touch(P, as_of, top=50)
    assert not table.empty and table["reason"].str.len().min() > 10
    assert {"thank-you", "birthday-wishes"} & set(table["reason_kind"])


@pytest.mark.parametrize("fmt", ["md", "html", "csv", "json"])
def test_every_format(P, as_of, fmt):
    frame = build.intros(P, as_of, top=3)
    text = render.render("intros", frame, fmt, as_of=as_of)
    first = frame.iloc[0]
    if fmt == "json":
        item = json.loads(text)["items"][0]
        assert {"a", "b", "a_name", "b_name", "score", "complementarity", "explanation"} <= set(item)
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(text)))
        assert rows[0]["a"] == first["a"]
    elif fmt == "html":
        assert text.startswith("<!doctype html>") and "&harr;" in text
    else:
        assert text.startswith("# Introductions worth making") and first["a_name"] in text


def test_cli_report_introduce_and_path(demo_home, tmp_path):
    env = {"KITH_HOME": str(demo_home)}
    out = tmp_path / "intros.html"
    done = run_kith("report", "intros", "--top", "5", "--format", "html", "--out", str(out), env=env)
    assert done.returncode == 0, done.stderr
    assert "<h2>" in out.read_text()
    top = json.loads(run_kith("report", "intros", "--top", "1", "--format", "json", env=env).stdout)["items"][0]
    assert run_kith("introduce", top["a"], top["b"], env=env).returncode == 0
    declined = run_kith("intro", "decline", top["a"], top["b"], "--by", "you", env=env)
    assert declined.returncode == 0, declined.stderr
    again = json.loads(run_kith("report", "intros", "--top", "20", "--format", "json", env=env).stdout)["items"]
    assert (top["a"], top["b"]) not in {(i["a"], i["b"]) for i in again}  # declined is remembered
    path = run_kith("path", top["b"], env=env)
    assert path.returncode == 0 and path.stdout.startswith("1. Alex Morgan → "), path.stdout + path.stderr
    assert run_kith("report", "nonsense", env=env).returncode == 1


def test_the_registry_names_every_report_once_with_its_columns(P, as_of):
    assert set(registry.PLAIN) == {"intros", "decay", "keep-in-touch", "ledger", "circles", "birthdays"}
    for report in registry.REPORTS.values():
        extra = {"description": "python, climbing"} if "description" in report.takes else {}
        frame = report.run(P, as_of, 5, **extra)
        assert tuple(frame.columns) == report.columns, report.name
        assert 0 < len(frame) <= 5, report.name
        assert render.render(report.name, frame, "md", as_of=as_of).startswith(f"# {report.title}\n")
    with pytest.raises(registry.UnknownReport, match="no report 'nonsense'"):
        registry.get("nonsense")


def test_cli_opportunity_and_me(demo_home):
    env = {"KITH_HOME": str(demo_home)}
    done = run_kith("opportunity", "angel investing, climbing", "--top", "3", "--format", "csv", env=env)
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert tuple(rows[0]) == registry.get("opportunity").columns and len(rows) == 3
    assert all(float(a["score"]) >= float(b["score"]) for a, b in zip(rows, rows[1:]))
    nothing = run_kith("opportunity", " , ", env=env)
    assert nothing.returncode == 1 and len(nothing.stderr.strip().splitlines()) == 1, nothing.stderr
    me = run_kith("me", env=env)
    assert me.returncode == 0 and me.stdout.startswith("you are Alex Morgan (me); addresses: "), me.stdout


def test_what_you_did_today_leaves_the_keep_in_touch_queue(demo_home):
    """"Done today" is one rule (reports.build.in_touch_on) for the CLI and the dashboard alike."""
    env = {"KITH_HOME": str(demo_home)}

    def queue() -> list[dict]:
        done = run_kith("report", "keep-in-touch", "--top", "50", "--format", "json", env=env)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)["items"]

    first = queue()[0]
    logged = run_kith("log", first["person"], "--kind", first["reason_kind"], "--channel", "call", env=env)
    assert logged.returncode == 0, logged.stderr
    assert first["person"] not in {item["person"] for item in queue()}
    # The day after, the new interaction counts like any other: they are not due again so soon.
    tomorrow = (clock.today() + timedelta(days=1)).isoformat()
    later = run_kith("report", "keep-in-touch", "--top", "50", "--format", "json", "--as-of", tomorrow, env=env)
    after = {item["person"]: item for item in json.loads(later.stdout)["items"]}
    assert first["person"] not in after or after[first["person"]]["days_since"] <= 1
