"""Downloading received media through the WhatsApp Cloud (Graph) API: media id -> fresh URL -> verified bytes.

Meta's flow (https://developers.facebook.com/docs/whatsapp/cloud-api/reference/media): `GET /{version}/{media-id}`
with the bearer token answers `{messaging_product, url, mime_type, sha256, file_size, id}`; the `url` is valid for
five minutes and must itself be fetched with the same bearer token. Media ids live about seven days, so a URL is
asked for on every attempt and never kept.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

KIB = 1024
MIB = 1024 * KIB

# Meta's published per-type limits; anything past them is not a WhatsApp media file we should hold.
SIZE_CAPS = {
    "image": 5 * MIB,
    "audio": 16 * MIB,
    "video": 16 * MIB,
    "document": 100 * MIB,
    "sticker": 500 * KIB,
}

# Graph error codes that mean "slow down / try later" even when the HTTP status is 4xx.
_THROTTLE_CODES = {4, 17, 32, 613, 80007, 130429, 131048, 131056}
# Graph error codes that mean the token (not the media) is wrong: a configuration error, not an item error.
_AUTH_CODES = {102, 190, 10, 200, 3}
_MEDIA_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")
_CHUNK = 64 * KIB


class MediaError(Exception):
    """A media item that could not be fetched; `retriable` says whether a later attempt may succeed."""

    retriable = False

    def __init__(self, media_id: str, reason: str) -> None:
        super().__init__(f"media {media_id}: {reason}")
        self.media_id = media_id
        self.reason = reason


class MediaTooLarge(MediaError):
    """Bigger than WhatsApp allows for its type; re-fetching gives the same answer."""


class MediaHashMismatch(MediaError):
    """The bytes are not the file WhatsApp described: corrupted or substituted."""


class MediaExpired(MediaError):
    """Graph no longer knows the media id (ids live about seven days, or it was deleted)."""


class InvalidMediaId(MediaError):
    """The id cannot be a Graph object id; asking Graph would be pointless (and unsafe in a URL path)."""


class MediaUnavailable(MediaError):
    """A transient failure: 5xx, throttling, timeout, dropped connection or a download URL that lapsed."""

    retriable = True


class GraphAuthError(Exception):
    """The access token was refused: a configuration problem that no retry of any single item fixes."""


@dataclass(frozen=True)
class MediaMetadata:
    media_id: str
    url: str
    mime_type: str | None
    sha256: str | None
    file_size: int | None


def media_family(mime: str | None, kind: str | None = None) -> str:
    """The size-cap family: stickers (webp) are capped apart from images; unknown types count as documents."""
    mime = (mime or "").split(";")[0].strip().lower()
    if kind == "sticker" or mime == "image/webp":
        return "sticker"
    major = mime.split("/")[0]
    if major in ("image", "audio", "video"):
        return major
    return "document"


def size_cap(mime: str | None, kind: str | None = None) -> int:
    return SIZE_CAPS[media_family(mime, kind)]


def normalize_sha256(value: str | None) -> str | None:
    """Lowercase hex; also accepts the base64 form some WhatsApp payloads carry."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    if re.fullmatch(r"[0-9a-fA-F]{64}", text):
        return text.lower()
    try:
        raw = base64.b64decode(
            text + "=" * (-len(text) % 4), altchars=b"-_" if ("-" in text or "_" in text) else None, validate=True
        )
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) == 32:
        return raw.hex()
    raise ValueError(f"not a sha256 digest: {text[:80]!r}")


class GraphMediaClient:
    """Fetches WhatsApp media by id; thread-safe (one pooled httpx client), usable as a context manager."""

    def __init__(
        self,
        access_token: str,
        base_url: str = "https://graph.facebook.com",
        api_version: str = "v21.0",
        timeout: float = 30,
    ) -> None:
        if not access_token:
            raise ValueError("an access token is required to download WhatsApp media (WA_ACCESS_TOKEN)")
        self._token = access_token
        self.base_url = base_url.rstrip("/")
        self.api_version = api_version.strip("/")
        self.timeout = timeout
        self._http = httpx.Client(
            timeout=httpx.Timeout(timeout),
            # httpx drops Authorization on a redirect to another origin, so following redirects cannot leak it.
            follow_redirects=True,
            headers={"User-Agent": "wa-pipeline/0.1 (+media download)"},
        )

    def __repr__(self) -> str:
        return f"GraphMediaClient(base_url={self.base_url!r}, api_version={self.api_version!r})"

    def __enter__(self) -> GraphMediaClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    @property
    def _auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._token}"}

    def _clean(self, text: str) -> str:
        # Belt and braces: whatever a server or a library echoes back, the token never leaves in a message.
        return text.replace(self._token, "[redacted]") if self._token else text

    # ------------------------------------------------------------------------------------------ metadata

    def metadata(self, media_id: str) -> MediaMetadata:
        """Asks Graph for a fresh download URL and what the file should be."""
        if not isinstance(media_id, str) or not _MEDIA_ID.fullmatch(media_id):
            raise InvalidMediaId(str(media_id)[:80], "not a Graph media id")
        endpoint = f"{self.base_url}/{self.api_version}/{media_id}"
        try:
            response = self._http.get(endpoint, headers=self._auth)
        except httpx.TimeoutException:
            raise MediaUnavailable(media_id, f"Graph did not answer within {self.timeout:g}s") from None
        except httpx.TransportError as exc:
            raise MediaUnavailable(media_id, self._clean(f"cannot reach Graph: {type(exc).__name__}: {exc}")) from None
        if response.status_code != 200:
            self._raise_graph_error(media_id, response)
        try:
            body = response.json()
            url = body["url"]
        except (ValueError, KeyError, TypeError):
            raise MediaUnavailable(media_id, "Graph answered 200 without a media URL") from None
        if not isinstance(url, str) or not url:
            raise MediaUnavailable(media_id, "Graph answered 200 without a media URL")
        try:
            sha256 = normalize_sha256(body.get("sha256"))
        except ValueError:
            sha256 = None
        return MediaMetadata(
            media_id=media_id,
            url=url,
            mime_type=body.get("mime_type"),
            sha256=sha256,
            file_size=_as_int(body.get("file_size")),
        )

    def _raise_graph_error(self, media_id: str, response: httpx.Response) -> None:
        status = response.status_code
        error = _graph_error(response)
        code = error.get("code")
        detail = self._clean(str(error.get("message") or response.reason_phrase or "no message"))[:300]
        described = f"Graph answered {status}" + (f" (code {code})" if code is not None else "") + f": {detail}"
        if status in (401, 403) or code in _AUTH_CODES:
            raise GraphAuthError(
                f"the Graph access token was refused ({described}); check WA_ACCESS_TOKEN "
                "(a system-user token with whatsapp_business_messaging permission)"
            )
        if status == 429 or status >= 500 or code in _THROTTLE_CODES or error.get("is_transient") is True:
            raise MediaUnavailable(media_id, described)
        if status in (400, 404, 410):
            raise MediaExpired(media_id, f"the media id is unknown to Graph, expired or deleted ({described})")
        raise MediaUnavailable(media_id, described)

    # ------------------------------------------------------------------------------------------ download

    def fetch(self, media_id: str, expected_sha256: str | None = None, kind: str | None = None) -> bytes:
        """The media's bytes, fetched through a URL asked for just now, capped by type and hash-verified.

        `expected_sha256` is the digest the webhook payload carried, checked as well when given; `kind`
        ("sticker", ...) refines the size cap where the mime type alone cannot.
        """
        expected = normalize_sha256(expected_sha256)
        meta = self.metadata(media_id)
        family = media_family(meta.mime_type, kind)
        cap = SIZE_CAPS[family]
        if meta.file_size is not None and meta.file_size > cap:
            raise MediaTooLarge(media_id, f"Graph reports {meta.file_size} bytes, over the {cap}-byte {family} limit")
        data = self._download(meta, cap, family)
        actual = hashlib.sha256(data).hexdigest()
        if meta.sha256 is not None and actual != meta.sha256:
            raise MediaHashMismatch(media_id, f"downloaded bytes hash to {actual}, Graph says {meta.sha256}")
        if expected is not None and actual != expected:
            raise MediaHashMismatch(media_id, f"downloaded bytes hash to {actual}, the message says {expected}")
        return data

    def _download(self, meta: MediaMetadata, cap: int, family: str) -> bytes:
        media_id = meta.media_id
        scheme = urlsplit(meta.url).scheme
        if scheme != "https" and not (scheme == "http" and self.base_url.startswith("http://")):
            # The bearer token goes with the download; never over plain HTTP to a real host.
            raise MediaUnavailable(media_id, f"refusing to send the token to a {scheme or 'relative'} URL")
        try:
            with self._http.stream("GET", meta.url, headers=self._auth) as response:
                if response.status_code != 200:
                    response.read()
                    self._raise_download_error(media_id, response)
                declared = _as_int(response.headers.get("content-length"))
                if declared is not None and declared > cap:
                    raise MediaTooLarge(
                        media_id, f"the download is {declared} bytes, over the {cap}-byte {family} limit"
                    )
                chunks: list[bytes] = []
                received = 0
                for chunk in response.iter_bytes(_CHUNK):
                    received += len(chunk)
                    if received > cap:
                        # Leaving the `with` closes the connection: nothing past the cap is read.
                        raise MediaTooLarge(
                            media_id, f"more than {cap} bytes received, over the {family} limit; stopped reading"
                        )
                    chunks.append(chunk)
        except httpx.TimeoutException:
            raise MediaUnavailable(
                media_id, f"the media download did not finish within {self.timeout:g}s per read"
            ) from None
        except httpx.TransportError as exc:
            raise MediaUnavailable(
                media_id, self._clean(f"media download failed: {type(exc).__name__}: {exc}")
            ) from None
        return b"".join(chunks)

    def _raise_download_error(self, media_id: str, response: httpx.Response) -> None:
        status = response.status_code
        if status in (401, 403):
            raise GraphAuthError(f"the media download was refused with {status}; check WA_ACCESS_TOKEN")
        if status in (404, 410):
            # The URL lapsed (five minutes) or was used up: the id itself may still be good, so try again later.
            raise MediaUnavailable(media_id, f"the download URL answered {status} (expired or already used)")
        raise MediaUnavailable(media_id, f"the media download answered {status}")


def _graph_error(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except (ValueError, json.JSONDecodeError):
        return {}
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else {}


def _as_int(value: object) -> int | None:
    # Graph sends file_size as a string ("303833") in its reference, as a number in some responses.
    try:
        return int(str(value).strip()) if value is not None and str(value).strip() != "" else None
    except ValueError:
        return None
