"""Group commit: one writer thread lands the webhooks waiting at a moment in one durable transaction.

An fsync costs the same for one message or a thousand, so under load the requests that queue up while one
commit is on its way to disk share the next one. Each request still gets its own acknowledgement, and only
after the commit that holds all of its messages has returned.

Events and the full status history go to `EventStore`, who the customers are to `ContactStore`, both in the
landing database. A record the store refuses never fails its request: the batch is retried request by request, then record by
record, and the record that fails alone goes to the dead-letter queue with the reason. Only when the queue
cannot take it either is the store unavailable, and the request fails (the receiver answers 503).
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from dataclasses import dataclass

from wa_pipeline.message import normalise_text
from wa_pipeline.store.contacts import ContactStore
from wa_pipeline.store.dead_letters import DeadLetterQueue, Stage
from wa_pipeline.store.events import EventStore
from wa_pipeline.store.landing_store import LandingStore
from wa_pipeline.whatsapp.cloud_api import ParsedWebhook

STAGE = Stage.WEBHOOK
log = logging.getLogger(__name__)


class WriterClosed(RuntimeError):
    """The writer is shutting down and takes no more work."""


class StoreUnavailable(RuntimeError):
    """Neither the landing store nor the dead-letter queue could take a record: nothing of the request is safe."""


@dataclass
class _Pending:
    parsed: ParsedWebhook
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future

    def settle(self, error: BaseException | None) -> None:
        try:
            self.loop.call_soon_threadsafe(_settle, self.future, error)
        except RuntimeError:
            # The loop is gone (server stopped mid-request): nobody is waiting for this answer any more.
            pass


def _settle(future: asyncio.Future, error: BaseException | None) -> None:
    # A request whose client went away was cancelled; its rows are stored anyway and a retry is a no-op.
    if future.done():
        return
    if error is None:
        future.set_result(None)
    else:
        future.set_exception(error)


_STOP = object()


class CommitThread:
    """The life of a writer's one committing thread: started once, refusing work once stopped, unhealthy if it died.

    Subclasses name the thread, the error that refuses work, and provide `_run`.
    """

    thread_name = "group-commit"
    closed_error: type[Exception] = RuntimeError
    closed_message = "the writer has been stopped"

    def __init__(self):
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._closed = False

    @property
    def healthy(self) -> bool:
        """Taking work: not stopped, and its thread (once started) still running."""
        return not self._closed and (self._thread is None or self._thread.is_alive())

    def start(self) -> None:
        """Start the committing thread (once)."""
        with self._lock:
            if self._closed:
                raise self.closed_error(self.closed_message)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=self.thread_name, daemon=True)
                self._thread.start()


class GroupCommitWriter(CommitThread):
    """Owns every landing-store write of the webhook app; `await write(parsed)` returns once it is durable."""

    thread_name = "landing-group-commit"
    closed_error = WriterClosed
    closed_message = "the landing writer has been stopped"

    def __init__(
        self,
        store: LandingStore,
        dead_letters: DeadLetterQueue,
        max_batch_messages: int = 10_000,
        events: EventStore | None = None,
        contacts: ContactStore | None = None,
    ):
        super().__init__()
        self.store = store
        self.dead_letters = dead_letters
        # In the landing database beside the messages: the SQLite file, or PostgreSQL when the store is there.
        self.events = events if events is not None else EventStore(store.database())
        self.contacts = contacts if contacts is not None else ContactStore(store.database())
        self.max_batch_messages = max_batch_messages
        self.commits = 0
        self.requests = 0
        self._queue: queue.SimpleQueue = queue.SimpleQueue()

    @property
    def pending(self) -> int:
        """Requests queued behind the commit in progress."""
        return self._queue.qsize()

    async def write(self, parsed: ParsedWebhook) -> None:
        """Store the body's messages, statuses and rejects; returns after the commit, raises if it failed."""
        self.start()
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        with self._lock:
            # Checked under the lock that also orders the stop marker, so no request is queued behind it.
            if self._closed:
                raise WriterClosed("the landing writer has been stopped")
            self._queue.put(_Pending(parsed, loop, future))
        await future

    def stop(self, timeout: float = 30.0) -> None:
        """Finish what is queued, then end the thread."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._queue.put(_STOP)
            thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _run(self) -> None:
        try:
            self._serve_queue()
        except BaseException:
            # Never leave a request waiting on a thread that is gone: refuse what is queued, report unhealthy.
            with self._lock:
                self._closed = True
            log.critical("the landing writer thread stopped unexpectedly", exc_info=True)
            self._refuse_queued()
            raise

    def _refuse_queued(self) -> None:
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return
            if item is not _STOP:
                item.settle(WriterClosed("the landing writer stopped"))

    def _serve_queue(self) -> None:
        stopping = False
        while not stopping:
            first = self._queue.get()
            if first is _STOP:
                break
            batch, size = [first], len(first.parsed.messages)
            while size < self.max_batch_messages:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is _STOP:
                    stopping = True
                    break
                batch.append(item)
                size += len(item.parsed.messages)
            self._commit(batch)

    def _commit(self, batch: list[_Pending]) -> None:
        for pending, outcome in zip(batch, self.land([p.parsed for p in batch])):
            pending.settle(outcome)

    def land(self, bodies: list[ParsedWebhook]) -> list[BaseException | None]:
        """Land the bodies together (the calling thread writes); per body None, or why nothing of it is safe.

        The webhook inbox's lander calls this directly; `write` queues to the writer thread, which calls it too.
        """
        try:
            self._write(bodies)
            return [None] * len(bodies)
        except Exception as exc:
            log.error(
                "group commit of %d requests failed (%s); retrying them one by one", len(bodies), type(exc).__name__
            )
            if len(bodies) == 1:
                return [self._write_record_by_record(bodies[0])]
            return [self._write_alone(parsed) for parsed in bodies]

    def _write_alone(self, parsed: ParsedWebhook) -> BaseException | None:
        # One poisoned request must not fail the others that happened to share its transaction.
        try:
            self._write([parsed])
        except Exception:
            return self._write_record_by_record(parsed)
        return None

    def _write_record_by_record(self, parsed: ParsedWebhook) -> BaseException | None:
        """Each record alone; one the store refuses is dead-lettered, and only a refused letter fails the request."""
        writes = [(m.message_id, m.raw, lambda m=m: self.store.add_messages([m])) for m in parsed.messages]
        writes += [(f"{s.message_id}#{s.status}", s.raw, lambda s=s: self._add_status([s])) for s in parsed.statuses]
        writes += [(e.event_id, e.raw, lambda e=e: self.events.add(events=[e])) for e in parsed.events]
        self._observe(parsed.sightings)
        writes += [
            (r.item_key, None, lambda r=r: self._dead_letter(r.item_key, r.reason, r.payload())) for r in parsed.rejects
        ]
        for key, raw, write in writes:
            try:
                write()
                continue
            except Exception as exc:
                reason = f"the store refused this record: {type(exc).__name__}: {exc}"
                if raw is None:
                    return StoreUnavailable(reason)
            try:
                self._dead_letter(key, reason, {"raw": raw})
            except Exception as exc:
                log.error("the dead-letter queue refused a record too: %s", type(exc).__name__)
                return StoreUnavailable(f"neither the landing store nor the dead-letter queue took {key}")
        self.commits += 1
        self.requests += 1
        return None

    def _observe(self, sightings: list) -> None:
        # Who a customer is can be worked out again from the landed records: a failure here never fails a delivery.
        try:
            self.contacts.observe(sightings)
        except Exception as exc:
            log.error("recording %d customer sightings failed: %s", len(sightings), type(exc).__name__)

    def _dead_letter(self, key: str, reason: str, payload: dict) -> None:
        self.dead_letters.add(STAGE, key, normalise_text(reason) or "", payload=payload)

    def _add_status(self, statuses: list) -> None:
        # Most bodies carry messages only: a call with nothing to write would still read the tombstones.
        if statuses:
            self.store.add_statuses(statuses)
            self.events.add(statuses=statuses)

    def _write(self, bodies: list[ParsedWebhook]) -> None:
        self.store.add_messages([m for body in bodies for m in body.messages])
        self._add_status([s for body in bodies for s in body.statuses])
        self.events.add(events=[e for body in bodies for e in body.events])
        self._observe([s for body in bodies for s in body.sightings])
        for reject in (r for body in bodies for r in body.rejects):
            self._dead_letter(reject.item_key, reject.reason, reject.payload())
        self.commits += 1
        self.requests += len(bodies)
