"""Queries and inserts that more than one use case needs. Functions take a session and plain values; the
use cases in ``pipeline/`` decide what a transaction holds."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from domain.errors import NotFound
from storage.models import (
    ApiKey,
    Artifact,
    AuditEvent,
    Blob,
    Case,
    CaseSignature,
    CheckReportRow,
    Document,
    Extraction,
    IdempotencyRecord,
)


# --- keys -------------------------------------------------------------------------------------------------
def get_api_key(session: Session, key_id: str) -> ApiKey | None:
    return session.get(ApiKey, key_id)


def list_api_keys(session: Session) -> list[ApiKey]:
    return list(session.scalars(select(ApiKey).order_by(ApiKey.created_at)))


# --- cases ------------------------------------------------------------------------------------------------
def case_not_found(case_id: str) -> NotFound:
    # The same answer for "does not exist" and "belongs to another branch": a key learns nothing of other branches.
    return NotFound(f"case {case_id[:64]!r} not found", message_zh="业务案件不存在")


def get_case(session: Session, case_id: str, *, branch: str, with_documents: bool = False) -> Case:
    """The case if it belongs to ``branch``; NotFound otherwise."""
    query = select(Case).where(Case.id == case_id, Case.branch == branch)
    if with_documents:
        query = query.options(
            selectinload(Case.documents).selectinload(Document.files),
            selectinload(Case.documents).selectinload(Document.extractions),
            selectinload(Case.documents).selectinload(Document.corrections),
            selectinload(Case.documents).selectinload(Document.crops),
        )
    case = session.scalars(query).first()
    if case is None:
        raise case_not_found(case_id)
    return case


def get_case_for_update(session: Session, case_id: str, *, branch: str) -> Case:
    """As ``get_case``, locking the row on PostgreSQL (SQLite's BEGIN IMMEDIATE already serialises writers)."""
    case = session.scalars(select(Case).where(Case.id == case_id, Case.branch == branch).with_for_update()).first()
    if case is None:
        raise case_not_found(case_id)
    return case


def next_document_seq(session: Session, case_id: str) -> int:
    current = session.scalar(select(func.max(Document.seq)).where(Document.case_id == case_id))
    return 0 if current is None else current + 1


def get_document(session: Session, document_id: str, *, case_id: str) -> Document:
    doc = session.scalars(
        select(Document)
        .where(Document.id == document_id, Document.case_id == case_id)
        .options(
            selectinload(Document.files),
            selectinload(Document.extractions),
            selectinload(Document.corrections),
            selectinload(Document.crops),
        )
    ).first()
    if doc is None:
        raise NotFound(f"document {document_id[:64]!r} not found in this case", message_zh="材料不存在")
    return doc


def current_extraction(doc: Document) -> Extraction:
    return max(doc.extractions, key=lambda e: e.version)


def latest_check_report(session: Session, case_id: str) -> CheckReportRow | None:
    return session.scalars(
        select(CheckReportRow).where(CheckReportRow.case_id == case_id).order_by(CheckReportRow.id.desc()).limit(1)
    ).first()


def get_artifact(session: Session, case_id: str, kind: str) -> Artifact | None:
    return session.scalars(select(Artifact).where(Artifact.case_id == case_id, Artifact.kind == kind)).first()


def list_artifacts(session: Session, case_id: str) -> list[Artifact]:
    return list(session.scalars(select(Artifact).where(Artifact.case_id == case_id).order_by(Artifact.kind)))


# --- blobs ------------------------------------------------------------------------------------------------
def ensure_blob_row(session: Session, *, sha256: str, size: int, content_type: str) -> Blob:
    """The row for bytes already in the blob store (call only after ``BlobStore.put`` returned)."""
    blob = session.get(Blob, sha256)
    if blob is None:
        blob = Blob(sha256=sha256, size=size, content_type=content_type)
        session.add(blob)
        session.flush()
    return blob


# --- idempotency -------------------------------------------------------------------------------------------
def find_idempotency(session: Session, *, api_key_id: str, scope: str, key: str) -> IdempotencyRecord | None:
    return session.scalars(
        select(IdempotencyRecord).where(
            IdempotencyRecord.api_key_id == api_key_id, IdempotencyRecord.scope == scope, IdempotencyRecord.key == key
        )
    ).first()


# --- audit ------------------------------------------------------------------------------------------------
def record_audit(
    session: Session,
    *,
    api_key_id: str | None,
    branch: str | None,
    action: str,
    subject_type: str,
    subject_id: str | None,
    detail: dict[str, Any] | None = None,
) -> None:
    """One row per access to personal data, in the same transaction as the access itself."""
    session.add(
        AuditEvent(
            api_key_id=api_key_id,
            branch=branch,
            action=action,
            subject_type=subject_type,
            subject_id=subject_id,
            detail=detail or {},
        )
    )


def list_audit(session: Session, *, subject_id: str | None = None, limit: int = 1000) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.id)
    if subject_id is not None:
        query = query.where(AuditEvent.subject_id == subject_id)
    return list(session.scalars(query.limit(limit)))


# --- console ----------------------------------------------------------------------------------------------
def list_branch_cases(session: Session, *, branch: str, limit: int = 200) -> list[Case]:
    """The branch's most recent cases with their documents (for the console's case list)."""
    query = (
        select(Case)
        .where(Case.branch == branch)
        .order_by(Case.created_at.desc())
        .limit(limit)
        .options(
            selectinload(Case.documents).selectinload(Document.extractions),
            selectinload(Case.documents).selectinload(Document.corrections),
        )
    )
    return list(session.scalars(query))


def latest_check_reports(session: Session, case_ids: list[str]) -> dict[str, CheckReportRow]:
    """The latest check report of each case, in one query."""
    if not case_ids:
        return {}
    newest = (
        select(CheckReportRow.case_id, func.max(CheckReportRow.id).label("id"))
        .where(CheckReportRow.case_id.in_(case_ids))
        .group_by(CheckReportRow.case_id)
        .subquery()
    )
    rows = session.scalars(select(CheckReportRow).join(newest, CheckReportRow.id == newest.c.id))
    return {r.case_id: r for r in rows}


def latest_signature(session: Session, case_id: str) -> CaseSignature | None:
    return session.scalars(
        select(CaseSignature).where(CaseSignature.case_id == case_id).order_by(CaseSignature.id.desc()).limit(1)
    ).first()
