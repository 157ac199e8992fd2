"""Every Cypher statement Kith runs, in one place.

Each is a module-level string constant. ``statements()`` lists them so the test
suite can put every one through Neo4j's own linter (valid Cypher 5, no
deprecations) and run them on the embedded ArcadeDB server: together that is
how we know Kith works on both back ends.

Rules: values always arrive as ``$parameters``, never formatted into the text;
every node gets all its labels when it is created (ArcadeDB cannot add a
constrained label later in the same transaction); nodes are found by Kith's own
``id``, never by elementId.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

# -- schema: run idempotently at every connect -------------------------------

SCHEMA = [
    "CREATE CONSTRAINT person_id IF NOT EXISTS FOR (n:Person) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT interaction_id IF NOT EXISTS FOR (n:Interaction) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT introduction_id IF NOT EXISTS FOR (n:Introduction) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT favor_id IF NOT EXISTS FOR (n:Favor) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT organization_id IF NOT EXISTS FOR (n:Organization) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT school_id IF NOT EXISTS FOR (n:School) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT event_id IF NOT EXISTS FOR (n:Event) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT skill_id IF NOT EXISTS FOR (n:Skill) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT interest_id IF NOT EXISTS FOR (n:Interest) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT tag_id IF NOT EXISTS FOR (n:Tag) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT source_record_id IF NOT EXISTS FOR (n:SourceRecord) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT change_id IF NOT EXISTS FOR (n:Change) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT merge_id IF NOT EXISTS FOR (n:Merge) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT kith_state_id IF NOT EXISTS FOR (n:KithState) REQUIRE n.id IS UNIQUE",
    "CREATE INDEX person_name_key IF NOT EXISTS FOR (n:Person) ON (n.name_key)",
    "CREATE INDEX person_me IF NOT EXISTS FOR (n:Person) ON (n.me)",
    # No index on Interaction.at or .source: every reader reaches interactions through a
    # person or reads them all, and the two indexes cost ~20% of a large import
    # (benchmarks/bench_import.py: 11.5 s with them, 9.4 s without, on CollegeMsg).
]

# -- writes: each takes a batch as $rows and runs as one UNWIND ----------------

UPSERT_PEOPLE = """
UNWIND $rows AS row
MERGE (p:Person {id: row.id})
SET p += row.props
"""

# People an import creates, which the graph did not hold when the import read it: CREATE is
# faster than MERGE, and if someone wrote one meanwhile the unique id refuses it (the import is
# then written again with UPSERT_PEOPLE: Store.apply_import).
CREATE_PEOPLE = """
UNWIND $rows AS row
CREATE (p:Person {id: row.id})
SET p += row.props
"""


def _attach(label: str, rel: str) -> str:
    """Attach named things (tags, skills, interests) to people: one shared node per name."""
    return f"""
UNWIND $rows AS row
MATCH (p:Person {{id: row.person}})
MERGE (x:{label} {{id: row.id}})
  ON CREATE SET x.name = row.name
MERGE (p)-[:{rel}]->(x)
"""


# One statement per kind of named thing: labels cannot be parameters.
TAG_PEOPLE = _attach("Tag", "TAGGED")
ADD_SKILLS = _attach("Skill", "HAS_SKILL")
ADD_NEEDS = _attach("Skill", "NEEDS")
ADD_INTERESTS = _attach("Interest", "INTERESTED_IN")


def _detach(label: str, rel: str) -> str:
    """Take named things off people (``kith person set --no-skill``); the shared node stays for the others."""
    return f"""
UNWIND $rows AS row
MATCH (:Person {{id: row.person}})-[r:{rel}]->(:{label} {{id: row.id}})
DELETE r
"""


UNTAG_PEOPLE = _detach("Tag", "TAGGED")
REMOVE_SKILLS = _detach("Skill", "HAS_SKILL")
REMOVE_NEEDS = _detach("Skill", "NEEDS")
REMOVE_INTERESTS = _detach("Interest", "INTERESTED_IN")

# An undirected MERGE finds the tie whichever way it was first stored.
LINK_KNOWS = """
UNWIND $rows AS row
MATCH (a:Person {id: row.a})
MATCH (b:Person {id: row.b})
MERGE (a)-[k:KNOWS]-(b)
WITH k, row, k.source = 'inferred' AS confirming
SET k.since = coalesce(k.since, row.since),
    k.context = coalesce(row.context, k.context),
    k.source = CASE WHEN confirming THEN row.source ELSE coalesce(k.source, row.source) END,
    k.confirmed = CASE WHEN confirming THEN true ELSE k.confirmed END
"""

# `kith link` is the owner's word: it takes back a rejection of that pair (UNLINK_KNOWS + REJECT_KNOWS).
CLEAR_NOT_KNOWS = """
UNWIND $rows AS row
MATCH (:Person {id: row.a})-[n:NOT_KNOWS]-(:Person {id: row.b})
DELETE n
"""

LOG_INTERACTIONS = """
UNWIND $rows AS row
MERGE (i:Interaction {id: row.id})
SET i.at = row.at, i.channel = row.channel, i.kind = row.kind,
    i.summary = row.summary, i.source = row.source, i.initiated_by = row.initiated_by
WITH i, row
UNWIND row.participants AS pid
MATCH (p:Person {id: pid})
MERGE (i)-[:WITH]->(p)
"""

RECORD_FAVORS = """
UNWIND $rows AS row
MATCH (p:Person {id: row.person})
MERGE (f:Favor {id: row.id})
SET f.at = row.at, f.direction = row.direction, f.kind = row.kind,
    f.status = row.status, f.note = row.note
MERGE (f)-[:WITH]->(p)
"""

# -- entering favors and ties by hand (kith favor, favor-answer, unlink) ----------

# Newest first: `kith favor-answer` answers the latest ask still waiting.
PENDING_ASKS = """
MATCH (f:Favor {direction: 'asked', status: 'pending'})-[:WITH]->(:Person {id: $person})
RETURN f.id AS id, f.at AS at, f.kind AS kind, f.note AS note
ORDER BY f.at DESC, f.id DESC
"""

FAVOR_WITH = """
MATCH (f:Favor {id: $id})-[:WITH]->(p:Person)
RETURN f.id AS id, f.direction AS direction, f.status AS status, f.kind AS kind, p.id AS person
"""

SET_FAVOR_STATUS = """
MATCH (f:Favor {id: $id})
SET f.status = $status
"""

UNLINK_KNOWS = """
MATCH (:Person {id: $a})-[k:KNOWS]-(:Person {id: $b})
WITH k, k.source = 'inferred' AS inferred
DELETE k
RETURN count(*) AS deleted, sum(CASE WHEN inferred THEN 1 ELSE 0 END) AS inferred
"""

# `kith unlink`: the owner says the two do not know each other; inference never writes that pair
# again (one NOT_KNOWS per pair, whichever way it was first said, like NOT_SAME).
REJECT_KNOWS = """
MATCH (a:Person {id: $a})
MATCH (b:Person {id: $b})
MERGE (a)-[n:NOT_KNOWS]-(b)
SET n.at = coalesce(n.at, $at)
"""

# -- inferred ties (kith infer: kith/usecases.refresh_inferred_ties) ---------------------------
#
# KNOWS {source: 'inferred'} edges are Kith's guess (analytics/inferred_ties.py), rewritten whole
# at each refresh; any other source is someone's word and is never touched by it.

REJECTED_PAIRS = """
MATCH (a:Person)-[:NOT_KNOWS]->(b:Person)
RETURN a.id AS a, b.id AS b
"""

DELETE_INFERRED_KNOWS = """
MATCH (:Person)-[k:KNOWS {source: 'inferred'}]->(:Person)
DELETE k
RETURN count(*) AS deleted
"""

# Never over a stated tie, never for a rejected pair: checked here too, in the writing transaction.
WRITE_INFERRED_KNOWS = """
UNWIND $rows AS row
MATCH (a:Person {id: row.a})
MATCH (b:Person {id: row.b})
WHERE NOT EXISTS { (a)-[:KNOWS]-(b) } AND NOT EXISTS { (a)-[:NOT_KNOWS]-(b) }
CREATE (a)-[k:KNOWS]->(b)
SET k = row.props
RETURN count(k) AS written
"""

INFERENCE_COUNTS = """
CALL () { MATCH ()-[k:KNOWS {source: 'inferred'}]->() RETURN count(k) AS inferred,
          sum(CASE WHEN k.confidence >= $threshold THEN 1 ELSE 0 END) AS known }
CALL () { MATCH ()-[k:KNOWS {confirmed: true}]->() RETURN count(k) AS confirmed }
CALL () { MATCH ()-[n:NOT_KNOWS]->() RETURN count(n) AS rejected }
RETURN inferred, known, confirmed, rejected
"""

# `kith knows A B`: the tie between two people, whatever its source, and a rejection if any.
TIE_BETWEEN = """
MATCH (a:Person {id: $a})
MATCH (b:Person {id: $b})
OPTIONAL MATCH (a)-[k:KNOWS]-(b)
OPTIONAL MATCH (a)-[n:NOT_KNOWS]-(b)
RETURN k {.*} AS tie, n.at AS rejected_at
"""

INTERACTIONS_BY_ID = """
UNWIND $ids AS id
MATCH (i:Interaction {id: id})
RETURN i.id AS id, i.at AS at, i.channel AS channel, i.kind AS kind, i.summary AS summary,
       [(i)-[:WITH]->(p:Person) | p.name] AS people
ORDER BY at DESC, id
"""

RECORD_INTRODUCTIONS = """
UNWIND $rows AS row
MATCH (a:Person {id: row.a})
MATCH (b:Person {id: row.b})
MATCH (m:Person {id: row.made_by})
MERGE (n:Introduction {id: row.id})
SET n.at = row.at, n.status = row.status, n.outcome = row.outcome, n.note = row.note,
    n.declined_by = row.declined_by, n.why = row.why, n.skipped_opt_in = row.skipped_opt_in,
    n.asked_a_at = row.asked_a_at, n.a_agreed_at = row.a_agreed_at, n.asked_b_at = row.asked_b_at,
    n.agreed_at = row.agreed_at, n.made_at = row.made_at, n.declined_at = row.declined_at,
    n.outcome_at = row.outcome_at
MERGE (n)-[ra:INTRODUCED]->(a)
SET ra.role = 'a'
MERGE (n)-[rb:INTRODUCED]->(b)
SET rb.role = 'b'
MERGE (m)-[:MADE]->(n)
"""

RECORD_EMPLOYMENTS = """
UNWIND $rows AS row
MATCH (p:Person {id: row.person})
MERGE (o:Organization {id: row.org_id})
  ON CREATE SET o.name = row.org_name
MERGE (p)-[w:WORKS_AT {title: row.title}]->(o)
SET w.since = row.since, w.until = row.until
"""

RECORD_STUDIES = """
UNWIND $rows AS row
MATCH (p:Person {id: row.person})
MERGE (s:School {id: row.school_id})
  ON CREATE SET s.name = row.school_name
MERGE (p)-[r:STUDIED_AT]->(s)
SET r.degree = row.degree, r.since = row.since, r.until = row.until
"""

RECORD_ATTENDANCES = """
UNWIND $rows AS row
MATCH (p:Person {id: row.person})
MERGE (e:Event {id: row.event_id})
  ON CREATE SET e.name = row.event_name, e.at = row.at, e.location = row.location
MERGE (p)-[:ATTENDED]->(e)
"""

# -- imports: what each source said, what changed, and new interactions ---------


RECORD_SOURCES = """
UNWIND $rows AS row
MATCH (p:Person {id: row.person})
MERGE (r:SourceRecord {id: row.id})
SET r.source = row.source, r.file = row.file, r.line = row.line, r.imported_at = row.at,
    r.fields = row.fields
MERGE (r)-[:DESCRIBES]->(p)
"""

# Source records the graph did not hold when the import read it (as CREATE_PEOPLE). One file's
# records share the time it was imported: $at, sent once per batch rather than in every row (the
# driver takes ~40 µs to encode a date-time: 0.2 s for 5,000 contacts).
CREATE_SOURCES = """
UNWIND $rows AS row
MATCH (p:Person {id: row.person})
CREATE (r:SourceRecord {id: row.id})
SET r.source = row.source, r.file = row.file, r.line = row.line, r.imported_at = $at,
    r.fields = row.fields
CREATE (r)-[:DESCRIBES]->(p)
"""

RECORD_CHANGES = """
UNWIND $rows AS row
MATCH (p:Person {id: row.person})
MERGE (c:Change {id: row.id})
SET c.at = row.at, c.field = row.field, c.old = row.old, c.new = row.new, c.source = row.source
MERGE (c)-[:OF]->(p)
"""

# Interactions the store has never seen: CREATE is much faster than MERGE, and
# the caller has checked the ids are new.
CREATE_INTERACTIONS = """
UNWIND $rows AS row
CREATE (i:Interaction {id: row.id, at: row.at, channel: row.channel, kind: row.kind,
                       summary: row.summary, source: row.source, initiated_by: row.initiated_by,
                       hash: row.hash})
WITH i, row
UNWIND row.participants AS pid
MATCH (p:Person {id: pid})
CREATE (i)-[:WITH]->(p)
"""

SET_INTERACTION_HASHES = """
UNWIND $rows AS row
MATCH (i:Interaction {id: row.id})
SET i.hash = row.hash
"""

# By source rather than by id: one scan of the interactions instead of an index look-up
# per interaction in the file.
INTERACTION_HASHES = """
UNWIND $sources AS source
MATCH (i:Interaction {source: source})
RETURN i.id AS id, i.hash AS hash
"""

PEOPLE_INDEX = """
MATCH (p:Person)
RETURN p {.*,
          tags: [(p)-[:TAGGED]->(t:Tag) | t.name],
          skills: [(p)-[:HAS_SKILL]->(s:Skill) | s.name],
          needs: [(p)-[:NEEDS]->(s:Skill) | s.name],
          interests: [(p)-[:INTERESTED_IN]->(i:Interest) | i.name]} AS props
"""

SOURCE_RECORDS_INDEX = """
MATCH (r:SourceRecord)-[:DESCRIBES]->(p:Person)
RETURN r.id AS id, p.id AS person, r.fields AS fields
"""

NOT_SAME_PAIRS = """
MATCH (a:Person)-[:NOT_SAME]->(b:Person)
RETURN a.id AS a, b.id AS b
"""

# -- projection: the whole graph read once, into what analytics needs ----------

PROJECT_PEOPLE = """
MATCH (p:Person)
RETURN p.id AS id, p.name AS name, coalesce(p.me, false) AS me, p.title AS title,
       p.company AS company, p.location AS location, p.birth_month AS birth_month,
       p.birth_day AS birth_day, p.birth_year AS birth_year, p.cadence_days AS cadence_days,
       coalesce(p.children, []) AS children,
       [(p)-[:HAS_SKILL]->(s:Skill) | s.name] AS skills,
       [(p)-[:NEEDS]->(s:Skill) | s.name] AS needs,
       [(p)-[:INTERESTED_IN]->(i:Interest) | i.name] AS interests,
       [(p)-[:TAGGED]->(t:Tag) | t.name] AS tags,
       [(p)-[:STUDIED_AT]->(s:School) | s.name] AS schools
ORDER BY id
"""

# A stated tie (any source but 'inferred') is certain: confidence 1.
PROJECT_KNOWS = """
MATCH (a:Person)-[k:KNOWS]->(b:Person)
RETURN a.id AS a, b.id AS b, k.since AS since, k.source AS source,
       CASE WHEN k.source = 'inferred' THEN k.confidence ELSE 1.0 END AS confidence,
       k.evidence_count AS evidence_count,
       CASE WHEN k.source = 'inferred' THEN k.why ELSE null END AS why
"""

# One row per participant; pairs are formed in pandas (a self-join is cheaper there).
PROJECT_PARTICIPATION = """
MATCH (i:Interaction)-[:WITH]->(p:Person)
RETURN i.id AS interaction, i.at AS at, i.channel AS channel, i.kind AS kind,
       i.initiated_by AS initiated_by, p.id AS person
"""

# One tie only (`kith person show`): the interactions the owner and one person shared, with
# just the two of them as participants: all a tie's strength depends on.
PROJECT_TIE = """
MATCH (:Person {id: $owner})<-[:WITH]-(i:Interaction)-[:WITH]->(:Person {id: $person})
MATCH (i)-[:WITH]->(q:Person)
WHERE q.id = $owner OR q.id = $person
RETURN i.id AS interaction, i.at AS at, i.channel AS channel, i.kind AS kind,
       i.initiated_by AS initiated_by, q.id AS person
"""

PROJECT_FAVORS = """
MATCH (f:Favor)-[:WITH]->(p:Person)
RETURN f.id AS id, p.id AS person, f.at AS at, f.direction AS direction, f.kind AS kind,
       f.status AS status
"""

# A is the one asked first: the INTRODUCED link's role says which (records from before
# roles existed have none and come in id order). Not ORDER BY before collect: ArcadeDB
# aggregates in match order.
_INTRODUCTION_PAIRS = """
MATCH (m:Person)-[:MADE]->(n:Introduction)-[r:INTRODUCED]->(p:Person)
WITH m, n, collect({role: r.role, id: p.id}) AS ends
WHERE size(ends) = 2
WITH m, n, CASE WHEN ends[0].role = 'b' OR ends[1].role = 'a'
                  OR (ends[0].role IS NULL AND ends[1].role IS NULL AND ends[0].id > ends[1].id)
                THEN [ends[1].id, ends[0].id] ELSE [ends[0].id, ends[1].id] END AS pair
"""

PROJECT_INTRODUCTIONS = _INTRODUCTION_PAIRS + """\
RETURN n.id AS id, pair[0] AS a, pair[1] AS b, m.id AS made_by, n.at AS at, n.status AS status,
       n.outcome AS outcome, n.declined_by AS declined_by
"""

PROJECT_CHANGES = """
MATCH (c:Change)-[:OF]->(p:Person)
RETURN p.id AS person, c.field AS field, c.old AS old, c.new AS new, c.at AS at
"""

# Every introduction with all its properties, newest first (`kith intro list`, the dashboard).
INTRODUCTIONS = _INTRODUCTION_PAIRS + """\
RETURN properties(n) AS props, pair[0] AS a, pair[1] AS b, m.id AS made_by
ORDER BY n.at DESC, n.id
"""

PEOPLE_NAMES = """
MATCH (p:Person)
WHERE p.id IN $ids
RETURN p.id AS id, p.name AS name
"""

# The latest introduction between two people, whichever of them was A.
INTRODUCTION_BETWEEN = """
MATCH (:Person {id: $a})<-[:INTRODUCED]-(n:Introduction)-[:INTRODUCED]->(:Person {id: $b})
MATCH (m:Person)-[:MADE]->(n)-[r:INTRODUCED]->(p:Person)
WITH m, n, collect({role: r.role, id: p.id}) AS ends
WHERE size(ends) = 2
WITH m, n, CASE WHEN ends[0].role = 'b' OR ends[1].role = 'a'
                  OR (ends[0].role IS NULL AND ends[1].role IS NULL AND ends[0].id > ends[1].id)
                THEN [ends[1].id, ends[0].id] ELSE [ends[0].id, ends[1].id] END AS pair
RETURN properties(n) AS props, pair[0] AS a, pair[1] AS b, m.id AS made_by
ORDER BY n.at DESC, n.id DESC
LIMIT 1
"""

# -- forgetting a person (Store.forget; graph/redact.py decides what text names them) ------
#
# Everything is read first, then deleted and rewritten by id, in one transaction: so each count
# Kith reports is of distinct records, the ones it deleted.

# Every interaction they were part of, with who else was there: none but the owner means it was
# only theirs and goes; otherwise it stays, without them.
FORGET_INTERACTIONS = """
MATCH (:Person {id: $id})<-[:WITH]-(i:Interaction)
RETURN DISTINCT i.id AS id, i.summary AS summary, i.initiated_by AS initiated_by,
       [(i)-[:WITH]->(o:Person) WHERE o.id <> $id | {name: o.name, me: coalesce(o.me, false)}] AS others
"""

# Everything linked to them, and how many links the node at the other end has to anything else
# (a tag or an organization no one else has is only about them).
FORGET_LINKS = """
MATCH (p:Person {id: $id})-[r]-(x)
RETURN type(r) AS type, labels(x) AS labels, x.id AS id,
       COUNT { (x)--(o) WHERE o <> p } AS elsewhere
"""

FORGET_MERGES = """
MATCH (m:Merge)
RETURN m.id AS id, m.keep AS keep, m.drop AS drop, m.undone AS undone, m.snapshot AS snapshot
"""

# Any node or relationship with a text property (or a list of texts) that contains one of
# $needles (lower case): what else may name them. An over-approximation; Python decides.
_TEXT_HOLDS = """
  CASE
    WHEN valueType(x[k]) STARTS WITH 'STRING' THEN any(s IN $needles WHERE toLower(x[k]) CONTAINS s)
    WHEN valueType(x[k]) STARTS WITH 'LIST' THEN any(v IN x[k] WHERE valueType(v) STARTS WITH 'STRING'
                                                    AND any(s IN $needles WHERE toLower(v) CONTAINS s))
    ELSE false
  END"""

FORGET_MENTIONS = """
MATCH (x)
WHERE any(k IN keys(x) WHERE""" + _TEXT_HOLDS + """)
RETURN labels(x) AS labels, properties(x) AS props
"""

FORGET_REL_MENTIONS = """
MATCH (a)-[x]->(b)
WHERE any(k IN keys(x) WHERE""" + _TEXT_HOLDS + """)
RETURN type(x) AS type, a.id AS start, labels(a) AS start_labels, b.id AS end, labels(b) AS end_labels,
       properties(x) AS props
"""

# The kinds of node a forget deletes or rewrites by id (labels cannot be parameters):
# FORGET_DELETE_<LABEL> and FORGET_SET_<LABEL>. A null in row.props removes that property.
FORGET_LABELS = ("Interaction", "Favor", "Introduction", "SourceRecord", "Change", "Merge", "Person",
                 "Tag", "Skill", "Interest", "Organization", "School", "Event")
for _label in FORGET_LABELS:
    globals()[f"FORGET_DELETE_{_label.upper()}"] = (
        f"\nUNWIND $ids AS id\nMATCH (n:{_label} {{id: id}})\nDETACH DELETE n\nRETURN count(*) AS deleted\n")
    globals()[f"FORGET_SET_{_label.upper()}"] = (
        f"\nUNWIND $rows AS row\nMATCH (n:{_label} {{id: row.id}})\nSET n += row.props\n")
del _label

# A merge deletes the dropped record with this too.
FORGET_PERSON = """
MATCH (p:Person {id: $id})
DETACH DELETE p
RETURN count(*) AS deleted
"""

# -- merging two records of one person (graph/merge.py plans, Store.merge runs) ---
#
# A merge reads both people whole, moves every relationship of `drop` to `keep`,
# deletes `drop` and keeps a snapshot in a (:Merge) node; undo replays the
# snapshot. Relationship types and labels cannot be parameters (and APOC is not
# there on ArcadeDB), so each kind of relationship has its own pair of
# statements: PUT_REL_* makes sure the relationship exists with exactly
# row.props, DELETE_REL_* removes it. Rows name both ends by Kith id
# (row.start -> row.end, in the stored direction).

PERSON_PROPERTIES = """
MATCH (p:Person {id: $id})
RETURN properties(p) AS props
"""

# Every relationship, whatever its type, so that nothing can be lost unseen.
PERSON_RELATIONSHIPS = """
MATCH (p:Person {id: $id})-[r]-(o)
RETURN type(r) AS type, startNode(r) = p AS out, o.id AS other, labels(o) AS labels,
       properties(r) AS props
"""

# Interaction.initiated_by holds a person id as a value, not a relationship: it
# follows the merge too.
INITIATED_BY = """
MATCH (:Person {id: $id})<-[:WITH]-(i:Interaction)
WHERE i.initiated_by = $id
RETURN i.id AS id
"""

SET_INITIATED_BY = """
UNWIND $ids AS id
MATCH (i:Interaction {id: id})
SET i.initiated_by = $person
"""

SET_PERSON_PROPERTIES = """
MATCH (p:Person {id: $id})
SET p = $props
"""

CREATE_PERSON = """
CREATE (p:Person)
SET p = $props
"""

RECORD_MERGE = """
CREATE (m:Merge {id: $id, at: $at, keep: $keep, drop: $drop, keep_name: $keep_name,
                 drop_name: $drop_name, snapshot: $snapshot, undone: false})
"""

MERGES = """
MATCH (m:Merge)
RETURN m.id AS id, m.at AS at, m.keep AS keep, m.drop AS drop, m.keep_name AS keep_name,
       m.drop_name AS drop_name, m.undone AS undone
ORDER BY m.at DESC, m.id DESC
"""

MERGE_SNAPSHOT = """
MATCH (m:Merge {id: $id})
RETURN m.snapshot AS snapshot, m.undone AS undone, m.forgotten_at AS forgotten_at
"""

MARK_MERGE_UNDONE = """
MATCH (m:Merge {id: $id})
SET m.undone = true, m.undone_at = $at
"""

# Undirected: one NOT_SAME per pair, whichever way it was first said.
RECORD_NOT_SAME = """
MATCH (a:Person {id: $a})
MATCH (b:Person {id: $b})
MERGE (a)-[:NOT_SAME]-(b)
"""

# The kinds of relationship a merge moves, and the PUT_REL_*/DELETE_REL_* pair each
# one gets. graph/merge.py builds its KINDS from this same table, so a kind of
# relationship cannot be moved without statements to move it, nor the other way round.


@dataclass(frozen=True)
class PersonRel:
    """One kind of relationship a person has, as a merge (and its undo) writes it."""

    type: str
    label: str                    # label of the node at the other end
    person_starts: bool | None    # is the person the start node? None: between two people, either way
    key: tuple[str, ...] = ()     # properties that tell two such relationships apart
    name: str = ""                # PUT_REL_<name>, DELETE_REL_<name>; the type unless two kinds share it

    @property
    def suffix(self) -> str:
        return self.name or self.type

    @property
    def ends(self) -> tuple[str, str]:
        """The labels of the start and end nodes, in the stored direction."""
        if self.person_starts is None:
            return "Person", "Person"
        return ("Person", self.label) if self.person_starts else (self.label, "Person")

    @cached_property
    def put(self) -> str:
        """Make sure ``row.start -[type]-> row.end`` exists, with exactly ``row.props``."""
        start, end = self.ends
        keyed = ", ".join(f"{k}: coalesce(row.props.{k}, '')" for k in self.key)
        return _lines("UNWIND $rows AS row",
                      f"MATCH (s:{start} {{id: row.start}})",
                      f"MATCH (e:{end} {{id: row.end}})",
                      f"MERGE (s)-[r:{self.type}{f' {{{keyed}}}' if keyed else ''}]->(e)",
                      "SET r = row.props")

    @cached_property
    def delete(self) -> str:
        """Remove ``row.start -[type]-> row.end``: with a key, only the one whose key matches ``row.props``."""
        start, end = self.ends
        where = " AND ".join(f"coalesce(r.{k}, '') = coalesce(row.props.{k}, '')" for k in self.key)
        return _lines("UNWIND $rows AS row",
                      f"MATCH (:{start} {{id: row.start}})-[r:{self.type}]->(:{end} {{id: row.end}})",
                      f"WHERE {where}" if where else None,
                      "DELETE r")


def _lines(*lines: str | None) -> str:
    """A statement laid out like the hand-written ones (a line per clause), leaving out None."""
    return "\n" + "".join(f"{line}\n" for line in lines if line is not None)


PERSON_RELS = (
    PersonRel("WITH", "Interaction", False, name="WITH_INTERACTION"),
    PersonRel("WITH", "Favor", False, name="WITH_FAVOR"),
    PersonRel("INTRODUCED", "Introduction", False),
    PersonRel("DESCRIBES", "SourceRecord", False),
    PersonRel("OF", "Change", False),
    PersonRel("MADE", "Introduction", True),
    PersonRel("TAGGED", "Tag", True),
    PersonRel("HAS_SKILL", "Skill", True),
    PersonRel("NEEDS", "Skill", True),
    PersonRel("INTERESTED_IN", "Interest", True),
    PersonRel("ATTENDED", "Event", True),
    # A person can hold several titles at one organization: the title tells the jobs
    # apart, as in RECORD_EMPLOYMENTS (which always writes one, "" when unknown).
    PersonRel("WORKS_AT", "Organization", True, key=("title",)),
    PersonRel("STUDIED_AT", "School", True),
    # Between two people the stored direction means nothing, but undo puts it back as
    # it was: these are directed too, and graph/merge.py picks the direction.
    PersonRel("KNOWS", "Person", None),
    PersonRel("NOT_SAME", "Person", None),
    PersonRel("NOT_KNOWS", "Person", None),
)

# Named constants like every other statement, so statements() hands them to the
# linter and to the test that runs each one: PUT_REL_WITH_INTERACTION, DELETE_REL_KNOWS …
for _rel in PERSON_RELS:
    globals()[f"PUT_REL_{_rel.suffix}"] = _rel.put
    globals()[f"DELETE_REL_{_rel.suffix}"] = _rel.delete
del _rel

# -- reads ----------------------------------------------------------------------

MISSING_PEOPLE = """
UNWIND $ids AS id
OPTIONAL MATCH (p:Person {id: id})
WITH id, p
WHERE p IS NULL
RETURN collect(id) AS missing
"""

GET_PERSON = """
MATCH (p:Person {id: $id})
RETURN p {.*} AS person,
       [(p)-[:TAGGED]->(t:Tag) | t.name] AS tags,
       [(p)-[:HAS_SKILL]->(s:Skill) | s.name] AS skills,
       [(p)-[:NEEDS]->(s:Skill) | s.name] AS needs,
       [(p)-[:INTERESTED_IN]->(i:Interest) | i.name] AS interests,
       [(p)-[w:WORKS_AT]->(o:Organization) | {organization: o.name, title: w.title, since: w.since, until: w.until}] AS jobs,
       [(p)-[r:STUDIED_AT]->(s:School) | {school: s.name, degree: r.degree}] AS schools,
       COUNT { (p)-[:KNOWS]-(:Person) } AS knows,
       COUNT { (p)<-[:WITH]-(:Interaction) } AS interactions,
       [(p)<-[:WITH]-(i:Interaction) | i.at] AS interaction_times
"""

SET_OWNER_FLAG = """
MATCH (p:Person {id: $id})
SET p.me = true
"""

OWNER = """
MATCH (p:Person)
WHERE p.me = true
RETURN p.id AS id, p.name AS name
ORDER BY p.id
LIMIT 1
"""

# $q arrives already folded (lower case, no accents), like name_key.
SEARCH_PEOPLE = """
MATCH (p:Person)
WHERE p.name_key CONTAINS $q
   OR any(e IN coalesce(p.emails, []) WHERE e CONTAINS $q)
   OR any(ph IN coalesce(p.phones, []) WHERE ph CONTAINS $q)
   OR toLower(coalesce(p.company, '')) CONTAINS $q
RETURN p.id AS id, p.name AS name, p.company AS company, p.title AS title,
       p.emails AS emails, coalesce(p.me, false) AS me
ORDER BY p.name_key, p.id
LIMIT $limit
"""

FIND_BY_NAME_KEY = """
MATCH (p:Person {name_key: $key})
RETURN p.id AS id, p.name AS name
ORDER BY p.id
"""

# The change marker: every write transaction Kith commits sets a fresh token on one node, so
# a reader (the dashboard's cache) sees any change, from any process, with one cheap query,
# including edits that leave every count as it was (a new owner, a cadence). A token rather
# than a counter: no read-modify-write inside the writer's transaction.
TOUCH = """
MERGE (k:KithState {id: 'state'})
SET k.version = $token, k.changed_at = $at
"""

STATE_VERSION = """
OPTIONAL MATCH (k:KithState {id: 'state'})
RETURN k.version AS version, k.changed_at AS changed_at
"""

COUNTS = """
CALL () { MATCH (p:Person) RETURN count(p) AS people }
CALL () { MATCH ()-[k:KNOWS]->() RETURN count(k) AS knows }
CALL () { MATCH (i:Interaction) RETURN count(i) AS interactions }
CALL () { MATCH (f:Favor) RETURN count(f) AS favors }
CALL () { MATCH (n:Introduction) RETURN count(n) AS introductions }
CALL () { MATCH (o:Organization) RETURN count(o) AS organizations }
RETURN people, knows, interactions, favors, introductions, organizations
"""

# The embedded server is ready once a real query answers (Bolt listens a second before
# the database exists): the cheapest query that touches the database.
READY_CHECK = """
MATCH (n)
RETURN count(n) AS n
LIMIT 1
"""

# Test support: empties the graph. Only the test suite calls it.
WIPE = """
MATCH (n)
DETACH DELETE n
"""

# -- export and restore (kith/export.py) ------------------------------------------
#
# An export reads every node and every relationship whatever its label or type, so that
# nothing the graph holds can be left out unseen; kith/export.py sorts them into the
# file's arrays. A restore creates them again with CREATE (never MERGE: two records that
# look alike stay two), one statement per label and per kind of relationship, since
# neither can be a parameter.

EXPORT_NODES = """
MATCH (n)
RETURN labels(n) AS labels, properties(n) AS props
"""

EXPORT_RELATIONSHIPS = """
MATCH (a)-[r]->(b)
RETURN type(r) AS type, a.id AS start, labels(a) AS start_labels, b.id AS end, labels(b) AS end_labels,
       properties(r) AS props
"""

LABEL_COUNTS = """
MATCH (n)
UNWIND labels(n) AS label
RETURN label, count(*) AS n
ORDER BY label
"""

REL_COUNTS = """
MATCH ()-[r]->()
RETURN type(r) AS type, count(*) AS n
ORDER BY type
"""

# What a restore needs to be empty: everything but Kith's own bookkeeping (the change marker).
GRAPH_SIZE = """
MATCH (n)
WHERE NOT n:KithState
RETURN count(n) AS nodes
"""

# The labels a restore can create: every node Kith writes has exactly one of these.
RESTORE_LABELS = ("Person", "Interaction", "Favor", "Introduction", "Organization", "School", "Event",
                  "Skill", "Interest", "Tag", "SourceRecord", "Change", "Merge")
for _label in RESTORE_LABELS:
    globals()[f"RESTORE_{_label.upper()}"] = _lines("UNWIND $rows AS row", f"CREATE (n:{_label})",
                                                    "SET n = row.props")
# Every relationship touches a person: PERSON_RELS lists them all (RESTORE_REL_KNOWS …).
for _rel in PERSON_RELS:
    _start, _end = _rel.ends
    globals()[f"RESTORE_REL_{_rel.suffix}"] = _lines("UNWIND $rows AS row",
                                                     f"MATCH (s:{_start} {{id: row.start}})",
                                                     f"MATCH (e:{_end} {{id: row.end}})",
                                                     f"CREATE (s)-[r:{_rel.type}]->(e)",
                                                     "SET r = row.props")
del _label, _rel, _start, _end


def statements() -> dict[str, str]:
    """Every statement in this module by name (schema ones as ``SCHEMA[i]``)."""
    found = {f"SCHEMA[{i}]": q for i, q in enumerate(SCHEMA)}
    for name, value in globals().items():
        if name.isupper() and not name.startswith("_") and isinstance(value, str):  # _FRAGMENTS are parts
            found[name] = value
    return found
