"""The budget kind's answers: a named amount, the most/least, equal amounts, a difference, a share of
the whole, a sum, and the plan's package as a whole. Figures are quoted as the plan writes them;
what is computed here is said to be computed.

Example::

    out = Out(ask, ctx, Route.BUDGET)
    named(out, item, "EU contribution", items).answer   # 'The EU contribution to … is EUR 2 000 000 [1].'
"""

from __future__ import annotations

import re

from assistant.kinds.aggregate_common import Out, plan_label, plan_of
from assistant.kinds.budget_read import Figure, Funded, like, stated_amounts
from assistant.models import Answer

# the question asks for the whole budget (a named item's total is then given first)
_TOTAL_ASKED = re.compile(r"\b(total|overall|how big|how large|budget)\b", re.I)


# -- the parts of a whole ----------------------------------------------------------------------------
def figure_of(it: Funded, role: str) -> Figure | None:
    return it.figure(role) if role else it.headline


def stated(it: Funded, role: str) -> Figure:
    """The ``role`` figure (the headline without a role) of an item already known to state it."""
    f = figure_of(it, role)
    if f is None:
        raise ValueError(f"{it.described} states no {role} figure")
    return f


def wholes(items: list[Funded]) -> set[int]:
    """Items whose figure holds the others of the same heading: its value is at least their sum
    (the package the components sit in). Indexed by ``order``."""
    out = set()
    for it in items:
        for f in it.figures:
            others = [o.figure(f.role) for o in items if o is not it and o.plan_id == it.plan_id
                      and o.section.heading_path == it.section.heading_path]
            vals = [o.value for o in others if o and o.currency == f.currency]
            if len(vals) >= 2 and f.value >= sum(vals) * 0.999:
                out.add(it.order)
    return out


def parts_in_scope(items: list[Funded], scored: list[tuple[float, Funded]]) -> list[Funded]:
    """What a ranking compares: the parts (not the whole they make up) of the plan the question
    is most about."""
    plan = scored[0][1].plan_id if scored and scored[0][0] > 0 else items[0].plan_id
    mine = [i for i in items if i.plan_id == plan]
    whole = wholes(mine)
    parts = [i for i in mine if i.order not in whole]
    return parts if len(parts) >= 2 else mine


# -- answers -----------------------------------------------------------------------------------
def role_phrase(role: str) -> str:
    if role == "total":
        return "total budget"
    return role if not role or re.search(r"contribution|amount", role, re.I) else f"{role} contribution"


def _figures_clause(it: Funded, first: Figure) -> str:
    rest = [f for f in it.figures if f is not first]
    if not rest:
        return ""
    return ", of which " + " and ".join(f"{role_phrase(f.role)} {f.text}" for f in rest) \
        if first.role == "total" else "; " + "; ".join(f"{role_phrase(f.role)}: {f.text}" for f in rest)


def _quote(out: Out, it: Funded) -> None:
    out.add(f"“{it.sentence}”", out.cite(it.section))


def named(out: Out, it: Funded, role: str, items: list[Funded]) -> Answer:
    first = figure_of(it, role)
    if it.figure("total") and role != "total" and _TOTAL_ASKED.search(out.ask.question):
        first = it.figure("total")  # "how big is the budget of X, and how much is EU money?": the total first
    plan = plan_label(plan_of(out.ctx, it.plan_id))
    if first is None:  # the asked-for figure is not stated for it, others are
        head = (f"The {plan} plan states no {role_phrase(role)} for {it.described}; it states "
                + "; ".join(f"{role_phrase(f.role)}: {f.text}" for f in it.figures) + f" {out.cite(it.section)}.")
    else:
        head = (f"The {role_phrase(first.role)} {_of(first.role)} {it.described} is "
                f"{first.text}{_figures_clause(it, first)} {out.cite(it.section)}.")
    _quote(out, it)
    if note := _parts_note(it):
        out.add(note, out.cite(it.section))
    mine = [i for i in items if i.plan_id == it.plan_id]
    if it.order in wholes(mine):
        for part in mine:
            if part is not it and part.order not in wholes(mine):
                f = part.headline
                out.add(f"Part: {part.described} — {role_phrase(f.role)} {f.text}", out.cite(part.section))
    return out.finish(head, {"budget": "named", "subject": it.name, "amount": first.text if first else None})


def _parts_note(it: Funded) -> str:
    """Where the contributions an item lists do not add up to its total, say so (figures as written)."""
    total = it.figure("total")
    parts = [f for f in it.figures if f.role != "total" and total and f.currency == total.currency]
    if not total or len(parts) < 2:
        return ""
    got = sum(f.value for f in parts)
    if abs(got - total.value) < 0.5:
        return ""
    return (f"As written, the contributions add up to {like(got, total.text)} (our sum: "
            f"{' + '.join(f.text for f in parts)}), not the {total.text} total")


def extreme(out: Out, parts: list[Funded], role: str, least: bool) -> Answer:
    """The part that gets the most (least) of the asked-for figure (the headline figure of each when
    the question names none: its total where stated, else the amount stated)."""
    ranked = sorted((p for p in parts if figure_of(p, role)), key=lambda p: stated(p, role).value,
                    reverse=not least)
    word = "least" if least else "most"
    top = [p for p in ranked if stated(p, role).value == stated(ranked[0], role).value]
    kind = role_phrase(role) if role else "money"
    if len(top) == 1:
        f = stated(top[0], role)
        what = f.text if role else f"{f.text} ({role_phrase(f.role)})"
        head = f"{_cap(top[0].described)} gets the {word} {kind}: {what} {out.cite(top[0].section)}."
    else:
        names = " and ".join(f"{p.described} {out.cite(p.section)}" for p in top)
        head = f"{names} tie for the {word} {kind}: {stated(top[0], role).text} each."
    head += f"\nThe {len(ranked)} amounts compared{f' ({role_phrase(role)})' if role else ''}:"
    for p in ranked:
        f = stated(p, role)
        out.add(f"{p.described}: {f.text}" + ("" if role else f" ({role_phrase(f.role)})"), out.cite(p.section))
    mine = _plan_items(out, parts[0].plan_id)
    for w in (i for i in mine if i.order in wholes(mine) and figure_of(i, role)):
        out.add(f"They are parts of {w.described}: {role_phrase(stated(w, role).role)} {stated(w, role).text}",
                out.cite(w.section))
    return out.finish(head, {"budget": word, "subject": top[0].name, "amount": stated(top[0], role).text})


def _plan_items(out: Out, plan_id: str) -> list[Funded]:
    return stated_amounts(out.ctx, plan_of(out.ctx, plan_id))


def equal(out: Out, parts: list[Funded], role: str) -> Answer | None:
    roles = [role] if role else list(dict.fromkeys(f.role for p in parts for f in p.figures))
    for r in roles:
        groups: dict[tuple[str, float], list[Funded]] = {}
        for p in parts:
            f = p.figure(r)
            if f:
                groups.setdefault((f.currency, f.value), []).append(p)
        same = [g for g in groups.values() if len(g) >= 2]
        if same:
            g = same[0]
            f = stated(g[0], r)
            names = " and ".join(f"{p.described} {out.cite(p.section)}" for p in g)
            head = f"{_cap(_count(len(g)))} get exactly the same {role_phrase(r)}, {f.text}: {names}."
            for p in g:
                _quote(out, p)
            return out.finish(head, {"budget": "equal", "amount": f.text, "subjects": [p.name for p in g]})
    return None


def difference(out: Out, it: Funded, role: str) -> Answer | None:
    total = it.figure("total")
    part = it.figure(role) if role and role != "total" else next((f for f in it.figures if f.role != "total"), None)
    if total is None or part is None or part.currency != total.currency:
        return None
    rest = total.value - part.value
    diff = like(rest, total.text)
    head = (f"Of the total budget of {it.described}, {diff} is not {part.role.replace('contribution', 'money')}: "
            f"{total.text} total minus {part.text} {part.role} = {diff} (computed from the plan's figures) "
            f"{out.cite(it.section)}.")
    _quote(out, it)
    others = [f for f in it.figures if f not in (total, part)]
    for f in others:
        out.add(f"The plan names another contribution: {f.role} {f.text}", out.cite(it.section))
    if note := _parts_note(it):
        out.add(note, out.cite(it.section))
    return out.finish(head, {"budget": "difference", "amount": diff})


def compare(out: Out, items: list[Funded], scored: list[tuple[float, Funded]], role: str) -> Answer | None:
    mine = [i for i in items if i.plan_id == scored[0][1].plan_id]
    whole_ids = wholes(mine)
    it = next((s[1] for s in scored if s[1].order not in whole_ids and s[1].plan_id == scored[0][1].plan_id), None)
    whole = next((s[1] for s in scored if s[1].order in whole_ids and s[1] is not it), None)
    if it is None or whole is None:
        return None
    roles = [role] if role else [r for r in ("total", *(f.role for f in it.figures)) if it.figure(r)]
    lines = []
    for r in dict.fromkeys(roles):
        a, b = it.figure(r), whole.figure(r)
        if a and b and a.currency == b.currency and b.value:
            lines.append((r, a, b, 100 * a.value / b.value))
    if not lines:
        return None
    r, a, b, share = lines[0]
    head = (f"The {role_phrase(r)} {_of(r)} {it.described} is {a.text} {out.cite(it.section)}, {share:.1f}% of the "
            f"{b.text} {role_phrase(r)} {_of(r)} {whole.described} {out.cite(whole.section)} "
            f"(share computed from the plan's figures).")
    for r, a, b, share in lines[1:]:
        out.add(f"{role_phrase(r)}: {a.text} of {b.text} = {share:.1f}% (computed)")
    _quote(out, it)
    _quote(out, whole)
    return out.finish(head, {"budget": "compare", "share": round(lines[0][3], 1)})


def sum_answer(out: Out, parts: list[Funded], items: list[Funded], role: str) -> Answer | None:
    """The parts added up (our sum), next to the whole the plan states for them, if it does."""
    role = role or "total"
    mine = _plan_items(out, parts[0].plan_id) if parts else []
    given = [i for i in mine if i.order in wholes(mine) and i.figure(role)]
    figs = [(i, f) for i in parts if (f := i.figure(role)) and i.order not in wholes(mine)]
    if len(figs) < 2 or len({f.currency for _, f in figs}) != 1:
        return named(out, given[0], role, items) if given else None
    total = like(sum(f.value for _, f in figs), figs[0][1].text)
    ours = f"our sum of the {len(figs)} {role_phrase(role)} figures the plan gives: {total}"
    if given:
        w = given[0]
        head = (f"The plan states the {role_phrase(role)} {_of(role)} {w.described} as {stated(w, role).text} "
                f"{out.cite(w.section)}; {ours} (computed here).")
    else:
        head = (f"The plan states no single {role_phrase(role)} for these; {ours} "
                "(computed here, not the plan's figure).")
    for i, f in figs:
        out.add(f"{i.described}: {f.text}", out.cite(i.section))
    return out.finish(head, {"budget": "sum", "amount": total})


def whole_plan(out: Out, items: list[Funded]) -> Answer:
    """ "What is the budget of the X plan?": the package it states (the largest whole), with its parts."""
    mine = [i for i in items if i.plan_id == items[0].plan_id]
    ids = wholes(mine)
    top = max((i for i in mine if i.order in ids), key=lambda i: i.headline.value, default=None)
    if top is not None:
        return named(out, top, "total" if top.figure("total") else "", items)
    plan = plan_label(plan_of(out.ctx, mine[0].plan_id))
    head = f"The {plan} plan states no budget for the plan as a whole; the amounts it states are:"
    for i in mine:
        f = i.headline
        out.add(f"{i.described}: {role_phrase(f.role)} {f.text}", out.cite(i.section))
    return out.finish(head, {"budget": "plan"})


def _of(role: str) -> str:
    return "of" if role == "total" else "to"


def _count(n: int) -> str:
    return {2: "two", 3: "three", 4: "four", 5: "five"}.get(n, str(n))


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]
