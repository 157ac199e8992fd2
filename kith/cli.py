"""kith: tend your personal and professional network from the command line.

``make install`` puts it in ``.venv/bin/kith`` (``kith --help``). It is a thin
layer over the library in ``graph/``, ``loaders/`` and ``analytics/``: parse
arguments, call one function, print the answer.
"""

from __future__ import annotations

import contextlib
import json
import re
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from neo4j.exceptions import DriverError, Neo4jError
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress
from rich.table import Table
from rich.text import Text

from graph import cypher
from graph.model import Birthday, Person, new_id, normalize_email, normalize_phone
from graph.server import EmbeddedServer, ServerError
from graph.store import Store
from kith import clock, usecases
from kith.errors import KithError
from loaders.limits import MAX_FILE_BYTES
from loaders.records import FORMATS
from reports import registry, render

app = typer.Typer(help="Kith: your network as a graph. Every command takes --help.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
db_app = typer.Typer(help="Start, stop and inspect the embedded graph store.", no_args_is_help=True)
person_app = typer.Typer(help="Add, show, search and forget people.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(person_app, name="person")

# Terminal control characters (C0 but tab and newline, a lone CR, DEL, C1, bidi overrides): an
# escape sequence in a name could print a live link, retitle the window or rewrite what is shown.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]|\r(?!\n)")


def visible(text: str) -> str:
    """``text`` with terminal control characters shown as escapes (``\\x1b``) instead of obeyed."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


class _Console(Console):
    # Every string a console prints (print, table cells and headers) passes here, so no data
    # reaches the terminal with its control characters working.
    def render_str(self, text: str, **kwargs) -> Text:
        return super().render_str(visible(text), **kwargs)


# What Kith prints holds data (names, phones, notes, file names): `out` never reads Rich markup
# or :emoji: codes in it, so "[/]" as a phone cannot crash an import and "[link=…]" in a name
# cannot print a live link. What `out` prints in colour is a Text; `err` writes Kith's own markup
# around escape()d data.
out = _Console(soft_wrap=True, markup=False, emoji=False)
err = _Console(stderr=True, soft_wrap=True)


def say_error(message: str) -> None:
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False)


def fail(message: str) -> None:
    say_error(message)
    raise typer.Exit(1)


def connect() -> Store:
    try:
        return Store.connect()
    except ServerError as e:
        fail(str(e))
    except (DriverError, Neo4jError, OSError) as e:  # the driver's connection errors, bad credentials …
        fail(f"cannot reach the graph store: {e}")


# -- db --------------------------------------------------------------------------


@db_app.command("start")
def db_start() -> None:
    """Start the embedded store (a no-op if it already runs)."""
    server = EmbeddedServer()
    state = server.start()
    out.print(f"graph store running at {state.uri} (pid {state.pid}, home {server.home})")


@db_app.command("stop")
def db_stop() -> None:
    """Stop the embedded store."""
    server = EmbeddedServer()
    out.print("graph store stopped" if server.stop() else "graph store was not running")


@db_app.command("status")
def db_status() -> None:
    """Say whether the embedded store runs, where, and what it holds."""
    from kith import startup_training

    server = EmbeddedServer()
    state = server.running()
    if state is None:
        lost = server.processes()
        if lost:
            out.print(f"graph store process {', '.join(map(str, lost))} of {server.home} runs, but where it "
                      "listens is lost (java.args is gone): `kith db start` restarts it, `kith db stop` stops it")
        else:
            out.print(f"graph store not running (home {server.home})")
        out.print(startup_training.status(), highlight=False)
        raise typer.Exit(3)
    out.print(f"graph store running at {state.uri} (pid {state.pid}, home {server.home})")
    with connect() as store:
        counts = store.counts()
    out.print(", ".join(f"{v} {k}" for k, v in counts.items()))
    out.print(startup_training.status(), highlight=False)


@db_app.command("cache")
def db_cache() -> None:
    """Make the store's start-up cache by a training run on made-up records (`make install` does)."""
    from kith import startup_training

    out.print("training the store's start-up cache on made-up records …")
    built = startup_training.build()
    out.print(f"start-up cache written: {built.path} ({built.size / 1e6:.0f} MB, {built.seconds:.0f} s)"
              + (f"; {len(built.removed)} older one(s) removed" if built.removed else ""), highlight=False)


@db_app.command("reset-password")
def db_reset_password(
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask first.")] = False,
) -> None:
    """Give the store a new password when KITH_HOME/secret is lost; your data is kept.

    Stops the store if it runs, writes a new secret and makes the store accept it, then starts it.
    If you have a backup of the old secret, restoring it is the smaller change.
    """
    server = EmbeddedServer()
    if not yes and not typer.confirm(f"Give the graph store in {server.home} a new password"
                                     " (stopping it first if it runs)?"):
        raise typer.Exit(1)
    state = server.reset_password()
    out.print(f"new password written to {server.secret_file}; graph store running at {state.uri} (pid {state.pid})")


# -- person ------------------------------------------------------------------------


@person_app.command("add")
def person_add(
    name: Annotated[str, typer.Argument(help="Full name as you say it.")],
    email: Annotated[list[str], typer.Option(help="Email address (repeatable).")] = [],
    phone: Annotated[list[str], typer.Option(help="Phone number (repeatable), any format.")] = [],
    region: Annotated[str, typer.Option(help="Country for phone numbers without a +code.")] = "GB",
    birthday: Annotated[Optional[str], typer.Option(help="YYYY-MM-DD, or --MM-DD without a year.")] = None,
    company: Optional[str] = None,
    title: Optional[str] = None,
    location: Optional[str] = None,
    notes: Optional[str] = None,
    met_how: Annotated[Optional[str], typer.Option(help="How you met (a story).")] = None,
    tag: Annotated[list[str], typer.Option(help="How-met category: ex-colleague, school, family … (repeatable).")] = [],
    skill: Annotated[list[str], typer.Option(help="Something they are good at (repeatable).")] = [],
    need: Annotated[list[str], typer.Option(help="Something they need help with (repeatable).")] = [],
    interest: Annotated[list[str], typer.Option(help="An interest (repeatable).")] = [],
    child: Annotated[list[str], typer.Option(help="A child's name (repeatable).")] = [],
    opener: Annotated[list[str], typer.Option(help="A conversation opener: \"ask about the marathon\" (repeatable).")] = [],
    cadence: Annotated[Optional[int], typer.Option(help="Keep in touch every this many days (overrides the inferred rhythm).")] = None,
    me: Annotated[bool, typer.Option("--me", help="This is you, the owner of the graph.")] = False,
    id: Annotated[Optional[str], typer.Option(help="Use this id instead of a generated one.")] = None,
) -> None:
    """Add a person (or update one, given --id)."""
    try:
        person = Person(
            id=id or ("me" if me else new_id("p")), name=name.strip(), emails=[normalize_email(e) for e in email],
            phones=[normalize_phone(p, region) for p in phone],
            birthday=Birthday.parse(birthday) if birthday else None, company=company, title=title,
            location=location, notes=notes, met_how=met_how, tags=tag, skills=skill, needs=need,
            interests=interest, children=child, openers=opener, me=me, sources=["cli"], cadence_days=cadence,
        )
    except ValueError as e:
        fail(str(e))
    if not person.name:
        fail("the name is empty")
    with connect() as store:
        same_name = usecases.add_person(store, person)
    out.print(f"{person.name} saved as {person.id}")
    if same_name:
        err.print(f"[yellow]warning:[/] {escape(usecases.same_name_hint(person, same_name))}", highlight=False)


@person_app.command("show")
def person_show(
    ref: Annotated[str, typer.Argument(help="An id, a full name or a unique part of one.")],
    health: Annotated[bool, typer.Option("--health", help="Also show health notes (sensitive).")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    as_of: Annotated[Optional[str], typer.Option(help="Tie strength as of this date (default today, or KITH_TODAY).")] = None,
) -> None:
    """Show everything Kith knows about one person, and how strong your tie is."""
    from graph import projection
    from reports.glance import tie_glance

    when = _as_of(as_of)
    with connect() as store:
        details = store.person(store.resolve(ref))
        tie = tie_glance(projection.load_tie(store, details.person.id), details.person.id, when)
    p = details.person
    fields = {
        "id": p.id, "name": p.name, "nickname": p.nickname, "emails": ", ".join(p.emails),
        "phones": ", ".join(p.phones), "links": ", ".join(p.urls),
        "birthday": str(p.birthday) if p.birthday else None, "company": p.company, "title": p.title,
        "location": p.location, "met": "; ".join(x for x in (p.met_how, p.met_where) if x) or None,
        "connected on": p.connected_on.isoformat() if p.connected_on else None,
        "children": ", ".join(p.children), "tags": ", ".join(p.tags), "skills": ", ".join(p.skills),
        "needs": ", ".join(p.needs), "interests": ", ".join(p.interests), "openers": "; ".join(p.openers),
        "cadence": f"every {p.cadence_days} days" if p.cadence_days else None, "notes": p.notes,
        "jobs": "; ".join(f"{j['title'] or '?'} at {j['organization']}" for j in details.jobs),
        "knows": details.knows, "interactions": details.interactions,
        "last seen": details.last_seen.date().isoformat() if details.last_seen else None,
        "tie strength": tie.line(),
        "sources": ", ".join(p.sources),
    }
    if health:
        fields["health notes"] = p.health_notes
    elif p.health_notes:
        fields["health notes"] = "(hidden: pass --health to show)"
    if as_json:
        fields["tie strength"] = {"strength": tie.strength, "explanation": tie.explanation, "as_of": when}
        print(json.dumps({k: v for k, v in fields.items() if v not in (None, "")}, indent=2, default=str))
        return
    table = Table(show_header=False, box=None, padding=(0, 2))
    for key, value in fields.items():
        if value not in (None, ""):
            table.add_row(Text(key, style="bold"), str(value))
    out.print(table)


@person_app.command("set")
def person_set(
    ref: Annotated[str, typer.Argument(help="An id, a full name or a unique part of one.")],
    skill: Annotated[list[str], typer.Option(help="Add something they are good at (repeatable).")] = [],
    no_skill: Annotated[list[str], typer.Option("--no-skill", help="Remove a skill (repeatable).")] = [],
    need: Annotated[list[str], typer.Option(help="Add something they need help with (repeatable).")] = [],
    no_need: Annotated[list[str], typer.Option("--no-need", help="Remove a need (repeatable).")] = [],
    interest: Annotated[list[str], typer.Option(help="Add an interest (repeatable).")] = [],
    no_interest: Annotated[list[str], typer.Option("--no-interest", help="Remove an interest (repeatable).")] = [],
    child: Annotated[list[str], typer.Option(help="Add a child's name (repeatable).")] = [],
    no_child: Annotated[list[str], typer.Option("--no-child", help="Remove a child (repeatable).")] = [],
    opener: Annotated[list[str], typer.Option(help="Add a conversation opener (repeatable).")] = [],
    no_opener: Annotated[list[str], typer.Option("--no-opener", help="Remove an opener (repeatable).")] = [],
    tag: Annotated[list[str], typer.Option(help="Add a how-met tag (repeatable).")] = [],
    no_tag: Annotated[list[str], typer.Option("--no-tag", help="Remove a tag (repeatable).")] = [],
    email: Annotated[list[str], typer.Option(help="Add an email address (repeatable).")] = [],
    no_email: Annotated[list[str], typer.Option("--no-email", help="Remove an email address (repeatable).")] = [],
    phone: Annotated[list[str], typer.Option(help="Add a phone number (repeatable).")] = [],
    no_phone: Annotated[list[str], typer.Option("--no-phone", help="Remove a phone number (repeatable).")] = [],
    region: Annotated[str, typer.Option(help="Country for phone numbers without a +code.")] = "GB",
    health_notes: Annotated[Optional[str], typer.Option(help="Health notes (sensitive; \"\" clears them).")] = None,
    cadence: Annotated[Optional[int], typer.Option(help="Keep in touch every this many days (0 clears).")] = None,
    company: Annotated[Optional[str], typer.Option(help="\"\" clears it (like every text option here).")] = None,
    title: Optional[str] = None,
    location: Optional[str] = None,
    notes: Optional[str] = None,
    birthday: Annotated[Optional[str], typer.Option(help="YYYY-MM-DD, or --MM-DD without a year.")] = None,
) -> None:
    """Change an existing person: add or remove skills, needs, tags …, set or clear a field."""
    from graph.edit import person_edit

    lists = {"skills": (skill, no_skill), "needs": (need, no_need), "interests": (interest, no_interest),
             "children": (child, no_child), "openers": (opener, no_opener), "tags": (tag, no_tag),
             "emails": (email, no_email), "phones": (phone, no_phone)}
    scalars = {"health_notes": health_notes, "cadence_days": cadence, "company": company, "title": title,
               "location": location, "notes": notes, "birthday": birthday}
    edit = person_edit(add={k: v[0] for k, v in lists.items()}, remove={k: v[1] for k, v in lists.items()},
                       set={k: v for k, v in scalars.items() if v is not None}, region=region)
    with connect() as store:
        person_id = store.resolve(ref)
        name = store.person(person_id).person.name
        plan = usecases.edit_person(store, person_id, edit, source="cli")
    if not plan.changes:
        out.print(f"nothing changed for {name} ({person_id})", highlight=False)
        return
    out.print(f"{name} ({person_id}) updated:", highlight=False)
    for line in plan.changes:
        out.print(f"  {line}", highlight=False)


@person_app.command("search")
def person_search(
    text: Annotated[str, typer.Argument(help="Part of a name, email, phone or company.")],
    limit: int = 20,
) -> None:
    """Find people by name, email, phone or company (case and accents ignored)."""
    with connect() as store:
        rows = store.search(text, limit=limit)
    if not rows:
        out.print(f"no one matches {text!r}")
        raise typer.Exit(1)
    print_table(["id", "name", "company", "title"], [[r["id"], r["name"], r["company"], r["title"]] for r in rows])


@person_app.command("forget")
def person_forget(
    ref: Annotated[str, typer.Argument(help="An id, a full name or a unique part of one.")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Forget a person entirely: from the graph, from merge history, and from the store's files.

    Deletes them, the interactions only between you two, their favors, introductions, source
    records and changes; takes their name out of group interactions, merges and any other text;
    then rewrites the embedded store's files so that none of it stays on disk.
    """
    from graph.compact import shred_tree
    from graph.redact import file_pattern
    from kith import uploads as dashboard_uploads

    with connect() as store:
        person_id = store.resolve(ref)
        name = store.person(person_id).person.name
        if not yes and not typer.confirm(f"Forget {name} ({person_id}) and everything about them?"):
            raise typer.Exit(1)
        gone = store.forget(person_id)
        backend = store.backend
    out.print(f"forgot {name} ({person_id})")
    out.print("  deleted: " + ", ".join(f"{n} {what}" for n, what in (
        (gone.people, "person"), (gone.interactions, "private interactions"), (gone.favors, "favors"),
        (gone.introductions, "introductions"), (gone.source_records, "source records"),
        (gone.changes, "changes"), (gone.knows, "ties"), (gone.not_same, "not-same pairs"),
        (gone.named, "tags/skills/organizations only they had"))))
    out.print("  rewritten: " + ", ".join(f"{n} {what}" for n, what in (
        (gone.interactions_redacted, "group interactions without their name"),
        (gone.merges_closed, "merges of their records (that undo is refused from now on)"),
        (gone.merges_redacted, "other merges"), (gone.mentions_redacted, "other records that named them"))))
    # A contact export uploaded to the dashboard earlier may name them: shred what it left behind.
    uploads = sum(shred_tree(folder) for folder in dashboard_uploads.leftovers())
    if uploads:
        out.print(f"  dashboard uploads: {uploads} files overwritten and deleted")
    if backend != "embedded":
        out.print("  the store's files: not rewritten. This graph is on your Neo4j server, whose files are "
                  "its own to compact (deleted records stay in its store files and transaction logs until "
                  "it reuses or prunes them)")
    else:
        out.print("  rewriting the store's files so that nothing of them stays on disk …")
        _compact(file_pattern(gone.traces.file_texts()) if gone.traces else None, "their name, emails or phones")
    out.print("  copies made before (exports, backups) still hold them: Kith cannot reach those")


@db_app.command("compact")
def db_compact(
    check: Annotated[list[str], typer.Option(help="Text that must be in no file afterwards, e.g. the name of "
                                                  "someone you forgot (repeatable); logs holding it are scrubbed.")] = [],
) -> None:
    """Rewrite the embedded store's files from what the graph holds, so deleted records leave no bytes behind.

    `kith person forget` does this itself; run it again if that was interrupted.
    """
    from graph.redact import file_pattern

    with connect() as store:
        backend = store.backend
    if backend != "embedded":
        fail("this graph is on your Neo4j server: its files are the server's to compact, not Kith's")
    _compact(file_pattern(check), "any of " + ", ".join(repr(t) for t in check))


def _compact(pattern, what: str) -> None:
    from graph import compact

    home = EmbeddedServer().home
    done = compact.compact(home, pattern)
    mb = lambda n: f"{n / 1e6:.1f} MB"  # noqa: E731
    out.print(f"  the store's files: rewritten in {done.seconds:.1f}s ({mb(done.bytes_before)} before, "
              f"{mb(done.bytes_after)} after; {done.shredded} old files overwritten and deleted"
              + (f", {done.logs_scrubbed} logs scrubbed" if done.logs_scrubbed else "") + ")")
    if done.found_in:
        fail(f"{len(done.found_in)} files under {home} still hold {what}: {', '.join(done.found_in[:5])}")
    if pattern is not None:
        out.print(f"  checked {done.checked_files} files under {home}: none holds {what}")


# -- log -----------------------------------------------------------------------------


def _when(at: str | None) -> datetime | None:
    """An ``--at`` option: None (now, by kith.clock) when not given."""
    try:
        return datetime.fromisoformat(at) if at else None
    except ValueError:
        fail(f"--at {at!r} is not an ISO date or date-time (e.g. 2026-03-14 or 2026-03-14T18:30)")


@app.command("log")
def log(
    people: Annotated[list[str], typer.Argument(help="Who you were with: ids or names.")],
    kind: Annotated[str, typer.Option(help="catch-up, thank-you, birthday-wishes, advice-asked, congratulations …")] = "catch-up",
    channel: Annotated[str, typer.Option(help="in-person, call, video, email, message …")] = "message",
    summary: Annotated[Optional[str], typer.Option(help="What it was about.")] = None,
    at: Annotated[Optional[str], typer.Option(help="When (ISO date or date-time); default now.")] = None,
) -> None:
    """Log an interaction between you and one or more people."""
    when = _when(at)
    with connect() as store:
        usecases.require_owner(store)  # before resolving names: "no owner" is the first thing to fix
        ids = [store.resolve(p) for p in people]
        interaction = usecases.log_with_owner(store, ids, kind=kind, channel=channel, at=when,
                                              summary=summary, source="cli")
    out.print(f"logged {kind} ({channel}) with {', '.join(ids)} as {interaction.id}")


# -- favors and who knows whom ------------------------------------------------------------


@app.command("favor")
def favor(
    person: Annotated[str, typer.Argument(help="Who (id or name).")],
    given: Annotated[bool, typer.Option("--given", help="You helped them.")] = False,
    received: Annotated[bool, typer.Option("--received", help="They helped you.")] = False,
    asked: Annotated[bool, typer.Option("--asked", help="You asked them for help (answer later with favor-answer).")] = False,
    kind: Annotated[str, typer.Option(help="What: referral, advice, intro, cv review …")] = "",
    status: Annotated[Optional[str], typer.Option(help="pending, yes, no or ignored (default: pending for an ask, else yes).")] = None,
    at: Annotated[Optional[str], typer.Option(help="When (ISO date or date-time); default now.")] = None,
    note: Optional[str] = None,
) -> None:
    """Record a favor between you and someone: given, received or asked."""
    directions = [d for d, on in (("given", given), ("received", received), ("asked", asked)) if on]
    if len(directions) != 1:
        fail("say which way with exactly one of --given, --received, --asked")
    if not kind.strip():
        fail("--kind is required: what the favor was (referral, advice, intro …)")
    when = _when(at)
    with connect() as store:
        usecases.require_owner(store)
        person_id = store.resolve(person)
        done = usecases.record_favor(store, person_id, direction=directions[0], kind=kind, status=status,
                                     at=when, note=note)
    out.print(f"recorded favor {done.direction} ({done.kind}, {done.status}) with {person_id} as {done.id}",
              highlight=False)


@app.command("favor-answer")
def favor_answer(
    person: Annotated[str, typer.Argument(help="Who you asked (id or name).")],
    answer: Annotated[str, typer.Argument(help="yes, no or ignored.")],
    id: Annotated[Optional[str], typer.Option("--id", help="Answer this favor instead of their latest pending ask.")] = None,
) -> None:
    """Record the answer to something you asked: their latest pending ask, or --id."""
    with connect() as store:
        person_id = store.resolve(person)
        favor_id = store.answer_favor(person_id, answer.strip().lower(), id)
    out.print(f"answered {favor_id} ({person_id}): {answer.strip().lower()}", highlight=False)


@app.command("link")
def link(
    a: Annotated[str, typer.Argument(help="One person (id or name).")],
    b: Annotated[str, typer.Argument(help="Someone they know.")],
    context: Annotated[Optional[str], typer.Option(help="How they know each other.")] = None,
    since: Annotated[Optional[str], typer.Option(help="Since when (YYYY-MM-DD).")] = None,
) -> None:
    """Record that two of your contacts know each other."""
    try:
        day = date.fromisoformat(since) if since else None
    except ValueError:
        fail(f"--since {since!r} is not a date (YYYY-MM-DD)")
    with connect() as store:
        ia, ib = store.resolve(a), store.resolve(b)
        usecases.link_people(store, ia, ib, context=context, since=day, source="cli")
    out.print(f"noted: {ia} and {ib} know each other", highlight=False)


@app.command("unlink")
def unlink(
    a: Annotated[str, typer.Argument(help="One person (id or name).")],
    b: Annotated[str, typer.Argument(help="The other.")],
) -> None:
    """Remove a recorded 'knows' between two people."""
    with connect() as store:
        ia, ib = store.resolve(a), store.resolve(b)
        inferred = store.unlink(ia, ib)
    if inferred:
        out.print(f"rejected: Kith will not infer again that {ia} and {ib} know each other", highlight=False)
    else:
        out.print(f"removed: {ia} and {ib} no longer recorded as knowing each other", highlight=False)


@app.command("infer")
def infer() -> None:
    """Infer which of your contacts know each other, from the interactions you shared with them."""
    with connect() as store:
        result = usecases.refresh_inferred_ties(store)
    out.print(result.sentence(), highlight=False)


@app.command("knows")
def knows(
    a: Annotated[str, typer.Argument(help="One person (id or name).")],
    b: Annotated[str, typer.Argument(help="The other.")],
) -> None:
    """Whether two people know each other, and why Kith thinks so."""
    with connect() as store:
        ia, ib = store.resolve(a), store.resolve(b)
        found = store.tie_between(ia, ib)
    tie = found["tie"]
    if tie is None:
        said = " (you said they do not)" if found["rejected_at"] is not None else ""
        out.print(f"{ia} and {ib}: no tie recorded or inferred{said}", highlight=False)
        return
    if tie.get("source") == "inferred":
        out.print(visible(f"{ia} and {ib}: Kith thinks they know each other: {tie.get('why')}"), highlight=False)
    else:
        how = f" ({tie['context']})" if tie.get("context") else ""
        src = " confirmed by you" if tie.get("confirmed") else ""
        out.print(visible(f"{ia} and {ib} know each other{how}: stated ({tie.get('source')}){src}"), highlight=False)
    for line in tie.get("evidence") or []:
        out.print(visible(f"  {line}"), highlight=False)
    for i in found["interactions"]:
        at = i["at"].to_native().date().isoformat() if hasattr(i["at"], "to_native") else str(i["at"])[:10]
        what = i["summary"] or f"{i['kind']} ({i['channel']})"
        out.print(visible(f"  {at}  {what}: {', '.join(sorted(i['people']))}"), highlight=False)


# -- import ----------------------------------------------------------------------------


@app.command("import")
def import_(
    paths: Annotated[list[Path], typer.Argument(help="Files to import (LinkedIn, Google, Outlook, vCard, iCalendar, Kith CSV/JSON, edge lists, mbox mail, WhatsApp and Telegram chats, LinkedIn and Google Takeout zips).", exists=True, dir_okay=False)],
    format: Annotated[Optional[str], typer.Option(help=f"Force a format: {', '.join(FORMATS)}.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would change; write nothing.")] = False,
    default_region: Annotated[Optional[str], typer.Option(
        help="Country for phone numbers without a +code (default: the country of your own phone).")] = None,
    max_size: Annotated[int, typer.Option("--max-size", min=1, help="Refuse a file larger than this many MB "
                                                                   "(mail is streamed: an mbox, or a Takeout's, may be any size).")] = (
        MAX_FILE_BYTES // 2**20),
    no_size_limit: Annotated[bool, typer.Option("--no-size-limit", help="Read files of any size (memory grows with "
                                                                          "them: several times the file).")] = False,
    subjects: Annotated[bool, typer.Option("--subjects", help="mbox: keep each email's subject as its summary "
                                                              "(left out unless asked: they are private).")] = False,
) -> None:
    """Import contacts and history; people already known are merged, not duplicated."""
    from loaders.importer import import_files

    failed = wrote = 0
    max_bytes = None if no_size_limit else max_size * 2**20
    with connect() as store:
        for outcome in import_files(store, paths, format=format, default_region=default_region, dry_run=dry_run,
                                    progress=_progress, max_bytes=max_bytes, mail_subjects=subjects):
            if outcome.error is not None:
                say_error(f"{outcome.error} (nothing from this file was written)")
                failed += 1
            else:
                _print_import(outcome.path, outcome.result)
                # A restore (a Kith export) puts the graph back exactly as it was: nothing is inferred.
                wrote += not outcome.result.dry_run and outcome.result.plan.format != "kith-export"
        if wrote:
            # Who knows whom among your contacts, from what was just imported (`kith infer`).
            inferred = usecases.refresh_inferred_ties(store)
            if inferred.inferred:
                out.print(inferred.sentence(), highlight=False)
    if failed:
        raise typer.Exit(1)


@contextlib.contextmanager
def _progress(path: Path):
    """A progress bar for files big enough to take more than a second (about 1 MB)."""
    if path.stat().st_size < 1_000_000 or not err.is_terminal:
        yield None
        return
    with Progress(*Progress.get_default_columns(), console=err, transient=True) as bar:
        name = escape(visible(path.name))  # a description is markup
        task = bar.add_task(f"writing {name}", total=None)

        def advance(rows: int, total: int) -> None:
            bar.update(task, total=total, advance=rows)

        def reading(done: int, size: int) -> None:  # a streamed file (mbox): how far it is read
            if done >= size:
                bar.reset(task, total=None, description=f"writing {name}")
            else:
                bar.update(task, total=size, completed=done, description=f"reading {name}")

        advance.reading = reading  # loaders.importer.Advance
        yield advance


def _print_import(path: Path, result) -> None:
    plan = result.plan
    head = Text(visible(f"{path} ({plan.format})"))
    if result.dry_run:
        head.append(" dry run: nothing written", style="yellow")
    out.print(head, highlight=False)
    counts = result.summary()
    out.print("  " + ", ".join(f"{v} {k}" for k, v in counts.items()), highlight=False)
    for key, person_id, rule in plan.merges[:10]:
        out.print(f"  merged {key} into {person_id} ({rule})", highlight=False)
    for c in plan.candidates[:10]:
        out.print(f"  possible duplicate: {c.a} ~ {c.b} ({c.reason}, {c.score:.0f}): see `kith merge --list`",
                  highlight=False)
    _print_lines([f"skipped line {line}: {reason}" if line else f"skipped: {reason}" for line, reason in plan.skipped],
                 "skipped")
    # Kept, with one of Kith's bounds applied (loaders/limits.py).
    _print_lines([f"note, line {line}: {note}" for line, note in plan.notes], "notes")


def _print_lines(lines: list[str], what: str, shown: int = 10) -> None:
    for line in lines[:shown]:
        out.print(f"  {line}", highlight=False)
    if len(lines) > shown:
        out.print(f"  … and {len(lines) - shown} more {what}", highlight=False)


# -- export ----------------------------------------------------------------------------


@app.command("export")
def export(
    out_file: Annotated[Optional[str], typer.Option("--out", help="Write to this file (created 0600, readable by you only). Without it, or with -, standard output.")] = None,
    format: Annotated[str, typer.Option(help="json: the whole graph, which `kith import` restores; vcard: your contacts as vCard 4.0.")] = "json",
    include_me: Annotated[bool, typer.Option("--include-me", help="vcard: a card for you too.")] = False,
    health: Annotated[bool, typer.Option("--health", help="vcard: put health notes in the cards' notes (sensitive).")] = False,
) -> None:
    """Your data, to take away: the whole graph as Kith JSON, or your contacts as vCards."""
    from kith import export as X

    if format not in X.FORMATS:
        fail(f"--format {format!r}: choose {', '.join(X.FORMATS)}")
    with connect() as store:
        doc = X.export_document(store)
    if format == "json":
        text, what = X.dumps(doc), X.summary(doc)
    else:
        text = X.vcards(doc, include_me=include_me, health=health)
        what = f"{text.count('BEGIN:VCARD')} contacts as vCard 4.0"
    if out_file in (None, "-"):
        sys.stdout.write(text)
        return
    _write_out(Path(out_file), text)
    out.print(f"exported {what} to {out_file}", highlight=False)


# -- merge ---------------------------------------------------------------------------

# mode -> (fewest arguments, most arguments, usage)
_MERGE_USAGE = {"": (2, 2, "kith merge KEEP DROP"), "--list": (0, 0, "kith merge --list"),
                "--undo": (0, 1, "kith merge --undo [MERGE_ID]"), "--not-same": (2, 2, "kith merge --not-same A B")}


@app.command("merge")
def merge(
    people: Annotated[Optional[list[str]], typer.Argument(
        help="KEEP DROP: the record to keep and the one merged into it (ids or names); "
             "with --undo, a merge id; with --not-same, the two people.", metavar="KEEP DROP",
        show_default=False)] = None,
    list_: Annotated[bool, typer.Option("--list", help="List people who may be the same human.")] = False,
    undo: Annotated[bool, typer.Option("--undo", help="Undo a merge (default: the latest).")] = False,
    not_same: Annotated[bool, typer.Option("--not-same", help="Say two people are different humans.")] = False,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Merge two records of one person (undoable), list candidates, or say two people differ."""
    args = people or []
    modes = [flag for flag, on in (("--list", list_), ("--undo", undo), ("--not-same", not_same)) if on]
    if len(modes) > 1:
        fail(f"use one of {', '.join(modes)} at a time")
    least, most, usage = _MERGE_USAGE[modes[0] if modes else ""]
    if not least <= len(args) <= most:
        fail(f"expected: {usage}")
    with connect() as store:
        if list_:
            _merge_list(store)
        elif undo:
            done = store.undo_merge(args[0] if args else None)
            out.print(f"undid {done.id}: {done.drop_name} ({done.drop}) is back, "
                      f"{done.keep_name} ({done.keep}) as before", highlight=False)
        elif not_same:
            a, b = store.resolve(args[0]), store.resolve(args[1])
            store.not_same(a, b)
            out.print(f"noted: {a} and {b} are different people; they will not be suggested again",
                      highlight=False)
        else:
            _merge_two(store, store.resolve(args[0]), store.resolve(args[1]), yes)


def _merge_list(store: Store) -> None:
    candidates = usecases.merge_candidates(store)  # the same list the dashboard's Import page shows
    if not candidates:
        out.print("no merge candidates")
        return
    # Ids are copied into `kith merge KEEP DROP`: never wrapped or cut, even in 80 columns.
    widest = max(len(c[x]) for c in candidates for x in ("keep", "drop"))
    table = Table("keep", "drop", "names", "why", "evidence")
    for column in table.columns[:2]:
        column.no_wrap, column.min_width = True, widest
    for c in candidates:
        a, b = c["keep_name"], c["drop_name"]
        table.add_row(c["keep"], c["drop"], a if a == b else f"{a} / {b}", f"{c['reason']} ({c['score']:.0f})",
                      c["evidence"])
    out.print(table)
    out.print("merge one pair: kith merge KEEP DROP (undo: kith merge --undo); "
              "different people: kith merge --not-same A B", highlight=False)


def _merge_two(store: Store, keep: str, drop: str, yes: bool) -> None:
    if keep == drop:
        fail(f"both name the same person ({keep})")
    for role, pid in (("keep", keep), ("drop", drop)):
        d = store.person(pid)
        p = d.person
        facts = [x for x in (p.company, p.title, ", ".join(p.emails), ", ".join(p.phones)) if x]
        out.print(f"{role}: {p.name} ({p.id}) {'; '.join(facts)} [{d.interactions} interactions, "
                  f"sources: {', '.join(p.sources) or '-'}]", highlight=False)
    if not yes and not typer.confirm(f"Merge {drop} into {keep}?"):
        raise typer.Exit(1)
    merge_id = store.merge(keep, drop)
    out.print(f"merged {drop} into {keep} as {merge_id}; undo with `kith merge --undo {merge_id}`",
              highlight=False)


# -- me ------------------------------------------------------------------------------


@app.command("me")
def me(
    name: Annotated[Optional[str], typer.Option(help="Your name (needed the first time).")] = None,
    email: Annotated[list[str], typer.Option(help="An address of yours (repeatable): calendars and exports recognise you by it.")] = [],
    person: Annotated[Optional[str], typer.Option(help="You are this person already in the graph (id or name): "
                                                       "they become the owner.")] = None,
) -> None:
    """Say who you are (or show it): imports recognise you by your addresses."""
    with connect() as store:
        if person:
            details, merge_id = usecases.become(store, store.resolve(person))
            if merge_id:
                out.print(f"merged {person} into you as {merge_id}; undo with `kith merge --undo {merge_id}`",
                          highlight=False)
            if not (name or email):
                out.print(f"you are {details.person.name} ({details.person.id})", highlight=False)
                return
        details = usecases.set_owner(store, name, email)
    out.print(f"you are {details.person.name} ({details.person.id}); "
              f"addresses: {', '.join(details.person.emails) or 'none yet'}", highlight=False)


# -- analytics: reports, introductions, warm paths ------------------------------------

def _as_of(text: str | None) -> date:
    if not text:
        return clock.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"--as-of {text!r} is not a date (YYYY-MM-DD)")


@app.command("report")
def report(
    kind: Annotated[str, typer.Argument(help=f"One of: {', '.join(registry.PLAIN)}.")],
    top: Annotated[int, typer.Option(help="At most this many items.")] = 20,
    as_of: Annotated[Optional[str], typer.Option(help="Report as of this date (default today, or KITH_TODAY).")] = None,
    format: Annotated[str, typer.Option(help=f"{', '.join(render.FORMATS)}.")] = "md",
    out_file: Annotated[Optional[Path], typer.Option("--out", help="Write to this file instead of the terminal (created 0600, readable by you only).")] = None,
    days: Annotated[Optional[int], typer.Option(help="birthdays: how many days ahead (default 30).")] = None,
) -> None:
    """Reports: introductions worth making, ties going quiet, who to keep in touch with, give and ask, circles, birthdays."""
    if kind not in registry.PLAIN:
        fail(f"no report {kind!r}: choose one of {', '.join(registry.PLAIN)}")
    if format not in render.FORMATS:
        fail(f"--format {format!r}: choose {', '.join(render.FORMATS)}")
    if days is not None and (kind != "birthdays" or days < 0):
        fail("--days is a number of days ahead (0 or more), for the birthdays report only")
    when = _as_of(as_of)
    P = _projection()
    frame = registry.get(kind).run(P, when, top, **({} if days is None else {"days": days}))
    text = render.render(kind, frame, format, as_of=when, why=_why_empty(kind, frame, P, when))
    if out_file:
        _write_out(out_file, text)
        out.print(f"{kind} report written to {out_file} ({len(frame)} items)")
    else:
        _emit(text, format)


def _why_empty(kind: str, frame, P, when: date) -> str | None:
    from reports.empty import why_empty

    return why_empty(kind, P, when) if frame.empty else None


def _projection():
    """The whole graph, read once for analytics; the owner must be known."""
    from graph import projection

    with connect() as store:
        usecases.require_owner(store)  # one indexed query, before reading the whole graph
        return projection.load(store)


def _write_out(path: Path, text: str) -> None:
    """An export or a report to ``path``: atomic and 0600, as it is about people (yours to read only)."""
    from graph.server import write_private

    try:
        write_private(path, text.encode("utf-8"))
    except OSError as e:
        fail(f"cannot write {path}: {e.strerror or e}")


def _emit(text: str, format: str) -> None:
    """Markdown is rendered for a terminal and left as text for a pipe; other formats go out as they are.

    On a terminal, control characters in the data are shown, not obeyed (``visible``).
    """
    if format == "md" and out.is_terminal:
        from rich.markdown import Markdown

        out.print(Markdown(visible(text)))
    else:
        sys.stdout.write(visible(text) if out.is_terminal else text)


@app.command("opportunity")
def opportunity(
    description: Annotated[str, typer.Argument(help="What it needs or is about, comma-separated: \"python, data engineering, hiring\".")],
    top: Annotated[int, typer.Option(help="At most this many people.")] = 15,
    format: Annotated[str, typer.Option(help="md, html, csv or json.")] = "md",
    as_of: Annotated[Optional[str], typer.Option(help="Tie strengths as of this date (default today, or KITH_TODAY).")] = None,
) -> None:
    """Given an opening, event or project, rank the contacts to tell about it."""
    if format not in render.FORMATS:
        fail(f"--format {format!r}: choose {', '.join(render.FORMATS)}")
    when = _as_of(as_of)
    P = _projection()
    try:
        frame = registry.get("opportunity").run(P, when, top, description=description)
    except ValueError as e:  # no terms in the description
        fail(str(e))
    _emit(render.render("opportunity", frame, format, as_of=when, why=_why_empty("opportunity", frame, P, when)),
          format)


intro_app = typer.Typer(help="Double opt-in introductions: ask A, then B, then introduce them; and how it went.",
                        no_args_is_help=True)
app.add_typer(intro_app, name="intro")
INTRO_AT = typer.Option("--at", help="When (default now): 2026-03-14 or 2026-03-14T18:30.")


@app.command("introduce")
def introduce(
    a: Annotated[str, typer.Argument(help="Who you ask first (id or name).")],
    b: Annotated[str, typer.Argument(help="Who you ask once A agreed.")],
    why: Annotated[Optional[str], typer.Option(help="Why they should meet (kept with it; yours to read).")] = None,
) -> None:
    """Start an introduction (or show the one recorded) and print the next message to send."""
    with connect() as store:
        ia, ib = store.resolve(a), store.resolve(b)
        intro, created = store.start_introduction(ia, ib, why=why)
        _show_intro(store, intro, started=created)


def _show_intro(store: Store, intro, *, started: bool = False, every_draft: bool = False) -> None:
    """One line on where ``intro`` stands, then the message to send next (or all three)."""
    from graph import introductions as flow
    from kith import introductions as uc

    st = uc.standing(intro, store.names([intro.a, intro.b]))
    out.print(f"{'started: ' if started else ''}{st.between} ({intro.id}): {st.state}"
              f"{f', next: {st.next_step}' if st.next_step else ''}, since {st.since:%Y-%m-%d}", highlight=False)
    if intro.why:
        out.print(f"why: {intro.why}", highlight=False)
    drafts = uc.drafts(store, intro)
    to = {"to_a": st.a_name, "to_b": st.b_name, "joint": "both"}
    then = {"to_a": "ask", "to_b": "ask", "joint": "made"}
    wanted = list(drafts) if every_draft else [k for k in [flow.next_message(intro)] if k]
    for k in wanted:
        out.print(f"message to {to[k]}:", highlight=False)
        for line in drafts[k].splitlines():
            out.print(f"  {line}" if line else "", highlight=False)
    if not every_draft and wanted:
        out.print(f'once sent: kith intro {then[wanted[0]]} "{st.a_name}" "{st.b_name}"', highlight=False)


def _step(a: str, b: str, pick, **kwargs) -> None:
    """Resolve the two, choose the step from the current state (``pick(status)``), apply it, show it."""
    with connect() as store:
        ia, ib = store.resolve(a), store.resolve(b)
        current = store.introduction_between(ia, ib)
        step = pick(current.status if current else None)
        _show_intro(store, store.introduction_step(ia, ib, step, **kwargs))


@intro_app.command("list")
def intro_list(
    open_only: Annotated[bool, typer.Option("--open", help="Only those with something left to do.")] = False,
) -> None:
    """Where each introduction stands: its state, whose move it is, since when (newest first)."""
    from kith import introductions as uc

    with connect() as store:
        rows = uc.standings(store, open_only=open_only)
    if not rows:
        out.print("no introductions yet: `kith introduce A B` starts one")
        return
    def state(r) -> str:  # the names are in the first column: "declined by B" is enough here
        by = r.intro.declined_by
        return f"declined by {by.upper() if by in ('a', 'b') else by}" if by else r.state

    print_table(["between", "state", "waiting on", "since"],
                [[r.between, state(r), f"you: {r.next_step}" if r.waiting_on == "you" else r.waiting_on,
                  f"{r.since:%Y-%m-%d}"] for r in rows])


@intro_app.command("show")
def intro_show(a: Annotated[str, typer.Argument(help="One person.")],
               b: Annotated[str, typer.Argument(help="The other.")]) -> None:
    """Where the introduction between A and B stands, with all three messages."""
    with connect() as store:
        intro = store.introduction_between(store.resolve(a), store.resolve(b))
        if intro is None:
            fail("no introduction between them is recorded: `kith introduce A B` first")
        _show_intro(store, intro, every_draft=True)


@intro_app.command("ask")
def intro_ask(a: Annotated[str, typer.Argument(help="A (asked first).")], b: Annotated[str, typer.Argument(help="B.")],
              at: Annotated[Optional[str], INTRO_AT] = None, note: Optional[str] = None) -> None:
    """You asked A (or, once A agreed, B) whether they want to meet the other."""
    _step(a, b, lambda s: "asked-b" if s == "a-agreed" else "asked-a", at=_when(at), note=note)


@intro_app.command("agree")
def intro_agree(a: Annotated[str, typer.Argument(help="A.")], b: Annotated[str, typer.Argument(help="B.")],
                at: Annotated[Optional[str], INTRO_AT] = None, note: Optional[str] = None) -> None:
    """The one you asked said yes (A, then B: the state says which)."""
    _step(a, b, lambda s: "agreed" if s in ("asked-b", "agreed") else "a-agreed", at=_when(at), note=note)


@intro_app.command("made")
def intro_made(
    a: Annotated[str, typer.Argument(help="A.")], b: Annotated[str, typer.Argument(help="B.")],
    skip_opt_in: Annotated[bool, typer.Option("--skip-opt-in", help="Made outside Kith, without the two asks.")] = False,
    at: Annotated[Optional[str], INTRO_AT] = None, note: Optional[str] = None,
) -> None:
    """You sent the joint introduction (both agreed first, unless --skip-opt-in)."""
    _step(a, b, lambda s: "made", skip_opt_in=skip_opt_in, at=_when(at), note=note)


@intro_app.command("decline")
def intro_decline(
    a: Annotated[str, typer.Argument(help="A.")], b: Annotated[str, typer.Argument(help="B.")],
    by: Annotated[str, typer.Option(help="Who said no: a, b or you.")] = "you",
    at: Annotated[Optional[str], INTRO_AT] = None, note: Optional[str] = None,
) -> None:
    """Someone said no (or you thought better of it): the pair is not suggested again."""
    _step(a, b, lambda s: "declined", by=by, at=_when(at), note=note)


@intro_app.command("outcome")
def intro_outcome(
    a: Annotated[str, typer.Argument(help="A.")], b: Annotated[str, typer.Argument(help="B.")],
    outcome: Annotated[str, typer.Argument(help="good, neutral or bad.")],
    note: Annotated[Optional[str], typer.Option(help="What happened, in words (\"hired after two interviews\").")] = None,
    at: Annotated[Optional[str], INTRO_AT] = None,
) -> None:
    """How a made introduction went: good, neutral or bad (what suggestions learn from)."""
    with connect() as store:
        ia, ib = store.resolve(a), store.resolve(b)
        _show_intro(store, store.introduction_outcome(ia, ib, outcome, note=note, at=_when(at)))


@app.command("path")
def path(
    target: Annotated[str, typer.Argument(help="Who you want to reach (id or name).")],
    top: Annotated[int, typer.Option(help="How many chains to show.")] = 3,
    as_of: Annotated[Optional[str], typer.Option(help="Tie strengths as of this date (default today, or KITH_TODAY).")] = None,
) -> None:
    """The best chains of people to ask for an introduction (strongest ties, up to third degree)."""
    from analytics.paths import warm_paths
    from reports import build

    when = _as_of(as_of)
    with connect() as store:
        target_id = store.resolve(target)
    P = _projection()
    G = build.strength_graph(P, when)
    found = warm_paths(G, P.owner, target_id, k=top)
    if not found:
        fail(f"no chain of people within three steps reaches {P.people.loc[target_id, 'name']}")
    names = P.people["name"]
    for i, p in enumerate(found, 1):
        chain = " → ".join(str(names.get(x, x)) for x in p.people)
        hops = ", ".join(f"{s:.2f}" for s in p.strengths)
        ask = f"; ask {names[p.ask]}" if p.ask else "; you know them directly"
        out.print(f"{i}. {chain}  (strength {p.value:.2f} = {hops}{ask})", highlight=False)


# -- demo ----------------------------------------------------------------------------


@app.command("demo")
def demo(
    as_of: Annotated[Optional[str], typer.Option(help="Date the demo history ends (default today).")] = None,
) -> None:
    """Load the demo network (about 300 people) into an empty graph."""
    from demo import build_demo

    with connect() as store:
        counts = store.counts()
        if counts["people"]:
            out.print(f"the graph already holds {counts['people']} people: demo not loaded "
                      "(use another KITH_HOME to try the demo)")
            return
        network = build_demo(date.fromisoformat(as_of) if as_of else clock.today())
        store.load(network)
        counts = store.counts()
    out.print("demo network loaded: " + ", ".join(f"{v} {k}" for k, v in counts.items()))


# -- dashboard -------------------------------------------------------------------------


@app.command("dashboard")
def dashboard(
    port: Annotated[int, typer.Option(envvar="KITH_PORT", help="Port to serve on.")] = 8501,
    host: Annotated[str, typer.Option(help="Address to listen on. It shows your personal data: keep 127.0.0.1 "
                                           "unless you mean every machine that can reach this one to see it.")] = "127.0.0.1",
    allow_host: Annotated[list[str], typer.Option(help="Another name the browser may use for this machine "
                                                       "(with --host): any other is refused (repeatable).")] = [],
) -> None:
    """Serve the dashboard in your browser (Ctrl-C stops it; the graph store keeps running)."""
    from dashboard import serve

    if not serve.is_loopback(host):
        err.print(f"[yellow]warning:[/] the dashboard listens on {escape(host)}: anyone who can reach it sees "
                  "your network", highlight=False)
    # Every address (0.0.0.0) is no name a browser may use (serve.allowed_names): this machine's own is.
    shown = "127.0.0.1" if serve.is_loopback(host) or serve.is_wildcard(host) else serve.url_host(host)
    out.print(f"Kith's dashboard: http://{shown}:{port}  (Ctrl-C to stop)", highlight=False)
    serve.run(host, port, allow_host)


# -- cypher ----------------------------------------------------------------------------


@app.command("cypher")
def run_cypher(
    query: Annotated[str, typer.Argument(help="A Cypher query. Values go in as $name with --param.")],
    param: Annotated[list[str], typer.Option(help="k=v; v is read as JSON if it parses (42, true, [1,2]), else text.")] = [],
    write: Annotated[bool, typer.Option("--write", help="Allow the query to change the graph.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="A JSON array of row objects on stdout.")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="CSV with a header row on stdout.")] = False,
    limit: Annotated[int, typer.Option(help="At most this many rows.")] = 1000,
    timeout: Annotated[float, typer.Option(help="Seconds before the server gives up.")] = 30.0,
) -> None:
    """Run Cypher on your graph: read-only unless --write."""
    params = {}
    for item in param:
        key, sep, raw = item.partition("=")
        if not sep or not key:
            fail(f"--param {item!r} is not k=v")
        try:
            params[key] = json.loads(raw)
        except json.JSONDecodeError:
            params[key] = raw
    with connect() as store:
        result = cypher.run(store, query, params, write=write, limit=limit, timeout=timeout)
    rows = [[cypher.to_plain(v) for v in row] for row in result.rows]
    if as_json:
        print(json.dumps([dict(zip(result.columns, r)) for r in rows], indent=2, default=str, ensure_ascii=False))
    elif as_csv:
        render.write_csv(sys.stdout, result.columns, [[_cell(v) for v in r] for r in rows])
    else:
        print_table(result.columns, rows)
        summary = f"{len(rows)} row{'s' * (len(rows) != 1)}"
        if result.counters:
            summary += "; " + ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in result.counters.items())
        err.print(summary)
    if result.truncated:
        err.print(f"[yellow]only the first {limit} rows are shown (--limit)[/]")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def print_table(columns: list[str], rows: list[list[Any]]) -> None:
    table = Table(*columns, show_lines=False)
    for row in rows:
        table.add_row(*(_cell(v) for v in row))
    out.print(table)


def main() -> None:
    """The ``kith`` console script: any of Kith's own errors is one red line and exit status 1."""
    try:
        app(prog_name="kith", standalone_mode=True)
    except KithError as e:
        say_error(str(e))
        sys.exit(1)


if __name__ == "__main__":
    main()
