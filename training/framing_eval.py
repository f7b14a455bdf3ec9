"""Evaluation of the loaded-term flagger: our gold spans, and BASIL / BABE word-level bias.

- Gold set (``data/eval/loaded_terms_gold.jsonl``): span-level precision and recall (exact
  offsets), and, on the spans found, the accuracy of voice, target and category.
- BASIL ``lex`` spans and BABE ``biased_words`` (other domain: US politics, so reported, not
  tuned on): token-level precision and recall of the words inside flagged spans, beside the
  published MBIC word-level F1 of 0.43.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from model.exceptions import DataError
from model.lexicon import Lexicon
from model.predictor import StanceModel

PUBLISHED_MBIC_WORD_F1 = 0.43
_WORD = re.compile(r"\w[\w'’-]*")


def _ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 0.0


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def read_gold(path: Path) -> list[dict[str, Any]]:
    """Read the gold set; every span must index its text exactly."""
    rows = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            for span in row["spans"]:
                if row["text"][span["start"] : span["end"]] != span["term"]:
                    raise DataError(
                        f"{path}, line {number}: span {span['term']!r} does not match the text at "
                        f"[{span['start']}, {span['end']})."
                    )
            rows.append(row)
    return rows


def evaluate_gold(model: StanceModel, rows: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Span-level precision/recall and voice/target/category accuracy on matched spans."""
    true_positive = predicted_total = gold_total = 0
    voice_right = target_right = category_right = 0
    misses: list[dict[str, Any]] = []
    false_alarms: list[dict[str, Any]] = []
    by_kind: dict[str, dict[str, int]] = {}
    rows = list(rows)
    records = model.predict([row["text"] for row in rows])
    for row, record in zip(rows, records, strict=True):
        gold = {(s["start"], s["end"]): s for s in row["spans"]}
        predicted = {(t["start"], t["end"]): t for t in record["loaded_terms"]}
        kind = by_kind.setdefault(row.get("kind", ""), {"sentences": 0, "false_alarms": 0, "misses": 0})
        kind["sentences"] += 1
        gold_total += len(gold)
        predicted_total += len(predicted)
        for key, span in gold.items():
            if key in predicted:
                true_positive += 1
                found = predicted[key]
                voice_right += found["voice"] == span["voice"]
                target_right += found["target"] == span["target"]
                category_right += found["category"] == span["category"]
                if found["voice"] != span["voice"] or found["target"] != span["target"]:
                    misses.append(
                        {
                            "id": row["id"],
                            "term": span["term"],
                            "kind": "attribute",
                            "gold": [span["voice"], span["target"]],
                            "predicted": [found["voice"], found["target"]],
                        }
                    )
            else:
                kind["misses"] += 1
                misses.append({"id": row["id"], "term": span["term"], "kind": "missed"})
        for key, term in predicted.items():
            if key not in gold:
                kind["false_alarms"] += 1
                false_alarms.append({"id": row["id"], "term": term["term"]})
    precision = _ratio(true_positive, predicted_total)
    recall = _ratio(true_positive, gold_total)
    return {
        "sentences": len(rows),
        "gold_spans": gold_total,
        "predicted_spans": predicted_total,
        "precision": precision,
        "recall": recall,
        "f1": _f1(precision, recall),
        "voice_accuracy": _ratio(voice_right, true_positive),
        "target_accuracy": _ratio(target_right, true_positive),
        "category_accuracy": _ratio(category_right, true_positive),
        "by_kind": by_kind,
        "errors": {"missed_or_wrong": misses[:40], "false_alarms": false_alarms[:40]},
    }


def _tokens(text: str) -> list[tuple[str, int, int]]:
    return [(m.group().lower(), m.start(), m.end()) for m in _WORD.finditer(text)]


def _flagged_tokens(lexicon: Lexicon, text: str) -> set[int]:
    """Indexes of the word tokens of ``text`` inside a flagged span."""
    spans = [(m.start, m.end) for m in lexicon.find(text)]
    return {i for i, (_, start, end) in enumerate(_tokens(text)) if any(s <= start and end <= e for s, e in spans)}


def evaluate_basil(lexicon: Lexicon, corpus_dir: Path) -> dict[str, Any]:
    """Token-level P/R against BASIL's lexical-bias spans over all BASIL sentences."""
    sentences = pd.read_csv(corpus_dir / "basil_lexical_bias" / "sentences.csv", dtype=str, keep_default_na=False)
    spans = pd.read_csv(corpus_dir / "basil_lexical_bias" / "spans.csv", dtype=str, keep_default_na=False)
    spans = spans[(spans["bias_type"] == "lex") & (spans["sentence_idx"] != "")]
    gold_spans: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for article, index, start_text, end_text in zip(
        spans["article_id"], spans["sentence_idx"], spans["start"], spans["end"], strict=True
    ):
        gold_spans.setdefault((str(article), str(index)), []).append((int(start_text), int(end_text)))
    true_positive = predicted = gold = 0
    for article, index, text in zip(sentences["article_id"], sentences["sentence_idx"], sentences["text"], strict=True):
        tokens = _tokens(str(text))
        marked = gold_spans.get((str(article), str(index)), [])
        gold_set = {i for i, (_, start, end) in enumerate(tokens) if any(s <= start and end <= e for s, e in marked)}
        flagged = _flagged_tokens(lexicon, str(text))
        true_positive += len(gold_set & flagged)
        predicted += len(flagged)
        gold += len(gold_set)
    precision, recall = _ratio(true_positive, predicted), _ratio(true_positive, gold)
    return {
        "corpus": "basil",
        "sentences": len(sentences),
        "gold_tokens": gold,
        "flagged_tokens": predicted,
        "precision": precision,
        "recall": recall,
        "f1": _f1(precision, recall),
        "published_mbic_word_f1": PUBLISHED_MBIC_WORD_F1,
    }


def evaluate_babe(lexicon: Lexicon, corpus_dir: Path) -> dict[str, Any]:
    """Token-level P/R against BABE SG2's ``biased_words`` (a word counts once per sentence)."""
    frame = pd.read_csv(corpus_dir / "babe_mbic" / "final_labels_SG2.csv", dtype=str, keep_default_na=False)
    true_positive = predicted = gold = 0
    for text, biased in zip(frame["text"].astype(str), frame["biased_words"].astype(str), strict=True):
        try:
            words = {str(w).lower() for w in ast.literal_eval(biased or "[]")}
        except (ValueError, SyntaxError):
            words = set()
        tokens = _tokens(text)
        flagged = {tokens[i][0] for i in _flagged_tokens(lexicon, text)}
        true_positive += len(words & flagged)
        predicted += len(flagged)
        gold += len(words)
    precision, recall = _ratio(true_positive, predicted), _ratio(true_positive, gold)
    return {
        "corpus": "babe",
        "sentences": len(frame),
        "gold_words": gold,
        "flagged_words": predicted,
        "precision": precision,
        "recall": recall,
        "f1": _f1(precision, recall),
        "published_mbic_word_f1": PUBLISHED_MBIC_WORD_F1,
    }


def format_framing(result: dict[str, Any]) -> str:
    """A readable summary of a framing evaluation."""
    if "gold_spans" in result:
        return (
            f"gold set: {result['sentences']} sentences, {result['gold_spans']} gold spans, "
            f"{result['predicted_spans']} flagged\n"
            f"  span precision {result['precision']:.3f}  recall {result['recall']:.3f}  F1 {result['f1']:.3f}\n"
            f"  on matched spans: voice accuracy {result['voice_accuracy']:.3f}  target accuracy "
            f"{result['target_accuracy']:.3f}  category accuracy {result['category_accuracy']:.3f}\n"
            f"  by kind: {result['by_kind']}"
        )
    return (
        f"{result['corpus']}: {result['sentences']} sentences; token precision {result['precision']:.3f} "
        f"recall {result['recall']:.3f} F1 {result['f1']:.3f} (published MBIC word-level F1 "
        f"{result['published_mbic_word_f1']:.2f}, a trained model on its own domain)"
    )
