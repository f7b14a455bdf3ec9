"""Streaming readers and writers for CSV, TSV, JSON Lines and Parquet.

Readers yield chunks of rows (lists of cell values in column order) with the line each row
started on, and never drop a row: a malformed CSV line or an unparseable JSON line becomes a
row with a ``parse_error``. Undecodable bytes are kept with ``surrogateescape`` so that a row's
other cells are written back byte for byte.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pyarrow as pa
import pyarrow.parquet as pq

from model.exceptions import InputError

FORMATS = ("csv", "tsv", "jsonl", "parquet")
_EXTENSIONS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
}
MISSING = None  # a JSON Lines record without a column has no value for it
csv.field_size_limit(1 << 30)  # a statement cell may be long; the default 128 KiB limit would fail rows


def detect_format(path: str, explicit: str | None) -> str:
    """The format named by ``--format``, else by the file extension."""
    if explicit:
        if explicit not in FORMATS:
            raise InputError(f"Unknown format {explicit!r}. Use one of {list(FORMATS)}.")
        return explicit
    if path == "-":
        raise InputError("Reading from or writing to '-' needs --format (csv, tsv, jsonl or parquet).")
    suffix = Path(path).suffix.lower()
    if suffix not in _EXTENSIONS:
        raise InputError(f"Cannot tell the format of {path!r} from its extension. Pass --format {'|'.join(FORMATS)}.")
    return _EXTENSIONS[suffix]


@dataclass
class Chunk:
    """Consecutive rows of the input."""

    index: int
    first_row: int
    rows: list[list[Any]]
    lines: list[int]
    parse_errors: list[str]


@dataclass
class Reader:
    """A chunked reader over one input; ``columns`` is known once it is opened."""

    source: str
    format: str
    encoding: str
    chunk_size: int
    on_bad_line: str = "continue"
    columns: list[str] = field(default_factory=list)
    estimated_rows: int | None = None
    arrow_schema: pa.Schema | None = None

    def __post_init__(self) -> None:
        if self.format == "parquet":
            if self.source == "-":
                raise InputError("Parquet cannot be read from stdin; give a file path.")
            self._parquet = pq.ParquetFile(self.source)
            self.arrow_schema = self._parquet.schema_arrow
            self.columns = list(self.arrow_schema.names)
            self.estimated_rows = self._parquet.metadata.num_rows
        elif self.format == "jsonl":
            self.columns, self.estimated_rows = self._scan_json_keys()
        else:
            self._handle = self._open_text()
            self._reader = csv.reader(self._handle, delimiter="\t" if self.format == "tsv" else ",")
            try:
                self.columns = next(self._reader)
                duplicates = sorted({c for c in self.columns if self.columns.count(c) > 1})
                if duplicates:
                    raise InputError(f"{self.source} has duplicate column names {duplicates}. Rename them.")
            except StopIteration:
                self.close()
                raise InputError(f"{self.source} is empty: expected a header row.") from None
            except InputError:
                self.close()
                raise
            self.estimated_rows = _count_lines(self.source) - 1 if self.source != "-" else None

    def __enter__(self) -> Reader:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the input file (stdin is left open)."""
        handle = getattr(self, "_handle", None)
        if handle is not None and self.source != "-":
            handle.close()

    def _open_text(self) -> IO[str]:
        binary = sys.stdin.buffer if self.source == "-" else open(self.source, "rb")  # noqa: SIM115 - closed by chunks()
        return io.TextIOWrapper(binary, encoding=self.encoding, errors="surrogateescape", newline="")

    def _scan_json_keys(self) -> tuple[list[str], int | None]:
        """First pass over JSON Lines: the union of keys in first-seen order, and the row count."""
        if self.source == "-":
            raise InputError(
                "JSON Lines from stdin is not supported (a first pass collects the columns); give a file path."
            )
        keys: dict[str, None] = {}
        rows = 0
        with open(self.source, "rb") as handle:
            for line in handle:
                if not line.strip():
                    continue
                rows += 1
                try:
                    value = json.loads(line)
                except ValueError:
                    continue
                if isinstance(value, dict):
                    keys.update(dict.fromkeys(value))
        return list(keys), rows

    def chunks(self, skip_rows: int = 0) -> Iterator[Chunk]:
        """Yield chunks of ``chunk_size`` rows; the first ``skip_rows`` rows are read but not yielded."""
        if self.format == "parquet":
            yield from self._parquet_chunks(skip_rows)
        elif self.format == "jsonl":
            yield from self._json_chunks(skip_rows)
        else:
            yield from self._csv_chunks(skip_rows)

    def _emit(
        self, index: int, first_row: int, rows: list[list[Any]], lines: list[int], errors: list[str], skip_rows: int
    ) -> Iterator[Chunk]:
        if first_row >= skip_rows:
            yield Chunk(index, first_row, rows, lines, errors)

    def _csv_chunks(self, skip_rows: int) -> Iterator[Chunk]:
        width = len(self.columns)
        rows: list[list[Any]] = []
        lines: list[int] = []
        errors: list[str] = []
        index = first_row = 0
        line = self._reader.line_num + 1
        try:
            for record in self._reader:
                error = ""
                if len(record) != width:
                    error = f"malformed line {line}: expected {width} fields, found {len(record)}"
                    if self.on_bad_line == "stop":
                        raise InputError(
                            f"{self.source}: {error}. Fix the line, or pass --on-bad-line continue to keep "
                            "going (the row is kept with an error)."
                        )
                    if len(record) > width:
                        # Extra fields are kept, joined into the last column, so nothing is lost.
                        record = [
                            *record[: width - 1],
                            ("," if self.format == "csv" else "\t").join(record[width - 1 :]),
                        ]
                    else:
                        record = record + [""] * (width - len(record))
                rows.append(record)
                lines.append(line)
                errors.append(error)
                line = self._reader.line_num + 1
                if len(rows) == self.chunk_size:
                    yield from self._emit(index, first_row, rows, lines, errors, skip_rows)
                    index, first_row = index + 1, first_row + len(rows)
                    rows, lines, errors = [], [], []
            if rows:
                yield from self._emit(index, first_row, rows, lines, errors, skip_rows)
        finally:
            self.close()

    def _json_chunks(self, skip_rows: int) -> Iterator[Chunk]:
        rows: list[list[Any]] = []
        lines: list[int] = []
        errors: list[str] = []
        index = first_row = 0
        with open(self.source, "rb") as handle:
            for number, raw in enumerate(handle, 1):
                if not raw.strip():
                    continue
                error = ""
                try:
                    value = json.loads(raw)
                except ValueError as exc:
                    value, error = {}, f"line {number}: not valid JSON ({exc})"
                if not isinstance(value, dict):
                    value, error = {}, error or f"line {number}: a JSON {type(value).__name__}, not an object"
                if error and self.on_bad_line == "stop":
                    raise InputError(f"{self.source}, {error}. Fix the line or pass --on-bad-line continue.")
                rows.append([value.get(column, MISSING) for column in self.columns])
                lines.append(number)
                errors.append(error)
                if len(rows) == self.chunk_size:
                    yield from self._emit(index, first_row, rows, lines, errors, skip_rows)
                    index, first_row = index + 1, first_row + len(rows)
                    rows, lines, errors = [], [], []
        if rows:
            yield from self._emit(index, first_row, rows, lines, errors, skip_rows)

    def _parquet_chunks(self, skip_rows: int) -> Iterator[Chunk]:
        first_row = 0
        for index, batch in enumerate(self._parquet.iter_batches(batch_size=self.chunk_size)):
            size = batch.num_rows
            if first_row >= skip_rows:
                columns = [column.to_pylist() for column in batch.columns]
                rows = [list(values) for values in zip(*columns, strict=True)] if columns else [[] for _ in range(size)]
                yield Chunk(index, first_row, rows, list(range(first_row + 1, first_row + size + 1)), [""] * size)
            first_row += size


def _count_lines(path: str) -> int:
    """Lines in a file (an estimate of CSV rows: quoted newlines make it high), at disk speed."""
    count = 0
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 22), b""):
            count += block.count(b"\n")
    return count


class Writer:
    """Writes rows (input cells + appended columns) in one format to an open binary handle.

    ``column_types`` gives the Arrow type of every column for Parquet output (ignored by the
    text formats); a value that does not fit its type is written as text.
    """

    def __init__(
        self,
        handle: IO[bytes],
        format: str,
        columns: Sequence[str],
        encoding: str = "utf-8",
        input_width: int = 0,
        column_types: Sequence[pa.DataType] | None = None,
    ) -> None:
        self.format = format
        self.columns = list(columns)
        self.input_width = input_width
        self._binary = handle
        if format in {"csv", "tsv"}:
            self._text = io.TextIOWrapper(handle, encoding=encoding, errors="surrogateescape", newline="")
            self._csv = csv.writer(self._text, delimiter="\t" if format == "tsv" else ",", lineterminator="\n")
        elif format == "jsonl":
            self._text = io.TextIOWrapper(handle, encoding=encoding, errors="surrogateescape", newline="\n")
        else:
            if column_types is None or len(column_types) != len(self.columns):
                raise ValueError("Parquet output needs one Arrow type per column.")
            self._schema = pa.schema(list(zip(self.columns, column_types, strict=True)))
            self._parquet = pq.ParquetWriter(handle, self._schema)

    def write_header(self) -> None:
        if self.format in {"csv", "tsv"}:
            self._csv.writerow(self.columns)

    def write(self, rows: Sequence[Sequence[Any]]) -> None:
        if self.format in {"csv", "tsv"}:
            self._csv.writerows(rows)
        elif self.format == "jsonl":
            dumps = json.dumps
            lines = []
            for row in rows:
                record = {
                    column: value
                    for position, (column, value) in enumerate(zip(self.columns, row, strict=True))
                    if value is not MISSING or position >= self.input_width
                }
                lines.append(dumps(record, ensure_ascii=False, default=str))
            self._text.write("\n".join(lines) + "\n")
        else:
            columns = list(zip(*rows, strict=True)) if rows else [() for _ in self.columns]
            arrays = [
                _arrow_array(list(values), field.type) for values, field in zip(columns, self._schema, strict=True)
            ]
            self._parquet.write_table(pa.Table.from_arrays(arrays, schema=self._schema))

    def flush(self) -> None:
        if self.format != "parquet":
            self._text.flush()
        self._binary.flush()

    def close(self) -> None:
        """Finish the output (Parquet writes its footer) and release the handle."""
        if self.format == "parquet":
            self._parquet.close()
        else:
            self._text.flush()
            self._text.detach()


def _arrow_array(values: list[Any], field_type: pa.DataType) -> pa.Array:
    try:
        return pa.array(values, type=field_type)
    except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeEncodeError, OverflowError):
        if not pa.types.is_string(field_type):
            raise
        # Mixed JSON types or undecodable bytes in a text column: keep every value, as text.
        return pa.array([None if v is None else _safe_text(v) for v in values], type=pa.string())


def _safe_text(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text.encode("utf-8", errors="replace").decode("utf-8")
