"""A Redis server of its own for a test session: 127.0.0.1 on a free port, nothing persisted."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis

from wa_pipeline_tests.deploy.throwaway_postgres import INSTALL_HINT
from wa_pipeline_tests.servers import server_on_free_port, start


@contextmanager
def throwaway_redis() -> Iterator[str]:
    """Yields the server's URL (database 0)."""
    binary = shutil.which("redis-server") or shutil.which("redis-server", path="/usr/bin:/usr/sbin")
    if binary is None:
        pytest.fail(f"no redis-server: {INSTALL_HINT}")
    root = Path(tempfile.mkdtemp(prefix="wa-redis-"))
    log = root / "redis.log"

    def launch(port: int):
        return start(
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

    def url(port: int) -> str:
        return f"redis://127.0.0.1:{port}/0"

    try:
        with server_on_free_port(launch, lambda port: _answers(url(port)), what="redis-server", log=log) as (_, port):
            yield url(port)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _answers(url: str) -> bool:
    try:
        with redis.Redis.from_url(url, socket_timeout=5) as client:
            return bool(client.ping())
    except redis.ConnectionError:
        return False
