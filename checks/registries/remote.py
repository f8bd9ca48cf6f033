"""A registry behind HTTP. The protocol (ours; a gateway maps it onto each registry's own API)::

    POST {base_url}/{source}/verify   {"key": "...", "claims": {"name": "...", ...}}
    200 {"found": true, "mismatched": ["name"]}   or   {"found": false}   (404 also means not found)

Timeouts, connection errors and 5xx are retried with a short backoff; when every try fails the answer is
UNAVAILABLE. Other 4xx answers are not retried (the request itself is wrong) and are UNAVAILABLE too.
"""

from __future__ import annotations

import logging
import time

import httpx

from checks.registries.base import FactQuery, Outcome, Registry, RegistryUnavailable, Verification

log = logging.getLogger(__name__)


class HttpRegistry(Registry):
    name = "http"

    def __init__(
        self,
        base_url: str,
        *,
        timeout_s: float = 3.0,
        retries: int = 2,
        backoff_s: float = 0.2,
        api_key: str | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.Client(
            base_url=base_url.rstrip("/"), timeout=timeout_s, headers=headers, transport=transport
        )
        self._retries = retries
        self._backoff_s = backoff_s

    def _post(self, query: FactQuery) -> httpx.Response:
        last_error = ""
        for attempt in range(self._retries + 1):
            if attempt:
                time.sleep(self._backoff_s * 2 ** (attempt - 1))
            try:
                response = self._client.post(
                    f"/{query.source.value}/verify", json={"key": query.key, "claims": dict(query.claims)}
                )
            except httpx.TimeoutException:
                last_error = "timed out"
                continue
            except httpx.TransportError as exc:
                last_error = f"connection failed ({type(exc).__name__})"
                continue
            if response.status_code >= 500:
                last_error = f"HTTP {response.status_code}"
                continue
            return response
        raise RegistryUnavailable(f"{query.source.value}: {last_error} after {self._retries + 1} tries")

    def _verify(self, query: FactQuery) -> Verification:
        response = self._post(query)
        if response.status_code == 404:
            return Verification(query, Outcome.NOT_FOUND)
        if response.status_code != 200:
            raise RegistryUnavailable(f"{query.source.value}: HTTP {response.status_code}")
        try:
            body = response.json()
            found = bool(body["found"])
            mismatched = tuple(str(m) for m in body.get("mismatched", ()) if m in query.claims) if found else ()
        except (ValueError, KeyError, TypeError):
            raise RegistryUnavailable(f"{query.source.value}: malformed answer") from None
        if not found:
            return Verification(query, Outcome.NOT_FOUND)
        return Verification(query, Outcome.CONTRADICTED if mismatched else Outcome.CONFIRMED, mismatched)

    def close(self) -> None:
        self._client.close()
