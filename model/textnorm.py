"""Length-preserving text normalisation for matching.

The lexicon and the alias table match on a lowered copy of the text whose character ``i`` is
always the normalised form of the original's character ``i``, so every offset found in the copy
is an exact Python string index into the text received.
"""

from __future__ import annotations

# Curly apostrophes become straight ones and every kind of space a plain space, one character
# for one character, so "Putin’s regime" matches the pattern "putin's regime".
_FOLD = {
    "’": "'",
    "ʼ": "'",
    "‘": "'",
    "\u00a0": " ",
    "\t": " ",
    "\n": " ",
    "\r": " ",
    "\u2009": " ",
    "\u202f": " ",
    "‐": "-",
    "‑": "-",
}


def fold(text: str) -> str:
    """Lower-case and fold ``text`` without changing its length.

    ``str.lower`` changes the length of a few characters ("İ" becomes two); those keep their
    original form, so offsets never drift.
    """
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = "".join(low if len(low := char.lower()) == 1 else char for char in text)
    # A C-level scan per character to fold is several times faster than str.translate, which
    # maps every character through Python objects; most texts hold one or two of them.
    for source, target in _FOLD.items():
        if source in lowered:
            lowered = lowered.replace(source, target)
    return lowered


def is_word_char(char: str) -> bool:
    """Whether ``char`` continues a word (letters, digits, underscore, inner apostrophe excluded)."""
    return char.isalnum() or char == "_"
