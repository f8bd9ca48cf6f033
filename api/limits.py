"""Request body limit, enforced while the body streams in (Content-Length can be absent or lie). One limit for
every route, and larger ones for the few routes that take more than one file (a loan team's package)."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import BodyTooLarge, domain_problem
from domain.errors import FileTooLarge


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, limit: int, per_path: Mapping[str, int] | None = None) -> None:
        self.app = app
        self.default = limit
        self.per_path = dict(per_path or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.per_path.get(scope.get("path", "").rstrip("/"), self.default)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            # Refused before a byte of the body is read.
            response = domain_problem(
                FileTooLarge(
                    f"the request body ({int(declared)} bytes) is over the limit of {limit} bytes",
                    message_zh=f"上传内容过大（上限 {limit // (1024 * 1024)} MB）",
                ),
                scope.get("path"),
            )
            await response(scope, receive, send)
            return
        received = 0

        async def _receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        await self.app(scope, _receive, send)
