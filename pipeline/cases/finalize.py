"""Finalising a case: check it, render the application and the receipt, sign both, store them, close the case.

The call first *claims* the case (status ``finalizing``, in one short transaction with the row locked), so only one
call renders and signs: a twin with the same Idempotency-Key waits for the first answer and replays it, one without
gets 409. The expensive part (rendering, signing with a timestamp) then runs outside any transaction; the signed
bytes are stored before the rows that name them; one transaction closes the case and adds the artifacts, the final
check report, the audit row and the idempotency record. If anything fails before that commit, the signed PDFs
written so far are deleted and the case is given back (status ``open``): no signed PDF — each carries a full name and
ID number — stays in the blob store without a row and an audit entry. A claim whose process died goes stale after
``api.finalize_lease_s`` and is taken over by the next finalize call.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from domain.errors import CaseIncomplete
from domain.models import DocType, Severity
from pipeline import idempotency
from pipeline.cases.checks import evaluate, report_json
from pipeline.cases.crops import case_portrait
from pipeline.cases.override import Override, id_card_flags, require_override
from pipeline.cases.records import CASE_WRITERS, FINALIZING, CaseFinalizing, artifact_links, ensure_open
from pipeline.cases.signatures import SignatureRequired, case_signature_bytes
from pipeline.cases.views import report_view, to_domain_document
from pipeline.idempotency import Outcome
from pipeline.keys import Principal
from pipeline.services import CaseServices, audit
from storage.models import Artifact, Blob, Case, CheckReportRow, utcnow
from storage.repositories import ensure_blob_row, get_case, get_case_for_update

log = logging.getLogger(__name__)

_IMAGE_TYPES = {"jpeg", "png", "tiff", "bmp", "webp"}


def _incomplete(report_findings: list[dict[str, Any]]) -> CaseIncomplete:
    return CaseIncomplete(
        f"the case cannot be finalized: {len(report_findings)} check(s) failed",
        message_zh="材料不齐或核验未通过，无法办结：" + "；".join(f["message"] for f in report_findings[:5]),
        findings=report_findings,
    )


def _application_data(  # type: ignore[no-untyped-def]
    svc: CaseServices, case, principal: Principal, report, signature: bytes | None, override: Override | None = None
) -> Any:
    from signing.data import ApplicationData

    rows = sorted(case.documents, key=lambda d: d.seq)
    docs = [to_domain_document(d) for d in rows]
    front = next((d for d in docs if d.doc_type == DocType.ID_CARD_FRONT.value), None)
    front_row = next((d for d in rows if d.doc_type == DocType.ID_CARD_FRONT.value), None)
    if front is None or not front.value("name") or not front.value("id_number"):
        raise _incomplete([{"rule": "materials", "message": "缺少可读的身份证人像面", "severity": "error"}])
    images: list[bytes] = []
    for d in sorted(case.documents, key=lambda d: d.seq):
        for f in d.files:
            blob = svc.blobs.get(f.blob_sha256)
            if _kind(blob) in _IMAGE_TYPES:
                images.append(blob)
    return ApplicationData(
        case_id=case.id,
        business=case.business_type,
        applicant_name=str(front.value("name")),
        applicant_id_number=str(front.value("id_number")),
        operator=principal.key_id,
        branch=case.branch,
        created_at=case.created_at,
        finalized_at=utcnow(),
        documents=tuple(docs),
        check_report=report,
        page_images=tuple(images),
        handwritten_signature_png=signature,
        portrait_jpeg=case_portrait(svc.blobs, front_row, svc.settings) if front_row is not None else None,
        override=override.to_dict() if override is not None else None,
        time_zone=svc.settings.signing.time_zone,
    )


def _kind(data: bytes) -> str:
    from capture.sniff import sniff

    try:
        return str(sniff(data))
    except Exception:
        return "unknown"


def _render_and_sign(svc: CaseServices, data: Any) -> dict[str, bytes]:
    from signing.render import render_application, render_receipt

    font = svc.settings.signing.font_path
    return {
        "application": svc.signer.sign(render_application(data, font_path=font)),
        "receipt": svc.signer.sign(render_receipt(data, font_path=font)),
    }


@dataclass(frozen=True)
class _Claim:
    """This call holds the case: it alone renders and signs. ``token`` is the case's ``updated_at`` as stored at
    the claim; a commit checks it is unchanged (a claim taken over as stale must not commit)."""

    data: Any
    report: Any
    token: dt.datetime
    override: Override | None = None


def _as_utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def _stale(case: Case, lease_s: float) -> bool:
    return utcnow() - _as_utc(case.updated_at) > dt.timedelta(seconds=lease_s)


def _claim(
    svc: CaseServices,
    principal: Principal,
    case_id: str,
    scope: str,
    key: str | None,
    req: str,
    signature_required_for: Collection[str],
    override_reason: str | None = None,
    clerk: str | None = None,
) -> Any:
    """Marks the case ``finalizing`` (one transaction, the row locked) and returns what to render, or the stored
    answer of a twin that already finished. A twin with the same Idempotency-Key that finds the case being
    finalized waits for that answer (up to ``api.request_timeout_s``); without a key it gets 409 at once."""
    deadline = time.monotonic() + svc.settings.api.request_timeout_s
    while True:
        with svc.db.session() as s:
            get_case_for_update(s, case_id, branch=principal.branch)
            if (done := idempotency.replay(s, principal=principal, scope=scope, key=key, req_hash=req)) is not None:
                return done
            case = get_case(s, case_id, branch=principal.branch, with_documents=True)
            busy = case.status == FINALIZING and not _stale(case, svc.settings.api.finalize_lease_s)
            if not busy:
                if case.status == FINALIZING:
                    log.warning("finalize of case %s: taking over a claim left by a call that did not finish", case.id)
                else:
                    ensure_open(case)
                report = evaluate(case, settings=svc.settings)
                if not report.passed:
                    raise _incomplete([f.to_dict() for f in report.findings if f.severity == Severity.ERROR])
                signature = case_signature_bytes(svc, s, case.id)
                if signature is None and case.business_type in signature_required_for:
                    raise SignatureRequired(
                        f"a {case.business_type} case is finalized only with the applicant's signature",
                        message_zh="该业务须由申请人在签名板上签名后才能办结",
                    )
                override = require_override(
                    id_card_flags(case, svc.settings.api.finalize_override_flags),
                    reason=override_reason,
                    clerk=clerk,
                    max_chars=svc.settings.api.override_reason_max_chars,
                )
                svc.signer.require()  # 503 before any rendering if the signer is down
                data = _application_data(svc, case, principal, report, signature, override)
                case.status = FINALIZING
                case.updated_at = utcnow()
                s.flush()
                s.refresh(case, ["updated_at"])
                return _Claim(data, report, case.updated_at, override)
        if key is None or not _wait_for_claim(svc, principal, case_id, deadline):
            raise CaseFinalizing(
                f"case {case_id[:64]} is being finalized by another request; retry",
                message_zh="该业务正在办结，请稍后重试",
            )


def _wait_for_claim(svc: CaseServices, principal: Principal, case_id: str, deadline: float) -> bool:
    """Waits, reading only (no write lock), until the case is no longer being finalized or its claim went stale;
    False at the deadline."""
    while time.monotonic() < deadline:
        time.sleep(0.2)
        with svc.db.read_session() as r:
            case = get_case(r, case_id, branch=principal.branch)
            if case.status != FINALIZING or _stale(case, svc.settings.api.finalize_lease_s):
                return True
    return False


def _release(svc: CaseServices, principal: Principal, case_id: str, token: dt.datetime) -> None:
    """Gives the case back (status open) after a finalize that failed, if the claim is still this call's."""
    try:
        with svc.db.session() as s:
            case = get_case_for_update(s, case_id, branch=principal.branch)
            if case.status == FINALIZING and case.updated_at == token:
                case.status = "open"
    except Exception:  # the original error matters more; a claim left behind goes stale and is taken over
        log.exception("finalize of case %s: could not release the claim", case_id)


def _discard(svc: CaseServices, shas: list[str]) -> None:
    """Deletes signed PDFs written by a finalize that did not commit, unless a row names the bytes."""
    if not shas:
        return
    try:
        with svc.db.session() as s:
            named = set(s.scalars(select(Blob.sha256).where(Blob.sha256.in_(shas))))
        for sha in shas:
            if sha not in named:
                svc.blobs.delete(sha)
    except Exception:
        log.exception("finalize: could not delete %d unreferenced signed PDF(s)", len(shas))


def finalize_case(
    svc: CaseServices,
    *,
    principal: Principal,
    case_id: str,
    idempotency_key: str | None = None,
    signature_required_for: Collection[str] = (),
    override_reason: str | None = None,
    clerk: str | None = None,
) -> Outcome:
    """``signature_required_for``: business types that need the applicant's handwritten signature
    (``pipeline.cases.signatures``) before they are finalized; the signature in effect, if any, is always drawn into
    the application. ``override_reason``: the clerk's reason to finalize a case whose ID card is flagged
    (``pipeline.cases.override``): without it such a case gets 409 ``override_required``; with it the
    override is audited (``clerk``: a staff number, when a counter's key is shared)."""
    principal.require(*CASE_WRITERS)
    key = idempotency.check_key(idempotency_key)
    scope = f"case.finalize:{case_id[:64]}"
    req = idempotency.request_hash(case_id=case_id)

    claim = _claim(svc, principal, case_id, scope, key, req, signature_required_for, override_reason, clerk)
    if isinstance(claim, Outcome):
        return claim
    shas: list[str] = []
    committed = False
    try:
        pdfs = svc.offload(lambda: _render_and_sign(svc, claim.data))
        for pdf in pdfs.values():
            shas.append(svc.blobs.put(pdf))  # durable before any row names them
        outcome = _commit(svc, principal, case_id, claim, dict(zip(pdfs, shas, strict=True)), pdfs, scope, key, req)
        committed = True
        return outcome
    finally:
        if not committed:
            _discard(svc, shas)
            _release(svc, principal, case_id, claim.token)


def _commit(
    svc: CaseServices,
    principal: Principal,
    case_id: str,
    claim: _Claim,
    shas: dict[str, str],
    pdfs: dict[str, bytes],
    scope: str,
    key: str | None,
    req: str,
) -> Outcome:
    """One transaction: the artifacts, the final check report, the audit row and the idempotency record."""
    with svc.db.session() as s:
        case = get_case_for_update(s, case_id, branch=principal.branch)
        if case.status != FINALIZING or case.updated_at != claim.token:
            raise CaseFinalizing(
                f"the finalize claim on case {case.id} was taken over; retry", message_zh="该业务正在办结，请稍后重试"
            )
        for kind, sha in shas.items():
            ensure_blob_row(s, sha256=sha, size=len(pdfs[kind]), content_type="application/pdf")
            s.add(Artifact(case_id=case.id, kind=kind, blob_sha256=sha, signature_level=svc.signer.level))
        report = claim.report
        row = CheckReportRow(case_id=case.id, passed=report.passed, report=report_json(report), trigger="finalize")
        s.add(row)
        case.status = "finalized"
        case.finalized_at = claim.data.finalized_at
        case.finalized_by = principal.key_id
        s.flush()
        body = {
            "case_id": case.id,
            "status": "finalized",
            "artifacts": artifact_links(s, case.id),
            "check_report": report_view(row),
            "override": claim.override.to_dict() if claim.override else None,
        }
        audit(s, principal, "case.finalize", "case", case.id, artifacts=sorted(shas.values()))
        if claim.override is not None:
            # Ids and codes only, and the reason with ID numbers masked: no personal data in the audit trail.
            audit(s, principal, "case.finalize_override", "case", case.id, **claim.override.to_dict())
            log.info(
                "case %s finalized over %s by %s",
                case.id,
                ",".join(sorted({f["code"] for f in claim.override.flags})),
                principal.key_id,
            )
        outcome = Outcome(201, body)
        idempotency.remember(s, principal=principal, scope=scope, key=key, req_hash=req, outcome=outcome)
        return outcome
