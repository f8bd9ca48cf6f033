"""Signature validation of an uploaded PDF, with the trust roots of this installation."""

from __future__ import annotations

from typing import Any

from capture.sniff import FileKind, sniff
from domain.errors import UnsupportedFileType
from pipeline.services import CaseServices


def verify_document(svc: CaseServices, *, data: bytes) -> dict[str, Any]:
    if sniff(data) != FileKind.PDF:
        raise UnsupportedFileType("only PDF files carry PAdES signatures", message_zh="仅支持校验 PDF 文件的签章")
    from signing.service import verify_pdf  # pyHanko is heavy: loaded on first use

    return verify_pdf(data, settings=svc.settings.signing, env=svc.settings.env).to_dict()
