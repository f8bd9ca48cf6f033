"""Sending job messages through Celery: the ``pipeline.work.job_store.Dispatcher`` the API, the CLI and the workers use.
Tasks are sent by name, so a sender never imports the OCR stack."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from celery import Celery
from kombu.exceptions import KombuError, OperationalError

from config.settings import Settings, get_settings
from domain.errors import ExternalServiceError

RUN_ITEMS = "docintel.run_items"
FINISH_JOB = "docintel.finish_job"
SEND_CALLBACK = "docintel.send_callback"

_RETRY_POLICY = {"max_retries": 3, "interval_start": 0.2, "interval_step": 0.5, "interval_max": 2.0}


class CeleryDispatcher:
    def __init__(self, app: Celery, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    def _send(self, name: str, *, kwargs: dict, queue: str, countdown: float = 0.0) -> None:
        try:
            self.app.send_task(
                name,
                kwargs=kwargs,
                queue=queue,
                countdown=countdown or None,
                retry=True,
                retry_policy=_RETRY_POLICY,
            )
        except (OperationalError, KombuError, OSError) as exc:
            raise ExternalServiceError(
                f"the job broker is unreachable: {type(exc).__name__}", message_zh="任务队列暂不可用"
            ) from None

    def send_items(self, job_id: str, kind: str, item_ids: Sequence[int]) -> None:
        kwargs = {"job_id": job_id, "kind": kind, "item_ids": list(item_ids)}
        self._send(RUN_ITEMS, kwargs=kwargs, queue=self.settings.jobs.ocr_queue)

    def send_finish(self, job_id: str, kind: str) -> None:
        self._send(FINISH_JOB, kwargs={"job_id": job_id, "kind": kind}, queue=self.settings.jobs.control_queue)

    def send_callback(self, job_id: str, countdown_s: float = 0.0) -> None:
        self._send(
            SEND_CALLBACK, kwargs={"job_id": job_id}, queue=self.settings.jobs.control_queue, countdown=countdown_s
        )


def dispatcher_for(settings: Settings) -> CeleryDispatcher:
    """A dispatcher on the broker these settings name (the API's, a test's, a bench's)."""
    from jobs.celery_app import make_celery

    return CeleryDispatcher(make_celery(settings), settings)


@lru_cache(maxsize=1)
def get_dispatcher() -> CeleryDispatcher:
    """The process's dispatcher on the configured broker."""
    from jobs.celery_app import app

    return CeleryDispatcher(app, get_settings())
