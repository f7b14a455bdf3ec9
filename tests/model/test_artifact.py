"""Model directories: saved atomically, loaded only after hashes and versions check out."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from model import artifact
from model.exceptions import ArtifactError
from model.predictor import StanceModel


@pytest.fixture
def model_copy(toy_model_dir: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(toy_model_dir, tmp_path / "model"))


def test_metadata_records_versions_and_hashes(toy_model_dir: Path) -> None:
    metadata = json.loads((toy_model_dir / artifact.METADATA_FILE).read_text())
    assert metadata["versions"] == artifact.runtime_versions()
    assert metadata["files"][artifact.PIPELINE_FILE] == artifact.file_sha256(toy_model_dir / artifact.PIPELINE_FILE)
    assert (toy_model_dir / artifact.MODEL_CARD_FILE).is_file()
    assert (toy_model_dir / "lexicon" / "terms.toml").is_file()


def test_tampered_pipeline_is_refused_before_unpickling(model_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = model_copy / artifact.PIPELINE_FILE
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    monkeypatch.setattr(artifact.joblib, "load", lambda *_: pytest.fail("unpickled a tampered file"))
    with pytest.raises(ArtifactError, match=r"modified or truncated.*stancewatch train --out"):
        artifact.load(model_copy)


def test_truncated_pipeline_is_refused(model_copy: Path) -> None:
    path = model_copy / artifact.PIPELINE_FILE
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(ArtifactError, match="modified or truncated"):
        artifact.load(model_copy)


def test_tampered_lexicon_is_refused(model_copy: Path) -> None:
    terms = model_copy / "lexicon" / "terms.toml"
    terms.write_text(terms.read_text() + "\n# sneaky\n")
    with pytest.raises(ArtifactError, match=r"terms\.toml"):
        artifact.load(model_copy)


@pytest.mark.parametrize("component", ["scikit_learn", "python", "stancewatch"])
def test_version_mismatch_names_both_versions(model_copy: Path, component: str) -> None:
    path = model_copy / artifact.METADATA_FILE
    metadata = json.loads(path.read_text())
    metadata["versions"][component] = "0.0.1"
    path.write_text(json.dumps(metadata))
    running = artifact.runtime_versions()[component]
    with pytest.raises(ArtifactError, match=rf"built with {component} '0.0.1'.*runs {component} '{running}'"):
        artifact.load(model_copy)


def test_missing_directory_says_how_to_rebuild(tmp_path: Path) -> None:
    with pytest.raises(ArtifactError, match=r"metadata\.json is missing.*make serve"):
        artifact.load(tmp_path / "nothing")


def test_unreadable_metadata_is_refused(model_copy: Path) -> None:
    (model_copy / artifact.METADATA_FILE).write_text("{not json")
    with pytest.raises(ArtifactError, match="unreadable"):
        artifact.load(model_copy)


def test_save_replaces_atomically_and_round_trips(
    toy_model: StanceModel, toy_lexicon_dir: Path, tmp_path: Path
) -> None:
    target = tmp_path / "model"
    target.mkdir()
    (target / "stale.txt").write_text("old")
    artifact.save(target, toy_model.pipeline, {"name": "x"}, "# card\n", toy_lexicon_dir)
    assert not (target / "stale.txt").exists()
    assert not list(tmp_path.glob(".model-*")), "staging folder left behind"
    loaded = StanceModel.load(target)
    text = "NATO expansion threatens Russia"
    assert loaded.predict([text])[0]["scores"] == toy_model.predict([text])[0]["scores"]
