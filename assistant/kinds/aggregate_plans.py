"""Aggregates over whole plans: which is oldest or most recent, which state a fixed period and which
runs longest, how many plans mention something, how many actions each plan has.

Example::

    out = Out(ask, ctx, Route.AGGREGATE)
    answer = plan_dates(out, want="oldest newest")   # "The oldest plan is CICA …; the most recent …"
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from assistant.kinds.aggregate_common import (
    Out,
    distinct,
    number_runs,
    plan_label,
    plans_phrase,
    plural,
    shorten,
)
from assistant.kinds.aggregate_names import term_pattern
from assistant.models import Answer
from indexer.dates import parse_timeline
from indexer.models import Plan, Section
from indexer.store import take

_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


@dataclass(frozen=True)
class Dated:
    """A plan with the dates it states: its period, else the years its text mentions."""

    plan: Plan
    start: date | None  # of its stated period
    end: date | None
    first_year: int | None  # the years it mentions, when it states no period
    last_year: int | None
    cite: Section | None  # where the period (or the years) are written

    @property
    def fixed(self) -> bool:
        return self.start is not None and self.end is not None

    @property
    def months(self) -> int:
        start, end = self.start, self.end
        if start is None or end is None:
            return 0
        return (end.year - start.year) * 12 + end.month - start.month + 1

    @property
    def sort_date(self) -> date:
        if self.start:
            return self.start
        return date(self.last_year or 9999, 1, 1)

    def period_text(self) -> str:
        start, end = self.start, self.end
        if start is None or end is None:
            mentioned = f"{self.first_year}–{self.last_year}" if self.first_year != self.last_year \
                else str(self.last_year)
            return f"states no period; the years it mentions run {mentioned}" if self.last_year else "states no period"
        whole_years = start.month == 1 and end.month == 12
        if whole_years:
            span = str(start.year) if start.year == end.year else f"{start.year}–{end.year}"
        else:
            span = f"{start.strftime('%B %Y')} – {end.strftime('%B %Y')}"
        years, rest = divmod(self.months, 12)
        length = plural(years, "year") if not rest else plural(self.months, "month")
        return f"{span}, {length}"


def dated_plans(out: Out, plans: list[Plan]) -> list[Dated]:
    """Each plan's stated period (parsed from the period it states), else the years it mentions."""
    ctx = out.ctx
    mentioned = ctx.records.years_mentioned()
    dated = []
    for p in plans:
        sections = ctx.records.sections(p.id)
        rng = parse_timeline(p.period).range if p.period else None
        if rng and rng.start and rng.end:
            where = _first_with(sections, _years(p.period)) or (sections[0] if sections else None)
            dated.append(Dated(p, rng.start, rng.end, None, None, where))
            continue
        first, last = mentioned.get(p.id, (None, None))
        where = _first_with(sections, {str(last)}) if last else None
        dated.append(Dated(p, None, None, first, last, where or (sections[0] if sections else None)))
    return dated


def _years(text: str) -> set[str]:
    return set(_YEAR.findall(text))


def _first_with(sections: list[Section], years: set[str]) -> Section | None:
    for s in sections:
        if years and years <= _years(s.text):
            return s
    for s in sections:
        if years & _years(s.text):
            return s
    return None


def plan_dates(out: Out, plans: list[Plan], *, oldest: bool, newest: bool) -> Answer:
    """Order the plans by the dates they state (a plan stating no period by the latest year it mentions)."""
    dated = sorted(dated_plans(out, plans), key=lambda d: d.sort_date)
    parts = []
    if oldest or not newest:
        d = dated[0]
        parts.append(f"the oldest is the {plan_label(d.plan)} plan ({d.period_text()}) {out.cite(d.cite)}")
    if newest:
        d = dated[-1]
        parts.append(f"the most recent is the {plan_label(d.plan)} plan ({d.period_text()}) {out.cite(d.cite)}")
    head = " and ".join(parts)
    head = head[0].upper() + head[1:] + "."
    for d in dated:
        out.add(f"{plan_label(d.plan)}: {d.period_text()}", out.cite(d.cite))
    head += f"\nOrdered by the period each of {plans_phrase(plans, out.ctx.plans)} states (where a plan states " \
            "none, by the latest year it mentions):"
    return out.finish(head, {"aggregate": "plan_dates", "order": [d.plan.id for d in dated]})


def plan_periods(out: Out, plans: list[Plan], *, shortest: bool = False) -> Answer:
    """Which plans state a fixed period, and which runs longest (or shortest)."""
    dated = dated_plans(out, plans)
    fixed = sorted((d for d in dated if d.fixed), key=lambda d: d.months, reverse=not shortest)
    loose = [d for d in dated if not d.fixed]
    if not fixed:
        head = f"None of {plans_phrase(plans, out.ctx.plans)} states a fixed period."
    else:
        top = fixed[0]
        word = "shortest" if shortest else "longest"
        names = ", ".join(plan_label(d.plan) for d in fixed)
        head = (f"{plural(len(fixed), 'plan')} of {len(dated)} state a fixed period ({names}); the {word} is the "
                f"{plan_label(top.plan)} plan, {top.period_text()} {out.cite(top.cite)}.")
    for d in fixed:
        out.add(f"{plan_label(d.plan)}: {d.period_text()}", out.cite(d.cite))
    for d in loose:
        out.add(f"{plan_label(d.plan)}: {d.period_text()}", out.cite(d.cite))
    return out.finish(head, {"aggregate": "plan_periods", "fixed": [d.plan.id for d in fixed]})


def plan_mentions(out: Out, plans: list[Plan], term: str) -> Answer:
    """How many of the plans mention ``term`` (its acronym or long form counts), with a passage each."""
    pattern = term_pattern(out.ctx, term)
    found: list[tuple[Plan, list[Section]]] = []
    for p in plans:
        hits = [s for s in out.ctx.records.sections(p.id) if pattern.search(s.text)]
        if hits:
            found.append((p, hits))
    missing = [p for p in plans if all(p.id != f[0].id for f in found)]
    names = " and ".join(", ".join(plan_label(p) for p, _ in found).rsplit(", ", 1))
    if found:
        head = (f"{len(found)} of the {len(plans)} plans mention {term}: {names}."
                if len(found) < len(plans) else f"All {len(plans)} plans mention {term}.")
    else:
        head = f"None of the {len(plans)} plans mentions {term}."
    for p, hits in found:
        m = pattern.search(hits[0].text)
        lo = max(0, m.start() - 60) if m else 0
        lo = hits[0].text.find(" ", lo) + 1 if lo else 0  # start at a word
        snippet = shorten(("…" if lo else "") + hits[0].text[lo:], 130)
        out.add(f"{plan_label(p)} ({plural(len(hits), 'passage')}): “{snippet}”", out.cite(hits[0]))
    if missing:
        out.add("Not mentioned in: " + ", ".join(plan_label(p) for p in missing))
    return out.finish(head, {"aggregate": "mentions", "plans": [p.id for p, _ in found]})


def plan_counts(out: Out, plans: list[Plan], rank: str = "") -> Answer:
    """How many actions each plan has (one per distinct number; rows continuing an action are not
    counted twice); with ``rank`` ("most"/"least") the head names the plan at that end."""
    ctx = out.ctx
    rows = []
    for p in plans:
        xs = take(ctx.actions, ctx.action_index.positions([p.id]))
        rows.append((p, xs, distinct(xs)))
    rows.sort(key=lambda r: -len(r[2]))
    total = sum(len(r[2]) for r in rows)
    if len(rows) == 1:
        p, xs, ds = rows[0]
        extra = f" in {len(xs)} records" if len(xs) != len(ds) else ""
        head = f"The {plan_label(p)} plan has {plural(len(ds), 'action')}{extra}" + \
            (f" ({number_runs([x.number for x in ds if x.number], 12)})" if ds else "") + \
            (f" {out.cite_action(ds[0])}." if ds else ".")
    elif rank:
        p, xs, ds = rows[0] if rank == "most" else rows[-1]
        head = f"The {plan_label(p)} plan has the {'most' if rank == 'most' else 'fewest'} actions: " \
               f"{len(ds)} {out.cite_action(ds[0]) if ds else ''}\nActions per plan (counted by number):"
    else:
        head = f"{plans_phrase(plans, ctx.plans)[0].upper()}{plans_phrase(plans, ctx.plans)[1:]} hold " \
               f"{plural(total, 'action')} together (counted by number):"
    for p, xs, ds in rows:
        if not ds:
            out.add(f"{plan_label(p)}: no actions recorded")
            continue
        extra = f" in {len(xs)} records" if len(xs) != len(ds) else ""
        out.add(f"{plan_label(p)}: {plural(len(ds), 'action')}{extra} ({number_runs([x.number for x in ds], 8)})",
                out.cite_action(ds[0]))
    return out.finish(head, {"aggregate": "plan_counts", "count": total})
