"""Evaluation of a model on labelled statements and on the real corpora."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from model.labels import HEADS
from model.predictor import StanceModel
from training import external
from training.metrics import format_head, head_metrics


def evaluate_frame(model: StanceModel, frame: pd.DataFrame) -> dict[str, Any]:
    """Metrics of every head on the rows of ``frame`` labelled for it."""
    if frame.empty:
        return {}
    features = model.features.transform(frame["text"].tolist())
    probabilities = model.head_probabilities(features)
    results: dict[str, Any] = {}
    for head, labels in HEADS.items():
        if head not in frame:
            continue
        mask = (frame[head].fillna("") != "").to_numpy()
        if mask.any():
            results[head] = head_metrics(head, frame.loc[mask, head].tolist(), probabilities[head][mask], labels)
    return results


def evaluate_corpus(model: StanceModel, name: str, corpora_dir: Path) -> dict[str, Any]:
    """Evaluate on one real corpus by name (see :data:`training.external.CORPORA`)."""
    corpus = external.CORPORA[name]
    frame = corpus.load(corpora_dir)
    result: dict[str, Any] = {"corpus": name, "description": corpus.description, "n": len(frame)}
    if corpus.kind == "labelled":
        result["heads"] = evaluate_frame(model, frame)
    elif corpus.kind == "recall":
        features = model.features.transform(frame["text"].tolist())
        stance = model.head_probabilities(features)["stance"]
        predicted = np.asarray(HEADS["stance"])[stance.argmax(axis=1)]
        result["pro_russia_recall"] = float((predicted == "pro_russia").mean())
        result["predicted_distribution"] = {label: int((predicted == label).sum()) for label in HEADS["stance"]}
    elif corpus.kind == "by_group":
        features = model.features.transform(frame["text"].tolist())
        stance = model.head_probabilities(features)["stance"]
        predicted = pd.Series(np.asarray(HEADS["stance"])[stance.argmax(axis=1)], index=frame.index)
        groups: dict[str, Any] = {}
        for group, members in predicted.groupby(frame["group"]):
            counts = members.value_counts()
            groups[str(group)] = {
                "n": int(members.size),
                **{f"share_{label}": float(counts.get(label, 0) / members.size) for label in HEADS["stance"]},
            }
        result["groups"] = groups
        if "no" in groups and "yes" in groups:
            result["pro_russia_margin_no_minus_yes"] = (
                groups["no"]["share_pro_russia"] - groups["yes"]["share_pro_russia"]
            )
    return result


def format_evaluation(result: dict[str, Any]) -> str:
    """A readable report of :func:`evaluate_corpus` or of :func:`evaluate_frame` results."""
    lines = []
    if "corpus" in result:
        lines.append(f"corpus {result['corpus']}: {result['description']} (n={result['n']})")
    heads = result.get("heads", result if "corpus" not in result else {})
    for head, metrics in heads.items():
        lines.append(format_head(head, metrics))
    if "pro_russia_recall" in result:
        lines.append(
            f"pro_russia recall: {result['pro_russia_recall']:.3f}  predicted: {result['predicted_distribution']}"
        )
    if "groups" in result:
        lines.append(f"  {'group':<26}{'n':>6}{'pro_russia':>12}{'pro_nato':>10}{'neutral':>10}")
        for group, values in sorted(result["groups"].items()):
            lines.append(
                f"  {group:<26}{values['n']:>6}{values['share_pro_russia']:>12.3f}"
                f"{values['share_pro_nato']:>10.3f}{values['share_neutral']:>10.3f}"
            )
        if "pro_russia_margin_no_minus_yes" in result:
            lines.append(
                f"  pro_russia share, 'no' minus 'yes' voters: {result['pro_russia_margin_no_minus_yes']:+.3f}"
            )
    return "\n".join(lines)
