"""Checking signatures found by a byte scan (``raw_scan``) in a file whose structure cannot be parsed.

Each signature's CMS is checked against the digest of the bytes its /ByteRange names (EN 319 102-1 basic
validation). With no object structure, what changed after a signature cannot be analysed, so a signature that
would pass is reported INDETERMINATE, never TOTAL-PASSED; a digest that does not match is TOTAL-FAILED/
HASH_FAILURE, which is what a damaged or cut signed file must show.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging

from . import raw_scan
from .outcome import ades_indication, iso, subject
from .report import INDETERMINATE, TOTAL_FAILED, TOTAL_PASSED, SignatureResult, TimestampResult, TrustConfig, failed
from .spec import validation_spec

log = logging.getLogger(__name__)


async def verify_scanned(pdf: bytes, found: list[raw_scan.RawSignature], trust: TrustConfig):
    from pyhanko_certvalidator.fetchers.aiohttp_fetchers import AIOHttpFetcherBackend

    from signing.http import new_session

    ts_offsets = [s.byte_range[2] for s in found if s.is_document_timestamp]
    async with new_session() as session:
        backend = AIOHttpFetcherBackend(session=session)
        results = [
            await _verify_raw(pdf, sig, trust, backend, ts_offsets) for sig in found if not sig.is_document_timestamp
        ]
        ts_results = [await _verify_raw_timestamp(pdf, sig, trust) for sig in found if sig.is_document_timestamp]
    return results, ts_results


def _signed_data(sig: raw_scan.RawSignature):
    from asn1crypto import cms

    if not sig.contents:
        raise ValueError("the /Contents hole holds no signature")
    info = cms.ContentInfo.load(sig.contents.rstrip(b"\0") or sig.contents)
    if info["content_type"].native != "signed_data":
        raise ValueError(f"the /Contents is a CMS {info['content_type'].native}, not signed data")
    return info["content"]


def _digest(signed_data, sig: raw_scan.RawSignature, pdf: bytes) -> bytes:
    algo = signed_data["signer_infos"][0]["digest_algorithm"]["algorithm"].native
    return hashlib.new(algo, raw_scan.signed_bytes(sig.byte_range, pdf)).digest()


async def _verify_raw(pdf: bytes, sig: raw_scan.RawSignature, trust: TrustConfig, backend, ts_offsets):
    from pyhanko.sign.validation.ades import ades_basic_validation

    from .levels import has_signature_timestamp, level_of

    name = sig.field_name or f"signature at byte {sig.offset}"
    problem = raw_scan.byte_range_problem(sig.byte_range, pdf)
    covers_all = sig.byte_range[2] + sig.byte_range[3] == len(pdf)
    try:
        signed_data = _signed_data(sig)
        signer_info = signed_data["signer_infos"][0]
        spec = validation_spec(trust, fetch=trust.allow_fetching, backend=backend).signature_validation_spec
        result = await ades_basic_validation(signed_data, spec, raw_digest=_digest(signed_data, sig, pdf))
    except Exception as exc:  # a malformed CMS fails its own signature only
        log.info("scanned signature %s could not be validated: %s", name, exc)
        return _unprocessable(name, exc, problem)
    status = result.api_status
    cert = status.signing_cert if status is not None else None
    outcome = ades_indication(result, cert)
    has_ts = has_signature_timestamp(signer_info)
    later_ts = any(offset > sig.byte_range[2] for offset in ts_offsets)
    level = level_of(has_ts or later_ts, raw_scan.has_dss_revinfo(pdf), later_ts)
    intact = bool(status.intact) if status is not None else False
    out = SignatureResult(
        field=name,
        indication=outcome.indication,
        sub_indication=outcome.sub_indication,
        signer=subject(cert),
        signer_issuer=cert.issuer.human_friendly if cert is not None else None,
        signing_time=iso(outcome.best_time),
        claimed_signing_time=iso(status.signer_reported_dt) if status is not None else None,
        level=str(level),
        intact=intact,
        crypto_valid=bool(status.valid) if status is not None else False,
        trusted=bool(status.trusted) if status is not None else False,
        coverage="ENTIRE_FILE" if covers_all else None,
        modification_level=None,
        modified_after_signing=not covers_all,
        timestamp=None,
        message=outcome.message,
        level_claimed=str(level),
        level_reached=str(level),
    )
    if not intact and out.indication != TOTAL_FAILED:
        out = failed(out, "HASH_FAILURE", "the signed bytes do not match the signature's digest")
    if problem is not None:
        out = failed(out, "FORMAT_FAILURE", problem, intact=False)
    if out.indication == TOTAL_PASSED:
        out = dataclasses.replace(
            out,
            indication=INDETERMINATE,
            sub_indication="SIG_CONSTRAINTS_FAILURE",
            message="the signature is intact, but the PDF's structure is damaged: what was signed and what "
            "changed after it cannot be shown",
        )
    return out


def _unprocessable(name: str, exc: Exception, problem: str | None) -> SignatureResult:
    message = f"signature could not be processed: {exc}"
    return SignatureResult(
        field=name,
        indication=TOTAL_FAILED,
        sub_indication="FORMAT_FAILURE",
        signer=None,
        signer_issuer=None,
        signing_time=None,
        claimed_signing_time=None,
        level=None,
        intact=False,
        crypto_valid=False,
        trusted=False,
        coverage=None,
        modification_level=None,
        modified_after_signing=True,
        timestamp=None,
        message=f"{problem}; {message}" if problem else message,
    )


async def _verify_raw_timestamp(pdf: bytes, sig: raw_scan.RawSignature, trust: TrustConfig) -> TimestampResult:
    from pyhanko.sign.validation.generic_cms import validate_tst_signed_data
    from pyhanko_certvalidator import ValidationContext

    if raw_scan.byte_range_problem(sig.byte_range, pdf) is not None:
        return TimestampResult(time=None, valid=False, trusted=False, tsa=None)
    data = raw_scan.signed_bytes(sig.byte_range, pdf)
    try:
        signed_data = _signed_data(sig)
        vc = ValidationContext(trust_roots=list(trust.roots), allow_fetching=False)
        kwargs = await validate_tst_signed_data(signed_data, vc, lambda algo: hashlib.new(algo, data).digest())
    except Exception as exc:
        log.info("scanned document timestamp could not be validated: %s", exc)
        return TimestampResult(time=None, valid=False, trusted=False, tsa=None)
    cert = kwargs.get("signing_cert")
    return TimestampResult(
        time=iso(kwargs.get("timestamp")),
        valid=bool(kwargs.get("intact") and kwargs.get("valid")),
        trusted=bool(kwargs.get("trust_problem_indic") is None and kwargs.get("validation_path") is not None),
        tsa=subject(cert),
    )
