"""Dependencies the routers declare: the services, the caller, a database session."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from domain.errors import Unauthorized
from pipeline.cases import CaseServices
from pipeline.keys import Principal, authenticate

bearer = HTTPBearer(auto_error=False, description="an API key from `docintel keys create`", scheme_name="ApiKey")


def get_services(request: Request) -> CaseServices:
    return request.app.state.services


ServicesDep = Annotated[CaseServices, Depends(get_services)]


def get_session(services: ServicesDep) -> Iterator[Session]:
    with services.db.session() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


class KeyCache:
    """Verified keys for a few seconds, so a busy counter does not cost a database read per request.
    Keyed by the key's hash; a revocation takes effect within ``ttl_s``."""

    def __init__(self, ttl_s: float) -> None:
        self.ttl_s = ttl_s
        self._entries: dict[str, tuple[Principal, float]] = {}
        self._lock = threading.Lock()

    def get(self, digest: str) -> Principal | None:
        with self._lock:
            hit = self._entries.get(digest)
            if hit is None or hit[1] < time.monotonic():
                self._entries.pop(digest, None)
                return None
            return hit[0]

    def put(self, digest: str, principal: Principal) -> None:
        if self.ttl_s <= 0:
            return
        with self._lock:
            if len(self._entries) > 10_000:
                self._entries.clear()
            self._entries[digest] = (principal, time.monotonic() + self.ttl_s)


def get_principal(
    request: Request,
    services: ServicesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized(
            "missing API key: send Authorization: Bearer <key>", message_zh="缺少 API 密钥（Authorization: Bearer …）"
        )
    cache: KeyCache = request.app.state.key_cache
    digest = hashlib.sha256(credentials.credentials.encode()).hexdigest()
    principal = cache.get(digest)
    if principal is None:
        principal = authenticate(services.db, key=credentials.credentials)
        cache.put(digest, principal)
    return principal


AuthDep = Annotated[Principal, Depends(get_principal)]
