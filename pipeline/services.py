"""What every use case works with (``CaseServices``, ``audit``) and the one start-up path that builds it: the API,
the worker processes and the CLI open their database, blob store and (where they have them) engine, OCR pool and
signer through ``open_services``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from config.settings import Settings
from extractors.engines import OcrEngine
from pipeline.keys import Principal
from storage import migrate
from storage.blobs import BlobStore, build_blob_store
from storage.db import Database
from storage.repositories import record_audit

T = TypeVar("T")


def run_inline(fn: Callable[[], T]) -> T:
    return fn()


@dataclass(frozen=True)
class CaseServices:
    """What the case use cases work with. ``offload`` runs the heavy parts (OCR, signing): the API passes its
    bounded pool, the CLI and workers run them inline."""

    db: Database
    blobs: BlobStore
    settings: Settings
    engine: OcrEngine | None = None
    offload: Callable[[Callable[[], Any]], Any] = run_inline
    signer: Any = None


def audit(session, principal: Principal, action: str, subject_type: str, subject_id: str | None, **detail: Any) -> None:  # type: ignore[no-untyped-def]
    record_audit(
        session,
        api_key_id=principal.key_id,
        branch=principal.branch,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        detail=detail,
    )


def open_database(settings: Settings, *, upgrade: bool = True) -> Database:
    """A database pool of this process's own (never one inherited through a fork), migrated when
    ``storage.auto_migrate`` says so and ``upgrade`` is left on: a worker's pool processes leave it to their parent,
    which migrated once before forking them."""
    db = Database(settings.storage)
    if upgrade and settings.storage.auto_migrate:
        migrate.upgrade(db)
    return db


def open_services(
    settings: Settings,
    *,
    engine: OcrEngine | None = None,
    offload: Callable[[Callable[[], Any]], Any] = run_inline,
    signer: Any = None,
    upgrade: bool = True,
) -> CaseServices:
    """The services the use cases work with. Without ``engine`` the configured one is loaded on first use; without
    ``offload`` heavy work runs inline (CLI, workers); without ``signer`` finalize opens the configured one."""
    return CaseServices(
        db=open_database(settings, upgrade=upgrade),
        blobs=build_blob_store(settings.storage),
        settings=settings,
        engine=engine,
        offload=offload,
        signer=signer,
    )
