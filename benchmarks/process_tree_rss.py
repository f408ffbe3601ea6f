"""Peak memory of a process and every process it starts (Linux /proc), for benchmarks that run a job in a subprocess.

`ru_maxrss` of a process is exact but its own only, and RUSAGE_CHILDREN gives the largest single child, not the
sum of those alive together (media workers, Dagster's log watchers). So the tree is sampled: every `interval_s`
the resident sets of the process and all its descendants are added up, and the largest sum is kept. The sum
counts pages shared between processes once per process, so it errs high, never low.
"""

from __future__ import annotations

import threading
from pathlib import Path


def descendants(pid: int) -> list[int]:
    """Every living descendant of `pid` (children, their children, ...)."""
    found: list[int] = []
    pending = [pid]
    while pending:
        parent = pending.pop()
        for children in Path(f"/proc/{parent}/task").glob("*/children"):
            try:
                kids = [int(kid) for kid in children.read_text().split()]
            except (OSError, ValueError):
                continue
            found.extend(kids)
            pending.extend(kids)
    return found


def rss_kib(pid: int) -> int:
    """Resident set of one process in KiB; 0 once it has exited."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


class TreeRssSampler:
    """Samples the summed RSS of a process tree in a background thread until stopped."""

    def __init__(self, pid: int, interval_s: float = 0.1) -> None:
        self.pid = pid
        self.interval_s = interval_s
        self.peak_kib = 0
        self.processes_seen: set[int] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeRssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            tree = [self.pid, *descendants(self.pid)]
            self.processes_seen.update(tree)
            self.peak_kib = max(self.peak_kib, sum(rss_kib(pid) for pid in tree))
            self._stop.wait(self.interval_s)

    @property
    def peak_mb(self) -> float:
        return self.peak_kib / 1024
