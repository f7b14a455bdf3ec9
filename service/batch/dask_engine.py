"""``stancewatch score --engine dask``: the same scoring on a Dask cluster.

Reads CSV/TSV (a file or a glob), JSON Lines or Parquet (a file or a folder of parts) as a Dask
dataframe, scores every partition with :func:`service.batch.scoring.score_texts` (the same
function as the local engine), and writes partitioned CSV or Parquet into the output folder.
Each worker process loads the model once and keeps it. Without ``--scheduler`` a local cluster
with ``--jobs`` single-threaded worker processes runs it; with one, the workers must see the
model directory and the files at the same paths (a shared file system or object store).
Dask is an optional extra: ``pip install 'stancewatch[dask]'``.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

import pandas as pd

from model.exceptions import InputError
from model.predictor import StanceModel
from service.batch.runner import ScoreOptions, ScoreSummary
from service.batch.scoring import check_clashes, output_columns, score_texts

log = logging.getLogger("stancewatch.score")
_models: dict[str, StanceModel] = {}
_FLOATS = {"stance_score", "p_pro_russia", "p_pro_nato", "p_neutral", "nato_score", "russia_score"}


def _model(model_dir: str) -> StanceModel:
    """The model of this worker process, loaded on first use."""
    if model_dir not in _models:
        _models[model_dir] = StanceModel.load(Path(model_dir))
    return _models[model_dir]


def _typed(column: str, values: list[Any]) -> pd.Series:
    if column in _FLOATS:
        return pd.Series(values, dtype="float64")
    if column == "loaded_count":
        return pd.Series(values, dtype="Int64")
    return pd.Series(values, dtype="object")


def score_partition(
    partition: pd.DataFrame, text_column: str, model_dir: str, explain: bool, prefix: str
) -> pd.DataFrame:
    """Append the batch columns to one partition."""
    if partition.empty:
        scored: dict[str, list[Any]] = {column: [] for column in output_columns(explain)}
    else:
        scored = score_texts(_model(model_dir), partition[text_column].tolist(), explain)
    appended = {prefix + column: _typed(column, values).set_axis(partition.index) for column, values in scored.items()}
    return partition.assign(**appended)


def _read(options: ScoreOptions) -> Any:
    import dask.dataframe as dd

    source = options.input
    suffix = Path(source.rstrip("/*")).suffix.lower()
    if (
        options.format == "parquet"
        or suffix in {".parquet", ".pq"}
        or (Path(source).is_dir() and options.format is None)
    ):
        return dd.read_parquet(source)
    if options.format == "jsonl" or suffix in {".jsonl", ".ndjson"}:
        return dd.read_json(source, lines=True, blocksize=2**26, dtype=False)
    separator = "\t" if options.format == "tsv" or suffix == ".tsv" else ","
    return dd.read_csv(
        source, sep=separator, dtype=str, keep_default_na=False, blocksize="64MB", encoding=options.encoding
    )


def score_with_dask(options: ScoreOptions, model_dir: Path, scheduler: str | None = None) -> ScoreSummary:
    """Score ``options.input`` on Dask and write partitioned output to the ``options.output`` folder."""
    try:
        import dask.dataframe as dd
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise InputError("--engine dask needs the optional extra: pip install 'stancewatch[dask]'.") from exc
    if not options.output or options.output == "-":
        raise InputError("--engine dask writes partitioned output: pass -o FOLDER (or FOLDER.parquet).")
    started = time.perf_counter()
    frame = _read(options)
    columns = list(frame.columns)
    if options.text_column not in columns:
        raise InputError(
            f"Column {options.text_column!r} (--text-column) is missing from {options.input!r}. "
            f"Found columns: {columns}. Pass --text-column to use another column."
        )
    check_clashes(columns, options.prefix, options.explain, repr(options.input))
    meta = score_partition(frame._meta, options.text_column, str(model_dir), options.explain, options.prefix)
    scored = frame.map_partitions(
        score_partition, options.text_column, str(model_dir.resolve()), options.explain, options.prefix, meta=meta
    )
    # A string, not a Path: the output may be a URL ("s3://bucket/scored.parquet").
    output = options.output.rstrip("/")
    to_parquet = options.output_format == "parquet" or output.endswith(".parquet")
    parts = f"{output}/part-*.csv"
    cluster = (
        None
        if scheduler
        else LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=options.jobs, threads_per_worker=1, processes=True, dashboard_address=None
        )
    )
    stance_column, error_column = options.prefix + "stance", options.prefix + "error"
    with Client(scheduler or cluster) as client:  # type: ignore[no-untyped-call]
        log.info("scoring on Dask: %s", client)
        if to_parquet:
            scored.to_parquet(output, write_index=False)
            written = dd.read_parquet(output, columns=[stance_column, error_column])
        else:
            scored.to_csv(parts, index=False, encoding=options.encoding)
            written = dd.read_csv(
                parts,
                usecols=[stance_column, error_column],
                dtype=str,
                keep_default_na=False,
                encoding=options.encoding,
            )
        # Tallies come from the written output, so the partitions are scored only once.
        counts = written[stance_column].value_counts().compute()
        errors = int((written[error_column].fillna("") != "").sum().compute())
        counts = counts[counts.index != ""]
    if cluster is not None:
        cluster.close()
    summary = ScoreSummary(
        output=output,
        rows=int(counts.sum()) + int(errors),
        errors=int(errors),
        seconds=time.perf_counter() - started,
        stance_counts={str(k): int(v) for k, v in counts.items()},
    )
    return summary
