"""The one place where errors become HTTP responses: always JSON {code, message, details}."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.core.errors import DomainError, TooManyRequests
from app.xml.writer import XmlOutputInvalid

log = logging.getLogger("ecites.api")


class ErrorBody(BaseModel):
    """Every error answer. ``code`` is stable; ``message`` is for people."""

    code: str
    message: str
    details: Any = None


def error_response(
    status: int, code: str, message: str, details: Any = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(
        status_code=status,
        headers=headers,
        content={
            "code": code,
            "message": message,
            "details": jsonable_encoder(details if details is not None else {}),
        },
    )


_HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "body_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
}


def _validation_details(exc: RequestValidationError) -> list[dict[str, Any]]:
    """One entry per field: where, what kind, a message; a failed domain check (an unknown
    code, say) also gives its stable code and details (which list, which version)."""
    out = []
    for err in exc.errors():
        item: dict[str, Any] = {
            "loc": list(err.get("loc", ())),
            "type": err.get("type"),
            "message": err.get("msg"),
        }
        cause = (err.get("ctx") or {}).get("error")
        if isinstance(cause, DomainError):
            item.update(code=cause.code, message=cause.message, details=cause.details)
        out.append(item)
    return out


def install(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(_request: Request, exc: DomainError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        if isinstance(exc, TooManyRequests):
            headers = {"Retry-After": str(exc.retry_after_seconds)}
        return error_response(exc.status, exc.code, exc.message, exc.details, headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        details = _validation_details(exc)
        if any(d["type"] == "json_invalid" for d in details):
            return error_response(
                400, "malformed_json", "the request body is not valid JSON", details
            )
        return error_response(422, "validation_error", "the request is not valid", details)

    @app.exception_handler(DataError)
    async def _data(request: Request, exc: DataError) -> JSONResponse:
        # The database refused a value the schemas let through (PostgreSQL stores no NUL
        # character in text, for one): bad input, not a server fault. The request's
        # transaction has been rolled back, so nothing changed.
        log.warning(
            "database refused a value on %s %s: %s", request.method, request.url.path, exc.orig
        )
        return error_response(422, "invalid_value", "a value in the request cannot be stored")

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400 and isinstance(exc.__cause__, UnicodeDecodeError):
            # FastAPI's answer to a body it cannot decode: JSON must be UTF-8.
            return error_response(
                400, "malformed_json", "the request body is not valid JSON (not UTF-8)"
            )
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        return error_response(
            exc.status_code, code, str(exc.detail), headers=getattr(exc, "headers", None)
        )

    @app.exception_handler(XmlOutputInvalid)
    async def _xml_output(request: Request, exc: XmlOutputInvalid) -> JSONResponse:
        # Our own document failed our XSD: a fault of the service, never sent out.
        log.error("permit XML failed the XSD on %s: %s", request.url.path, exc)
        return error_response(
            500,
            "xml_output_invalid",
            "the permit document could not be produced valid; it was "
            "not sent, and the error has been logged",
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(
            500, "internal_error", "an unexpected error occurred; it has been logged"
        )


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "Malformed request (e.g. invalid JSON)"},
    401: {"model": ErrorBody, "description": "Not authenticated"},
    403: {"model": ErrorBody, "description": "Role not allowed"},
    404: {"model": ErrorBody, "description": "Not found (or not visible to you)"},
    409: {"model": ErrorBody, "description": "Conflict, e.g. an illegal state transition"},
    413: {"model": ErrorBody, "description": "Request body too large"},
    422: {"model": ErrorBody, "description": "Invalid input (unknown code, missing field...)"},
}
