"""Which words a change added and which it removed, for the history page."""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

SAME, ADDED, REMOVED = "same", "added", "removed"


@dataclass(frozen=True)
class Piece:
    kind: str  # SAME, ADDED or REMOVED
    text: str


def _words(text: str) -> list[str]:
    # Words with the spaces after them, so joining the pieces gives the text back.
    return re.findall(r"\S+\s*|\s+", text)


def word_diff(old: str, new: str) -> list[Piece]:
    """The new text as pieces: unchanged words, words removed from the old one, words added.

    "(empty)" (how an empty value is recorded) counts as no words at all.
    """
    old_words = [] if old == "(empty)" else _words(old)
    new_words = [] if new == "(empty)" else _words(new)
    pieces: list[Piece] = []
    matcher = SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(Piece(SAME, "".join(new_words[b1:b2])))
            continue
        if a2 > a1:
            pieces.append(Piece(REMOVED, "".join(old_words[a1:a2]).strip()))
        if b2 > b1:
            pieces.append(Piece(ADDED, "".join(new_words[b1:b2]).strip()))
    return pieces
