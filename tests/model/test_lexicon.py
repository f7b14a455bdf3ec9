"""The lexicon matcher, table-driven: case, inflections, multiword terms, boundaries, overlaps,
exclusions, targets, offsets."""

from __future__ import annotations

from pathlib import Path

import pytest

from model.exceptions import LexiconError
from model.lexicon import Lexicon
from model.locations import LEXICON_DIR
from tests.conftest import TOY_TARGETS, TOY_TERMS


def found(lexicon: Lexicon, text: str) -> list[tuple[str, str, str]]:
    return [(text[m.start : m.end], m.entry.id, m.target) for m in lexicon.find(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("The regime fell.", [("regime", "regime", "")], id="plain"),
        pytest.param("THE REGIME FELL", [("REGIME", "regime", "")], id="upper-case"),
        pytest.param("Two regimes met.", [("regimes", "regime", "")], id="inflection"),
        pytest.param("the Kiev regime said", [("Kiev regime", "kiev_regime", "Ukraine")], id="multiword-longest-wins"),
        pytest.param("the sanctions regime tightened", [], id="exclusion-before"),
        pytest.param("the regime of the Straits", [], id="exclusion-after"),
        pytest.param("a regimen of pills and regimental colours", [], id="word-boundary-inside-word"),
        pytest.param("Nazi Germany invaded", [], id="historical-phrase"),
        pytest.param("In 1941 the Nazis occupied Kyiv.", [], id="historical-context"),
        pytest.param("neo-Nazis run the show", [("neo-Nazis", "neo_nazis", "")], id="hyphenated"),
        pytest.param("the so-called referendum", [("so-called", "so_called", "")], id="hyphen-pattern"),
        pytest.param(
            "the special\nmilitary operation",
            [("special\nmilitary operation", "special_military_operation", "Russia")],
            id="line-break-inside-multiword",
        ),
        pytest.param("The Cuban regime", [("regime", "regime", "Cuba")], id="target-demonym-before"),
        pytest.param("Maduro’s regime", [("regime", "regime", "Venezuela")], id="target-curly-possessive"),
        pytest.param("Putin's brutal regime", [("regime", "regime", "Russia")], id="target-with-modifier"),
        pytest.param("the regime in Havana", [("regime", "regime", "Cuba")], id="target-after"),
        pytest.param("Cuba backs regimes", [("regimes", "regime", "")], id="verb-breaks-target"),
        pytest.param("Cuba and the regime", [("regime", "regime", "")], id="conjunction-breaks-target"),
        pytest.param("", [], id="empty"),
    ],
)
def test_matcher(toy_lexicon: Lexicon, text: str, expected: list[tuple[str, str, str]]) -> None:
    assert found(toy_lexicon, text) == expected


def test_offsets_index_the_original_text_even_when_lowercasing_changes_length(toy_lexicon: Lexicon) -> None:
    # "İ" lowercases to two characters; offsets after it must not drift.
    text = "İİİ the regime"
    [match] = toy_lexicon.find(text)
    assert text[match.start : match.end] == "regime"


def test_overlapping_candidates_take_the_leftmost_longest(toy_lexicon: Lexicon) -> None:
    text = "the kyiv regime regimes"
    assert [t for t, _, _ in found(toy_lexicon, text)] == ["kyiv regime", "regimes"]


def test_version_is_a_hash_of_both_files(tmp_path: Path) -> None:
    (tmp_path / "terms.toml").write_text(TOY_TERMS, encoding="utf-8")
    (tmp_path / "targets.toml").write_text(TOY_TARGETS, encoding="utf-8")
    first = Lexicon.load(tmp_path).version
    (tmp_path / "targets.toml").write_text(TOY_TARGETS + "\n# edited\n", encoding="utf-8")
    assert Lexicon.load(tmp_path).version != first


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        pytest.param(
            'id = "x"\ncategory = "slur"\npatterns = ["x"]\nneutral = ["y"]', "unknown category", id="category"
        ),
        pytest.param(
            'id = "x"\ncategory = "euphemism"\npatterns = []\nneutral = ["y"]', "'patterns' is empty", id="no-patterns"
        ),
        pytest.param(
            'id = "x"\ncategory = "euphemism"\npatterns = ["x"]\nneutral = []', "'neutral' is empty", id="no-neutral"
        ),
        pytest.param(
            'id = "x"\ncategory = "euphemism"\npatterns = ["Big X"]\nneutral = ["y"]', "must be lowercase", id="case"
        ),
        pytest.param(
            'id = "x"\ncategory = "euphemism"\npatterns = ["x"]\nneutral = ["y"]\ncolour = "red"',
            "unknown keys",
            id="unknown-key",
        ),
        pytest.param(
            'id = "x"\ncategory = "euphemism"\npatterns = ["x"]\nneutral = ["y"]\nnot_loaded = ["other words"]',
            "contains none of the patterns",
            id="stray-exclusion",
        ),
        pytest.param(
            'id = "x"\ncategory = "euphemism"\npatterns = ["regime"]\nneutral = ["y"]',
            "appears in entries",
            id="pattern-in-two-entries",
        ),
        pytest.param(
            'id = "x"\ncategory = "euphemism"\npatterns = ["visa regime"]\nneutral = ["y"]',
            "both a pattern of 'x' and a not_loaded phrase",
            id="pattern-is-an-exclusion",
        ),
        pytest.param(
            'id = "regime"\ncategory = "euphemism"\npatterns = ["z"]\nneutral = ["y"]',
            "duplicate entry id",
            id="duplicate-id",
        ),
    ],
)
def test_malformed_entries_are_refused_with_the_reason(tmp_path: Path, entry: str, message: str) -> None:
    (tmp_path / "terms.toml").write_text(TOY_TERMS + "\n[[entry]]\n" + entry + "\n", encoding="utf-8")
    (tmp_path / "targets.toml").write_text(TOY_TARGETS, encoding="utf-8")
    with pytest.raises(LexiconError, match=message):
        Lexicon.load(tmp_path)


def test_check_reports_shadowing_and_loaded_alternatives(tmp_path: Path) -> None:
    extra = """
[[entry]]
id = "junta"
category = "delegitimizing_label"
patterns = ["junta"]
neutral = ["the regime"]
not_loaded = ["junta dictatorship"]
"""
    (tmp_path / "terms.toml").write_text(TOY_TERMS + extra, encoding="utf-8")
    (tmp_path / "targets.toml").write_text(TOY_TARGETS, encoding="utf-8")
    problems = Lexicon.load(tmp_path).check()
    assert any("hides pattern 'dictatorship'" in p for p in problems)
    assert any("neutral alternative 'the regime' is itself loaded" in p for p in problems)


def test_missing_lexicon_names_the_folder(tmp_path: Path) -> None:
    with pytest.raises(LexiconError, match="Cannot read the lexicon"):
        Lexicon.load(tmp_path)


def test_the_shipped_lexicon_passes_its_own_check() -> None:
    lexicon = Lexicon.load(LEXICON_DIR)
    assert lexicon.check() == []
    counts: dict[str, int] = {}
    for entry in lexicon.entries:
        counts[entry.category] = counts.get(entry.category, 0) + 1
    assert len(lexicon.entries) >= 200
    assert min(counts.values()) >= 25, counts
    assert len(lexicon.targets.names) >= 60
