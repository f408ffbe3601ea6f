"""The NLP stage in Dagster: the intent model, a sample day's enrichment and threads, and the two tabs."""

from datetime import UTC
from pathlib import Path

import dagster as dg
import openpyxl
import pytest

from wa_pipeline.defs._shared.parquet_io_manager import ParquetFrameIOManager
from wa_pipeline.defs.media.resources import MediaEngines
from wa_pipeline.defs.nlp.assets import _shipped_examples_version, intent_model
from wa_pipeline.defs.nlp.resources import NlpSettings
from wa_pipeline.defs.resources import Locale, PipelineStorage, WorkbookSinkResource
from wa_pipeline.nlp import intent
from wa_pipeline.nlp.intent import DEFAULT_EXAMPLES, FEATURES_VERSION, TrainingSettings
from wa_pipeline.sheets.tabs.entities import ENTITIES
from wa_pipeline.sheets.tabs.threads import THREADS
from wa_pipeline.store.dead_letters import DeadLetterQueue
from wa_pipeline.store.media_store import MediaStore
from wa_pipeline.store.sqlite_landing import SqliteLandingStore
from wa_pipeline.whatsapp.importer import import_exports
from wa_pipeline_tests.daily_defs import daily_def

raw_messages = daily_def("raw_messages")
media_text = daily_def("media_text")
conversation_threads = daily_def("conversation_threads")
enriched_messages = daily_def("enriched_messages")
entities_sheet = daily_def("entities_sheet")
entities_sheet_reconciled = daily_def("entities_sheet_reconciled")
threads_sheet = daily_def("threads_sheet")
threads_sheet_reconciled = daily_def("threads_sheet_reconciled")

SAMPLE_DATA = Path(__file__).resolve().parents[2] / "sample_data"
DAY = "2026-11-16"
DAY_ASSETS = [
    raw_messages,
    media_text,
    enriched_messages,
    conversation_threads,
    threads_sheet,
    entities_sheet,
    threads_sheet_reconciled,
    entities_sheet_reconciled,
]


@pytest.fixture
def resources(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    summary = import_exports(
        sorted(SAMPLE_DATA.glob("*.zip")) + sorted(SAMPLE_DATA.glob("*.txt")),
        store=SqliteLandingStore(data / "landing.sqlite3"),
        media_store=MediaStore(data / "media"),
        dead_letters=DeadLetterQueue(data / "landing.sqlite3"),
        tz=UTC,
    )
    assert summary.added > 0
    return {
        "storage": PipelineStorage(data_dir=str(data)),
        "locale": Locale(timezone="UTC", default_region="KE"),
        "sheet_sink": WorkbookSinkResource(path=str(tmp_path / "wa.xlsx")),
        "io_manager": ParquetFrameIOManager(data_dir=str(data)),
        "nlp": NlpSettings(),
        "media_engines": MediaEngines(),
    }


def tab(path: Path, name: str) -> list[dict]:
    rows = list(openpyxl.load_workbook(path)[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], row)) for row in rows[1:]]


# It trains the shipped model's every route twice; on two shared cores that took more than the suite's 15-minute
# guard against a hang (CI, 2026-12-07), so the guard here is longer.
@pytest.mark.timeout(2700)
def test_intent_model_trains_once_reports_its_accuracy_and_retrains_when_examples_change(resources, tmp_path):
    version = intent_model.code_versions_by_key[dg.AssetKey("intent_model")]
    assert version == f"{FEATURES_VERSION}-{intent.fingerprint((DEFAULT_EXAMPLES,), TrainingSettings())}"
    assert intent_model.automation_conditions_by_key[dg.AssetKey("intent_model")] is not None

    with dg.instance_for_test() as instance:
        result = dg.materialize([intent_model], resources=resources, instance=instance)
        assert result.success
        [check] = result.get_asset_check_evaluations()
        assert check.passed
        materialization = result.asset_materializations_for_node("intent_model")[0]
        metadata = materialization.metadata
        assert 0.8 <= metadata["macro_f1"].value <= 1 and 0.8 <= metadata["accuracy"].value <= 1
        assert "| **order** |" in metadata["confusion_matrix"].value
        fingerprint = metadata["fingerprint"].value
        assert materialization.tags["dagster/data_version"] == fingerprint
        models = Path(resources["storage"].data_dir) / "models" / "intent"
        assert [p.name for p in models.iterdir()] == [fingerprint]

        extra = tmp_path / "more.jsonl"
        extra.write_text('{"text": "Nipe bei ya jumla ya sukari", "intent": "inquiry"}\n', encoding="utf-8")
        more = {**resources, "nlp": NlpSettings(intent_examples=[str(extra)])}
        again = dg.materialize([intent_model], resources=more, instance=instance)
        retrained = again.asset_materializations_for_node("intent_model")[0].metadata["fingerprint"].value
        assert retrained != fingerprint
        assert sorted(p.name for p in models.iterdir()) == sorted([fingerprint, retrained])


def test_a_sample_day_is_enriched_threaded_and_synced_to_both_tabs_once(resources, tmp_path):
    with dg.instance_for_test() as instance:
        first = dg.materialize(DAY_ASSETS, partition_key=DAY, resources=resources, instance=instance)
        assert first.success
        checks = {e.asset_check_key.to_user_string(): e.passed for e in first.get_asset_check_evaluations()}
        assert checks == {
            "enriched_messages:all_messages_enriched": True,
            "enriched_messages:enrichment_values_valid": True,
            "enriched_messages:intents_and_languages_valid": True,
            "conversation_threads:threads_cover_messages": True,
            "conversation_threads:thread_times_consistent": True,
            "threads_sheet:threads_sheet_reconciled": True,
            "entities_sheet:entities_sheet_reconciled": True,
            "raw_messages:schema_valid": True,
            "raw_messages:ids_unique": True,
            "raw_messages:timestamps_in_partition": True,
            "media_text:media_success_rate": True,
            "media_text:media_dead_letters_not_growing": True,
        }
        workbook = tmp_path / "wa.xlsx"
        entities = tab(workbook, ENTITIES.name)
        threads = tab(workbook, THREADS.name)
        assert list(entities[0])[: len(ENTITIES.columns)] == list(ENTITIES.sheet_columns)
        assert list(threads[0])[: len(THREADS.columns)] == list(THREADS.sheet_columns)
        values = {(row["Kind"], row["Value"]) for row in entities}
        assert {
            ("Money", "KES 5800.00"),
            ("Quantity", "20 loaf"),
            ("Phone", "+254722123456"),
            ("Email", "brian.otieno@example.com"),
            ("Date", "2026-11-17T17:00:00+00:00"),
        } <= values
        assert {row["Chat"] for row in threads} == {"Mama Mboga Bakery", "Juma Hardware"}
        assert all(row["Awaiting reply"] in (True, False) for row in threads)

        enriched = first.output_for_node("enriched_messages")
        assert set(enriched["intent"]) <= {
            "order",
            "inquiry",
            "complaint",
            "payment",
            "booking",
            "cancellation",
            "feedback",
            "greeting",
            "other",
        }

        second = dg.materialize(DAY_ASSETS, partition_key=DAY, resources=resources, instance=instance)
        assert second.success and all(e.passed for e in second.get_asset_check_evaluations())
        for node in ("threads_sheet", "entities_sheet"):
            metadata = second.asset_materializations_for_node(node)[0].metadata
            assert metadata["inserted"].value == 0 and metadata["unchanged"].value > 0
        assert tab(workbook, ENTITIES.name) == entities and tab(workbook, THREADS.name) == threads


def test_the_intent_model_is_requested_when_missing_and_again_when_its_examples_change(resources):
    from wa_pipeline.defs.nlp.sensors import intent_model_automation

    assert intent_model_automation.default_status == dg.DefaultSensorStatus.RUNNING
    with dg.instance_for_test() as instance:
        missing = dg.evaluate_automation_conditions(
            defs=dg.Definitions(assets=[intent_model], resources=resources), instance=instance
        )
        assert missing.total_requested == 1
        assert dg.materialize([intent_model], resources=resources, instance=instance).success
        fresh = dg.evaluate_automation_conditions(
            defs=dg.Definitions(assets=[intent_model], resources=resources), instance=instance, cursor=missing.cursor
        )
        assert fresh.total_requested == 0
        # New examples are a new code version: the model is requested again.
        edited = intent_model.map_asset_specs(lambda spec: spec.replace_attributes(code_version="edited-examples"))
        changed = dg.evaluate_automation_conditions(
            defs=dg.Definitions(assets=[edited], resources=resources), instance=instance, cursor=fresh.cursor
        )
        assert changed.total_requested == 1


def test_editing_a_routed_languages_examples_marks_the_intent_model_stale(tmp_path, monkeypatch):
    """The German and Swahili files train models of their own inside the shipped one: editing them is a new version."""
    before = _shipped_examples_version()
    edited = tmp_path / "intent_examples_de.jsonl"
    edited.write_bytes(
        intent.ROUTED_EXAMPLES["de"].read_bytes()
        + b'{"text": "Ich m\\u00f6chte zwei Torten bestellen", "intent": "order"}\n'
    )
    monkeypatch.setitem(intent.ROUTED_EXAMPLES, "de", edited)
    assert _shipped_examples_version() != before
