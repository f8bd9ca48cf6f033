"""Services over a fresh SQLite database and blob folder, for the job tests that need no broker."""

from __future__ import annotations

import pytest

from config.settings import JobsSettings, Settings, StorageSettings
from pipeline.services import CaseServices
from storage import migrate
from storage.blobs import build_blob_store
from storage.db import Database


@pytest.fixture
def svc(tmp_path) -> CaseServices:
    storage = StorageSettings(
        database_url=f"sqlite:///{tmp_path / 'run.db'}", blob_dir=tmp_path / "blobs", sqlite_busy_timeout_ms=200
    )
    settings = Settings(var_dir=tmp_path, storage=storage, jobs=JobsSettings(heartbeat_s=0.2))
    db = Database(storage)
    migrate.upgrade(db)
    yield CaseServices(db=db, blobs=build_blob_store(storage), settings=settings)
    db.dispose()
