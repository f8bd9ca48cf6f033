"""Recovery of what a killed worker or a lost message left behind: expired leases, queued items never started,
finished jobs never closed, callbacks never sent. Each is found by a conditional update and sent again, so every
worker may sweep at once."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import and_, or_, select, update

from config.settings import JobsSettings
from pipeline.work.job_store import OPEN_ITEM, Dispatcher, chunks_of
from storage.db import Database
from storage.jobs_models import ItemState, Job, JobItem, JobState
from storage.models import utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SweepReport:
    expired: int
    requeued: int
    finished: int
    callbacks: int

    def __bool__(self) -> bool:
        return bool(self.expired or self.requeued or self.finished or self.callbacks)


def sweep(db: Database, dispatcher: Dispatcher, *, settings: JobsSettings) -> SweepReport:
    """Sends again whatever was lost. Safe to run in every worker at once: each change is a conditional update and
    only rows this sweep changed are sent."""
    now = utcnow()
    stale = now - dt.timedelta(seconds=settings.requeue_after_s)
    finish_stale = now - dt.timedelta(seconds=3 * settings.lease_s)
    unsent = now - dt.timedelta(seconds=settings.lease_s)  # never taken by the broker (it was down at submission)
    with db.session() as s:
        expired = s.execute(
            update(JobItem)
            .where(JobItem.state == ItemState.RUNNING, JobItem.lease_until < now)
            .values(state=ItemState.QUEUED, lease_until=None, dispatched_at=now)
            .returning(JobItem.id, JobItem.job_id)
        ).all()
        lost = s.execute(
            update(JobItem)
            .where(
                JobItem.state == ItemState.QUEUED,
                or_(
                    JobItem.dispatched_at < stale,
                    and_(
                        JobItem.dispatched_at.is_(None),
                        JobItem.job_id.in_(select(Job.id).where(Job.created_at < unsent)),
                    ),
                ),
            )
            .values(dispatched_at=now)
            .returning(JobItem.id, JobItem.job_id)
        ).all()
        resend: dict[str, list[int]] = defaultdict(list)
        for item_id, job_id in [*expired, *lost]:
            resend[job_id].append(item_id)
        kinds = dict(s.execute(select(Job.id, Job.kind).where(Job.id.in_(list(resend)))).all()) if resend else {}
        unfinished = s.execute(
            update(Job)
            .where(
                Job.state.not_in(JobState.FINAL),
                or_(Job.finish_sent_at.is_(None), Job.finish_sent_at < finish_stale),
                ~select(JobItem.id).where(JobItem.job_id == Job.id, JobItem.state.in_(OPEN_ITEM)).exists(),
                Job.created_at < now - dt.timedelta(seconds=settings.lease_s),
            )
            .values(finish_sent_at=now)
            .returning(Job.id, Job.kind)
        ).all()
        callbacks = s.execute(
            update(Job)
            .where(
                Job.callback_state == "pending",
                Job.state.in_(JobState.FINAL),
                Job.callback_next_at < now - dt.timedelta(seconds=settings.lease_s),
            )
            .values(callback_next_at=now)
            .returning(Job.id)
        ).all()
    for job_id, item_ids in resend.items():
        item_set = set(item_ids)
        with db.session() as s:
            chunks = chunks_of(s, job_id)
        for chunk_ids in chunks.values():
            if item_set.intersection(chunk_ids):
                dispatcher.send_items(job_id, kinds.get(job_id, ""), chunk_ids)
    for job_id, kind in unfinished:
        dispatcher.send_finish(job_id, kind)
    for (job_id,) in callbacks:
        dispatcher.send_callback(job_id)
    report = SweepReport(len(expired), len(lost), len(unfinished), len(callbacks))
    if report:
        log.warning(
            "sweep: %d expired leases, %d lost messages, %d unfinished jobs, %d callbacks sent again",
            report.expired,
            report.requeued,
            report.finished,
            report.callbacks,
        )
    return report
