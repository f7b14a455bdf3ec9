"""The stance classifier: one scikit-learn Pipeline built by one factory.

A TF-IDF vectorizer feeds three calibrated linear heads (``stance``, ``nato``, ``russia``).
The text is vectorised once per statement and every head reads the same features, so the
three heads cost little more than one. Preprocessing lives only in the vectorizer's
parameters: training and serving run the same code.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from model.labels import HEADS

# Words are runs of letters/digits, keeping inner apostrophes and hyphens ("Putin's",
# "so-called", "anti-NATO") so that framing words survive as one token.
TOKEN_PATTERN = r"(?u)\b\w[\w'’-]*\w\b|\b\w\b"
TOKEN_RE = re.compile(TOKEN_PATTERN)
UNLABELLED = ""


class MultiHeadClassifier(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """One calibrated logistic regression per head, on shared features.

    Unlike :class:`sklearn.multioutput.MultiOutputClassifier`, each head is fitted only on the
    rows labelled for it (an empty string marks a missing label), so data that labels only
    some heads (RUW tweets label Russia but not NATO) can still train the others.

    Parameters
    ----------
    heads : sequence of str
        Head names, in the column order of ``Y``.
    C : float
        Inverse regularisation strength of every head's logistic regression.
    class_weight : {"balanced", None}
        Class weighting of the logistic regressions.
    calibration : {"temperature", "sigmoid", "isotonic", "none"}
        Post-hoc calibration of each head, fitted on out-of-fold predictions.
        ``"temperature"`` keeps each head's arg-max, so tuning with ``"none"`` selects the
        same decisions.
    calibration_folds : int
        Folds of the cross-validation that produces the calibration set.
    random_state : int
        Seed of the fold shuffling.
    """

    def __init__(
        self,
        heads: Sequence[str] = tuple(HEADS),
        C: float = 4.0,
        class_weight: str | None = "balanced",
        calibration: str = "temperature",
        calibration_folds: int = 5,
        random_state: int = 0,
    ) -> None:
        self.heads = heads
        self.C = C
        self.class_weight = class_weight
        self.calibration = calibration
        self.calibration_folds = calibration_folds
        self.random_state = random_state

    def _base_estimator(self) -> LogisticRegression:
        return LogisticRegression(
            C=self.C, class_weight=self.class_weight, max_iter=2000, random_state=self.random_state
        )

    def fit(self, X: Any, Y: npt.ArrayLike) -> MultiHeadClassifier:
        labels = np.asarray(Y, dtype=object)
        if labels.ndim != 2 or labels.shape[1] != len(self.heads):
            raise ValueError(
                f"Y must have one column per head {list(self.heads)}; got shape {labels.shape}."
            )
        self.estimators_: list[Any] = []
        self.classes_: list[npt.NDArray[Any]] = []
        for column, head in enumerate(self.heads):
            mask = labels[:, column] != UNLABELLED
            if not mask.any():
                raise ValueError(f"No row is labelled for head {head!r}; label some or drop the head.")
            y = labels[mask, column].astype(str)
            rows = X[mask] if sparse.issparse(X) else np.asarray(X)[mask]
            estimator: Any = self._base_estimator()
            if self.calibration != "none":
                folds = StratifiedKFold(
                    n_splits=min(self.calibration_folds, int(np.bincount(np.unique(y, return_inverse=True)[1]).min())),
                    shuffle=True,
                    random_state=self.random_state,
                )
                estimator = CalibratedClassifierCV(
                    estimator, method=self.calibration, cv=folds, ensemble=False
                )
            estimator.fit(rows, y)
            self.estimators_.append(estimator)
            self.classes_.append(np.asarray(estimator.classes_))
        return self

    def predict_proba(self, X: Any) -> list[npt.NDArray[np.float64]]:
        """Probabilities per head: a list of ``(n_samples, n_classes)`` arrays, ``classes_`` order."""
        check_is_fitted(self, "estimators_")
        return [np.asarray(estimator.predict_proba(X)) for estimator in self.estimators_]

    def predict(self, X: Any) -> npt.NDArray[Any]:
        """Arg-max label per head: an ``(n_samples, n_heads)`` array of strings."""
        probabilities = self.predict_proba(X)
        columns = [classes[p.argmax(axis=1)] for classes, p in zip(self.classes_, probabilities, strict=True)]
        return np.column_stack(columns)

    def linear_models(self) -> list[LogisticRegression]:
        """The fitted logistic regression of each head (inside its calibrator), for explanations."""
        check_is_fitted(self, "estimators_")
        models = []
        for estimator in self.estimators_:
            if isinstance(estimator, CalibratedClassifierCV):
                models.append(estimator.calibrated_classifiers_[0].estimator)
            else:
                models.append(estimator)
        return models

    def uncalibrated(self) -> MultiHeadClassifier:
        """A copy of this classifier's settings without calibration (for before/after reports)."""
        copy: MultiHeadClassifier = clone(self)
        copy.set_params(calibration="none")
        return copy


def build_pipeline(
    *,
    ngram_max: int = 2,
    min_df: int = 1,
    max_df: float = 0.9,
    sublinear_tf: bool = True,
    C: float = 4.0,
    class_weight: str | None = "balanced",
    calibration: str = "temperature",
    random_state: int = 0,
) -> Pipeline:
    """Build the unfitted stance pipeline: TF-IDF word n-grams, then the three heads.

    Parameters
    ----------
    ngram_max : int
        Longest word n-gram.
    min_df, max_df, sublinear_tf :
        Passed to :class:`~sklearn.feature_extraction.text.TfidfVectorizer`.
    C, class_weight, calibration, random_state :
        Passed to :class:`MultiHeadClassifier`.

    Returns
    -------
    sklearn.pipeline.Pipeline
        Steps ``features`` and ``heads``.
    """
    return Pipeline(
        [
            (
                "features",
                TfidfVectorizer(
                    lowercase=True,
                    token_pattern=TOKEN_PATTERN,
                    ngram_range=(1, ngram_max),
                    min_df=min_df,
                    max_df=max_df,
                    sublinear_tf=sublinear_tf,
                    dtype=np.float32,
                ),
            ),
            (
                "heads",
                MultiHeadClassifier(
                    C=C, class_weight=class_weight, calibration=calibration, random_state=random_state
                ),
            ),
        ]
    )
