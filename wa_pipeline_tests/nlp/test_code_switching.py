import pandas as pd
import pytest

from wa_pipeline.nlp.code_switching import mixed_languages
from wa_pipeline.nlp.enrich import enrich_messages
from wa_pipeline.nlp.language import detect_languages


@pytest.mark.parametrize(
    ("text", "main", "mixed"),
    [
        # English content words inside Hinglish and Swahili: how those chats switch.
        ("Please send the bill, payment kal kar dunga", "hi", "en"),
        ("Nimetuma pesa but the delivery has not come yet", "sw", "en"),
        # Swahili function words inside an English line.
        ("Order yangu iko wapi? I paid yesterday and nobody is answering", "en", "sw"),
        # English function words inside French.
        ("Je voudrais commander, but is the shop open on Sunday?", "fr", "en"),
    ],
)
def test_a_clause_in_another_language_is_flagged(text, main, mixed):
    assert mixed_languages([text], [main]) == [mixed]


@pytest.mark.parametrize(
    ("text", "main"),
    [
        ("Asante, I will send the money tomorrow", "en"),  # one borrowed word is no switch
        ("Habari, nataka mkate kumi na maziwa kesho asubuhi", "sw"),
        ("Bhaiya kal tak bhej dena, paisa abhi karta hoon", "hi"),
        ("Olá, gostaria de encomendar um bolo de chocolate para amanhã, obrigada", "pt"),
        ("Ich hätte gern zwei Brötchen für morgen früh", "de"),
        # Words Spanish shares with English ("pan", "me") do not make Spanish English.
        ("Hola, ¿me guardas un pan integral para mañana?", "es"),
        ("ok sawa", "sw"),  # too short to hold two clauses
    ],
)
def test_one_language_is_not_flagged(text, main):
    assert mixed_languages([text], [main]) == [""]


def test_an_even_mix_the_detector_abstains_on_names_both_languages():
    text = "Niko kwa stage, nitafika na mzigo yako in the evening with the receipt"
    assert mixed_languages([text], [""]) == ["sw; en"]
    # A single language found on an undetermined line is no mix.
    assert mixed_languages(["the the and of"], [""]) == [""]


def test_lengths_must_agree_and_missing_text_is_no_mix():
    assert mixed_languages([None, "Please send the bill, payment kal kar dunga"], ["", "hi"]) == ["", "en"]
    with pytest.raises(ValueError, match="2 languages for 1 texts"):
        mixed_languages(["hello there"], ["en", "en"])


def test_the_enriched_frame_carries_the_mix_beside_the_language():
    texts = ["Order yangu iko wapi? I paid yesterday and nobody is answering", "Please send 20 loaves tomorrow at 5pm"]
    frame = pd.DataFrame(
        {
            "message_id": ["m1", "m2"],
            "kind": ["text", "text"],
            "text": texts,
            "caption": [None, None],
            "sent_at": pd.to_datetime(["2026-11-16T09:00:00Z"] * 2, utc=True),
        }
    )
    out = enrich_messages(frame, "KE")
    assert list(out["language"]) == detect_languages(texts) == ["en", "en"]
    assert list(out["mixed_languages"]) == ["sw", ""]
