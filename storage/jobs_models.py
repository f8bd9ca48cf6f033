"""Tables of asynchronous jobs (packages, bulk reprocessing). The database, not the broker, is the record of what is
left to do: every unit of work is a ``job_items`` row with its own state, attempts and lease, so a lost message, a
killed worker or an interrupted job is resumed from here and each item's result is stored once.

They share ``storage.models``' metadata; ``storage.schema`` gathers every table for Alembic.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy import UniqueConstraint as Unique
from sqlalchemy.orm import Mapped, deferred, mapped_column

from storage.models import Base, JsonType, new_id, utcnow


class JobState:
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    PARTIAL = "partial"
    FAILED = "failed"
    FINAL = frozenset({"succeeded", "partial", "failed"})


class ItemState:
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    FINAL = frozenset({"done", "failed"})


class Job(Base):
    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(20))  # package | reprocess
    state: Mapped[str] = mapped_column(String(16), default=JobState.QUEUED, index=True)
    branch: Mapped[str | None] = mapped_column(String(64), index=True)  # None: every branch (operator's CLI)
    created_by: Mapped[str | None] = mapped_column(String(64))  # API key id, or "cli"
    role: Mapped[str | None] = mapped_column(String(16))  # the submitter's role when it was authorised
    business_type: Mapped[str | None] = mapped_column(String(40))
    case_id: Mapped[str | None] = mapped_column(ForeignKey("cases.id"), index=True)  # a package's case
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)  # selection, finalize flag, …
    total: Mapped[int] = mapped_column(Integer, default=0)
    result: Mapped[dict[str, Any]] = mapped_column(default=dict)  # the summary once finished
    errors: Mapped[list[Any]] = mapped_column(JsonType, default=list)  # job-level errors
    finish_sent_at: Mapped[dt.datetime | None] = mapped_column()  # the finishing task was dispatched
    callback_url: Mapped[str | None] = mapped_column(Text)
    callback_state: Mapped[str | None] = mapped_column(String(16))  # pending | delivered | failed
    callback_attempts: Mapped[int] = mapped_column(Integer, default=0)
    callback_next_at: Mapped[dt.datetime | None] = mapped_column()
    callback_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column()
    finished_at: Mapped[dt.datetime | None] = mapped_column()


class JobItem(Base):
    """One unit of work: a file of a package, or a stored document to read again."""

    __tablename__ = "job_items"
    __table_args__ = (
        Unique("job_id", "seq"),
        Index("ix_job_items_job_state", "job_id", "state"),
        Index("ix_job_items_state_lease", "state", "lease_until"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id"))
    seq: Mapped[int] = mapped_column(Integer)  # order within the job
    chunk: Mapped[int] = mapped_column(Integer, default=0)  # items of one chunk travel in one task message
    state: Mapped[str] = mapped_column(String(16), default=ItemState.QUEUED)
    filename: Mapped[str | None] = mapped_column(String(255))  # package: the file's name in the package
    blob_sha256: Mapped[str | None] = mapped_column(String(64))  # package: the file's bytes
    document_id: Mapped[str | None] = mapped_column(ForeignKey("documents.id"), index=True)  # reprocess
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[dt.datetime | None] = mapped_column()
    dispatched_at: Mapped[dt.datetime | None] = mapped_column()
    started_at: Mapped[dt.datetime | None] = mapped_column()
    finished_at: Mapped[dt.datetime | None] = mapped_column()
    result: Mapped[dict[str, Any] | None] = mapped_column(JsonType)
    # Package files: what OCR read from each page, so documents spanning several files can be assembled
    # without reading them again. Large, so loaded only when asked for.
    reads: Mapped[list[Any] | None] = deferred(mapped_column(JsonType))
    error: Mapped[dict[str, Any] | None] = mapped_column(JsonType)
