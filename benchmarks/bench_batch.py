"""Batch scoring at scale (issue: batch scoring).

On a generated CSV of 1,000,000 statements of 50 to 400 characters (stitched from corpus
sentences; written once to benchmarks/out/), measures in one run:
- `stancewatch score --jobs 1` and `--jobs 2`: rows/s and peak resident memory of the whole
  process tree (targets: jobs 2 >= 1.6 x jobs 1; >= 15,000 rows/s with jobs 2; < 1 GB);
- the floor: the model's own `predict` on the same texts already in memory, in 1 and 2
  processes (target: the scorer reaches >= 70% of it);
- `--resume` after a SIGKILL at about half way: the output must be byte-identical to a clean run;
- with `--large`, the same on a file ten times as large (peak memory within 10% of the 1M run).

    python benchmarks/bench_batch.py [--rows 1000000] [--large]
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from common import default_model_dir, generated_statements, table

from model.artifact import file_sha256
from model.predictor import StanceModel

OUT = Path(__file__).resolve().parent / "out"
STANCEWATCH = str(Path(sys.executable).parent / "stancewatch")
CHUNK = 5_000


def make_input(rows: int) -> Path:
    path = OUT / f"statements_{rows}.csv"
    if path.exists():
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    print(f"writing {path} ...", file=sys.stderr)
    block = generated_statements(100_000, seed=7)
    temporary = path.with_suffix(".tmp")
    with temporary.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "outlet", "date", "text"])
        for i in range(rows):
            writer.writerow([f"s{i}", f"outlet{i % 17}", f"2024-{1 + i % 12:02d}-15", block[i % len(block)]])
    temporary.rename(path)
    return path


def tree_rss_mb(root: int) -> float:
    """Resident memory of a process and all its descendants, in MB."""
    total = 0
    pending = [root]
    while pending:
        pid = pending.pop()
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            continue
        pending.extend(int(child) for child in children)
    return total / 1024


def run_score(
    source: Path, output: Path, jobs: int, extra: list[str] | None = None, kill_after: float | None = None
) -> tuple[float, float, int]:
    """Run `stancewatch score`; return (seconds, peak tree RSS in MB, exit status)."""
    command = [
        STANCEWATCH,
        "score",
        str(source),
        "-o",
        str(output),
        "--jobs",
        str(jobs),
        "--quiet",
        "--chunk-size",
        str(CHUNK),
        "--model",
        str(MODEL_DIR),
        *(extra or []),
    ]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    peak = 0.0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, tree_rss_mb(process.pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    if kill_after is not None:
        time.sleep(kill_after)
        os.killpg(process.pid, signal.SIGKILL)
    status = process.wait()
    stop.set()
    sampler.join()
    return time.perf_counter() - started, peak, status


def _floor_worker(args: tuple[str, Path, int, int]) -> float:
    model_dir, source, part, parts = args
    model = StanceModel.load(Path(model_dir))
    with source.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        texts = [row[3] for i, row in enumerate(reader) if i % parts == part]
    started = time.perf_counter()
    for i in range(0, len(texts), CHUNK):
        model.predict(texts[i : i + CHUNK])
    return len(texts) / (time.perf_counter() - started)


def floor_rate(source: Path, processes: int) -> float:
    """Rows/s of `StanceModel.predict` on texts already in memory, summed over processes."""
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        rates = pool.map(_floor_worker, [(str(MODEL_DIR), source, part, processes) for part in range(processes)])
    return sum(rates)


MODEL_DIR = Path()


def main() -> None:
    global MODEL_DIR
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--large", action="store_true", help="also score a file ten times as large")
    args = parser.parse_args()
    MODEL_DIR = default_model_dir()
    source = make_input(args.rows)
    rows: list[tuple[str, str, str]] = []

    floor1 = floor_rate(source, 1)
    floor2 = floor_rate(source, 2)
    seconds1, peak1, _ = run_score(source, OUT / "scored_jobs1.csv", 1)
    seconds2, peak2, _ = run_score(source, OUT / "scored_jobs2.csv", 2)
    rate1, rate2 = args.rows / seconds1, args.rows / seconds2
    _, _, killed = run_score(source, OUT / "resumed.csv", 2, kill_after=seconds2 / 2)
    partial_rows = 0
    checkpoint = OUT / "resumed.csv.partial.json"
    if checkpoint.exists():
        import json

        partial_rows = json.loads(checkpoint.read_text())["rows"]
    resume_seconds, _, _ = run_score(source, OUT / "resumed.csv", 2, extra=["--resume"])
    identical = file_sha256(OUT / "resumed.csv") == file_sha256(OUT / "scored_jobs2.csv")

    rows += [
        ("floor: predict in memory, 1 process", f"{floor1:,.0f} rows/s", ""),
        ("floor: predict in memory, 2 processes", f"{floor2:,.0f} rows/s", ""),
        ("score --jobs 1", f"{rate1:,.0f} rows/s", f"{rate1 / floor1:.0%} of its floor; peak {peak1:,.0f} MB"),
        (
            "score --jobs 2",
            f"{rate2:,.0f} rows/s",
            f"{rate2 / floor2:.0%} of its floor (target >= 70%); target >= 15,000 rows/s; peak {peak2:,.0f} MB (< 1 GB)",
        ),
        ("jobs 2 / jobs 1", f"{rate2 / rate1:.2f}", "target >= 1.6"),
        (
            "kill at ~half, then --resume",
            "identical" if identical else "DIFFERENT",
            f"killed (status {killed}) after {partial_rows:,} rows checkpointed; resume took {resume_seconds:.0f} s",
        ),
    ]
    if args.large:
        large = make_input(args.rows * 10)
        seconds10, peak10, _ = run_score(large, OUT / "scored_large.csv", 2)
        rows.append(
            (
                f"score --jobs 2, {args.rows * 10:,} rows",
                f"{args.rows * 10 / seconds10:,.0f} rows/s",
                f"peak {peak10:,.0f} MB, {peak10 / peak2 - 1:+.1%} against the 1M file (target within 10%)",
            )
        )
    print(
        f"batch benchmark: {args.rows:,} generated statements of 50-400 characters, chunks of {CHUNK:,}, "
        f"{os.cpu_count()} cores"
    )
    print(table(rows))


if __name__ == "__main__":
    main()
