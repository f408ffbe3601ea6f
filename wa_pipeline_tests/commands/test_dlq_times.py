import json
from datetime import datetime
from zoneinfo import ZoneInfo

from wa_pipeline.commands.dlq import dlq_list_command
from wa_pipeline.settings import get_settings
from wa_pipeline.store.dead_letters import DeadLetterQueue


def test_dlq_list_shows_when_a_letter_came_in_the_business_timezone(fresh_settings, capsys):
    """A shop in Nairobi saw its broken voice note 'since 14:41' when its clocks read 17:41: the time was UTC."""
    fresh_settings.setenv("WA_TIMEZONE", "Africa/Nairobi")
    queue = DeadLetterQueue(get_settings().layout.landing_db)
    queue.add("media", "exp_1", "empty file (0 bytes)", partition="2026-10-22")
    [letter] = queue.list()
    local = datetime.fromisoformat(letter.created_at).astimezone(ZoneInfo("Africa/Nairobi"))
    utc = datetime.fromisoformat(letter.created_at)

    dlq_list_command(stage=None, partition=None, include_replayed=False, as_json=False)
    shown = capsys.readouterr().out
    assert local.strftime("%m-%d %H:%M") in shown and utc.strftime("%m-%d %H:%M") not in shown
    assert "Africa/Nairobi" in shown
    # The JSON keeps the stored instant, with its offset, for scripts.
    dlq_list_command(stage=None, partition=None, include_replayed=False, as_json=True)
    assert json.loads(capsys.readouterr().out)["created_at"] == letter.created_at


def test_dlq_list_names_the_file_a_media_letter_is_about(fresh_settings, capsys):
    """A photo that could not be read was listed by its message's id alone: the owner could not tell which photo."""
    fresh_settings.setenv("COLUMNS", "160")  # the reason unfolded, to be read as one line
    queue = DeadLetterQueue(get_settings().layout.landing_db)
    payload = {"message_id": "exp_1", "filename": "IMG-20261022-WA0004.jpg", "kind": "image", "bytes": 10}
    queue.add("media", "exp_1", "image does not decode", payload, partition="2026-10-22")
    dlq_list_command(stage=None, partition=None, include_replayed=False, as_json=False)
    shown = " ".join(capsys.readouterr().out.split())
    assert "IMG-20261022-WA0004.jpg: image does not decode" in shown
