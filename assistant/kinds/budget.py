"""The budget answer kind: the amounts a plan states, and the comparisons its own figures allow
("how big is the budget for X?", "which strand gets the least EU money?", "which two get exactly
the same?", "how much of X is not EU money?", "how does X compare with the whole package?").

Amounts are read once per plan (:mod:`assistant.kinds.budget_read`), each with what it is for; the
question is matched against those subjects by word coverage. Figures are quoted as the plan writes
them; anything computed here (a difference, a share, a sum) is said to be computed, with the
plan's figures it comes from. When the plans state no amount for what is asked, the answer is a
refusal that says so and shows the closest amount sentence.

Example::

    ask = Ask(question=q, intent="budget", confidence=1.0, plans=tuple(assistant.plans_named_in(q)),
              as_of=date.today(), reading=read_question(q, as_of=date.today()))
    BudgetKind().answer(ask, Context.of(assistant)).answer
    # 'The EU contribution to the Pilot project … is EUR 2 000 000 [1].\\n- “The EU contribution …”'
"""

from __future__ import annotations

import re
from dataclasses import replace

from assistant.kinds.aggregate_common import Out, plan_label, plan_of, plans_phrase
from assistant.kinds.base import Ask, Context
from assistant.kinds.budget_answers import (
    compare,
    difference,
    equal,
    extreme,
    named,
    parts_in_scope,
    sum_answer,
    whole_plan,
)
from assistant.kinds.budget_read import Funded, stated_amounts
from assistant.models import Answer
from assistant.policy import MIN_COVERAGE
from assistant.retrieve import query_terms
from assistant.route import Route
from indexer.models import Plan
from indexer.text import tokens

# the question is about money at all (else the kind steps aside)
_MONEY = re.compile(r"\b(budget\w*|costs?|money|fund\w*|financ\w*|eur|euros?|€|amounts?|contribut\w*|how much|"
                    r"spend\w*|spent|million|allocat\w*|envelope|paid|pays?|sum|package|total)\b|€", re.I)
# it asks for a figure (a refusal is only given to such a question)
_ASKS_FIGURE = re.compile(r"\b(budget|cost|how much|how big|how large|amount|contribution|eur|euros?|total|"
                          r"sum|allocat\w*)\b|€", re.I)
_MOST = re.compile(r"\b(most|largest|biggest|highest|greatest|maximum|top|more than any)\b", re.I)
_LEAST = re.compile(r"\b(least|smallest|lowest|fewest|minimum|less than any)\b", re.I)
_EQUAL = re.compile(r"\b(same|equal|identical|as much as|tie|tied)\b", re.I)
_COMPARE = re.compile(r"\b(compare[ds]?|comparison|relative to|share|proportion|percent\w*|fraction|"
                      r"out of|part of the (?:whole|total)|versus|vs)\b|%", re.I)
_WHOLE = re.compile(r"\b(whole|entire|overall|package|all together|sits? in|belongs? to|part of)\b", re.I)
_NOT = re.compile(r"\b(?:not|non|other than|apart from|besides|beyond|excluding|except|rest|remaining|"
                  r"remainder|difference|gap)\b", re.I)
_SUM = re.compile(r"\b(sum|add up|adds up|added up|altogether|combined|together|in all)\b", re.I)
# words of asking about money that say nothing about what it is for
_ASKING = set(tokens("budget budgets total totals money much big large amount amounts cost costs fund funds "
                     "funded funding goes go get gets receive receives come comes contribution contributions "
                     "eur euro euros million sum spend spent allocated allocation least most largest biggest "
                     "smallest lowest highest exactly same equal two three four which compare compared whole "
                     "package sits share part parts many give gives given not non"))


class BudgetKind:
    """Amounts a plan states and comparisons of them; None when the question is not about money."""

    name = Route.BUDGET

    def answer(self, ask: Ask, ctx: Context) -> Answer | None:
        q = ask.question
        if not _MONEY.search(q):
            return None
        plans = list(ask.plans) or list(ctx.plans)
        items = [i for p in plans for i in stated_amounts(ctx, p)]
        out = Out(ask, ctx, self.name)
        if not items:
            return _refuse(out, plans, None) if _ASKS_FIGURE.search(q) else None
        terms = _subject_terms(q, items, list(ask.plans))
        scored = _rank(ctx, q, terms, items)
        role = _asked_role(q, items)
        if not terms and ask.plans and not (_EQUAL.search(q) or _MOST.search(q) or _LEAST.search(q)):
            return _finish(whole_plan(out, items))  # "what is the budget of the X plan?"
        if _EQUAL.search(q):
            return _finish(equal(out, parts_in_scope(items, scored), role))
        if _MOST.search(q) or _LEAST.search(q):
            least = bool(_LEAST.search(q)) and not _MOST.search(q)
            return _finish(extreme(out, parts_in_scope(items, scored), role, least))
        if _SUM.search(q) and (ans := sum_answer(out, parts_in_scope(items, scored), items, role)):
            return _finish(ans)
        best_score, best = scored[0] if scored else (0.0, None)
        if best is None or (terms and best_score < MIN_COVERAGE):
            if not _ASKS_FIGURE.search(q):
                return None
            return _refuse(out, plans, best)
        if _COMPARE.search(q) or (_WHOLE.search(q) and re.search(r"\b(compar|whole|entire)", q, re.I)):
            return _finish(compare(out, items, scored, role))
        if _NOT.search(q) and (role or best.figure("total")):
            return _finish(difference(out, best, role))
        return _finish(named(out, best, role, items))


# -- reading the question --------------------------------------------------------------------------
def _quoted(q: str) -> list[str]:
    return [m.group(1) for m in re.finditer(r"(?:(?<=\s)|^)['‘\"“]([^'’\"”]{3,}?)['’\"”](?=[\s,.?!;:)]|$)", q)]


def _subject_terms(q: str, items: list[Funded], plans: list[Plan]) -> list[str]:
    """The question's words that can name what the money is for: no asking words, no word every
    amount's subject shares (a role every item has, "EU", says nothing about which), and none when
    they only name the plan asked about."""
    common = set.intersection(*(set(tokens(i.words())) for i in items)) if len(items) > 1 else set()
    terms = [t for t in query_terms(q) if t not in _ASKING and t not in common]
    naming = {"plan", "plans", "document"} | {t for p in plans for t in tokens(f"{p.organisation} {p.short_name} "
                                                                                f"{p.title} {p.period}")}
    return [] if all(t in naming for t in terms) else terms


def _rank(ctx: Context, q: str, terms: list[str], items: list[Funded]) -> list[tuple[float, Funded]]:
    """Items by how well the question names them: a quoted name first, then all its words."""
    aliases, _ = ctx.acronyms.aliases(q)
    quoted = [t for s in _quoted(q) for t in query_terms(s)]
    scored = []
    for it in items:
        cov = ctx.lexicon.coverage(terms, it.words(), context=it.sentence, aliases=aliases) if terms else 0.0
        if quoted:
            qcov = ctx.lexicon.coverage(quoted, it.words(), aliases=aliases)
            cov = max(cov, qcov) if qcov >= 0.6 else cov * 0.8
        scored.append((cov, it))
    scored.sort(key=lambda s: (-s[0], s[1].order))
    return scored


def _asked_role(q: str, items: list[Funded]) -> str:
    """The kind of figure asked for: a contribution the question names by its contributor ("EU
    money"), "total" when it says so, else "" (the headline figure)."""
    words = set(tokens(q))
    roles = {f.role for i in items for f in i.figures if f.role != "total"}
    if re.search(r"\b(total|overall|whole)\b", q, re.I) and not _NOT.search(q):
        named = [r for r in roles if set(tokens(r)) - {"contribution", "contributions"} <= words
                 and set(tokens(r)) & words - {"contribution"}]
        return named[0] if named and re.search(r"\bhow much of\b", q, re.I) else "total"
    for r in sorted(roles, key=len):
        who = set(tokens(r)) - {"contribution", "contributions", "government"}
        if who and who <= words:
            return r
    return ""


def _refuse(out: Out, plans: list[Plan], closest: Funded | None) -> Answer:
    """The plans state no amount for what is asked: say so, and show the closest amount sentence."""
    where = plans_phrase(plans, out.ctx.plans)
    if closest is None:  # the plans asked about state none at all
        head = f"The plans do not say: they give no budget for {where}"
        every = [i for p in out.ctx.plans for i in stated_amounts(out.ctx, p)]
        scored = _rank(out.ctx, out.ask.question, query_terms(out.ask.question), every) if every else []
        closest = scored[0][1] if scored else None
    else:
        head = f"The plans do not say: they state no amount for that in {where}"
    if closest is not None:
        label = plan_label(plan_of(out.ctx, closest.plan_id))
        head += (f"; the closest amount sentence (in the {label} plan) is {out.cite(closest.section)}: "
                 f"“{closest.sentence}”")
    else:
        head += "; none of the plans states an amount."
    answer = out.finish(head if head.endswith((".", "”")) else head + ".", {"budget": "none"})
    return replace(answer, refused=True, route=Route.BUDGET)


def _finish(answer: Answer | None) -> Answer | None:
    return replace(answer, route=Route.BUDGET) if answer is not None else None
