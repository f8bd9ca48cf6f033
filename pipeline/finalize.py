"""Finalising a case: check it, render the application and the receipt, sign both, store them, close the case.

Like uploads: the expensive part (rendering, signing with a timestamp) runs outside any transaction; the signed
bytes are stored before the rows that name them; one transaction then closes the case, adds the artifacts, the
final check report, the audit row and the idempotency record. Two finalize calls racing each other both sign, but
only one commits: the other finds the case closed and replays the first answer (same Idempotency-Key) or gets 409.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError

from domain.errors import CaseIncomplete
from domain.models import DocType, Severity
from pipeline import idempotency
from pipeline.case_checks import evaluate, report_json
from pipeline.case_views import report_view, to_domain_document
from pipeline.cases import CASE_WRITERS, CaseServices, _artifact_links, _audit, _replay_after_race, ensure_open
from pipeline.idempotency import Outcome
from pipeline.keys import Principal
from storage.models import Artifact, CheckReportRow, utcnow
from storage.repositories import ensure_blob_row, get_case, get_case_for_update

_IMAGE_TYPES = {"jpeg", "png", "tiff", "bmp", "webp"}


def _incomplete(report_findings: list[dict[str, Any]]) -> CaseIncomplete:
    return CaseIncomplete(
        f"the case cannot be finalized: {len(report_findings)} check(s) failed",
        message_zh="材料不齐或核验未通过，无法办结：" + "；".join(f["message"] for f in report_findings[:5]),
        findings=report_findings,
    )


def _application_data(svc: CaseServices, case, principal: Principal, report) -> Any:  # type: ignore[no-untyped-def]
    from signing.data import ApplicationData

    docs = [to_domain_document(d) for d in sorted(case.documents, key=lambda d: d.seq)]
    front = next((d for d in docs if d.doc_type == DocType.ID_CARD_FRONT.value), None)
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


def finalize_case(
    svc: CaseServices, *, principal: Principal, case_id: str, idempotency_key: str | None = None
) -> Outcome:
    principal.require(*CASE_WRITERS)
    key = idempotency.check_key(idempotency_key)
    scope = f"case.finalize:{case_id[:64]}"
    req = idempotency.request_hash(case_id=case_id)

    with svc.db.session() as s:
        case = get_case(s, case_id, branch=principal.branch, with_documents=True)
        if (done := idempotency.replay(s, principal=principal, scope=scope, key=key, req_hash=req)) is not None:
            return done
        ensure_open(case)
        report = evaluate(case, settings=svc.settings)
        if not report.passed:
            raise _incomplete([f.to_dict() for f in report.findings if f.severity == Severity.ERROR])
        svc.signer.require()  # 503 before any rendering if the signer is down
        data = _application_data(svc, case, principal, report)

    pdfs = svc.offload(lambda: _render_and_sign(svc, data))
    shas = {kind: svc.blobs.put(pdf) for kind, pdf in pdfs.items()}  # durable before any row names them

    try:
        with svc.db.session() as s:
            case = get_case_for_update(s, case_id, branch=principal.branch)
            if (done := idempotency.replay(s, principal=principal, scope=scope, key=key, req_hash=req)) is not None:
                return done  # a twin with the same key finished first
            ensure_open(case)
            for kind, sha in shas.items():
                ensure_blob_row(s, sha256=sha, size=len(pdfs[kind]), content_type="application/pdf")
                s.add(Artifact(case_id=case.id, kind=kind, blob_sha256=sha, signature_level=svc.signer.level))
            row = CheckReportRow(case_id=case.id, passed=report.passed, report=report_json(report), trigger="finalize")
            s.add(row)
            case.status = "finalized"
            case.finalized_at = data.finalized_at
            case.finalized_by = principal.key_id
            s.flush()
            body = {
                "case_id": case.id,
                "status": "finalized",
                "artifacts": _artifact_links(s, case.id),
                "check_report": report_view(row),
            }
            _audit(s, principal, "case.finalize", "case", case.id, artifacts=sorted(shas))
            outcome = Outcome(201, body)
            idempotency.remember(s, principal=principal, scope=scope, key=key, req_hash=req, outcome=outcome)
            return outcome
    except IntegrityError:
        return _replay_after_race(svc, principal=principal, scope=scope, key=key, req_hash=req)
