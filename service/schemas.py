"""Request and response schemas of the HTTP API (SPEC section 3), with examples for ``/docs``.

Size limits are settings (``service/settings.py``) written into the request schemas when the
app is built; a request over a size limit is answered 413, any other violation 422.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model

from model.labels import Category, Stance, TargetStance, Voice

EXAMPLE_TEXT = "The ministry said NATO's advance to Russia's borders endangers world peace."


_NOT_BLANK = r"\S"  # at least one non-space character (JSON Schema patterns search, unanchored)


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
                pattern=_NOT_BLANK,
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
                pattern=_NOT_BLANK,
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
