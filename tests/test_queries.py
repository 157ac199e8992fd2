"""Every Cypher statement Kith runs is valid Neo4j 5 and runs on the embedded store.

Together these two checks are how we know Kith works on real Neo4j 5 without a
Neo4j server on these machines: Neo4j's own linter (the npm package
@neo4j-cypher/language-support, pinned in tests/cypher_lint) judges the
syntax and deprecations, and ArcadeDB runs the very same text.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from graph import cypher
from graph import queries as Q
from graph.examples import examples
from tests.test_store import small_network

ROOT = Path(__file__).resolve().parents[1]
LINTER = ROOT / "tests" / "cypher_lint" / "lint.mjs"
T = datetime(2025, 5, 1, tzinfo=timezone.utc)


def schema_examples() -> dict[str, str]:
    """The example queries in graph/SCHEMA.md, named for the linter's report."""
    return {f"SCHEMA.md: {heading}": query for heading, query in examples().items()}


def lint(named: dict[str, str]) -> dict[str, list[dict]]:
    if shutil.which("node") is None or not (LINTER.parent / "node_modules").exists():
        pytest.fail("the Cypher linter is not installed: run `make install-dev`")
    payload = json.dumps([{"name": k, "query": v} for k, v in named.items()])
    done = subprocess.run(["node", str(LINTER)], input=payload, capture_output=True, text=True, timeout=300, check=True)
    return {r["name"]: r["diagnostics"] for r in json.loads(done.stdout)}


def test_linter_catches_errors_and_deprecations():
    """The check below is only worth something if the linter really complains."""
    found = lint({"broken": "MATCH (p:Person RETURN p", "deprecated": "MATCH (n) RETURN id(n)",
                  "fine": "MATCH (p:Person {id: $id}) RETURN p.name AS name"})
    assert [d["severity"] for d in found["broken"]] == ["error"]
    assert [d["severity"] for d in found["deprecated"]] == ["warning"]
    assert found["fine"] == []


def test_every_statement_is_clean_neo4j_5():
    statements = {**Q.statements(), **schema_examples()}
    assert len(schema_examples()) >= 10
    problems = {name: diags for name, diags in lint(statements).items()
                if any(d["severity"] in ("error", "warning") for d in diags)}
    assert problems == {}


# Sample parameters for each statement: a new statement must add its own here.
PARAMS = {
    "CREATE_PEOPLE": {"rows": [{"id": "zn", "props": {"id": "zn", "name": "Zed New", "name_key": "zed new"}}]},
    "CREATE_SOURCES": {"rows": [{"id": "google:y", "person": "ana", "source": "google", "file": "f.csv", "line": 3,
                                 "fields": "{}"}], "at": T},
    "UPSERT_PEOPLE": {"rows": [{"id": "zz", "props": {"name": "Zed Zed", "name_key": "zed zed"}}]},
    "TAG_PEOPLE": {"rows": [{"person": "ana", "id": "tag:x", "name": "x"}]},
    "ADD_SKILLS": {"rows": [{"person": "ana", "id": "skill:x", "name": "x"}]},
    "ADD_NEEDS": {"rows": [{"person": "ana", "id": "skill:y", "name": "y"}]},
    "ADD_INTERESTS": {"rows": [{"person": "ana", "id": "interest:x", "name": "x"}]},
    "UNTAG_PEOPLE": {"rows": [{"person": "ana", "id": "tag:school", "name": "school"}]},
    "REMOVE_SKILLS": {"rows": [{"person": "cy", "id": "skill:hiring", "name": "hiring"}]},
    "REMOVE_NEEDS": {"rows": [{"person": "bo", "id": "skill:hiring", "name": "hiring"}]},
    "REMOVE_INTERESTS": {"rows": [{"person": "bo", "id": "interest:jazz", "name": "jazz"}]},
    "PENDING_ASKS": {"person": "cy"},
    "FAVOR_WITH": {"id": "f1"},
    "SET_FAVOR_STATUS": {"id": "f1", "status": "yes"},
    "UNLINK_KNOWS": {"a": "cy", "b": "ana"},
    "LINK_KNOWS": {"rows": [{"a": "ana", "b": "cy", "since": date(2020, 1, 1), "context": "c", "source": "s"}]},
    "LOG_INTERACTIONS": {"rows": [{"id": "iz", "at": T, "participants": ["me", "cy"], "channel": "call",
                                   "kind": "catch-up", "summary": None, "source": None,
                                   "initiated_by": "me"}]},
    "RECORD_FAVORS": {"rows": [{"id": "fz", "at": T, "person": "cy", "direction": "given", "kind": "advice",
                                "status": "yes", "note": None}]},
    "RECORD_INTRODUCTIONS": {"rows": [{"id": "nz", "at": T, "a": "bo", "b": "cy", "made_by": "me",
                                       "status": "made", "outcome": "good", "note": None, "declined_by": None,
                                       "why": None, "skipped_opt_in": None, "asked_a_at": T, "a_agreed_at": T,
                                       "asked_b_at": T, "agreed_at": T, "made_at": T, "declined_at": None,
                                       "outcome_at": T}]},
    "RECORD_EMPLOYMENTS": {"rows": [{"person": "cy", "org_id": "org:z", "org_name": "Z", "title": "CEO",
                                     "since": None, "until": None}]},
    "RECORD_STUDIES": {"rows": [{"person": "cy", "school_id": "school:z", "school_name": "Z", "degree": None,
                                 "since": None, "until": None}]},
    "RECORD_ATTENDANCES": {"rows": [{"person": "cy", "event_id": "event:z", "event_name": "Z", "at": None,
                                     "location": None}]},
    "CREATE_INTERACTIONS": {"rows": [{"id": "iy", "at": T, "participants": ["me", "cy"], "channel": "call",
                                      "kind": "catch-up", "summary": None, "source": "s", "initiated_by": "me",
                                      "hash": "h"}]},
    "SET_INTERACTION_HASHES": {"rows": [{"id": "i1", "hash": "h"}]},
    "INTERACTION_HASHES": {"sources": ["s"]},
    "RECORD_SOURCES": {"rows": [{"id": "google:x", "person": "ana", "source": "google", "file": "f.csv", "line": 2,
                                 "at": T, "fields": "{}"}]},
    "RECORD_CHANGES": {"rows": [{"id": "cz", "person": "ana", "field": "title", "old": "CTO", "new": "CEO",
                                 "source": "google:x", "at": T}]},
    "PEOPLE_INDEX": {},
    "SOURCE_RECORDS_INDEX": {},
    "NOT_SAME_PAIRS": {},
    "FORGET_INTERACTIONS": {"id": "ana"},
    "FORGET_LINKS": {"id": "ana"},
    "FORGET_MERGES": {},
    "FORGET_MENTIONS": {"needles": ["souza", "ana@example.com"]},
    "FORGET_REL_MENTIONS": {"needles": ["work"]},
    "FORGET_PERSON": {"id": "ana"},
    "MISSING_PEOPLE": {"ids": ["ana", "ghost"]},
    "GET_PERSON": {"id": "ana"},
    "OWNER": {},
    "SET_OWNER_FLAG": {"id": "ghost"},
    "TOUCH": {"token": "v-test", "at": "2026-12-02T10:00:00+00:00"},
    "STATE_VERSION": {},
    "SEARCH_PEOPLE": {"q": "ana", "limit": 5},
    "FIND_BY_NAME_KEY": {"key": "ana souza"},
    "COUNTS": {},
    "PROJECT_PEOPLE": {},
    "INTRODUCTION_BETWEEN": {"a": "ana", "b": "cy"},
    "INTRODUCTIONS": {},
    "PEOPLE_NAMES": {"ids": ["ana", "cy"]},
    "PROJECT_KNOWS": {},
    "PROJECT_PARTICIPATION": {},
    "PROJECT_TIE": {"owner": "me", "person": "ana"},
    "PROJECT_FAVORS": {},
    "PROJECT_INTRODUCTIONS": {},
    "PROJECT_CHANGES": {},
    "WIPE": {},
    "READY_CHECK": {},
    "PERSON_PROPERTIES": {"id": "ana"},
    "PERSON_RELATIONSHIPS": {"id": "ana"},
    "SET_PERSON_PROPERTIES": {"id": "cy", "props": {"id": "cy", "name": "Cyrus Amini", "met_on": date(2020, 1, 1)}},
    "CREATE_PERSON": {"props": {"id": "zz", "name": "Zed Zed", "emails": ["z@z.org"]}},
    "RECORD_MERGE": {"id": "m1", "at": T, "keep": "ana", "drop": "zz", "keep_name": "Ana Souza",
                     "drop_name": "Zed Zed", "snapshot": "{}"},
    "MERGES": {},
    "MERGE_SNAPSHOT": {"id": "m1"},
    "MARK_MERGE_UNDONE": {"id": "m1", "at": T},
    "RECORD_NOT_SAME": {"a": "bo", "b": "cy"},
    # Inferred ties (kith infer) and the owner's word on them (link, unlink).
    "CLEAR_NOT_KNOWS": {"rows": [{"a": "ana", "b": "cy"}]},
    "REJECT_KNOWS": {"a": "ana", "b": "cy", "at": T},
    "REJECTED_PAIRS": {},
    "DELETE_INFERRED_KNOWS": {},
    "WRITE_INFERRED_KNOWS": {"rows": [{"a": "ana", "b": "cy", "props": {
        "source": "inferred", "confidence": 0.7, "evidence_count": 2, "last_seen": T,
        "evidence": ["2 messages together"], "why": "70% likely", "interactions": ["i2"]}}]},
    "INFERENCE_COUNTS": {"threshold": 0.5},
    "TIE_BETWEEN": {"a": "ana", "b": "bo"},
    "INTERACTIONS_BY_ID": {"ids": ["i1", "i2"]},
    "INITIATED_BY": {"id": "me"},
    "SET_INITIATED_BY": {"ids": ["i1", "i2"], "person": "ana"},
}

# PUT_REL_* and DELETE_REL_* (merging people) take the same rows: start -> end with properties.
_REL_ROWS = {
    "WITH_INTERACTION": ("i3", "cy", {}), "WITH_FAVOR": ("f1", "cy", {}), "INTRODUCED": ("n1", "bo", {}),
    "DESCRIBES": ("google:x", "ana", {}), "OF": ("cz", "ana", {}), "MADE": ("ana", "n1", {}),
    "TAGGED": ("ana", "tag:school", {}), "HAS_SKILL": ("cy", "skill:hiring", {}), "NEEDS": ("bo", "skill:hiring", {}),
    "INTERESTED_IN": ("bo", "interest:jazz", {}), "ATTENDED": ("ana", "event:pycon-uk-2024", {}),
    "WORKS_AT": ("bo", "org:northwind", {"title": "CTO", "since": date(2020, 1, 1)}),
    "STUDIED_AT": ("ana", "school:university-of-leeds", {"degree": "BSc"}),
    "KNOWS": ("cy", "ana", {"since": date(2019, 5, 1), "context": "work"}), "NOT_SAME": ("cy", "ana", {}),
    "NOT_KNOWS": ("cy", "ana", {"at": T}),
}
PARAMS.update({f"{verb}_REL_{kind}": {"rows": [{"start": start, "end": end, "props": props}]}
               for kind, (start, end, props) in _REL_ROWS.items() for verb in ("PUT", "DELETE")})
# kith export: reads of everything, and the CREATE statements a restore runs.
PARAMS.update({"EXPORT_NODES": {}, "EXPORT_RELATIONSHIPS": {}, "LABEL_COUNTS": {}, "REL_COUNTS": {},
               "GRAPH_SIZE": {}})
PARAMS.update({f"RESTORE_{label.upper()}": {"rows": [{"props": {"id": f"restored-{label}", "name": "x"}}]}
               for label in Q.RESTORE_LABELS})
# Forgetting someone: deletes and rewrites by id, one statement per label.
PARAMS.update({f"FORGET_DELETE_{label.upper()}": {"ids": ["i1", "f1", "n1", "ana", "tag:school"]}
               for label in Q.FORGET_LABELS})
PARAMS.update({f"FORGET_SET_{label.upper()}": {"rows": [{"id": "i2", "props": {"summary": "[forgotten]",
                                                                               "initiated_by": None}}]}
               for label in Q.FORGET_LABELS})
PARAMS.update({f"RESTORE_REL_{kind}": {"rows": [{"start": start, "end": end, "props": props}]}
               for kind, (start, end, props) in _REL_ROWS.items()})


@pytest.mark.parametrize("name", sorted(Q.statements()))
def test_statement_runs_on_the_embedded_store(store, name):
    store.load(small_network())
    query = Q.statements()[name]
    params = {} if name.startswith("SCHEMA[") else PARAMS.get(name)
    assert params is not None, f"add sample parameters for {name} to PARAMS"
    with store.session() as s:
        tx = s.begin_transaction()
        try:
            tx.run(query, params).consume()
        finally:
            tx.rollback()


@pytest.mark.parametrize("name", sorted(schema_examples()))
def test_schema_examples_run_on_the_demo(demo_store, name):
    query = schema_examples()[name]
    hub = demo_store.read("MATCH (p:Person)-[:KNOWS]-() RETURN p.name AS name, count(*) AS n ORDER BY n DESC, name LIMIT 1")
    with demo_store.session() as s:
        rows = list(s.run(query, {"name": hub[0]["name"], **cypher.clock_params()}))
    assert rows, f"{name} returned nothing on the demo network"
