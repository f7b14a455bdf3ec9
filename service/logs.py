"""Structured JSON logs, one object per line on stderr, each request's line carrying its id."""

from __future__ import annotations

import logging
import sys

from pythonjsonlogger.json import JsonFormatter

_HANDLER_NAME = "stancewatch-json"


def configure_logging(level: str = "INFO") -> None:
    """Send the ``stancewatch`` loggers to stderr as JSON; idempotent across app instances."""
    logger = logging.getLogger("stancewatch")
    logger.setLevel(level)
    if any(handler.get_name() == _HANDLER_NAME for handler in logger.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(
        JsonFormatter("{asctime}{levelname}{name}{message}", style="{", rename_fields={"levelname": "level"})
    )
    logger.addHandler(handler)
    logger.propagate = False
