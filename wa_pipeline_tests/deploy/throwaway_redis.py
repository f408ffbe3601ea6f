"""A Redis server of its own for a test session: 127.0.0.1 on a free port, nothing persisted."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis

from wa_pipeline_tests.deploy.process_group import free_port, start, stop, wait_until
from wa_pipeline_tests.deploy.throwaway_postgres import INSTALL_HINT


@contextmanager
def throwaway_redis() -> Iterator[str]:
    """Yields the server's URL (database 0)."""
    binary = shutil.which("redis-server") or shutil.which("redis-server", path="/usr/bin:/usr/sbin")
    if binary is None:
        pytest.fail(f"no redis-server: {INSTALL_HINT}")
    root = Path(tempfile.mkdtemp(prefix="wa-redis-"))
    port = free_port()
    log = root / "redis.log"
    process = start(
        [
            binary,
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--protected-mode",
            "yes",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(root),
        ],
        log=log,
        cwd=root,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        wait_until(lambda: _answers(url), what="redis-server", process=process, log=log)
        yield url
    finally:
        stop(process)
        shutil.rmtree(root, ignore_errors=True)


def _answers(url: str) -> bool:
    try:
        with redis.Redis.from_url(url, socket_timeout=5) as client:
            return bool(client.ping())
    except redis.ConnectionError:
        return False
