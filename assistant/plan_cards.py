"""Plan cards: what a plan is, in a few cited facts read from its own text and records — who put
it out and when, what it is for, its top-level areas, how many actions, who drives them, how they
are funded. Overviews, capabilities and cross-plan summaries read them.

Nothing here knows a particular plan: every fact is found by a rule over the outline, the
sections or the action records, with the section that states it (for the citation).

Example::

    card = plan_card(ctx, "eco-plan-of-action-transnational-organized-crime")
    card.areas_heading.text, [a.title for a in card.areas]   # "4) PRIORITY AREAS", ["a) Illicit Drugs", ...]
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from assistant.compose import shorten
from assistant.outline import OutlineNode, all_items, build_outline, walk
from indexer.models import Action, Plan, Section
from indexer.store import RecordStore
from indexer.text import fold

WORDS_FILE = Path(__file__).with_name("overview_words.yaml")
SENTENCE_MAX = 320  # characters of a stated fact kept (cut at a word)
TOP_DRIVERS = 5
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"“0-9])")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_DATE = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*,? (?:\d{1,2}\w*,? )?(?:19|20)\d\d\b",
                   re.I)  # a month and year: a date, not just the plan's span of years
_ISSUER = re.compile(r"\bplan of action of (?:the )?(.+?)\s+(?:on|in|for|to|against)\s", re.I)
_BY = re.compile(r"\b(?:prepared|adopted|approved|endorsed|issued) by (?:the )?(.+?)(?=$|[.;,]| with | in | on | at )",
                 re.I)


@lru_cache(maxsize=1)
def words() -> dict[str, Any]:
    """The word lists of ``overview_words.yaml`` (read once)."""
    return yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8"))


def word_list(name: str) -> list[str]:
    return [e["word"] if isinstance(e, dict) else e for e in words()[name]]


def has_word(text: str, starts: list[str]) -> int:
    """How many of the word starts occur in the text (each at the start of a word)."""
    low = text.lower()
    return sum(1 for w in starts if re.search(rf"(?<![a-z]){re.escape(w.lower())}", low))


@dataclass(frozen=True)
class Statement:
    """A fact as the plan states it, and the section that states it (for the citation)."""

    text: str
    section_id: str
    kind: str = "sentence"  # "sentence" as the plan writes it | "name" of a body | "period"


@dataclass(frozen=True)
class Area:
    title: str
    section_id: str
    items: int  # its numbered/bulleted points or actions


@dataclass(frozen=True)
class PlanCard:
    plan: Plan
    title: str
    organisation: str
    period: str
    title_section: str  # the section holding the title block
    adopted_by: Statement | None
    adopted_when: Statement | None
    purpose: tuple[Statement, ...]
    areas_heading: Statement | None  # the heading (or lead-in) the areas sit under
    areas: tuple[Area, ...]
    n_actions: int
    n_numbered: int  # distinct action numbers/titles (a table action continued over rows is one)
    drivers: tuple[tuple[str, int, str], ...]  # (driver, actions it drives, a section of one)
    n_with_drivers: int  # actions that name at least one driver
    funding: tuple[tuple[str, int], ...]  # (funding status, actions), most first
    roles: tuple[Statement, ...]  # sentences naming coordinating or preparing bodies
    table_fields: tuple[str, ...]  # what each row of an action table records ("" when no table)
    table_section: str
    about_body: Statement | None = None  # the plan's own sentence on what its organisation is


def sentences(section: Section) -> list[str]:
    """The section's sentences, without a repeated heading at its start."""
    text = section.text
    if section.heading_path:
        head = section.heading_path[-1]
        if fold(text).lower().startswith(fold(head).lower()):
            text = text[len(head):].strip()
    return [s.strip() for s in _SENTENCE.split(text) if len(s.strip()) > 15]


def around(text: str, starts: list[str], limit: int = SENTENCE_MAX) -> str:
    """A long run of text (a title block has no full stops) cut to the part around its first
    matching word, at word boundaries; short text unchanged."""
    if len(text) <= limit:
        return text
    low = text.lower()
    hits = [m.start() for w in starts for m in [re.search(rf"(?<![a-z]){re.escape(w.lower())}", low)] if m]
    at = min(hits, default=0)
    start = 0 if at < limit // 2 else text.find(" ", at - limit // 2) + 1
    return clip(text[start:], limit)


def clip(text: str, limit: int = SENTENCE_MAX) -> str:
    return shorten(text, limit)


def _front(sections: list[Section], actions: list[Action]) -> list[Section]:
    """The front matter: prose sections before the first one an action comes from."""
    first = min((s.ordinal for s in sections if s.id in {a.section_id for a in actions}), default=10**9)
    return [s for s in sections if s.ordinal < first and s.kind in ("heading", "paragraph", "list", "item")]


def _best(scored: list[tuple[float, str, str]], n: int, per_section: int = 1) -> tuple[Statement, ...]:
    """The n best (score, sentence, section id), at most ``per_section`` per section, best first."""
    out: list[Statement] = []
    seen: Counter = Counter()
    for _, text, sid in sorted(scored, key=lambda t: -t[0]):
        if seen[sid] < per_section:
            seen[sid] += 1
            out.append(Statement(clip(text), sid))
        if len(out) == n:
            break
    return tuple(out)


def _purpose(front: list[Section], heads: dict[str, str], plan: Plan, title_sid: str) -> tuple[Statement, ...]:
    """Sentences that say what the plan is for; the title itself when none does."""
    pw, scored = word_list("purpose"), []
    for rank, s in enumerate(front):
        heading = " ".join(s.heading_path) + " " + heads.get(s.id, "")
        for k, sent in enumerate(sentences(s)):
            own = has_word(sent, pw)
            if not own and k > 0:
                continue  # a heading names the purpose of its first sentence, not of all of them
            score = 2 * min(own, 1) + 2 * min(has_word(heading, pw), 1)
            if score == 0:
                continue
            sent = around(sent, pw)
            score += bool(re.search(r"\bplan\b|\bthis\b", sent, re.I)) + (plan.organisation in sent)
            scored.append((score - 0.05 * rank, sent, s.id))
    return _best(scored, 2) or (Statement(plan.title, title_sid),)


def _adoption(front: list[Section], own: re.Pattern) -> tuple[Statement, ...]:
    """Sentences that say who adopted, approved, endorsed or prepared the plan, best first."""
    aw, scored = word_list("adoption"), []
    for rank, s in enumerate(front):
        for sent in sentences(s):
            hits = has_word(sent, aw)
            if hits and own.search(sent):  # about this plan, not an earlier agreement it builds on
                scored.append((hits + bool(_YEAR.search(sent)) - 0.05 * rank, sent, s.id))
    return _best(scored, 8, per_section=3)


def self_reference(records: RecordStore) -> re.Pattern:
    """How plans refer to themselves: "plan", "this document", "the draft", and the acronyms the
    plans define for a plan ("iPA" for "Integrative Plan of Action"), in their own case."""
    short = [re.escape(s) for s, long in records.acronym_pairs() if re.search(r"\bplan\b", long, re.I)]
    own = r"(?i:\bplan\b|\bthis (?:document|programme)\b|\bdraft\b)"
    return re.compile(own + "".join(rf"|\b{s}\b" for s in short))


def _roles(prose: list[Section]) -> tuple[Statement, ...]:
    """Sentences naming the bodies that lead, coordinate or prepare the plan (earliest first)."""
    rw, scored = word_list("roles"), []
    for rank, s in enumerate(prose):
        for sent in sentences(s):
            hits = has_word(sent, rw)
            if hits:
                scored.append((hits - 0.1 * rank, around(sent, rw), s.id))
    return _best(scored, 3)


def _first_section(node: OutlineNode) -> str:
    ids = node.section_ids or tuple(sid for c in walk(node.children) for sid in c.section_ids)
    return ids[0] if ids else ""


def _enumerated(nodes: tuple[OutlineNode, ...]) -> list[OutlineNode]:
    """The nodes whose titles carry an enumeration mark ("A.", "I.", "3)", "Need 4"), when most do."""
    mark = re.compile(r"^(?:[A-Z]|[IVXLC]+|\d+|[a-z])[.)]\s|^\w+ \d+\b")
    marked = [n for n in nodes if mark.match(n.title)]
    return marked if len(marked) >= 2 and len(marked) * 2 >= len(nodes) else []


def find_areas(nodes: tuple[OutlineNode, ...]) -> tuple[OutlineNode | None, list[OutlineNode] | list[tuple[str, str]]]:
    """The plan's themes: (the node they sit under or None, its child nodes or its items).

    Tried in order: a heading named like priorities/areas/needs with two or more sub-headings (its
    enumerated sub-headings); the enumerated top-level headings; a heading or lead-in named so with
    two or more points (its points); the top-level headings that hold points."""
    weights = {e["word"]: e.get("weight", 1) for e in words()["area_headings"]}

    def weight(n: OutlineNode) -> int:
        low = n.title.lower()
        return max((w for word, w in weights.items() if re.search(rf"(?<![a-z]){word}", low)), default=0)

    every = walk(nodes)
    with_children = [n for n in every if weight(n) and len(n.children) >= 2]
    if with_children:
        best = max(with_children, key=lambda n: (weight(n), len(n.children)))
        return best, _enumerated(best.children) or list(best.children)
    top = _enumerated(nodes)
    if top:
        return None, top
    with_items = [n for n in every if weight(n) and len(n.items) >= 2]
    if with_items:
        best = max(with_items, key=lambda n: (weight(n), len(n.items)))
        return best, list(best.items)
    return None, [n for n in nodes if all_items(n)]


def _lead_in(sections: list[Section], areas: tuple[Area, ...]) -> Statement | None:
    """A short line just before the first area that names them ("MAIN DIRECTIONS FOR ACTION:")."""
    if not areas:
        return None
    first = next((s.ordinal for s in sections if s.id == areas[0].section_id), 0)
    before = [s for s in sections if first - 3 <= s.ordinal < first and len(s.text) < 100]
    area_words = [e["word"] for e in words()["area_headings"]]
    named = [s for s in before if has_word(s.text, area_words)]
    return Statement(named[-1].text.rstrip(": "), named[-1].id) if named else None


def _drivers(actions: list[Action]) -> tuple[tuple[str, int, str], ...]:
    """The most frequent drivers (spellings that differ only by case or a parenthesis are one)."""
    counts: Counter = Counter()
    spelled: dict[str, Counter] = {}
    where: dict[str, str] = {}
    for a in actions:
        for d in dict.fromkeys(a.drivers):
            key = re.sub(r"\s*\(.*?\)", "", d).strip().casefold()
            if not key:
                continue
            counts[key] += 1
            spelled.setdefault(key, Counter())[re.sub(r"\s*\(.*?\)", "", d).strip()] += 1
            where.setdefault(key, a.section_id)
    return tuple((spelled[k].most_common(1)[0][0], n, where[k]) for k, n in counts.most_common(TOP_DRIVERS))


def _table(records: RecordStore, actions: list[Action]) -> tuple[tuple[str, ...], str]:
    """What each row of the plan's action table records, when its actions come from table rows."""
    rows = [a for a in actions if records.section(a.section_id).kind == "table_row"]
    if not rows:
        return (), ""
    labels = words()["table_fields"]
    filled = [label for f, label in labels.items() if sum(bool(getattr(a, f)) for a in rows) * 2 >= len(rows)]
    return tuple(filled), rows[0].section_id


def build_card(records: RecordStore, plan_id: str) -> PlanCard:
    """Read one plan's card from the index (see :func:`plan_card` for the cached one)."""
    plan = records.plan(plan_id)
    sections = records.sections(plan_id)
    actions = records.actions(plan_id)
    outline = build_outline(records, plan_id)
    title_sid = next((s.id for s in sections if not s.heading_path), sections[0].id if sections else "")
    title_text = records.section(title_sid).text if title_sid else ""
    # outline nodes below a heading (lead-in lists) name their sections too
    heads = {n.section_ids[0]: n.title for n in walk(outline) if n.section_ids}
    front = _front(sections, actions)
    acted = {a.section_id for a in actions}
    prose = [s for s in sections if s.id not in acted and s.kind in ("heading", "paragraph", "list")]
    adoption = _adoption(front, self_reference(records))
    m = _ISSUER.search(plan.title) or _BY.search(title_text)
    by = Statement(m.group(1).strip(), title_sid, "name") if m else (adoption[0] if adoption else None)
    when = next((st for st in adoption if _DATE.search(st.text)), None)
    if when is None and plan.period:
        where = next((s.id for s in sections if fold(plan.period).lower() in s.text.lower()), title_sid)
        when = Statement(plan.period, where, "period")
    parent, found = find_areas(outline)
    nodes = [n for n in found if isinstance(n, OutlineNode)]  # found holds nodes, or (text, section id) items
    if nodes:
        areas = tuple(Area(n.title, _first_section(n), len(all_items(n))) for n in nodes)
    else:
        areas = tuple(Area(text, sid, 0) for text, sid in (x for x in found if isinstance(x, tuple)))
    heading = Statement(parent.title, _first_section(parent)) if parent else _lead_in(sections, areas)
    funding = Counter(a.funding_status for a in actions)
    fields, table_sid = _table(records, actions)
    return PlanCard(
        plan=plan, title=plan.title, organisation=plan.organisation, period=plan.period,
        title_section=title_sid, adopted_by=by, adopted_when=when,
        purpose=_purpose(front, heads, plan, title_sid), areas_heading=heading, areas=areas,
        n_actions=len(actions), n_numbered=len({(a.number, a.title) for a in actions}),
        drivers=_drivers(actions), n_with_drivers=sum(bool(a.drivers) for a in actions),
        funding=tuple(funding.most_common()), roles=_roles(prose),
        table_fields=fields, table_section=table_sid, about_body=_about_body(prose, plan.organisation))


def _about_body(prose: list[Section], organisation: str) -> Statement | None:
    """The first sentence saying what the plan's organisation is ("The Organization of the Black Sea
    Economic Cooperation (BSEC) is a regional economic organization …"): the name, or its acronym in
    brackets, then "is a/an"."""
    if not organisation:
        return None
    said = re.compile(rf"\b{re.escape(organisation)}\)?,?\s+(?:is|was|represents)\s+(?:a|an|the)\b")
    for s in prose:
        for sent in sentences(s):
            if said.search(sent):
                return Statement(clip(sent, SENTENCE_MAX), s.id)
    return None


def plan_card(ctx: Any, plan_id: str) -> PlanCard:
    """The plan's card, built on first use and kept in the context for the index's lifetime."""
    cards = ctx.extra.setdefault("plan_cards", {})
    if plan_id not in cards:
        cards[plan_id] = build_card(ctx.records, plan_id)
    return cards[plan_id]
