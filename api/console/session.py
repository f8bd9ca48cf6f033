"""The console's session cookie and CSRF token.

One cookie, signed with ``itsdangerous`` (timestamped, so it expires after ``console.session_ttl_s`` whatever the
browser does with Max-Age), httpOnly and SameSite=strict. It holds the key's id (never the key), and a random
CSRF token that every form (hidden field ``csrf``) and every script call (header ``X-CSRF-Token``) must echo.
A visitor who is not signed in gets a cookie with a token and no key, so the login form is protected too.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from api.deps import ServicesDep
from config.settings import Settings
from domain.errors import Forbidden, Unauthorized
from pipeline.console import principal_for, session_secret
from pipeline.keys import Principal

COOKIE = "docintel_console"
LANG_COOKIE = "docintel_lang"
CSRF_HEADER = "X-CSRF-Token"


class LoginRequired(Unauthorized):
    """No (valid) console session: pages redirect to the login form, script calls get 401."""

    code = "console_login_required"
    default_zh = "请先登录"


@dataclass(frozen=True)
class Session:
    csrf: str
    key_id: str | None = None


@dataclass(frozen=True)
class ConsoleUser:
    principal: Principal
    csrf: str


def _serializer(request: Request) -> URLSafeTimedSerializer:
    state = request.app.state
    if getattr(state, "console_serializer", None) is None:
        state.console_serializer = URLSafeTimedSerializer(session_secret(state.settings), salt="docintel-console")
    return state.console_serializer


def read_session(request: Request) -> Session | None:
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    settings: Settings = request.app.state.settings
    try:
        data = _serializer(request).loads(raw, max_age=settings.console.session_ttl_s)
    except BadSignature:  # tampered, from another secret, or expired (SignatureExpired is a BadSignature)
        return None
    if not isinstance(data, dict) or not isinstance(data.get("c"), str):
        return None
    key_id = data.get("k")
    return Session(csrf=data["c"], key_id=key_id if isinstance(key_id, str) else None)


def write_session(request: Request, response: Response, session: Session) -> None:
    settings: Settings = request.app.state.settings
    value = _serializer(request).dumps({"c": session.csrf, "k": session.key_id})
    response.set_cookie(
        COOKIE,
        value,
        max_age=settings.console.session_ttl_s,
        path="/console",
        httponly=True,
        samesite="strict",
        secure=settings.console.secure_cookie,
    )


def clear_session(request: Request, response: Response) -> None:
    settings: Settings = request.app.state.settings
    response.delete_cookie(
        COOKIE, path="/console", httponly=True, samesite="strict", secure=settings.console.secure_cookie
    )


def new_session(key_id: str | None = None) -> Session:
    return Session(csrf=secrets.token_urlsafe(32), key_id=key_id)


def check_csrf(session: Session | None, token: str | None) -> None:
    if session is None or not token or not hmac.compare_digest(session.csrf, token):
        raise Forbidden(
            "the form is stale or did not come from the console (CSRF token mismatch); reload the page",
            message_zh="页面已过期或请求来源不明，请刷新页面后重试",
        )


def current_user(request: Request, services: ServicesDep) -> ConsoleUser:
    session = read_session(request)
    if session is None or session.key_id is None:
        raise LoginRequired("sign in to the console first")
    try:
        principal = principal_for(services, key_id=session.key_id)
    except Unauthorized:
        raise LoginRequired("the key of this console session was revoked; sign in again") from None
    return ConsoleUser(principal=principal, csrf=session.csrf)


UserDep = Annotated[ConsoleUser, Depends(current_user)]


def writer(request: Request, user: UserDep) -> ConsoleUser:
    """A signed-in user making a change: the CSRF header (scripts) or form field (forms) must match."""
    check_csrf(read_session(request), request.headers.get(CSRF_HEADER))
    return user


WriterDep = Annotated[ConsoleUser, Depends(writer)]
