"""Shared set-up of the benchmark programs: one core, the default model, realistic statements."""

from __future__ import annotations

import os

# One core for the numeric libraries, set before numpy is imported anywhere.
for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "1")

import random  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

from model.locations import CORPUS_DIR, DEFAULT_MODEL_DIR  # noqa: E402
from training.corpus import load_labelled  # noqa: E402


def default_model_dir() -> Path:
    """A private copy of the default model, built from data/ first if absent or stale (as
    `make serve` would). A copy, because commands given the default path rebuild it whenever
    data/ changes, which would land inside a timed run."""
    from stancewatch.cli import ensure_default_model

    copy = Path(tempfile.mkdtemp(prefix="stancewatch-bench-")) / "model"
    shutil.copytree(ensure_default_model(DEFAULT_MODEL_DIR), copy)
    return copy


def statements(count: int, seed: int = 0) -> list[str]:
    """``count`` statements drawn from the corpus, cycled: real length and vocabulary mix."""
    texts = load_labelled([CORPUS_DIR])["text"].tolist()
    random.Random(seed).shuffle(texts)
    return [texts[i % len(texts)] for i in range(count)]


def generated_statements(count: int, seed: int = 0, low: int = 50, high: int = 400) -> list[str]:
    """``count`` statements of ``low`` to ``high`` characters, stitched from corpus sentences."""
    texts = load_labelled([CORPUS_DIR])["text"].tolist()
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        target = rng.randint(low, high)
        text = rng.choice(texts)
        while len(text) < target:
            text += " " + rng.choice(texts)
        out.append(text[:target].rsplit(" ", 1)[0] if len(text) > target else text)
    return out


def best_of(runs: int, function: Callable[[], object]) -> float:
    """The fastest of ``runs`` timings of ``function``, in seconds."""
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best


def table(rows: list[tuple[str, str, str]]) -> str:
    width = max(len(r[0]) for r in rows) + 2
    lines = [f"{'measure':<{width}}{'value':>18}  note", "-" * (width + 60)]
    lines += [f"{name:<{width}}{value:>18}  {note}" for name, value, note in rows]
    return "\n".join(lines)
