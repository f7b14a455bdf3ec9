"""Speed and size of the stance model (issue: the stance model).

Targets: the three heads predict >= 10,000 statements/s on one core; the model directory is
under 20 MB and loads in under 1 s. The floor, measured in the same run, is the TF-IDF
transform alone: no classifier can be faster than reading its features.

    python benchmarks/bench_model.py [--statements 100000]
"""

from __future__ import annotations

import argparse
import time

from common import best_of, default_model_dir, statements, table

from model.predictor import StanceModel


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--statements", type=int, default=100_000)
    args = parser.parse_args()
    directory = default_model_dir()
    load_seconds = best_of(5, lambda: StanceModel.load(directory))
    size = sum(p.stat().st_size for p in directory.rglob("*") if p.is_file())
    model = StanceModel.load(directory)
    texts = statements(args.statements)
    batch = 1000

    def transform_only() -> None:
        for i in range(0, len(texts), batch):
            model.vectorizer.transform(texts[i : i + batch])

    def three_heads() -> None:
        for i in range(0, len(texts), batch):
            model.head_probabilities(model.vectorizer.transform(texts[i : i + batch]))

    def full_records() -> None:
        for i in range(0, len(texts), batch):
            model.predict(texts[i : i + batch])

    floor = len(texts) / best_of(2, transform_only)
    heads = len(texts) / best_of(2, three_heads)
    full = len(texts) / best_of(2, full_records)
    # One statement per call, as an API client sends it: the mean of 2,000 calls.
    started = time.perf_counter()
    for text in texts[:2000]:
        model.predict([text])
    single_ms = (time.perf_counter() - started) / 2000 * 1000
    print(f"stance model benchmark: {len(texts):,} statements from the corpus, batches of {batch}, one core")
    print(
        table(
            [
                ("TF-IDF transform alone (floor)", f"{floor:,.0f}/s", "the fastest any head could be"),
                (
                    "three heads (stance, nato, russia)",
                    f"{heads:,.0f}/s",
                    f"{heads / floor:.2f} x floor; target >= 10,000/s",
                ),
                ("full record (+ lexicon, voice)", f"{full:,.0f}/s", f"{full / floor:.2f} x floor"),
                ("one statement, full record", f"{single_ms:.3f} ms", "mean of 2,000 single calls"),
                ("model directory size", f"{size / 1e6:.1f} MB", "target < 20 MB"),
                ("load time (best of 5)", f"{load_seconds * 1000:.0f} ms", "target < 1000 ms; includes hash checks"),
            ]
        )
    )


if __name__ == "__main__":
    main()
