"""Property tests over arbitrary Unicode: nothing crashes, every span indexes the text exactly."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model.document import analyze_document
from model.lexicon import Lexicon
from model.predictor import StanceModel
from model.segmentation import split_sentences
from model.textnorm import fold
from model.voice import attribute_quotes, find_quotes, sentence_voice

EXAMPLES = int(os.environ.get("STANCEWATCH_PROPERTY_EXAMPLES", "300"))
# Arbitrary text, salted with the pieces the code treats specially: quote marks, terms,
# abbreviations, odd case mappings and line breaks.
PIECES = st.sampled_from(
    [
        '"',
        "“",
        "”",
        "«",
        "»",
        "'",
        "‘",
        "’",
        " regime",
        " Kiev regime",
        " neo-Nazis",
        " U.S.",
        " Jan. 5",
        ". ",
        "\n",
        "\n\n",
        "İ",
        "ß",
        " said",
        " according to ",
        ", the ministry said.",
        "so-called",
        " sanctions regime",
        "\u00a0",
        "\t",
        "Cuban",
        " 1941 ",
    ]
)
TEXT = st.lists(st.one_of(st.text(max_size=12), PIECES), max_size=30).map("".join)
FAST = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FAST
@given(text=TEXT)
def test_matcher_spans_index_the_text(toy_lexicon: Lexicon, text: str) -> None:
    previous_end = 0
    for match in toy_lexicon.find(text):
        assert 0 <= match.start < match.end <= len(text)
        assert match.start >= previous_end, "matches overlap"
        assert fold(text[match.start : match.end]) in match.entry.patterns
        previous_end = match.end


@FAST
@given(text=TEXT)
def test_segmenter_spans_are_ordered_and_trimmed(text: str) -> None:
    previous_end = 0
    for start, end in split_sentences(text):
        assert previous_end <= start < end <= len(text)
        assert not text[start].isspace() and not text[end - 1].isspace()
        previous_end = end


@FAST
@given(text=TEXT)
def test_voice_never_crashes_and_quotes_index_the_text(text: str) -> None:
    quotes = attribute_quotes(text, find_quotes(text))
    for quote in quotes:
        assert 0 <= quote.start < quote.end <= len(text)
        assert not quote.speaker or quote.speaker.strip() == quote.speaker
    sentence_voice(text, 0, len(text), quotes)


@FAST
@given(text=TEXT.filter(lambda t: t.strip()), title=st.one_of(st.none(), TEXT))
def test_document_spans_index_the_text(toy_model: StanceModel, text: str, title: str | None) -> None:
    result = analyze_document(toy_model, text, title=title)
    for sentence in result["sentences"]:
        source = title if sentence["part"] == "title" else text
        assert source is not None and source[sentence["start"] : sentence["end"]] == sentence["text"]
        for term in sentence["loaded_terms"]:
            assert source[term["start"] : term["end"]] == term["term"]


@FAST
@given(texts=st.lists(TEXT.filter(lambda t: t.strip()), min_size=1, max_size=5))
def test_predict_spans_index_the_text(toy_model: StanceModel, texts: list[str]) -> None:
    for text, record in zip(texts, toy_model.predict(texts), strict=True):
        for term in record["loaded_terms"]:
            assert text[term["start"] : term["end"]] == term["term"]
