"""Cross-plan answers: which plans say something on a topic, what each says, which do not.

Example::

    cross_plan_answer(answerer, answerer.prepare("Which plans mention Interpol?", []), as_of)
"""

from __future__ import annotations

from datetime import date
from typing import Any

from assistant.compose import Citations, cut_at_line, render_unit, shorten
from assistant.models import Answer
from assistant.policy import CROSS_PLAN_BUDGET, MIN_DENSE

PER_PLAN_CHARS = 300
MIN_COVER = 0.25
MAX_PLANS = 12  # above this many plans, one search over all of them; the best passages' plans are shown


def cross_plan_answer(ans: Any, q: Any, as_of: date) -> Answer:
    a = ans.a
    pool = q.plans or a.plans
    total = len(pool)
    grouped: dict[str, list] = {}
    if total > MAX_PLANS:
        # a large corpus: one search over all of it, its hits grouped by plan, stands in for a
        # search per plan (which would cost thousands of searches per question)
        top = a.retriever.search(q.text, k=8 * MAX_PLANS, depth=10 * MAX_PLANS,
                                 plan_ids=[p.id for p in q.plans] or None, lexical_query=q.lexical)
        for h in top:
            grouped.setdefault(h.section.plan_id, []).append(h)
        by_id = {p.id: p for p in pool}
        pool = [by_id[i] for i in list(grouped)[:MAX_PLANS] if i in by_id]
    cites = Citations(a.records)
    found, missing, retrieved, lines = [], [], [], []
    best_dense = 0.0
    for p in pool:
        hits = grouped[p.id][:8] if grouped else a.retriever.search(q.text, k=8, plan_ids=[p.id],
                                                                    lexical_query=q.lexical)
        best_dense = max([best_dense, *(h.dense or 0.0 for h in hits)])
        retrieved += [h.section.id for h in hits[:2]]
        good = [(s, u) for s, u, cov in ans.ranked_units(q, hits, None) if cov >= MIN_COVER]
        if not good:
            missing.append(p.short_name)
            continue
        picked = [good[0][1]]
        for s, u in good[1:]:
            if s >= 0.75 * good[0][0] and u.text != picked[0].text:
                picked.append(u)
                break
        body = " ".join(render_unit(shorten(u.text, PER_PLAN_CHARS), u.section, cites) for u in picked)
        found.append(p.short_name)
        lines.append(f"- **{p.short_name}**: {body}")
    if not lines or best_dense < MIN_DENSE:
        return ans.refuse(None, [], as_of, "none of the plans addresses it")
    if total > MAX_PLANS:
        head = (f"Found in {len(found)} plans: {', '.join(found)} (the {len(pool)} plans of {total} "
                "whose passages matched best).")
    else:
        head = f"Found in {len(found)} of {len(pool)} plans: {', '.join(found)}."
        if missing:
            head += f" Not found in: {', '.join(missing)}."
    text = head + "\n" + "\n".join(lines)
    text = cut_at_line(text, CROSS_PLAN_BUDGET)
    return Answer(answer=text, citations=tuple(cites.items), refused=False, route="cross_plan",
                  as_of=as_of, retrieved=tuple(retrieved))
