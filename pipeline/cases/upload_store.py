"""Step 4 of an upload (``pipeline.cases.upload``): the bytes and crops to the blob store, then one transaction with
the document rows, the extraction version, the crops' rows, the new check report, the audit rows and the
idempotency record."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError

from domain.models import ExtractedDocument
from pipeline import idempotency
from pipeline.cases.checks import rerun_checks
from pipeline.cases.crops import add_crop_rows
from pipeline.cases.records import ensure_open, replay_after_race
from pipeline.cases.views import document_view, report_view
from pipeline.documents.crops import EncodedCrop
from pipeline.idempotency import Outcome
from pipeline.keys import Principal
from pipeline.services import CaseServices, audit
from storage.models import Document, DocumentFile, Extraction
from storage.repositories import (
    current_extraction,
    ensure_blob_row,
    get_case,
    get_case_for_update,
    get_document,
    next_document_seq,
)


@dataclass(frozen=True)
class UploadRequest:
    """One upload as received: who sends which bytes to which case, and the idempotency record it answers."""

    principal: Principal
    case_id: str
    data: bytes
    sha: str
    kind: str  # what capture.sniff made of the bytes
    scope: str
    key: str | None
    req: str


def store_upload(
    svc: CaseServices,
    request: UploadRequest,
    *,
    action: str,
    write: Callable[[Any, Any], list[Document]],
    crops: Sequence[Sequence[EncodedCrop]] = (),
    status: int = 201,
    detail: dict[str, Any] | None = None,
) -> Outcome:
    """Blobs first (durable before any row names them), then one transaction: the rows ``write`` adds (and the
    crops of the documents it returns, in order), the new check report, the audit rows and the idempotency
    record."""
    principal, case_id, data, sha, kind = request.principal, request.case_id, request.data, request.sha, request.kind
    scope, key, req = request.scope, request.key, request.req
    svc.blobs.put(data)
    crop_shas = [[svc.blobs.put(c.jpeg) for c in cs] for cs in crops]
    try:
        with svc.db.session() as s:
            case = get_case_for_update(s, case_id, branch=principal.branch)
            ensure_open(case)
            ensure_blob_row(
                s, sha256=sha, size=len(data), content_type=f"image/{kind}" if kind != "pdf" else "application/pdf"
            )
            docs = write(s, case)
            s.flush()
            for doc, cs, shas in zip(docs, crops, crop_shas, strict=False):
                add_crop_rows(s, doc, cs, shas)
            s.flush()
            s.expire_all()  # collections loaded before the inserts are stale: read the case afresh
            case = get_case(s, case.id, branch=principal.branch, with_documents=True)
            report = rerun_checks(s, case, trigger="upload", settings=svc.settings)
            body: dict[str, Any] = {
                "case_id": case.id,
                "documents": [document_view(d) for d in docs],
                "check_report": report_view(report),
            }
            for d in docs:
                audit(s, principal, action, "document", d.id, case_id=case.id, doc_type=d.doc_type, **(detail or {}))
            outcome = Outcome(status, body)
            idempotency.remember(s, principal=principal, scope=scope, key=key, req_hash=req, outcome=outcome)
            return outcome
    except IntegrityError:
        return replay_after_race(svc, principal=principal, scope=scope, key=key, req_hash=req)


def new_extraction(doc: Document, extracted: ExtractedDocument, *, version: int, reason: str, by: str) -> Extraction:
    return Extraction(
        document_id=doc.id,
        version=version,
        engine=extracted.engine,
        doc_type=extracted.doc_type,
        result=extracted.to_json(),
        reason=reason,
        created_by=by,
    )


def add_new_documents(
    s, *, case_id: str, principal: Principal, name: str, sha: str, extracted: list[ExtractedDocument]
) -> list[Document]:  # type: ignore[no-untyped-def]
    seq = next_document_seq(s, case_id)
    docs = []
    for part, ex in enumerate(extracted):
        doc = Document(
            case_id=case_id, seq=seq + part, part_index=part, doc_type=ex.doc_type, created_by=principal.key_id
        )
        s.add(doc)
        s.flush()
        s.add(DocumentFile(document_id=doc.id, position=0, blob_sha256=sha, filename=name))
        s.add(new_extraction(doc, ex, version=1, reason="upload", by=principal.key_id))
        docs.append(doc)
    return docs


def append_page(
    s, *, case_id: str, document_id: str, principal: Principal, name: str, sha: str, extracted: ExtractedDocument
) -> Document:  # type: ignore[no-untyped-def]
    doc = get_document(s, document_id, case_id=case_id)
    s.add(DocumentFile(document_id=doc.id, position=len(doc.files), blob_sha256=sha, filename=name))
    version = current_extraction(doc).version + 1
    s.add(new_extraction(doc, extracted, version=version, reason="page_added", by=principal.key_id))
    doc.doc_type = extracted.doc_type
    return doc
