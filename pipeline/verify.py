"""Signature validation of an uploaded PDF, with the trust roots of this installation."""

from __future__ import annotations

from typing import Any

from capture.sniff import FileKind, sniff
from domain.errors import SignerUnavailable, UnsupportedFileType
from pipeline.cases import CaseServices


def verify_document(svc: CaseServices, *, data: bytes) -> dict[str, Any]:
    if sniff(data) != FileKind.PDF:
        raise UnsupportedFileType("only PDF files carry PAdES signatures", message_zh="仅支持校验 PDF 文件的签章")
    try:
        from signing.service import verify_pdf
    except ImportError as exc:
        raise SignerUnavailable(f"signature validation is not installed ({exc})", message_zh="验章服务不可用") from None
    report = verify_pdf(data, settings=svc.settings.signing)
    return report if isinstance(report, dict) else report.to_json()
