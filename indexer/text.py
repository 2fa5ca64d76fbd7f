"""Markup stripping and whitespace folding shared by the indexer, the citations and the eval."""

from __future__ import annotations

import html
import re
from collections import Counter
from functools import lru_cache

import snowballstemmer

_TAG = re.compile(r"</?(?:ul|ol|li|p|u|i|b|em|strong|span|br|div|table|tr|td|th)\b[^>]*>",
                  re.IGNORECASE)
_INLINE_TAG = re.compile(r"</?(?:sup|sub)\b[^>]*>", re.IGNORECASE)
_ANGLE_URL = re.compile(r"<(https?://[^>\s]+)>")
_EMPH = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]+?)(?<=\S)\*(?!\w)")
_WS = re.compile(r"\s+")
_MD_HEADING = re.compile(r"(?m)^[ \t]*#{1,6}[ \t]+")
_MARKUP_CHARS = frozenset("<*#&")  # every pattern of strip_markup, and html.unescape, needs one of these


def strip_markup(text: str) -> str:
    """Remove HTML list/paragraph/emphasis tags and Markdown emphasis; keep the words.

    >>> strip_markup("<p><u>Kosovo*</u></p> *Deadline:* Permanent")
    'Kosovo* Deadline: Permanent'
    """
    if not _MARKUP_CHARS.intersection(text):  # most lines of a plan: nothing for the patterns below
        return fold(text)
    text = _MD_HEADING.sub("", text)
    text = _ANGLE_URL.sub(r"\1", text)
    text = _INLINE_TAG.sub("", text)
    text = _TAG.sub(" ", text)
    text = text.replace("**", "")
    text = _EMPH.sub(r"\1", text)
    text = html.unescape(text)
    return fold(text)


def fold(text: str) -> str:
    """Collapse runs of whitespace (tabs, newlines, no-break spaces) to one space and trim."""
    return _WS.sub(" ", text.replace("\u00a0", " ")).strip()


def fold_lower(text: str) -> str:
    """Whitespace folded and case folded: the comparison form used for quotes."""
    return fold(text).casefold()


_STEMMER = snowballstemmer.stemmer("english")
_TOKEN = re.compile(r"[^\W_]+")  # letters and digits of any script ("prüm", "türkiye"), not just a-z
_POSSESSIVE = re.compile(r"['’]s\b")


# British -ise/-isation spellings meet the American -ize/-ization ones ("organisation"/"organization");
# applied to both the plans and the questions, so a word that merely ends so is folded alike on both sides
_BRITISH = re.compile(r"(?<=[a-z]{3})is(e|es|ed|ing|ation|ations|er|ers)$")


def us_spelling(text: str) -> str:
    """The text with each word's British -ise/-isation ending in its -ize/-ization form (as :func:`stem`
    folds them), for matching names spelt either way."""
    return re.sub(r"[a-z]+", lambda m: _BRITISH.sub(r"iz\1", m.group(0)), text)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Snowball (Porter 2) stem: 'studied'/'study', 'funded'/'funding', 'organised'/'organized' meet."""
    return _STEMMER.stemWord(_BRITISH.sub(r"iz\1", word.lower()))


def tokens(text: str) -> list[str]:
    """Lower-case word tokens; hyphens, slashes and possessive 's split words."""
    return _TOKEN.findall(_POSSESSIVE.sub("", text.lower()))


def term_counts(texts: list[str]) -> Counter:
    """For each stem, how many of the texts hold it (document frequencies over these texts)."""
    df: Counter = Counter()
    for t in texts:
        df.update({stem(w) for w in tokens(t)})
    return df
