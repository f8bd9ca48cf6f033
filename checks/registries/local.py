"""The offline registry: records kept in a local JSON file or in a table of a SQLite database.

JSON layout::

    {"version": 1, "sources": {"housing": {"<contract number>": {"buyer_id_number": [...], ...}}, ...}}

SQLite layout: a table ``registry_records(source TEXT, key TEXT, record TEXT)`` where ``record`` is a JSON object.
Used by the demo and the tests, and at counters whose registries deliver periodic extracts instead of an API.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Mapping
from pathlib import Path

from checks.registries.base import FactQuery, Registry, RegistrySource, RegistryUnavailable, Verification
from checks.registries.compare import judge
from domain.errors import ConfigError

_SQLITE_MAGIC = b"SQLite format 3\x00"


class LocalRegistry(Registry):
    name = "local"

    def __init__(self, records: Mapping[str, Mapping[str, Mapping[str, object]]]) -> None:
        self._records = {str(src): dict(by_key) for src, by_key in records.items()}

    @classmethod
    def from_file(cls, path: Path) -> Registry:
        """A JSON file, or a SQLite database holding ``registry_records``. A missing or malformed file is a
        configuration error, raised at start-up rather than at the first check."""
        path = Path(path)
        try:
            head = path.read_bytes()[:16]
        except OSError as exc:
            raise ConfigError(
                f"registry file {path} cannot be read: {exc.strerror}", message_zh=f"外部核验数据文件无法读取：{path}"
            ) from None
        if head == _SQLITE_MAGIC:
            return SqliteRegistry(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            sources = data["sources"]
            if not isinstance(sources, dict):
                raise TypeError("sources is not an object")
        except (ValueError, KeyError, TypeError) as exc:
            raise ConfigError(
                f"registry file {path} is not a registry JSON file: {exc}",
                message_zh=f"外部核验数据文件格式错误：{path}",
            ) from None
        unknown = set(sources) - {s.value for s in RegistrySource}
        if unknown:
            raise ConfigError(
                f"registry file {path} names unknown sources: {', '.join(sorted(unknown))}",
                message_zh="外部核验数据文件含未知的数据来源",
            )
        return cls(sources)

    def _verify(self, query: FactQuery) -> Verification:
        record = self._records.get(query.source.value, {}).get(query.key)
        return judge(query, record)


class SqliteRegistry(Registry):
    """Records in a database table; one connection per thread (sqlite3 connections are not shared)."""

    name = "local-sqlite"

    def __init__(self, path: Path) -> None:
        self._path = Path(path)
        self._local = threading.local()

    def _connection(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(f"file:{self._path}?mode=ro", uri=True)
            self._local.conn = conn
        return conn

    def _verify(self, query: FactQuery) -> Verification:
        try:
            row = (
                self._connection()
                .execute(
                    "SELECT record FROM registry_records WHERE source = ? AND key = ?", (query.source.value, query.key)
                )
                .fetchone()
            )
        except sqlite3.Error as exc:  # locked, missing table, vanished file: the registry cannot be asked
            raise RegistryUnavailable(f"registry database {self._path.name}: {exc}") from None
        return judge(query, json.loads(row[0]) if row else None)

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None


def write_sqlite(path: Path, records: Mapping[str, Mapping[str, Mapping[str, object]]]) -> None:
    """Writes records into ``registry_records`` (replacing the table): for extracts and tests."""
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TABLE IF EXISTS registry_records")
        conn.execute("CREATE TABLE registry_records (source TEXT NOT NULL, key TEXT NOT NULL, record TEXT NOT NULL)")
        conn.execute("CREATE UNIQUE INDEX registry_records_key ON registry_records (source, key)")
        conn.executemany(
            "INSERT INTO registry_records VALUES (?, ?, ?)",
            [
                (src, key, json.dumps(rec, ensure_ascii=False))
                for src, by_key in records.items()
                for key, rec in by_key.items()
            ],
        )
    conn.close()
