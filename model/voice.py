"""Voice and speakers: whose words a sentence, or a loaded term inside it, are.

Three voices (guide section 4): ``author`` (the writer's own words), ``quoted`` (inside
quotation marks, attributed to a speaker) and ``attributed`` (reported speech without
quotation marks). Quotes are found in straight and curly double quotes, guillemets, and
single quotes used as scare quotes; a quote left open at the end of a paragraph continues in
the next paragraph that opens with a quote, as news style writes long quotations. Speakers are
read from the attribution around a quote ("...," the ministry said; X warned that "..."; X said
"...") or from reported speech (X said that ...; according to X, ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from model.labels import Voice

REPORTING_VERBS = """
    said says say told tells tell warned warns asserted asserts added adds claimed claims stated states
    argued argues insisted insists declared declares noted notes stressed stresses emphasized emphasizes
    emphasised emphasises accused accuses alleged alleges charged charges maintained maintains wrote
    writes tweeted tweets posted posts announced announces explained explains urged urges denied denies
    acknowledged acknowledges admitted admits suggested suggests contended contends countered counters
    replied replies responded responds observed observes remarked remarks complained complains lamented
    laments threatened threatens vowed vows pledged pledges promised promises reiterated reiterates
    underlined underlines underscored underscores highlighted highlights recalled recalls affirmed
    affirms reaffirmed reaffirms concluded concludes predicted predicts conceded concedes confirmed
    confirms believes believe thinks think considers consider called calls demanded demands condemned
    condemns criticized criticizes criticised criticises blamed blames rejected rejects dismissed
    dismisses argue note describe described describes reported reports insist warn claim point pointed
    points
        blame accuse condemn criticize criticise reject deny dismiss insist warn claim argue note describe call
    demand urge maintain assert declare state stress emphasize emphasise allege charge add explain admit
    acknowledge suggest reply respond observe remark complain lament threaten vow pledge promise reiterate
    underline underscore highlight recall affirm reaffirm conclude predict concede confirm write tweet post
    announce spoke speaks speak talked talks portrayed portrays portray labelled labeled labels branded brands
    """.split()
_VERB_SET = frozenset(REPORTING_VERBS)
_VERBS = "|".join(sorted(REPORTING_VERBS, key=len, reverse=True))
# A speaker phrase: an optional determiner, then up to nine words (capitalised names, titles,
# "of the", parenthesised acronyms: "the Cuban Foreign Affairs Ministry (Minrex)"). A lower-case
# word may not be a reporting verb or an adverb of _ADVERBS, so the phrase stops before "said" in
# "Zelensky said the terrorist state..." and before "privately describe".
_NAME_WORD = r"(?:[A-ZÀ-ÖØ-ÞА-Я][\w'’.-]*|\([A-Z][\w]*\)|[a-z][\w'’-]*|\d[\w-]*)"
# Adverbs that may stand between a speaker and the reporting verb ("privately describe").
_ADVERBS = "has|had|have|also|further|again|just|now|still|often|privately|publicly|openly|reportedly|repeatedly"
_SPEAKER_WORD = rf"(?:(?!(?:{_VERBS}|{_ADVERBS})\b){_NAME_WORD})"
_SPEAKER = rf"(?:(?:the|a|an|The|A|An)\s+)?{_SPEAKER_WORD}(?:\s+{_SPEAKER_WORD}){{0,8}}"
_PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i", "He", "She", "They", "It", "We", "I"})
_PRONOUNS_LOWER = frozenset(p.lower() for p in _PRONOUNS)
# Words that cannot end or sit inside a speaker phrase: they start a clause instead.
_CLAUSE_WORDS = frozenset(
    """
    that which who whom whose when while if because although though after before since as and but or so
    then also further again not never has have had is are was were be been will would can could should
    must may might do does did this these those there here what why how
    """.split()
)
_PREPOSITIONS = frozenset("on of at from in for with to by".split())
# The head of a speaker phrase is a name (capitalised), an acronym in brackets, or one of these.
SPEAKER_NOUNS = frozenset(
    """
    ministry ministries minister ministers spokesman spokeswoman spokesperson spokespeople official
    officials government governments president presidents leader leaders analyst analysts expert experts
    critic critics source sources diplomat diplomats envoy envoys ambassador ambassadors delegation
    delegations delegate delegates army military commander commanders general generals embassy council
    parliament lawmakers legislators deputies deputy senator senators press media television outlet
    outlets agency agencies newspaper newspapers daily channel broadcaster statement communique
    communiqué report administration office service services secretary chancellor premier chief head
    mayor governor bishop patriarch church activist activists protesters veterans observers monitors
    inspectors investigators prosecutors prosecutor court judge union bloc alliance side authorities
    party opposition campaigners economists scholars historians researchers commentators columnist
    editorial host anchor blogger bloggers residents soldier soldiers farmers officer officers
    negotiators negotiator mediators mediator staff aide aides adviser advisers advisor advisors
    chairman chairwoman chair speaker presidency cabinet department foreign spokespersons representative
    representatives envoy he she they we i it
        journalists journalist reporters reporter correspondents correspondent writers writer authors editors editor
    exiles dissidents politicians politician people citizens villagers refugees witnesses survivors volunteers
    fighters presenters presenter hosts anchors pundits propagandists academics insiders allies partners
    neighbours neighbors capitals states outlet newspaper broadcasters commentator analyst columnists
        op-ed article column study commentary blog paper website channel programme program show
    """.split()
)
_OPENERS = {"“": "”", "«": "»", "‘": "’", '"': '"', "'": "'", "„": "“"}
_CLOSERS = frozenset(_OPENERS.values())
# Captured text mixes straight and curly double quotes ("... peace,” the ministry said), so
# either double mark closes a double-quoted passage.
_CLOSES = {
    opener: re.compile("[" + re.escape(closer + ('"”“' if closer in '"”“' else "")) + "]")
    for opener, closer in _OPENERS.items()
}
_WORD = re.compile(r"[A-Za-z]+")
# Every word that can signal reported speech; a sentence with none of them skips the patterns.
_VERB_WORDS = (
    frozenset(REPORTING_VERBS)
    | {"according", "According", "view", "words"}
    | {verb.capitalize() for verb in REPORTING_VERBS}
)
_OPENER_RE = re.compile("[" + re.escape("".join(_OPENERS)) + "]")

_AFTER_QUOTE = re.compile(
    rf"^\s*[,.;:!?]?\s*(?:(?P<verb_first>{_VERBS})\s+(?P<speaker_after>{_SPEAKER})"
    rf"|(?P<speaker>{_SPEAKER}?)\s+(?:has\s+|had\s+|have\s+)?(?:{_VERBS})\b)"
)
_TOKEN = re.compile(r"[\w'’.()-]+|[:,]")
# Words allowed between a reporting verb and the quotation it introduces ("warned the United
# Nations that", "told reporters on Monday:").
_OBJECT_WORDS = 6
_ACCORDING = re.compile(
    r"\b(?:[Aa]ccording to|[Ii]n the view of|[Ii]n the words of)\s+(?P<speaker>[^,.;:!?]{1,80}?)\s*(?:,|$)"
)
_ADVERB_SET = frozenset(_ADVERBS.split("|"))
_AUDIENCES = frozenset("reporters journalists lawmakers parliament".split())
_TIME_WORDS = frozenset("on in at during after".split())
_SPEAKER_WORDS_MAX = 10
_INTRO_CHARS_MAX = 62  # "In a statement published on its website, the ministry said ..."
_TRAILER_CHARS_MAX = 40  # "..., the spokeswoman said on Tuesday."
_WORDS_IN_QUOTE_MIN = 4


@dataclass(frozen=True)
class Quote:
    """A quotation: ``start``/``end`` include the marks; ``speaker`` is empty for scare quotes."""

    start: int
    end: int
    speaker: str

    @property
    def is_scare_quote(self) -> bool:
        return not self.speaker


@dataclass(frozen=True)
class SentenceVoice:
    """Voice and speaker of a sentence, and the region of its reported clause, if any."""

    voice: Voice
    speaker: str
    reported_start: int = -1
    reported_end: int = -1


def find_quotes(text: str) -> list[tuple[int, int]]:
    """Every quotation in ``text`` as ``(start, end)`` offsets including the marks.

    An opening mark with no closing mark in its paragraph runs to the end of the paragraph.
    Apostrophes inside words ("Russia's", "allies'") are not quotation marks.
    """
    quotes: list[tuple[int, int]] = []
    length = len(text)
    resume = 0  # characters before this are inside a quotation already found
    for candidate in _OPENER_RE.finditer(text):
        index = candidate.start()
        if index < resume or not _opens(text, index):
            continue
        char = text[index]
        close = _find_close(text, index, _CLOSES[char])
        if close == -1:
            paragraph_end = text.find("\n\n", index)
            close_end = length if paragraph_end == -1 else paragraph_end
            if char in "'‘" or close_end - index < 2:
                continue
            quotes.append((index, close_end))
            resume = close_end
        else:
            quotes.append((index, close + 1))
            resume = close + 1
    return quotes


def _opens(text: str, index: int) -> bool:
    char = text[index]
    before = text[index - 1] if index > 0 else " "
    after = text[index + 1] if index + 1 < len(text) else " "
    if after.isspace():
        return False
    if char in "'’":
        # A straight single quote opens only after a space or bracket and before a letter:
        # "the 'Western intervention'" but not "Russia's" or "the allies' aid".
        return (before.isspace() or before in "([—–-") and after.isalpha()
    if char == '"':
        return not before.isalnum()
    return True


def _find_close(text: str, index: int, closers: re.Pattern[str]) -> int:
    paragraph_end = text.find("\n\n", index)
    limit = len(text) if paragraph_end == -1 else paragraph_end
    position = index + 1
    while True:
        found = closers.search(text, position, limit)
        if found is None:
            return -1
        position = found.start()
        closer = found.group()
        after = text[position + 1] if position + 1 < len(text) else " "
        before = text[position - 1]
        if closer in "'’" and (after.isalpha() or before.isspace()):
            position += 1  # an apostrophe inside a word, not the closing mark
            continue
        if closer == '"' and before.isspace() and after.isalnum():
            position += 1  # an opening mark of the next quote
            continue
        return position


def attribute_quotes(text: str, quotes: list[tuple[int, int]]) -> list[Quote]:
    """Attach a speaker to each quotation from the words right after or before it.

    A short quotation (fewer than four words) is a scare quote unless a speaker is named right
    after it or a reporting verb stands right before it ('Havana calls to end 'Western
    intervention'' keeps the author's voice). A quotation left open at a paragraph's end takes
    the speaker of the quotation that resumes it in the next paragraph.
    """
    attributed: list[Quote] = []
    for start, end in quotes:
        short = len(text[start + 1 : end - 1].split()) < _WORDS_IN_QUOTE_MIN
        speaker = _speaker_after(text, end) or _speaker_before(text, start, strict=short)
        if (
            not speaker
            and not short
            and attributed
            and not attributed[-1].is_scare_quote
            and _continues(text, attributed[-1].end, start)
        ):
            speaker = attributed[-1].speaker  # a quote resumed after its attribution
        attributed.append(Quote(start, end, speaker))
    for index in range(len(attributed) - 2, -1, -1):
        quote, following = attributed[index], attributed[index + 1]
        unclosed = text[quote.end - 1] not in _CLOSERS
        if not quote.speaker and unclosed and not text[quote.end : following.start].strip():
            attributed[index] = Quote(quote.start, quote.end, following.speaker)
    return attributed


def _continues(text: str, previous_end: int, start: int) -> bool:
    gap = text[previous_end:start]
    return len(gap) < 200


def _speaker_after(text: str, end: int) -> str:
    line_end = text.find("\n", end)
    tail = text[end : (len(text) if line_end == -1 else line_end)][:160]
    match = _AFTER_QUOTE.match(tail)
    if match is None:
        return ""
    speaker = match.group("speaker_after") if match.group("verb_first") else match.group("speaker")
    return clean_speaker(speaker or "")


def _speaker_before(text: str, start: int, strict: bool = False) -> str:
    """The speaker named in the clause right before a quotation ("X said", "X warned Y that", "X:").

    Token-based rather than one regex: a regex that lets a speaker phrase end anywhere before a
    verb backtracks badly on long text, and this runs on every quotation of every statement.
    ``strict`` (short quotes) allows no words between the verb and the quotation.
    """
    line_start = text.rfind("\n", 0, start) + 1
    head = text[max(line_start, start - 200) : start]
    # Only the clause right before the quote can attribute it.
    clause_start = max(head.rfind(". "), head.rfind("; "), head.rfind("? "))
    head = head[clause_start + 1 :] if clause_start != -1 else head
    tokens = [match.group() for match in _TOKEN.finditer(head)]
    if tokens and tokens[-1] == ":":
        tokens.pop()
        if tokens and tokens[-1] not in _VERB_SET:
            return clean_speaker(" ".join(tokens[-10:]))  # "Peskov: ..."
    while tokens and tokens[-1] in {",", ":", "that"}:
        tokens.pop()
    window = 1 if strict else _OBJECT_WORDS + 1
    for position in range(len(tokens) - 1, max(-1, len(tokens) - 1 - window), -1):
        # Reporting verbs are lower case after their subject; "States" is not "states".
        if tokens[position] in _VERB_SET:
            return clean_speaker(" ".join(tokens[max(0, position - 12) : position]).replace(" ,", ","))
    return ""


def clean_speaker(phrase: str) -> str:
    """Trim a speaker phrase to the name as written.

    Leading clause material ("After Russia invaded Crimea in 2014, Cuban dictator Raul Castro")
    is cut at the last comma; a lowercase descriptor before a full name ("Cuban dictator Raul
    Castro Ruz") gives way to the name; a phrase that is only clause words is no speaker.
    """
    phrase = phrase.strip(" ,;:")
    if phrase.endswith(".") and "." not in phrase[:-1].rsplit(" ", 1)[-1]:
        phrase = phrase[:-1]  # "said Lavrov." ends the sentence; "the U.S." keeps its dot
    if "," in phrase:
        phrase = phrase.rsplit(",", 1)[1].strip()
    words = phrase.split()
    while words and (words[-1] in _CLAUSE_WORDS or words[-1].lower() in _VERB_SET):
        words.pop()
    for index, word in enumerate(words):
        if word in _CLAUSE_WORDS:
            words = words[index + 1 :]
            break
    if not words:
        return ""
    if len(words) == 1 and words[0].lower() in {"it", "this", "that", "there"}:
        return ""
    # "Cuban dictator Raul Castro Ruz" -> "Raul Castro Ruz": a trailing run of capitalised
    # words after a lowercase descriptor is the name.
    trailing = 0
    for word in reversed(words):
        if word[:1].isupper():
            trailing += 1
        else:
            break
    if 2 <= trailing < len(words) and words[0] not in {"the", "The", "a", "A", "an", "An"}:
        descriptor = words[: len(words) - trailing]
        if any(w[:1].islower() for w in descriptor):
            words = words[len(words) - trailing :]
    return " ".join(words)


def sentence_voice(text: str, start: int, end: int, quotes: list[Quote]) -> SentenceVoice:
    """Voice and speaker of the sentence ``text[start:end]``.

    ``quotes`` are the attributed quotations of the whole ``text`` (:func:`attribute_quotes`).
    A sentence whose content is mostly an attributed quotation is ``quoted``; one that reports
    speech without quotation marks is ``attributed``; any other is the author's.
    """
    if not quotes and _VERB_WORDS.isdisjoint(_WORD.findall(text, start, end)):
        return SentenceVoice(Voice.AUTHOR, "")  # no quotation and no reporting word: the author's
    sentence_chars = _visible(text[start:end]) or 1
    best: Quote | None = None
    best_share = 0.0
    for quote in quotes:
        overlap_start, overlap_end = max(quote.start, start), min(quote.end, end)
        if overlap_end <= overlap_start or quote.is_scare_quote:
            continue
        share = _visible(text[overlap_start:overlap_end]) / sentence_chars
        if share > best_share:
            best, best_share = quote, share
    reported = _reported_clause(text, start, end)
    if reported is not None and any(q.start < reported.reported_start <= q.end for q in quotes if q.start >= start):
        # "'We call on NATO ...,' the leader said": the "verb" was read inside the quotation.
        reported = None
    if best is not None and (
        best_share >= 0.3 or len(text[max(best.start, start) : min(best.end, end)].split()) >= _WORDS_IN_QUOTE_MIN
    ):
        # "The ministry said the Kiev regime was 'acting on orders'": quoted overall, and the
        # words between the verb and the quotation are still the ministry's, reported.
        if reported is not None:
            return SentenceVoice(Voice.QUOTED, best.speaker, reported.reported_start, reported.reported_end)
        return SentenceVoice(Voice.QUOTED, best.speaker)
    return reported or SentenceVoice(Voice.AUTHOR, "")


def _reported_clause(text: str, start: int, end: int) -> SentenceVoice | None:
    """The reported-speech reading of a sentence ("X said ...", "according to X", "..., X said").

    Word by word rather than one regex: a speaker phrase that may end before any of some two
    hundred verbs makes a regex slow, and this runs on every statement; the words are read
    with one ``findall`` and offsets are computed only when a speaker is found.
    """
    sentence = text[start:end]
    words = _TOKEN.findall(sentence, 0, _INTRO_CHARS_MAX + 100)
    found = _speaker_then_verb(sentence, 0, words, 0)
    if found is None and "," in words and words[0] not in _OPENERS:
        # After a short introductory phrase: "In 2019, ...", "After the vote, ...".
        comma = words.index(",")
        if not any(word in {";", ":"} or word[:1] in _OPENERS for word in words[:comma]):
            found = _speaker_then_verb(sentence, 0, words, comma + 1)
            if found is not None and _offset_after(sentence, 0, words, comma) > _INTRO_CHARS_MAX:
                found = None
    if found is not None:
        speaker, reported = found
        return SentenceVoice(Voice.ATTRIBUTED, speaker, start + reported, end)
    if "ccording" in sentence or "the view of" in sentence or "the words of" in sentence:
        match = _ACCORDING.search(sentence)
        if match is not None:
            speaker = clean_speaker(match.group("speaker"))
            if plausible_speaker(speaker):
                return SentenceVoice(Voice.ATTRIBUTED, speaker, start, end)
    comma_at = sentence.rfind(", ")
    if comma_at != -1 and len(sentence) - comma_at <= _TRAILER_CHARS_MAX + 90:
        tail = _TOKEN.findall(sentence, comma_at + 1)
        found = _speaker_then_verb(sentence, comma_at + 1, tail, 0)
        if (
            found is not None
            and len(sentence) - found[1] <= _TRAILER_CHARS_MAX
            and not any(mark in sentence[found[1] :] for mark in (",", ";"))
        ):
            return SentenceVoice(Voice.ATTRIBUTED, found[0], start, start + comma_at)
    return None


def _offset_after(sentence: str, base: int, words: list[str], index: int) -> int:
    """Offset in ``sentence`` just after ``words[index]`` (``words`` tokenised from ``base``)."""
    for position, match in enumerate(_TOKEN.finditer(sentence, base)):
        if position == index:
            return match.end()
    return len(sentence)


def _speaker_then_verb(sentence: str, base: int, words: list[str], first: int) -> tuple[str, int] | None:
    """A plausible speaker phrase from ``words[first]`` up to a reporting verb, and the offset
    where the reported words begin (after "that", an audience or a time: "told reporters on
    Monday that", "said on Tuesday")."""
    for index in range(first, min(len(words), first + _SPEAKER_WORDS_MAX + 2)):
        word = words[index]
        if word in {",", ";", ":"} or word[:1] in _OPENERS:
            return None
        if index == first or word.rstrip(".") not in _VERB_SET:
            continue
        phrase = words[first:index]
        while phrase and phrase[-1] in _ADVERB_SET:
            phrase.pop()
        speaker = clean_speaker(" ".join(phrase))
        if not speaker or not plausible_speaker(speaker):
            return None
        last = index
        for ahead in range(index + 1, min(len(words), index + 7)):
            if words[ahead] in {",", ";", ":"}:
                break
            if words[ahead] == "that":
                return speaker, _offset_after(sentence, base, words, ahead)
        if last + 1 < len(words) and words[last + 1] in _AUDIENCES:
            last += 1
        if last + 2 < len(words) and words[last + 1] in _TIME_WORDS and words[last + 2][:1].isupper():
            last += 2
        return speaker, _offset_after(sentence, base, words, last)
    return None


def _visible(text: str) -> int:
    """Characters that are not white space."""
    return len("".join(text.split()))


def span_voice(position: int, sentence: SentenceVoice, quotes: list[Quote]) -> tuple[Voice, str]:
    """Voice and speaker of a word at ``position`` of a sentence.

    Inside quotation marks the words are the quote's speaker's (a scare quote has none);
    inside a reported clause they are the reported speaker's; elsewhere the author's.
    """
    for quote in quotes:
        if quote.start <= position < quote.end:
            return Voice.QUOTED, quote.speaker
    if sentence.reported_start <= position < sentence.reported_end:
        return Voice.ATTRIBUTED, sentence.speaker
    return Voice.AUTHOR, ""


def plausible_speaker(speaker: str) -> bool:
    """Whether a phrase before a reporting verb names a speaker ("the ministry", "Lavrov",
    "Western officials") rather than a clause ("whatever you", "the invasion")."""
    words = speaker.split()
    if not words or words[0] in _CLAUSE_WORDS:
        return False
    # The head comes before any prepositional phrase: "a presenter on Rossiya 24".
    for position, word in enumerate(words[1:], 1):
        if word in _PREPOSITIONS:
            words = words[:position]
            break
    head = words[-1].strip("'’")
    if head.endswith(")") or head[:1].isupper():
        return True
    return head.lower() in SPEAKER_NOUNS and (head.lower() not in _PRONOUNS_LOWER or len(words) == 1)


def is_pronoun(speaker: str) -> bool:
    """Whether a speaker phrase is a bare pronoun ("he", "they") to resolve from context."""
    return speaker in _PRONOUNS
