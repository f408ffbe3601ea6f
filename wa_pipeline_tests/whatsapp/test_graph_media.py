import base64
import hashlib

import httpx
import pytest

from wa_pipeline.whatsapp.graph_media import (
    MIB,
    GraphAuthError,
    GraphMediaClient,
    InvalidMediaId,
    MediaExpired,
    MediaHashMismatch,
    MediaTooLarge,
    MediaUnavailable,
    media_family,
    normalize_sha256,
    size_cap,
)
from wa_pipeline_tests.fakes.graph_api import DEFAULT_TOKEN, FakeGraphApi

JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40 + b"\xff\xd9"


@pytest.fixture
def graph():
    with FakeGraphApi() as fake:
        yield fake


@pytest.fixture
def client(graph):
    with GraphMediaClient(DEFAULT_TOKEN, base_url=graph.base_url, timeout=10) as c:
        yield c


def test_fetch_asks_for_a_fresh_url_then_downloads_with_the_bearer_token(graph, client):
    media_id = graph.add_media(JPEG, "image/jpeg")

    assert client.fetch(media_id) == JPEG
    assert client.fetch(media_id, expected_sha256=hashlib.sha256(JPEG).hexdigest()) == JPEG

    metadata, downloads = graph.log("metadata"), graph.log("download")
    assert [r.status for r in metadata] == [200, 200] and [r.status for r in downloads] == [200, 200]
    assert all(r.authorized for r in graph.requests)
    assert all(r.path == f"/v21.0/{media_id}" for r in metadata)
    # Each fetch used the URL it had just been given: the two URLs differ.
    assert downloads[0].path != downloads[1].path


def test_metadata_has_the_documented_shape(graph, client):
    media_id = graph.add_media(JPEG, "image/jpeg")
    meta = client.metadata(media_id)
    assert meta.media_id == media_id
    assert meta.mime_type == "image/jpeg"
    assert meta.sha256 == hashlib.sha256(JPEG).hexdigest()
    assert meta.file_size == len(JPEG)  # Graph sends it as a string; the client reads either
    raw = httpx.get(f"{graph.base_url}/v21.0/{media_id}", headers={"Authorization": f"Bearer {DEFAULT_TOKEN}"}).json()
    assert set(raw) == {"messaging_product", "url", "mime_type", "sha256", "file_size", "id"}
    assert raw["messaging_product"] == "whatsapp" and raw["file_size"] == str(len(JPEG))


def test_a_download_url_needs_the_token_serves_once_and_lapses(graph):
    media_id = graph.add_media(JPEG)
    auth = {"Authorization": f"Bearer {DEFAULT_TOKEN}"}
    url = httpx.get(f"{graph.base_url}/v21.0/{media_id}", headers=auth).json()["url"]
    assert httpx.get(url).status_code == 401
    assert httpx.get(url, headers=auth).content == JPEG
    assert httpx.get(url, headers=auth).status_code == 404  # used up

    later = httpx.get(f"{graph.base_url}/v21.0/{media_id}", headers=auth).json()["url"]
    graph.advance(301)  # Meta's URLs live five minutes
    assert httpx.get(later, headers=auth).status_code == 404


def test_a_refused_token_is_a_configuration_error_that_never_shows_the_token(graph):
    media_id = graph.add_media(JPEG)
    secret = "EAAG-not-the-right-token-1234567890"
    with GraphMediaClient(secret, base_url=graph.base_url) as wrong:
        with pytest.raises(GraphAuthError) as raised:
            wrong.fetch(media_id)
        assert secret not in repr(wrong)
    assert "WA_ACCESS_TOKEN" in str(raised.value) and "190" in str(raised.value)
    assert secret not in str(raised.value)
    assert graph.log("metadata")[0].status == 401 and graph.log("download") == []


def test_an_expired_or_deleted_media_id_is_reported_as_expired(graph, client):
    old = graph.add_media(JPEG)
    gone = graph.add_media(JPEG + b"x")
    graph.delete_media(gone)
    graph.advance(8 * 24 * 3600)  # media ids live about seven days
    for media_id in (old, gone):
        with pytest.raises(MediaExpired) as raised:
            client.fetch(media_id)
        assert not raised.value.retriable
        assert "code 100" in str(raised.value) and media_id in str(raised.value)
    assert all(r.status == 400 for r in graph.log("metadata"))


def test_server_errors_and_lapsed_urls_are_retriable(graph, client):
    media_id = graph.add_media(JPEG)
    graph.fail_next("metadata", status=500)
    with pytest.raises(MediaUnavailable) as on_metadata:
        client.fetch(media_id)
    graph.fail_next("download", status=503)
    with pytest.raises(MediaUnavailable) as on_download:
        client.fetch(media_id)
    assert on_metadata.value.retriable and "500" in str(on_metadata.value)
    assert "503" in str(on_download.value)
    assert client.fetch(media_id) == JPEG


def test_a_url_that_lapsed_before_the_download_is_retriable():
    with FakeGraphApi(url_ttl_s=-1) as graph, GraphMediaClient(DEFAULT_TOKEN, base_url=graph.base_url) as client:
        media_id = graph.add_media(JPEG)
        with pytest.raises(MediaUnavailable, match="expired or already used"):
            client.fetch(media_id)


def test_a_slow_server_times_out_as_unavailable(graph):
    media_id = graph.add_media(JPEG)
    graph.delay_next("download", seconds=120)  # released when the stand-in stops
    with GraphMediaClient(DEFAULT_TOKEN, base_url=graph.base_url, timeout=5) as impatient:
        with pytest.raises(MediaUnavailable, match="did not finish"):
            impatient.fetch(media_id)


def test_reading_stops_at_the_size_cap_even_when_graph_understates_the_size(graph, client):
    huge = graph.add_huge_media(200 * MIB, "image/jpeg", advertised_size=1000)
    with pytest.raises(MediaTooLarge) as raised:
        client.fetch(huge)
    assert "image limit" in str(raised.value) and not raised.value.retriable
    [download] = graph.log("download")
    assert download.bytes_sent < 50 * MIB  # far from the 200 MiB on offer: the client hung up


def test_a_declared_size_over_the_cap_is_refused_before_downloading(graph, client):
    advertised = graph.add_huge_media(17 * MIB, "video/mp4", advertised_size=17 * MIB)
    with pytest.raises(MediaTooLarge, match="Graph reports"):
        client.fetch(advertised)
    assert graph.log("download") == []
    by_length = graph.add_huge_media(6 * MIB, "image/png", advertised_size=10, send_length=True)
    with pytest.raises(MediaTooLarge, match="download is"):
        client.fetch(by_length)


def test_stickers_have_their_own_cap(graph, client):
    webp = graph.add_media(b"RIFF" + bytes(600 * 1024), "image/webp")
    jpeg = graph.add_media(b"\xff\xd8" + bytes(600 * 1024), "image/jpeg")
    with pytest.raises(MediaTooLarge, match="sticker"):
        client.fetch(webp)
    assert len(client.fetch(jpeg)) == 600 * 1024 + 2


def test_bytes_that_do_not_match_the_hash_are_rejected(graph, client):
    corrupted = graph.add_media(JPEG)
    graph.corrupt_download(corrupted)
    with pytest.raises(MediaHashMismatch, match="Graph says"):
        client.fetch(corrupted)

    intact = graph.add_media(JPEG + b"!")
    with pytest.raises(MediaHashMismatch, match="the message says"):
        client.fetch(intact, expected_sha256="0" * 64)


def test_ids_that_cannot_be_graph_ids_never_reach_the_server(graph, client):
    with pytest.raises(InvalidMediaId):
        client.fetch("../me/accounts")
    assert graph.requests == []


def test_digests_are_lowercase_hex_whatever_form_they_came_in():
    digest = hashlib.sha256(b"x").digest()
    assert normalize_sha256(digest.hex().upper()) == digest.hex()
    assert normalize_sha256(base64.b64encode(digest).decode()) == digest.hex()
    assert normalize_sha256(None) is None
    with pytest.raises(ValueError):
        normalize_sha256("not-a-digest")


def test_size_caps_follow_the_mime_family():
    assert media_family("image/jpeg") == "image" and size_cap("image/jpeg") == 5 * MIB
    assert media_family("audio/ogg; codecs=opus") == "audio" and size_cap("audio/ogg") == 16 * MIB
    assert size_cap("video/mp4") == 16 * MIB
    assert media_family("application/pdf") == "document" and size_cap("application/pdf") == 100 * MIB
    assert media_family("image/webp") == "sticker" and size_cap("image/webp") == 500 * 1024
    assert media_family("image/png", kind="sticker") == "sticker"
    assert media_family(None) == "document"
