"""Group and chat events in the words of WhatsApp iOS's own strings, rebuilt with invented people.

An iOS export writes WhatsApp's own lines under the chat's name with a U+200E mark, in the phone's language; the
words are WhatsApp iOS's Localizable.strings (source `ios_strings` in each language file, the key named per line).
Each line must land as the event it is, naming whom it names, however its language orders the words.
"""

from __future__ import annotations

import json
from datetime import date
from zoneinfo import ZoneInfo

import pytest

from wa_pipeline.whatsapp.chat_export import parse_chat_export
from wa_pipeline_tests.whatsapp.test_export_android_strings import _event_in

NAIROBI = ZoneInfo("Africa/Nairobi")
TODAY = date(2026, 12, 7)
LRM = "\u200e"


def _event(body: str) -> tuple:
    text = f"[18/03/2025, 14:56:01] Duka la Mama: {LRM}{body}\n"
    parsed = parse_chat_export(text, chat_name="Duka la Mama", tz=NAIROBI, today=TODAY)
    assert parsed.errors == []
    (message,) = parsed.messages
    subjects = json.loads(message.event_subjects) if message.event_subjects else None
    return message.kind, message.event, subjects


def _reads_in_either_layout(layout: str, body: str, event: str, subjects: dict) -> None:
    """`body` lands as `event` naming `subjects` (and no other actor or subject: "you" is nobody named), written as
    Android writes WhatsApp's own line (no sender) or as iOS does (under the chat's name behind its U+200E mark)."""
    kind, read, named = _event_in(layout, body)
    assert (kind, read) == ("system", event)
    assert {role: named.get(role) for role in subjects} == subjects
    assert all(named.get(role) is None for role in ("actor", "subject") if role not in subjects)


def _kind_and_event(line: str) -> tuple[str, str | None]:
    (message,) = parse_chat_export(line, chat_name="Duka la Mama", tz=NAIROBI, today=TODAY).messages
    return message.kind, message.event


@pytest.mark.parametrize(
    ("body", "event", "subjects"),
    [
        # Members leaving, removed and added, in the languages no real export had shown.
        ("Juma غادر المجموعة", "member_left", {"actor": "Juma"}),
        ("Juma đã rời nhóm", "member_left", {"actor": "Juma"}),
        ("Juma ออกจากกลุ่ม", "member_left", {"actor": "Juma"}),
        ("Jumaが退出しました", "member_left", {"actor": "Juma"}),
        ("Juma님이 그룹에서 나갔습니다", "member_left", {"actor": "Juma"}),
        ("Juma 退出了", "member_left", {"actor": "Juma"}),
        ("Juma ने छोड़ा", "member_left", {"actor": "Juma"}),
        ("Juma نے گروپ چھوڑ دیا", "member_left", {"actor": "Juma"}),
        ("Juma was removed", "member_removed", {"subject": "Juma"}),
        ("Juma 被移除了", "member_removed", {"subject": "Juma"}),
        ("Juma dikeluarkan", "member_removed", {"subject": "Juma"}),
        # Malay's longer wording, not Indonesian's shorter one with "telah" left in the name.
        ("Juma telah dikeluarkan", "member_removed", {"subject": "Juma"}),
        ("Bạn đã thêm Juma", "member_added", {"subject": "Juma"}),
        ("أنت أضفت Juma", "member_added", {"subject": "Juma"}),
        # "Juma added you", not "you added 'Juma が あなた'": the longer wording reads the line.
        ("Jumaがあなたを追加しました", "member_added", {"actor": "Juma"}),
        ("Juma님이 회원님을 추가했습니다", "member_added", {"actor": "Juma"}),
        ("Jumaを追加しました", "member_added", {"subject": "Juma"}),
        ("Juma đã tham gia qua lời mời của bạn", "joined_by_link", {"actor": "Juma"}),
        ("Juma 已开启限时消息功能。", "disappearing_on", {"actor": "Juma"}),
        ("Juma changed their phone number. You're currently chatting with their new number.", "number_changed", None),
        (
            "Juma telah mengganti nomor telepon. Saat ini Anda sedang chat dengan nomor telepon barunya.",
            "number_changed",
            None,
        ),
        # Before, English read this one as members called "this group to" and "community" added.
        ("You added this group to a community", "community_linked", None),
        ("Anda menambahkan grup ini ke komunitas", "community_linked", None),
        ("消えるメッセージがオフになりました。", "disappearing_off", None),
        ("Bạn đã chặn doanh nghiệp này", "contact_blocked", None),
    ],
)
def test_an_ios_event_in_whatsapps_own_words_is_that_event(body, event, subjects):
    kind, found, named = _event(body)
    assert (kind, found) == ("system", event)
    if subjects is not None:
        assert {role: named.get(role) for role in subjects} == subjects
    elif event == "number_changed":
        assert named == {"actor": "Juma"}


@pytest.mark.parametrize(
    "body",
    [
        "Doanh nghiệp này sử dụng dịch vụ bảo mật của Meta để quản lý đoạn chat này. Hãy nhấn để tìm hiểu thêm.",
        "この事業者は、Metaの安全なサービスを使用してこのチャットを管理しています。タップして詳細を表示。",
    ],
)
def test_the_business_notice_in_the_phones_language_is_the_notice(body):
    assert _event(body)[:2] == ("system", "business_notice")


@pytest.mark.parametrize("words", ["Juma đã rời nhóm rồi à?", "Jumaが退出しましたか", "Mimi nimemwona Juma 退出了吗"])
def test_a_member_saying_something_like_it_keeps_their_words(words):
    parsed = parse_chat_export(
        f"18/03/2025, 14:56 - Neema: {words}\n", chat_name="Duka la Mama", tz=NAIROBI, today=TODAY
    )
    (message,) = parsed.messages
    assert (message.kind, message.sender_name, message.text, message.event) == ("text", "Neema", words, None)


@pytest.mark.parametrize("layout", ["android", "ios"])
@pytest.mark.parametrize(
    ("body", "event", "subjects"),
    [
        # Indonesian iOS lines read through the whole Localizable.strings (source ios_strings_all in id.json).
        ("Juma membuat grup “Duka”", "group_created", {"actor": "Juma", "subject": "Duka"}),
        ("Anda membuat grup “Duka”", "group_created", {"subject": "Duka"}),
        ("Juma telah mengubah subjek menjadi “Soko”", "subject_changed", {"actor": "Juma", "new": "Soko"}),
        ("Salah satu peserta telah mengubah subjek menjadi “Soko”", "subject_changed", {"new": "Soko"}),
        ("Juma mengubah ikon grup ini", "icon_changed", {"actor": "Juma"}),
        ("Anda mengubah ikon grup ini", "icon_changed", {}),
        ("Juma mengubah deskripsi grup. Ketuk untuk melihat.", "description_changed", {"actor": "Juma"}),
        ("Juma menghapus ikon grup ini", "icon_changed", {"actor": "Juma"}),
        ("Neema ditambahkan", "member_added", {"subject": "Neema"}),
        ("Juma memperbarui timer pesan.", "disappearing_changed", {"actor": "Juma"}),
        ("Grup ini ditambahkan ke komunitas “Kota”", "community_linked", {"subject": "Kota"}),
        ("Anda mengubah deskripsi grup", "description_changed", {}),
        (
            "Juma mengubah pengaturan grup untuk mengizinkan hanya admin yang dapat mengirim pesan ke grup",
            "settings_changed",
            {"actor": "Juma"},
        ),
    ],
)
def test_an_indonesian_ios_event_reads_in_either_layout(layout, body, event, subjects):
    _reads_in_either_layout(layout, body, event, subjects)


@pytest.mark.parametrize("layout", ["android", "ios"])
@pytest.mark.parametrize(
    ("body", "event", "subjects"),
    [
        # Chinese (Simplified) iOS lines, the keys of id.json's ios_strings_all read in ZH-Hans.strings.
        ("Juma 创建了 “Duka” 群组", "group_created", {"actor": "Juma", "subject": "Duka"}),
        ("您创建了 “Duka” 群组", "group_created", {"subject": "Duka"}),
        ("Juma 已更改主题为 “Soko”", "subject_changed", {"actor": "Juma", "new": "Soko"}),
        ("您更改了主题為 “Soko”", "subject_changed", {"new": "Soko"}),
        ("一名成员将群组主题改为 “Soko”", "subject_changed", {"new": "Soko"}),
        ("Juma 更改了本群组的图标", "icon_changed", {"actor": "Juma"}),
        ("您更改了本群组图标", "icon_changed", {}),
        ("Juma 更改了群组描述。点击以查看。", "description_changed", {"actor": "Juma"}),
        ("Juma 删除了群组描述", "description_changed", {"actor": "Juma"}),
        ("Juma 已将该群组添加到某社群", "community_linked", {"actor": "Juma"}),
        ("Juma 删除了本群组的图标", "icon_changed", {"actor": "Juma"}),
        ("Neema 已被添加到群组中。", "member_added", {"subject": "Neema"}),
        ("Juma 已关闭限时消息功能。", "disappearing_off", {"actor": "Juma"}),
        ("该群组已被添加到社群 “Kota”", "community_linked", {"subject": "Kota"}),
    ],
)
def test_a_chinese_ios_event_reads_in_either_layout(layout, body, event, subjects):
    _reads_in_either_layout(layout, body, event, subjects)


@pytest.mark.parametrize("layout", ["android", "ios"])
@pytest.mark.parametrize(
    ("body", "event", "subjects"),
    [
        # Arabic iOS lines, the same keys read in AR.strings ("جهة الاتصال" is "the contact", before the name).
        ("Juma أنشأ هذه المجموعة", "group_created", {"actor": "Juma"}),
        ("أنت أنشأت هذه المجموعة", "group_created", {}),
        ('غيّر أحد المشاركين اسم المجموعة إلى "Soko"', "subject_changed", {"new": "Soko"}),
        ("Juma غيّر أيقونة هذه المجموعة", "icon_changed", {"actor": "Juma"}),
        ("أنت غيرت أيقونة هذه المجموعة", "icon_changed", {}),
        ("Juma غيّر وصف المجموعة. انقر للاطلاع على التغيير.", "description_changed", {"actor": "Juma"}),
        ("Juma حذف وصف المجموعة", "description_changed", {"actor": "Juma"}),
        ("Juma حذف أيقونة هذه المجموعة", "icon_changed", {"actor": "Juma"}),
        ("تمّت إزالتك", "member_removed", {}),
        ("أوقفت جهة الاتصال Juma تفعيل خاصية الرسائل ذاتية الاختفاء.", "disappearing_off", {"actor": "Juma"}),
        ('تمت إضافة هذه المجموعة إلى المجتمع "Kota"', "community_linked", {"subject": "Kota"}),
    ],
)
def test_an_arabic_ios_event_reads_in_either_layout(layout, body, event, subjects):
    _reads_in_either_layout(layout, body, event, subjects)


@pytest.mark.parametrize("layout", ["android", "ios"])
@pytest.mark.parametrize(
    ("body", "event", "subjects"),
    [
        # Japanese iOS lines, the same keys read in JA.strings.
        ("Jumaがグループアイコンを削除しました", "icon_changed", {"actor": "Juma"}),
        ("グループ名を「Soko」に変更しました", "subject_changed", {"new": "Soko"}),
        ("参加者がグループ名を「Soko」に変更しました", "subject_changed", {"new": "Soko"}),
        ("Jumaがグループアイコンを変更しました", "icon_changed", {"actor": "Juma"}),
        ("グループアイコンを変更しました", "icon_changed", {}),
        ("Jumaがグループの説明を変更しました。タップして表示。", "description_changed", {"actor": "Juma"}),
        ("グループの説明を削除しました", "description_changed", {}),
        ("Jumaが消えるメッセージをオフにしました。", "disappearing_off", {"actor": "Juma"}),
        ("このグループはコミュニティ「Kota」に追加されました", "community_linked", {"subject": "Kota"}),
        ("Jumaがグループを作成しました", "group_created", {"actor": "Juma"}),
    ],
)
def test_a_japanese_ios_event_reads_in_either_layout(layout, body, event, subjects):
    _reads_in_either_layout(layout, body, event, subjects)


@pytest.mark.parametrize("layout", ["android", "ios"])
@pytest.mark.parametrize(
    ("body", "event", "subjects"),
    [
        # Chinese (Traditional) iOS lines, the same keys read in ZH-Hant.strings.
        ("Juma 建立了「Duka」群組", "group_created", {"actor": "Juma", "subject": "Duka"}),
        ("您建立了「Duka」群組", "group_created", {"subject": "Duka"}),
        ("Juma 已變更主題為 “Soko”", "subject_changed", {"actor": "Juma", "new": "Soko"}),
        ("您更改了主題為 “Soko”", "subject_changed", {"new": "Soko"}),
        ("某位對話成員已變更主題為「Soko」", "subject_changed", {"new": "Soko"}),
        ("Juma 更改了本群組的圖標", "icon_changed", {"actor": "Juma"}),
        ("您已變更此群組圖標", "icon_changed", {}),
        ("Juma 更改了群組描述。點擊以檢視。", "description_changed", {"actor": "Juma"}),
        ("Juma 刪除了群組描述", "description_changed", {"actor": "Juma"}),
        ("Juma 已刪除此群組圖示", "icon_changed", {"actor": "Juma"}),
        ("Juma 移除了您", "member_removed", {"actor": "Juma"}),
        ("您移除了 Neema", "member_removed", {"subject": "Neema"}),
        ("Juma 已關閉限時訊息模式。", "disappearing_off", {"actor": "Juma"}),
        ("已將此群組新增至社群「Kota」", "community_linked", {"subject": "Kota"}),
    ],
)
def test_a_traditional_chinese_ios_event_reads_in_either_layout(layout, body, event, subjects):
    _reads_in_either_layout(layout, body, event, subjects)


@pytest.mark.parametrize("layout", ["android", "ios"])
@pytest.mark.parametrize(
    ("body", "event", "subjects"),
    [
        # Korean iOS lines, the same keys read in KO.strings ("님" is the honorific after the name).
        ("Juma님이 “Duka” 그룹을 만들었습니다.", "group_created", {"actor": "Juma", "subject": "Duka"}),
        ("“Duka” 그룹을 만들었습니다.", "group_created", {"subject": "Duka"}),
        ("Juma님이 그룹 이름을 “Soko”(으)로 변경했습니다.", "subject_changed", {"actor": "Juma", "new": "Soko"}),
        ("그룹 이름을 “Soko”(으)로 변경했습니다.", "subject_changed", {"new": "Soko"}),
        ("멤버가 그룹 이름을 “Soko”(으)로 변경했습니다", "subject_changed", {"new": "Soko"}),
        ("Juma님이 그룹 아이콘을 변경했습니다", "icon_changed", {"actor": "Juma"}),
        ("그룹 아이콘을 삭제했습니다.", "icon_changed", {}),
        ("Juma님이 그룹 설명을 변경했습니다. 보려면 탭하세요.", "description_changed", {"actor": "Juma"}),
        ("Juma님이 그룹 설명을 삭제했습니다.", "description_changed", {"actor": "Juma"}),
        ("Juma님이 회원님을 퇴장시켰습니다", "member_removed", {"actor": "Juma"}),
        ("Neema님을 퇴장시켰습니다", "member_removed", {"subject": "Neema"}),
        ("Juma님이 자동삭제 메시지 설정을 껐습니다.", "disappearing_off", {"actor": "Juma"}),
        ('이 그룹이 "Kota" 커뮤니티에 추가되었습니다', "community_linked", {"subject": "Kota"}),
    ],
)
def test_a_korean_ios_event_reads_in_either_layout(layout, body, event, subjects):
    _reads_in_either_layout(layout, body, event, subjects)


@pytest.mark.parametrize("layout", ["android", "ios"])
@pytest.mark.parametrize(
    ("body", "event", "subjects"),
    [
        # Vietnamese iOS lines, the same keys read in VI.strings.
        ("Juma đã tạo nhóm “Duka”", "group_created", {"actor": "Juma", "subject": "Duka"}),
        ("Bạn đã tạo nhóm “Duka”", "group_created", {"subject": "Duka"}),
        ("Juma đã đổi tên thành “Soko”", "subject_changed", {"actor": "Juma", "new": "Soko"}),
        ("Bạn đã đổi tên nhóm thành “Soko”", "subject_changed", {"new": "Soko"}),
        ("Một thành viên đã đổi tên nhóm thành “Soko”", "subject_changed", {"new": "Soko"}),
        ("Juma đã thay đổi biểu tượng của nhóm này", "icon_changed", {"actor": "Juma"}),
        ("Bạn đã xóa biểu tượng nhóm này", "icon_changed", {}),
        ("Juma đã thay đổi mô tả nhóm. Nhấn để xem.", "description_changed", {"actor": "Juma"}),
        ("Bạn đã xóa mô tả nhóm", "description_changed", {}),
        ("Juma đã bỏ bạn khỏi nhóm", "member_removed", {"actor": "Juma"}),
        ("Bạn đã xóa Neema", "member_removed", {"subject": "Neema"}),
        ("Juma đã tắt tính năng tin nhắn tự hủy.", "disappearing_off", {"actor": "Juma"}),
        ('Nhóm này đã được thêm vào cộng đồng "Kota"', "community_linked", {"subject": "Kota"}),
    ],
)
def test_a_vietnamese_ios_event_reads_in_either_layout(layout, body, event, subjects):
    _reads_in_either_layout(layout, body, event, subjects)


@pytest.mark.parametrize(
    ("line", "kind", "event"),
    [
        # "You removed X" must not take iOS's own "you deleted this message" for a member called "tin nhắn này".
        ("[18/03/2025, 14:56:01] Neema: \u200eBạn đã xóa tin nhắn này.\n", "deleted", "deleted:by_me"),
        ("18/03/2025, 14:56 - Neema: Bạn đã xóa Juma à?\n", "text", None),
    ],
)
def test_vietnamese_you_removed_leaves_deleted_messages_and_members_words_alone(line, kind, event):
    assert _kind_and_event(line) == (kind, event)


@pytest.mark.parametrize("layout", ["android", "ios"])
@pytest.mark.parametrize(
    ("body", "event", "subjects"),
    [
        # Malay iOS lines, the same keys read in MS.strings.
        ("Juma telah mencipta grup “Duka”", "group_created", {"actor": "Juma", "subject": "Duka"}),
        ("Anda telah mencipta grup “Duka”", "group_created", {"subject": "Duka"}),
        ("Juma mengubah subjek kepada “Soko”", "subject_changed", {"actor": "Juma", "new": "Soko"}),
        ("Anda mengubah subjek kepada “Soko”", "subject_changed", {"new": "Soko"}),
        ("Seorang peserta telah menukar subjek kepada “Soko”", "subject_changed", {"new": "Soko"}),
        ("Anda telah memadam ikon grup ini", "icon_changed", {}),
        ("Juma telah menukar deskripsi kumpulan", "description_changed", {"actor": "Juma"}),
        ("Juma telah memadamkan deskripsi kumpulan", "description_changed", {"actor": "Juma"}),
        ("Juma telah mematikan ciri mesej menghilang.", "disappearing_off", {"actor": "Juma"}),
        ("Grup ini telah ditambahkan kepada komuniti “Kota”", "community_linked", {"subject": "Kota"}),
    ],
)
def test_a_malay_ios_event_reads_in_either_layout(layout, body, event, subjects):
    _reads_in_either_layout(layout, body, event, subjects)


@pytest.mark.parametrize(
    ("line", "kind", "event"),
    [
        # "You removed X" must not take a member's question, nor iOS's own "you deleted this message".
        ("18/03/2025, 14:56 - Neema: Anda mengeluarkan Juma?\n", "text", None),
        ("[18/03/2025, 14:56:01] Neema: \u200eAnda telah memadamkan mesej ini.\n", "deleted", "deleted:by_me"),
    ],
)
def test_malay_you_removed_leaves_deleted_messages_and_members_words_alone(line, kind, event):
    assert _kind_and_event(line) == (kind, event)


@pytest.mark.parametrize("layout", ["android", "ios"])
@pytest.mark.parametrize(
    ("body", "event", "subjects"),
    [
        # Hindi iOS lines, the same keys read in HI.strings.
        ("Juma ने ग्रुप “Duka” बनाया", "group_created", {"actor": "Juma", "subject": "Duka"}),
        ("आपने ग्रुप “Duka” बनाया", "group_created", {"subject": "Duka"}),
        ("Juma ने ग्रुप का नाम बदलकर “Soko” किया", "subject_changed", {"actor": "Juma", "new": "Soko"}),
        ("आपने ग्रुप का नाम बदलकर “Soko” किया", "subject_changed", {"new": "Soko"}),
        ("किसी सदस्य ने ग्रुप का नाम बदलकर “Soko” किया", "subject_changed", {"new": "Soko"}),
        ("Juma ने इस ग्रुप की फ़ोटो बदली", "icon_changed", {"actor": "Juma"}),
        ("आपने इस ग्रुप की फ़ोटो डिलीट की", "icon_changed", {}),
        ("Juma ने ग्रुप का वर्णन बदला", "description_changed", {"actor": "Juma"}),
        ("Juma ने ग्रुप का वर्णन डिलीट किया", "description_changed", {"actor": "Juma"}),
        ("Juma ने आपको हटाया", "member_removed", {"actor": "Juma"}),
        ("आपने Neema को हटाया", "member_removed", {"subject": "Neema"}),
        ("Juma ने 'गायब होने वाले मैसेज' मोड को ऑफ़ किया.", "disappearing_off", {"actor": "Juma"}),
        ("इस ग्रुप को “Kota” कम्युनिटी में शामिल किया गया", "community_linked", {"subject": "Kota"}),
    ],
)
def test_a_hindi_ios_event_reads_in_either_layout(layout, body, event, subjects):
    _reads_in_either_layout(layout, body, event, subjects)


@pytest.mark.parametrize(
    ("line", "kind", "event"),
    [
        # "You removed X" must not take a member's question, nor iOS's own "you deleted this message".
        ("18/03/2025, 14:56 - Neema: आपने Juma को हटाया?\n", "text", None),
        ("[18/03/2025, 14:56:01] Neema: \u200eआपने यह मैसेज डिलीट किया.\n", "deleted", "deleted:by_me"),
    ],
)
def test_hindi_you_removed_leaves_deleted_messages_and_members_words_alone(line, kind, event):
    assert _kind_and_event(line) == (kind, event)


@pytest.mark.parametrize("layout", ["android", "ios"])
@pytest.mark.parametrize(
    ("body", "event", "subjects"),
    [
        # Urdu iOS lines, the same keys read in UR.strings.
        ('آپ نے "Duka" گروپ بنایا ہے', "group_created", {"subject": "Duka"}),
        ("Juma نے نام 'Soko' پر تبدیل کر دیا", "subject_changed", {"actor": "Juma", "new": "Soko"}),
        ("آپ نے نام 'Soko' پر تبدیل کر دیا ہے", "subject_changed", {"new": "Soko"}),
        ("کسی ممبر نے گروپ کا نام تبدیل کر کے 'Soko' رکھ دیا ہے", "subject_changed", {"new": "Soko"}),
        ("Juma نے اس گروپ کی تصویر تبدیل کر دی ہے", "icon_changed", {"actor": "Juma"}),
        ("آپ نے اس گروپ کی تصویر حذف کر دی ہے", "icon_changed", {}),
        ("Juma نے گروپ کی تفصیل تبدیل کر دی", "description_changed", {"actor": "Juma"}),
        ("Juma نے گروپ کی تفصیل حذف کر دی", "description_changed", {"actor": "Juma"}),
        ("Juma نے غائب ہونے والے میسجز کو آف کر دیا ہے۔", "disappearing_off", {"actor": "Juma"}),
        ("اس گروپ کو کمیونٹی 'Kota' میں شامل کیا گیا ہے", "community_linked", {"subject": "Kota"}),
    ],
)
def test_an_urdu_ios_event_reads_in_either_layout(layout, body, event, subjects):
    _reads_in_either_layout(layout, body, event, subjects)


@pytest.mark.parametrize(
    ("line", "kind", "event"),
    [
        # "You removed X" must not take a member's question, nor iOS's own "you deleted this message".
        ("18/03/2025, 14:56 - Neema: آپ نے Juma کو ہٹایا؟\n", "text", None),
        ("[18/03/2025, 14:56:01] Neema: \u200eآپ نے یہ میسج حذف کر دیا ہے\n", "deleted", "deleted:by_me"),
    ],
)
def test_urdu_you_removed_leaves_deleted_messages_and_members_words_alone(line, kind, event):
    assert _kind_and_event(line) == (kind, event)


@pytest.mark.parametrize("layout", ["android", "ios"])
@pytest.mark.parametrize(
    ("body", "event", "subjects"),
    [
        # Spanish iOS lines, the same keys read in ES-SP.strings.
        ("Juma creó este grupo.", "group_created", {"actor": "Juma"}),
        ("Un participante cambió el asunto a “Soko”", "subject_changed", {"new": "Soko"}),
        ("Cambiaste el asunto a “Soko”", "subject_changed", {"new": "Soko"}),
        ("Juma eliminó el ícono de este grupo", "icon_changed", {"actor": "Juma"}),
        ("Cambiaste el ícono de este grupo", "icon_changed", {}),
        ("Juma cambió la descripción del grupo. Pulsa para verla.", "description_changed", {"actor": "Juma"}),
        ("Juma borró la descripción del grupo", "description_changed", {"actor": "Juma"}),
        ("Ya se añadió a Neema al grupo.", "member_added", {"subject": "Neema"}),
        ("Te añadieron al grupo.", "member_added", {}),
        ("Juma se unió mediante tu invitación", "joined_by_link", {"actor": "Juma"}),
        ("Juma solicitó unirse.", "join_requested", {"actor": "Juma"}),
        ("Juma desactivó los mensajes temporales.", "disappearing_off", {"actor": "Juma"}),
        ('Se añadió este grupo a la comunidad "Kota".', "community_linked", {"subject": "Kota"}),
    ],
)
def test_a_spanish_ios_event_reads_in_either_layout(layout, body, event, subjects):
    _reads_in_either_layout(layout, body, event, subjects)


@pytest.mark.parametrize(
    ("line", "kind", "event"),
    [
        # iOS's bare "X joined." and "X asked to join." are WhatsApp's lines only, never a member's words.
        ("18/03/2025, 14:56 - Neema: Juma se unió.\n", "text", None),
        ("18/03/2025, 14:56 - Neema: Juma solicitó unirse.\n", "text", None),
        ("[18/03/2025, 14:56:01] Neema: \u200eEliminaste este mensaje.\n", "deleted", "deleted:by_me"),
    ],
)
def test_spanish_bare_events_leave_members_words_alone(line, kind, event):
    assert _kind_and_event(line) == (kind, event)


@pytest.mark.parametrize("layout", ["android", "ios"])
@pytest.mark.parametrize(
    ("body", "event", "subjects"),
    [
        # Portuguese (Brazil) iOS lines, the same keys read in PT-BR.strings.
        ("Um admin criou o grupo “Duka”.", "group_created", {"subject": "Duka"}),
        ('Um participante mudou o nome do grupo para "Soko".', "subject_changed", {"new": "Soko"}),
        ('Você mudou o nome do grupo para "Soko"', "subject_changed", {"new": "Soko"}),
        ("Juma atualizou a duração das mensagens temporárias.", "disappearing_changed", {"actor": "Juma"}),
        ("Você apagou a imagem deste grupo.", "icon_changed", {}),
        ("Juma alterou a descrição do grupo. Toque para ver.", "description_changed", {"actor": "Juma"}),
        ("Juma apagou a descrição do grupo", "description_changed", {"actor": "Juma"}),
        ("Neema foi removido(a)", "member_removed", {"subject": "Neema"}),
        ("Juma deseja entrar no grupo", "join_requested", {"actor": "Juma"}),
        ("Usuário adicionado: Neema", "member_added", {"subject": "Neema"}),
        ("Juma entrou usando seu convite", "joined_by_link", {"actor": "Juma"}),
        ("Juma desativou as mensagens temporárias", "disappearing_off", {"actor": "Juma"}),
        ("Este grupo foi adicionado à comunidade “Kota”", "community_linked", {"subject": "Kota"}),
    ],
)
def test_a_brazilian_portuguese_ios_event_reads_in_either_layout(layout, body, event, subjects):
    _reads_in_either_layout(layout, body, event, subjects)


@pytest.mark.parametrize(
    ("line", "kind", "event"),
    [
        # iOS's bare "X joined" is WhatsApp's line only, never a member's words.
        ("18/03/2025, 14:56 - Neema: Juma entrou\n", "text", None),
        ("18/03/2025, 14:56 - Neema: Juma removeu você?\n", "text", None),
    ],
)
def test_brazilian_portuguese_bare_events_leave_members_words_alone(line, kind, event):
    assert _kind_and_event(line) == (kind, event)


@pytest.mark.parametrize("layout", ["android", "ios"])
@pytest.mark.parametrize(
    ("body", "event", "subjects"),
    [
        # Portuguese (Portugal) iOS lines, the same keys read in PT-PT.strings (the actor can come last).
        ("O título do grupo foi alterado para “Soko” por Juma", "subject_changed", {"actor": "Juma", "new": "Soko"}),
        ('Um participante mudou o título para "Soko"', "subject_changed", {"new": "Soko"}),
        ("Alterou o título do grupo para “Soko”", "subject_changed", {"new": "Soko"}),
        ("Juma alterou o ícone deste grupo", "icon_changed", {"actor": "Juma"}),
        ("Apagou o ícone deste grupo", "icon_changed", {}),
        ("O participante Neema foi removido", "member_removed", {"subject": "Neema"}),
        ("Foi removido do grupo por Juma", "member_removed", {"actor": "Juma"}),
        ("Juma adicionou Neema a este grupo", "member_added", {"actor": "Juma", "subject": "Neema"}),
        ("Foi adicionado/a a este grupo por Juma", "member_added", {"actor": "Juma"}),
        ("Neema já foi adicionado/a ao grupo.", "member_added", {"subject": "Neema"}),
        ("Juma juntou-se ao grupo", "joined_by_link", {"actor": "Juma"}),
        ("Juma pediu para se juntar ao grupo", "join_requested", {"actor": "Juma"}),
        ("Juma saiu do grupo", "member_left", {"actor": "Juma"}),
    ],
)
def test_a_european_portuguese_ios_event_reads_in_either_layout(layout, body, event, subjects):
    _reads_in_either_layout(layout, body, event, subjects)


def test_a_members_words_like_a_european_portuguese_event_stay_theirs():
    line = "18/03/2025, 14:56 - Neema: Juma juntou-se ao grupo\n"
    assert _kind_and_event(line) == ("text", None)


@pytest.mark.parametrize("layout", ["android", "ios"])
@pytest.mark.parametrize(
    ("body", "event", "subjects"),
    [
        # Russian iOS lines, the same keys read in RU.strings.
        ("Группа создана контактом Juma", "group_created", {"actor": "Juma"}),
        ("Juma изменил(-а) тему на “Soko”", "subject_changed", {"actor": "Juma", "new": "Soko"}),
        ('Участник изменил тему на "Soko".', "subject_changed", {"new": "Soko"}),
        ("Вы изменили тему на “Soko”", "subject_changed", {"new": "Soko"}),
        ("Juma удалил(-а) картинку группы", "icon_changed", {"actor": "Juma"}),
        ("Juma удалил(-а) описание группы", "description_changed", {"actor": "Juma"}),
        ("Neema удален(-а)", "member_removed", {"subject": "Neema"}),
        ("Neema добавлен(-а)", "member_added", {"subject": "Neema"}),
        ("Juma вступил(-а) в группу, используя приглашение", "joined_by_link", {"actor": "Juma"}),
        ("Juma отправил(-а) запрос на вступление в группу", "join_requested", {"actor": "Juma"}),
        ("Juma обновил(-а) таймер сообщений.", "disappearing_changed", {"actor": "Juma"}),
        ("Juma отключил(-а) исчезающие сообщения. Нажмите, чтобы изменить.", "disappearing_off", {"actor": "Juma"}),
        ('Группа добавлена в сообщество "Kota"', "community_linked", {"subject": "Kota"}),
    ],
)
def test_a_russian_ios_event_reads_in_either_layout(layout, body, event, subjects):
    _reads_in_either_layout(layout, body, event, subjects)


@pytest.mark.parametrize(
    "line",
    [
        # iOS's bare "X joined" and "X added" are WhatsApp's lines only, never a member's words.
        "18/03/2025, 14:56 - Neema: Juma присоединился(-ась)\n",
        "18/03/2025, 14:56 - Neema: Juma добавлен(-а)\n",
    ],
)
def test_russian_bare_events_leave_members_words_alone(line):
    assert _kind_and_event(line) == ("text", None)


@pytest.mark.parametrize("layout", ["android", "ios"])
@pytest.mark.parametrize(
    ("body", "event", "subjects"),
    [
        # Dutch iOS lines, the same keys read in NL.strings.
        ("Groep aangemaakt door Juma", "group_created", {"actor": "Juma"}),
        ("Oprichter heeft groep Duka aangemaakt", "group_created", {"subject": "Duka"}),
        ("Een deelnemer heeft het onderwerp gewijzigd naar Soko", "subject_changed", {"new": "Soko"}),
        ("U hebt het onderwerp gewijzigd naar Soko", "subject_changed", {"new": "Soko"}),
        ("Juma heeft de groepsafbeelding verwijderd", "icon_changed", {"actor": "Juma"}),
        ("Juma heeft de groepsomschrijving verwijderd", "description_changed", {"actor": "Juma"}),
        ("Neema is al aan de groep toegevoegd.", "member_added", {"subject": "Neema"}),
        ("Juma neemt deel met uw uitnodiging", "joined_by_link", {"actor": "Juma"}),
        ("Juma heeft gevraagd om deelname", "join_requested", {"actor": "Juma"}),
        ("Juma heeft de timer voor berichten bijgewerkt.", "disappearing_changed", {"actor": "Juma"}),
        (
            "Juma heeft berichten met vervaldatum uitgeschakeld. Tik om dit te wijzigen",
            "disappearing_off",
            {"actor": "Juma"},
        ),
        ("Juma is deelnemer geworden via de community", "joined_from_community", {"actor": "Juma"}),
        ("Deze groep is aan de community Kota toegevoegd", "community_linked", {"subject": "Kota"}),
    ],
)
def test_a_dutch_ios_event_reads_in_either_layout(layout, body, event, subjects):
    _reads_in_either_layout(layout, body, event, subjects)


@pytest.mark.parametrize(
    "line",
    [
        # iOS's bare "X joins" and "X asked to join" are WhatsApp's lines only, never a member's words.
        "18/03/2025, 14:56 - Neema: Juma neemt deel\n",
        "18/03/2025, 14:56 - Neema: Juma heeft gevraagd om deelname\n",
    ],
)
def test_dutch_bare_events_leave_members_words_alone(line):
    assert _kind_and_event(line) == ("text", None)


@pytest.mark.parametrize("layout", ["android", "ios"])
@pytest.mark.parametrize(
    ("body", "event", "subjects"),
    [
        # Czech iOS lines, the same keys read in CS.strings (the "/a" of either gender kept as iOS writes it).
        ("Tuto skupinu vytvořil/a Juma.", "group_created", {"actor": "Juma"}),
        ("Juma změnil/a téma skupiny na „Soko“.", "subject_changed", {"actor": "Juma", "new": "Soko"}),
        ("Jeden z účastníků změnil téma skupiny na „Soko“.", "subject_changed", {"new": "Soko"}),
        ("Juma odstranil/a ikonu této skupiny.", "icon_changed", {"actor": "Juma"}),
        ("Juma změnil/a popis skupiny.", "description_changed", {"actor": "Juma"}),
        ("Juma přidal/a uživatele Neema.", "member_added", {"actor": "Juma", "subject": "Neema"}),
        ("Juma odebral/a uživatele Neema.", "member_removed", {"actor": "Juma", "subject": "Neema"}),
        ("Neema byl/a odebrán/a.", "member_removed", {"subject": "Neema"}),
        ("Juma opustil/a skupinu.", "member_left", {"actor": "Juma"}),
        ("Juma se připojil/a k této skupině pomocí zvacího odkazu.", "joined_by_link", {"actor": "Juma"}),
        ("Juma požádal/a o připojení ke skupině.", "join_requested", {"actor": "Juma"}),
        ("Juma vypnul/a automatické odstraňování zpráv.", "disappearing_off", {"actor": "Juma"}),
        ("Tato skupina byla přidána do komunity Kota.", "community_linked", {"subject": "Kota"}),
    ],
)
def test_a_czech_ios_event_reads_in_either_layout(layout, body, event, subjects):
    _reads_in_either_layout(layout, body, event, subjects)


@pytest.mark.parametrize(
    "line",
    [
        # iOS's bare "X joined." and "X was removed." are WhatsApp's lines only, never a member's words.
        "18/03/2025, 14:56 - Neema: Juma se připojil/a ke skupině.\n",
        "18/03/2025, 14:56 - Neema: Juma byl/a odebrán/a.\n",
    ],
)
def test_czech_bare_events_leave_members_words_alone(line):
    assert _kind_and_event(line) == ("text", None)


@pytest.mark.parametrize("layout", ["android", "ios"])
@pytest.mark.parametrize(
    ("body", "event", "subjects"),
    [
        # Thai iOS lines, the same keys read in TH.strings.
        ("Juma ได้สร้างกลุ่มนี้", "group_created", {"actor": "Juma"}),
        ('ผู้สร้างกลุ่มได้สร้างกลุ่ม "Soko"', "group_created", {"subject": "Soko"}),
        ("Juma เปลี่ยนหัวข้อเป็น “Soko”", "subject_changed", {"actor": "Juma", "new": "Soko"}),
        ('สมาชิกได้เปลี่ยนหัวข้อเป็น "Soko"', "subject_changed", {"new": "Soko"}),
        ("Juma ได้ลบไอคอนกลุ่มนี้แล้ว", "icon_changed", {"actor": "Juma"}),
        ("Juma ได้เปลี่ยนคำอธิบายกลุ่ม", "description_changed", {"actor": "Juma"}),
        ("Juma ได้ลบคำอธิบายกลุ่ม", "description_changed", {"actor": "Juma"}),
        ("Neema ถูกเพิ่มเข้ากลุ่ม", "member_added", {"subject": "Neema"}),
        ("Juma เข้าร่วมกลุ่มโดยใช้ลิงก์เชิญของกลุ่มนี้", "joined_by_link", {"actor": "Juma"}),
        ("Juma ได้ส่งคำขอเข้าร่วม", "join_requested", {"actor": "Juma"}),
        ("Juma ได้ปิดใช้งานข้อความชั่วคราว", "disappearing_off", {"actor": "Juma"}),
        ("เพิ่มกลุ่มนี้ลงในชุมชน “Kota” แล้ว", "community_linked", {"subject": "Kota"}),
        ("Juma ได้เปลี่ยนหมายเลขโทรศัพท์เป็นหมายเลขใหม่", "number_changed", {"actor": "Juma"}),
    ],
)
def test_a_thai_ios_event_reads_in_either_layout(layout, body, event, subjects):
    _reads_in_either_layout(layout, body, event, subjects)


@pytest.mark.parametrize(
    "line",
    [
        # iOS's bare "X joined" and "X asked to join" are WhatsApp's lines only, never a member's words.
        "18/03/2025, 14:56 - Neema: Juma เข้าร่วมแล้ว\n",
        "18/03/2025, 14:56 - Neema: Juma ได้ส่งคำขอเข้าร่วม\n",
    ],
)
def test_thai_bare_events_leave_members_words_alone(line):
    assert _kind_and_event(line) == ("text", None)


@pytest.mark.parametrize("layout", ["android", "ios"])
@pytest.mark.parametrize(
    ("body", "event", "subjects"),
    [
        # Catalan iOS lines, the same keys read in CA.strings.
        ("Juma ha creat aquest grup", "group_created", {"actor": "Juma"}),
        ('El creador del grup ha creat el grup "Soko"', "group_created", {"subject": "Soko"}),
        ("Un membre ha canviat l'assumpte a “Soko”", "subject_changed", {"new": "Soko"}),
        ("Juma ha canviat la icona del grup", "icon_changed", {"actor": "Juma"}),
        ("Juma ha suprimit la descripció de grup", "description_changed", {"actor": "Juma"}),
        ("S'ha eliminat Neema", "member_removed", {"subject": "Neema"}),
        ("Juma ha suprimit Neema", "member_removed", {"actor": "Juma", "subject": "Neema"}),
        ("Juma ha marxat del grup", "member_left", {"actor": "Juma"}),
        ("Juma s'ha unit amb la teva invitació", "joined_by_link", {"actor": "Juma"}),
        ("Juma ha sol·licitat unir-se", "join_requested", {"actor": "Juma"}),
        ("Juma ha desactivat els missatges temporals.", "disappearing_off", {"actor": "Juma"}),
        ("Aquest grup s'ha afegit a la comunitat “Kota”", "community_linked", {"subject": "Kota"}),
        ("Juma ha canviat de número de telèfon.", "number_changed", {"actor": "Juma"}),
    ],
)
def test_a_catalan_ios_event_reads_in_either_layout(layout, body, event, subjects):
    _reads_in_either_layout(layout, body, event, subjects)


@pytest.mark.parametrize(
    "line",
    [
        # iOS's bare "X joined" and "X asked to join" are WhatsApp's lines only, never a member's words.
        "18/03/2025, 14:56 - Neema: Juma s'ha unit\n",
        "18/03/2025, 14:56 - Neema: Juma ha sol·licitat unir-se\n",
    ],
)
def test_catalan_bare_events_leave_members_words_alone(line):
    assert _kind_and_event(line) == ("text", None)


@pytest.mark.parametrize("layout", ["android", "ios"])
@pytest.mark.parametrize(
    ("body", "event", "subjects"),
    [
        # Croatian iOS lines, the same keys read in HR.strings (the "/la" of either gender kept as iOS writes it).
        ("Juma je izradio/la ovu grupu", "group_created", {"actor": "Juma"}),
        ("Grupu izradio/la Juma", "group_created", {"actor": "Juma"}),
        ('Sudionik je promijenio predmet u "Soko"', "subject_changed", {"new": "Soko"}),
        ("Juma je promijenio/la ikonu ove grupe", "icon_changed", {"actor": "Juma"}),
        ("Juma je obrisao/la opis grupe", "description_changed", {"actor": "Juma"}),
        ("Neema je uklonjen/a", "member_removed", {"subject": "Neema"}),
        ("Juma je uklonio/la Neema", "member_removed", {"actor": "Juma", "subject": "Neema"}),
        ("Juma je napustio/la", "member_left", {"actor": "Juma"}),
        ("Juma se pridružio/la koristeći vašu pozivnicu", "joined_by_link", {"actor": "Juma"}),
        ("Juma šalje zahtjev za pridruživanje", "join_requested", {"actor": "Juma"}),
        ("Juma isključuje nestajuće poruke.", "disappearing_off", {"actor": "Juma"}),
        ("Ova je grupa dodana u zajednicu Kota", "community_linked", {"subject": "Kota"}),
        ("Juma je promijenio/la svoj broj telefona u novi broj.", "number_changed", {"actor": "Juma"}),
    ],
)
def test_a_croatian_ios_event_reads_in_either_layout(layout, body, event, subjects):
    _reads_in_either_layout(layout, body, event, subjects)


@pytest.mark.parametrize(
    "line",
    [
        # iOS's bare "X joins" and "X asked to join" are WhatsApp's lines only, never a member's words.
        "18/03/2025, 14:56 - Neema: Pridružuje se Juma\n",
        "18/03/2025, 14:56 - Neema: Juma šalje zahtjev za pridruživanje\n",
    ],
)
def test_croatian_bare_events_leave_members_words_alone(line):
    assert _kind_and_event(line) == ("text", None)


@pytest.mark.parametrize("layout", ["android", "ios"])
@pytest.mark.parametrize(
    ("body", "event", "subjects"),
    [
        # Hungarian iOS lines, the same keys read in HU.strings.
        ("Juma hozta létre ezt a csoportot", "group_created", {"actor": "Juma"}),
        ("Csoportot létrehozta: Juma", "group_created", {"actor": "Juma"}),
        ("Egy résztvevő a következőre módosította a nevet: Soko", "subject_changed", {"new": "Soko"}),
        ("Juma kicserélte a csoport ikonját", "icon_changed", {"actor": "Juma"}),
        ("Juma törölte a csoport leírását", "description_changed", {"actor": "Juma"}),
        ("Neema eltávolítva", "member_removed", {"subject": "Neema"}),
        ("Juma eltávolította Neema", "member_removed", {"actor": "Juma", "subject": "Neema"}),
        ("Juma kilépett", "member_left", {"actor": "Juma"}),
        ("Juma csatlakozott a meghívásod alapján", "joined_by_link", {"actor": "Juma"}),
        ("Juma csatlakozni szeretne", "join_requested", {"actor": "Juma"}),
        ("Juma kikapcsolta az eltűnő üzeneteket.", "disappearing_off", {"actor": "Juma"}),
        ("Ez a csoport hozzá lett adva a(z) „Kota” közösséghez", "community_linked", {"subject": "Kota"}),
        ("Juma megváltoztatta a telefonszámát egy újra.", "number_changed", {"actor": "Juma"}),
    ],
)
def test_a_hungarian_ios_event_reads_in_either_layout(layout, body, event, subjects):
    _reads_in_either_layout(layout, body, event, subjects)


@pytest.mark.parametrize(
    "line",
    [
        # iOS's bare "X joined" and "X asked to join" are WhatsApp's lines only, never a member's words.
        "18/03/2025, 14:56 - Neema: Juma csatlakozott\n",
        "18/03/2025, 14:56 - Neema: Juma csatlakozni szeretne\n",
    ],
)
def test_hungarian_bare_events_leave_members_words_alone(line):
    assert _kind_and_event(line) == ("text", None)
