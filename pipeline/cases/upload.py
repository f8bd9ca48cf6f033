"""Adding a frame or file to a case, answered within the request with what was read from it.

Order of work, so that a crash or a bad input never leaves a half-stored document:
1. a short transaction checks the case (branch, still open) and replays an earlier answer for a retried key;
2. the file is read (capture + OCR) outside any transaction, in the caller's bounded pool — bad input stops here,
   before anything is stored;
3. the bytes go to the blob store (durable before step 4);
4. one transaction adds the document rows, the extraction version, the new check report, the audit row and the
   idempotency record together.
"""

from __future__ import annotations

from collections.abc import Sequence

from capture.sniff import sniff
from domain.errors import Conflict, InputError, NotFound
from domain.models import ExtractedDocument
from extractors.engines import get_engine
from extractors.registry import extractor_for
from extractors.rereading import keep_surer_readings
from pipeline import idempotency
from pipeline.cases.crops import crops_of_new_pages
from pipeline.cases.page_reads import (
    extract_file_with_pages,
    extract_pages_of_one_with_pages,
    read_file,
    reads_per_file,
)
from pipeline.cases.records import CASE_WRITERS, ensure_open
from pipeline.cases.upload_store import UploadRequest, add_new_documents, append_page, new_extraction, store_upload
from pipeline.documents.crops import EncodedCrop
from pipeline.documents.extract import InputFile
from pipeline.idempotency import Outcome
from pipeline.keys import Principal
from pipeline.services import CaseServices, audit
from storage.blobs import sha256_hex
from storage.models import Case, Document, ReplacedDocumentFile, utcnow
from storage.repositories import (
    current_extraction,
    get_case,
    get_document,
)

MAX_FILENAME = 200


def _safe_name(filename: str | None) -> str:
    # Only the last path segment, printable, bounded: the name is shown to clerks and kept in the database.
    name = (filename or "upload").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip() or "upload"
    return name[:MAX_FILENAME]


def document_files(svc: CaseServices, doc: Document) -> list[InputFile]:
    """A stored document's files, read back from the blob store (for appending pages and for reprocessing)."""
    return [InputFile(f.filename, svc.blobs.get(f.blob_sha256)) for f in doc.files]


def add_document(
    svc: CaseServices,
    *,
    principal: Principal,
    case_id: str,
    filename: str | None,
    data: bytes,
    doc_type: str | None = None,
    append_to: str | None = None,
    idempotency_key: str | None = None,
) -> Outcome:
    """A new document from one file (a frame holding both sides of an ID card gives two), or, with
    ``append_to``, one more page of an existing document, which is then read again over all its pages."""
    name, key, sha = _begin(principal, filename, data, idempotency_key)
    scope = f"document.add:{case_id[:64]}"
    req = idempotency.request_hash(sha=sha, doc_type=doc_type, append_to=append_to)

    with svc.db.session() as s:
        case, done = _open_case(s, principal, case_id, scope=scope, key=key, req=req, action="upload_replay")
        if done is not None:
            return done
        earlier: list[InputFile] = []
        part_of_first = None
        if append_to is not None:
            target = get_document(s, append_to, case_id=case.id)
            doc_type = doc_type or (target.doc_type if target.doc_type != "unknown" else None)
            earlier = document_files(svc, target)
            part_of_first = target.part_index

    new_file = InputFile(name, data)
    kind = sniff(data)  # fails fast on garbage, before the pool is asked for anything
    engine = svc.engine or get_engine(settings=svc.settings.ocr)
    if append_to is None:

        def read_new() -> tuple[list[ExtractedDocument], list[list[EncodedCrop]]]:
            pairs = extract_file_with_pages(new_file, doc_type=doc_type, engine=engine, settings=svc.settings)
            several = len(pairs) > 1  # a frame holding several cards: document k is the file's page k
            crops = [
                crops_of_new_pages(
                    doc,
                    pages,
                    range(len(pages)),
                    file=new_file,
                    file_page=[k] if several else range(len(pages)),
                    settings=svc.settings,
                )
                for k, (doc, pages) in enumerate(pairs)
            ]
            return [doc for doc, _ in pairs], crops

        extracted, crops = svc.offload(read_new)
    else:

        def read_appended() -> tuple[list[ExtractedDocument], list[list[EncodedCrop]]]:
            doc, pages, counts = extract_pages_of_one_with_pages(
                [*earlier, new_file],
                part_of_first=part_of_first,
                doc_type=doc_type,
                engine=engine,
                settings=svc.settings,
            )
            first = len(pages) - counts[-1]  # the new file's pages come last
            crops = crops_of_new_pages(
                doc, pages, range(first, len(pages)), file=new_file, file_page=range(counts[-1]), settings=svc.settings
            )
            return [doc], [crops]

        extracted, crops = svc.offload(read_appended)
    if not extracted:
        raise InputError("no page could be read from this file", message_zh="未能从文件中读取任何页面")
    return store_upload(
        svc,
        UploadRequest(principal, case_id, data, sha, kind, scope, key, req),
        action="document.upload",
        crops=crops,
        write=lambda s, case: (
            add_new_documents(s, case_id=case.id, principal=principal, name=name, sha=sha, extracted=extracted)
            if append_to is None
            else [
                append_page(
                    s,
                    case_id=case.id,
                    document_id=append_to,
                    principal=principal,
                    name=name,
                    sha=sha,
                    extracted=extracted[0],
                )
            ]
        ),
    )


def replace_page(
    svc: CaseServices,
    *,
    principal: Principal,
    case_id: str,
    document_id: str,
    page: int,
    filename: str | None,
    data: bytes,
    idempotency_key: str | None = None,
) -> Outcome:
    """The clerk photographs page ``page`` (0-based, as in ``reshoot``) again: the new picture takes the old one's
    place, the document is read again over all its pages, and the old picture stays on record."""
    name, key, sha = _begin(principal, filename, data, idempotency_key)
    scope = f"document.replace_page:{case_id[:64]}"
    req = idempotency.request_hash(sha=sha, document_id=document_id, page=page)

    with svc.db.session() as s:
        case, done = _open_case(s, principal, case_id, scope=scope, key=key, req=req, action="page_replace_replay")
        if done is not None:
            return done
        target = get_document(s, document_id, case_id=case.id)
        doc_type = target.doc_type if target.doc_type != "unknown" else None
        files = document_files(svc, target)
        file_shas = [f.blob_sha256 for f in target.files]
        part_of_first = target.part_index

    kind = sniff(data)
    engine = svc.engine or get_engine(settings=svc.settings.ocr)

    def read() -> tuple[int, ExtractedDocument, list[EncodedCrop]]:
        position = _file_holding_page(files, page, part_of_first=part_of_first, engine=engine, settings=svc.settings)
        new_reads, _, _ = read_file(InputFile(name, data), engine=engine, settings=svc.settings)
        if len(new_reads) != 1:
            raise InputError(
                f"a page is replaced by one picture of one page; this file reads as {len(new_reads)}",
                message_zh="重拍的页面应为一张只含该页的照片",
            )
        files_now = [*files[:position], InputFile(name, data), *files[position + 1 :]]
        # A frame that held several cards keeps naming its card only while it is still the first file.
        first = part_of_first if position != 0 else None
        doc, pages, _ = extract_pages_of_one_with_pages(
            files_now, part_of_first=first, doc_type=doc_type, engine=engine, settings=svc.settings
        )
        new_file = InputFile(name, data)
        return (
            position,
            doc,
            crops_of_new_pages(doc, pages, [page], file=new_file, file_page=[0], settings=svc.settings),
        )

    position, extracted, crops = svc.offload(read)

    def write(s, case) -> list[Document]:  # type: ignore[no-untyped-def]
        doc = get_document(s, document_id, case_id=case.id)
        if [f.blob_sha256 for f in doc.files] != file_shas:
            raise Conflict(
                "the document changed while the page was being read; send the picture again",
                message_zh="材料在识别期间已被修改，请重新上传该页",
            )
        old = doc.files[position]
        s.add(
            ReplacedDocumentFile(
                document_id=doc.id,
                position=position,
                blob_sha256=old.blob_sha256,
                filename=old.filename,
                added_at=old.created_at,
                replaced_by=principal.key_id,
            )
        )
        old.blob_sha256, old.filename, old.created_at = sha, name, utcnow()
        previous = current_extraction(doc)
        kept = extracted
        if previous.doc_type == extracted.doc_type != "unknown":
            kept = keep_surer_readings(
                ExtractedDocument.from_json(previous.result).fields,
                extracted,
                replaced={page},
                required=extractor_for(extracted.doc_type).required_fields,
                groups=extractor_for(extracted.doc_type).field_groups,
                review_below=svc.settings.ocr.review_below,
            )
        s.add(new_extraction(doc, kept, version=previous.version + 1, reason="page_replaced", by=principal.key_id))
        doc.doc_type = extracted.doc_type
        return [doc]

    return store_upload(
        svc,
        UploadRequest(principal, case_id, data, sha, kind, scope, key, req),
        action="document.page_replace",
        crops=[crops],
        write=write,
        status=200,
        detail={"page": page},
    )


def _begin(
    principal: Principal, filename: str | None, data: bytes, idempotency_key: str | None
) -> tuple[str, str | None, str]:
    """Before anything is read: the caller may write, and the file's shown name, the request's key and the bytes' hash."""
    principal.require(*CASE_WRITERS)
    return _safe_name(filename), idempotency.check_key(idempotency_key), sha256_hex(data)


def _open_case(
    s, principal: Principal, case_id: str, *, scope: str, key, req: str, action: str
) -> tuple[Case, Outcome | None]:  # type: ignore[no-untyped-def]
    """The caller's case, and the earlier answer to a retried key (else the case must still be open). A replay
    shows the extracted personal data again: audited like the first answer."""
    case = get_case(s, case_id, branch=principal.branch)
    done = idempotency.replay(s, principal=principal, scope=scope, key=key, req_hash=req)
    if done is not None:
        for d in done.body.get("documents", []):
            audit(s, principal, f"document.{action}", "document", d["id"], case_id=case.id)
        return case, done
    ensure_open(case)
    return case, None


def _file_holding_page(files: Sequence[InputFile], page: int, *, part_of_first: int | None, engine, settings) -> int:  # type: ignore[no-untyped-def]
    """Which file holds page ``page``; refused when it holds others too (a PDF or TIFF is sent again whole)."""
    start = 0
    per_file = reads_per_file(files, part_of_first=part_of_first, engine=engine, settings=settings)
    for position, (reads, _, _) in enumerate(per_file):
        if page < start + len(reads):
            if len(reads) != 1:
                raise Conflict(
                    f"page {page} is one of the {len(reads)} pages of {files[position].name!r}; "
                    "upload that file again as a new document",
                    message_zh="该页属于一个多页文件，请将整个文件重新上传",
                )
            return position
        start += len(reads)
    raise NotFound(f"the document has {start} pages; there is no page {page}", message_zh="该页不存在")
