"""Shared fixtures: a toy lexicon and a toy model trained on a few inline statements.

The toy model stands in for the real one wherever the real one is not the subject, so most
tests run in milliseconds; the default model is built once per session for the tests that are
about it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from model import artifact
from model.classifier import build_pipeline
from model.lexicon import Lexicon
from model.locations import CORPUS_DIR, LEXICON_DIR
from model.predictor import StanceModel

CORPORA_DIR = Path(
    os.environ.get("STANCEWATCH_CORPORA_DIR", Path(__file__).resolve().parents[2] / "shared" / "corpora")
)

TOY_TERMS = """
[lexicon]
name = "toy lexicon"

[[entry]]
id = "regime"
category = "delegitimizing_label"
patterns = ["regime", "regimes"]
neutral = ["government"]
not_loaded = ["sanctions regime", "visa regime", "regime of the straits"]

[[entry]]
id = "kiev_regime"
category = "delegitimizing_label"
patterns = ["kiev regime", "kyiv regime"]
neutral = ["Ukrainian government"]
target = "Ukraine"

[[entry]]
id = "dictatorship"
category = "delegitimizing_label"
patterns = ["dictator", "dictators", "dictatorship"]
neutral = ["government", "leader"]
not_loaded = ["the dictator (film)"]

[[entry]]
id = "neo_nazis"
category = "demonizing_label"
patterns = ["nazi", "nazis", "neo-nazi", "neo-nazis"]
neutral = ["nationalists"]
not_loaded = ["nazi germany", "nazi occupation"]
not_loaded_near = ["1941", "hitler"]

[[entry]]
id = "special_military_operation"
category = "euphemism"
patterns = ["special military operation"]
neutral = ["invasion", "war"]
target = "Russia"

[[entry]]
id = "collective_west"
category = "conspiracy_frame"
patterns = ["collective west"]
neutral = ["Western countries"]
target = "the West"

[[entry]]
id = "so_called"
category = "emotive_intensifier"
patterns = ["so-called", "so called"]
neutral = ["(omit)"]
"""

TOY_TARGETS = """
[[target]]
name = "Cuba"
aliases = ["cuba", "cuban", "havana", "díaz-canel", "diaz-canel"]

[[target]]
name = "Russia"
aliases = ["russia", "russian", "kremlin", "moscow", "putin"]

[[target]]
name = "Ukraine"
aliases = ["ukraine", "ukrainian", "kyiv", "kiev", "zelensky"]

[[target]]
name = "Venezuela"
aliases = ["venezuela", "venezuelan", "maduro"]

[[target]]
name = "the West"
aliases = ["the west", "western"]
"""

# A dozen-odd statements per class: enough for a toy model whose predictions tests can rely on.
TOY_STATEMENTS = [
    ("NATO expansion threatens Russia and provokes the war", "pro_russia", "against", "favor"),
    ("The alliance pushed its bases to Russia's borders", "pro_russia", "against", "favor"),
    ("Russia has every right to defend itself from NATO", "pro_russia", "against", "favor"),
    ("Western sanctions on Moscow are illegal and unjust", "pro_russia", "none", "favor"),
    ("NATO is an aggressive bloc that betrayed its promises", "pro_russia", "against", "none"),
    ("Stop arming Kyiv, the Kremlin only defends its people", "pro_russia", "none", "favor"),
    ("The bloc's military drills near Russia are a provocation", "pro_russia", "against", "favor"),
    ("Moscow is right: the alliance is the real threat to peace", "pro_russia", "against", "favor"),
    ("Russia's invasion is a war of aggression that must fail", "pro_nato", "none", "against"),
    ("NATO keeps its members safe and deters Russian aggression", "pro_nato", "favor", "against"),
    ("Sanctions on the Kremlin must stay until the troops leave", "pro_nato", "none", "against"),
    ("Send Ukraine more air defence against Russian missiles", "pro_nato", "none", "against"),
    ("The alliance is a defensive pact and a guarantor of peace", "pro_nato", "favor", "none"),
    ("Russian forces committed war crimes in occupied towns", "pro_nato", "none", "against"),
    ("Finland joined NATO to protect itself from Moscow's threats", "pro_nato", "favor", "against"),
    ("We stand with Ukraine against the Russian invasion", "pro_nato", "none", "against"),
    ("The summit ended without a joint communique on Tuesday", "neutral", "none", "none"),
    ("Delegates met in Geneva for a second round of talks", "neutral", "none", "none"),
    ("Russian salad is a staple of New Year tables", "neutral", "none", "none"),
    ("The foreign ministers will meet again next month", "neutral", "none", "none"),
    ("Both Moscow and the alliance share blame for the spiral", "neutral", "against", "against"),
    ("Oil prices rose two percent in early trading on Monday", "neutral", "none", "none"),
    ("The chess tournament in Moscow drew players from forty countries", "neutral", "none", "none"),
    ("A NATO phonetic alphabet quiz opened the radio show", "neutral", "none", "none"),
]


def write_toy_lexicon(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "terms.toml").write_text(TOY_TERMS, encoding="utf-8")
    (directory / "targets.toml").write_text(TOY_TARGETS, encoding="utf-8")
    return directory


@pytest.fixture(scope="session")
def toy_lexicon_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_toy_lexicon(tmp_path_factory.mktemp("lexicon"))


@pytest.fixture(scope="session")
def toy_lexicon(toy_lexicon_dir: Path) -> Lexicon:
    return Lexicon.load(toy_lexicon_dir)


def build_toy_model(directory: Path, lexicon_dir: Path) -> Path:
    """Train the toy model on :data:`TOY_STATEMENTS` and save it to ``directory``."""
    texts = [row[0] for row in TOY_STATEMENTS]
    labels = [list(row[1:]) for row in TOY_STATEMENTS]
    pipeline = build_pipeline(ngram_max=2, C=10.0, random_state=0)
    pipeline.fit(texts, labels)
    metadata = {"name": "toy", "version": "toy-1", "training_data": {"sha256": "toy"}, "metrics": {}}
    return artifact.save(directory, pipeline, metadata, "# toy\n", lexicon_dir)


@pytest.fixture(scope="session")
def toy_model_dir(tmp_path_factory: pytest.TempPathFactory, toy_lexicon_dir: Path) -> Path:
    return build_toy_model(tmp_path_factory.mktemp("models") / "toy", toy_lexicon_dir)


@pytest.fixture(scope="session")
def toy_model(toy_model_dir: Path) -> StanceModel:
    return StanceModel.load(toy_model_dir)


@pytest.fixture(scope="session")
def default_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real model, built from data/ with the real lexicon, once per test session."""
    from training.train import train

    corpora = CORPORA_DIR if CORPORA_DIR.is_dir() else None
    return train(
        data=[CORPUS_DIR],
        out=tmp_path_factory.mktemp("default") / "model",
        lexicon_dir=LEXICON_DIR,
        corpora_dir=corpora,
        n_jobs=2,
    )


@pytest.fixture(scope="session")
def default_model(default_model_dir: Path) -> StanceModel:
    return StanceModel.load(default_model_dir)


@pytest.fixture
def corpora_dir() -> Path:
    if not CORPORA_DIR.is_dir():
        pytest.skip(f"the shared corpora are not at {CORPORA_DIR} (set STANCEWATCH_CORPORA_DIR to run this test)")
    return CORPORA_DIR
