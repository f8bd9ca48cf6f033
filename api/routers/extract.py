"""POST /v1/extract: one document, read synchronously, nothing stored (quick use at a counter or in a script)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, UploadFile

from api.deps import AuthDep, ServicesDep
from api.schemas import ExtractResponse, problems
from capture.sniff import sniff
from extractors.engines import get_engine
from pipeline.documents.crops import extract_with_crops
from pipeline.documents.extract import InputFile
from storage.repositories import record_audit

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
    data = file.file.read()
    sniff(data)  # garbage is refused here, before it takes a place in the OCR pool
    engine = services.engine or get_engine(settings=services.settings.ocr)
    pairs = services.offload(
        lambda: extract_with_crops(
            [InputFile(file.filename or "upload", data)],
            doc_type=doc_type or None,
            engine=engine,
            settings=services.settings,
            with_crops=crops,
        )
    )
    docs = [d for d, _ in pairs]
    metrics = request.app.state.metrics
    for d in docs:
        metrics.observe_extraction(d.doc_type, d.timing_ms)
    with services.db.session() as s:
        record_audit(
            s,
            api_key_id=principal.key_id,
            branch=principal.branch,
            action="extract",
            subject_type="extract",
            subject_id=None,
            detail={"doc_types": [d.doc_type for d in docs], "crops": crops},
        )
    if not crops:
        return {"documents": [d.to_json() for d in docs]}
    return {"documents": [{**d.to_json(), "crops": [c.to_json() for c in cs]} for d, cs in pairs]}
