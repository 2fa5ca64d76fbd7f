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
        """Day numbers per action (NumPy arrays, read from the index on first use, no record
        decoded): ``start``, ``end`` (NONE when missing), ``mention_lo``/``mention_hi`` (the span
        of its timeline's dated mentions), ``recurs_lo``/``recurs_hi`` (the span its recurring
        mentions can fall due in, within the plan's period; NONE when none recurs), ``due_lo``/
        ``due_hi`` (a recurring action's own span within its plan's period, as ``due_date`` bounds
        it), ``permanent``, ``recurrence`` (the record recurs) and ``closed`` (done or permanent)."""
        with self._lock:
            if self._dates is None:
                import numpy as np

                d = self.store.action_days()
                n = len(d["start"])
                for k in ("recurs_lo", "recurs_hi"):
                    d[k] = np.full(n, NONE, dtype=np.int64)
                for pos, plan, lo, hi in self.store.action_recurring_mentions():
                    r = within_period(DateRange(_from_day(lo), _from_day(hi), recurrence="recurs"),
                                      self.periods.get(plan))
                    a, b = (r.start.toordinal() if r.start else 0), (r.end.toordinal() if r.end else EVER)
                    d["recurs_lo"][pos] = a if d["recurs_lo"][pos] == NONE else min(a, d["recurs_lo"][pos])
                    d["recurs_hi"][pos] = max(b, d["recurs_hi"][pos])
                d["due_lo"], d["due_hi"] = np.zeros(n, dtype=np.int64), np.full(n, EVER, dtype=np.int64)
                runs = sorted((lo, plan) for plan, (lo, _) in self.plan_ranges.items())
                firsts = np.asarray([lo for lo, _ in runs], dtype=np.int64)
                recurring = np.flatnonzero(d["recurrence"])
                plan_at = np.searchsorted(firsts, recurring, side="right") - 1  # each one's plan run
                for pos, run in zip(recurring.tolist(), plan_at.tolist(), strict=True):
                    start, end = int(d["start"][pos]), int(d["end"][pos])
                    r = within_period(DateRange(_from_day(start), _from_day(end), recurrence="recurs"),
                                      self.periods.get(runs[run][1]))
                    d["due_lo"][pos] = r.start.toordinal() if r.start else 0
                    d["due_hi"][pos] = r.end.toordinal() if r.end else EVER
                self._dates = d
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

    def _earliest_due(self, as_of: date) -> tuple[Any, Any]:
        """Per action, the day ``due_date(action, as_of)`` gives, exactly for one that does not
        recur (its end from ``as_of`` on, or with no end its start), and a lower bound for one that
        does (the later of ``as_of`` and the start of its span within its plan's period, a recurrence
        falling due at the end of a period that contains or follows that day), with whether it can
        be due at all (not permanent; a recurring one's span not over before ``as_of``)."""
        import numpy as np

        d = self.dates()
        day = as_of.toordinal()
        single = np.where(d["end"] != NONE, d["end"], d["start"])  # what a non-recurring one is due on
        due = np.where(d["recurrence"], np.maximum(d["due_lo"], day), single)
        can = np.where(d["recurrence"], d["due_hi"] >= day, single >= day) & ~d["permanent"]
        return due, can

    def may_fall_due(self, positions: list[int], as_of: date, until: date | None = None) -> list[int]:
        """Those of ``positions`` that ``due_date`` can find due on or after ``as_of`` (and, with
        ``until``, not after it): a superset, exact for actions that do not recur."""
        due, can = self._earliest_due(as_of)
        if until is not None:
            can &= due <= until.toordinal()
        return self._select(positions, can)

    def may_be_due_first(self, positions: list[int], as_of: date) -> list[int]:
        """Those of ``positions`` that can hold the first date ``due_date`` gives from ``as_of`` on:
        every action whose earliest possible due day is not after the first exact one of an action
        that does not recur (a superset of those due on that first date)."""
        import numpy as np

        due, can = self._earliest_due(as_of)
        d = self.dates()
        idx = np.asarray(positions, dtype=np.int64)
        if not len(idx):
            return []
        idx = idx[can[idx]]
        exact = idx[~d["recurrence"][idx]]
        if len(exact):
            idx = idx[due[idx] <= due[exact].min()]
        return idx.tolist()

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


def _from_day(day: int | None) -> date | None:
    """A day number as a date (None for a missing one: None or NONE)."""
    return date.fromordinal(day) if day is not None and day > 0 else None
