"""Training: hyper-parameter search on the training split, calibrated fit, evaluation, artifact.

Reproducible: every random choice (fold shuffling, solver seeds) comes from ``seed``. The
test split is never used for fitting, searching or calibrating; it is only scored at the end.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.base import clone
from sklearn.metrics import f1_score
from sklearn.model_selection import ParameterGrid, StratifiedKFold
from sklearn.pipeline import Pipeline

from model import __version__, artifact
from model.classifier import build_pipeline
from model.exceptions import DataError
from model.labels import HEADS
from model.lexicon import Lexicon
from model.locations import CORPUS_DIR, LEXICON_DIR
from model.predictor import StanceModel
from model.targets import SideTokens
from training.corpus import data_files, data_sha256, load_labelled
from training.evaluate import evaluate_corpus, evaluate_frame
from training.metrics import brier_score, expected_calibration_error
from training.model_card import render_model_card

log = logging.getLogger(__name__)

MODEL_NAME = "stancewatch-stance"
SEARCH_FOLDS = 5
# The grid is small on purpose: the corpus has a few thousand statements, and each point is
# scored by 5-fold cross-validation on the training split.
PARAM_GRID: dict[str, list[Any]] = {
    "ngram_max": [1, 2, 3],
    "min_df": [1, 2],
    "C": [2.0, 8.0, 32.0],
}
DEFAULT_PARAMS: dict[str, Any] = {"ngram_max": 2, "min_df": 1, "C": 8.0}


def head_matrix(frame: pd.DataFrame) -> np.ndarray[Any, Any]:
    """The label matrix of the heads (``""`` where a row is not labelled for a head)."""
    return frame[list(HEADS)].fillna("").to_numpy(dtype=object)


def mean_macro_f1(pipeline: Pipeline, texts: Sequence[str], labels: np.ndarray[Any, Any]) -> float:
    """Mean over heads of macro-F1 on the rows labelled for each head."""
    predicted = pipeline.predict(texts)
    scores = []
    for column in range(labels.shape[1]):
        mask = labels[:, column] != ""
        if mask.any():
            scores.append(f1_score(labels[mask, column], predicted[mask, column], average="macro"))
    return float(np.mean(scores))


def _fold_score(
    params: dict[str, Any],
    preprocessor: Callable[[str], str] | None,
    texts: np.ndarray[Any, Any],
    labels: np.ndarray[Any, Any],
    train_index: np.ndarray[Any, Any],
    test_index: np.ndarray[Any, Any],
    seed: int,
    features: str,
    weights: np.ndarray[Any, Any] | None,
) -> float:
    pipeline = build_pipeline(
        **params, calibration="none", random_state=seed, preprocessor=preprocessor, features=features
    )
    pipeline.fit(
        texts[train_index], labels[train_index], heads__sample_weight=None if weights is None else weights[train_index]
    )
    return mean_macro_f1(pipeline, texts[test_index], labels[test_index])


def _strata(frame: pd.DataFrame) -> np.ndarray[Any, Any]:
    """Fold strata: the stance label; rows without one, and labels too rare to split, pooled."""
    strata = frame["stance"].fillna("").replace("", "(unlabelled)")
    counts = strata.value_counts()
    rare = counts[counts < SEARCH_FOLDS].index
    strata = strata.where(~strata.isin(rare), "(pooled)")
    if 0 < (strata == "(pooled)").sum() < SEARCH_FOLDS:
        strata = strata.replace("(pooled)", strata.value_counts().index[0])
    return strata.to_numpy()


def search(
    frame: pd.DataFrame,
    seed: int = 0,
    n_jobs: int = 1,
    grid: dict[str, list[Any]] | None = None,
    preprocessor: Callable[[str], str] | None = None,
    features: str = "words",
    weights: np.ndarray[Any, Any] | None = None,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Choose hyper-parameters by stratified k-fold cross-validation on ``frame`` (training rows only).

    The choice follows the one-standard-error rule: among the grid points whose mean score is
    within one standard error of the best, the simplest wins (fewest n-gram orders, then the
    highest ``min_df``, then the strongest regularisation). Differences inside that band are
    noise on a corpus this size, and the simpler model is faster and generalises no worse.

    Returns
    -------
    (dict, list of dict)
        The chosen parameters, and every grid point with its mean and spread of fold scores,
        best first.
    """
    texts = frame["text"].to_numpy(dtype=object)
    labels = head_matrix(frame)
    strata = _strata(frame)
    folds = list(StratifiedKFold(n_splits=SEARCH_FOLDS, shuffle=True, random_state=seed).split(texts, strata))
    points = list(ParameterGrid(grid or PARAM_GRID))
    scores = Parallel(n_jobs=n_jobs)(
        delayed(_fold_score)(params, preprocessor, texts, labels, train_index, test_index, seed, features, weights)
        for params in points
        for train_index, test_index in folds
    )
    table = []
    for position, params in enumerate(points):
        fold_scores = scores[position * len(folds) : (position + 1) * len(folds)]
        table.append({"params": params, "mean": float(np.mean(fold_scores)), "std": float(np.std(fold_scores))})
    table.sort(key=lambda row: -row["mean"])
    best = table[0]
    threshold = best["mean"] - best["std"] / np.sqrt(len(folds))
    eligible = [row for row in table if row["mean"] >= threshold]
    chosen = min(eligible, key=lambda row: (row["params"]["ngram_max"], -row["params"]["min_df"], row["params"]["C"]))
    return dict(chosen["params"]), table


def calibration_report(pipeline: Pipeline, train: pd.DataFrame, test: pd.DataFrame) -> dict[str, Any]:
    """ECE and Brier score on the test split, before and after calibration, per head."""
    uncalibrated = clone(pipeline)
    uncalibrated.set_params(heads__calibration="none")
    uncalibrated.fit(train["text"].tolist(), head_matrix(train))
    report: dict[str, Any] = {}
    for name, fitted in (("before", uncalibrated), ("after", pipeline)):
        features = fitted.named_steps["features"].transform(test["text"].tolist())
        heads = fitted.named_steps["heads"]
        for index, (head, probabilities) in enumerate(zip(heads.heads, heads.predict_proba(features), strict=True)):
            labels = list(heads.classes_[index])
            mask = (test[head].fillna("") != "").to_numpy()
            if not mask.any():
                continue
            truth = test.loc[mask, head].tolist()
            entry = report.setdefault(head, {})
            entry[f"ece_{name}"] = expected_calibration_error(truth, probabilities[mask], labels)
            entry[f"brier_{name}"] = brier_score(truth, probabilities[mask], labels)
    return report


def train(
    data: Sequence[Path] = (CORPUS_DIR,),
    out: Path | None = None,
    lexicon_dir: Path = LEXICON_DIR,
    corpora_dir: Path | None = None,
    run_search: bool = True,
    seed: int = 0,
    n_jobs: int = 1,
    features: str = "words",
    weights: dict[Path, float] | None = None,
) -> Path:
    """Train, evaluate and save a model directory; return its path.

    Parameters
    ----------
    data : sequence of Path
        Labelled ``.csv``/``.jsonl`` files or folders. Rows with ``split == "test"`` are held
        out for evaluation; every other row trains.
    out : Path
        Model directory to write (replaced atomically).
    lexicon_dir : Path
        Lexicon copied into the model.
    corpora_dir : Path, optional
        Folder of the real corpora; when present, the model is also scored on them and the
        figures go into the metadata and model card.
    run_search : bool
        Choose hyper-parameters by cross-validation (else use :data:`DEFAULT_PARAMS`).
    features : str
        The feature set (:data:`model.classifier.FEATURE_SETS`): ``words`` for the default
        model, ``words+chars`` for social-media text.
    weights : dict of Path to float, optional
        A sample weight for the rows of some of the ``data`` paths (files or folders); rows of
        other paths weigh 1. The search, the fit and the calibration all use it.
    """
    from model.locations import DEFAULT_MODEL_DIR

    started = time.perf_counter()
    out = Path(out or DEFAULT_MODEL_DIR)
    files = data_files(data)
    frame = load_labelled(files)
    train_rows = frame[frame["split"] != "test"].reset_index(drop=True)
    test_rows = frame[frame["split"] == "test"].reset_index(drop=True)
    for head, labels in HEADS.items():
        present = set(train_rows[head]) - {""}
        if present and present != set(labels):
            raise DataError(
                f"The training rows label head {head!r} only with {sorted(present)}; every label of "
                f"{list(labels)} needs examples. Add statements of the missing labels."
            )
    row_weights = _row_weights(train_rows, weights) if weights else None
    lexicon = Lexicon.load(lexicon_dir)
    log.info("training on %d statements (%d held out) from %d files", len(train_rows), len(test_rows), len(files))
    # The sides' aliases become one token each: chosen over raw words on the real corpora (RUW
    # validation split, EUvsDisinfo, VoxCheck) by benchmarks/compare_features.py.
    sides = SideTokens.from_table(lexicon.targets)
    if run_search:
        params, table = search(
            train_rows, seed=seed, n_jobs=n_jobs, preprocessor=sides, features=features, weights=row_weights
        )
    else:
        params, table = dict(DEFAULT_PARAMS), []
    log.info("chosen parameters: %s", params)
    pipeline = build_pipeline(**params, random_state=seed, preprocessor=sides, features=features)
    # Calibration folds hold out whole source files (batches of other genres and topics).
    pipeline.fit(
        train_rows["text"].tolist(),
        head_matrix(train_rows),
        heads__groups=train_rows["source"].to_numpy(),
        heads__sample_weight=row_weights,
    )

    metrics: dict[str, Any] = {}
    model = StanceModel(pipeline, lexicon)
    if not test_rows.empty:
        metrics["test"] = evaluate_frame(model, test_rows)
        metrics["calibration"] = calibration_report(pipeline, train_rows, test_rows)
    if corpora_dir is not None and Path(corpora_dir).is_dir():
        metrics["corpora"] = {}
        for name in ("ruw", "euvsdisinfo", "voxcheck", "unga"):
            try:
                metrics["corpora"][name] = evaluate_corpus(model, name, Path(corpora_dir))
            except DataError as exc:
                log.warning("skipping corpus %s: %s", name, exc)

    digest = data_sha256(files)
    metadata: dict[str, Any] = {
        "name": MODEL_NAME,
        "version": f"{__version__}+{digest[:8]}",
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "labels": {head: list(labels) for head, labels in HEADS.items()},
        "training_data": {
            "sha256": digest,
            "files": [path.name for path in files],
            "rows": {"train": len(train_rows), "test": len(test_rows)},
            "label_counts": {head: train_rows[head].value_counts().to_dict() for head in HEADS},
        },
        "params": params,
        "features": features,
        "weights": {str(path): factor for path, factor in (weights or {}).items()},
        "search": {
            "folds": SEARCH_FOLDS,
            "scoring": "mean macro-F1 over heads",
            "selection": "simplest grid point within one standard error of the best",
            "results": table[:10],
        },
        "seed": seed,
        "lexicon_version": lexicon.version,
        "lexicon_entries": len(lexicon.entries),
        "metrics": metrics,
        "training_seconds": round(time.perf_counter() - started, 1),
    }
    artifact.save(out, pipeline, metadata, render_model_card(metadata), lexicon_dir)
    log.info("model saved to %s in %.1f s", out, time.perf_counter() - started)
    return out


def _row_weights(rows: pd.DataFrame, weights: dict[Path, float]) -> np.ndarray[Any, Any]:
    """One weight per row: the factor of the data path its file came from, else 1."""
    by_file: dict[str, float] = {}
    for path, factor in weights.items():
        if not factor > 0:
            raise DataError(f"The weight of {path} is {factor}; give a positive number (1 is the default).")
        names = {file.name for file in data_files([path])}
        if not rows["source"].isin(names).any():
            raise DataError(f"--weight names {path}, which holds no training rows; name one of the --data paths.")
        by_file.update(dict.fromkeys(names, factor))
    return rows["source"].map(by_file).fillna(1.0).to_numpy(dtype=np.float64)
