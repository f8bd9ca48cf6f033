"""The OpenAPI document: every error answer is ``application/problem+json`` with the ``Problem`` schema, and
every operation documents the errors any request can get (bad key, invalid request, an unexpected error)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}

_COMMON = {
    "401": "missing, unknown or revoked API key",
    "422": "the request does not match this document (missing field, wrong type, too long)",
}


def _problem_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/problem+json": {"schema": PROBLEM_REF}}}


def install_openapi(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        spec = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes, tags=app.openapi_tags
        )
        for path, operations in spec.get("paths", {}).items():
            for op in operations.values():
                responses = op.setdefault("responses", {})
                for status, response in responses.items():
                    if status.isdigit() and int(status) >= 400 and "Readiness" not in str(response):
                        # FastAPI files a model under application/json; errors are problem+json.
                        response["content"] = {"application/problem+json": {"schema": PROBLEM_REF}}
                if path.startswith("/v1/"):
                    for status, text in _COMMON.items():
                        responses.setdefault(status, _problem_response(text))
                responses.setdefault("default", _problem_response("any other error, as an RFC 9457 problem"))
        # FastAPI's own validation-error schemas are no longer referenced: errors are Problems.
        schemas = spec.get("components", {}).get("schemas", {})
        for unused in ("HTTPValidationError", "ValidationError"):
            schemas.pop(unused, None)
        app.openapi_schema = spec
        return spec

    app.openapi = openapi  # type: ignore[method-assign]
