"""The ``stancewatch`` command: the one place that joins the training and service sides.

``training`` and ``service`` both depend on ``model`` and not on each other; this module is the
composition root that wires their verbs together and builds the default model when a verb
needs it and it is absent or out of date.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from model import __version__
from model.artifact import read_metadata
from model.exceptions import ArtifactError, StancewatchError
from model.lexicon import Lexicon
from model.locations import CORPUS_DIR, DEFAULT_MODEL_DIR, LEXICON_DIR
from service import cli as service_cli
from training import cli as training_cli
from training.corpus import data_files, data_sha256
from training.external import DEFAULT_CORPORA_DIR

log = logging.getLogger("stancewatch")


def ensure_default_model(directory: Path) -> Path:
    """Build the default model from ``data/`` when it is absent or was built from another corpus
    or another lexicon.

    Other model directories are used as given: a user's model is never rebuilt behind
    their back.
    """
    if directory.resolve() != DEFAULT_MODEL_DIR.resolve():
        return directory
    current = (data_sha256(data_files([CORPUS_DIR])), Lexicon.load(LEXICON_DIR).version)
    try:
        metadata = read_metadata(directory)
        built_from = (metadata.get("training_data", {}).get("sha256"), metadata.get("lexicon_version"))
    except ArtifactError:
        built_from = None
    if built_from != current:
        from training.train import train  # imported here: serving never needs the trainer otherwise

        log.info("building the default model in %s (first use, or data/ changed); this takes a minute", directory)
        train(out=directory, corpora_dir=DEFAULT_CORPORA_DIR if DEFAULT_CORPORA_DIR.is_dir() else None)
    return directory


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="stancewatch",
        description="Stance toward NATO and Russia, voice, and loaded framing in statements and news text.",
    )
    parser.add_argument("--version", action="version", version=f"stancewatch {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    service_cli.register(subparsers, ensure_default_model)
    training_cli.register(subparsers, ensure_default_model)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        status: int = args.handler(args)
    except StancewatchError as exc:
        print(f"stancewatch {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"stancewatch {args.command}: interrupted", file=sys.stderr)
        return 130
    return status


if __name__ == "__main__":
    sys.exit(main())
