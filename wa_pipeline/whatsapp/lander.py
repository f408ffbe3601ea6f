"""The lander: maps and lands the webhook inbox's bodies, in the order they arrived, then forgets them.

Landing is idempotent (a message, status, event, customer sighting or dead letter landed twice is stored once), so
a crash between landing a batch and marking it landed only lands that batch again. On start the lander first lands
whatever the inbox still holds. `serve-webhook` runs it in a process of its own (`run_process`, started and
watched by the receiver: `webhook_server.LanderProcess`); `create_webhook_app` runs it in a thread.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import replace

from wa_pipeline.message import cloud_chat_parts, normalise_text
from wa_pipeline.store.contacts import chat_keys_of, names_of
from wa_pipeline.store.dead_letters import DeadLetterQueue
from wa_pipeline.store.landing_store import LandingStore
from wa_pipeline.store.webhook_inbox import FORGOTTEN, InboxBody, WebhookInbox
from wa_pipeline.whatsapp.cloud_api import ParsedWebhook, parse_webhook
from wa_pipeline.whatsapp.group_commit import STAGE, GroupCommitWriter

log = logging.getLogger(__name__)
# Bodies landed in one transaction: large enough that a burst costs few commits, small enough to mark soon.
BATCH_BODIES = 500
# How often an idle lander in its own process looks at the inbox (the thread lander is woken by each commit).
POLL_S = 0.02
# Wait before landing again after the landing store refused a batch (it may be restarting).
RETRY_S = 1.0


def body_key(body: bytes) -> str:
    """The dead-letter key of a whole inbox body: its digest, so a body redelivered updates one letter."""
    return "body-sha256:" + hashlib.sha256(body).hexdigest()


def _numberlike(name: str) -> bool:
    # A profile name may be all emoji; only a name made of a number's characters is no better than the number.
    return all(c.isdigit() or c in "+-() " for c in name)


def known_name(store: LandingStore, customer: str) -> str | None:
    """The name the customers store last saw for this customer's number or BSUID, if any."""
    key = f"phone:+{customer}" if customer.isdigit() else f"bsuid:{customer}"
    try:
        names = names_of(store.database(), key)
    except Exception as exc:
        # A chat shown under the number is better than a body that waits: the name is cosmetic.
        log.error("looking up a customer's name failed: %s", type(exc).__name__)
        return None
    return next((name for name in names if not _numberlike(name)), None)


def unnamed_chats(body: ParsedWebhook) -> bool:
    """Whether a body holds a message whose chat is named by the customer's number (see name_customer_chats)."""
    return any(m.chat_name == _customer_of_chat(m.chat_id) for m in body.messages)


def _customer_of_chat(chat_id: str) -> str | None:
    parts = cloud_chat_parts(chat_id)
    return parts[1] if parts is not None else None


def name_customer_chats(bodies: list[ParsedWebhook], known_name: Callable[[str], str | None]) -> None:
    """Give messages whose chat is named by the customer's number (echoes, history) the name the chat goes by."""
    # Meta's echoes and history threads carry no profile, so the owner's replies would sit under a number in the
    # sheet while the customer's messages of the same chat sit under their name. A name from this batch comes
    # first (its sightings are not stored yet), then the one the customers store knows.
    in_batch: dict[str, str] = {}
    for message in (m for body in bodies for m in body.messages):
        customer = _customer_of_chat(message.chat_id)
        if customer and message.chat_name and message.chat_name != customer and not _numberlike(message.chat_name):
            in_batch[message.chat_id] = message.chat_name
    looked_up: dict[str, str | None] = {}
    for body in bodies:
        for index, message in enumerate(body.messages):
            customer = _customer_of_chat(message.chat_id)
            if customer is None or message.chat_name != customer:
                continue
            name = in_batch.get(message.chat_id)
            if name is None:
                if customer not in looked_up:
                    looked_up[customer] = known_name(customer)
                name = looked_up[customer]
            if not name:
                continue
            # The customer's own line of a history thread is theirs by name too: an export of the chat shows
            # that name, and the same message imported from it is recognised by it (cross_source).
            unnamed_customer = message.sender_id == customer and message.sender_name is None
            sender_name = name if unnamed_customer else message.sender_name
            body.messages[index] = replace(message, chat_name=name, sender_name=sender_name)


def known_chat_keys(store: LandingStore, user_ids: set[str]) -> dict[str, str]:
    """The keys the customers store says these BSUIDs' customers were first known by (`chat_keys_of`)."""
    try:
        return chat_keys_of(store.database(), user_ids)
    except Exception as exc:
        # The BSUID's own chat is where the message would have gone before: a body never waits on this.
        log.error("looking up customers' chats failed: %s", type(exc).__name__)
        return {}


def bsuid_chats(body: ParsedWebhook) -> bool:
    """Whether a body holds a message whose chat is named by a business-scoped user id (see file_under_first_key)."""
    return any(_bsuid_of_chat(m.chat_id) for m in body.messages)


def _bsuid_of_chat(chat_id: str) -> str | None:
    customer = _customer_of_chat(chat_id)
    return customer if customer and not customer.isdigit() else None


def file_under_first_key(bodies: list[ParsedWebhook], chat_keys: Callable[[set[str]], dict[str, str]]) -> None:
    """File messages whose chat is named by a BSUID under the key their customer was first known by.

    From 2026 the same customer writes with their number and BSUID, or (having hidden the number) with the BSUID
    alone; the parser files each message under what it shows, so one conversation would split into a number's
    chat and a BSUID's. A customer first seen with their number (Meta shows both) keeps the number's chat; one
    first seen by BSUID alone keeps the BSUID's chat (a number learned later, from a contact card, does not move
    it). The customers store answers for BSUIDs it knows; one it does not is first known by its first sighting in
    this batch, a body's own sightings before its messages (they are not stored yet). Landed rows are never
    rewritten, and a message's id (the wamid) does not depend on its chat.
    """
    asked = {user_id for body in bodies for m in body.messages if (user_id := _bsuid_of_chat(m.chat_id))}
    if not asked:
        return
    # A BSUID Meta reported replaced (user_changed_user_id) is the customer's too: its chat is theirs.
    replaced = {k.removeprefix("bsuid:") for b in bodies for s in b.sightings for k in s.formerly if k[:6] == "bsuid:"}
    known = chat_keys(asked | replaced)  # one read for the batch
    in_batch: dict[str, str] = {}
    for body in bodies:
        # A change's own sighting before the sender's plain one of the same notice: it says whose BSUID it is.
        for sighting in sorted(body.sightings, key=lambda s: not s.formerly):
            if sighting.user_id and sighting.user_id not in in_batch:
                earlier = [k.removeprefix("bsuid:") for k in sighting.formerly if k.startswith("bsuid:")]
                in_batch[sighting.user_id] = next(
                    (known.get(old) or in_batch.get(old) or old for old in earlier),
                    sighting.phone.lstrip("+") if sighting.phone else sighting.user_id,
                )
        for index, message in enumerate(body.messages):
            user_id = _bsuid_of_chat(message.chat_id)
            if user_id is None:
                continue
            key = known.get(user_id) or in_batch.get(user_id)
            if not key or key == user_id:
                continue
            number_id = message.chat_id.split(":")[1]
            # The customer's own line names them as their other lines do; the business's keeps its number id.
            sender_id = key if message.sender_id == user_id else message.sender_id
            chat_name = key if message.chat_name == user_id else message.chat_name
            body.messages[index] = replace(
                message, chat_id=f"wa:{number_id}:{key}", chat_name=chat_name, sender_id=sender_id
            )


class Lander:
    """Lands inbox bodies through a `GroupCommitWriter` (batching, retries, record-by-record fallback, letters)."""

    def __init__(self, inbox: WebhookInbox, writer: GroupCommitWriter, batch_bodies: int = BATCH_BODIES):
        self.inbox = inbox
        self.writer = writer
        self.batch_bodies = batch_bodies
        # Every body up to this seq has landed; where a restarted lander (thread or process) begins.
        self.watermark = inbox.landed_through()
        self.landed = 0
        self.failures = 0
        # What the landed bodies held, as the receiver's summary counted it before the inbox (/healthz shows it).
        self.records = {"messages": 0, "statuses": 0, "events": 0, "rejected": 0}

    def land_once(self) -> tuple[int, int]:
        """Land the oldest batch of the inbox; (bodies landed and marked, bodies left for a retry)."""
        rows = self.inbox.unlanded(self.batch_bodies, after=self.watermark)
        if not rows:
            return 0, 0
        parsed = [self._parse(row) for row in rows]
        file_under_first_key(parsed, lambda user_ids: known_chat_keys(self.writer.store, user_ids))
        name_customer_chats(parsed, lambda customer: known_name(self.writer.store, customer))
        outcomes = self.writer.land(parsed)
        # The mark is a watermark: it stops before the first body that failed, and what landed after that body
        # lands again with it on the retry (adding nothing).
        done = 0
        for body, outcome in zip(parsed, outcomes):
            if outcome is not None:
                break
            self._count(body)
            done += 1
        if done:
            self.inbox.mark_landed_through(rows[done - 1].seq)
            self.watermark = rows[done - 1].seq
        self.landed += done
        failed = len(rows) - done
        if failed:
            self.failures += 1
            reason = outcomes[done]
            log.error("%d inbox bodies wait for a retry (%s)", failed, type(reason).__name__)
        return done, failed

    def _count(self, body: ParsedWebhook) -> None:
        self.records["messages"] += len(body.messages)
        self.records["statuses"] += len(body.statuses)
        self.records["events"] += len(body.events)
        self.records["rejected"] += len(body.rejects)

    def _parse(self, row: InboxBody) -> ParsedWebhook:
        if row.body == FORGOTTEN:
            # Emptied by `forget` before it landed: nothing to land, nothing to letter; passed like any landed body.
            return ParsedWebhook()
        try:
            parsed = parse_webhook(row.body, row.received_at)
        except Exception as exc:
            # The mapping never raises by design; if a release does, the body goes to the dead-letter queue whole,
            # for `wa-pipeline dlq replay` once fixed, and the bodies behind it land.
            log.error("mapping an inbox body failed: %s", type(exc).__name__)
            self.writer.dead_letters.add(
                STAGE,
                body_key(row.body),
                normalise_text(f"the mapping failed on this body: {type(exc).__name__}: {exc}") or "",
                payload={"raw": row.body.decode("utf-8", "replace")},
            )
            return ParsedWebhook()
        return parsed

    def run(
        self,
        stop: threading.Event,
        wake: threading.Event | None = None,
        poll_s: float = POLL_S,
        abandon: threading.Event | None = None,
    ) -> None:
        """Land until `stop` is set, then land what is left; `wake` (if given) cuts an idle wait short; `abandon`
        (if given) set ends it after the batch in hand, the rest left in the inbox for the next lander."""
        while True:
            if abandon is not None and abandon.is_set():
                return
            stopping = stop.is_set()
            try:
                landed, failed = self.land_once()
            except Exception as exc:
                # The inbox or the dead-letter queue refused (a lock held too long, a full disk): nothing was
                # marked, so the same batch is tried again; only a crash ends the lander.
                log.error("landing the inbox failed (%s); retrying", type(exc).__name__)
                self.failures += 1
                landed, failed = 0, 1
            if failed:
                if stop.wait(RETRY_S):
                    return
            elif landed == 0:
                if stopping:
                    return
                if wake is not None:
                    wake.wait(poll_s)
                    wake.clear()
                else:
                    stop.wait(poll_s)


class LanderThread:
    """The lander in a thread of the receiver's process (tests, `create_webhook_app` callers)."""

    def __init__(self, lander: Lander):
        self.lander = lander
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start landing (first whatever the inbox already holds)."""
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="webhook-lander", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        try:
            self.lander.run(self._stop, self._wake, poll_s=0.5)
        except BaseException:
            log.critical("the webhook lander stopped unexpectedly", exc_info=True)
            raise

    def wake(self) -> None:
        """A commit put new bodies in the inbox."""
        self._wake.set()

    @property
    def alive(self) -> bool:
        """Running (or not started yet, about to be)."""
        return self._thread is None or self._thread.is_alive()

    def state(self) -> dict:
        """What /healthz shows of the lander."""
        state = "running" if self.alive else "dead"
        return {"state": state, "where": "thread", "landed": self.lander.landed, "records": dict(self.lander.records)}

    def drained(self, timeout: float = 30.0) -> bool:
        """Wait until every body in the inbox now has landed; False if the time ran out or the lander died."""
        target = self.lander.inbox.backlog().last_seq
        deadline = time.monotonic() + timeout
        while not self.lander.inbox.landed_up_to(target):
            if not self.alive or time.monotonic() > deadline:
                return False
            self._wake.set()
            time.sleep(0.005)
        return True

    def stop(self, timeout: float = 60.0) -> None:
        """Land what the inbox holds, then end the thread."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)


def _abandon_when_orphaned(orphaned: threading.Event, stop: threading.Event) -> None:
    # The receiver's pid as multiprocessing recorded it when starting us, not our parent as seen now: a receiver
    # killed while this process was still importing has already left it to another parent.
    started_by = multiprocessing.parent_process()
    parent = started_by.pid if started_by is not None else os.getppid()
    while True:
        if os.getppid() != parent:
            # Not landing the rest first: with a backlog that could take minutes, while the receiver's restart
            # starts a lander of its own on the same inbox. What is left waits there, durable.
            log.warning("the receiver that started this lander is gone; stopping")
            orphaned.set()
            stop.set()
        if stop.wait(0.5):
            return


def run_process(settings, setup: Callable[[object], None] | None = None) -> None:
    """The lander process of `serve-webhook`: lower CPU priority, lands until SIGTERM, then what is left; ends
    after the batch in hand when its receiver is gone.

    `setup(settings)` runs first in the new process: the command passes the logs' PII policy this way, which sits
    above the sources and so cannot be imported from here.
    """
    from wa_pipeline.store.landing_factory import open_landing_store

    logging.basicConfig(level=logging.INFO, format="%(levelname)s webhook lander: %(message)s")
    if setup is not None:
        setup(settings)
    # The receiver must win the cores in a burst: acknowledging is urgent, landing can lag a little.
    os.nice(settings.webhook_lander_nice)
    stop, orphaned = threading.Event(), threading.Event()
    # A receiver killed outright (SIGKILL, the OOM killer) cannot stop us; its restart starts a lander of its own.
    threading.Thread(target=_abandon_when_orphaned, args=(orphaned, stop), name="orphan-watch", daemon=True).start()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group; the receiver stops us in order
    writer = GroupCommitWriter(open_landing_store(settings), DeadLetterQueue(settings.layout.landing_db))
    Lander(WebhookInbox(settings.layout.webhook_inbox), writer).run(stop, abandon=orphaned)
