"""Feature designs side by side, on our test split and on the real corpora.

The default model turns every alias of the conflict's sides ("the Kremlin", "Moscow", "Putin"...)
into one token per side before counting n-grams (model.targets.SideTokens). This program trains
the same pipeline with and without that step (and with longer n-grams) on data/corpus and prints,
for each, our own test split beside the real corpora the choice was made on: RUW's validation
split (never its test split), EUvsDisinfo and VoxCheck recall, the UN vote margin, and speed.

    python benchmarks/compare_features.py [--corpora-dir ../shared/corpora]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from common import table

from model.classifier import build_pipeline
from model.labels import HEADS
from model.lexicon import Lexicon
from model.locations import CORPUS_DIR, LEXICON_DIR
from model.predictor import StanceModel
from model.targets import SideTokens
from training.corpus import load_labelled
from training.evaluate import evaluate_corpus, evaluate_frame
from training.external import CORPORA, DEFAULT_CORPORA_DIR, read_ruw
from training.train import head_matrix


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpora-dir", type=Path, default=DEFAULT_CORPORA_DIR)
    args = parser.parse_args()
    frame = load_labelled([CORPUS_DIR])
    train, test = frame[frame["split"] != "test"], frame[frame["split"] == "test"]
    lexicon = Lexicon.load(LEXICON_DIR)
    sides = SideTokens.from_table(lexicon.targets)
    ruw_val = read_ruw(args.corpora_dir / CORPORA["ruw"].relative_path, "val")
    speed_texts = test["text"].tolist() * 5
    rows = []
    for name, settings in (
        ("words 1-2", {"ngram_max": 2}),
        ("words 1-2, side tokens (default)", {"ngram_max": 2, "preprocessor": sides}),
        ("words 1-3, side tokens", {"ngram_max": 3, "preprocessor": sides}),
        ("words 1-2 + chars 2-5, side tokens", {"ngram_max": 2, "preprocessor": sides, "features": "words+chars"}),
    ):
        pipeline = build_pipeline(C=8.0, **settings)  # type: ignore[arg-type]
        pipeline.fit(train["text"].tolist(), head_matrix(train), heads__groups=train["source"].to_numpy())
        model = StanceModel(pipeline, lexicon)
        own = evaluate_frame(model, test)
        ruw = evaluate_frame(model, ruw_val)
        eu = evaluate_corpus(model, "euvsdisinfo", args.corpora_dir)["pro_russia_recall"]
        vox = evaluate_corpus(model, "voxcheck", args.corpora_dir)["pro_russia_recall"]
        un = evaluate_corpus(model, "unga", args.corpora_dir)["pro_russia_margin_no_minus_yes"]
        started = time.perf_counter()
        for i in range(0, len(speed_texts), 1000):
            model.head_probabilities(model.features.transform(speed_texts[i : i + 1000]))
        rate = len(speed_texts) / (time.perf_counter() - started)
        rows.append(
            (
                name,
                f"{own['stance']['macro_f1']:.3f} / {own['russia']['macro_f1']:.3f}",
                f"RUW val {ruw['stance']['macro_f1']:.3f} / {ruw['russia']['macro_f1']:.3f}; EUvsDisinfo {eu:.3f}; "
                f"VoxCheck {vox:.3f}; UN margin {un:+.3f}; {rate:,.0f} statements/s",
            )
        )
    print(
        f"feature designs: macro-F1 stance / russia on our test split (n={len(test)}) and on the real corpora; "
        f"heads {list(HEADS)}, C=8, trained on {len(train)} statements"
    )
    print(table(rows))


if __name__ == "__main__":
    main()
