"""Whole-article analysis: sentence records, who voiced what, and the outlet's own framing.

The article is split into sentences; quotations are found over the whole text (they may span
sentences and paragraphs) and attributed; each sentence gets a prediction record with its
offsets; speakers referred to again as "he" or "the minister" are resolved to the last named
speaker; a loaded label with no target of its own ("the regime") takes the target of the last
resolved label of the same category, because the article has shown who it means.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from model.labels import HEADS, Voice
from model.predictor import StanceModel, build_record, check_text
from model.record import LoadedTerm, framing, loaded_terms
from model.segmentation import split_sentences
from model.voice import Quote, SentenceVoice, attribute_quotes, find_quotes, is_pronoun, sentence_voice

_ANAPHORIC_PREFIXES = ("the ", "The ")


def _resolve_speaker(speaker: str, named: list[str]) -> str:
    """Resolve "he", "the dictator", "the ministry" to the last named speaker it can mean."""
    if not speaker or not named:
        return speaker
    if is_pronoun(speaker):
        return named[-1]
    if speaker.startswith(_ANAPHORIC_PREFIXES) and speaker[4:].islower():
        head = speaker.split()[-1].lower()
        for candidate in reversed(named):
            if head in candidate.lower():
                return candidate
        return named[-1]
    return speaker


def _analyze_part(model: StanceModel, text: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Sentence records of one part (title or body) with their offsets and speakers."""
    quotes = attribute_quotes(text, find_quotes(text))
    sentences = split_sentences(text)
    if not sentences:
        return [], []
    named: list[str] = []
    resolved_quotes: list[Quote] = []
    for quote in quotes:
        speaker = _resolve_speaker(quote.speaker, named)
        if speaker and not is_pronoun(speaker) and not speaker[4:].islower():
            named.append(speaker)
        resolved_quotes.append(Quote(quote.start, quote.end, speaker))
    texts = [text[start:end] for start, end in sentences]
    head_results = model.head_results(model.features.transform(texts))
    records: list[dict[str, Any]] = []
    named = []
    for row, (start, end) in enumerate(sentences):
        voice = sentence_voice(text, start, end, resolved_quotes)
        speaker = _resolve_speaker(voice.speaker, named)
        if speaker != voice.speaker:
            voice = SentenceVoice(voice.voice, speaker, voice.reported_start, voice.reported_end)
        if speaker and speaker == voice.speaker and not is_pronoun(speaker):
            named.append(speaker)
        terms = loaded_terms(texts[row], model.lexicon, voice, resolved_quotes, offset=start)
        record = dict(build_record(f"s{row}", head_results[row], voice, terms, len(texts[row].split())))
        record["start"], record["end"], record["text"] = start, end, texts[row]
        record["quotes"] = [
            {
                "start": max(q.start, start),
                "end": min(q.end, end),
                "speaker": q.speaker,
                "scare_quote": q.is_scare_quote,
            }
            for q in resolved_quotes
            if q.start < end and q.end > start
        ]
        records.append(record)
    return records, named


def _inherit_targets(records: list[dict[str, Any]]) -> None:
    last_target: dict[str, str] = {}
    for record in records:
        for term in record["loaded_terms"]:
            if term["target"]:
                last_target[term["category"]] = term["target"]
            elif term["category"] in last_target and _is_definite(record["text"], term["start"] - record["start"]):
                term["target"] = last_target[term["category"]]


def _is_definite(sentence: str, position: int) -> bool:
    """Whether the term at ``position`` follows "the " ("the regime", "the dictator")."""
    return sentence[max(0, position - 4) : position].lower() == "the "


def analyze_document(model: StanceModel, text: str, title: str | None = None) -> dict[str, Any]:
    """Analyse an article sentence by sentence.

    Parameters
    ----------
    model : StanceModel
        The loaded model.
    text : str
        The article body; sentence offsets index into it.
    title : str, optional
        The headline; its sentences are records with ``part == "title"`` and offsets into it.

    Returns
    -------
    dict
        ``sentences`` (records with ``start``, ``end``, ``text``, ``part`` and the ``quotes``
        inside them: quotations with their speaker, or scare quotes), ``speakers``
        (who voiced what, with stance counts), ``framing`` (author-voice loaded terms per 100
        words, counts by category and by target) and ``stance`` (a document summary).
    """
    check_text(text, 0)
    parts = [("title", title)] if title and title.strip() else []
    parts.append(("text", text))
    sentences: list[dict[str, Any]] = []
    for part, content in parts:
        assert content is not None
        records, _ = _analyze_part(model, content)
        for record in records:
            record["part"] = part
        sentences.extend(records)
    for index, record in enumerate(sentences):
        record["id"] = f"s{index}"
    _inherit_targets(sentences)
    terms: list[LoadedTerm] = [term for record in sentences for term in record["loaded_terms"]]
    words = sum(len(content.split()) for _, content in parts if content)
    return {
        "sentences": sentences,
        "speakers": _speakers(sentences),
        "framing": _document_framing(terms, words),
        "stance": _document_stance(sentences),
    }


def _speakers(sentences: list[dict[str, Any]]) -> list[dict[str, Any]]:
    table: dict[str, dict[str, Any]] = {}
    for record in sentences:
        speaker = record["speaker"] if record["voice"] != Voice.AUTHOR else "(author)"
        row = table.setdefault(
            speaker,
            {
                "speaker": speaker,
                "sentences": 0,
                "voices": Counter(),
                "stance": Counter(dict.fromkeys(HEADS["stance"], 0)),
                "loaded_terms": 0,
            },
        )
        row["sentences"] += 1
        row["voices"][record["voice"]] += 1
        row["stance"][record["stance"]] += 1
        row["loaded_terms"] += sum(1 for t in record["loaded_terms"] if (t["speaker"] or "(author)") == speaker)
    rows = sorted(table.values(), key=lambda r: (r["speaker"] != "(author)", -r["sentences"]))
    return [{**row, "voices": dict(row["voices"]), "stance": dict(row["stance"])} for row in rows]


def _document_framing(terms: list[LoadedTerm], words: int) -> dict[str, Any]:
    by_category: dict[str, Counter[str]] = {}
    by_target: dict[str, Counter[str]] = {}
    for term in terms:
        by_category.setdefault(term["category"], Counter())[term["voice"]] += 1
        by_target.setdefault(term["target"] or "(unclear)", Counter())[term["voice"]] += 1
    summary: dict[str, Any] = dict(framing(terms, words))
    summary["words"] = words
    summary["by_category"] = {key: dict(value) for key, value in sorted(by_category.items())}
    summary["by_target"] = {key: dict(value) for key, value in sorted(by_target.items())}
    return summary


def _document_stance(sentences: list[dict[str, Any]]) -> dict[str, Any]:
    labels = HEADS["stance"]
    counts = Counter(dict.fromkeys(labels, 0))
    author = Counter(dict.fromkeys(labels, 0))
    reported = Counter(dict.fromkeys(labels, 0))
    for record in sentences:
        counts[record["stance"]] += 1
        (author if record["voice"] == Voice.AUTHOR else reported)[record["stance"]] += 1
    total = len(sentences) or 1
    mean = {label: sum(r["scores"][label] for r in sentences) / total for label in labels}
    committed = {label: counts[label] for label in labels if label != "neutral"}
    label = max(committed, key=lambda k: committed[k]) if any(committed.values()) else "neutral"
    if sum(committed.values()) and list(committed.values()).count(max(committed.values())) > 1:
        label = "neutral"
    return {
        "label": label,
        "counts": dict(counts),
        "author_counts": dict(author),
        "quoted_or_attributed_counts": dict(reported),
        "mean_scores": mean,
    }
