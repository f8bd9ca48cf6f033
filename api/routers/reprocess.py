"""POST /v1/reprocess (admin): read stored documents of the caller's branch again → 202 and a job with a diff."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, StringConstraints

from api.deps import AuthDep, ServicesDep
from api.routers.jobs import DispatcherDep
from api.schemas import problems
from pipeline.keys import Role
from pipeline.reprocess.run import Selection, parse_when, submit_reprocess
from pipeline.work.callbacks import check_callback_url

router = APIRouter(prefix="/v1", tags=["jobs"])


# Bounds on what a selection may list: a request is a few criteria, not a data set (a million doc_types once made
# SQLite refuse the query, "too many SQL variables", and a 3 MB log line).
MAX_CRITERIA = 50
DocTypeName = Annotated[str, StringConstraints(min_length=1, max_length=40)]
EngineVersion = Annotated[str, StringConstraints(min_length=1, max_length=200)]
When = Annotated[str, StringConstraints(max_length=40)]


class ReprocessRequest(BaseModel):
    created_from: When | None = Field(None, description="documents stored from (YYYY-MM-DD, UTC, or ISO date-time)")
    created_to: When | None = Field(None, description="… up to and including this day (or before this date-time)")
    doc_types: list[DocTypeName] = Field([], max_length=MAX_CRITERIA, description="only these document types")
    engine_versions: list[EngineVersion] = Field(
        [], max_length=MAX_CRITERIA, description="only documents whose current reading is by these engines"
    )
    limit: int | None = Field(None, ge=1, le=10_000_000, description="at most this many documents")
    chunk_size: int | None = Field(None, ge=1, le=1000, description="documents per task")
    callback_url: str | None = Field(None, max_length=2048, description="POSTed (HMAC-signed) when the job ends")


@router.post(
    "/reprocess",
    status_code=202,
    summary="Re-run extraction and checks over stored documents (admin; the caller's branch)",
    responses=problems(400, 401, 403, 422, 503),
)
def post_reprocess(body: ReprocessRequest, principal: AuthDep, services: ServicesDep, dispatcher: DispatcherDep) -> Any:
    principal.require(Role.ADMIN)
    selection = Selection(
        created_from=parse_when(body.created_from),
        created_to=parse_when(body.created_to, end=True),
        doc_types=tuple(body.doc_types),
        engine_versions=tuple(body.engine_versions),
        limit=body.limit,
    )
    outcome = submit_reprocess(
        services,
        dispatcher,
        selection=selection,
        created_by=principal.key_id,
        role=principal.role.value,
        branch=principal.branch,
        chunk_size=body.chunk_size,
        callback_url=check_callback_url(body.callback_url, settings=services.settings),
    )
    return JSONResponse(outcome.body, status_code=outcome.status, headers={"Location": outcome.body["href"]})
