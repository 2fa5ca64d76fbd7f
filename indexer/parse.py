"""Recognise a plan's structure and cut it into sections with exact character spans.

Shapes handled: Markdown headings, lettered (A.) and Roman (IV.) directions, ``1)`` / ``a)``
parts, numbered items with their ``Responsible:`` / ``Deadline:`` sub-lines, bullet lists,
short title-like headings, two-column glossaries and tab-separated tables (delegated to
``indexer.tables``).

Example::

    parsed = parse_document(text, plan_id="eco-plan", file="eco-plan.txt", sha256="...")
    parsed.plan.title, len(parsed.sections)
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field, replace

from indexer import tables
from indexer.action_tables import cell_markup, is_wbcsci_layout, read_rows, table_actions
from indexer.blocks import TableSpan
from indexer.columns import map_header
from indexer.lines import (  # noqa: F401 - re-exported: the line kinds are part of the parser's face
    ACTION_LABEL,
    ATTR,
    BULLET,
    LETTERED,
    MD_HEADING,
    NUMBERED,
    PAREN_LETTER,
    PAREN_NUM,
    ROMAN,
    Line,
    _is_glossary,
    _is_table_line,
    _table_block_end,
    _title_block_end,
    _unit_end,
    heading_of,
    split_lines,
)
from indexer.models import Action, Plan, Section
from indexer.plan_meta import plan_metadata
from indexer.text import fold, strip_markup

MAX_SECTION = 1400  # characters of clean text; longer paragraphs are cut at sentence ends


@dataclass(frozen=True)
class ParsedDocument:
    plan: Plan
    sections: tuple[Section, ...]
    table_rows: tuple[tables.TableRow, ...] = ()
    row_sections: dict = field(default_factory=dict)  # table row line -> section id
    table_actions: tuple[Action, ...] = ()  # from tables of other layouts, read as cells
    tables_found: tuple[str, ...] = ()  # one line per table: its layout and rows
    warnings: tuple[str, ...] = ()  # e.g. a table whose columns were not recognised


class _Builder:
    """Accumulates sections while keeping the heading stack."""

    def __init__(self, plan_id: str, file: str, text: str) -> None:
        self.plan_id, self.file, self.text = plan_id, file, text
        self.sections: list[Section] = []
        self.stack: list[tuple[int, str]] = []

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(title for _, title in self.stack if title)

    def push(self, level: int, title: str) -> None:
        while self.stack and self.stack[-1][0] >= level:
            self.stack.pop()
        self.stack.append((level, title))

    def add(self, lines: list[Line], kind: str, extra_path: tuple[str, ...] = ()) -> str | None:
        lines = [ln for ln in lines if not ln.blank] or lines
        raw = self.text[lines[0].start:lines[-1].end]
        clean = strip_markup(raw)
        if not clean or not re.search(r"\w", clean):
            return None
        if len(clean) > MAX_SECTION and kind in {"paragraph", "list", "item", "glossary"}:
            return self._add_split(lines, kind, extra_path)
        return self._emit(lines[0], lines[-1], lines[0].start, lines[-1].end, clean, kind, extra_path)

    def _emit(self, first: Line, last: Line, start: int, end: int, clean: str, kind: str,
              extra_path: tuple[str, ...]) -> str:
        ordinal = len(self.sections)
        sid = f"{self.plan_id}:{ordinal:04d}"
        self.sections.append(Section(
            id=sid, plan_id=self.plan_id, file=self.file, heading_path=self.path + extra_path,
            text=clean, kind=kind, char_start=start, char_end=end, line_start=first.no,
            line_end=last.no, ordinal=ordinal))
        return sid

    def _add_split(self, lines: list[Line], kind: str, extra_path: tuple[str, ...]) -> str | None:
        """Cut a long block at sentence (or bullet) ends into pieces of at most MAX_SECTION."""
        spans = [(s, e, ln) for ln in lines for s, e in _sentence_spans(self.text, ln.start, ln.end)]
        first_id = None
        chunk: list[tuple[int, int, Line]] = []

        def flush() -> None:
            nonlocal first_id
            if chunk:
                s0, e0 = chunk[0][0], chunk[-1][1]
                clean = strip_markup(self.text[s0:e0])
                if clean:
                    sid = self._emit(chunk[0][2], chunk[-1][2], s0, e0, clean, kind, extra_path)
                    first_id = first_id or sid

        for span in spans:
            if chunk and len(strip_markup(self.text[chunk[0][0]:span[1]])) > MAX_SECTION:
                flush()
                chunk = []
            chunk.append(span)
        flush()
        return first_id


def _sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of sentences (or ' - ' bullets inside table-like cells) within text[start:end]."""
    segment = text[start:end]
    cuts = [0]
    for m in re.finditer(r"(?<=[.;!?])\s+(?=\S)|\s+(?=- [A-Z])|\s+(?=<p>)", segment):
        cuts.append(m.end())
    cuts.append(len(segment))
    spans = []
    for a, b in zip(cuts, cuts[1:]):
        piece = segment[a:b].rstrip()
        if piece.strip():
            spans.append((start + a, start + a + len(piece)))
    return spans


def parse_document(text: str, *, plan_id: str, file: str, sha256: str,
                   cell_tables: tuple[TableSpan, ...] = (), page_starts: tuple[int, ...] = (),
                   item_lines: frozenset[int] = frozenset()) -> ParsedDocument:
    """Cut one plan into sections; tables go to ``indexer.tables`` one row per section.

    ``cell_tables`` are the tables a loader read as cells (PDF, Word, HTML), with the lines their
    rows occupy in ``text``; ``page_starts`` the offsets where pages start (sections get pages);
    ``item_lines`` the lines a loader knows are list items (a short numbered one is no heading)."""
    lines = split_lines(text)
    plan = plan_metadata(text, plan_id=plan_id, file=file, sha256=sha256)
    b = _Builder(plan_id, file, text)
    rows: list[tables.TableRow] = []
    row_sections: dict[int, str] = {}
    acts: list[Action] = []
    found: list[str] = []
    warnings: list[str] = []
    spans = {t.first_line: t for t in cell_tables if t.lines}
    carry: list = []  # the WBCSCi-layout rows so far, for a table that goes on after a note
    i, n = 0, len(lines)
    title_end = _title_block_end(lines)
    if title_end:
        b.add(lines[:title_end], "heading")
    i = title_end

    def next_nonblank(k: int) -> str | None:
        for j in range(k + 1, min(k + 6, n)):
            if not lines[j].blank:
                return lines[j].text
        return None

    while i < n:
        line = lines[i]
        if line.blank:
            i += 1
            continue
        span = spans.get(line.no)
        if span is None and _is_table_line(line) and not tables.is_header_row(line.text.split("\t")):
            span = _text_span(lines, i)  # a tab-separated table of another layout, in a text file
        if span is not None:
            ctx = (b, text, lines, rows, row_sections, acts, found, warnings, carry)
            if _cell_table(span, ctx, is_text=line.no not in spans):
                i = span.lines[-1][0] if span.lines else line.no
                continue
        if _is_table_line(line):
            j = _table_block_end(lines, i)
            block = [(ln.no, ln.start, ln.text) for ln in lines[i:j]]
            for row in tables.parse_table(block):
                rows.append(row)
                extra = _row_path(row)
                row_line = lines[row.line - 1]
                sid = b._emit(row_line, row_line, row.char_start, row.char_end,
                              strip_markup(text[row.char_start:row.char_end]), "table_row", extra)
                row_sections[row.line] = sid
            # text lines inside the block that are not rows (footnotes) become paragraphs
            row_lines = {r.line for r in rows}
            for ln in lines[i:j]:
                if not ln.blank and ln.no not in row_lines and not _is_table_line(ln):
                    b.add([ln], "paragraph")
            i = j
            continue
        following_blank = i + 1 >= n or lines[i + 1].blank
        head = heading_of(line.text, next_nonblank(i), following_blank)
        if head and line.no in item_lines and not any(
                p.match(line.text) for p in (LETTERED, ROMAN, PAREN_NUM, PAREN_LETTER)):
            head = None  # a short numbered list item is an item, not a heading; a lettered direction stays one
        if head:
            level, title = head
            b.push(level, title)
            # a heading whose body is one short paragraph: cite them together
            k = i + 1
            while k < n and lines[k].blank:
                k += 1
            if (k < n and not _is_table_line(lines[k]) and heading_of(lines[k].text, next_nonblank(k),
                k + 1 >= n or lines[k + 1].blank) is None and len(strip_markup(lines[k].text)) < 320
                    and not NUMBERED.match(lines[k].text) and not BULLET.match(lines[k].text)
                    and not ACTION_LABEL.match(lines[k].text)
                    and (k + 1 >= n or lines[k + 1].blank)):
                b.add([line, lines[k]], "paragraph")
                i = k + 1
            else:
                i += 1
            continue
        if _is_glossary(line):
            j = i
            while j < n and (_is_glossary(lines[j]) or (lines[j].blank and j + 1 < n
                             and _is_glossary(lines[j + 1]))):
                j += 1
            _add_in_chunks(b, lines[i:j], "glossary")
            i = j
            continue
        j = _unit_end(lines, i)
        unit = lines[i:j]
        is_item = bool(NUMBERED.match(line.text) or LETTERED.match(line.text) or ACTION_LABEL.match(line.text))
        if not BULLET.match(line.text) or is_item:
            # a lead-in ending with ':' joins the bullet list that follows it
            if strip_markup(unit[-1].text).endswith(":") and j < n:
                k = j
                while k < n and lines[k].blank:
                    k += 1
                if k < n and BULLET.match(lines[k].text) and not NUMBERED.match(lines[k].text):
                    j2 = _unit_end(lines, k)
                    b.add(unit + lines[k:j2], "list")
                    i = j2
                    continue
        b.add(unit, "item" if is_item else "list" if BULLET.match(line.text) else "paragraph")
        i = j
    sections = b.sections
    if page_starts:
        def page(offset: int) -> int:
            return max(1, bisect.bisect_right(page_starts, offset))
        sections = [replace(s, page_start=page(s.char_start), page_end=page(max(s.char_start, s.char_end - 1)))
                    for s in sections]
    if rows and not any("WBCSCi" in f for f in found):
        found.append(f"a NEED · ACTION · OUTPUTS · DRIVER · STATUS · FUNDING table, {len(rows)} rows")
    return ParsedDocument(plan=plan, sections=tuple(sections), table_rows=tuple(rows),
                          row_sections=row_sections, table_actions=tuple(acts), tables_found=tuple(found),
                          warnings=tuple(warnings))


def _text_span(lines: list[Line], i: int) -> TableSpan | None:
    """A tab-separated table in a text file whose first line is an action table's header (not the
    WBCSCi one, which ``indexer.tables`` reads): its header and rows as cells."""
    header = tuple(c.strip() for c in lines[i].text.split("\t"))
    if sum(1 for c in header if c) < 3 or not all(
            len(c) < 40 and len(c.split()) <= 5 and "<" not in c and not c[:1].isdigit() for c in header):
        return None
    cmap = map_header(header)
    if not cmap.is_action_table or is_wbcsci_layout(cmap):
        return None
    j = _table_block_end(lines, i)
    body = [ln for ln in lines[i + 1:j] if _is_table_line(ln)
            and tuple(c.strip() for c in ln.text.split("\t")) != header]
    return TableSpan(header, tuple(tuple(ln.text.split("\t")) for ln in body),
                     tuple((ln.no, ln.start, ln.end) for ln in body), (lines[i].no, lines[i].start, lines[i].end))


def _cell_table(span: TableSpan, ctx: tuple, *, is_text: bool) -> bool:
    """Sections and actions of one table read as cells; False leaves it to the text path (a two- or
    three-column table that is not an action table: a glossary, a list of country codes)."""
    b, text, lines, rows, row_sections, acts, found, warnings, carry = ctx
    cmap = map_header(span.header) if span.header else None
    width = max([len(span.header)] + [len(r) for r in span.rows])
    where = f" on page {span.page}" if span.page else ""
    names = " · ".join(h for h in span.header if h.strip()) or "no header"
    if cmap and is_wbcsci_layout(cmap) and not is_text:
        block = [(no, s, text[s:e], tuple(cell_markup(c) for c in row))
                 for row, (no, s, e) in zip(span.rows, span.lines)]
        # a table that goes on after a note (no heading between) carries the need and action
        # number down from the rows above it, as one table block of a text file does
        between = lines[carry[-1][0]:span.first_line - 1] if carry else []
        if any(MD_HEADING.match(ln.text) for ln in between):
            carry.clear()
        mine = {no for no, *_ in block}
        carry.extend(block)
        for row in tables.parse_table(list(carry)):
            if row.line not in mine:
                continue
            rows.append(row)
            row_line = lines[row.line - 1]
            row_sections[row.line] = b._emit(row_line, row_line, row.char_start, row.char_end,
                                             strip_markup(text[row.char_start:row.char_end]), "table_row",
                                             _row_path(row))
        found.append(f"action table{where} ({names}; WBCSCi layout), {len(span.rows)} rows")
        return True
    if cmap and cmap.is_action_table:
        path_of: dict[int, tuple[str, ...]] = {}
        for r in read_rows(span, cmap):
            head = tuple(x for x in (r.need, f"{r.number} {r.action[:80]}".strip()) if x)
            for no, _, _ in span.lines:
                if r.line <= no <= r.last_line:
                    path_of[no] = head
        sids = {}
        for no, s, e in span.lines:
            ln = lines[no - 1]
            sids[no] = b._emit(ln, ln, s, e, strip_markup(text[s:e]), "table_row", path_of.get(no, ()))
        new = table_actions(span, cmap, plan_id=b.plan_id, file=b.file, section_ids=sids)
        acts.extend(new)
        found.append(f"action table{where} ({names}), {len(span.rows)} rows, {len(new)} actions")
        if cmap.unrecognised:
            warnings.append(f"table{where} ({names}): columns not recognised: "
                            + ", ".join(repr(h) for h in cmap.unrecognised))
        return True
    if width <= 3:
        return False
    for no, s, e in span.lines:
        ln = lines[no - 1]
        b._emit(ln, ln, s, e, strip_markup(text[s:e]), "table_row", ())
    found.append(f"table{where} ({names}), {len(span.rows)} rows, not an action table")
    warnings.append(f"table{where} ({names}): columns not recognised as an action table"
                    + (": " + ", ".join(repr(h) for h in cmap.unrecognised) if cmap and cmap.unrecognised else ""))
    return True


def _row_path(row: tables.TableRow) -> tuple[str, ...]:
    path = []
    if row.group:
        path.append(row.group)
    if row.need_number or row.need:
        path.append(f"Need {row.need_number} {row.need}".replace("  ", " ").strip())
    if row.number or row.title:
        path.append(f"{row.number} {row.title}".strip())
    return tuple(path)


def _add_in_chunks(b: _Builder, lines: list[Line], kind: str, size: int = 900) -> None:
    chunk: list[Line] = []
    total = 0
    for ln in lines:
        length = len(fold(ln.text))
        if chunk and total + length > size:
            b.add(chunk, kind)
            chunk, total = [], 0
        if not ln.blank:
            chunk.append(ln)
            total += length
    if chunk:
        b.add(chunk, kind)
