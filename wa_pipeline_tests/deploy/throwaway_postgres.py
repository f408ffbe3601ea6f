"""A PostgreSQL cluster of its own for a test session: a temporary directory, 127.0.0.1 on a free port.

The fixtures at the end are imported into the conftest of each test package that needs them (deploy, store,
whatsapp, defs): package-scoped, a cluster starts for the package's first test that asks and stops after its last.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import pytest

from wa_pipeline_tests.servers import server_on_free_port, start

INSTALL_HINT = "`make test` installs them (scripts/install.sh apt-installs postgresql and redis-server)"
# initdb and postgres refuse to run as root; as root the cluster belongs to the `postgres` user the
# Debian package creates, and everything it touches lives in a directory that user owns.
CLUSTER_OWNER = "postgres"


@dataclass(frozen=True)
class Postgres:
    host: str
    port: int
    user: str
    password: str

    def url(self, database: str) -> str:
        return f"postgresql://{self.user}:{self.password}@{self.host}:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """A new, empty database; returns its URL."""
        conn = psycopg2.connect(self.url("postgres"))
        try:
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute(f'CREATE DATABASE "{name}"')
        finally:
            conn.close()
        return self.url(name)


def server_binaries() -> Path:
    """The newest PostgreSQL server's bin directory; fails (never skips) when none is installed."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if not found:
        pytest.fail(f"no PostgreSQL server (/usr/lib/postgresql/*/bin/initdb): {INSTALL_HINT}")
    return Path(found[-1]).parent


def _cluster_owner() -> tuple[str | None, int, int]:
    if os.geteuid() != 0:
        return None, os.getuid(), os.getgid()
    try:
        owner = pwd.getpwnam(CLUSTER_OWNER)
    except KeyError:
        pytest.fail(f"running as root needs the `{CLUSTER_OWNER}` user of the postgresql package: {INSTALL_HINT}")
    return CLUSTER_OWNER, owner.pw_uid, owner.pw_gid


@contextmanager
def throwaway_postgres() -> Iterator[Postgres]:
    bin_dir = server_binaries()
    user, uid, gid = _cluster_owner()
    run_as = ["runuser", "-u", user, "--"] if user else []
    # Under /tmp rather than pytest's tmp_path: pytest-of-root is 0700, so the cluster owner could not reach it.
    root = Path(tempfile.mkdtemp(prefix="wa-postgres-"))
    os.chown(root, uid, gid)
    password = secrets.token_hex(16)
    password_file = root / "password"
    password_file.write_text(password)
    os.chown(password_file, uid, gid)
    log = root / "postgres.log"
    try:
        subprocess.run(
            [
                *run_as,
                str(bin_dir / "initdb"),
                "-D",
                str(root / "data"),
                "-U",
                "wa",
                f"--pwfile={password_file}",
                "--auth=scram-sha-256",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            ],
            cwd=root,
            check=True,
            capture_output=True,
            timeout=600,
        )

        def launch(port: int):
            # TCP on loopback only, no Unix socket; durability traded for speed: the cluster is thrown away.
            return start(
                [
                    str(bin_dir / "postgres"),
                    "-D",
                    str(root / "data"),
                    "-p",
                    str(port),
                    "-c",
                    "listen_addresses=127.0.0.1",
                    "-c",
                    "unix_socket_directories=",
                    "-c",
                    "fsync=off",
                    "-c",
                    "full_page_writes=off",
                    "-c",
                    "max_connections=200",
                ],
                log=log,
                cwd=root,
                user=user,
            )

        def server(port: int) -> Postgres:
            return Postgres(host="127.0.0.1", port=port, user="wa", password=password)

        # SIGINT is PostgreSQL's fast shutdown: open sessions are ended, not waited for.
        with server_on_free_port(
            launch, lambda port: _accepts(server(port)), what="postgres", log=log, stop_signal=signal.SIGINT
        ) as (_, port):
            yield server(port)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _accepts(server: Postgres) -> bool:
    try:
        psycopg2.connect(server.url("postgres"), connect_timeout=5).close()
    except psycopg2.OperationalError:
        return False
    return True


_databases = itertools.count(1)


@pytest.fixture(scope="package")
def postgres() -> Iterator[Postgres]:
    with throwaway_postgres() as server:
        yield server


@pytest.fixture
def landing_url(postgres) -> str:
    """A fresh, empty database for one test's landing store."""
    return postgres.create_database(f"landing_{next(_databases)}")


@pytest.fixture(params=["sqlite", "postgres"])
def landing_target(request, tmp_path) -> Path | str:
    """Where one test's landing store lives, for `open_landing_store`: the SQLite file under tmp, or PostgreSQL."""
    if request.param == "sqlite":
        return tmp_path / "landing.sqlite3"
    return request.getfixturevalue("landing_url")
