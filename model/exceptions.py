"""Domain errors. Each message names the thing, what was expected, what was received and what to do.

The service turns these into HTTP responses in one place (``service/errors.py``); the command
line prints the message and exits non-zero.
"""

from __future__ import annotations


class StancewatchError(Exception):
    """Base class of every error stancewatch raises on purpose."""

    code = "stancewatch_error"


class InputError(StancewatchError, ValueError):
    """A text or request the model cannot take as it is (empty, wrong type, too long)."""

    code = "invalid_input"


class DataError(StancewatchError, ValueError):
    """A labelled data file is malformed; the message names file, row and column."""

    code = "invalid_data"


class LexiconError(StancewatchError, ValueError):
    """The loaded-term lexicon or the target alias table is malformed."""

    code = "invalid_lexicon"


class ArtifactError(StancewatchError):
    """A model directory is missing, tampered with, truncated or built by other versions."""

    code = "invalid_model"


class ModelNotReadyError(StancewatchError):
    """The service has no model loaded yet."""

    code = "not_ready"
