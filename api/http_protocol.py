"""uvicorn's h11 protocol with a header-read timeout, which uvicorn lacks: a client that connects and then sends
its request line and headers slowly, or not at all (slowloris), holds a connection for ever. Here the headers of
each request must arrive within ``header_timeout_s`` of its first byte (of the connection, for the first
request); otherwise the connection is closed. Between requests uvicorn's own keep-alive timeout applies."""

from __future__ import annotations

import asyncio
import logging

from uvicorn.protocols.http.h11_impl import H11Protocol

log = logging.getLogger(__name__)


class HeaderTimeoutH11Protocol(H11Protocol):
    header_timeout_s: float = 10.0

    _header_timer: asyncio.TimerHandle | None = None

    def _waiting_for_headers(self) -> bool:
        return self.cycle is None or self.cycle.response_complete

    def _arm(self) -> None:
        if self._header_timer is None:
            self._header_timer = self.loop.call_later(self.header_timeout_s, self._headers_too_slow)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if self._waiting_for_headers() and not self.transport.is_closing():
            log.info("closing a connection whose request headers took over %.0f s", self.header_timeout_s)
            self.transport.close()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        if self._waiting_for_headers():
            self._arm()  # the first bytes of a further request on a kept-alive connection
        super().data_received(data)
        if not self._waiting_for_headers():
            self._disarm()  # a request's headers are in: the app's own time limits apply from here

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)


def protocol_with_header_timeout(header_timeout_s: float) -> type[HeaderTimeoutH11Protocol]:
    """The protocol class for ``uvicorn.run(http=...)``, with this timeout."""
    return type("HeaderTimeoutH11Protocol", (HeaderTimeoutH11Protocol,), {"header_timeout_s": header_timeout_s})
