"""Shared pieces of the jobs tests: a test's world (settings, services, dispatcher, workers) on a real broker."""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from loopback import CallbackReceiver

from config.settings import Settings
from devtools.job_servers import RedisServer, WorkerProcess, settings_for
from jobs.dispatch import CeleryDispatcher, dispatcher_for
from pipeline.keys import Principal, Role, create_api_key
from pipeline.services import CaseServices
from storage import migrate
from storage.blobs import build_blob_store
from storage.db import Database
from storage.jobs_models import Job, JobState

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
_redis_db = itertools.count(1)

FAST = {
    "DOCINTEL_ENV": "test",
    "DOCINTEL_OCR__MODEL_DIR": str(ROOT / "var" / "models"),
    "DOCINTEL_OCR__THREADS": "1",
    "DOCINTEL_JOBS__LEASE_S": "6",
    "DOCINTEL_JOBS__HEARTBEAT_S": "1",
    "DOCINTEL_JOBS__SWEEP_INTERVAL_S": "1",
    "DOCINTEL_JOBS__TASK_SOFT_TIME_LIMIT_S": "150",
    "DOCINTEL_JOBS__TASK_TIME_LIMIT_S": "180",
    "DOCINTEL_JOBS__CALLBACK_ALLOW_PRIVATE": "true",
    "DOCINTEL_JOBS__CALLBACK_SECRET": "jobs-test-secret",
    "DOCINTEL_JOBS__CALLBACK_BACKOFF_S": "0.5",
    "PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK": "True",
}


@dataclass
class JobEnv:
    """One test's world: settings (as the workers see them), services, a dispatcher, and its workers."""

    broker: str
    tmp: Path
    env: dict[str, str]
    settings: Settings
    services: CaseServices
    dispatcher: CeleryDispatcher
    workers: list[WorkerProcess] = field(default_factory=list)

    @property
    def db(self) -> Database:
        return self.services.db

    def start_worker(self, *, wait: bool = True, **kwargs) -> WorkerProcess:  # type: ignore[no-untyped-def]
        worker = WorkerProcess(self.env, name=f"w{len(self.workers) + 1}", log_dir=self.tmp, **kwargs).start()
        self.workers.append(worker)
        return worker.wait_ready() if wait else worker

    def principal(self, role: str = "loan", branch: str = "B1") -> tuple[Principal, str]:
        key = create_api_key(self.db, role=role, branch=branch)
        return Principal(key.key_id, Role(role), branch), key.secret

    def wait_job(self, job_id: str, timeout_s: float = 240.0, poll_s: float = 0.3) -> Job:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            with self.db.session() as s:
                job = s.get(Job, job_id)
                if job.state in JobState.FINAL:
                    return job
            time.sleep(poll_s)
        logs = "\n".join(w.log()[-3000:] for w in self.workers)
        raise AssertionError(f"job {job_id} not finished after {timeout_s} s; worker logs:\n{logs}")

    def wait_for(self, predicate: Callable[[], bool], timeout_s: float = 120.0, poll_s: float = 0.05) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(poll_s)
        logs = "\n".join(w.log()[-3000:] for w in self.workers)
        raise AssertionError(f"condition not met after {timeout_s} s; worker logs:\n{logs}")


def make_job_env(broker: str, tmp: Path, redis: RedisServer | None = None, **extra: str) -> JobEnv:
    broker_url = f"sqla+sqlite:///{tmp / 'broker.db'}" if broker == "sqla" else redis.url(next(_redis_db))
    env = {
        **FAST,
        "DOCINTEL_VAR_DIR": str(tmp),
        "DOCINTEL_STORAGE__DATABASE_URL": f"sqlite:///{tmp / 'docintel.db'}",
        "DOCINTEL_STORAGE__BLOB_DIR": str(tmp / "blobs"),
        # The session's dev PKI (tests/conftest.py's var dir), generated once for every test that signs.
        "DOCINTEL_SIGNING__DEV_PKI_DIR": str(Path(os.environ.get("DOCINTEL_VAR_DIR", tmp)) / "pki"),
        "DOCINTEL_JOBS__BROKER_URL": broker_url,
        **extra,
    }
    settings = settings_for(env)
    db = Database(settings.storage)
    migrate.upgrade(db)
    services = CaseServices(db=db, blobs=build_blob_store(settings.storage), settings=settings)
    return JobEnv(broker, tmp, env, settings, services, dispatcher_for(settings))


def sample(path: str) -> bytes:
    return (SAMPLES / path).read_bytes()


class Receiver(CallbackReceiver):
    """A callback receiver that answers 200."""

    def __init__(self) -> None:
        super().__init__([200], path="/done")


def purge_queues(env: JobEnv) -> None:
    """Loses every message waiting in the broker, as a wiped broker would."""
    jobs = env.settings.jobs
    with env.dispatcher.app.connection_for_write() as conn:
        channel = conn.default_channel
        for queue in (jobs.ocr_queue, jobs.control_queue):
            channel.queue_purge(queue)
