"""Every error becomes ``{"error": {"code", "message"}}`` with the right status, here and only here.

No stack trace reaches a client: unexpected exceptions are logged with the request id and
answered with a generic 500.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from model.exceptions import InputError, ModelNotReadyError, StancewatchError

log = logging.getLogger("stancewatch.service")

_STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "rate_limited",
    500: "internal_error",
    503: "not_ready",
}


# Pydantic error types that mean "over a size limit": answered 413, not 422.
_SIZE_ERRORS = frozenset({"too_long", "string_too_long"})


class APIError(Exception):
    """An error answered with ``status`` and a readable message."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=headers)


def _describe_validation(
    errors: list[Any], lead: str = "Invalid request.", advice: str = "See /docs for the request schema."
) -> str:
    parts = []
    for error in errors[:5]:
        location = ".".join(str(item) for item in error.get("loc", ()) if item != "body") or "body"
        parts.append(f"{location}: {error.get('msg', 'invalid')}")
    more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
    return f"{lead} " + "; ".join(parts) + more + f". {advice}"


def install(app: FastAPI) -> None:
    """Register the handlers that turn every exception into the JSON error shape."""

    @app.exception_handler(APIError)
    async def api_error(request: Request, exc: APIError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = list(exc.errors())
        if any(error.get("type") in _SIZE_ERRORS for error in errors):
            too_large = [error for error in errors if error.get("type") in _SIZE_ERRORS]
            message = _describe_validation(
                too_large, "Request too large.", "Split it into smaller requests (limits: /docs)."
            )
            return error_response(413, "too_large", message)
        return error_response(422, "invalid_request", _describe_validation(errors))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _STATUS_CODES.get(exc.status_code, "http_error")
        message = exc.detail if isinstance(exc.detail, str) else code
        if exc.status_code == 404:
            message = f"No route {request.url.path}. See /docs for the API."
        elif exc.status_code == 400:
            message = "The request body could not be read. Send JSON encoded as UTF-8."
        return error_response(exc.status_code, code, message, getattr(exc, "headers", None))

    @app.exception_handler(InputError)
    async def input_error(request: Request, exc: InputError) -> JSONResponse:
        return error_response(422, exc.code, str(exc))

    @app.exception_handler(ModelNotReadyError)
    async def not_ready(request: Request, exc: ModelNotReadyError) -> JSONResponse:
        return error_response(503, exc.code, str(exc), {"Retry-After": "5"})

    @app.exception_handler(StancewatchError)
    async def domain_error(request: Request, exc: StancewatchError) -> JSONResponse:
        return error_response(422, exc.code, str(exc))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled error", exc_info=exc, extra={"request_id": request.scope.get("request_id", "")})
        return error_response(
            500, "internal_error", "Internal error; the request id in X-Request-ID identifies it in the logs."
        )
