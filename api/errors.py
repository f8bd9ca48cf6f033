"""Every error leaves the API as RFC 9457 problem+json, with the message in Chinese and English.

Domain errors are mapped once, here. Request validation and routing errors (422, 404, 405) take the same shape.
Anything else is a bug: it is logged with its traceback and answered with a 500 problem that says nothing more.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from domain.errors import DocintelError, FileTooLarge

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "urn:docintel:problem:"

_HTTP_ZH = {
    400: "请求有误",
    401: "未授权",
    403: "无权访问",
    404: "未找到",
    405: "不支持该请求方法",
    406: "无法提供所请求的格式",
    408: "请求超时",
    409: "请求冲突",
    413: "请求体过大",
    415: "不支持的媒体类型",
    422: "请求参数有误",
    429: "请求过于频繁",
}


class BodyTooLarge(StarletteHTTPException):
    """Raised while the request body streams in, once it passes the limit (FastAPI re-raises HTTP exceptions
    from body parsing, so this reaches the handler below rather than turning into a generic 400)."""

    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413)
        self.limit = limit


# "<pyhanko.….NullObject object at 0x7f3a…>" → "<pyhanko.….NullObject>": a library's message may carry object
# reprs; their memory addresses mean nothing to a client and tell an attacker about the process.
_ADDRESS = re.compile(r"(?:\s+object)?\s+at\s+0x[0-9a-fA-F]+")


def scrub(value: Any) -> Any:
    """Memory addresses out of every string in a problem body (recursively)."""
    if isinstance(value, str):
        return _ADDRESS.sub("", value)
    if isinstance(value, dict):
        return {k: scrub(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(v) for v in value]
    return value


def problem(
    *,
    status: int,
    code: str,
    title: str,
    detail: str,
    detail_zh: str,
    instance: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body = {
        "type": TYPE_BASE + code,
        "title": title,
        "status": status,
        "detail": detail,
        "detail_zh": detail_zh,
        "code": code,
        **({"instance": instance} if instance else {}),
        **extra,
    }
    return JSONResponse(scrub(body), status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _title(code: str) -> str:
    return code.replace("_", " ").capitalize()


def domain_problem(exc: DocintelError, instance: str | None = None) -> JSONResponse:
    extra: dict[str, Any] = {}
    if exc.detail:
        extra["extra"] = exc.detail
    headers = {"Retry-After": "5"} if exc.http_status == 503 else None
    if exc.http_status == 401:
        headers = {"WWW-Authenticate": 'Bearer realm="docintel"'}
    return problem(
        status=exc.http_status,
        code=exc.code,
        title=_title(exc.code),
        detail=exc.message,
        detail_zh=exc.message_zh,
        instance=instance,
        headers=headers,
        **extra,
    )


MAX_ERRORS_SHOWN = 20  # a list of a million wrong items is one mistake, not a million lines of answer


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    out = []
    for err in exc.errors()[:MAX_ERRORS_SHOWN]:
        # The rejected input itself may be personal data or bytes: only where and why are echoed back.
        out.append(
            {"loc": [str(p) for p in err.get("loc", ())], "msg": str(err.get("msg", "")), "type": err.get("type")}
        )
    return out


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DocintelError)
    async def _domain(request: Request, exc: DocintelError) -> JSONResponse:
        if exc.http_status >= 500:
            log.warning("%s on %s: %s", exc.code, request.url.path, exc.message)
        return domain_problem(exc, request.url.path)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _validation_errors(exc)
        where = "; ".join(f"{'.'.join(e['loc'])}: {e['msg']}" for e in errors[:5])
        return problem(
            status=422,
            code="invalid_request",
            title="Invalid request",
            detail=f"the request does not match the API: {where}",
            detail_zh="请求参数有误，请检查必填项和格式",
            instance=request.url.path,
            errors=errors,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if isinstance(exc, BodyTooLarge):
            return domain_problem(
                FileTooLarge(
                    f"the request body is over the limit of {exc.limit} bytes",
                    message_zh=f"上传内容过大（上限 {exc.limit // (1024 * 1024)} MB）",
                ),
                request.url.path,
            )
        status = exc.status_code
        code = {404: "not_found", 405: "method_not_allowed", 400: "bad_request"}.get(status, f"http_{status}")
        detail = exc.detail if isinstance(exc.detail, str) else _title(code)
        return problem(
            status=status,
            code=code,
            title=_title(code),
            detail=detail,
            detail_zh=_HTTP_ZH.get(status, "请求有误"),
            instance=request.url.path,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return problem(
            status=500,
            code="internal_error",
            title="Internal error",
            detail="an unexpected error occurred; it has been logged",
            detail_zh="服务器内部错误，已记录",
            instance=request.url.path,
        )
