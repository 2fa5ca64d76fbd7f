"""The groups an aggregate answer counts over: a plan's needs, areas or directions (each with its
actions) and its outline headings (each with its numbered or bulleted items), how a question's
words pick one, and how a list section's items are counted.

Example::

    groups = plan_groups(ctx, ["eco-plan-of-action-transnational-organized-crime"])
    best = max(groups, key=lambda g: g.size)   # the area with the longest list of measures
    best.title, best.size, best.numbers()       # ("d) Border Control and Management", 9, "4.d.1–4.d.9")
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from assistant.kinds.aggregate_common import WORDS, distinct, number_runs, plan_label, plan_of
from assistant.kinds.base import Ask, Context
from assistant.outline import OutlineNode, build_outline
from assistant.retrieve import query_terms
from indexer.models import Action, Section
from indexer.text import stem, tokens

_BULLET = re.compile(r"(?:^|\s)(?:[-•▪●]|\d{1,2}[.)]|[a-z][.)])\s+(?=\S)")
NUMBER_VALUES = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven "
                                             "twelve thirteen fourteen fifteen sixteen".split())}


@dataclass(frozen=True)
class Group:
    """A heading of one plan with what is under it: actions (distinct numbers) or listed items."""

    plan: str
    title: str
    parent: str  # the heading above it, "" at the top
    actions: tuple[Action, ...]
    items: tuple[tuple[str, str], ...]  # (item text, section id), when it holds no actions
    section_id: str  # where the group is cited

    @property
    def size(self) -> int:
        return len(self.actions) or len(self.items)

    def numbers(self) -> str:
        return number_runs([x.number for x in self.actions if x.number])

    def texts(self) -> list[tuple[str, str, str]]:
        """(number, text, section id) of what the group holds."""
        if self.actions:
            return [(x.number, x.title or x.text, x.section_id) for x in self.actions]
        return [(str(i), t, s) for i, (t, s) in enumerate(self.items, start=1)]


def _parent_of(section: Section, title: str) -> str:
    path = section.heading_path
    for i, h in enumerate(path):
        if h == title or h.endswith(title) or title.endswith(h):
            return path[i - 1] if i else ""
    return path[-2] if len(path) >= 2 else ""


def plan_groups(ctx: Context, plan_ids: list[str]) -> list[Group]:
    """Every need/area of the plans with its actions, then outline headings with items but no
    actions (a priority area that only lists points)."""
    by_need: dict[tuple[str, str], list[Action]] = {}
    wanted = set(plan_ids)
    for i in ctx.action_index.positions(wanted):
        x = ctx.actions[i]
        if x.need:
            by_need.setdefault((x.plan, x.need), []).append(x)
    groups = []
    for (plan, need), xs in by_need.items():
        first = xs[0]
        groups.append(Group(plan, need, _parent_of(ctx.records.section(first.section_id), need),
                            tuple(distinct(xs)), (), first.section_id))
    seen = {(g.plan, _fold(g.title)) for g in groups}
    for plan in plan_ids:
        for path, node in flat_outline(ctx, plan):
            if (plan, _fold(node.title)) in seen or not (node.items or node.section_ids):
                continue
            if any(_fold(node.title) in _fold(g.title) or _fold(g.title) in _fold(node.title)
                   for g in groups if g.plan == plan):
                continue
            sid = node.section_ids[0] if node.section_ids else node.items[0][1]
            groups.append(Group(plan, node.title, path[-2] if len(path) >= 2 else "", (), node.items, sid))
    return groups


def _fold(text: str) -> str:
    return " ".join(tokens(text))


# -- the outline -------------------------------------------------------------------------------
def flat_outline(ctx: Context, plan_id: str) -> list[tuple[tuple[str, ...], OutlineNode]]:
    """Every heading of a plan with its path, from ``assistant.outline.build_outline`` when it is
    there, else from the sections' heading paths."""
    cache = ctx.extra.setdefault("aggregate_outline", {})
    if plan_id in cache:
        return cache[plan_id]
    nodes = build_outline(ctx.records, plan_id)
    out: list[tuple[tuple[str, ...], OutlineNode]] = []

    def walk(node: OutlineNode, path: tuple[str, ...]) -> None:
        out.append(((*path, node.title), node))
        for child in node.children:
            walk(child, (*path, node.title))

    for n in nodes:
        walk(n, ())
    cache[plan_id] = out
    return out


def _strip_marker(text: str) -> str:
    return re.sub(r"^\s*(?:[-•▪●]\s*)*(?:\d{1,2}[.)]|[a-z][.)]|[IVX]{1,4}\.)?\s*", "", text).strip()


def split_items(text: str) -> tuple[str, list[str]]:
    """(lead text, items) of a passage written as a list ("…following: - A - B", "1. A 2. B")."""
    marks = list(_BULLET.finditer(text))
    if not marks:
        return text, []
    lead = text[: marks[0].start()].strip()
    items = []
    for m, nxt in zip(marks, marks[1:] + [None]):
        piece = text[m.end(): nxt.start() if nxt else len(text)].strip(" ;,")
        if len(piece) > 2:
            items.append(piece)
    return lead, items


# -- which group a question means --------------------------------------------------------------
def match_groups(ctx: Context, groups: list[Group], terms: list[str], floor: float = 0.4) -> list[Group]:
    """The groups whose heading covers the question's topic words best (ties kept), best first."""
    if not terms:
        return []
    scored = [(ctx.lexicon.coverage(terms, g.title, context=g.parent), g) for g in groups]
    best = max((s for s, _ in scored), default=0.0)
    if best < floor:
        return []
    return [g for s, g in scored if s >= best - 1e-9]


def named_by_noun(groups: list[Group], nouns: list[str]) -> list[Group]:
    """Restrict groups to those under a heading that names the asked-for noun ("priority areas",
    "identified needs"), when some are; otherwise all."""
    stems = {stem(n) for n in nouns}
    if not stems:
        return groups
    under = [g for g in groups if stems & {stem(t) for t in tokens(g.parent)}]
    own = [g for g in groups if stems & {stem(t) for t in tokens(g.title)}]
    return under or own or groups


# -- list sections -----------------------------------------------------------------------------
def stated_number(text: str, noun: str) -> int | None:
    """The count a passage states for ``noun`` ("the following four components")."""
    head = re.escape(noun.split()[-1][:-1] if noun.endswith("s") else noun.split()[-1])
    m = re.search(rf"\b(\d{{1,2}}|{'|'.join(NUMBER_VALUES)})\s+(?:[\w/-]+\s+){{0,2}}{head}", text, re.I)
    if not m:
        return None
    w = m.group(1).lower()
    return int(w) if w.isdigit() else NUMBER_VALUES[w]


def list_at(ctx: Context, section: Section, noun_terms: list[str]) -> list[tuple[str, str]]:
    """The items of the list a section opens (or is part of): its own bullets after the noun is
    named, then the item/list sections that follow under the same heading."""
    text = section.text
    low = text.lower()
    start = 0
    for t in noun_terms:
        m = re.search(rf"\b{re.escape(stem(t))}", low)
        if m:
            start = m.start()
            break
    _, own = split_items(text[start:])
    items = [(t, section.id) for t in own]
    sections = ctx.records.sections(section.plan_id)
    for s in sections[section.ordinal + 1:]:
        if s.heading_path != section.heading_path or s.kind not in ("item", "list"):
            break
        lead, more = split_items(s.text)
        if s.kind == "item" and not (items and lead and not more):
            items.append((_strip_marker(s.text), s.id))
        else:
            items += [(t, s.id) for t in more]
    return items


# -- two headings sharing items ----------------------------------------------------------------
def _norm(text: str) -> str:
    words = [w for w in tokens(text) if w not in {"the", "a", "an", "possible", "of", "in", "on"}]
    return " ".join(words)


def shared_items(a: Group, b: Group, floor: float = 0.8) -> list[tuple[tuple[str, str, str], tuple[str, str, str]]]:
    """Pairs of items, one under each group, that say the same thing (near-identical wording)."""
    pairs = []
    used: set[int] = set()
    for x in a.texts():
        for j, y in enumerate(b.texts()):
            if j in used:
                continue
            if SequenceMatcher(None, _norm(x[1]), _norm(y[1])).ratio() >= floor:
                pairs.append((x, y))
                used.add(j)
                break
    return pairs


# -- the question's topic ----------------------------------------------------------------------
def topic_terms(ask: Ask, ctx: Context, named_words: frozenset[int] = frozenset()) -> list[str]:
    """The question's content words that say what is counted over: no signal words, no nouns
    of counting, no plan names, no words naming an organisation."""
    q = ask.question
    if named_words:  # drop the words naming the organisation, unless they also name a heading
        headings = {stem(t) for g in plan_groups(ctx, [p.id for p in ask.plans] or [p.id for p in ctx.plans])
                    for t in tokens(g.title)}
        words = re.findall(r"[\w*]+(?:[-'’][\w*]+)*", q)
        q = " ".join(w for i, w in enumerate(words)
                     if i not in named_words or {stem(t) for t in tokens(w)} & headings)
    drop = set()
    for group in ("filler", "count", "most", "least", "group_nouns", "item_nouns", "org_nouns", "total",
                  "placeholder_drivers"):
        for w in WORDS.lists[group]:
            drop.update(tokens(w))
    for p in ask.plans:
        drop.update(tokens(f"{p.organisation} {p.title} {p.period}"))
    return [t for t in query_terms(q) if t not in drop and not t.isdigit() and len(t) > 2]


def group_line(g: Group, noun: str, plan_named: bool, ctx: Context) -> str:
    where = "" if plan_named else f" ({plan_label(plan_of(ctx, g.plan))})"
    nums = g.numbers()
    return f"“{g.title}”{where}: {g.size}" + (f" ({nums})" if nums else "") + ("" if g.actions else f" listed {noun}")
