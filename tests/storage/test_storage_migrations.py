"""Migrations build exactly the tables the models describe, both ways, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from config.settings import StorageSettings
from storage import migrate
from storage.db import Database
from storage.models import ApiKey
from storage.schema import metadata


def test_upgrade_creates_every_table_and_downgrade_removes_them(database):
    migrate.upgrade(database)
    assert migrate.current_revision(database) == migrate.head_revision()
    tables = set(inspect(database.engine).get_table_names())
    assert set(metadata.tables) <= tables
    migrate.downgrade(database, "base")
    assert migrate.current_revision(database) is None
    assert not set(metadata.tables) & set(inspect(database.engine).get_table_names())
    migrate.upgrade(database)  # and back: the migration is repeatable
    assert migrate.is_up_to_date(database)


def test_models_and_migrations_agree(database):
    migrate.upgrade(database)
    with database.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    assert diff == []


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path):
    db = Database(StorageSettings(database_url=f"sqlite:///{tmp_path / 'x.db'}"))
    migrate.upgrade(db)
    with db.session() as s:
        assert s.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert s.execute(text("PRAGMA foreign_keys")).scalar() == 1
    db.dispose()


def test_concurrent_writers_wait_for_each_other_instead_of_failing(database):
    # BEGIN IMMEDIATE on SQLite (row locks on PostgreSQL): read-then-write transactions from many threads all land.
    migrate.upgrade(database)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(10):
                with database.session() as s:
                    s.execute(text("SELECT count(*) FROM api_keys")).scalar()
                    s.add(ApiKey(id=f"k{n}-{i}", secret_hash="0" * 64, role="counter", branch="B"))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with database.session() as s:
        assert s.execute(text("SELECT count(*) FROM api_keys")).scalar() == 60


def test_db_command_upgrades_and_reports_the_revision(storage_settings):
    import json
    import os
    import subprocess
    import sys

    env = {**os.environ, "DOCINTEL_STORAGE__DATABASE_URL": storage_settings.database_url}
    run = [sys.executable, "-m", "cli.main", "db"]
    out = subprocess.run([*run, "upgrade"], env=env, capture_output=True, text=True, timeout=120, check=True)
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["current"] == report["head"] == migrate.head_revision()
    out = subprocess.run([*run, "downgrade"], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 2 and "revision" in out.stderr  # a downgrade needs an explicit target
