"""Storage tests run against SQLite and a real, throwaway PostgreSQL."""

from __future__ import annotations

import pytest

from config.settings import StorageSettings
from devtools.pg_cluster import find_pg_bin, shared_server
from storage.db import Database


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def storage_settings(request, tmp_path) -> StorageSettings:
    if request.param == "sqlite":
        return StorageSettings(database_url=f"sqlite:///{tmp_path / 'docintel.db'}", blob_dir=tmp_path / "blobs")
    if find_pg_bin() is None:
        pytest.skip("PostgreSQL binaries NOT FOUND (install Debian's postgresql): PostgreSQL tests skipped")
    url = shared_server().create_database()
    return StorageSettings(database_url=url, blob_dir=tmp_path / "blobs")


@pytest.fixture
def database(storage_settings) -> Database:
    db = Database(storage_settings)
    yield db
    db.dispose()
