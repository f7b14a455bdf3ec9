"""Model artifacts: a directory, never a bare pickle.

A model directory holds the fitted pipeline (``pipeline.joblib``), the lexicon it was built
with (``lexicon/``), ``metadata.json`` and ``model_card.md``. Loading reads the metadata first
and checks the SHA-256 of every file and the versions of stancewatch, scikit-learn and Python
*before* anything is unpickled; any mismatch is refused with an error that names both sides and
the command that rebuilds the model.
"""

from __future__ import annotations

import hashlib
import json
import platform
import shutil
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import joblib
import sklearn
from sklearn.exceptions import InconsistentVersionWarning
from sklearn.pipeline import Pipeline

from model import __version__
from model.exceptions import ArtifactError
from model.lexicon import TARGETS_FILE, TERMS_FILE, Lexicon

PIPELINE_FILE = "pipeline.joblib"
METADATA_FILE = "metadata.json"
MODEL_CARD_FILE = "model_card.md"
LEXICON_DIR = "lexicon"
FORMAT_VERSION = 1
REBUILD_HINT = "Rebuild it with `stancewatch train --out {directory}` (or delete it and run `make serve`, which rebuilds the default model)."


@dataclass(frozen=True)
class Artifact:
    """A loaded model directory."""

    directory: Path
    pipeline: Pipeline
    metadata: dict[str, Any]
    lexicon: Lexicon


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def runtime_versions() -> dict[str, str]:
    """The versions a pickled pipeline depends on."""
    return {
        "stancewatch": __version__,
        "scikit_learn": sklearn.__version__,
        "python": ".".join(platform.python_version_tuple()[:2]),
    }


def save(
    directory: Path,
    pipeline: Pipeline,
    metadata: dict[str, Any],
    model_card: str,
    lexicon_dir: Path,
) -> Path:
    """Write a model directory atomically: built in a temporary folder, then renamed into place.

    ``metadata`` is completed with the format and runtime versions and the hashes of the
    pipeline and lexicon files.
    """
    directory = Path(directory)
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}-", dir=directory.parent))
    try:
        joblib.dump(pipeline, staging / PIPELINE_FILE, compress=3)
        (staging / LEXICON_DIR).mkdir()
        for name in (TERMS_FILE, TARGETS_FILE):
            shutil.copyfile(lexicon_dir / name, staging / LEXICON_DIR / name)
        complete = dict(metadata)
        complete["format_version"] = FORMAT_VERSION
        complete["versions"] = runtime_versions()
        complete["files"] = {
            PIPELINE_FILE: file_sha256(staging / PIPELINE_FILE),
            f"{LEXICON_DIR}/{TERMS_FILE}": file_sha256(staging / LEXICON_DIR / TERMS_FILE),
            f"{LEXICON_DIR}/{TARGETS_FILE}": file_sha256(staging / LEXICON_DIR / TARGETS_FILE),
        }
        (staging / METADATA_FILE).write_text(json.dumps(complete, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        (staging / MODEL_CARD_FILE).write_text(model_card, encoding="utf-8")
        if directory.exists():
            shutil.rmtree(directory)
        staging.rename(directory)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return directory


def read_metadata(directory: Path) -> dict[str, Any]:
    """Read and check a model directory's ``metadata.json`` without touching the pickle."""
    directory = Path(directory)
    hint = REBUILD_HINT.format(directory=directory)
    path = directory / METADATA_FILE
    if not path.is_file():
        raise ArtifactError(f"No model at {directory}: {METADATA_FILE} is missing. {hint}")
    try:
        metadata: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ArtifactError(f"The model metadata {path} is unreadable ({exc}). {hint}") from exc
    if not isinstance(metadata, dict) or metadata.get("format_version") != FORMAT_VERSION:
        raise ArtifactError(
            f"The model at {directory} has artifact format {metadata.get('format_version') if isinstance(metadata, dict) else None!r}; "
            f"this stancewatch reads format {FORMAT_VERSION}. {hint}"
        )
    return metadata


def verify(directory: Path, metadata: dict[str, Any]) -> None:
    """Refuse the directory unless versions match and every file has its recorded SHA-256."""
    hint = REBUILD_HINT.format(directory=directory)
    built_with = metadata.get("versions", {})
    running = runtime_versions()
    for name, version in running.items():
        if built_with.get(name) != version:
            raise ArtifactError(
                f"The model at {directory} was built with {name} {built_with.get(name)!r}, "
                f"but this environment runs {name} {version!r}. Unpickling across versions is unsafe. {hint}"
            )
    files = metadata.get("files")
    if not isinstance(files, dict) or PIPELINE_FILE not in files:
        raise ArtifactError(f"The model metadata in {directory} lists no file hashes. {hint}")
    for name, expected in files.items():
        path = directory / name
        if not path.is_file():
            raise ArtifactError(f"The model at {directory} is incomplete: {name} is missing. {hint}")
        actual = file_sha256(path)
        if actual != expected:
            raise ArtifactError(
                f"The model file {path} has SHA-256 {actual[:16]}…, but metadata.json records "
                f"{str(expected)[:16]}…: it was modified or truncated. {hint}"
            )


def load(directory: Path) -> Artifact:
    """Load a model directory after checking its metadata, versions and hashes.

    Raises
    ------
    ArtifactError
        If anything is missing, modified, truncated or built by other versions.
    """
    directory = Path(directory)
    metadata = read_metadata(directory)
    verify(directory, metadata)
    with warnings.catch_warnings():
        # A version warning from scikit-learn means the pickle may misbehave: refuse it.
        warnings.simplefilter("error", InconsistentVersionWarning)
        try:
            pipeline = joblib.load(directory / PIPELINE_FILE)
        except InconsistentVersionWarning as exc:
            raise ArtifactError(f"{exc} {REBUILD_HINT.format(directory=directory)}") from exc
        except Exception as exc:
            raise ArtifactError(
                f"The pipeline in {directory} cannot be loaded ({type(exc).__name__}: {exc}). "
                + REBUILD_HINT.format(directory=directory)
            ) from exc
    if not isinstance(pipeline, Pipeline):
        raise ArtifactError(f"{directory / PIPELINE_FILE} holds a {type(pipeline).__name__}, not a Pipeline.")
    lexicon = Lexicon.load(directory / LEXICON_DIR)
    return Artifact(directory=directory, pipeline=pipeline, metadata=metadata, lexicon=lexicon)
