"""Which actions are about a topic, without scoring every action of a large corpus.

Deadline questions weigh each action's text against the question's topic words
(:meth:`assistant.evidence.Lexicon.coverage`), then keep those at least ``max(floor, share × best)``.
Scoring costs tens of microseconds an action: fine for five plans, seconds for a hundred thousand
actions. :class:`ActionTerms` holds each action's word stems once (an inverted index of NumPy
arrays), adds up the stem part of the score for all actions at once, bounds what aliases and
synonyms could still add, and scores exactly only the actions whose bound reaches the cut. The
result is the same list the full scan gives (``tests/test_action_terms.py`` checks this).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from assistant.evidence import Lexicon
from indexer.models import Action
from indexer.text import stem, tokens


def action_text(x: Action) -> str:
    """The text a deadline question's topic is matched against."""
    return f"{x.need} {x.title} {x.text} {' '.join(x.drivers)}"


class ActionTerms:
    """stem -> the positions (in ``actions``) of the actions whose text holds it; built on first use."""

    def __init__(self, actions: Sequence[Action]) -> None:
        self.actions = actions
        self._postings: dict[str, Any] | None = None
        self._lock = threading.Lock()

    def postings(self) -> dict[str, Any]:
        with self._lock:
            if self._postings is None:
                import numpy as np

                lists: dict[str, list[int]] = {}
                for i, x in enumerate(self.actions):
                    for s in {stem(t) for t in tokens(action_text(x))}:
                        lists.setdefault(s, []).append(i)
                self._postings = {s: np.asarray(v, dtype=np.int32) for s, v in lists.items()}
        return self._postings

    def relevant(self, positions: list[int], terms: list[str], weight: Callable[[str], float],
                 credit: Callable[[str], float], exact: Callable[[Action], float], floor: float,
                 share: float) -> tuple[list[tuple[float, int]], float]:
        """The (score, position) pairs among ``positions`` scoring at least ``max(floor, share × best)``,
        in position order, and the best score; equal to scoring every one of them with ``exact``.

        ``weight(term)`` is a term's weight; ``credit(term)`` the most of it ``exact`` can give an
        action lacking the term's stem (an alias or a synonym: :meth:`Lexicon.credit_without_stem`)."""
        import numpy as np

        total = sum(weight(t) for t in terms)
        if not positions or total <= 0:
            return [], 0.0
        post = self.postings()
        idx = np.asarray(positions, dtype=np.int32)
        mask = np.zeros(len(self.actions), dtype=bool)
        mask[idx] = True
        score = np.zeros(len(self.actions), dtype=np.float64)
        slack = np.zeros(len(self.actions), dtype=np.float64)
        for t in terms:
            w = weight(t)
            has = np.zeros(len(self.actions), dtype=bool)
            p = post.get(stem(t))
            if p is not None:
                has[p] = True
            score += w * has
            slack += credit(t) * w * ~has
        score /= total
        slack /= total
        lower_best = float(score[idx].max())  # the best exact score is at least this
        cut = max(floor, share * lower_best) - 1e-9
        candidates = idx[(score[idx] + slack[idx]) >= cut]
        scored = [(exact(self.actions[i]), i) for i in sorted(candidates.tolist())]
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
                             credit=lambda t: Lexicon.credit_without_stem(t, aliases),
                             exact=lambda x: lexicon.coverage(topic, text(x), "", aliases),
                             floor=floor, share=share)
