"""Running a job's items and finishing the job, whatever carries the messages (Celery workers, or a plain loop).

Each kind of job (``package``, ``reprocess``) provides a ``JobKind``: how to process one item, what to do after a
batch of items, how to finish. This module owns the rules common to all of them:

- an item's failure is the item's: bad input, a crash in a reader, a soft time limit fail that item with a clear
  error, and the job goes on (a poison file fails its own document, not the job);
- transient errors (database busy or unreachable, blob store or registry down) give the item back and raise
  ``TransientFailure``, so the caller retries the message later with backoff — never for bad input;
- while an item runs, a heartbeat renews its lease, so only a dead worker's items are ever taken over.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session

from domain.errors import DocintelError, ExternalServiceError
from pipeline.keys import Principal, Role
from pipeline.services import CaseServices
from pipeline.work import job_store
from pipeline.work.job_store import Claim, Dispatcher
from storage.jobs_models import Job, JobState

log = logging.getLogger(__name__)

TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (ExternalServiceError, OperationalError, InterfaceError)


class TransientFailure(Exception):
    """The message should be retried later; the item was given back."""

    def __init__(self, cause: BaseException) -> None:
        super().__init__(f"{type(cause).__name__}: {cause}"[:300])
        self.cause = cause


@dataclass(frozen=True)
class ItemOutcome:
    result: dict[str, Any]
    reads: list[Any] | None = None
    store: Callable[[Session], dict[str, Any] | None] | None = None  # rows written with the item's completion


@dataclass(frozen=True)
class JobKind:
    name: str
    process: Callable[[CaseServices, Claim], ItemOutcome]
    finish: Callable[[CaseServices, str], None]  # closes the job (must be safe to run twice)
    after_items: Callable[[CaseServices, str, Sequence[int]], None] | None = None


_KINDS: dict[str, JobKind] = {}


def register_kind(kind: JobKind) -> JobKind:
    """Called by the module defining a kind, at import: whoever runs jobs imports the kinds it runs."""
    _KINDS[kind.name] = kind
    return kind


def kind_for(name: str) -> JobKind:
    try:
        return _KINDS[name]
    except KeyError:
        raise LookupError(f"job kind {name!r} is not registered (its module was not imported)") from None


def resume_job(svc: CaseServices, dispatcher: Dispatcher, *, job_id: str, principal: Principal | None = None) -> int:
    """Sends the unfinished items of an interrupted job again; what is done stays done. Returns how many. A caller
    over HTTP (``principal``) must be an admin of the job's branch; the operator's CLI passes none."""
    if principal is not None:
        principal.require(Role.ADMIN)
        with svc.db.session() as s:
            job_store.get_job(s, job_id, branch=principal.branch)
    return job_store.dispatch_open_items(svc.db, dispatcher, job_id=job_id)


@contextmanager
def heartbeat(svc: CaseServices, item_id: int) -> Iterator[None]:
    """Renews the item's lease every ``heartbeat_s`` while the block runs (OCR releases the GIL, so it ticks)."""
    settings = svc.settings.jobs
    stop = threading.Event()

    def _beat() -> None:
        while not stop.wait(settings.heartbeat_s):
            try:
                job_store.renew_lease(svc.db, item_id=item_id, lease_s=settings.lease_s)
            except Exception:  # a missed beat is not fatal: the lease is several beats long
                log.warning("lease renewal of item %s failed", item_id, exc_info=True)

    thread = threading.Thread(target=_beat, name=f"lease-{item_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


def run_items(
    svc: CaseServices,
    dispatcher: Dispatcher,
    *,
    job_id: str,
    kind: str,
    item_ids: Sequence[int],
    time_limit_errors: tuple[type[BaseException], ...] = (),
) -> dict[str, int]:
    """Processes the items of one message. Returns how many were done, failed and skipped (already finished or
    held by a live run)."""
    job_kind = kind_for(kind)
    with _transient(), svc.db.session() as s:
        ids = job_store.item_ids_of(s, job_id, item_ids)
    tally = {"done": 0, "failed": 0, "skipped": 0}
    for item_id in ids:
        with _transient():
            claim = job_store.claim_item(svc.db, item_id=item_id, settings=svc.settings.jobs)
        if claim is None:
            tally["skipped"] += 1
            continue
        tally[_run_one(svc, job_kind, claim, time_limit_errors)] += 1
    with _transient():
        if job_kind.after_items is not None:
            job_kind.after_items(svc, job_id, ids)
        job_store.maybe_finish(svc.db, dispatcher, job_id=job_id)
    return tally


@contextmanager
def _transient() -> Iterator[None]:
    try:
        yield
    except TRANSIENT_ERRORS as exc:
        raise TransientFailure(exc) from exc


def _run_one(
    svc: CaseServices, job_kind: JobKind, claim: Claim, time_limit_errors: tuple[type[BaseException], ...]
) -> str:
    try:
        with heartbeat(svc, claim.item_id):
            outcome = job_kind.process(svc, claim)
        won = job_store.complete_item(
            svc.db, item_id=claim.item_id, result=outcome.result, reads=outcome.reads, store=outcome.store
        )
        return "done" if won else "skipped"
    except TRANSIENT_ERRORS as exc:
        log.warning("job %s item %s: transient %s; will retry", claim.job_id, claim.item_id, type(exc).__name__)
        job_store.release_item(svc.db, item_id=claim.item_id)
        raise TransientFailure(exc) from exc
    except time_limit_errors:
        error = {
            "code": "time_limit",
            "message": f"reading this item took longer than {svc.settings.jobs.task_soft_time_limit_s} s",
            "message_zh": "处理该材料超时",
        }
    except DocintelError as exc:
        error = job_store.error_dict(exc)
    except Exception as exc:
        log.exception("job %s item %s failed unexpectedly", claim.job_id, claim.item_id)
        error = job_store.error_dict(exc)
    job_store.fail_item(svc.db, item_id=claim.item_id, error=error)
    log.info("job %s item %s failed: %s", claim.job_id, claim.item_id, error["code"])
    return "failed"


def finish_job(svc: CaseServices, dispatcher: Dispatcher, *, job_id: str) -> str:
    """Closes a job whose items are all finished; sends its callback. Safe to run more than once."""
    with svc.db.session() as s:
        job = s.get(Job, job_id)
        if job is None:
            return "missing"
        kind, state = job.kind, job.state
    if state not in JobState.FINAL:
        try:
            kind_for(kind).finish(svc, job_id)
        except TRANSIENT_ERRORS as exc:
            raise TransientFailure(exc) from exc
        except Exception as exc:
            if not isinstance(exc, DocintelError):
                log.exception("job %s could not be finished", job_id)
            _fail_job(svc, job_id, exc)
    with svc.db.session() as s:
        job = s.get(Job, job_id)
        state = job.state if job else "missing"
        pending = job is not None and job.callback_state == "pending" and job.state in JobState.FINAL
    if pending:
        dispatcher.send_callback(job_id)
    return state


def _fail_job(svc: CaseServices, job_id: str, exc: BaseException) -> None:
    with svc.db.session() as s:
        job = s.get(Job, job_id)
        if job is not None and job.state not in JobState.FINAL:
            job_store.close_job(
                s, job, state=JobState.FAILED, result=job.result or {}, errors=[job_store.error_dict(exc)]
            )


class InlineDispatcher:
    """Runs a job's messages in this process, in order, with no broker (``docintel reprocess --inline`` on a
    machine with no worker). Messages queue up and are drained by ``drain``, so nothing recurses."""

    def __init__(self, svc: CaseServices) -> None:
        self.svc = svc
        self._queue: list[tuple[str, tuple]] = []

    def send_items(self, job_id: str, kind: str, item_ids: Sequence[int]) -> None:
        self._queue.append(("items", (job_id, kind, list(item_ids))))

    def send_finish(self, job_id: str, kind: str) -> None:
        self._queue.append(("finish", (job_id,)))

    def send_callback(self, job_id: str, countdown_s: float = 0.0) -> None:
        self._queue.append(("callback", (job_id,)))

    def drain(self, on_message: Callable[[], None] | None = None) -> None:
        from pipeline.work.callbacks import deliver_callback

        while self._queue:
            what, args = self._queue.pop(0)
            if what == "items":
                job_id, kind, item_ids = args
                run_items(self.svc, self, job_id=job_id, kind=kind, item_ids=item_ids)
            elif what == "finish":
                finish_job(self.svc, self, job_id=args[0])
            else:
                deliver_callback(self.svc.db, job_id=args[0], settings=self.svc.settings)
            if on_message is not None:
                on_message()
