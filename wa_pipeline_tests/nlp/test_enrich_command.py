import json

import pytest
import typer
from typer.testing import CliRunner

from wa_pipeline.commands.enrich import enrich_command
from wa_pipeline.settings import get_settings


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("WA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("WA_TIMEZONE", "Africa/Nairobi")
    monkeypatch.setenv("WA_DEFAULT_REGION", "KE")
    get_settings.cache_clear()
    cli = typer.Typer()
    cli.command("enrich")(enrich_command)
    cli.command("other")(lambda: None)  # two commands, so "enrich" is a sub-command as in wa-pipeline
    yield cli
    get_settings.cache_clear()


def lines(result):
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_plain_lines_from_stdin(app, tmp_path):
    result = CliRunner().invoke(
        app, ["enrich", "-"], input="Paid KES 3,500 via M-Pesa for the cakes, ref QK7XZ12AB3\n\nok\n"
    )
    assert result.exit_code == 0, result.output
    first, second = lines(result)
    assert [(e["label"], e["value"]) for e in first["entities"] if e["source"] == "rule"] == [
        ("MONEY", "KES 3500.00"),
        ("ORG", "M-Pesa"),
        ("REFERENCE", "transaction:QK7XZ12AB3"),
    ]
    assert first["intent"] == "payment" and first["language"] == "en" and first["region"] == "KE"
    assert set(first) == {
        "text",
        "sent_at",
        "region",
        "entities",
        "intent",
        "intent_confidence",
        "sentiment",
        "sentiment_score",
        "language",
        "mixed_languages",
    }
    assert second["intent"] == "other" and second["entities"] == []
    # The intent model was trained once and kept in the data directory for the next call.
    assert list((tmp_path / "data" / "models" / "intent").iterdir())


def test_json_lines_with_their_own_time_and_region(app, tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text(
        "\n".join(
            [
                json.dumps(
                    {"text": "Total ₹450, pay by 14/03 9am", "sent_at": "2026-11-18T10:30:00+05:30", "region": "IN"}
                ),
                json.dumps({"text": "Deliver tomorrow 5pm", "sent_at": "2026-11-16T22:30:00+00:00"}),
            ]
        ),
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["enrich", str(path), "--currency", "INR"])
    assert result.exit_code == 0, result.output
    india, nairobi = lines(result)
    assert [(e["label"], e["value"]) for e in india["entities"]] == [
        ("MONEY", "INR 450.00"),
        # Written at +05:30: read in India's time, not the configured Nairobi's.
        ("DATE", "2027-03-14T09:00:00+05:30"),
    ]
    # 22:30 UTC is 01:30 the next day in Nairobi: tomorrow is the 18th.
    assert [e["value"] for e in nairobi["entities"]] == ["2026-11-18T17:00:00+03:00"]
    assert nairobi["region"] == "KE"


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["enrich", "-"], '{"text": 3}\n', "expected a JSON object"),
        (["enrich", "/nonexistent/file.txt"], "", "Cannot read"),
        (["enrich", "-", "--timezone", "Mars/Olympus"], "hi\n", "not an IANA timezone"),
        (["enrich", "-", "--date-order", "XYZ"], "hi\n", "DMY, MDY or YMD"),
    ],
)
def test_bad_input_exits_2_saying_why(app, args, stdin, message):
    result = CliRunner().invoke(app, args, input=stdin)
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())


def test_sentiment_is_read_as_the_pipeline_reads_it(app):
    # Kind words around a complaint: the command shows what enriched_messages stores, never praise.
    text = "Good evening boss. The generator you sold me stopped working yesterday"
    result = CliRunner().invoke(app, ["enrich", "-"], input=text + "\n")
    assert result.exit_code == 0, result.output
    [line] = lines(result)
    assert line["intent"] == "complaint"
    assert line["sentiment"] == "negative" and line["sentiment_score"] <= -0.05


def test_names_are_read_in_the_messages_language_as_the_pipeline_reads_them(app):
    # Without the message's language, the English model takes these capitalised German nouns for people.
    text = "Ich warte seit einer Stunde, Lieferung sollte um 12 da sein."
    result = CliRunner().invoke(app, ["enrich", "-"], input=text + "\n")
    assert result.exit_code == 0, result.output
    [line] = lines(result)
    assert line["language"] == "de"
    assert [e for e in line["entities"] if e["label"] in ("PERSON", "ORG", "GPE", "LOC", "FAC", "PRODUCT")] == []
