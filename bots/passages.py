"""A table row, shown as the small table it is: a cited passage that is one row of an action table
reads as one run-together paragraph ("8.1 Targeted training - Serbia: … NL, Europol … Ongoing
available Project SIRAS …"), its cells out of line. The action records the indexer read from the
row put each cell back under its column, so the source panel shows the row as a table (one heading
per cell, a list where a cell holds several items) and keeps the passage as written beside it.

Example::

    row_tables(records, section)   # [{"columns": [...], "cells": [[...], ...], "notes": [...]}] or []
"""

from __future__ import annotations

import re
from typing import Any

COLUMNS = ("Need", "Action", "Activities and outputs", "Drivers", "Status / timeline", "Funding")
_BULLET = re.compile(r"(?:^|\s)[-•](?=\s)")  # "- item - item", "• item" inside a cell (not "Albania – …")
_ROMAN = re.compile(r"(?:^|\s)(?=(?:i{1,3}|iv|v|vi{1,3}|ix|x)\.\s)")  # "i. … ii. …"


def items(text: str, *, separators: str = "") -> list[str]:
    """A cell's items: its bullets and numbered points, or, given ``separators``, the parts between
    them instead (a timeline or funding cell: "available; Project SIRAS 2017-2018; funding sought")."""
    text = " ".join((text or "").split())
    if not text:
        return []
    parts = [text]
    if separators:
        parts = re.split(f"[{re.escape(separators)}]", text)
    else:
        for pattern in (_BULLET, _ROMAN):
            parts = [p for part in parts for p in pattern.split(part)]
    return [p.strip(" ;,") for p in parts if p.strip(" ;,")]


def row_tables(records: Any, section: Any) -> list[dict]:
    """The actions read from a table-row section, each as ``{"columns", "cells", "notes"}`` (a cell
    is a list of items: one item is plain text, several a list); [] for any other passage."""
    if section.kind != "table_row":
        return []
    out = []
    for a in records.actions_of_section(section.id):
        action = " ".join(x for x in (a.number, a.title) if x)
        cells = [items(a.need), [action] if action else [], items(a.text), list(a.drivers),
                 items(a.timeline, separators=";"), items(a.funding, separators=";")]
        keep = [i for i, c in enumerate(cells) if c]
        out.append({"columns": [COLUMNS[i] for i in keep], "cells": [cells[i] for i in keep],
                    "notes": list(a.notes)})
    return out
