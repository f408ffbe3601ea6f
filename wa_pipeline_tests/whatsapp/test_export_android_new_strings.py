"""WhatsApp's own lines newer than its strings.xml of 2017, in its own translated words, rebuilt with invented people.

WhatsApp Android keeps its strings in compressed packs since about 2019 (no public copy of a newer strings.xml holds
them as text), so these wordings come from WhatsApp iOS's Localizable.strings of the same years (the key named per
line): read whole for Hebrew, Finnish, Romanian, Marathi, Persian and Hong Kong Chinese (a source per language) and for
Japanese, Korean and Simplified Chinese, and where the keys sit for the other languages under `ios_strings_newer`
(`READ`): disappearing messages, number changes, the Meta business notice, "Waiting for this message", messages deleted
by an admin, communities, group settings. Each line must land as the event it is, naming whom it names, in Android's
layout (no sender) and iOS's (the chat's name, U+200E).
"""

from __future__ import annotations

import json
from datetime import date
from zoneinfo import ZoneInfo

import pytest

from wa_pipeline.whatsapp.chat_export import parse_chat_export
from wa_pipeline.whatsapp.export_phrases import LOCALES_DIR
from wa_pipeline_tests.whatsapp.test_export_android_strings import _event_in

NAIROBI = ZoneInfo("Africa/Nairobi")
TODAY = date(2026, 12, 7)
# The language files and the source each read its newer wordings under.
READ = {
    "he": "ios_strings_he",
    "fi": "ios_strings_fi",
    "ro": "ios_strings_ro",
    "mr": "ios_strings_mr",
    "fa": "ios_strings_fa",
    "zh-Hant": "ios_strings_zh_hk",
    "ar": "ios_strings_newer",
    "hi": "ios_strings_newer",
    "vi": "ios_strings_newer",
    "id": "ios_strings_newer",
    "ms": "ios_strings_newer",
    "ur": "ios_strings_newer",
    "ja": "ios_strings_newer",
    "ko": "ios_strings_newer",
    "zh-Hans": "ios_strings_newer",
}
# Invented people, groups and businesses for the placeholders a wording holds.
PEOPLE = {"actor": "Juma", "subject": "Neema", "old": "Duka", "new": "Soko", "name": "Duka Bora"}


def _lands_as(layout: str, body: str, event: str, subjects: dict) -> None:
    kind, found, named = _event_in(layout, body)
    # A message deleted by an admin or still waiting is the sender's message under iOS's mark, WhatsApp's on Android.
    assert kind != "text"
    assert found == event
    assert {role: named.get(role) for role in subjects} == subjects
    assert all(named.get(role) is None for role in ("actor", "subject") if role not in subjects)


@pytest.mark.parametrize("layout", ["android", "ios"])
@pytest.mark.parametrize(
    ("body", "event", "subjects"),
    [
        ("מצב הודעות זמניות הופעל על-ידי Juma.", "disappearing_on", {"actor": "Juma"}),
        (
            "ההגדרה של הודעות זמניות הופעלה על ידי Juma, לכן כל ההודעות החדשות ייעלמו מהצ'אט הזה 7 ימים אחרי"
            " שליחתן. כדי לשנות את ההגדרה יש להקיש כאן",
            "disappearing_on",
            {"actor": "Juma", "subject": "7 ימים"},
        ),
        ("מצב הודעות זמניות כובה על-ידי Juma.", "disappearing_off", {"actor": "Juma"}),
        ("כיבית את מצב הודעות זמניות. יש להקיש לשינוי", "disappearing_off", {}),
        ("הגדרת הזמן עודכנה על-ידי Juma.", "disappearing_changed", {"actor": "Juma"}),
        ("Juma החליף/ה את מספר הטלפון למספר חדש.", "number_changed", {"actor": "Juma"}),
        ("העסק הזה משתמש בשירות מאובטח של חברת Meta לניהול הצ'אט הזה. יש להקיש למידע נוסף.", "business_notice", {}),
        ("בהמתנה להודעה זו. פעולה זו עשויה להימשך קצת זמן.", "not_decrypted", {}),
        ("ההודעה נמחקה על ידי מנהל/ת.", "deleted:by_admin", {}),
        ('הקבוצה "Soko" נוצרה על ידי Juma', "group_created", {"actor": "Juma", "subject": "Soko"}),
        ('הנושא שונה ל-"Soko" ע״י Juma', "subject_changed", {"actor": "Juma", "new": "Soko"}),
        ("צורפת על-ידי Juma", "member_added", {"actor": "Juma"}),
        ("Juma צירף/ה את Neema", "member_added", {"actor": "Juma", "subject": "Neema"}),
        ("Neema הוסר/ה מהקבוצה", "member_removed", {"subject": "Neema"}),
        (
            'הקבוצה הזו נוספה לקהילה "Mtaa" על ידי Juma. יש להקיש לצפייה.',
            "community_linked",
            {"actor": "Juma", "subject": "Mtaa"},
        ),
        # Before, the exporting member adding a member called "the group and its members to the community".
        ("הוספת את הקבוצה הזו ואת חבריה לקהילה. יש להקיש לצפייה.", "community_linked", {}),
        (
            "Juma איפס/ה את קישור ההזמנה לקבוצה זו. הקש/י כדי להציג את קישור ההזמנה החדש.",
            "invite_link_reset",
            {"actor": "Juma"},
        ),
        ("הגדרות הקבוצה שונו על ידי Juma כך שרק המנהלים יוכלו לשלוח בה הודעות", "settings_changed", {"actor": "Juma"}),
        ("ההצטרפות של Juma בוצעה באמצעות קישור ההזמנה לקבוצה", "joined_by_link", {"actor": "Juma"}),
        # Hebrew community and admin-approval lines with WhatsApp's tap or click hint, read or not.
        ('יצרת את הקהילה "Mtaa". יש להקיש לצפייה.', "community_created", {"subject": "Mtaa"}),
        (
            'הקהילה "Mtaa" נוצרה על ידי Juma. יש ללחוץ לצפייה.',
            "community_created",
            {"actor": "Juma", "subject": "Mtaa"},
        ),
        ("הקבוצה הזו נוספה לקהילה על ידי Juma. יש להקיש לצפייה.", "community_linked", {"actor": "Juma"}),
        (
            "ההגדרה לאישור הצטרפות לקבוצה על ידי מנהל/ת הופעלה על ידי Juma. יש להקיש כדי לשנות את ההגדרה.",
            "settings_changed",
            {"actor": "Juma"},
        ),
        ('הקהילה "Mtaa" נוצרה על ידי Juma', "community_created", {"actor": "Juma", "subject": "Mtaa"}),
        # Finnish, whose file held no group event before.
        ("Juma lisäsi henkilön Neema", "member_added", {"actor": "Juma", "subject": "Neema"}),
        ("Juma poisti henkilön Neema", "member_removed", {"actor": "Juma", "subject": "Neema"}),
        ("Juma poistui", "member_left", {"actor": "Juma"}),
        ("Juma loi ryhmän “Soko”", "group_created", {"actor": "Juma", "subject": "Soko"}),
        ("Juma vaihtoi aiheeksi “Soko”", "subject_changed", {"actor": "Juma", "new": "Soko"}),
        # The longer wording wins: the icon removed, not a group called "kuvakkeen" unlinked from a community.
        ("Juma poisti ryhmän kuvakkeen", "icon_changed", {"actor": "Juma"}),
        ("Juma kytki viestien katoamisen päälle.", "disappearing_on", {"actor": "Juma"}),
        ("Viestien katoaminen kytkettiin pois.", "disappearing_off", {}),
        ("Juma vaihtoi puhelinnumeroaan.", "number_changed", {"actor": "Juma"}),
        ("Odotetaan tätä viestiä. Tässä saattaa kestää hetki.", "not_decrypted", {}),
        (
            "Tämä yritys käyttää Metan suojauspalvelua tämän keskustelun hallinnoimiseen. Lue lisää napauttamalla.",
            "business_notice",
            {},
        ),
        ("Juma liittyi ryhmään kutsulinkillä", "joined_by_link", {"actor": "Juma"}),
        ("Ylläpitäjä poisti tämän viestin.", "deleted:by_admin", {}),
        # A community line's tap hint, read or not (a wording without a closing full stop takes no tail).
        ("Juma loi yhteisön Mtaa. Katso napauttamalla.", "community_created", {"actor": "Juma", "subject": "Mtaa"}),
        ("Juma lisäsi tämän ryhmän yhteisöön. Katso napauttamalla.", "community_linked", {"actor": "Juma"}),
        ("Juma lisäsi tämän ryhmän yhteisöön", "community_linked", {"actor": "Juma"}),
        # Romanian, whose file held no group event before either.
        ("Juma v-a adăugat în grup", "member_added", {"actor": "Juma"}),
        ("Juma a adăugat în grup pe Neema", "member_added", {"actor": "Juma", "subject": "Neema"}),
        ("Neema a fost eliminat/ă din grup", "member_removed", {"subject": "Neema"}),
        ("Juma a ieșit din grup", "member_left", {"actor": "Juma"}),
        ("Juma a creat grupul „Soko”", "group_created", {"actor": "Juma", "subject": "Soko"}),
        ("Juma a schimbat subiectul grupului în „Soko”", "subject_changed", {"actor": "Juma", "new": "Soko"}),
        ("Juma a șters imaginea grupului", "icon_changed", {"actor": "Juma"}),
        (
            "Juma a activat mesajele temporare. Toate mesajele noi vor dispărea din această conversație după 7 zile"
            " de la trimiterea lor. Atingeți pentru a schimba",
            "disappearing_on",
            {"actor": "Juma", "subject": "7 zile"},
        ),
        ("Mesajele temporare au fost dezactivate.", "disappearing_off", {}),
        ("Juma și-a schimbat numărul de telefon.", "number_changed", {"actor": "Juma"}),
        ("Se așteaptă mesajul. Procesul poate dura ceva timp.", "not_decrypted", {}),
        (
            "Această întreprindere folosește un serviciu securizat al companiei Meta pentru a gestiona această"
            " conversație. Atingeți pentru a afla mai multe.",
            "business_notice",
            {},
        ),
        ("Juma a intrat în grup prin linkul de invitație", "joined_by_link", {"actor": "Juma"}),
        ("Acest mesaj a fost șters de un admin.", "deleted:by_admin", {}),
        # The tail after the community's name is WhatsApp's tap hint, read or not.
        ("Ați creat comunitatea „Mtaa”. Atingeți pentru a vedea.", "community_created", {"subject": "Mtaa"}),
        ("Juma a creat comunitatea „Mtaa”", "community_created", {"actor": "Juma", "subject": "Mtaa"}),
        (
            "Juma a activat opțiunea de intrare în grup doar cu aprobarea unui admin. Atingeți pentru a schimba.",
            "settings_changed",
            {"actor": "Juma"},
        ),
        # Marathi, whose file held no group event before either; its timer variants differ in more than the count.
        ("Juma यांनी तुम्हाला समाविष्ट केले", "member_added", {"actor": "Juma"}),
        ("Juma यांनी Neema यांना समाविष्ट केले", "member_added", {"actor": "Juma", "subject": "Neema"}),
        # The longer wording wins: Juma removed Neema, not someone called "Juma यांनी Neema" removed.
        ("Juma यांनी Neema यांना काढले", "member_removed", {"actor": "Juma", "subject": "Neema"}),
        ("Juma यांनी ग्रुप सोडला", "member_left", {"actor": "Juma"}),
        ("Juma यांनी “Soko” हा ग्रुप तयार केला", "group_created", {"actor": "Juma", "subject": "Soko"}),
        ("Juma यांनी विषय बदलून “Soko” केला", "subject_changed", {"actor": "Juma", "new": "Soko"}),
        ("Juma यांनी या ग्रुपचा फोटो बदलला", "icon_changed", {"actor": "Juma"}),
        (
            "Juma यांनी 'एक्स्पायर होणारे मेसेजेस' सुरू केले. या चॅटमधील सर्व नवीन मेसेजेस ते पाठवल्यानंतर"
            " 7 दिवसांनी नाहीसे होतील. बदलण्यासाठी टॅप करा.",
            "disappearing_on",
            {"actor": "Juma", "subject": "7 दिवसांनी"},
        ),
        (
            "'एक्स्पायर होणारे मेसेजेस' फीचर सुरू केले गेले आहे. या चॅटमधून नवीन मेसेजेस 24 तासांनंतर नाहीसे होतील.",
            "disappearing_on",
            {"subject": "24 तासांनंतर"},
        ),
        ("Juma यांनी 'एक्स्पायर होणारे मेसेजेस' हे फीचर बंद केले.", "disappearing_off", {"actor": "Juma"}),
        ("Juma यांनी त्यांचा फोन नंबर नवीन फोन नंबर मध्ये बदलला.", "number_changed", {"actor": "Juma"}),
        ("या मेसेजची प्रतीक्षा करत आहोत. यासाठी कदाचित थोडा वेळ लागू शकतो.", "not_decrypted", {}),
        (
            "हे चॅट व्यवस्थापित करण्यासाठी हा बिझनेस Meta कडील सुरक्षित सर्व्हिस वापरतो. अधिक जाणून घेण्यासाठी टॅप करा.",
            "business_notice",
            {},
        ),
        ("या ग्रुपची आमंत्रण लिंक वापरून Juma सामील झाले", "joined_by_link", {"actor": "Juma"}),
        ("हा मेसेज ॲडमिनने हटवला.", "deleted:by_admin", {}),
        ("Juma यांनी या ग्रुपला एका कम्युनिटीमध्ये जोडले", "community_linked", {"actor": "Juma"}),
        (
            "Juma यांनी “Mtaa” ही कम्युनिटी तयार केली. पाहण्यासाठी टॅप करा.",
            "community_created",
            {"actor": "Juma", "subject": "Mtaa"},
        ),
        # Persian, as phones write it: with the zero-width non-joiners inside words that iOS's string file lacks.
        ("Juma پیام\u200cهای مدت\u200cدار را فعال کرد.", "disappearing_on", {"actor": "Juma"}),
        (
            "Juma پیام\u200cهای مدت\u200cدار را فعال کرد. همه پیام\u200cهای جدید در این گفتگو، بعد از 7 روز از زمان"
            " ارسال ناپدید خواهند شد. برای تغییر آن، ضربه بزنید.",
            "disappearing_on",
            {"actor": "Juma", "subject": "7 روز"},
        ),
        ("شما پیام\u200cهای مدت\u200cدار را خاموش کردید. برای تغییر، ضربه بزنید", "disappearing_off", {}),
        ("Juma زمان\u200cسنج پیام را به\u200cروز کرد.", "disappearing_changed", {"actor": "Juma"}),
        ("Juma شماره خود را تغییر داد.", "number_changed", {"actor": "Juma"}),
        ("در انتظار برای این پیام. ممکن است قدری طول بکشد.", "not_decrypted", {}),
        (
            "این کسب\u200cوکار برای مدیریت این گفتگو از خدمات ایمن شرکت Meta استفاده می\u200cکند. برای کسب اطلاعات"
            " بیشتر، اینجا ضربه بزنید.",
            "business_notice",
            {},
        ),
        ("یکی از مدیران این پیام را حذف کرد.", "deleted:by_admin", {}),
        ("Juma گروه «Soko» را ایجاد کرد", "group_created", {"actor": "Juma", "subject": "Soko"}),
        ("Juma موضوع را به «Soko» تغییر داد", "subject_changed", {"actor": "Juma", "new": "Soko"}),
        ("Juma با لینک دعوت به گروه پیوست", "joined_by_link", {"actor": "Juma"}),
        (
            "Juma این گروه را به انجمن «Mtaa» اضافه کرد. برای مشاهده ضربه بزنید.",
            "community_linked",
            {"actor": "Juma", "subject": "Mtaa"},
        ),
        ("شما تأییدیه مدیر برای پیوستن به این گروه را فعال کرده\u200cاید", "settings_changed", {}),
        (
            "شرکت\u200cکنندگان جدید برای پیوستن به این گروه به تأیید مدیر نیاز دارند. برای تغییر ضربه بزنید.",
            "settings_changed",
            {},
        ),
        ("شما این مخاطب را مسدود کردید.", "contact_blocked", {}),
        # Chinese as a phone set to Hong Kong writes it, beside the Taiwan-leaning wordings read before.
        ("Juma已開啟「自動刪除訊息」功能。", "disappearing_on", {"actor": "Juma"}),
        (
            "Juma已開啟「自動刪除訊息」功能，所有新訊息會在傳送 7 天後自動從對話中刪除。",
            "disappearing_on",
            {"actor": "Juma", "subject": "7 天"},
        ),
        ("Juma 離開了", "member_left", {"actor": "Juma"}),
        ("已移除Neema", "member_removed", {"subject": "Neema"}),
        ("Juma移除了Neema", "member_removed", {"actor": "Juma", "subject": "Neema"}),
        ("Juma已建立「Soko」群組", "group_created", {"actor": "Juma", "subject": "Soko"}),
        ("Juma已將群組主題變更為「Soko」", "subject_changed", {"actor": "Juma", "new": "Soko"}),
        ("Juma已更換手機號碼，對話訊息將傳送至其新號碼。", "number_changed", {"actor": "Juma"}),
        ("正在等待此訊息，請耐心等候。", "not_decrypted", {}),
        ("管理員已刪除此訊息。", "deleted:by_admin", {}),
        ("此商家使用 Meta 提供的安全服務管理此對話。點按以瞭解詳情。", "business_notice", {}),
        ("Juma已使用此群組的邀請連結加入", "joined_by_link", {"actor": "Juma"}),
        # Arabic timer lines, whose count comes before or after its unit.
        (
            "فعّلت جهة الاتصال Juma خاصية الرسائل ذاتية الاختفاء. ستختفي جميع الرسائل الجديدة من هذه الدردشة بعد 7 أيام"
            " من إرسالها.",
            "disappearing_on",
            {"actor": "Juma", "subject": "7 أيام"},
        ),
        (
            "تم تفعيل الرسائل ذاتية الاختفاء. ستختفي الرسائل الجديدة من هذه الدردشة بعد 24 ساعة من إرسالها. انقر للتغيير",
            "disappearing_on",
            {"subject": "24 ساعة"},
        ),
        ("يستخدم Duka Bora الآن خدمة محمية توفرها Meta لإدارة هذه الدردشة. انقر لمعرفة المزيد.", "business_notice", {}),
        # Vietnamese timer line and the community invite-link reset.
        (
            "Tính năng Tin nhắn tự hủy đã bật. Tin nhắn mới sẽ biến mất khỏi đoạn chat này sau 7 ngày. Hãy nhấp để thay đổi",
            "disappearing_on",
            {"subject": "7 ngày"},
        ),
        (
            "Juma đã đặt lại liên kết mời của cộng đồng này. Hãy nhấn để xem liên kết mời mới.",
            "invite_link_reset",
            {"actor": "Juma"},
        ),
        # Indonesian timer line and the Meta notice.
        (
            "Pesan sementara dinyalakan. Pesan baru akan hilang dari chat ini setelah 7 hari. Klik untuk mengubah pengaturan",
            "disappearing_on",
            {"subject": "7 hari"},
        ),
        (
            "Duka Bora sekarang menggunakan layanan aman dari perusahaan Meta untuk mengelola chat ini. Klik untuk"
            " mempelajari selengkapnya.",
            "business_notice",
            {},
        ),
        # Malay timer line and the Meta notice.
        (
            "Ciri mesej menghilang telah dihidupkan. Mesej baharu akan hilang daripada sembang ini selepas 24 jam. Klik"
            " untuk tukar",
            "disappearing_on",
            {"subject": "24 jam"},
        ),
        (
            "Duka Bora kini menggunakan perkhidmatan yang terjamin daripada Meta untuk mengendalikan sembang ini. Klik"
            " untuk mengetahui lebih lanjut.",
            "business_notice",
            {},
        ),
        # Urdu timer line and the group created by its creator.
        (
            "Juma نے غائب ہونے والے میسجز کو آن کر دیا ہے۔ تمام نئے میسجز بھیجنے کے بعد اس چیٹ سے 7 دن بعد غائب ہو جائیں"
            " گے۔",
            "disappearing_on",
            {"actor": "Juma", "subject": "7 دن"},
        ),
        ("گروپ کے تخلیق کار نے یہ گروپ بنایا ہے", "group_created", {}),
        # Japanese timer line and the group created by its creator.
        (
            "消えるメッセージがオンになりました。新規メッセージは24時間後にこのチャットから消えます。クリックして変更",
            "disappearing_on",
            {"subject": "24時間"},
        ),
        ("グループ作成者がこのグループを作成しました", "group_created", {}),
        # Korean timer line and the group created by its creator.
        (
            "Juma님이 자동삭제 메시지를 활성화했습니다. 모든 새로운 메시지는 전송 후 7일이 지나면 이 대화에서 사라집니다.",
            "disappearing_on",
            {"actor": "Juma", "subject": "7일"},
        ),
        ("그룹 만든이가 이 그룹을 생성했습니다", "group_created", {}),
        # Simplified Chinese timer line and a join request.
        (
            "Juma 已开启限时消息功能，该对话中的所有新消息都将在发送 7 天后自动消失。",
            "disappearing_on",
            {"actor": "Juma", "subject": "7 天"},
        ),
        ("Juma 请求加入。点击以审核。", "join_requested", {"actor": "Juma"}),
        # Hindi timer lines and the Meta notice.
        (
            "आपने 'गायब होने वाले मैसेज' मोड को ऑन किया. अब इस चैट पर भेजे गए सभी नए मैसेजेस 7 दिन बाद गायब हो जाएँगे.",
            "disappearing_on",
            {"subject": "7 दिन"},
        ),
        (
            "Duka Bora इस चैट को मैनेज करने के लिए अब Meta की सुरक्षित सर्विस का इस्तेमाल कर रहा है. ज़्यादा जानने के लिए क्लिक करें.",
            "business_notice",
            {},
        ),
        # Arabic lines past the first page: number changed, a community created, a join request.
        ("Juma غيّر رقم هاتفه إلى رقم جديد.", "number_changed", {"actor": "Juma"}),
        ('لقد أنشأت مجتمع "Soko"', "community_created", {"subject": "Soko"}),
        ("طلبت جهة الاتصال Juma الانضمام. انقر للمراجعة.", "join_requested", {"actor": "Juma"}),
        # Hindi lines past the first page: number changed, a join request, the community invite-link reset.
        ("Juma ने अपना फ़ोन नंबर बदला है.", "number_changed", {"actor": "Juma"}),
        ("Juma ने ग्रुप में शामिल होने का अनुरोध किया है. देखने के लिए टैप करें.", "join_requested", {"actor": "Juma"}),
        (
            "Juma ने इस कम्युनिटी का आमंत्रण लिंक रीसेट कर दिया है. नया आमंत्रण लिंक देखने के लिए टैप करें.",
            "invite_link_reset",
            {"actor": "Juma"},
        ),
        # Indonesian lines past the first page: a join request, a community created, disappearing messages off.
        ("Juma meminta untuk bergabung. Ketuk untuk meninjau permintaan.", "join_requested", {"actor": "Juma"}),
        ('Anda membuat komunitas "Soko"', "community_created", {"subject": "Soko"}),
        ("Pesan sementara dimatikan.", "disappearing_off", {}),
        # Vietnamese lines past the first page: number changed, a join request, disappearing messages off.
        ("Juma đã đổi sang số điện thoại mới.", "number_changed", {"actor": "Juma"}),
        ("Juma đã yêu cầu tham gia. Nhấn để xem lại.", "join_requested", {"actor": "Juma"}),
        ("Tính năng tin nhắn tự hủy đã bị tắt.", "disappearing_off", {}),
        # Malay lines past the first page: number changed, a join request, disappearing messages off.
        ("Juma telah mengubah nombor telefonnya ke nombor baru.", "number_changed", {"actor": "Juma"}),
        ("Juma telah meminta untuk menyertai grup. Ketik untuk semak.", "join_requested", {"actor": "Juma"}),
        ("Ciri mesej menghilang dimatikan.", "disappearing_off", {}),
        # Urdu lines past the first page: number changed, a join request (WhatsApp's own spelling), disappearing off.
        ("Juma نے اپنا فون نمبر نئے نمبر سے تبدیل کیا۔", "number_changed", {"actor": "Juma"}),
        ("Juma ںے جوائن کرنے کی درخواست کی ہے۔ جائزہ لینے کے لیے ٹیپ کریں۔", "join_requested", {"actor": "Juma"}),
        ("غائب ہونے والے میسجز آف ہوگئے ہیں۔", "disappearing_off", {}),
        # Indonesian lines further on: a message deleted by an admin, the group created by a named member.
        ("Pesan ini dihapus oleh admin.", "deleted:by_admin", {}),
        ("Grup dibuat oleh Juma", "group_created", {"actor": "Juma"}),
        # A message deleted by an admin (zD*5p) in five more languages, and "you created the group" (L<=K=).
        ("حذف أحد المشرفين هذه الرسالة.", "deleted:by_admin", {}),
        ("यह मैसेज किसी एडमिन ने डिलीट कर दिया है.", "deleted:by_admin", {}),
        ("Quản trị viên đã xóa tin nhắn này.", "deleted:by_admin", {}),
        ("Mesej ini telah dipadamkan oleh pentadbir.", "deleted:by_admin", {}),
        ("یہ میسج ایک ایڈمن نے حذف کر دیا ہے۔", "deleted:by_admin", {}),
        ("أنت أنشأت المجموعة", "group_created", {}),
        ("Nhóm do bạn tạo", "group_created", {}),
        ("Grup dicipta oleh anda", "group_created", {}),
        ("Juma نے اپنا فون نمبر نئے نمبر پر تبدیل کیا ہے۔", "number_changed", {"actor": "Juma"}),
        # Indonesian "Waiting for this message" (_8RwV) and a message deleted by a named admin (SUYSe).
        ("Menunggu pesan ini. Ini mungkin membutuhkan waktu beberapa saat.", "not_decrypted", {}),
        ("Pesan ini dihapus oleh admin Duka Bora.", "deleted:by_admin", {}),
        ("Juma menambahkan grup ini ke komunitas. Ketuk untuk melihat.", "community_linked", {"actor": "Juma"}),
        # "Waiting for this message" (_8RwV) in Arabic, Malay and Vietnamese (whose iOS wording says "payment note").
        ("في انتظار هذه الرسالة، قد يستغرق ذلك بعض الوقت.", "not_decrypted", {}),
        ("Menunggu untuk mesej ini. Ini mungkin mengambil seketika.", "not_decrypted", {}),
        ("Đang chờ ghi chú thanh toán này. Bạn có thể phải chờ một lúc.", "not_decrypted", {}),
        ("طلب Juma الانضمام.", "join_requested", {"actor": "Juma"}),
        ("Juma telah mematikan mesej menghilang.", "disappearing_off", {"actor": "Juma"}),
        # Urdu "Waiting for this message" (_8RwV) and a join request with its closing full stop (JUcWz).
        ("اس میسج کا انتظار ہے۔ اس میں کچھ وقت لگ سکتا ہے۔", "not_decrypted", {}),
        ("Juma نے جوائن کرنے کی درخواست کی ہے۔", "join_requested", {"actor": "Juma"}),
        # Hindi "Waiting for this message" (_8RwV; its words say the message may take a while to load).
        ("इस मैसेज को लोड होने में थोड़ा समय लग सकता है.", "not_decrypted", {}),
        ("Juma ने इस ग्रुप को किसी कम्युनिटी में शामिल किया. देखने के लिए क्लिक करें.", "community_linked", {"actor": "Juma"}),
        # A message deleted by a named admin (SUYSe) in Arabic, Hindi, Vietnamese, Malay and Urdu.
        ("حذف المشرف Tavi Oren هذه الرسالة.", "deleted:by_admin", {}),
        ("यह मैसेज एडमिन Tavi Oren ने डिलीट कर दिया है.", "deleted:by_admin", {}),
        ("Quản trị viên Tavi Oren đã xóa tin nhắn này.", "deleted:by_admin", {}),
        ("Mesej ini telah dipadamkan oleh pentadbir Tavi Oren.", "deleted:by_admin", {}),
        ("یہ میسج ایڈمن Tavi Oren نے حذف کر دیا ہے۔", "deleted:by_admin", {}),
        # Japanese lines past the first page: deleted by an admin (named or not), waiting, number changed, a join
        # request with its tap hint, a timer in the exporting member's words, a community link with its tap hint.
        ("このメッセージは管理者により削除されました。", "deleted:by_admin", {}),
        ("このメッセージは管理者(Tavi Oren)により削除されました。", "deleted:by_admin", {}),
        ("メッセージを待っています。しばらく時間がかかることがあります。", "not_decrypted", {}),
        ("Jumaが電話番号を変更しました。", "number_changed", {"actor": "Juma"}),
        ("Jumaから参加リクエストがありました。タップして確認。", "join_requested", {"actor": "Juma"}),
        (
            "消えるメッセージをオンにしました。すべての新規メッセージは送信後7日でこのチャットから消えます。タップして変更できます",
            "disappearing_on",
            {"subject": "7日"},
        ),
        ("Jumaがこのグループをコミュニティに追加しました。タップして表示。", "community_linked", {"actor": "Juma"}),
        # Korean lines past the first page; the longer wording wins: Juma removed Neema, not "Juma님이 Neema" removed.
        ("이 메시지는 관리자에 의해 삭제되었습니다.", "deleted:by_admin", {}),
        ("메시지 암호화 대기중입니다. 다소 시간이 소요될 수 있습니다.", "not_decrypted", {}),
        ("Juma님이 휴대전화 번호를 새로운 번호로 변경되었습니다.", "number_changed", {"actor": "Juma"}),
        ("Juma님이 가입을 요청했습니다. 검토하려면 탭하세요.", "join_requested", {"actor": "Juma"}),
        ("Juma님이 Neema님을 퇴장시켰습니다", "member_removed", {"actor": "Juma", "subject": "Neema"}),
        (
            "자동삭제 메시지를 활성화했습니다. 모든 새로운 메시지는 전송 후 30초가 지나면 이 대화에서 사라집니다. 변경하려면 탭하세요",
            "disappearing_on",
            {"subject": "30초"},
        ),
        # Simplified Chinese lines past the first page.
        ("管理员已删除这条消息。", "deleted:by_admin", {}),
        ("管理员 Tavi Oren 已删除这条消息。", "deleted:by_admin", {}),
        ("正在等待信息，可能需要一段时间。", "not_decrypted", {}),
        ("Juma 更改电话号码为新号码。", "number_changed", {"actor": "Juma"}),
        (
            "您已开启限时消息功能，该对话中的所有新消息都将在发送 7 天后自动消失。",
            "disappearing_on",
            {"subject": "7 天"},
        ),
        ("Juma 重置了此群组的邀请链接。点击可查看新邀请链接。", "invite_link_reset", {"actor": "Juma"}),
    ],
)
def test_a_newer_line_in_whatsapps_own_words_is_that_event(layout, body, event, subjects):
    _lands_as(layout, body, event, subjects)


@pytest.mark.parametrize(
    "words",
    [
        "הוספת את הקבוצה הזו לקהילה",
        "מצב הודעות זמניות הופעל.",
        "Juma poistui?",
        "Poistuit",
        "Juma a ieșit din grup?",
        "Juma यांनी ग्रुप सोडला?",
        "شما گروه را ترک کردید؟",
        "Juma پیام\u200cهای مدت\u200cدار را فعال کرد؟",
        "Juma 離開了？",
        "Juma님이 Neema님을 퇴장시켰습니다?",
        "Jumaが電話番号を変更しました？",
    ],
)
def test_a_member_writing_such_words_keeps_them(words):
    parsed = parse_chat_export(f"18/03/2025, 14:56 - Neema: {words}\n", chat_name="Duka", tz=NAIROBI, today=TODAY)
    (message,) = parsed.messages
    assert (message.kind, message.sender_name, message.text, message.event) == ("text", "Neema", words, None)


def _read_lines() -> list[tuple[str, str, str]]:
    read = []
    for language, source in READ.items():
        document = json.loads((LOCALES_DIR / f"{language}.json").read_text(encoding="utf-8"))
        for line in document["lines"]:
            if any(part.split(":", 1)[0] == source for part in line["source"].split()):
                read.append((language, line["meaning"], line["text"]))
    return read


@pytest.mark.parametrize("layout", ["android", "ios"])
@pytest.mark.parametrize(("language", "meaning", "text"), _read_lines())
def test_every_wording_read_lands_as_its_meaning(layout, language, meaning, text):
    body = text
    for role, person in PEOPLE.items():
        body = body.replace("{" + role + "}", person)
    # A disappearing line's {subject} is its timer ("7 ימים"), not a person.
    named = {
        role: PEOPLE[role]
        for role in ("actor", "subject", "new")
        if "{" + role + "}" in text and not (role == "subject" and meaning.startswith("disappearing"))
    }
    kind, found, subjects = _event_in(layout, body)
    assert kind != "text"
    assert found == meaning
    assert {role: subjects.get(role) for role in named} == named


@pytest.mark.parametrize("layout", ["android", "ios"])
@pytest.mark.parametrize(
    ("body", "event"),
    [
        # Persian writes a zero-width non-joiner inside words ("payam" U+200C "ha"); the string files our Persian
        # lines come from dropped it: the line is WhatsApp's either way.
        (
            "پیام\u200cها و تماس\u200cها سرتاسر رمزگذاری شده\u200cاند. هیچ شخصی خارج از این گفتگو، حتی واتساپ،"
            " نمی\u200cتواند آنها را بخواند یا بشنود.",
            "encryption_notice",
        ),
        ("تماس تصویری بی\u200cپاسخ", "missed_video_call"),
    ],
)
def test_a_persian_line_with_its_zero_width_non_joiners_is_whatsapps_line(layout, body, event):
    kind, found, _ = _event_in(layout, body)
    assert (kind, found) == ("system", event)


def test_a_persian_customers_words_with_zero_width_non_joiners_stay_their_words():
    kind, found, _ = _event_in("android", "Juma: پیام\u200cها را فردا می\u200cفرستم")
    assert (kind, found) == ("text", None)
