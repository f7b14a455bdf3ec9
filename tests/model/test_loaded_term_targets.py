"""Targets of loaded terms with the shipped lexicon: the side a term serves, euphemisms, and
the naming frame "X calls Y a 'T'"."""

from __future__ import annotations

import pytest

from model.lexicon import Lexicon
from model.locations import LEXICON_DIR
from model.record import loaded_terms
from model.voice import attribute_quotes, find_quotes, sentence_voice


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon.load(LEXICON_DIR)


def target_of(lexicon: Lexicon, text: str, term: str) -> str:
    quotes = attribute_quotes(text, find_quotes(text))
    terms = loaded_terms(text, lexicon, sentence_voice(text, 0, len(text), quotes), quotes)
    [found] = [t for t in terms if t["term"] == term]
    return found["target"]


@pytest.mark.parametrize(
    ("text", "term", "expected"),
    [
        # A label is never aimed at the side whose vocabulary it is.
        ('Moscow accused Warsaw of "Russophobia" after the Russian embassy was closed.', "Russophobia", "Poland"),
        ("Kyiv says the orcs shelled Ukrainian villages overnight.", "orcs", ""),
        ("The blockade has emptied the shelves of Cuban pharmacies.", "blockade", ""),
        # A euphemism glorifies the side it serves, when the text names that side...
        ("Russian troops completed the liberation of the village.", "liberation", "Russia"),
        ("The Kremlin still speaks of a special military operation.", "special military operation", "Russia"),
        # ...and not the victim named beside it.
        ("Some 40 Ukrainian soldiers were neutralised, the report said.", "neutralised", ""),
        # "X calls Y a 'T'": Y, or no one when Y names no side.
        ('The minister called the Polish government "fascists" on Sunday.', "fascists", "Poland"),
        ('A Russian diplomat called the inspectors\' report a "sham".', "sham", ""),
        # A pronoun object leaves the choice to the clause.
        ('Critics of Lukashenko call him a "dictator".', "dictator", "Belarus"),
    ],
)
def test_target(lexicon: Lexicon, text: str, term: str, expected: str) -> None:
    assert target_of(lexicon, text, term) == expected
