"""Access control: optional API keys and per-key rate limits.

Keys come from settings or a key file and are compared in constant time; they are never
logged (logs carry ``key_id``, the first 8 hex digits of the key's SHA-256). Rate limits use
the ``limits`` library's moving window, per key (or per client address without keys), per
worker process.
"""

from __future__ import annotations

import hashlib
import math
import time

from fastapi import Request
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from service.errors import APIError
from service.settings import Settings


def key_fingerprint(key: str) -> str:
    """A short, irreversible id of a key for logs and rate-limit buckets."""
    return hashlib.sha256(key.encode()).hexdigest()[:8]


def presented_key(request: Request) -> str:
    """The key sent as ``X-API-Key`` or ``Authorization: Bearer <key>``, or ``""``."""
    key = request.headers.get("x-api-key", "")
    if not key:
        authorization = request.headers.get("authorization", "")
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() == "bearer":
            key = value.strip()
    return key


class AccessControl:
    """Checks the API key and the rate limit of each ``/v1`` request."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.limit = parse(settings.rate_limit)
        self.limiter = MovingWindowRateLimiter(MemoryStorage())

    def __call__(self, request: Request) -> None:
        settings = self.settings
        bucket = request.client.host if request.client else "unknown"
        if settings.keys_required:
            key = presented_key(request)
            if not key:
                raise APIError(
                    401,
                    "unauthorized",
                    "An API key is required. Send it in the X-API-Key header.",
                    {"WWW-Authenticate": "Bearer"},
                )
            if not settings.key_is_valid(key):
                raise APIError(
                    401,
                    "unauthorized",
                    "The API key is not valid (wrong or revoked). Ask the operator for a key.",
                    {"WWW-Authenticate": "Bearer"},
                )
            bucket = key_fingerprint(key)
            request.scope["key_id"] = bucket
        if settings.rate_limited and not self.limiter.hit(self.limit, bucket):
            reset, _ = self.limiter.get_window_stats(self.limit, bucket)
            retry_after = max(1, math.ceil(reset - time.time()))
            raise APIError(
                429,
                "rate_limited",
                f"Rate limit of {settings.rate_limit} exceeded. Retry after {retry_after} s.",
                {"Retry-After": str(retry_after)},
            )
