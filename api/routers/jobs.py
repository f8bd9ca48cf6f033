"""GET /v1/jobs/{id}: a package or reprocessing job's state, progress, documents and errors; POST …/resume."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, Field

from api.deps import AuthDep, ServicesDep
from api.schemas import problems
from pipeline.work import runner
from pipeline.work.job_store import Dispatcher
from pipeline.work.views import get_job_view

router = APIRouter(prefix="/v1/jobs", tags=["jobs"])

JobId = Annotated[str, Path(max_length=64, description="job id from POST /v1/packages or POST /v1/reprocess")]


def get_dispatcher(request: Request) -> Dispatcher:
    """The app's dispatcher: Celery on the app's configured broker, built on first use."""
    dispatcher = getattr(request.app.state, "dispatcher", None)
    if dispatcher is None:
        from jobs.dispatch import dispatcher_for

        dispatcher = request.app.state.dispatcher = dispatcher_for(request.app.state.settings)
    return dispatcher


DispatcherDep = Annotated[Dispatcher, Depends(get_dispatcher)]


class Progress(BaseModel):
    done: int = Field(description="items finished (read or failed)")
    total: int = Field(description="files of a package, documents of a reprocess")
    succeeded: int = 0
    failed: int = 0


class JobView(BaseModel):
    id: str
    kind: Literal["package", "reprocess"]
    state: Literal["queued", "running", "succeeded", "partial", "failed"]
    progress: Progress
    documents: list[dict[str, Any]] = Field(description="one entry per document (or per file that was not read)")
    errors: list[dict[str, Any]] = Field(description="each failed file or document, and job-level errors")
    case_id: str | None = Field(None, description="a package's case (GET /v1/cases/{id})")
    business_type: str | None = None
    params: dict[str, Any] = {}
    result: dict[str, Any] = Field({}, description="package: check report, finalize; reprocess: the diff report")
    callback: dict[str, Any] | None = None
    created_at: str
    started_at: str | None = None
    finished_at: str | None = None
    page: dict[str, int] = {}


@router.get(
    "/{job_id}",
    response_model=JobView,
    summary="State, progress and results of a job",
    responses=problems(401, 403, 404),
)
def get_job(
    job_id: JobId,
    principal: AuthDep,
    services: ServicesDep,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1, description="first document entry to list")] = 0,
    limit: Annotated[int, Query(ge=1, le=5000, description="how many document entries to list")] = 1000,
):
    return get_job_view(services, principal=principal, job_id=job_id, offset=offset, limit=limit)


@router.post(
    "/{job_id}/resume",
    status_code=202,
    summary="Send an interrupted job's unfinished items again (admin); finished items are not redone",
    responses=problems(401, 403, 404, 503),
)
def resume_job(job_id: JobId, principal: AuthDep, services: ServicesDep, dispatcher: DispatcherDep) -> dict[str, Any]:
    sent = runner.resume_job(services, dispatcher, job_id=job_id, principal=principal)
    return {"job_id": job_id, "resent": sent, "href": f"/v1/jobs/{job_id}"}
