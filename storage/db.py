"""Engines and sessions. One ``Database`` per process and URL; ``session_scope()`` works anywhere (requests,
Celery tasks, the CLI) and commits on success, rolls back on error.

SQLite runs in WAL mode and starts every transaction with ``BEGIN IMMEDIATE``: a writer takes the write lock at
the start and waits (busy timeout) for it, instead of failing half-way when a read must turn into a write.
Transactions are kept short; OCR and signing happen outside them.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from config.settings import StorageSettings
from domain.errors import ConfigError, ExternalServiceError

log = logging.getLogger(__name__)

READ_ONLY = "docintel_read_only"  # execution option of Database.read_session's connections


def _sqlite_engine(url: str, settings: StorageSettings) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": settings.sqlite_busy_timeout_ms / 1000},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        # The driver's own transaction handling is off; ``_on_begin`` issues BEGIN itself.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={int(settings.sqlite_busy_timeout_ms)}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:  # type: ignore[no-untyped-def]
        # Database.read_session: a reader never needs the write lock, so it does not wait for writers (WAL).
        conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get(READ_ONLY) else "BEGIN IMMEDIATE")

    return engine


def make_engine(settings: StorageSettings) -> Engine:
    url = settings.database_url
    try:
        backend = make_url(url).get_backend_name()
    except ArgumentError as exc:
        raise ConfigError(f"cannot parse database URL: {exc}", message_zh="数据库地址格式错误") from None
    if backend == "sqlite":
        return _sqlite_engine(url, settings)
    if backend == "postgresql":
        return create_engine(url, pool_size=settings.pool_size, max_overflow=settings.pool_size, pool_pre_ping=True)
    raise ConfigError(f"unsupported database {backend!r}: use sqlite or postgresql", message_zh="不支持的数据库类型")


class Database:
    """An engine and its session factory."""

    def __init__(self, settings: StorageSettings) -> None:
        self.settings = settings
        self.engine = make_engine(settings)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._readers = sessionmaker(self.engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False)

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back if it raises."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        """A transaction that only reads (nothing is committed): on SQLite a plain BEGIN, which takes no write lock
        and so never queues behind a writer — for the per-request lookups (API keys)."""
        session = self._readers()
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    def ping(self) -> None:
        """Raises ExternalServiceError if the database cannot answer."""
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except OperationalError as exc:
            raise ExternalServiceError(
                f"database unreachable: {type(exc.orig).__name__}", message_zh="数据库无法连接"
            ) from None

    def dispose(self) -> None:
        self.engine.dispose()


_databases: dict[str, Database] = {}
_lock = threading.Lock()


def get_database(settings: StorageSettings) -> Database:
    """The process-wide ``Database`` for these settings (one connection pool per URL)."""
    with _lock:
        db = _databases.get(settings.database_url)
        if db is None:
            db = _databases[settings.database_url] = Database(settings)
        return db


@contextmanager
def session_scope(settings: StorageSettings) -> Iterator[Session]:
    """A transaction outside any request: ``with session_scope(settings) as s: ...``."""
    with get_database(settings).session() as session:
        yield session
