"""A plan's outline: its headings as a tree, each with the sections under it and its items
(numbered or bulleted points, table actions), read from the index. Overviews ("what are the
priority areas?"), structure questions ("how is it laid out?") and counts ("how many measures
under border control?") all read it.

Example::

    nodes = build_outline(records, "eco-plan-of-action-transnational-organized-crime")
    [(n.title, len(n.items)) for n in nodes]
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OutlineNode:
    title: str  # the heading as the plan writes it ("4) PRIORITY AREAS", "I. Border Control and Management")
    level: int  # 1 = top level below the plan title
    section_ids: tuple[str, ...]  # the sections under this heading (not under its children)
    items: tuple[tuple[str, str], ...]  # (item text, section id): its numbered/bulleted points or actions, in order
    children: tuple[OutlineNode, ...]
