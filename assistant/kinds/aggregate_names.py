"""Organisations in aggregate questions: which driver (as the records write it) a question names,
fuzzily (acronyms from the plans' own glossaries, initials such as "OSCE Mission in Kosovo" →
"OMiK", near spellings), and counts over drivers.

Example::

    found = driver_in(ctx, "Is the OSCE Mission in Kosovo still looking for money?")
    found.name, sorted(found.words)    # ("OMiK", [1, 2, 3, 4]): the driver and the words naming it
    rank_drivers(ctx, actions)[0]       # ("Europol", [its actions...])
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher

from assistant.kinds.aggregate_common import WORDS, action_key
from assistant.kinds.base import Context
from assistant.retrieve import STOPWORDS
from indexer.models import Action

_WORD = re.compile(r"[\w*]+(?:[-'’][\w*]+)*")
_SMALL = {"of", "the", "for", "and", "in", "on", "to", "a", "an", "de", "des", "du", "la"}
FUZZY = 0.88  # how close a misspelt word of five letters or more must be to a driver's word


@dataclass(frozen=True)
class Named:
    name: str  # the driver as the records write it
    words: frozenset[int]  # positions of the question's words that name it


def _words(text: str) -> list[str]:
    return [re.sub(r"['’]s$", "", w).strip("*") for w in _WORD.findall(text)]


def _question_keys(ctx: Context, question: str) -> dict[str, set[int]]:
    """Lower-cased keys a driver's words can match, each with the question words it covers:
    the words themselves, the acronym of a spelled-out name, and initials of capitalised runs."""
    words = _words(question)
    keys: dict[str, set[int]] = {}
    for i, w in enumerate(words):
        if len(w) > 3 or any(c.isupper() for c in w):  # "it" is not the country code "IT"
            keys.setdefault(w.lower(), set()).add(i)
    low = [w.lower() for w in words]
    for acr, long in ctx.acronyms.pairs:
        lw = [w.lower() for w in _words(long)]
        for i in range(len(low) - len(lw) + 1):
            if lw and low[i:i + len(lw)] == lw:
                keys.setdefault(acr.lower(), set()).update(range(i, i + len(lw)))
    for i in range(len(words)):  # "OSCE Mission in Kosovo" -> "omik" (and "omk")
        if not words[i][:1].isupper() or words[i].lower() in STOPWORDS:
            continue
        for j in range(i + 2, min(len(words), i + 6)):
            run = words[i:j + 1]
            if not all(w[:1].isupper() for w in run if w.lower() not in _SMALL):
                break
            if run[-1].lower() in _SMALL:
                continue
            for initials in ("".join(w[0] for w in run), "".join(w[0] for w in run if w.lower() not in _SMALL)):
                keys.setdefault(initials.lower(), set()).update(range(i, j + 1))
    return keys


def _driver_words(name: str) -> list[str]:
    return [w.lower() for w in _words(name) if w.lower() not in _SMALL]


def driver_in(ctx: Context, question: str) -> Named | None:
    """The driver the question names best: the one whose words (its first word among them)
    cover the most words of the question; more specific names win ties."""
    keys = _question_keys(ctx, question)
    long_keys = [k for k in keys if len(k) >= 5]
    placeholders = WORDS.set("placeholder_drivers")
    generic = set(STOPWORDS) | {t for g in ("item_nouns", "filler", "group_nouns", "org_nouns") for t in WORDS.set(g)}
    best: tuple[tuple[int, int, int, int], Named] | None = None
    for name in ctx.action_index.driver_names():
        dw = _driver_words(name)
        main = len(_driver_words(name.split("(")[0])) or len(dw)  # the words before any bracket
        if not dw or name.lower() in placeholders:
            continue
        covered: set[int] = set()
        matched = 0
        for k, w in enumerate(dw):
            if k >= main and w in generic:
                continue  # "(cross-pillar action!)": a bracket's common words name nothing
            hit = keys.get(w)
            if hit is None and len(w) >= 5 and k < main:
                close = [q for q in long_keys if SequenceMatcher(None, w, q).ratio() >= FUZZY]
                hit = keys[close[0]] if close else None
            if hit is None:
                if k < main:  # every word of the name proper must be there; the bracket is optional
                    break
                continue
            covered |= hit
            matched += 1
        else:
            if not covered:
                continue
            if all(w in placeholders or w in {"member", "states", "working", "group"} for w in dw) \
                    and matched < len(dw):
                continue
            score = (len(covered), matched, -(len(dw) - matched), ctx.action_index.driver_counts().get(name, 0))
            if best is None or score > best[0]:
                best = (score, Named(name, frozenset(covered)))
    return best[1] if best else None


def positions_of(ctx: Context, name: str, plan_ids: list[str] | None) -> list[int]:
    """The actions one of whose drivers is ``name`` or contains it as whole words."""
    pattern = re.compile(rf"(?<![\w-]){re.escape(name.lower())}(?![\w-])")
    wanted = set(plan_ids or ())
    found = ctx.action_index.driven_by_any(d for d in ctx.action_index.driver_counts() if pattern.search(d.lower()))
    if wanted:
        found &= set(ctx.action_index.positions(wanted))
    return sorted(found)


def canonical(name: str) -> str:
    """A driver as counted: brackets and asterisks dropped, case folded ("CEPOL (core activities)"
    and "Cepol" are one organisation)."""
    return " ".join(re.sub(r"\([^)]*\)?|\*", " ", name).split()).lower()


def rank_drivers(actions: list[Action]) -> list[tuple[str, list[Action]]]:
    """Organisations by the number of distinct actions they drive, most first (records in order)."""
    placeholders = WORDS.set("placeholder_drivers")
    spellings: dict[str, Counter] = {}
    by_org: dict[str, dict[str, Action]] = {}
    for x in actions:
        for d in dict.fromkeys(canonical(d) for d in x.drivers):
            if not d or d in placeholders:
                continue
            by_org.setdefault(d, {}).setdefault(action_key(x), x)
        for d in x.drivers:
            spellings.setdefault(canonical(d), Counter())[" ".join(re.sub(r"\([^)]*\)?|\*", " ", d).split())] += 1
    ranked = sorted(by_org.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    return [(spellings[k].most_common(1)[0][0], list(v.values())) for k, v in ranked]


def mention_term(question: str) -> str:
    """What a "which plans mention X" question asks about: the words after the verb."""
    m = re.search(r"\b(?:mention(?:s|ed)?|refer(?:s|red)? to|names?|cites?|talks? about|brings? up)\s+"
                  r"(?:the\s+|a\s+|an\s+)?(.+?)(?:\s*(?:[,?.!;]|\band\b|\bor\b|\bat all\b|$))", question, re.I)
    return m.group(1).strip() if m else ""


def term_pattern(ctx: Context, term: str) -> re.Pattern:
    """The term, its acronym or its long form (from the plans' glossaries), as whole words."""
    forms = {term}
    low = term.lower()
    for acr, long in ctx.acronyms.pairs:
        if low in (acr.lower(), long.lower()):
            forms |= {acr, long}
    alts = "|".join(sorted((re.escape(f) for f in forms), key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alts})(?![\w-])", re.I)
