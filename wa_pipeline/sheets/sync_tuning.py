"""The knobs of the Google Sheets sync: quota, timeouts, retries and the circuit breaker, with Google's defaults."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SyncTuning:
    """reads/writes_per_minute: the client-side quota per service account, shared by every process on the machine
    (Google allows 60 each per user, 300 per project); burst: how many may go at once before the steady rate.
    connect/read_timeout_s: per HTTP request. max_attempts: sends of one request before giving up on it (429, 5xx,
    timeouts; only for requests safe to resend), with exponential backoff from backoff_base_s to backoff_cap_s.
    replans: times an upsert starts over from a read-back after a request that cannot be resent failed.
    breaker_failures: requests failing in a row (after retries) that open the circuit breaker; breaker_cooldown_s:
    how long it stays open before one probe request is let through.
    """

    reads_per_minute: int = 60
    writes_per_minute: int = 60
    burst: int = 10
    connect_timeout_s: float = 10.0
    read_timeout_s: float = 60.0
    max_attempts: int = 6
    backoff_base_s: float = 1.0
    backoff_cap_s: float = 64.0
    replans: int = 4
    breaker_failures: int = 5
    breaker_cooldown_s: float = 60.0
