"""An authorised HTTP session for gspread that can send Google Sheets API traffic to another endpoint.

gspread builds every URL from the constant https://sheets.googleapis.com; rewriting at the transport layer
lets the exact production code path (gspread -> google-auth -> requests) talk to a local stand-in instead.
With the default endpoint nothing is rewritten.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from google.auth.credentials import Credentials
from google.auth.transport.requests import AuthorizedSession, Request
from requests import PreparedRequest, Response, Session
from requests.adapters import HTTPAdapter

GOOGLE_SHEETS_ENDPOINT = "https://sheets.googleapis.com"
IAM_CREDENTIALS_ENDPOINT = "https://iamcredentials.googleapis.com"


class EndpointAdapter(HTTPAdapter):
    """Sends requests addressed to `origin` to `endpoint` instead, and counts every request it sends."""

    # google-auth deep-copies its transport for background lookups; copies must keep the redirect.
    __attrs__ = HTTPAdapter.__attrs__ + ["origin", "endpoint", "sent"]

    def __init__(self, origin: str, endpoint: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.origin = origin.rstrip("/")
        self.endpoint = endpoint.rstrip("/")
        self.sent = 0

    def send(self, request: PreparedRequest, **kwargs: Any) -> Response:  # type: ignore[override]
        self.sent += 1
        url = request.url or ""
        if self.endpoint != self.origin and url.startswith(self.origin + "/"):
            request.url = self.endpoint + url[len(self.origin) :]
        return super().send(request, **kwargs)


class EndpointSession(AuthorizedSession):
    """google-auth's `AuthorizedSession` whose Google API requests go to `endpoint` and are counted.

    Credentials refresh against their own `token_uri`, so a stand-in is reached the same way Google is.
    google-auth also asks the IAM credentials API for the account's regional access boundary; when the
    endpoint is not Google's, that request goes to the endpoint too, so nothing leaves for the real Google.
    `adapter` replaces the plain redirecting adapter (the sink passes a `ResilientAdapter`: throttle, retries,
    breaker); it must send to the same endpoint.
    """

    def __init__(
        self,
        credentials: Credentials,
        endpoint: str = GOOGLE_SHEETS_ENDPOINT,
        adapter: EndpointAdapter | None = None,
        **kwargs: Any,
    ) -> None:
        endpoint = check_endpoint(endpoint)
        self._auth_session: Session | None = None
        if endpoint != GOOGLE_SHEETS_ENDPOINT and "auth_request" not in kwargs:
            # The same session google-auth would build for itself (retrying adapter), plus the redirect.
            self._auth_session = Session()
            self._auth_session.mount("https://", HTTPAdapter(max_retries=3))
            self._auth_session.mount(
                IAM_CREDENTIALS_ENDPOINT + "/", EndpointAdapter(IAM_CREDENTIALS_ENDPOINT, endpoint, max_retries=3)
            )
            kwargs["auth_request"] = Request(self._auth_session)
        super().__init__(credentials, **kwargs)
        self.adapter = adapter if adapter is not None else EndpointAdapter(GOOGLE_SHEETS_ENDPOINT, endpoint)
        # The trailing slash keeps look-alike hosts (sheets.googleapis.com.example) off this adapter.
        self.mount(GOOGLE_SHEETS_ENDPOINT + "/", self.adapter)

    def close(self) -> None:
        super().close()
        if self._auth_session is not None:
            self._auth_session.close()


def check_endpoint(endpoint: str) -> str:
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"Sheets endpoint {endpoint!r} must be a base URL like https://sheets.googleapis.com")
    return endpoint.rstrip("/")
