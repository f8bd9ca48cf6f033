"""The console's pages: server-rendered HTML (Jinja2). Thin: each handler calls one function of
``pipeline.console`` (or a case use case) and renders what it answers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from api.console import i18n
from api.console.session import (
    LANG_COOKIE,
    ConsoleUser,
    UserDep,
    check_csrf,
    clear_session,
    new_session,
    read_session,
    write_session,
)
from api.deps import ServicesDep
from domain.errors import DocintelError, Unauthorized
from pipeline import console
from pipeline.cases import records
from pipeline.services import CaseServices
from signing.data import field_value_text

router = APIRouter(prefix="/console", include_in_schema=False)
templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
templates.env.filters["shown"] = field_value_text  # lists such as buyers as 姓名：…，公民身份号码：…

CSP = (
    "default-src 'self'; img-src 'self' blob: data:; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)


def lang_of(request: Request) -> str:
    lang = request.cookies.get(LANG_COOKIE, "zh")
    return lang if lang in i18n.LANGS else "zh"


def _context(request: Request, context: dict[str, Any], csrf: str) -> dict[str, Any]:
    lang = lang_of(request)
    return {
        "request": request,
        "lang": lang,
        "t": i18n.translator(lang),
        "business_label": lambda v: i18n.business_label(v, lang),
        "doc_label": lambda v: i18n.doc_label(v, lang),
        "field_label": lambda v: i18n.field_label(v, lang),
        "csrf": csrf,
        **context,
    }


def render(request: Request, name: str, context: dict[str, Any], *, status: int = 200, csrf: str = "") -> Response:
    response = templates.TemplateResponse(request, name, _context(request, context, csrf), status_code=status)
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cache-Control"] = "no-store"  # pages hold personal data
    return response


def error_page(request: Request, exc: DocintelError) -> Response:
    session = read_session(request)
    message = exc.message_zh if lang_of(request) == "zh" else exc.message
    user = None
    if session is not None and session.key_id is not None:
        try:  # the header shows who is signed in, with the sign-out button, as on every page
            user = console.principal_for(request.app.state.services, key_id=session.key_id)
        except Unauthorized:
            user = None
    return render(
        request,
        "error.html",
        {"status": exc.http_status, "message": message, "signed_in": user is not None, "user": user},
        status=exc.http_status,
        csrf=session.csrf if session else "",
    )


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, error: str | None = None) -> Response:
    session = read_session(request)
    if session is None or session.key_id is not None:
        session = new_session()
    response = render(request, "login.html", {"error": error}, csrf=session.csrf)
    write_session(request, response, session)
    return response


@router.post("/login")
def login(
    request: Request,
    services: ServicesDep,
    key: Annotated[str, Form(max_length=200)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    check_csrf(read_session(request), csrf)
    try:
        principal = console.sign_in(services, key=key)
    except Unauthorized as exc:
        session = new_session()
        message = exc.message_zh if lang_of(request) == "zh" else exc.message
        response = render(request, "login.html", {"error": message}, status=401, csrf=session.csrf)
        write_session(request, response, session)
        return response
    response = RedirectResponse("/console/", status_code=303)
    write_session(request, response, new_session(principal.key_id))  # a fresh token after sign-in
    return response


@router.post("/logout")
def logout(request: Request, csrf: Annotated[str, Form(max_length=200)] = "") -> Response:
    check_csrf(read_session(request), csrf)
    response = RedirectResponse("/console/login", status_code=303)
    clear_session(request, response)
    return response


@router.get("/lang/{lang}")
def switch_language(lang: str, back: Annotated[str, Query(max_length=300)] = "/console/") -> Response:
    target = back if back.startswith("/console/") and "//" not in back else "/console/"
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(LANG_COOKIE, lang if lang in i18n.LANGS else "zh", path="/console", samesite="strict")
    return response


@router.get("/", response_class=HTMLResponse)
def case_list(request: Request, user: UserDep, services: ServicesDep) -> Response:
    rows = console.case_list(services, principal=user.principal)
    context = {
        "user": user.principal,
        "rows": rows,
        "businesses": i18n.businesses(),
        "today": dt.date.today().isoformat(),
        "can_write": console.may_write(user.principal),
    }
    return render(request, "cases.html", context, csrf=user.csrf)


@router.post("/cases")
def create_case(
    request: Request,
    user: UserDep,
    services: ServicesDep,
    business_type: Annotated[str, Form(max_length=40)],
    business_date: Annotated[str, Form(max_length=10)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    check_csrf(read_session(request), csrf)
    outcome = records.create_case(
        services, principal=user.principal, business_type=business_type, business_date=business_date or None
    )
    return RedirectResponse(f"/console/cases/{outcome.body['id']}", status_code=303)


@router.get("/cases/{case_id}", response_class=HTMLResponse)
def case_page(request: Request, case_id: str, user: UserDep, services: ServicesDep, fragment: bool = False) -> Response:
    page = console.case_page(services, principal=user.principal, case_id=case_id[:64])
    context = {"user": user.principal, **page}
    return render(request, "case_body.html" if fragment else "case.html", context, csrf=user.csrf)


def case_fragment(request: Request, user: ConsoleUser, services: CaseServices, case_id: str) -> str:
    """The case part of the page, as the page draws it again after a change (sent with the change's answer,
    which saves the page a round trip)."""
    page = console.case_page(services, principal=user.principal, case_id=case_id[:64])
    context = _context(request, {"user": user.principal, **page}, user.csrf)
    return templates.get_template("case_body.html").render(context)
