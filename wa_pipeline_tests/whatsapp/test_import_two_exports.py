"""One chat exported twice, from an Android phone and an iPhone, or without media and then with it: one row a message.

Android writes the minute (`12/03/2023, 10:15 - Juma: ok`), iOS the second (`[12/03/2023, 10:15:23] Juma: ok`), and a
"without media" export a placeholder where the other has the file: each copy gets an id of its own. The copy that says
more (seconds, the file) improves the message landed first, under that message's id.
"""

from __future__ import annotations

import json
import re
import struct
import zipfile
import zlib
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from wa_pipeline import cross_source
from wa_pipeline.store.dead_letters import DeadLetterQueue
from wa_pipeline.store.landing_factory import open_landing_store
from wa_pipeline.store.media_store import MediaStore
from wa_pipeline.whatsapp import export_phrases, importer
from wa_pipeline.whatsapp.chat_export import parse_chat_export
from wa_pipeline.whatsapp.importer import import_exports

NAIROBI = ZoneInfo("Africa/Nairobi")
TODAY = date(2026, 12, 6)
DAY_START, DAY_END = datetime(2023, 3, 11, tzinfo=UTC), datetime(2023, 3, 13, tzinfo=UTC)

# Invented content, in the layouts each phone writes.
ANDROID = (
    "12/03/2023, 10:15 - Juma Mwangi: ok\n"
    "12/03/2023, 10:15 - Juma Mwangi: ok\n"
    "12/03/2023, 10:16 - Duka Letu: Asante, tutaleta kesho\n"
    "12/03/2023, 10:17 - Juma Mwangi: <Media omitted>\n"
)
IOS = (
    "[12/03/2023, 10:15:05] Juma Mwangi: ok\n"
    "[12/03/2023, 10:15:41] Juma Mwangi: ok\n"
    "[12/03/2023, 10:16:02] Duka Letu: Asante, tutaleta kesho\n"
    "[12/03/2023, 10:17:30] Juma Mwangi: \u200e<attached: 00000005-PHOTO-2023-03-12-10-17-30.png>\n"
)
PHOTO = "00000005-PHOTO-2023-03-12-10-17-30.png"


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0\xff\0\0"))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def world(tmp_path, landing_target):
    store = open_landing_store(landing_target)
    stores = {
        "store": store,
        "media_store": MediaStore(tmp_path / "media"),
        "dead_letters": DeadLetterQueue(tmp_path / "dead_letters.sqlite3"),
    }

    def run(*paths: Path):
        return import_exports(list(paths), tz=NAIROBI, today=TODAY, **stores)

    return store, run


def _android(tmp_path: Path, text: str = ANDROID, name: str = "WhatsApp Chat with Juma Mwangi.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _ios(tmp_path: Path, text: str = IOS, media: dict[str, bytes] | None = None) -> Path:
    path = tmp_path / "WhatsApp Chat - Juma Mwangi.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("_chat.txt", text)
        for name, data in ({PHOTO: _png()} if media is None else media).items():
            archive.writestr(name, data)
    return path


def _day(store):
    return store.messages_between(DAY_START, DAY_END)


def _shown(store):
    return [(m.sent_at.astimezone(NAIROBI).strftime("%H:%M:%S"), m.sender_name, m.kind, m.text) for m in _day(store)]


def test_an_iphone_export_after_the_android_one_improves_each_message_under_its_first_id(tmp_path, world):
    store, run = world
    assert run(_android(tmp_path)).added == 4
    first_ids = [m.message_id for m in _day(store)]

    summary = run(_ios(tmp_path))
    assert (summary.added, summary.already_present) == (0, 4)
    assert [m.message_id for m in _day(store)] == first_ids
    assert _shown(store) == [
        ("10:15:05", "Juma Mwangi", "text", "ok"),
        ("10:15:41", "Juma Mwangi", "text", "ok"),
        ("10:16:02", "Duka Letu", "text", "Asante, tutaleta kesho"),
        ("10:17:30", "Juma Mwangi", "image", None),
    ]
    photo = _day(store)[-1].media
    assert (photo.filename, photo.mime, photo.sha256 is not None) == (PHOTO, "image/png", True)

    # Either export again, or both, adds nothing and changes nothing.
    again = run(_android(tmp_path), _ios(tmp_path))
    assert (again.added, again.already_present) == (0, 8)
    assert store.count() == 4
    assert _shown(store)[0] == ("10:15:05", "Juma Mwangi", "text", "ok")


def test_an_android_export_after_the_iphone_one_adds_nothing(tmp_path, world):
    store, run = world
    run(_ios(tmp_path))
    landed = _day(store)

    summary = run(_android(tmp_path))
    assert (summary.added, summary.already_present) == (0, 4)
    assert _day(store) == landed


def test_copies_meet_one_for_one_in_their_minute(tmp_path, world):
    store, run = world
    # Three genuine "ok" in one minute on the iPhone, of which the Android export holds two: the third is new.
    run(_android(tmp_path, "12/03/2023, 10:15 - Juma Mwangi: ok\n12/03/2023, 10:15 - Juma Mwangi: ok\n"))
    summary = run(
        _ios(
            tmp_path,
            "[12/03/2023, 10:15:05] Juma Mwangi: ok\n"
            "[12/03/2023, 10:15:20] Juma Mwangi: ok\n"
            "[12/03/2023, 10:15:41] Juma Mwangi: ok\n",
            media={},
        )
    )
    assert (summary.added, summary.already_present) == (1, 2)
    assert [t for t, *_ in _shown(store)] == ["10:15:05", "10:15:20", "10:15:41"]


def test_two_iphone_copies_at_different_seconds_are_two_messages(tmp_path, world):
    store, run = world
    run(_ios(tmp_path, "[12/03/2023, 10:15:05] Juma Mwangi: ok\n", media={}))
    # Another export of the chat with a later "ok" in the same minute: seconds that disagree are two sends.
    summary = run(_ios(tmp_path, "[12/03/2023, 10:15:41] Juma Mwangi: ok\n", media={}))
    assert summary.added == 1
    assert [t for t, *_ in _shown(store)] == ["10:15:05", "10:15:41"]


def test_the_media_export_takes_the_place_of_the_placeholder_and_not_the_reverse(tmp_path, world):
    store, run = world
    without = _android(tmp_path, "12/03/2023, 10:17 - Juma Mwangi: <Media omitted>\n")
    run(without)
    (placeholder,) = _day(store)
    assert placeholder.kind == "media_omitted"

    with_media = tmp_path / "WhatsApp Chat with Juma Mwangi.zip"
    with zipfile.ZipFile(with_media, "w") as archive:
        archive.writestr(
            "WhatsApp Chat with Juma Mwangi.txt",
            "12/03/2023, 10:17 - Juma Mwangi: IMG-20230312-WA0003.png (file attached)\n",
        )
        archive.writestr("IMG-20230312-WA0003.png", _png())
    summary = run(with_media)
    assert (summary.added, summary.already_present, summary.media_linked) == (0, 1, 1)
    (image,) = _day(store)
    assert (image.message_id, image.kind, image.media.filename) == (
        placeholder.message_id,
        "image",
        "IMG-20230312-WA0003.png",
    )
    assert image.media.sha256 is not None

    # The placeholder again (the "without media" export imported after) leaves the image as it is.
    assert run(without).added == 0
    assert _day(store) == [image]


def test_the_improved_message_is_reported_as_changed(tmp_path, world):
    store, run = world
    run(_android(tmp_path))
    mark = store.changes_since(0).high_water_mark
    run(_ios(tmp_path))
    # The sensor that re-runs days sees the day again: its rows are rewritten with the better copies.
    changed = store.changes_since(mark)
    assert store.count() == 4
    assert [moment.astimezone(NAIROBI).strftime("%H:%M:%S") for moment in changed.sent_at] == [
        "10:15:05",
        "10:15:41",
        "10:16:02",
        "10:17:30",
    ]


def _unzipped(tmp_path: Path, folder: str, text: str) -> Path:
    path = tmp_path / folder / "_chat.txt"
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    return path


def test_a_second_unzip_of_an_export_on_macos_is_the_same_chat(tmp_path, world):
    store, run = world
    run(_unzipped(tmp_path, "WhatsApp Chat - Juma Mwangi", IOS))
    # Archive Utility unzips the same zip again beside the first folder, numbered.
    summary = run(
        _unzipped(tmp_path, "WhatsApp Chat - Juma Mwangi 2", IOS + "[13/03/2023, 08:00:12] Juma Mwangi: Habari\n")
    )
    assert (summary.added, summary.already_present) == (1, 4)
    assert {m.chat_name for m in store.iter_messages()} == {"Juma Mwangi"}


def test_a_chat_really_named_with_a_number_stays_its_own_chat(tmp_path, world):
    store, run = world
    run(_unzipped(tmp_path, "WhatsApp Chat - Team", IOS))
    # "Team 2" is another group: its first messages are not Team's, though one of them is the same "ok".
    other = "[12/03/2023, 10:15:05] Juma Mwangi: ok\n[12/03/2023, 10:20:00] Amina Njeri: Tuko njiani\n"
    summary = run(_unzipped(tmp_path, "WhatsApp Chat - Team 2", other))
    assert summary.added == 2
    assert sorted({m.chat_name for m in store.iter_messages()}) == ["Team", "Team 2"]


def test_a_second_unzip_read_by_worker_processes_is_the_same_chat(tmp_path, world, monkeypatch):
    store, _ = world
    monkeypatch.setattr(importer, "LINES_PER_WORKER", 20)
    days = "".join(
        f"[{day:02d}/03/2023, 09:{minute:02d}:10] Juma Mwangi: Order {day}-{minute}\n"
        for day in range(1, 11)
        for minute in range(8)
    )
    stores = {"store": store, "media_store": MediaStore(tmp_path / "media")}
    dead_letters = DeadLetterQueue(tmp_path / "dead_letters.sqlite3")
    for folder in ("WhatsApp Chat - Juma Mwangi", "WhatsApp Chat - Juma Mwangi 2"):
        path = _unzipped(tmp_path, folder, days)
        summary = import_exports([path], tz=NAIROBI, today=TODAY, workers=2, dead_letters=dead_letters, **stores)
    assert (summary.added, summary.already_present) == (0, 80)
    assert {m.chat_name for m in store.iter_messages()} == {"Juma Mwangi"}


def test_the_file_of_one_copy_and_the_seconds_of_the_other_make_the_message(tmp_path, world):
    store, run = world
    with_media = tmp_path / "WhatsApp Chat with Juma Mwangi.zip"
    with zipfile.ZipFile(with_media, "w") as archive:
        archive.writestr(
            "WhatsApp Chat with Juma Mwangi.txt",
            "12/03/2023, 10:17 - Juma Mwangi: IMG-20230312-WA0003.png (file attached)\nRisiti ya jana\n",
        )
        archive.writestr("IMG-20230312-WA0003.png", _png())
    run(with_media)
    (image,) = _day(store)
    # The iPhone's export without media: a placeholder, but to the second.
    run(_ios(tmp_path, "[12/03/2023, 10:17:30] Juma Mwangi: \u200eimage omitted\n", media={}))
    (merged,) = _day(store)
    assert (merged.message_id, merged.kind, merged.caption, merged.media) == (
        image.message_id,
        "image",
        "Risiti ya jana",
        image.media,
    )
    assert merged.sent_at.astimezone(NAIROBI).strftime("%H:%M:%S") == "10:17:30"


# WhatsApp's own lines of one group, as each phone writes them (invented group and people). The encryption notice
# is worded apart (Android adds "Tap to learn more.", iOS marks the line with U+200E under the group's name); both
# read as event "encryption_notice".
GROUP_ANDROID = (
    "12/03/2023, 10:14 - Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp,"
    " can read or listen to them. Tap to learn more.\n"
    "12/03/2023, 10:15 - Juma Mwangi: Karibuni\n"
)
GROUP_IOS = (
    "[12/03/2023, 10:14:02] Duka Letu: \u200eMessages and calls are end-to-end encrypted. No one outside of this"
    " chat, not even WhatsApp, can read or listen to them.\n"
    "[12/03/2023, 10:15:07] Juma Mwangi: Karibuni\n"
)


def _group(tmp_path: Path, android: str, ios: str) -> tuple[Path, Path]:
    """The group's Android export and its iPhone export."""
    return _android(tmp_path, android, "WhatsApp Chat with Duka Letu.txt"), _unzipped(
        tmp_path, "WhatsApp Chat - Duka Letu", ios
    )


def _system(store) -> list[tuple[str, str | None, str]]:
    return [
        (m.sent_at.astimezone(NAIROBI).strftime("%H:%M:%S"), m.event, m.text) for m in _day(store) if m.kind == "system"
    ]


def test_the_encryption_notice_of_both_phones_lands_once(tmp_path, world):
    store, run = world
    android, ios = _group(tmp_path, GROUP_ANDROID, GROUP_IOS)
    assert run(android).added == 2
    (notice,) = [m for m in _day(store) if m.kind == "system"]

    summary = run(ios)
    assert (summary.added, summary.already_present) == (0, 2)
    # The iPhone's copy says the second: it improves the notice under its first id, worded as the iPhone wrote it.
    (improved,) = [m for m in _day(store) if m.kind == "system"]
    assert (improved.message_id, improved.event) == (notice.message_id, "encryption_notice")
    assert improved.sent_at.astimezone(NAIROBI).strftime("%H:%M:%S") == "10:14:02"

    again = run(android, ios)
    assert (again.added, again.already_present) == (0, 4)
    assert store.count() == 2


def test_an_android_export_after_the_iphone_one_adds_no_notice(tmp_path, world):
    store, run = world
    android, ios = _group(tmp_path, GROUP_ANDROID, GROUP_IOS)
    run(ios)
    landed = _day(store)
    summary = run(android)
    assert (summary.added, summary.already_present) == (0, 2)
    assert _day(store) == landed


def test_notices_meet_one_for_one_in_their_minute(tmp_path, world):
    store, run = world
    # An older group: the notice, then the one saying its messages are now secured, both in one minute; the other
    # export holds the first only.
    android, ios = _group(
        tmp_path,
        GROUP_ANDROID + "12/03/2023, 10:14 - Messages to this group are now secured with end-to-end encryption.\n",
        GROUP_IOS,
    )
    run(android)
    assert run(ios).added == 0
    # The first notice meets the iPhone's and takes its second; the one only Android holds stays as it was.
    assert [(t, text[:30]) for t, _, text in _system(store)] == [
        ("10:14:00", "Messages to this group are now"),
        ("10:14:02", "Messages and calls are end-to-"),
    ]


def test_events_that_name_people_are_not_matched_by_their_code(tmp_path, world):
    store, run = world
    # Two members' phones in one minute: each export shows a "member_added" its other lacks. The record keeps who
    # was added only in the phone's words, so a code-only match would land one of them in the other's place.
    android, ios = _group(
        tmp_path,
        "12/03/2023, 10:15 - Juma Mwangi added Amina Njeri\n",
        "[12/03/2023, 10:15:10] Duka Letu: \u200eJuma Mwangi added Baraka Otieno\n",
    )
    run(android)
    assert run(ios).added == 1
    assert [(event, text) for _, event, text in _system(store)] == [
        ("member_added", "Juma Mwangi added Amina Njeri"),
        ("member_added", "Juma Mwangi added Baraka Otieno"),
    ]


def test_a_line_of_whatsapp_read_as_no_event_stays_in_each_export(tmp_path, world):
    store, run = world
    # A line of a newer WhatsApp that no phrase book knows: no event code, so nothing language-independent tells
    # that both exports show the same thing (the words differ by platform and language), and each lands.
    android, ios = _group(
        tmp_path,
        "12/03/2023, 10:16 - Juma Mwangi turned on a brand-new group feature\n",
        # (iOS writes some of its lines with no name before them: read as WhatsApp's, of no known event.)
        "[12/03/2023, 10:16:20] \u200eJuma Mwangi turned on a brand-new group feature\n",
    )
    run(android)
    assert run(ios).added == 1
    assert [(event, text) for _, event, text in _system(store)] == [
        (None, "Juma Mwangi turned on a brand-new group feature"),
        (None, "Juma Mwangi turned on a brand-new group feature"),
    ]


def test_the_events_matched_by_code_alone_name_nobody_in_any_language():
    # A template with a placeholder ({actor}, {subject}...) would make its code stand for lines about different people.
    placeholder = re.compile(r"\{\w+\}")
    for language in export_phrases.languages():
        for phrase in export_phrases.load_language(export_phrases.LOCALES_DIR / f"{language}.json"):
            if phrase.meaning in cross_source._SUBJECTLESS_EVENTS:
                assert not placeholder.search(phrase.text), (language, phrase.text)


# One group's events as an English Android phone and a Spanish iPhone write them (invented group and people): the
# record keeps what each line names (`Message.event_subjects`), the same in both languages.
EVENTS_EN = (
    '12/03/2023, 10:14 - Juma Mwangi created group "Duka Letu"\n'
    "12/03/2023, 10:15 - Juma Mwangi added Amina Njeri\n"
    "12/03/2023, 10:15 - Juma Mwangi added Baraka Otieno\n"
    "12/03/2023, 10:15 - Juma Mwangi: Karibuni\n"
    '12/03/2023, 10:16 - Juma Mwangi changed the subject from "Duka Letu" to "Duka Letu Kariakoo"\n'
    "12/03/2023, 10:17 - Amina Njeri left\n"
    "12/03/2023, 10:18 - Juma Mwangi removed Baraka Otieno\n"
)
EVENTS_ES = (
    '[12/03/2023, 10:14:01] Duka Letu: \u200eJuma Mwangi creó el grupo "Duka Letu".\n'
    "[12/03/2023, 10:15:10] Duka Letu: \u200eJuma Mwangi añadió a Amina Njeri.\n"
    "[12/03/2023, 10:15:11] Duka Letu: \u200eJuma Mwangi añadió a Baraka Otieno.\n"
    "[12/03/2023, 10:15:30] Juma Mwangi: Karibuni\n"
    '[12/03/2023, 10:16:20] Duka Letu: \u200eJuma Mwangi cambió el nombre del grupo a "Duka Letu Kariakoo".\n'
    "[12/03/2023, 10:17:30] Duka Letu: \u200eAmina Njeri salió del grupo\n"
    "[12/03/2023, 10:18:40] Duka Letu: \u200eJuma Mwangi ha eliminado Baraka Otieno\n"
)
EVENTS = [
    "group_created",
    "member_added",
    "member_added",
    "subject_changed",
    "member_left",
    "member_removed",
]


def _english_and_spanish(tmp_path: Path, english: str, spanish: str) -> tuple[Path, Path]:
    """The group's export from an English Android phone, and from a Spanish iPhone (unzipped, named in Spanish)."""
    return _android(tmp_path, english, "WhatsApp Chat with Duka Letu.txt"), _unzipped(
        tmp_path, "Chat de WhatsApp con Duka Letu", spanish
    )


def test_each_phone_language_names_an_event_alike():
    english, spanish = (
        parse_chat_export(text, chat_name="Duka Letu", tz=NAIROBI, today=TODAY).messages
        for text in (EVENTS_EN, EVENTS_ES)
    )
    subjects = [
        [(m.event, m.event_subjects) for m in messages if m.kind == "system"] for messages in (english, spanish)
    ]
    assert [event for event, _ in subjects[1]] == EVENTS
    assert subjects[1][1] == ("member_added", '{"actor": "Juma Mwangi", "subject": "Amina Njeri"}')
    # English names the old subject too; the new one, and who changed it, are named by both.
    assert subjects[0][3] == (
        "subject_changed",
        '{"actor": "Juma Mwangi", "new": "Duka Letu Kariakoo", "old": "Duka Letu"}',
    )
    assert subjects[1][3] == ("subject_changed", '{"actor": "Juma Mwangi", "new": "Duka Letu Kariakoo"}')
    assert [s for i, s in enumerate(subjects[0]) if i != 3] == [s for i, s in enumerate(subjects[1]) if i != 3]


@pytest.mark.parametrize("spanish_first", [False, True])
def test_the_group_events_of_an_english_and_a_spanish_phone_land_once(tmp_path, world, spanish_first):
    store, run = world
    english, spanish = _english_and_spanish(tmp_path, EVENTS_EN, EVENTS_ES)
    first, second = (spanish, english) if spanish_first else (english, spanish)
    assert run(first).added == 7
    landed_ids = [m.message_id for m in _day(store)]

    summary = run(second)
    assert (summary.added, summary.already_present) == (0, 7)
    assert [event for _, event, _ in _system(store)] == EVENTS
    # Each event keeps its first id, with the seconds the iPhone's copy says.
    assert [m.message_id for m in _day(store)] == landed_ids
    assert [t for t, _, _ in _system(store)] == ["10:14:01", "10:15:10", "10:15:11", "10:16:20", "10:17:30", "10:18:40"]

    again = run(english, spanish)
    assert (again.added, again.already_present) == (0, 14)
    assert store.count() == 7


def test_two_android_phones_in_two_languages_land_an_event_once(tmp_path, world):
    store, run = world
    # One layout, to the minute, on both phones: only the words of WhatsApp's line show the two copies apart.
    english = _android(
        tmp_path, "12/03/2023, 10:15 - Juma Mwangi added Amina Njeri\n", "WhatsApp Chat with Duka Letu.txt"
    )
    spanish = _android(
        tmp_path, "12/03/2023, 10:15 - Juma Mwangi añadió a Amina Njeri.\n", "Chat de WhatsApp con Duka Letu.txt"
    )
    run(english)
    assert run(spanish).added == 0
    assert [(event, text) for _, event, text in _system(store)] == [("member_added", "Juma Mwangi added Amina Njeri")]


def test_two_members_added_in_one_minute_stay_two(tmp_path, world):
    store, run = world
    # Each export shows one "member_added" of 10:15 that the other lacks: who was added tells them apart.
    english, spanish = _english_and_spanish(
        tmp_path,
        "12/03/2023, 10:15 - Juma Mwangi added Amina Njeri\n",
        "[12/03/2023, 10:15:10] Duka Letu: \u200eJuma Mwangi añadió a Baraka Otieno.\n",
    )
    run(english)
    assert run(spanish).added == 1
    assert [(event, text) for _, event, text in _system(store)] == [
        ("member_added", "Juma Mwangi added Amina Njeri"),
        ("member_added", "Juma Mwangi añadió a Baraka Otieno."),
    ]
    assert run(english, spanish).added == 0


def test_an_event_whose_actor_differs_stays_two(tmp_path, world):
    store, run = world
    english, spanish = _english_and_spanish(
        tmp_path,
        "12/03/2023, 10:15 - Juma Mwangi added Amina Njeri\n",
        "[12/03/2023, 10:15:10] Duka Letu: \u200eBaraka Otieno añadió a Amina Njeri.\n",
    )
    run(english)
    assert run(spanish).added == 1
    assert len(_system(store)) == 2


def test_lines_naming_the_exporter_stay_in_each_export(tmp_path, world):
    store, run = world
    # Amina's phone and Baraka's: each says "you" for its own member, who both left in that minute. Two events.
    android, ios = _group(
        tmp_path,
        "12/03/2023, 10:17 - You left\n",
        "[12/03/2023, 10:17:30] Duka Letu: \u200eYou left\n",
    )
    run(android)
    assert run(ios).added == 1
    assert [event for _, event, _ in _system(store)] == ["member_left", "member_left"]


def test_records_landed_before_subjects_were_kept_slot_as_before():
    # A record of an earlier version holds the event code only: a notice is matched by it, a named event not at all.
    base = {"source": "chat_export", "chat_id": "chat_x", "sent_at": "2023-03-12T07:15:00+00:00", "kind": "system"}
    assert cross_source.export_slot(base | {"event": "encryption_notice"}) == (
        "chat_x",
        "2023-03-12T07:15",
        "",
        "event:encryption_notice",
    )
    assert cross_source.export_slot(base | {"event": "member_added"}) is None
    named = base | {"event": "member_added", "event_subjects": '{"actor": "Juma", "subject": "Amina"}'}
    assert cross_source.export_slot(named) == ("chat_x", "2023-03-12T07:15", "", "event:member_added\x1fjuma\x1famina")
    # A line naming the exporter ("Juma added you"), or fewer roles than its event needs, is told by nothing.
    assert cross_source.export_slot(named | {"event_subjects": '{"actor": "Juma", "subject": null}'}) is None
    assert cross_source.export_slot(named | {"event_subjects": '{"subject": "Amina"}'}) is None


@pytest.mark.parametrize("spanish_first", [False, True])
def test_members_added_in_one_line_land_once_whatever_joins_their_names(tmp_path, world, spanish_first):
    store, run = world
    # One line adds three members: English joins them with " and ", Spanish with " y " (the CLDR list patterns).
    english, spanish = _english_and_spanish(
        tmp_path,
        "12/03/2023, 10:15 - Juma Mwangi added Amina Njeri, Baraka Otieno and Chausiku Ali\n",
        "[12/03/2023, 10:15:10] Duka Letu: \u200eJuma Mwangi añadió a Amina Njeri, Baraka Otieno y Chausiku Ali.\n",
    )
    first, second = (spanish, english) if spanish_first else (english, spanish)
    run(first)
    assert run(second).added == 0
    assert [(t, event) for t, event, _ in _system(store)] == [("10:15:10", "member_added")]


def test_members_added_in_one_line_are_compared_as_a_whole_list(tmp_path, world):
    store, run = world
    # The same minute and actor, lists sharing two names of three: two events.
    english, spanish = _english_and_spanish(
        tmp_path,
        "12/03/2023, 10:15 - Juma Mwangi added Amina Njeri, Baraka Otieno and Chausiku Ali\n",
        "[12/03/2023, 10:15:10] Duka Letu: \u200eJuma Mwangi añadió a Amina Njeri, Baraka Otieno y Daudi Kip.\n",
    )
    run(english)
    assert run(spanish).added == 1
    assert len(_system(store)) == 2


def test_every_language_says_what_joins_a_list_and_where_it_came_from():
    book = export_phrases.phrase_book()
    for language in export_phrases.languages():
        path = export_phrases.LOCALES_DIR / f"{language}.json"
        joiners = export_phrases.load_list_joiners(path)
        assert joiners and all(joiner.strip() for joiner in joiners), language
        assert "CLDR" in json.loads(path.read_text(encoding="utf-8"))["list_joiners"]["source"]
        for joiner in joiners:
            parts = book.list_joiners.split(f"Amina{joiner}Baraka")
            assert [part.strip() for part in parts] == ["Amina", "Baraka"], (language, joiner)


# One group exported from the owner's phone, where Juma is saved by name, and from a colleague's iPhone, where he is
# not: his number stands in his name's place (invented people and number).
SAVED = (
    "12/03/2023, 10:15 - Juma Mwangi: Habari za asubuhi\n"
    "12/03/2023, 10:15 - Amina Njeri: Salama\n"
    "12/03/2023, 10:16 - Juma Mwangi: Nataka mifuko 20 ya unga\n"
    "12/03/2023, 10:17 - Juma Mwangi: ok\n"
    "12/03/2023, 10:18 - Juma Mwangi: Asante\n"
)
UNSAVED = (
    "[12/03/2023, 10:15:04] \u202a+254 712 345 678\u202c: Habari za asubuhi\n"
    "[12/03/2023, 10:15:30] Amina Njeri: Salama\n"
    "[12/03/2023, 10:16:12] \u202a+254 712 345 678\u202c: Nataka mifuko 20 ya unga\n"
    "[12/03/2023, 10:17:02] \u202a+254 712 345 678\u202c: ok\n"
    "[12/03/2023, 10:18:40] \u202a+254 712 345 678\u202c: Asante\n"
)


def _senders(store) -> list[tuple[str, str, str | None]]:
    return [(m.sent_at.astimezone(NAIROBI).strftime("%H:%M:%S"), m.sender_name, m.text) for m in _day(store)]


@pytest.mark.parametrize("unsaved_first", [False, True])
def test_a_sender_saved_on_one_phone_and_not_the_other_lands_once_by_name(tmp_path, world, unsaved_first):
    store, run = world
    saved, unsaved = _group(tmp_path, SAVED, UNSAVED)
    first, second = (unsaved, saved) if unsaved_first else (saved, unsaved)
    assert run(first).added == 5
    landed_ids = [m.message_id for m in _day(store)]

    summary = run(second)
    assert (summary.added, summary.already_present) == (0, 5)
    # One row a message, under its first id, named as the phone that saved him names him, to the iPhone's second.
    assert [m.message_id for m in _day(store)] == landed_ids
    assert _senders(store) == [
        ("10:15:04", "Juma Mwangi", "Habari za asubuhi"),
        ("10:15:30", "Amina Njeri", "Salama"),
        ("10:16:12", "Juma Mwangi", "Nataka mifuko 20 ya unga"),
        ("10:17:02", "Juma Mwangi", "ok"),
        ("10:18:40", "Juma Mwangi", "Asante"),
    ]
    assert run(saved, unsaved).added == 0
    assert store.count() == 5


def test_a_number_and_a_name_meeting_on_one_message_stay_two(tmp_path, world):
    store, run = world
    # Someone unsaved says "ok" in the minute Juma does, and nothing else they say pairs: two people.
    saved, unsaved = _group(
        tmp_path,
        "12/03/2023, 10:17 - Juma Mwangi: ok\n12/03/2023, 10:18 - Juma Mwangi: Asante\n",
        "[12/03/2023, 10:17:02] \u202a+254 733 000 111\u202c: ok\n[12/03/2023, 10:18:40] \u202a+254 733 000 111\u202c: Sawa\n",
    )
    run(saved)
    assert run(unsaved).added == 2
    assert len(_day(store)) == 4


def test_a_name_that_writes_in_the_numbers_export_is_someone_else(tmp_path, world):
    store, run = world
    # The iPhone's export shows Juma by name too: the number that says what he says is another member.
    saved, unsaved = _group(tmp_path, SAVED, UNSAVED + "[12/03/2023, 10:19:00] Juma Mwangi: Tutaonana\n")
    run(saved)
    assert run(unsaved).added == 5


def test_two_names_are_never_one_sender():
    # Two phones that saved one member under two names: the rule leaves it, whatever pairs.
    base = {"source": "chat_export", "chat_id": "chat_x", "kind": "text", "caption": None}
    landed = [
        base | {"sent_at": f"2023-03-12T07:1{i}:00+00:00", "sender_name": "Juma", "text": f"m{i}"} for i in range(5)
    ]

    def aliases(incoming: list[dict]) -> dict:
        return cross_source.sender_aliases(
            map(cross_source.export_slot, landed), map(cross_source.export_slot, incoming)
        )

    assert aliases([r | {"sender_name": "Juma M."} for r in landed]) == {}
    numbered = [r | {"sender_name": "+254 712 345 678"} for r in landed]
    assert aliases(numbered) == {("chat_x", "+254 712 345 678"): "juma"}


@pytest.mark.parametrize("workers", [1, 2])
def test_the_second_unzip_imported_before_the_first_is_still_one_chat(tmp_path, world, monkeypatch, workers):
    store, _ = world
    monkeypatch.setattr(importer, "LINES_PER_WORKER", 2)
    stores = {"store": store, "media_store": MediaStore(tmp_path / "media")}
    dead_letters = DeadLetterQueue(tmp_path / "dead_letters.sqlite3")

    def run(path: Path):
        return import_exports([path], tz=NAIROBI, today=TODAY, workers=workers, dead_letters=dead_letters, **stores)

    run(_unzipped(tmp_path, "WhatsApp Chat - Juma Mwangi 2", IOS))
    # The unnumbered folder, exported later (one message more), lands into the chat its copy made: nothing twice.
    summary = run(
        _unzipped(tmp_path, "WhatsApp Chat - Juma Mwangi", IOS + "[13/03/2023, 08:00:12] Juma Mwangi: Habari\n")
    )
    assert (summary.added, summary.already_present) == (1, 4)
    assert {m.chat_name for m in store.iter_messages()} == {"Juma Mwangi 2"}
    assert store.count() == 5
    # The third unzip finds the chat too.
    assert run(_unzipped(tmp_path, "WhatsApp Chat - Juma Mwangi 3", IOS)).added == 0
    assert store.count() == 5


def test_a_chat_imported_after_a_numbered_group_of_other_messages_stays_its_own(tmp_path, world):
    store, run = world
    other = "[12/03/2023, 10:15:05] Juma Mwangi: ok\n[12/03/2023, 10:20:00] Amina Njeri: Tuko njiani\n"
    run(_unzipped(tmp_path, "WhatsApp Chat - Team 2", other))
    # "Team" opens with the same "ok" of Juma's, then says other things: another group.
    assert run(_unzipped(tmp_path, "WhatsApp Chat - Team", IOS)).added == 4
    assert sorted({m.chat_name for m in store.iter_messages()}) == ["Team", "Team 2"]


def test_a_name_pairing_with_two_numbers_is_neither():
    # Each of two unsaved numbers says what Juma says, minute for minute: which one he is cannot be told.
    base = {"source": "chat_export", "chat_id": "chat_x", "kind": "text", "caption": None, "sender_name": "Juma"}
    landed = [base | {"sent_at": f"2023-03-12T07:1{i}:00+00:00", "text": f"m{i}"} for i in range(5)]
    incoming = [r | {"sender_name": number} for r in landed for number in ("+254 712 345 678", "+254 733 000 111")]
    slots = cross_source.export_slot
    assert cross_source.sender_aliases(map(slots, landed), map(slots, incoming)) == {}
    assert cross_source.sender_aliases(map(slots, landed), map(slots, incoming[::2])) == {
        ("chat_x", "+254 712 345 678"): "juma"
    }
