"""The embedded broker: kombu's SQLAlchemy transport, with two fixes for running it on SQLite under load.

- kombu hands every transport option to ``create_engine``, so ``polling_interval`` (how long an idle worker sleeps
  between looks; 1 s by default, a second lost per task at our task lengths) cannot be set: it is kept out here.
- SQLite gets WAL and a busy timeout, so the API publishing and several workers fetching do not fail with
  "database is locked".

``sqla+sqlite:///…`` broker URLs (the documented setting) are routed here by ``jobs.celery_app``.
"""

from __future__ import annotations

from kombu.transport import TRANSPORT_ALIASES
from kombu.transport import sqlalchemy as kombu_sqla
from sqlalchemy import create_engine, event

ALIAS = "docintel_sqla"
_NOT_FOR_ENGINE = {
    "queue_tablename",
    "message_tablename",
    "callback",
    "errback",
    "max_retries",
    "interval_start",
    "interval_step",
    "interval_max",
    "retry_errors",
    "polling_interval",
    "busy_timeout_ms",
}


class Channel(kombu_sqla.Channel):
    def _engine_from_config(self):  # type: ignore[no-untyped-def]
        conninfo = self.connection.client
        options = {k: v for k, v in conninfo.transport_options.items() if k not in _NOT_FOR_ENGINE}
        url = conninfo.hostname
        if not url.startswith("sqlite"):
            return create_engine(url, **options)
        busy_ms = int(conninfo.transport_options.get("busy_timeout_ms", 30_000))
        engine = create_engine(url, connect_args={"timeout": busy_ms / 1000}, **options)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute(f"PRAGMA busy_timeout={busy_ms}")
            cur.close()

        return engine


class Transport(kombu_sqla.Transport):
    Channel = Channel


def register() -> None:
    TRANSPORT_ALIASES.setdefault(ALIAS, f"{__name__}:Transport")


def kombu_url(broker_url: str) -> str:
    """``sqla+sqlite:///x.db`` → the same database through this transport; other URLs unchanged."""
    for prefix in ("sqla+", "sqlalchemy+"):
        if broker_url.startswith(prefix):
            register()
            return f"{ALIAS}+{broker_url[len(prefix) :]}"
    return broker_url
