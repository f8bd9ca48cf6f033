"""Loan-team packages: a zip (or a set of files) in, a job out; a worker reads every file, then the package is
assembled into a case with its documents, checked, and (when asked) finalized with a signed application.

1. ``submit_package`` (in the request): the archive's index is judged before anything is inflated (a refused
   archive is a 4xx and nothing is stored); the files go to the blob store; one transaction adds the case, the job,
   one item per file, the audit row and the idempotency record; then one message per file is sent.
2. ``KIND.process`` (per file, in a worker): capture + OCR, classification, incoming PDF signatures verified. The
   readings are kept on the item; a file that cannot be read fails itself, with the reason.
3. ``KIND.finish`` (once all files are finished): pages grouped into documents (``package_reads``), the documents
   stored in the case and the checks run, in one transaction guarded by the job's state (stored exactly once);
   then the optional finalize (idempotent by the job's id) and the job closed.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from typing import Any

from sqlalchemy.exc import IntegrityError

from capture.archive import ArchiveFile, ArchiveLimits, check_names, read_zip, reject_nested_archive
from capture.sniff import FileKind, sniff
from checks.business import parse_business
from domain.errors import DocintelError, EmptyFile, ExternalServiceError, FileTooLarge, InputError, UnsafeArchive
from extractors.document import build_document, engine_version_for
from extractors.engines import get_engine
from pipeline import idempotency
from pipeline.cases.records import parse_business_date_or_today
from pipeline.documents.extract import InputFile
from pipeline.documents.trust_text import text_checks
from pipeline.idempotency import Outcome
from pipeline.keys import Principal, Role
from pipeline.packages.finish import finish_package
from pipeline.packages.reads import read_file_groups, read_to_json
from pipeline.services import CaseServices, audit
from pipeline.work import job_store
from pipeline.work.callbacks import check_callback_url
from pipeline.work.job_store import Claim, Dispatcher
from pipeline.work.runner import ItemOutcome, JobKind, register_kind
from storage.blobs import sha256_hex
from storage.models import Case
from storage.repositories import ensure_blob_row

log = logging.getLogger(__name__)

PACKAGE_ROLES = (Role.LOAN, Role.ADMIN)


@dataclasses.dataclass(frozen=True)
class Upload:
    filename: str | None
    data: bytes


def _content_type(data: bytes) -> str:
    try:
        kind = sniff(data)
    except DocintelError:
        return "application/octet-stream"
    return "application/pdf" if kind == FileKind.PDF else f"image/{kind}"


def unpack_uploads(uploads: Sequence[Upload], *, svc: CaseServices) -> tuple[list[ArchiveFile], list[str]]:
    """The package's files: one zip's safe contents, or the uploaded files themselves. Refuses before storing."""
    jobs, capture = svc.settings.jobs, svc.settings.capture
    if not uploads:
        raise InputError("a package needs at least one file", message_zh="材料包中没有文件")
    total = sum(len(u.data) for u in uploads)
    if total > jobs.max_package_bytes:
        raise FileTooLarge(
            f"the package ({total} bytes) is over the limit of {jobs.max_package_bytes} bytes",
            message_zh=f"材料包过大（上限 {jobs.max_package_bytes // (1024 * 1024)} MB）",
        )
    if len(uploads) == 1 and uploads[0].data[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        limits = ArchiveLimits(
            max_files=jobs.max_package_files,
            max_file_bytes=capture.max_upload_bytes,
            max_total_bytes=jobs.max_inflated_bytes,
            max_ratio=jobs.max_compression_ratio,
        )
        files, index = read_zip(uploads[0].data, limits)
        return files, list(index.skipped)
    if len(uploads) > jobs.max_package_files:
        raise UnsafeArchive(
            f"a package holds at most {jobs.max_package_files} files",
            message_zh=f"材料包内文件过多（上限 {jobs.max_package_files} 个）",
            reason="too_many_files",
        )
    # A browser may send a full client path as the file name; only its last segment is a name.
    names = check_names(
        [(u.filename or f"file-{i + 1}").replace("\\", "/").rsplit("/", 1)[-1] for i, u in enumerate(uploads)]
    )
    files = []
    for name, u in zip(names, uploads, strict=True):
        if not u.data:
            raise EmptyFile(f"{name!r} is empty", message_zh=f"文件 {name} 为空")
        if len(u.data) > capture.max_upload_bytes:
            raise FileTooLarge(
                f"{name!r} ({len(u.data)} bytes) is over the limit of {capture.max_upload_bytes} bytes",
                message_zh=f"文件 {name} 过大",
            )
        reject_nested_archive(name, u.data[:512])
        files.append(ArchiveFile(name, u.data))
    return files, []


def submit_package(
    svc: CaseServices,
    dispatcher: Dispatcher,
    *,
    principal: Principal,
    uploads: Sequence[Upload],
    business_type: str,
    business_date: str | None = None,
    finalize: bool = False,
    callback_url: str | None = None,
    idempotency_key: str | None = None,
) -> Outcome:
    principal.require(*PACKAGE_ROLES)
    business = parse_business(business_type)
    date = parse_business_date_or_today(business_date)
    callback = check_callback_url(callback_url, settings=svc.settings)
    key = idempotency.check_key(idempotency_key)
    files, skipped = unpack_uploads(uploads, svc=svc)
    req = idempotency.request_hash(
        business=business.value, date=business_date, finalize=finalize, callback=callback,
        files=[(f.name, sha256_hex(f.data)) for f in files],
    )  # fmt: skip
    with svc.db.session() as s:
        done = idempotency.replay(s, principal=principal, scope="package.submit", key=key, req_hash=req)
    if done is not None:
        return done
    shas = [svc.blobs.put(f.data) for f in files]  # durable before any row names them
    try:
        outcome = _store_package(
            svc, principal=principal, files=files, shas=shas, business=business.value, date=date,
            params={"finalize": bool(finalize), "skipped": skipped}, callback=callback, key=key, req=req,
        )  # fmt: skip
    except IntegrityError:  # a twin request with the same Idempotency-Key committed first
        with svc.db.session() as s:
            done = idempotency.replay(s, principal=principal, scope="package.submit", key=key, req_hash=req)
        if done is None:
            raise
        return done
    try:
        job_store.dispatch_open_items(svc.db, dispatcher, job_id=outcome.body["job_id"])
    except ExternalServiceError as exc:  # the broker is down: the job is stored, and a worker's sweep sends it later
        log.warning("job %s stored but not sent: %s", outcome.body["job_id"], exc.one_line())
    return outcome


def _store_package(
    svc: CaseServices,
    *,
    principal: Principal,
    files: Sequence[ArchiveFile],
    shas: Sequence[str],
    business: str,
    date: str,
    params: dict[str, Any],
    callback: str | None,
    key: str | None,
    req: str,
) -> Outcome:
    with svc.db.session() as s:
        for f, sha in zip(files, shas, strict=True):
            ensure_blob_row(s, sha256=sha, size=len(f.data), content_type=_content_type(f.data))
        case = Case(
            branch=principal.branch,
            business_type=business,
            business_date=date,
            facts={},
            created_by=principal.key_id,
        )
        s.add(case)
        s.flush()
        job = job_store.create_job(
            s,
            kind="package",
            items=[{"filename": f.name, "blob_sha256": sha} for f, sha in zip(files, shas, strict=True)],
            branch=principal.branch,
            created_by=principal.key_id,
            role=principal.role.value,
            business_type=business,
            case_id=case.id,
            params=params,
            callback_url=callback,
        )
        body = {
            "job_id": job.id,
            "case_id": case.id,
            "state": job.state,
            "files": len(files),
            "skipped": params["skipped"],
            "href": f"/v1/jobs/{job.id}",
        }
        audit(s, principal, "package.submit", "job", job.id, files=len(files), case_id=case.id)
        outcome = Outcome(202, body)
        idempotency.remember(s, principal=principal, scope="package.submit", key=key, req_hash=req, outcome=outcome)
        return outcome


# --- per file (worker) ------------------------------------------------------------------------------------------
def verify_incoming(svc: CaseServices, data: bytes) -> dict[str, Any]:
    """The signatures a PDF arrived with, validated; never fails the document itself."""
    if b"/ByteRange" not in data:  # no signature dictionary, nothing to validate
        return {"signed": False}
    from pipeline.documents.verify import verify_document

    try:
        return {"signed": True, "report": verify_document(svc, data=data)}
    except DocintelError as exc:
        return {"signed": True, "error": job_store.error_dict(exc)}


def process_file(svc: CaseServices, claim: Claim) -> ItemOutcome:
    assert claim.blob_sha256 is not None and claim.filename is not None
    data = svc.blobs.get(claim.blob_sha256)
    kind = sniff(data)  # garbage fails this file here, with the reason
    if kind == FileKind.ZIP:
        raise UnsafeArchive(
            "a nested archive is not a document", message_zh="压缩包内不能再含压缩包", reason="nested_archive"
        )
    engine = svc.engine or get_engine(settings=svc.settings.ocr)
    groups, capture_ms = read_file_groups(InputFile(claim.filename, data), engine=engine, settings=svc.settings)
    if not groups:
        raise InputError("no page could be read from this file", message_zh="未能从文件中读取任何页面")
    docs = [
        build_document(
            g,
            sources=[claim.filename],
            doc_type=None,
            engine_version=engine_version_for(g, engine),
            capture_ms=capture_ms / len(groups),
            review_below=svc.settings.ocr.review_below,
            page_check=text_checks(svc.settings.capture.trust),
        )
        for g in groups
    ]
    result = {
        "file": claim.filename,
        "kind": str(kind),
        "doc_types": [d.doc_type for d in docs],
        "documents": [d.to_json() for d in docs],
        "engine_version": engine.version(),
        "capture_ms": round(capture_ms, 1),
        "signatures": verify_incoming(svc, data) if kind == FileKind.PDF else None,
    }
    return ItemOutcome(result=result, reads=[[read_to_json(r) for r in g] for g in groups])


KIND = register_kind(JobKind(name="package", process=process_file, finish=finish_package))
