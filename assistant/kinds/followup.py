"""Follow-ups about the subject of the previous answer: "and who funds it?", "is that going to
continue in 2019?", "ok and who owns that bit?". The subject is the action the previous answer
cited (the one the new words fit best); the new question says which of its facts is wanted, and
that fact comes first. When the plan does not state it, the answer says so (refused) and shows
what the plan does say about the subject.

Example::

    ask = Ask("and who funds it?", "funding", 0.9, plans, as_of, reading, follow_up=True,
              previous=("wbcsci-…:0123",))
    FollowUpKind().answer(ask, ctx)  # "3.2 …: funded by IPA II 2014; driven by … [1]"
"""

from __future__ import annotations

import re
from datetime import date

from assistant.compose import Citations, lead_sentence, not_stated, render_action, shorten, states
from assistant.compose import _day as day_words  # "14 June 2019", as the answers write a day
from assistant.deadlines import TIME_WORDS
from assistant.kinds.base import Ask, Context
from assistant.models import Answer
from assistant.policy import MIN_COVERAGE
from assistant.retrieve import query_terms
from assistant.route import Route
from indexer.models import Action
from indexer.text import stem

# a follow-up that describes its subject in this many words of the plans' own must match it
SUBJECT_WORDS = 3
# the facts a follow-up may ask about an action, by the route the question reads as
FACT_ROUTES = (Route.DRIVER, Route.FUNDING, Route.BUDGET, Route.DEADLINE)


def _window_sentence(a: Action, window: tuple[date, date], window_text: str) -> str:
    """Whether the action runs into the asked-about window, from its end date."""
    lo, hi = window
    if a.end is None:
        return ""
    timeline = f" (timeline: {a.timeline})" if a.timeline else ""
    if a.end < lo:
        return f"It ends on {a.end.isoformat()}{timeline}, before {window_text or lo.isoformat()} " \
               f"({lo.isoformat()} to {hi.isoformat()}): the plan does not carry it on into that period."
    return f"It runs until {a.end.isoformat()}{timeline}, into {window_text or 'that period'}."


# what a follow-up asks of an action's dates: its end ("when does it end?", "how long does it run?")
# or its start ("when does it start?", "when is it supposed to go live?")
_ASKS_END = re.compile(r"\b(?:end|ends|ending|ended|finish\w*|expir\w*|conclud\w*|wrap\w* up|run out|until when|"
                       r"how long|last)\b", re.I)
_ASKS_START = re.compile(r"\b(?:start\w*|begin\w*|began|kick\w* off|go live|launch\w*|commenc\w*)\b", re.I)


def _date_sentence(a: Action, said: str, as_of: date) -> str:
    """"3.2 ended on 14 June 2019 (timeline: …)": the end or start date a follow-up asks for, in the
    tense ``as_of`` gives it; "" when it asks neither or the plan gives no such date."""
    asks_end, asks_start = bool(_ASKS_END.search(said)), bool(_ASKS_START.search(said))
    subject = a.number or "It"
    timeline = f" (timeline: {a.timeline})" if a.timeline else ""
    if asks_end and not asks_start and a.end and not a.recurrence:
        verb = "ended" if a.end < as_of else "ends"
        return f"{subject} {verb} on {day_words(a.end)}{timeline}"
    if asks_start and not asks_end and a.start and not a.recurrence:
        verb = "started" if a.start <= as_of else "starts"
        return f"{subject} {verb} on {day_words(a.start)}{timeline}"
    return ""


def _about(a: Action) -> str:
    """Which action the fact is of, in a line: its number and title, and the start of its own text
    (several rows of a table share a number and title); the previous answer showed the rest."""
    name = " ".join(p for p in (a.number, shorten(a.title, 100)) if p)
    own = a.text.strip(" -•") if a.text and a.text.strip() != a.title.strip() else ""
    if not name:
        return f"(About: {shorten(own, 120)})" if own else ""
    return f"(About **{name}**: {shorten(own, 100)})" if own else f"(About **{name}**.)"


class FollowUpKind:
    """Answers a follow-up about the action the previous answer was about."""

    name = Route.FOLLOW_UP

    def subject(self, ask: Ask, ctx: Context) -> list[Action]:
        """The previous answer's actions, the one the new words fit best first; none when the new
        words are about something the previous answer did not cite."""
        seen: dict[str, Action] = {}
        for sid in ask.previous:
            for a in ctx.records.actions_of_section(sid):
                seen.setdefault(a.id, a)
        actions = list(seen.values())
        if not actions:
            return []
        # the new question's own words that the plans use (the asker's paraphrase cannot match) and
        # that are not about time ("next year", "continue"): they describe the subject, if anything
        own = [t for t in query_terms(ask.said) if ctx.lexicon.df.get(stem(t), 0) and t not in TIME_WORDS]
        # with no words of its own ("who owns that bit?") the subject is what the conversation asked about
        words = own or [t for t in query_terms(ask.question) if t not in TIME_WORDS]
        scored = sorted(((ctx.lexicon.coverage(words, f"{a.need} {a.title} {a.text} {' '.join(a.drivers)}"), i, a)
                         for i, a in enumerate(actions)), key=lambda x: (-x[0], x[1]))
        if own and scored[0][0] < MIN_COVERAGE and len(own) >= SUBJECT_WORDS:
            return []  # the question describes a subject of its own that the previous answer did not cite
        return [scored[0][2]]

    def answer(self, ask: Ask, ctx: Context) -> Answer | None:
        route = ask.reading.route
        if not ask.follow_up or not ask.previous or route not in FACT_ROUTES:
            return None
        subject = self.subject(ask, ctx)
        if not subject:
            return None
        a = subject[0]
        cites = Citations(ctx.records)
        line = render_action(a, ctx.records.section(a.section_id), cites, terms=[], lexicon=ctx.lexicon,
                             as_of=ask.as_of, period=ctx.periods.get(a.plan), brief=True, focus=route,
                             show_due=route == Route.DEADLINE)
        if not states(a, route):
            text, why = not_stated(a, route, line, name="it")
            return Answer(answer=text, citations=tuple(cites.items), refused=True, route=route, as_of=ask.as_of,
                          retrieved=(a.section_id,), meta=why)
        # the asked fact only, then which action it is about: the previous answer showed the rest, so a
        # follow-up narrows ("and who funds it?" -> the funding, "when does it end?" -> the end date)
        ref = cites.cite(ctx.records.section(a.section_id))
        first = lead_sentence(a, route, ref)
        if route == Route.DEADLINE and (dated := _date_sentence(a, ask.said, ask.as_of)):
            first = f"{dated} {ref}."
        if route == Route.DEADLINE and ask.reading.window:
            sentence = _window_sentence(a, ask.reading.window, ask.reading.window_text)
            first = f"{sentence.rstrip('.')} {ref}." if sentence else first
        text = f"{first}\n{_about(a)}"
        return Answer(answer=text, citations=tuple(cites.items), refused=False, route=route, as_of=ask.as_of,
                      retrieved=(a.section_id,), meta={"subject": a.id})
