import json

import pytest

from wa_pipeline.whatsapp.webhook_signature import sign, verify_signature

SECRET = "app-secret-0f9e"
# As Meta serialises a body: ASCII only, with '@' escaped as well.
META_BODY = (
    json.dumps({"text": {"body": "Café ☕ order @ 5pm — Zoë"}}, separators=(",", ":")).replace("@", "\\u0040").encode()
)


def test_known_answer_from_rfc_4231():
    header = sign(b"what do ya want for nothing?", "Jefe")
    assert header == "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    assert verify_signature(b"what do ya want for nothing?", header, "Jefe")


def test_signature_over_the_raw_bytes_is_accepted():
    assert verify_signature(META_BODY, sign(META_BODY, SECRET), SECRET)


def test_uppercase_hex_and_prefix_are_accepted():
    digest = sign(META_BODY, SECRET).split("=", 1)[1]
    assert verify_signature(META_BODY, f"SHA256={digest.upper()}", SECRET)


def test_a_re_serialised_body_no_longer_matches():
    reserialised = json.dumps(json.loads(META_BODY)).encode()
    assert reserialised != META_BODY
    assert not verify_signature(reserialised, sign(META_BODY, SECRET), SECRET)
    assert not verify_signature(META_BODY, sign(reserialised, SECRET), SECRET)


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "sha256=",
        "sha1=" + "0" * 40,
        "0" * 64,
        "sha256=" + "0" * 64,
        "sha256=zz",
        "sha256=é" * 3,
    ],
)
def test_missing_or_malformed_or_wrong_headers_are_refused(header):
    assert verify_signature(META_BODY, header, SECRET) is False


def test_wrong_secret_tampered_body_and_empty_secret_are_refused():
    header = sign(META_BODY, SECRET)
    assert not verify_signature(META_BODY, header, "another-secret")
    assert not verify_signature(META_BODY + b" ", header, SECRET)
    assert not verify_signature(META_BODY, sign(META_BODY, ""), "")
