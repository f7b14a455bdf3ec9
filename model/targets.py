"""The target alias table: which country, government or bloc a loaded term is aimed at.

"the Cuban regime" -> Cuba, "Maduro's dictatorship" -> Venezuela, "the regime in Havana" ->
Cuba. The aliases (names, demonyms, capitals, leaders, institutions) are data, kept in
``data/lexicon/targets.toml``; this module finds them next to a span in one automaton pass.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import ahocorasick

from model.exceptions import LexiconError
from model.textnorm import fold, is_word_char

# Between an alias and the term it qualifies: a possessive and up to two modifiers
# ("Putin's brutal regime", "the Cuban communist dictatorship").
_BEFORE_GAP = re.compile(r"^(?:'s|s'|')?((?:\s+[a-z][\w-]*){0,2})\s+$")
# Words that end a noun phrase: an alias before them does not qualify the term after them
# ("Cuba and the regime", "Moscow backs regimes").
_PHRASE_BREAKS = frozenset(
    """
    a an the and or but nor with without to from by for of on in at as that which who whom is are was
    were be been has have had will would can could should may might must not no than then also its their
    his her our your this these those
    """.split()
)
# After the term: "regime in Havana", "dictatorship of Nicolás Maduro", "junta led by ...", or
# an adjective-like term right before its noun ("Russophobic Lithuania", "so-called Ukrainian state").
_AFTER_GAP = re.compile(r"^\s+(?:(?:in|of|led by|under|run by|headed by)\s+(?:the\s+)?(?:[a-z][\w-]*\s+)?)?$")
_WINDOW = 48


@dataclass(frozen=True)
class TargetTable:
    """Aliases of every target, compiled into one Aho-Corasick automaton."""

    names: tuple[str, ...]
    aliases: dict[str, str]
    automaton: ahocorasick.Automaton

    @classmethod
    def from_mapping(cls, targets: dict[str, list[str]]) -> TargetTable:
        """Build the table from ``{target name: [aliases]}``; an alias may belong to one target only."""
        aliases: dict[str, str] = {}
        for name, forms in targets.items():
            if not forms:
                raise LexiconError(f"Target {name!r} has no aliases. Add at least one lowercase alias.")
            for form in forms:
                alias = form.strip().lower()
                if not alias:
                    raise LexiconError(f"Target {name!r} has an empty alias. Remove it.")
                if aliases.get(alias, name) != name:
                    raise LexiconError(
                        f"Alias {alias!r} belongs to both {aliases[alias]!r} and {name!r}. Keep it under one target."
                    )
                aliases[alias] = name
        automaton = ahocorasick.Automaton()
        for alias, name in aliases.items():
            automaton.add_word(alias, (name, len(alias)))
        if aliases:
            automaton.make_automaton()
        return cls(names=tuple(targets), aliases=aliases, automaton=automaton)

    @classmethod
    def load(cls, path: Path) -> TargetTable:
        """Read ``targets.toml`` (``[[target]]`` tables with ``name`` and ``aliases``)."""
        try:
            document = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise LexiconError(
                f"Cannot read the target table {path}: {exc}. Fix the file or restore it from git."
            ) from exc
        mapping: dict[str, list[str]] = {}
        for position, table in enumerate(document.get("target", []), 1):
            name = table.get("name")
            forms = table.get("aliases")
            if not isinstance(name, str) or not name or not isinstance(forms, list):
                raise LexiconError(
                    f"{path}: target #{position} needs a non-empty 'name' and a list 'aliases'; got {table!r}."
                )
            if name in mapping:
                raise LexiconError(f"{path}: target {name!r} is defined twice. Merge the two tables.")
            mapping[name] = [str(form) for form in forms]
        return cls.from_mapping(mapping)

    def aliases_in(self, lowered: str) -> list[tuple[int, int, str]]:
        """Every whole-word alias in ``lowered`` as ``(start, end, target)``, longest first at each place."""
        if not self.aliases:
            return []
        found = []
        for end_index, (name, length) in self.automaton.iter_long(lowered):
            start, end = end_index - length + 1, end_index + 1
            if _is_whole_word(lowered, start, end):
                found.append((start, end, name))
        return found

    def resolve(self, lowered: str, start: int, end: int, aliases: list[tuple[int, int, str]]) -> str:
        """The target of the span ``lowered[start:end]`` shown by the words around it, or ``""``.

        ``aliases`` is :meth:`aliases_in` of the same text (computed once per text).
        """
        best = ""
        best_distance = _WINDOW + 1
        for alias_start, alias_end, name in aliases:
            if alias_end < start and start - alias_end <= _WINDOW and _qualifies(lowered[alias_end:start]):
                distance = start - alias_end
                if distance < best_distance:
                    best, best_distance = name, distance
            elif (
                alias_start >= end
                and alias_start - end <= _WINDOW
                and not best
                and _AFTER_GAP.match(lowered[end:alias_start])
            ):
                return name
        return best

    @staticmethod
    def nearest_in_clause(
        lowered: str,
        start: int,
        end: int,
        aliases: list[tuple[int, int, str]],
        within: tuple[int, int] | None = None,
        excluded: list[tuple[int, int]] | None = None,
    ) -> str:
        """The nearest alias in the same clause, for a term whose noun phrase names no target.

        "Putin is a dictator", "Lavrov accused Washington of having 'unleashed' a war": the
        side a label is aimed at is usually named in its clause. ``within`` limits the search
        (to the quotation the term is in); aliases inside ``excluded`` spans (the speaker's own
        name: "a Russian diplomat called the report a 'sham'") are never the target.
        """
        left = max(lowered.rfind(mark, 0, start) for mark in _CLAUSE_MARKS) + 1
        right = min((i for i in (lowered.find(mark, end) for mark in _CLAUSE_MARKS) if i != -1), default=len(lowered))
        if within is not None:
            left, right = max(left, within[0]), min(right, within[1])
        candidates = [
            (start - alias_end if alias_end <= start else alias_start - end, name)
            for alias_start, alias_end, name in aliases
            if left <= alias_start
            and alias_end <= right
            and (alias_end <= start or alias_start >= end)
            and not any(s <= alias_start and alias_end <= e for s, e in excluded or ())
        ]
        return min(candidates)[1] if candidates else ""


_CLAUSE_MARKS = (".", ";", "!", "?", ":")


def _qualifies(gap: str) -> bool:
    """Whether the text between an alias and a term keeps them in one noun phrase."""
    match = _BEFORE_GAP.match(gap)
    if match is None:
        return False
    for word in match.group(1).split():
        # Verbs in the third person or past tense ("backs", "armed") end the phrase;
        # adjectives such as "ruthless" or "murderous" do not.
        if word in _PHRASE_BREAKS or word.endswith("ed") or (word.endswith("s") and not word.endswith(("ss", "ous"))):
            return False
    return True


def _is_whole_word(text: str, start: int, end: int) -> bool:
    return (start == 0 or not is_word_char(text[start - 1])) and (end == len(text) or not is_word_char(text[end]))


# The sides of the conflict, as the classifier sees them: every alias of these targets becomes
# one token, so that "the Kremlin", "Moscow" and "Putin's government" teach the model the same
# thing, and a statement about a leader or event it never saw still reads as about Russia.
SIDE_TOKENS: dict[str, str] = {
    "Russia": "xrussiax",
    "NATO": "xnatox",
    "Ukraine": "xukrainex",
    "United States": "xwestx",
    "the West": "xwestx",
    "EU": "xwestx",
    "European Union": "xwestx",
    "United Kingdom": "xwestx",
}


class SideTokens:
    """The vectorizer's preprocessor: lower-case text with the sides' aliases replaced by tokens.

    Part of the fitted pipeline (so training and serving cannot differ); it keeps the alias
    table as a plain dict and rebuilds its automaton after unpickling.

    Parameters
    ----------
    aliases : dict
        ``{alias: token}`` for every alias of a target in :data:`SIDE_TOKENS`.
    """

    def __init__(self, aliases: dict[str, str]) -> None:
        self.aliases = dict(aliases)
        self._automaton: ahocorasick.Automaton | None = None

    @classmethod
    def from_table(cls, table: TargetTable) -> SideTokens:
        return cls({alias: SIDE_TOKENS[name] for alias, name in table.aliases.items() if name in SIDE_TOKENS})

    def __getstate__(self) -> dict[str, object]:
        return {"aliases": self.aliases}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.aliases = state["aliases"]  # type: ignore[assignment]
        self._automaton = None

    def _compiled(self) -> ahocorasick.Automaton:
        if self._automaton is None:
            automaton = ahocorasick.Automaton()
            for alias, token in self.aliases.items():
                automaton.add_word(alias, (token, len(alias)))
            if self.aliases:
                automaton.make_automaton()
            self._automaton = automaton
        return self._automaton

    def __call__(self, text: str) -> str:
        lowered = fold(text)
        if not self.aliases:
            return lowered
        pieces = []
        last = 0
        for end_index, (token, length) in self._compiled().iter_long(lowered):
            start, end = end_index - length + 1, end_index + 1
            if start >= last and _is_whole_word(lowered, start, end):
                pieces.append(lowered[last:start])
                pieces.append(token)
                last = end
        pieces.append(lowered[last:])
        return "".join(pieces)
