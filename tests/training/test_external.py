"""Converters for the real corpora (skip cleanly when ../shared/corpora is absent)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from model.exceptions import DataError
from model.predictor import StanceModel
from training.corpus import load_labelled
from training.evaluate import evaluate_corpus
from training.external import CORPORA, convert_ruw, read_ruw

pytestmark = pytest.mark.corpora


def test_ruw_maps_labels_onto_the_guide(corpora_dir: Path) -> None:
    frame = read_ruw(corpora_dir / "ruw_stance" / "ruw.csv", "test")
    assert len(frame) == 1200
    assert set(frame["russia"]) == {"favor", "against", "none"}
    assert set(frame["stance"]) == {"pro_russia", "pro_nato", "neutral", ""}  # "" = mixed, left out
    assert (frame["stance"] == "").sum() == 36
    assert (frame["nato"] == "").all()


def test_ruw_conversion_trains_through_the_loader_and_keeps_test_unseen(corpora_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "ruw_train.csv"
    count = convert_ruw(corpora_dir, "train", out)
    frame = load_labelled([out])
    assert len(frame) == count and 4000 < count <= 4200
    test_texts = set(read_ruw(corpora_dir / "ruw_stance" / "ruw.csv", "test")["text"])
    assert test_texts.isdisjoint(frame["text"])


@pytest.mark.parametrize(
    ("name", "minimum"), [("euvsdisinfo", 2600), ("euvsdisinfo_titles", 10000), ("voxcheck", 600), ("unga", 1300)]
)
def test_every_corpus_loads(corpora_dir: Path, name: str, minimum: int) -> None:
    frame = CORPORA[name].load(corpora_dir)
    assert len(frame) >= minimum and frame["text"].str.strip().ne("").all()


def test_each_kind_of_evaluation_runs_on_the_toy_model(corpora_dir: Path, toy_model: StanceModel) -> None:
    ruw = evaluate_corpus(toy_model, "ruw", corpora_dir)
    assert set(ruw["heads"]) == {"stance", "russia"}
    recall = evaluate_corpus(toy_model, "voxcheck", corpora_dir)
    assert 0.0 <= recall["pro_russia_recall"] <= 1.0
    groups = evaluate_corpus(toy_model, "unga", corpora_dir)["groups"]
    assert {"yes", "no", "abstain"} <= set(groups)


def test_missing_corpus_names_the_path_and_the_option(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"Corpus 'voxcheck' not found at .*--corpora-dir"):
        CORPORA["voxcheck"].load(tmp_path)


def test_no_corpus_text_in_the_repository(corpora_dir: Path) -> None:
    # The repository holds only text written for it: no RUW tweet is in our corpus.
    ours = set(load_labelled([Path(__file__).resolve().parents[2] / "data" / "corpus"])["text"].str.lower())
    ruw = set(pd.read_csv(corpora_dir / "ruw_stance" / "ruw.csv", dtype=str)["text"].str.lower())
    assert ours.isdisjoint(ruw)
