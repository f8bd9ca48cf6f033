"""A job as the API and the CLI show it: state, progress, one entry per document (or file not read), errors.

``{"state": "queued"|"running"|"succeeded"|"partial"|"failed", "progress": {"done": n, "total": m}, "documents":
[...], "errors": [...]}``. ``progress.done`` counts items finished (read or failed) out of ``total`` (files of a
package, documents of a reprocess). Package entries carry the fields read, so a read is audited.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.keys import Principal, Role
from pipeline.services import CaseServices, audit
from pipeline.work.job_store import counts, get_job
from storage.jobs_models import ItemState, Job, JobItem

JOB_READERS = (Role.LOAN, Role.ADMIN)
MAX_PAGE = 5000


def _item_entry(job: Job, item: JobItem) -> list[dict[str, Any]]:
    if job.kind == "reprocess":
        r = item.result or {}
        entry = {
            "index": item.seq,
            "state": item.state,
            "document_id": item.document_id,
            "attempts": item.attempts,
            **{k: r[k] for k in ("old_version", "new_version", "doc_type", "diff", "case_check") if k in r},
        }
        return [entry | ({"error": item.error} if item.error else {})]
    base = {"state": item.state, "files": [item.filename], "attempts": item.attempts}
    if item.state == ItemState.FAILED:
        return [{"index": None, **base, "error": item.error}]
    if item.state != ItemState.DONE:
        return [{"index": None, **base}]
    r = item.result or {}
    return [
        {
            "index": None,
            **base,
            "doc_type": d.get("doc_type"),
            "fields": {name: f.get("value") for name, f in (d.get("fields") or {}).items()},
            "signatures": {item.filename: r.get("signatures")} if r.get("signatures") is not None else {},
            "provisional": True,  # until the package is assembled, pages of one document may still be merged
        }
        for d in r.get("documents", [])
    ]


def _errors(job: Job, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = list(job.errors or [])
    for e in entries:
        if e.get("error"):
            out.append({"files": e.get("files"), "document_id": e.get("document_id"), **e["error"]})
    return out


def job_view(session: Session, job: Job, *, offset: int = 0, limit: int = 1000) -> dict[str, Any]:
    c = counts(session, job.id)
    done = c.get(ItemState.DONE, 0)
    failed = c.get(ItemState.FAILED, 0)
    limit = max(1, min(limit, MAX_PAGE))
    assembled = job.kind == "package" and (job.result or {}).get("assembled")
    if assembled:
        entries = list(job.result.get("documents", []))[offset : offset + limit]
    else:
        items = session.scalars(
            select(JobItem).where(JobItem.job_id == job.id).order_by(JobItem.seq).offset(offset).limit(limit)
        )
        entries = [e for item in items for e in _item_entry(job, item)]
    result = {k: v for k, v in (job.result or {}).items() if k not in ("documents", "assembled")}
    return {
        "id": job.id,
        "kind": job.kind,
        "state": job.state,
        "progress": {"done": done + failed, "total": job.total, "succeeded": done, "failed": failed},
        "documents": entries,
        "errors": _errors(job, entries),
        "case_id": job.case_id,
        "business_type": job.business_type,
        "params": {k: v for k, v in (job.params or {}).items()},
        "result": result,
        "callback": (
            {"url": job.callback_url, "state": job.callback_state, "attempts": job.callback_attempts}
            if job.callback_url
            else None
        ),
        "created_at": job.created_at.isoformat(),
        "started_at": job.started_at.isoformat() if job.started_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
        "page": {"offset": offset, "limit": limit},
    }


def get_job_view(
    svc: CaseServices, *, principal: Principal, job_id: str, offset: int = 0, limit: int = 1000
) -> dict[str, Any]:
    """A job of the caller's branch (another branch's job is "not found"). Audited: it shows fields read."""
    principal.require(*JOB_READERS)
    with svc.db.session() as s:
        job = get_job(s, job_id, branch=principal.branch)
        view = job_view(s, job, offset=max(offset, 0), limit=limit)
        audit(s, principal, "job.read", "job", job.id, kind=job.kind)
        return view
