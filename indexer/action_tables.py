"""Action records from tables of any layout, read as cells.

A table's columns are mapped by the meaning of their headers (:mod:`indexer.columns`). The WBCSCi
layout (NEED ADDRESSED · ACTION · EXPECTED OUTPUTS · DRIVER(S) · STATUS / TIMELINE · FUNDING, in
that order) goes to :func:`indexer.tables.parse_table`, which knows its quirks, with each cell put
back into that parser's cell markup; any other action table is read here: one action per row, the
grouping column (need / objective / measure) carried down, a row with no action of its own (a row
cut by a page break, a second line of drivers) joined to the row above.

Example::

    cmap = map_header(("No.", "Activity", "Lead", "Timeframe", "Budget"))
    acts = table_actions(span, cmap, plan_id="p", file="p.pdf", section_ids={})
    acts[0].drivers, acts[0].timeline, acts[0].funding_status
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from indexer import table_cells as tc
from indexer.blocks import TableSpan, one_line
from indexer.columns import ColumnMap
from indexer.dates import parse_timeline
from indexer.funding import funding_status, parse_amounts
from indexer.models import Action

WBCSCI = ("need", "action", "outputs", "drivers", "timeline", "funding")
NUMBER = re.compile(r"^\s*((?:\d{1,3}(?:\.\d{1,3})*|[A-Z](?:\.\d{1,3})+|[ivx]{1,5}|[a-z])[.)]?)\s+(?=\S)")
TITLE_END = re.compile(r"(?<=[.;:])\s+")


def is_wbcsci_layout(cmap: ColumnMap) -> bool:
    roles = [r for r in cmap.roles if r is not None]
    return tuple(roles[:6]) == WBCSCI and tuple(cmap.roles[:6]) == WBCSCI


def cell_markup(cell: str) -> str:
    """A cell of the document model ('\\n' between paragraphs, '- ' items) in the markup of the
    tables flattened to text: ``<p>…</p>`` paragraphs, ``<ul …> - a - b`` lists (a list of one item
    without its dash), a first paragraph before a list left bare unless it is a numbered title, as
    that markup has them."""
    parts = [p.strip() for p in cell.split("\n") if p.strip()]
    if len(parts) <= 1 and not (parts and parts[0].startswith("- ")):
        return parts[0] if parts else ""
    groups: list[tuple[str, list[str]]] = []  # ("p", [text]) or ("ul", items)
    for p in parts:
        if p.startswith("- "):
            if groups and groups[-1][0] == "ul":
                groups[-1][1].append(p)
            else:
                groups.append(("ul", [p]))
        else:
            groups.append(("p", [p]))
    out: list[str] = []
    for k, (kind, items) in enumerate(groups):
        if kind == "ul":
            body = items[0][2:] if len(items) == 1 else " ".join(items)
            out.append(f'<ul style="list-style-type: none"> {body}')
        elif k == 0 and len(groups) > 1 and groups[1][0] == "ul" and not items[0][:1].isdigit():
            out.append(items[0])
        else:
            out.append(f"<p>{items[0]}</p>")
    return " ".join(out)


@dataclass
class _Row:
    line: int
    number: str
    need: str
    action: str
    outputs: list[str] = field(default_factory=list)
    drivers: list[str] = field(default_factory=list)
    timeline: list[str] = field(default_factory=list)
    funding: list[str] = field(default_factory=list)
    last_line: int = 0
    notes: list[str] = field(default_factory=list)


def _get(row: tuple[str, ...], cols: list[int]) -> list[str]:
    return [row[i].strip() for i in cols if i < len(row) and row[i].strip()]


def _items(cells: list[str]) -> list[str]:
    """The items of the cells: their lines, list dashes dropped."""
    return [re.sub(r"^-\s+", "", ln).strip() for c in cells for ln in c.split("\n") if ln.strip(" -")]


def _title(text: str) -> str:
    first = TITLE_END.split(text, maxsplit=1)[0].strip(" .;:,-")
    return first if len(first) <= 200 else first[:200].rsplit(" ", 1)[0] + " …"


def read_rows(span: TableSpan, cmap: ColumnMap) -> list[_Row]:
    """The table's actions, one per row with an action; rows without one continue the row above."""
    col = {r: cmap.columns(r) for r in ("number", "need", "action", "outputs", "drivers", "timeline", "funding")}
    rows: list[_Row] = []
    need = ""
    for k, (cells, (line, _, _)) in enumerate(zip(span.rows, span.lines)):
        need_cell = one_line(" ".join(_get(cells, col["need"])))
        number = one_line(" ".join(_get(cells, col["number"]))).rstrip(".")
        action = one_line(" ".join(_get(cells, col["action"])))
        if need_cell and not (rows and k in span.continued and not action and not number):
            need = need_cell
        if not number:
            m = NUMBER.match(action)
            if m and len(action) > m.end() + 3:
                number, action = m.group(1).rstrip(".)"), action[m.end():]
        cont = rows and not number and (not action or (k in span.continued and action[:1].islower()))
        if cont:
            r = rows[-1]
            if action:
                r.action = f"{r.action} {action}"
            r.last_line = line
            r.notes.append(f"line {line} continues the row above" + (
                " (a row cut by a page break)" if k in span.continued else ""))
        else:
            r = _Row(line, number, need, action, last_line=line)
            rows.append(r)
        r.outputs += _items(_get(cells, col["outputs"]))
        r.drivers += _items(_get(cells, col["drivers"]))
        r.timeline += _items(_get(cells, col["timeline"]))
        r.funding += _items(_get(cells, col["funding"]))
    return [r for r in rows if r.action or r.outputs]


def table_actions(span: TableSpan, cmap: ColumnMap, *, plan_id: str, file: str,
                  section_ids: dict[int, str]) -> list[Action]:
    """Action records of one table of any layout (the WBCSCi layout excepted: see module doc)."""
    rows = read_rows(span, cmap)
    known = tc.known_names([d for r in rows for d in r.drivers])
    out: list[Action] = []
    seen: dict[str, int] = {}
    for r in rows:
        base = r.number or f"row{r.line}"
        seen[base] = seen.get(base, 0) + 1
        aid = f"{plan_id}:{base}" + (f"-{seen[base]}" if seen[base] > 1 else "")
        timeline = "; ".join(r.timeline)
        parsed = parse_timeline(timeline) if timeline else None
        funding = "; ".join(r.funding)
        drivers = tc.split_drivers("; ".join(r.drivers), known) if r.drivers else ()
        text = r.action or "; ".join(r.outputs)
        if r.action and r.outputs:
            text = f"{r.action} — " + "; ".join(r.outputs)
        out.append(Action(
            id=aid, plan=plan_id, number=r.number, need=r.need, title=_title(r.action or r.outputs[0]),
            text=text, drivers=drivers,
            status=parsed.status if parsed else "unknown", timeline=timeline,
            start=parsed.range.start if parsed else None, end=parsed.range.end if parsed else None,
            precision=parsed.range.precision if parsed else None,
            recurrence=parsed.range.recurrence if parsed else None,
            funding=funding, funding_status=funding_status(funding) if funding else "unknown",
            amounts=parse_amounts(funding), section_id=section_ids.get(r.line, ""), file=file,
            line_start=r.line, line_end=r.last_line, notes=tuple(r.notes)))
    return out
