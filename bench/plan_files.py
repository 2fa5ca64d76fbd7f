"""Write a plan as people receive it — a PDF (fpdf2), a Word file (python-docx) or a web page — from
the document model (:mod:`indexer.blocks`), and read a text plan of the corpus into that model the
way its original looked: Markdown headings as headings, ``-`` lines as list items, tab-separated
lines as ruled tables (the WBCSCi table with its cells' paragraphs and lists), the rest paragraphs.

The PDF is laid out like a word processor's: headings set larger and bold, paragraphs with space
after them, tables ruled cell by cell with the header repeated at the top of each page, and a row
too tall for what is left of a page cut at the page break and carried on below the repeated header.

Example::

    blocks = text_to_blocks(Path("corpus/bsec-plan-of-action-2021.txt").read_text())
    write_pdf(blocks, Path("/tmp/bsec.pdf")); write_docx(blocks, Path("/tmp/bsec.docx"))
"""

from __future__ import annotations

import html as html_lib
import re
from pathlib import Path

from indexer.blocks import Block

_TAGS = re.compile(r"</?(?:u|i|b|em|strong|span|sup|sub|br)\b[^>]*>", re.I)
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
_ASCII = str.maketrans({"–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "•": "-", "č": "c",
                        "\u00a0": " "})


def inline(text: str) -> str:
    """Inline markup as a reader sees it: emphasis and underline tags gone, entities decoded."""
    text = _TAGS.sub("", text).replace("**", "")
    text = re.sub(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?!\w)", r"\1", text)
    text = re.sub(r"<(https?://[^>\s]+)>", r"\1", text)
    return re.sub(r"[ \t]+", " ", html_lib.unescape(text)).strip()


def cell_from_markup(cell: str) -> str:
    """A flattened cell (``<p>a</p> <ul> - b - c``) as the model's cell: 'a\\n- b\\n- c'. A ``<ul>``
    whose items carry no dashes is one list item (where its items end is not written)."""
    out: list[str] = []
    in_list = False
    for piece in re.split(r"(</?p>|<ul[^>]*>|</ul>|</?li>)", cell):
        if re.fullmatch(r"</?p>|<ul[^>]*>|</ul>|</?li>", piece):
            in_list = piece.startswith("<ul") or (in_list and piece.startswith("<li"))
            continue
        piece = inline(piece)
        if not piece or piece in "-–":
            continue
        if re.match(r"^-\s", piece):
            out += ["- " + x.strip() for x in re.split(r"(?:^|\s)-\s", piece) if x.strip()]
        elif in_list:
            out.append("- " + piece)
        else:
            out.append(piece)
    return "\n".join(out)


def _is_header(cells: list[str]) -> bool:
    from indexer.tables import is_header_row

    return is_header_row(cells)


def text_to_blocks(text: str) -> list[Block]:
    """A corpus text plan in the document model (see the module doc)."""
    blocks: list[Block] = []
    table: list[list[str]] = []
    header: tuple[str, ...] = ()
    last_header: tuple[str, ...] = ()
    width = 0

    def flush() -> None:
        nonlocal table, header, width
        if table or header:
            rows = tuple(tuple(r) + ("",) * (width - len(r)) for r in table)
            head = tuple(header) + ("",) * (width - len(header)) if header else ()
            blocks.append(Block("table", header=head, rows=rows))
        table, header, width = [], (), 0

    for raw in text.replace("\r\n", "\n").split("\n"):
        if not raw.strip():
            continue
        if "\t" in raw:
            cells = raw.split("\t")
            wide = len(cells) >= 4
            if table and wide != (width >= 4):
                flush()
            if wide and _is_header(cells):
                if table or header:
                    if tuple(cells) == header or not table:
                        continue  # the header repeated at a page break of the original
                    flush()
                header = last_header = tuple(c.strip() for c in cells)
                width = max(width, len(cells))
                continue
            if wide and not table and not header and last_header:
                header = last_header  # the table goes on after a note: its header is shown again
            cells = [cell_from_markup(c) if wide else inline(c) for c in cells]
            width = max(width, len(cells), len(header))
            table.append(cells)
            continue
        flush()
        m = re.match(r"^\s*(#{1,6})\s+(.*)$", raw)
        if m:
            t = inline(m.group(2)).strip(" #")
            if t:
                blocks.append(Block("heading", t, level=len(m.group(1))))
            continue
        m = re.match(r"^(\s*)[-•*–]\s+(\S.*)$", raw)
        if m:
            blocks.append(Block("list_item", inline(m.group(2)), level=1 + (len(m.group(1)) > 0)))
            continue
        t = inline(raw)
        if t and t not in {"-"}:
            blocks.append(Block("paragraph", t))
    flush()
    return blocks


# -- PDF ---------------------------------------------------------------------------------------
BODY = 10.0
HEADING_SIZES = {1: 16.0, 2: 14.0, 3: 12.5, 4: 11.5, 5: 11.0, 6: 11.0}
TABLE_SIZE = 7.0
MARGIN = 42.0


class _Pdf:
    def __init__(self, *, split_rows: bool, landscape: bool) -> None:
        from fpdf import FPDF

        self.pdf = FPDF(orientation="L" if landscape else "P", unit="pt", format="A4")
        self.pdf.set_margins(MARGIN, MARGIN, MARGIN)
        self.pdf.set_auto_page_break(True, MARGIN)
        self.unicode = (FONT_DIR / "DejaVuSans.ttf").exists() and (FONT_DIR / "DejaVuSans-Bold.ttf").exists()
        if self.unicode:
            self.pdf.add_font("Body", "", str(FONT_DIR / "DejaVuSans.ttf"))
            self.pdf.add_font("Body", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
            self.family = "Body"
        else:  # core fonts: Latin-1 only
            self.family = "Helvetica"
        self.split_rows = split_rows
        self.pdf.add_page()

    def t(self, text: str) -> str:
        return text if self.unicode else text.translate(_ASCII).encode("latin-1", "replace").decode("latin-1")

    @property
    def bottom(self) -> float:
        return self.pdf.h - MARGIN

    def para(self, text: str, size: float = BODY, bold: bool = False, indent: float = 0.0) -> None:
        p = self.pdf
        p.set_font(self.family, "B" if bold else "", size)
        p.set_x(MARGIN + indent)
        p.multi_cell(p.w - 2 * MARGIN - indent, size * 1.3, self.t(text), new_x="LMARGIN", new_y="NEXT")
        p.ln(size * 0.7)

    def _wrap(self, text: str, width: float, bold: bool) -> list[tuple[str, float]]:
        """(line, gap before it) for a cell's paragraphs and items."""
        p = self.pdf
        p.set_font(self.family, "B" if bold else "", TABLE_SIZE)
        out: list[tuple[str, float]] = []
        for k, par in enumerate(x for x in text.split("\n") if x.strip()):
            lines = p.multi_cell(width, TABLE_SIZE * 1.25, self.t(par), dry_run=True, output="LINES")
            for j, ln in enumerate(lines):
                out.append((ln, TABLE_SIZE * 0.6 if k and not j else 0.0))
        return out

    def table(self, header: tuple[str, ...], rows: tuple[tuple[str, ...], ...]) -> None:
        p = self.pdf
        ncols = max([len(header)] + [len(r) for r in rows])
        avail = p.w - 2 * MARGIN
        weight = [1.0] * ncols
        for r in rows:
            for i, c in enumerate(r):
                weight[i] += len(c)
        weight = [max(w, 0.08 * sum(weight)) ** 0.5 for w in weight]
        widths = [avail * w / sum(weight) for w in weight]
        pad, lh = 2.5, TABLE_SIZE * 1.25
        p.set_auto_page_break(False)

        def wrap(cells: tuple[str, ...], bold: bool = False) -> list[list[tuple[str, float]]]:
            cells = tuple(cells) + ("",) * (ncols - len(cells))
            return [self._wrap(c, w - 2 * pad, bold) for c, w in zip(cells, widths)]

        def height(cols: list[list[tuple[str, float]]]) -> float:
            return max([sum(lh + g for _, g in c) for c in cols] + [lh]) + 2 * pad

        def draw(cols: list[list[tuple[str, float]]], bold: bool = False) -> None:
            y0, x = p.get_y(), MARGIN
            h = height(cols)
            p.set_font(self.family, "B" if bold else "", TABLE_SIZE)
            for c, w in zip(cols, widths):
                p.rect(x, y0, w, h)
                y = y0 + pad
                for text, gap in c:
                    y += gap
                    p.text(x + pad, y + TABLE_SIZE, text)
                    y += lh
                x += w
            p.set_y(y0 + h)

        head = wrap(header, True) if header else None
        if head and p.get_y() + height(head) + 3 * lh + 2 * pad > self.bottom:
            p.add_page()
        if head:
            draw(head, True)
        for row in rows:
            cols = wrap(row)
            while True:
                room = self.bottom - p.get_y()
                if height(cols) <= room:
                    draw(cols)
                    break
                page_room = self.bottom - MARGIN - (height(head) if head else 0)
                if (self.split_rows or height(cols) > page_room) and room > 3 * lh + 2 * pad:
                    first, rest = [], []
                    for c in cols:  # cut each cell where the page ends
                        used, k = 2 * pad, 0
                        while k < len(c) and used + lh + c[k][1] <= room:
                            used += lh + c[k][1]
                            k += 1
                        first.append(c[:k])
                        rest.append([(t, g if j else 0.0) for j, (t, g) in enumerate(c[k:])])
                    draw(first)
                    cols = rest
                p.add_page()
                if head:
                    draw(head, True)
        p.set_auto_page_break(True, MARGIN)
        p.ln(BODY * 0.7)


def write_pdf(blocks: list[Block], path: Path, *, split_rows: bool = False) -> Path:
    """The blocks as a PDF; ``split_rows`` cuts any row that does not fit at the page break (else
    only rows taller than a page are cut, the rest start on the next page)."""
    wide = any(b.kind == "table" and len(b.header or (b.rows[0] if b.rows else ())) >= 4 for b in blocks)
    doc = _Pdf(split_rows=split_rows, landscape=wide)
    for b in blocks:
        if b.kind == "heading":
            doc.para(b.text, HEADING_SIZES.get(b.level, BODY + 1), bold=True)
        elif b.kind == "paragraph":
            doc.para(b.text)
        elif b.kind == "list_item":
            mark = f"{b.number}." if b.number else "-"
            doc.para(f"{mark} {b.text}", indent=18.0 * (b.level - 1))
        elif b.kind == "table":
            doc.table(b.header, b.rows)
        elif b.kind == "page_break":
            doc.pdf.add_page()
    doc.pdf.output(str(path))
    return path


# -- Word ----------------------------------------------------------------------------------------
def write_docx(blocks: list[Block], path: Path) -> Path:
    """The blocks as a .docx: heading styles, List Bullet / List Number styles, ruled tables whose
    header row repeats on each page, paragraphs and lists inside cells."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    d = docx.Document()

    def fill(cell, text: str) -> None:
        parts = [x for x in text.split("\n") if x.strip()] or [""]
        cell.paragraphs[0].text = ""
        for k, part in enumerate(parts):
            par = cell.paragraphs[0] if k == 0 else cell.add_paragraph()
            if part.startswith("- "):
                par.style = d.styles["List Bullet"]
                part = part[2:]
            par.add_run(part)

    for b in blocks:
        if b.kind == "heading":
            d.add_heading(b.text, level=min(max(b.level, 1), 9))
        elif b.kind == "paragraph":
            d.add_paragraph(b.text)
        elif b.kind == "list_item":
            style = ("List Number" if b.number else "List Bullet") + (f" {b.level}" if b.level > 1 else "")
            d.add_paragraph(b.text, style=style)
        elif b.kind == "page_break":
            d.add_page_break()
        elif b.kind == "table":
            ncols = max([len(b.header)] + [len(r) for r in b.rows])
            rows = ([b.header] if b.header else []) + list(b.rows)
            t = d.add_table(rows=len(rows), cols=ncols)
            t.style = d.styles["Table Grid"]
            for r, row in zip(t.rows, rows):
                for c, text in zip(r.cells, tuple(row) + ("",) * (ncols - len(row))):
                    fill(c, text)
            if b.header:
                trpr = t.rows[0]._tr.get_or_add_trPr()
                flag = OxmlElement("w:tblHeader")
                flag.set(qn("w:val"), "true")
                trpr.append(flag)
    d.save(str(path))
    return path


# -- HTML ----------------------------------------------------------------------------------------
def write_html(blocks: list[Block], path: Path, *, title: str = "") -> Path:
    """The blocks as a web page (headings, paragraphs, lists, tables with <th> headers)."""
    esc = html_lib.escape
    out = ["<!doctype html><html><head><meta charset='utf-8'>"
           f"<title>{esc(title)}</title><style>td{{border:1px solid}}</style></head><body>"]
    open_list = ""
    for b in blocks:
        kind = "ol" if b.kind == "list_item" and b.number else "ul" if b.kind == "list_item" else ""
        if open_list and open_list != kind:
            out.append(f"</{open_list}>")
            open_list = ""
        if b.kind == "heading":
            out.append(f"<h{min(b.level, 6)}>{esc(b.text)}</h{min(b.level, 6)}>")
        elif b.kind == "paragraph":
            out.append(f"<p>{esc(b.text)}</p>")
        elif b.kind == "list_item":
            if not open_list:
                out.append(f"<{kind}>")
                open_list = kind
            out.append(f"<li>{esc(b.text)}</li>")
        elif b.kind == "table":
            def cell(text: str, tag: str) -> str:
                parts = [x for x in text.split("\n") if x.strip()]
                inner = "".join(f"<ul><li>{esc(x[2:])}</li></ul>" if x.startswith("- ") else f"<p>{esc(x)}</p>"
                                for x in parts) if len(parts) > 1 else esc(parts[0] if parts else "")
                return f"<{tag}>{inner}</{tag}>"
            out.append("<table>")
            if b.header:
                out.append("<tr>" + "".join(cell(h, "th") for h in b.header) + "</tr>")
            out += ["<tr>" + "".join(cell(c, "td") for c in r) + "</tr>" for r in b.rows]
            out.append("</table>")
    if open_list:
        out.append(f"</{open_list}>")
    out.append("</body></html>")
    path.write_text("\n".join(out), encoding="utf-8")
    return path


def write_as(text_path: Path, out_dir: Path, fmt: str) -> Path:
    """One corpus text plan written as ``fmt`` (pdf, docx, html) into ``out_dir``, same stem."""
    blocks = text_to_blocks(text_path.read_text(encoding="utf-8"))
    out = out_dir / f"{text_path.stem}.{fmt}"
    return {"pdf": write_pdf, "docx": write_docx, "html": write_html}[fmt](blocks, out)
