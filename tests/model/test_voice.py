"""Voice and speakers: quotes in every mark, attribution before and after, reported speech."""

from __future__ import annotations

import pytest

from model.labels import Voice
from model.voice import attribute_quotes, clean_speaker, find_quotes, sentence_voice, span_voice


def voice_of(text: str) -> tuple[str, str]:
    quotes = attribute_quotes(text, find_quotes(text))
    result = sentence_voice(text, 0, len(text), quotes)
    return result.voice.value, result.speaker


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            '"NATO is a relic of the Cold War," the ministry said in a statement.',
            ("quoted", "the ministry"),
            id="straight-quote-speaker-after",
        ),
        pytest.param("“Sanctions will not break us,” said Lavrov.", ("quoted", "Lavrov"), id="curly-verb-first"),
        pytest.param(
            "«L'OTAN doit partir de nos frontières», a déclaré le porte-parole. The Kremlin said: «We will respond to every provocation»",
            ("quoted", "The Kremlin"),
            id="guillemets-speaker-before",
        ),
        pytest.param(
            "Foreign Minister Anna Berg warned the assembly that “the alliance will not be intimidated.”",
            ("quoted", "Foreign Minister Anna Berg"),
            id="speaker-before-with-object",
        ),
        pytest.param(
            "After the vote, Ruritanian strongman Karl Vance said “Foreign meddling has to end now.”",
            ("quoted", "Karl Vance"),
            id="descriptor-gives-way-to-name",
        ),
        pytest.param(
            "The ministry said NATO's advance endangers world peace.",
            ("attributed", "The ministry"),
            id="said-without-that",
        ),
        pytest.param(
            "Beijing said that the alliance should not seek to expand.", ("attributed", "Beijing"), id="said-that"
        ),
        pytest.param(
            "According to the Kremlin, the sanctions are illegal.", ("attributed", "the Kremlin"), id="according-to"
        ),
        pytest.param(
            "NATO is a threat to us all, the spokeswoman said.", ("attributed", "the spokeswoman"), id="trailing"
        ),
        pytest.param("The summit ended without a joint communiqué.", ("author", ""), id="plain-author"),
        pytest.param(
            "Cuba backs Moscow, calls to end 'Western meddling'", ("author", ""), id="scare-quotes-stay-author"
        ),
        pytest.param("Russia's allies' support was limited.", ("author", ""), id="apostrophes-are-not-quotes"),
    ],
)
def test_sentence_voice(text: str, expected: tuple[str, str]) -> None:
    assert voice_of(text) == expected


def test_scare_quoted_word_is_quoted_but_sentence_is_author() -> None:
    text = "The crisis in Havana followed years of 'Western intervention' in the region."
    quotes = attribute_quotes(text, find_quotes(text))
    sentence = sentence_voice(text, 0, len(text), quotes)
    assert sentence.voice is Voice.AUTHOR
    assert span_voice(text.index("Western"), sentence, quotes) == (Voice.QUOTED, "")
    assert span_voice(text.index("Havana"), sentence, quotes) == (Voice.AUTHOR, "")


def test_short_quote_after_a_reporting_verb_with_words_between_is_a_scare_quote() -> None:
    text = "Havana calls to end 'Western intervention' now."
    [quote] = attribute_quotes(text, find_quotes(text))
    assert quote.is_scare_quote


def test_reported_clause_is_attributed_but_reporting_frame_is_author() -> None:
    text = "The ministry said the Kiev regime had shelled the town."
    quotes = attribute_quotes(text, find_quotes(text))
    sentence = sentence_voice(text, 0, len(text), quotes)
    assert span_voice(text.index("Kiev"), sentence, quotes) == (Voice.ATTRIBUTED, "The ministry")
    assert span_voice(text.index("ministry"), sentence, quotes) == (Voice.AUTHOR, "")


def test_reporting_verb_inside_the_quotation_is_not_reported_speech() -> None:
    # "We call" lies inside the quotation: the words after the closing mark are the outlet's.
    text = '"We call on the alliance to stop its drills," the dictator said in the statement.'
    quotes = attribute_quotes(text, find_quotes(text))
    sentence = sentence_voice(text, 0, len(text), quotes)
    assert (sentence.voice, sentence.speaker) == (Voice.QUOTED, "the dictator")
    assert span_voice(text.index("dictator"), sentence, quotes) == (Voice.AUTHOR, "")
    assert span_voice(text.index("drills"), sentence, quotes)[0] is Voice.QUOTED


def test_quote_spanning_paragraphs_continues_until_closed() -> None:
    text = "“The first part goes on.\n\n“And the second part ends here,” the envoy said."
    spans = find_quotes(text)
    assert len(spans) == 2
    quotes = attribute_quotes(text, spans)
    # The first paragraph's quote is unclosed: it runs to the paragraph end and takes the
    # speaker of the quote that resumes it.
    assert [q.speaker for q in quotes] == ["the envoy", "the envoy"]


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("After Russia invaded in 2014, Cuban dictator Raul Castro Ruz", "Raul Castro Ruz"),
        ("the Cuban Foreign Affairs Ministry (Minrex)", "the Cuban Foreign Affairs Ministry (Minrex)"),
        ("Lavrov.", "Lavrov"),
        ("the U.S.", "the U.S."),
        ("that", ""),
    ],
)
def test_clean_speaker(phrase: str, expected: str) -> None:
    assert clean_speaker(phrase) == expected
