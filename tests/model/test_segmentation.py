"""Sentence segmentation survives abbreviations, initials, quotes and line breaks."""

from __future__ import annotations

import pytest

from model.segmentation import split_sentences


def sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("NATO met. Russia left.", ["NATO met.", "Russia left."], id="two-sentences"),
        pytest.param(
            "The U.S. Gen. Smith spoke. He left.", ["The U.S. Gen. Smith spoke.", "He left."], id="abbreviations"
        ),
        pytest.param(
            "Talks began Jan. 5 in Geneva. They failed.",
            ["Talks began Jan. 5 in Geneva.", "They failed."],
            id="month-abbreviation",
        ),
        pytest.param("J. R. Smith wrote it. Then what?", ["J. R. Smith wrote it.", "Then what?"], id="initials"),
        pytest.param(
            '"We will respond." The ministry said so.',
            ['"We will respond."', "The ministry said so."],
            id="closing-quote-after-stop",
        ),
        pytest.param("“Enough,” he said. “No more.”", ["“Enough,” he said.", "“No more.”"], id="curly-quotes"),
        pytest.param(
            "Headline here\n\nBody starts. Ends!", ["Headline here", "Body starts.", "Ends!"], id="line-breaks"
        ),
        pytest.param("Why? Because.", ["Why?", "Because."], id="question"),
        pytest.param("no capital. after it", ["no capital. after it"], id="lowercase-continuation"),
        pytest.param("   \n  ", [], id="whitespace-only"),
        pytest.param("Price rose 2.5 percent.", ["Price rose 2.5 percent."], id="decimal"),
    ],
)
def test_split(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_offsets_are_trimmed_and_ordered() -> None:
    text = "  One.   Two.  "
    spans = split_sentences(text)
    assert spans == [(2, 6), (9, 13)]
