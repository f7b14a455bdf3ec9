"""A batch run killed with SIGKILL at random points and resumed each time gives exactly the
output of a clean run, and never leaves a file that looks complete.

Three kills here; benchmarks/kill_resume.py does twenty on a larger file (docs/reliability.md).
"""

from __future__ import annotations

import csv
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

STANCEWATCH = str(Path(sys.executable).parent / "stancewatch")
TEXTS = [
    "NATO expansion threatens Russia and provokes the war",
    "We stand with Ukraine against the Russian invasion",
    "Delegates met in Geneva for a second round of talks",
    '"The Kiev regime lies," the ministry said.',
]


def score(source: Path, output: Path, model: Path, resume: bool) -> subprocess.Popen[bytes]:
    command = [
        STANCEWATCH,
        "score",
        str(source),
        "-o",
        str(output),
        "--chunk-size",
        "500",
        "--quiet",
        "--model",
        str(model),
    ]
    return subprocess.Popen(
        [*command, *(["--resume"] if resume else [])],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_random_kills_then_resume_give_the_clean_output(toy_model_dir: Path, tmp_path: Path, suffix: str) -> None:
    source = tmp_path / "in.csv"
    with source.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text"])
        writer.writerows([f"r{i}", f"{TEXTS[i % len(TEXTS)]} #{i}"] for i in range(40_000))
    clean, resumed = tmp_path / f"clean{suffix}", tmp_path / f"resumed{suffix}"
    started = time.monotonic()
    assert score(source, clean, toy_model_dir, resume=False).wait(timeout=300) == 0
    clean_seconds = time.monotonic() - started
    rng = random.Random(7)
    kills = 0
    while kills < 3:
        process = score(source, resumed, toy_model_dir, resume=kills > 0)
        time.sleep(rng.uniform(0.3, 0.9) * clean_seconds)
        if process.poll() is not None:
            break  # finished before the kill
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        kills += 1
        if resumed.exists():
            # Killed after the rename, while cleaning up: the output must then be the whole of it.
            assert resumed.stat().st_size == clean.stat().st_size, "a killed run left a file that looks complete"
    assert score(source, resumed, toy_model_dir, resume=True).wait(timeout=300) == 0
    assert kills >= 1
    if suffix == ".parquet":
        import pandas as pd

        assert pd.read_parquet(resumed).equals(pd.read_parquet(clean))
    else:
        assert resumed.read_bytes() == clean.read_bytes()
