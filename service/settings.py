"""Service settings, read from ``STANCEWATCH_*`` environment variables (or passed in by tests).

Every limit has a documented default; README's "Deployment" section lists them.
"""

from __future__ import annotations

import hmac
from functools import cached_property
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from model.locations import DEFAULT_MODEL_DIR

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


class Settings(BaseSettings):
    """Settings of the prediction service."""

    model_config = SettingsConfigDict(env_prefix="STANCEWATCH_", frozen=True)

    model_dir: Path = Field(DEFAULT_MODEL_DIR, description="Model directory to serve.")
    host: str = Field(
        "127.0.0.1", description="Address the server binds; API keys are off by default only on localhost."
    )
    max_texts_per_request: int = Field(256, ge=1, description="Most instances in one /v1/predict request.")
    max_chars_per_text: int = Field(10_000, ge=1, description="Most characters in one statement.")
    max_article_chars: int = Field(200_000, ge=1, description="Most characters in one /v1/analyze article.")
    max_body_bytes: int = Field(2_000_000, ge=1024, description="Largest request body, refused before it is parsed.")
    api_keys: Annotated[tuple[str, ...], NoDecode] = Field(
        (), description="Comma-separated API keys; when set (or when api_key_file is), every /v1 call needs one."
    )
    api_key_file: Path | None = Field(None, description="File of API keys, one per line; '#' starts a comment.")
    revoked_keys: Annotated[tuple[str, ...], NoDecode] = Field(
        (), description="Comma-separated keys refused even if listed."
    )
    require_api_keys: bool | None = Field(
        None, description="Force API keys on or off; default: on when keys are configured."
    )
    rate_limit: str = Field("1200/minute", description="Per-key (or per-client) limit, in the 'limits' notation.")
    rate_limit_enabled: bool | None = Field(None, description="Default: on whenever API keys are on.")
    cors_origins: Annotated[tuple[str, ...], NoDecode] = Field(
        (), description="Comma-separated allowed origins; CORS is off when empty."
    )
    access_log: bool = Field(True, description="Write one structured JSON log line per request.")
    predict_in_event_loop: bool = Field(
        True,
        description="Run /v1/predict inline in the event loop (faster for sub-millisecond predictions; see "
        "docs/performance.md) instead of in the thread pool.",
    )
    exit_on_bad_model: bool = Field(
        True,
        description="Stop at start-up when the model cannot be loaded; if false, serve with /readyz false and 503s.",
    )

    @field_validator("api_keys", "revoked_keys", "cors_origins", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(item.strip() for item in value.split(",") if item.strip())
        return value

    @cached_property
    def keys(self) -> tuple[bytes, ...]:
        """Every accepted key (settings and key file, minus revoked ones), as bytes for hmac."""
        keys = list(self.api_keys)
        if self.api_key_file is not None:
            for line in self.api_key_file.read_text(encoding="utf-8").splitlines():
                key = line.split("#", 1)[0].strip()
                if key:
                    keys.append(key)
        revoked = set(self.revoked_keys)
        return tuple(key.encode() for key in keys if key not in revoked)

    @property
    def keys_required(self) -> bool:
        """Whether /v1 calls need a key: forced by setting, else whenever keys are configured.

        With the defaults (no keys) the service is open, which is right on 127.0.0.1; bound
        to another address without keys, start-up logs a warning (see ``service/app.py``).
        """
        if self.require_api_keys is not None:
            return self.require_api_keys
        return bool(self.api_keys or self.api_key_file)

    @property
    def rate_limited(self) -> bool:
        return self.keys_required if self.rate_limit_enabled is None else self.rate_limit_enabled

    def key_is_valid(self, presented: str) -> bool:
        """Compare a presented key with every accepted key in constant time."""
        candidate = presented.encode()
        valid = False
        for key in self.keys:
            valid |= hmac.compare_digest(candidate, key)
        return valid
