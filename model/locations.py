"""Where stancewatch finds its data and its default model.

The committed data (``data/corpus``, ``data/lexicon``) sits beside the packages in a checkout;
``STANCEWATCH_DATA_DIR`` and ``STANCEWATCH_MODEL_DIR`` point elsewhere when needed.
"""

from __future__ import annotations

import os
from pathlib import Path

DATA_DIR = Path(os.environ.get("STANCEWATCH_DATA_DIR", Path(__file__).resolve().parent.parent / "data"))
CORPUS_DIR = DATA_DIR / "corpus"
LEXICON_DIR = Path(os.environ.get("STANCEWATCH_LEXICON_DIR", DATA_DIR / "lexicon"))
EVAL_DIR = DATA_DIR / "eval"
DEFAULT_MODEL_DIR = Path(os.environ.get("STANCEWATCH_MODEL_DIR", DATA_DIR / "models" / "default"))
