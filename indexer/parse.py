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

import re
from dataclasses import dataclass, field

from indexer import tables
from indexer.lines import (  # noqa: F401 - re-exported: the line kinds are part of the parser's face
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
from indexer.models import Plan, Section
from indexer.plan_meta import plan_metadata
from indexer.text import fold, strip_markup

MAX_SECTION = 1400  # characters of clean text; longer paragraphs are cut at sentence ends


@dataclass(frozen=True)
class ParsedDocument:
    plan: Plan
    sections: tuple[Section, ...]
    table_rows: tuple[tables.TableRow, ...] = ()
    row_sections: dict = field(default_factory=dict)  # table row line -> section id


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


def parse_document(text: str, *, plan_id: str, file: str, sha256: str) -> ParsedDocument:
    """Cut one plan into sections; tables go to ``indexer.tables`` one row per section."""
    lines = split_lines(text)
    plan = plan_metadata(text, plan_id=plan_id, file=file, sha256=sha256)
    b = _Builder(plan_id, file, text)
    rows: list[tables.TableRow] = []
    row_sections: dict[int, str] = {}
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
        is_item = bool(NUMBERED.match(line.text) or LETTERED.match(line.text))
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
    return ParsedDocument(plan=plan, sections=tuple(b.sections), table_rows=tuple(rows),
                          row_sections=row_sections)


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
