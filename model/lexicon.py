"""The loaded-term lexicon and its matcher.

The lexicon is data (``data/lexicon/terms.toml``), reviewed like code. The matcher compiles
every pattern and every not-loaded context into one Aho-Corasick automaton and finds all terms
in one pass over a length-preserving lowered copy of the text: case-insensitive, whole words
only, longest match first. A not-loaded phrase ("sanctions regime") is in the same automaton
and, being longer, wins over the pattern it contains, which is how exclusions apply.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ahocorasick

from model.exceptions import LexiconError
from model.labels import Category
from model.targets import TargetTable
from model.textnorm import fold, is_word_char

TERMS_FILE = "terms.toml"
TARGETS_FILE = "targets.toml"
_ENTRY_KEYS = {"id", "category", "patterns", "neutral", "target", "serves", "not_loaded", "not_loaded_near", "note"}
_ID_RE = re.compile(r"^[a-z0-9_]+$")


@dataclass(frozen=True)
class Entry:
    """One concept of the lexicon: its surface forms, category and neutral alternatives."""

    id: str
    category: Category
    patterns: tuple[str, ...]
    neutral: tuple[str, ...]
    target: str = ""
    # The side whose vocabulary the term is ("Russophobia", "liberation" serve Russia; "orcs"
    # serves Ukraine): a label is never aimed at the side it serves, and a euphemism
    # glorifies it.
    serves: str = ""
    not_loaded: tuple[str, ...] = ()
    not_loaded_near: tuple[str, ...] = ()
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The entry as the API's ``/v1/lexicon`` shows it."""
        return {
            "id": self.id,
            "category": str(self.category),
            "patterns": list(self.patterns),
            "neutral": list(self.neutral),
            "target": self.target,
            "serves": self.serves,
            "not_loaded": list(self.not_loaded),
            "not_loaded_near": list(self.not_loaded_near),
            "note": self.note,
        }


@dataclass(frozen=True)
class Match:
    """A loaded term found in a text: offsets are Python string indices, ``end`` exclusive."""

    start: int
    end: int
    entry: Entry
    target: str


@dataclass
class Lexicon:
    """The entries, the target alias table and the compiled matcher."""

    entries: tuple[Entry, ...]
    targets: TargetTable
    version: str
    name: str = "stancewatch loaded-term lexicon"
    _automaton: ahocorasick.Automaton = field(init=False, repr=False)
    _near: dict[str, re.Pattern[str]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        problems = _structural_problems(self.entries)
        if problems:
            raise LexiconError(
                "The lexicon has errors:\n  "
                + "\n  ".join(problems)
                + "\nFix data/lexicon/terms.toml and run `stancewatch lexicon check`."
            )
        self._automaton = ahocorasick.Automaton()
        for entry in self.entries:
            for pattern in entry.patterns:
                self._automaton.add_word(pattern, (entry, len(pattern), False))
            for phrase in entry.not_loaded:
                if phrase not in self._automaton:
                    self._automaton.add_word(phrase, (entry, len(phrase), True))
        if self.entries:
            self._automaton.make_automaton()
        self._near = {
            entry.id: re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, entry.not_loaded_near)) + r")(?!\w)")
            for entry in self.entries
            if entry.not_loaded_near
        }

    @classmethod
    def load(cls, directory: Path) -> Lexicon:
        """Read ``terms.toml`` and ``targets.toml`` from ``directory``.

        Raises
        ------
        LexiconError
            If a file is missing or malformed; the message names the file and the entry.
        """
        terms_path = directory / TERMS_FILE
        targets_path = directory / TARGETS_FILE
        try:
            terms_bytes = terms_path.read_bytes()
            targets_bytes = targets_path.read_bytes()
        except OSError as exc:
            raise LexiconError(
                f"Cannot read the lexicon in {directory}: {exc}. "
                "Point --lexicon (or STANCEWATCH_LEXICON_DIR) at a folder with terms.toml and targets.toml."
            ) from exc
        try:
            document = tomllib.loads(terms_bytes.decode("utf-8"))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise LexiconError(f"{terms_path} is not valid TOML: {exc}.") from exc
        header = document.get("lexicon", {})
        entries = tuple(
            _parse_entry(terms_path, position, table) for position, table in enumerate(document.get("entry", []), 1)
        )
        version = hashlib.sha256(terms_bytes + b"\0" + targets_bytes).hexdigest()[:16]
        return cls(
            entries=entries, targets=TargetTable.load(targets_path), version=version, name=header.get("name", cls.name)
        )

    def find(self, text: str) -> list[Match]:
        """Every loaded term in ``text``, in order, with exclusions applied and targets resolved.

        Parameters
        ----------
        text : str
            Any string; offsets of the result index into it.

        Returns
        -------
        list of Match
            Non-overlapping matches, leftmost-longest.
        """
        if not self.entries:
            return []
        lowered = fold(text)
        matches: list[Match] = []
        aliases: list[tuple[int, int, str]] | None = None
        for end_index, (entry, length, excluded) in self._automaton.iter_long(lowered):
            start, end = end_index - length + 1, end_index + 1
            if excluded or not _whole_word(lowered, start, end):
                continue
            near = self._near.get(entry.id)
            if near is not None and near.search(lowered, *_sentence_bounds(lowered, start, end)):
                continue
            target = entry.target
            if not target:
                if aliases is None:
                    aliases = self.targets.aliases_in(lowered)
                target = self.targets.resolve(lowered, start, end, aliases)
            matches.append(Match(start=start, end=end, entry=entry, target=target))
        return matches

    def check(self) -> list[str]:
        """Review problems that loading tolerates but a reviewer should fix.

        Malformed entries, duplicate ids and patterns listed twice already fail at load; this
        finds shadowing across entries, loaded neutral alternatives and dangling targets.

        Returns
        -------
        list of str
            One readable line per problem; empty when the lexicon is clean.
        """
        problems = []
        patterns = {pattern: entry for entry in self.entries for pattern in entry.patterns}
        for entry in self.entries:
            for phrase in entry.not_loaded:
                for pattern, other in patterns.items():
                    if other is not entry and phrase not in other.not_loaded and _contains_word(phrase, pattern):
                        problems.append(
                            f"entry {entry.id!r}: not_loaded phrase {phrase!r} also hides pattern "
                            f"{pattern!r} of entry {other.id!r}; list it under {other.id!r} too if that is meant"
                        )
            for alternative in entry.neutral:
                loaded = [m.entry.id for m in self.find(alternative)]
                if loaded:
                    problems.append(
                        f"entry {entry.id!r}: neutral alternative {alternative!r} is itself loaded (entry {loaded[0]!r})"
                    )
            if entry.target and entry.target not in self.targets.names:
                problems.append(f"entry {entry.id!r}: fixed target {entry.target!r} is not a target of {TARGETS_FILE}")
            if entry.serves and entry.serves not in self.targets.names:
                problems.append(f"entry {entry.id!r}: 'serves' {entry.serves!r} is not a target of {TARGETS_FILE}")
        return problems

    def as_dict(self) -> dict[str, Any]:
        """The lexicon as served by ``/v1/lexicon``."""
        return {
            "name": self.name,
            "version": self.version,
            "categories": [str(category) for category in Category],
            "entries": [entry.as_dict() for entry in self.entries],
            "targets": {
                name: sorted(a for a, n in self.targets.aliases.items() if n == name) for name in self.targets.names
            },
        }


def _parse_entry(path: Path, position: int, table: dict[str, Any]) -> Entry:
    where = f"{path}: entry #{position} ({table.get('id', 'no id')!r})"
    unknown = set(table) - _ENTRY_KEYS
    if unknown:
        raise LexiconError(f"{where} has unknown keys {sorted(unknown)}. Allowed keys: {sorted(_ENTRY_KEYS)}.")
    entry_id = table.get("id")
    if not isinstance(entry_id, str) or not _ID_RE.match(entry_id):
        raise LexiconError(f"{where}: 'id' must be a snake_case string; got {entry_id!r}.")
    try:
        category = Category(str(table.get("category")))
    except ValueError:
        raise LexiconError(
            f"{where}: unknown category {table.get('category')!r}. Allowed values: {[str(c) for c in Category]}."
        ) from None
    lists = {}
    for key in ("patterns", "neutral", "not_loaded", "not_loaded_near"):
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
            raise LexiconError(f"{where}: {key!r} must be a list of non-empty strings; got {value!r}.")
        lists[key] = value
    for key in ("patterns", "not_loaded", "not_loaded_near"):
        for item in lists[key]:
            if item != fold(item).strip() or "  " in item:
                raise LexiconError(
                    f"{where}: {key} item {item!r} must be lowercase, single-spaced, with straight apostrophes."
                )
    if not lists["patterns"]:
        raise LexiconError(f"{where}: 'patterns' is empty. Give at least one surface form.")
    if not lists["neutral"]:
        raise LexiconError(f"{where}: 'neutral' is empty. Give at least one neutral alternative.")
    target = table.get("target", "")
    serves = table.get("serves", "")
    note = table.get("note", "")
    if not all(isinstance(value, str) for value in (target, serves, note)):
        raise LexiconError(f"{where}: 'target', 'serves' and 'note' must be strings.")
    return Entry(
        id=entry_id,
        category=category,
        patterns=tuple(lists["patterns"]),
        neutral=tuple(lists["neutral"]),
        target=target,
        serves=serves,
        not_loaded=tuple(lists["not_loaded"]),
        not_loaded_near=tuple(lists["not_loaded_near"]),
        note=note,
    )


def _structural_problems(entries: tuple[Entry, ...]) -> list[str]:
    """Errors that make matching ambiguous: duplicate ids, a pattern claimed twice, a pattern
    that is also a not-loaded phrase, an exclusion unrelated to its entry.

    A not-loaded phrase may stand in several entries ("nazi invaders" under both "invaders"
    and "nazis"): it suppresses every pattern inside it, and listing it under each entry it
    silences keeps that visible to a reviewer (``check`` reports any it silences silently).
    """
    problems = []
    ids: set[str] = set()
    pattern_owner: dict[str, str] = {}
    phrases: set[str] = set()
    for entry in entries:
        if entry.id in ids:
            problems.append(f"duplicate entry id {entry.id!r}")
        ids.add(entry.id)
        for listed in (entry.patterns, entry.not_loaded):
            for form in {f for f in listed if listed.count(f) > 1}:
                problems.append(f"entry {entry.id!r} lists {form!r} twice")
        for pattern in entry.patterns:
            if pattern in pattern_owner:
                problems.append(f"pattern {pattern!r} appears in entries {pattern_owner[pattern]!r} and {entry.id!r}")
            pattern_owner[pattern] = entry.id
        phrases.update(entry.not_loaded)
        for phrase in entry.not_loaded:
            if not any(_contains_word(phrase, pattern) for pattern in entry.patterns):
                problems.append(
                    f"entry {entry.id!r}: not_loaded phrase {phrase!r} contains none of the patterns {list(entry.patterns)}"
                )
    for phrase in sorted(phrases & set(pattern_owner)):
        problems.append(f"{phrase!r} is both a pattern of {pattern_owner[phrase]!r} and a not_loaded phrase")
    return problems


def _contains_word(phrase: str, pattern: str) -> bool:
    start = phrase.find(pattern)
    while start != -1:
        if _whole_word(phrase, start, start + len(pattern)):
            return True
        start = phrase.find(pattern, start + 1)
    return False


def _whole_word(text: str, start: int, end: int) -> bool:
    # A pattern may start or end with punctuation ("so-called", "z-patriots"): the boundary
    # test applies only where the pattern itself begins or ends with a word character.
    before_ok = start == 0 or not is_word_char(text[start]) or not is_word_char(text[start - 1])
    after_ok = end == len(text) or not is_word_char(text[end - 1]) or not is_word_char(text[end])
    return before_ok and after_ok


_SENTENCE_END = re.compile(r"[.!?;]\s")


def _sentence_bounds(lowered: str, start: int, end: int) -> tuple[int, int]:
    """Rough bounds of the sentence around a span, for ``not_loaded_near`` contexts."""
    left = max((m.end() for m in _SENTENCE_END.finditer(lowered, 0, start)), default=0)
    right_match = _SENTENCE_END.search(lowered, end)
    return left, right_match.start() + 1 if right_match else len(lowered)
