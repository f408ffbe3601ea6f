"""The lander process of `serve-webhook` ends by itself when its receiver is killed outright."""

import os
import signal
import time
from pathlib import Path

import httpx
import pytest

from wa_pipeline.store.sqlite_landing import SqliteLandingStore
from wa_pipeline_tests.whatsapp.test_webhook_app import meta_bytes, receiver_process, signed, text_payload

pytestmark = pytest.mark.timeout(300)
# The lander notices within its orphan-watch period (0.5 s), then lands what is left and exits.
EXIT_BOUND_S = 15.0


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
    with receiver_process(data_dir, tmp_path / "receiver.log") as (group, url):
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
    assert SqliteLandingStore(data_dir / "landing.sqlite3").get("wamid.before-the-kill") is not None
