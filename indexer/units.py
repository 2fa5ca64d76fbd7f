"""Citable units of a section: the whole of a short section or a table row, else its sentences and
list items (tiny fragments glued to a neighbour).

The answerer quotes one unit per claim; the indexer embeds every unit (``unit_vectors`` in the
records), so the answerer can rank a section's units by meaning without embedding at question time.
Both cut with this one function, so a unit's index ``k`` means the same thing on both sides.

Example::

    for k, text in enumerate(unit_texts(section)):
        print(section.id, k, text)
"""

from __future__ import annotations

import re

from indexer.models import Section
from indexer.text import fold

_ABBREV = r"(?<!\bincl\.)(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\betc\.)(?<!\bNo\.)(?<!\besp\.)(?<!\bapprox\.)(?<!\bvs\.)"
# a sentence end before a capital, digit or quote; or the start of a bullet or a numbered item (a "•"
# bullet starts an item whatever follows: plans often write their bullet points in lower case)
SPLIT = re.compile(_ABBREV + r"(?<=[.;!?])\s+(?=[A-Z0-9(\"“])|\s+(?=(?:-|\d{1,2}\.)\s+[A-Z]|•\s*\w)")
WHOLE_LIMIT = 450  # characters: a section this short is quoted whole
TINY = 25  # characters: a fragment this short ("Note:", "1.") is glued to its neighbour


def unit_texts(section: Section, whole_limit: int = WHOLE_LIMIT) -> list[str]:
    """The texts of a section's citable units, in reading order."""
    text = section.text
    if len(text) <= whole_limit or section.kind == "table_row":
        return [text]
    parts = [fold(p) for p in SPLIT.split(text) if p and fold(p)]
    merged: list[str] = []
    for p in parts:
        if merged and (len(p) < TINY or len(merged[-1]) < TINY):
            merged[-1] = merged[-1] + " " + p
        else:
            merged.append(p)
    return merged


def units_to_embed(sections: list[Section]) -> list[tuple[str, int, str, str]]:
    """(section id, unit index, plan id, unit text) of every unit of the sections."""
    return [(s.id, k, s.plan_id, t) for s in sections for k, t in enumerate(unit_texts(s))]
