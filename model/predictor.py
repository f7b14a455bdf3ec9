"""The loaded model: classifier heads, lexicon and voice analysis behind one ``predict``.

Every surface (API, batch scorer, command line, evaluation) calls :meth:`StanceModel.predict`
or :func:`model.document.analyze_document`, so a scored row and an API response always agree.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse
from sklearn.pipeline import Pipeline

from model import artifact
from model.classifier import CompiledFeatures, MultiHeadClassifier, word_feature_names
from model.exceptions import InputError
from model.explanation import centred_coefficients, explain
from model.labels import HEADS, TARGET_HEADS
from model.lexicon import Lexicon
from model.record import HeadResult, LoadedTerm, PredictionRecord, framing, loaded_terms
from model.voice import SentenceVoice, attribute_quotes, find_quotes, sentence_voice


def build_record(
    identifier: str, heads: dict[str, HeadResult], voice: SentenceVoice, terms: list[LoadedTerm], words: int
) -> PredictionRecord:
    """The record of one statement from its head results, voice, loaded terms and word count."""
    stance = heads["stance"]
    return {
        "id": identifier,
        "stance": stance["label"],
        "score": stance["score"],
        "scores": stance["scores"],
        "targets": {name: heads[name] for name in TARGET_HEADS},
        "voice": voice.voice.value,
        "speaker": voice.speaker,
        "loaded_terms": terms,
        "framing": framing(terms, words),
    }


class StanceModel:
    """A fitted pipeline with its lexicon and metadata, ready to predict.

    Parameters
    ----------
    pipeline : sklearn.pipeline.Pipeline
        Steps ``features`` (a TF-IDF vectorizer, or a union of them) and ``heads``
        (:class:`MultiHeadClassifier`).
    lexicon : Lexicon
        The loaded-term lexicon.
    metadata : dict
        The artifact's metadata (name, version, metrics...).
    """

    def __init__(self, pipeline: Pipeline, lexicon: Lexicon, metadata: dict[str, Any] | None = None) -> None:
        self.pipeline = pipeline
        self.lexicon = lexicon
        self.metadata = metadata or {}
        self.vectorizer = pipeline.named_steps["features"]
        self.features = CompiledFeatures(self.vectorizer)
        heads: MultiHeadClassifier = pipeline.named_steps["heads"]
        self.heads = heads
        # Column order of each head's probabilities -> the guide's label order, computed once.
        self._label_orders: list[tuple[tuple[str, ...], npt.NDArray[np.intp]]] = []
        for name, classes in zip(heads.heads, heads.classes_, strict=True):
            labels = HEADS[name]
            missing = [label for label in labels if label not in list(classes)]
            if missing:
                raise InputError(
                    f"Head {name!r} was trained without labels {missing}; retrain with every label present."
                )
            self._label_orders.append((labels, np.array([list(classes).index(label) for label in labels])))
        self._feature_names: npt.NDArray[Any] | None = None
        self._coefficients: list[npt.NDArray[np.float64]] | None = None

    @classmethod
    def load(cls, directory: Path) -> StanceModel:
        """Load a model directory (see :func:`model.artifact.load`)."""
        loaded = artifact.load(directory)
        model = cls(loaded.pipeline, loaded.lexicon, loaded.metadata)
        # The model's 130,000 objects live as long as the process: moved out of the garbage
        # collector's reach, they are no longer scanned by every full collection (predict on
        # chunks of 5,000 statements: 102 to 92 µs a statement, docs/performance.md).
        gc.freeze()
        return model

    @property
    def info(self) -> dict[str, Any]:
        """The model block of every API response: name, version, lexicon version."""
        return {
            "name": self.metadata.get("name", "stancewatch"),
            "version": self.metadata.get("version", "unversioned"),
            "lexicon_version": self.lexicon.version,
        }

    def head_probabilities(self, features: sparse.csr_matrix) -> dict[str, npt.NDArray[np.float64]]:
        """Probabilities per head in the guide's label order, one row per statement."""
        probabilities = self.heads.predict_proba(features)
        return {
            name: probabilities[index][:, order]
            for index, (name, (_, order)) in enumerate(zip(self.heads.heads, self._label_orders, strict=True))
        }

    def predict(
        self,
        texts: Sequence[str],
        ids: Sequence[str] | None = None,
        explain: bool = False,
    ) -> list[PredictionRecord]:
        """Predict a record for each statement.

        Parameters
        ----------
        texts : sequence of str
            Statements; each must be a non-empty string.
        ids : sequence of str, optional
            Identifiers echoed in the records; defaults to the position as a string.
        explain : bool
            Add the n-grams that pushed the stance decision most, with their spans.

        Returns
        -------
        list of PredictionRecord
            One record per text, same shape whatever the input.

        Raises
        ------
        InputError
            If a text is not a string or is blank.
        """
        for position, text in enumerate(texts):
            check_text(text, position)
        if ids is not None and len(ids) != len(texts):
            raise InputError(f"Got {len(ids)} ids for {len(texts)} texts; give one id per text or none.")
        if not texts:
            return []
        features = self.features.transform(texts)
        head_results = self.head_results(features)
        records = []
        for row, text in enumerate(texts):
            quotes = attribute_quotes(text, find_quotes(text))
            voice = sentence_voice(text, 0, len(text), quotes)
            terms = loaded_terms(text, self.lexicon, voice, quotes)
            record = build_record(
                str(ids[row]) if ids is not None else str(row), head_results[row], voice, terms, len(text.split())
            )
            if explain:
                record["explanation"] = self.explain(text, features, row, record["stance"])
            records.append(record)
        return records

    def head_results(self, features: sparse.csr_matrix) -> list[dict[str, HeadResult]]:
        """Per statement, each head's label, its score and every label's score (guide order).

        Arg-max and conversion to Python floats run on whole arrays; what is left per
        statement is building its dictionaries.
        """
        columns = []
        for name, table in self.head_probabilities(features).items():
            labels = HEADS[name]
            best = table.argmax(axis=1)
            columns.append(
                (name, labels, table.tolist(), [labels[index] for index in best.tolist()], table.max(axis=1).tolist())
            )
        return [
            {
                name: {
                    "label": best_labels[row],
                    "score": best_scores[row],
                    "scores": dict(zip(labels, scores[row], strict=True)),
                }
                for name, labels, scores, best_labels, best_scores in columns
            }
            for row in range(features.shape[0])
        ]

    def explain(self, text: str, features: sparse.csr_matrix, row: int, stance: str) -> list[dict[str, Any]]:
        """The n-grams that pushed the stance head toward ``stance`` most, for ``features[row]``."""
        if self._feature_names is None or self._coefficients is None:
            self._feature_names = word_feature_names(self.vectorizer)
            self._coefficients = [centred_coefficients(m.coef_) for m in self.heads.linear_models()]
        stance_index = list(self.heads.heads).index("stance")
        classes = list(self.heads.classes_[stance_index])
        # The row's columns and values read straight from the matrix: slicing a row out of a
        # sparse matrix costs more than the explanation itself.
        start, end = features.indptr[row], features.indptr[row + 1]
        return explain(
            text,
            features.indices[start:end],
            features.data[start:end],
            self._coefficients[stance_index],
            classes.index(stance),
            self._feature_names,
        )


# Unicode's White_Space characters, spelled out: the API schema uses the same class in its
# pattern (JSON Schema and Rust regexes), while Python's str.isspace() also counts the ASCII
# separators \x1c-\x1f, which would make the model refuse what the schema accepts.
WHITE_SPACE = "\\t\\n\\x0b\\x0c\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
NOT_BLANK = f"[^{WHITE_SPACE}]"
_HAS_CONTENT = re.compile(NOT_BLANK)


def is_blank(text: str) -> bool:
    """Whether ``text`` holds nothing but white space (Unicode's White_Space set)."""
    return _HAS_CONTENT.search(text) is None


def check_text(text: object, position: int) -> str:
    """Return ``text`` if it is a non-blank string, else raise :class:`InputError` naming the position."""
    if not isinstance(text, str):
        raise InputError(f"Text #{position} is a {type(text).__name__}, not a string. Send each text as a JSON string.")
    if is_blank(text):
        raise InputError(f"Text #{position} is empty. Send a statement with at least one word, or drop the row.")
    return text
