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
    columns = output_columns(explain)
    result: dict[str, list[Any]] = {column: [None] * len(texts) for column in columns}
    errors = [cell_error(value) for value in texts]
    result["error"] = errors
    valid = [position for position, error in enumerate(errors) if not error]
    records = model.predict([texts[position] for position in valid], explain=explain)
    for position, record in zip(valid, records, strict=True):
        scores = record["scores"]
        nato, russia = record["targets"]["nato"], record["targets"]["russia"]
        terms = record["loaded_terms"]
        values = {
            "stance": record["stance"],
            "stance_score": record["score"],
            "p_pro_russia": scores["pro_russia"],
            "p_pro_nato": scores["pro_nato"],
            "p_neutral": scores["neutral"],
            "nato": nato["label"],
            "nato_score": nato["score"],
            "russia": russia["label"],
            "russia_score": russia["score"],
            "voice": record["voice"],
            "speaker": record["speaker"],
            "loaded_count": len(terms),
            "loaded_terms": "|".join(term["term"] for term in terms),
            "loaded_terms_json": compact_json(terms),
        }
        if explain:
            values[EXPLANATION_COLUMN] = compact_json(record.get("explanation", []))
        for column, value in values.items():
            result[column][position] = value
    return result
