"""The capabilities answer kind: greetings, thanks, "what can you do?", "which plans do you know?",
"do you cover BSEC?". A short friendly reply naming every indexed plan (short name, title,
organisation, period, number of actions, each cited to its title) and three example questions
built from the index itself (a real action number, a real driver, a real area). Never a refusal.

Example::

    ask = Ask(question="hi, what can you do?", intent="capabilities", confidence=0.9, plans=(),
              as_of=date.today(), reading=read_question("hi, what can you do?", as_of=date.today()))
    CapabilitiesKind().answer(ask, Context.of(assistant)).answer
    # "Hello! I answer questions about 5 plans of action, ... [1] ..."
"""

from __future__ import annotations

import re
from collections import Counter

from assistant.compose import Citations, cite_only_what_is_shown, cut_at_line
from assistant.kinds.base import Ask, Context
from assistant.models import Answer
from assistant.names import plan_years, years_named
from assistant.plan_cards import PlanCard, clip, plan_card, words
from assistant.policy import OVERVIEW_BUDGET
from assistant.retrieve import query_terms
from assistant.route import Route
from indexer.text import stem

_ENUM = re.compile(r"^(?:[A-Za-z]|[IVXLC]+|\d+)[.)]\s+|^Need \d+\s+")
_COVER_X = re.compile(r"\b(?:cover|have|hold|know about|know|include|answer questions about|search)\s+"
                      r"(?:the |any |anything (?:on|about) |plans? (?:of|on|from) )?"
                      r"(.+?)(?:\s+plans?)?\s*(?:\?|$)", re.I)
_STOP = {"the", "a", "an", "plan", "plans", "of", "on", "about", "any", "anything", "as", "well", "or", "and", "only"}


def category(question: str) -> str | None:
    """greeting | thanks | cover | plans | help, from the question's words (None when none fit)."""
    q = " " + question.lower().strip() + " "
    found = None
    for cat in ("help", "plans", "cover", "thanks", "greeting"):
        if any(re.search(rf"(?<![a-z]){re.escape(p)}(?![a-z])", q) for p in words()["capabilities"][cat]):
            found = found or cat
    return found


# a help request naming this many words the plans never use is about something else (it is refused as
# off-topic by the evidence answerer), not a question about what the assistant can do
FOREIGN_WORDS = 2


def foreign_words(question: str, ctx: Context) -> list[str]:
    """The question's content words that no plan uses."""
    return [t for t in query_terms(question) if not ctx.lexicon.df.get(stem(t), 0)]


def period_of(c: PlanCard) -> str:
    p = c.period.strip("() ")
    return p.title() if p.isupper() else p


def examples(cards: list[PlanCard], ctx: Context) -> list[str]:
    """Three questions this index can answer, built from its own records and outlines."""
    out: list[str] = []
    by_plan = {c.plan.id: c for c in cards}
    numbered = [a for a in ctx.actions if "." in a.number and a.drivers]
    if numbered:
        a = max(numbered, key=lambda x: (by_plan[x.plan].n_with_drivers, -ctx.actions.index(x)))
        out.append(f"Who drives action {a.number} in the {by_plan[a.plan].plan.short_name} plan?")
    drivers = Counter(d for a in ctx.actions for d in dict.fromkeys(a.drivers) if re.search(r"[A-Z]{2}", d))
    seeking = Counter(a.plan for a in ctx.actions if a.funding_status == "seeking")
    if drivers:
        out.append(f"Which actions does {drivers.most_common(1)[0][0]} drive, and are they funded?")
    elif seeking:
        name = by_plan[seeking.most_common(1)[0][0]].plan.short_name
        out.append(f"What is still seeking funding in the {name} plan?")
    with_areas = [c for c in cards if c.areas and c.areas[0].items]
    if with_areas:
        c = with_areas[-1]
        area = _ENUM.sub("", c.areas[min(2, len(c.areas) - 1)].title)
        out.append(f"What does the {c.plan.short_name} plan say about {clip(area, 60).lower()}?")
    return out[:3]


def named_plans(ask: Ask, ctx: Context) -> list:
    """The plans the question names: the reader's, those whose organisation or a capitalised title
    word (by its start: "Balkans" names "Balkan") it holds, and with no year named, every plan of
    a named plan's organisation ("the Black Sea material" is all of BSEC's plans)."""
    q = ask.question.lower()
    named = {p.id for p in ask.plans}
    years = years_named(q, {p.organisation.lower() for p in ctx.plans})  # "bsec 21" as "BSEC 2021"
    for p in ctx.plans:
        if years and not years & plan_years(p):
            continue
        caps = [w.lower() for w in re.findall(r"\b[A-Z][a-z]{3,}\b", p.title) if w.lower() not in _STOP]
        pairs = [f"{a} {b}" for a, b in zip(caps, caps[1:])]
        org = re.search(rf"\b{re.escape(p.organisation.lower())}\b", q)
        if org or any(re.search(rf"\b{re.escape(x)}", q) for x in pairs):
            named.add(p.id)
    if not years:
        orgs = {p.organisation for p in ctx.plans if p.id in named}
        named |= {p.id for p in ctx.plans if p.organisation in orgs}
    return [p for p in ctx.plans if p.id in named]


def covered(ask: Ask, ctx: Context) -> tuple[bool, str]:
    """For "do you cover X?": whether X is one of the plans (or the plans' own words), and X."""
    plans = named_plans(ask, ctx)
    if plans:
        return True, ", ".join(p.short_name for p in plans)
    m = _COVER_X.search(ask.question)
    thing = m.group(1).strip(" ?.") if m else ""
    terms = [t for t in re.findall(r"[\w-]+", thing.lower()) if t not in _STOP]
    if not terms:
        return True, ""
    names = " ".join(f"{p.organisation} {p.title}".lower() for p in ctx.plans)
    if all(t in names for t in terms):
        return True, thing
    return False, thing


class CapabilitiesKind:
    """Greets, thanks, explains what the assistant does and which plans it holds; None for a
    question of another kind."""

    name = Route.CAPABILITIES

    def answer(self, ask: Ask, ctx: Context) -> Answer | None:
        cat = category(ask.question)
        if ask.intent != "capabilities":
            short = len(ask.question.split()) <= 6
            if cat is None or (cat in ("greeting", "thanks", "cover") and not short):
                return None
        if cat in (None, "help") and len(foreign_words(ask.question, ctx)) >= FOREIGN_WORDS:
            return None  # "can you recommend a laptop?": a request about something the plans never mention
        cat = cat or "help"
        cards = [plan_card(ctx, p.id) for p in ctx.plans]
        cites = Citations(ctx.records)
        n = len(cards)
        about = "I answer questions about the plans of action I hold, citing the passage each answer rests on"
        if cat == "cover":
            yes, thing = covered(ask, ctx)
            what = thing or "that"
            if yes:
                head = f"Yes — I cover {what}. {about}; all {n} plans:"
            else:
                mentioned = bool(thing) and bool(ctx.records.search(thing, k=1))
                also = " (the plans do mention it: ask what they say about it)" if mentioned else ""
                head = f"No — none of my plans is a plan of {what}{also}. The {n} plans I hold:"
        elif cat == "greeting":
            head = f"Hello! {about}. I hold {n} plans:"
        elif cat == "thanks":
            head = f"You're welcome! Ask me anything else about the {n} plans I hold:"
        elif cat == "plans":
            head = f"I know {n} plans of action:"
        else:
            head = (f"{about}: who drives an action, what is funded, which deadlines are near, what a plan says "
                    f"on a topic. I hold {n} plans:")
        if cat != "greeting" and category(" ".join(ask.question.split()[:2])) == "greeting":
            head = "Hello! " + head  # "hi, what can you do?"
        lines = [head]
        for c in cards:
            span = f", {period_of(c)}" if c.period else ""
            ref = cites.cite(ctx.records.section(c.title_section)) if c.title_section else ""
            lines.append(f"- **{c.plan.short_name}** — {clip(c.title, 120)} ({c.organisation}{span}; "
                         f"{c.n_actions} actions) {ref}")
        ex = examples(cards, ctx)
        if ex:
            lines.append("Try, for example: " + " · ".join(f"“{q}”" for q in ex))
        text = cut_at_line("\n".join(lines), OVERVIEW_BUDGET).strip()
        return cite_only_what_is_shown(Answer(
            answer=text, citations=tuple(cites.items), refused=False, route=Route.CAPABILITIES, as_of=ask.as_of,
            retrieved=tuple(c.section_id for c in cites.items), meta={"kind": self.name, "category": cat}))
