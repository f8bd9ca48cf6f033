"""Finishing a package once every file is read: documents assembled from the readings and stored in the job's case
with the checks, in one transaction guarded by the job's state (so they are stored exactly once however often this
runs); then the optional finalize (idempotent by the job's id) and the job closed."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from config.settings import Settings
from domain.errors import DocintelError, ExternalServiceError
from pipeline.documents.trust_text import text_checks
from pipeline.keys import Principal, Role
from pipeline.packages.reads import FileReading, assemble, build_assembled
from pipeline.services import CaseServices
from pipeline.work import job_store
from storage.jobs_models import ItemState, Job, JobItem, JobState
from storage.models import Document, DocumentFile, Extraction
from storage.repositories import get_case, record_audit


def _reading(item: JobItem) -> FileReading:
    r = item.result or {}
    return FileReading(
        seq=item.seq,
        name=item.filename or "",
        sha256=item.blob_sha256 or "",
        kind=r.get("kind", ""),
        groups=tuple(tuple(g) for g in (item.reads or [])),
        doc_types=tuple(r.get("doc_types", [])),
        engine_version=r.get("engine_version", ""),
        capture_ms=float(r.get("capture_ms", 0.0)),
        signatures=r.get("signatures"),
    )


def _document_summary(index: int, doc: Document, extracted: Any, files: Sequence[FileReading]) -> dict[str, Any]:
    return {
        "index": index,
        "state": "done",
        "document_id": doc.id,
        "doc_type": extracted.doc_type,
        "files": [f.name for f in files],
        "fields": {name: f.value for name, f in extracted.fields.items()},
        "classification_confidence": round(float(extracted.classification_confidence), 4),
        "quality_ok": extracted.quality["ok"],
        "warnings": list(extracted.warnings),
        "signatures": {f.name: f.signatures for f in files if f.signatures is not None},
    }


def _store_documents(s: Session, job: Job, *, settings: Settings) -> dict[str, Any]:
    """The assembled documents, stored in the job's case with their first extraction; then the checks."""
    from pipeline.cases.checks import rerun_checks

    items = s.scalars(
        select(JobItem).where(JobItem.job_id == job.id).order_by(JobItem.seq).options(undefer(JobItem.reads))
    )
    items = list(items)
    readings = [_reading(i) for i in items if i.state == ItemState.DONE]
    summaries: list[dict[str, Any]] = []
    for index, assembled in enumerate(assemble(readings)):
        extracted = build_assembled(
            assembled, review_below=settings.ocr.review_below, page_check=text_checks(settings.capture.trust)
        )
        doc = Document(
            case_id=job.case_id,
            seq=index,
            part_index=assembled.part_index,
            doc_type=extracted.doc_type,
            created_by=job.created_by,
        )
        s.add(doc)
        s.flush()
        for position, f in enumerate(assembled.files):
            s.add(DocumentFile(document_id=doc.id, position=position, blob_sha256=f.sha256, filename=f.name[:255]))
        s.add(
            Extraction(
                document_id=doc.id,
                version=1,
                engine=extracted.engine[:200],
                doc_type=extracted.doc_type,
                result=extracted.to_json(),
                reason="package",
                created_by=job.id,
            )
        )
        summaries.append(_document_summary(index, doc, extracted, assembled.files))
    failed = [
        {"index": None, "state": "failed", "files": [i.filename], "error": i.error}
        for i in items
        if i.state == ItemState.FAILED
    ]
    s.flush()
    case = get_case(s, job.case_id, branch=job.branch, with_documents=True)
    report = rerun_checks(s, case, trigger="package", settings=settings)
    return {
        "assembled": True,
        "documents": summaries + failed,
        "check_report": {**report.report, "passed": report.passed},
        "skipped": job.params.get("skipped", []),
    }


def finish_package(svc: CaseServices, job_id: str) -> None:
    with svc.db.session() as s:
        job = s.scalars(select(Job).where(Job.id == job_id).with_for_update()).first()
        if job is None or job.state in JobState.FINAL:
            return
        if not (job.result or {}).get("assembled"):
            job.result = _store_documents(s, job, settings=svc.settings)
            record_audit(
                s,
                api_key_id=job.created_by,
                branch=job.branch,
                action="package.assemble",
                subject_type="job",
                subject_id=job.id,
                detail={"case_id": job.case_id, "documents": len(job.result["documents"])},
            )
        result = dict(job.result)
        finalize = bool(job.params.get("finalize"))
        principal = Principal(key_id=job.created_by or "", role=Role.ADMIN, branch=job.branch or "")
        case_id = job.case_id
    errors: list[dict[str, Any]] = []
    if finalize:
        result["finalize"], errors = _finalize(svc, principal=principal, case_id=case_id, job_id=job_id, result=result)
    with svc.db.session() as s:
        job = s.scalars(select(Job).where(Job.id == job_id).with_for_update()).first()
        if job is None or job.state in JobState.FINAL:
            return
        c = job_store.counts(s, job_id)
        state = job_store.final_state(c.get(ItemState.DONE, 0), c.get(ItemState.FAILED, 0))
        if errors and state == JobState.SUCCEEDED:
            state = JobState.PARTIAL
        job_store.close_job(s, job, state=state, result=result, errors=errors)


def _finalize(
    svc: CaseServices, *, principal: Principal, case_id: str | None, job_id: str, result: dict[str, Any]
) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """Finalize of the package's case. The submitter (loan or admin) was allowed to ask for it at submission; the
    worker acts for the job within the submitter's branch. The job id is the idempotency key: run twice, it signs
    once."""
    from pipeline.cases.finalize import finalize_case
    from pipeline.signer import open_signer

    if not (result.get("check_report") or {}).get("passed"):
        return None, [
            {
                "code": "case_incomplete",
                "message": "not finalized: the checks did not pass",
                "message_zh": "核验未通过，未办结",
            }
        ]
    if svc.signer is None:
        svc = dataclasses.replace(svc, signer=_signer(svc, open_signer))
    try:
        outcome = finalize_case(svc, principal=principal, case_id=case_id or "", idempotency_key=f"job:{job_id}")
    except ExternalServiceError:
        raise  # a TSA or database hiccup: the finishing task is retried, and finalize replays what it signed
    except DocintelError as exc:
        return None, [job_store.error_dict(exc)]
    body = outcome.body
    return {"status": body.get("status"), "artifacts": body.get("artifacts", [])}, []


_signers: dict[int, Any] = {}


def _signer(svc: CaseServices, open_signer: Any) -> Any:
    # One signer per worker process, opened on the first package that asks for finalize.
    key = id(svc.settings)
    if key not in _signers:
        _signers[key] = open_signer(svc.settings)
    return _signers[key]
