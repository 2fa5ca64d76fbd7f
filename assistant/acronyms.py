"""The plans' own acronym lists ("CoE<TAB>Council of Europe"), used to match a question that
spells out a name against passages that abbreviate it, and the other way round.

Example::

    acr = Acronyms.from_index(records)
    aliases, extra = acr.aliases("When do the Council of Europe's iPROCEEDS activities end?")
    extra  # "CoE"
"""

from __future__ import annotations

import re

from indexer.store import RecordStore
from indexer.text import us_spelling

_WORD = re.compile(r"[a-z0-9]+")
_SMALL = {"of", "the", "for", "and", "in", "on", "to", "a"}


class Acronyms:
    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self.pairs = [(a, long) for a, long in pairs if 2 <= len(a) <= 14 and len(long) > len(a)]
        # long forms in American spelling: "International Organisation for Migration" meets "Organization"
        self._lower = [(a, a.lower(), us_spelling(long.lower())) for a, long in self.pairs]

    @classmethod
    def from_index(cls, records: RecordStore) -> Acronyms:
        """The pairs the indexer read from the plans' glossaries."""
        return cls(records.acronym_pairs())

    def aliases(self, question: str) -> tuple[dict[str, tuple[str, ...]], str]:
        """(term -> other spellings, extra words for the search query). A spelled-out name adds
        its acronym to the query; an acronym only gains its long form as an alias for scoring
        (adding long forms to the query drowns the question's own words)."""
        low = question.lower()
        folded = us_spelling(low)
        # the question's own words by their folded form, so an alias is keyed as the question spells it
        asked = {us_spelling(w): w for w in _WORD.findall(low)}
        aliases: dict[str, tuple[str, ...]] = {}
        extra: list[str] = []
        for acr, acr_low, long_low in self._lower:
            if long_low in folded:
                extra.append(acr)
                for w in _WORD.findall(long_low):
                    if w not in _SMALL:
                        w = asked.get(w, w)
                        aliases[w] = aliases.get(w, ()) + (acr_low,)
            # the plain substring test first: a pattern per pair would be compiled for every
            # question once the pairs outnumber the regular-expression cache (thousands of plans)
            elif acr_low in low and re.search(rf"(?<![\w-]){re.escape(acr_low)}(?![\w-])", low):
                aliases[acr_low] = aliases.get(acr_low, ()) + (long_low,)
        return aliases, " ".join(dict.fromkeys(extra))
