import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

PAYLOADS = Path(__file__).resolve().parent / "payloads"
WA = Path(sys.executable).parent / "wa-pipeline"


def wa(*args: str, cwd: Path, stdin: bytes | None = None, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WA_")}
    env.update({"WA_DATA_DIR": str(cwd / "data"), "PYTHONWARNINGS": "error::DeprecationWarning", **(env_extra or {})})
    return subprocess.run([str(WA), *args], cwd=cwd, env=env, input=stdin, capture_output=True, timeout=120)


def lines(result: subprocess.CompletedProcess) -> list[dict]:
    return [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]


def test_parse_webhook_json_prints_the_canonical_message(tmp_path):
    result = wa("parse-webhook", str(PAYLOADS / "document.json"), "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    [record] = lines(result)
    assert record["record"] == "message" and record["kind"] == "document"
    assert record["sent_at"] == "2025-06-08T20:59:43+00:00"
    assert (record["sender"], record["sender_name"]) == ("16505551234", "Sheena Nelson")
    assert (record["caption"], record["media_id"], record["attachment"]) == (
        "Invoice March",
        "1090457849234567",
        "invoice-2026-03.pdf",
    )
    assert record["sha256"] == hashlib.sha256(b"invoice-pdf-bytes").hexdigest()
    assert not (tmp_path / "data").exists()  # shows, never stores


def test_parse_webhook_reads_stdin_and_reports_statuses_and_rejects_with_exit_code_1(tmp_path):
    result = wa("parse-webhook", "-", "--json", cwd=tmp_path, stdin=(PAYLOADS / "malformed_sibling.json").read_bytes())
    assert result.returncode == 1
    records = lines(result)
    # The text message with an empty body lands (no text, flagged); only what has no usable id or time is rejected.
    assert [r["text"] for r in records if r["record"] == "message"] == ["First, fine", None, "Last, fine"]
    assert [r["status"] for r in records if r["record"] == "status"] == ["delivered"]
    rejects = [r for r in records if r["record"] == "reject"]
    assert len(rejects) == 3 and all(r["reason"] and r["item_key"] for r in rejects)


def test_parse_webhook_keeps_non_ascii_text_exact(tmp_path):
    body = json.loads((PAYLOADS / "text.json").read_text())
    body["entry"][0]["changes"][0]["value"]["messages"][0]["text"]["body"] = "Café ☕ order @ 5pm — Zoë"
    raw = json.dumps(body).replace("@", "\\u0040").encode()
    [record] = lines(wa("parse-webhook", "-", "--json", cwd=tmp_path, stdin=raw))
    assert record["text"] == "Café ☕ order @ 5pm — Zoë"


def test_parse_webhook_table_for_people(tmp_path):
    result = wa("parse-webhook", str(PAYLOADS / "status_failed.json"), cwd=tmp_path)
    assert result.returncode == 0
    out = result.stdout.decode("utf-8")
    assert "Statuses" in out and "failed" in out


def test_parse_webhook_on_a_bad_file_says_so(tmp_path):
    (tmp_path / "broken.json").write_text("{not json")
    broken = wa("parse-webhook", str(tmp_path / "broken.json"), cwd=tmp_path)
    assert broken.returncode == 2 and b"not valid JSON" in broken.stderr
    missing = wa("parse-webhook", str(tmp_path / "absent.json"), cwd=tmp_path)
    assert missing.returncode == 2 and b"Cannot read" in missing.stderr


def test_serve_webhook_without_secrets_names_the_variables(tmp_path):
    neither = wa("serve-webhook", cwd=tmp_path)
    assert neither.returncode == 2
    assert b"WA_APP_SECRET" in neither.stderr and b"WA_VERIFY_TOKEN" in neither.stderr
    only_token = wa("serve-webhook", cwd=tmp_path, env_extra={"WA_VERIFY_TOKEN": "t0k3n-value"})
    assert only_token.returncode == 2 and b"WA_APP_SECRET" in only_token.stderr
    assert b"t0k3n-value" not in only_token.stderr + only_token.stdout
