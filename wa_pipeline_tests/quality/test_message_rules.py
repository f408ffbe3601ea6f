from datetime import UTC, datetime, timedelta

from wa_pipeline.message import Message
from wa_pipeline.message_frame import messages_to_frame
from wa_pipeline.quality import message_rules

T0 = datetime(2026, 11, 16, tzinfo=UTC)


def frame(*ids_and_times):
    return messages_to_frame(
        Message(message_id=i, chat_id="c", sent_at=t, kind="text", source="chat_export", text="x")
        for i, t in ids_and_times
    )


def test_ids_unique_flags_repeats():
    ok = frame(("a", T0), ("b", T0))
    assert message_rules.ids_unique(ok).passed
    bad = frame(("a", T0), ("a", T0))
    outcome = message_rules.ids_unique(bad)
    assert not outcome.passed and outcome.evidence["examples"] == ["a"]


def test_timestamps_inside_uses_half_open_window():
    end = T0 + timedelta(days=1)
    assert message_rules.timestamps_inside(frame(("a", T0)), T0, end).passed
    outcome = message_rules.timestamps_inside(frame(("a", T0), ("b", end)), T0, end)
    assert not outcome.passed and outcome.evidence["outside"] == ["b"]


def test_schema_valid_catches_unknown_kind_written_around_the_constructor():
    f = frame(("a", T0))
    assert message_rules.schema_valid(f).passed
    f.loc[0, "kind"] = "hologram"
    outcome = message_rules.schema_valid(f)
    assert not outcome.passed and outcome.evidence == {"unknown_kind": 1, "examples": ["a"]}
    assert outcome.description.endswith(": a")


def test_same_ids_reports_lost_and_invented():
    outcome = message_rules.same_ids(frame(("a", T0), ("b", T0)), frame(("a", T0), ("z", T0)), "x")
    assert not outcome.passed
    assert outcome.evidence["missing"] == 1 and outcome.evidence["extra"] == 1
