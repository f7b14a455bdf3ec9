"""The stance classifier: one scikit-learn Pipeline built by one factory.

A TF-IDF vectorizer feeds three calibrated linear heads (``stance``, ``nato``, ``russia``).
The text is vectorised once per statement and every head reads the same features, so the
three heads cost little more than one. Preprocessing lives only in the vectorizer's
parameters: training and serving run the same code.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, StratifiedKFold
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.utils.validation import check_is_fitted

from model.labels import HEADS

# Words are runs of letters/digits, keeping inner apostrophes and hyphens ("Putin's",
# "so-called", "anti-NATO") so that framing words survive as one token. Written without
# backtracking: it finds the same tokens as the earlier r"(?u)\b\w[\w'’-]*\w\b|\b\w\b" (a
# test checks both), a fifth faster.
TOKEN_PATTERN = r"\w+(?:['’-]+\w+)*"  # noqa: S105 - a regular expression, not a password
TOKEN_RE = re.compile(TOKEN_PATTERN)
# "words": word n-grams (the default model). "words+chars": word n-grams beside character
# 2-5-grams within word boundaries, which read the spelling variants, hashtags and run-together
# words of social media (RUW tweets), at about three times the size and a seventh of the speed (docs/performance.md).
FEATURE_SETS = ("words", "words+chars")
CHAR_NGRAMS = (2, 5)
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

    def fit(
        self,
        X: Any,
        Y: npt.ArrayLike,
        groups: npt.ArrayLike | None = None,
        sample_weight: npt.ArrayLike | None = None,
    ) -> MultiHeadClassifier:
        """Fit every head on the rows labelled for it.

        ``sample_weight`` (optional, one per row) weighs rows in the fit and the calibration:
        a user retraining on their own labels beside ours can let their domain count more.

        ``groups`` (optional, one per row) are the sources the rows come from. When there are
        enough of them, calibration folds hold out whole groups, so the calibration is learnt on
        predictions for text unlike the training text, as real input will be; folds that mix
        every source learn an in-distribution confidence that does not survive a change of topic
        or genre.
        """
        labels = np.asarray(Y, dtype=object)
        group_array = None if groups is None else np.asarray(groups)
        weights = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        if labels.ndim != 2 or labels.shape[1] != len(self.heads):
            raise ValueError(f"Y must have one column per head {list(self.heads)}; got shape {labels.shape}.")
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
                labels_present, counts = np.unique(y, return_counts=True)
                if counts.min() < 2:
                    rare = str(labels_present[counts.argmin()])
                    raise ValueError(
                        f"Head {head!r}: label {rare!r} has {counts.min()} example; calibration needs at least 2 "
                        "per label. Label more statements with it."
                    )
                folds: Any = StratifiedKFold(
                    n_splits=min(self.calibration_folds, int(counts.min())),
                    shuffle=True,
                    random_state=self.random_state,
                )
                if group_array is not None and len(set(group_array[mask])) >= self.calibration_folds:
                    folds = list(GroupKFold(n_splits=self.calibration_folds).split(rows, y, group_array[mask]))
                estimator = CalibratedClassifierCV(estimator, method=self.calibration, cv=folds, ensemble=False)
            estimator.fit(rows, y, sample_weight=None if weights is None else weights[mask])
            self.estimators_.append(estimator)
            self.classes_.append(np.asarray(estimator.classes_))
        return self

    def predict_proba(self, X: Any) -> list[npt.NDArray[np.float64]]:
        """Probabilities per head: a list of ``(n_samples, n_classes)`` arrays, ``classes_`` order.

        For multinomial heads of one width with temperature scaling (or none) this computes
        ``softmax(beta * (X @ coef.T + intercept))`` for all heads in one sparse product and one
        softmax, which is what scikit-learn computes, without its per-call validation: at one
        statement per call that validation costs more than the arithmetic.
        """
        check_is_fitted(self, "estimators_")
        stacked = self._stacked()
        if stacked is None:
            return [np.asarray(estimator.predict_proba(X)) for estimator in self.estimators_]
        weights, intercepts, width = stacked
        logits = (np.asarray(X @ weights, dtype=np.float64) + intercepts).reshape(X.shape[0], -1, width)
        logits -= logits.max(axis=2, keepdims=True)
        np.exp(logits, out=logits)
        logits /= logits.sum(axis=2, keepdims=True)
        return [logits[:, head, :] for head in range(logits.shape[1])]

    def _stacked(self) -> tuple[Any, npt.NDArray[np.float64], int] | None:
        """All heads' weights side by side, each scaled by its temperature (computed once, not
        pickled), and their common width; None if a head needs scikit-learn's own predict_proba
        (sigmoid or isotonic calibration, binary heads, heads of different widths)."""
        cached = self.__dict__.get("_stacked_cache", False)
        if cached is not False:
            return cached  # type: ignore[no-any-return]
        columns, intercepts = [], []
        result: Any = None
        widths = {model.coef_.shape[0] for model in self.linear_models()}
        if self.calibration in {"temperature", "none"} and len(widths) == 1 and min(widths) >= 3:
            for estimator, model in zip(self.estimators_, self.linear_models(), strict=True):
                beta = (
                    float(estimator.calibrated_classifiers_[0].calibrators[0].beta_)
                    if isinstance(estimator, CalibratedClassifierCV)
                    else 1.0
                )
                columns.append(beta * model.coef_.T)
                intercepts.append(beta * model.intercept_)
            result = (np.ascontiguousarray(np.hstack(columns)), np.concatenate(intercepts), widths.pop())
        self.__dict__["_stacked_cache"] = result
        return result  # type: ignore[no-any-return]

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_stacked_cache", None)
        return state

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


class CompiledFeatures:
    """The fitted TF-IDF vectorizer's ``transform``, without scikit-learn's per-call validation.

    At one statement per call, scikit-learn's input checks cost a hundred times more than the
    arithmetic (about 400 µs against 4 µs). This applies the vectorizer's own analyzer (so
    tokenisation stays defined once, by the vectorizer's parameters), vocabulary and idf
    weights, with sublinear tf and l2 normalisation as the vectorizer does; tests check it
    equals ``vectorizer.transform`` on the whole corpus. A :class:`FeatureUnion` of such
    vectorizers is compiled part by part. Any other configuration falls back to
    ``vectorizer.transform``.
    """

    def __init__(self, vectorizer: TfidfVectorizer | FeatureUnion) -> None:
        self.vectorizer = vectorizer
        self.parts: list[CompiledFeatures] = []
        self.supported: bool
        if isinstance(vectorizer, FeatureUnion):
            self.parts = [CompiledFeatures(part) for _, part in vectorizer.transformer_list]
            self.supported = all(part.supported for part in self.parts) and not vectorizer.transformer_weights
            return
        self.supported = (
            isinstance(vectorizer, TfidfVectorizer)
            and vectorizer.norm == "l2"
            and vectorizer.use_idf
            and not vectorizer.binary
            and vectorizer.analyzer in {"word", "char_wb", "char"}
        )
        self.analyzer = vectorizer.build_analyzer()
        self.vocabulary: dict[str, int] = vectorizer.vocabulary_
        self.idf = np.asarray(vectorizer.idf_, dtype=np.float64)
        self.sublinear = bool(vectorizer.sublinear_tf)
        self.dtype = vectorizer.dtype

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """TF-IDF rows of ``texts``, equal to ``vectorizer.transform(texts)``."""
        if not self.supported:
            return self.vectorizer.transform(texts)
        if self.parts:
            return sparse.hstack([part.transform(texts) for part in self.parts], format="csr")
        lookup, analyzer = self.vocabulary.get, self.analyzer
        indptr = [0]
        indices: list[int] = []
        counts: list[int] = []
        for text in texts:
            row = Counter(map(lookup, analyzer(text)))
            row.pop(None, None)  # n-grams outside the vocabulary
            indices.extend(row)  # type: ignore[arg-type]
            counts.extend(row.values())
            indptr.append(len(indices))
        columns = np.asarray(indices, dtype=np.int32)
        values = np.asarray(counts, dtype=np.float64)
        if self.sublinear:
            values = np.log(values, out=values) + 1.0
        values *= self.idf[columns]
        lengths = np.diff(indptr)
        rows = np.repeat(np.arange(len(texts)), lengths)
        norms = np.sqrt(np.bincount(rows, weights=values * values, minlength=len(texts)))
        values /= np.where(norms == 0, 1.0, norms)[rows]
        return sparse.csr_matrix(
            (values.astype(self.dtype), columns, np.asarray(indptr, dtype=np.int32)),
            shape=(len(texts), len(self.vocabulary)),
        )


def word_feature_names(features: TfidfVectorizer | FeatureUnion) -> npt.NDArray[Any]:
    """The name of every feature column as the words it stands for; ``""`` for a column that
    stands for no words (character n-grams push decisions too, but have no span a reader can
    check in an explanation)."""
    names: npt.NDArray[Any] = np.asarray(features.get_feature_names_out(), dtype=object)
    if not isinstance(features, FeatureUnion):
        return names
    return np.array([name.removeprefix("words__") if name.startswith("words__") else "" for name in names])


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
    preprocessor: Callable[[str], str] | None = None,
    features: str = "words",
) -> Pipeline:
    """Build the unfitted stance pipeline: TF-IDF word n-grams, then the three heads.

    Parameters
    ----------
    preprocessor : callable, optional
        Text to lower-cased text before tokenising; the default model uses
        :class:`model.targets.SideTokens` (the sides' aliases as one token each). None: lower-case.
    ngram_max : int
        Longest word n-gram.
    min_df, max_df, sublinear_tf :
        Passed to :class:`~sklearn.feature_extraction.text.TfidfVectorizer`.
    C, class_weight, calibration, random_state :
        Passed to :class:`MultiHeadClassifier`.
    features : str
        One of :data:`FEATURE_SETS`.

    Returns
    -------
    sklearn.pipeline.Pipeline
        Steps ``features`` and ``heads``.
    """
    if features not in FEATURE_SETS:
        raise ValueError(f"Unknown feature set {features!r}; choose one of {list(FEATURE_SETS)}.")
    words = TfidfVectorizer(
        lowercase=True,
        preprocessor=preprocessor,
        token_pattern=TOKEN_PATTERN,
        ngram_range=(1, ngram_max),
        min_df=min_df,
        max_df=max_df,
        sublinear_tf=sublinear_tf,
        dtype=np.float32,
    )
    extracted: TfidfVectorizer | FeatureUnion = words
    if features == "words+chars":
        chars = TfidfVectorizer(
            lowercase=True,
            preprocessor=preprocessor,
            analyzer="char_wb",
            ngram_range=CHAR_NGRAMS,
            min_df=max(min_df, 2),
            max_df=max_df,
            sublinear_tf=sublinear_tf,
            dtype=np.float32,
        )
        extracted = FeatureUnion([("words", words), ("chars", chars)])
    return Pipeline(
        [
            ("features", extracted),
            (
                "heads",
                MultiHeadClassifier(C=C, class_weight=class_weight, calibration=calibration, random_state=random_state),
            ),
        ]
    )
