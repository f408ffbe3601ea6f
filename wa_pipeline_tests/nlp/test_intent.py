import dataclasses
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from wa_pipeline.nlp.evaluation import load_intent_cases
from wa_pipeline.nlp.intent import (
    DEFAULT_EXAMPLES,
    INTENTS,
    OTHER,
    ROUTED_EXAMPLES,
    ROUTED_MEMBERS,
    ROUTED_REFIT,
    ROUTED_REPEAT,
    IntentModel,
    LabelledText,
    Tokens,
    TrainingSettings,
    fingerprint,
    held_out_draw,
    intent_model_in,
    load_examples,
    normalise,
    shipped_intent_model,
    split_examples,
    train_intent_model,
)

TEXTS = [
    "Please send 20 loaves tomorrow",
    "Nimetuma pesa, confirm please",
    "My order is late and the cake was squashed 😡",
    "Cancel my order please",
    "Can I book a haircut for Saturday?",
    "How much is the 2kg cake?",
    "Thank you, the cake was delicious!",
    "Habari za asubuhi",
]


@pytest.fixture(scope="module")
def model() -> IntentModel:
    return shipped_intent_model()


def test_the_shipped_examples_cover_every_intent_generously():
    examples = load_examples([DEFAULT_EXAMPLES])
    assert len(examples) >= 400
    counts = {intent: sum(e.label == intent for e in examples) for intent in INTENTS}
    assert set(counts) == {e.label for e in examples}
    assert min(counts.values()) >= 40


def test_predictions_name_the_intent_with_a_confidence(model):
    predictions = model.predict(TEXTS)
    assert [p.intent for p in predictions] == [
        "order",
        "payment",
        "complaint",
        "cancellation",
        "booking",
        "inquiry",
        "feedback",
        "greeting",
    ]
    assert all(0.5 <= p.confidence <= 1 for p in predictions)


def test_low_confidence_is_other_and_empty_text_has_no_intent(model):
    [vague] = model.predict(["ok"])
    assert vague.intent == OTHER and vague.confidence < 0.5
    [forced] = model.predict(["ok"], threshold=0.0)
    assert forced.intent in INTENTS and forced.confidence == vague.confidence
    assert model.predict(["", None]) == [model.predict([""])[0]] * 2
    assert model.predict([""])[0].intent == OTHER and model.predict([""])[0].confidence == 0.0


def test_training_is_deterministic():
    settings = TrainingSettings(epochs=3)
    first, second = train_intent_model(settings=settings), train_intent_model(settings=settings)
    assert first.nlp.get_pipe("textcat").model.to_bytes() == second.nlp.get_pipe("textcat").model.to_bytes()
    assert first.evaluation == second.evaluation
    assert first.fingerprint == second.fingerprint


def test_the_held_out_split_is_stratified_and_never_trained_on(model):
    examples = load_examples([DEFAULT_EXAMPLES])
    train, held_out = split_examples(examples, 0.2)
    assert not {(e.text, e.label) for e in train} & {(e.text, e.label) for e in held_out}
    assert {e.label for e in held_out} == set(INTENTS)
    assert model.trained_on == len(train)
    report = model.evaluation
    assert report.examples == len(held_out)
    assert set(report.labels) == set(INTENTS)
    assert sum(map(sum, report.confusion)) == len(held_out)
    assert 0.8 <= report.macro_f1 <= 1 and 0.8 <= report.accuracy <= 1


def test_adding_or_removing_an_example_moves_no_other_example_across_the_split():
    examples = load_examples([DEFAULT_EXAMPLES])
    before = set(split_examples(examples, 0.2, split="hash")[1])
    added = LabelledText("Do you deliver the big sacks on Sundays too?", "inquiry")
    for changed in ([*examples[:100], added, *examples[100:]], [*examples[:100], *examples[101:]]):
        now = set(split_examples(changed, 0.2, split="hash")[1])
        others = [e for e in changed if e != added]
        assert [e in now for e in others] == [e in before for e in others]
    # Copies differing in case or spacing fall on the same side; the label takes part in the draw.
    assert held_out_draw(added) == held_out_draw(
        LabelledText(" do you  DELIVER the big sacks on sundays too?", "inquiry")
    )
    assert held_out_draw(added) != held_out_draw(dataclasses.replace(added, label="order"))


def test_every_class_keeps_close_to_its_share_out_of_training():
    examples = load_examples([DEFAULT_EXAMPLES])
    _, held_out = split_examples(examples, 0.2, split="hash")
    for intent in INTENTS:
        total = sum(e.label == intent for e in examples)
        kept_out = sum(e.label == intent for e in held_out)
        assert abs(kept_out / total - 0.2) <= 0.03, (intent, kept_out, total)
    # A class of one example is never held out, whatever the share.
    alone = LabelledText("a line of its own", "unique")
    assert split_examples([alone, *examples], 1.0, split="hash")[0] == [alone]


def test_refit_trains_again_on_every_example_and_keeps_the_split_s_report(tmp_path):
    examples = tmp_path / "few.jsonl"
    lines = [(f"please send {n} crates of soda", "order") for n in range(12)]
    lines += [(f"the crate {n} came broken, this is unacceptable", "complaint") for n in range(12)]
    examples.write_text("".join(json.dumps({"text": t, "intent": i}) + "\n" for t, i in lines), encoding="utf-8")
    split = train_intent_model([examples], TrainingSettings(epochs=2))
    refit = train_intent_model([examples], TrainingSettings(epochs=2, refit=True))
    assert 0 < split.trained_on < refit.trained_on == len(lines)
    assert refit.evaluation == split.evaluation and refit.evaluation.examples == len(lines) - split.trained_on
    assert refit.nlp.get_pipe("textcat").model.to_bytes() != split.nlp.get_pipe("textcat").model.to_bytes()
    assert refit.fingerprint != split.fingerprint


def test_a_saved_model_loads_back_the_same(model, tmp_path):
    model.to_disk(tmp_path / "m")
    loaded = IntentModel.from_disk(tmp_path / "m")
    assert loaded.predict(TEXTS) == model.predict(TEXTS)
    assert loaded.evaluation == model.evaluation and loaded.fingerprint == model.fingerprint


# It trains the shipped model's every route twice; on two shared cores that took more than the suite's 15-minute
# guard against a hang (CI, 2026-12-07), so the guard here is longer.
@pytest.mark.timeout(2700)
def test_models_are_kept_per_examples_and_retrained_when_they_change(tmp_path):
    extra = tmp_path / "mine.jsonl"
    lines = [
        {"text": t, "intent": "warranty"}
        for t in (
            "Is this still under warranty?",
            "Warranty claim for my fridge",
            "Does the warranty cover the screen?",
            "How long is the warranty?",
            "I want to claim warranty",
            "Warranty card lost, can you help?",
            "Is the blender covered by warranty",
            "warranty ya simu hii ni miezi ngapi?",
            "Claim warranty please",
            "My warranty number is W-2211",
        )
    ]
    extra.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    settings = TrainingSettings(epochs=5)
    first = intent_model_in(tmp_path / "models", [DEFAULT_EXAMPLES, extra], settings)
    assert "warranty" in first.labels
    assert (tmp_path / "models" / first.fingerprint / "intent_model.json").exists()
    again = intent_model_in(tmp_path / "models", [DEFAULT_EXAMPLES, extra], settings)
    assert again.fingerprint == first.fingerprint

    extra.write_text("\n".join(json.dumps(line) for line in lines[:-1]), encoding="utf-8")
    changed = fingerprint([DEFAULT_EXAMPLES, extra], settings)
    assert changed != first.fingerprint
    retrained = intent_model_in(tmp_path / "models", [DEFAULT_EXAMPLES, extra], settings)
    assert retrained.fingerprint == changed
    assert sorted(p.name for p in (tmp_path / "models").iterdir()) == sorted([first.fingerprint, changed])


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"text": "hi"}', "expected"),
        ('{"text": "meh", "intent": "other"}', "other"),
        ("not json", "expected"),
        ('{"text": "", "intent": "order"}', "non-empty"),
    ],
)
def test_bad_example_files_name_the_line(tmp_path, line, message):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "fine", "intent": "order"}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=f"bad.jsonl:2: .*{message}"):
        load_examples([path])


def test_the_translated_examples_load_with_every_intent_in_every_language_they_name():
    from wa_pipeline.nlp.intent import TRANSLATED_EXAMPLES

    examples = load_examples([TRANSLATED_EXAMPLES])  # the "#" header line is skipped
    assert {e.label for e in examples} == set(INTENTS)
    lines = TRANSLATED_EXAMPLES.read_text(encoding="utf-8").splitlines()[1:]
    assert {json.loads(line)["language"] for line in lines} == {"es", "pt", "fr", "de", "sw"}


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        # The bag of words reads both as greetings: the salutation is the one part it knows well.
        ("Good evening boss. The generator you sold me stopped working yesterday", "complaint"),
        ("Thanks. Can you send the receipt by SMS as well?", "payment"),
    ],
)
def test_a_greeting_beside_a_sentence_of_business_is_the_business(model, text, intent):
    [prediction] = model.predict([text])
    assert prediction.intent == intent
    assert 0.5 <= prediction.confidence <= 1


@pytest.mark.parametrize(
    "text",
    [
        "Thanks 🙏",
        "Asante sana",
        "Good morning!",
        "Hello hello. Good morning team",
        "Thank you. Have a lovely weekend",
        "Hi Grace! Happy new year",  # a name is no business
        "Thanks Wanjiku. Asante sana",
    ],
)
def test_pleasantries_alone_stay_greetings(model, text):
    [prediction] = model.predict([text])
    assert prediction.intent == "greeting"


def _read(model, text: str, **scores: float) -> tuple[str, float]:
    """What `_decide` makes of invented class scores for `text`, with the English model's greeting words."""
    from wa_pipeline.nlp.intent import _decide

    route = model.routes["en"]
    cats = dict.fromkeys(INTENTS, 0.0) | scores
    label, score = _decide(cats, text, route.pleasantries, route.greeting_words, 0.5)
    return (label if score >= 0.5 else OTHER), score


@pytest.mark.parametrize(
    ("text", "scores"),
    [
        # A stock question beside a quantity, a greeting beside a place question, a question under the threshold.
        (
            "Morning boss, do you have the size 9 gumboots in green? My brother needs 3 pairs",
            {"order": 0.7, "inquiry": 0.2},
        ),
        ("Is your shop near the Total petrol station?", {"greeting": 0.6, "inquiry": 0.35}),
        ("Hello, is there a pharmacy counter inside the store?", {"inquiry": 0.4, "booking": 0.3, "greeting": 0.2}),
        ("How much for two bags of cement and a wheelbarrow?", {"booking": 0.45, "inquiry": 0.3, "order": 0.2}),
    ],
)
def test_a_question_of_stock_price_or_place_is_an_inquiry_whatever_surrounds_it(model, text, scores):
    assert _read(model, text, **scores) == ("inquiry", 0.5)


@pytest.mark.parametrize(
    ("text", "scores"),
    [
        ("The curtains went up on Tuesday and the fitters were brilliant", {"complaint": 0.85, "feedback": 0.1}),
        ("Loved the goat pepper soup, tell the chef thanks", {"complaint": 0.4, "feedback": 0.3, "greeting": 0.3}),
    ],
)
def test_praise_of_what_arrived_or_who_served_is_feedback(model, text, scores):
    assert _read(model, text, **scores)[0] == "feedback"


@pytest.mark.parametrize(
    ("text", "scores", "intent"),
    [
        # A grievance, a payment or an order beside the question keeps the reading.
        ("Why do you never have the size 9 in stock?", {"complaint": 0.8, "inquiry": 0.2}, "complaint"),
        ("Do you have the red kettle? If yes, send me 2", {"order": 0.8, "inquiry": 0.2}, "order"),
        ("Do you have a till number or should I pay cash?", {"payment": 0.7, "inquiry": 0.3}, "payment"),
        ("Do you have my booking? I want to cancel it", {"cancellation": 0.6, "inquiry": 0.3}, "cancellation"),
        ("Do you have a slot on Saturday for cornrows?", {"booking": 0.7, "inquiry": 0.3}, "booking"),
        ("How much do I owe you for last week?", {"payment": 0.6, "inquiry": 0.4}, "payment"),
        # Sarcasm, politeness around an order, and thanks that praise nothing keep theirs too.
        ("Great, the driver is late again", {"complaint": 0.9, "feedback": 0.1}, "complaint"),
        ("Kindly have the two trays ready by noon", {"order": 0.7, "feedback": 0.2}, "order"),
        ("Thank you, have a lovely weekend", {"greeting": 0.7, "feedback": 0.25}, "greeting"),
        # A cued class the model hardly backs is no reading: the rule settles near readings only (plain praise read as
        # a complaint aside, below).
        ("The fitters were brilliant", {"booking": 0.45, "feedback": 0.01}, "other"),
    ],
)
def test_a_cue_beside_a_grievance_or_business_or_unbacked_leaves_the_reading(model, text, scores, intent):
    assert _read(model, text, **scores)[0] == intent


def test_a_second_data_directory_takes_the_model_trained_for_the_first(tmp_path, monkeypatch):
    import wa_pipeline.nlp.intent as intent

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    examples = tmp_path / "examples.jsonl"
    lines = [
        {"text": f"{verb} number {i}", "intent": intent_}
        for i in range(6)
        for verb, intent_ in [("order", "order"), ("cancel", "cancellation")]
    ]
    examples.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    settings = TrainingSettings(epochs=1)
    first = intent_model_in(tmp_path / "one", [examples], settings)
    assert (tmp_path / "cache" / "wa_pipeline" / "models" / first.fingerprint / "intent_model.json").exists()

    # A new process (no model in memory) must not train again for another data directory.
    intent._cached_model.cache_clear()
    intent._shared_model.cache_clear()
    intent._trained.cache_clear()

    def no_training(*args, **kwargs):
        raise AssertionError("trained again")

    monkeypatch.setattr(intent, "train_intent_model", no_training)
    second = intent_model_in(tmp_path / "two", [examples], settings)
    assert second.fingerprint == first.fingerprint and second.example_files == [str(examples.resolve())]
    assert (tmp_path / "two" / first.fingerprint / "intent_model.json").exists()
    assert second.predict(["cancel number 9"])[0].intent == first.predict(["cancel number 9"])[0].intent

    # Without that cache (another user, a cleared cache) it trains.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "elsewhere"))
    with pytest.raises(AssertionError, match="trained again"):
        intent_model_in(tmp_path / "three", [examples], settings)


@pytest.mark.parametrize(
    "texts, cue",
    [
        (
            [
                "Why is my parcel late?",
                "Warum ist mein Paket so spät?",
                "Parcel kyun nahi aaya",
                "Mbona mzigo haujafika",
            ],
            "cue_why",
        ),
        (
            ["Still waiting", "Ich warte immer noch", "Abhi tak nahi aaya", "Bado sijapata", "Toujours rien"],
            "cue_still",
        ),
        (
            [
                "Thanks but it broke",
                "Danke, aber es ist kaputt",
                "Asante lakini imevunjika",
                "Gracias, pero llegó roto",
            ],
            "cue_but",
        ),
        (["It is not working", "Es geht nicht", "Kaam nahi kar raha", "Ça ne marche pas", "Não funciona"], "cue_not"),
    ],
)
def test_the_same_argument_reads_as_one_token_in_every_language(texts, cue):
    assert all(cue in normalise(text).split() for text in texts)


def test_a_question_mark_is_a_token_and_plain_business_has_no_cues():
    assert "cue_question" in normalise("Do you deliver to Kasoa?").split()
    assert not [t for t in normalise("Please send 2 trays of eggs").split() if t.startswith("cue_")]


@pytest.mark.parametrize(
    "text",
    ["J'ai payé par Orange Money", "Kisi ne phone uthaya, sab theek", "Quiero mas arroz", "Notebook bag in navy"],
)
def test_function_words_of_another_language_and_parts_of_words_are_no_cues(text):
    assert not {"cue_but", "cue_not"} & set(normalise(text).split())


DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize(
    ("name", "languages", "size"),
    [
        ("intents_dev2.jsonl", {"en", "de", "hi", "es", "fr", "sw"}, 300),
        ("intents_dev3.jsonl", {"en", "de", "hi", "es", "sw"}, 280),
        ("intents_dev4.jsonl", {"en"}, 200),
        ("intents_dev5.jsonl", {"de"}, 150),
        ("intents_dev6.jsonl", {"de"}, 220),
        ("intents_dev7.jsonl", {"en"}, 200),
        ("intents_dev8.jsonl", {"en"}, 130),
        ("intents_dev9.jsonl", {"en"}, 85),
        ("intents_dev10.jsonl", {"en"}, 90),
        ("intents_dev29.jsonl", {"es", "hi"}, 128),
        ("intents_dev30.jsonl", {"de"}, 64),
        ("intents_dev31.jsonl", {"en"}, 150),
        ("intents_dev32.jsonl", {"en"}, 85),
    ],
)
def test_the_later_intent_dev_sets_name_their_languages_and_share_no_text_with_the_examples(name, languages, size):
    cases = [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    assert {case["id"].split("-")[2] for case in cases} == languages and len(cases) >= size
    # Round 29's set holds a few lines that fit no intent (`other`, scored as a class of its own).
    assert {case["intent"] for case in cases} - {OTHER} == set(INTENTS)
    # The routed languages' examples too: a dev line copied into them would flatter that language's figures.
    examples = {e.text.lower() for e in load_examples([DEFAULT_EXAMPLES, *ROUTED_EXAMPLES.values()])}
    assert not examples & {case["text"].lower() for case in cases}


def test_the_seventh_dev_set_names_the_repository_of_every_line_and_no_repository_dominates():
    # Its lines were written by other people: where each was read is what makes the set checkable.
    cases = load_intent_cases(DATA / "intents_dev7.jsonl")
    sources = [case.source for case in cases]
    assert all(re.fullmatch(r"[\w.-]+/[\w.-]+", source) for source in sources)
    assert len(set(sources)) >= 40 and max(sources.count(source) for source in set(sources)) <= 10


def _tiny_model(tmp_path: Path, settings: TrainingSettings) -> IntentModel:
    """A model trained in seconds on 54 examples of three intents."""
    examples = tmp_path / "few.jsonl"
    lines = [
        {"text": f"{verb} {thing} {i}", "intent": intent}
        for i in range(6)
        for verb, intent in [("order", "order"), ("cancel", "cancellation"), ("price of", "inquiry")]
        for thing in ("cake", "bread", "milk")
    ]
    examples.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    return train_intent_model([examples], settings)


def test_an_ensemble_reads_each_text_as_the_mean_of_members_that_differ(tmp_path):
    model = _tiny_model(tmp_path, TrainingSettings(epochs=2, members=3, bootstrap=True))
    texts = [normalise(t) for t in ("order cake and cancel milk", "price of bread", "cancel order")]
    docs = [model.nlp.make_doc(text) for text in texts]
    members = [pipe.predict(docs) for _, pipe in model.nlp.pipeline]
    assert len(members) == 3
    assert (members[0] != members[1]).any() and (members[1] != members[2]).any()
    for scores, *rows in zip(model.scores(texts), *members, strict=True):
        assert list(scores) == list(model.labels)
        assert list(scores.values()) == pytest.approx([sum(column) / 3 for column in zip(*rows)], abs=1e-6)
    assert [p.intent for p in model.predict(["cancel the bread", "order the milk"])] == ["cancellation", "order"]


class _CountingTokenizer:
    """A model's tokenizer that counts the texts it is given."""

    def __init__(self, tokenizer):
        self.tokenizer, self.texts = tokenizer, 0

    def __call__(self, text):
        self.texts += 1
        return self.tokenizer(text)

    def pipe(self, texts, batch_size=1000):
        for text in texts:
            yield self(text)


def test_a_second_classifier_reads_the_docs_the_first_made_only_where_their_tokenizers_agree(tmp_path):
    first, second, third = (_tiny_model(tmp_path, TrainingSettings(epochs=2, seed=seed)) for seed in (0, 1, 2))
    third.nlp.tokenizer.add_special_case("pls", [{"ORTH": "pl"}, {"ORTH": "s"}])
    texts = ["Order the cake pls", "cancel milk", "Order the cake pls", "price of the bread"]
    normalised = [normalise(text) for text in texts]
    own = [model.scores(normalised) for model in (second, third)]
    tokens = Tokens.of(first)
    first.predict(texts, tokens=tokens)
    assert sorted(tokens.docs) == sorted(set(normalised))
    assert second.tokenizer == first.tokenizer != third.tokenizer
    for model, reads_shared, alone in ((second, True, own[0]), (third, False, own[1])):
        counting = model.nlp.tokenizer = _CountingTokenizer(model.nlp.tokenizer)
        assert model.scores(normalised, tokens=tokens) == alone
        assert counting.texts == (0 if reads_shared else len(normalised))


ROUTED_TEXTS = [
    "Ich hätte gern zwei Bauernbrote für morgen früh.",
    "Nimetuma pesa kwa M-Pesa, tafadhali thibitisha.",
    "Please send 20 loaves tomorrow",
    "Merci, à demain",
]


def test_german_swahili_and_english_messages_are_read_by_models_of_their_own(model):
    shared = dataclasses.replace(model, routes={})
    assert sorted(model.routes) == ["de", "en", "hi", "sw"]
    routed = model.predict(ROUTED_TEXTS)
    alone = shared.predict(ROUTED_TEXTS)
    own = [model.routes[language].predict([text])[0] for language, text in zip(("de", "sw", "en"), ROUTED_TEXTS)]
    assert routed[:3] == own
    assert routed[0].confidence != alone[0].confidence and routed[1].confidence != alone[1].confidence
    # French (and Spanish, Portuguese) keep the shared model's reading exactly.
    assert routed[3:] == alone[3:]


def test_the_language_given_chooses_the_model_and_a_line_of_no_language_reads_the_shared_one(model):
    shared = dataclasses.replace(model, routes={})
    text = "Danke, passt so"
    as_german = model.predict([text], languages=["de"])[0]
    assert as_german == model.routes["de"].predict([text])[0]
    assert model.predict([text], languages=[""]) == shared.predict([text]) != [as_german]
    with pytest.raises(ValueError, match="1 languages for 2 texts"):
        model.predict([text, text], languages=["de"])


def test_english_lines_are_read_by_an_english_model_refit_on_every_example(model):
    # Refit with its own file, the English route lifted the English dev rows' mean on all three seeds (round 25); a
    # line of no language still reads the shared model.
    english = model.routes["en"]
    assert english.settings.refit and english.settings.members == 1 and not model.settings.refit
    text = "Kindly leave the parcel with the guard at the blue gate, I'm at work till 6"
    assert model.predict([text], languages=["en"]) == english.predict([text])
    assert model.predict([text], languages=[""]) == dataclasses.replace(model, routes={}).predict([text])


def test_the_routed_models_learn_their_own_files_beside_the_shared_examples(model):
    for language, path in ROUTED_EXAMPLES.items():
        route = model.routes[language]
        header = path.read_text(encoding="utf-8").splitlines()[0]
        assert route.example_files[-1] == str(path) and re.search(r"round \d+", header)
        own = load_examples([path])
        assert {e.label for e in own} <= set(INTENTS) and len(own) >= 40
        # A routed model is scored on the shared model's held-out split and its file's; only a route named for refit
        # (German, English) then learns them too.
        _, own_held_out = split_examples(own, model.settings.held_out, model.settings.seed, model.settings.split)
        assert route.evaluation.examples == model.evaluation.examples + len(own_held_out)
        if language in ROUTED_REFIT:
            own_trained = (len(own) - len(own_held_out)) * ROUTED_REPEAT + len(own_held_out)
            assert route.trained_on == model.trained_on + model.evaluation.examples + own_trained
        else:
            assert route.trained_on == model.trained_on + (len(own) - len(own_held_out)) * ROUTED_REPEAT
    # The shared model never learns its held-out split, whatever its routes do.
    assert ROUTED_REFIT == {"de", "en"} and not model.settings.refit and not model.routes["sw"].settings.refit


def test_the_german_model_averages_three_members_and_the_others_keep_one(model, monkeypatch):
    import wa_pipeline.nlp.intent as intent

    german = model.routes["de"]
    assert ROUTED_MEMBERS == {"de": 3} and german.settings.members == 3 == len(german.nlp.pipeline)
    assert model.routes["sw"].settings.members == model.settings.members == 1 == len(model.nlp.pipeline)
    # The members are the model's identity: a saved model of another count is retrained, not read.
    before = fingerprint([DEFAULT_EXAMPLES], TrainingSettings())
    monkeypatch.setitem(intent.ROUTED_MEMBERS, "de", 1)
    assert fingerprint([DEFAULT_EXAMPLES], TrainingSettings()) != before


def test_a_routed_file_that_changes_changes_the_model_s_identity(tmp_path, monkeypatch):
    import wa_pipeline.nlp.intent as intent

    settings = TrainingSettings()
    before = fingerprint([DEFAULT_EXAMPLES], settings)
    copy = tmp_path / "de.jsonl"
    copy.write_text(ROUTED_EXAMPLES["de"].read_text(encoding="utf-8") + '{"text": "Noch 2 Brote", "intent": "order"}\n')
    monkeypatch.setitem(intent.ROUTED_EXAMPLES, "de", copy)
    assert fingerprint([DEFAULT_EXAMPLES], settings) != before
    # The sentiment classifier and examples without the shipped ones have no routes.
    assert intent.routes_for([DEFAULT_EXAMPLES], key="sentiment") == () == intent.routes_for([copy])


def test_enrichment_reads_a_line_too_short_to_tell_in_its_chat_s_language(model):
    from wa_pipeline.nlp.enrich import enrich_messages

    texts = ["Ich hätte gern zwei Bauernbrote für morgen früh.", "Bitte bis Freitag liefern, danke.", "Super, danke"]
    frame = pd.DataFrame(
        {"kind": "text", "text": texts, "caption": None, "sent_at": pd.Timestamp("2026-12-01T10:00Z"), "chat_id": "c1"}
    )
    enriched = enrich_messages(frame, "DE", intent_model=model)
    as_german = model.predict(texts, languages=["de"] * 3)
    assert list(enriched["intent"]) == [p.intent for p in as_german]
    assert list(enriched["intent_confidence"]) == [p.confidence for p in as_german]
    assert model.predict(texts[-1:], languages=[""]) != as_german[-1:]


def _route_files(tmp_path):
    """A few shared (English) and own (German) examples, two classes each, in files."""
    shared = [(f"please send {n} crates of soda", "order") for n in range(10)]
    shared += [(f"the crate {n} came broken, this is unacceptable", "complaint") for n in range(10)]
    own = [(f"Bitte {n} Kisten Wasser bis Freitag liefern", "order") for n in range(2, 17)]
    own += [(f"Die Kiste {n} kam kaputt an, so geht das nicht", "complaint") for n in range(2, 17)]
    files = []
    for name, lines in (("shared", shared), ("de", own)):
        path = tmp_path / f"{name}.jsonl"
        path.write_text("".join(json.dumps({"text": t, "intent": i}) + "\n" for t, i in lines), encoding="utf-8")
        files.append(path)
    return files


def test_a_route_split_by_hash_draws_its_own_file_by_hash_and_the_shared_examples_as_the_settings_say(
    tmp_path, monkeypatch
):
    import wa_pipeline.nlp.intent as intent

    shared_file, own_file = _route_files(tmp_path)
    monkeypatch.setitem(intent.ROUTED_EXAMPLES, "de", own_file)
    settings = TrainingSettings(epochs=1)
    shared, own = load_examples([shared_file]), load_examples([own_file])
    shared_train, _ = split_examples(shared, settings.held_out, settings.seed, "shuffle")
    by_hash, _ = split_examples(own, settings.held_out, split="hash")
    by_shuffle, _ = split_examples(own, settings.held_out, settings.seed, "shuffle")
    assert len(by_hash) != len(by_shuffle)  # the two draws differ here, so the count tells which one was made
    # Without the refit the shipped German route has, so that what it learns is its split's training side.
    monkeypatch.setattr(intent, "ROUTED_REFIT", frozenset())
    before = fingerprint([DEFAULT_EXAMPLES], settings)
    monkeypatch.setitem(intent.ROUTED_SPLIT, "de", "hash")
    route = intent.train_route_model([shared_file], "de", settings)
    assert route.trained_on == len(shared_train) + len(by_hash) * ROUTED_REPEAT
    assert route.evaluation.examples == len(shared) + len(own) - route.trained_on
    # Another split is another model: a saved one of the other split is retrained, not read.
    assert fingerprint([DEFAULT_EXAMPLES], settings) != before


def test_a_route_named_for_refit_learns_every_example_and_keeps_its_split_s_report(tmp_path, monkeypatch):
    import wa_pipeline.nlp.intent as intent

    shared_file, own_file = _route_files(tmp_path)
    monkeypatch.setitem(intent.ROUTED_EXAMPLES, "de", own_file)
    settings = TrainingSettings(epochs=1)
    monkeypatch.setattr(intent, "ROUTED_REFIT", frozenset())
    split = intent.train_route_model([shared_file], "de", settings)
    before = fingerprint([DEFAULT_EXAMPLES], settings)
    monkeypatch.setattr(intent, "ROUTED_REFIT", frozenset({"de"}))
    refit = intent.train_route_model([shared_file], "de", settings)
    every = len(load_examples([shared_file])) + len(load_examples([own_file])) * ROUTED_REPEAT
    assert split.trained_on < refit.trained_on == every
    assert refit.evaluation == split.evaluation and refit.settings.refit and not split.settings.refit
    assert fingerprint([DEFAULT_EXAMPLES], settings) != before
    # The shared model's settings are not the route's: only the route named learns its held-out split.
    assert not settings.refit


def test_a_route_trains_with_its_own_settings_and_they_are_its_identity(tmp_path, monkeypatch):
    import wa_pipeline.nlp.intent as intent

    shared_file, own_file = _route_files(tmp_path)
    monkeypatch.setitem(intent.ROUTED_EXAMPLES, "de", own_file)
    monkeypatch.setattr(intent, "ROUTED_SETTINGS", {})
    settings = TrainingSettings(epochs=1)
    before = fingerprint([DEFAULT_EXAMPLES], settings)
    monkeypatch.setitem(intent.ROUTED_SETTINGS, "de", {"epochs": 2, "learn_rate": 0.003})
    route = intent.train_route_model([shared_file], "de", settings)
    assert (route.settings.epochs, route.settings.learn_rate) == (2, 0.003)
    others = {"members": route.settings.members, "refit": route.settings.refit}  # ROUTED_MEMBERS', ROUTED_REFIT's
    assert route.settings == dataclasses.replace(settings, epochs=2, learn_rate=0.003, **others)
    # A saved model trained with the route's old settings is retrained, not read; the shared settings are untouched.
    assert fingerprint([DEFAULT_EXAMPLES], settings) != before and settings.epochs == 1


# Invented Hinglish lines (round 29).
HINGLISH = [
    ("Mera order abhi tak nahi aaya, 3 din ho gaye", "complaint"),
    ("Kal ke liye 3 kilo aloo aur 1 kilo pyaaz chahiye", "order"),
]


def test_hinglish_lines_are_read_by_a_model_of_their_own_and_english_lines_are_not_moved(model):
    shared = dataclasses.replace(model, routes={})
    without = dataclasses.replace(model, routes={k: v for k, v in model.routes.items() if k != "hi"})
    texts = [text for text, _ in HINGLISH]
    routed = model.predict(texts, languages=["hi"] * len(texts))
    hinglish = model.routes["hi"]
    assert routed == hinglish.predict(texts) and not hinglish.settings.refit and hinglish.settings.members == 1
    assert [p.intent for p in routed] == [intent for _, intent in HINGLISH]
    assert all(mine.confidence != theirs.confidence for mine, theirs in zip(routed, shared.predict(texts)))
    # English, and a line of no language, read exactly as they did without the Hinglish route.
    english = ["Please send 20 loaves tomorrow", "Thanks, the cake was lovely", "Where is my order? It's been a week"]
    assert model.predict(english) == without.predict(english)
    assert model.predict(texts[:1], languages=[""]) == shared.predict(texts[:1])


def _read_words(text: str, english: bool = True, **scores: float) -> str:
    """What `_decide` makes of invented class scores for `text`, read as English unless told, with the greeting words of
    the shipped English files."""
    from wa_pipeline.nlp.chat_words import CHAT_WORDS
    from wa_pipeline.nlp.intent import TRANSLATED_EXAMPLES, _decide, _greeting_words

    words = _greeting_words((DEFAULT_EXAMPLES, TRANSLATED_EXAMPLES, ROUTED_EXAMPLES["en"]))
    label, score = _decide(dict.fromkeys(INTENTS, 0.0) | scores, text, words - CHAT_WORDS, words, 0.5, english)
    return label if score >= 0.5 else OTHER


@pytest.mark.parametrize(
    ("text", "scores"),
    [
        # The model reads a business's answer by what it is about, often giving inquiry nothing.
        ("Yes we have them in maroon and navy, from size 30 to 36", {"order": 0.99, "inquiry": 0.0}),
        ("Sorry madam, the large flask is out of stock until Friday", {"complaint": 0.55, "inquiry": 0.25}),
        ("We open from 7am on weekdays, and 9am on Saturdays", {"booking": 0.98, "inquiry": 0.01}),
        ("We open 6:30 to 9 every day", {"booking": 0.9}),
        ("We deliver countrywide through the bus parcel office", {"order": 0.45, "inquiry": 0.3}),
        ("Delivery to Ruaka is 300 bob and it takes a day", {"complaint": 0.6, "payment": 0.3}),
        ("Both come in 1 litre and 2 litre bottles", {"order": 0.7, "inquiry": 0.02}),
    ],
)
def test_a_business_answer_of_stock_hours_or_delivery_is_an_inquiry(text, scores):
    assert _read_words(text, **scores) == "inquiry"


@pytest.mark.parametrize(
    ("text", "scores", "intent"),
    [
        # A payment received, a delivery promised, a slot offered, a cancellation and a grievance keep their readings.
        ("We have received your transfer, balance is 2,000", {"payment": 0.7, "inquiry": 0.2}, "payment"),
        ("We deliver to Ruiru tomorrow before noon", {"order": 0.7, "inquiry": 0.2}, "order"),
        ("Your delivery is scheduled for Thursday morning", {"booking": 0.8, "inquiry": 0.1}, "booking"),
        ("We have slots on Friday from 2pm", {"booking": 0.8, "inquiry": 0.1}, "booking"),
        ("It is out of stock so we have cancelled your order", {"cancellation": 0.8, "inquiry": 0.1}, "cancellation"),
        ("Why is it always out of stock when I come", {"complaint": 0.8, "inquiry": 0.1}, "complaint"),
    ],
)
def test_an_answer_beside_a_payment_order_booking_cancellation_or_grievance_keeps_its_reading(text, scores, intent):
    assert _read_words(text, **scores) == intent


@pytest.mark.parametrize(
    ("text", "scores"),
    [
        # Questions put in words, with no question mark, which the model reads by what they are about.
        ("Pls confirm if you sell the 20 litre jerrycans", {"order": 0.6, "inquiry": 0.3}),
        ("I want to know if you deliver to Kitengela and what it costs", {"order": 0.55, "inquiry": 0.2}),
        ("Just wondering whether the blender comes with a spare jug", {"feedback": 0.8, "inquiry": 0.1}),
        ("Let me know if the linen shirts come in olive", {"order": 0.7, "inquiry": 0.2}),
        ("Could you tell me what time the bakery opens on Sunday", {"greeting": 0.4, "booking": 0.35, "inquiry": 0.2}),
        # Questions of how many, how long, what sizes, whether a service is possible.
        ("How long does the battery last on the small inverter?", {"complaint": 0.5, "inquiry": 0.3}),
        ("What sizes does the school sweater come in?", {"order": 0.6, "inquiry": 0.3}),
        ("Is it possible to have the sofa brought to Thika?", {"booking": 0.6, "inquiry": 0.3}),
    ],
)
def test_a_question_put_in_words_or_of_size_time_and_service_is_an_inquiry(text, scores):
    assert _read_words(text, **scores) == "inquiry"


@pytest.mark.parametrize(
    ("text", "scores", "intent"),
    [
        # Money sent, an order, a booking, a grievance and a Pidgin greeting keep their readings.
        ("Sent the 1,500 on M-Pesa, please confirm if received", {"payment": 0.7, "inquiry": 0.2}, "payment"),
        ("Let me know if you can send me 3 more of the mugs", {"order": 0.7, "inquiry": 0.2}, "order"),
        ("Kindly confirm if my appointment is at 3pm", {"booking": 0.7, "inquiry": 0.2}, "booking"),
        ("I was wondering why nobody picked up my calls", {"complaint": 0.8, "inquiry": 0.1}, "complaint"),
        ("How many times must I ask for my refund?", {"complaint": 0.8, "inquiry": 0.15}, "complaint"),
        ("How far my guy, hope the family dey fine?", {"greeting": 0.8, "inquiry": 0.1}, "greeting"),
    ],
)
def test_a_question_in_words_beside_money_sent_business_or_a_grievance_keeps_its_reading(text, scores, intent):
    assert _read_words(text, **scores) == intent


@pytest.mark.parametrize(
    ("text", "scores"),
    [
        # Praise of what came or what a product did, which the English route reads as a complaint, feedback near 0.
        ("The scented candles arrived and the whole flat smells gorgeous", {"complaint": 0.97, "feedback": 0.0}),
        ("My grandmother's knees feel wonderful since she started the turmeric balm", {"complaint": 0.99}),
    ],
)
def test_plain_praise_read_as_a_complaint_is_feedback_whatever_the_model_gives_it(text, scores):
    assert _read_words(text, **scores) == "feedback"


@pytest.mark.parametrize(
    ("text", "scores", "intent"),
    [
        # A fault in what came, sarcasm, an argument in another language, or a reading other than a complaint keeps
        # the floor.
        ("Lovely bouquet, shame two stems were broken", {"complaint": 0.95, "feedback": 0.01}, "complaint"),
        ("Wow, forty minutes in the queue. Brilliant system 🙄", {"complaint": 0.95, "feedback": 0.01}, "complaint"),
        ("Wonderful service, nimesubiri bado wiki mbili", {"complaint": 0.9, "feedback": 0.01}, "complaint"),
        ("The candles smell gorgeous", {"order": 0.6, "feedback": 0.01}, "order"),
        ("The candles smell gorgeous", {"booking": 0.45, "feedback": 0.01}, "other"),
    ],
)
def test_praise_beside_a_fault_or_an_argument_or_read_as_other_business_keeps_its_reading(text, scores, intent):
    assert _read_words(text, **scores) == intent


def test_plain_praise_on_a_line_of_another_language_keeps_the_floor():
    # English praise words turn up in other languages' complaints ("strength", "resolve"): only English lines.
    text = "Tablets zilikuwa na strength tofauti na ile ya daktari"
    assert _read_words(text, english=False, complaint=0.95, feedback=0.01) == "complaint"
    assert _read_words("The scented candles arrived and the whole flat smells gorgeous", complaint=0.97) == "feedback"
