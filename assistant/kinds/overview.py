"""The overview answer kind: what a plan is, who put it out and when, what it is for, its
priorities, how it is laid out, who the main players are — read from the plan cards and the
outline, every claim cited. With no plan named and several in the index, one short line each.

Example::

    ask = Ask(question="Give me an overview of the ECO plan.", intent="plan_overview", confidence=0.9,
              plans=(eco,), as_of=date.today(), reading=read_question("...", as_of=date.today()))
    OverviewKind().answer(ask, Context.of(assistant)).answer
    # "The ECO plan is the “ECO Plan of Action on Combating Transnational Organized Crimes” [1]. ..."
"""

from __future__ import annotations

import re

from assistant.compose import Citations, cite_only_what_is_shown, cut_at_line
from assistant.kinds.base import Ask, Context
from assistant.models import Answer
from assistant.outline import OutlineNode, build_outline
from assistant.plan_cards import PlanCard, Statement, around, clip, plan_card, word_list, words
from assistant.policy import INTENT_SURE, OVERVIEW_BUDGET
from assistant.retrieve import query_terms
from assistant.route import Route
from indexer.text import stem

INTENTS = {"plan_overview": "overview", "plan_structure": "structure", "plan_priorities": "priorities"}
WEAK = {"about", "what is", "what's", "explain", "intro", "describe", "target", "needs", "focus", "areas"}
_ACTION_NO = re.compile(r"\b(?:\d+\.\d+|[A-Z]\.\d+|[IVX]+\.\d+)\b")


def matched_aspect(question: str, strong_only: bool = False) -> str | None:
    """The first aspect (in the YAML's order) whose words the question holds."""
    q = " " + question.lower() + " "
    for aspect, phrases in words()["aspects"].items():
        for p in phrases:
            if strong_only and p in WEAK:
                continue
            if re.search(rf"(?<![a-z]){re.escape(p)}", q):
                return aspect
    return None


def topic_words(ask: Ask, ctx: Context) -> list[str]:
    """The question's words that the plans use, other than the named plans' names and the words that
    ask for an overview: what the question is about, if not the plan as a whole."""
    named = {w for p in ask.plans for w in query_terms(f"{p.organisation} {p.title} {p.period}")}
    asking = {w for phrases in words()["aspects"].values() for p in phrases for w in query_terms(p)}
    return [t for t in query_terms(ask.question)
            if t not in named and t not in asking and ctx.lexicon.df.get(stem(t), 0)]


def choose_aspect(ask: Ask, ctx: Context) -> str | None:
    """What the overview is about: the intent's aspect, refined by the question's words; for an
    intent of another kind, the words alone (strong ones only), or None."""
    by_words = matched_aspect(ask.question)
    if ask.intent == "plan_structure":
        return "structure"
    if ask.intent == "plan_priorities":
        return "purpose" if by_words == "purpose" else "priorities"
    if ask.intent == "plan_overview":
        if by_words in ("players", "adoption", "purpose", "structure", "priorities"):
            return by_words
        if ask.confidence < INTENT_SURE and topic_words(ask, ctx):
            return None  # "when will the plan be evaluated?": a topic within the plan, not the plan as a whole
        return "overview"
    if _ACTION_NO.search(ask.question):
        return None  # a question about one numbered action is not an overview
    return matched_aspect(ask.question, strong_only=True)


def period_text(card: PlanCard) -> str:
    p = card.period.strip("() ")
    return p.title() if p.isupper() else p


class Writer:
    """Lines of one answer and their citations."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.cites = Citations(ctx.records)
        self.lines: list[str] = []

    def ref(self, section_id: str, quote: str | None = None) -> str:
        return self.cites.cite(self.ctx.records.section(section_id), quote) if section_id else ""

    def said(self, st: Statement, limit: int = 320) -> str:
        return f"“{clip(st.text, limit)}” {self.ref(st.section_id, st.text)}"

    def add(self, line: str) -> None:
        self.lines.append(line)


def named_by(c: PlanCard) -> Statement | None:
    """The issuing body the card names (from the title page), not a sentence about adoption; else None."""
    by = c.adopted_by
    return by if by is not None and by.kind == "name" and by.section_id == c.title_section else None


def opening(w: Writer, c: PlanCard) -> str:
    """One plain sentence: which plan it is, who put it out and its period, cited to the title."""
    by = f", put out by the {body.text}" if (body := named_by(c)) else ""
    span = (" and" if by else ",") + f" covering {period_text(c)}" if c.period else ""
    return f"The {c.plan.short_name} plan is the “{c.title}”{by}{span} {w.ref(c.title_section)}."


def areas_line(w: Writer, c: PlanCard, limit: int = 8) -> str:
    if not c.areas:
        return ""
    shown = [f"{clip(a.title, 90)} {w.ref(a.section_id)}" for a in c.areas[:limit]]
    more = f" and {len(c.areas) - limit} more" if len(c.areas) > limit else ""
    under = f" under “{c.areas_heading.text}” {w.ref(c.areas_heading.section_id)}" if c.areas_heading else ""
    what = "points" if list_points(c) else "top-level areas"
    return f"It is organised around {len(c.areas)} {what}{under}: " + "; ".join(shown) + more + "."


def list_points(c: PlanCard) -> bool:
    """The areas are the points of one list (not headings of their own)."""
    return bool(c.areas_heading) and not any(a.items for a in c.areas) and len({a.section_id for a in c.areas}) <= 2


def plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def actions_line(w: Writer, c: PlanCard) -> str:
    if not c.n_actions:
        return ""
    rows = f" action records ({c.n_numbered} distinct actions)" if c.n_numbered != c.n_actions else " actions"
    line = f"It sets out {c.n_actions}{rows}"
    if c.drivers and c.n_with_drivers * 3 >= c.n_actions:
        line += "; the most frequent drivers are " + ", ".join(
            f"{name} ({n}) {w.ref(sid)}" for name, n, sid in c.drivers[:4])
    else:
        first = next((w.ctx.actions[i].section_id for i in w.ctx.action_index.positions([c.plan.id])[:1]), "")
        line += f" {w.ref(first)}" if first else ""
    known = [(s, n) for s, n in c.funding if s != "unknown"]
    if known:
        line += "; funding: " + ", ".join(f"{n} {s}" for s, n in known)
    return line + "."


def overview(w: Writer, c: PlanCard) -> None:
    w.add(opening(w, c))
    if c.about_body:
        w.add(f"About {c.organisation}: " + w.said(c.about_body, 240))
    came = c.adopted_when if named_by(c) else c.adopted_by
    if came and came.kind == "sentence":
        w.add("How it came about: " + w.said(came, 260))
    if c.purpose and c.purpose[0].section_id != c.title_section:
        w.add("Its purpose, in its own words: " + w.said(c.purpose[0], 260))
    for r in c.roles[:1]:
        w.add("Who coordinates: " + w.said(Statement(around(r.text, word_list("roles"), 200), r.section_id)))
    w.add(areas_line(w, c))
    w.add(actions_line(w, c))


def priorities(w: Writer, c: PlanCard) -> None:
    under = f" under “{c.areas_heading.text}” {w.ref(c.areas_heading.section_id)}" if c.areas_heading else ""
    if not c.areas:
        w.add(f"The {c.plan.short_name} plan does not group its text into areas; its stated purpose is "
              + (w.said(c.purpose[0]) if c.purpose else "not given") + ".")
        return
    if not list_points(c):
        w.add(f"The {c.plan.short_name} plan sets out {len(c.areas)} main areas{under}:")
    else:  # the points of one list
        w.add(f"The {c.plan.short_name} plan's main priorities are the {len(c.areas)} points listed{under}:")
    for a in c.areas:
        count = f" ({plural(a.items, 'point')})" if a.items else ""
        w.add(f"- {clip(a.title, 160)}{count} {w.ref(a.section_id)}")


def structure(w: Writer, c: PlanCard, nodes: tuple[OutlineNode, ...]) -> None:
    opener = ""
    secs = w.ctx.records.sections(c.plan.id)
    untitled = [s for s in secs if not s.heading_path and s.id != c.title_section and s.kind != "heading"]
    # short untitled lines followed by a glossary are the names of front-matter lists
    labels = [s for s, nxt in zip(secs, secs[1:]) if s in untitled and nxt.kind == "glossary" and len(s.text) < 60]
    if labels:
        opener = " after front matter (" + "; ".join(f"{s.text} {w.ref(s.id)}" for s in labels) + ")"
    elif untitled:
        opener = f" after an untitled opening {w.ref(untitled[0].id)}"
    w.add(f"The {c.plan.short_name} plan is laid out in {len(nodes)} top-level parts{opener}:")
    for n in nodes:
        sid = n.section_ids[0] if n.section_ids else (n.children[0].section_ids[:1] or ("",))[0]
        subs = "; ".join(clip(ch.title, 60) for ch in n.children[:11])
        more = f" — {subs}" if subs else (f" — {plural(len(n.items), 'point')}" if n.items else "")
        w.add(f"- {n.title}{more} {w.ref(sid)}")
    if c.table_fields:
        w.add(f"Its actions sit in a table; each row records {', '.join(c.table_fields[:-1])} and "
              f"{c.table_fields[-1]} ({c.n_actions} rows) {w.ref(c.table_section)}.")


def adoption(w: Writer, c: PlanCard) -> None:
    by, when = c.adopted_by, c.adopted_when
    if body := named_by(c):
        span = f" and covers {period_text(c)}" if c.period else ""
        w.add(f"The {c.plan.short_name} plan was put out by the {body.text}{span} {w.ref(c.title_section)}.")
    elif by:
        w.add(f"The {c.plan.short_name} plan does not name its author on its title page; it says: {w.said(by)}.")
        if c.period:
            w.add(f"Its period: {period_text(c)} {w.ref(c.title_section)}.")
    else:
        w.add(f"The {c.plan.short_name} plan is the “{c.title}” {w.ref(c.title_section)}; "
              "it does not say who adopted it.")
    if when and when.kind == "sentence" and when != by:
        w.add(f"On when: {w.said(when)}.")
    for r in c.roles[:1]:
        if r.section_id not in {getattr(by, 'section_id', ''), getattr(when, 'section_id', '')}:
            w.add(f"Coordination: {w.said(r, 260)}")


def players(w: Writer, c: PlanCard) -> None:
    if c.drivers:
        named = ", ".join(f"{name} ({n} actions) {w.ref(sid)}" for name, n, sid in c.drivers)
        w.add(f"The main players in the {c.plan.short_name} plan, by the actions they drive, are {named}.")
    else:
        w.add(f"The {c.plan.short_name} plan names no drivers for its actions; the bodies it names are below.")
    if body := named_by(c):
        w.add(f"It was put out by the {body.text} {w.ref(c.title_section)}.")
    for r in c.roles[:3]:
        w.add(f"- {w.said(r, 240)}")


def purpose(w: Writer, c: PlanCard) -> None:
    said = " ".join(w.said(p, 300) for p in c.purpose[:2] if not p.text.endswith(":"))
    w.add(f"The {c.plan.short_name} plan's stated purpose: {said}")
    came = c.adopted_when if named_by(c) else c.adopted_by
    if came and came.kind == "sentence":
        w.add("Where it comes from: " + w.said(came, 300))
    w.add(areas_line(w, c, limit=6))


def many(w: Writer, cards: list[PlanCard], aspect: str) -> None:
    """One line per plan: which plan it is, then what the aspect asks of it (its areas, who
    coordinates it, who adopted it, or its purpose)."""
    w.add(f"I hold {len(cards)} plans of action; in short:")
    role_words = word_list("roles")
    for c in cards:
        span = f", {period_text(c)}" if c.period else ""
        if aspect in ("players", "adoption"):  # the plan by its name only: the line is about who
            line = f"- **{c.plan.short_name}** ({c.organisation}{span}; {c.n_actions} actions) {w.ref(c.title_section)}"
        else:
            line = (f"- **{c.plan.short_name}** — “{c.title}” ({c.organisation}{span}; {c.n_actions} actions) "
                    f"{w.ref(c.title_section)}")
        if aspect == "priorities" and c.areas:
            line += " Areas: " + "; ".join(clip(a.title, 50) for a in c.areas[:5]) + f" {w.ref(c.areas[0].section_id)}"
        elif aspect == "players" and c.roles:
            role = c.roles[0]
            line += f" Who coordinates: “{around(role.text, role_words, 160)}” {w.ref(role.section_id, role.text)}"
        elif aspect == "players" and c.drivers:
            top = ", ".join(f"{name} ({n})" for name, n, _ in c.drivers[:3])
            line += f" Main drivers, by actions: {top} {w.ref(c.drivers[0][2])}"
        elif aspect == "adoption":
            came = next((st for st in (c.adopted_by, c.adopted_when) if st and st.kind == "sentence"), None)
            if came:
                line += " " + w.said(came, 160)
            elif c.adopted_by is not None and named_by(c):
                line += f" Put out by the {c.adopted_by.text}."
        elif c.purpose and c.purpose[0].section_id != c.title_section:
            line += " " + w.said(c.purpose[0], 150)
        w.add(line)


class OverviewKind:
    """Answers plan overview, purpose, period and authorship, priorities, structure and players
    questions from the plan cards and outlines; None for a question that is not one of these."""

    name = Route.OVERVIEW

    def answer(self, ask: Ask, ctx: Context) -> Answer | None:
        aspect = choose_aspect(ask, ctx)
        if aspect is None or not ctx.plans:
            return None
        plans = list(ask.plans) or (list(ctx.plans) if len(ctx.plans) == 1 else [])
        w = Writer(ctx)
        if not plans or len(plans) > 2:
            many(w, [plan_card(ctx, p.id) for p in (plans or ctx.plans)], aspect)
        else:
            for p in plans:
                c = plan_card(ctx, p.id)
                if aspect == "structure":
                    structure(w, c, build_outline(ctx.records, p.id))
                else:
                    {"overview": overview, "priorities": priorities, "adoption": adoption,
                     "players": players, "purpose": purpose}[aspect](w, c)
        text = cut_at_line("\n".join(ln for ln in w.lines if ln), OVERVIEW_BUDGET).strip()
        cited = tuple(c.section_id for c in w.cites.items)
        return cite_only_what_is_shown(Answer(
            answer=text, citations=tuple(w.cites.items), refused=False, route=Route.OVERVIEW, as_of=ask.as_of,
            retrieved=cited, meta={"kind": self.name, "aspect": aspect}))
