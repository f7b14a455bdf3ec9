"""Explanations: the n-grams that pushed a head's decision most, with their spans in the text.

For a multinomial logistic regression the logit of class ``k`` is ``x · w_k + b_k``; the
softmax does not change when the same amount is added to every class, so the push of feature
``j`` toward ``k`` over the other classes is ``x_j * (w_kj - mean_c w_cj)``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse

from model.classifier import TOKEN_RE


def centred_coefficients(coef: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Per-class coefficients minus their mean over classes (binary models get ``[-w, w]``)."""
    if coef.shape[0] == 1:
        coef = np.vstack([-coef[0], coef[0]]) / 2
    centred: npt.NDArray[np.float64] = coef - coef.mean(axis=0, keepdims=True)
    return centred


def token_spans(text: str) -> list[tuple[str, int, int]]:
    """Tokens as the vectorizer sees them (lowercased), with their offsets in ``text``."""
    return [(m.group().lower(), m.start(), m.end()) for m in TOKEN_RE.finditer(text)]


def explain(
    text: str,
    row: sparse.csr_matrix,
    coefficients: npt.NDArray[np.float64],
    class_index: int,
    feature_names: npt.NDArray[Any],
    top: int = 5,
) -> list[dict[str, Any]]:
    """The ``top`` features that pushed ``text`` toward class ``class_index`` most.

    Returns
    -------
    list of dict
        ``{"feature", "weight", "spans"}`` sorted by weight, strongest first; ``spans`` are
        ``[start, end]`` offsets of each occurrence of the n-gram in ``text``. Features named
        ``""`` in ``feature_names`` are never shown.
    """
    indices = row.indices
    if indices.size == 0:
        return []
    pushes = row.data * coefficients[class_index, indices]
    pushes[feature_names[indices] == ""] = 0.0  # character n-grams: no words to show
    order = np.argsort(-pushes)[:top]
    tokens = token_spans(text)
    words = [token for token, _, _ in tokens]
    explanation = []
    for position in order:
        weight = float(pushes[position])
        if weight <= 0:
            break
        feature = str(feature_names[indices[position]])
        gram = feature.split(" ")
        spans = [
            [tokens[i][1], tokens[i + len(gram) - 1][2]]
            for i in range(len(words) - len(gram) + 1)
            if words[i : i + len(gram)] == gram
        ]
        explanation.append({"feature": feature, "weight": round(weight, 4), "spans": spans})
    return explanation
