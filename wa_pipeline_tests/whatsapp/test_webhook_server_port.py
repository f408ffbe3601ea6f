"""`serve-webhook` on a port something else holds says so and exits, so a supervisor can restart it."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

WA = Path(sys.executable).parent / "wa-pipeline"


def test_serve_webhook_on_a_port_in_use_exits_with_the_reason_instead_of_hanging(tmp_path):
    # The owner's earlier receiver (or anything else) still listens there.
    holder = socket.create_server(("127.0.0.1", 0))
    port = holder.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("WA_")}
    env.update(
        {
            "WA_DATA_DIR": str(tmp_path / "data"),
            "WA_APP_SECRET": "shop-app-secret",
            "WA_VERIFY_TOKEN": "shop-verify",
            "PYTHONWARNINGS": "error::DeprecationWarning",
        }
    )
    started = time.monotonic()
    second = subprocess.Popen(
        [str(WA), "serve-webhook", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        out, err = second.communicate(timeout=30)
    finally:
        if second.poll() is None:
            os.killpg(second.pid, 9)
            second.wait(10)
        holder.close()
    assert second.returncode != 0
    assert b"address already in use" in err
    assert time.monotonic() - started < 30
