import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import pytest
import typer
from typer.testing import CliRunner

from wa_pipeline.message import MediaRef, Message
from wa_pipeline.replay.replayer import DeadLetterReplayer
from wa_pipeline.replay.webhooks import webhook_body
from wa_pipeline.settings import get_settings
from wa_pipeline.store.dead_letters import DeadLetterQueue
from wa_pipeline.store.landing_factory import open_landing_store
from wa_pipeline.store.media_download_ledger import MediaDownloadLedger
from wa_pipeline.store.media_store import MediaStore
from wa_pipeline.whatsapp.importer import import_exports

REPO = Path(__file__).resolve().parents[2]
EXPORT = REPO / "sample_data" / "WhatsApp Chat with Juma Hardware.txt"
PAYLOADS = REPO / "wa_pipeline_tests" / "whatsapp" / "payloads"
TZ = ZoneInfo("Africa/Nairobi")


def test_dead_letters_keep_reason_and_update_on_repeat(tmp_path):
    dlq = DeadLetterQueue(tmp_path / "landing.sqlite3")
    dlq.add("import", "a.zip", "zip bomb", {"size": 1}, partition="2026-11-16")
    dlq.add("import", "a.zip", "still a zip bomb", {"size": 2}, partition="2026-11-16")
    dlq.add("import", "b.txt", "not a chat export")
    letters = dlq.list()
    assert [(letter.item_key, letter.reason) for letter in letters] == [
        ("a.zip", "still a zip bomb"),
        ("b.txt", "not a chat export"),
    ]
    assert dlq.list(partition="2026-11-16")[0].payload == {"size": 2}
    dlq.mark_replayed([letters[0].id])
    assert [letter.item_key for letter in dlq.list()] == ["b.txt"]
    assert len(dlq.list(include_replayed=True)) == 2
    dlq.resolve("import", "b.txt")
    assert dlq.list() == []


def test_open_letters_are_counted_per_stage_and_filtered(tmp_path):
    dlq = DeadLetterQueue(tmp_path / "landing.sqlite3")
    dlq.add("import", "a.txt", "bad")
    dlq.add("webhook", "wamid.1", "bad")
    dlq.add("webhook", "wamid.2", "bad")
    assert dlq.counts_by_stage() == {"import": 1, "webhook": 2}
    second = dlq.list(stage="webhook")[1]
    assert [letter.item_key for letter in dlq.list(ids=[second.id])] == ["wamid.2"]
    assert dlq.list(ids=[]) == []
    dlq.mark_replayed([second.id], note="reparsed")
    assert dlq.counts_by_stage() == {"import": 1, "webhook": 1}
    assert dlq.list(include_replayed=True, stage="webhook")[1].replay_note == "reparsed"


class Landing:
    def __init__(self, tmp_path, landing_target=None):
        self.db = tmp_path / "landing.sqlite3"
        # The landing store in the data directory's SQLite file, or where `landing_target` says (PostgreSQL too);
        # the dead letters stay in the file either way.
        self.store = open_landing_store(landing_target or self.db)
        self.queue = DeadLetterQueue(self.db)
        self.media = MediaStore(tmp_path / "media")

    def replayer(self) -> DeadLetterReplayer:
        return DeadLetterReplayer(self.queue, self.store, self.media, TZ)


def test_an_import_that_failed_is_reimported_once_the_file_is_there(tmp_path):
    landing = Landing(tmp_path)
    path = tmp_path / "inbox" / "chat.txt"
    summary = import_exports([path], store=landing.store, media_store=landing.media, dead_letters=landing.queue, tz=TZ)
    assert summary.files == 0 and landing.queue.counts_by_stage() == {"import": 1}

    path.parent.mkdir()
    shutil.copyfile(EXPORT, path)
    outcomes = landing.replayer().replay(landing.queue.list())
    assert [(o.action, o.failed) for o in outcomes] == [("reimported", False)]
    assert landing.store.count() > 0
    assert landing.queue.list(include_replayed=True) == []  # the import path resolved it


def test_a_replay_that_fails_again_stays_open_with_the_new_reason(tmp_path):
    landing = Landing(tmp_path)
    landing.queue.add("import", str(tmp_path / "gone.txt"), "old reason", {"path": str(tmp_path / "gone.txt")})
    outcomes = landing.replayer().replay(landing.queue.list())
    assert outcomes[0].failed
    (letter,) = landing.queue.list()
    assert letter.reason != "old reason" and letter.replayed_at is None


def test_a_webhook_element_is_reparsed_into_the_landing_store(tmp_path):
    landing = Landing(tmp_path)
    body = json.loads((PAYLOADS / "image.json").read_text())
    value = body["entry"][0]["changes"][0]["value"]
    element = value["messages"][0]
    landing.queue.add(
        "webhook",
        element["id"],
        "a bug since fixed",
        {"element": element, "metadata": value["metadata"], "contacts": value["contacts"]},
    )
    landing.queue.add(
        "webhook",
        "wamid.bare",
        "no context",
        {"id": "wamid.bare", "type": "text", "timestamp": "1749416383", "from": "1", "text": {"body": "hi"}},
    )
    outcomes = {o.item_key: o for o in landing.replayer().replay(landing.queue.list())}
    assert outcomes[element["id"]].action == "reparsed"
    assert landing.store.get(element["id"]) is not None
    # An element stored without its change's metadata cannot name its chat: rejected again, and still open.
    assert outcomes["wamid.bare"].failed
    assert [letter.item_key for letter in landing.queue.list()] == ["wamid.bare"]


def test_webhook_bodies_are_rebuilt_from_whatever_was_stored():
    whole = {"object": "whatsapp_business_account", "entry": []}
    assert webhook_body(whole) is whole
    status = webhook_body({"id": "wamid.1", "status": "read", "recipient_id": "1", "timestamp": "1"})
    assert "statuses" in status["entry"][0]["changes"][0]["value"]
    change = {"field": "messages", "value": {}}
    assert webhook_body(change)["entry"][0]["changes"] == [change]


def a_download_that_gave_up(landing: Landing) -> MediaDownloadLedger:
    """A landed photo whose download was given up on: its ledger row failed, its letter in the queue."""
    message = Message(
        message_id="wamid.photo",
        chat_id="wa:1:2",
        sent_at=datetime(2026, 11, 16, 9, tzinfo=UTC),
        kind="image",
        source="cloud_api",
        sender_id="2",
        media=MediaRef(remote_id="media-1", mime="image/jpeg"),
    )
    landing.store.add_messages([message])
    ledger = MediaDownloadLedger(landing.store)
    ledger.sync()
    ledger.record_failure(ledger.pending(), "MediaExpired: gone", give_up=True)
    landing.queue.add("media_download", "wamid.photo", "MediaExpired: gone", {"media_id": "media-1"})
    assert ledger.row("wamid.photo")["status"] == "failed"
    return ledger


def test_failed_media_downloads_are_requeued_and_other_stages_marked_for_the_next_run(tmp_path, landing_target):
    landing = Landing(tmp_path, landing_target)
    ledger = a_download_that_gave_up(landing)
    landing.queue.add("raw_messages", "wamid.broken", "stored record does not load", partition="2026-11-16")
    # Media that downloaded but could not be read (OCR, transcription) is tried again by its day's next run.
    landing.queue.add("media", "wamid.unreadable", "tesseract failed", partition="2026-11-16")

    outcomes = {o.stage: o for o in landing.replayer().replay(landing.queue.list())}
    assert outcomes["media_download"].action == "requeued"
    assert outcomes["media"].action == "marked" and "2026-11-16" in outcomes["media"].detail
    assert ledger.row("wamid.photo")["status"] == "pending" and ledger.row("wamid.photo")["attempts"] == 0
    assert outcomes["raw_messages"].action == "marked" and "2026-11-16" in outcomes["raw_messages"].detail
    assert landing.queue.list() == []
    ledger.close()


# ---- the Dagster asset and job


def test_the_dead_letters_asset_reports_open_letters_per_stage_and_the_job_replays_them(data_dir):
    from wa_pipeline.definitions import defs

    queue = DeadLetterQueue(get_settings().layout.landing_db)
    queue.add("webhook", "wamid.x", "bad")
    queue.add("raw_messages", "wamid.y", "bad", partition="2026-11-16")
    queue.add("raw_messages", "wamid.z", "bad", partition="2026-11-17")
    definitions = defs()
    asset_job = dg.define_asset_job("observe_dead_letters", selection=["dead_letters"])
    with dg.instance_for_test() as instance:
        observed = (
            dg.Definitions.merge(definitions, dg.Definitions(jobs=[asset_job]))
            .resolve_job_def("observe_dead_letters")
            .execute_in_process(instance=instance)
        )
        metadata = observed.asset_materializations_for_node("dead_letters")[0].metadata
        assert metadata["open_total"].value == 3
        assert metadata["open_raw_messages"].value == 2 and metadata["open_webhook"].value == 1
        assert metadata["open_import"].value == 0

        replay = definitions.resolve_job_def("replay_dead_letters").execute_in_process(
            instance=instance,
            run_config={"ops": {"replay_letters": {"config": {"stage": "raw_messages", "partition": "2026-11-16"}}}},
        )
        assert replay.success
        after = [e for e in replay.all_events if e.event_type_value == "ASSET_MATERIALIZATION"][0]
        after_metadata = after.event_specific_data.materialization.metadata
        assert after_metadata["open_raw_messages"].value == 1 and after_metadata["replay_marked"].value == 1
    assert sorted(letter.item_key for letter in queue.list()) == ["wamid.x", "wamid.z"]


# ---- the CLI commands


@pytest.fixture
def cli():
    from wa_pipeline.commands.dlq import dlq_list_command, dlq_replay_command

    app = typer.Typer()
    dlq = typer.Typer()
    dlq.command("list")(dlq_list_command)
    dlq.command("replay")(dlq_replay_command)
    app.add_typer(dlq, name="dlq")
    return lambda *args: CliRunner().invoke(app, ["dlq", *args])


def test_dlq_list_and_replay_from_the_command_line(data_dir, cli):
    queue = DeadLetterQueue(get_settings().layout.landing_db)
    queue.add("import", "/nowhere/chat.txt", "No such file", {"path": "/nowhere/chat.txt"})
    queue.add("raw_messages", "wamid.y", "bad", partition="2026-11-16")

    listed = cli("list", "--json")
    assert listed.exit_code == 0
    letters = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [(letter["stage"], letter["item_key"]) for letter in letters] == [
        ("import", "/nowhere/chat.txt"),
        ("raw_messages", "wamid.y"),
    ]
    assert cli("list", "--stage", "raw_messages").exit_code == 0

    marked = cli("replay", str(letters[1]["id"]), "--json")
    assert marked.exit_code == 0 and json.loads(marked.stdout)["action"] == "marked"
    still_missing = cli("replay", "--stage", "import")
    assert still_missing.exit_code == 1  # the file is still not there: failed again, said so, exit code 1
    assert [letter["stage"] for letter in map(json.loads, cli("list", "--json").stdout.splitlines())] == ["import"]
    assert len(cli("list", "--all", "--json").stdout.splitlines()) == 2
    assert cli("replay", "--stage", "webhook").exit_code == 0  # nothing to do is not a failure


def test_dlq_replay_requeues_a_media_download_in_the_configured_landing_store(
    data_dir, cli, landing_target, monkeypatch
):
    url = None if isinstance(landing_target, Path) else landing_target
    if url:
        monkeypatch.setenv("WA_LANDING_URL", url)
        get_settings.cache_clear()
    landing = Landing(data_dir, url)
    ledger = a_download_that_gave_up(landing)

    replayed = cli("replay", "--stage", "media_download", "--json")

    assert replayed.exit_code == 0, replayed.output
    assert json.loads(replayed.stdout)["action"] == "requeued"
    row = ledger.row("wamid.photo")
    assert (row["status"], row["attempts"]) == ("pending", 0)
    assert landing.queue.list() == []
    ledger.close()


def test_dlq_list_reads_at_80_columns_and_replay_says_each_new_reason(data_dir, cli):
    queue = DeadLetterQueue(get_settings().layout.landing_db)
    reason = "the chat export could not be read: line 12 has no date, sender or text that WhatsApp would write"
    queue.add("raw_messages", "wamid.HBgLMjU0NzEyMzQ1Njc4FQIAEhggQjA5", reason, partition="2026-11-16")
    queue.add("import", "/nowhere/chat.txt", "No such file", {"path": "/nowhere/chat.txt"})

    listed = cli("list")
    assert listed.exit_code == 0
    lines = listed.stdout.splitlines()
    assert lines and max(len(line) for line in lines) <= 80
    # Folded inside its column, the reason is still all there, word for word.
    shown = " ".join(" ".join(cell.strip() for cell in line.split("│")) for line in lines)
    assert all(word in shown for word in reason.split()) and "11-16" in shown
    assert "MM-DD HH:MM" in shown  # the legend of the short times
    assert "replayed" not in lines[2]  # no replayed column without --all

    replayed = cli("replay", "--stage", "import")
    assert replayed.exit_code == 1
    said = " ".join(replayed.output.split())
    # The new failure's reason, not just "failed".
    assert "letter 2 (import, /nowhere/chat.txt): /nowhere/chat.txt: no such file" in said


def test_a_letter_that_fails_again_during_its_replay_reports_the_new_reason(tmp_path, monkeypatch):
    from datetime import UTC

    from wa_pipeline.replay import replayer as module
    from wa_pipeline.replay.outcome import ReplayOutcome

    queue = DeadLetterQueue(tmp_path / "landing.sqlite3")
    queue.add("import", "x.zip", "old reason")

    def normal_path_fails_again(scope, letters):
        # What a stage's normal path does with an item it still cannot take: a dead letter, with today's reason.
        for letter in letters:
            scope.queue.add(letter.stage, letter.item_key, "member 3 is a zip bomb")
        return [ReplayOutcome(letter.id, letter.stage, letter.item_key, "reimported", "") for letter in letters]

    monkeypatch.setitem(module.HANDLERS, "import", normal_path_fails_again)
    [outcome] = module.DeadLetterReplayer(queue, None, None, UTC).replay(queue.list())
    assert outcome.failed and outcome.detail == "failed again: member 3 is a zip bomb"
    assert [letter.reason for letter in queue.list()] == ["member 3 is a zip bomb"]


def test_a_replayed_bsuid_only_message_lands_in_the_chat_its_customer_was_first_known_by(tmp_path):
    from wa_pipeline.message import Sighting
    from wa_pipeline.store.contacts import ContactStore

    landing = Landing(tmp_path)
    number_id, phone, bsuid = "106540352242922", "16505551234", "US.13491208655302741918"
    # The receiver saw this customer's number beside their BSUID first (Meta shows both while the number is shown).
    contacts = ContactStore(landing.store.database())
    try:
        contacts.observe(
            [
                Sighting(
                    source="cloud_api", seen_at=datetime(2026, 12, 5, 6, tzinfo=UTC), phone=f"+{phone}", user_id=bsuid
                )
            ]
        )
    finally:
        contacts.close()
    metadata = {"display_phone_number": "15550783881", "phone_number_id": number_id}
    element = {"from_user_id": bsuid, "id": "wamid.U1", "timestamp": "1764915300", "type": "text"}
    element["text"] = {"body": "and in red?"}
    contact = {"profile": {"name": "Sheena N.", "username": "@sheena"}, "user_id": bsuid}
    landing.queue.add(
        "webhook", "wamid.U1", "a bug since fixed", {"element": element, "metadata": metadata, "contacts": [contact]}
    )
    outcomes = landing.replayer().replay(landing.queue.list())
    assert [o.action for o in outcomes] == ["reparsed"]
    # The same conversation as the customer's earlier messages, not a second chat under the BSUID.
    assert landing.store.get("wamid.U1").chat_id == f"wa:{number_id}:{phone}"
