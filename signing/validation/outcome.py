"""From pyHanko's AdES result to our indication, and the checks that can still turn it TOTAL-FAILED."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .report import INDETERMINATE, TOTAL_FAILED, TOTAL_PASSED, SignatureResult, failed

_ALLOWED_COVERAGE = ("ENTIRE_FILE", "ENTIRE_REVISION")


@dataclass(frozen=True)
class Outcome:
    indication: str
    sub_indication: str | None
    message: str | None
    best_time: datetime | None


def ades_indication(result, cert) -> Outcome:
    indication = {"PASSED": TOTAL_PASSED, "INDETERMINATE": INDETERMINATE, "FAILED": TOTAL_FAILED}[
        result.ades_subindic.status.name
    ]
    sub = None if indication == TOTAL_PASSED else result.ades_subindic.name
    message = None if indication == TOTAL_PASSED else result.failure_msg
    best_time = getattr(result, "best_signature_time", None)
    if indication == TOTAL_PASSED and best_time is not None and cert is not None and cert.not_valid_after < best_time:
        # EN 319 102-1 5.5.4: a signature whose best time is after its certificate expired, with no proof of
        # existence before that, is INDETERMINATE/OUT_OF_BOUNDS_NO_POE. pyHanko 0.38 leaves this step out.
        indication, sub = INDETERMINATE, "OUT_OF_BOUNDS_NO_POE"
        message = f"signing certificate expired {cert.not_valid_after.isoformat()}, before the signature time"
    return Outcome(indication, sub, message, best_time)


def finish_checks(
    sig: SignatureResult,
    *,
    byte_range_problem: str | None,
    diff_error: str | None,
    dss_removed_at: int | None,
    later_revisions: bool,
) -> SignatureResult:
    """The checks on top of pyHanko's verdict (see ``procedure``)."""
    if byte_range_problem is not None:
        sig = failed(sig, "FORMAT_FAILURE", byte_range_problem, intact=False, modified_after_signing=True)
    bad_coverage = sig.coverage is not None and sig.coverage not in _ALLOWED_COVERAGE
    if sig.modification_level == "OTHER" or bad_coverage:
        what = (
            f"the signature covers {sig.coverage}, not the whole revision it was made in"
            if bad_coverage
            else "the document was changed after signing in a way a signed PDF does not allow"
        )
        sig = failed(sig, "FORMAT_FAILURE", what, modified_after_signing=True)
    if dss_removed_at is not None:
        sig = failed(
            sig,
            "FORMAT_FAILURE",
            f"revision {dss_removed_at} took out the validation data (/DSS) an earlier revision had added",
            modified_after_signing=True,
        )
    if diff_error is not None and later_revisions and sig.indication != TOTAL_FAILED:
        import dataclasses

        note = f"what changed after signing could not be analysed ({diff_error})"
        if sig.indication == TOTAL_PASSED:
            sig = dataclasses.replace(sig, indication=INDETERMINATE, sub_indication="SIG_CONSTRAINTS_FAILURE")
        sig = dataclasses.replace(
            sig, message=f"{sig.message}; {note}" if sig.message else note, modified_after_signing=True
        )
    return sig


def broken(name: str, emb, exc: Exception) -> SignatureResult:
    return SignatureResult(
        field=name,
        indication=TOTAL_FAILED,
        sub_indication="FORMAT_FAILURE",
        signer=safe(lambda: subject(emb.signer_cert)),
        signer_issuer=safe(lambda: emb.signer_cert.issuer.human_friendly),
        signing_time=None,
        claimed_signing_time=safe(lambda: iso(emb.self_reported_timestamp)),
        level=None,
        intact=False,
        crypto_valid=False,
        trusted=False,
        coverage=None,
        modification_level=None,
        modified_after_signing=True,
        timestamp=None,
        message=f"signature could not be processed: {exc}",
    )


def subject(cert) -> str | None:
    return cert.subject.human_friendly if cert is not None else None


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def safe(fn):
    try:
        return fn()
    except Exception:
        return None
