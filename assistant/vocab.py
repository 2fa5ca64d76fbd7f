"""Word lists the question reader and the evidence scorer use, kept as data (``assistant/vocab/*.yaml``)
so that every entry carries the general reason it holds, and can be reviewed as a list.

Two shapes:

* a **word list** (``stopwords.yaml``, ``time_words.yaml``, ``listing_filler.yaml``): groups of
  words, each group with its ``reason``; read with :func:`words`;
* a **synonym table** (``synonyms.yaml``): a question word -> the ways the plans write it (matched as
  lower-case substrings, so ``financ`` meets finance, financed, financing), each with its ``reason``;
  read with :func:`synonyms`; the **shorthand table** (``shorthand.yaml``) has the same shape with
  one word under ``means``: chat shorthand -> the word meant, read with :func:`shorthand`.

A key written twice in a file is an error (PyYAML would silently keep the last one).

Example::

    >>> from assistant import vocab
    >>> "the" in vocab.words("stopwords")
    True
    >>> "funding" in vocab.synonyms()["money"]
    True
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache, lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

VOCAB_DIR = Path(__file__).with_name("vocab")


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses a mapping key written twice."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise ValueError(f"{key_node.start_mark}: key {key!r} written twice")
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def load(name: str) -> Any:
    """The parsed data file ``assistant/vocab/<name>.yaml``."""
    with open(VOCAB_DIR / f"{name}.yaml", encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass


def word_groups(name: str) -> list[dict[str, Any]]:
    """The groups of a word list: ``{"reason": str, "words": [str, ...]}`` each (words are given in
    the file as one space-separated string, so YAML never reads "no" or "on" as a boolean)."""
    groups = []
    for g in load(name)["groups"]:
        if not isinstance(g.get("reason"), str) or not g["reason"].strip():
            raise ValueError(f"{name}: a group without a reason: {g!r}")
        groups.append({"reason": g["reason"].strip(), "words": str(g["words"]).split()})
    return groups


@cache
def words(name: str) -> frozenset[str]:
    """All words of a word list (loaded once)."""
    found: list[str] = [w for g in word_groups(name) for w in g["words"]]
    dup = sorted({w for w in found if found.count(w) > 1})
    if dup:
        raise ValueError(f"{name}: words listed twice: {dup}")
    return frozenset(found)


@cache
def phrases(name: str) -> tuple[str, ...]:
    """All phrases of a phrase list (groups of ``{"reason": str, "phrases": [str, ...]}``), longest
    first (loaded once)."""
    found: list[str] = []
    for g in load(name)["groups"]:
        if not isinstance(g.get("reason"), str) or not g["reason"].strip():
            raise ValueError(f"{name}: a group without a reason: {g!r}")
        found += [str(p).lower() for p in g["phrases"]]
    dup = sorted({p for p in found if found.count(p) > 1})
    if dup:
        raise ValueError(f"{name}: phrases listed twice: {dup}")
    return tuple(sorted(found, key=len, reverse=True))


def _table(name: str, means_ok: Callable[[Any], bool], means_what: str,
           key_ok: Callable[[str], bool] = lambda key: True, key_what: str = "") -> dict[str, dict[str, Any]]:
    """A table file (key -> ``{"means": ..., "reason": str}``) as written, each entry checked: the key
    (``key_ok``), a reason, and what it means (``means_ok``); a ValueError names the first bad entry."""
    table = load(name)
    for key, entry in table.items():
        if not isinstance(key, str) or not key_ok(key) or not isinstance(entry, dict):
            raise ValueError(f"{name}: bad entry {key!r}{key_what}")
        if not isinstance(entry.get("reason"), str) or not entry["reason"].strip():
            raise ValueError(f"{name}: {key!r} has no reason")
        if not means_ok(entry.get("means")):
            raise ValueError(f"{name}: {key!r} needs {means_what} under 'means'")
    return table


def synonym_entries() -> dict[str, dict[str, Any]]:
    """The synonym table as written: question word -> ``{"means": [...], "reason": str}``."""
    return _table("synonyms", lambda m: bool(m) and all(isinstance(x, str) for x in m), "a list of wordings")


@lru_cache(maxsize=1)
def synonyms() -> Mapping[str, tuple[str, ...]]:
    """Question word -> the wordings the plans use for it (loaded once; read-only)."""
    return MappingProxyType({key: tuple(entry["means"]) for key, entry in synonym_entries().items()})


def shorthand_entries() -> dict[str, dict[str, Any]]:
    """The shorthand table as written: short form -> ``{"means": str, "reason": str}``."""
    return _table("shorthand", lambda m: isinstance(m, str) and bool(m.strip()), "the word meant",
                  key_ok=lambda key: key == key.lower() and key.isalpha(), key_what=" (a lower-case word)")


@lru_cache(maxsize=1)
def shorthand() -> Mapping[str, str]:
    """Chat shorthand -> the word meant (loaded once; read-only)."""
    return MappingProxyType({key: entry["means"] for key, entry in shorthand_entries().items()})
