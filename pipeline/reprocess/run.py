"""Bulk reprocessing: stored documents selected (dates, types, branches, engine versions) and read again after a model
or rule change, as a fan-out of chunked tasks.

- One item per document; chunks never split a case (unless one case alone is larger than a chunk), so the task
  that finishes a case's last document re-runs that case's checks, with no second task racing it.
- The new reading is stored as a new extraction version beside the old ones (never overwriting), in the same
  transaction that marks the item done: run twice, it is stored once. Each item keeps the diff against the
  version it replaced; the job's report sums them up.
- Resumable: the items are the record of what is left. ``pipeline.work.runner.resume_job`` (``docintel reprocess --resume``) sends only
  the unfinished ones; a sweep does the same by itself for items whose worker died.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from domain.errors import ExternalServiceError, InputError
from extractors.engines import get_engine
from pipeline.cases.checks import evaluate, report_json, rerun_checks
from pipeline.cases.upload import document_files
from pipeline.documents.extract import extract_files
from pipeline.idempotency import Outcome
from pipeline.reprocess.diff import check_diff, diff_results, summarize
from pipeline.services import CaseServices
from pipeline.work import job_store
from pipeline.work.job_store import Claim, Dispatcher
from pipeline.work.runner import ItemOutcome, JobKind, register_kind
from storage.jobs_models import ItemState, Job, JobItem, JobState
from storage.models import Case, Document, Extraction
from storage.repositories import current_extraction, get_case, latest_check_report

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Selection:
    """Which stored documents to read again. Every given criterion must hold; lists are alternatives."""

    created_from: dt.datetime | None = None  # inclusive
    created_to: dt.datetime | None = None  # exclusive
    doc_types: tuple[str, ...] = ()
    branches: tuple[str, ...] = ()
    engine_versions: tuple[str, ...] = ()  # of the current extraction, exactly
    limit: int | None = None

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        for k in ("created_from", "created_to"):
            d[k] = d[k].isoformat() if d[k] else None
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in d.items()}


def parse_when(value: str | None, *, end: bool = False) -> dt.datetime | None:
    """``YYYY-MM-DD`` (a whole day, UTC: as an end it includes that day) or an ISO date-time with its offset."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    try:
        if len(value) == 10:
            day = dt.date.fromisoformat(value)
            if end and day == dt.date.max:
                return None  # up to and including the last day there is: no upper bound
            day += dt.timedelta(days=1 if end else 0)
            return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
        parsed = dt.datetime.fromisoformat(value)
        # In UTC, as stored; an offset that pushes the time out of the calendar (0001-01-01T00:00+01:00) fails here.
        return (parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)
    except (ValueError, OverflowError):
        raise InputError(
            f"{value[:40]!r} is not a date (YYYY-MM-DD) or an ISO date-time between years 1 and 9999",
            message_zh="日期格式应为 YYYY-MM-DD",
        ) from None


def select_documents(session: Session, selection: Selection) -> list[tuple[str, str | None]]:
    """(document id, case id) of the selected documents, ordered by case so that chunks can keep cases whole."""
    latest = (
        select(Extraction.document_id, func.max(Extraction.version).label("version"))
        .group_by(Extraction.document_id)
        .subquery()
    )
    query = (
        select(Document.id, Document.case_id)
        .join(latest, latest.c.document_id == Document.id)
        .join(Extraction, (Extraction.document_id == Document.id) & (Extraction.version == latest.c.version))
        .outerjoin(Case, Case.id == Document.case_id)
    )
    if selection.created_from is not None:
        query = query.where(Document.created_at >= selection.created_from)
    if selection.created_to is not None:
        query = query.where(Document.created_at < selection.created_to)
    if selection.doc_types:
        query = query.where(Document.doc_type.in_(selection.doc_types))
    if selection.branches:
        query = query.where(Case.branch.in_(selection.branches))
    if selection.engine_versions:
        query = query.where(Extraction.engine.in_(selection.engine_versions))
    query = query.order_by(Document.case_id, Document.seq, Document.id)
    if selection.limit:
        query = query.limit(selection.limit)
    return [(doc_id, case_id) for doc_id, case_id in session.execute(query)]


def case_aligned_chunks(docs: Sequence[tuple[str, str | None]], size: int) -> list[int]:
    """The chunk number of each document: a new chunk starts only where a case ends, once a chunk is full."""
    chunks: list[int] = []
    chunk = filled = 0
    previous: str | None = None
    for _doc_id, case_id in docs:
        if filled >= size and (case_id is None or case_id != previous):
            chunk, filled = chunk + 1, 0
        chunks.append(chunk)
        filled += 1
        previous = case_id
    return chunks


def submit_reprocess(
    svc: CaseServices,
    dispatcher: Dispatcher,
    *,
    selection: Selection,
    created_by: str,
    role: str | None = None,
    branch: str | None = None,
    chunk_size: int | None = None,
    callback_url: str | None = None,
) -> Outcome:
    """A reprocessing job over the selected documents, sent to the workers. ``branch`` scopes an API caller to its
    own branch (its selection is narrowed to it); the operator's CLI passes None to reach every branch."""
    if branch is not None:
        selection = replace(selection, branches=(branch,))
    size = chunk_size or svc.settings.jobs.chunk_size
    with svc.db.session() as s:
        docs = select_documents(s, selection)
        chunks = case_aligned_chunks(docs, size)
        job = job_store.create_job(
            s,
            kind="reprocess",
            items=[{"document_id": doc_id} for doc_id, _case in docs],
            chunks=chunks,
            branch=branch,
            created_by=created_by,
            role=role,
            params={"selection": selection.to_json(), "chunk_size": size},
            callback_url=callback_url,
        )
        body = {"job_id": job.id, "state": job.state, "selected": len(docs), "chunks": len(set(chunks))}
        body["href"] = f"/v1/jobs/{job.id}"
    try:
        job_store.dispatch_open_items(svc.db, dispatcher, job_id=body["job_id"])
    except ExternalServiceError as exc:  # the broker is down: the job is stored, and a worker's sweep sends it later
        log.warning("job %s stored but not sent: %s", body["job_id"], exc.one_line())
    return Outcome(202, body)


def reprocess_report(svc: CaseServices, job_id: str) -> dict[str, Any]:
    """The job's diff report: the summary, each document whose reading changed, each that failed."""
    with svc.db.session() as s:
        job = job_store.get_job(s, job_id)
        c = job_store.counts(s, job_id)
        changes, failed = [], []
        for item in s.scalars(select(JobItem).where(JobItem.job_id == job_id).order_by(JobItem.seq)):
            r = item.result or {}
            if item.state == "failed":
                failed.append({"document_id": item.document_id, "error": item.error})
            elif (r.get("diff") or {}).get("changed"):
                changes.append(
                    {
                        "document_id": item.document_id,
                        "old_version": r.get("old_version"),
                        "new_version": r.get("new_version"),
                        **{k: v for k, v in r["diff"].items() if k != "changed"},
                    }
                )
        return {
            "job_id": job.id,
            "state": job.state,
            "progress": {"done": c.get("done", 0) + c.get("failed", 0), "total": job.total},
            "selection": (job.params or {}).get("selection"),
            "report": (job.result or {}).get("report"),
            "changes": changes,
            "failed": failed,
        }


# --- per document (worker) -----------------------------------------------------------------------------------------
def process_document(svc: CaseServices, claim: Claim) -> ItemOutcome:
    with svc.db.session() as s:
        doc = s.scalars(
            select(Document)
            .where(Document.id == claim.document_id)
            .options(selectinload(Document.files), selectinload(Document.extractions))
        ).first()
        if doc is None or not doc.extractions:
            raise InputError("the document no longer exists", message_zh="材料不存在")
        old = current_extraction(doc)
        old_result, old_version, part = old.result, old.version, doc.part_index
        files = document_files(svc, doc)
    if not files:
        raise InputError("the document has no stored files to read again", message_zh="该材料没有可重新识别的文件")
    engine = svc.engine or get_engine(settings=svc.settings.ocr)
    read = list(extract_files(files, one_document=len(files) > 1, engine=engine, settings=svc.settings))
    if part >= len(read):
        raise InputError(
            f"the file now yields {len(read)} document(s); this was part {part + 1}",
            message_zh="重新识别后文件中的材料数量发生变化，无法对应",
        )
    new = read[part].to_json()
    diff = diff_results(old_result, new)
    document_id, job_id = claim.document_id, claim.job_id

    def store(s: Session) -> dict[str, Any]:
        version = (s.scalar(select(func.max(Extraction.version)).where(Extraction.document_id == document_id)) or 0) + 1
        s.add(
            Extraction(
                document_id=document_id,
                version=version,
                engine=str(new["engine"])[:200],
                doc_type=new["doc_type"],
                result=new,
                reason="reprocess",
                created_by=job_id,
            )
        )
        stored = s.get(Document, document_id)
        if stored is not None:
            stored.doc_type = new["doc_type"]
        return {"new_version": version}

    result = {"document_id": document_id, "old_version": old_version, "diff": diff, "doc_type": new["doc_type"]}
    return ItemOutcome(result=result, store=store)


def recheck_finished_cases(svc: CaseServices, job_id: str, item_ids: Sequence[int]) -> None:
    """Re-runs the checks of every case whose documents in this job are all finished, once per case. The new
    report is stored beside the earlier ones; a finalized case keeps its record as signed: its checks are evaluated
    for the diff report only."""
    with svc.db.session() as s:
        case_ids = set(
            s.scalars(
                select(Document.case_id)
                .join(JobItem, JobItem.document_id == Document.id)
                .where(JobItem.id.in_(list(item_ids)), Document.case_id.is_not(None))
            )
        )
    for case_id in sorted(case_ids):
        with svc.db.session() as s:
            items = list(
                s.scalars(
                    select(JobItem)
                    .join(Document, JobItem.document_id == Document.id)
                    .where(JobItem.job_id == job_id, Document.case_id == case_id)
                    .order_by(JobItem.seq)
                )
            )
            done = [i for i in items if i.state == ItemState.DONE]
            if any(i.state not in ItemState.FINAL for i in items) or not done:
                continue
            if any((i.result or {}).get("case_check") for i in done):
                continue  # a second delivery of the same message: checked already
            branch = s.scalar(select(Case.branch).where(Case.id == case_id))
            before = latest_check_report(s, case_id)
            before_json = {**before.report, "passed": before.passed} if before is not None else None
            case = get_case(s, case_id, branch=branch, with_documents=True)
            if case.status != "open":  # finalized, or being finalized: its report is the finalize's
                report = evaluate(case, settings=svc.settings)
                after_json, stored = {**report_json(report), "passed": report.passed}, False
            else:
                row = rerun_checks(s, case, trigger="reprocess", settings=svc.settings)
                after_json, stored = {**row.report, "passed": row.passed}, True
            check = {"case_id": case_id, "stored": stored, **check_diff(before_json, after_json)}
            anchor = done[-1]  # the case's check result is kept on its last document read
            anchor.result = {**(anchor.result or {}), "case_check": check}


def finish_reprocess(svc: CaseServices, job_id: str) -> None:
    with svc.db.session() as s:
        job = s.get(Job, job_id)
        if job is None or job.state in JobState.FINAL:
            return
        item_ids = list(s.scalars(select(JobItem.id).where(JobItem.job_id == job_id)))
    # A worker that died between finishing a case's last document and checking the case left it unchecked, and a
    # resumed job sends only unfinished items: check whatever is still unchecked (checked cases are skipped).
    recheck_finished_cases(svc, job_id, item_ids)
    with svc.db.session() as s:
        job = s.scalars(select(Job).where(Job.id == job_id).with_for_update()).first()
        if job is None or job.state in JobState.FINAL:
            return
        rows = s.execute(select(JobItem.state, JobItem.result, JobItem.error).where(JobItem.job_id == job_id))
        report = summarize((state, result, error) for state, result, error in rows)
        state = job_store.final_state(report["documents"] - report["failed"], report["failed"])
        job_store.close_job(s, job, state=state, result={"report": report})


KIND = register_kind(
    JobKind(
        name="reprocess",
        process=process_document,
        finish=finish_reprocess,
        after_items=recheck_finished_cases,
    )
)
