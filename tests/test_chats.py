"""Chat exports: WhatsApp's "Export chat" text and Telegram Desktop's result.json.

One interaction per chat and day, ties from groups, the owner recognised; then into the real store.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from loaders.detect import detect
from loaders.importer import import_file
from loaders.parse import parse_file
from loaders.records import ME, LoadError, ParseOptions
from loaders.whatsapp import GROUP_TIES_MAX

EXAMPLES = Path(__file__).resolve().parents[1] / "loaders" / "examples"
IOS = EXAMPLES / "whatsapp-ios-one-to-one.txt"
GROUP = EXAMPLES / "whatsapp-android-group.txt"
US = EXAMPLES / "whatsapp-us-12-hour.txt"
DOTS = EXAMPLES / "whatsapp-eu-dots.txt"
TELEGRAM = EXAMPLES / "telegram-result.json"
ALEX = ParseOptions(owner_name="Alex Morgan")
LRM, NNBSP = "\u200e", "\u202f"


def chat(tmp_path: Path, text: str, name: str = "chat.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def days(parsed) -> list[date]:
    return [a.at.date() for a in parsed.activities]


# -- detection ----------------------------------------------------------------------------

@pytest.mark.parametrize("path, format", [(IOS, "whatsapp"), (GROUP, "whatsapp"), (US, "whatsapp"),
                                          (DOTS, "whatsapp"), (TELEGRAM, "telegram"),
                                          (EXAMPLES / "kith-history.csv", "kith-csv")])
def test_samples_are_detected_by_content(path, format):
    assert detect(path) == format


def test_detection_ignores_the_name_and_keeps_other_formats(tmp_path):
    renamed = chat(tmp_path, GROUP.read_text(encoding="utf-8"), "export.csv")
    assert detect(renamed) == "whatsapp"
    kith = chat(tmp_path, json.dumps({"people": [{"name": "Ana"}]}), "people.json")
    assert detect(kith) == "kith-json"
    single = chat(tmp_path, json.dumps({"name": "Ana", "type": "personal_chat", "id": 2, "messages": []}), "a.json")
    assert detect(single) == "telegram"
    with pytest.raises(LoadError, match="unknown layout"):
        detect(chat(tmp_path, "31/12/2020 was a good day\nreally\n", "notes.txt"))


# -- WhatsApp: line formats, dates and times --------------------------------------------------

def test_ios_one_to_one_is_one_interaction_per_day():
    parsed = parse_file(IOS, ParseOptions())  # no owner known: the notice's sender is the chat's name
    assert parsed.format == "whatsapp" and parsed.skipped == []
    assert days(parsed) == [date(2021, 3, 2), date(2021, 3, 4), date(2021, 3, 17)]  # D/M/Y: 17 > 12
    first, second, _ = parsed.activities
    assert first.participants == ["name:Ana Souza", ME] and first.initiated_by == "name:Ana Souza"
    assert first.at == datetime(2021, 3, 2, 9, 12, 45, tzinfo=timezone.utc)  # the notice is not her writing
    assert first.summary == "WhatsApp chat with Ana Souza: 4 messages"  # the image counts, the notice not
    assert second.initiated_by == ME and (first.channel, first.kind) == ("whatsapp", "chat")
    assert parsed.owner.name == "Alex Morgan" and parsed.ties == []


def test_android_group_gives_days_ties_and_phone_senders():
    parsed = parse_file(GROUP, ParseOptions())  # "You deleted this message" says who you are
    assert parsed.owner.name == "Alex Morgan" and parsed.skipped == []
    assert days(parsed) == [date(2022, 12, 31), date(2023, 1, 5), date(2023, 1, 12)]
    first = parsed.activities[0]
    assert first.participants == [ME, "name:Sam Okoro", "name:Marcus Hale", "phone:+447700900123"]
    assert first.summary == "WhatsApp group Five-a-side: 4 messages"  # not the notices, not "joined"
    assert parsed.activities[1].summary.endswith("5 messages")  # a three-line message is one, media one
    pairs = {frozenset((t.a, t.b)) for t in parsed.ties}
    assert pairs == {frozenset(p) for p in (("name:Sam Okoro", "name:Marcus Hale"),
                                            ("name:Sam Okoro", "phone:+447700900123"),
                                            ("name:Marcus Hale", "phone:+447700900123"))}  # never you
    assert {t.context for t in parsed.ties} == {"WhatsApp group Five-a-side"}
    assert {t.since for t in parsed.ties} == {date(2022, 12, 31)}


def test_us_dates_and_12_hour_clock():
    parsed = parse_file(US, ALEX)
    assert days(parsed) == [date(2021, 3, 7), date(2021, 3, 9), date(2021, 3, 14)]  # M/D/Y: 14 > 12
    assert [a.at.time().isoformat() for a in parsed.activities] == ["10:04:00", "09:58:00", "00:10:00"]
    assert parsed.activities[1].summary.endswith("2 messages")  # 11:30 PM is the same day, 12:10 AM the next


def test_dotted_european_dates():
    parsed = parse_file(DOTS, ALEX)
    assert days(parsed) == [date(2022, 6, 24), date(2022, 6, 25), date(2022, 7, 2)]
    assert parsed.activities[2].participants == ["name:Lena Vogel", ME]  # a media-only day still counts


@pytest.mark.parametrize("lines, expected", [
    # Ambiguous values, but only month first keeps the messages in time order.
    (["1/2/21, 10:00 - Ana: a", "1/3/21, 10:00 - Ana: b", "2/1/21, 10:00 - Ana: c"],
     [date(2021, 1, 2), date(2021, 1, 3), date(2021, 2, 1)]),
    (["2021-01-02 10:00 - Ana: a", "2021-01-03 10:00 - Ana: b"], [date(2021, 1, 2), date(2021, 1, 3)]),
    ([f"[05/04/21, 9:15:02{NNBSP}PM] Ana: a", "[05/04/21, 21:16:00] Ana: b"], [date(2021, 4, 5)]),
    (["05.04.2021, 09:15 - Ana: a"], [date(2021, 4, 5)]),
])
def test_date_orders(tmp_path, lines, expected):
    parsed = parse_file(chat(tmp_path, "\n".join(lines) + "\n", "WhatsApp Chat with Ana.txt"), ParseOptions())
    assert days(parsed) == expected


def test_an_ambiguous_file_is_read_day_first_and_says_so(tmp_path):
    path = chat(tmp_path, "[05/04/2021, 10:00:00] Ana: a\n[05/04/2021, 10:01:00] Alex Morgan: b\n")
    parsed = parse_file(path, ALEX)
    assert days(parsed) == [date(2021, 4, 5)]
    assert parsed.skipped == [(1, "dates such as '05/04/2021' read day first (D/M/Y): no date in the file tells "
                                  "the order, so the most common one is assumed")]


def test_a_bad_date_skips_that_message_only(tmp_path):
    path = chat(tmp_path, "13/01/2021, 10:00 - Ana: a\n31/02/2021, 10:00 - Ana: b\nstill b\n"
                          "14/01/2021, 25:00 - Ana: c\n14/01/2021, 11:00 - Alex Morgan: d\n")
    parsed = parse_file(path, ALEX)
    assert days(parsed) == [date(2021, 1, 13), date(2021, 1, 14)]
    assert [line for line, _ in parsed.skipped] == [2, 4]
    assert "31/02/2021 10:00 is no date and time (dates in this file are read D/M/Y)" in parsed.skipped[0][1]


def test_dates_in_two_orders_refuse_the_file(tmp_path):
    path = chat(tmp_path, "13/01/2021, 10:00 - Ana: a\n01/14/2021, 10:00 - Ana: b\n")
    with pytest.raises(LoadError, match=r"chat.txt:2: dates in two orders"):
        parse_file(path, ALEX)


def test_lines_before_the_first_message_are_said(tmp_path):
    path = chat(tmp_path, "[13/01/2021, 10:00:00] Ana: a\n[13/01/2021, 10:01:00] Alex Morgan: b\n")
    text = "exported by hand\n" + path.read_text()
    path.write_text(text)
    parsed = parse_file(path, ALEX, format="whatsapp")
    assert parsed.skipped == [(1, "not a WhatsApp message: no date and time at its start")]


# -- WhatsApp: who you are ------------------------------------------------------------------

ONE_TO_ONE = "12/31/20, 9:15 PM - Jo: hi\n1/1/21, 9:16 AM - Alex: happy new year\n"


def test_the_file_name_names_the_other_person(tmp_path):
    parsed = parse_file(chat(tmp_path, ONE_TO_ONE, "WhatsApp Chat with Jo.txt"), ParseOptions())
    assert parsed.owner.name == "Alex"
    assert parsed.activities[1].participants == [ME, "name:Jo"]


def test_a_chat_that_does_not_say_who_you_are_is_refused(tmp_path):
    with pytest.raises(LoadError, match=r"cannot tell which sender is you.*kith me --person NAME"):
        parse_file(chat(tmp_path, ONE_TO_ONE), ParseOptions())
    group = GROUP.read_text(encoding="utf-8").replace("You deleted this message", "oops")
    with pytest.raises(LoadError, match=r"in the group 'Five-a-side'"):
        parse_file(chat(tmp_path, group), ParseOptions())
    assert parse_file(chat(tmp_path, group), ALEX).owner.name == "Alex Morgan"


def test_the_owner_who_wrote_nothing_is_still_in_every_day(tmp_path):
    parsed = parse_file(chat(tmp_path, "12/31/20, 9:15 PM - Jo: you there?\n", "WhatsApp Chat with Jo.txt"),
                        ParseOptions())
    assert parsed.owner is None and parsed.activities[0].participants == ["name:Jo", ME]


def test_a_big_group_gives_no_ties(tmp_path):
    people = [f"Member {n}" for n in range(GROUP_TIES_MAX + 1)]
    text = "".join(f"[01/02/2021, 10:{n % 60:02d}:00] {p}: hello\n" for n, p in enumerate(["Alex Morgan", *people]))
    parsed = parse_file(chat(tmp_path, text, "WhatsApp Chat - Big.txt"), ALEX)
    assert parsed.ties == [] and len(parsed.activities) == 1
    assert len(parsed.activities[0].participants) == GROUP_TIES_MAX + 2
    assert "51 people wrote, more than 50: no ties" in parsed.skipped[-1][1]


# -- Telegram -------------------------------------------------------------------------------

def test_telegram_export():
    parsed = parse_file(TELEGRAM, ParseOptions())
    assert parsed.format == "telegram"
    assert (parsed.owner.name, parsed.owner.source_id, parsed.owner.phones) == ("Alex Morgan", "user100000001",
                                                                               ["+447700900001"])
    contacts = {c.source_id: c for c in parsed.contacts}
    assert contacts["user100000002"].phones == ["+447700900123"]  # phone from the contacts list, same id
    assert contacts["user100000004"].name == "Priya Raman" and contacts["user100000004"].phones == []
    assert contacts["phone:+447700900789"].name == "Dana Whitfield"  # in the address book only
    summaries = [a.summary for a in parsed.activities]
    assert summaries == ["Telegram chat with Ana Souza: 2 messages", "Telegram chat with Ana Souza: 2 messages",
                         "Telegram group Book club: 3 messages", "Telegram group Book club: 2 messages",
                         "Telegram group Book club: 1 message", "Telegram chat with Jordan Lee: 1 message"]
    first = parsed.activities[0]
    assert first.participants == ["contact:user100000002", ME] and first.channel == "telegram"
    assert first.at == datetime(2021, 3, 4, 10, 11, 12, tzinfo=timezone.utc)
    text = TELEGRAM.read_text().splitlines()
    assert '"id": 1,' in text[first.line - 1]  # the message's own line
    assert len(parsed.ties) == 3 and {t.context for t in parsed.ties} == {"Telegram group Book club"}
    reasons = [reason for _, reason in parsed.skipped]
    assert any("saved messages are yours alone" in r for r in reasons)
    assert any("a bot is no person" in r for r in reasons) and any("a channel is no conversation" in r for r in reasons)


def test_telegram_single_chat_and_a_bad_date(tmp_path):
    data = {"name": "Ana Souza", "type": "personal_chat", "id": 2, "messages": [
        {"id": 1, "type": "message", "date": "2021-03-04T10:11:12", "from": "Ana Souza", "from_id": "user2",
         "text": "hi"},
        {"id": 2, "type": "message", "date": "yesterday", "from": "Alex", "from_id": "user1", "text": "hi"},
        {"id": 3, "type": "message", "date": "2021-03-05T10:11:12", "from": "Alex", "from_id": "user1",
         "text": [{"type": "link", "text": "https://example.com"}]},
    ]}
    path = tmp_path / "result.json"
    path.write_text(json.dumps(data, indent=1))
    parsed = parse_file(path, ParseOptions())
    assert parsed.owner.source_id == "user1"  # the writer who is not the personal chat's other user
    assert [a.participants for a in parsed.activities] == [["contact:user2", ME], [ME, "contact:user2"]]
    (line, reason), = parsed.skipped
    assert path.read_text().splitlines()[line - 1].strip() == '"id": 2,' and "'yesterday'" in reason


def test_telegram_group_export_without_owner_is_refused(tmp_path):
    data = {"name": "Club", "type": "private_group", "id": 9, "messages": [
        {"id": 1, "type": "message", "date": "2021-03-04T10:11:12", "from": "Ana", "from_id": "user2", "text": "a"},
        {"id": 2, "type": "message", "date": "2021-03-04T10:12:12", "from": "Bo", "from_id": "user3", "text": "b"}]}
    path = tmp_path / "result.json"
    path.write_text(json.dumps(data))
    with pytest.raises(LoadError, match="cannot tell which writer is you.*kith me --person NAME"):
        parse_file(path, ParseOptions())
    parsed = parse_file(path, ParseOptions(owner_name="Bo"))
    assert parsed.activities[0].participants == ["contact:user2", ME]


# -- into the store -------------------------------------------------------------------------

def test_whatsapp_group_import_and_reimport(store):
    first = import_file(store, GROUP, default_region="GB")
    s = first.summary()
    assert (s["created"], s["interactions"], s["ties"]) == (4, 3, 3)  # you, Sam, Marcus, the number
    assert store.owner()["name"] == "Alex Morgan"
    counts = store.counts()
    assert (counts["people"], counts["interactions"]) == (4, 3)
    again = import_file(store, GROUP, default_region="GB")
    assert again.written.get("interactions_new", 0) == 0 and again.summary()["interactions"] == 0
    assert store.counts() == counts
    one_to_one = import_file(store, IOS, default_region="GB")  # you known now: by name
    assert store.owner()["name"] == "Alex Morgan" and one_to_one.summary()["created"] == 1  # Ana


def test_telegram_import_and_reimport(store):
    first = import_file(store, TELEGRAM, default_region="GB")
    assert store.owner()["name"] == "Alex Morgan"
    counts = store.counts()
    # you, Ana, Sam, Priya, Jordan and Dana (address book); 6 chat-days; 3 ties in the book club
    assert (counts["people"], counts["interactions"]) == (6, 6)
    assert first.summary()["ties"] == 3
    ana = store.read("MATCH (p:Person {name: 'Ana Souza'}) RETURN p.phones AS phones")
    assert ana == [{"phones": ["+447700900123"]}]
    again = import_file(store, TELEGRAM, default_region="GB")
    assert again.written.get("interactions_new", 0) == 0 and store.counts() == counts


@pytest.mark.parametrize("sample", [IOS, GROUP, US, DOTS, TELEGRAM], ids=lambda p: p.name)
def test_hostile_variants_are_imported_or_refused_cleanly(store, tmp_path, sample):
    """Broken, truncated, re-encoded and binary versions of each sample: a clear refusal or an import."""
    from tests.hostile import OWNER
    from tests.test_fuzz_loaders import _variants, import_or_refuse

    store.upsert_people([OWNER])
    fmt = "telegram" if sample.suffix == ".json" else "whatsapp"
    for variant, data in _variants(sample.read_bytes()).items():
        path = tmp_path / f"{variant}{sample.suffix}"
        path.write_bytes(data)
        outcome = import_or_refuse(store, path)
        if variant in ("nul-byte", "binary", "control-byte", "empty", "blank", "only-a-bom"):
            assert isinstance(outcome, LoadError), f"{variant} was imported"
        if variant in ("crlf", "utf16-bom", "every-line-twice") and fmt == "whatsapp":
            assert not isinstance(outcome, Exception), f"{variant}: {outcome}"


def test_your_telegram_gives_you_its_phone(store):
    """Kith knows you by an address; your Telegram account, bearing your name, adds your phone (so a
    WhatsApp export or an address book that lists it knows it is you)."""
    from graph.model import Person

    store.upsert_people([Person(id="me", name="Alex Morgan", me=True, emails=["alex@example.com"])])
    result = import_file(store, EXAMPLES / "telegram-result.json", default_region="GB")
    assert store.person("me").person.phones == ["+447700900001"]
    assert any("+447700900001: now yours too" in note for _, note in result.plan.notes)
    again = import_file(store, EXAMPLES / "telegram-result.json", default_region="GB").summary()
    assert (again["created"], again["updated"], again["interactions"]) == (0, 0, 0)
