from wa_pipeline.store.dead_letters import DeadLetterQueue


def test_dead_letters_keep_reason_and_update_on_repeat(tmp_path):
    dlq = DeadLetterQueue(tmp_path / "landing.sqlite3")
    dlq.add("import", "a.zip", "zip bomb", {"size": 1}, partition="2026-11-16")
    dlq.add("import", "a.zip", "still a zip bomb", {"size": 2}, partition="2026-11-16")
    dlq.add("import", "b.txt", "not a chat export")
    letters = dlq.list()
    assert [(l.item_key, l.reason) for l in letters] == [("a.zip", "still a zip bomb"), ("b.txt", "not a chat export")]
    assert dlq.list(partition="2026-11-16")[0].payload == {"size": 2}
    dlq.mark_replayed([letters[0].id])
    assert [l.item_key for l in dlq.list()] == ["b.txt"]
    assert len(dlq.list(include_replayed=True)) == 2
    dlq.resolve("import", "b.txt")
    assert dlq.list() == []
