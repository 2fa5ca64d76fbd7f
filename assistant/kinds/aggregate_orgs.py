"""Aggregates over organisations: which drives the most actions, which actions one drives (within a
need when the question names one), and whether one is still looking for money.

Example::

    out = Out(ask, ctx, Route.AGGREGATE)
    driver_rank(out, plans, least=False).answer
    # 'In the … plan, Europol is named as a driver of the most actions: 16 (…) [1].\n- …'
"""

from __future__ import annotations

import re

from assistant.kinds.aggregate_common import STATUS_WORDS, Out, distinct, number_runs, plan_of, plans_phrase, plural
from assistant.kinds.aggregate_groups import match_groups, plan_groups, topic_terms
from assistant.kinds.aggregate_names import Named, positions_of, rank_drivers
from assistant.models import Answer
from indexer.models import Action, Plan
from indexer.store import take


def driver_rank(out: Out, plans: list[Plan], least: bool) -> Answer | None:
    """Which organisation drives the most actions (distinct numbers) in the plans."""
    actions = take(out.ctx.actions, out.ctx.action_index.positions([p.id for p in plans]))
    ranked = rank_drivers(actions)
    if not ranked:
        return None
    if least:
        ranked = sorted(ranked, key=lambda r: len(r[1]))
    top = [r for r in ranked if len(r[1]) == len(ranked[0][1])]
    where = plans_phrase(plans, out.ctx.plans)
    n = len(top[0][1])
    word = "fewest" if least else "most"
    if len(top) == 1:
        name, xs = top[0]
        head = f"In {where}, {name} is named as a driver of the {word} actions: {n} " \
               f"({number_runs([x.number for x in xs], 12)}) {out.cite_action(xs[0])}."
    else:
        names = ", ".join(f"{name} {out.cite_action(xs[0])}" for name, xs in top[:6])
        head = f"In {where}, {names} tie as drivers of the {word} actions: {n} each."
    for name, xs in ranked[:8]:
        out.add(f"{name}: {n_actions(xs)} ({number_runs([x.number for x in xs], 10)})", out.cite_action(xs[0]))
    head += f"\nDrivers counted over {plural(len(distinct(actions)), 'action')} (co-drivers count too):"
    return out.finish(head, {"aggregate": "driver_rank", "top": [t[0] for t in top], "count": n})


def n_actions(xs: list[Action]) -> str:
    return plural(len(xs), "action")


def driver_actions(out: Out, plans: list[Plan], named: Named) -> Answer | None:
    """The actions an organisation drives, within a need/area when the question names one."""
    ctx = out.ctx
    plan_ids = [p.id for p in plans]
    xs = take(ctx.actions, positions_of(ctx, named.name, plan_ids))
    if not xs:
        return None
    terms = topic_terms(out.ask, ctx, named.words)
    groups = match_groups(ctx, plan_groups(ctx, sorted({x.plan for x in xs})), terms) if terms else []
    inside = [x for x in xs if any(x.plan == g.plan and x.need == g.title for g in groups)] if groups else xs
    outside = distinct([x for x in xs if x not in inside])
    ds = distinct(inside)
    scope = f" under “{groups[0].title}”" if groups and len(groups) == 1 else ""
    where = plans_phrase([plan_of(ctx, pid) for pid in dict.fromkeys(x.plan for x in xs)], ctx.plans)
    if not ds:
        head = f"None of the actions {named.name} drives in {where} is{scope or ' under that heading'}."
    else:
        head = f"{plural(len(ds), 'action')}{scope} in {where} {'are' if len(ds) != 1 else 'is'} driven or " \
               f"co-driven by {named.name}: {number_runs([x.number for x in ds])} {out.cite_action(ds[0])}."
    for x in ds:
        out.add(f"{x.number} {x.title} — driver(s): {', '.join(x.drivers)}", out.cite_action(x))
    if outside and scope:
        out.add(f"Outside it, {named.name} also drives {number_runs([x.number or x.title for x in outside], 10)}",
                out.cite_action(outside[0]))
    return out.finish(head, {"aggregate": "driver_actions", "driver": named.name, "count": len(ds)})


def involvement(out: Out, plans: list[Plan], named: Named, status: str) -> Answer | None:
    """An organisation's activities by funding status: is it still looking for money?"""
    ctx = out.ctx
    xs = take(ctx.actions, positions_of(ctx, named.name, [p.id for p in plans]))
    if not xs:
        return None
    by: dict[str, list[Action]] = {}
    for x in xs:
        by.setdefault(x.funding_status, []).append(x)
    hit = by.get(status, [])
    others = {"seeking": r"availab|negotiat", "negotiating": r"availab|seek", "available": r"seek|negotiat"}[status]
    mixed = [x for x in hit if re.search(others, x.funding, re.I)]  # a shared cell naming two statuses
    pure = [x for x in hit if x not in mixed]
    phrase = STATUS_WORDS[status]
    total = plural(len(xs), "activity", "activities")
    if pure:
        head = f"Yes: {len(pure)} of the {total} {named.name} drives or co-drives " \
               f"{'are' if len(pure) != 1 else 'is'} {phrase} {out.cite_action(pure[0])}."
    elif mixed:
        rest = [x for x in xs if x not in mixed]
        funded = sum(x.funding_status == "available" for x in rest)
        lead = f"Mostly no: {funded} of the {total} {named.name} drives or co-drives have funding available, and" \
            if status == "seeking" and funded else "Not clearly:"
        head = f"{lead} none is {phrase} alone; {plural(len(mixed), 'row')} it shares with other " \
               f"drivers list{'s' if len(mixed) == 1 else ''} both that and another status {out.cite_action(mixed[0])}."
    elif len(xs) == 1:
        head = f"No: the one activity {named.name} drives or co-drives is not {phrase}."
    else:
        head = f"No: none of the {total} {named.name} drives or co-drives is {phrase}."
    for x in pure + mixed:
        shared = [d for d in x.drivers if named.name.lower() not in d.lower()]
        with_ = f"; shared with {', '.join(shared)}" if shared else ""
        out.add(f"{x.number} {x.title} — funding: {x.funding or x.funding_status}{with_}", out.cite_action(x))
    for st, group in sorted(by.items()):
        if st != status:
            label = {"unknown": "no funding status recorded"}.get(st, STATUS_WORDS.get(st, st))
            out.add(f"{label}: {len(group)} ({number_runs([x.number for x in group], 12)})", out.cite_action(group[0]))
    return out.finish(head, {"aggregate": "involvement", "driver": named.name, "count": len(hit)})
