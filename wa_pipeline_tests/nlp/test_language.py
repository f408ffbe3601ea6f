import pytest

from wa_pipeline.nlp.language import detect_languages


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
