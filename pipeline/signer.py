"""The process's signer, opened once at start-up: ready, or unavailable with the reason (readiness shows it and
finalize answers 503 with it; extraction keeps working either way)."""

from __future__ import annotations

import logging
from typing import Any

from config.settings import Settings
from domain.errors import DocintelError, SignerUnavailable

log = logging.getLogger(__name__)


class SignerHandle:
    def __init__(self, signer: Any, error: str | None, level: str) -> None:
        self._signer = signer
        self.error = error
        self.level = level

    @property
    def ready(self) -> bool:
        return self._signer is not None

    def status(self) -> dict[str, Any]:
        if self._signer is None:
            return {"ok": False, "error": self.error}
        return {
            "ok": True,
            "level": self.level,
            "backend": self._signer.settings.backend,
            "test_only": bool(self._signer.test_only),
            "timestamps": self._signer.timestamper is not None,
        }

    def require(self) -> Any:
        if self._signer is None:
            raise SignerUnavailable(f"the signer is not available: {self.error}", message_zh="签章服务不可用")
        return self._signer

    def sign(self, pdf: bytes) -> bytes:
        from signing.service import sign_pdf

        return sign_pdf(pdf, signer=self.require(), level=self.level)

    def close(self) -> None:
        # The dev PKI's loopback services belong to the process, shared by every signer in it (tests build several
        # apps): they end with the process, not with one app.
        self._signer = None
        self.error = "closed"


def open_signer(settings: Settings) -> SignerHandle:
    level = settings.signing.default_level
    from signing.service import build_signer

    try:
        return SignerHandle(build_signer(settings.signing, env=settings.env), None, level)
    except DocintelError as exc:
        log.warning("signer unavailable: %s", exc.one_line())
        return SignerHandle(None, exc.message, level)
