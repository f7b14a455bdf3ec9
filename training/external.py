"""Converters for the real corpora in ``../shared/corpora`` (or any folder laid out the same way).

Each reads its corpus from a path and maps it onto the guide's labels; none of their text is
stored in the repository. See each folder's SOURCE.md for provenance, licence and caveats.

- ``ruw``: RUW tweets (test split by default). ``russia`` from ``stance_russia``; ``stance``
  from ``camp_derived`` (pro_ukraine -> pro_nato), leaving ``mixed`` unlabelled for the
  stance head; ``nato`` is not annotated.
- ``euvsdisinfo``, ``euvsdisinfo_titles``, ``voxcheck``: pro-Kremlin claims, all of which
  voice Russia's side, so the measure is the recall of ``pro_russia``.
- ``unga``: UN General Debate paragraphs grouped by the speaking country's vote on ES-11/1;
  no statement labels, so the measure is the predicted stance distribution per vote group.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from model.exceptions import DataError

DEFAULT_CORPORA_DIR = Path(
    os.environ.get("STANCEWATCH_CORPORA_DIR", Path(__file__).resolve().parent.parent.parent / "shared" / "corpora")
)
_RUW_STANCE = {"pro_ukraine": "pro_nato", "pro_russia": "pro_russia", "neutral": "neutral", "mixed": ""}


@dataclass(frozen=True)
class Corpus:
    """A real corpus: how to read it and what kind of evaluation it supports."""

    name: str
    description: str
    kind: str  # "labelled", "recall" or "by_group"
    relative_path: str
    reader: Callable[[Path], pd.DataFrame]

    def load(self, corpora_dir: Path) -> pd.DataFrame:
        """Read the corpus from ``corpora_dir``; raise :class:`DataError` if it is not there."""
        path = Path(corpora_dir) / self.relative_path
        if not path.is_file():
            raise DataError(
                f"Corpus {self.name!r} not found at {path}. Pass --corpora-dir pointing at the folder "
                "that holds the shared corpora (in a checkout: ../shared/corpora)."
            )
        return self.reader(path)


def read_ruw(path: Path, split: str = "test") -> pd.DataFrame:
    """RUW tweets of one split in the corpus schema (``nato`` unlabelled)."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame = frame[frame["split"] == split]
    return pd.DataFrame(
        {
            "id": "ruw-" + frame["id"],
            "text": frame["text"],
            "stance": frame["camp_derived"].map(_RUW_STANCE).fillna(""),
            "nato": "",
            "russia": frame["stance_russia"].str.lower().replace({"neutral": "none"}),
            "genre": "social_media",
            "language": "en",
            "split": "train" if split != "test" else "test",
        }
    ).reset_index(drop=True)


def _read_claims(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    text = frame["claim_summary"].where(frame["claim_summary"].str.strip() != "", frame["title"])
    return (
        pd.DataFrame({"id": frame["case_id"], "text": text, "stance": "pro_russia"})
        .query("text != ''")
        .reset_index(drop=True)
    )


def _read_titles(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return (
        pd.DataFrame({"id": "title-" + frame.index.astype(str), "text": frame["title"], "stance": "pro_russia"})
        .query("text != ''")
        .reset_index(drop=True)
    )


def _read_voxcheck(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return (
        pd.DataFrame(
            {
                "id": "vox-" + frame["id"],
                "text": frame["disinfo_quote_en"],
                "stance": "pro_russia",
                "narrative": frame["narrative"],
            }
        )
        .query("text != ''")
        .reset_index(drop=True)
    )


def _read_unga(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return pd.DataFrame(
        {
            "id": frame["iso3"] + "-" + frame["year"] + "-" + frame["paragraph_idx"],
            "text": frame["text"],
            "group": frame["es_11_1_vote"],
            "country": frame["iso3"],
        }
    )


CORPORA: dict[str, Corpus] = {
    corpus.name: corpus
    for corpus in (
        Corpus(
            "ruw",
            "RUW tweets, test split (russia head; stance from camp_derived, mixed left out)",
            "labelled",
            "ruw_stance/ruw.csv",
            read_ruw,
        ),
        Corpus(
            "euvsdisinfo",
            "EUvsDisinfo claim summaries 2015-2017 (all pro-Kremlin: recall of pro_russia)",
            "recall",
            "euvsdisinfo/claims_with_disproof_2015_2017.csv",
            _read_claims,
        ),
        Corpus(
            "euvsdisinfo_titles",
            "EUvsDisinfo case titles 2015-2021 (all pro-Kremlin: recall of pro_russia)",
            "recall",
            "euvsdisinfo/case_titles_2015_2021.csv",
            _read_titles,
        ),
        Corpus(
            "voxcheck",
            "VoxCheck propaganda-diary quotes (all pro-Kremlin: recall of pro_russia)",
            "recall",
            "voxcheck_propaganda_diary/propaganda_diary_en.csv",
            _read_voxcheck,
        ),
        Corpus(
            "unga",
            "UN General Debate 2022-2024 paragraphs by the country's ES-11/1 vote",
            "by_group",
            "un_general_debate_2022_2024/paragraphs_mentioning_russia_ukraine_nato.csv",
            _read_unga,
        ),
    )
}


def convert_ruw(corpora_dir: Path, split: str, out: Path) -> int:
    """Write RUW's ``split`` in the corpus schema to ``out`` (CSV) for ``stancewatch train --data``."""
    if split not in {"train", "val", "test"}:
        raise DataError(f"RUW has splits train, val and test; got {split!r}.")
    path = Path(corpora_dir) / CORPORA["ruw"].relative_path
    frame = read_ruw(path, split).drop_duplicates(subset="text")
    if split != "test":
        # RUW repeats a few tweets across splits; keep the test split unseen.
        frame = frame[~frame["text"].isin(set(read_ruw(path, "test")["text"]))]
    out.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(out, index=False)
    return len(frame)
