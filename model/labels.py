"""The label vocabulary of the annotation guide, defined once.

Everything else (corpus validation, API schemas, batch columns, metadata) reads these enums,
so a label cannot be spelled two ways.
"""

from __future__ import annotations

from enum import StrEnum


class Stance(StrEnum):
    """Where a statement stands on the NATO-Russia axis (guide section 3)."""

    PRO_RUSSIA = "pro_russia"
    PRO_NATO = "pro_nato"
    NEUTRAL = "neutral"


class TargetStance(StrEnum):
    """Stance toward one target (guide section 2)."""

    FAVOR = "favor"
    AGAINST = "against"
    NONE = "none"


class Voice(StrEnum):
    """Who voices a statement or a loaded term (guide section 4)."""

    AUTHOR = "author"
    QUOTED = "quoted"
    ATTRIBUTED = "attributed"


class Category(StrEnum):
    """Categories of loaded framing (guide section 5)."""

    DELEGITIMIZING_LABEL = "delegitimizing_label"
    DEMONIZING_LABEL = "demonizing_label"
    EUPHEMISM = "euphemism"
    CONSPIRACY_FRAME = "conspiracy_frame"
    EMOTIVE_INTENSIFIER = "emotive_intensifier"


class Genre(StrEnum):
    """Kinds of text in the corpus."""

    GOVERNMENT_STATEMENT = "government_statement"
    UN_SPEECH = "un_speech"
    PARLIAMENTARY_SPEECH = "parliamentary_speech"
    NEWS_REPORT = "news_report"
    HEADLINE = "headline"
    OP_ED = "op_ed"
    ANALYST_COMMENTARY = "analyst_commentary"
    SOCIAL_MEDIA = "social_media"
    INTERVIEW = "interview"


class Split(StrEnum):
    """Corpus splits; the test split is never used for fitting or tuning."""

    TRAIN = "train"
    TEST = "test"


class HardCase(StrEnum):
    """Kinds of hard case of guide section 6, recorded in the corpus."""

    NEGATION = "negation"
    QUESTION = "question"
    SARCASM = "sarcasm"
    HEDGE = "hedge"
    REPORTED_SPEECH = "reported_speech"
    BOTH_SIDES = "both_sides"
    OFF_TOPIC_MENTION = "off_topic_mention"


# The classifier's heads, in the order they appear in records and metrics, with their labels
# as plain strings (records are serialised as they are).
HEADS: dict[str, tuple[str, ...]] = {
    "stance": tuple(label.value for label in Stance),
    "nato": tuple(label.value for label in TargetStance),
    "russia": tuple(label.value for label in TargetStance),
}
TARGET_HEADS: tuple[str, ...] = ("nato", "russia")


def check_label(head: str, value: str) -> str:
    """Return ``value`` if it is a label of ``head``; raise ``ValueError`` listing the allowed ones."""
    allowed = HEADS[head]
    if value not in allowed:
        raise ValueError(f"Unknown {head} label {value!r}. Allowed values: {list(allowed)}.")
    return value
