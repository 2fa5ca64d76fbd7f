"""One document model for every format: a plan is a list of blocks.

A loader (``indexer.formats``) turns a PDF, a Word file or a web page into blocks — a heading with
its level, a paragraph, a list item, a table (header row + rows of cells), a page break — and
:func:`render` lays them out as the plain text the section splitter reads and the citations quote,
keeping for each table the lines its rows occupy (so the rows reach the action extractor as
cells, not as text split again) and for each page the offset where it starts.

A cell is plain text: its paragraphs separated by ``\\n``, list items starting with ``- ``.

Example::

    doc = render([Block("heading", "1) Aims", level=2), Block("paragraph", "Cut crime.")])
    doc.text   # '## 1) Aims\\n\\nCut crime.\\n'
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

KINDS = ("heading", "paragraph", "list_item", "table", "page_break")


@dataclass(frozen=True)
class Block:
    kind: str  # one of KINDS
    text: str = ""  # heading / paragraph / list item text (one paragraph, no newlines)
    level: int = 1  # heading level (1 = top) or list nesting level (1 = outermost)
    number: str = ""  # a list item's number as the document shows it ("3", "b"); "" for bullets
    header: tuple[str, ...] = ()  # table: the header row ("" where a column has no name)
    rows: tuple[tuple[str, ...], ...] = ()  # table: data rows, one cell per column
    page: int = 0  # 1-based page it starts on (0: the format has no pages)
    continued: tuple[int, ...] = ()  # table: rows that carry on a row cut by a page break
    row_pages: tuple[int, ...] = ()  # table: the page each row starts on (a table may span pages)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown block kind {self.kind!r}; expected one of {KINDS}")


@dataclass(frozen=True)
class TableSpan:
    """Where a table's rows lie in the rendered text: line numbers (1-based) and offsets per row."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    lines: tuple[tuple[int, int, int], ...]  # (line no, char start, char end) of each row
    header_line: tuple[int, int, int] | None = None
    page: int = 0
    continued: tuple[int, ...] = ()  # rows that began on the page before (split by a page break)

    @property
    def first_line(self) -> int:
        return self.header_line[0] if self.header_line else self.lines[0][0] if self.lines else 0


@dataclass(frozen=True)
class Rendered:
    text: str
    tables: tuple[TableSpan, ...] = ()
    page_starts: tuple[int, ...] = ()  # char offset where page 1, 2, ... starts
    item_lines: frozenset[int] = frozenset()  # lines that are list items (never read as headings)
    blocks: tuple[Block, ...] = field(default=(), repr=False)

    @property
    def pages(self) -> int:
        return len(self.page_starts)

    def page_at(self, offset: int) -> int | None:
        """The 1-based page holding ``offset``; None when the format has no pages."""
        if not self.page_starts:
            return None
        return max(1, bisect.bisect_right(self.page_starts, offset))


def one_line(text: str) -> str:
    """A cell or paragraph on one line: tabs and newlines become spaces."""
    return re.sub(r"[ \t\r\n\u00a0]+", " ", text).strip()


def render(blocks: list[Block] | tuple[Block, ...]) -> Rendered:
    """Lay blocks out as text: headings as Markdown headings, list items as ``- `` / ``3. `` lines
    (a run of items kept together), tables one tab-separated line per row, a blank line between
    blocks. Returns the text, the tables' line spans and the page start offsets."""
    out: list[str] = []
    pos = 0
    line_no = 1
    tables: list[TableSpan] = []
    page_starts: list[int] = []
    items: set[int] = set()
    prev = ""

    def emit(line: str) -> tuple[int, int, int]:
        nonlocal pos, line_no
        start = pos
        out.append(line + "\n")
        pos += len(line) + 1
        line_no += 1
        return line_no - 1, start, start + len(line)

    for b in blocks:
        if b.page and len(page_starts) < b.page:
            while len(page_starts) < b.page:
                page_starts.append(pos)
        if b.kind == "page_break":
            continue
        if out and not (b.kind == "list_item" and prev == "list_item"):
            emit("")  # a blank line between blocks; a list's items stay together
        if b.kind == "heading":
            emit("#" * max(1, min(b.level, 6)) + " " + one_line(b.text))
        elif b.kind == "list_item":
            mark = f"{b.number}." if b.number and b.number.isdigit() else (
                f"{b.number})" if b.number else "-")
            items.add(emit("  " * (max(b.level, 1) - 1) + f"{mark} {one_line(b.text)}")[0])
        elif b.kind == "paragraph":
            emit(one_line(b.text))
        elif b.kind == "table":
            width = max([len(b.header)] + [len(r) for r in b.rows]) if (b.header or b.rows) else 0

            def line_of(row: tuple[str, ...], width: int = width) -> str:
                cells = [one_line(c) for c in row] + [""] * (width - len(row))
                return "\t".join(cells) if width >= 2 else cells[0]

            head = emit(line_of(b.header)) if any(map(one_line, b.header)) else None
            kept: list[tuple[str, ...]] = []
            spans: list[tuple[int, int, int]] = []
            cont: list[int] = []
            for k, row in enumerate(b.rows):
                if not any(map(one_line, row)):
                    continue
                if k in b.continued:
                    cont.append(len(kept))
                if k < len(b.row_pages):
                    while len(page_starts) < b.row_pages[k]:
                        page_starts.append(pos)
                kept.append(row)
                spans.append(emit(line_of(row)))
            tables.append(TableSpan(b.header if head else (), tuple(kept), tuple(spans), head, b.page,
                                    tuple(cont)))
        prev = b.kind
    return Rendered("".join(out), tuple(tables), tuple(page_starts), frozenset(items), tuple(blocks))
