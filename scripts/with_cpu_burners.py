"""Run a command while N processes burn a CPU core each: a busy machine, reproduced. The burners stop when the
command ends (or after --limit-s at the latest), and the command's exit status is returned."""

from __future__ import annotations

import argparse
import multiprocessing
import subprocess
import sys
import time


def burn(until: float) -> None:
    x = 0
    while time.monotonic() < until:
        for _ in range(100_000):
            x = (x * 1103515245 + 12345) & 0x7FFFFFFF


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--burners", type=int, default=2)
    parser.add_argument("--limit-s", type=float, default=7200, help="burners stop by then even if the command hangs")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("a command to run is required, after --")
    until = time.monotonic() + args.limit_s
    burners = [multiprocessing.Process(target=burn, args=(until,), daemon=True) for _ in range(args.burners)]
    for burner in burners:
        burner.start()
    print(f"{args.burners} CPU burners running beside: {' '.join(command)}", flush=True)
    started = time.monotonic()
    try:
        status = subprocess.call(command)
    finally:
        for burner in burners:
            burner.terminate()
        for burner in burners:
            burner.join(10)
    print(f"finished with exit status {status} in {time.monotonic() - started:.0f} s under load", flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
