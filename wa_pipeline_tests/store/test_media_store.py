import hashlib

import pytest

from wa_pipeline.store.media_store import MediaStore


def test_bytes_are_stored_once_under_their_sha256(tmp_path):
    store = MediaStore(tmp_path / "media")
    data = b"\x89PNG fake but bytes"
    digest = store.put(data)
    assert digest == hashlib.sha256(data).hexdigest()
    assert store.put(data) == digest
    assert store.read(digest) == data
    assert len([p for p in (tmp_path / "media").rglob("*") if p.is_file()]) == 1


def test_path_for_rejects_anything_but_a_digest(tmp_path):
    store = MediaStore(tmp_path / "media")
    with pytest.raises(ValueError):
        store.path_for("../../etc/passwd")
