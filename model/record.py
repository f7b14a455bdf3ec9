"""The prediction record of SPEC section 2, the one output shape of every surface.

Records are plain dictionaries (they go straight to JSON); the ``TypedDict`` classes here say
what each holds.
"""

from __future__ import annotations

import re
from typing import Any, NotRequired, TypedDict

from model.labels import Category, Voice
from model.lexicon import Lexicon, Match
from model.targets import TargetTable
from model.textnorm import fold
from model.voice import Quote, SentenceVoice, span_voice

# "X calls Y a 'T'", "described Y as T", "portrays Y as a T": the label is aimed at Y, and at
# nothing named elsewhere in the clause (annotation guide 5, the meta sense).
_NAMING_FRAME = re.compile(
    r"\b(?:call(?:s|ed|ing)?|describ(?:e|es|ed|ing)|portray(?:s|ed|ing)?|refer(?:s|red|ring)? to|"
    r"brand(?:s|ed|ing)?|label(?:s|led|ed|ling)?|dub(?:s|bed|bing)?|dismiss(?:es|ed|ing)?)\s+"
    r"(?!as\s)(?P<named>(?:(?!\bas\b)(?:[^\"'“”‘’«».;:!?,]|(?<=\w)['’](?=s\b|\s))){1,60}?)\s+(?:as\s+)?(?:(?:a|an|the)\s+)?[\"'“‘«]?\s*$"
)

# "call him a 'dictator'", "calls a 'usurper'": no object that names anyone; the clause may
# ("Opponents of Lukashenko", "Putin, whom the opposition calls ...").
_NAMES_NO_ONE = frozenset("a an the him her it them this that these those us you".split())


class HeadResult(TypedDict):
    label: str
    score: float
    scores: dict[str, float]


class LoadedTerm(TypedDict):
    term: str
    start: int
    end: int
    category: str
    target: str
    voice: str
    speaker: str
    neutral: list[str]


class Framing(TypedDict):
    loaded_count: int
    author_loaded_count: int
    per_100_words: float


class PredictionRecord(TypedDict):
    id: str
    stance: str
    score: float
    scores: dict[str, float]
    targets: dict[str, HeadResult]
    voice: str
    speaker: str
    loaded_terms: list[LoadedTerm]
    framing: Framing
    explanation: NotRequired[list[dict[str, Any]]]


def loaded_terms(
    text: str, lexicon: Lexicon, sentence: SentenceVoice, quotes: list[Quote], offset: int = 0
) -> list[LoadedTerm]:
    """The loaded terms in ``text``, with voice and target, offsets shifted by ``offset``.

    ``offset`` is where ``text`` starts in the string the caller's offsets index into (a
    sentence inside a document); ``quotes`` and ``sentence`` use the caller's offsets. A term
    whose noun phrase names no target takes the nearest side named in its quotation or clause,
    never its own speaker.
    """
    terms: list[LoadedTerm] = []
    clause: tuple[str, list[tuple[int, int, str]]] | None = None  # folded text and its aliases, once
    for match in lexicon.find(text):
        voice, speaker = span_voice(match.start + offset, sentence, quotes)
        target = match.target
        if not target:
            if clause is None:
                lowered = fold(text)
                clause = (lowered, lexicon.targets.aliases_in(lowered))
            served = match.entry.serves
            if match.entry.category is Category.EUPHEMISM:
                # A euphemism glorifies the side it serves; its nearest name is usually its
                # victim ("Ukrainian fighters were neutralised"), so the clause is not read.
                target = served if served and any(name == served for _, _, name in clause[1]) else ""
            else:
                target = _clause_target(lexicon.targets, clause, match, quotes, offset, speaker, served)
        terms.append(
            {
                "term": text[match.start : match.end],
                "start": match.start + offset,
                "end": match.end + offset,
                "category": match.entry.category.value,
                "target": target,
                "voice": voice.value,
                "speaker": speaker,
                "neutral": list(match.entry.neutral),
            }
        )
    return terms


def _clause_target(
    targets: TargetTable,
    clause: tuple[str, list[tuple[int, int, str]]],
    match: Match,
    quotes: list[Quote],
    offset: int,
    speaker: str,
    served: str,
) -> str:
    """The nearest side named in the term's quotation, else its clause; never its own speaker,
    never the side the term serves ("accused Warsaw of Russophobia after the Russian consulate
    closed" is aimed at Poland), and, outside a quotation, never a name inside one (the
    author's label is not aimed there)."""
    lowered, every_alias = clause
    aliases = [alias for alias in every_alias if alias[2] != served] if served else every_alias
    frame = _NAMING_FRAME.search(lowered, max(0, match.start - 120), match.start)
    if frame is not None and frame.group("named") not in _NAMES_NO_ONE:
        named = [name for start, end, name in aliases if frame.start("named") <= start and end <= frame.end("named")]
        return named[-1] if named else ""
    quote = next((q for q in quotes if q.start <= match.start + offset < q.end), None)
    excluded = [] if quote is not None else [(q.start - offset, q.end - offset) for q in quotes]
    if speaker:
        needle = fold(speaker)
        position = lowered.find(needle)
        while position != -1:
            excluded.append((position, position + len(needle)))
            position = lowered.find(needle, position + 1)
    if quote is not None:
        within = (quote.start - offset, quote.end - offset)
        target = targets.nearest_in_clause(lowered, match.start, match.end, aliases, within, excluded)
        if target:
            return target
    return targets.nearest_in_clause(lowered, match.start, match.end, aliases, None, excluded)


def framing(terms: list[LoadedTerm], words: int) -> Framing:
    """Counts of loaded terms; ``per_100_words`` counts the author's own (outlet-voice) terms."""
    author = sum(1 for term in terms if term["voice"] == Voice.AUTHOR)
    return {
        "loaded_count": len(terms),
        "author_loaded_count": author,
        "per_100_words": round(100.0 * author / words, 2) if words else 0.0,
    }
