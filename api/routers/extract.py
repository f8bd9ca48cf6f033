"""POST /v1/extract: one document, read synchronously, nothing stored (quick use at a counter or in a script)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, UploadFile

from api.deps import AuthDep, ServicesDep
from api.schemas import ExtractResponse, problems
from pipeline.documents.read_upload import read_upload

router = APIRouter(prefix="/v1", tags=["extract"])


@router.post(
    "/extract",
    response_model=ExtractResponse,
    response_model_exclude_unset=True,  # `crops` appears only when asked for
    summary="Extract fields from one document",
    responses=problems(400, 401, 403, 413, 415, 422, 503),
)
def extract(
    request: Request,
    principal: AuthDep,
    services: ServicesDep,
    file: Annotated[UploadFile, File(description="an image (JPEG, PNG, TIFF, BMP, WebP) or a PDF")],
    doc_type: Annotated[str | None, Form(description="skip classification and read as this type")] = None,
    crops: Annotated[
        bool,
        Query(
            description="also return each document's crops: the rectified card or page (`document`) and the ID "
            "card's portrait (`portrait`), as base64 JPEGs no larger than `crops.max_side_px`"
        ),
    ] = False,
) -> dict:
    """Reads one file and answers with its documents (a frame holding both sides of an ID card gives two).
    Nothing is stored but an audit row: the answer carries personal data."""
    pairs = read_upload(
        services,
        principal=principal,
        filename=file.filename,
        data=file.file.read(),
        doc_type=doc_type,
        with_crops=crops,
    )
    metrics = request.app.state.metrics
    for d, _ in pairs:
        metrics.observe_extraction(d.doc_type, d.timing_ms)
    if not crops:
        return {"documents": [d.to_json() for d, _ in pairs]}
    return {"documents": [{**d.to_json(), "crops": [c.to_json() for c in cs]} for d, cs in pairs]}
