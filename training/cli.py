"""Command-line verbs of the training side: ``train``, ``evaluate``, ``convert``, ``lexicon check``.

Thin: each parses its arguments and calls a function that tests call directly.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from model.classifier import FEATURE_SETS
from model.exceptions import DataError
from model.lexicon import Lexicon
from model.locations import CORPUS_DIR, DEFAULT_MODEL_DIR, EVAL_DIR, LEXICON_DIR
from model.predictor import StanceModel
from training.corpus import load_labelled
from training.evaluate import evaluate_corpus, evaluate_frame, format_evaluation
from training.external import CORPORA, DEFAULT_CORPORA_DIR, convert_ruw
from training.framing_eval import evaluate_babe, evaluate_basil, evaluate_gold, format_framing, read_gold
from training.train import train

GOLD_FILE = EVAL_DIR / "loaded_terms_gold.jsonl"
FRAMING_CORPORA = {"basil": evaluate_basil, "babe": evaluate_babe}


def register(subparsers: Any, ensure_model: Callable[[Path], Path]) -> None:
    """Add the training verbs to the ``stancewatch`` parser; ``evaluate`` builds the default
    model on first use through ``ensure_model``."""
    parser = subparsers.add_parser("train", help="train a model from labelled statements")
    parser.add_argument(
        "--data",
        type=Path,
        nargs="+",
        default=[CORPUS_DIR],
        help="labelled .csv/.jsonl files or folders (default: data/corpus)",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_MODEL_DIR, help="model directory to write")
    parser.add_argument("--lexicon", type=Path, default=LEXICON_DIR, help="lexicon folder to build in")
    parser.add_argument(
        "--corpora-dir", type=Path, default=DEFAULT_CORPORA_DIR, help="real corpora to score the model on, if present"
    )
    parser.add_argument("--no-search", action="store_true", help="skip the hyper-parameter search")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=1, help="processes for the search")
    parser.add_argument(
        "--features",
        choices=FEATURE_SETS,
        default="words",
        help="words: word n-grams (the default model); words+chars: with character n-grams, "
        "better on social media, larger and slower",
    )
    parser.add_argument(
        "--weight",
        action="append",
        default=[],
        metavar="PATH=FACTOR",
        help="weigh the rows of one --data path (file or folder) by FACTOR, e.g. data/corpus=0.3; repeatable",
    )
    parser.set_defaults(handler=run_train)

    parser = subparsers.add_parser("evaluate", help="score a model on labelled data or a real corpus")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--data", type=Path, nargs="+", help="labelled .csv/.jsonl files or folders")
    source.add_argument(
        "--corpus", choices=sorted([*CORPORA, *FRAMING_CORPORA]), help="a real corpus from --corpora-dir"
    )
    source.add_argument(
        "--gold",
        type=Path,
        nargs="?",
        const=GOLD_FILE,
        help=f"the loaded-term gold set (default: {GOLD_FILE.relative_to(GOLD_FILE.parents[2])})",
    )
    parser.add_argument(
        "--split",
        choices=["train", "test", "all"],
        default="test",
        help="with --data: which rows to score (default: the test split)",
    )
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL_DIR)
    parser.add_argument("--corpora-dir", type=Path, default=DEFAULT_CORPORA_DIR)
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    parser.set_defaults(handler=lambda args: run_evaluate(args, ensure_model))

    parser = subparsers.add_parser("convert", help="write a real corpus in the training schema")
    parser.add_argument("corpus", choices=["ruw"])
    parser.add_argument("--split", default="train", choices=["train", "val", "test"])
    parser.add_argument("--corpora-dir", type=Path, default=DEFAULT_CORPORA_DIR)
    parser.add_argument("--out", type=Path, required=True, help="CSV file to write")
    parser.set_defaults(handler=run_convert)

    parser = subparsers.add_parser("lexicon", help="review the loaded-term lexicon")
    parser.add_argument("action", choices=["check"])
    parser.add_argument("--lexicon", type=Path, default=LEXICON_DIR)
    parser.set_defaults(handler=run_lexicon_check)


def run_train(args: argparse.Namespace) -> int:
    directory = train(
        data=args.data,
        out=args.out,
        lexicon_dir=args.lexicon,
        corpora_dir=args.corpora_dir,
        run_search=not args.no_search,
        seed=args.seed,
        n_jobs=args.jobs,
        features=args.features,
        weights=_parse_weights(args.weight),
    )
    print(directory)
    return 0


def _parse_weights(items: list[str]) -> dict[Path, float]:
    weights = {}
    for item in items:
        path, _, factor = item.rpartition("=")
        try:
            value = float(factor)
        except ValueError:
            value = None
        if not path or value is None:
            raise DataError(f"--weight {item!r}: write PATH=FACTOR, e.g. data/corpus=0.3.")
        weights[Path(path)] = value
    return weights


def run_evaluate(args: argparse.Namespace, ensure_model: Callable[[Path], Path]) -> int:
    model = StanceModel.load(ensure_model(args.model))
    result: dict[str, Any]
    if args.gold:
        result = evaluate_gold(model, read_gold(args.gold))
        print(json.dumps(result, indent=2) if args.json else format_framing(result))
        return 0
    if args.corpus in FRAMING_CORPORA:
        result = FRAMING_CORPORA[args.corpus](model.lexicon, args.corpora_dir)
        print(json.dumps(result, indent=2) if args.json else format_framing(result))
        return 0
    if args.corpus:
        result = evaluate_corpus(model, args.corpus, args.corpora_dir)
    else:
        frame = load_labelled(args.data)
        if args.split != "all":
            frame = frame[(frame["split"] == args.split) | ((frame["split"] == "") & (args.split == "train"))]
        result = {
            "data": [str(p) for p in args.data],
            "split": args.split,
            "n": len(frame),
            "heads": evaluate_frame(model, frame),
        }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        if "data" in result:
            print(f"data {', '.join(result['data'])}, split {result['split']} (n={result['n']})")
            print(format_evaluation(result["heads"]))
        else:
            print(format_evaluation(result))
    return 0


def run_convert(args: argparse.Namespace) -> int:
    count = convert_ruw(args.corpora_dir, args.split, args.out)
    print(f"wrote {count} statements to {args.out}", file=sys.stderr)
    return 0


def run_lexicon_check(args: argparse.Namespace) -> int:
    lexicon = Lexicon.load(args.lexicon)
    problems = lexicon.check()
    counts: dict[str, int] = {}
    for entry in lexicon.entries:
        counts[entry.category.value] = counts.get(entry.category.value, 0) + 1
    for problem in problems:
        print(f"problem: {problem}")
    print(
        f"lexicon {lexicon.version}: {len(lexicon.entries)} entries "
        f"({', '.join(f'{k} {v}' for k, v in sorted(counts.items()))}), {len(lexicon.targets.names)} targets, "
        f"{len(problems)} problems"
    )
    return 1 if problems else 0
