"""The Celery app, configured from settings only: the embedded broker (kombu's ``sqla+sqlite://``, no server) by
default, Redis at scale. ``celery -A jobs.celery_app worker`` or ``docintel worker`` run it.

Delivery is "at least once" and the database makes it "exactly once" (see ``pipeline.work.job_store``):
- ``task_acks_late`` + ``task_reject_on_worker_lost``: a message is acknowledged after its task ran, and one whose
  worker process died is put back, so a killed process loses nothing;
- ``worker_prefetch_multiplier`` 1: a process reserves one long OCR task at a time, no hoarding;
- soft and hard time limits per task; worker processes replaced after ``max_tasks_per_child`` tasks or
  ``max_memory_per_child_mb`` of resident memory (OCR runtimes grow);
- Redis's ``visibility_timeout`` outlives the hard time limit, so a running task is never handed out twice;
- the embedded broker cannot give back a message whose whole worker was killed: the worker's sweep (leases in the
  database) sends such work again, on both brokers alike.
"""

from __future__ import annotations

from celery import Celery

from config.settings import Settings, get_settings
from jobs.broker_sqla import kombu_url


def broker_kind(url: str) -> str:
    return "sqla" if url.startswith(("sqla+", "sqlalchemy+")) else url.split("://", 1)[0]


def celery_config(settings: Settings) -> dict:
    j = settings.jobs
    visibility = j.visibility_timeout_s or j.task_time_limit_s + 60
    transport_options: dict = {}
    if broker_kind(j.broker_url) in ("redis", "rediss"):
        transport_options = {"visibility_timeout": visibility}
    elif broker_kind(j.broker_url) == "sqla":
        transport_options = {"polling_interval": j.broker_poll_interval_s}
    return {
        "broker_url": kombu_url(j.broker_url),
        "result_backend": j.result_backend,
        "task_ignore_result": True,  # a job's state lives in the database, not in Celery results
        "task_serializer": "json",
        "accept_content": ["json"],
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": j.prefetch_multiplier,
        "task_soft_time_limit": j.task_soft_time_limit_s,
        "task_time_limit": j.task_time_limit_s,
        "worker_max_tasks_per_child": j.max_tasks_per_child,
        "worker_max_memory_per_child": (j.max_memory_per_child_mb * 1024) or None,  # KiB
        "worker_proc_alive_timeout": 120.0,  # a new process loads the OCR models before it reports ready
        "task_default_queue": j.control_queue,
        "task_routes": {
            "docintel.run_items": {"queue": j.ocr_queue},
            "docintel.finish_job": {"queue": j.control_queue},
            "docintel.send_callback": {"queue": j.control_queue},
        },
        "broker_transport_options": transport_options,
        "broker_connection_retry_on_startup": True,
        "worker_hijack_root_logger": False,
        "worker_redirect_stdouts": False,
        "worker_send_task_events": False,
        "worker_enable_remote_control": broker_kind(j.broker_url) != "sqla",  # the SQL transport has no fanout
    }


def make_celery(settings: Settings | None = None) -> Celery:
    settings = settings or get_settings()
    app = Celery("docintel", include=["jobs.tasks"])
    app.conf.update(celery_config(settings))
    return app


app = make_celery()
celery = app  # the name `celery -A jobs.celery_app` looks for
# A worker imports ``jobs.tasks`` (the ``include`` above) before it starts, and with it ``jobs.worker_process``,
# whose signal handlers set the worker up; this module imports neither, so a sender never loads them.
