"""Tables. Machine results are never edited in place: a reprocess adds an extraction version, a clerk's correction
adds a row beside the machine value, a re-check adds a report. Blobs are referenced by their SHA-256.

Alembic migrations under ``storage/migrations`` create exactly these tables (a test compares them).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, ForeignKey, Index, Integer, MetaData, String, Text
from sqlalchemy import UniqueConstraint as Unique
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

# Stable constraint names, so migrations can name what they change on every backend.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

JsonType = JSON().with_variant(JSONB(), "postgresql")


class UtcDateTime(TypeDecorator):
    """Aware UTC datetimes on every backend (SQLite hands back naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):  # type: ignore[no-untyped-def]
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value

    def process_result_value(self, value, dialect):  # type: ignore[no-untyped-def]
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def new_id() -> str:
    return str(uuid.uuid4())


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JsonType, dt.datetime: UtcDateTime()}  # noqa: RUF012


class ApiKey(Base):
    """A caller. Only a hash of the secret is kept; the key itself is shown once, when it is created."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # public part of the key, also its lookup
    secret_hash: Mapped[str] = mapped_column(String(64))  # sha256 of the whole key (keys are 256-bit random)
    role: Mapped[str] = mapped_column(String(16))
    branch: Mapped[str] = mapped_column(String(64))
    label: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column()


class Blob(Base):
    """Bytes in the blob store. A row is written only after the bytes are durably stored."""

    __tablename__ = "blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    content_type: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Case(Base):
    __tablename__ = "cases"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    branch: Mapped[str] = mapped_column(String(64), index=True)
    business_type: Mapped[str] = mapped_column(String(40))
    business_date: Mapped[str] = mapped_column(String(10))  # YYYY-MM-DD, the date the rules are judged at
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | finalizing | finalized
    facts: Mapped[dict[str, Any]] = mapped_column(default=dict)  # typed in by the clerk, e.g. bank_card_number
    created_by: Mapped[str] = mapped_column(ForeignKey("api_keys.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    finalized_at: Mapped[dt.datetime | None] = mapped_column()
    finalized_by: Mapped[str | None] = mapped_column(ForeignKey("api_keys.id"))

    documents: Mapped[list[Document]] = relationship(back_populates="case", order_by="Document.seq")


class Document(Base):
    """One document of a case: one or more files (pages), read into one or more extraction versions."""

    __tablename__ = "documents"
    __table_args__ = (Unique("case_id", "seq"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    case_id: Mapped[str | None] = mapped_column(ForeignKey("cases.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)  # order within the case, from 0
    # A camera frame holding several cards yields several documents from one file; which one this is.
    part_index: Mapped[int] = mapped_column(Integer, default=0)
    doc_type: Mapped[str] = mapped_column(String(40))  # of the current extraction
    created_by: Mapped[str] = mapped_column(ForeignKey("api_keys.id"))
    # Bulk reprocessing selects by date range over the whole archive.
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)

    case: Mapped[Case | None] = relationship(back_populates="documents")
    files: Mapped[list[DocumentFile]] = relationship(order_by="DocumentFile.position", cascade="all")
    extractions: Mapped[list[Extraction]] = relationship(order_by="Extraction.version", cascade="all")
    corrections: Mapped[list[FieldCorrection]] = relationship(order_by="FieldCorrection.id", cascade="all")
    crops: Mapped[list[DocumentCrop]] = relationship(order_by="DocumentCrop.id", cascade="all")


class DocumentFile(Base):
    __tablename__ = "document_files"
    __table_args__ = (Unique("document_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    blob_sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"))
    filename: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ReplacedDocumentFile(Base):
    """A page's earlier picture, kept on record when the clerk photographs the page again: the document now
    reads the new one (same position), and nothing the applicant handed over is lost."""

    __tablename__ = "replaced_document_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    blob_sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"))
    filename: Mapped[str] = mapped_column(String(255))
    added_at: Mapped[dt.datetime] = mapped_column()  # when this picture was first uploaded
    replaced_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    replaced_by: Mapped[str] = mapped_column(ForeignKey("api_keys.id"))


class DocumentCrop(Base):
    """A crop of a document's page (a JPEG in the blob store): the rectified card or page (``document``) or the ID
    card's portrait (``portrait``). Made from the page's pixels when the page is uploaded; the latest row per page and
    kind is in effect (a page photographed again adds new ones, the earlier stay on record)."""

    __tablename__ = "document_crops"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), index=True)
    page: Mapped[int] = mapped_column(Integer)  # 0-based, as Field.page
    kind: Mapped[str] = mapped_column(String(16))  # document | portrait
    blob_sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)  # bbox on the page, method, note
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Extraction(Base):
    """One reading of a document by one engine version. The highest version is the current one."""

    __tablename__ = "extractions"
    __table_args__ = (Unique("document_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    engine: Mapped[str] = mapped_column(String(200))
    doc_type: Mapped[str] = mapped_column(String(40))
    result: Mapped[dict[str, Any]] = mapped_column()  # ExtractedDocument.to_json()
    reason: Mapped[str] = mapped_column(String(40))  # upload | page_added | page_replaced | reprocess
    created_by: Mapped[str | None] = mapped_column(String(64))  # API key id, or a job id
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class FieldCorrection(Base):
    """A clerk's value for a field, kept beside the machine's; the latest one per field is in effect."""

    __tablename__ = "field_corrections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), index=True)
    field_name: Mapped[str] = mapped_column(String(64))
    value: Mapped[Any] = mapped_column(JsonType)
    machine_value: Mapped[Any] = mapped_column(JsonType, nullable=True)  # the machine's value at that moment
    extraction_version: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    corrected_by: Mapped[str] = mapped_column(ForeignKey("api_keys.id"))
    clerk: Mapped[str | None] = mapped_column(String(64))  # staff number, when a counter's key is shared
    corrected_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class CheckReportRow(Base):
    __tablename__ = "check_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    passed: Mapped[bool] = mapped_column(Boolean)
    report: Mapped[dict[str, Any]] = mapped_column()  # CheckReport.to_json()
    trigger: Mapped[str] = mapped_column(String(40))  # upload | correction | finalize | reprocess
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Artifact(Base):
    """A signed output of a case: the application (申请书) or the receipt (回单)."""

    __tablename__ = "artifacts"
    __table_args__ = (Unique("case_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # application | receipt
    blob_sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"))
    signature_level: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class CaseSignature(Base):
    """The applicant's handwritten signature from the counter's signature pad (a PNG in the blob store). The
    latest row of a case is the one in effect; earlier ones (signed again) stay on record."""

    __tablename__ = "case_signatures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    blob_sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(ForeignKey("api_keys.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class IdempotencyRecord(Base):
    """The first answer to a request with an Idempotency-Key, replayed to every retry of it."""

    __tablename__ = "idempotency_records"
    __table_args__ = (Unique("api_key_id", "scope", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    api_key_id: Mapped[str] = mapped_column(ForeignKey("api_keys.id"))
    scope: Mapped[str] = mapped_column(String(200))  # e.g. "upload:<case id>"
    key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response: Mapped[dict[str, Any]] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class AuditEvent(Base):
    """Who read (or changed) whose personal data, and when. Holds ids, never the data itself."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_subject", "subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    api_key_id: Mapped[str | None] = mapped_column(String(32))
    branch: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))  # e.g. case.read, document.upload, artifact.download
    subject_type: Mapped[str] = mapped_column(String(32))  # case | document | artifact | extract
    subject_id: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
