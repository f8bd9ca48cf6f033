"""Kept so that ``from signing.validate import ...`` goes on working; the code lives in ``signing.validation``."""

from .validation import (  # noqa: F401
    INDETERMINATE,
    TOTAL_FAILED,
    TOTAL_PASSED,
    SignatureResult,
    TimestampResult,
    TrustConfig,
    VerificationReport,
    verify,
)
