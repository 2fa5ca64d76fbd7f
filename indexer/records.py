"""Query the action records: by plan, driver, funding status and due window.

Example::

    flt = ActionFilter(plan="wbcsci", funding="seeking")
    for action in filter_actions(store, flt): ...
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from indexer.dates import next_due, parse_timeline
from indexer.funding import FUNDING_WORDS, STATUSES
from indexer.models import Action, DateRange, Plan
from indexer.store import RecordStore
from plans.errors import InputError, NotFoundError


@dataclass(frozen=True)
class ActionFilter:
    plan: str | None = None
    driver: str | None = None
    funding: str | None = None
    due_within: int | None = None  # days
    as_of: date | None = None
    overdue: bool = False


def plan_keys(plan: Plan) -> set[str]:
    """Words that name a plan: its id, organisation, title words and the years of its period."""
    words = set(re.findall(r"[a-z0-9]+", f"{plan.id} {plan.title}".lower()))
    words.add(plan.organisation.lower())
    return words


# how close a typed word must be to a plan's name to be read as it (ECOO~ECO 0.86, WBCSI~WBCSCI 0.91;
# two different short acronyms rarely reach it)
CLOSE_NAME = 0.8


def closest_name(word: str, names: Iterable[str]) -> str | None:
    """The name a misspelt word stands for: close in spelling (difflib ratio ≥ ``CLOSE_NAME``), or
    the same letters in another order ("BESC" for "bsec"); None when none is."""
    names = [n for n in names if len(n) >= 3]
    low = word.lower()
    close = difflib.get_close_matches(low, names, n=1, cutoff=CLOSE_NAME)
    return close[0] if close else next((n for n in names if sorted(n) == sorted(low)), None)


def _plan_words(plans: list[Plan]) -> dict[str, Plan]:
    """Each word that names a plan (``plan_keys``, no bare years), for reading a misspelt name."""
    return {k: p for p in plans for k in plan_keys(p) if not k.isdigit()}


def match_plan(store: RecordStore, text: str) -> tuple[Plan, str | None]:
    """A plan as a person types it: ``resolve_plan``, and when no plan matches, the plan whose name
    the text is a misspelling of (``closest_name``: "ECOO" -> ECO). Returns the plan and, when it was
    read as another name, a sentence saying so ("Taking “ecoo” as ECO."); an unknown or ambiguous
    name raises as ``resolve_plan`` does.

    Example::

        plan, note = match_plan(store, "wbcsi")   # the WBCSCi plan, 'Taking “wbcsi” as WBCSCi 2018-2020.'
    """
    try:
        return resolve_plan(store, text), None
    except NotFoundError:
        by_key = _plan_words(store.plans())
        close = closest_name(text.strip().lower(), by_key)
        if close is None:
            raise
        plan = by_key[close]
        return plan, f"Taking “{text.strip()}” as {plan.short_name}."


def resolve_plan(store: RecordStore, text: str) -> Plan:
    """A plan by id, organisation or a word of its title ("wbcsci", "eco", "2021")."""
    plans = store.plans()
    needle = text.strip().lower()
    if not needle:
        raise InputError("The plan name is empty.")
    for p in plans:
        if p.id == needle:
            return p
    hits = [p for p in plans if needle == p.organisation.lower()]
    if len(hits) != 1:
        words = set(re.findall(r"[a-z0-9]+", needle))
        scored = [(len(words & plan_keys(p)), p) for p in plans]
        best = max((s for s, _ in scored), default=0)
        hits = [p for s, p in scored if s == best and s > 0]
        if len(hits) > 1:
            narrowed = [p for p in hits if needle in p.id or needle in p.title.lower()]
            hits = narrowed or hits
    if not hits:
        names = ", ".join(p.id for p in plans)
        by_key = _plan_words(plans)
        close = closest_name(needle, by_key)
        hint = f" Did you mean {close} ({by_key[close].id})?" if close else ""
        raise NotFoundError(f"No plan matches {text!r}.{hint} Known plans: {names}.")
    if len(hits) > 1:
        names = ", ".join(p.id for p in hits)
        raise InputError(f"{text!r} matches several plans ({names}); be more specific.")
    return hits[0]


def plan_horizons(store: RecordStore) -> PlanHorizons:
    """Each plan's time span: its stated period, else the years its text mentions. Recurring
    deadlines without dates of their own ("each semester") recur only within it."""
    return PlanHorizons({p.id: p.period for p in store.plans()}, store.years_mentioned())


class PlanHorizons(Mapping[str, DateRange]):
    """Plan id -> its time span (plans with none are absent), each read from its period when first
    asked for: at ×1000 parsing every plan's period at start cost most of a second of a cold
    ``plans ask`` that asks about one plan."""

    def __init__(self, periods: dict[str, str], mentioned: dict[str, tuple[int, int]]) -> None:
        self._periods, self._mentioned = periods, mentioned
        self._done: dict[str, DateRange | None] = {}

    def get(self, plan_id: str, default: Any = None) -> Any:
        if plan_id not in self._done:
            period = self._periods.get(plan_id)
            rng = parse_timeline(period).range if period else DateRange()
            if (rng.start is None or rng.end is None) and plan_id in self._mentioned:
                first, last = self._mentioned[plan_id]
                rng = DateRange(date(first, 1, 1), date(last, 12, 31), "year")
            self._done[plan_id] = rng if (rng.start or rng.end) else None
        found = self._done[plan_id]
        return default if found is None else found

    def __getitem__(self, plan_id: str) -> DateRange:
        found = self.get(plan_id)
        if found is None:
            raise KeyError(plan_id)
        return found

    def __iter__(self) -> Iterator[str]:
        return (pid for pid in self._periods if self.get(pid) is not None)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def within_period(r: DateRange, period: DateRange | None) -> DateRange:
    """A recurrence with no end of its own recurs only within its plan's ``period``."""
    if r.recurrence and r.end is None and period is not None:
        return DateRange(r.start or period.start, period.end, r.precision, r.recurrence, r.permanent)
    return r


def due_date(a: Action, as_of: date, period: DateRange | None) -> date | None:
    """When the action is next due on or after ``as_of`` (its end, or the next recurrence).
    A recurrence with no dates of its own ("each semester") lasts as long as its plan's
    ``period`` does, so a 2011-2013 plan's semesters are not due in 2026. ``period`` is
    ``plan_horizons(store).get(a.plan)``; ``with_due`` looks it up for a list of actions."""
    rng = DateRange(start=a.start, end=a.end, precision=a.precision, recurrence=a.recurrence,
                    permanent=a.status == "permanent")
    return next_due(within_period(rng, period), as_of)


def due_dates(a: Action, period: DateRange | None, lo: date, hi: date, limit: int = 400) -> list[date]:
    """Every date in [lo, hi] on which the action falls due (``due_date`` from ``lo`` on, then from
    the day after each due date): its end, or each recurrence, within its plan's ``period``.

    Example::

        due_dates(each_semester, DateRange(date(2011, 7, 1), date(2013, 6, 30)), date(2011, 7, 1), date(2013, 12, 31))
        # [2011-12-31, 2012-06-30, 2012-12-31, 2013-06-30]: the plan ends in June 2013
    """
    out: list[date] = []
    day = lo
    while len(out) < limit and day <= hi and (due := due_date(a, day, period)) is not None and due <= hi:
        out.append(due)
        day = due + timedelta(days=1)
    return out


def is_overdue(a: Action, as_of: date) -> bool:
    """Past its end date on ``as_of`` and not marked done (nor permanent)."""
    return bool(a.end and a.end < as_of and a.status not in {"done", "permanent"})


def with_due(store: RecordStore, actions: Iterable[Action], as_of: date) -> list[tuple[Action, date | None]]:
    """Each action with its due date at ``as_of`` (``due_date`` within its plan's period): what the
    command line, the web API and Slack show, from this one function.

    Example::

        for action, due in with_due(store, filter_actions(store, flt), date(2018, 5, 1)): ...
    """
    periods = plan_horizons(store)
    return [(a, due_date(a, as_of, periods.get(a.plan))) for a in actions]


def action_json(a: Action, due: date | None) -> dict:
    """An action record as the interfaces print it: ``Action.to_json`` plus ``due`` (ISO date or null)."""
    return {**a.to_json(), "due": due.isoformat() if due else None}


def parse_as_of(value: str | None, name: str = "as_of") -> date | None:
    """A reference date typed by a user (``YYYY-MM-DD``; empty means none), or an InputError naming
    the option it came from (``--as-of``, ``as_of``, ``as-of:``)."""
    if value is None or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError as exc:
        raise InputError(f"{name} must be a date like 2018-05-01, not {value!r}.") from exc


def read_funding(value: str | None, name: str = "funding") -> str | None:
    """A funding status typed by a user, in any case, as a status word or an everyday one ("Seeking",
    "funded", "unfunded"); None when empty, else an InputError naming the option it came from
    (``--funding``, ``funding``, ``funding:``). The CLI, the API and Slack all read it here."""
    if value is None or not value.strip():
        return None
    word = FUNDING_WORDS.get(value.strip().lower())
    if word is None:
        raise InputError(f"{name} must be one of {', '.join(STATUSES)}, not {value.strip()!r}.")
    return word


def filter_actions(store: RecordStore, flt: ActionFilter) -> list[Action]:
    funding = read_funding(flt.funding, "--funding")
    if flt.due_within is not None and flt.due_within < 0:
        raise InputError("--due-within must be a number of days, 0 or more.")
    as_of = flt.as_of or date.today()
    plan_id = resolve_plan(store, flt.plan).id if flt.plan else None
    periods = plan_horizons(store)
    out = []
    for a in store.actions(plan=plan_id):
        if flt.driver and not any(flt.driver.lower() in d.lower() for d in a.drivers):
            continue
        if funding and a.funding_status != funding:
            continue
        if flt.overdue and not is_overdue(a, as_of):
            continue
        if flt.due_within is not None:
            due = due_date(a, as_of, periods.get(a.plan))
            if due is None or due > as_of + timedelta(days=flt.due_within):
                continue
        out.append(a)
    return out
