"""Group commit into the webhook inbox: the bodies waiting at a moment share one durable commit.

The event loop only appends to a list and sets an event; one thread takes the whole list, commits it, and hands
the answers back to the loop in one call. Every hand-off is per batch, not per request, because under a burst the
receiver is bound by its interpreter lock, not by the disk.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from datetime import datetime

from wa_pipeline.store.webhook_inbox import WebhookInbox
from wa_pipeline.whatsapp.group_commit import CommitThread

log = logging.getLogger(__name__)
# How often an idle writer deletes the bodies landed since its last commit (and empties the WAL).
PRUNE_IDLE_S = 1.0


class InboxClosed(RuntimeError):
    """The inbox writer is stopping (or its thread died) and takes no more bodies."""


def _settle(batch: list, error: BaseException | None) -> None:
    for _, _, future in batch:
        # A request whose client went away was cancelled; its body is in the inbox anyway and a retry is a no-op.
        if future.done():
            continue
        if error is None:
            future.set_result(None)
        else:
            future.set_exception(error)


class InboxWriter(CommitThread):
    """`await append(body, received_at)` returns once the body is in a committed, fsynced inbox transaction."""

    thread_name = "webhook-inbox-commit"
    closed_error = InboxClosed
    closed_message = "the inbox writer has been stopped"

    def __init__(self, inbox: WebhookInbox, on_commit=None):
        super().__init__()
        self.inbox = inbox
        self.commits = 0
        self.bodies = 0
        # Called after each commit (the in-process lander wakes on it instead of polling).
        self._on_commit = on_commit
        self._waiting: list = []
        self._wake = threading.Event()

    @property
    def pending(self) -> int:
        """Bodies waiting for the next commit."""
        return len(self._waiting)

    async def append(self, body: bytes, received_at: datetime) -> None:
        """Put the body in the inbox; returns after the commit holding it, raises if that commit failed."""
        if self._thread is None:
            self.start()
        future = asyncio.get_running_loop().create_future()
        with self._lock:
            # Checked under the lock the thread takes the list under, so nothing is queued after the last take.
            if self._closed:
                raise InboxClosed("the inbox writer has been stopped")
            first = not self._waiting
            self._waiting.append((body, received_at, future))
        if first:
            # Only the first body of a batch wakes the thread (it clears the wake before it takes the list, so a
            # body appended behind the first is taken with it): under a burst, one wake a commit, not one a body.
            self._wake.set()
        await future

    def stop(self, timeout: float = 30.0) -> None:
        """Commit what is waiting, then end the thread."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            thread = self._thread
        self._wake.set()
        if thread is not None:
            thread.join(timeout)

    def _take(self) -> tuple[list, bool]:
        with self._lock:
            batch, self._waiting = self._waiting, []
            return batch, self._closed

    def _run(self) -> None:
        try:
            while True:
                if not self._wake.wait(PRUNE_IDLE_S):
                    # Idle: delete what the lander has landed since (each commit does so under load).
                    self.inbox.prune()
                    continue
                self._wake.clear()
                batch, closed = self._take()
                if batch:
                    self._commit(batch)
                if closed:
                    batch, _ = self._take()
                    if batch:
                        self._commit(batch)
                    return
        except BaseException:
            with self._lock:
                self._closed = True
            log.critical("the webhook inbox writer stopped unexpectedly", exc_info=True)
            batch, _ = self._take()
            self._answer(batch, InboxClosed("the inbox writer stopped"))
            raise

    def _commit(self, batch: list) -> None:
        try:
            self.inbox.append((body, received_at) for body, received_at, _ in batch)
            error = None
            self.commits += 1
            self.bodies += len(batch)
        except Exception as exc:
            log.error("committing %d bodies to the webhook inbox failed: %s", len(batch), type(exc).__name__)
            error = exc
        self._answer(batch, error)
        if error is None and self._on_commit is not None:
            self._on_commit()

    @staticmethod
    def _answer(batch: list, error: BaseException | None) -> None:
        by_loop: dict = {}
        for item in batch:
            by_loop.setdefault(item[2].get_loop(), []).append(item)
        for loop, items in by_loop.items():
            try:
                loop.call_soon_threadsafe(_settle, items, error)
            except RuntimeError:
                # The loop is gone (server stopped mid-request): nobody is waiting for these answers any more.
                pass
