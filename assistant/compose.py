"""The grounded composer: turns chosen evidence into short markdown whose every claim carries a
numbered citation ``[n]`` to the section it comes from. No model, no invention: action fields
are printed as the plan writes them, prose is quoted sentence by sentence.

Example::

    c = Citations(records)
    line = render_action(action, c, as_of=date(2018, 5, 1))
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date

from assistant.evidence import Lexicon
from assistant.intent import FORM_PATTERNS
from assistant.models import Answer, Citation
from assistant.route import Route
from indexer.dates import next_due, timeline_dates
from indexer.models import Action, DateRange, Section
from indexer.records import due_date, within_period
from indexer.store import RecordStore
from indexer.text import fold, tokens

QUOTE_MAX = 600


def cut_at_line(text: str, limit: int) -> str:
    """Keep whole lines of an answer up to ``limit`` characters (citations of dropped lines are
    dropped later, where the answer is finished)."""
    if len(text) <= limit:
        return text
    cut = text.rfind("\n", 0, limit)
    return text[: cut if cut > 0 else limit]


def shorten(text: str, limit: int) -> str:
    """The text, or its first words up to ``limit`` characters and an ellipsis (cut mid-word only
    when no space comes early enough)."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    end = cut if cut > 0 else limit
    # a name cut just before its acronym ("… Convention for Southeast" | "Europe (PCC SEE)") keeps the
    # rest of the name and the acronym: the acronym is what people search and ask by
    if m := _NAME_END.match(text, end):
        end = m.end()
        if end >= len(text):
            return text
    return text[:end] + " …"


# up to three more capitalised words of a name, then its acronym in brackets
_NAME_END = re.compile(r"(?:\s+(?:of |for |and |the )?[A-Z][\w’'-]*){0,3}\s*\([A-Z][A-Za-z0-9&./ -]{0,12}[A-Z0-9]\)")


class Citations:
    """Numbers sections in the order they are first cited; one number per section."""

    def __init__(self, records: RecordStore) -> None:
        self.records = records
        self.items: list[Citation] = []
        self._by_section: dict[str, int] = {}

    def cite(self, section: Section, quote: str | None = None) -> str:
        if section.id in self._by_section:
            return f"[{self._by_section[section.id]}]"
        n = len(self.items) + 1
        plan = self.records.plan(section.plan_id)
        text = quote if quote and fold(quote) in section.text else section.text
        if len(text) > QUOTE_MAX:
            cut = text.rfind(" ", 0, QUOTE_MAX)
            text = text[: cut if cut > 0 else QUOTE_MAX]
        self.items.append(Citation(
            n=n, plan=plan.title, section=" › ".join(section.heading_path) or plan.title,
            quote=text, file=section.file, line_start=section.line_start, line_end=section.line_end,
            section_id=section.id, page_start=section.page_start, page_end=section.page_end))
        self._by_section[section.id] = n
        return f"[{n}]"


def bullets(text: str) -> list[str]:
    """The items of a table cell's bulleted or numbered list (the whole text when it has none)."""
    parts = [b.strip(" -•;") for b in re.split(r"\s+[-•]\s+|(?<=;)\s+|\s+(?=[ivx]+\.\s)", " " + text)]
    return [b for b in parts if len(b) > 3]


def best_bullets(text: str, terms: list[str], lexicon: Lexicon, limit: int = 2, max_len: int = 480) -> str:
    """The output bullets of a table cell that best match the question."""
    items = bullets(text)
    if not items:
        return ""
    scored = sorted(items, key=lambda b: -lexicon.coverage(terms, b))
    chosen = [b for b in scored[:limit] if lexicon.coverage(terms, b) > 0] or scored[:1]
    out = "; ".join(chosen)
    return out if len(out) <= max_len else out[: out.rfind(" ", 0, max_len)] + " …"


def days_phrase(end: date, as_of: date) -> str:
    delta = (end - as_of).days
    if delta > 0:
        return f"{delta} days after {as_of.isoformat()}"
    if delta == 0:
        return "on the reference date"
    return f"{-delta} days before {as_of.isoformat()}"


_FUNDING_PHRASE = {"available": "funding is available", "seeking": "it is still seeking funding",
                   "negotiating": "its funding is being negotiated"}
_STATUS_WORDS = frozenset("funding funds funded is are being still seeking seek negotiated negotiation available "
                          "yet not tbc".split())


def _money(a: Action) -> str:
    """The funding as a clause: the status in words, and the source where the plan names one."""
    if not a.funding:
        return ""
    names_more = any(w not in _STATUS_WORDS for w in tokens(a.funding))
    if a.funding_status == "available" and names_more:
        return f"funded by {a.funding}"
    phrase = _FUNDING_PHRASE.get(a.funding_status)
    if phrase:
        return f"{phrase} ({a.funding})" if names_more else phrase
    return f"funding: {a.funding}"


def _day(d: date) -> str:
    return d.strftime("%d %B %Y").lstrip("0")


def _when(a: Action) -> str:
    """The timeline as the plan writes it, and its end date in words where it was parsed."""
    if not a.timeline:
        return f"status: {a.status}" if a.status != "unknown" else ""
    if a.end and not a.recurrence and a.precision == "day":
        return f"timeline: {a.timeline} (ends {_day(a.end)})"
    return f"timeline: {a.timeline}"


def action_facts(a: Action, focus: Route | None) -> list[str]:
    """The action's who / when / money as clauses, the one the question asks about first."""
    who = f"driven by {', '.join(a.drivers)}" if a.drivers else "no driver is named"
    when = _when(a)
    money = _money(a)
    order: dict[Route | None, tuple[str, str, str]] = {
        Route.FUNDING: (money, who, when), Route.BUDGET: (money, who, when), Route.DEADLINE: (when, who, money)}
    return [c for c in order.get(focus, (who, when, money)) if c]


# the facts a question may ask of an action (by the route it reads as), said when a plan leaves one out
MISSING_FACT = {Route.DRIVER: "who drives {}", Route.FUNDING: "how {} is funded", Route.BUDGET: "the budget of {}",
                Route.DEADLINE: "when {} is due"}


def not_stated(a: Action, route: Route, shown: str, name: str = "this action") -> tuple[str, dict[str, str]]:
    """An honest partial answer when the plan does not state the fact a question of this route asks of
    the action: its text ("The plan does not say who drives B.1. What it says of it: …") and the
    answer's meta (why it is refused, which action)."""
    missing = MISSING_FACT[route].format(a.number or name)
    return (f"The plan does not say {missing}. What it says of it: {shown}",
            {"refusal_reason": f"{missing} is not stated", "subject": a.id})


def states(a: Action, route: Route) -> bool:
    """Does the plan state the fact a question of this route asks of the action?"""
    if route == Route.DRIVER:
        return bool(a.drivers)
    if route == Route.FUNDING:
        return bool(a.funding or a.amounts)
    if route == Route.BUDGET:
        return bool(a.amounts)
    if route == Route.DEADLINE:
        return bool(a.timeline or a.start or a.end or a.recurrence)
    return True


def lead_sentence(a: Action, focus: Route | None, ref: str) -> str:
    """A plain opening sentence with the one fact asked for ("3.2 is driven by CoE [1].")."""
    facts = action_facts(a, focus)
    fact = facts[0] if facts else "listed without details"
    subject = a.number or "This action"
    if fact.startswith(("timeline:", "status:", "funding:")):
        text = f"{subject}'s {fact.replace(':', ' is', 1)}"
    elif fact.startswith("it "):  # "it is still seeking funding": the action is the subject
        text = f"{subject} {fact[3:]}"
    elif fact.startswith(("its ", "funding is")):  # "its funding is being negotiated", "funding is available"
        text = f"{subject}'s {fact.removeprefix('its ')}"
    else:
        text = f"{subject} is {fact}"
    return f"{fold(text).rstrip('.')} {ref}."


def where_said(sections: list[Section], plan_names: dict[str, str], question: str, cite: Callable[[Section], str],
               limit: int = 3) -> str:
    """A plain opening sentence for an answer quoting passages: which plan says it, under which
    headings ("The ECO plan deals with this under “c) Terrorism” [1] and “d) Border Control and
    Management” [2]."), with "Yes: " for a yes/no question. Empty when no passage has a heading."""
    by_plan: dict[str, list[str]] = {}
    seen: set[tuple[str, str]] = set()
    for sec in sections:
        heading = sec.heading_path[-1] if sec.heading_path and sec.kind != "heading" else ""
        if sec.kind == "table_row" and len(sec.heading_path) >= 2:
            heading = sec.heading_path[-2]  # the row's own title is shown in the row; its group says where
        if not heading or plan_names.get(sec.plan_id) is None or (sec.plan_id, heading) in seen:
            continue
        seen.add((sec.plan_id, heading))
        by_plan.setdefault(sec.plan_id, []).append(f"“{shorten(heading, 90)}” {cite(sec)}")
    if not by_plan:
        return ""
    parts = []
    for plan_id, headings in by_plan.items():
        headings = headings[:limit]
        listed = headings[0] if len(headings) == 1 else ", ".join(headings[:-1]) + " and " + headings[-1]
        parts.append((plan_names[plan_id], listed))
    if len(parts) == 1:
        text = f"The {parts[0][0]} plan deals with this under {parts[0][1]}."
    else:
        text = "; ".join(f"the {name} plan under {listed}" for name, listed in parts[:limit])
        text = f"These plans deal with this: {text}."
    return ("Yes: t" + text[1:]) if FORM_PATTERNS["yes_no"].match(question) else text


def render_action(a: Action, section: Section, cites: Citations, *, terms: list[str], lexicon: Lexicon,
                  as_of: date | None = None, show_due: bool = False, period: DateRange | None = None,
                  brief: bool = False, focus: Route | None = None) -> str:
    """One action as a sentence: its number and title, then who drives it, when and with what money
    (what the question asks about first, ``focus``: driver | funding | deadline), then what it
    delivers, cited."""
    ref = cites.cite(section)
    name = f"**{' '.join(p for p in (a.number, a.title) if p)}**" if (a.number or a.title) else "This action"
    facts = action_facts(a, focus)
    if show_due and as_of:
        due = due_date(a, as_of, period)
        if due:
            facts.insert(0, f"next due {_day(due)} ({days_phrase(due, as_of)})")
        elif a.end and a.end < as_of:
            facts.insert(0, f"ended {a.end.isoformat()} ({days_phrase(a.end, as_of)})")
    what = best_bullets(a.text, terms, lexicon, limit=1 if brief else 2, max_len=140 if brief else 480) \
        if a.text and a.text != a.title else ""
    line = f"{name}: {'; '.join(facts)}" if facts else name
    if what and fold(what) not in fold(a.title):
        line += f". Outputs: {what}"
    return f"{line.rstrip('.;: ')} {ref}"


def render_unit(text: str, section: Section, cites: Citations) -> str:
    shown = re.sub(r"^(?:[-•]\s+)+", "", text)  # the answer's own bullets replace the source's
    if re.match(r"(?:Responsible|Deadline|Starting)\s*:", shown) and section.heading_path:
        shown = f"**{section.heading_path[-1]}** — {shown}"  # say what the lines belong to
    return f"{shown} {cites.cite(section, text)}"


def mentions_in_window(a: Action, window: tuple[date, date], period: DateRange | None = None) -> list[DateRange]:
    """Date mentions of an action's timeline that fall inside a window (a recurrence without
    dates of its own recurs within its plan's ``period``)."""
    lo, hi = window
    out = []
    for r in timeline_dates(a.timeline) if a.timeline else ():
        start, end = r.start or r.end, r.end or r.start
        if start and end and start <= hi and end >= lo:
            out.append(r)
        elif r.recurrence:
            r = within_period(r, period)
            due = next_due(r, lo)
            if due and due <= hi:
                out.append(r)
    return out


def appended(first: Answer, second: Answer, text: str) -> Answer:
    """``first`` with ``text`` (from ``second``, citing ``second``'s numbers) added as a new paragraph,
    ``second``'s citations numbered on after ``first``'s (a section cited by both keeps one number)."""
    by_section = {c.section_id: c.n for c in first.citations}
    cites = list(first.citations)
    new_n: dict[int, int] = {}
    for c in second.citations:
        if c.section_id not in by_section:
            by_section[c.section_id] = len(cites) + 1
            cites.append(replace(c, n=len(cites) + 1))
        new_n[c.n] = by_section[c.section_id]
    text = re.sub(r"\[(\d+)\]", lambda m: f"[{new_n.get(int(m.group(1)), int(m.group(1)))}]", text)
    return replace(first, answer=f"{first.answer}\n{text}", citations=tuple(cites))


def cite_only_what_is_shown(answer: Answer) -> Answer:
    """Keep the citations whose ``[n]`` the text still shows (a trimmed list may have dropped
    some) and number them 1, 2, 3 … in the order they appear."""
    shown = [int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)]
    order = list(dict.fromkeys(n for n in shown if any(c.n == n for c in answer.citations)))
    if order == [c.n for c in answer.citations]:
        return answer
    new_n = {old: i for i, old in enumerate(order, start=1)}
    text = re.sub(r"\[(\d+)\]", lambda m: f"[{new_n[int(m.group(1))]}]" if int(m.group(1)) in new_n
                  else m.group(0), answer.answer)
    by_n = {c.n: c for c in answer.citations}
    cites = tuple(replace(by_n[old], n=new_n[old]) for old in order)
    return replace(answer, answer=text, citations=cites)
