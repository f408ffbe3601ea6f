"""Servers the tests start: loopback only, a process group each, a capped lifetime, stopped with killpg.

Nothing here races the machine's speed: a server is waited for until it answers (or its process dies, which fails at
once with its log), and a port picked by the OS that another process takes before our server binds it is picked again.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

# However the test run ends (a crash, a kill), no server it started outlives it by more than this.
LIFETIME_S = 1800
# How long a server may take to answer on a loaded machine. Only a bound for a hung start: a process that dies
# fails the wait at once, and a healthy start ends the wait as soon as the server answers.
START_DEADLINE_S = 600


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(
    args: list[str],
    *,
    log: Path,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    user: str | None = None,
) -> subprocess.Popen:
    """`args` in a new session under `timeout`, as `user` when given (root handing a server to its owner)."""
    # --foreground keeps `timeout` in our process group, so one killpg reaches it, the server and the server's helpers.
    command = ["timeout", "--foreground", "--kill-after=10", str(LIFETIME_S), *args]
    if user is not None:
        command = ["runuser", "-u", user, "--", *command]
    with open(log, "ab") as out:
        return subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=None if env is None else dict(env),
            cwd=cwd,
            start_new_session=True,
        )


def stop(process: subprocess.Popen, first_signal: int = signal.SIGTERM, grace_s: float = 60) -> None:
    """Signal the whole group, wait for the leader, then kill what is left of the group."""
    for sig, wait_s in ((first_signal, grace_s), (signal.SIGKILL, 10)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait_s)
        except subprocess.TimeoutExpired:
            continue
        # The leader is gone; helpers it left behind in the group go with it.
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        return


def wait_until(
    ready: Callable[[], bool], *, what: str, process: subprocess.Popen, log: Path, deadline_s: float = START_DEADLINE_S
) -> None:
    """Poll `ready` until it holds; fail early, with the log, if the process exits first."""
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{what} exited with {process.returncode} before it was ready:\n{tail(log)}")
        if ready():
            return
        time.sleep(0.2)
    raise AssertionError(f"{what} was not ready within {deadline_s}s:\n{tail(log)}")


def tail(log: Path, lines: int = 60) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return f"({log} unreadable)"


@contextmanager
def server_on_free_port(
    launch: Callable[[int], subprocess.Popen],
    ready: Callable[[int], bool],
    *,
    what: str,
    log: Path,
    attempts: int = 5,
    stop_signal: int = signal.SIGTERM,
) -> Iterator[tuple[subprocess.Popen, int]]:
    """Start `launch(port)` on a port the OS picked and wait until `ready(port)`; a lost bind race retries."""
    for attempt in range(1, attempts + 1):
        port = free_port()
        process = launch(port)
        try:
            wait_until(lambda port=port: ready(port), what=what, process=process, log=log)
        except AssertionError:
            exited = process.poll() is not None
            stop(process, stop_signal, grace_s=10)
            if not exited or attempt == attempts:
                raise
            continue
        break
    try:
        yield process, port
    finally:
        stop(process, stop_signal)
