"""Request and response schemas of the HTTP API (SPEC section 3), with examples for ``/docs``.

Size limits are settings (``service/settings.py``) written into the request schemas when the
app is built; a request over a size limit is answered 413, any other violation 422.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model

from model.labels import Category, Stance, TargetStance, Voice
from model.predictor import NOT_BLANK  # at least one non-white-space character (patterns search)

EXAMPLE_TEXT = "The ministry said NATO's advance to Russia's borders endangers world peace."


def request_models(max_texts: int, max_chars: int, max_article_chars: int) -> tuple[type[BaseModel], type[BaseModel]]:
    """The request schemas with this service's limits in them, so ``/docs`` shows the real bounds.

    A request over a size limit is answered 413 (see ``service/errors.py``); any other
    schema violation 422.
    """
    strict = ConfigDict(extra="forbid", strict=True)
    instance = create_model(
        "Instance",
        __config__=strict,
        id=(str | None, Field(None, max_length=200, description="Echoed in the prediction; defaults to the position.")),
        text=(
            str,
            Field(
                ...,
                min_length=1,
                max_length=max_chars,
                pattern=NOT_BLANK,
                description=f"One statement, at most {max_chars} characters (STANCEWATCH_MAX_CHARS_PER_TEXT).",
            ),
        ),
    )
    predict = create_model(
        "PredictRequest",
        __config__=ConfigDict(
            extra="forbid",
            strict=True,
            json_schema_extra={"examples": [{"instances": [{"id": "row-17", "text": EXAMPLE_TEXT}], "explain": False}]},
        ),
        instances=(
            list[instance],
            Field(
                ...,
                min_length=1,
                max_length=max_texts,
                description=f"1 to {max_texts} statements (STANCEWATCH_MAX_TEXTS_PER_REQUEST).",
            ),
        ),
        explain=(
            bool,
            Field(False, description="Add the n-grams that pushed the stance decision most, with their spans."),
        ),
    )
    analyze = create_model(
        "AnalyzeRequest",
        __config__=ConfigDict(
            extra="forbid",
            strict=True,
            json_schema_extra={
                "examples": [{"id": "article-1", "title": "Ministry warns of 'provocations'", "text": EXAMPLE_TEXT}]
            },
        ),
        id=(str | None, Field(None, max_length=200)),
        title=(
            str | None,
            Field(None, max_length=max_article_chars, description="Headline; analysed as its own sentences."),
        ),
        text=(
            str,
            Field(
                ...,
                min_length=1,
                max_length=max_article_chars,
                pattern=NOT_BLANK,
                description=f"Article body, at most {max_article_chars} characters (STANCEWATCH_MAX_ARTICLE_CHARS).",
            ),
        ),
    )
    return predict, analyze


class HeadResult(BaseModel):
    label: TargetStance
    score: float
    scores: dict[TargetStance, float]


class LoadedTerm(BaseModel):
    term: str
    start: int
    end: int
    category: Category
    target: str
    voice: Voice
    speaker: str
    neutral: list[str]


class Framing(BaseModel):
    loaded_count: int
    author_loaded_count: int
    per_100_words: float


class ExplanationItem(BaseModel):
    feature: str
    weight: float
    spans: list[list[int]]


class PredictionRecord(BaseModel):
    id: str
    stance: Stance
    score: float
    scores: dict[Stance, float]
    targets: dict[str, HeadResult]
    voice: Voice
    speaker: str
    loaded_terms: list[LoadedTerm]
    framing: Framing
    explanation: list[ExplanationItem] | None = None


class ModelInfo(BaseModel):
    name: str
    version: str
    lexicon_version: str


class PredictResponse(BaseModel):
    model: ModelInfo
    predictions: list[PredictionRecord]


class QuoteSpan(BaseModel):
    start: int
    end: int
    speaker: str
    scare_quote: bool


class SentenceRecord(PredictionRecord):
    start: int
    end: int
    text: str
    part: str
    quotes: list[QuoteSpan]


class SpeakerRow(BaseModel):
    speaker: str
    sentences: int
    voices: dict[str, int]
    stance: dict[str, int]
    loaded_terms: int


class DocumentFraming(Framing):
    words: int
    by_category: dict[str, dict[str, int]]
    by_target: dict[str, dict[str, int]]


class DocumentStance(BaseModel):
    label: Stance
    counts: dict[str, int]
    author_counts: dict[str, int]
    quoted_or_attributed_counts: dict[str, int]
    mean_scores: dict[str, float]


class AnalyzeResponse(BaseModel):
    model: ModelInfo
    id: str | None
    sentences: list[SentenceRecord]
    speakers: list[SpeakerRow]
    framing: DocumentFraming
    stance: DocumentStance


class ErrorBody(BaseModel):
    code: str
    message: str


class ErrorResponse(BaseModel):
    error: ErrorBody


class Health(BaseModel):
    status: str


class Readiness(BaseModel):
    ready: bool
    model: ModelInfo | None = None


_MODEL_EXAMPLE = {"name": "stancewatch-stance", "version": "0.1.0+1a2b3c4d", "lexicon_version": "5e6f7a8b9c0d1e2f"}
_RECORD_EXAMPLE: dict[str, Any] = {
    "id": "row-17",
    "stance": "pro_russia",
    "score": 0.91,
    "scores": {"pro_russia": 0.91, "pro_nato": 0.03, "neutral": 0.06},
    "targets": {
        "nato": {"label": "against", "score": 0.88, "scores": {"favor": 0.02, "against": 0.88, "none": 0.10}},
        "russia": {"label": "favor", "score": 0.74, "scores": {"favor": 0.74, "against": 0.05, "none": 0.21}},
    },
    "voice": "attributed",
    "speaker": "The ministry",
    "loaded_terms": [],
    "framing": {"loaded_count": 0, "author_loaded_count": 0, "per_100_words": 0.0},
}
PREDICT_EXAMPLE = {"model": _MODEL_EXAMPLE, "predictions": [_RECORD_EXAMPLE]}
ANALYZE_EXAMPLE = {
    "model": _MODEL_EXAMPLE,
    "id": "article-1",
    "sentences": [
        {
            **_RECORD_EXAMPLE,
            "id": "s0",
            "voice": "author",
            "speaker": "",
            "loaded_terms": [
                {
                    "term": "regime",
                    "start": 10,
                    "end": 16,
                    "category": "delegitimizing_label",
                    "target": "Cuba",
                    "voice": "author",
                    "speaker": "",
                    "neutral": ["government"],
                }
            ],
            "framing": {"loaded_count": 1, "author_loaded_count": 1, "per_100_words": 14.29},
            "start": 0,
            "end": 40,
            "text": "The Cuban regime sided with Moscow again.",
            "part": "text",
            "quotes": [],
        }
    ],
    "speakers": [
        {
            "speaker": "(author)",
            "sentences": 1,
            "voices": {"author": 1},
            "stance": {"pro_russia": 1, "pro_nato": 0, "neutral": 0},
            "loaded_terms": 1,
        }
    ],
    "framing": {
        "loaded_count": 1,
        "author_loaded_count": 1,
        "per_100_words": 14.29,
        "words": 7,
        "by_category": {"delegitimizing_label": {"author": 1}},
        "by_target": {"Cuba": {"author": 1}},
    },
    "stance": {
        "label": "pro_russia",
        "counts": {"pro_russia": 1, "pro_nato": 0, "neutral": 0},
        "author_counts": {"pro_russia": 1, "pro_nato": 0, "neutral": 0},
        "quoted_or_attributed_counts": {"pro_russia": 0, "pro_nato": 0, "neutral": 0},
        "mean_scores": {"pro_russia": 0.91, "pro_nato": 0.03, "neutral": 0.06},
    },
}


def with_example(example: dict[str, Any]) -> dict[int | str, dict[str, Any]]:
    """Responses of a route: a 200 example beside the documented errors."""
    return {200: {"content": {"application/json": {"example": example}}}, **ERROR_RESPONSES}


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse, "description": description}
    for status, description in {
        400: "The body could not be read (not UTF-8 JSON).",
        401: "Missing, wrong or revoked API key.",
        413: "Request body, instance count or text length over the limit.",
        422: "Invalid request: wrong shape, wrong type, empty text.",
        429: "Rate limit exceeded; see Retry-After.",
        503: "The model is not loaded.",
    }.items()
}
