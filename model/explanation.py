"""Explanations: the n-grams that pushed a head's decision most, with their spans in the text.

For a multinomial logistic regression the logit of class ``k`` is ``x · w_k + b_k``; the
softmax does not change when the same amount is added to every class, so the push of feature
``j`` toward ``k`` over the other classes is ``x_j * (w_kj - mean_c w_cj)``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from model.classifier import TOKEN_RE
from model.textnorm import fold


def centred_coefficients(coef: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Per-class coefficients minus their mean over classes (binary models get ``[-w, w]``)."""
    if coef.shape[0] == 1:
        coef = np.vstack([-coef[0], coef[0]]) / 2
    centred: npt.NDArray[np.float64] = coef - coef.mean(axis=0, keepdims=True)
    return centred


def explain(
    text: str,
    indices: npt.NDArray[np.int32],
    values: npt.NDArray[Any],
    coefficients: npt.NDArray[np.float64],
    class_index: int,
    feature_names: npt.NDArray[Any],
    top: int = 5,
) -> list[dict[str, Any]]:
    """The ``top`` features that pushed ``text`` toward class ``class_index`` most.

    ``indices`` and ``values`` are the text's row of the feature matrix (its non-zero columns
    and their values).

    Returns
    -------
    list of dict
        ``{"feature", "weight", "spans"}`` sorted by weight, strongest first; ``spans`` are
        ``[start, end]`` offsets of each occurrence of the n-gram in ``text``. Features named
        ``""`` in ``feature_names`` are never shown.
    """
    if indices.size == 0:
        return []
    pushes = values * coefficients[class_index, indices]
    pushes[feature_names[indices] == ""] = 0.0  # character n-grams: no words to show
    order = np.argsort(-pushes)[:top]
    # Tokens of the text folded as the vectorizer folds it (length-preserving, so offsets hold),
    # and where each word occurs: an n-gram is looked up from its first word.
    matches = list(TOKEN_RE.finditer(fold(text)))
    words = [match.group() for match in matches]
    occurrences: dict[str, list[int]] = {}
    for position, word in enumerate(words):
        occurrences.setdefault(word, []).append(position)
    explanation = []
    for position in order:
        weight = float(pushes[position])
        if weight <= 0:
            break
        feature = str(feature_names[indices[position]])
        gram = feature.split(" ")
        spans = [
            [matches[first].start(), matches[first + len(gram) - 1].end()]
            for first in occurrences.get(gram[0], [])
            if words[first : first + len(gram)] == gram
        ]
        explanation.append({"feature": feature, "weight": round(weight, 4), "spans": spans})
    return explanation
