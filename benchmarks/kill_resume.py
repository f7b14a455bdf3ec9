"""Batch runs killed with SIGKILL at random points, then resumed, twenty times over.

Scores a generated CSV once cleanly, then again: each run is killed at a random moment and the
next one resumes it (a run that finishes first is checked and a new cycle starts), until twenty
kills have landed; every finished file must be byte-identical to
the clean run, and no killed run may leave an incomplete file at the output path (a run killed
after its rename, while cleaning up, leaves the whole output).

    python benchmarks/kill_resume.py [--rows 200000] [--kills 20]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from common import default_model_dir, generated_statements

from model.artifact import file_sha256

OUT = Path(__file__).resolve().parent / "out"
STANCEWATCH = str(Path(sys.executable).parent / "stancewatch")


def run(source: Path, output: Path, model: Path, resume: bool) -> subprocess.Popen[bytes]:
    command = [
        STANCEWATCH,
        "score",
        str(source),
        "-o",
        str(output),
        "--quiet",
        "--chunk-size",
        "2000",
        "--jobs",
        "2",
        "--model",
        str(model),
        *(["--resume"] if resume else []),
    ]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    model = default_model_dir()
    OUT.mkdir(parents=True, exist_ok=True)
    source = OUT / f"kill_{args.rows}.csv"
    texts = generated_statements(20_000, seed=5)
    with source.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text"])
        writer.writerows([f"k{i}", texts[i % len(texts)]] for i in range(args.rows))
    clean, resumed = OUT / "kill_clean.csv", OUT / "kill_resumed.csv"
    for path in (resumed, Path(str(resumed) + ".partial"), Path(str(resumed) + ".partial.json")):
        path.unlink(missing_ok=True)
    started = time.monotonic()
    assert run(source, clean, model, resume=False).wait() == 0
    clean_seconds = time.monotonic() - started
    rng = random.Random(args.seed)
    kills, looked_complete, killed_after_rename, runs, different = 0, 0, 0, 0, 0
    resume = False
    while kills < args.kills:
        process = run(source, resumed, model, resume=resume)
        runs += 1
        # Each run restarts from its checkpoint; kill somewhere in its first stretch of work.
        time.sleep(rng.uniform(0.05, 0.35) * clean_seconds)
        if process.poll() is not None:
            # The resumed run finished before its kill: check it, then start a new cycle.
            different += process.returncode != 0 or file_sha256(resumed) != file_sha256(clean)
            resumed.unlink(missing_ok=True)
            resume = False
            continue
        resume = True
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        kills += 1
        if resumed.exists():
            # Killed after the rename, while cleaning up: then the file must be the whole output.
            finished = file_sha256(resumed) == file_sha256(clean)
            killed_after_rename += finished
            looked_complete += not finished
    cycles = runs - kills + 1  # every finished run, and the last one below
    while True:
        process = run(source, resumed, model, resume=True)
        runs += 1
        if process.wait() == 0:
            break
    identical = file_sha256(resumed) == file_sha256(clean) and different == 0
    print(
        f"kill/resume: {args.rows:,} rows, {kills} SIGKILLs at random points over {runs} runs "
        f"({cycles} resumed to the end); "
        f"incomplete files at the output path after a kill: {looked_complete}; kills after the rename "
        f"(output already whole): {killed_after_rename}; final output "
        f"{'identical to' if identical else 'DIFFERENT from'} the clean run, every time"
    )
    sys.exit(0 if identical and looked_complete == 0 else 1)


if __name__ == "__main__":
    main()
