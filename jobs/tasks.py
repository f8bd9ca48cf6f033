"""Celery tasks: thin wrappers over ``pipeline.work.runner`` and ``pipeline.work.callbacks``. Retries are for transient
errors only (database busy, store or registry unreachable), with exponential backoff; bad input fails its item."""

from __future__ import annotations

import logging
import random

from celery.exceptions import SoftTimeLimitExceeded

from jobs import worker_process
from jobs.celery_app import app
from jobs.dispatch import get_dispatcher
from pipeline.packages.submit import KIND as PACKAGE_KIND
from pipeline.reprocess.run import KIND as REPROCESS_KIND
from pipeline.work import runner as job_runner
from pipeline.work.callbacks import deliver_callback
from pipeline.work.runner import TransientFailure

log = logging.getLogger(__name__)

JOB_KINDS = (PACKAGE_KIND, REPROCESS_KIND)  # imported, so registered, wherever tasks run


def _backoff_s(retries: int) -> float:
    j = worker_process.services().settings.jobs
    return min(j.retry_backoff_s * 2**retries, j.retry_backoff_max_s) * random.uniform(0.8, 1.2)


def _retry(task, exc: TransientFailure):  # type: ignore[no-untyped-def]
    max_retries = worker_process.services().settings.jobs.max_retries
    if task.request.retries >= max_retries:
        # Given up here; the items are queued again in the database and a sweep sends them later.
        log.error("%s gave up after %d retries: %s", task.name, task.request.retries, exc)
        return {"gave_up": str(exc)}
    raise task.retry(exc=exc, countdown=_backoff_s(task.request.retries), max_retries=max_retries)


@app.task(name="docintel.run_items", bind=True)
def run_items(self, job_id: str, kind: str, item_ids: list[int]) -> dict:  # type: ignore[no-untyped-def]
    try:
        return job_runner.run_items(
            worker_process.services(),
            get_dispatcher(),
            job_id=job_id,
            kind=kind,
            item_ids=item_ids,
            time_limit_errors=(SoftTimeLimitExceeded,),
        )
    except TransientFailure as exc:
        return _retry(self, exc)


@app.task(name="docintel.finish_job", bind=True)
def finish_job(self, job_id: str, kind: str = "") -> str:  # type: ignore[no-untyped-def]
    try:
        return job_runner.finish_job(worker_process.services(), get_dispatcher(), job_id=job_id)
    except TransientFailure as exc:
        return _retry(self, exc)


@app.task(name="docintel.send_callback")
def send_callback(job_id: str) -> str:
    svc = worker_process.services()
    delivery = deliver_callback(svc.db, job_id=job_id, settings=svc.settings)
    if delivery.retry_in_s is not None:
        get_dispatcher().send_callback(job_id, countdown_s=delivery.retry_in_s)
    return delivery.state
