"""Validation of the signatures in a PDF: report types (``report``), the procedure (``procedure``), the byte
scan for damaged files (``raw_scan``, ``recovered``) and the PAdES levels over a file's revisions (``levels``)."""

from .procedure import verify
from .report import (
    INDETERMINATE,
    TOTAL_FAILED,
    TOTAL_PASSED,
    SignatureResult,
    TimestampResult,
    TrustConfig,
    VerificationReport,
)

__all__ = [
    "INDETERMINATE",
    "TOTAL_FAILED",
    "TOTAL_PASSED",
    "SignatureResult",
    "TimestampResult",
    "TrustConfig",
    "VerificationReport",
    "verify",
]
