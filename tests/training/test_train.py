"""Training: reproducible, searched on the training split only, evaluated on the held-out split,
saved as a complete artifact; retraining on a user's own labels works."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from model import artifact
from model.exceptions import DataError
from model.predictor import StanceModel
from tests.conftest import TOY_STATEMENTS
from training import train as training
from training.train import search, train


def write_toy_corpus(path: Path, test_every: int = 4) -> Path:
    rows = []
    for index, (text, stance, nato, russia) in enumerate(TOY_STATEMENTS * 2):
        rows.append(
            {
                "id": f"t{index}",
                "text": text if index < len(TOY_STATEMENTS) else f"{text}, again",
                "stance": stance,
                "nato": nato,
                "russia": russia,
                "split": "test" if index % test_every == 0 else "train",
            }
        )
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


SMALL_GRID = {"ngram_max": [1, 2], "min_df": [1], "C": [1.0, 10.0]}


def test_training_is_reproducible_and_complete(
    tmp_path: Path, toy_lexicon_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(training, "PARAM_GRID", SMALL_GRID)
    data = write_toy_corpus(tmp_path / "corpus.jsonl")
    first = train([data], tmp_path / "a", toy_lexicon_dir)
    second = train([data], tmp_path / "b", toy_lexicon_dir)
    hashes = [
        json.loads((d / artifact.METADATA_FILE).read_text())["files"][artifact.PIPELINE_FILE] for d in (first, second)
    ]
    assert hashes[0] == hashes[1], "same data and seed must give the same pipeline bytes"
    metadata = json.loads((first / artifact.METADATA_FILE).read_text())
    assert metadata["training_data"]["rows"] == {"train": 36, "test": 12}
    assert set(metadata["metrics"]["test"]) == {"stance", "nato", "russia"}
    assert {"ece_before", "ece_after", "brier_before", "brier_after"} <= set(
        metadata["metrics"]["calibration"]["stance"]
    )
    assert metadata["params"] in [
        dict(zip(SMALL_GRID, v, strict=True)) for v in [(n, 1, c) for n in (1, 2) for c in (1.0, 10.0)]
    ]
    assert "## Metrics" in (first / artifact.MODEL_CARD_FILE).read_text()
    StanceModel.load(first)


def test_search_never_sees_the_test_rows(
    tmp_path: Path, toy_lexicon_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[int] = []
    real = training.search

    def spy(frame, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(len(frame))
        assert (frame["split"] != "test").all()
        return real(frame, **kwargs, grid=SMALL_GRID)

    monkeypatch.setattr(training, "search", spy)
    train([write_toy_corpus(tmp_path / "c.jsonl")], tmp_path / "m", toy_lexicon_dir)
    assert seen == [36]


def test_search_ranks_grid_points_and_takes_the_simplest_within_one_standard_error() -> None:
    import pandas as pd

    frame = pd.DataFrame([{"text": t, "stance": s, "nato": n, "russia": r} for t, s, n, r in TOY_STATEMENTS * 2])
    chosen, table = search(frame, grid={"ngram_max": [1, 2], "min_df": [1], "C": [0.01, 10.0]})
    assert [row["mean"] for row in table] == sorted((row["mean"] for row in table), reverse=True)
    best = table[0]
    band = [row for row in table if row["mean"] >= best["mean"] - best["std"] / 5**0.5]
    assert chosen in [row["params"] for row in band]
    assert chosen == min((row["params"] for row in band), key=lambda p: (p["ngram_max"], -p["min_df"], p["C"]))


def test_partially_labelled_data_trains_every_head_it_can(
    tmp_path: Path, toy_lexicon_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(training, "PARAM_GRID", SMALL_GRID)
    base = write_toy_corpus(tmp_path / "corpus.jsonl")
    extra = tmp_path / "russia_only.csv"
    extra.write_text(
        "text,russia\nMoscow is right again,favor\nThe Kremlin lied again,against\nRain in Oslo,none\n",
        encoding="utf-8",
    )
    directory = train([base, extra], tmp_path / "m", toy_lexicon_dir)
    metadata = json.loads((directory / artifact.METADATA_FILE).read_text())
    assert metadata["training_data"]["rows"]["train"] == 39
    assert metadata["training_data"]["label_counts"]["stance"][""] == 3


def test_a_head_missing_a_label_is_refused(tmp_path: Path, toy_lexicon_dir: Path) -> None:
    data = tmp_path / "c.csv"
    data.write_text("text,stance\nNATO good,pro_nato\nNATO bad,pro_russia\n", encoding="utf-8")
    with pytest.raises(
        DataError, match=r"head 'stance' only with \['pro_nato', 'pro_russia'\].*neutral|missing labels"
    ):
        train([data], tmp_path / "m", toy_lexicon_dir, run_search=False)


def test_weighted_data_counts_more_and_words_plus_chars_train(
    tmp_path: Path, toy_lexicon_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(training, "PARAM_GRID", SMALL_GRID)
    ours = write_toy_corpus(tmp_path / "ours.jsonl", test_every=1000)
    # A user's file that labels the same statements the other way round: the weights decide.
    theirs = tmp_path / "theirs.jsonl"
    flipped = {"pro_russia": ("pro_nato", "favor", "against"), "pro_nato": ("pro_russia", "against", "favor")}
    rows = [
        {
            "id": f"u{i}",
            "text": text,
            "stance": flipped[stance][0],
            "nato": flipped[stance][1],
            "russia": flipped[stance][2],
        }
        for i, (text, stance, _, _) in enumerate(TOY_STATEMENTS)
        if stance in flipped
    ]
    theirs.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    probe = TOY_STATEMENTS[1][0]  # pro_russia in ours (twice, both training rows), pro_nato in theirs

    def pro_nato_score(weight: float) -> float:
        directory = train(
            [ours, theirs],
            tmp_path / f"w{weight}",
            toy_lexicon_dir,
            run_search=False,
            weights={theirs: weight},
            features="words+chars",
        )
        metadata = json.loads((directory / artifact.METADATA_FILE).read_text())
        assert metadata["features"] == "words+chars"
        [record] = StanceModel.load(directory).predict([probe])
        return float(record["scores"]["pro_nato"])

    assert pro_nato_score(5.0) > pro_nato_score(0.2)
    with pytest.raises(DataError, match="positive"):
        train([ours, theirs], tmp_path / "bad", toy_lexicon_dir, weights={theirs: 0.0})
    with pytest.raises(DataError, match="no training rows"):
        train([ours], tmp_path / "bad", toy_lexicon_dir, weights={theirs: 2.0})
