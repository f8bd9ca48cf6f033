"""What a worker process holds, and the worker's start-up and housekeeping (Celery signals).

- ``worker_init`` (main process, before any fork): import the OCR stack (modules only) and migrate the database
  when ``storage.auto_migrate``.
- ``worker_process_init`` (each pool process, after the fork): forget broker connections inherited from the parent
  (kept referenced, never closed: closing a SQLite handle in a child can disturb the parent's), then load the OCR
  models, so the first task does not pay for it.
- ``worker_ready`` (main process): a sweeper thread that, every ``sweep_interval_s``, sends again what killed workers
  and lost messages left behind (``pipeline.work.job_store.sweep``), and trims acknowledged messages from the
  embedded broker's table (kombu's SQL transport never deletes them).
"""

from __future__ import annotations

import contextlib
import logging
import threading
from functools import lru_cache
from typing import Any

from celery import signals
from sqlalchemy import create_engine, inspect, text

from config.settings import Settings, get_settings
from jobs.dispatch import get_dispatcher
from pipeline.services import CaseServices

log = logging.getLogger(__name__)

_inherited: list[Any] = []  # the parent's broker engines, kept alive in a child and never used
_stop = threading.Event()
BROKER_RETENTION_S = 24 * 3600


@lru_cache(maxsize=1)
def services() -> CaseServices:
    """This process's services: its own database pool (never one inherited through a fork) and blob store; the OCR
    engine comes from the registry's per-process cache on first use."""
    from pipeline.services import open_services

    return open_services(get_settings(), upgrade=False)  # the parent migrated before forking (below)


@signals.worker_init.connect
def _on_worker_init(**_: Any) -> None:
    settings = get_settings()
    _preload(settings)
    if not settings.storage.auto_migrate:
        return
    from pipeline.services import open_database

    open_database(settings).dispose()  # migrates once, before the pool processes fork


def _preload(settings: Settings) -> None:
    """Imports the OCR stack once in the main process (modules only: no model, no runtime session, no thread), so
    each pool process, forked from it, starts in a second instead of paying the import again."""
    if settings.ocr.engine != "paddle":
        return
    with contextlib.suppress(ImportError):  # the engine reports it when it is first used
        import paddleocr  # noqa: F401


@signals.worker_process_init.connect
def _after_fork(**_: Any) -> None:
    from kombu.transport.sqlalchemy import Channel

    if Channel._engines:  # a class-level cache, shared by the embedded broker's subclass
        _inherited.append(dict(Channel._engines))
        Channel._engines.clear()
    settings = get_settings()
    if settings.ocr.engine:
        try:
            from extractors.engines import get_engine

            get_engine(settings=settings.ocr)
        except Exception:  # the first task will report it as its own error
            log.warning("OCR engine could not be loaded at process start", exc_info=True)


def sweep_once(settings: Settings, db: Any) -> None:
    from pipeline.work.sweep import sweep

    sweep(db, get_dispatcher(), settings=settings.jobs)
    _trim_broker(settings)


def _trim_broker(settings: Settings) -> None:
    from jobs.celery_app import broker_kind

    url = settings.jobs.broker_url
    if broker_kind(url) != "sqla":
        return
    engine = _broker_engine(url.split("+", 1)[1])
    if not inspect(engine).has_table("kombu_message"):
        return
    with engine.begin() as conn:
        conn.execute(
            text("DELETE FROM kombu_message WHERE visible = :no AND timestamp < :cutoff"),
            {"no": False, "cutoff": _cutoff(BROKER_RETENTION_S)},
        )


@lru_cache(maxsize=4)
def _broker_engine(url: str):  # type: ignore[no-untyped-def]
    return create_engine(url, connect_args={"timeout": 30} if url.startswith("sqlite") else {})


def _cutoff(age_s: float):  # type: ignore[no-untyped-def]
    import datetime as dt

    # kombu stamps a message (column "timestamp") with naive local time when it is delivered.
    return dt.datetime.now() - dt.timedelta(seconds=age_s)


def _sweeper(settings: Settings) -> None:
    from storage.db import Database

    db = Database(settings.storage)  # the main process's own pool, apart from any a child could inherit
    while True:
        try:
            sweep_once(settings, db)
        except Exception:
            log.warning("sweep failed; will try again", exc_info=True)
        if _stop.wait(settings.jobs.sweep_interval_s):
            return


@signals.worker_ready.connect
def _start_sweeper(**_: Any) -> None:
    settings = get_settings()
    thread = threading.Thread(target=_sweeper, args=(settings,), name="docintel-sweeper", daemon=True)
    thread.start()


@signals.worker_shutdown.connect
def _stop_sweeper(**_: Any) -> None:
    _stop.set()
