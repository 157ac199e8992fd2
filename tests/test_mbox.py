"""Email (.mbox): headers only, one interaction per message, lists and machines left out, any size."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime, timezone
from email.utils import format_datetime
from pathlib import Path

import pytest

from kith import usecases
from loaders import mbox
from loaders.detect import detect
from loaders.importer import import_file
from loaders.parse import parse_file
from loaders.records import ME, LoadError, ParseOptions
from tests.conftest import ROOT, run_kith

SAMPLE = ROOT / "loaders" / "examples" / "mail-sample.mbox"
DNC = ROOT.parent / "shared" / "datasets" / "dnc-temporalGraph.txt"
BODY = "BODY-MARKER-7f3a never to be kept"
OPTIONS = ParseOptions()


def message(sender: str, to: str, *, date: str = "Tue, 4 Mar 2025 10:12:28 +0100", mid: str | None = "m1@x.example",
            extra: str = "", body: str = BODY, separator: str = "From x@x Tue Mar 04 09:12:33 2025") -> str:
    headers = [separator, f"From: {sender}"] + ([f"To: {to}"] if to else []) + ([f"Date: {date}"] if date else [])
    headers += [f"Message-ID: <{mid}>"] if mid else []
    headers += [extra] if extra else []
    return "\n".join(headers) + f"\nSubject: hello\n\n{body}\n\n"


def write(tmp_path: Path, *messages: str, name: str = "mail.mbox", crlf: bool = False) -> Path:
    text = "".join(messages)
    path = tmp_path / name
    path.write_bytes((text.replace("\n", "\r\n") if crlf else text).encode("utf-8"))
    return path


def parse(path: Path, **options) -> object:
    return parse_file(path, ParseOptions(**options))


# -- the header reader ------------------------------------------------------------------------


def test_sample_mailbox_reads_who_wrote_to_whom_and_nothing_else():
    assert detect(SAMPLE) == "mbox"
    parsed = parse(SAMPLE)
    assert [a.source_id for a in parsed.activities] == [
        "CAF1a2b3c4d5e6f7@mail.northwind.example", "CAB9z8y7x6w5@mail.example.com", parsed.activities[2].source_id]
    assert parsed.activities[2].source_id.startswith("sha256:")  # no Message-ID: a digest of its headers
    first = parsed.activities[0]
    assert first.participants == ["email:ana@northwind.example", ME, "email:bo@lindqvist.example"]
    assert (first.initiated_by, first.channel, first.kind, first.summary) == ("email:ana@northwind.example", "email",
                                                                               "message", None)
    assert first.at == datetime(2025, 3, 4, 9, 12, 28, tzinfo=timezone.utc)
    assert parsed.activities[1].initiated_by == ME
    # RFC 2047 names decoded; the owner told by Delivered-To, and no contact of its own.
    assert {c.source_id: c.name for c in parsed.contacts} == {
        "ana@northwind.example": "Ana Souza", "bo@lindqvist.example": "Lindqvist, Bo",
        "chris.t@gmail.example": "Chris Taylor"}
    assert (parsed.owner.emails, parsed.owner.name) == (["sam.rivera@example.com"], "Sam Rivera")
    reasons = dict(parsed.skipped)
    assert reasons[41].startswith("mailing-list mail") and reasons[54].startswith("in Gmail's Spam")
    assert reasons[75].startswith("from a machine") and reasons[86] == "a Date that is no date: message left out"
    assert "München" not in repr(parsed) and "München" in repr(parse(SAMPLE, mail_subjects=True).activities[1])


def test_crlf_from_quoting_and_separator_lines(tmp_path):
    body = "Hi,\n\n>From the minutes:\nFrom me, with love\n\nFrom here on it gets long.\n" + "x" * 200_000
    path = write(tmp_path,
                 message("Ana <ana@a.example>", "me@me.example", body=body),
                 message("Bo <bo@b.example>", "me@me.example", mid="m2@x.example",
                         separator="From - Sat Jan 03 19:22:51 2015"),  # Thunderbird's
                 crlf=True)
    parsed = parse(path)
    assert [(a.line, a.source_id) for a in parsed.activities] == [(1, "m1@x.example"), (16, "m2@x.example")]
    assert [c.name for c in parsed.contacts] == ["Ana", "Bo"] and not parsed.skipped


def test_missing_message_id_is_the_same_message_in_two_mailboxes(tmp_path):
    one = message("me@me.example", "Ana <ana@a.example>", mid=None)
    sent, inbox = write(tmp_path, one, name="Sent.mbox"), write(tmp_path, one, name="Inbox.mbox")
    ids = {parse(p).activities[0].source_id for p in (sent, inbox)}
    assert len(ids) == 1
    doubled = parse(write(tmp_path, one, one, name="twice.mbox"))
    assert len(doubled.activities) == 1 and "the same Message-ID" in doubled.skipped[0][1]


@pytest.mark.parametrize("extra, sender, reason", [
    ("List-Id: <news.example.org>", "news@list.example", "mailing-list mail"),
    ("List-Unsubscribe: <mailto:u@x.example>", "shop@shop.example", "mailing-list mail"),
    ("Precedence: bulk", "ana@a.example", "bulk mail"),
    ("Auto-Submitted: auto-replied", "ana@a.example", "automatic mail"),
    ("", "no-reply@accounts.example", "from a machine"),
    ("", "MAILER-DAEMON@mx.example", "from a machine"),
    ("X-Gmail-Labels: Inbox,Spam", "ana@a.example", "in Gmail's Spam"),
    ("X-Gmail-Labels: Trash", "ana@a.example", "in Gmail's Trash"),
    ("X-Gmail-Labels: Drafts", "ana@a.example", "a draft"),
])
def test_lists_machines_spam_and_drafts_are_left_out_one_line_per_reason(tmp_path, extra, sender, reason):
    kept = message("Bo <bo@b.example>", "me@me.example", mid="keep@x")
    left = [message(sender, "me@me.example", mid=f"n{i}@x", extra=extra) for i in range(500)]
    parsed = parse(write(tmp_path, kept, *left), owner_emails=frozenset({"me@me.example"}))
    assert [a.source_id for a in parsed.activities] == ["keep@x"]
    assert [c.source_id for c in parsed.contacts] == ["bo@b.example"]  # nobody from the left-out mail
    [(line, said)] = parsed.skipped
    assert line == 10 and said.startswith(reason) and said.endswith(": 500 messages left out, the first here")


def test_damaged_messages_are_skipped_at_their_separator_never_the_file(tmp_path):
    path = write(tmp_path,
                 message("Ana <ana@a.example>", "me@me.example", date=""),
                 message("Ana <ana@a.example>", "me@me.example", date="31 Foo 2020", mid="2@x"),
                 message("", "me@me.example", mid="3@x"),
                 message("Ana <ana@a.example>", "", mid="4@x"),
                 message("Ana <ana@a.example>", "me@me.example", mid="5@x", extra="X-Long: " + "y" * 300_000),
                 message("Ana <ana@a.example>", "me@me.example", mid="6@x"))
    parsed = parse(path)
    assert [a.source_id for a in parsed.activities] == ["6@x"]
    separators = [n for n, line in enumerate(path.read_text().split("\n"), 1) if line.startswith("From x@x ")]
    assert parsed.skipped == list(zip(separators, ["no Date: message left out",
                                                   "a Date that is no date: message left out",
                                                   "no sender (From): message left out",
                                                   "no recipient (To, Cc): message left out",
                                                   "a header block longer than 256 KB: a damaged message"]))


def test_owner_known_inferred_from_delivery_or_from_presence(tmp_path):
    mails = [message("Ana <ana@a.example>", "Me <me@me.example>, bo@b.example", mid="1@x"),
             message("Me <me@me.example>", "cy@c.example", mid="2@x"),
             message("dan@d.example", "me@me.example", mid="3@x"),
             message("Ana <ana@a.example>", "bo@b.example", mid="4@x")]  # not mine
    plain = parse(write(tmp_path, *mails))
    assert plain.owner.emails == ["me@me.example"] and plain.owner.name == "Me"  # on the most messages
    assert [a.source_id for a in plain.activities] == ["1@x", "2@x", "3@x"]
    assert "neither from, to, nor delivered to you" in plain.skipped[0][1]
    known = parse(write(tmp_path, *mails, name="known.mbox"), owner_emails=frozenset({"bo@b.example"}))
    assert known.owner is None and [a.participants for a in known.activities] == [
        ["email:ana@a.example", "email:me@me.example", ME], ["email:ana@a.example", ME]]
    assert ": 2 messages left out" in known.skipped[0][1]
    # Delivered to you, on neither To nor Cc: you were a Bcc.
    bcc = message("Ana <ana@a.example>", "dan@d.example", mid="5@x", extra="Delivered-To: you@y.example")
    parsed = parse(write(tmp_path, bcc, name="bcc.mbox"))
    assert parsed.owner.emails == ["you@y.example"] and parsed.activities[0].participants == [
        "email:ana@a.example", "email:dan@d.example", ME]


def test_no_body_is_kept_anywhere(store, tmp_path):
    path = write(tmp_path, *(message(f"P{i} <p{i}@x.example>", "Me <me@me.example>", mid=f"{i}@x") for i in range(5)))
    parsed = parse(path, mail_subjects=True)
    assert BODY not in repr(parsed) and "hello" in repr(parsed)
    import_file(store, path, mail_subjects=True)
    dump = json.dumps(store.read("MATCH (n) RETURN properties(n) AS p"), default=str)
    assert BODY not in dump and "p3@x.example" in dump


def test_a_big_mailbox_is_not_held_to_the_size_cap(store, tmp_path):
    path = write(tmp_path, *(message("Ana <ana@a.example>", "Me <me@me.example>", mid=f"{i}@x") for i in range(50)))
    result = import_file(store, path, max_bytes=1_000)  # an mbox is streamed: any size
    assert result.summary()["interactions"] == 50
    other = tmp_path / "edges.txt"
    other.write_text("1 2 1082040961\n" * 100)
    with pytest.raises(LoadError, match="more than the 1,000 bytes Kith reads from one file"):
        import_file(store, other, max_bytes=1_000)
    with pytest.raises(LoadError, match="more than the 1,000 bytes"):  # parse_file alone keeps the cap it is given
        parse_file(path, ParseOptions(max_bytes=1_000))
    seen = []
    mbox.parse(path, ParseOptions(max_bytes=None, progress=lambda done, size: seen.append((done, size))))
    assert seen[-1] == (path.stat().st_size,) * 2


def test_reimport_and_dry_run(store, tmp_path):
    path = SAMPLE
    dry = import_file(store, path, dry_run=True)
    assert store.counts()["interactions"] == 0 and dry.summary()["interactions"] == 3
    first = import_file(store, path)
    counts = store.counts()
    assert (counts["interactions"], counts["people"]) == (3, 4)
    assert store.person(store.owner()["id"]).person.emails == ["sam.rivera@example.com"]
    again = import_file(store, path)
    assert store.counts() == counts and again.summary()["interactions"] == 0 and again.summary()["created"] == 0
    assert first.summary()["created"] == 4


def test_your_mailbox_gives_you_its_address_when_kith_knew_none_of_yours(store, tmp_path):
    """`kith me --name` only, then your mail: the address it is delivered to becomes yours, so the next
    calendar that invites you does not make you a contact of your own."""
    you = usecases.set_owner(store, "Sam Rivera").person.id
    result = import_file(store, SAMPLE)
    assert store.person(you).person.emails == ["sam.rivera@example.com"]
    assert any("sam.rivera@example.com: now yours too" in note for _, note in result.plan.notes)
    assert result.summary()["created"] == 3  # Ana, Bo, Chris: not you
    people = store.counts()["people"]
    invite = tmp_path / "invite.ics"
    invite.write_text("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:u1@x\r\n"
                      "DTSTAMP:20250310T090000Z\r\nDTSTART:20250312T090000Z\r\nSUMMARY:Coffee\r\n"
                      "ORGANIZER;CN=Sam Rivera:mailto:sam.rivera@example.com\r\n"
                      "ATTENDEE;CN=Ana Souza:mailto:ana@northwind.example\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    assert import_file(store, invite).summary()["created"] == 0
    assert store.counts()["people"] == people
    again = import_file(store, SAMPLE).summary()
    assert (again["created"], again["updated"], again["interactions"]) == (0, 0, 0)
    assert store.person(you).person.emails == ["sam.rivera@example.com"]


def test_a_mailbox_that_is_not_yours_is_said_not_made_yours(store, tmp_path):
    you = usecases.set_owner(store, "Jo Bloggs").person.id  # no address, another name
    result = import_file(store, SAMPLE)
    assert store.person(you).person.emails == []
    assert any("not yours by name or address" in note for _, note in result.plan.notes)
    store_with_address = usecases.set_owner(store, None, ["jo@bloggs.example"]).person.id
    assert store_with_address == you
    delivered = "Delivered-To: sam@s.example"  # Sam's mailbox, not one of your addresses
    again = import_file(store, write(tmp_path, message("Ana <ana@a.example>", "Sam <sam@s.example>", mid="9@x",
                                                       extra=delivered),
                                     message("Sam <sam@s.example>", "ana@a.example", mid="8@x")))
    assert store.person(you).person.emails == ["jo@bloggs.example"]
    assert any("not yours by name or address" in note and "kith me --email sam@s.example" in note
               for _, note in again.plan.notes)


def test_your_address_on_someone_else_in_the_graph_is_said(store, tmp_path):
    you = usecases.set_owner(store, "Sam Rivera").person.id
    invite = tmp_path / "invite.ics"
    invite.write_text("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:u2@x\r\n"
                      "DTSTAMP:20250310T090000Z\r\nDTSTART:20250312T090000Z\r\nSUMMARY:Lunch\r\n"
                      "ORGANIZER;CN=Ana Souza:mailto:ana@northwind.example\r\n"
                      "ATTENDEE;CN=Sam R:mailto:sam.rivera@example.com\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    import_file(store, invite)  # before Kith knows the address is yours: it makes a contact of it
    other = store.read("MATCH (p:Person) WHERE 'sam.rivera@example.com' IN p.emails RETURN p.id AS id")[0]["id"]
    assert other != you
    result = import_file(store, SAMPLE)
    assert store.person(you).person.emails == []
    assert any(f"kith me --person {other}" in note for _, note in result.plan.notes)


# -- the DNC mail network, as its most active people's mailboxes --------------------------------


def dnc_groups() -> dict[tuple[int, int], set[int]]:
    """(sender, unix time) -> recipients: one email each (README: rows of one sender and second)."""
    groups: dict[tuple[int, int], set[int]] = defaultdict(set)
    for line in DNC.read_text().split("\n"):
        if line.strip():
            sender, recipient, t = map(int, line.split())
            groups[sender, t].add(recipient)
    return groups


def address(node: int) -> str:
    return f"user{node}@dnc.example"


def dnc_message(sender: int, t: int, recipients: set[int]) -> str:
    at = datetime.fromtimestamp(t, timezone.utc)
    return (f"From {address(sender)} {at.strftime('%a %b %d %H:%M:%S %Y')}\n"
            f"From: User {sender} <{address(sender)}>\n"
            f"To: {', '.join(f'User {r} <{address(r)}>' for r in sorted(recipients))}\n"
            f"Date: {format_datetime(at)}\nMessage-ID: <{sender}.{t}@dnc.example>\nSubject: group {sender}/{t}\n\n"
            f"{BODY}\nFrom the desk of user {sender}\n\n")


@pytest.mark.skipif(not DNC.exists(), reason="the shared DNC data set is not there")
def test_dnc_mailboxes_import_exactly_their_emails(store, tmp_path):
    groups = dnc_groups()
    involving: dict[int, int] = defaultdict(int)
    for (sender, _), recipients in groups.items():
        for node in {sender} | recipients:
            involving[node] += 1
    owner = max(involving, key=lambda n: (involving[n], -n))
    mine = {key: rs for key, rs in groups.items() if owner == key[0] or owner in rs}
    # The owner's Sent and Inbox: a message to themselves and others is in both, and is one email.
    sent = [dnc_message(s, t, rs) for (s, t), rs in sorted(mine.items()) if s == owner]
    inbox = [dnc_message(s, t, rs).replace("\nFrom: ", f"\nDelivered-To: {address(owner)}\nFrom: ", 1)
             for (s, t), rs in sorted(mine.items()) if owner in rs]
    files = [write(tmp_path, *sent, name="Sent.mbox"), write(tmp_path, *inbox, name="Inbox.mbox")]
    kept = {key: {key[0]} | rs for key, rs in mine.items() if len({key[0]} | rs) >= 2}  # not notes to oneself
    people = set().union(*kept.values())
    assert len(mine) > 1000 and len(kept) < len(mine)  # the data set has self-sends: some are left out

    done = run_kith("import", *map(str, files))
    assert done.returncode == 0, done.stderr
    counts = store.counts()
    assert (counts["interactions"], counts["people"]) == (len(kept), len(people))
    assert store.person(store.owner()["id"]).person.emails == [address(owner)]
    assert "sent to its sender only" in done.stdout

    again = run_kith("import", *map(str, files))
    assert again.returncode == 0, again.stderr
    assert store.counts() == counts
    assert again.stdout.count(" 0 created") == 2 and again.stdout.count(" 0 interactions") == 2
    assert BODY not in json.dumps(store.read("MATCH (n) RETURN properties(n) AS p"), default=str)
