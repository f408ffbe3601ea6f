"""The client-side quota: never more than N requests in any rolling minute, even from several processes."""

import multiprocessing
from bisect import bisect_right
from pathlib import Path

import pytest

from wa_pipeline.sheets.google.throttle import Throttle
from wa_pipeline_tests.sheets.manual_clock import ManualClock


def busiest_minute(times: list[float]) -> int:
    """The most grants in any window (t - 60, t]: the way Google counts a per-minute quota."""
    times = sorted(times)
    return max((bisect_right(times, t) - bisect_right(times, t - 60) for t in times), default=0)


def test_a_burst_goes_at_once_then_the_rate_never_exceeds_the_quota(tmp_path):
    clock = ManualClock()
    throttle = Throttle(tmp_path / "state.sqlite3", writes_per_minute=60, burst=10, clock=clock, sleep=clock.sleep)
    start = clock()
    grants = [throttle.acquire("write") for _ in range(300)]
    assert grants[:10] == [start] * 10  # the burst waits for nothing
    assert busiest_minute(grants) <= 60
    # 290 more at the steady 50 a minute: about 5.8 minutes of (manual) time, not a second of real waiting.
    assert grants[-1] - start == pytest.approx(290 * 60 / 50, rel=0.01)
    assert throttle.waited_s == pytest.approx(grants[-1] - start, rel=0.01)


def test_reads_and_writes_have_separate_buckets():
    clock = ManualClock()
    throttle = Throttle(reads_per_minute=5, writes_per_minute=5, burst=2, clock=clock, sleep=clock.sleep)
    start = clock()
    assert [throttle.acquire("read") for _ in range(2)] == [start, start]
    assert [throttle.acquire("write") for _ in range(2)] == [start, start]
    assert throttle.acquire("read") > start


def test_the_quota_is_settable_and_validated():
    clock = ManualClock()
    slow = Throttle(writes_per_minute=6, burst=1, clock=clock, sleep=clock.sleep)
    grants = [slow.acquire("write") for _ in range(13)]
    assert busiest_minute(grants) <= 6
    with pytest.raises(ValueError, match="at least 2"):
        Throttle(writes_per_minute=1)


class SharedClock:
    """A manual clock shared by processes: one double in shared memory."""

    def __init__(self, value):
        self.value = value

    def __call__(self) -> float:
        with self.value.get_lock():
            return self.value.value

    def sleep(self, seconds: float) -> None:
        with self.value.get_lock():
            self.value.value += seconds


def _acquire_many(path: str, shared, count: int, results) -> None:
    clock = SharedClock(shared)
    throttle = Throttle(
        Path(path), scope="sheets:robot@example.com", writes_per_minute=30, burst=5, clock=clock, sleep=clock.sleep
    )
    results.put([throttle.acquire("write") for _ in range(count)])


def test_two_processes_sharing_the_state_file_together_stay_under_the_quota(tmp_path):
    context = multiprocessing.get_context("spawn")
    shared = context.Value("d", 1_800_000_000.0)
    results = context.Queue()
    workers = [
        context.Process(target=_acquire_many, args=(str(tmp_path / "state.sqlite3"), shared, 60, results))
        for _ in range(2)
    ]
    for worker in workers:
        worker.start()
    grants = [results.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    together = grants[0] + grants[1]
    assert len(together) == 120
    assert busiest_minute(together) <= 30
    # Each alone would have been let through at the full rate; together they shared it.
    assert busiest_minute(grants[0]) < 30 or busiest_minute(grants[1]) < 30
