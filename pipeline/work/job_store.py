"""The life of a job and its items, in the database. Brokers deliver "at least once"; these transitions make the
effect "exactly once":

- ``claim_item`` moves an item to ``running`` with a lease and counts the attempt; a duplicate delivery finds the
  item finished (or leased by a live worker) and does nothing;
- ``complete_item`` stores the item's result *and* its side effects (rows written by ``store``) in the same
  transaction as the state change, guarded by ``state not in (done, failed)``: of two racing runs, one commits;
- ``pipeline.work.sweep.sweep`` finds what a killed worker or a lost message left behind and sends it again.

A poison file that kills its worker (crash, memory, hard time limit) is run at most ``max_attempts`` times and then
fails its own item; the job goes on.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import and_, func, select, update
from sqlalchemy.orm import Session

from config.settings import JobsSettings
from domain.errors import DocintelError, NotFound
from storage.db import Database
from storage.jobs_models import ItemState, Job, JobItem, JobState
from storage.models import utcnow

log = logging.getLogger(__name__)

OPEN_ITEM = (ItemState.QUEUED, ItemState.RUNNING)


class Dispatcher(Protocol):
    """How work reaches workers (Celery in ``jobs.dispatch``; a plain loop in tests of the pipeline alone)."""

    def send_items(self, job_id: str, kind: str, item_ids: Sequence[int]) -> None: ...

    def send_finish(self, job_id: str, kind: str) -> None: ...

    def send_callback(self, job_id: str, countdown_s: float = 0.0) -> None: ...


@dataclass(frozen=True)
class Claim:
    item_id: int
    job_id: str
    seq: int
    attempt: int
    filename: str | None
    blob_sha256: str | None
    document_id: str | None


def error_dict(exc: BaseException) -> dict[str, Any]:
    """What a failed item records: a domain error as it is, anything else as an internal error (no traceback, no
    personal data: the message of an unexpected exception is not kept, only its type)."""
    if isinstance(exc, DocintelError):
        return {"code": exc.code, "message": exc.message, "message_zh": exc.message_zh}
    return {
        "code": "internal_error",
        "message": f"unexpected {type(exc).__name__} while processing this item",
        "message_zh": "处理该材料时发生内部错误",
    }


def create_job(
    session: Session,
    *,
    kind: str,
    items: Sequence[dict[str, Any]],
    chunks: Sequence[int] | None = None,
    branch: str | None = None,
    created_by: str | None = None,
    role: str | None = None,
    business_type: str | None = None,
    case_id: str | None = None,
    params: dict[str, Any] | None = None,
    callback_url: str | None = None,
) -> Job:
    """A job and its items, queued. Items are dicts of ``JobItem`` columns (filename, blob_sha256, document_id);
    ``chunks`` says which message carries each item (default: one message per item)."""
    job = Job(
        kind=kind,
        state=JobState.QUEUED,
        branch=branch,
        created_by=created_by,
        role=role,
        business_type=business_type,
        case_id=case_id,
        params=params or {},
        total=len(items),
        result={},
        errors=[],
        callback_url=callback_url,
        callback_state="pending" if callback_url else None,
        callback_attempts=0,
    )
    session.add(job)
    session.flush()
    session.add_all(
        JobItem(job_id=job.id, seq=i, chunk=chunks[i] if chunks else i, state=ItemState.QUEUED, attempts=0, **item)
        for i, item in enumerate(items)
    )
    session.flush()
    return job


def get_job(session: Session, job_id: str, *, branch: str | None = None) -> Job:
    """The job if the caller may see it (its branch, or any with ``branch=None``); NotFound otherwise."""
    job = session.get(Job, job_id)
    if job is None or (branch is not None and job.branch != branch):
        raise NotFound(f"job {job_id[:64]!r} not found", message_zh="任务不存在")
    return job


def chunks_of(session: Session, job_id: str, *, open_only: bool = True) -> dict[int, list[int]]:
    """Item ids by chunk, in order; only unfinished items with ``open_only``."""
    query = select(JobItem.chunk, JobItem.id).where(JobItem.job_id == job_id).order_by(JobItem.seq)
    if open_only:
        query = query.where(JobItem.state.in_(OPEN_ITEM))
    out: dict[int, list[int]] = defaultdict(list)
    for chunk, item_id in session.execute(query):
        out[chunk].append(item_id)
    return dict(out)


def dispatch_open_items(db: Database, dispatcher: Dispatcher, *, job_id: str) -> int:
    """Sends one message per chunk of the job's unfinished items; the resume of an interrupted job. A message that
    duplicates one still queued costs nothing: its items are claimed once. Items are marked sent only after the
    broker took their message, so a failed send is found by the sweep soon, not after ``requeue_after_s``."""
    with db.session() as s:
        job = s.get(Job, job_id)
        if job is None:
            raise NotFound(f"job {job_id[:64]!r} not found", message_zh="任务不存在")
        kind = job.kind
        chunks = chunks_of(s, job_id)
    for item_ids in chunks.values():
        dispatcher.send_items(job_id, kind, item_ids)
        with db.session() as s:
            s.execute(
                update(JobItem)
                .where(JobItem.id.in_(item_ids), JobItem.state == ItemState.QUEUED)
                .values(dispatched_at=utcnow())
            )
    if not chunks:
        maybe_finish(db, dispatcher, job_id=job_id)
    return sum(len(v) for v in chunks.values())


def claim_item(db: Database, *, item_id: int, settings: JobsSettings) -> Claim | None:
    """Takes an item for this run, or None when there is nothing to do (finished, or leased by a live run)."""
    now = utcnow()
    with db.session() as s:
        item = s.scalars(select(JobItem).where(JobItem.id == item_id).with_for_update()).first()
        if item is None or item.state in ItemState.FINAL:
            return None
        if item.state == ItemState.RUNNING and item.lease_until is not None and _aware(item.lease_until) > now:
            return None
        if item.attempts >= settings.max_attempts:
            _finish_item(
                s,
                item,
                state=ItemState.FAILED,
                error={
                    "code": "worker_lost",
                    "message": f"this item stopped its worker {item.attempts} times (crash, memory or hard time "
                    "limit); it is not tried again",
                    "message_zh": f"处理该材料时进程已异常终止 {item.attempts} 次，不再重试",
                },
            )
            job_id = item.job_id
            s.flush()
            claim = None
        else:
            item.state = ItemState.RUNNING
            item.attempts += 1
            item.lease_until = now + dt.timedelta(seconds=settings.lease_s)
            item.started_at = now
            job = s.get(Job, item.job_id)
            if job is not None and job.state == JobState.QUEUED:
                job.state = JobState.RUNNING
                job.started_at = now
            return Claim(
                item_id=item.id,
                job_id=item.job_id,
                seq=item.seq,
                attempt=item.attempts,
                filename=item.filename,
                blob_sha256=item.blob_sha256,
                document_id=item.document_id,
            )
    log.warning("job %s item %s failed after repeated worker loss", job_id, item_id)
    return claim


def renew_lease(db: Database, *, item_id: int, lease_s: float) -> bool:
    with db.session() as s:
        result = s.execute(
            update(JobItem)
            .where(JobItem.id == item_id, JobItem.state == ItemState.RUNNING)
            .values(lease_until=utcnow() + dt.timedelta(seconds=lease_s))
        )
        return result.rowcount == 1


def release_item(db: Database, *, item_id: int) -> None:
    """Gives an item back after a transient error, without counting the attempt (the retry will claim it)."""
    with db.session() as s:
        s.execute(
            update(JobItem)
            .where(JobItem.id == item_id, JobItem.state == ItemState.RUNNING)
            .values(state=ItemState.QUEUED, lease_until=None, attempts=JobItem.attempts - 1, dispatched_at=utcnow())
        )


def _finish_item(
    s: Session, item: JobItem, *, state: str, result: dict | None = None, error: dict | None = None
) -> None:
    item.state = state
    item.result = result
    item.error = error
    item.lease_until = None
    item.finished_at = utcnow()


def complete_item(
    db: Database,
    *,
    item_id: int,
    result: dict[str, Any],
    reads: list[Any] | None = None,
    store: Callable[[Session], dict[str, Any] | None] | None = None,
) -> bool:
    """Records a finished item and runs ``store`` (its rows) in the same transaction. False when another run of
    the same item got there first: then nothing is stored."""
    with db.session() as s:
        won = s.execute(
            update(JobItem)
            .where(JobItem.id == item_id, JobItem.state.in_(OPEN_ITEM))
            .values(state=ItemState.DONE, lease_until=None, finished_at=utcnow())
        ).rowcount
        if won != 1:
            return False
        extra = store(s) if store is not None else None
        values: dict[str, Any] = {"result": {**result, **(extra or {})}, "error": None}
        if reads is not None:
            values["reads"] = reads
        s.execute(update(JobItem).where(JobItem.id == item_id).values(**values))
        return True


def fail_item(db: Database, *, item_id: int, error: dict[str, Any], result: dict[str, Any] | None = None) -> bool:
    with db.session() as s:
        return (
            s.execute(
                update(JobItem)
                .where(JobItem.id == item_id, JobItem.state.in_(OPEN_ITEM))
                .values(state=ItemState.FAILED, error=error, result=result, lease_until=None, finished_at=utcnow())
            ).rowcount
            == 1
        )


def counts(session: Session, job_id: str) -> dict[str, int]:
    rows = session.execute(
        select(JobItem.state, func.count()).where(JobItem.job_id == job_id).group_by(JobItem.state)
    ).all()
    return {state: n for state, n in rows}


def maybe_finish(db: Database, dispatcher: Dispatcher, *, job_id: str) -> bool:
    """Sends the finishing task once every item is finished (once: ``finish_sent_at`` is set in the same
    transaction that saw the last item done; the sweeper sends it again if it is lost)."""
    with db.session() as s:
        open_items = s.scalar(select(func.count()).where(JobItem.job_id == job_id, JobItem.state.in_(OPEN_ITEM)))
        if open_items:
            return False
        sent = s.execute(
            update(Job)
            .where(Job.id == job_id, Job.finish_sent_at.is_(None), Job.state.not_in(JobState.FINAL))
            .values(finish_sent_at=utcnow())
        ).rowcount
        kind = s.scalar(select(Job.kind).where(Job.id == job_id))
    if sent == 1 and kind is not None:
        dispatcher.send_finish(job_id, kind)
        return True
    return False


def close_job(
    session: Session, job: Job, *, state: str, result: dict[str, Any], errors: list[dict[str, Any]] | None = None
) -> None:
    job.state = state
    job.result = result
    job.errors = [*(job.errors or []), *(errors or [])]
    job.finished_at = utcnow()
    if job.callback_url:
        job.callback_state = "pending"
        job.callback_next_at = job.finished_at


def final_state(done: int, failed: int) -> str:
    if failed == 0:
        return JobState.SUCCEEDED
    return JobState.PARTIAL if done else JobState.FAILED


def _aware(t: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes (stored as UTC); PostgreSQL aware ones.
    return t if t.tzinfo is not None else t.replace(tzinfo=dt.UTC)


def item_ids_of(session: Session, job_id: str, item_ids: Iterable[int]) -> list[int]:
    """The given ids that belong to the job (a message names its job; a mismatch is ignored, never trusted)."""
    wanted = list(item_ids)
    if not wanted:
        return []
    return list(
        session.scalars(
            select(JobItem.id).where(and_(JobItem.job_id == job_id, JobItem.id.in_(wanted))).order_by(JobItem.seq)
        )
    )
