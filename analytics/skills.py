"""Skills and needs nobody typed: read from titles, notes, LinkedIn endorsements and your own asks.

Every inferred term comes with where it came from, in words a person reads:

    source        rule                                                    why, for example
    title         the title's words through the documented mapping         from the title Head of Growth
                  (analytics/title_skills.py), seniority removed
    notes         conservative phrases: "wants to learn X", "looking for    from the note "wants to learn Rust"
                  X", "needs X", "hiring a X" (recruiting + the role's
                  skills), "raising a seed round" (fundraising), "job
                  hunting" (job search), "asks about X"; not when negated
                  ("not hiring", "no longer looking for") or past
                  ("was looking for")
    endorsement   distinct endorsers per (person, skill)                   endorsed for Python by 3 people on LinkedIn
    ask           the owner's favors asked (direction "asked"): "advice     you asked Ana Lima for advice about
                  about X", "X advice", or a kind that is a known skill     fundraising on 2026-10-01
    stated        what the person's skills / needs already list            listed as a skill

Terms are normalised (``normalise``): lower case, whitespace collapsed, the trivial singular
("startups" → startup), canonical synonyms ("ML" → machine learning). Precision over recall:
a phrase that is not clearly a skill or a need gives nothing.

>>> skills_from_title("Head of Growth")
[('growth marketing', 'from the title Head of Growth')]
>>> needs_from_notes("Met at RustConf. Wants to learn Rust; not hiring right now.")
[('rust', 'from the note "Wants to learn Rust"')]

Source: the mapping is Kith's own, documented in ``analytics/title_skills.py`` (why not an
occupation taxonomy: ESCO and SOC packages on PyPI need embedding models or are unmaintained).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache

import pandas as pd

from analytics.title_skills import EXPANSIONS, FALLBACK, KEEP_PLURAL, NEED_SYNONYMS, SENIORITY, SYNONYMS, TITLE_SKILLS

COLUMNS = ("person", "kind", "term", "source", "why")
_SPACE = re.compile(r"\s+")


# -- terms -----------------------------------------------------------------------------------------


def _singular(word: str) -> str:
    """``startups`` → startup: a final "s" after a consonant, on words of five letters or more."""
    if (len(word) >= 5 and word.endswith("s") and word not in KEEP_PLURAL and not word.endswith("ics")
            and word[-2].isalpha() and word[-2] not in "saeiou"):
        return word[:-1]
    return word


def normalise(term) -> str:
    """One spelling per term: lower case, whitespace collapsed, trivial singular, canonical synonym.

    >>> [normalise(t) for t in ("  Machine   Learning ", "ML", "Startups", "Sales", "Fund-raising")]
    ['machine learning', 'machine learning', 'startup', 'sales', 'fundraising']
    """
    t = _SPACE.sub(" ", str(term if term is not None else "").strip().lower()).strip(" .,;:!?\"'()[]")
    t = SYNONYMS.get(t, t)
    words = t.split(" ")
    words[-1] = _singular(words[-1])
    t = " ".join(words)
    return SYNONYMS.get(t, t)


_SUFFIXES = ("ations", "ation", "ments", "ment", "ings", "ing", "ists", "ist", "ors", "ers", "or", "er", "s", "e")


def stem(word: str) -> str:
    """A crude stem, so that investor ~ investing ~ investment and engineer ~ engineering.

    Suffixes are stripped while at least four letters remain.

    >>> [stem(w) for w in ("investor", "investing", "investment", "engineer", "engineering")]
    ['invest', 'invest', 'invest', 'engin', 'engin']
    """
    w = word.lower()
    changed = True
    while changed:
        changed = False
        for suffix in _SUFFIXES:
            if w.endswith(suffix) and len(w) - len(suffix) >= 4:
                w, changed = w[: -len(suffix)], True
                break
    return w


def phrase_stems(text: str) -> tuple[str, ...]:
    """The stems of a phrase's words, in order."""
    return tuple(stem(w) for w in re.findall(r"[a-z0-9+#]+", str(text).lower()))


# -- titles ----------------------------------------------------------------------------------------


def clean_title(title) -> str:
    """A title's function words: lower case, separators and punctuation gone, seniority removed.

    >>> clean_title("Sr. Product Manager, Payments"), clean_title("Chief Technology Officer")
    ('product manager payments', 'cto')
    """
    t = str(title or "").lower()
    t = re.sub(r"[^a-z0-9+# ]+", " ", t)
    t = _SPACE.sub(" ", t).strip()
    for phrase, short in EXPANSIONS.items():
        t = re.sub(rf"\b{phrase}\b", short, t)
    for word in SENIORITY:
        t = re.sub(rf"\b{re.escape(word)}\b", " ", t)
    return _SPACE.sub(" ", t).strip()


_VC_ROLE = re.compile(r"\b(?:partner|principal|associate|analyst|investor|investment)\b", re.I)
_VC_FIRM = re.compile(r"\b(?:ventures?|venture capital|vc|capital)\b", re.I)


def _title_terms(title) -> tuple[str, ...]:
    return _title_terms_cached(str(title or ""))


@lru_cache(maxsize=4096)
def _title_terms_cached(text: str) -> tuple[str, ...]:
    parts = re.split(r"\s+at\s+|\s*@\s*", text, maxsplit=1, flags=re.I)
    role, firm = parts[0], parts[1] if len(parts) > 1 else ""
    cleaned = clean_title(role)
    found: list[str] = []
    for pattern, skills in TITLE_SKILLS:
        if re.search(rf"\b(?:{pattern})\b", cleaned):
            found.extend(s for s in skills if s not in found)
    if _VC_ROLE.search(role) and _VC_FIRM.search(firm) and "venture capital" not in found:
        found.append("venture capital")  # "Partner at Acme Ventures"
    if not found:
        for pattern, skills in FALLBACK:
            if re.search(rf"\b(?:{pattern})\b", cleaned):
                found.extend(s for s in skills if s not in found)
    return tuple(found)


def skills_from_title(title) -> list[tuple[str, str]]:
    """(skill, why) for a job title, through the mapping in ``analytics/title_skills.py``.

    The part after " at " is the organisation: only a venture firm there says something
    (a partner, principal or associate at "… Ventures" / "… Capital" does venture capital).

    >>> skills_from_title("Angel Investor")
    [('angel investing', 'from the title Angel Investor'), ('investing', 'from the title Angel Investor')]
    >>> skills_from_title("Partner at Acme Ventures")
    [('venture capital', 'from the title Partner at Acme Ventures')]
    >>> skills_from_title("Account Manager")  # "Manager" alone says nothing; "Account Manager" says sales
    [('sales', 'from the title Account Manager')]
    """
    if not isinstance(title, str) or not title.strip():
        return []
    why = "from the title " + _SPACE.sub(" ", title.strip())
    return [(s, why) for s in _title_terms(title)]


# -- notes -----------------------------------------------------------------------------------------

# The object of a phrase: a few words up to punctuation or a joining word.
_END = (r"(?=\s*(?:[,;!?:()\"\n]|\.(?:\s|$)|$)|\s+(?:and|but|because|so|for|with|since|as|at|in|on|to|by|from"
        r"|who|which|that|when|before|after|next|this|soon|now|if|or|via|like|asap|too|again|right|yet|also)\b)")
_OBJ = r"(?P<x>[a-z0-9][a-z0-9+#.'\- ]*?)" + _END
_OBJ2 = _OBJ.replace("?P<x>", "?P<y>")
_ARTICLES = re.compile(r"^(?:a|an|the|some|more|any|my|our|his|her|their|its|your)\s+", re.I)
_JUNK = frozenset({
    "are", "is", "was", "were", "be", "been", "it", "them", "him", "her", "me", "you", "us", "that", "this",
    "nothing", "anything", "something", "everything", "help", "advice", "time", "someone", "somebody",
    "anyone", "people", "way", "ways", "one", "more", "lot", "bit", "things", "stuff", "freeze", "manager",
    "process", "committee", "a", "an", "the", "do", "get", "go", "see", "know", "how", "what", "why",
})
_NEGATED = re.compile(r"(?:\bnot|n't|\bno longer|\bnever|\bno|\bstopped|\bdone|\bfinished|\bquit)\s+(?:\w+\s+){0,2}$"
                      r"|\b(?:was|were|used to|had been)\s+$", re.I)
_ROLE_NOUN = re.compile(r"(?:er|or|ist|ian|ant|ent|ive|cto|ceo|cfo|coo|cmo|vc)$")

_LEARN = re.compile(r"\b(?:wants?|wanted|would like|'d like|hopes?|hoping|trying|keen|eager|plans?|planning)\s+"
                    r"to\s+learn\s+(?:more\s+about\s+|about\s+|how\s+to\s+)?" + _OBJ, re.I)
_LOOKING = re.compile(r"\b(?:looking|searching)\s+for\s+" + _OBJ, re.I)
_NEEDS_HELP = re.compile(r"\bneeds?\s+(?:some\s+)?(?:help|advice)\s+(?:with|on|about)\s+" + _OBJ, re.I)
_NEEDS = re.compile(r"\bneeds?\s+(?!to\b|help\b|advice\b|some help\b|some advice\b)" + _OBJ, re.I)
_ADVICE = re.compile(r"\b(?:wants?|wanted|would like|needs?|needed|asked|asks|asking|looking for|could use)\s+"
                     r"(?:some\s+|my\s+|our\s+)?(?:advice|help|tips|guidance|pointers|mentoring)\s+"
                     r"(?:on|about|with|regarding)\s+" + _OBJ, re.I)
_ASKS = re.compile(r"\b(?:asks?|asked|asking)\s+(?:me\s+|us\s+|a\s+lot\s+|lots\s+|often\s+)*about\s+" + _OBJ, re.I)
_HIRING = re.compile(r"\b(?:is|are|'s|currently|now|actively)\s+hiring\b(?:\s+(?:an?|some|more|two|three|\d+)\s+"
                     + _OBJ + r"|\s+" + _OBJ2 + r")?", re.I)
_RAISING = re.compile(r"\braising\s+(?:(?:a|an|the|their|his|her|its|our)\s+)?(?:pre-?seed|seed|series\s+[a-e]"
                      r"|round|money|capital|funds?)\b(?:\s+round)?|\b(?:is|are|'s|currently|now)\s+fundraising\b",
                      re.I)
_JOB = re.compile(r"\b(?:job[- ]hunting|job[- ]searching|on the job market|between jobs|open to (?:new )?"
                  r"(?:work|roles|opportunities)|(?:was|got|been) laid off|lost (?:his|her|their) job)\b", re.I)


def _object(raw: str | None) -> str | None:
    """The need an object names, or None when it names nothing clear (too long, a pronoun, …)."""
    if not raw:
        return None
    x = _ARTICLES.sub("", raw.strip().rstrip(".'"))
    x = _ARTICLES.sub("", x)
    words = x.split()
    if not words or len(words) > 4 or words[0].lower() in _JUNK:
        return None
    key = x.lower()
    for k in (key, re.sub(r"^new\s+", "", key)):
        if k in NEED_SYNONYMS:
            return NEED_SYNONYMS[k]
    return normalise(x)


def _role_needs(raw: str | None) -> list[str]:
    """Hiring a role: recruiting, and the skills the role's title maps to."""
    obj = _ARTICLES.sub("", (raw or "").strip())
    if obj.split() and obj.split()[0].lower() in _JUNK:
        return []
    return ["recruiting", *_title_terms(obj)]


def needs_from_notes(notes, vocabulary: Iterable[str] = ()) -> list[tuple[str, str]]:
    """(need, why) from free-text notes about a person; why quotes the phrase.

    What someone wants to learn, wants advice or help on, or asks about is a need, whatever it
    is. What they are "looking for" or "need" is one only when it is a term Kith knows (the
    mapping's skills and synonyms, and ``vocabulary``: e.g. every skill listed in the network)
    or a role ("looking for a designer": recruiting, design; "needs a lawyer": law), so that
    "looking for a place to stay" is not a need.

    >>> needs_from_notes("Is hiring a data scientist. Looking for a new role in fintech.")
    ... # doctest: +NORMALIZE_WHITESPACE
    [('recruiting', 'from the note "Is hiring a data scientist"'),
     ('data science', 'from the note "Is hiring a data scientist"'),
     ('machine learning', 'from the note "Is hiring a data scientist"'),
     ('job search', 'from the note "Looking for a new role"')]
    >>> needs_from_notes("Needs a lawyer for the lease")
    [('law', 'from the note "Needs a lawyer"')]
    >>> needs_from_notes("Endorsed you on LinkedIn for Python. Not looking for a job; looking forward to dinner.")
    []
    """
    if not isinstance(notes, str) or not notes.strip():
        return []
    found: list[tuple[int, str, str]] = []

    def add(m: re.Match, terms: Iterable[str]) -> None:
        clause = re.split(r"[.;!?\n]", notes[max(0, m.start() - 40): m.start()])[-1]
        if _NEGATED.search(clause):
            return
        why = f'from the note "{_SPACE.sub(" ", m.group(0).strip())}"'
        found.extend((m.start(), t, why) for t in terms if t)

    known = known_terms() | {normalise(v) for v in vocabulary}
    for pattern in (_LEARN, _ADVICE, _ASKS, _NEEDS_HELP):
        for m in pattern.finditer(notes):
            add(m, [_object(m.group("x"))])
    for pattern, hiring in ((_LOOKING, True), (_NEEDS, False)):
        for m in pattern.finditer(notes):
            obj = _object(m.group("x"))
            raw = _ARTICLES.sub("", m.group("x").strip())
            if obj and obj == normalise(raw) and _ROLE_NOUN.search(raw.lower()) and _title_terms(raw):
                # "looking for a Rust engineer": hiring; "needs a lawyer": what a lawyer does
                add(m, _role_needs(raw) if hiring else _title_terms(raw))
            elif obj in known:
                add(m, [obj])
    for m in _HIRING.finditer(notes):
        add(m, _role_needs(m.group("x") or m.group("y")))
    for m in _RAISING.finditer(notes):
        add(m, ["fundraising"])
    for m in _JOB.finditer(notes):
        add(m, ["job search"])
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for _, term, why in sorted(found, key=lambda r: r[0]):
        if term not in seen:
            seen.add(term)
            out.append((term, why))
    return out


# -- the owner's asks ------------------------------------------------------------------------------

_ASK_WORDS = r"advice|help|tips|guidance|questions?|mentoring|coaching|pointers|input"
_ASK_ABOUT = re.compile(rf"\b(?:{_ASK_WORDS})\s+(?:on|about|with|for|regarding|re)\s+" + _OBJ, re.I)
_ABOUT = re.compile(r"^\s*(?:about|on|re|regarding|with)\s+" + _OBJ, re.I)
_TOPIC_ASK = re.compile(rf"^\s*(?P<x>[a-z0-9][a-z0-9+#.'\- ]*?)\s+(?:{_ASK_WORDS})\s*$", re.I)


@lru_cache(maxsize=1)
def known_terms() -> frozenset[str]:
    """The terms the mapping knows: every skill a title gives, every canonical synonym."""
    terms = {s for _, skills in TITLE_SKILLS + FALLBACK for s in skills}
    return frozenset(terms | set(SYNONYMS.values()) | set(NEED_SYNONYMS.values()))


def needs_from_asks(favors: pd.DataFrame, names: Mapping | pd.Series | None = None) -> list[tuple[str, str]]:
    """(need, why) from the owner's own asks: favors with ``direction`` "asked".

    ``favors``: columns ``person``, ``direction``, ``kind``, and optionally ``note`` and ``at``;
    ``names``: person id → name, for the explanation. What was asked about is a need of yours:
    "advice" with the note "about fundraising", a kind "fundraising advice" or "advice on
    fundraising", or a kind that is itself a known skill ("fundraising"). An ask for an
    introduction or a review names no topic and gives nothing. Several asks about one topic: the
    latest explains it.

    >>> favors = pd.DataFrame({"person": ["ana"], "direction": ["asked"], "kind": ["advice"],
    ...     "note": ["about fundraising"], "at": [pd.Timestamp("2026-10-01", tz="UTC")]})
    >>> needs_from_asks(favors, {"ana": "Ana Lima"})
    [('fundraising', 'you asked Ana Lima for advice about fundraising on 2026-10-01')]
    """
    if favors is None or favors.empty or "direction" not in favors:
        return []
    asked = favors[favors["direction"] == "asked"]
    if "at" in asked:
        asked = asked.sort_values("at", kind="stable", na_position="first")
    names = names if names is not None else {}
    known = known_terms()
    latest: dict[str, str] = {}
    count: dict[str, int] = {}
    for row in asked.to_dict("records"):
        kind = str(row.get("kind") or "").strip()
        note = row.get("note")
        note = note.strip() if isinstance(note, str) else ""
        topics: list[tuple[str, str]] = []  # (term, how the ask is said)
        m = _ASK_ABOUT.search(kind) or _TOPIC_ASK.match(kind)
        if m and _object(m.group("x")):
            topics.append((_object(m.group("x")), kind))
        elif kind and normalise(kind) in known:
            topics.append((normalise(kind), f"advice about {kind}"))
        for m in [_ABOUT.match(note), *_ASK_ABOUT.finditer(note)]:
            if m and _object(m.group("x")):
                topics.append((_object(m.group("x")), f"{kind or 'help'} about {m.group('x').strip()}"))
        at = row.get("at")
        when = f" on {pd.Timestamp(at).date().isoformat()}" if at is not None and not pd.isna(at) else ""
        who = names.get(row.get("person"), row.get("person")) if hasattr(names, "get") else row.get("person")
        for term, said in dict(topics).items():
            count[term] = count.get(term, 0) + 1
            latest[term] = f"you asked {who} for {said}{when}"
    return [(t, why + (f" (and {count[t] - 1} earlier ask{'s' if count[t] > 2 else ''})" if count[t] > 1 else ""))
            for t, why in latest.items()]


# -- endorsements ----------------------------------------------------------------------------------

_ENDORSED = re.compile(r"Endorsed you on LinkedIn for (?P<skills>[^\n]+)")


def endorsements_from_notes(people: pd.DataFrame, owner_id) -> pd.DataFrame:
    """(person, skill, endorser) rows from what the LinkedIn loader writes in an endorser's notes.

    ``loaders/linkedin_archive.py`` gives the endorser the note "Endorsed you on LinkedIn for
    Python, SQL": the skills are the owner's, each vouched for by that contact.
    """
    rows = []
    if owner_id is not None and "notes" in people:
        for pid, notes in people["notes"].items():
            for m in _ENDORSED.finditer(notes if isinstance(notes, str) else ""):
                rows += [(owner_id, s.strip(), pid) for s in m.group("skills").split(",") if s.strip()]
    return pd.DataFrame(rows, columns=["person", "skill", "endorser"])


def skills_from_endorsements(endorsements: pd.DataFrame, names: Mapping | pd.Series | None = None) -> pd.DataFrame:
    """Skills vouched for on LinkedIn: one row per (person, skill), counting distinct endorsers.

    ``endorsements``: columns ``person`` (who has the skill), ``skill`` (as LinkedIn spells it),
    ``endorser`` (a person id, or None when unknown). Out: ``person``, ``term`` (normalised),
    ``endorsers`` (how many), ``why`` ("endorsed for Python by 3 people on LinkedIn"; one known
    endorser is named when ``names`` has them).

    >>> e = pd.DataFrame({"person": ["me"] * 4, "skill": ["Python", "python", "Python", "SQL"],
    ...                   "endorser": ["a", "b", "c", "a"]})
    >>> skills_from_endorsements(e, {"a": "Ana Lima"})[["term", "why"]].values.tolist()
    [['python', 'endorsed for Python by 3 people on LinkedIn'], ['sql', 'endorsed for SQL by Ana Lima on LinkedIn']]
    """
    columns = ["person", "term", "endorsers", "why"]
    if endorsements is None or endorsements.empty:
        return pd.DataFrame(columns=columns)
    e = endorsements.assign(term=endorsements["skill"].map(normalise))
    e = e[e["term"] != ""]
    names = names if names is not None else {}
    rows = []
    for (person, term), g in e.groupby(["person", "term"], sort=True):
        shown = str(g["skill"].iloc[0]).strip()
        endorsers = [x for x in dict.fromkeys(g["endorser"]) if x is not None and not pd.isna(x)]
        n = max(len(endorsers), 1)
        if n == 1 and endorsers and endorsers[0] in names:
            by = str(names[endorsers[0]])
        else:
            by = f"{n} {'person' if n == 1 else 'people'}"
        rows.append((person, term, n, f"endorsed for {shown} by {by} on LinkedIn"))
    out = pd.DataFrame(rows, columns=columns)
    return out.sort_values(["person", "endorsers", "term"], ascending=[True, False, True], kind="stable",
                           ignore_index=True)


# -- the profile -----------------------------------------------------------------------------------


def _listed(value) -> list:
    return list(value) if isinstance(value, (list, tuple, set, frozenset)) or hasattr(value, "tolist") else []


def infer_profile(people: pd.DataFrame, favors: pd.DataFrame | None, owner_id, *,
                  endorsements: pd.DataFrame | None = None, before: pd.Timestamp | None = None) -> pd.DataFrame:
    """Every skill and need of every person, stated or inferred, with its source and why.

    ``people``: index person id; ``name``, ``title`` and list columns ``skills``, ``needs``, and
    optionally ``notes`` (free text). ``favors``: ``person``, ``direction``, ``kind``, optionally
    ``note``, ``at`` (only asks before ``before`` count, when given). ``endorsements``: (person,
    skill, endorser) rows; without it they are read from the notes LinkedIn endorsers carry
    (``endorsements_from_notes``).

    Out: ``person``, ``kind`` ("skill" / "need"), ``term`` (normalised), ``source`` ("stated",
    "title", "endorsement", "notes", "ask"), ``why``; one row per (person, kind, term, source),
    stated rows first.

    >>> people = pd.DataFrame({"name": ["Me", "Ana"], "title": ["", "Head of Growth"],
    ...     "skills": [[], ["SEO"]], "needs": [[], []], "notes": [None, "Wants to learn Rust"]},
    ...     index=["me", "ana"])
    >>> infer_profile(people, None, "me")[["person", "kind", "term", "source"]].values.tolist()
    ... # doctest: +NORMALIZE_WHITESPACE
    [['ana', 'skill', 'seo', 'stated'], ['ana', 'skill', 'growth marketing', 'title'],
     ['ana', 'need', 'rust', 'notes']]
    """
    rows: list[tuple] = []
    names = people["name"] if "name" in people else pd.Series(dtype=object)
    for pid, p in people.iterrows():
        for col, kind, label in (("skills", "skill", "listed as a skill"), ("needs", "need", "listed as a need")):
            for t in _listed(p.get(col)):
                if normalise(t):
                    rows.append((pid, kind, normalise(t), "stated", label))
    for pid, p in people.iterrows():
        rows += [(pid, "skill", t, "title", why) for t, why in skills_from_title(p.get("title"))]
    if endorsements is None:
        endorsements = endorsements_from_notes(people, owner_id)
    for r in skills_from_endorsements(endorsements, names).itertuples(index=False):
        rows.append((r.person, "skill", r.term, "endorsement", r.why))
    if "notes" in people:
        vocabulary = {t for col in ("skills", "needs", "interests") if col in people
                      for v in people[col] for t in _listed(v)}
        for pid, notes in people["notes"].items():
            rows += [(pid, "need", t, "notes", why) for t, why in needs_from_notes(notes, vocabulary)]
    if owner_id is not None and favors is not None and not favors.empty:
        asks = favors
        if before is not None and "at" in favors:
            asks = favors[favors["at"] < before]
        rows += [(owner_id, "need", t, "ask", why) for t, why in needs_from_asks(asks, names)]
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    return frame.drop_duplicates(["person", "kind", "term", "source"], ignore_index=True)


def with_inferred(people: pd.DataFrame, inferred: pd.DataFrame) -> pd.DataFrame:
    """``people`` with its ``skills`` and ``needs`` lists extended by the inferred terms.

    Stated terms first, as they were spelled; then each inferred term (normalised) not already
    there once normalised. Analytics that read the lists (introductions' complementarity,
    opportunity routing) then see the inferred ones too.

    >>> people = pd.DataFrame({"skills": [["Python"]], "needs": [[]]}, index=["a"])
    >>> inferred = pd.DataFrame({"person": ["a", "a"], "kind": ["skill", "need"], "term": ["python", "rust"],
    ...                          "source": ["endorsement", "notes"], "why": ["", ""]})
    >>> with_inferred(people, inferred)[["skills", "needs"]].values.tolist()
    [[['Python'], ['rust']]]
    """
    out = people.copy()
    for col, kind in (("skills", "skill"), ("needs", "need")):
        extra = inferred[inferred["kind"] == kind].groupby("person", sort=False)["term"].agg(list) \
            if not inferred.empty else pd.Series(dtype=object)
        stated = out[col] if col in out else pd.Series([[] for _ in out.index], index=out.index, dtype=object)
        merged = []
        for pid, have in zip(out.index, stated):
            terms, seen = [], set()
            for t in [*_listed(have), *extra.get(pid, [])]:
                key = normalise(t)
                if key and key not in seen:
                    seen.add(key)
                    terms.append(t)
            merged.append(terms)
        out[col] = pd.Series(merged, index=out.index, dtype=object)
    return out


def explanations(inferred: pd.DataFrame) -> dict[tuple, str]:
    """(person, kind, term) → why, an inferred source preferred over "stated" (it says more)."""
    out: dict[tuple, str] = {}
    if inferred is None or inferred.empty:
        return out
    for r in inferred[inferred["source"] != "stated"].itertuples(index=False):
        out.setdefault((r.person, r.kind, r.term), r.why)
    for r in inferred[inferred["source"] == "stated"].itertuples(index=False):
        out.setdefault((r.person, r.kind, r.term), r.why)
    return out
