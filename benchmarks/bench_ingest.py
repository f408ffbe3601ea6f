"""Webhook ingest with a durable acknowledgement: group commit against one commit per request.

    python -m benchmarks.bench_ingest [--n 2000] [--concurrency 50]

Each receiver runs in its own process on a loopback port and answers 200 only after its commit returned
(SQLite WAL, synchronous=FULL). Same parsing, same signature check, same store; only the write path differs:

* group commit (ours): `create_webhook_app`, one writer thread batching whatever requests are waiting;
* naive: what a user would write first, one INSERT + commit inside each request handler.

The load generator speaks HTTP/1.1 keep-alive over raw asyncio streams, one request in flight per
connection, so it is not the bottleneck it would be with a full HTTP client.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

SECRET = "bench-app-secret"
TOKEN = "bench-verify-token"


# --- the two receivers (run in a child process) ----------------------------------------------------------


def naive_app(db: Path):
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, PlainTextResponse
    from starlette.routing import Route

    from wa_pipeline.store.sqlite_landing import SqliteLandingStore
    from wa_pipeline.whatsapp.cloud_api import parse_webhook
    from wa_pipeline.whatsapp.webhook_signature import verify_signature

    store = SqliteLandingStore(db)

    async def receive(request: Request):
        raw = await request.body()
        if not verify_signature(raw, request.headers.get("x-hub-signature-256"), SECRET):
            return PlainTextResponse("forbidden", status_code=403)
        parsed = parse_webhook(json.loads(raw))
        store.add_messages(parsed.messages)  # one INSERT + durable COMMIT, right in the handler
        return JSONResponse({"messages": len(parsed.messages)})

    async def healthz(request: Request):
        return JSONResponse({"status": "ok"})

    return Starlette(routes=[Route("/webhook", receive, methods=["POST"]), Route("/healthz", healthz)])


def ours_app(db: Path):
    from wa_pipeline.store.dead_letters import DeadLetterQueue
    from wa_pipeline.store.sqlite_landing import SqliteLandingStore
    from wa_pipeline.whatsapp.webhook_app import create_webhook_app

    return create_webhook_app(SqliteLandingStore(db), DeadLetterQueue(db), app_secret=SECRET, verify_token=TOKEN)


def serve_child(kind: str, fd: int, db: Path) -> None:
    import uvicorn

    app = ours_app(db) if kind == "ours" else naive_app(db)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on", backlog=2048))
    server.run(sockets=[socket.socket(fileno=fd)])


# --- the load generator -------------------------------------------------------------------------------------


def webhook_body(index: int, run: str) -> bytes:
    payload = {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "102290129340398",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
                            "contacts": [
                                {"profile": {"name": f"Customer {index % 97}"}, "wa_id": f"2547{index % 97:08d}"}
                            ],
                            "messages": [
                                {
                                    "from": f"2547{index % 97:08d}",
                                    "id": f"wamid.bench-{run}-{index:06d}",
                                    "timestamp": str(1763283600 + index),
                                    "type": "text",
                                    "text": {"body": f"Order #{index}: 2 loaves, 1 cake, deliver @ 5pm — asante"},
                                }
                            ],
                        },
                    }
                ],
            }
        ],
    }
    return json.dumps(payload, separators=(",", ":")).replace("@", "\\u0040").encode()


def http_request(method: str, path: str, body: bytes = b"", headers: dict | None = None) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {len(body)}"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def exchange(reader, writer, request: bytes) -> tuple[int, bytes]:
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    return status, await reader.readexactly(length)


async def get_json(port: int, path: str) -> dict:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        status, body = await asyncio.wait_for(exchange(reader, writer, http_request("GET", path)), 10)
        return json.loads(body) if status == 200 else {}
    finally:
        writer.close()


async def load(port: int, requests: list[bytes], concurrency: int) -> tuple[float, list[float], list[int]]:
    latencies: list[float] = []
    statuses: list[int] = []
    queue = iter(requests)

    async def connection():
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            for request in queue:
                started = time.perf_counter()
                status, _ = await asyncio.wait_for(exchange(reader, writer, request), 120)
                latencies.append(time.perf_counter() - started)
                statuses.append(status)
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(connection() for _ in range(concurrency)))
    return time.perf_counter() - started, latencies, statuses


@dataclass
class Result:
    name: str
    seconds: float
    latencies: list[float]
    commits: int | None
    stored: int

    @property
    def per_second(self) -> float:
        return len(self.latencies) / self.seconds

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def measure(kind: str, name: str, n: int, concurrency: int, workdir: Path) -> Result:
    from wa_pipeline.store.sqlite_landing import SqliteLandingStore
    from wa_pipeline.whatsapp.webhook_signature import sign

    db = workdir / f"{kind}.sqlite3"
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "benchmarks.bench_ingest",
            "--serve",
            kind,
            "--fd",
            str(listener.fileno()),
            "--db",
            str(db),
        ],
        pass_fds=[listener.fileno()],
        start_new_session=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    listener.close()
    try:
        deadline = time.monotonic() + 60
        while not asyncio.run(_up(port)):
            if child.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the {name} receiver did not start")
            time.sleep(0.05)

        def signed(index: int, run: str) -> bytes:
            body = webhook_body(index, run)
            headers = {"Content-Type": "application/json", "X-Hub-Signature-256": sign(body, SECRET)}
            return http_request("POST", "/webhook", body, headers)

        asyncio.run(load(port, [signed(i, "warmup") for i in range(min(200, n))], concurrency))
        before = asyncio.run(get_json(port, "/healthz")).get("commits")
        seconds, latencies, statuses = asyncio.run(load(port, [signed(i, "run") for i in range(n)], concurrency))
        after = asyncio.run(get_json(port, "/healthz")).get("commits")
        if set(statuses) != {200}:
            raise SystemExit(f"the {name} receiver answered {sorted(set(statuses))}")
    finally:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
            try:
                child.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait(10)
    stored = sum(1 for m in SqliteLandingStore(db).iter_messages() if m.message_id.startswith("wamid.bench-run-"))
    commits = after - before if before is not None and after is not None else None
    return Result(name, seconds, latencies, commits, stored)


async def _up(port: int) -> bool:
    try:
        return (await get_json(port, "/healthz")).get("status") == "ok"
    except OSError:
        return False


def run(quick: bool = False) -> list[dict]:
    """Rows for the combined `make bench` table: ours against the naive receiver, measured in this run."""
    n = 500 if quick else 2000
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        naive = measure("naive", "naive (commit per request)", n, 50, Path(tmp))
        ours = measure("ours", "group commit (ours)", n, 50, Path(tmp))
    if naive.stored != n or ours.stored != n:
        raise SystemExit("a receiver acknowledged messages it did not store")
    baseline = "naive receiver, one commit per request"
    return [
        {
            "benchmark": "webhook ingest",
            "measure": f"messages/s, durable 200 ({n} posts)",
            "ours": ours.per_second,
            "baseline": naive.per_second,
            "baseline_name": baseline,
            "goal": "ratio > 1",
        },
        {
            "benchmark": "webhook ingest",
            "measure": "p99 latency ms",
            "ours": ours.percentile(0.99),
            "baseline": naive.percentile(0.99),
            "baseline_name": baseline,
            "goal": "ratio < 1",
        },
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="signed webhooks to post to each receiver")
    parser.add_argument("--concurrency", type=int, default=50, help="connections, one request in flight each")
    parser.add_argument("--workdir", type=Path, default=None, help="where the SQLite files go (default: a temp dir)")
    parser.add_argument("--serve", choices=["ours", "naive"], help=argparse.SUPPRESS)
    parser.add_argument("--fd", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve_child(args.serve, args.fd, args.db)
        return

    with tempfile.TemporaryDirectory(prefix="bench-ingest-", dir=args.workdir) as tmp:
        naive = measure("naive", "naive (commit per request)", args.n, args.concurrency, Path(tmp))
        ours = measure("ours", "group commit (ours)", args.n, args.concurrency, Path(tmp))

    print(
        f"\nWebhook ingest, durable 200: {args.n} signed posts, {args.concurrency} connections, loopback, "
        f"SQLite WAL synchronous=FULL, {os.cpu_count()} CPUs"
    )
    header = f"{'receiver':<28} {'msgs/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'commits':>8} {'stored':>7}"
    print(header)
    print("-" * len(header))
    for r in (naive, ours):
        commits = str(r.commits) if r.commits is not None else f"~{len(r.latencies)}"
        print(
            f"{r.name:<28} {r.per_second:>9.0f} {r.percentile(0.50):>8.2f} {r.percentile(0.99):>8.2f} "
            f"{commits:>8} {r.stored:>7}"
        )
    print(
        f"\nthroughput ratio ours/naive: {ours.per_second / naive.per_second:.2f}x · "
        f"p99 latency ratio naive/ours: {naive.percentile(0.99) / ours.percentile(0.99):.2f}x · "
        f"mean latency ours {statistics.fmean(ours.latencies) * 1000:.2f} ms"
    )
    if naive.stored != args.n or ours.stored != args.n:
        raise SystemExit("a receiver acknowledged messages it did not store")


if __name__ == "__main__":
    main()
