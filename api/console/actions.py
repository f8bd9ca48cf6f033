"""What the console's script calls: the same use cases as ``/v1/cases``, signed in by the console cookie and
guarded by the CSRF header. Answers are JSON (errors problem+json, as in the API) or the bytes asked for."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, File, Form, Path, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field

from api.console import pages
from api.console.session import UserDep, WriterDep
from api.deps import ServicesDep
from pipeline import console
from pipeline.cases import finalize, page_images, records, signatures
from pipeline.cases import upload as case_upload

router = APIRouter(prefix="/console/cases/{case_id}", include_in_schema=False)

CaseId = Annotated[str, Path(max_length=64)]
DocId = Annotated[str, Path(max_length=64)]


class FinalizeBody(BaseModel):
    override_reason: str | None = Field(None, max_length=4000)


class Correction(BaseModel):
    value: str | None = Field(None, max_length=2000)
    reason: str = Field(..., max_length=2000)


def _observe(request: Request, body: dict[str, Any]) -> None:
    for d in body["documents"]:
        request.app.state.metrics.observe_extraction(d["doc_type"], d["extraction"]["timing_ms"])


def _summary(body: dict[str, Any]) -> dict[str, Any]:
    """What the page needs to know of an upload (it then draws the case again): no personal data."""
    return {
        "documents": [
            {
                "id": d["id"],
                "doc_type": d["doc_type"],
                "fields": len(d["fields"]),
                "timing_ms": d["extraction"]["timing_ms"],
            }
            for d in body["documents"]
        ],
        "passed": bool((body.get("check_report") or {}).get("passed")),
    }


@router.get("/state")
def state(request: Request, case_id: CaseId, user: UserDep, services: ServicesDep) -> dict[str, Any]:
    body = console.case_state(services, principal=user.principal, case_id=case_id)
    return {**body, "queue": request.app.state.pool.depth}


@router.post("/documents")
def upload(
    request: Request,
    case_id: CaseId,
    user: WriterDep,
    services: ServicesDep,
    file: Annotated[UploadFile, File()],
    append_to: Annotated[str | None, Form(max_length=64)] = None,
) -> dict[str, Any]:
    outcome = case_upload.add_document(
        services,
        principal=user.principal,
        case_id=case_id,
        filename=file.filename,
        data=file.file.read(),
        append_to=append_to or None,
    )
    _observe(request, outcome.body)
    return {**_summary(outcome.body), "html": pages.case_fragment(request, user, services, case_id)}


@router.put("/documents/{document_id}/pages/{page}")
def replace_page(
    request: Request,
    case_id: CaseId,
    document_id: DocId,
    page: Annotated[int, Path(ge=0, le=10_000)],
    user: WriterDep,
    services: ServicesDep,
    file: Annotated[UploadFile, File()],
) -> dict[str, Any]:
    outcome = case_upload.replace_page(
        services,
        principal=user.principal,
        case_id=case_id,
        document_id=document_id,
        page=page,
        filename=file.filename,
        data=file.file.read(),
    )
    _observe(request, outcome.body)
    return {**_summary(outcome.body), "html": pages.case_fragment(request, user, services, case_id)}


@router.patch("/documents/{document_id}/fields/{field_name}")
def correct_field(
    case_id: CaseId,
    document_id: DocId,
    field_name: Annotated[str, Path(max_length=64)],
    user: WriterDep,
    services: ServicesDep,
    body: Correction,
) -> dict[str, Any]:
    result = records.correct_field(
        services,
        principal=user.principal,
        case_id=case_id,
        document_id=document_id,
        field=field_name,
        value=body.value,
        reason=body.reason,
    )
    return {"passed": bool(result["check_report"]["passed"])}


@router.put("/signature")
def put_signature(
    case_id: CaseId,
    user: WriterDep,
    services: ServicesDep,
    png: Annotated[bytes, Body(media_type="image/png")],
) -> dict[str, Any]:
    return signatures.store_signature(
        services,
        principal=user.principal,
        case_id=case_id,
        png=png,
        max_bytes=services.settings.console.max_signature_bytes,
    )


@router.get("/signature.png")
def get_signature(case_id: CaseId, user: UserDep, services: ServicesDep) -> Response:
    data = signatures.signature_png(services, principal=user.principal, case_id=case_id)
    if data is None:
        return Response(status_code=204)
    return Response(data, media_type="image/png", headers={"Cache-Control": "no-store"})


@router.post("/finalize")
def finalize_case(
    case_id: CaseId, user: WriterDep, services: ServicesDep, body: Annotated[FinalizeBody | None, Body()] = None
) -> dict[str, Any]:
    outcome = finalize.finalize_case(
        services,
        principal=user.principal,
        case_id=case_id,
        idempotency_key=f"console-finalize-{case_id}",
        signature_required_for=services.settings.console.signature_required_for,
        override_reason=body.override_reason if body else None,
    )
    return {"status": outcome.body["status"], "artifacts": [a["kind"] for a in outcome.body["artifacts"]]}


@router.get("/documents/{document_id}/pages/{page}.jpg")
def page_image(
    case_id: CaseId,
    document_id: DocId,
    page: Annotated[int, Path(ge=0, le=10_000)],
    user: UserDep,
    services: ServicesDep,
) -> Response:
    data = page_images.page_image(
        services, principal=user.principal, case_id=case_id, document_id=document_id, page=page
    )
    return Response(data, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=300"})


@router.get("/documents/{document_id}/crops/{crop_id}.jpg")
def crop_image(
    case_id: CaseId,
    document_id: DocId,
    crop_id: Annotated[int, Path(ge=1, le=2**62)],
    user: UserDep,
    services: ServicesDep,
) -> Response:
    data = page_images.crop_image(
        services, principal=user.principal, case_id=case_id, document_id=document_id, crop_id=crop_id
    )
    return Response(data, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=300"})


@router.get("/{kind}.pdf")
def artifact(case_id: CaseId, kind: str, user: UserDep, services: ServicesDep) -> Response:
    if kind not in ("application", "receipt"):
        return Response(status_code=404)
    data = records.artifact_pdf(services, principal=user.principal, case_id=case_id, kind=kind)
    return Response(
        data,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{kind}-{case_id}.pdf"', "Cache-Control": "no-store"},
    )
