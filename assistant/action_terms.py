"""Which actions are about a topic, without scoring every action of a large corpus.

Deadline questions weigh each action's text against the question's topic words
(:meth:`assistant.evidence.Lexicon.coverage`), then keep those at least ``max(floor, share × best)``.
Scoring costs tens of microseconds an action: fine for five plans, seconds for a hundred thousand
actions. :class:`ActionTerms` reads the posting list of each topic stem the indexer wrote
(``action_postings``: the positions of the actions whose text holds it), adds up the stem part of
the score for all actions at once, bounds what aliases and synonyms could still add, and scores
exactly only the actions whose bound reaches the cut. The result is the same list the full scan
gives (``tests/test_action_terms.py`` checks this). No record is decoded to build anything: at
×1000 building the lists at the first topical question took about 20 s.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from assistant.evidence import FAMILY_CREDIT, FAMILY_PREFIX, Lexicon, same_family
from indexer.action_columns import action_text
from indexer.models import Action
from indexer.store import RecordStore, take
from indexer.text import stem

__all__ = ["ActionTerms", "action_text"]


class ActionTerms:
    """The topic prefilter over ``actions`` (in the index's plan order), with the posting lists the
    indexer wrote in ``store``."""

    def __init__(self, actions: Sequence[Action], store: RecordStore) -> None:
        self.actions = actions
        self.store = store

    def family(self, st: str) -> dict[str, Any]:
        """The posting lists of the indexed stems of ``st``'s family (:func:`same_family`): those
        that start with it and those it starts with."""
        found = {s: p for s, p in self.store.action_postings_starting(st).items() if same_family(st, s)}
        shorter = [st[:k] for k in range(FAMILY_PREFIX, len(st))]
        found |= {s: p for s, p in self.store.action_postings(shorter).items() if same_family(st, s)}
        return found

    def relevant(self, positions: list[int], terms: list[str], weight: Callable[[str], float],
                 credit: Callable[[str], float], exact: Callable[[Action], float], floor: float,
                 share: float, family_credit: float = 0.0) -> tuple[list[tuple[float, int]], float]:
        """The (score, position) pairs among ``positions`` scoring at least ``max(floor, share × best)``,
        in position order, and the best score; equal to scoring every one of them with ``exact``.

        ``weight(term)`` is a term's weight; ``credit(term)`` the most of it ``exact`` can give any
        action lacking the term's stem (an alias or a synonym: :meth:`Lexicon.credit_without_stem`);
        ``family_credit`` the most it can give an action that holds a stem of the term's family
        instead (:func:`assistant.evidence.same_family`, found among the indexed stems)."""
        import numpy as np

        total = sum(weight(t) for t in terms)
        if not positions or total <= 0:
            return [], 0.0
        post = self.store.action_postings([stem(t) for t in terms])
        idx = np.asarray(positions, dtype=np.int32)
        score = np.zeros(len(self.actions), dtype=np.float64)
        slack = np.zeros(len(self.actions), dtype=np.float64)
        for t in terms:
            w = weight(t)
            has = np.zeros(len(self.actions), dtype=bool)
            p = post.get(stem(t))
            if p is not None:
                has[p] = True
            score += w * has
            c = credit(t)
            slack += c * w * ~has
            if family_credit > c:  # what a word of its family can add, only where one is written
                kin = np.zeros(len(self.actions), dtype=bool)
                for q in self.family(stem(t)).values():
                    kin[q] = True
                slack += (family_credit - c) * w * (kin & ~has)
        score /= total
        slack /= total
        lower_best = float(score[idx].max())  # the best exact score is at least this
        cut = max(floor, share * lower_best) - 1e-9
        candidates = idx[(score[idx] + slack[idx]) >= cut]
        order = sorted(candidates.tolist())
        scored = [(exact(x), i) for x, i in zip(take(self.actions, order), order, strict=True)]
        best = max((s for s, _ in scored), default=0.0)
        keep = max(floor, share * best)
        return [(s, i) for s, i in scored if s >= keep], best

    def about(self, positions: list[int], topic: list[str], lexicon: Lexicon,
              aliases: dict[str, tuple[str, ...]], *, floor: float, share: float,
              text: Callable[[Action], str] = action_text) -> tuple[list[tuple[float, int]], float]:
        """:meth:`relevant` with the score a question gives an action's ``text``:
        ``lexicon.coverage(topic, text(action), "", aliases)``, and the matching bound. ``text``
        must hold no words ``action_text`` lacks (the stems indexed are ``action_text``'s)."""
        return self.relevant(positions, topic, weight=lexicon.idf,
                             credit=lambda t: Lexicon.credit_without_stem(t, aliases, family=False),
                             family_credit=FAMILY_CREDIT,
                             exact=lambda x: lexicon.coverage(topic, text(x), "", aliases),
                             floor=floor, share=share)
