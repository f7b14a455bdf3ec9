"""Command-line verbs of the service side: ``serve``, ``score``, ``analyze``.

Thin: each parses its arguments and calls a function that tests call directly. Verbs that need
a model take ``ensure_model``, which builds the default model on first use (see
``stancewatch/cli.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from model.artifact import read_metadata
from model.artifact import verify as verify_artifact
from model.document import analyze_document
from model.exceptions import InputError
from model.locations import DEFAULT_MODEL_DIR
from model.predictor import StanceModel
from service.batch.runner import ScoreOptions, score_file
from service.settings import Settings

EnsureModel = Callable[[Path], Path]


def register(subparsers: Any, ensure_model: EnsureModel) -> None:
    """Add the service verbs to the ``stancewatch`` parser."""
    parser = subparsers.add_parser("serve", help="serve the HTTP API and the analysts' page")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1, help="worker processes (scale for CPU-bound prediction)")
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL_DIR)
    parser.set_defaults(handler=lambda args: run_serve(args, ensure_model))

    parser = subparsers.add_parser("score", help="score a CSV/TSV/JSONL/Parquet file of statements")
    parser.add_argument("input", help="input file, or - for stdin")
    parser.add_argument("-o", "--output", help="output file (default: INPUT.scored.EXT; - for stdout)")
    parser.add_argument("--text-column", default="text")
    parser.add_argument("--id-column")
    parser.add_argument(
        "--format", choices=["csv", "tsv", "jsonl", "parquet"], help="input format (default: by extension)"
    )
    parser.add_argument(
        "--output-format",
        choices=["csv", "tsv", "jsonl", "parquet"],
        help="output format (default: by extension, else the input's)",
    )
    parser.add_argument("--encoding", default="utf-8", help="text encoding of CSV/TSV input and output")
    parser.add_argument("--chunk-size", type=int, default=5_000, help="rows per chunk (memory is bounded by it)")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes")
    parser.add_argument("--engine", choices=["local", "dask"], default="local")
    parser.add_argument("--scheduler", help="address of an existing Dask scheduler (with --engine dask)")
    parser.add_argument("--report", help="write a self-contained HTML report with charts")
    parser.add_argument("--group-by", help="column to break the report down by (outlet, country, speaker...)")
    parser.add_argument("--date-column", help="column of dates for the report's time series")
    parser.add_argument("--explain", action="store_true", help="add an explanation column")
    parser.add_argument("--prefix", default="", help="prefix for the appended column names")
    parser.add_argument("--resume", action="store_true", help="finish an interrupted run from its last chunk")
    parser.add_argument(
        "--on-bad-line",
        choices=["continue", "stop"],
        default="continue",
        help="on a malformed line: keep the row with an error and go on (default), or stop",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL_DIR)
    parser.set_defaults(handler=lambda args: run_score(args, ensure_model))

    parser = subparsers.add_parser("analyze", help="analyse one article; print the document result as JSON")
    parser.add_argument("file", nargs="?", default="-", help="article text file, or - for stdin")
    parser.add_argument("--title", help="the article's headline")
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL_DIR)
    parser.set_defaults(handler=lambda args: run_analyze(args, ensure_model))


def run_serve(args: argparse.Namespace, ensure_model: EnsureModel) -> int:
    import uvicorn

    model_dir = ensure_model(args.model)
    if Settings().exit_on_bad_model:
        # Refuse a tampered, truncated or mismatched model here, with one clear message and a
        # non-zero exit, before any worker starts (each worker checks it again as it loads).
        verify_artifact(model_dir, read_metadata(model_dir))
    # Worker processes read their settings from the environment.
    os.environ["STANCEWATCH_MODEL_DIR"] = str(model_dir.resolve())
    os.environ["STANCEWATCH_HOST"] = args.host
    if args.workers > 1:
        # prometheus_client's multiprocess mode: every worker writes its samples here.
        os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="stancewatch-metrics-"))
    uvicorn.run(
        "service.app:default_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        access_log=False,  # the app writes its own structured access log
        timeout_graceful_shutdown=10,
    )
    return 0


def run_score(args: argparse.Namespace, ensure_model: EnsureModel) -> int:
    model_dir = ensure_model(args.model)
    options = ScoreOptions(
        input=args.input,
        output=args.output,
        format=args.format,
        output_format=args.output_format,
        text_column=args.text_column,
        id_column=args.id_column,
        encoding=args.encoding,
        chunk_size=args.chunk_size,
        jobs=args.jobs,
        report=args.report,
        group_by=args.group_by,
        date_column=args.date_column,
        explain=args.explain,
        prefix=args.prefix,
        resume=args.resume,
        quiet=args.quiet,
        on_bad_line=args.on_bad_line,
    )
    try:
        if args.engine == "dask":
            from service.batch.dask_engine import score_with_dask

            summary = score_with_dask(options, model_dir, args.scheduler)
        else:
            summary = score_file(options, StanceModel.load(model_dir), model_dir)
    except OSError as exc:
        raise InputError(
            f"{exc.strerror or exc} ({exc.filename or 'output'}). No complete output was written; "
            "fix the cause (free disk space, permissions) and rerun with --resume to continue."
        ) from exc
    print(summary.line(), file=sys.stderr)
    return 1 if summary.rows and summary.errors == summary.rows else 0


def run_analyze(args: argparse.Namespace, ensure_model: EnsureModel) -> int:
    model = StanceModel.load(ensure_model(args.model))
    if args.file == "-":
        text = sys.stdin.read()
    else:
        try:
            text = Path(args.file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"Cannot read the article {args.file}: {exc}.") from exc
    result = analyze_document(model, text, title=args.title)
    json.dump({"model": model.info, **result}, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0
