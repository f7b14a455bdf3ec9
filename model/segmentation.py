"""Sentence segmentation for news text.

A sentence ends at ``.``, ``!``, ``?`` or ``…`` (with any closing quotes or brackets after it)
when whitespace and a capital, a digit or an opening quote follow, unless the word before the
full stop is an abbreviation ("U.S.", "Gen.", "Jan. 5") or an initial ("J. Smith"). Every line
break ends a sentence: headlines, datelines and paragraphs stand alone.
"""

from __future__ import annotations

import re

ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof gen lt col maj capt cpt sgt adm cmdr gov sen rep rev st mt ft jr sr pres sec amb
    dept corp inc ltd co no nos vol fig vs etc al approx est min max jan feb mar apr jun jul aug sep
    sept oct nov dec mon tue wed thu fri sat sun u.s u.k u.n e.u u.s.s.r u.a.e d.c p.m a.m e.g i.e ph.d
    """.split()
)
_CANDIDATE = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s+[\"'“‘«(\[]?[A-Z0-9À-ÖØ-ÞА-Я])")
_LINE_BREAK = re.compile(r"\n")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Split ``text`` into sentences.

    Parameters
    ----------
    text : str
        An article or a passage.

    Returns
    -------
    list of (int, int)
        ``(start, end)`` offsets of each sentence, whitespace trimmed, in order; empty for a
        text of only whitespace.
    """
    spans: list[tuple[int, int]] = []
    if "\n" not in text:  # most statements: one line
        _split_line(text, 0, len(text), spans)
        return spans
    line_start = 0
    for line_end in [m.start() for m in _LINE_BREAK.finditer(text)] + [len(text)]:
        _split_line(text, line_start, line_end, spans)
        line_start = line_end + 1
    return spans


def _split_line(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    sentence_start = start
    for match in _CANDIDATE.finditer(text, start, end):
        if match.group()[0] == "." and _is_abbreviation(text, sentence_start, match.start()):
            continue
        _append_trimmed(text, sentence_start, match.end(), spans)
        sentence_start = match.end()
    _append_trimmed(text, sentence_start, end, spans)


def _is_abbreviation(text: str, sentence_start: int, dot: int) -> bool:
    # The word before the full stop, found backwards (a forward search would rescan the
    # sentence at every candidate full stop of a long text).
    word = text[max(text.rfind(" ", sentence_start, dot), sentence_start - 1) + 1 : dot]
    word = word.lstrip("\"'“‘«([").lower().rstrip(".")
    if not word or not all(char.isalnum() or char == "." for char in word):
        return False
    # A single letter before a full stop is an initial ("J. Smith", "U.S.").
    return word in ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def _append_trimmed(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    segment = text[start:end]
    stripped = segment.strip()
    if stripped:
        start += len(segment) - len(segment.lstrip())
        spans.append((start, start + len(stripped)))
