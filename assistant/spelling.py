"""Misspelt words in a question ("worskhops", "priorites", "fundng") read as the word meant.

Why: people type fast in Slack. A misspelt word matches nothing in the full-text search, and the
embedding model cuts it into meaningless pieces, so the question loses the very word it is about.

How: a word is left alone when the embedding model's own vocabulary (its ``vocab.txt``, about 21,000
whole English words) or the plans' text (every word the indexer saw written) holds it. An unknown
word is replaced by the closest word, by optimal string alignment distance (a swap of two letters
counts one edit), that the plans write; failing that, by a model word one edit away.
Words written with capitals inside (acronyms, names), short words and words next to digits are never
touched. The vocabularies are loaded the first time a question holds a word of ``MIN_LENGTH`` letters.

Example::

    speller = Speller.from_vocabulary_file(Path(".../vocab.txt"), records.written_words)
    speller.correct("who runs the anti-terror worskhops?")
    # ("who runs the anti-terror workshops?", [("worskhops", "workshops")])
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Collection, Mapping
from pathlib import Path

MIN_LENGTH = 5  # shorter words have too many close neighbours to guess from
_WORD = re.compile(r"(?<![\w'’])[A-Za-z][a-z]+(?![\w'’]|-\d)")


def max_edits(word: str) -> int:
    """One edit in a word of up to seven letters, two in a longer one."""
    return 1 if len(word) < 8 else 2


class Speller:
    """Reads misspelt question words as the words meant (see the module's docstring)."""

    def __init__(self, vocabulary: Callable[[], list[str]], plan_words: Callable[[], Collection[str]] = list) -> None:
        self._vocabulary = vocabulary
        self._plan_words = plan_words
        self._known: frozenset[str] | None = None
        self._in_plans: list[str] = []
        self._general: list[str] = []
        self._common: frozenset[str] = frozenset()
        self._lock = threading.Lock()

    @classmethod
    def from_vocabulary_file(cls, path: Path | None, plan_words: Callable[[], Collection[str]] = list) -> Speller:
        """Over the model's ``vocab.txt`` (whole lower-case words of three letters or more) and the
        plans' written words (``plan_words()``, read when first needed)."""
        def read() -> list[str]:
            if path is None or not path.exists():
                return []
            return [w for w in path.read_text(encoding="utf-8").split("\n")
                    if len(w) >= 3 and w.isalpha() and w.isascii() and w.islower()]
        return cls(read, plan_words)

    def _load(self) -> None:
        with self._lock:
            if self._known is None:
                words = self._vocabulary()
                # the plans' own written words are the candidates (stemming the model's 21,000 words to
                # find the plans' other forms cost over a second at the first question)
                own = {w for w in self._plan_words() if len(w) >= 3 and w.isascii()}
                self._in_plans = sorted(own)
                self._general = words
                self._common = frozenset(words)
                self._known = self._common | own

    def knows(self, word: str) -> bool:
        """Is the (lower-case) word in the model's vocabulary of common words?"""
        self._load()
        return word in self._common

    def suggestion(self, word: str) -> str | None:
        """The word meant by ``word`` (lower-case), or None when it is known or nothing is close."""
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        if len(word) < MIN_LENGTH:
            return None
        self._load()
        assert self._known is not None
        if word in self._known or not self._known:
            return None
        hit = process.extractOne(word, self._in_plans, scorer=OSA.distance, score_cutoff=max_edits(word))
        if hit is None and len(word) > MIN_LENGTH:
            hit = process.extractOne(word, self._general, scorer=OSA.distance, score_cutoff=1)
        if hit is None:
            return None
        return hit[0]

    def correct(self, question: str) -> tuple[str, list[tuple[str, str]]]:
        """The question with misspelt words replaced, and the (typed, meant) pairs."""
        fixes: list[tuple[str, str]] = []

        def fix(m: re.Match) -> str:
            typed = m.group(0)
            meant = self.suggestion(typed.lower())
            if meant is None:
                return typed
            fixes.append((typed, meant))
            return meant.capitalize() if typed[0].isupper() else meant

        return _WORD.sub(fix, question), fixes


_SHORT = re.compile(r"(?<![\w'’/.@-])[A-Za-z][a-z]*(?![\w'’/@]|[.-]\w)")


def write_out_shorthand(question: str, table: Mapping[str, str]) -> str:
    """The question with chat shorthand written out ("which orgs run it?" -> "which organisations run
    it?"), from ``assistant/vocab/shorthand.yaml``: the plans, the full-text index and the embedding
    model know the full word. A word in capitals (an acronym) or joined to others by a slash, hyphen,
    full stop or @ (an address, a code) is left as typed."""
    def full(m: re.Match[str]) -> str:
        word = m.group(0)
        meant = table.get(word.lower())
        if meant is None:
            return word
        return meant.capitalize() if word[0].isupper() else meant

    return _SHORT.sub(full, question)
