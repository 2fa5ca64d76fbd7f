"""Cross-plan answers: which plans say something on a topic, what each proposes, which do not; two
named plans compared; questions about the plans' form (dates, responsible bodies, funding on their
actions) counted from the action records (``assistant.crossplan_form``).

A plan addresses the topic when its best passage is close in meaning to the question (dense cosine
>= ``SEMANTIC_SUPPORT``) or holds the question's topic words (coverage >= ``MIN_COVERAGE``); the
words that only frame the question ("which plans actually deal with …") do not count.

Example::

    cross_plan_answer(answerer, answerer.prepare("Which plans mention Interpol?", []), as_of)
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from assistant.answering import Answerer, Query
from assistant.compose import Citations, best_bullets, bullets, cut_at_line, render_unit, shorten
from assistant.crossplan_form import form_answer, form_field, is_framing, join_names, number_word
from assistant.evidence import SYNONYMS, Lexicon, Unit, stem, units_of
from assistant.models import Answer
from assistant.policy import (
    CROSS_PLAN_BUDGET,
    HELD_WORD_COVER,
    MIN_COVERAGE,
    MIN_DENSE,
    MIN_ROOM,
    PAIR_UNITS_READ,
    SEARCH_DEPTH_PER_PLAN,
    SEARCH_K,
    SEMANTIC_SUPPORT,
    UNITS_READ,
)
from assistant.retrieve import Hit, query_terms
from assistant.route import Route, question_parts
from indexer.models import Section

HEADING_CHARS = 90  # a heading quoted to say where a plan deals with the topic
PER_PLAN_CHARS = 300  # one line per plan when several plans are listed
PAIR_CHARS = 650  # one paragraph per plan when two named plans are compared
SECOND_UNIT = 0.75  # a further unit is shown when it scores at least this share of the plan's best
PAIR_UNIT = 0.6  # the same, when two plans are compared (each has more room)
SUPPORT_UNITS = 6  # a plan's best units read when saying what one plan has and the other lacks
# a topic of one or two words ("drug trafficking") is only held by a passage holding its main word:
# "trafficking" alone is another topic; a longer question is worded in more words than any passage uses
SHORT_TOPIC_COVER = 0.5
MAX_PLANS = 12  # above this many plans, one search over all of them; the best passages' plans are shown
TOPIC_MAX = 80  # characters of the question quoted as its topic in the opening sentence
_CLAUSE_END = re.compile(r", and (?:which|what|how|who|where|when|why)\b| and which\b|\?|;", re.I)


def topic_query(ans: Answerer, q: Query) -> Query:
    """The question with its framing words left out (and words no plan uses, unless a synonym
    stands in for them): what a plan must say something about."""
    lex = ans.ctx.lexicon
    terms = [t for t in q.terms if not is_framing(t) and (lex.df.get(stem(t), 0) > 0 or t in SYNONYMS)]
    # a further clause asks something of the topic ("…, and who carries it out?"): its words are not
    # the topic, and must not become its main word
    clause = {stem(w) for w in query_terms(_CLAUSE_END.split(q.question)[0])}
    terms = [t for t in terms if stem(t) in clause] or terms
    if not terms:
        return q
    dropped = {stem(t) for t in q.terms} - {stem(t) for t in terms}
    lexical = " ".join(w for w in q.lexical.split()
                       if not is_framing(w.rstrip("*")) and stem(w.rstrip("*")) not in dropped)
    return replace(q, terms=terms, lexical=lexical or q.lexical)


def topic_phrase(question: str, terms: list[str]) -> str:
    """The stretch of the question from its first topic word to its last, as asked ("human
    trafficking", "focal point networks or contact points"), or a neutral phrase."""
    clause = _CLAUSE_END.split(question)[0] or question
    low = clause.lower()
    spans = [m.span() for t in terms for m in [re.search(rf"\b{re.escape(t)}\w*", low)] if m]
    if not spans:
        return "the topic"
    phrase = clause[min(s for s, _ in spans): max(e for _, e in spans)].strip(" ,(")
    return phrase if 0 < len(phrase) <= TOPIC_MAX else "the topic"


def focused(text: str, terms: list[str], lexicon: Lexicon, limit: int) -> str:
    """At most ``limit`` characters of a unit: the window (starting at a clause) holding most of the
    question's words, with an ellipsis where text is left out."""
    if len(text) <= limit:
        return text
    starts = [0] + [m.end() for m in re.finditer(r"[,;:•]\s+|\s+-\s+|\.\s+", text)]
    best = max(starts, key=lambda s: (lexicon.coverage(terms, text[s:s + limit]), -s))
    out = shorten(text[best:], limit)
    return out if best == 0 else "… " + out


def unit_text(ans: Answerer, u: Unit, q: Query, who: bool = False) -> str:
    """A unit as shown: a table row holding actions as their numbers, titles and best outputs (and
    who drives them, when the question asks who)."""
    acts = ans.ctx.actions_of(u.section.id) if u.section.kind == "table_row" else []
    if not acts:
        return u.text
    out = []
    for a in acts[:2]:
        name = " ".join(x for x in (a.number, a.title) if x)
        what = best_bullets(a.text, q.terms, ans.ctx.lexicon, limit=1, max_len=200) \
            if a.text and a.text != a.title else ""
        line = f"{name} — {what}" if what and name else name or what
        out.append(f"{line} (driven by {', '.join(a.drivers)})" if who and a.drivers else line)
    return "; ".join(out)


def plan_evidence(ans: Answerer, q: Query, hits: list[Hit], more: bool = False) -> tuple[bool, list[Unit], str]:
    """Does the plan address the topic (close in meaning, or holding its words), its best units
    (by ``ans.ranked_units``; more of them with ``more``), and the text of its supporting units."""
    best_dense = max((h.dense or 0.0 for h in hits), default=0.0)
    ranked = sorted((_as_one_activity(ans, q, *r) for r in ans.ranked_units(q, hits, None)), key=lambda r: -r[0])
    cover = max((c for _, _, c in ranked), default=0.0)
    need = SHORT_TOPIC_COVER if len(q.terms) <= 2 else MIN_COVERAGE
    if not ranked or (best_dense < SEMANTIC_SUPPORT and cover < need):
        return False, [], ""
    if len(q.terms) <= 2:
        # "drug trafficking": a passage on human trafficking is close in meaning, yet another topic; a
        # plan that nowhere writes the topic's main word (or a synonym of it) does not address it
        main = max(q.terms, key=ans.ctx.lexicon.idf)
        if not any(ans.ctx.lexicon.coverage([main], u.text, " ".join(u.section.heading_path), q.aliases) > 0
                   for _, u, _ in ranked):
            return False, [], ""
    # a unit must hold some of the topic's words, or come from a passage close in meaning
    dense_of = {h.section.id: h.dense or 0.0 for h in hits}
    good = [(s, u) for s, u, c in ranked
            if c >= min(need, cover) or dense_of.get(u.section.id, 0.0) >= SEMANTIC_SUPPORT]
    if not good:
        return False, [], ""
    # a part of the plan given to the topic (its heading names it) says how the plan deals with it
    # better than a mention in passing elsewhere: its best unit comes first
    main = max(q.terms, key=ans.ctx.lexicon.idf) if q.terms else ""
    dedicated = [g for g in good if main and ans.ctx.lexicon.coverage([main], _group_heading(ans, g[1].section), "",
                                                                        q.aliases) > 0]
    if dedicated and dedicated[0] is not good[0]:
        good = [dedicated[0]] + [g for g in good if g is not dedicated[0]]
    picked = [good[0][1]]
    for s, u in good[1:PAIR_UNITS_READ if more else UNITS_READ]:
        if s >= (PAIR_UNIT if more else SECOND_UNIT) * good[0][0] and all(u.text != p.text for p in picked):
            picked.append(u)
    support = " ".join(f"{u.text} {' '.join(u.section.heading_path)}" for _, u in good[:SUPPORT_UNITS])
    return True, picked, support


def _as_one_activity(ans: Answerer, q: Query, score: float, u: Unit, cov: float) -> tuple[float, Unit, float]:
    """A table row lists separate activities: it addresses a topic when one of them does (with the
    action's title), not when the topic's words are scattered over several ("annual reports" in one
    bullet, "review … mechanisms" in another). Its coverage is that of its best activity."""
    acts = ans.ctx.actions_of(u.section.id) if u.section.kind == "table_row" else []
    if not acts:
        return score, u, cov
    best = max(ans.coverage(q, f"{a.title} {b}", " ".join(u.section.heading_path))
               for a in acts for b in bullets(a.text) or [""])
    return (score - cov + best, u, best) if best < cov else (score, u, cov)


# a further part of the question that asks who does it ("…, and who carries it out?")
_WHO_PART = re.compile(r"\s*(?:and\s+)?(?:who|by whom|which (?:body|bodies|organi[sz]ations?|agenc(?:y|ies)|"
                       r"institutions?))\b", re.I)
_ACRONYM = re.compile(r"\b(?![IVX]+\b)[A-Z]{2,}[a-z]?\b")  # "IISG", "SWG", "PCC SEE"; not a roman numeral


def names_an_actor(ans: Answerer, text: str) -> bool:
    """Does the text name who acts: a driver the plans name, or a body by its acronym?"""
    return bool(_ACRONYM.search(text) or ans.driver_table.mentioned(text.lower()))


def _with_an_actor(ans: Answerer, q: Query, units: list[Unit]) -> list[Unit]:
    """When a plan's first unit names no one and the question asks who, the unit of the same passage
    that names someone (the one holding most of the topic, the nearest on a tie) comes second: "The
    foreseen frequency of monitoring reporting is annual." is followed by "The IISG Support Group
    will run a continuous process …"."""
    first = units[0]
    if any(names_an_actor(ans, u.text) for u in units[:1]):
        return units
    texts = [u.text for u in units_of(first.section, first.rank)]
    at = texts.index(first.text) if first.text in texts else 0
    heading = " ".join(first.section.heading_path)
    named = [(ans.coverage(q, t, heading), -abs(k - at), k) for k, t in enumerate(texts)
             if k != at and names_an_actor(ans, t)]
    if not named:
        return units
    k = max(named)[2]
    actor = Unit(first.section, texts[k], first.rank)
    return [first, actor, *[u for u in units[1:] if u.text != actor.text]]


def _group_heading(ans: Answerer, sec: Section) -> str:
    """The heading a passage sits under (for a table row, a heading or an action's own section,
    whose last heading is the action's title: the one above it)."""
    last = sec.heading_path[-1] if sec.heading_path else ""
    own = sec.kind in ("table_row", "heading") or any(a.title and a.title in last for a in ans.ctx.actions_of(sec.id))
    path = sec.heading_path[:-1] if own else sec.heading_path
    return path[-1] if path else ""


def under_heading(ans: Answerer, q: Query, units: list[Unit]) -> str:
    """"under “Need 8 Illicit Drugs, incl. their online sale”: " when the plan's best passage sits under
    a heading of the topic (a part of the plan given to it, not a mention in passing), else ""."""
    heading = _group_heading(ans, units[0].section)
    if not heading or heading in units[0].text or ans.ctx.lexicon.coverage(q.terms, heading) <= 0:
        return ""
    return f"under “{shorten(heading, HEADING_CHARS)}”: "


def render_plan(ans: Answerer, q: Query, units: list[Unit], cites: Citations, limit: int,
                who: bool = False) -> str:
    """The plan's best units, cited, in about ``limit`` characters (a further unit only when room)."""
    parts: list[str] = []
    room = limit
    for u in units:
        if parts and room < MIN_ROOM:
            break
        shown = focused(unit_text(ans, u, q, who), q.terms, ans.ctx.lexicon, room)
        parts.append(render_unit(shown, u.section, cites))
        room -= len(shown) + 5
    return " ".join(parts)


def compare_pair(ans: Answerer, q: Query, have: dict[str, str], names: list[str]) -> str:
    """Where one of two plans' best passages hold a topic word the other's lack, say so."""
    lex = ans.ctx.lexicon
    notes = []
    for mine, other in (names, names[::-1]):
        only = [t for t in q.terms if lex.coverage([t], have[mine]) >= HELD_WORD_COVER
                and lex.coverage([t], have[other]) < HELD_WORD_COVER]
        if only and have[other]:
            notes.append(f"only {mine}'s passages mention {join_names(only)}")
    if not notes:
        return (f"Both plans' passages speak of {join_names(q.terms)}."
                if len(q.terms) > 1 and all(have.values()) else "")
    return "Difference: " + "; ".join(notes) + "."


def cross_plan_answer(ans: Answerer, q: Query, as_of: date) -> Answer:
    ctx = ans.ctx
    pool = q.plans or ctx.plans
    total = len(pool)
    tq = topic_query(ans, q)
    field = form_field(q.question, [t for t in q.terms if not is_framing(t) and ctx.lexicon.df.get(stem(t), 0) > 0])
    if field and total <= MAX_PLANS:
        return form_answer(ans.ctx, list(pool), field, as_of)
    grouped: dict[str, list] = {}
    if total > MAX_PLANS:
        # a large corpus: one search over all of it, its hits grouped by plan, stands in for a
        # search per plan (which would cost thousands of searches per question)
        top = ctx.retriever.search(tq.text, k=SEARCH_K * MAX_PLANS, depth=SEARCH_DEPTH_PER_PLAN * MAX_PLANS,
                                   plan_ids=[p.id for p in q.plans] or None, lexical_query=tq.lexical)
        for h in top:
            grouped.setdefault(h.section.plan_id, []).append(h)
        by_id = {p.id: p for p in pool}
        pool = [by_id[i] for i in list(grouped)[:MAX_PLANS] if i in by_id]
    pair = len(q.plans) == 2 and total == 2
    cites = Citations(ctx.records)
    found: dict[str, list[Unit]] = {}
    support: dict[str, str] = {}
    missing, retrieved = [], []
    best_dense = 0.0
    for p in pool:
        hits = grouped[p.id][:SEARCH_K] if grouped else ctx.retriever.search(tq.text, k=SEARCH_K, plan_ids=[p.id],
                                                                      lexical_query=tq.lexical)
        best_dense = max([best_dense, *(h.dense or 0.0 for h in hits)])
        retrieved += [h.section.id for h in hits[:2]]
        ok, units, support[p.short_name] = plan_evidence(ans, tq, hits, more=pair)
        if ok:
            found[p.short_name] = units
        else:
            missing.append(p.short_name)
    if not found or (best_dense < MIN_DENSE and not ans.names_something_in_the_plans(q.question)):
        return ans.refuse(None, [], as_of, "none of the plans addresses it")
    topic = topic_phrase(q.question, tq.terms)
    names = list(found)
    if total > MAX_PLANS:
        head = (f"{len(found)} plans address {topic}: {join_names(names)} (the {len(pool)} plans of {total} "
                "whose passages matched best).")
    elif pair:
        head = (f"Both plans address {topic}." if not missing else
                f"Only {names[0]} addresses {topic}; {missing[0]} does not.")
    elif not missing:
        head = f"All {number_word(total)} plans address {topic}."
    else:
        head = (f"{number_word(len(found)).capitalize()} of the {number_word(total)} plans "
                f"address{'es' if len(found) == 1 else ''} {topic}: "
                f"{join_names(names)}; {join_names(missing)} "
                f"{'does' if len(missing) == 1 else 'do'} not.")
    limit = PAIR_CHARS if pair else PER_PLAN_CHARS
    who = any(_WHO_PART.match(part) for part in question_parts(q.question)[1:])
    if who:
        found = {n: _with_an_actor(ans, tq, units) for n, units in found.items()}
    lines = []
    for n, units in found.items():
        where = under_heading(ans, tq, units)  # said within the plan's share of the room
        lines.append(f"- **{n}**: {where}{render_plan(ans, tq, units, cites, limit - len(where), who)}")
    if pair and len(found) == 2:
        diff = compare_pair(ans, tq, support, names)
        if diff:
            lines.append(diff)
    text = cut_at_line(head + "\n" + "\n".join(lines), CROSS_PLAN_BUDGET)
    return Answer(answer=text, citations=tuple(cites.items), refused=False, route=Route.CROSS_PLAN,
                  as_of=as_of, retrieved=tuple(retrieved),
                  meta={"cross_plan": "pair" if pair else "topic", "not_found": missing})
