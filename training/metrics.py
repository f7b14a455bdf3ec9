"""Metrics per head: accuracy, macro-F1, per-class P/R/F1, F_avg, confusion matrix, calibration."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support

CALIBRATION_BINS = 15
# SemEval-2016 Task 6 scores stance by the mean F1 of the two committed classes; for the
# axis head the committed classes are the two sides.
COMMITTED = {"stance": ("pro_russia", "pro_nato"), "nato": ("favor", "against"), "russia": ("favor", "against")}


def expected_calibration_error(
    y_true: Sequence[str], probabilities: npt.NDArray[np.float64], labels: Sequence[str], bins: int = CALIBRATION_BINS
) -> float:
    """Top-label ECE: the mean gap between confidence and accuracy over equal-width bins."""
    confidence = probabilities.max(axis=1)
    predicted = np.asarray(labels)[probabilities.argmax(axis=1)]
    correct = predicted == np.asarray(y_true)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1]), 0, bins - 1)
    error = 0.0
    for b in range(bins):
        members = which == b
        if members.any():
            error += members.mean() * abs(correct[members].mean() - confidence[members].mean())
    return float(error)


def brier_score(y_true: Sequence[str], probabilities: npt.NDArray[np.float64], labels: Sequence[str]) -> float:
    """Multi-class Brier score: mean over statements of the squared error summed over classes."""
    onehot = (np.asarray(y_true)[:, None] == np.asarray(labels)[None, :]).astype(float)
    return float(((probabilities - onehot) ** 2).sum(axis=1).mean())


def head_metrics(
    head: str, y_true: Sequence[str], probabilities: npt.NDArray[np.float64], labels: Sequence[str]
) -> dict[str, Any]:
    """Every metric of one head on the rows labelled for it.

    ``probabilities`` has one column per label, in ``labels`` order.
    """
    truth = np.asarray(y_true)
    predicted = np.asarray(labels)[probabilities.argmax(axis=1)]
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=list(labels), zero_division=0
    )
    per_class = {
        label: {"precision": float(p), "recall": float(r), "f1": float(f), "support": int(s)}
        for label, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)
    }
    present = [label for label in labels if label in set(truth)]
    committed = [label for label in COMMITTED.get(head, ()) if label in labels]
    return {
        "n": int(truth.size),
        "accuracy": float(accuracy_score(truth, predicted)),
        "macro_f1": float(f1_score(truth, predicted, labels=present, average="macro", zero_division=0)),
        "f_avg": float(np.mean([per_class[label]["f1"] for label in committed])) if committed else None,
        "per_class": per_class,
        "confusion": {
            "labels": list(labels),
            "matrix": confusion_matrix(truth, predicted, labels=list(labels)).tolist(),
        },
        "ece": expected_calibration_error(list(truth), probabilities, labels),
        "brier": brier_score(list(truth), probabilities, labels),
        "predicted_distribution": {label: int((predicted == label).sum()) for label in labels},
    }


def format_head(head: str, metrics: dict[str, Any]) -> str:
    """A readable table of one head's metrics."""
    lines = [
        f"{head}: n={metrics['n']}  accuracy={metrics['accuracy']:.3f}  macro-F1={metrics['macro_f1']:.3f}  "
        + (f"F_avg={metrics['f_avg']:.3f}  " if metrics.get("f_avg") is not None else "")
        + f"ECE={metrics['ece']:.3f}  Brier={metrics['brier']:.3f}",
        f"  {'label':<12}{'precision':>10}{'recall':>10}{'F1':>10}{'support':>10}",
    ]
    for label, values in metrics["per_class"].items():
        lines.append(
            f"  {label:<12}{values['precision']:>10.3f}{values['recall']:>10.3f}{values['f1']:>10.3f}{values['support']:>10d}"
        )
    labels = metrics["confusion"]["labels"]
    lines.append("  confusion (rows true, columns predicted): " + " ".join(f"{label:>11}" for label in labels))
    for label, row in zip(labels, metrics["confusion"]["matrix"], strict=True):
        lines.append(f"  {label:>41} " + " ".join(f"{value:>11d}" for value in row))
    return "\n".join(lines)
