"""Validation of every signature in a PDF, with an ETSI EN 319 102-1 style indication per signature.

Each signature goes through pyHanko's AdES long-term validation (``ades_lta_validation``): the document
timestamps are the evidence record, the DSS and any revocation data inside the signature are local knowledge,
and online fetching is used only if allowed. That is the same procedure for a B-B file from a partner bank as for
our own B-LTA seals; the level a file reached is reported next to the level its history claims.

On top of pyHanko's verdict, three things make a signature TOTAL-FAILED/FORMAT_FAILURE, as in the EU DSS
default policy: a /ByteRange that does not fit the file; a change after signing that pyHanko's difference
analysis does not allow (``ModificationLevel.OTHER``, or a coverage that is neither the entire file nor an
entire revision); and revocation data (/DSS) that a later revision took out again. A file whose structure cannot
be parsed is checked over its byte ranges (``recovered``).
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import logging

from domain.errors import CorruptFile

from . import levels
from .opening import READ_ERRORS, open_reader, unlock
from .outcome import ades_indication, broken, finish_checks, iso, safe, subject
from .raw_scan import byte_range_problem, scan
from .report import TOTAL_FAILED, TOTAL_PASSED, SignatureResult, TimestampResult, TrustConfig, VerificationReport
from .spec import validation_spec

log = logging.getLogger(__name__)


def verify(pdf: bytes, *, trust: TrustConfig) -> VerificationReport:
    """Validates every signature and document timestamp in ``pdf`` against ``trust``."""
    _quiet_pyhanko_logs()
    notes: list[str] = []
    try:
        reader = open_reader(pdf)
        note = unlock(reader)
        if note:
            notes.append(note)
        signatures = list(reader.embedded_regular_signatures)
        doc_timestamps = list(reader.embedded_timestamp_signatures)
    except READ_ERRORS as exc:
        return _recover(pdf, trust, exc)
    try:
        results, ts_results = asyncio.run(_verify_all(pdf, reader, signatures, doc_timestamps, trust))
    except READ_ERRORS as exc:  # the revisions behind the signatures cannot be read after all
        return _recover(pdf, trust, exc)
    return _report(pdf, trust, results, ts_results, notes)


def _recover(pdf: bytes, trust: TrustConfig, exc: BaseException) -> VerificationReport:
    found = scan(pdf)
    # A field whose /Contents is still all zeros was prepared for a signature that never came: not a signature.
    empty = [s for s in found if s.contents is not None and not s.contents.strip(b"\0")]
    found = [s for s in found if s not in empty]
    if not found and not empty:
        raise CorruptFile(f"not a readable PDF ({exc})", message_zh="不是可读取的 PDF 文件") from exc
    from .recovered import verify_scanned

    log.info("PDF structure unreadable (%s): checking %d signature(s) over their byte ranges", exc, len(found))
    results, ts_results = asyncio.run(verify_scanned(pdf, found, trust)) if found else ([], [])
    notes = [
        f"the PDF's structure or its signature fields cannot be parsed ({exc}); each signature was found by "
        "scanning the bytes and checked over its /ByteRange, and what changed after it could not be analysed"
    ]
    notes += [f"an empty signature field (space reserved, never signed) at byte {s.offset}" for s in empty]
    return _report(pdf, trust, results, ts_results, notes)


def _report(pdf, trust: TrustConfig, results, ts_results, notes) -> VerificationReport:
    return VerificationReport(
        sha256=hashlib.sha256(pdf).hexdigest(),
        signatures=tuple(results),
        document_timestamps=tuple(ts_results),
        trust={
            "roots": [r.subject.human_friendly for r in trust.roots],
            "dev_pki_test_only": trust.dev_pki,
            "online_fetching": trust.allow_fetching,
        },
        notes=tuple(notes),
    )


async def _verify_all(pdf, reader, signatures, doc_timestamps, trust: TrustConfig):
    from pyhanko_certvalidator.fetchers.aiohttp_fetchers import AIOHttpFetcherBackend

    from signing.http import new_session

    history = levels.dss_history(reader)
    ts_revisions = [t.signed_revision for t in doc_timestamps]
    async with new_session() as session:
        backend = AIOHttpFetcherBackend(session=session)
        results = [await _verify_one(pdf, emb, trust, ts_revisions, history, reader, backend) for emb in signatures]
        ts_results = [await _verify_doc_timestamp(pdf, reader, ts, trust, backend) for ts in doc_timestamps]
    return results, ts_results


async def _verify_one(pdf, emb, trust: TrustConfig, ts_revisions, history, reader, backend) -> SignatureResult:
    from pyhanko.sign.validation.ades import AdESPassed

    name = _field_name(emb)
    has_sig_ts = levels.has_signature_timestamp(emb.signer_info)
    level = levels.reached(has_sig_ts, history, emb.signed_revision, ts_revisions)
    claimed = levels.claimed(has_sig_ts, history, emb.signed_revision, ts_revisions)
    try:
        diff_error = _integrity_info(emb)
        # A file that carries its validation data is judged on it first, so an unreachable CA cannot spoil a
        # self-contained B-LT/B-LTA file; the network is asked only when that is not enough (and allowed).
        local_first = level in (levels.Level.B_LT, levels.Level.B_LTA) or not trust.allow_fetching
        spec = validation_spec(trust, fetch=not local_first, backend=backend)
        result = await _run_process(emb, spec, level, reader)
        if local_first and trust.allow_fetching and result.ades_subindic is not AdESPassed.OK:
            result = await _run_process(emb, validation_spec(trust, fetch=True, backend=backend), level, reader)
    except Exception as exc:  # a malformed signature fails itself, not the whole report
        log.info("signature %s could not be validated: %s", name, exc)
        return _levels(broken(name, emb, exc), claimed, None)
    status = result.api_status
    cert = status.signing_cert if status is not None else safe(lambda: emb.signer_cert)
    coverage, modification = _integrity(emb)
    outcome = ades_indication(result, cert)
    ts = None
    if status is not None and status.timestamp_validity is not None:
        ts = _ts_result(status.timestamp_validity)
    sig = SignatureResult(
        field=name,
        indication=outcome.indication,
        sub_indication=outcome.sub_indication,
        signer=subject(cert),
        signer_issuer=cert.issuer.human_friendly if cert is not None else None,
        signing_time=iso(outcome.best_time),
        claimed_signing_time=iso(
            (status.signer_reported_dt if status is not None else None) or emb.self_reported_timestamp
        ),
        level=str(level),
        intact=bool(status.intact) if status is not None else False,
        crypto_valid=bool(status.valid) if status is not None else False,
        trusted=bool(status.trusted) if status is not None else False,
        coverage=coverage,
        modification_level=modification,
        modified_after_signing=not (coverage == "ENTIRE_FILE" or modification in ("NONE", "LTA_UPDATES")),
        timestamp=ts,
        message=outcome.message,
    )
    sig = finish_checks(
        sig,
        byte_range_problem=byte_range_problem(_byte_range(emb), pdf),
        diff_error=diff_error,
        dss_removed_at=history.removed_after(emb.signed_revision),
        later_revisions=emb.signed_revision < reader.xrefs.total_revisions - 1,
    )
    return _levels(sig, claimed, level)


def _levels(sig: SignatureResult, claimed, reached) -> SignatureResult:
    return dataclasses.replace(
        sig,
        level_claimed=str(claimed) if claimed is not None else None,
        level_reached=str(reached) if reached is not None else None,
    )


def _integrity_info(emb) -> str | None:
    """Runs pyHanko's integrity checks (digest, coverage, difference analysis). Returns why the difference
    analysis could not be done (a dangling reference in a later revision, say), or None when it was."""
    from pyhanko.sign.diff_analysis import DEFAULT_DIFF_POLICY

    try:
        emb.compute_integrity_info(diff_policy=DEFAULT_DIFF_POLICY)
        return None
    except READ_ERRORS as exc:
        emb.compute_integrity_info(skip_diff=True)
        return f"{type(exc).__name__}: {exc}"


async def _run_process(emb, spec, level, reader):
    """ETSI EN 319 102-1 picks the process by what the signature carries: with an evidence record (document
    timestamps over the validation data) the long-term process (5.6.3); otherwise the process for signatures with
    time (5.5), which for a signature without a timestamp takes the validation time as the signing time."""
    from pyhanko.sign.validation.ades import ades_basic_validation, ades_lta_validation, ades_with_time_validation
    from pyhanko.sign.validation.status import PdfSignatureStatus

    from .spec import dss_knowledge

    if level is levels.Level.B_LTA:
        try:
            return await ades_lta_validation(emb, spec)
        except READ_ERRORS as exc:
            # The evidence record's revisions cannot be read (a dangling reference, say): validate with the
            # signature's own time and the /DSS instead, which needs only the latest revision.
            log.info("long-term validation impossible (%s: %s); validating with time", type(exc).__name__, exc)
    sig_spec = spec.signature_validation_spec
    # A B-LT file carries its validation data in the DSS: make it local knowledge, as the LTA process does.
    sig_spec = dataclasses.replace(sig_spec, local_knowledge=dss_knowledge(reader))
    if level is levels.Level.B_B:
        return await ades_basic_validation(emb.signed_data, sig_spec, raw_digest=emb.compute_digest())
    return await ades_with_time_validation(
        emb.signed_data,
        sig_spec,
        raw_digest=emb.compute_digest(),
        extra_status_kwargs=emb.summarise_integrity_info(),
        status_cls=PdfSignatureStatus,
    )


async def _verify_doc_timestamp(pdf, reader, emb, trust: TrustConfig, backend) -> TimestampResult:
    from pyhanko.sign.validation import DocumentSecurityStore
    from pyhanko.sign.validation.errors import NoDSSFoundError
    from pyhanko.sign.validation.pdf_embedded import async_validate_pdf_timestamp

    if byte_range_problem(_byte_range(emb), pdf) is not None:
        return TimestampResult(time=None, valid=False, trusted=False, tsa=None)
    kwargs = {
        "trust_roots": list(trust.roots),
        "allow_fetching": trust.allow_fetching,
        "retroactive_revinfo": True,
        "fetcher_backend": backend,
    }
    try:
        vc = DocumentSecurityStore.read_dss(reader).as_validation_context(kwargs)
    except (NoDSSFoundError, *READ_ERRORS):
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
        time=iso(status.timestamp),
        valid=bool(status.intact and status.valid),
        trusted=bool(status.trusted),
        tsa=subject(status.signing_cert),
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


def _byte_range(emb):
    return safe(lambda: [int(v) for v in emb.sig_object["/ByteRange"]])


def _field_name(emb) -> str:
    try:
        return str(emb.field_name)
    except Exception:
        return "?"


__all__ = ["TOTAL_FAILED", "TOTAL_PASSED", "verify"]
