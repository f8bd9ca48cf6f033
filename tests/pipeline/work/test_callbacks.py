"""Job callbacks: HMAC-signed POSTs to a real HTTP server on 127.0.0.1, retried with backoff on transient answers."""

from __future__ import annotations

import json

import pytest
from loopback import CallbackReceiver

from config.settings import JobsSettings, Settings, StorageSettings
from pipeline.work import job_store
from pipeline.work.callbacks import (
    SIGNATURE_HEADER,
    BadCallbackUrl,
    backoff_s,
    check_callback_url,
    deliver_callback,
    sign,
    verify_signature,
)
from storage import migrate
from storage.db import Database
from storage.jobs_models import Job

SECRET = "s3cret-for-tests"


@pytest.fixture
def env(tmp_path):
    settings = Settings(
        var_dir=tmp_path,
        storage=StorageSettings(database_url=f"sqlite:///{tmp_path / 'cb.db'}", blob_dir=tmp_path / "b"),
        jobs=JobsSettings(
            callback_secret=SECRET, callback_allow_private=True, callback_max_attempts=3, callback_timeout_s=5
        ),
    )
    db = Database(settings.storage)
    migrate.upgrade(db)
    yield settings, db
    db.dispose()


def _finished_job(db: Database, url: str) -> str:
    with db.session() as s:
        job = job_store.create_job(s, kind="package", items=[{"filename": "a.jpg"}], callback_url=url)
        job_store.close_job(s, job, state="succeeded", result={})
        return job.id


def test_a_callback_is_signed_and_retried_until_delivered(env):
    settings, db = env
    receiver = CallbackReceiver([503, 200])
    try:
        job_id = _finished_job(db, receiver.url)
        first = deliver_callback(db, job_id=job_id, settings=settings)
        assert first.state == "pending" and first.retry_in_s is not None and first.error == "HTTP 503"
        second = deliver_callback(db, job_id=job_id, settings=settings)
        assert second.state == "delivered" and second.attempt == 2
        assert deliver_callback(db, job_id=job_id, settings=settings).state == "none"  # never twice once delivered
    finally:
        receiver.close()
    assert len(receiver.requests) == 2
    headers, body = receiver.requests[-1]
    assert verify_signature(SECRET.encode(), body, headers[SIGNATURE_HEADER])
    assert not verify_signature(b"another key", body, headers[SIGNATURE_HEADER])
    assert not verify_signature(SECRET.encode(), body + b" ", headers[SIGNATURE_HEADER])
    payload = json.loads(body)
    assert payload["job_id"] == job_id and payload["state"] == "succeeded"
    assert payload["progress"] == {"done": 0, "total": 1, "failed": 0}
    assert headers["X-Docintel-Delivery"] == f"{job_id}:2"
    with db.session() as s:
        job = s.get(Job, job_id)
        assert (job.callback_state, job.callback_attempts) == ("delivered", 2)


def test_a_refusing_receiver_is_not_retried_and_a_dead_one_is_given_up(env):
    settings, db = env
    receiver = CallbackReceiver([400])
    try:
        job_id = _finished_job(db, receiver.url)
        assert deliver_callback(db, job_id=job_id, settings=settings).state == "failed"
        assert len(receiver.requests) == 1
    finally:
        receiver.close()
    dead = _finished_job(db, receiver.url)  # the server is gone: connection refused every time
    states = [deliver_callback(db, job_id=dead, settings=settings).state for _ in range(3)]
    assert states == ["pending", "pending", "failed"]


def test_stale_or_malformed_signatures_are_rejected():
    body = b'{"a": 1}'
    assert not verify_signature(b"k", body, sign(b"k", body, 1_000_000))  # 1970: far outside the tolerance
    assert not verify_signature(b"k", body, "garbage")


def test_callback_urls_must_be_public_http(env):
    settings, _db = env
    strict = settings.model_copy(update={"jobs": settings.jobs.model_copy(update={"callback_allow_private": False})})
    for url in ("http://127.0.0.1:9/x", "http://10.1.2.3/x", "http://[::1]/x", "http://169.254.169.254/latest"):
        with pytest.raises(BadCallbackUrl):
            check_callback_url(url, settings=strict)
    for url in ("ftp://example.com/x", "/relative", "http://user:pw@example.com/x"):
        with pytest.raises(BadCallbackUrl):
            check_callback_url(url, settings=settings)
    assert check_callback_url("http://93.184.216.34/hook", settings=strict) == "http://93.184.216.34/hook"
    assert check_callback_url(None, settings=strict) is None


def test_backoff_doubles_and_is_capped():
    assert 1.8 <= backoff_s(1, base_s=2) <= 2.2
    assert 7.2 <= backoff_s(3, base_s=2) <= 8.8
    assert backoff_s(30, base_s=2) <= 330
