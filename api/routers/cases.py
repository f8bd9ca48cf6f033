"""The counter's case workflow. Thin: each handler calls one use case in ``pipeline``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, File, Form, Header, Path, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from api.deps import AuthDep, ServicesDep
from api.schemas import (
    CaseCreate,
    CasePatch,
    CaseView,
    CorrectionResult,
    FieldCorrectionIn,
    FinalizeIn,
    FinalizeResult,
    UploadResult,
    problems,
)
from pipeline.cases import finalize, page_images, records, signatures, upload
from pipeline.idempotency import Outcome

router = APIRouter(prefix="/v1/cases", tags=["cases"])

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=255,
        description="any unique string per intended action; a retry with the same key gets the first answer",
    ),
]
CaseId = Annotated[str, Path(max_length=64, description="case id from POST /v1/cases")]


def _respond(outcome: Outcome, model: type[BaseModel]) -> JSONResponse:
    body = model.model_validate(outcome.body).model_dump(mode="json")
    headers = {"Idempotent-Replayed": "true"} if outcome.replayed else None
    return JSONResponse(body, status_code=outcome.status, headers=headers)


@router.post(
    "",
    status_code=201,
    response_model=CaseView,
    summary="Open a case for a business type",
    responses=problems(400, 401, 403, 422),
)
def create_case(principal: AuthDep, services: ServicesDep, body: CaseCreate, idempotency_key: IdempotencyKey = None):
    outcome = records.create_case(
        services,
        principal=principal,
        business_type=body.business_type.value,
        business_date=body.business_date.isoformat() if body.business_date else None,
        facts=body.facts.model_dump(exclude_none=True) if body.facts else None,
        idempotency_key=idempotency_key,
    )
    return _respond(outcome, CaseView)


@router.get(
    "/{case_id}",
    response_model=CaseView,
    summary="Documents, fields with evidence and the current check report",
    responses=problems(401, 403, 404),
)
def get_case(case_id: CaseId, principal: AuthDep, services: ServicesDep):
    return records.get_case_details(services, principal=principal, case_id=case_id)


@router.patch(
    "/{case_id}",
    response_model=CaseView,
    summary="Set facts typed in by the clerk (bank card number, …); re-runs the checks",
    responses=problems(400, 401, 403, 404, 409, 422),
)
def patch_case(case_id: CaseId, principal: AuthDep, services: ServicesDep, body: CasePatch):
    return records.set_facts(
        services, principal=principal, case_id=case_id, facts=body.facts.model_dump(exclude_none=True)
    )


@router.post(
    "/{case_id}/documents",
    status_code=201,
    response_model=UploadResult,
    summary="Upload one frame or file; answers with what was read and the new check report",
    responses=problems(400, 401, 403, 404, 409, 413, 415, 422, 503),
)
def upload_document(
    request: Request,
    case_id: CaseId,
    principal: AuthDep,
    services: ServicesDep,
    file: Annotated[UploadFile, File(description="a camera frame (JPEG, PNG, …), a scan or a PDF")],
    doc_type: Annotated[str | None, Form(description="skip classification and read as this type")] = None,
    append_to: Annotated[
        str | None, Form(max_length=64, description="id of a document of this case to add this file to as a page")
    ] = None,
    idempotency_key: IdempotencyKey = None,
):
    outcome = upload.add_document(
        services,
        principal=principal,
        case_id=case_id,
        filename=file.filename,
        data=file.file.read(),
        doc_type=doc_type or None,
        append_to=append_to or None,
        idempotency_key=idempotency_key,
    )
    if not outcome.replayed:
        for d in outcome.body["documents"]:
            request.app.state.metrics.observe_extraction(d["doc_type"], d["extraction"]["timing_ms"])
    return _respond(outcome, UploadResult)


@router.put(
    "/{case_id}/documents/{document_id}/pages/{page}",
    response_model=UploadResult,
    summary="Photograph a page again (as the document's reshoot list asks): the new picture replaces the old one, "
    "which is kept on record; the document is read again and the checks re-run",
    responses=problems(400, 401, 403, 404, 409, 413, 415, 422, 503),
)
def replace_page(
    request: Request,
    case_id: CaseId,
    document_id: Annotated[str, Path(max_length=64)],
    page: Annotated[int, Path(ge=0, le=10_000, description="0-based, as `page` in the document's `reshoot` list")],
    principal: AuthDep,
    services: ServicesDep,
    file: Annotated[UploadFile, File(description="a new camera frame of that one page")],
    idempotency_key: IdempotencyKey = None,
):
    outcome = upload.replace_page(
        services,
        principal=principal,
        case_id=case_id,
        document_id=document_id,
        page=page,
        filename=file.filename,
        data=file.file.read(),
        idempotency_key=idempotency_key,
    )
    if not outcome.replayed:
        for d in outcome.body["documents"]:
            request.app.state.metrics.observe_extraction(d["doc_type"], d["extraction"]["timing_ms"])
    return _respond(outcome, UploadResult)


@router.patch(
    "/{case_id}/documents/{document_id}/fields/{field_name}",
    response_model=CorrectionResult,
    summary="Correct a field: kept beside the machine value, never over it; re-runs the checks",
    responses=problems(400, 401, 403, 404, 409, 422),
)
def correct_field(
    case_id: CaseId,
    document_id: Annotated[str, Path(max_length=64)],
    field_name: Annotated[str, Path(max_length=64, description="e.g. name, id_number, total_price")],
    principal: AuthDep,
    services: ServicesDep,
    body: FieldCorrectionIn,
):
    return records.correct_field(
        services,
        principal=principal,
        case_id=case_id,
        document_id=document_id,
        field=field_name,
        value=body.value,
        reason=body.reason,
        clerk=body.clerk,
    )


@router.post(
    "/{case_id}/finalize",
    status_code=201,
    response_model=FinalizeResult,
    summary="Render and sign the application and the receipt",
    responses=problems(400, 401, 403, 404, 409, 422, 503),
)
def finalize_case(
    case_id: CaseId,
    principal: AuthDep,
    services: ServicesDep,
    idempotency_key: IdempotencyKey = None,
    body: Annotated[FinalizeIn | None, Body()] = None,
):
    outcome = finalize.finalize_case(
        services,
        principal=principal,
        case_id=case_id,
        idempotency_key=idempotency_key,
        override_reason=body.override_reason if body else None,
        clerk=body.clerk if body else None,
    )
    return _respond(outcome, FinalizeResult)


@router.get(
    "/{case_id}/documents/{document_id}/crops/{crop_id}.jpg",
    response_class=Response,
    summary="A crop stored with a document (the rectified card or page, or the ID card's portrait), as JPEG",
    responses={200: {"content": {"image/jpeg": {}}, "description": "the crop"}, **problems(401, 403, 404)},
)
def crop_image(
    case_id: CaseId,
    document_id: Annotated[str, Path(max_length=64)],
    crop_id: Annotated[int, Path(ge=1, le=2**62)],
    principal: AuthDep,
    services: ServicesDep,
) -> Response:
    data = page_images.crop_image(
        services, principal=principal, case_id=case_id, document_id=document_id, crop_id=crop_id
    )
    return Response(data, media_type="image/jpeg", headers={"Cache-Control": "private, no-store"})


_PDF = {200: {"content": {"application/pdf": {}}, "description": "the signed PDF"}}


@router.get(
    "/{case_id}/application.pdf",
    response_class=Response,
    summary="The signed application (电子申请书)",
    responses={**_PDF, **problems(401, 403, 404)},
)
def application_pdf(case_id: CaseId, principal: AuthDep, services: ServicesDep) -> Response:
    data = records.artifact_pdf(services, principal=principal, case_id=case_id, kind="application")
    return Response(data, media_type="application/pdf")


@router.get(
    "/{case_id}/receipt.pdf",
    response_class=Response,
    summary="The signed receipt (电子回单)",
    responses={**_PDF, **problems(401, 403, 404)},
)
def receipt_pdf(case_id: CaseId, principal: AuthDep, services: ServicesDep) -> Response:
    data = records.artifact_pdf(services, principal=principal, case_id=case_id, kind="receipt")
    return Response(data, media_type="application/pdf")


@router.put(
    "/{case_id}/signature",
    summary="The applicant's handwritten signature from the counter's signature pad (a PNG): kept with the case and "
    "drawn into the application at finalize; signing again replaces it (the earlier one stays on record)",
    responses=problems(400, 401, 403, 404, 409, 413, 415, 422),
)
def put_signature(
    case_id: CaseId,
    principal: AuthDep,
    services: ServicesDep,
    png: Annotated[bytes, Body(media_type="image/png", description="the signature as a PNG image")],
) -> dict:
    return signatures.store_signature(
        services, principal=principal, case_id=case_id, png=png, max_bytes=services.settings.console.max_signature_bytes
    )
