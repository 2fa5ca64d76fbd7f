"""Evidence: cut retrieved sections into citable units (sentences, list items, a table row) and
score them against the question; check that the asked-for fact is really there.

Example::

    lex = Lexicon.from_index(records)
    units = units_of(section)
    best = max(units, key=lambda u: lex.coverage(question_terms, u.text))
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from assistant import vocab
from indexer.models import Section
from indexer.store import RecordStore
from indexer.text import stem, term_counts, tokens
from indexer.units import WHOLE_LIMIT, unit_texts

# a few equivalences plans and people word differently (assistant/vocab/synonyms.yaml, each with its reason)
SYNONYMS = vocab.synonyms()
MONTHS = ("january february march april may june july august september october november december "
          "jan feb mar apr jun jul aug sep sept oct nov dec").split()
_YEAR = r"(?:19|20)\d\d"
DATE_DAY = re.compile(
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s*(?:{'|'.join(MONTHS)})\b\.?,?\s*{_YEAR}|"
    rf"\b(?:{'|'.join(MONTHS)})\.?\s+(?:the\s+)?\d{{1,2}}(?:st|nd|rd|th)?,?\s+{_YEAR}|"
    rf"\b\d{{1,2}}\.\s?\d{{1,2}}\.\s?(?:{_YEAR}|\d\d)\b", re.I)
DATE_ANY = re.compile(rf"{DATE_DAY.pattern}|\b(?:{'|'.join(MONTHS)})\b|\b{_YEAR}\b|\bQ[1-4]\b", re.I)
DEADLINE_WORDS = re.compile(r"\b(deadline|permanent(?:ly)?|each (?:semester|year|month)|annual(?:ly)?|"
                            r"every (?:year|month|semester)|once a year|twice a year|ongoing)\b", re.I)
# the words plans use when they speak of money (a funding answer needs one, or an action's funding line)
# ("assistance": plans name donor money as financial or technical assistance)
MONEY_WORDS = re.compile(r"\b(?:fund\w*|financ\w*|budget\w*|donors?|contribution\w*|grants?|sponsor\w*|costs?|"
                         r"paid|pays?|assistance|EUR|euros?|USD|IPA)\b|€|\$", re.I)
AMOUNT = re.compile(r"(?:EUR|€|USD|US\$|\$|GBP|£)\s?\d[\d\s.,]*|\d[\d\s.,]*\s?(?:EUR|euros?|million|mln)\b",
                    re.I)
NUMBER_WORDS = ("one two three four five six seven eight nine ten eleven twelve fifteen twenty "
                "thirty forty fifty hundred").split()
# a named person: a title or honorific before a capitalised name ("Mr. Ivan Petrov", "H.E. Ambassador X")
PERSON = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Prof|H\.\s?E|Ambassador|Judge)\.?\s+"
                    r"(?:[A-Z]\.\s?)*[A-Z][a-z]+(?:[- ][A-Z][a-z]+)*")
# contact details as written: a phone number, an e-mail address, a web address
CONTACT = re.compile(r"\+\d[\d ()-]{6,}\d|\b(?:tel|phone|fax)\.?:?\s*\(?\d[\d ()/-]{5,}\d|[\w.+-]+@[\w-]+\.[\w.]+|"
                     r"https?://\S+|\bwww\.\S+", re.I)
FINDINGS = re.compile(r"\b(found|findings?|concluded|conclusions?|showed|shows|revealed|recommend\w*)\b",
                      re.I)
COUNTRIES = {c.lower() for c in (
    "Afghanistan Albania Armenia Austria Azerbaijan Bahrain Belarus Belgium Bosnia Bulgaria Cambodia "
    "China Croatia Cyprus Egypt France Georgia Germany Greece Hungary India Indonesia Iran Iraq Israel "
    "Italy Jordan Kazakhstan Kosovo Kyrgyzstan Macedonia Moldova Mongolia Montenegro Netherlands Pakistan "
    "Palestine Poland Qatar Romania Russia Serbia Slovenia Spain Sri Tajikistan Thailand Turkey Turkmenistan "
    "Ukraine Uzbekistan Vietnam Bangladesh Korea Emirates Lithuania Latvia Estonia Slovakia Sweden Norway "
    "Denmark Finland Portugal Ireland Switzerland Luxembourg Malta Japan Canada Mexico Brazil Argentina"
).split()} | {"united kingdom", "united states", "russian federation", "czech republic"}


@dataclass(frozen=True)
class Unit:
    """A citable piece of a section: the whole section, one of its sentences or list items."""

    section: Section
    text: str
    rank: int  # the section's rank in retrieval (1 = best)
    meaning: float = 0.0  # cosine of the unit's stored embedding to the question's (0 when not known)


# how much of a term's weight a text earns without the term's own stem
ALIAS_CREDIT, SYNONYM_CREDIT, CONTEXT_CREDIT = 0.9, 0.7, 0.5
FAMILY_CREDIT = 0.7  # a word of the same family the stemmer keeps apart ("extremism"/"extremist")
FAMILY_PREFIX = 6  # the shorter stem of a family is at least this long ("terror" < "terrorist"; not "state")


def same_family(a: str, b: str) -> bool:
    """Two stems of one word family that the stemmer leaves apart: one is the start of the other and
    long enough to mean something ("terror"/"terrorist", "extrem"/"extremist", "govern"/"government")."""
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    return len(short) >= FAMILY_PREFIX and short != long_ and long_.startswith(short)


class Lexicon:
    """Inverse document frequencies over the sections, for weighting question terms."""

    def __init__(self, df: Counter, n: int) -> None:
        self.df, self.n = df, max(n, 1)

    @classmethod
    def from_sections(cls, sections: list[Section]) -> Lexicon:
        return cls(term_counts([s.text for s in sections]), len(sections))

    @classmethod
    def from_index(cls, records: RecordStore) -> Lexicon:
        """The document frequencies the indexer stored: no pass over the sections at start-up."""
        df, n = records.lexicon()
        return cls(Counter(df), n)

    def idf(self, term: str) -> float:
        """Rare words weigh more; a word the plans never use weighs little (it is the asker's
        paraphrase, and cannot be matched anyway)."""
        df = self.df.get(stem(term), 0)
        if df == 0:
            return 1.0
        return math.log(1 + (self.n - df + 0.5) / (df + 0.5))

    @staticmethod
    def credit_without_stem(term: str, aliases: dict[str, tuple[str, ...]], context: bool = False,
                            family: bool = True) -> float:
        """The most of ``term``'s weight :meth:`coverage` can give a text lacking its stem (with
        ``family=False``, a text that also holds no stem of its family: see :func:`same_family`)."""
        if aliases.get(term):
            return ALIAS_CREDIT
        credits = [SYNONYM_CREDIT if SYNONYMS.get(term) else 0.0, CONTEXT_CREDIT if context else 0.0,
                   FAMILY_CREDIT if family and len(stem(term)) >= FAMILY_PREFIX else 0.0]  # a word of its family
        return max(credits)

    def coverage(self, terms: list[str], text: str, context: str = "",
                 aliases: dict[str, tuple[str, ...]] | None = None) -> float:
        """IDF-weighted share of question terms found in the text (context counts half;
        a synonym or the document's own acronym for a term counts most of it)."""
        if not terms:
            return 0.0
        aliases = aliases or {}
        body = {stem(t) for t in tokens(text)}
        low = text.lower()
        ctx = {stem(t) for t in tokens(context)}
        got = total = 0.0
        for t in terms:
            w = self.idf(t)
            total += w
            st = stem(t)
            if st in body:
                got += w
            elif any(re.search(rf"\b{re.escape(a)}", low) for a in aliases.get(t, ())):
                got += ALIAS_CREDIT * w
            elif any(s in low for s in SYNONYMS.get(t, ())):
                got += SYNONYM_CREDIT * w
            elif len(st) >= FAMILY_PREFIX and any(same_family(st, b) for b in body):
                got += FAMILY_CREDIT * w
            elif st in ctx:
                got += CONTEXT_CREDIT * w
        return got / total if total else 0.0


def units_of(section: Section, rank: int, whole_limit: int = WHOLE_LIMIT) -> list[Unit]:
    """A short section is one unit; a longer one is cut into sentences and list items
    (:func:`indexer.units.unit_texts`, the cut the indexer embeds unit by unit)."""
    return [Unit(section, t, rank) for t in unit_texts(section, whole_limit)]


def has_answer_type(kind: str | None, text: str, count_noun: str = "") -> bool:
    """Does the text hold the kind of fact the question asks for?"""
    if kind is None:
        return True
    if kind == "date_day":
        return bool(DATE_DAY.search(text))
    if kind == "date":  # a date, or a deadline the plan states without one ("Permanent", "each semester")
        return bool(DATE_ANY.search(text) or DEADLINE_WORDS.search(text))
    if kind == "amount":
        return bool(AMOUNT.search(text))
    if kind == "findings":
        return bool(FINDINGS.search(text))
    if kind == "person":
        return bool(PERSON.search(text))
    if kind == "contact":
        return bool(CONTACT.search(text))
    if kind == "country":
        low = text.lower()
        return any(re.search(rf"\b{re.escape(c)}\b", low) for c in COUNTRIES)
    if kind == "place":
        return bool(re.search(r"\b(?:in|at)\s+(?!the\b)[A-Z][a-z]{3,}", text)) and not AMOUNT.search(text)
    if kind == "count":
        noun = stem(tokens(count_noun)[-1]) if tokens(count_noun) else ""
        nums = r"(?<![\d.,/])\d{1,4}(?![\d.,/])|" + "|".join(NUMBER_WORDS)
        for m in re.finditer(rf"\b(?:{nums})\b((?:\s+[\w-]+){{0,3}})", text, re.I):
            following = [stem(t) for t in tokens(m.group(1))]
            if noun and noun in following and not re.match(r"\s*(?:EUR|€)", m.group(1)):
                return True
        return False
    return True


def focus_terms(question: str, plan_words: set[str], lexicon: Lexicon) -> list[str]:
    """Names in the question (acronyms, capitalised words not starting it), rarest first,
    leaving out words that only name a plan."""
    words = re.findall(r"\b[A-Z][A-Za-z0-9]*(?:[-'][A-Za-z0-9]+)?\b", re.sub(r"['’]s\b", "", question))
    first = re.match(r"\s*(\w+)", question)
    out = []
    for i, w in enumerate(words):
        if i == 0 and first and w == first.group(1):
            continue
        lw = w.lower()
        if lw in plan_words or lw in {"eu", "un", "i", "what", "which", "who", "when", "how"}:
            continue
        if lw in {m for m in MONTHS} or lexicon.df.get(stem(lw), 0) == 0:
            continue
        out.append(w)
    return sorted(dict.fromkeys(out), key=lambda w: -lexicon.idf(w))
