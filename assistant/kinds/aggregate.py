"""The aggregate answer kind: counts, rankings and totals over the action records and the plans'
outlines ("how many actions does the anti-corruption need have?", "which organisation drives the
most actions?", "which plan is the oldest?", "is X still looking for money?").

Every figure is counted here from the records (an action is one distinct number; rows continuing
it are not counted twice), the plans counted over are named, and each detail line cites where it
comes from. Nothing is hard-coded to a plan: needs, headings and organisations are read from the
index, and names are matched fuzzily against the drivers the records hold.

Example::

    ctx = Context.of(assistant)
    q = "How many separate actions does the anti-corruption need in the WBCSCi plan have?"
    ask = Ask(question=q, intent="aggregate", confidence=1.0, plans=tuple(assistant.plans_named_in(q)),
              as_of=date.today(), reading=read_question(q, as_of=date.today()))
    AggregateKind().answer(ask, ctx).answer
    # '“6 Fight against corruption” in the WBCSCi 2018-2020 plan has 4 actions (6.1–6.4) [1].\\n- …'
"""

from __future__ import annotations

import re

from assistant.kinds.aggregate_common import WORDS, Out, noun_in, plan_label, plan_of, plans_phrase, plural
from assistant.kinds.aggregate_counts import count_answer, total_answer
from assistant.kinds.aggregate_groups import group_line, match_groups, named_by_noun, plan_groups, shared_items
from assistant.kinds.aggregate_names import driver_in, mention_term
from assistant.kinds.aggregate_orgs import driver_actions, driver_rank, involvement
from assistant.kinds.aggregate_plans import plan_counts, plan_dates, plan_mentions, plan_periods
from assistant.kinds.base import Ask, Context
from assistant.listing import funding_wanted
from assistant.models import Answer
from assistant.retrieve import query_terms
from assistant.route import Route
from indexer.models import Plan

_WHICH_NOUN = re.compile(r"\b(?:plans|documents)\b|\b(?:which|what)\s+(?:\w+\s+)?(?:plan|document)\b", re.I)
_MONEY = re.compile(r"\b(budget|amount|cost|costs|eur|euros?|money|funding|contribution|spend\w*)\b", re.I)
_BOTH = re.compile(r"\bboth (?:the )?(.+?) and (?:the )?(.+?)(?:\s+(?:headings?|sections?|areas?|parts?|lists?|"
                   r"chapters?|needs?|directions?|objectives?)\b|\s+of\b|\s*[?,.]|$)", re.I)


class AggregateKind:
    """Counts, rankings and totals; None when the question is not one of them."""

    name = Route.AGGREGATE

    def answer(self, ask: Ask, ctx: Context) -> Answer | None:
        q = ask.question
        plans = list(ask.plans) or list(ctx.plans)
        def out() -> Out:  # a fresh answer for each attempt (one that gives up leaves nothing behind)
            return Out(ask, ctx, self.name)

        oldest, newest = WORDS.has("oldest", q), WORDS.has("newest", q)
        first_noun = _first_noun(q)
        if (oldest or newest) and first_noun not in ("group", "item", "org"):
            return plan_dates(out(), plans, oldest=oldest, newest=newest)
        if WORDS.has("period", q) and (first_noun in ("plan", "") or WORDS.has("most", q) or WORDS.has("least", q)) \
                and not WORDS.has("count", q):
            return plan_periods(out(), plans, shortest=WORDS.has("least", q) and not WORDS.has("most", q))
        if WORDS.has("mention", q) and first_noun == "plan" and (term := mention_term(q)):
            return plan_mentions(out(), list(ask.plans) or list(ctx.plans), term)
        if (m := _BOTH.search(q)) and (ans := _overlap(out(), plans, m.group(1), m.group(2))):
            return ans
        named = driver_in(ctx, q)
        status = funding_wanted(q) or ("seeking" if WORDS.has("involvement", q) else None)
        if named and status and (ask.reading.asks_funding or WORDS.has("involvement", q)) \
                and (ans := involvement(out(), list(ask.plans), named, status)):
            return ans
        ranking = WORDS.has("most", q) or WORDS.has("least", q)
        least = WORDS.has("least", q) and not WORDS.has("most", q)
        if ranking and first_noun == "org":
            return driver_rank(out(), plans, least=least)
        if ranking and first_noun == "plan":
            return plan_counts(out(), plans, rank="least" if least else "most")
        if ranking and first_noun in ("group", "item", ""):
            ans = _group_rank(out(), plans, least=least)
            if ans:
                return ans
        if named and (WORDS.has("count", q) and _counts_items(ask)
                      or re.search(r"\bwhich\b.*\b(actions?|measures?|activities)\b", q, re.I)) \
                and (ans := driver_actions(out(), list(ask.plans), named)):
            return ans
        if WORDS.has("count", q):
            return count_answer(out(), plans, named)
        if WORDS.has("total", q) and _MONEY.search(q):
            return total_answer(out(), list(ask.plans))
        return None


# -- reading the question ------------------------------------------------------------------------
def _counts_items(ask: Ask) -> bool:
    """"How many …" counts what a plan assigns (actions, measures…), not people or things in the world
    ("how many liaison officers are sent": the plan's actions are not the answer)."""
    words = re.findall(r"[a-z]+", ask.reading.count_noun.lower())[:3]
    return not words or any(w in WORDS.set("item_nouns") for w in words)


def _first_noun(q: str) -> str:
    """Which kind of thing the question is about, by the first telling noun: "group" (need,
    area…), "item" (actions, measures…), "org" (organisation, who…), "plan", or ""."""
    found = []
    for kind, group in (("group", "group_nouns"), ("item", "item_nouns"), ("org", "org_nouns")):
        m = WORDS.patterns[group].search(q)
        if m:
            found.append((m.start(), kind))
    m = _WHICH_NOUN.search(q)
    if m:
        found.append((m.start(), "plan"))
    m = re.search(r"\bwhich (?:one|of them)\b", q, re.I)
    if m:
        found.append((m.start(), "plan" if not found else min(found)[1]))
    return min(found)[1] if found else ""


# -- groups: needs, areas, headings ----------------------------------------------------------------
def _group_rank(out: Out, plans: list[Plan], least: bool) -> Answer | None:
    """Which need/area/heading holds the most (or fewest) actions or listed items."""
    q = out.ask.question
    groups = [g for g in plan_groups(out.ctx, [p.id for p in plans]) if g.size or least]
    with_actions = {(g.plan, g.parent) for g in groups if g.actions}
    if with_actions:  # headings holding actions, and their siblings that only list points
        groups = [g for g in groups if g.actions or (g.plan, g.parent) in with_actions]
    groups = named_by_noun(groups, [w for w in WORDS.find("group_nouns", q)])
    if not groups:
        return None
    noun = noun_in(q)
    ranked = sorted(groups, key=lambda g: g.size if least else -g.size)
    top = [g for g in ranked if g.size == ranked[0].size]
    one_plan = len({g.plan for g in groups}) == 1
    where = plans_phrase([plan_of(out.ctx, pid) for pid in dict.fromkeys(g.plan for g in groups)], out.ctx.plans)
    word = "fewest" if least else "most"
    if len(top) == 1:
        g = top[0]
        nums = f" ({g.numbers()})" if g.numbers() else ""
        head = f"In {where}, “{g.title}” has the {word} {noun}: {g.size}{nums} {out.cite(g.section_id)}."
    else:
        names = " and ".join(f"“{g.title}” {out.cite(g.section_id)}" for g in top)
        head = f"In {where}, {names} tie with the {word} {noun}: {top[0].size} each."
    for g in ranked[:8]:
        out.add(group_line(g, noun, one_plan, out.ctx), out.cite(g.section_id))
    head += f"\nCounted by {noun} under each heading (an action numbered once counts once):"
    return out.finish(head, {"aggregate": "group_rank", "top": [g.title for g in top], "count": top[0].size})


def _overlap(out: Out, plans: list[Plan], first: str, second: str) -> Answer | None:
    """The items that appear under both of two headings."""
    groups = plan_groups(out.ctx, [p.id for p in plans])
    a = match_groups(out.ctx, groups, query_terms(first))
    b = match_groups(out.ctx, groups, query_terms(second))
    if not a or not b or a[0] == b[0]:
        return None
    ga, gb = a[0], b[0]
    pairs = shared_items(ga, gb)
    plan = plan_label(plan_of(out.ctx, ga.plan))
    if not pairs:
        head = f"No item appears under both “{ga.title}” and “{gb.title}” in the {plan} plan " \
               f"{out.cite(ga.section_id)} {out.cite(gb.section_id)}."
        return out.finish(head, {"aggregate": "overlap", "count": 0})
    head = f"{plural(len(pairs), 'item')} appear{'s' if len(pairs) == 1 else ''} under both “{ga.title}” " \
           f"({ga.size}) and “{gb.title}” ({gb.size}) in the {plan} plan:"
    for (na, ta, sa), (nb, tb, sb) in pairs:
        same = ta if ta == tb else f"{ta} / {tb}"
        out.add(f"{same} ({na} and {nb})", out.cite(sa), out.cite(sb))
    return out.finish(head, {"aggregate": "overlap", "count": len(pairs)})


