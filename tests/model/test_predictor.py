"""The prediction record: one shape for every input, full score maps that sum to 1."""

from __future__ import annotations

import math

import numpy as np
import pytest

from model.exceptions import InputError
from model.explanation import explain
from model.labels import HEADS
from model.predictor import StanceModel

RECORD_KEYS = {"id", "stance", "score", "scores", "targets", "voice", "speaker", "loaded_terms", "framing"}


def test_record_shape_is_the_same_for_one_and_many(toy_model: StanceModel) -> None:
    one = toy_model.predict(["NATO expansion threatens Russia"])
    many = toy_model.predict(["Delegates met in Geneva"] * 50)
    for record in one + many:
        assert set(record) == RECORD_KEYS
        assert set(record["targets"]) == {"nato", "russia"}
        assert set(record["framing"]) == {"loaded_count", "author_loaded_count", "per_100_words"}


def test_scores_are_full_maps_that_sum_to_one(toy_model: StanceModel) -> None:
    [record] = toy_model.predict(["Sanctions on the Kremlin must stay"])
    assert list(record["scores"]) == list(HEADS["stance"])
    assert math.isclose(sum(record["scores"].values()), 1.0, rel_tol=1e-6)
    assert record["score"] == max(record["scores"].values())
    assert record["stance"] == max(record["scores"], key=record["scores"].get)
    for head in ("nato", "russia"):
        result = record["targets"][head]
        assert list(result["scores"]) == list(HEADS[head])
        assert math.isclose(sum(result["scores"].values()), 1.0, rel_tol=1e-6)
        assert result["label"] == max(result["scores"], key=result["scores"].get)


def test_toy_model_learns_the_obvious(toy_model: StanceModel) -> None:
    records = toy_model.predict(
        ["NATO expansion threatens Russia and provokes war", "We stand with Ukraine against the invasion"]
    )
    assert [r["stance"] for r in records] == ["pro_russia", "pro_nato"]


def test_ids_are_echoed_or_positional(toy_model: StanceModel) -> None:
    assert [r["id"] for r in toy_model.predict(["a b", "c d"])] == ["0", "1"]
    assert [r["id"] for r in toy_model.predict(["a b", "c d"], ids=["x", "y"])] == ["x", "y"]
    with pytest.raises(InputError, match="2 texts"):
        toy_model.predict(["a", "b"], ids=["x"])


@pytest.mark.parametrize(
    ("value", "message"), [("", "empty"), ("   ", "empty"), (None, "NoneType, not a string"), (3, "int")]
)
def test_bad_texts_are_refused_with_position(toy_model: StanceModel, value: object, message: str) -> None:
    with pytest.raises(InputError, match=rf"Text #1 .*{message}"):
        toy_model.predict(["fine", value])  # type: ignore[list-item]


def test_loaded_terms_carry_offsets_voice_and_alternatives(toy_model: StanceModel) -> None:
    text = 'The Cuban regime backed Moscow. "The Kiev regime is run by neo-Nazis," the ministry said.'
    [record] = toy_model.predict([text])
    terms = record["loaded_terms"]
    assert [(t["term"], t["voice"], t["target"]) for t in terms] == [
        ("regime", "author", "Cuba"),
        ("Kiev regime", "quoted", "Ukraine"),
        ("neo-Nazis", "quoted", "Ukraine"),
    ]
    for term in terms:
        assert text[term["start"] : term["end"]] == term["term"]
        assert term["neutral"]
    assert record["framing"]["loaded_count"] == 3
    assert record["framing"]["author_loaded_count"] == 1
    assert record["framing"]["per_100_words"] == round(100 / len(text.split()), 2)


def test_explanation_only_when_asked_with_spans_into_the_text(toy_model: StanceModel) -> None:
    text = "NATO expansion threatens Russia and provokes the war"
    assert "explanation" not in toy_model.predict([text])[0]
    [record] = toy_model.predict([text], explain=True)
    assert record["explanation"], "no features explained the decision"
    weights = [item["weight"] for item in record["explanation"]]
    assert weights == sorted(weights, reverse=True) and weights[0] > 0
    for item in record["explanation"]:
        assert item["spans"]
        for start, end in item["spans"]:
            assert text[start:end].lower() == item["feature"]


def test_empty_input_gives_empty_output(toy_model: StanceModel) -> None:
    assert toy_model.predict([]) == []


def test_explanation_spans_are_found_in_text_folded_as_the_vectorizer_folds_it() -> None:
    # The vocabulary holds "helsinki's" (curly apostrophes folded to straight ones); the text
    # keeps its curly apostrophe, and the span still points at it.
    text = "Kremlin calls Helsinki’s bid a mistake; Helsinki’s answer came fast"
    names = np.array(["helsinki's", "bid", "mistake", ""], dtype=object)
    coefficients = np.array([[0.5, 0.3, -0.2, 0.9]])
    found = explain(text, np.array([0, 1, 2, 3]), np.array([1.0, 1.0, 1.0, 1.0]), coefficients, 0, names)
    assert [item["feature"] for item in found] == ["helsinki's", "bid"]  # no negative push, no nameless column
    assert found[0]["spans"] == [[14, 24], [40, 50]] and text[14:24] == "Helsinki’s"
    assert found[1]["spans"] == [[25, 28]]
