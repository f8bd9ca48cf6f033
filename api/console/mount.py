"""Mounts the clerk's console on the API app: its pages, its script calls, its static files and its error pages."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from domain.errors import DocintelError

STATIC = Path(__file__).parent / "static"


def _wants_html(request: Request) -> bool:
    return request.method == "GET" and "text/html" in request.headers.get("accept", "")


def install(app: FastAPI) -> None:
    from api.console import actions, pages
    from api.console.session import LoginRequired
    from pipeline.cases import page_pixels

    page_pixels.enable()  # page images right after an upload come from the extraction's own capture
    app.include_router(pages.router)
    app.include_router(actions.router)
    app.mount("/console/static", StaticFiles(directory=STATIC), name="console-static")

    api_handler = app.exception_handlers[DocintelError]

    async def on_error(request: Request, exc: Exception) -> Response:
        # Console pages answer with a page (or the login form); everything else as the API does.
        if request.url.path.startswith("/console"):
            if isinstance(exc, LoginRequired) and _wants_html(request):
                return RedirectResponse("/console/login", status_code=303)
            if isinstance(exc, DocintelError) and _wants_html(request):
                return pages.error_page(request, exc)
        return await api_handler(request, exc)

    app.add_exception_handler(DocintelError, on_error)
