"""Transient errors are retried, never failed: a database held by another writer gives the item back untouched."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import select

from pipeline.keys import create_api_key
from pipeline.work import job_store
from pipeline.work import runner as job_runner
from pipeline.work.runner import InlineDispatcher, TransientFailure
from storage.jobs_models import ItemState, Job, JobItem
from storage.models import Case


def test_a_locked_database_is_transient_and_the_item_is_given_back(svc, tmp_path):
    sha = svc.blobs.put(b"this is not an image or a PDF")
    key = create_api_key(svc.db, role="loan", branch="B1")
    with svc.db.session() as s:
        case = Case(
            branch="B1", business_type="retirement_withdrawal", business_date="2026-06-01", created_by=key.key_id
        )
        s.add(case)
        s.flush()
        job = job_store.create_job(
            s,
            kind="package",
            items=[{"filename": "notes.txt", "blob_sha256": sha}],
            branch="B1",
            created_by=key.key_id,
            case_id=case.id,
        )
        job_id = job.id
        (item_id,) = s.scalars(select(JobItem.id).where(JobItem.job_id == job_id))
    dispatcher = InlineDispatcher(svc)

    other = sqlite3.connect(tmp_path / "run.db", isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # another writer holds the database
    try:
        with pytest.raises(TransientFailure):
            job_runner.run_items(svc, dispatcher, job_id=job_id, kind="package", item_ids=[item_id])
    finally:
        other.execute("ROLLBACK")
        other.close()
    with svc.db.session() as s:
        item = s.get(JobItem, item_id)
        assert (item.state, item.attempts) == (ItemState.QUEUED, 0)

    # Once the database is free the same message goes through: bad content fails its own item, with the reason.
    tally = job_runner.run_items(svc, dispatcher, job_id=job_id, kind="package", item_ids=[item_id])
    assert tally == {"done": 0, "failed": 1, "skipped": 0}
    with svc.db.session() as s:
        item = s.get(JobItem, item_id)
        assert item.error["code"] == "unsupported_file_type" and item.attempts == 1
    dispatcher.drain()  # the finish it sent: the job closes, failed (its only file could not be read)
    with svc.db.session() as s:
        job = s.get(Job, job_id)
        assert job.state == "failed" and job.result["documents"][0]["error"]["code"] == "unsupported_file_type"
