"""Validation of the signatures in a PDF: report types (``report``), the procedure (``procedure``), the byte
scan for damaged files (``raw_scan``, ``recovered``) and the PAdES levels over a file's revisions (``levels``)."""

# asn1crypto registers "tst_info" in cms.ContentType only when asn1crypto.tsp is imported, and caches the reverse
# map on first use: a CMS parsed before that import leaves "tst_info" unknown to the whole process (a dev TSA
# in the same process then fails every request). Import it before any CMS is touched.
import asn1crypto.tsp  # noqa: F401

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
