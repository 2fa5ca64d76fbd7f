"""A plan's outline: its headings as a tree, each with the sections under it and its items
(numbered or bulleted points, table actions), read from the index. Overviews ("what are the
priority areas?"), structure questions ("how is it laid out?") and counts ("how many measures
under border control?") all read it.

Nothing here knows a particular plan: the tree is the sections' ``heading_path``; a table row
whose last heading names its own action is that action (one item of the heading above it); a
list introduced by a lead-in ending in ':' ("General objectives ...: • ... • ...") is a node of
its own under the heading it sits in.

Example::

    nodes = build_outline(records, "eco-plan-of-action-transnational-organized-crime")
    [(n.title, len(n.items)) for n in nodes]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from indexer.models import Action, Section
from indexer.store import RecordStore
from indexer.text import fold

ITEM_MAX = 240  # characters of an item's text kept (its first sentence, cut at a word)
LEAD_MAX = 260  # a lead-in longer than this is prose, not a list title
_BULLET = re.compile(r"(?:^|\s)[•▪◦●-]\s+")
_LEAD_MARK = re.compile(r"^\s*(?:[-•]\s*)*")


@dataclass(frozen=True)
class OutlineNode:
    title: str  # the heading as the plan writes it ("4) PRIORITY AREAS", "I. Border Control and Management")
    level: int  # 1 = top level below the plan title
    section_ids: tuple[str, ...]  # the sections under this heading (not under its children)
    items: tuple[tuple[str, str], ...]  # (item text, section id): its numbered/bulleted points or actions, in order
    children: tuple[OutlineNode, ...]


@dataclass
class _Draft:
    """A node while the tree is being built (mutable; frozen into an OutlineNode at the end)."""

    title: str
    level: int
    section_ids: list[str] = field(default_factory=list)
    items: list[tuple[str, str]] = field(default_factory=list)
    children: dict[str, _Draft] = field(default_factory=dict)

    def child(self, title: str) -> _Draft:
        if title not in self.children:
            self.children[title] = _Draft(title, self.level + 1)
        return self.children[title]

    def freeze(self) -> OutlineNode:
        seen: set[str] = set()
        items = []
        for text, sid in self.items:  # a table action continued over several rows is one item
            if fold(text).lower() not in seen:
                seen.add(fold(text).lower())
                items.append((text, sid))
        return OutlineNode(self.title, self.level, tuple(self.section_ids), tuple(items),
                           tuple(c.freeze() for c in self.children.values()))


def action_item(a: Action) -> str:
    """How an action reads as an item: its number and title ("3.2 Improved/establish public ...")."""
    return f"{a.number} {a.title}".strip()


def _names_action(heading: str, actions: list[Action]) -> bool:
    """The heading is the row's own action ("3.1 Capacity-building ...", "WBCSCI Coordination")."""
    h = fold(heading).lower().rstrip(":. ")
    for a in actions:
        full = fold(action_item(a)).lower()
        title = fold(a.title).lower()
        if h and (h == title or h == full or full.startswith(h) or h.startswith(full)):
            return True
    return False


def _first_sentence(text: str, limit: int = ITEM_MAX) -> str:
    text = _LEAD_MARK.sub("", text).strip()
    m = re.search(r"(?<=[.;:])\s+(?=[A-Z•-])|\s+-\s+(?=Responsible|Deadline)", text)
    if m and m.start() > 20:
        text = text[: m.start()]
    if len(text) > limit:
        cut = text.rfind(" ", 0, limit)
        text = text[: cut if cut > 0 else limit] + " …"
    return text.rstrip(" ;,")


def split_bullets(text: str) -> tuple[str, list[str]]:
    """A list section's lead-in (the text before its first bullet) and its bullets."""
    parts = _BULLET.split(text)
    lead, bullets = parts[0].strip(), [p.strip(" ;") for p in parts[1:]]
    return lead, [b for b in bullets if len(b) > 2 and "|" not in b]  # "|" : a flattened table's residue


def _section_items(s: Section, actions: list[Action], heading: str) -> list[tuple[str, str]]:
    """The items a section contributes: its actions (not one that is its heading itself, as
    "F. Preparing the Ninth Meeting" is), or its own point when it has none."""
    if actions:
        return [(action_item(a), s.id) for a in actions if not _names_action(heading, [a])]
    if s.kind == "item":
        return [(_first_sentence(s.text), s.id)]
    return []


def _build(records: RecordStore, plan_id: str) -> tuple[OutlineNode, ...]:
    root = _Draft("", 0)
    last_list: tuple[tuple[str, ...], _Draft] | None = None  # where a list continued on the next section goes
    for s in records.sections(plan_id):
        if not s.heading_path and s.kind == "heading":
            continue  # the plan's title block
        actions = records.actions_of_section(s.id) if s.kind in ("item", "table_row", "paragraph", "list") else []
        path = s.heading_path
        if s.kind == "table_row" and path and actions and _names_action(path[-1], actions):
            path = path[:-1]  # the row's heading is its own action: an item of the heading above
        node = root
        for title in path:
            node = node.child(title)
        if s.kind == "list" and not actions:
            lead, bullets = split_bullets(s.text)
            if last_list and last_list[0] == path and not lead.endswith(":") and last_list[1].items:
                target = last_list[1]  # a list continued from the section before it
                if lead:  # the first words finish the last point of that section
                    text, sid = target.items[-1]
                    target.items[-1] = (_first_sentence(f"{text} {lead}"), sid)
            elif lead.endswith(":") and len(lead) <= LEAD_MAX and bullets:
                target = node.child(_LEAD_MARK.sub("", lead).rstrip(": "))
            else:
                target = node
                if lead:
                    bullets = [lead, *bullets] if not bullets else bullets
            target.section_ids.append(s.id)
            target.items.extend((_first_sentence(b), s.id) for b in bullets)
            last_list = (path, target)
            continue
        last_list = None
        node.section_ids.append(s.id)
        node.items.extend(_section_items(s, actions, path[-1] if path else ""))
    return tuple(c.freeze() for c in root.children.values())


@lru_cache(maxsize=64)
def build_outline(records: RecordStore, plan_id: str) -> tuple[OutlineNode, ...]:
    """The plan's top-level outline nodes, in document order (cached per store and plan)."""
    return _build(records, plan_id)


def walk(nodes: tuple[OutlineNode, ...]) -> list[OutlineNode]:
    """Every node of an outline, depth first, in document order."""
    out: list[OutlineNode] = []
    for n in nodes:
        out.append(n)
        out.extend(walk(n.children))
    return out


def all_items(node: OutlineNode) -> list[tuple[str, str]]:
    """A node's items and those of its descendants, in order."""
    return [*node.items, *(i for c in node.children for i in all_items(c))]
