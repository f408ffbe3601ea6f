import json
from collections import Counter
from pathlib import Path

import pytest

from wa_pipeline.nlp.language import DEFAULT_LANGUAGES, detect_languages, with_chat_languages


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Please send 20 loaves tomorrow at 5pm", "en"),
        ("Habari, nataka mkate kumi na maziwa kesho asubuhi", "sw"),
        ("Bonjour, je voudrais commander deux gâteaux", "fr"),
        ("Hola, ¿tienen pan integral para mañana?", "es"),
        ("Olá, gostaria de encomendar um bolo de chocolate para amanhã, obrigada", "pt"),
        ("मुझे दो केक चाहिए", "hi"),
        ("مرحبا، أريد طلب", "ar"),
    ],
)
def test_languages_of_the_business(text, language):
    assert detect_languages([text]) == [language]


@pytest.mark.parametrize("text", ["ok", "👍", "0722 123456", "Sawa", "https://wa.me/c/254712345678", "", None])
def test_too_little_to_tell_is_undetermined(text):
    assert detect_languages([text]) == [""]


def test_only_the_languages_asked_for_are_considered():
    assert detect_languages(["Bonjour, je voudrais commander deux gâteaux"], ["en", "sw"]) != ["fr"]
    with pytest.raises(ValueError, match="ISO 639-1"):
        detect_languages(["hello there my friend"], ["en", "xx"])


def test_results_follow_the_input_order_with_repeats():
    texts = ["Please send the invoice today", "Nataka kulipa deni langu kesho", "Please send the invoice today"]
    assert detect_languages(texts) == ["en", "sw", "en"]


def test_lines_that_differ_only_in_their_figures_are_read_by_lingua_once(monkeypatch):
    from wa_pipeline.nlp import language

    real = language._detector(tuple(sorted(language.DEFAULT_LANGUAGES)), False)
    read: list[str] = []

    class Counting:
        def compute_language_confidence_values(self, words):
            read.append(words)
            return real.compute_language_confidence_values(words)

    monkeypatch.setattr(language, "_detector", lambda codes, low_memory: Counting())
    texts = ["Je voudrais commander 2 gâteaux pour samedi", "Je voudrais commander 12 gâteaux pour samedi"]
    assert detect_languages(texts) == ["fr", "fr"]
    assert read == ["Je voudrais commander gâteaux pour samedi"]


def test_the_small_models_are_a_choice():
    assert detect_languages(["Please send 20 loaves tomorrow at 5pm"], low_memory=True) == ["en"]


def test_german_and_romanized_hindi_are_told_apart_from_english():
    assert detect_languages(
        [
            "Ich hätte gern zwei Brötchen für morgen früh",
            "Bhaiya kal tak parcel bhej dena, paisa abhi karta hoon",
            "Sir pls send the invoice to my email",
        ]
    ) == ["de", "hi", "en"]


def test_a_line_too_short_to_tell_takes_its_chats_language():
    texts = ["Nitakuja kesho asubuhi na pesa yote", "sawa", "Thank you, see you tomorrow at the shop", "ok", "👍"]
    chats = ["amina", "amina", "john", "john", "john"]
    assert detect_languages(texts) == ["sw", "", "en", "", ""]
    # An emoji has no words, so no language, whatever the chat speaks.
    assert detect_languages(texts, chats=chats) == ["sw", "sw", "en", "en", ""]


DEV_SET = Path(__file__).parent / "data" / "language_dev.jsonl"
HINGLISH_WORDS_FILE = Path(__file__).parents[2] / "wa_pipeline" / "nlp" / "gazetteer" / "hinglish_words.txt"
# Accuracy on the hand-written dev lines (scripts/evaluate_language.py) on 2026-12-04 less about 0.03:
# hi 0.920, sw 0.984, en 0.993, es 0.920, pt, fr and de 1.000.
DEV_FLOORS = {"hi": 0.89, "sw": 0.95, "en": 0.96, "es": 0.89, "pt": 0.97, "fr": 0.97, "de": 0.97}


@pytest.fixture(scope="module")
def dev_accuracy():
    rows = [json.loads(line) for line in DEV_SET.read_text(encoding="utf-8").splitlines() if line.strip()]
    found = detect_languages([row["text"] for row in rows])
    right, total = Counter(), Counter()
    for row, code in zip(rows, found):
        total[row["language"]] += 1
        right[row["language"]] += code == row["language"]
    return {code: right[code] / total[code] for code in total}


@pytest.mark.parametrize("language", sorted(DEV_FLOORS))
def test_the_dev_lines_of_each_language_stay_above_their_floor(dev_accuracy, language):
    assert dev_accuracy[language] >= DEV_FLOORS[language]


@pytest.mark.parametrize(
    "text",
    [
        "Please send the bill, payment kal kar dunga",
        "Parcel kab tak pahunchega bhai?",
        "Bhai mera refund abhi tak nahi aaya",
        "Kitna time lagega for delivery",
        "Refund kab milega mujhe",
    ],
)
def test_hinglish_is_told_from_its_hindi_words_and_verbs_however_much_english_surrounds_them(text):
    assert detect_languages([text]) == ["hi"]


@pytest.mark.parametrize(
    "text",
    [
        "Nimefika kwa gate, please come fungua",
        "Boss leo nitakuja na cash, niko on the way",
        "Delivery imefika, asante sana boss",
        "Niko kwa jam, nitafika in twenty minutes",
        "Tunadeliver hadi Rongai kwa shilingi mia mbili",
        "Kesho tutadeliver before noon boss",
    ],
)
def test_swahili_mixed_with_sheng_and_english_is_swahili(text):
    assert detect_languages([text]) == ["sw"]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        # a form of address, a greeting, a name, a Tagalog "ko" or an English word of a Swahili verb's shape
        # ("unacceptable") in an English sentence keeps it English
        ("Thanks bhai, received the parcel safely", "en"),
        ("Kindly do the needful ji, the payment is pending", "en"),
        ("Sasa boss, the parcel arrived this morning", "en"),
        ("Asante, we received the delivery in good order", "en"),
        ("Ravi will collect the order on Jun 5", "en"),
        ("Mega sale today only on all shoes", "en"),
        ("Asante sana for the quick delivery", "en"),
        ("Totally unacceptable service, refund immediately", "en"),
        ("Pls send ko na the invoice po", "en"),
        # "entrega" has a Hindi future's ending and "na" is Swahili: the accent says Portuguese
        ("Aceitam cartão na entrega?", "pt"),
    ],
)
def test_english_and_accented_lines_keep_their_language(text, language):
    assert detect_languages([text]) == [language]


def test_the_word_votes_only_choose_languages_asked_for():
    texts = ["Bhai mera refund abhi tak nahi aaya", "Boss leo nitakuja na cash, niko on the way"]
    assert "hi" not in detect_languages(texts, ["en", "sw"])
    assert "sw" not in detect_languages(texts, ["en", "hi"])


def test_the_generated_hindi_words_hold_chat_spellings_and_no_english_word():
    words = set(HINGLISH_WORDS_FILE.read_text(encoding="utf-8").splitlines()[1:])
    assert {"nahi", "nahin", "mein", "karna", "jaise", "hain", "raha"} <= words
    assert not words & {"the", "use", "to", "is", "hi", "main", "bad", "ve", "jun"}


@pytest.mark.parametrize(
    ("text", "language"),
    [
        # a Swahili prefix hyphenated to an English verb, the negative perfect, the infinitive
        ("Siwezi leo, tu-reschedule Monday", "sw"),
        ("Nime-transfer balance yote", "sw"),
        ("Bado hamjaleta parcel since Monday", "sw"),
        ("Naomba kuorder cake ya birthday", "sw"),
        # English prefixes and one-letter ones ("M-Pesa") are no Swahili verb, nor "hija" or "Kunden"
        ("Please re-order the e-mail list for me tomorrow", "en"),
        ("I have sent the pesa via M-Pesa, kindly confirm", "en"),
        ("Mi hija quiere el vestido rojo para el sabado", "es"),
        ("Die Kunden kommen morgen um zehn", "de"),
    ],
)
def test_swahili_verb_forms_no_other_language_writes_count_as_swahili_words(text, language):
    assert detect_languages([text]) == [language]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        # "ni" and "ya" are Spanish too, "ne" and "par" French: they no longer count against Swahili or Hindi
        ("Hii ni original ama ni copy", "sw"),
        ("Courier ne bola delivered par parcel nahi mila", "hi"),
        # but a line of the other language's words stays that language, and Swahili's "na" and "cha" still count
        # against Hindi
        ("ni la entrega ni el pago llegaron", "es"),
        ("Kitenge cha mita sita kinatosha na kilemba", "sw"),
    ],
)
def test_a_word_two_languages_share_is_evidence_for_neither(text, language):
    assert detect_languages([text]) == [language]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        # lingua is unsure (Spanish 0.37 behind German 0.44 around an English brand): the function words decide,
        # Pidgin's among English's
        ("Hola, ¿tienen el Galaxy A54 en stock?", "es"),
        ("Una dey open on Sunday abi", "en"),
        # a word two candidates share counts for neither: "no" and "por" are Spanish too, "sem" and "favor" are not
        ("Sem cebola no lanche, por favor", "pt"),
        ("Best pap in Soweto, no lie", ""),
        # text-message shorthands are English function words
        ("hw far wit my order", "en"),
        ("gud mrng pls is d shop open", "en"),
        # too few letters for lingua: three shorthands or more say it
        ("k thx c u 2moro", "en"),
        # no clear lead (four English words, two Swahili), or too few words: undetermined
        ("Niko on the way, nitafika in ten minutes", ""),
        ("ok thx", ""),
        ("thx bro", ""),
    ],
)
def test_function_words_decide_where_lingua_cannot(text, language):
    assert detect_languages([text]) == [language]


DEV2_SET = Path(__file__).parent / "data" / "language_dev2.jsonl"
# Accuracy on language_dev2.jsonl (written before these rules) on 2026-12-04 after them, less about 0.03:
# en 1.000, sw 0.967, es and fr 0.933, pt 0.867, de and hi 1.000. Before them: en 0.961, sw 0.900.
DEV2_FLOORS = {"en": 0.97, "sw": 0.93}


@pytest.mark.parametrize("language", sorted(DEV2_FLOORS))
def test_english_as_written_across_the_world_and_swahili_with_english_words_stay_above_their_floor(language):
    rows = [json.loads(line) for line in DEV2_SET.read_text(encoding="utf-8").splitlines() if line[:1] == "{"]
    rows = [row for row in rows if row["language"] == language]
    found = detect_languages([row["text"] for row in rows])
    assert sum(code == language for code in found) / len(rows) >= DEV2_FLOORS[language]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        # the English words Kenyan chats mix in ("boss", "bro") are no Swahili when function words decide
        ("Sasa bro, the mitumba jackets are how much?", "en"),
        # lingua leans to English, unsure; the English function words outnumber the others'
        ("Pasuyo naman, I will pay via GCash later", "en"),
        # ... but a line with Hindi words is left to its chat
        ("is baar pakka time pe", ""),
    ],
)
def test_a_line_lingua_leans_to_english_is_english_by_its_function_words(text, language):
    assert detect_languages([text]) == [language]


@pytest.mark.parametrize(
    "text, language",
    [
        # Lingua is sure of Swahili from the names alone; every word of the line is English's.
        ("Hi there Wanjiru here, my stall is at Gikomba", "en"),
        ("Can you send it to Kalimoni, my name is Njeri Kamau", "en"),
        # The same names in a Swahili line: its own words keep lingua's reading.
        ("Karibu sana, Wanjiru yuko Gikomba leo", "sw"),
        ("Mzigo wa Kamau umefika Gikomba", "sw"),
    ],
)
def test_names_do_not_carry_a_line_whose_words_are_all_another_languages(text, language):
    assert detect_languages([text]) == [language]


@pytest.mark.parametrize(
    "text, language",
    [
        # "sent" is a French stop word ("il sent"), but English's first: these lines were undetermined.
        ("Sent via PayMaya, ref no. 552190", "en"),
        ("Sent $25 on Cash App, it's under Dana Cole", "en"),
        ("Money sent via Airtel, code 7TQ2", "en"),
        ("Sent na po ₱800 via GCash, ref no. 7781", "en"),
        # French and German lines that hold such words stay theirs.
        ("Ça sent bon, merci pour le colis", "fr"),
        ("Das Kind braucht eine warme Jacke", "de"),
    ],
)
def test_words_other_lists_hold_but_english_uses_more_are_english(text, language):
    assert detect_languages([text]) == [language]


DEV3_SET = Path(__file__).parent / "data" / "language_dev3.jsonl"
# language_dev3.jsonl (40 hard English lines, written before round 11's rules): 0.925 before them, 0.975 after.
DEV3_FLOOR = 0.95


def test_hard_english_lines_of_round_11_stay_above_their_floor():
    rows = [json.loads(line) for line in DEV3_SET.read_text(encoding="utf-8").splitlines() if line[:1] == "{"]
    found = detect_languages([row["text"] for row in rows])
    assert sum(code == row["language"] for code, row in zip(found, rows)) / len(rows) >= DEV3_FLOOR


@pytest.mark.parametrize(
    "text",
    [
        # Dutch, which lingua choosing among the configured languages reads as German
        "Heb je de bestelling al verstuurd naar mijn adres?",
        "Wanneer komt het pakket, ik ben morgen niet thuis",
        # Indonesian, read as Swahili
        "Kak, pesanan saya kapan dikirim? Sudah bayar kemarin",
        "Apakah barangnya masih ada? Saya mau beli dua",
    ],
)
def test_a_language_outside_the_configured_ones_is_undetermined_until_configured(text):
    assert detect_languages([text]) == [""]
    assert detect_languages([text], [*DEFAULT_LANGUAGES, "nl", "id"]) in (["nl"], ["id"])


def test_a_chat_in_an_outside_language_does_not_take_the_language_a_few_of_its_lines_were_read_as():
    texts = [
        "Heb je de bestelling al verstuurd naar mijn adres?",
        "Dank je wel, tot morgen",
        "Wanneer komt het pakket, ik ben morgen niet thuis",
        "Oke",
    ]
    # The short line read as German and the one-word line would otherwise take German from the chat.
    assert with_chat_languages(texts, ["", "de", "", ""], ["nl"] * 4) == ["", "de", "", ""]
    assert detect_languages(texts, chats=["nl"] * 4) == ["", "de", "", ""]


def test_tagalog_is_no_swahili_and_keeps_the_english_of_its_chat():
    tagalog = "Hindi po ako makabayad ngayon, bukas na lang po"
    assert detect_languages([tagalog]) == [""]
    texts = [tagalog, "Thank you, I will pay tomorrow morning"]
    assert detect_languages(texts, chats=["ph", "ph"]) == ["en", "en"]
