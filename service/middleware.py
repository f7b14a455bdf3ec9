"""One pure-ASGI middleware for what every request needs: an id, a body cap, security headers,
metrics and a structured access-log line.

Pure ASGI rather than ``BaseHTTPMiddleware``: it adds no task or stream copy per request, which
matters at thousands of requests per second. The body cap holds before the body is parsed: a
declared ``Content-Length`` over the limit is refused at once, and a chunked body is counted as
it arrives and refused as soon as it passes the limit.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from typing import Any

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service import metrics

access_log = logging.getLogger("stancewatch.access")

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
ROUTES = frozenset(
    {
        "/v1/predict",
        "/v1/analyze",
        "/v1/model",
        "/v1/lexicon",
        "/healthz",
        "/readyz",
        "/metrics",
        "/",
        "/docs",
        "/openapi.json",
    }
)
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
_COMMON_HEADERS = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]


class BodyTooLarge(HTTPException):
    """A body over the cap. An HTTPException so that FastAPI's body parsing passes it through
    as a 413 instead of wrapping it in a 400."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            413,
            f"Request body over {limit} bytes. Send fewer or shorter texts per request "
            "(the limit is STANCEWATCH_MAX_BODY_BYTES).",
        )


class RequestMiddleware:
    """Request id, body cap, security headers, metrics and access log."""

    def __init__(self, app: ASGIApp, max_body_bytes: int, access_log_enabled: bool = True) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.access_log_enabled = access_log_enabled

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        headers = dict(scope["headers"])
        presented = headers.get(b"x-request-id", b"").decode("latin-1")
        request_id = presented if _REQUEST_ID.match(presented) else uuid.uuid4().hex
        scope["request_id"] = request_id
        path = scope["path"]
        if path in ROUTES:
            route = path
        elif path.startswith("/static/"):
            route = "/static"
        else:
            route = "other"
        status = 500
        extra_headers = [(b"x-request-id", request_id.encode()), *_COMMON_HEADERS]
        if route in {"/", "/static"}:
            extra_headers.append((b"content-security-policy", PAGE_CSP.encode()))

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = list(message.get("headers", [])) + extra_headers
            await send(message)

        declared = headers.get(b"content-length")
        try:
            if declared is not None and (not declared.isdigit() or int(declared) > self.max_body_bytes):
                raise BodyTooLarge(self.max_body_bytes)
            await self.app(scope, self._capped(receive), send_with_headers)
        except BodyTooLarge as exc:
            status = 413
            await _send_json(send_with_headers, 413, {"error": {"code": "too_large", "message": exc.detail}})
        finally:
            elapsed = time.perf_counter() - started
            metrics.REQUESTS.labels(route, scope["method"], str(status)).inc()
            metrics.LATENCY.labels(route).observe(elapsed)
            if self.access_log_enabled:
                access_log.info(
                    "request",
                    extra={
                        "request_id": request_id,
                        "method": scope["method"],
                        "path": path,
                        "status": status,
                        "duration_ms": round(elapsed * 1000, 3),
                        "client": (scope.get("client") or ("", 0))[0],
                        "key_id": scope.get("key_id", ""),
                    },
                )

    def _capped(self, receive: Receive) -> Receive:
        received = 0

        async def capped_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise BodyTooLarge(self.max_body_bytes)
            return message

        return capped_receive


async def _send_json(send: Send, status: int, body: dict[str, Any]) -> None:
    payload = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": payload})
