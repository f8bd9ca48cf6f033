"""Alembic environment. Run through ``storage.migrate`` (or ``docintel db``), which hands over a connection."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from storage.schema import metadata

# Any number to share between processes: only one of them migrates at a time on PostgreSQL.
_PG_LOCK_ID = 0x646F6369  # "doci"


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        from config.settings import get_settings
        from storage.db import make_engine

        settings = get_settings().storage
        url = context.config.get_main_option("sqlalchemy.url")
        if url:
            settings = settings.model_copy(update={"database_url": url})
        with make_engine(settings).connect() as connection:
            _run(connection)
        return
    _run(connection)


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.execute(text(f"SELECT pg_advisory_xact_lock({_PG_LOCK_ID})"))
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported; run `docintel db upgrade`")
run_migrations_online()
