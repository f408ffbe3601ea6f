"""Group events in the words of WhatsApp Android's own strings, rebuilt with invented people.

An Android export writes WhatsApp's own lines with no sender, in the phone's language; the words are WhatsApp
Android's strings.xml (source `android_strings_2017` in each language file, the key named per line). Each line must
land as the event it is, naming whom it names, however its language orders the words.
"""

from __future__ import annotations

import json
from datetime import date
from zoneinfo import ZoneInfo

import pytest

from wa_pipeline.whatsapp.chat_export import parse_chat_export

NAIROBI = ZoneInfo("Africa/Nairobi")
TODAY = date(2026, 12, 7)


def _event(body: str) -> tuple:
    parsed = parse_chat_export(f"18/03/2025, 14:56 - {body}\n", chat_name="Duka", tz=NAIROBI, today=TODAY)
    assert parsed.errors == []
    (message,) = parsed.messages
    subjects = json.loads(message.event_subjects) if message.event_subjects else {}
    return message.kind, message.sender_name, message.event, subjects


@pytest.mark.parametrize(
    ("body", "event", "subjects"),
    [
        ("Juma أضاف Neema", "member_added", {"actor": "Juma", "subject": "Neema"}),
        ('Juma أنشأ مجموعة "Duka"', "group_created", {"actor": "Juma", "subject": "Duka"}),
        (
            'Juma غيّر اسم المجموعة من "Duka" إلى "Soko"',
            "subject_changed",
            {"actor": "Juma", "old": "Duka", "new": "Soko"},
        ),
        ("Juma đã thêm Neema vào nhóm", "member_added", {"actor": "Juma", "subject": "Neema"}),
        # The exporting member: no one called "Bạn" added anyone.
        ("Bạn đã thêm Neema vào nhóm", "member_added", {"subject": "Neema"}),
        ("Juma đã tham gia nhóm này bằng liên kết mời", "joined_by_link", {"actor": "Juma"}),
        ("Juma ได้เพิ่ม Neema เข้ากลุ่ม", "member_added", {"actor": "Juma", "subject": "Neema"}),
        ('Juma ได้เปลี่ยนหัวข้อเป็น "Soko"', "subject_changed", {"actor": "Juma", "new": "Soko"}),
        ("JumaがNeemaを追加しました", "member_added", {"actor": "Juma", "subject": "Neema"}),
        ("Juma がグループの説明を変更しました", "description_changed", {"actor": "Juma"}),
        ("Juma님이 Neema님을 추가했습니다", "member_added", {"actor": "Juma", "subject": "Neema"}),
        # The longer wording (old and new name) before the shorter one, whose "new" would hold both names.
        (
            "Juma님이 그룹 이름을 “Duka”에서 “Soko”로 변경했습니다.",
            "subject_changed",
            {"actor": "Juma", "old": "Duka", "new": "Soko"},
        ),
        ('Juma 创建了 "Duka" 群组', "group_created", {"actor": "Juma", "subject": "Duka"}),
        ("Juma 移除了 Neema", "member_removed", {"actor": "Juma", "subject": "Neema"}),
        ("您已成为群组管理员", "admin_granted", {}),
        ("أنت لم تعد مشرفاً", "admin_revoked", {}),
    ],
)
def test_an_android_group_event_in_whatsapps_own_words_is_that_event(body, event, subjects):
    kind, sender, found, named = _event(body)
    assert (kind, sender, found) == ("system", None, event)
    assert {role: named.get(role) for role in subjects} == subjects
    if event == "member_added" and "actor" not in subjects:
        assert named.get("actor") is None


@pytest.mark.parametrize(
    "words", ["Juma أضاف السكر", "Juma đã thêm đường vào nhóm chưa?", "JumaがNeemaを追加しました?"]
)
def test_a_member_writing_such_words_keeps_them(words):
    parsed = parse_chat_export(f"18/03/2025, 14:56 - Neema: {words}\n", chat_name="Duka", tz=NAIROBI, today=TODAY)
    (message,) = parsed.messages
    assert (message.kind, message.sender_name, message.text, message.event) == ("text", "Neema", words, None)


def _event_in(layout: str, body: str) -> tuple:
    # Android writes the line with no sender; iOS under the chat's name behind its U+200E mark.
    if layout == "android":
        text = f"18/03/2025, 14:56 - {body}\n"
    else:
        text = f"[18/03/2025, 14:56:01] Duka: \u200e{body}\n"
    parsed = parse_chat_export(text, chat_name="Duka", tz=NAIROBI, today=TODAY)
    assert parsed.errors == []
    (message,) = parsed.messages
    subjects = json.loads(message.event_subjects) if message.event_subjects else {}
    return message.kind, message.event, subjects


@pytest.mark.parametrize("layout", ["android", "ios"])
@pytest.mark.parametrize(
    ("body", "event", "subjects"),
    [
        # Urdu, with the Arabic presentation forms that WhatsApp Android and iOS alike write in "was removed".
        ("Juma نے Neema کو شامل کیا", "member_added", {"actor": "Juma", "subject": "Neema"}),
        ("Neema کو ہٹا\ufef3\ufe8e \ufb9c\ufef4\ufe8e", "member_removed", {"subject": "Neema"}),
        (
            'Juma نے موضوع کو "Duka" سے "Soko"میں تبدیل کیا۔',
            "subject_changed",
            {"actor": "Juma", "old": "Duka", "new": "Soko"},
        ),
        # Persian: the added member before the actor ("Neema by Juma added").
        ("Neema توسط Juma اضافه شد", "member_added", {"actor": "Juma", "subject": "Neema"}),
        ("Juma ترک کرد", "member_left", {"actor": "Juma"}),
        ("Juma موضوع را به “Soko” تغییر داد", "subject_changed", {"actor": "Juma", "new": "Soko"}),
        ("Juma , Neema কে আপসারন করেছেন", "member_removed", {"actor": "Juma", "subject": "Neema"}),
        ('Juma "Duka" গোষ্ঠীটি তৈরি করেছে', "group_created", {"actor": "Juma", "subject": "Duka"}),
        ("Juma amemuongeza Neema", "member_added", {"actor": "Juma", "subject": "Neema"}),
        ("Juma katoka", "member_left", {"actor": "Juma"}),
        (
            'Juma amebadili mada kutoka "Duka" kuwa "Soko"',
            "subject_changed",
            {"actor": "Juma", "old": "Duka", "new": "Soko"},
        ),
        ("Juma додав(-ла) Neema", "member_added", {"actor": "Juma", "subject": "Neema"}),
        ("Juma покинув(-ла) групу", "member_left", {"actor": "Juma"}),
        ('Juma створив групу "Duka"', "group_created", {"actor": "Juma", "subject": "Duka"}),
        ("您已不是本群組管理員", "admin_revoked", {}),
        ('Juma 將主題由 "Duka" 改為 "Soko"', "subject_changed", {"actor": "Juma", "old": "Duka", "new": "Soko"}),
        ("Juma 使用了群組邀請連結加入群組", "joined_by_link", {"actor": "Juma"}),
        # The same strings.xml in languages whose newer wordings we had, but not these of 2017.
        ('Juma cambió el asunto a "Soko"', "subject_changed", {"actor": "Juma", "new": "Soko"}),
        ("Ya no eres administrador", "admin_revoked", {}),
        ("Neema foi adicionado", "member_added", {"subject": "Neema"}),
        (
            'Juma alterou o nome de "Duka" para "Soko"',
            "subject_changed",
            {"actor": "Juma", "old": "Duka", "new": "Soko"},
        ),
        (
            'Juma hat den Betreff von "Duka" zu "Soko" geändert',
            "subject_changed",
            {"actor": "Juma", "old": "Duka", "new": "Soko"},
        ),
        ("Du bist kein Admin mehr", "admin_revoked", {}),
        ("Juma a modifié le sujet en “Soko”", "subject_changed", {"actor": "Juma", "new": "Soko"}),
        ("Vous avez changé le sujet “Duka” en “Soko”", "subject_changed", {"old": "Duka", "new": "Soko"}),
        ('Juma mengubah subjek menjadi "Soko"', "subject_changed", {"actor": "Juma", "new": "Soko"}),
        (
            'Juma telah mengubah subjek dari "Duka" menjadi "Soko"',
            "subject_changed",
            {"actor": "Juma", "old": "Duka", "new": "Soko"},
        ),
        ("Juma добавил(-а) Neema", "member_added", {"actor": "Juma", "subject": "Neema"}),
        ("Juma покинул(-а) группу", "member_left", {"actor": "Juma"}),
        ("Juma grup konusunu “Soko” olarak değiştirdi", "subject_changed", {"actor": "Juma", "new": "Soko"}),
        ("Artık bir yönetici değilsiniz", "admin_revoked", {}),
        ("Sei stato rimosso", "member_removed", {}),
        ("Non sei più un amministratore", "admin_revoked", {}),
        (
            "Juma heeft het onderwerp gewijzigd van 'Duka' naar 'Soko'",
            "subject_changed",
            {"actor": "Juma", "old": "Duka", "new": "Soko"},
        ),
        ("U bent geen beheerder meer", "admin_revoked", {}),
        ("Juma dodał(a) Neema", "member_added", {"actor": "Juma", "subject": "Neema"}),
        ("Juma opuścił(a)", "member_left", {"actor": "Juma"}),
        ("Juma הוסיף/ה את Neema", "member_added", {"actor": "Juma", "subject": "Neema"}),
        (
            'Juma החליף/ה את נושא הקבוצה מ-"Duka" ל-"Soko"',
            "subject_changed",
            {"actor": "Juma", "old": "Duka", "new": "Soko"},
        ),
        ('Juma mengubah subjek grup ke "Soko"', "subject_changed", {"actor": "Juma", "new": "Soko"}),
        ("Anda bukan lagi pentadbir", "admin_revoked", {}),
    ],
)
def test_an_android_group_event_reads_in_either_layout(layout, body, event, subjects):
    kind, found, named = _event_in(layout, body)
    assert (kind, found) == ("system", event)
    assert {role: named.get(role) for role in subjects} == subjects
