import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

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
    [record, customer] = lines(result)
    assert record["record"] == "message" and record["kind"] == "document"
    assert (customer["record"], customer["phone"], customer["name"]) == ("customer", "+16505551234", "Sheena Nelson")
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
    [record] = [
        r for r in lines(wa("parse-webhook", "-", "--json", cwd=tmp_path, stdin=raw)) if r["record"] == "message"
    ]
    assert record["text"] == "Café ☕ order @ 5pm — Zoë"


def test_parse_webhook_table_for_people(tmp_path):
    result = wa("parse-webhook", str(PAYLOADS / "status_failed.json"), cwd=tmp_path)
    assert result.returncode == 0
    out = result.stdout.decode("utf-8")
    assert "Statuses" in out and "failed" in out


@pytest.mark.parametrize(
    ("payload", "kind", "field", "summary"),
    [
        ("calls", "call", "calls", "call terminate, 125 s"),
        ("user_preferences", "consent", "user_preferences", "marketing_messages: stop"),
        ("smb_app_state_sync", "contact", "smb_app_state_sync", "contact add: Pablo Morales 16505551234"),
        ("account_update", "account", "account_update", "account_update VERIFIED_ACCOUNT 15550783881"),
        (
            "template_status_update",
            "account",
            "message_template_status_update",
            "message_template_status_update APPROVED order_ready",
        ),
        ("unknown_field", "unknown", "business_portfolio_news_2027", "business_portfolio_news_2027"),
    ],
)
def test_parse_webhook_shows_each_kind_of_event(tmp_path, payload, kind, field, summary):
    result = wa("parse-webhook", str(PAYLOADS / f"{payload}.json"), "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    events = [r for r in lines(result) if r["record"] == "event"]
    assert events and {(e["kind"], e["field"]) for e in events} == {(kind, field)}
    assert summary in [e["summary"] for e in events]
    # The raw JSON of a field this version does not know is shown whole, never dropped.
    assert all(e["data"] and e["event_id"] for e in events)
    table = wa("parse-webhook", str(PAYLOADS / f"{payload}.json"), cwd=tmp_path).stdout.decode("utf-8")
    assert "Events" in table and kind in table


def test_parse_webhook_shows_a_messages_flag_and_its_ad(tmp_path):
    [odd] = [
        r
        for r in lines(wa("parse-webhook", str(PAYLOADS / "location_bad_coordinates.json"), "--json", cwd=tmp_path))
        if r["record"] == "message"
    ]
    assert odd["flags"] == "location: latitude/longitude are not numbers ('37.483307 N', None)"
    [from_ad] = [
        r
        for r in lines(wa("parse-webhook", str(PAYLOADS / "text_from_ad.json"), "--json", cwd=tmp_path))
        if r["record"] == "message"
    ]
    assert from_ad["flags"] is None and from_ad["referral"]["headline"] == "Mama Mboga Bakery"
    assert from_ad["referral"]["ctwa_clid"].startswith("ARAkLkA8")
    table = wa("parse-webhook", str(PAYLOADS / "location_bad_coordinates.json"), cwd=tmp_path).stdout.decode("utf-8")
    assert "flags" in table and "latitude" in table


def test_parse_webhook_shows_statuses_with_pricing_conversation_and_metas_error(tmp_path):
    priced = [
        r
        for r in lines(wa("parse-webhook", str(PAYLOADS / "status_read_pricing.json"), "--json", cwd=tmp_path))
        if r["record"] == "status"
    ]
    assert [r["status"] for r in priced] == ["delivered", "read"]
    assert priced[0]["pricing"] == {
        "billable": False,
        "pricing_model": "PMP",
        "category": "service",
        "type": "free_customer_service",
    }
    assert priced[0]["conversation"]["origin"] == {"type": "service"}
    assert priced[0]["recipient_user_id"] == "US.13491208655302741918"
    [failed] = [
        r
        for r in lines(wa("parse-webhook", str(PAYLOADS / "status_failed.json"), "--json", cwd=tmp_path))
        if r["record"] == "status"
    ]
    assert failed["errors"][0]["code"] == 131047
    table = wa("parse-webhook", str(PAYLOADS / "status_failed.json"), cwd=tmp_path).stdout.decode("utf-8")
    assert "131047" in table


def test_parse_webhook_shows_the_customers_a_body_names(tmp_path):
    result = wa("parse-webhook", str(PAYLOADS / "text_bsuid_with_phone.json"), "--json", cwd=tmp_path)
    [customer] = [r for r in lines(result) if r["record"] == "customer"]
    assert (customer["phone"], customer["user_id"], customer["name"]) == (
        "+16505551234",
        "US.13491208655302741918",
        "Sheena N.",
    )
    assert customer["parent_user_id"] == "US.ENT.11815799212886844830"


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
