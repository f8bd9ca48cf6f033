"""The FastAPI app. ``create_app(settings)`` builds everything once per process, at start-up: the database (migrated
when ``storage.auto_migrate``), the blob store, the OCR engine (models loaded here, not at the first request), the
bounded OCR pool and the signer. ``uvicorn --factory api.app:app_factory`` or ``docintel serve`` run it.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from api.errors import install_error_handlers
from api.limits import BodyLimitMiddleware
from api.metrics import Metrics, MetricsMiddleware
from api.openapi import install_openapi
from api.pool import WorkPool
from config.logging import setup_logging
from config.settings import Settings, get_settings
from domain.errors import DocintelError
from extractors.engines import OcrEngine, get_engine
from pipeline.cases.checks import warm_registry
from pipeline.services import open_services
from pipeline.signer import SignerHandle, open_signer
from storage import migrate

log = logging.getLogger(__name__)

DESCRIPTION = """Document intelligence for housing provident fund counters.

Every call needs `Authorization: Bearer <key>` (from `docintel keys create --role R --branch B`), except the health
endpoints. A key sees only its own branch's cases: another branch's case is answered 404.
Errors are RFC 9457 `application/problem+json` with `detail` (English) and `detail_zh` (Chinese).
`Idempotency-Key` on uploads, case creation and finalize makes retries safe.
"""


class AppState:
    """What ``app.state`` holds, built once."""

    def __init__(self, settings: Settings, engine: OcrEngine | None) -> None:
        self.settings = settings
        self.metrics = Metrics()
        warm_registry(settings)  # a missing registry file is a start-up error, not a first-request one
        self.engine = engine or get_engine(settings=settings.ocr)  # loads the models now, once per process
        self.pool = WorkPool(
            size=settings.api.ocr_pool_size,
            queue_limit=settings.api.ocr_queue_limit,
            timeout_s=settings.api.request_timeout_s,
            metrics=self.metrics,
        )
        self.signer: SignerHandle = open_signer(settings)
        self.services = open_services(settings, engine=self.engine, offload=self.pool.run, signer=self.signer)
        self.db = self.services.db
        self.blobs = self.services.blobs

    def readiness(self) -> dict[str, dict[str, Any]]:
        checks: dict[str, dict[str, Any]] = {"models": {"ok": True, "engine": self.engine.version()}}
        for name, probe in (("database", self.db.ping), ("blobs", self.blobs.ping)):
            try:
                probe()
                checks[name] = {"ok": True}
            except DocintelError as exc:
                checks[name] = {"ok": False, "error": exc.message}
        if name := self.db.backend:
            checks["database"]["backend"] = name
        try:
            checks["database"]["migrated"] = migrate.is_up_to_date(self.db)
            checks["database"]["ok"] = checks["database"]["ok"] and checks["database"]["migrated"]
        except Exception as exc:  # an unreachable database already says so above
            checks["database"] = {"ok": False, "error": type(exc).__name__}
        checks["signer"] = self.signer.status()
        return checks

    def close(self) -> None:
        self.pool.shutdown()
        self.signer.close()
        self.db.dispose()


def create_app(settings: Settings | None = None, *, engine: OcrEngine | None = None) -> FastAPI:
    settings = settings or get_settings()
    setup_logging(settings.log_level)
    state = AppState(settings, engine)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        state.close()

    app = FastAPI(
        title="docintel",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url="/docs",
        openapi_url="/openapi.json",
    )
    app.state.settings = settings
    app.state.metrics = state.metrics
    app.state.services = state.services
    app.state.readiness = state.readiness
    app.state.pool = state.pool
    app.state.core = state

    form = 1024 * 1024  # room for the multipart framing and the form fields
    limit = settings.api.max_request_bytes or settings.capture.max_upload_bytes + form
    # A package is many files in one request; its own limit (jobs.max_package_bytes) is judged again on the files.
    package_limit = max(limit, settings.jobs.max_package_bytes + form)
    app.add_middleware(BodyLimitMiddleware, limit=limit, per_path={"/v1/packages": package_limit})
    app.add_middleware(MetricsMiddleware, metrics=state.metrics)  # outermost: times every answer, 413s included
    install_error_handlers(app)
    install_openapi(app)

    from api.routers import cases, extract, health, jobs, packages, reprocess, verify

    app.include_router(health.router)
    app.include_router(extract.router)
    app.include_router(cases.router)
    app.include_router(verify.router)
    app.include_router(packages.router)
    app.include_router(jobs.router)
    app.include_router(reprocess.router)

    from api.console import mount as console

    console.install(app)  # after install_error_handlers: console pages answer errors with a page
    return app


def app_factory() -> FastAPI:
    """For ``uvicorn --factory api.app:app_factory``: settings from the environment."""
    return create_app()
