"""The one start-up path: a fresh database is migrated (or left to the parent process), blobs and settings wired."""

from __future__ import annotations

from config.settings import Settings, StorageSettings
from pipeline.services import open_database, open_services
from storage import migrate


def _settings(tmp_path, *, auto_migrate: bool = True) -> Settings:
    storage = StorageSettings(
        database_url=f"sqlite:///{tmp_path / 'd.db'}", blob_dir=tmp_path / "blobs", auto_migrate=auto_migrate
    )
    return Settings().model_copy(update={"storage": storage})


def test_open_services_migrates_a_fresh_database_and_wires_the_stores(tmp_path):
    settings = _settings(tmp_path)
    svc = open_services(settings)
    try:
        assert migrate.is_up_to_date(svc.db)
        assert svc.settings is settings and svc.engine is None and svc.signer is None
        sha = svc.blobs.put(b"page")
        assert svc.blobs.get(sha) == b"page" and (tmp_path / "blobs").is_dir()
    finally:
        svc.db.dispose()


def test_a_pool_process_leaves_migration_to_its_parent(tmp_path):
    child = open_database(_settings(tmp_path), upgrade=False)
    assert not migrate.is_up_to_date(child)
    child.dispose()
    off = open_database(_settings(tmp_path, auto_migrate=False))  # storage.auto_migrate=false: migrations by hand
    assert not migrate.is_up_to_date(off)
    off.dispose()
