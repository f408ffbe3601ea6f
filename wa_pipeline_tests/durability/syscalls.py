"""Reading an `strace -f -y` log as an ordered list of the file and socket events the durability tests judge."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
WRITES = ("write", "pwrite64", "writev", "pwritev", "pwritev2", "sendto", "sendmsg")
SYNCS = ("fsync", "fdatasync")
RENAMES = ("rename", "renameat", "renameat2")
TRACED = ",".join((*WRITES, *SYNCS, *RENAMES))

_CALL = re.compile(r"^(\d+)\s+(\w+)\((.*)$")  # strace pads short pids
_RESUMED = re.compile(r"^(\d+)\s+<\.\.\. (\w+) resumed>(.*)$")
_FD_PATH = re.compile(r"^\d+<([^>]*)>")
_RESULT = re.compile(r"\)\s+= (-?\d+)")  # strace pads short calls to align the result column


@dataclass(frozen=True)
class Event:
    """One syscall, placed where it takes effect: a write when it starts, an fsync or rename when it returns."""

    call: str
    path: str  # the file (or socket) of its first argument; for a rename, the source and target joined by " -> "
    text: str  # the rest of the line: the start of the bytes written


def strace_command(trace_file: Path, *argv: str) -> list[str]:
    """`argv` (a Python module and its arguments) run under strace, following every thread and child."""
    return [
        "strace",
        "-f",
        "-qq",
        "-y",
        "-s",
        "200",
        "-e",
        "signal=none",
        "-e",
        f"trace={TRACED}",
        "-o",
        str(trace_file),
        sys.executable,
        "-m",
        *argv,
    ]


def driver(*args: str) -> list[str]:
    return ["wa_pipeline_tests.durability.driver", *args]


def run_traced(trace_file: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        strace_command(trace_file, *driver(*args)), cwd=REPO, capture_output=True, text=True, timeout=timeout
    )


def events(trace_file: Path) -> list[Event]:
    """The log's events in the order they took effect (an interrupted call counts when it resumes)."""
    out: list[Event] = []
    unfinished: dict[tuple[str, str], Event] = {}
    for line in trace_file.read_text(errors="replace").splitlines():
        resumed = _RESUMED.match(line)
        if resumed:
            pid, call, rest = resumed.groups()
            started = unfinished.pop((pid, call), None)
            if started is not None and call not in WRITES and _succeeded(rest):
                out.append(started)
            continue
        match = _CALL.match(line)
        if not match:
            continue
        pid, call, rest = match.groups()
        event = Event(call, _path(call, rest), rest)
        if call in WRITES:
            out.append(event)  # the bytes are on their way from the moment the call starts
        elif rest.endswith("<unfinished ...>"):
            unfinished[(pid, call)] = event
        elif _succeeded(rest):
            out.append(event)
    return out


def _succeeded(rest: str) -> bool:
    result = _RESULT.search(rest)
    return result is not None and int(result.group(1)) >= 0


def _path(call: str, rest: str) -> str:
    if call in RENAMES:
        paths = re.findall(r'"([^"]*)"', rest)
        return " -> ".join(paths[:2])
    found = _FD_PATH.match(rest)
    return found.group(1) if found else ""


def unsynced_at(trace: list[Event], is_target, is_moment) -> list[tuple[int, int]]:
    """At each moment (an acknowledgement sent, a request sent): (writes to the target files since the previous
    moment, writes to them not yet fsynced). A write is synced by a later fsync or fdatasync of the same file."""
    dirty: dict[str, int] = {}
    since = 0
    moments = []
    for event in trace:
        if event.call in WRITES and is_target(event.path):
            dirty[event.path] = dirty.get(event.path, 0) + 1
            since += 1
        elif event.call in SYNCS and is_target(event.path):
            dirty[event.path] = 0
        elif event.call in WRITES and is_moment(event):
            moments.append((since, sum(dirty.values())))
            since = 0
    return moments
