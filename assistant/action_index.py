"""Lookups over the action records, so a question touches the actions it can be about instead of
scanning every action of the corpus.

Listing and deadline questions used to go through every action in Python: by number, by driver,
by funding status, by plan, and every timeline against a window. With a few hundred actions that
is nothing; with 180,000 (the ×1000 benchmark corpus) it cost hundreds of milliseconds a
question, and building lookups of every record at start-up cost seconds. :class:`ActionIndex`
answers by position (into ``actions``, which is in plan order): plan, number, funding status and
driver are SQL on tables the indexer writes (``action_order``, ``action_drivers``, with indexes),
so no record is read until an answer shows it; dates are NumPy arrays built on the first
deadline question. Every filter here is exact or a superset of what the
answer keeps (the exact test still runs on what is left): ``tests/test_action_index.py`` checks
the answers are the ones a full scan gives.

Example::

    index = ActionIndex(ActionList(records), records)
    index.numbered("3.2", plan_ids={"wb-plan"})        # positions of the actions numbered 3.2
    index.in_window(index.positions(None), lo, hi)     # those whose timeline can fall in a window
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from indexer.dates import DateRange
from indexer.models import Action
from indexer.records import within_period
from indexer.store import RecordStore, number_key

__all__ = ["ActionIndex", "number_key"]

NONE = -1  # a missing date, as a day number
EVER = date.max.toordinal()  # an open end


class ActionIndex:
    """The answer's filters on the actions, as SQL on the index's ``action_order`` and
    ``action_drivers`` tables (with indexes on number, funding status, plan and driver): positions
    by plan, number, funding status and driver; dates as arrays, built on first use."""

    def __init__(self, actions: Sequence[Action], store: RecordStore,
                 periods: Mapping[str, DateRange] | None = None) -> None:
        self.actions = actions  # in plan order: position i is actions[i]
        self.store = store
        self.periods = periods or {}  # plan id -> its period, which bounds its open recurrences
        self.plan_ranges = store.action_plan_ranges()  # a plan's actions are one run of positions
        self._driver_counts: dict[str, int] | None = None
        self._dates: dict[str, Any] | None = None
        self._lock = threading.Lock()

    # -- who, what, which plan ------------------------------------------------------------------
    def positions(self, plan_ids: Iterable[str] | None) -> list[int]:
        """Every action of the plans (all plans when none are named), in index order."""
        plan_ids = set(plan_ids or ())
        if not plan_ids:
            return list(range(len(self.actions)))
        runs = sorted(self.plan_ranges[p] for p in plan_ids if p in self.plan_ranges)
        return [i for lo, hi in runs for i in range(lo, hi + 1)]

    def plan_of(self, position: int) -> str:
        """The plan of the action at a position."""
        for plan, (lo, hi) in self.plan_ranges.items():
            if lo <= position <= hi:
                return plan
        raise IndexError(position)

    def numbered(self, keys: Iterable[str], plan_ids: Iterable[str] | None) -> list[int]:
        """The actions whose number is one of ``keys`` (compared by :func:`number_key`), in index order."""
        plans = set(plan_ids or ())
        found = self.store.action_positions_numbered([number_key(k) for k in keys])
        return [i for i, plan in found if not plans or plan in plans]

    def driver_counts(self) -> dict[str, int]:
        """Every driver as the plans write it -> how many actions it drives (read once)."""
        with self._lock:
            if self._driver_counts is None:
                self._driver_counts = self.store.action_driver_counts()
        return self._driver_counts

    def driver_names(self, longest: int = 60) -> list[str]:
        """Every driver as the plans write it (names longer than ``longest`` are sentences), sorted."""
        return sorted(d for d in self.driver_counts() if len(d) <= longest)

    def driven_by(self, name: str) -> set[int]:
        """The actions one of whose drivers contains ``name`` (case-insensitive)."""
        needle = name.lower()
        return self.driven_by_any([d for d in self.driver_counts() if needle in d.lower()])

    def driven_by_any(self, drivers: Iterable[str]) -> set[int]:
        """The actions driven by any of these drivers (as written)."""
        return self.store.action_positions_driven(list(drivers))

    def with_status(self, status: str) -> set[int]:
        return self.store.action_positions_with_status(status)

    # -- when -----------------------------------------------------------------------------------
    def dates(self) -> dict[str, Any]:
        """Day numbers per action (NumPy arrays, built on first use): ``start``, ``end`` (NONE when
        missing), ``mention_lo``/``mention_hi`` (the span of its timeline's dated mentions),
        ``recurs_lo``/``recurs_hi`` (the span its recurring mentions can fall due in, within the
        plan's period; NONE when none recurs), ``permanent``, ``recurrence`` (the record recurs)
        and ``closed`` (done or permanent)."""
        with self._lock:
            if self._dates is None:
                import numpy as np

                from assistant.compose import timeline_dates

                n = len(self.actions)
                arrays = {k: np.full(n, NONE, dtype=np.int64)
                          for k in ("start", "end", "mention_lo", "mention_hi", "recurs_lo", "recurs_hi")}
                flags = {k: np.zeros(n, dtype=bool) for k in ("recurrence", "permanent", "closed")}
                for i, x in enumerate(self.actions):
                    if x.start:
                        arrays["start"][i] = x.start.toordinal()
                    if x.end:
                        arrays["end"][i] = x.end.toordinal()
                    flags["recurrence"][i] = bool(x.recurrence)
                    flags["permanent"][i] = x.status == "permanent"
                    flags["closed"][i] = x.status in ("done", "permanent")
                    spans, recurs = [], []
                    for r in timeline_dates(x.timeline) if x.timeline else ():
                        a, b = r.start or r.end, r.end or r.start
                        if a and b:
                            spans.append((a.toordinal(), b.toordinal()))
                        if r.recurrence:  # falls due on or after its start, and not after its end
                            r = within_period(r, self.periods.get(x.plan))
                            recurs.append((r.start.toordinal() if r.start else 0, r.end.toordinal() if r.end else EVER))
                    for name, pairs in (("mention", spans), ("recurs", recurs)):
                        if pairs:
                            arrays[f"{name}_lo"][i] = min(a for a, _ in pairs)
                            arrays[f"{name}_hi"][i] = max(b for _, b in pairs)
                self._dates = arrays | flags
        return self._dates

    def _select(self, positions: list[int], mask: Any) -> list[int]:
        import numpy as np

        idx = np.asarray(positions, dtype=np.int64)
        return idx[mask[idx]].tolist() if len(idx) else []

    def in_window(self, positions: list[int], lo: date, hi: date) -> list[int]:
        """Those of ``positions`` whose timeline can have a mention in [lo, hi]: a dated mention
        overlapping it, or a recurrence whose span (within the plan's period) does (a superset of
        what ``mentions_in_window`` finds)."""
        d = self.dates()
        first, last = lo.toordinal(), hi.toordinal()
        dated = (d["mention_lo"] != NONE) & (d["mention_lo"] <= last) & (d["mention_hi"] >= first)
        recurring = (d["recurs_lo"] != NONE) & (d["recurs_lo"] <= last) & (d["recurs_hi"] >= first)
        return self._select(positions, dated | recurring)

    def ending_in(self, positions: list[int], lo: date, hi: date) -> list[int]:
        """Those of ``positions`` whose end date is in [lo, hi]."""
        d = self.dates()
        return self._select(positions, (d["end"] >= lo.toordinal()) & (d["end"] <= hi.toordinal()))

    def may_fall_due(self, positions: list[int], as_of: date) -> list[int]:
        """Those of ``positions`` that ``due_date`` can find due on or after ``as_of``: not
        permanent, and recurring, ending then or later, or (with no end) starting then or later."""
        d = self.dates()
        day = as_of.toordinal()
        due = d["recurrence"] | (d["end"] >= day) | ((d["end"] == NONE) & (d["start"] >= day))
        return self._select(positions, due & ~d["permanent"])

    def overdue(self, positions: list[int], as_of: date) -> list[int]:
        """Those of ``positions`` past their end date on ``as_of`` and not done or permanent."""
        d = self.dates()
        return self._select(positions, (d["end"] != NONE) & (d["end"] < as_of.toordinal()) & ~d["closed"])

    def latest_ending(self, positions: list[int], n: int) -> list[int]:
        """The ``n`` of ``positions`` with the latest end dates, latest first (ties in index order)."""
        import numpy as np

        d = self.dates()
        idx = np.asarray(positions, dtype=np.int64)
        idx = idx[d["end"][idx] != NONE] if len(idx) else idx
        if not len(idx):
            return []
        order = np.argsort(-d["end"][idx], kind="stable")[:n]
        return idx[order].tolist()
