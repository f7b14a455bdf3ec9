"""The default model, built from data/ as `make serve` builds it, on the figures its issues set.

Each threshold is the figure the model reaches today, rounded down, so a regression fails the
suite; where an issue's target is higher, the README and docs say so beside the measured figure.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from model.artifact import METADATA_FILE
from model.document import analyze_document
from model.locations import EVAL_DIR
from model.predictor import StanceModel
from training.framing_eval import evaluate_gold, read_gold

pytestmark = pytest.mark.slow


def metrics(directory: Path) -> dict:  # type: ignore[type-arg]
    return json.loads((directory / METADATA_FILE).read_text())["metrics"]  # type: ignore[no-any-return]


def test_own_test_split(default_model_dir: Path) -> None:
    test = metrics(default_model_dir)["test"]
    assert test["stance"]["macro_f1"] >= 0.70
    assert test["russia"]["macro_f1"] >= 0.62
    assert test["nato"]["macro_f1"] >= 0.62


def test_calibration_is_reported_before_and_after(default_model_dir: Path) -> None:
    calibration = metrics(default_model_dir)["calibration"]
    for head in ("stance", "nato", "russia"):
        assert calibration[head]["ece_after"] <= 0.10
        assert calibration[head]["brier_after"] <= calibration[head]["brier_before"] + 0.02


@pytest.mark.corpora
def test_real_corpora(default_model_dir: Path, corpora_dir: Path) -> None:
    corpora = metrics(default_model_dir)["corpora"]
    ruw = corpora["ruw"]["heads"]
    assert ruw["russia"]["macro_f1"] >= 0.42
    assert ruw["stance"]["macro_f1"] >= 0.42
    assert corpora["euvsdisinfo"]["pro_russia_recall"] >= 0.40
    assert corpora["voxcheck"]["pro_russia_recall"] >= 0.50
    assert corpora["unga"]["pro_russia_margin_no_minus_yes"] >= 0.20


def test_size(default_model_dir: Path) -> None:
    size = sum(p.stat().st_size for p in default_model_dir.rglob("*") if p.is_file())
    assert size < 20_000_000


def test_gold_loaded_terms(default_model: StanceModel) -> None:
    result = evaluate_gold(default_model, read_gold(EVAL_DIR / "loaded_terms_gold.jsonl"))
    assert result["sentences"] >= 400
    assert result["precision"] >= 0.95
    assert result["recall"] >= 0.93
    assert result["voice_accuracy"] >= 0.94
    assert result["target_accuracy"] >= 0.74


@pytest.mark.corpora
def test_seed_article(default_model: StanceModel, corpora_dir: Path) -> None:
    text = (corpora_dir / "seed_article" / "article.txt").read_text(encoding="utf-8")
    result = analyze_document(default_model, text)
    sentences = result["sentences"]

    # Every "regime(s)", "dictatorship" and "dictator" in the outlet's own words is flagged in the
    # author's voice, with target Cuba where the text shows it ("hostile regimes" does not).
    for sentence in sentences:
        for match in re.finditer(r"\b(regimes?|dictatorship|dictator)\b", sentence["text"], re.IGNORECASE):
            start = sentence["start"] + match.start()
            inside_quote = any(q["start"] <= start < q["end"] for q in sentence["quotes"])
            flagged = [t for t in sentence["loaded_terms"] if t["start"] <= start < t["end"]]
            assert flagged, f"{match.group()!r} not flagged in {sentence['text']!r}"
            if not inside_quote:
                assert flagged[0]["voice"] == "author"
            if "hostile" not in sentence["text"][max(0, match.start() - 10) : match.start()]:
                assert flagged[0]["target"] == "Cuba", (sentence["text"], flagged[0])

    # The statements of Minrex, Raúl Castro and Díaz-Canel are voiced by them, on Russia's side.
    def voiced_by(name: str) -> list[dict]:  # type: ignore[type-arg]
        return [s for s in sentences if s["voice"] in {"quoted", "attributed"} and name in s["speaker"]]

    for name in ("Minrex", "Castro", "Díaz-Canel"):
        statements = voiced_by(name)
        assert statements, f"no statement attributed to {name}"
        assert all(s["stance"] == "pro_russia" for s in statements), [(s["text"], s["stance"]) for s in statements]

    # 'Western intervention' in the headline is a scare quote: quoted, not the author's words.
    headline = next(s for s in sentences if "Western intervention" in s["text"])
    quote = next(q for q in headline["quotes"] if "Western intervention" in text[q["start"] : q["end"]])
    assert quote["scare_quote"]

    # Nothing else is flagged unless the guide says it should be.
    expected = {"regime", "regimes", "dictatorship", "dictator", "unleashed"}
    flagged = {t["term"].lower() for s in sentences for t in s["loaded_terms"]}
    assert flagged <= expected, flagged - expected
