"""Reports: compose the analytics over one projection into tables a person reads.

Each function takes a ``Projection`` and an ``as_of`` date and returns a pandas
frame whose columns are the report's; ``render.py`` turns any of them into
Markdown, HTML, CSV or JSON. A report as of a day counts everything up to the end
of that day (``horizon``), so what you did today (a thank-you this morning) clears
today's reminder, and a report for a given graph and date is always the same.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import networkx as nx
import pandas as pd

from analytics import circles as circles_mod
from analytics import decay as decay_mod
from analytics import introductions as intro_mod
from analytics import keep_in_touch as kit
from analytics import ledger as ledger_mod
from analytics import linkpred, opportunities, strength
from analytics import skills as skills_mod
from analytics import ties as ties_mod
from graph.projection import Projection
from reports import registry


def horizon(as_of: date) -> pd.Timestamp:
    """The instant a report as of ``as_of`` counts up to (exclusive): the end of that day, in UTC.

    Not "now": a report is a function of the graph and a date, whatever the hour it runs
    (time is an input). So everything logged on the day counts, and an event in the
    calendar for later that day counts as contact made.

    >>> horizon(date(2026, 12, 2))
    Timestamp('2026-12-03 00:00:00+0000', tz='UTC')
    """
    return pd.Timestamp(datetime.combine(as_of + timedelta(days=1), time.min, tzinfo=timezone.utc))


def start_of(day: date) -> pd.Timestamp:
    return pd.Timestamp(datetime.combine(day, time.min, tzinfo=timezone.utc))


def pairs_before(P: Projection, as_of: date) -> pd.DataFrame:
    """The pairs of participants of every interaction up to the end of ``as_of``."""
    pr = P.pairs
    return pr[pr["at"] < horizon(as_of)]


def _with_owner(frame: pd.DataFrame, owner) -> pd.DataFrame:
    """The rows of a pairs or ties frame (``a``, ``b``) that involve the owner, with ``person``: the other one."""
    mine = frame[(frame["a"] == owner) | (frame["b"] == owner)].copy()
    mine["person"] = mine["a"].where(mine["b"] == owner, mine["b"])
    return mine


def _owner_pairs_before(P: Projection, as_of: date) -> pd.DataFrame:
    """The owner's interactions up to the end of ``as_of``, one row per contact in each (``person``)."""
    return _with_owner(pairs_before(P, as_of), P.owner)


def _contacts_met_with_owner(part: pd.DataFrame, owner) -> pd.DataFrame:
    """Participation rows of contacts (not the owner) in interactions the owner took part in."""
    with_owner = part.loc[part["person"] == owner, "interaction"]
    return part[part["interaction"].isin(with_owner) & (part["person"] != owner)]


def days_between(then: pd.Series, as_of: date) -> pd.Series:
    """Whole calendar days from each instant's (UTC) day to ``as_of``: today 0, yesterday 1."""
    return (start_of(as_of) - then.dt.floor("D")).dt.days


def owner_ties(P: Projection, as_of: date) -> pd.DataFrame:
    """The owner's tie with each contact: strength (0–100), days since, explanation; index person."""
    ties = strength.tie_strength(pairs_before(P, as_of), horizon(as_of), owner=P.owner)
    mine = _with_owner(ties, P.owner)
    mine["days_since"] = days_between(mine["last_contact"], as_of)
    return mine.set_index("person")


MIN_PEAK = 30.0  # a tie that never got stronger than this is not one to mourn
KNOWS_ONLY_STRENGTH = 0.3  # contacts said to know each other, with no history Kith can see
# "Knows" means an inferred tie at least this confident (analytics/ties.py owns the number).
KNOWS_THRESHOLD = ties_mod.KNOWS_THRESHOLD


def known_graph(P: Projection) -> nx.Graph:
    """Who knows whom among contacts, the owner left out: stated ties and inferred ones from
    ``KNOWS_THRESHOLD`` on (``analytics.ties``); edges carry ``confidence``, ``inferred``, ``why``."""
    return ties_mod.known_graph(P.knows, P.people.index, threshold=KNOWS_THRESHOLD, leave_out=P.owner)


def strength_graph(P: Projection, as_of: date) -> nx.Graph:
    """Everyone with every tie weighted 0–1: interaction strength where there is history, else KNOWS.

    A tie said to exist with no history Kith can see counts ``KNOWS_ONLY_STRENGTH`` times its
    confidence: a stated tie 0.30 as ever; an inferred one as likely to carry an introduction as
    it is to exist (0.6 sure: 0.18). Inferred ties below ``KNOWS_THRESHOLD`` are not ties. Where
    the two have history (interactions both were on), the stronger of the two counts, as before.
    Edges of a known tie also carry ``confidence``, ``inferred`` and ``why`` (``analytics.ties``).
    """
    G = nx.Graph()
    G.add_nodes_from(P.people.index)
    for tie in ties_mod.known(P.knows, KNOWS_THRESHOLD).values():
        a, b = tie["a"], tie["b"]
        G.add_edge(a, b, strength=KNOWS_ONLY_STRENGTH * tie["confidence"], confidence=tie["confidence"],
                   inferred=tie["inferred"], why=tie["why"])
    ties = strength.tie_strength(pairs_before(P, as_of), horizon(as_of), owner=P.owner)
    for a, b, s in zip(ties["a"], ties["b"], ties["strength"]):
        G.add_edge(a, b, strength=max(s / 100, G.edges[a, b]["strength"] if G.has_edge(a, b) else 0.0))
    return G


def inferred_profile(P: Projection, as_of: date) -> pd.DataFrame:
    """Everyone's skills and needs, stated or inferred, with where each came from
    (``analytics.skills.infer_profile``; your asks count up to the end of ``as_of``)."""
    return skills_mod.infer_profile(P.people, P.favors, P.owner, before=horizon(as_of))


def intros(P: Projection, as_of: date, top: int = 20) -> pd.DataFrame:
    """Introductions worth making (``analytics.introductions``).

    Who knows whom is stated and inferred ties from ``KNOWS_THRESHOLD`` on: such a pair is never
    suggested. A pair inferred below it (perhaps acquainted) scores ``(1 − confidence)`` times as
    much: an introduction is worth its value only if they do not know each other already, which
    is that likely. Skills and needs are stated and inferred (``inferred_profile``), and a
    suggestion resting on an inferred one says where it came from.
    """
    ties = owner_ties(P, as_of)
    reach = ties["strength"]
    inferred = inferred_profile(P, as_of)
    people = skills_mod.with_inferred(P.people, inferred)
    contacts = {pid: intro_mod.Contact(
        id=pid, name=row["name"], title=_text(row["title"]), company=_text(row["company"]),
        location=_text(row["location"]),
        skills=set(row["skills"]), needs=set(row["needs"]), interests=set(row["interests"]),
        schools=set(row["schools"]), tags=set(row["tags"])) for pid, row in people.iterrows() if pid != P.owner}
    G = known_graph(P)
    maybe = ties_mod.maybe_known(P.knows, KNOWS_THRESHOLD)
    done = {frozenset((a, b)) for a, b in zip(P.introductions["a"], P.introductions["b"])}
    weights = intro_mod.learn_weights(_intro_history(P, contacts, G)) if len(P.introductions) else intro_mod.DEFAULT_WEIGHTS
    model = linkpred.fit_combined(G, seed=0) if G.number_of_edges() >= 20 else None

    def structural(pairs):
        return model.score(G, pairs) if model else linkpred.score(G, pairs, "resource_allocation")

    found = intro_mod.suggest(G, contacts, reach, circles_mod.circles(G, weight=None), structural,
                              done=done, weights=weights, top=top, maybe_known=maybe,
                              sources=skills_mod.explanations(inferred[inferred["source"] != "stated"]))
    return found


def _text(value) -> str | None:
    return value if isinstance(value, str) and value else None


def _intro_history(P: Projection, contacts, G) -> pd.DataFrame:
    """Past introductions with their parts, whether they went well and how much each counts.

    What the suggestions learn from, by the explicit outcome (graph/introductions.py):

    * made, ``good``: a good row; made, ``bad``: a bad one (weight 1 each);
    * made, ``neutral``, or no outcome yet: left out. "It was fine" says nothing about which
      parts make an introduction work, and counting it either way would only add noise;
    * declined by A or B: a bad row at half weight. It was never made, so it is not a bad
      outcome, but the person who knows their own needs best heard why and said no: weak
      evidence against what the suggestion was built on;
    * declined by you (or by nobody recorded, as old records were), still open: left out. You
      changing your mind is not about the pair. Every recorded pair, declined or not, stays
      out of the suggestions (``done`` in ``intros``).
    """
    declined_weight = 0.5
    n = P.introductions
    rows = n[n["a"].isin(contacts) & n["b"].isin(contacts)]
    made = rows["status"].eq("made") & rows["outcome"].isin(("good", "bad"))
    by = rows["declined_by"] if "declined_by" in rows else pd.Series(None, index=rows.index, dtype=object)
    refused = rows["status"].eq("declined") & by.isin(("a", "b"))
    rows = rows[made | refused]
    if rows.empty:
        return pd.DataFrame(columns=[*intro_mod.PARTS, "good", "weight"])
    pairs = list(zip(rows["a"], rows["b"]))
    table = intro_mod.parts(pairs, contacts, circles_mod.circles(G, weight=None),
                            linkpred.score(G, pairs, "resource_allocation"))
    table["good"] = rows["outcome"].eq("good").to_numpy()
    table["weight"] = rows["status"].map({"made": 1.0, "declined": declined_weight}).to_numpy()
    return table


TIE_STATE_COLUMNS = list(registry.TIE_STATE_COLUMNS)


def tie_states(P: Projection, as_of: date) -> pd.DataFrame:
    """Every tie of the owner with its decay state and risk (index: person)."""
    mine = _owner_pairs_before(P, as_of)
    if P.owner is None or mine.empty:
        return pd.DataFrame(columns=TIE_STATE_COLUMNS, index=pd.Index([], name="person"))
    risk = _with_owner(decay_mod.decay_risk(mine[["a", "b", "at"]], horizon(as_of)), P.owner)
    return risk.set_index("person")[TIE_STATE_COLUMNS]


def decay(P: Projection, as_of: date, top: int = 30) -> pd.DataFrame:
    """The owner's valuable ties most at risk of going silent."""
    risk = tie_states(P, as_of).reset_index()
    risk["name"] = P.people["name"].reindex(risk["person"]).to_numpy()
    # What you are about to lose: risky ties that were once worth something, most valuable first.
    risk = risk[(risk["state"] != "active") & (risk["strength_peak"] >= MIN_PEAK)]
    risk = risk.assign(loss=risk["risk"] * risk["strength_peak"]).sort_values(
        ["loss", "person"], ascending=[False, True], kind="stable")
    return risk.head(top)[["person", "name", *TIE_STATE_COLUMNS]].reset_index(drop=True)


def in_touch_on(P: Projection, day: date) -> set[str]:
    """The contacts the owner was in touch with on ``day``: "done today" when ``day`` is today.

    The keep-in-touch report leaves them out (you have just been in touch) and the dashboard
    lists them as done.
    """
    part = P.participation
    on_day = part[(part["at"] >= start_of(day)) & (part["at"] < horizon(day))]
    return set(_contacts_met_with_owner(on_day, P.owner)["person"])


def owner_history(P: Projection, as_of: date) -> pd.DataFrame:
    """When the owner was in touch with each contact (``person``, ``at``), up to ``as_of``: the
    evidence for the keep-in-touch layers (a weekly layer needs weekly contact, not just rank)."""
    return _owner_pairs_before(P, as_of)[["person", "at"]].reset_index(drop=True)


def keep_in_touch(P: Projection, as_of: date, top: int = 30) -> pd.DataFrame:
    """Who is due for contact and why, most pressing first; people already seen on ``as_of`` are done."""
    ties = owner_ties(P, as_of)
    led = ledger(P, as_of)
    thanks = led.set_index("person")["thanks_owed"] if not led.empty else None
    people = skills_mod.with_inferred(P.people, inferred_profile(P, as_of))
    owner_needs = set(people.loc[P.owner, "needs"]) if P.owner in people.index else set()
    queue = kit.queue(ties[["strength", "days_since"]], P.people, as_of, history=owner_history(P, as_of),
                      thanks_owed=thanks, changes=_changes_with_congratulations(P, as_of),
                      owner_needs=owner_needs)
    queue = pd.concat([_thanks_without_history(thanks, ties.index, P.people, queue.columns), queue],
                      ignore_index=True) if thanks is not None else queue
    done = in_touch_on(P, as_of)
    return queue[~queue["person"].isin(done)].head(top).reset_index(drop=True)


def _thanks_without_history(thanks: pd.Series, with_history: pd.Index, people: pd.DataFrame,
                            columns: pd.Index) -> pd.DataFrame:
    """Thank-yous owed to people you have no logged contact with (a favor is all Kith knows of
    them): the tie-based queue cannot see them, yet a thank-you is the most pressing reason there is."""
    owed = thanks[(thanks > 0) & ~thanks.index.isin(with_history)]
    rows = [{"person": pid, "name": people["name"].get(pid), "layer": "no history", "status": "due",
             "reason_kind": "thank-you",
             "reason": f"Say thank you: {int(n)} favor{'s' * (n > 1)} from them not yet thanked",
             "strength": 0.0} for pid, n in owed.items()]
    return pd.DataFrame(rows, columns=columns).astype({"strength": float})


def _changes_with_congratulations(P: Projection, as_of: date) -> pd.DataFrame:
    """Changes seen up to ``as_of`` (a new job title …), each marked ``congratulated`` when a
    congratulations interaction with that person came at or after it."""
    ch = P.changes[P.changes["at"] < horizon(as_of)].copy()
    if ch.empty:
        return ch.assign(congratulated=pd.Series(dtype=bool))
    part = P.participation
    congrats = part[part["kind"].eq("congratulations") & (part["at"] < horizon(as_of))]
    # A merge, not Series.map onto an empty datetime Series: that raises under pandas 3.
    last = congrats.groupby("person", as_index=False)["at"].max().rename(columns={"at": "congratulated_at"})
    ch = ch.merge(last, on="person", how="left")
    ch["congratulated"] = ch["congratulated_at"].notna() & (ch["congratulated_at"] >= ch["at"])
    return ch.drop(columns="congratulated_at")


def ledger(P: Projection, as_of: date, top: int | None = None) -> pd.DataFrame:
    favors = P.favors[P.favors["at"] < horizon(as_of)]
    part = P.participation
    thank = part[part["kind"].eq("thank-you") & (part["at"] < horizon(as_of)) & part["person"].ne(P.owner)]
    table = ledger_mod.ledger(favors, thank[["person", "at"]])
    table.insert(1, "name", P.people["name"].reindex(table["person"]).to_numpy())
    table = table.sort_values(["push_luck", "thanks_owed", "balance"], ascending=[False, False, True],
                              kind="stable").reset_index(drop=True)
    return table if top is None else table.head(top)


def contact_circles(P: Projection, as_of: date, weighted: nx.Graph | None = None) -> tuple[nx.Graph, dict]:
    """Everyone but the owner, tie-weighted (``strength_graph``), and the circles they form.

    The circles report and the dashboard's Network page both start here, so a circle has
    the same people and the same name (``analytics.circles.name_circles``) in both.
    ``weighted``: ``strength_graph(P, as_of)`` when the caller has it already (it is left as it is).
    """
    G = strength_graph(P, as_of) if weighted is None else weighted.copy()
    if P.owner in G:
        G.remove_node(P.owner)
    return G, circles_mod.circles(G)


def circles(P: Projection, as_of: date, top: int = 20) -> pd.DataFrame:
    """Who bridges your circles, best brokers first, each with their circle by name."""
    G, member = contact_circles(P, as_of)
    names = circles_mod.name_circles(member, P.people, G)
    table = circles_mod.brokers(G, k=500 if G.number_of_nodes() > 2000 else None)
    table["circle"] = table["node"].map(member).map(names)
    table["name"] = P.people["name"].reindex(table["node"]).to_numpy()
    table["tags"] = [", ".join(P.people.loc[n, "tags"]) for n in table["node"]]
    table = table[table["degree"] > 0]  # someone tied to no one is in no circle: not a one-person "circle"
    return table.rename(columns={"node": "person"})[
        ["person", "name", "circle", "tags", "betweenness", "constraint", "effective_size", "degree"]].head(top)


BIRTHDAY_DAYS = 30     # how far ahead `kith report birthdays` looks by default
WISHES_EARLY_DAYS = 30  # wishes this long before a birthday count as wishes for it


def birthdays(P: Projection, as_of: date, top: int = 50, days: int = BIRTHDAY_DAYS) -> pd.DataFrame:
    """Birthdays in the ``days`` from ``as_of`` on (today included), soonest first.

    Each with the age they turn when the year is known, their children's names (to ask
    after), the message to send (``birthday-wishes``) and whether you already wished them
    for this birthday: a birthday-wishes interaction with them up to the end of ``as_of``
    and at most ``WISHES_EARLY_DAYS`` before the day (so last year's wishes do not count).
    Someone born on 29 February has their birthday on 28 February in other years
    (``analytics.keep_in_touch.next_birthday``, as the keep-in-touch report and the
    dashboard count it). Across the year end the next occurrence is next year's.
    """
    if days < 0:
        raise ValueError(f"days must be 0 or more, not {days}")
    people = P.people[P.people.index != P.owner]
    coming = kit.upcoming_birthdays(people, as_of, days)
    part = P.participation
    wishes = _contacts_met_with_owner(part[part["kind"].eq("birthday-wishes") & (part["at"] < horizon(as_of))],
                                      P.owner)
    last_wished = wishes.groupby("person")["at"].max()
    children = people["children"] if "children" in people else pd.Series(dtype=object)
    rows = []
    for r in coming.itertuples(index=False):
        wished_at = last_wished.get(r.person)
        kids = children.get(r.person)
        rows.append({
            "person": r.person, "name": r.name, "date": r.date, "in_days": int(r.in_days),
            "turning": None if pd.isna(r.turning) else int(r.turning),
            "children": ", ".join(kids) if isinstance(kids, list) else "",
            "suggest": "birthday-wishes",
            "wished": wished_at is not None and wished_at >= start_of(r.date - timedelta(days=WISHES_EARLY_DAYS)),
        })
    frame = pd.DataFrame(rows, columns=list(registry.get("birthdays").columns))
    # Whole years or nothing: a float column would print 5 as "5.00" and JSON null as NaN.
    frame["turning"] = pd.Series([r["turning"] for r in rows], dtype=object, index=frame.index)
    return frame.head(top)


def opportunity(P: Projection, as_of: date, description: str, top: int = 15) -> pd.DataFrame:
    """Whom to tell about an opening, event or project described by skills, tags or topics."""
    reach = owner_ties(P, as_of)["strength"]
    contacts = P.people[P.people.index != P.owner]
    return opportunities.route(opportunities.terms(description), contacts, reach, top=top,
                               inferred=inferred_profile(P, as_of))
