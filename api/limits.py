"""Request body limit, enforced while the body streams in (Content-Length can be absent or lie)."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import BodyTooLarge, domain_problem
from domain.errors import FileTooLarge


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            # Refused before a byte of the body is read.
            response = domain_problem(
                FileTooLarge(
                    f"the request body ({int(declared)} bytes) is over the limit of {self.limit} bytes",
                    message_zh=f"上传内容过大（上限 {self.limit // (1024 * 1024)} MB）",
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
                if received > self.limit:
                    raise BodyTooLarge(self.limit)
            return message

        await self.app(scope, _receive, send)
