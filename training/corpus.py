"""Labelled data: loading and validating CSV or JSON Lines files of statements.

The project's corpus (``data/corpus/*.jsonl``) and a data owner's own files share one schema:
a ``text`` column and labels of the annotation guide. Only ``text`` and at least one head's
column are required; a head left empty on a row is simply not trained on that row, so a file
that labels only ``stance`` (or only ``russia``, like RUW) can still be used.
Every error names the file, the row and the column, and what was expected.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from model.exceptions import DataError
from model.labels import HEADS, Genre, HardCase, Split, Voice

CORPUS_COLUMNS = (
    "id",
    "text",
    "stance",
    "nato",
    "russia",
    "voice",
    "speaker",
    "genre",
    "language",
    "split",
    "origin",
    "year",
    "topic",
    "hard_case",
)
_OPTIONAL_VOCABULARIES: dict[str, tuple[str, ...]] = {
    "voice": tuple(Voice),
    "genre": tuple(Genre),
    "split": tuple(Split),
    "hard_case": ("", *HardCase),
}


def data_files(paths: Iterable[Path]) -> list[Path]:
    """Expand directories into their ``*.csv``/``*.jsonl`` files, sorted; keep files as given."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix in {".csv", ".jsonl"})
            if not found:
                raise DataError(f"{path} holds no .csv or .jsonl files. Point --data at labelled files.")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise DataError(
                f"{path} does not exist. Point --data at a labelled .csv or .jsonl file or a folder of them."
            )
    return files


def data_sha256(files: Sequence[Path]) -> str:
    """One SHA-256 over the names and bytes of the data files, in order."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _read_rows(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """Rows of a file with the line number each starts on (a CSV's header is line 1)."""
    rows: list[tuple[int, dict[str, Any]]] = []
    try:
        if path.suffix == ".jsonl":
            with path.open(encoding="utf-8") as handle:
                for number, line in enumerate(handle, 1):
                    if not line.strip():
                        continue
                    try:
                        value = json.loads(line)
                    except json.JSONDecodeError as exc:
                        raise DataError(
                            f"{path}, line {number}: not valid JSON ({exc.msg}). Fix or remove the line."
                        ) from None
                    if not isinstance(value, dict):
                        raise DataError(f"{path}, line {number}: expected a JSON object, got {type(value).__name__}.")
                    rows.append((number, value))
        elif path.suffix == ".csv":
            with path.open(encoding="utf-8", newline="") as handle:
                reader = csv.DictReader(handle)
                for row in reader:
                    if None in row:
                        raise DataError(
                            f"{path}, line {reader.line_num}: more fields than the header has columns. "
                            "Quote fields that contain commas."
                        )
                    rows.append((reader.line_num, dict(row)))
        else:
            raise DataError(f"{path}: unsupported format {path.suffix!r}. Use .csv or .jsonl.")
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}). Re-save it as UTF-8.") from None
    return rows


def load_labelled(paths: Iterable[Path]) -> pd.DataFrame:
    """Load and validate labelled statements from files or folders.

    Parameters
    ----------
    paths : iterable of Path
        ``.csv``/``.jsonl`` files, or folders of them.

    Returns
    -------
    pandas.DataFrame
        One row per statement with the columns of :data:`CORPUS_COLUMNS` (missing optional
        columns filled with ``""``; missing head labels are ``""``) plus ``source``.

    Raises
    ------
    DataError
        On the first malformed file, row or value; the message names file, line and column.
    """
    records: list[dict[str, Any]] = []
    ids: dict[str, str] = {}
    for path in data_files(paths):
        rows = _read_rows(path)
        if not rows:
            raise DataError(f"{path} has no rows. Add labelled statements or leave the file out.")
        columns = set().union(*(row.keys() for _, row in rows))
        if "text" not in columns:
            raise DataError(f"{path}: column 'text' is missing. Found columns: {sorted(columns)}.")
        if not columns & set(HEADS):
            raise DataError(
                f"{path}: no label column. Give at least one of {list(HEADS)} (labels of the annotation guide)."
            )
        for line, row in rows:
            records.append(_validated(path, line, row, ids))
    frame = pd.DataFrame.from_records(records, columns=[*CORPUS_COLUMNS, "source"])
    return frame


def _validated(path: Path, line: int, row: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    where = f"{path}, line {line}"
    text = row.get("text")
    if not isinstance(text, str) or not text.strip():
        raise DataError(f"{where}, column 'text': expected a non-empty string, got {text!r}.")
    record: dict[str, Any] = dict.fromkeys(CORPUS_COLUMNS, "")
    record.update({"text": text, "source": path.name})
    for head, labels in HEADS.items():
        value = row.get(head)
        value = "" if value is None else str(value).strip()
        if value and value not in labels:
            raise DataError(
                f"{where}, column {head!r}: unknown label {value!r}. Allowed values: {list(labels)} or empty."
            )
        record[head] = value
    if not any(record[head] for head in HEADS):
        raise DataError(f"{where}: no label in any of {list(HEADS)}. Label at least one head or drop the row.")
    for column, allowed in _OPTIONAL_VOCABULARIES.items():
        value = row.get(column)
        value = "" if value is None else str(value).strip()
        if value and value not in allowed:
            raise DataError(
                f"{where}, column {column!r}: unknown value {value!r}. Allowed values: {[a for a in allowed if a]}."
            )
        record[column] = value
    for column in ("speaker", "language", "origin", "topic"):
        value = row.get(column)
        record[column] = "" if value is None else str(value)
    record["year"] = row.get("year", "") if row.get("year") is not None else ""
    identifier = str(row.get("id") or f"{path.stem}-{line}")
    if identifier in ids:
        raise DataError(
            f"{where}, column 'id': {identifier!r} is already used in {ids[identifier]}. Ids must be unique."
        )
    ids[identifier] = where
    record["id"] = identifier
    return record
