"""Counts: actions with a funding status, actions under a need or area, actions per plan, the items
of a list section ("how many general objectives does the plan list?") and totals a plan states.

Example::

    out = Out(ask, ctx, Route.AGGREGATE)
    count_answer(out, plans, named=None).answer
    # '“6 Fight against corruption” in the … plan has 4 actions (6.1–6.4) [1].\n- …'
"""

from __future__ import annotations

import re

from assistant.compose import shorten
from assistant.kinds.aggregate_common import (
    STATUS_WORDS,
    WORDS,
    Out,
    distinct,
    noun_in,
    number_runs,
    plan_label,
    plan_of,
    plans_phrase,
    plural,
)
from assistant.kinds.aggregate_groups import (
    NUMBER_VALUES,
    Group,
    flat_outline,
    group_line,
    list_at,
    match_groups,
    plan_groups,
    stated_number,
    topic_terms,
)
from assistant.kinds.aggregate_names import Named
from assistant.kinds.aggregate_plans import plan_counts
from assistant.listing import funding_wanted
from assistant.models import Answer
from assistant.outline import OutlineNode
from assistant.policy import MIN_COVERAGE
from indexer.models import Action, Plan
from indexer.store import take
from indexer.text import stem, tokens


def group_count(out: Out, plans: list[Plan], groups: list[Group]) -> Answer:
    """How many actions (or listed items) the matched need/area holds, with their numbers."""
    q = out.ask.question
    noun = noun_in(q)
    one_plan = len(plans) == 1
    if len(groups) == 1:
        g = groups[0]
        nums = f" ({g.numbers()})" if g.numbers() else ""
        plan = plan_label(plan_of(out.ctx, g.plan))
        head = f"“{g.title}” in the {plan} plan has {g.size} {noun if g.size != 1 else noun.rstrip('s')}{nums} " \
               f"{out.cite(g.section_id)}."
        for num, text, sid in g.texts():
            out.add(f"{num} {text}" if g.actions else text, out.cite(sid))
    else:
        total = sum(g.size for g in groups)
        head = f"{plural(total, noun.rstrip('s'), noun)} under {len(groups)} matching headings in " \
               f"{plans_phrase(plans, out.ctx.plans)}:"
        for g in groups:
            out.add(group_line(g, noun, one_plan, out.ctx), out.cite(g.section_id))
    return out.finish(head, {"aggregate": "group_count", "count": sum(g.size for g in groups)})


def count_answer(out: Out, plans: list[Plan], named: Named | None) -> Answer | None:
    """How many: actions with a funding status, actions under a need, actions per plan, list items."""
    ask, ctx = out.ask, out.ctx
    q = ask.question
    status = funding_wanted(q) if ask.reading.asks_funding else None
    if status:
        return _status_count(out, plans, status)
    noun = (ask.reading.count_noun or "").lower()
    noun_words = [w for w in re.findall(r"[a-z-]+", noun)]
    stop = {"does", "do", "did", "are", "is", "has", "have", "in", "of", "the", "there", "under", "for", "on",
            "can", "will", "were", "was", "a", "an"}
    head_noun: list[str] = []
    nouns = WORDS.set("item_nouns") | WORDS.set("group_nouns")
    for i, w in enumerate(noun_words):  # "distinct actions sit under" -> "distinct actions"
        if w in stop:
            break
        head_noun.append(w)
        if w in nouns and (i + 1 == len(noun_words) or noun_words[i + 1] not in nouns):
            break  # the last of the nouns ("priority areas")
    terms = topic_terms(ask, ctx, named.words if named else frozenset())
    if head_noun and all(w in WORDS.set("item_nouns") or w in WORDS.set("filler") for w in head_noun):
        if terms:
            groups = match_groups(ctx, plan_groups(ctx, [p.id for p in plans]), terms)
            if groups:
                return group_count(out, plans, groups)
            return None
        return plan_counts(out, plans)
    if head_noun:
        return _list_count(out, plans, head_noun)
    return None


def _status_count(out: Out, plans: list[Plan], status: str) -> Answer:
    ctx = out.ctx
    xs = take(ctx.actions, sorted(ctx.action_index.with_status(status) &
                                  set(ctx.action_index.positions([p.id for p in plans]))))
    phrase = STATUS_WORDS[status]
    ds = distinct(xs)
    where = plans_phrase(plans, ctx.plans)
    if not xs:
        return out.finish(f"No activity in {where} is {phrase}.", {"aggregate": "status", "count": 0})
    rows = f" ({len(xs)} activity rows)" if len(xs) != len(ds) else ""
    head = f"{plural(len(ds), 'action')}{rows} in {where} {'are' if len(ds) != 1 else 'is'} {phrase}: " \
           f"{number_runs([x.number or x.title for x in ds], 20)} {out.cite_action(ds[0])}."
    by_plan: dict[str, list[Action]] = {}
    for x in xs:
        by_plan.setdefault(x.plan, []).append(x)
    for pid, group in by_plan.items():
        if len(by_plan) > 1:
            label = plan_label(plan_of(ctx, pid))
            out.add(f"{label}: {plural(len(distinct(group)), 'action')}", out.cite_action(group[0]))
    for x in ds:
        out.add(f"{x.number} {x.title} — driver(s): {', '.join(x.drivers) or 'none named'}", out.cite_action(x))
    return out.finish(head, {"aggregate": "status", "status": status, "count": len(ds)})


def _list_count(out: Out, plans: list[Plan], noun_words: list[str]) -> Answer | None:
    """How many items a list section holds ("how many general objectives does P list")."""
    ctx, q = out.ctx, out.ask.question
    noun = " ".join(noun_words)
    terms = [w for w in noun_words if len(w) > 2]
    best: tuple[float, list[tuple[str, str]], str] | None = None
    for p in plans:  # a heading that names the noun, with points or sub-headings under it
        for _, node in flat_outline(ctx, p.id):
            kids = [(c.title, _first_section(c)) for c in node.children]
            listed = list(node.items) or [k for k in kids if k[1]]
            cov = ctx.lexicon.coverage(terms, node.title)
            anchor = node.section_ids[0] if node.section_ids else (listed[0][1] if listed else "")
            if not _names_the_list(node.title, terms):
                continue
            if cov >= MIN_COVERAGE and len(listed) >= 2 and anchor and (best is None or cov > best[0]):
                best = (cov, listed, anchor)
    if best is None:
        hits = ctx.retriever.search(f"{noun} {q}", k=8, plan_ids=[p.id for p in plans])
        for h in hits:
            s = h.section
            if ctx.lexicon.coverage(terms, s.text, context=" ".join(s.heading_path)) < 0.5:
                continue
            if not _introduces(s.text, terms):
                continue
            items = list_at(ctx, s, terms)
            if len(items) >= 2:
                best = (1.0, items, s.id)
                break
    if best is None:
        return None
    _, items, anchor = best
    section = ctx.records.section(anchor)
    plan = plan_label(plan_of(ctx, section.plan_id))
    stated = stated_number(section.text, noun_words[-1])
    says = f" (it says {stated})" if stated and stated != len(items) else ""
    head = f"The {plan} plan lists {len(items)} {noun}{says} {out.cite(section)}."
    asks_who = out.ask.reading.asks_driver
    for i, (text, sid) in enumerate(items, start=1):
        who = ""
        if asks_who:
            orgs = list(dict.fromkeys(re.findall(r"\(([A-Z][A-Za-z-]{1,12})\)", text)))
            who = f" — led by {', '.join(orgs)}" if orgs else ""
        first = re.split(r",\s+(?:where|entrusted|led|implemented)\b", text)[0]
        out.add(f"{i}. {first}{who}", out.cite(sid))
    return out.finish(head, {"aggregate": "list_count", "count": len(items)})


def _names_the_list(heading: str, terms: list[str]) -> bool:
    """The heading opens with the counted noun ("4) PRIORITY AREAS", "General objectives in accordance
    with …"), rather than merely mentioning it ("Enhancing use of Joint Investigation Teams": its points
    are activities, not teams) or qualifying another noun with it: "Migrant Smuggling and Human
    Trafficking" lists measures, not migrants. A qualifier is told by its form: the question's plural
    noun stands singular in the heading, with a word (not a link word) after it."""
    raw = [w for w in tokens(heading) if not re.fullmatch(r"[0-9ivx]+|[a-z]", w)]
    words = [stem(w) for w in raw if w not in _LINK_WORDS]
    if not {stem(t) for t in terms} <= set(words[:len(terms)]):
        return False
    last = next(i for i, w in enumerate(raw) if stem(w) == stem(terms[-1]))
    qualifies = raw[last] != terms[-1].lower() and last + 1 < len(raw) and raw[last + 1] not in _LINK_WORDS
    return not qualifies


def _introduces(text: str, terms: list[str]) -> bool:
    """The passage introduces a list of the counted noun: the sentence before its first colon names
    every word of the noun, and the noun is what it lists — it ends the sentence ("… the following four
    components:") or follows "following" or a number ("Following measures are considered vital …:"),
    not a word in passing ("… training of the BSEC Member States in various fields:") nor the one a
    preposition ties to the list ("Issues for … approval by Member States:" lists issues)."""
    colon = text.find(":")
    if colon < 0 or not terms:
        return False
    lead = [stem(w) for w in tokens(text[text.rfind(". ", 0, colon) + 1:colon])]
    if not all(stem(t) in lead for t in terms):
        return False
    last = max(i for i, w in enumerate(lead) if w == stem(terms[-1]))
    before = lead[max(0, last - len(terms) - 1):last - len(terms) + 1]
    if any(w == "follow" or w.isdigit() or w in _COUNT_WORDS for w in before):
        return True
    first = last - len(terms) + 1  # the noun's first word; a preposition or "the" may come before it
    lead_in = [w for w in lead[max(0, first - 2):first] if w not in _DETERMINERS]
    return last >= len(lead) - 3 and not (lead_in and lead_in[-1] in _TIE_WORDS)


_COUNT_WORDS = frozenset(stem(w) for w, n in NUMBER_VALUES.items() if n >= 2)


_LINK_WORDS = frozenset("the of and in on for to a an".split())
# Prepositions that make the noun after them a party to the listed items, not the items ("by Member
# States", "among the partners"); "of" is left out: "a list of measures:" lists measures.
_TIE_WORDS = frozenset(stem(w) for w in "by for among between with from to within across at".split())
_DETERMINERS = frozenset(stem(w) for w in "the a an all its their each our".split())


def _first_section(node: OutlineNode) -> str:
    """Where a heading is cited: its first own section, else its first item's, else a child's."""
    if node.section_ids:
        return node.section_ids[0]
    if node.items:
        return node.items[0][1]
    return next((sid for c in node.children if (sid := _first_section(c))), "")


_AMOUNT = r"(?:EUR|€|USD|US\$|\$|GBP|£)\s?\d[\d  ,.]*\d(?:\s?(?:million|m|bn|billion)\b)?"
_TOTAL = re.compile(rf"\btotal\b(?:[^.;]|\.(?=\w)){{0,240}}?({_AMOUNT})", re.I)
_SUM = re.compile(r"\b(add(?:s|ed)? up|altogether|combined|sum|in total|all together)\b", re.I)
_ANY_AMOUNT = re.compile(_AMOUNT)


def total_answer(out: Out, plans: list[Plan]) -> Answer | None:
    """The total a plan states for what the question names; where it states none but gives the
    parts in one passage, their sum, said to be a sum."""
    ctx, q = out.ctx, out.ask.question
    terms = topic_terms(out.ask, ctx)
    hits = ctx.retriever.search(q, k=8, plan_ids=[p.id for p in plans] or None)
    totals = []
    for h in hits:
        for m in _TOTAL.finditer(h.section.text):
            sentence = h.section.text[max(0, h.section.text.rfind(". ", 0, m.start()) + 1): m.end()].strip()
            totals.append((ctx.lexicon.coverage(terms, sentence, context=h.section.text), m.group(1).strip(),
                           sentence, h.section))
    totals.sort(key=lambda t: -t[0])
    if totals and totals[0][0] >= MIN_COVERAGE:
        cov, amount, sentence, section = totals[0]
        plan = plan_label(plan_of(ctx, section.plan_id))
        head = f"The {plan} plan states a total of {amount} {out.cite(section)}: “{_short(sentence)}”"
        for _, amt, sent, sec in totals[1:4]:
            if amt != amount:
                out.add(f"Another total it states: {amt} — “{_short(sent)}”", out.cite(sec))
        return out.finish(head, {"aggregate": "total", "amount": amount})
    for h in hits[:3] if _SUM.search(q) else ():  # asked to add up: the parts one passage gives
        amounts = _ANY_AMOUNT.findall(re.sub(r"\([^)]*\)", " ", h.section.text))  # not a bracketed breakdown
        currencies = {cur.group(0).strip() if (cur := re.match(r"\D+", a)) else "" for a in amounts}
        if len(amounts) >= 2 and len(currencies) == 1 and ctx.lexicon.coverage(terms, h.section.text) >= MIN_COVERAGE:
            values = [float(re.sub(r"[^\d.]", "", a.replace(",", "")) or 0) for a in amounts]
            plan = plan_label(plan_of(ctx, h.section.plan_id))
            head = (f"The {plan} plan states no total for this; the {len(values)} amounts one passage gives add up "
                    f"to {currencies.pop()} {sum(values):,.0f} (a sum made here, not the plan's figure) "
                    f"{out.cite(h.section)}.")
            for a in amounts:
                out.add(a)
            return out.finish(head, {"aggregate": "sum", "amount": sum(values)})
    return None


def _short(text: str, limit: int = 300) -> str:
    return shorten(" ".join(text.split()), limit)
