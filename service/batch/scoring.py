"""Scoring a chunk of rows: the batch columns of SPEC section 4, computed by ``StanceModel.predict``.

A row whose text cell is empty, not text, or holds undecodable bytes gets an ``error`` and
empty prediction columns; it is never dropped.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

import orjson
import pyarrow as pa

from model.exceptions import InputError
from model.labels import Stance
from model.predictor import StanceModel, is_blank

OUTPUT_COLUMNS: tuple[str, ...] = (
    "stance",
    "stance_score",
    *(f"p_{label}" for label in Stance),
    "nato",
    "nato_score",
    "russia",
    "russia_score",
    "voice",
    "speaker",
    "loaded_count",
    "loaded_terms",
    "loaded_terms_json",
    "error",
)
EXPLANATION_COLUMN = "explanation"
_FLOAT_COLUMNS = frozenset({"stance_score", "p_pro_russia", "p_pro_nato", "p_neutral", "nato_score", "russia_score"})


def output_types(explain: bool) -> list[pa.DataType]:
    """Arrow types of the appended columns, for Parquet output."""
    return [
        pa.float64() if column in _FLOAT_COLUMNS else pa.int64() if column == "loaded_count" else pa.string()
        for column in output_columns(explain)
    ]


def output_columns(explain: bool) -> tuple[str, ...]:
    """The appended columns, in order (``explanation`` before ``error`` when asked for)."""
    if not explain:
        return OUTPUT_COLUMNS
    return (*OUTPUT_COLUMNS[:-1], EXPLANATION_COLUMN, OUTPUT_COLUMNS[-1])


def check_clashes(input_columns: Sequence[str], prefix: str, explain: bool, source: str) -> None:
    """Refuse to overwrite input columns with output columns."""
    clashes = sorted(set(input_columns) & {prefix + column for column in output_columns(explain)})
    if clashes:
        raise InputError(
            f"{source} already has the output column(s) {clashes}. Pass --prefix (e.g. --prefix sw_) to name the "
            "appended columns differently, or rename the input columns."
        )


def cell_error(value: Any) -> str:
    """Why a text cell cannot be scored, or ``""`` when it can."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "empty text cell"
    if not isinstance(value, str):
        return f"text cell is a {type(value).__name__}, not text"
    if is_blank(value):
        return "empty text cell"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "undecodable bytes in the text cell; check --encoding"
    return ""


def compact_json(value: Any) -> str:
    """``value`` as compact JSON (no spaces): orjson, fifteen times faster than ``json.dumps``
    on every row, and the standard library for what orjson refuses (lone surrogates, kept from
    undecodable input bytes)."""
    try:
        return orjson.dumps(value).decode()
    except orjson.JSONEncodeError:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def score_texts(model: StanceModel, texts: Sequence[Any], explain: bool = False) -> dict[str, list[Any]]:
    """The appended columns for ``texts``: one value per text, errors in the ``error`` column."""
    errors = [cell_error(value) for value in texts]
    valid = [position for position, error in enumerate(errors) if not error]
    records = model.predict([texts[position] for position in valid], explain=explain)
    # Column by column over the records: a list comprehension per column is a third of the
    # cost of a dictionary per row.
    nato = [record["targets"]["nato"] for record in records]
    russia = [record["targets"]["russia"] for record in records]
    terms = [record["loaded_terms"] for record in records]
    values: dict[str, list[Any]] = {
        "stance": [record["stance"] for record in records],
        "stance_score": [record["score"] for record in records],
        **{f"p_{label}": [record["scores"][label] for record in records] for label in Stance},
        "nato": [head["label"] for head in nato],
        "nato_score": [head["score"] for head in nato],
        "russia": [head["label"] for head in russia],
        "russia_score": [head["score"] for head in russia],
        "voice": [record["voice"] for record in records],
        "speaker": [record["speaker"] for record in records],
        "loaded_count": [len(spans) for spans in terms],
        "loaded_terms": ["|".join(term["term"] for term in spans) for spans in terms],
        "loaded_terms_json": [compact_json(spans) for spans in terms],
    }
    if explain:
        values[EXPLANATION_COLUMN] = [compact_json(record.get("explanation", [])) for record in records]
    if len(valid) < len(texts):
        # Rows with an error keep their place, with empty prediction columns.
        for column, scored in values.items():
            spread: list[Any] = [None] * len(texts)
            for position, value in zip(valid, scored, strict=True):
                spread[position] = value
            values[column] = spread
    values["error"] = errors
    return {column: values[column] for column in output_columns(explain)}
