"""Dependencies the routers declare: the services, the caller, a database session."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from domain.errors import Unauthorized
from pipeline.keys import Principal, authenticate
from pipeline.services import CaseServices

bearer = HTTPBearer(auto_error=False, description="an API key from `docintel keys create`", scheme_name="ApiKey")


def get_services(request: Request) -> CaseServices:
    return request.app.state.services


ServicesDep = Annotated[CaseServices, Depends(get_services)]


def get_session(services: ServicesDep) -> Iterator[Session]:
    with services.db.session() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def get_principal(
    request: Request,
    services: ServicesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized(
            "missing API key: send Authorization: Bearer <key>", message_zh="缺少 API 密钥（Authorization: Bearer …）"
        )
    # Looked up on every request (one primary-key read that waits for no writer): a revoked key stops at once.
    return authenticate(services.db, key=credentials.credentials)


AuthDep = Annotated[Principal, Depends(get_principal)]
