"""``stancewatch score``: stream a file through the model in chunks, in order, losing nothing.

- Memory is bounded: at most ``2 * jobs`` chunks are in flight, whatever the file size.
- ``--jobs N`` scores chunks in N worker processes, each holding one copy of the model; the parent
  reads, writes and keeps the order.
- Output goes to ``OUTPUT.partial`` and is renamed to ``OUTPUT`` only when complete. After every
  chunk the parent flushes and records a checkpoint (rows done, output bytes, report tallies) in
  ``OUTPUT.partial.json``; ``--resume`` truncates the partial output to the last checkpoint and
  carries on, giving exactly the rows a clean run gives. Parquet output is kept as one part
  file per chunk until the end, since a Parquet file cannot be appended to.
- The end is sealed (the whole output on disk, the checkpoint marked finished) before the
  rename, so a run stopped while renaming or cleaning up is finished by ``--resume``, not redone.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import sys
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import IO, Any

import pyarrow as pa
import pyarrow.parquet as pq
from tqdm import tqdm

from model.exceptions import InputError
from model.predictor import StanceModel
from service.batch.formats import Chunk, Reader, Writer, detect_format
from service.batch.report import ReportData, write_report
from service.batch.scoring import check_clashes, output_columns, output_types, score_texts

log = logging.getLogger("stancewatch.score")
MAX_ERRORS_SHOWN = 5  # the closing summary names the first few rows with errors


@dataclass
class ScoreOptions:
    """Everything ``stancewatch score`` was asked to do."""

    input: str
    output: str | None = None
    format: str | None = None
    output_format: str | None = None
    text_column: str = "text"
    id_column: str | None = None
    encoding: str = "utf-8"
    chunk_size: int = 5_000
    jobs: int = 1
    report: str | None = None
    group_by: str | None = None
    date_column: str | None = None
    explain: bool = False
    prefix: str = ""
    resume: bool = False
    quiet: bool = False
    on_bad_line: str = "continue"


@dataclass
class ScoreSummary:
    """What a run did, for the closing line and for tests."""

    output: str
    rows: int = 0
    errors: int = 0
    seconds: float = 0.0
    stance_counts: dict[str, int] = field(default_factory=dict)
    resumed_from: int = 0
    first_errors: list[str] = field(default_factory=list)

    def line(self) -> str:
        rate = self.rows / self.seconds if self.seconds else 0.0
        counts = ", ".join(f"{label} {count}" for label, count in sorted(self.stance_counts.items()))
        resumed = f" (resumed after {self.resumed_from} rows)" if self.resumed_from else ""
        line = (
            f"scored {self.rows} rows{resumed}, {self.errors} errors, in {self.seconds:.1f} s "
            f"({rate:,.0f} rows/s): {counts or 'no predictions'} -> {self.output}"
        )
        return "\n".join([line, *(f"  {error}" for error in self.first_errors)])


def default_output(input_path: str, output_format: str) -> str:
    if input_path == "-":
        return "-"
    path = Path(input_path)
    extension = {"csv": ".csv", "tsv": ".tsv", "jsonl": ".jsonl", "parquet": ".parquet"}[output_format]
    return str(path.with_name(path.stem + ".scored" + extension))


# Worker processes keep the model in this global, set once per process by the initializer.
_worker_model: StanceModel | None = None
# Workers are forked where that is safe (Linux): they start at once, with the parent's model
# shared copy-on-write. Spawned workers (macOS, Windows) import scikit-learn and load the model
# themselves before their first row (1,000 rows with --jobs 2: 3.8 s spawned, 2.8 s forked).
_FORK_WORKERS = sys.platform == "linux"


class _Progress(tqdm):  # type: ignore[type-arg]
    """A progress bar without tqdm's monitor thread: forking a process that runs threads is unsafe."""

    monitor_interval = 0


def _init_worker(model: StanceModel | str) -> None:
    global _worker_model
    _worker_model = model if isinstance(model, StanceModel) else StanceModel.load(Path(model))


def _score_in_worker(texts: list[Any], explain: bool) -> dict[str, list[Any]]:
    assert _worker_model is not None, "worker started without a model"
    return score_texts(_worker_model, texts, explain)


def _input_fingerprint(path: str) -> dict[str, Any]:
    stat = os.stat(path)
    with open(path, "rb") as handle:
        head = hashlib.sha256(handle.read(1 << 20)).hexdigest()
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "head_sha256": head}


class _Checkpoint:
    """The ``.partial.json`` beside a partial output: what is done, written atomically."""

    def __init__(self, path: Path, identity: dict[str, Any]) -> None:
        self.path = path
        self.identity = identity

    def load(self) -> dict[str, Any] | None:
        try:
            state: dict[str, Any] = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return state if state.get("identity") == self.identity else None

    def save(
        self, rows: int, chunks: int, output_bytes: int, tallies: dict[str, Any], errors: int, finished: bool = False
    ) -> None:
        """``finished`` marks a sealed partial output: what is left is the rename and the clean-up."""
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(
            json.dumps(
                {
                    "identity": self.identity,
                    "rows": rows,
                    "chunks": chunks,
                    "output_bytes": output_bytes,
                    "errors": errors,
                    "tallies": tallies,
                    "finished": finished,
                }
            ),
            encoding="utf-8",
        )
        os.replace(temporary, self.path)


def score_file(options: ScoreOptions, model: StanceModel, model_dir: Path | None = None) -> ScoreSummary:
    """Score ``options.input`` into ``options.output``; see the module docstring for guarantees.

    ``model`` scores in this process when ``jobs == 1``; with more jobs, worker processes load
    ``model_dir`` (the directory ``model`` came from).
    """
    started = time.perf_counter()
    input_format = detect_format(options.input, options.format)
    output = options.output or default_output(options.input, options.output_format or input_format)
    output_format = detect_format(output, options.output_format or (input_format if output == "-" else None))
    if options.resume and (options.input == "-" or output == "-"):
        raise InputError("--resume needs a named input and output file, not '-'.")
    if options.chunk_size < 1 or options.jobs < 1:
        raise InputError("--chunk-size and --jobs must be at least 1.")
    if options.jobs > 1 and model_dir is None:
        raise InputError("--jobs above 1 needs the model directory so that each worker can load it.")
    with Reader(options.input, input_format, options.encoding, options.chunk_size, options.on_bad_line) as reader:
        return _score(reader, options, model, model_dir, output, output_format, started)


def _score(
    reader: Reader,
    options: ScoreOptions,
    model: StanceModel,
    model_dir: Path | None,
    output: str,
    output_format: str,
    started: float,
) -> ScoreSummary:
    for name, column in (
        ("--text-column", options.text_column),
        ("--id-column", options.id_column),
        ("--group-by", options.group_by),
        ("--date-column", options.date_column),
    ):
        if column is not None and column not in reader.columns:
            raise InputError(
                f"Column {column!r} ({name}) is missing from {options.input!r}. "
                f"Found columns: {reader.columns}. Pass {name} to use another column."
            )
    check_clashes(reader.columns, options.prefix, options.explain, repr(options.input))
    appended = [options.prefix + column for column in output_columns(options.explain)]
    columns = reader.columns + appended
    text_index = reader.columns.index(options.text_column)
    id_index = reader.columns.index(options.id_column) if options.id_column else None
    report = ReportData.for_columns(
        reader.columns, options.group_by, options.date_column, detailed=bool(options.report)
    )
    names = output_columns(options.explain)

    summary = ScoreSummary(output=output)
    out: _StreamOutput | _FileOutput
    state: dict[str, Any] | None = None
    if output == "-":
        out = _StreamOutput(sys.stdout.buffer, output_format, columns, options, reader)
        checkpoint = None
        skip = 0
    else:
        identity = {
            "input": os.path.abspath(options.input),
            "fingerprint": _input_fingerprint(options.input),
            "options": {k: v for k, v in asdict(options).items() if k not in {"quiet", "jobs", "resume", "output"}},
            "output_format": output_format,
            "model": model.info,
        }
        checkpoint = _Checkpoint(Path(output + ".partial.json"), identity)
        state = checkpoint.load() if options.resume else None
        if options.resume and state is None:
            log.warning("nothing to resume for %s (no matching checkpoint); starting from the beginning", output)
        skip = state["rows"] if state else 0
        if state:
            report.restore(state["tallies"])
            summary.errors = state["errors"]
        if state is not None and state.get("finished"):
            # The last run wrote every row and was stopped while renaming or cleaning up.
            log.warning("%s was complete when the last run stopped; finishing its rename", output)
            _publish(Path(output))
            checkpoint.path.unlink(missing_ok=True)
            return _finish_summary(summary, report, state["rows"], options, started)
        out = _FileOutput(Path(output), output_format, columns, options, reader, state)
    summary.resumed_from = skip

    progress = _Progress(
        total=reader.estimated_rows,
        initial=skip,
        unit="rows",
        disable=options.quiet,
        file=sys.stderr,
        dynamic_ncols=True,
        smoothing=0.1,
    )
    rows_done, chunks_done = skip, (state["chunks"] if state is not None else 0)
    try:
        for chunk, columns_out in _scored_chunks(reader.chunks(skip), text_index, options, model, model_dir):
            appended_values = zip(*(columns_out[name] for name in names), strict=True)
            rows = [row + list(values) for row, values in zip(chunk.rows, appended_values, strict=True)]
            out.write(chunk.index, rows)
            report.add(chunk.rows, columns_out)
            rows_done += len(rows)
            chunks_done += 1
            for position, error in enumerate(columns_out["error"]):
                if error:
                    summary.errors += 1
                    if len(summary.first_errors) < MAX_ERRORS_SHOWN:
                        where = f"line {chunk.lines[position]}"
                        if id_index is not None:
                            where = f"id {chunk.rows[position][id_index]} ({where})"
                        summary.first_errors.append(f"{where}: {error}")
            if checkpoint is not None:
                checkpoint.save(rows_done, chunks_done, out.position(), report.state(), summary.errors)
            progress.update(len(rows))
    except KeyboardInterrupt:
        progress.close()
        out.abandon()
        log.error("interrupted after %d rows; run again with --resume to finish %s", rows_done, output)
        raise
    except BaseException:
        progress.close()
        out.abandon()
        raise
    progress.close()
    output_bytes = out.position()
    out.seal()
    if checkpoint is not None:
        # Sealed before the rename, so that a run stopped from here on is finished by --resume,
        # never restarted over an empty set of parts.
        checkpoint.save(rows_done, chunks_done, output_bytes, report.state(), summary.errors, finished=True)
        _publish(Path(output))
        checkpoint.path.unlink(missing_ok=True)
    return _finish_summary(summary, report, rows_done, options, started)


def _finish_summary(
    summary: ScoreSummary, report: ReportData, rows: int, options: ScoreOptions, started: float
) -> ScoreSummary:
    summary.rows = rows
    summary.stance_counts = dict(report.stance)
    summary.seconds = time.perf_counter() - started
    if options.report:
        write_report(Path(options.report), report, source=options.input, summary=summary.line())
    return summary


def _publish(path: Path) -> None:
    """Rename a sealed ``PATH.partial`` to ``PATH`` and remove what the partial run left."""
    partial = path.with_name(path.name + ".partial")
    if partial.exists():
        os.replace(partial, path)
    shutil.rmtree(path.with_name(path.name + ".partial.parts"), ignore_errors=True)


def _scored_chunks(
    chunks: Iterator[Chunk], text_index: int, options: ScoreOptions, model: StanceModel, model_dir: Path | None
) -> Iterator[tuple[Chunk, dict[str, list[Any]]]]:
    """Chunks with their appended columns, in input order, at most ``2 * jobs`` in flight."""

    def texts_of(chunk: Chunk) -> list[Any]:
        # A malformed line's cells are misaligned: it is kept with its parse error, not scored.
        return [None if error else row[text_index] for row, error in zip(chunk.rows, chunk.parse_errors, strict=True)]

    def merge_errors(chunk: Chunk, columns: dict[str, list[Any]]) -> dict[str, list[Any]]:
        columns["error"] = [parse or cell for parse, cell in zip(chunk.parse_errors, columns["error"], strict=True)]
        return columns

    if options.jobs == 1:
        for chunk in chunks:
            yield chunk, merge_errors(chunk, score_texts(model, texts_of(chunk), options.explain))
        return
    context = get_context("fork" if _FORK_WORKERS else "spawn")
    shared: StanceModel | str = model if _FORK_WORKERS else str(model_dir)
    with ProcessPoolExecutor(
        options.jobs, mp_context=context, initializer=_init_worker, initargs=(shared,)
    ) as executor:
        pending: deque[tuple[Chunk, Future[dict[str, list[Any]]]]] = deque()
        try:
            for chunk in chunks:
                pending.append((chunk, executor.submit(_score_in_worker, texts_of(chunk), options.explain)))
                if len(pending) >= 2 * options.jobs:
                    done, future = pending.popleft()
                    yield done, merge_errors(done, future.result())
            while pending:
                done, future = pending.popleft()
                yield done, merge_errors(done, future.result())
        except BaseException:
            executor.shutdown(wait=False, cancel_futures=True)
            raise


class _StreamOutput:
    """Output to stdout: written as it comes (no rename, no resume)."""

    def __init__(
        self, handle: IO[bytes], output_format: str, columns: list[str], options: ScoreOptions, reader: Reader
    ) -> None:
        if output_format == "parquet":
            raise InputError("Parquet cannot be written to stdout; give an output file.")
        self.writer = Writer(handle, output_format, columns, options.encoding, input_width=len(reader.columns))
        self.writer.write_header()

    def write(self, index: int, rows: list[list[Any]]) -> None:
        self.writer.write(rows)
        self.writer.flush()

    def position(self) -> int:
        return 0

    def seal(self) -> None:
        self.writer.close()

    def abandon(self) -> None:
        self.writer.flush()


class _FileOutput:
    """Output to ``PATH.partial`` (or ``PATH.partial.parts/`` for Parquet), renamed when complete."""

    def __init__(
        self,
        path: Path,
        output_format: str,
        columns: list[str],
        options: ScoreOptions,
        reader: Reader,
        state: dict[str, Any] | None,
    ) -> None:
        self.path = path
        self.format = output_format
        self.columns = columns
        self.encoding = options.encoding
        self.input_width = len(reader.columns)
        input_types = (
            [field.type for field in reader.arrow_schema]
            if reader.arrow_schema is not None
            else [pa.string()] * len(reader.columns)
        )
        self.types = input_types + output_types(options.explain)
        self.partial = path.with_name(path.name + ".partial")
        self.parts = path.with_name(path.name + ".partial.parts")
        path.parent.mkdir(parents=True, exist_ok=True)
        if output_format == "parquet":
            if state is None:
                shutil.rmtree(self.parts, ignore_errors=True)
            else:
                for part in self.parts.glob("part-*.parquet"):
                    if int(part.stem.split("-")[1]) >= state["chunks"]:
                        part.unlink()  # written after the last checkpoint
            self.parts.mkdir(exist_ok=True)
            return
        if state is None:
            self.handle: IO[bytes] = open(self.partial, "wb")  # noqa: SIM115 - closed in finish/abandon
            self.writer = Writer(self.handle, output_format, columns, self.encoding, input_width=self.input_width)
            self.writer.write_header()
        else:
            self.handle = open(self.partial, "r+b")  # noqa: SIM115
            self.handle.truncate(state["output_bytes"])
            self.handle.seek(state["output_bytes"])
            self.writer = Writer(self.handle, output_format, columns, self.encoding, input_width=self.input_width)

    def write(self, index: int, rows: list[list[Any]]) -> None:
        if self.format == "parquet":
            temporary = self.parts / f".part-{index:08d}.tmp"
            with open(temporary, "wb") as handle:
                writer = Writer(handle, "parquet", self.columns, input_width=self.input_width, column_types=self.types)
                writer.write(rows)
                writer.close()
            os.replace(temporary, self.parts / f"part-{index:08d}.parquet")
            return
        self.writer.write(rows)
        self.writer.flush()
        os.fsync(self.handle.fileno())

    def position(self) -> int:
        return 0 if self.format == "parquet" else self.handle.tell()

    def seal(self) -> None:
        """Make ``PATH.partial`` the whole output, on disk; the parts stay until it is renamed."""
        if self.format == "parquet":
            schema = pa.schema(list(zip(self.columns, self.types, strict=True)))
            with open(self.partial, "wb") as handle:
                with pq.ParquetWriter(handle, schema) as combined:
                    for part in sorted(self.parts.glob("part-*.parquet")):
                        for batch in pq.ParquetFile(part).iter_batches():
                            combined.write_batch(batch)
                handle.flush()
                os.fsync(handle.fileno())
        else:
            self.writer.close()
            self.handle.flush()
            os.fsync(self.handle.fileno())
            self.handle.close()

    def abandon(self) -> None:
        """Stop writing; the partial output and its checkpoint stay for --resume."""
        if self.format != "parquet":
            # On a full disk the flush fails too; the checkpoint still marks the last complete chunk.
            with contextlib.suppress(OSError):
                self.writer.flush()
            self.handle.close()
