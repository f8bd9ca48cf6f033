"""POST /v1/packages: a loan team's package (a zip, or several files) for a business type → 202 and a job."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Header, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.deps import AuthDep, ServicesDep
from api.routers.jobs import DispatcherDep
from api.schemas import problems
from domain.business import Business
from pipeline.packages.submit import Upload, submit_package

router = APIRouter(prefix="/v1", tags=["jobs"])


class PackageAccepted(BaseModel):
    job_id: str
    case_id: str = Field(description="the case the package's documents are stored in")
    state: str
    files: int = Field(description="files to read")
    skipped: list[str] = Field(description="folders and operating-system litter in the zip, not read")
    href: str


@router.post(
    "/packages",
    status_code=202,
    response_model=PackageAccepted,
    summary="Submit a package: read, grouped, checked (and finalized) asynchronously",
    responses=problems(400, 401, 403, 413, 422, 503),
)
def post_package(
    principal: AuthDep,
    services: ServicesDep,
    dispatcher: DispatcherDep,
    file: Annotated[list[UploadFile], File(description="one zip, or the files themselves (frames, scans, PDFs)")],
    business_type: Annotated[Business, Form(description="the business the package is for")],
    business_date: Annotated[str | None, Form(description="YYYY-MM-DD the rules are judged at (default today)")] = None,
    finalize: Annotated[bool, Form(description="finalize with a signed application if the checks pass")] = False,
    callback_url: Annotated[str | None, Form(description="POSTed (HMAC-signed) when the job ends")] = None,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=255)] = None,
):
    """An unsafe zip (zip-slip, symlink, absolute path, nested archive, bomb, too many files, duplicate names,
    encryption) is refused here, before anything is extracted or stored. Poll `GET /v1/jobs/{job_id}`."""
    uploads = [Upload(f.filename, f.file.read()) for f in file]
    outcome = submit_package(
        services,
        dispatcher,
        principal=principal,
        uploads=uploads,
        business_type=business_type.value,
        business_date=business_date or None,
        finalize=finalize,
        callback_url=callback_url or None,
        idempotency_key=idempotency_key,
    )
    headers = {"Location": outcome.body["href"]}
    if outcome.replayed:
        headers["Idempotent-Replayed"] = "true"
    return JSONResponse(outcome.body, status_code=outcome.status, headers=headers)
