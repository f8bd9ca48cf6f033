"""Validation of every signature in a PDF, with an ETSI EN 319 102-1 style indication per signature.

Each signature goes through pyHanko's AdES long-term validation (``ades_lta_validation``): the document
timestamps are the evidence record, the DSS and any revocation data inside the signature are local knowledge,
and online fetching is used only if allowed. That is the same procedure for a B-B file from a partner bank as for
our own B-LTA seals; the level a file reached is reported next to the verdict.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from domain.errors import CorruptFile, EncryptedPdf

from .spec import Level

if TYPE_CHECKING:
    from asn1crypto import x509

log = logging.getLogger(__name__)

TOTAL_PASSED = "TOTAL-PASSED"
INDETERMINATE = "INDETERMINATE"
TOTAL_FAILED = "TOTAL-FAILED"


@dataclass(frozen=True)
class TrustConfig:
    """What to trust when validating: the roots, and whether revocation data may be fetched online."""

    roots: tuple[x509.Certificate, ...]
    allow_fetching: bool = True
    dev_pki: bool = False  # the roots include the TEST-ONLY dev root


@dataclass(frozen=True)
class TimestampResult:
    time: str | None
    valid: bool
    trusted: bool
    tsa: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"time": self.time, "valid": self.valid, "trusted": self.trusted, "tsa": self.tsa}


@dataclass(frozen=True)
class SignatureResult:
    field: str
    indication: str
    sub_indication: str | None
    signer: str | None
    signer_issuer: str | None
    signing_time: str | None  # best known time (a timestamp's, else the time claimed by the signer)
    claimed_signing_time: str | None
    level: str | None  # the PAdES baseline level the file carries for this signature
    intact: bool
    crypto_valid: bool
    trusted: bool
    coverage: str | None
    modification_level: str | None
    modified_after_signing: bool
    timestamp: TimestampResult | None
    message: str | None = None

    @property
    def passed(self) -> bool:
        return self.indication == TOTAL_PASSED and not self.modified_after_signing

    def to_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "indication": self.indication,
            "sub_indication": self.sub_indication,
            "signer": self.signer,
            "signer_issuer": self.signer_issuer,
            "signing_time": self.signing_time,
            "claimed_signing_time": self.claimed_signing_time,
            "level": self.level,
            "intact": self.intact,
            "crypto_valid": self.crypto_valid,
            "trusted": self.trusted,
            "coverage": self.coverage,
            "modification_level": self.modification_level,
            "modified_after_signing": self.modified_after_signing,
            "timestamp": self.timestamp.to_dict() if self.timestamp else None,
            "message": self.message,
        }


@dataclass(frozen=True)
class VerificationReport:
    sha256: str
    signatures: tuple[SignatureResult, ...]
    document_timestamps: tuple[TimestampResult, ...] = ()
    trust: dict[str, Any] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        """At least one signature, and every one TOTAL-PASSED on an unmodified document."""
        return bool(self.signatures) and all(s.passed for s in self.signatures)

    def to_dict(self) -> dict[str, Any]:
        return {
            "sha256": self.sha256,
            "valid": self.valid,
            "signature_count": len(self.signatures),
            "signatures": [s.to_dict() for s in self.signatures],
            "document_timestamps": [t.to_dict() for t in self.document_timestamps],
            "trust": self.trust,
        }


def verify(pdf: bytes, *, trust: TrustConfig) -> VerificationReport:
    """Validates every signature and document timestamp in ``pdf`` against ``trust``."""
    _quiet_pyhanko_logs()
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    except (PdfReadError, ValueError, KeyError, IndexError) as exc:
        raise CorruptFile(f"not a readable PDF ({exc})", message_zh="不是可读取的 PDF 文件") from exc
    if reader.encrypted:
        raise EncryptedPdf("the PDF is encrypted; signatures in encrypted files are not checked")
    try:
        signatures = list(reader.embedded_regular_signatures)
        doc_timestamps = list(reader.embedded_timestamp_signatures)
    except (PdfReadError, ValueError, KeyError) as exc:
        raise CorruptFile(f"the PDF's signature fields cannot be read ({exc})") from exc
    results, ts_results = asyncio.run(_verify_all(reader, signatures, doc_timestamps, trust))
    return VerificationReport(
        sha256=hashlib.sha256(pdf).hexdigest(),
        signatures=tuple(results),
        document_timestamps=tuple(ts_results),
        trust={
            "roots": [r.subject.human_friendly for r in trust.roots],
            "dev_pki_test_only": trust.dev_pki,
            "online_fetching": trust.allow_fetching,
        },
    )


async def _verify_all(reader, signatures, doc_timestamps, trust: TrustConfig):
    from pyhanko_certvalidator.fetchers.aiohttp_fetchers import AIOHttpFetcherBackend

    from .http import new_session

    dss_level = _dss_has_revinfo(reader)
    async with new_session() as session:
        backend = AIOHttpFetcherBackend(session=session)
        results = [await _verify_one(emb, trust, doc_timestamps, dss_level, reader, backend) for emb in signatures]
        ts_results = [await _verify_doc_timestamp(reader, ts, trust, backend) for ts in doc_timestamps]
    return results, ts_results


def _validation_spec(trust: TrustConfig, *, fetch: bool, backend=None):
    from pyhanko.sign.validation.policy_decl import (
        PdfSignatureValidationSpec,
        RevinfoOnlineFetchingRule,
        RevocationInfoGatheringSpec,
        SignatureValidationSpec,
    )
    from pyhanko_certvalidator.context import CertValidationPolicySpec
    from pyhanko_certvalidator.policy_decl import REQUIRE_REVINFO, CertRevTrustPolicy
    from pyhanko_certvalidator.registry import SimpleTrustManager

    policy = CertValidationPolicySpec(
        trust_manager=SimpleTrustManager.build(trust_roots=list(trust.roots)),
        revinfo_policy=CertRevTrustPolicy(REQUIRE_REVINFO),
    )
    rule = RevinfoOnlineFetchingRule.NO_HISTORICAL_FETCH if fetch else RevinfoOnlineFetchingRule.LOCAL_ONLY
    return PdfSignatureValidationSpec(
        SignatureValidationSpec(
            cert_validation_policy=policy,
            revinfo_gathering_policy=RevocationInfoGatheringSpec(online_fetching_rule=rule, fetcher_backend=backend),
        )
    )


async def _verify_one(
    emb, trust: TrustConfig, doc_timestamps, dss_has_revinfo: bool, reader, backend
) -> SignatureResult:
    from pyhanko.sign.diff_analysis import DEFAULT_DIFF_POLICY
    from pyhanko.sign.validation.ades import AdESPassed

    name = _field_name(emb)
    has_sig_ts = _has_signature_timestamp(emb)
    later_doc_ts = any(t.signed_revision > emb.signed_revision for t in doc_timestamps)
    level = _level(has_sig_ts, dss_has_revinfo, later_doc_ts)
    try:
        emb.compute_integrity_info(diff_policy=DEFAULT_DIFF_POLICY)
        # A file that carries its validation data is judged on it first, so an unreachable CA cannot spoil a
        # self-contained B-LT/B-LTA file; the network is asked only when that is not enough (and allowed).
        local_first = level in (Level.B_LT, Level.B_LTA) or not trust.allow_fetching
        result = await _run_process(emb, _validation_spec(trust, fetch=not local_first, backend=backend), level, reader)
        if local_first and trust.allow_fetching and result.ades_subindic is not AdESPassed.OK:
            result = await _run_process(emb, _validation_spec(trust, fetch=True, backend=backend), level, reader)
    except Exception as exc:  # a malformed signature fails itself, not the whole report
        log.info("signature %s could not be validated: %s", name, exc)
        return _broken(name, emb, exc)
    status = result.api_status
    indication = {"PASSED": TOTAL_PASSED, "INDETERMINATE": INDETERMINATE, "FAILED": TOTAL_FAILED}[
        result.ades_subindic.status.name
    ]
    sub = None if indication == TOTAL_PASSED else result.ades_subindic.name
    message = None if indication == TOTAL_PASSED else result.failure_msg
    best_time = getattr(result, "best_signature_time", None)
    # A CMS without its signer's certificate has no status to read it from, and pyHanko raises when asked for it:
    # the result (INDETERMINATE, NO_SIGNING_CERTIFICATE_FOUND) is reported with no signer named.
    cert = status.signing_cert if status is not None else _safe(lambda: emb.signer_cert)
    if indication == TOTAL_PASSED and best_time is not None and cert is not None and cert.not_valid_after < best_time:
        # EN 319 102-1 5.5.4: a signature whose best time is after its certificate expired, with no proof of
        # existence before that, is INDETERMINATE/OUT_OF_BOUNDS_NO_POE. pyHanko 0.38 leaves this step out.
        indication, sub = INDETERMINATE, "OUT_OF_BOUNDS_NO_POE"
        message = f"signing certificate expired {cert.not_valid_after.isoformat()}, before the signature time"
    ts = None
    if status is not None and status.timestamp_validity is not None:
        ts = _ts_result(status.timestamp_validity)
    coverage, modification = _integrity(emb)
    modified = not (coverage == "ENTIRE_FILE" or modification in ("NONE", "LTA_UPDATES"))
    return SignatureResult(
        field=name,
        indication=indication,
        sub_indication=sub,
        signer=_subject(cert),
        signer_issuer=_issuer(cert),
        signing_time=_iso(best_time),
        claimed_signing_time=_iso(
            (status.signer_reported_dt if status is not None else None) or emb.self_reported_timestamp
        ),
        level=str(level),
        intact=bool(status.intact) if status is not None else False,
        crypto_valid=bool(status.valid) if status is not None else False,
        trusted=bool(status.trusted) if status is not None else False,
        coverage=coverage,
        modification_level=modification,
        modified_after_signing=modified,
        timestamp=ts,
        message=message,
    )


async def _run_process(emb, spec, level: Level, reader):
    """ETSI EN 319 102-1 picks the process by what the signature carries: with an evidence record (document
    timestamps over the validation data) the long-term process (5.6.3); otherwise the process for signatures with
    time (5.5), which for a signature without a timestamp takes the validation time as the signing time."""
    import dataclasses

    from pyhanko.sign.validation.ades import ades_basic_validation, ades_lta_validation, ades_with_time_validation
    from pyhanko.sign.validation.status import PdfSignatureStatus

    if level is Level.B_LTA:
        return await ades_lta_validation(emb, spec)
    sig_spec = spec.signature_validation_spec
    # A B-LT file carries its validation data in the DSS: make it local knowledge, as the LTA process does.
    sig_spec = dataclasses.replace(sig_spec, local_knowledge=_dss_knowledge(reader))
    if level is Level.B_B:
        return await ades_basic_validation(emb.signed_data, sig_spec, raw_digest=emb.compute_digest())
    return await ades_with_time_validation(
        emb.signed_data,
        sig_spec,
        raw_digest=emb.compute_digest(),
        extra_status_kwargs=emb.summarise_integrity_info(),
        status_cls=PdfSignatureStatus,
    )


def _dss_knowledge(reader):
    from asn1crypto.crl import CertificateList
    from asn1crypto.ocsp import OCSPResponse
    from pyhanko.pdf_utils.decode_limits import DecodePurpose
    from pyhanko.sign.validation import DocumentSecurityStore
    from pyhanko.sign.validation.errors import NoDSSFoundError
    from pyhanko.sign.validation.policy_decl import LocalKnowledge
    from pyhanko_certvalidator.revinfo.archival import CRLContainer, OCSPContainer

    try:
        dss = DocumentSecurityStore.read_dss(reader)
    except NoDSSFoundError:
        return LocalKnowledge()
    ocsps = [
        c
        for ref in dss.ocsps
        for c in OCSPContainer.load_multi(OCSPResponse.load(ref.get_object().read_data(DecodePurpose.OCSP_RESPONSE)))
    ]
    crls = [CRLContainer(CertificateList.load(ref.get_object().read_data(DecodePurpose.CRL))) for ref in dss.crls]
    return LocalKnowledge(known_ocsps=ocsps, known_crls=crls, known_certs=list(dss.load_certs()))


async def _verify_doc_timestamp(reader, emb, trust: TrustConfig, backend) -> TimestampResult:
    from pyhanko.sign.validation import DocumentSecurityStore
    from pyhanko.sign.validation.errors import NoDSSFoundError
    from pyhanko.sign.validation.pdf_embedded import async_validate_pdf_timestamp

    kwargs = {
        "trust_roots": list(trust.roots),
        "allow_fetching": trust.allow_fetching,
        "retroactive_revinfo": True,
        "fetcher_backend": backend,
    }
    try:
        vc = DocumentSecurityStore.read_dss(reader).as_validation_context(kwargs)
    except NoDSSFoundError:
        from pyhanko_certvalidator import ValidationContext

        vc = ValidationContext(**kwargs)
    try:
        status = await async_validate_pdf_timestamp(emb, validation_context=vc)
    except Exception as exc:
        log.info("document timestamp could not be validated: %s", exc)
        return TimestampResult(time=None, valid=False, trusted=False, tsa=None)
    return _ts_result(status)


def _ts_result(status) -> TimestampResult:
    return TimestampResult(
        time=_iso(status.timestamp),
        valid=bool(status.intact and status.valid),
        trusted=bool(status.trusted),
        tsa=_subject(status.signing_cert),
    )


def _quiet_pyhanko_logs() -> None:
    # pyHanko logs every failed path (an expired partner certificate, a CA that is down) as a WARNING with a
    # full traceback; the report already says it, so keep those off stderr unless someone asks for DEBUG.
    for name in ("pyhanko", "pyhanko_certvalidator"):
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET:
            logger.setLevel(logging.ERROR)


def _integrity(emb) -> tuple[str | None, str | None]:
    """Coverage of the signature and what changed after it, from pyHanko's difference analysis."""
    from pyhanko.sign.validation.status import ModificationInfo

    info = ModificationInfo(**emb.summarise_integrity_info())
    level = info.modification_level
    return (info.coverage.name if info.coverage is not None else None, level.name if level is not None else None)


def _broken(name: str, emb, exc: Exception) -> SignatureResult:
    return SignatureResult(
        field=name,
        indication=TOTAL_FAILED,
        sub_indication="FORMAT_FAILURE",
        signer=_safe(lambda: _subject(emb.signer_cert)),
        signer_issuer=_safe(lambda: _issuer(emb.signer_cert)),
        signing_time=None,
        claimed_signing_time=_safe(lambda: _iso(emb.self_reported_timestamp)),
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


def _level(has_sig_ts: bool, dss_has_revinfo: bool, later_doc_ts: bool) -> Level:
    if not has_sig_ts:
        return Level.B_B
    if not dss_has_revinfo:
        return Level.B_T
    return Level.B_LTA if later_doc_ts else Level.B_LT


def _has_signature_timestamp(emb) -> bool:
    from pyhanko.sign.validation.generic_cms import extract_tst_data_iter

    try:
        return any(True for _ in extract_tst_data_iter(emb.signer_info, signed=False))
    except Exception:
        return False


def _dss_has_revinfo(reader) -> bool:
    from pyhanko.sign.validation import DocumentSecurityStore
    from pyhanko.sign.validation.errors import NoDSSFoundError

    try:
        dss = DocumentSecurityStore.read_dss(reader)
    except NoDSSFoundError:
        return False
    return bool(dss.ocsps or dss.crls)


def _field_name(emb) -> str:
    try:
        return str(emb.field_name)
    except Exception:
        return "?"


def _subject(cert) -> str | None:
    return cert.subject.human_friendly if cert is not None else None


def _issuer(cert) -> str | None:
    return cert.issuer.human_friendly if cert is not None else None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _safe(fn):
    try:
        return fn()
    except Exception:
        return None
