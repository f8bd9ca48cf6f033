"""POST /v1/verify: validate every signature in an uploaded PDF (ours or anyone's)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, UploadFile

from api.deps import AuthDep, ServicesDep
from api.schemas import VerificationOut, problems
from pipeline.documents.verify import verify_document

router = APIRouter(prefix="/v1", tags=["signatures"])


@router.post(
    "/verify",
    summary="Validate the signatures of a PDF",
    response_model=VerificationOut,
    responses=problems(400, 401, 413, 415, 422, 503),
)
def verify(
    principal: AuthDep,
    services: ServicesDep,
    file: Annotated[UploadFile, File(description="a signed PDF")],
) -> dict[str, Any]:
    """A report with one entry per signature and its `indication`: TOTAL-PASSED, INDETERMINATE or TOTAL-FAILED."""
    data = file.file.read()
    return services.offload(lambda: verify_document(services, data=data))
