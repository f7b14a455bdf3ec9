"""Speed of the loaded-term matcher and the segmenter (issue: loaded framing).

Targets: the matcher alone >= 200,000 statements/s on one core; matcher and segmenter (with
voice) together add no more than 25% to the time of a stance prediction of the same
statements. Measured in the same run for scale: the same lexicon as one big case-insensitive
`re` alternation (what the one-pass automaton replaces).

    python benchmarks/bench_lexicon.py [--statements 100000]
"""

from __future__ import annotations

import argparse
import re

from common import best_of, default_model_dir, statements, table

from model.predictor import StanceModel
from model.segmentation import split_sentences
from model.voice import attribute_quotes, find_quotes, sentence_voice


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--statements", type=int, default=100_000)
    args = parser.parse_args()
    model = StanceModel.load(default_model_dir())
    lexicon = model.lexicon
    texts = statements(args.statements)
    patterns = sorted({p for e in lexicon.entries for p in (*e.patterns, *e.not_loaded)}, key=len, reverse=True)
    alternation = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, patterns)) + r")(?!\w)", re.IGNORECASE)
    sample = texts[: max(1, len(texts) // 10)]

    def matcher() -> None:
        for text in texts:
            lexicon.find(text)

    def regex() -> None:
        for text in sample:
            alternation.findall(text)

    def segment() -> None:
        for text in texts:
            split_sentences(text)

    def voice() -> None:
        for text in texts:
            sentence_voice(text, 0, len(text), attribute_quotes(text, find_quotes(text)))

    def stance() -> None:
        for i in range(0, len(texts), 1000):
            model.head_probabilities(model.vectorizer.transform(texts[i : i + 1000]))

    matcher_seconds = best_of(3, matcher)
    regex_rate = len(sample) / best_of(1, regex)
    segment_seconds = best_of(3, segment)
    voice_seconds = best_of(3, voice)
    stance_seconds = best_of(2, stance)
    found = sum(len(lexicon.find(t)) for t in texts)
    added = (matcher_seconds + segment_seconds) / stance_seconds
    with_voice = (matcher_seconds + segment_seconds + voice_seconds) / stance_seconds
    print(
        f"lexicon benchmark: {len(texts):,} corpus statements, {len(lexicon.entries)} entries, "
        f"{len(patterns)} patterns and exclusions, {found:,} terms found, one core"
    )
    print(
        table(
            [
                ("one `re` alternation (for scale)", f"{regex_rate:,.0f}/s", f"measured on {len(sample):,} statements"),
                (
                    "matcher (Aho-Corasick, one pass)",
                    f"{len(texts) / matcher_seconds:,.0f}/s",
                    f"{len(texts) / matcher_seconds / regex_rate:.0f} x the alternation; target >= 200,000/s",
                ),
                ("sentence segmenter", f"{len(texts) / segment_seconds:,.0f}/s", ""),
                ("quotes + speakers + voice", f"{len(texts) / voice_seconds:,.0f}/s", ""),
                (
                    "stance prediction, three heads",
                    f"{len(texts) / stance_seconds:,.0f}/s",
                    "the base the others add to",
                ),
                ("matcher + segmenter / stance time", f"{added:.1%}", "target <= 25%"),
                ("matcher + segmenter + voice / stance", f"{with_voice:.1%}", "the whole framing side of a record"),
            ]
        )
    )


if __name__ == "__main__":
    main()
