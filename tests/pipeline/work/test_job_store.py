"""The job state machine on real databases (SQLite, PostgreSQL): claims, leases, exactly-once completion, the sweep
of lost work.

The dispatcher here records what would be sent; the brokers themselves are exercised with real workers in
tests/jobs/."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, update

from config.settings import JobsSettings, StorageSettings
from pipeline.work import job_store
from pipeline.work import sweep as job_sweep
from storage import migrate
from storage.db import Database
from storage.jobs_models import ItemState, Job, JobItem, JobState
from storage.models import utcnow

SETTINGS = JobsSettings(lease_s=30, max_attempts=3, requeue_after_s=600)


class RecordingDispatcher:
    def __init__(self) -> None:
        self.items: list[tuple[str, str, list[int]]] = []
        self.finishes: list[str] = []
        self.callbacks: list[str] = []

    def send_items(self, job_id, kind, item_ids):  # type: ignore[no-untyped-def]
        self.items.append((job_id, kind, list(item_ids)))

    def send_finish(self, job_id, kind):  # type: ignore[no-untyped-def]
        self.finishes.append(job_id)

    def send_callback(self, job_id, countdown_s=0.0):  # type: ignore[no-untyped-def]
        self.callbacks.append(job_id)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db(request, tmp_path) -> Database:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'jobs.db'}"
    else:
        from devtools.pg_cluster import find_pg_bin, shared_server

        if find_pg_bin() is None:
            pytest.skip("PostgreSQL binaries NOT FOUND (install Debian's postgresql): PostgreSQL tests skipped")
        url = shared_server().create_database()
    database = Database(StorageSettings(database_url=url, blob_dir=tmp_path / "b"))
    migrate.upgrade(database)
    yield database
    database.dispose()


def _job(db: Database, n: int = 3, chunks: list[int] | None = None) -> tuple[str, list[int]]:
    with db.session() as s:
        job = job_store.create_job(
            s, kind="package", items=[{"filename": f"f{i}.jpg"} for i in range(n)], chunks=chunks
        )
        ids = list(s.scalars(select(JobItem.id).where(JobItem.job_id == job.id).order_by(JobItem.seq)))
        return job.id, ids


def _expire(db: Database, item_id: int) -> None:
    with db.session() as s:
        s.execute(update(JobItem).where(JobItem.id == item_id).values(lease_until=utcnow() - dt.timedelta(seconds=1)))


def test_an_item_is_claimed_once_and_completed_once(db):
    job_id, (a, *_rest) = _job(db)
    claim = job_store.claim_item(db, item_id=a, settings=SETTINGS)
    assert claim is not None and claim.attempt == 1
    assert job_store.claim_item(db, item_id=a, settings=SETTINGS) is None  # leased by a live run
    stored: list[int] = []
    assert job_store.complete_item(db, item_id=a, result={"ok": 1}, store=lambda s: stored.append(1) or {"x": 2})
    assert not job_store.complete_item(db, item_id=a, result={"ok": 2}, store=lambda s: stored.append(2))
    assert stored == [1]  # the losing run's rows are never written
    assert job_store.claim_item(db, item_id=a, settings=SETTINGS) is None
    with db.session() as s:
        item = s.get(JobItem, a)
        assert item.state == ItemState.DONE and item.result == {"ok": 1, "x": 2}
        assert s.get(Job, job_id).state == JobState.RUNNING


def test_an_expired_lease_is_swept_and_run_again(db):
    job_id, ids = _job(db, chunks=[0, 0, 1])
    d = RecordingDispatcher()
    job_store.claim_item(db, item_id=ids[0], settings=SETTINGS)
    assert not job_sweep.sweep(db, d, settings=SETTINGS)  # a live lease is left alone
    _expire(db, ids[0])
    report = job_sweep.sweep(db, d, settings=SETTINGS)
    assert report.expired == 1
    assert d.items == [(job_id, "package", [ids[0], ids[1]])]  # its whole chunk, minus nothing finished
    claim = job_store.claim_item(db, item_id=ids[0], settings=SETTINGS)
    assert claim is not None and claim.attempt == 2


def test_a_file_that_keeps_killing_its_worker_fails_itself_not_the_job(db):
    job_id, ids = _job(db)
    for _ in range(SETTINGS.max_attempts):
        assert job_store.claim_item(db, item_id=ids[0], settings=SETTINGS) is not None
        _expire(db, ids[0])
        job_sweep.sweep(db, RecordingDispatcher(), settings=SETTINGS)
    assert job_store.claim_item(db, item_id=ids[0], settings=SETTINGS) is None
    with db.session() as s:
        item = s.get(JobItem, ids[0])
        assert item.state == ItemState.FAILED and item.error["code"] == "worker_lost"
        assert s.get(Job, job_id).state not in JobState.FINAL
    assert job_store.claim_item(db, item_id=ids[1], settings=SETTINGS) is not None


def test_a_transient_release_does_not_count_as_an_attempt(db):
    _job_id, ids = _job(db)
    job_store.claim_item(db, item_id=ids[0], settings=SETTINGS)
    job_store.release_item(db, item_id=ids[0])
    claim = job_store.claim_item(db, item_id=ids[0], settings=SETTINGS)
    assert claim is not None and claim.attempt == 1


def test_the_finish_is_sent_once_when_the_last_item_ends(db):
    job_id, ids = _job(db, n=2)
    d = RecordingDispatcher()
    for i in ids:
        job_store.claim_item(db, item_id=i, settings=SETTINGS)
    job_store.complete_item(db, item_id=ids[0], result={})
    assert not job_store.maybe_finish(db, d, job_id=job_id)
    job_store.fail_item(db, item_id=ids[1], error={"code": "corrupt_file"})
    assert job_store.maybe_finish(db, d, job_id=job_id)
    assert not job_store.maybe_finish(db, d, job_id=job_id)
    assert d.finishes == [job_id]
    with db.session() as s:
        assert job_store.counts(s, job_id) == {"done": 1, "failed": 1}


def test_sweep_sends_lost_messages_and_lost_finishes(db):
    job_id, ids = _job(db, n=1)
    d = RecordingDispatcher()
    old = utcnow() - dt.timedelta(seconds=SETTINGS.lease_s + 5)
    with db.session() as s:  # created a while ago and never sent (the broker was down at submission)
        s.execute(update(Job).where(Job.id == job_id).values(created_at=old))
    assert job_sweep.sweep(db, d, settings=SETTINGS).requeued == 1
    assert d.items == [(job_id, "package", ids)]
    job_store.claim_item(db, item_id=ids[0], settings=SETTINGS)
    job_store.complete_item(db, item_id=ids[0], result={})  # ... and its worker died before sending the finish
    assert job_sweep.sweep(db, d, settings=SETTINGS).finished == 1
    assert d.finishes == [job_id]
    assert job_sweep.sweep(db, d, settings=SETTINGS).finished == 0  # sent: not again until it is stale


def test_resume_sends_only_what_is_left(db):
    job_id, ids = _job(db, n=4, chunks=[0, 0, 1, 1])
    for i in ids[:2]:
        job_store.claim_item(db, item_id=i, settings=SETTINGS)
        job_store.complete_item(db, item_id=i, result={})
    d = RecordingDispatcher()
    assert job_store.dispatch_open_items(db, d, job_id=job_id) == 2
    assert d.items == [(job_id, "package", ids[2:])]
    with db.session() as s:
        assert s.scalar(select(func.count()).where(JobItem.job_id == job_id, JobItem.dispatched_at.is_not(None))) == 2


def test_final_state():
    assert job_store.final_state(3, 0) == "succeeded"
    assert job_store.final_state(2, 1) == "partial"
    assert job_store.final_state(0, 2) == "failed"
    assert job_store.final_state(0, 0) == "succeeded"


def test_two_runs_finishing_the_same_item_at_once_store_it_once(db):
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    _job_id, (a, *_rest) = _job(db)
    job_store.claim_item(db, item_id=a, settings=SETTINGS)
    barrier = threading.Barrier(2)
    stored: list[int] = []

    def store(n: int):  # type: ignore[no-untyped-def]
        def _store(_session):  # type: ignore[no-untyped-def]
            stored.append(n)
            time.sleep(0.2)  # hold the transaction open while the other run tries

        return _store

    def finish(n: int) -> bool:
        barrier.wait()
        return job_store.complete_item(db, item_id=a, result={"n": n}, store=store(n))

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(finish, [1, 2]))
    assert sorted(results) == [False, True]
    assert len(stored) == 1
