"""scripts/judge_intents.py: how its options set the routes it judges and how it names the routes' splits."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import SimpleNamespace

import pytest

import wa_pipeline.nlp.intent as intent

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "judge_intents.py"


@pytest.fixture(scope="module")
def judge():
    spec = importlib.util.spec_from_file_location("judge_intents", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def routes(monkeypatch):
    """The route settings as shipped, put back after the test whatever the options set."""
    monkeypatch.setattr(intent, "ROUTED_EXAMPLES", dict(intent.ROUTED_EXAMPLES))
    monkeypatch.setattr(intent, "ROUTED_SPLIT", dict(intent.ROUTED_SPLIT))
    monkeypatch.setattr(intent, "ROUTED_REFIT", intent.ROUTED_REFIT)
    monkeypatch.setattr(intent, "ROUTED_SETTINGS", {k: dict(v) for k, v in intent.ROUTED_SETTINGS.items()})
    return intent


def _apply(judge, argv):
    parser = judge._parser()
    judge.apply_route_options(parser, parser.parse_args(argv))


def test_a_run_without_route_options_judges_the_routes_as_shipped(judge, routes):
    shipped = (
        dict(routes.ROUTED_EXAMPLES),
        dict(routes.ROUTED_SPLIT),
        routes.ROUTED_REFIT,
        dict(routes.ROUTED_SETTINGS),
    )
    assert "de" in shipped[2]  # the German route ships refit: a judgement without the option must keep it
    _apply(judge, [])
    assert (routes.ROUTED_EXAMPLES, routes.ROUTED_SPLIT, routes.ROUTED_REFIT, routes.ROUTED_SETTINGS) == shipped


def test_a_route_s_own_training_settings_are_set_by_field_and_a_field_misspelt_is_refused(judge, routes):
    _apply(judge, ["--route-settings", 'en={"epochs": 6, "learn_rate": 0.003}', 'sw={"ngram_size": 2}'])
    assert routes.ROUTED_SETTINGS["en"] == {"epochs": 6, "learn_rate": 0.003}
    assert routes.ROUTED_SETTINGS["sw"] == {"ngram_size": 2}
    with pytest.raises(SystemExit):
        _apply(judge, ["--route-settings", 'en={"epoch": 6}'])


def test_a_language_without_a_shipped_route_is_judged_alone_once_given_its_file(judge, routes, tmp_path):
    own = tmp_path / "en.jsonl"
    own.write_text('{"text": "two loaves please", "intent": "order"}\n', encoding="utf-8")
    models = ["--models", str(tmp_path)]
    routes.ROUTED_EXAMPLES.pop("fil", None)
    with pytest.raises(SystemExit):
        _apply(judge, ["--only-route", "fil", *models])
    _apply(judge, ["--only-route", "fil", "--route-examples", f"fil={own}", "--route-refit", "de", "fil", *models])
    assert routes.ROUTED_EXAMPLES["fil"] == own.resolve() and routes.ROUTED_REFIT == {"de", "fil"}


def test_an_english_route_s_split_is_read_beside_the_shared_model_s_not_over_it(judge):
    def scored(f1):
        return SimpleNamespace(evaluation=SimpleNamespace(macro_f1=f1))

    model = SimpleNamespace(evaluation=SimpleNamespace(macro_f1=0.5), routes={"de": scored(0.6), "en": scored(0.7)})
    assert judge.split_figures(model) == {"split en": 0.5, "split de": 0.6, "split en route": 0.7}
