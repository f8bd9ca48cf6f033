"""Logging to stderr with personal data masked in every record, whoever logged it."""

from __future__ import annotations

import logging
import sys

from domain.masking import mask_text


class MaskingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not lose the record
            message = str(record.msg)
        record.msg = mask_text(message)
        record.args = None
        return True


def setup_logging(level: str = "INFO") -> None:
    root = logging.getLogger()
    if getattr(root, "_docintel_configured", False):
        root.setLevel(level)
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(MaskingFilter())
    root.addHandler(handler)
    root.setLevel(level)
    root._docintel_configured = True  # type: ignore[attr-defined]
