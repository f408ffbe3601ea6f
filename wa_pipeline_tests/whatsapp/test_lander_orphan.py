"""The lander process of `serve-webhook` ends by itself when its receiver is killed outright."""

import os
import signal
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from wa_pipeline.store.dead_letters import DeadLetterQueue
from wa_pipeline.store.sqlite_landing import SqliteLandingStore
from wa_pipeline.store.webhook_inbox import WebhookInbox
from wa_pipeline.whatsapp.group_commit import GroupCommitWriter
from wa_pipeline.whatsapp.lander import Lander
from wa_pipeline_tests.whatsapp.test_webhook_app import meta_bytes, receiver_process, signed, text_payload

pytestmark = pytest.mark.timeout(300)
# The lander notices within its orphan-watch period (0.5 s) once started, and exits after the batch in hand; a
# lander still starting (a fresh interpreter importing on a loaded machine) notices as soon as it has.
EXIT_BOUND_S = 60.0


def parent_of(pid: int) -> int:
    stat = Path(f"/proc/{pid}/stat").read_text()
    # The command name in parentheses may hold spaces: the fields after its closing one are fixed.
    return int(stat.rsplit(")", 1)[1].split()[1])


def running(pid: int) -> bool:
    """The process exists and is not a zombie (a reaper that never reaps would keep a zombie's pid)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def test_the_lander_process_stops_when_its_receiver_is_sigkilled(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    log = tmp_path / "receiver.log"
    with receiver_process(data_dir, log) as (group, url):
        raw = meta_bytes(text_payload("wamid.before-the-kill", "landed before the receiver dies"))
        assert httpx.post(f"{url}/webhook", content=raw, headers=signed(raw)).status_code == 200
        lander = httpx.get(f"{url}/healthz", timeout=10).json()["lander"]["pid"]
        receiver = parent_of(lander)
        # The receiver is the lander's parent, in the session the test started (`timeout` leads the group).
        assert receiver != group.pid and os.getpgid(receiver) == group.pid and running(lander)
        os.kill(receiver, signal.SIGKILL)
        deadline = time.monotonic() + EXIT_BOUND_S
        while running(lander):
            assert time.monotonic() < deadline, f"the lander {lander} outlived its receiver by {EXIT_BOUND_S} s"
            time.sleep(0.05)
        os.killpg(group.pid, signal.SIGKILL)
    # It ended because it saw its receiver go, not by a crash of its own.
    assert "the receiver that started this lander is gone" in log.read_text()
    # Landed by the orphan or left in the inbox for the next lander: acknowledged, so not lost.
    store = SqliteLandingStore(data_dir / "landing.sqlite3")
    Lander(WebhookInbox(data_dir / "webhook_inbox.sqlite3"), GroupCommitWriter(store, DeadLetterQueue(store.path))).run(
        stopped()
    )
    assert store.get("wamid.before-the-kill").text == "landed before the receiver dies"


def stopped() -> threading.Event:
    stop = threading.Event()
    stop.set()
    return stop


def test_an_abandoned_lander_leaves_the_rest_in_the_inbox_where_a_stopped_one_lands_it(tmp_path):
    store = SqliteLandingStore(tmp_path / "landing.sqlite3")
    inbox = WebhookInbox(tmp_path / "webhook_inbox.sqlite3")
    inbox.append((meta_bytes(text_payload(f"wamid.left-{i}", "waiting")), datetime.now(UTC)) for i in range(3))
    lander = Lander(inbox, GroupCommitWriter(store, DeadLetterQueue(store.path)))
    lander.run(stopped(), abandon=stopped())
    assert store.count() == 0 and inbox.backlog().bodies == 3
    lander.run(stopped())
    assert store.count() == 3 and inbox.backlog().bodies == 0
