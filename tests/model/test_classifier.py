"""The classifier: shared features, per-head fitting on labelled rows, fast paths equal to
scikit-learn's own computations."""

from __future__ import annotations

import re

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from model.classifier import TOKEN_PATTERN, CompiledFeatures, MultiHeadClassifier, build_pipeline
from model.locations import CORPUS_DIR
from model.predictor import StanceModel
from tests.conftest import TOY_STATEMENTS
from training.corpus import load_labelled

ODD_TEXTS = ["", "   ", "zzzz qqqq", "a", "NATO NATO NATO", "Putin’s so-called “operation”", "İstanbul ß"]


def test_compiled_features_equal_the_vectorizer_on_the_corpus(toy_model: StanceModel) -> None:
    texts = ODD_TEXTS + load_labelled([CORPUS_DIR])["text"].tolist() + ODD_TEXTS
    compiled = CompiledFeatures(toy_model.vectorizer).transform(texts)
    reference = toy_model.vectorizer.transform(texts)
    assert compiled.shape == reference.shape and compiled.dtype == reference.dtype
    assert abs(compiled - reference).max() < 1e-6


EARLIER_TOKEN_PATTERN = r"(?u)\b\w[\w'’-]*\w\b|\b\w\b"  # the backtracking form models were built with


def test_token_pattern_finds_the_tokens_of_the_earlier_pattern() -> None:
    tricky = [
        "don't stop, anti-NATO so-called 'operation' -- a-b c'- x- -y _z_ 9-11 'quoted' it’s rock’n’roll",
        "a' 'a a-- --a ab''cd ef-'gh i’ j'-k -- ' ’ ‐ NATO's allies' Nazi-ish 42nd x_y",
    ]
    texts = tricky + load_labelled([CORPUS_DIR])["text"].tolist()
    earlier, current = re.compile(EARLIER_TOKEN_PATTERN), re.compile(TOKEN_PATTERN)
    for text in texts:
        for variant in (text, text.lower()):
            assert current.findall(variant) == earlier.findall(variant), variant


@pytest.mark.parametrize("ngram_range", [(1, 1), (1, 3), (2, 3)])
def test_compiled_word_ngrams_equal_the_vectorizer_for_other_ranges(ngram_range: tuple[int, int]) -> None:
    texts = [t for t, *_ in TOY_STATEMENTS]
    vectorizer = TfidfVectorizer(token_pattern=TOKEN_PATTERN, ngram_range=ngram_range, sublinear_tf=True).fit(texts)
    compiled = CompiledFeatures(vectorizer)
    assert compiled.supported  # the compiled path, not the vectorizer's fallback
    checked = ODD_TEXTS + texts
    assert abs(compiled.transform(checked) - vectorizer.transform(checked)).max() < 1e-6


def test_words_and_characters_compile_and_explain_in_words(toy_model: StanceModel) -> None:
    pipeline = build_pipeline(C=10.0, features="words+chars")
    pipeline.fit([t for t, *_ in TOY_STATEMENTS], [list(row[1:]) for row in TOY_STATEMENTS])
    texts = ODD_TEXTS + [t for t, *_ in TOY_STATEMENTS] + ["#StopNATOexpansion now", "natooo is a threat"]
    union = pipeline.named_steps["features"]
    compiled = CompiledFeatures(union)
    assert compiled.supported
    reference = union.transform(texts)
    assert abs(compiled.transform(texts) - reference).max() < 1e-6
    assert reference.shape[1] > len(union.transformer_list[0][1].vocabulary_)  # character columns exist
    model = StanceModel(pipeline, toy_model.lexicon)
    text = "NATO expansion threatens Russia and provokes the war"
    [record] = model.predict([text], explain=True)
    assert record["explanation"]
    for item in record["explanation"]:
        assert not item["feature"].startswith(("words__", "chars__")) and item["spans"]
        for start, end in item["spans"]:
            assert text[start:end].lower() == item["feature"]


def test_unknown_feature_set_is_refused() -> None:
    with pytest.raises(ValueError, match="words\\+chars"):
        build_pipeline(features="letters")


def test_fast_heads_equal_scikit_learn(toy_model: StanceModel) -> None:
    features = toy_model.vectorizer.transform([t for t, *_ in TOY_STATEMENTS] + ODD_TEXTS)
    fast = toy_model.heads.predict_proba(features)
    reference = [estimator.predict_proba(features) for estimator in toy_model.heads.estimators_]
    for ours, theirs in zip(fast, reference, strict=True):
        np.testing.assert_allclose(ours, theirs, atol=1e-6)


@pytest.mark.parametrize("calibration", ["none", "sigmoid"])
def test_other_calibrations_still_predict_distributions(calibration: str) -> None:
    pipeline = build_pipeline(calibration=calibration, C=10.0)
    pipeline.fit([t for t, *_ in TOY_STATEMENTS], [list(row[1:]) for row in TOY_STATEMENTS])
    for probabilities in pipeline.predict_proba(["NATO expansion threatens Russia"]):
        assert probabilities.shape == (1, 3) and np.isclose(probabilities.sum(), 1.0)


def test_heads_train_only_on_rows_labelled_for_them() -> None:
    texts = [t for t, *_ in TOY_STATEMENTS]
    labels = np.array([list(row[1:]) for row in TOY_STATEMENTS], dtype=object)
    labels[::4, 1] = ""  # a quarter of the rows carry no NATO label
    pipeline = build_pipeline(C=10.0)
    pipeline.fit(texts, labels)
    heads: MultiHeadClassifier = pipeline.named_steps["heads"]
    assert [len(c) for c in heads.classes_] == [3, 3, 3]
    assert pipeline.predict(texts).shape == (len(texts), 3)


def test_label_matrix_of_the_wrong_shape_is_refused() -> None:
    with pytest.raises(ValueError, match="one column per head"):
        build_pipeline().fit(["a b", "c d"], [["pro_nato"], ["neutral"]])


def test_a_label_too_rare_to_calibrate_is_refused() -> None:
    texts = [t for t, *_ in TOY_STATEMENTS]
    labels = [
        [row[1], row[2] if row[2] != "favor" or i == 9 else "none", row[3]] for i, row in enumerate(TOY_STATEMENTS)
    ]
    with pytest.raises(ValueError, match="Head 'nato': label 'favor' has 1 example"):
        build_pipeline().fit(texts, labels)


def test_a_head_with_no_labels_is_refused() -> None:
    texts = [t for t, *_ in TOY_STATEMENTS]
    labels = [[row[1], "", row[3]] for row in TOY_STATEMENTS]
    with pytest.raises(ValueError, match="No row is labelled for head 'nato'"):
        build_pipeline().fit(texts, labels)


def test_calibration_can_hold_out_whole_sources() -> None:
    texts = [t for t, *_ in TOY_STATEMENTS] * 2
    labels = [list(row[1:]) for row in TOY_STATEMENTS] * 2
    sources = [f"batch-{i % 6}" for i in range(len(texts))]
    grouped = build_pipeline(C=10.0).fit(texts, labels, heads__groups=sources)
    mixed = build_pipeline(C=10.0).fit(texts, labels)
    text = ["NATO expansion threatens Russia"]
    grouped_stance, mixed_stance = grouped.predict_proba(text)[0], mixed.predict_proba(text)[0]
    assert np.isclose(grouped_stance.sum(), 1.0)
    # Same model, different calibration set: the arg-max is kept, the confidence differs.
    assert grouped_stance.argmax() == mixed_stance.argmax()
    assert not np.allclose(grouped_stance, mixed_stance)
