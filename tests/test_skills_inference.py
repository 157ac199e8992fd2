"""Skills and needs nobody typed (analytics/skills.py), and routing that reads titles."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics import opportunities
from analytics import skills as sk
from analytics.title_skills import SYNONYMS, TITLE_SKILLS

T = pd.Timestamp


# -- terms -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw, term", [
    ("  Machine   Learning ", "machine learning"), ("ML", "machine learning"), ("VC", "venture capital"),
    ("Startups", "startup"), ("Sales", "sales"), ("Analytics", "analytics"), ("Kubernetes", "kubernetes"),
    ("Pandas", "pandas"), ("DevOps", "devops"), ("Fund-raising", "fundraising"), ("Python", "python"),
])
def test_normalise(raw, term):
    assert sk.normalise(raw) == term


def test_the_mapping_stays_small_and_canonical():
    assert 30 <= len(TITLE_SKILLS) <= 80
    skills = {s for _, ss in TITLE_SKILLS for s in ss}
    assert all(s == sk.normalise(s) for s in skills), "mapped skills are already canonical"
    assert all(k == k.lower() for k in SYNONYMS)


# -- titles ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("title, skills", [
    ("Head of Growth", ["growth marketing"]),
    ("Senior Software Engineer", ["software engineering"]),
    ("Sr. Backend Developer", ["software engineering"]),
    ("Data Scientist", ["data science", "machine learning"]),
    ("Recruiter", ["recruiting"]),
    ("Talent Partner", ["recruiting"]),
    ("Angel Investor", ["angel investing", "investing"]),
    ("Partner at Acme Ventures", ["venture capital"]),
    ("Principal at Foo Capital", ["venture capital"]),
    ("Product Manager", ["product management"]),
    ("Head of Product", ["product management"]),
    ("Product Designer", ["design"]),
    ("Co-Founder & CEO", ["entrepreneurship", "leadership"]),
    ("Chief Technology Officer", ["software engineering"]),
    ("Chief Financial Officer", ["finance"]),
    ("Account Executive", ["sales"]),
    ("VP Marketing", ["marketing"]),
    ("General Counsel", ["law"]),
    ("Accountant", ["accounting", "finance"]),
    ("Nurse", ["medicine"]),
    ("Associate Professor", ["teaching", "research"]),
    ("Journalist", ["journalism", "writing"]),
    ("HR Business Partner", ["people operations"]),
    ("People Operations Lead", ["people operations"]),
    ("Data Engineer", ["data engineering"]),
    ("Engineer", ["engineering"]),           # a fallback only when nothing finer matched
    ("Sales Engineer", ["sales"]),
    ("Manager", []), ("Associate", []), ("", []), (None, []),
    ("Engineer at Growth Labs", ["engineering"]),  # the organisation says nothing (but a venture firm)
])
def test_skills_from_title(title, skills):
    got = sk.skills_from_title(title)
    assert [s for s, _ in got] == skills
    assert all(why == f"from the title {title.strip()}" for _, why in got)


def test_title_why_names_the_title():
    assert sk.skills_from_title("  Head of   Growth ") == [("growth marketing", "from the title Head of Growth")]


# -- notes -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("notes, needs", [
    ("Wants to learn Rust", [("rust", 'from the note "Wants to learn Rust"')]),
    ("would like to learn more about ML, maybe next year", [("machine learning", None)]),
    ("Looking for a new role in fintech.", [("job search", 'from the note "Looking for a new role"')]),
    ("job hunting since March", [("job search", None)]),
    ("looking for investors", [("fundraising", None)]),
    ("Raising a seed round in spring", [("fundraising", 'from the note "Raising a seed round"')]),
    ("She is fundraising.", [("fundraising", None)]),
    ("Is hiring a designer", [("recruiting", None), ("design", None)]),
    ("They are hiring.", [("recruiting", None)]),
    ("looking for a senior Rust engineer", [("recruiting", None), ("engineering", None)]),
    ("Needs a lawyer for the lease", [("law", None)]),
    ("needs help with SEO", [("seo", None)]),
    ("Asked me about Kubernetes at the meetup", [("kubernetes", 'from the note "Asked me about Kubernetes"')]),
    ("wants advice on hiring", [("recruiting", None)]),
])
def test_needs_from_notes(notes, needs):
    got = sk.needs_from_notes(notes)
    assert [t for t, _ in got] == [t for t, _ in needs]
    for (_, why), (_, expected) in zip(got, needs):
        assert why.startswith('from the note "')
        if expected:
            assert why == expected


@pytest.mark.parametrize("notes", [
    "Endorsed you on LinkedIn for Python, SQL",
    "Not looking for a job.", "no longer looking for a new role", "was looking for a designer last year",
    "isn't hiring", "not hiring right now", "hiring freeze until June", "she was the hiring manager",
    "just raised their seed round", "raising kids in Lisbon", "raised a Series A",
    "looking forward to dinner", "her needs are simple", "needs to call back", "doesn't need help",
    "looking for someone to help", "met at PyCon, great talk on Rust", "", None,
    "looking for a place to stay for a very long weekend in the mountains",
    "looking for a flat", "needs a new laptop", "needs a break",
])
def test_needs_from_notes_is_conservative(notes):
    assert sk.needs_from_notes(notes) == []


def test_needs_from_notes_knows_the_network_vocabulary():
    assert sk.needs_from_notes("looking for Rust mentors") == []
    assert sk.needs_from_notes("looking for Elixir", vocabulary=["Elixir"]) == [
        ("elixir", 'from the note "looking for Elixir"')]


# -- the owner's asks ------------------------------------------------------------------------------


def test_needs_from_asks():
    favors = pd.DataFrame({
        "person": ["ana", "bo", "cy", "ana", "dee", "ed"],
        "direction": ["asked", "asked", "given", "asked", "asked", "asked"],
        "kind": ["advice", "fundraising advice", "advice", "intro to her CTO", "cv review", "recruiting"],
        "note": ["about fundraising", None, "about design", None, None, None],
        "at": [T("2026-09-01", tz="UTC"), T("2026-10-01", tz="UTC"), T("2026-10-02", tz="UTC"),
               T("2026-10-03", tz="UTC"), T("2026-10-04", tz="UTC"), T("2026-10-05", tz="UTC")],
    })
    names = {"ana": "Ana Lima", "bo": "Bo Chen", "ed": "Ed Park"}
    got = dict(sk.needs_from_asks(favors, names))
    assert set(got) == {"fundraising", "recruiting"}  # not design (given), not an intro or a review
    assert got["fundraising"] == "you asked Bo Chen for fundraising advice on 2026-10-01 (and 1 earlier ask)"
    assert got["recruiting"] == "you asked Ed Park for advice about recruiting on 2026-10-05"
    one = dict(sk.needs_from_asks(favors.iloc[:1], names))
    assert one == {"fundraising": "you asked Ana Lima for advice about fundraising on 2026-09-01"}


def test_needs_from_asks_without_note_column_or_asks():
    favors = pd.DataFrame({"id": ["f"], "person": ["ana"], "at": [T("2026-10-01", tz="UTC")],
                           "direction": ["asked"], "kind": ["advice on fundraising"], "status": ["pending"]})
    assert sk.needs_from_asks(favors) == [("fundraising", "you asked ana for advice on fundraising on 2026-10-01")]
    assert sk.needs_from_asks(favors.iloc[:0]) == []


# -- endorsements ----------------------------------------------------------------------------------


def test_skills_from_endorsements_counts_distinct_endorsers():
    e = pd.DataFrame({"person": ["me", "me", "me", "me", "me", "bo"],
                      "skill": ["Python", "python ", "Python", "Python", "SQL", "Design"],
                      "endorser": ["a", "b", "c", "c", "a", None]})
    out = sk.skills_from_endorsements(e, {"a": "Ana Lima"})
    assert out[["person", "term", "endorsers", "why"]].values.tolist() == [
        ["bo", "design", 1, "endorsed for Design by 1 person on LinkedIn"],
        ["me", "python", 3, "endorsed for Python by 3 people on LinkedIn"],
        ["me", "sql", 1, "endorsed for SQL by Ana Lima on LinkedIn"],
    ]
    assert sk.skills_from_endorsements(e.iloc[:0]).empty


def test_endorsements_from_linkedin_notes():
    people = pd.DataFrame({"name": ["Me", "Ana", "Bo"],
                           "notes": [None, "Endorsed you on LinkedIn for Python, SQL", "Endorsed you on LinkedIn for Python"]},
                          index=["me", "ana", "bo"])
    e = sk.endorsements_from_notes(people, "me")
    assert e.values.tolist() == [["me", "Python", "ana"], ["me", "SQL", "ana"], ["me", "Python", "bo"]]
    assert sk.endorsements_from_notes(people.drop(columns="notes"), "me").empty


# -- the profile -----------------------------------------------------------------------------------


def _people():
    return pd.DataFrame({
        "name": ["Me", "Ana Lima", "Bo Chen", "Cy"],
        "title": ["Founder", "Head of Growth", "Angel Investor", None],
        "skills": [["Python"], ["SEO", "growth marketing"], [], []],
        "needs": [[], [], [], ["Rust"]],
        "interests": [[], [], [], []], "tags": [[], [], [], []],
        "notes": [None, "Endorsed you on LinkedIn for Python", "Looking for a new role. Not hiring.",
                  "Wants to learn Rust"],
    }, index=["me", "ana", "bo", "cy"])


def _favors():
    return pd.DataFrame({"id": ["f1", "f2"], "person": ["ana", "bo"],
                         "at": [T("2026-10-01", tz="UTC"), T("2027-01-05", tz="UTC")],
                         "direction": ["asked", "asked"], "kind": ["advice", "design help"],
                         "status": ["yes", "pending"], "note": ["about fundraising", None]})


def test_infer_profile():
    inferred = sk.infer_profile(_people(), _favors(), "me", before=T("2026-12-31", tz="UTC"))
    assert tuple(inferred.columns) == sk.COLUMNS
    rows = {(r.person, r.kind, r.term, r.source): r.why for r in inferred.itertuples(index=False)}
    assert rows[("me", "skill", "python", "stated")] == "listed as a skill"
    assert rows[("me", "skill", "entrepreneurship", "title")] == "from the title Founder"
    assert rows[("me", "skill", "python", "endorsement")] == "endorsed for Python by Ana Lima on LinkedIn"
    assert rows[("me", "need", "fundraising", "ask")] == "you asked Ana Lima for advice about fundraising on 2026-10-01"
    assert ("me", "need", "design", "ask") not in rows  # asked after `before`
    assert rows[("ana", "skill", "growth marketing", "title")] == "from the title Head of Growth"
    assert rows[("ana", "skill", "growth marketing", "stated")] == "listed as a skill"
    assert rows[("bo", "need", "job search", "notes")] == 'from the note "Looking for a new role"'
    assert ("bo", "need", "recruiting", "notes") not in rows
    assert rows[("cy", "need", "rust", "notes")] == 'from the note "Wants to learn Rust"'
    assert not inferred.duplicated(["person", "kind", "term", "source"]).any()
    assert inferred["source"].iloc[0] == "stated"
    # deterministic
    pd.testing.assert_frame_equal(inferred, sk.infer_profile(_people(), _favors(), "me",
                                                            before=T("2026-12-31", tz="UTC")))


def test_infer_profile_without_notes_or_favors():
    people = _people().drop(columns="notes")
    inferred = sk.infer_profile(people, None, "me")
    assert set(inferred["source"]) == {"stated", "title"}


def test_with_inferred_extends_lists_stated_first():
    people = _people()
    out = sk.with_inferred(people, sk.infer_profile(people, _favors(), "me"))
    assert out.loc["me", "skills"] == ["Python", "entrepreneurship"]
    assert out.loc["me", "needs"] == ["fundraising", "design"]
    assert out.loc["ana", "skills"] == ["SEO", "growth marketing"]  # no duplicate from the title
    assert out.loc["cy", "needs"] == ["Rust"]                       # stated spelling kept, no "rust" again
    assert people.loc["me", "skills"] == ["Python"]                 # the input is left alone
    assert list(out.index) == list(people.index) and list(out.columns) == list(people.columns)


# -- routing reads titles --------------------------------------------------------------------------


def test_route_matches_titles_by_mapping_and_stems():
    people = _people()
    ranked = opportunities.route(opportunities.terms("angel investing, growth marketing"), people,
                                 pd.Series({"me": 0, "ana": 50, "bo": 50, "cy": 50}))
    by = dict(zip(ranked["person"], ranked["matches"]))
    assert by["bo"] == "angel investing (title: Angel Investor)"
    assert by["ana"] == "growth marketing (skill)"
    assert "cy" not in by
    assert opportunities.title_match("investor", "Angel Investor")
    assert opportunities.title_match("investing", "Angel Investor")
    assert opportunities.title_match("venture capital", "Partner at Acme Ventures")
    assert not opportunities.title_match("rust", "Angel Investor")


def test_route_with_inferred_says_where():
    people = _people()
    inferred = sk.infer_profile(people, None, "me")
    ranked = opportunities.route({"Rust", "job search"}, people, pd.Series({"bo": 80, "cy": 80}), inferred=inferred)
    by = dict(zip(ranked["person"], ranked["matches"]))
    assert by["bo"] == 'job search (need: from the note "Looking for a new role")'
    assert by["cy"] == 'rust (need: from the note "Wants to learn Rust")'
    # without the inferred rows the note-only need is not seen
    plain = opportunities.route({"job search"}, people, pd.Series({"bo": 80}))
    assert plain.empty
