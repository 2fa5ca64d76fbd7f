"""Finding which of many names a question mentions, in one pass over its words.

A name is matched as a whole (not inside a longer word or a hyphenated one), the way
``(?<![\\w-])name(?![\\w-])`` would match it, but without one regular expression per name: names
made of words one space apart go into a table keyed by their text; only names with other
characters (dots, slashes, brackets) are matched by expression.

Example::

    table = NameTable(["selec", "council of europe", "u.s. embassy"])
    table.mentioned("is the council of europe behind it?")   # {"council of europe"}
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable

from indexer.models import Plan

_WORDS = re.compile(r"[\w-]+(?: [\w-]+)*")
_WORD = re.compile(r"[\w-]+")


class NameTable:
    def __init__(self, names: Iterable[str]) -> None:
        self.plain: set[str] = set()
        self.odd: list[tuple[str, re.Pattern]] = []
        for name in set(names):
            if not name:
                continue
            if _WORDS.fullmatch(name):
                self.plain.add(name)
            else:
                self.odd.append((name, re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])")))
        self.longest = max((n.count(" ") + 1 for n in self.plain), default=1)

    def mentioned(self, text: str) -> set[str]:
        """The names the (already lower-cased) text mentions."""
        found: set[str] = set()
        spans = [(m.start(), m.end()) for m in _WORD.finditer(text)]
        for i in range(len(spans)):
            for n in range(1, self.longest + 1):
                if i + n > len(spans):
                    break
                if n > 1 and text[spans[i + n - 2][1]:spans[i + n - 1][0]] != " ":
                    break  # the words of a name are one space apart
                piece = text[spans[i][0]:spans[i + n - 1][1]]
                if piece in self.plain:
                    found.add(piece)
        found.update(name for name, pattern in self.odd if pattern.search(text))
        return found


def title_names(plan: Plan) -> set[str]:
    """Two-word capitalised names from the title ('western balkan', 'black sea')."""
    generic = {"plan", "action", "of", "the", "on", "in", "combating", "crime", "cooperation", "working",
               "group", "organized", "forms", "member", "states", "integrative", "for", "among"}
    words = re.findall(r"[A-Za-z]+", plan.title)
    out = set()
    for a, b in zip(words, words[1:]):
        if a[0].isupper() and b[0].isupper() and a.lower() not in generic and b.lower() not in generic:
            out.add(f"{a} {b}".lower())
            if not b.endswith("s"):  # the adjective names the region too: the "Western Balkans"
                out.add(f"{a} {b}s".lower())
    return out


def plan_years(plan: Plan) -> set[str]:
    """The years a plan's title and period name ("July 2011 - June 2013": 2011 and 2013)."""
    return set(re.findall(r"(?:19|20)\d\d", f"{plan.period} {plan.title}"))


def years_named(question: str, organisations: Collection[str] = ()) -> set[str]:
    """The years a question names, as four digits: written in full ("2021"), as the second year of a span
    written short ("2011-13": 2011 and 2013), or as two digits right after an organisation's name, as
    people shorten a plan in chat ("bsec 21", "BSEC '21"). A two-digit number elsewhere is an action or
    a count, not a year."""
    years = set(re.findall(r"\b(?:19|20)\d\d\b", question))
    for century, yy in re.findall(r"\b(19|20)\d\d\s*[-–/]\s*(\d\d)\b(?![-–/.]\d)", question):
        years.add(century + yy)
    for org in organisations:
        for yy in re.findall(rf"\b{re.escape(org)}\s*['’-]?\s*(\d\d)\b(?![-–/.:]?\d)", question, re.I):
            years.add(("20" if int(yy) < 70 else "19") + yy)
    return years
