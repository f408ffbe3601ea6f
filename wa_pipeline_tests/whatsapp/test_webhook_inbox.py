"""The webhook inbox and its lander: acknowledged bodies land exactly once, whatever dies when."""

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
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
from wa_pipeline.whatsapp.webhook_app import create_webhook_app
from wa_pipeline_tests.servers import START_DEADLINE_S
from wa_pipeline_tests.whatsapp.test_webhook_app import (
    SECRET,
    TOKEN,
    meta_bytes,
    receiver_process,
    serving,
    signed,
    table_rows,
    text_payload,
    wait_inbox_landed,
    wait_landed,
)

pytestmark = pytest.mark.timeout(300)
PAYLOADS = Path(__file__).resolve().parent / "payloads"
REPO = Path(__file__).resolve().parents[2]
# A body of every kind the lander writes: messages, statuses (and their history), events, customers, dead letters.
EVERY_KIND = [
    "text",
    "text_bsuid_with_phone",
    "smb_message_echoes",
    "history",
    "status_read_pricing",
    "status_failed",
    "smb_app_state_sync",
    "calls",
    "user_preferences",
    "account_update",
    "unknown_field",
    "malformed_sibling",
]


def landing_parts(db: Path) -> tuple[SqliteLandingStore, DeadLetterQueue, GroupCommitWriter]:
    store, dead_letters = SqliteLandingStore(db), DeadLetterQueue(db)
    return store, dead_letters, GroupCommitWriter(store, dead_letters)


def land_all(lander: Lander) -> None:
    deadline = time.monotonic() + START_DEADLINE_S
    while lander.land_once() != (0, 0):
        assert time.monotonic() < deadline


# The lander of a process that dies right after landing its batch, before marking it landed.
KILLED_BEFORE_MARKING = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from wa_pipeline.store.dead_letters import DeadLetterQueue
    from wa_pipeline.store.sqlite_landing import SqliteLandingStore
    from wa_pipeline.store.webhook_inbox import WebhookInbox
    from wa_pipeline.whatsapp.group_commit import GroupCommitWriter
    from wa_pipeline.whatsapp.lander import Lander

    db, inbox = Path(sys.argv[1]), Path(sys.argv[2])
    WebhookInbox.mark_landed_through = lambda self, seq: os.kill(os.getpid(), signal.SIGKILL)
    store, letters = SqliteLandingStore(db), DeadLetterQueue(db)
    Lander(WebhookInbox(inbox), GroupCommitWriter(store, letters)).land_once()
    """
)


def test_a_lander_killed_between_landing_and_marking_lands_everything_once_when_restarted(tmp_path):
    db, inbox_path = tmp_path / "landing.sqlite3", tmp_path / "webhook_inbox.sqlite3"
    now = datetime.now(UTC)
    inbox = WebhookInbox(inbox_path)
    inbox.append(((PAYLOADS / f"{name}.json").read_bytes(), now) for name in EVERY_KIND)

    killed = subprocess.run(
        [sys.executable, "-c", KILLED_BEFORE_MARKING, str(db), str(inbox_path)], cwd=REPO, timeout=120
    )
    assert killed.returncode == -signal.SIGKILL
    assert inbox.backlog().bodies == len(EVERY_KIND)  # landed, never marked
    after_crash = table_rows(db)
    for table in ("messages", "statuses", "status_history", "events", "customers", "customer_names", "dead_letters"):
        assert after_crash[table] > 0, (table, after_crash)

    # Started again, the lander first lands what the inbox holds: the same bodies a second time.
    store, dead_letters, writer = landing_parts(db)
    land_all(Lander(inbox, writer))
    assert inbox.backlog().bodies == 0
    assert table_rows(db) == after_crash  # no row twice in any table


def test_a_poison_body_in_the_inbox_is_dead_lettered_and_does_not_block_the_bodies_behind_it(tmp_path):
    db = tmp_path / "landing.sqlite3"
    store, dead_letters = SqliteLandingStore(db), DeadLetterQueue(db)
    app = create_webhook_app(store, dead_letters, app_secret=SECRET, verify_token=TOKEN)
    poison = b'{"object":"whatsapp_business_account","entry":[}'  # braces at both ends: past the cheap check
    bodies = [meta_bytes(text_payload("wamid.before", "first")), poison, meta_bytes(text_payload("wamid.after", "x"))]
    with serving(app) as url:
        for raw in bodies:
            assert httpx.post(f"{url}/webhook", content=raw, headers=signed(raw)).status_code == 200
        wait_landed(app)
        assert app.state.lander.state()["state"] == "running"
    assert sorted(m.message_id for m in store.iter_messages()) == ["wamid.after", "wamid.before"]
    [letter] = dead_letters.list()
    assert letter.stage == "webhook" and "JSON" in letter.reason
    assert WebhookInbox(tmp_path / "webhook_inbox.sqlite3").backlog().bodies == 0


class RefusingStore(SqliteLandingStore):
    """A store that cannot take one particular message (think: a record the database refuses)."""

    def add_messages(self, messages):
        messages = list(messages)
        if any(m.text == "poison" for m in messages):
            raise RuntimeError("cannot store this one")
        return super().add_messages(messages)


def test_a_record_the_store_refuses_is_dead_lettered_by_the_lander_and_its_batch_lands(tmp_path):
    store = RefusingStore(tmp_path / "landing.sqlite3")
    dead_letters = DeadLetterQueue(store.path)
    inbox = WebhookInbox(tmp_path / "webhook_inbox.sqlite3")
    texts = ["first", "poison", "after"]
    inbox.append((meta_bytes(text_payload(f"wamid.r-{i}", text)), datetime.now(UTC)) for i, text in enumerate(texts))
    land_all(Lander(inbox, GroupCommitWriter(store, dead_letters)))
    assert sorted(m.text for m in store.iter_messages()) == ["after", "first"]
    [letter] = dead_letters.list()
    assert letter.item_key == "wamid.r-1" and "cannot store this one" in letter.reason
    assert inbox.backlog().bodies == 0


class LanderCrash(BaseException):
    """Not an error the lander retries: it ends the lander's thread."""


class CrashingStore(SqliteLandingStore):
    def add_messages(self, messages):
        if any(m.text == "crash" for m in messages):
            raise LanderCrash("the lander dies here")
        return super().add_messages(messages)


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")  # the crash is the point
def test_a_dead_lander_makes_healthz_503(tmp_path):
    store = CrashingStore(tmp_path / "landing.sqlite3")
    app = create_webhook_app(store, DeadLetterQueue(store.path), app_secret=SECRET, verify_token=TOKEN)
    fine, crash = (meta_bytes(text_payload(f"wamid.h-{text}", text)) for text in ("fine", "crash"))
    with serving(app) as url:
        assert httpx.post(f"{url}/webhook", content=fine, headers=signed(fine)).status_code == 200
        wait_landed(app)
        alive = httpx.get(f"{url}/healthz")
        assert alive.status_code == 200 and alive.json()["lander"]["state"] == "running"
        assert httpx.post(f"{url}/webhook", content=crash, headers=signed(crash)).status_code == 200
        deadline = time.monotonic() + START_DEADLINE_S
        while app.state.lander.alive:
            assert time.monotonic() < deadline, "the lander never died"
            time.sleep(0.01)
        dead = httpx.get(f"{url}/healthz")
    assert dead.status_code == 503
    assert dead.json()["lander"]["state"] == "dead" and dead.json()["inbox"]["backlog"] == 1


class HeldStore(SqliteLandingStore):
    def __init__(self, path):
        super().__init__(path)
        self.release = threading.Event()

    def add_messages(self, messages):
        assert self.release.wait(START_DEADLINE_S)
        return super().add_messages(messages)


def test_an_inbox_body_older_than_the_bound_makes_healthz_503(tmp_path):
    store = HeldStore(tmp_path / "landing.sqlite3")
    app = create_webhook_app(
        store, DeadLetterQueue(store.path), app_secret=SECRET, verify_token=TOKEN, max_backlog_age_s=0.5
    )
    raw = meta_bytes(text_payload("wamid.slow", "held"))
    with serving(app) as url:
        fresh = httpx.get(f"{url}/healthz")
        assert httpx.post(f"{url}/webhook", content=raw, headers=signed(raw)).status_code == 200
        time.sleep(0.7)
        stale = httpx.get(f"{url}/healthz")
        store.release.set()
        wait_landed(app)
        recovered = httpx.get(f"{url}/healthz")
    assert fresh.status_code == 200 and fresh.json()["inbox"] == {"backlog": 0, "oldest_age_s": 0.0, "max_age_s": 0.5}
    assert stale.status_code == 503 and stale.json()["inbox"]["backlog"] == 1
    assert stale.json()["inbox"]["oldest_age_s"] >= 0.5
    assert recovered.status_code == 200 and store.count() == 1


def test_the_200_waits_for_the_inbox_commit_and_waiting_bodies_share_one(tmp_path, monkeypatch):
    entered, release = threading.Event(), threading.Event()
    append = WebhookInbox.append

    def held_append(self, bodies):
        bodies = list(bodies)
        entered.set()
        assert release.wait(START_DEADLINE_S)
        return append(self, bodies)

    monkeypatch.setattr(WebhookInbox, "append", held_append)
    store = SqliteLandingStore(tmp_path / "landing.sqlite3")
    app = create_webhook_app(store, DeadLetterQueue(store.path), app_secret=SECRET, verify_token=TOKEN)
    inbox_writer = app.state.inbox_writer
    bodies = [meta_bytes(text_payload(f"wamid.gate-{i}", f"n{i}")) for i in range(21)]

    async def run(url):
        async with httpx.AsyncClient(base_url=url, timeout=60, limits=httpx.Limits(max_connections=30)) as client:
            first = asyncio.create_task(client.post("/webhook", content=bodies[0], headers=signed(bodies[0])))
            assert await asyncio.to_thread(entered.wait, START_DEADLINE_S)
            rest = [asyncio.create_task(client.post("/webhook", content=b, headers=signed(b))) for b in bodies[1:]]
            deadline = time.monotonic() + START_DEADLINE_S
            while inbox_writer.pending < 20:
                assert time.monotonic() < deadline, "requests never queued"
                await asyncio.sleep(0.01)
            # Nothing is in the inbox yet, so nobody may have been told 200.
            assert not first.done() and not any(task.done() for task in rest)
            assert WebhookInbox(inbox_writer.inbox.path).backlog().last_seq == 0
            release.set()
            return [r.status_code for r in await asyncio.gather(first, *rest)]

    with serving(app) as url:
        assert asyncio.run(run(url)) == [200] * 21
        wait_landed(app)
    assert (inbox_writer.bodies, inbox_writer.commits) == (21, 2)
    assert store.count() == 21


def test_a_5xx_means_the_inbox_is_unavailable_and_nothing_is_acknowledged(tmp_path, monkeypatch):
    def failing_append(self, bodies):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(WebhookInbox, "append", failing_append)
    store = SqliteLandingStore(tmp_path / "landing.sqlite3")
    app = create_webhook_app(store, DeadLetterQueue(store.path), app_secret=SECRET, verify_token=TOKEN)
    raw = meta_bytes(text_payload("wamid.down-1", "order 7"))
    with serving(app) as url:
        response = httpx.post(f"{url}/webhook", content=raw, headers=signed(raw))
    assert response.status_code == 503 and "retry later" in response.text
    assert store.count() == 0


def test_a_redelivered_poison_body_updates_one_letter(tmp_path):
    db = tmp_path / "landing.sqlite3"
    store, dead_letters, writer = landing_parts(db)
    inbox = WebhookInbox(tmp_path / "webhook_inbox.sqlite3")
    poison = b'{"entry": [}'
    for _ in range(2):
        inbox.append([(poison, datetime.now(UTC))])
        land_all(Lander(inbox, writer))
    [letter] = dead_letters.list()  # one letter, updated, not two
    assert "JSON" in letter.reason and store.count() == 0 and inbox.backlog().bodies == 0


def test_the_lander_process_is_restarted_when_it_dies(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    with receiver_process(data_dir, tmp_path / "receiver.log") as (_, url):
        first = wait_inbox_landed(url)["lander"]
        assert first["where"] == "process" and first["restarts"] == 0
        os.kill(first["pid"], signal.SIGKILL)
        deadline = time.monotonic() + START_DEADLINE_S
        while True:
            lander = httpx.get(f"{url}/healthz", timeout=10).json()["lander"]
            if lander["restarts"] == 1 and lander["state"] == "running":
                break
            assert time.monotonic() < deadline, lander
            time.sleep(0.05)
        assert lander["pid"] != first["pid"]
        raw = meta_bytes(text_payload("wamid.after-restart", "still landing"))
        assert httpx.post(f"{url}/webhook", content=raw, headers=signed(raw)).status_code == 200
        wait_inbox_landed(url)
        assert SqliteLandingStore(data_dir / "landing.sqlite3").get("wamid.after-restart").text == "still landing"


def test_an_inbox_that_refuses_a_read_once_does_not_end_the_lander(tmp_path, monkeypatch):
    unlanded, refused = WebhookInbox.unlanded, []

    def refuse_once(self, limit, after=None):
        if not refused and threading.current_thread().name == "webhook-lander":
            refused.append(True)
            raise sqlite3.OperationalError("database is locked")
        return unlanded(self, limit, after)

    monkeypatch.setattr(WebhookInbox, "unlanded", refuse_once)
    store = SqliteLandingStore(tmp_path / "landing.sqlite3")
    app = create_webhook_app(store, DeadLetterQueue(store.path), app_secret=SECRET, verify_token=TOKEN)
    raw = meta_bytes(text_payload("wamid.retry-1", "after a refusal"))
    with serving(app) as url:
        assert httpx.post(f"{url}/webhook", content=raw, headers=signed(raw)).status_code == 200
        wait_landed(app)
        assert app.state.lander.state()["state"] == "running"
    assert refused and store.get("wamid.retry-1").text == "after a refusal"
