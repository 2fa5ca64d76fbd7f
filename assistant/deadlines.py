"""Deadline answers from the action records: what falls in a window ("next month", "in the next
60 days", "before the end of this year") and what is due next, relative to ``as_of``.

Example::

    deadline_answer(answerer, query, reading, hits, as_of=date(2018, 5, 1))
"""

from __future__ import annotations

import re
from datetime import date

from assistant import vocab
from assistant.answering import Answerer, Query
from assistant.compose import Citations, cut_at_line, mentions_in_window, render_action
from assistant.evidence import MONTHS
from assistant.models import Answer
from assistant.policy import (
    DEADLINE_BUDGET,
    DEADLINE_LINES,
    DEADLINE_TOPIC_SHARE,
    LATEST_DEADLINES,
    NEXT_DUE_LINES,
)
from assistant.retrieve import Hit
from assistant.route import Reading, Route
from indexer.records import due_date
from indexer.store import take

# words that say when, not what (assistant/vocab/time_words.yaml)
TIME_WORDS = vocab.words("time_words")
ENDING = re.compile(r"\b(end|ends|ending|finish\w*|expir\w*|conclud\w*|clos(?:e|es|ing)|run out)\b", re.I)
OVERDUE = re.compile(r"\b(overdue|late|missed|past (?:their|its) deadline|behind schedule)\b", re.I)
RELEVANT = 0.25  # an action is about the question's topic at this coverage of its words
# a window asked about in terms of what falls due ("which deadlines fall in the next 60 days?"), not of
# what is scheduled or happening in it
DUE_WORDS = re.compile(r"\b(?:deadlines?|due|coming up|upcoming|milestones?)\b", re.I)


def asks_deadline_list(question: str) -> bool:
    q = question.lower()
    return any(k in q for k in ("next deadline", "overdue", "deadlines", "falls due", "fall due", "due next",
                                "coming up", "upcoming", "milestones"))


def _topic(terms: list[str]) -> list[str]:
    return [t for t in terms if t not in TIME_WORDS and t not in MONTHS and not re.fullmatch(r"\d+", t)]


def deadline_answer(ans: Answerer, q: Query, reading: Reading, hits: list[Hit], as_of: date) -> Answer | None:
    """None when no action matches the topic well enough (the caller falls back to evidence)."""
    ctx = ans.ctx
    topic = _topic(q.terms)
    plan_ids = {p.id for p in q.plans}
    index = ctx.action_index
    pool = index.positions(plan_ids)
    relevant = pool  # positions of the actions the answer may name
    if topic:  # the actions about the topic: the best ones and those close to them
        pairs, best = ctx.action_terms.about(pool, topic, ctx.lexicon, q.aliases, floor=RELEVANT,
                                             share=DEADLINE_TOPIC_SHARE)
        if best < RELEVANT:
            return None
        relevant = [i for _, i in pairs]
    cites = Citations(ctx.records)
    lines = []
    if OVERDUE.search(q.question) and not reading.window:
        late = sorted(take(ctx.actions, index.overdue(relevant, as_of)), key=lambda x: x.end or date.max)
        if not late:
            return Answer(answer=f"Nothing in the plans was overdue as of {as_of.isoformat()}.", citations=(),
                          refused=False, route=Route.DEADLINE, as_of=as_of, retrieved=tuple(h.section.id for h in hits),
                          meta={"overdue": 0})
        for x in late[:DEADLINE_LINES]:
            lines.append("- " + render_action(x, ctx.records.section(x.section_id), cites, terms=topic,
                                              lexicon=ctx.lexicon, as_of=as_of, show_due=True,
                                              period=ans.periods.get(x.plan), brief=True, focus=Route.DEADLINE))
        lines = _fitting(lines)
        more = f" ({len(late) - len(lines)} more)" if len(late) > len(lines) else ""
        text = f"Past their end date and not marked done, as of {as_of.isoformat()}{more}:\n" + "\n".join(lines)
        return Answer(answer=cut_at_line(text, DEADLINE_BUDGET), citations=tuple(cites.items), refused=False,
                      route=Route.DEADLINE, as_of=as_of, retrieved=tuple(h.section.id for h in hits),
                      meta={"overdue": len(late), "count": len(late), "more": len(late) - len(lines),
                            **_browse(q, topic, overdue=True, as_of=as_of.isoformat())})
    if reading.window:
        lo, hi = reading.window
        found = []
        ending = bool(ENDING.search(q.question))
        # "which deadlines fall in the next 60 days?": what is due from as_of on, by the one rule the
        # Browse view, `plans actions --due-within` and Slack use (indexer.records.due_date)
        due_rule = lo == as_of and not ending and bool(DUE_WORDS.search(q.question))
        # only the actions that can fall in the window are looked at closely (the checks below decide)
        near = index.ending_in(relevant, lo, hi) if ending else \
            index.may_fall_due(relevant, as_of, hi) if due_rule else index.in_window(relevant, lo, hi)
        for x in (ctx.actions[i] for i in near):
            if ending:  # "which actions end within …": the end date itself must fall in the window
                if x.end and lo <= x.end <= hi:
                    found.append((False, x.end, x))
                continue
            if due_rule:
                due = due_date(x, as_of, ans.periods.get(x.plan))
                if due and due <= hi:
                    found.append((False, due, x))
                continue
            inside = mentions_in_window(x, reading.window, ans.periods.get(x.plan))
            if inside:
                r = inside[0]
                within = (r.start or lo) >= lo and (r.end or hi) <= hi  # starts and ends in the window
                found.append((not within, r.start or r.end or lo, x))
        found.sort(key=lambda f: (f[0], f[1]))
        if any(not f[0] for f in found):  # dated inside the window: leave out what merely runs through it
            found = [f for f in found if not f[0]]
        for _, _, x in found[:DEADLINE_LINES]:
            lines.append("- " + render_action(x, ctx.records.section(x.section_id), cites, terms=topic,
                                              lexicon=ctx.lexicon, as_of=as_of, focus=Route.DEADLINE,
                                              show_due=due_rule, period=ans.periods.get(x.plan)))
        if not lines:
            return nothing_due(ans, reading, relevant or pool, as_of, hits)
        lines = _fitting(lines)
        verb = "Ending" if ending else "Due" if due_rule else "Scheduled"
        extra = f" ({len(found) - len(lines)} more)" if len(found) > len(lines) else ""
        head = (f"{verb} {reading.window_text} ({lo.isoformat()} to {hi.isoformat()}), "
                f"as of {as_of.isoformat()}{extra}:")
        listed = {"count": len(found), "more": len(found) - len(lines)}
        if due_rule:  # the whole list is the Browse view's "due within" (the same rule)
            listed |= _browse(q, topic, due_within=(hi - lo).days, as_of=as_of.isoformat())
    else:
        maybe = take(ctx.actions, index.may_be_due_first(relevant, as_of))
        upcoming = sorted(((d, x) for x in maybe if (d := due_date(x, as_of, ans.periods.get(x.plan)))),
                          key=lambda f: f[0])
        if not upcoming:
            return nothing_due(ans, reading, relevant or pool, as_of, hits)
        first = upcoming[0][0]
        for _, x in [u for u in upcoming if u[0] == first][:NEXT_DUE_LINES]:
            lines.append("- " + render_action(x, ctx.records.section(x.section_id), cites, terms=topic,
                                              lexicon=ctx.lexicon, as_of=as_of, show_due=True,
                                              period=ans.periods.get(x.plan), focus=Route.DEADLINE))
        head = f"The next deadline after {as_of.isoformat()}:"
        listed = {}
    text = head + "\n" + "\n".join(lines)
    return Answer(answer=cut_at_line(text, DEADLINE_BUDGET), citations=tuple(cites.items), refused=False,
                  route=Route.DEADLINE,
                  as_of=as_of, retrieved=tuple(h.section.id for h in hits), meta=listed)


HEAD_ROOM = 200  # characters kept for a list's head line within DEADLINE_BUDGET


def _fitting(lines: list[str]) -> list[str]:
    """The first lines that fit the answer budget with a head line, so that "(N more)" counts what
    is really left out (at least one line)."""
    kept: list[str] = []
    for line in lines:
        if kept and sum(len(x) + 1 for x in kept) + len(line) > DEADLINE_BUDGET - HEAD_ROOM:
            break
        kept.append(line)
    return kept


def _browse(q: Query, topic: list[str], **filters: object) -> dict:
    """``{"browse": filters}`` when the action filters give the same whole list (no topic to narrow
    by, at most one plan); each interface turns it into a link (the page's Browse view) or a command."""
    if topic or len(q.plans) > 1:
        return {}
    plan = {"plan": q.plans[0].id} if q.plans else {}
    return {"browse": {**plan, **filters}}


def nothing_due(ans: Answerer, reading: Reading, pool: list[int], as_of: date, hits: list[Hit]) -> Answer | None:
    """Nothing is near: say so, and name the latest deadlines (of the actions at ``pool``, positions
    in ``ctx.actions``) instead of answering with nothing."""
    ctx = ans.ctx
    cites = Citations(ctx.records)
    latest = take(ctx.actions, ctx.action_index.latest_ending(pool, LATEST_DEADLINES))
    when = reading.window_text or "after that date"
    if not latest:
        return None  # nothing dated to cite: the passages answer instead
    lines = [f"Nothing in the plans falls due {when} (as of {as_of.isoformat()}).",
             "The latest deadlines they give are:"]
    for x in latest:
        lines.append("- " + render_action(x, ctx.records.section(x.section_id), cites, terms=[],
                                          lexicon=ctx.lexicon, as_of=as_of, focus=Route.DEADLINE))
    return Answer(answer=cut_at_line("\n".join(lines), DEADLINE_BUDGET), citations=tuple(cites.items), refused=False,
                  route=Route.DEADLINE, as_of=as_of, retrieved=tuple(h.section.id for h in hits),
                  meta={"nothing_due": True})
