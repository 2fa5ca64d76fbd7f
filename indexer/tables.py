"""Tables of plans of action flattened from PDF: rows back into actions.

A table line is tab-separated (NEED ADDRESSED, ACTION, EXPECTED OUTPUTS, DRIVER (S),
STATUS / TIMELINE, FUNDING). ``parse_table`` skips repeated headers, blank and footnote
lines, carries the need and the action number down, puts cells that slipped into the wrong
column back (recording each move in ``notes``) and marks rows continued across a page break.
``row_actions`` turns the rows into ``Action`` records.

Example::

    block = [(no, start, text) for no, start, text in lines_of_the_table]
    rows = parse_table(block)
    actions = row_actions(rows, plan_id="wbcsci", file="wbcsci.txt", section_ids={})
    [a.id for a in actions][:2]   # ['wbcsci:1.1', 'wbcsci:1.1-2']
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from indexer import table_cells as tc
from indexer.dates import parse_timeline
from indexer.funding import funding_status, parse_amounts
from indexer.models import Action

NUM_TITLE = re.compile(r"^(\d+(?:\.\d+)+)\.?\s+(\S.*)$", re.S)
NEED = re.compile(r"^(\d+)\.?\s+(\D.*)$", re.S)
LETTER = re.compile(r"^([a-z]\))\s*(\S.*)$", re.S)
HEADER_WORDS = ("need addressed", "action", "expected outputs", "driver", "status", "funding")
COLUMNS = ("NEED ADDRESSED", "ACTION", "EXPECTED OUTPUTS", "DRIVER(S)", "STATUS / TIMELINE",
           "FUNDING")


@dataclass(frozen=True)
class TableRow:
    """One data row of a plan's table, realigned, with the need and action carried down."""

    line: int  # 1-based line number in the file
    char_start: int  # offset of the line's first char in the file text
    char_end: int  # offset just past the line's last char (no newline)
    cells: tuple[str, ...]  # raw cells as written
    need_number: str  # carried down, e.g. "3"
    need: str  # carried down need title (clean)
    number: str  # action number, "" when none; carried down
    title: str  # action title (clean), carried down
    outputs: str  # EXPECTED OUTPUTS (clean text)
    drivers: str  # DRIVER(S), after realignment; separate items joined by "; "
    timeline: str  # STATUS / TIMELINE, after realignment
    funding: str  # FUNDING, after realignment
    continuation: bool  # continues the previous row (page break, sentence cut)
    group: str  # "" for the numbered needs, else the group heading above the row
    notes: tuple[str, ...]  # what was realigned or is ambiguous, in plain words
    part: str = ""  # "a", "b", ... for one of several actions split from one line
    parts: tuple[TableRow, ...] = field(default=(), repr=False)  # the actions a line holds


def is_table_line(line: str) -> bool:
    """A tab-separated line with at least 4 cells."""
    return line.count("\t") >= 3


def is_header_row(cells: list[str]) -> bool:
    """The (repeated) NEED ADDRESSED / ACTION / EXPECTED OUTPUTS / ... header row."""
    low = [tc.clean(c).casefold() for c in cells]
    hits = sum(1 for w in HEADER_WORDS if any(c.startswith(w) for c in low))
    return hits >= 4 and all(len(c) < 30 for c in low)


def _need_cell(cell: str) -> tuple[str, str, str]:
    """(kind, number, text) of the NEED ADDRESSED cell."""
    c = tc.clean(cell)
    if not c:
        return "empty", "", ""
    for kind, rx in (("action", NUM_TITLE), ("need", NEED), ("letter", LETTER)):
        m = rx.match(c)
        if m:
            return kind, m.group(1).rstrip("."), m.group(2)
    if re.fullmatch(r"\d+(?:\.\d+)*\.?", c):
        return ("bare" if c.isdigit() else "num"), c.rstrip("."), ""
    return ("cont" if c[0].islower() else "name"), "", c


def _layout(cells: list[str]) -> tuple[tuple[str, str, str], list[tc.Piece], list[str], str]:
    """Realign one line: (need cell, pieces, notes, a leading fragment of the row above)."""
    c = list(cells) + [""] * (6 - len(cells))
    notes: list[str] = []
    extra = [x for x in c[6:] if tc.clean(x)]
    if extra:
        notes.append("a cell after FUNDING joined funding")
    c = c[:6]
    need = _need_cell(c[0])
    for i in (2, 3, 4, 5):
        base = tc.clean(c[1]) + (" " + tc.clean(c[2]) if i > 2 else "")
        new = tc.drop_dup_lists(c[i], base)
        if new != c[i]:
            c[i] = new
            notes.append(f"a list repeated from the ACTION column dropped from {COLUMNS[i]}")
    for i in (3, 4, 5):
        if tc.clean(c[i]) and tc.clean(c[i]) == tc.clean(c[i - 1]):
            notes.append(f"{COLUMNS[i]} repeats {COLUMNS[i - 1]}; dropped, cells after it moved "
                         "left")
            c = c[:i] + c[i + 1:] + [""]
            break
    shifted = tc.is_shifted(c)
    if shifted:
        notes.append("outputs, drivers, status and funding sit one column left; realigned")
        out_cell, drv, tl, fund, extra = c[1], c[2], c[3], c[4], [c[5]] + extra
    else:
        out_cell, drv, tl, fund = c[2], c[3], c[4], c[5]
    fund = fund + "".join(f" <p>{x}</p>" for x in extra if tc.clean(x))
    titles = list(tc.TITLE_P.finditer(c[1]))
    pieces: list[tc.Piece] = []
    fragment = ""
    if titles:
        pre = c[1][:titles[0].start()]
        if tc.clean(pre):
            pieces.append(tc.Piece(None, "", pre if shifted else out_cell))
        for k, t in enumerate(titles):
            end = titles[k + 1].start() if k + 1 < len(titles) else len(c[1])
            body = c[1][t.end():end]
            pieces.append(tc.Piece(t.group(1), tc.clean(t.group(2)),
                                 body if shifted else out_cell))
        if len(pieces) > 1:
            nums = ", ".join(m.group(1) for m in titles)
            notes.append("the ACTION cell holds " + ("the end of the action above and " if
                         tc.clean(pre) else "") + ("actions " if len(titles) > 1 else "action ")
                         + nums)
            if not shifted:
                notes.append("the EXPECTED OUTPUTS cell is shared by these actions")
    else:
        a = tc.clean(c[1]) if not shifted and tc.clean(c[1]).strip("-–• ") else ""
        m = NUM_TITLE.match(a) if not tc.is_list(c[1]) else None
        if m and need[0] != "action":
            pieces.append(tc.Piece(m.group(1).rstrip("."), m.group(2), out_cell))
        elif need[0] in ("bare", "num"):
            pieces.append(tc.Piece(need[1], a, out_cell))
        else:
            pieces.append(tc.Piece(None, "", out_cell, label=a))
    lead, rest = tc.first_lower_fragment(pieces[0].outputs)
    if lead and pieces[0].outputs and (need[0] in ("action", "letter") or pieces[0].number):
        fragment = lead
        pieces[0].outputs = rest
        notes.append(f"leading fragment '{lead[:40]}...' continues the row above; moved there")
    n = len(pieces)
    cols = [tc.split_lead(x, n) for x in (drv, tl, fund)]
    if n > 1:
        split = any(len(set(x)) > 1 for x in cols)
        notes.append("DRIVER(S), STATUS and FUNDING split at their first <p> item between the "
                     "actions" if split else "DRIVER(S), STATUS and FUNDING shared by the actions")
    for p, d, t, f in zip(pieces, *cols):
        tc.route(p, d, t, f)
    return need, pieces, notes, fragment


def _split_abc(p: tc.Piece, known: frozenset[str]) -> list[tuple[str, str, str, str]] | None:
    """(driver, timeline, funding, output) per part when a row's drivers line up one to one
    with their statuses, fundings and outputs; None when the alignment is not clear."""
    groups = p.drv
    if len(groups) == 1 and p.list_drivers and not re.search(r"[,;]", groups[0]):
        groups = tc.decompose(groups[0], known)
    n = len(groups)
    if n < 2:
        return None
    tl = p.tl if len(p.tl) != 1 else tc.timeline_items(p.tl[0], n)
    fund = p.fund if len(p.fund) != 1 else (tc.funding_items(p.fund[0]) or p.fund)
    outs = tc.output_items(p.outputs)
    if len(tl) != n or len(outs) != n or len(fund) not in (0, 1, n) or p.label or p.extra_out:
        return None
    fund = fund if len(fund) == n else [" ".join(fund)] * n
    return list(zip(groups, tl, fund, outs))


def _retitle(rows: list[TableRow], name: str, old: str, new: str) -> list[TableRow]:
    """Complete a need or action title that a later line continues."""
    def fix(r: TableRow) -> TableRow:
        r = replace(r, parts=tuple(fix(x) for x in r.parts))
        changed: dict[str, Any] = {name: new}
        return replace(r, **changed) if getattr(r, name) == old else r
    return [fix(r) for r in rows]


def _outputs(p: tc.Piece) -> str:
    out = tc.clean(p.outputs)
    label = p.label
    if label and out:
        short = len(label.split()) <= 12 and label[0].isupper() and label[-1] not in ".;:"
        out = f"{label}{': ' if short and not label.startswith('-') else ' '}{out}"
    elif label:
        out = label
    return " ".join([out, *p.extra_out]).strip()


def parse_table(lines: list[tuple]) -> list[TableRow]:
    """Data rows of a table block given as (line_no, char_start, text) for every line, or as
    (line_no, char_start, text, cells) for a table a loader read as cells (PDF, Word, HTML).

    Header rows, blank lines and footnotes are skipped; rows come back in order, one per
    data line (a line holding several actions lists them in ``parts``).

    >>> rows = parse_table([(1, 0, "NEED ADDRESSED\\tACTION\\tEXPECTED OUTPUTS\\tDRIVER (S)\\t"
    ...                              "STATUS / TIMELINE\\tFUNDING"),
    ...                     (2, 80, "3 Fight against cybercrime\\t3.9 Regional networking\\t"
    ...                              "- Workshops\\tSELEC\\tForeseen\\tSeeking funding")])
    >>> rows[0].need_number, rows[0].number, rows[0].drivers, rows[0].funding
    ('3', '3.9', 'SELEC', 'Seeking funding')
    """
    data = []
    for item in lines:  # (no, start, text) or (no, start, text, cells) when read as cells
        no, start, text = item[:3]
        cells = list(item[3]) if len(item) > 3 else text.split("\t")
        if is_table_line(text) and not is_header_row(cells) and any(map(tc.clean, cells)):
            data.append((no, start, text, cells, _layout(cells)))
    known = tc.known_names([d for *_, (_, pieces, _, _) in data for p in pieces for d in p.drv])
    rows: list[TableRow] = []
    st = {"need_number": "", "need": "", "number": "", "title": "", "group": "", "last": ""}
    for no, start, text, cells, ((kind, num0, text0), pieces, line_notes, lead) in data:
        notes = list(line_notes)
        if kind == "name" and not any(map(tc.clean, cells[1:])):
            st.update(group=text0, need_number="", need="", number="", title="", last="")
            continue
        if kind == "need":
            st.update(need_number=num0, need=text0, number="", title="", last="need")
        elif kind in ("action", "letter", "name"):
            st.update(number=num0, title=text0, last="title")
        elif kind == "bare":
            notes.append(f"the NEED column holds '{num0}' alone; kept as action number {num0} "
                         f"under need {st['need_number']}")
        elif kind == "cont":
            name = "need" if st["last"] == "need" else "title"
            new = f"{st[name]} {text0}".strip()
            rows = _retitle(rows, name, st[name], new)
            st[name] = new
            notes.append(f"'{text0}' in the NEED column continues the {name} above")
        first = pieces[0]
        titled = kind not in ("empty", "cont") or any(p.number is not None for p in pieces)
        head = first.label or tc.clean(first.outputs).lstrip("-–• ")
        lower = head[:1].islower()
        cont = bool(rows) and not titled and (kind == "cont" or lower or (
            not first.label and not any(p.drv for p in pieces)))
        if cont and lower and first.label and not tc.clean(first.outputs) and not (
                first.drv or first.tl or first.fund):
            rows = _retitle(rows, "title", st["title"], f"{st['title']} {first.label}")
            st["title"] = f"{st['title']} {first.label}"
            notes.append("the action cell continues the action title above")
            first.label = ""
        if cont:
            notes.append(f"continues the row above (line {rows[-1].line})")
        if lead and rows:
            prev = rows[-1]
            last = replace(prev.parts[-1], outputs=f"{prev.parts[-1].outputs} {lead}") \
                if prev.parts else None
            rows[-1] = replace(prev, outputs=f"{prev.outputs} {lead}", parts=(
                *prev.parts[:-1], last) if last else (), notes=(
                *prev.notes, f"outputs continue on line {no}: '{lead[:40]}...'"))
        units: list[TableRow] = []
        for p in pieces:
            if p.number is not None:
                st["number"], st["title"] = p.number, p.title
            pn = [*notes, *p.notes]
            if (st["need_number"] and re.match(r"\d", st["number"])
                    and st["number"].split(".")[0] != st["need_number"] and not cont):
                pn.append(f"action number {st['number']} does not fall under need "
                          f"{st['need_number']}; kept as written")
            base: dict[str, Any] = dict(line=no, char_start=start, char_end=start + len(text), cells=tuple(cells),
                        need_number=st["need_number"], need=st["need"], number=st["number"],
                        title=st["title"], continuation=cont, group=st["group"])
            split = None if cont else _split_abc(p, known)
            if split:
                pn.append(f"{len(split)} drivers, each with its own status, funding and output: "
                          "split into parts " + ", ".join("abcdefgh"[:len(split)]))
                units += [TableRow(**base, outputs=o, drivers=d, timeline=t, funding=f,
                                   notes=tuple(pn), part="abcdefgh"[k])
                          for k, (d, t, f, o) in enumerate(split)]
                continue
            many = len(p.drv) > 1 or (p.drv and len(tc.decompose(p.drv[0], known)) > 1)
            statuses = [t for t in " ".join(p.tl).split() if tc.STATUS_WORD.match(t)
                        and t.lower() not in ("tentative", "being")]
            if many and (len(p.tl) > 1 or len(p.fund) > 1 or len(statuses) > 1
                         or len(tc.funding_items(" ".join(p.fund))) > 1
                         or len(tc.timeline_items(" ".join(p.tl))) > 1):
                pn.append("several drivers with their own statuses/fundings in one cell; "
                          "their alignment is unclear, kept as one action")
            units.append(TableRow(**base, outputs=_outputs(p), drivers="; ".join(p.drv),
                                  timeline="; ".join(p.tl), funding="; ".join(p.fund),
                                  notes=tuple(pn)))
        if len(units) == 1:
            rows.append(units[0])
        else:
            joined: dict[str, Any] = {k: "; ".join(dict.fromkeys(getattr(u, k) for u in units if getattr(u, k)))
                                      for k in ("outputs", "drivers", "timeline", "funding")}
            rows.append(replace(units[-1], part="", parts=tuple(units), notes=tuple(dict.fromkeys(
                n for u in units for n in u.notes)), **joined))
    return rows


def row_actions(rows: list[TableRow], *, plan_id: str, file: str,
                section_ids: dict[int, str]) -> list[Action]:
    """One Action per action of the table; continuation rows merge into the action above.

    ``section_ids`` maps a row's line number to the id of the Section holding it. Example::

        acts = row_actions(parse_table(block), plan_id="p", file="p.txt", section_ids={})
        acts[0].id, acts[0].drivers, acts[0].status   # ('p:1.1', ('GIZ', ...), 'ongoing')
    """
    units = [u for r in rows for u in (r.parts or (r,))]
    known = tc.known_names([d for u in units for d in u.drivers.split("; ")])
    groups: list[list[TableRow]] = []
    for r in rows:
        if r.continuation and groups:
            groups[-1].append(r)
        else:
            groups += [[u] for u in (r.parts or (r,))]
    actions: list[Action] = []
    seen: dict[str, int] = {}
    for g in groups:
        u = g[0]
        base = f"{u.number or f'row{u.line}'}{u.part}"
        seen[base] = seen.get(base, 0) + 1
        aid = f"{plan_id}:{base}" + (f"-{seen[base]}" if seen[base] > 1 else "")
        pick = [x.timeline for x in g if x.timeline]
        timeline = "; ".join(pick)
        parsed = parse_timeline(u.timeline or timeline)
        funding = "; ".join(x.funding for x in g if x.funding)
        notes = list(u.notes)
        for x in g[1:]:
            notes += [f"continued on line {x.line}"] + [
                n for n in x.notes if n not in notes and not n.startswith("continues the row")]
        if u.timeline and len(pick) > 1:
            notes.append(f"status and dates read from line {u.line}; continuation adds "
                         f"'{'; '.join(pick[1:])}'")
        actions.append(Action(
            id=aid, plan=plan_id, number=u.number,
            need=f"{u.need_number} {u.need}".strip() or u.group, title=u.title,
            text=" ".join(x.outputs for x in g if x.outputs),
            drivers=tc.split_drivers("; ".join(x.drivers for x in g if x.drivers), known),
            status=parsed.status, timeline=timeline, start=parsed.range.start,
            end=parsed.range.end, precision=parsed.range.precision,
            recurrence=parsed.range.recurrence, funding=funding,
            funding_status=funding_status(funding), amounts=parse_amounts(funding),
            section_id=section_ids.get(u.line, ""), file=file, line_start=u.line,
            line_end=g[-1].line, notes=tuple(notes)))
    return actions
