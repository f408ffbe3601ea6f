import pytest

from wa_pipeline.nlp.sentiment import score_sentiment


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Thank you so much, great service!", "positive"),
        ("The rice was bad and the box was damaged", "negative"),
        ("Where is my order?", "neutral"),
        ("I will send the invoice at 3pm", "neutral"),
    ],
)
def test_labels(text, label):
    got, score = score_sentiment(text)
    assert got == label
    assert -1.0 <= score <= 1.0


def test_emoji_carry_sentiment():
    assert score_sentiment("😍")[0] == "positive"
    assert score_sentiment("😢")[0] == "negative"
    assert score_sentiment("Delivered 👍")[0] == "positive"
    assert score_sentiment("Still waiting 😡")[0] == "negative"


def test_negation_does_not_cross_into_the_next_sentence():
    label, score = score_sentiment("Order never arrived. Terrible!")
    assert label == "negative"
    assert score < -0.4


def test_mild_negative_clause_does_not_override_the_message():
    assert score_sentiment("No. Thanks, all good")[0] == "positive"


def test_empty_is_neutral_zero():
    assert score_sentiment("") == ("neutral", 0.0)
    assert score_sentiment(None) == ("neutral", 0.0)


def test_a_negation_never_reaches_into_an_emoji():
    # The sample chat's complaint: VADER alone read "Not happy 😞" as "not ... disappointed face", praise.
    text = "The cakes arrived but one is squashed and the loaves are 18 not 20. Not happy 😞"
    assert score_sentiment(text)[0] == "negative"
    assert score_sentiment("Not bad at all 😊")[0] == "positive"


def test_a_polite_complaint_is_negative_however_kind_its_words():
    from wa_pipeline.nlp.sentiment import with_intent

    polite = score_sentiment("Delivered, thanks. One tray has a dent though, can you exchange it?")
    assert polite[0] == "positive"  # what the words alone say
    assert with_intent(polite, "complaint")[0] == "negative"
    assert with_intent(polite, "feedback") == polite


@pytest.mark.parametrize(
    ("text", "language", "label"),
    [
        ("Le pain était mauvais et le carton abîmé", "fr", "negative"),
        ("Livraison parfaite, merci", "fr", "positive"),
        ("Die Ware kam kaputt an, sehr enttäuscht", "de", "negative"),
        ("Alles gut angekommen, super", "de", "positive"),
    ],
)
def test_french_and_german_words_are_read_in_their_language(text, language, label):
    assert score_sentiment(text, language)[0] == label


def test_a_language_without_a_lexicon_reads_english_words_and_emoji():
    assert score_sentiment("Asante sana, great 👍", "sw")[0] == "positive"
    # "mal" is bad in French, nothing in English: the language decides
    assert score_sentiment("Service mal fait", "fr")[0] == "negative"
    assert score_sentiment("Service mal fait")[0] == "neutral"


@pytest.mark.parametrize(
    "text",
    ["Pay the remaining KES 2,000 on delivery", "You can pay by card or cash", "I want 3 crates of soda pls"],
)
def test_words_no_one_rated_clearly_leave_business_neutral(text):
    # VADER's raters gave "pay" -0.4 and "want" and "pls" 0.3: near nothing, yet enough to tip a bill or a request.
    assert score_sentiment(text)[0] == "neutral"


def test_clearly_rated_words_still_count():
    assert score_sentiment("The service was bad")[0] == "negative"
    assert score_sentiment("Paid, thanks!")[0] == "positive"
