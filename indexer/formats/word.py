"""Word plans (``.docx``, python-docx): headings by style, numbered and bulleted lists, tables cell
by cell, page breaks.

A ``.docx`` is a zip: before anything is unpacked its directory is checked — the sum of the
uncompressed sizes, each member's compression ratio and the number of members — so a zip bomb
is refused without inflating it.

Example::

    blocks, info = read_docx(Path("corpus/plan.docx"))
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from indexer.blocks import Block
from indexer.formats.pdf import FormatInfo
from plans.errors import DocumentError

MAX_UNPACKED = 200 * 1024 * 1024  # all members together, uncompressed
MAX_RATIO = 200  # uncompressed / compressed for any member over 1 MB (text XML reaches ~20)
MAX_MEMBERS = 5000
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def check_zip(path: Path) -> None:
    """Refuse a zip whose directory promises too much (DocumentError says what)."""
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise DocumentError(f"the Word file is not a valid .docx (zip) file ({exc})") from exc
    if len(infos) > MAX_MEMBERS:
        raise DocumentError(f"the .docx holds {len(infos)} parts, over the {MAX_MEMBERS} limit")
    total = sum(i.file_size for i in infos)
    if total > MAX_UNPACKED:
        raise DocumentError(f"the .docx would unpack to {total / 2**20:.0f} MB, over the "
                            f"{MAX_UNPACKED // 2**20} MB limit (a zip bomb?); not unpacked")
    for i in infos:
        if i.file_size > 2**20 and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            raise DocumentError(f"the .docx part {i.filename} would unpack {i.file_size // max(i.compress_size, 1)}"
                                f" times its packed size (a zip bomb?); not unpacked")


def _heading_level(style: str) -> int | None:
    m = re.match(r"^(?:heading|überschrift|titre)\s*(\d)$", style, re.I)
    if m:
        return int(m.group(1))
    return 1 if style.lower() in ("title",) else None


def _list_info(par, style: str) -> tuple[bool, bool, int]:
    """(is a list item, numbered, level) from the style name or the paragraph's numbering."""
    m = re.match(r"^list (bullet|number|paragraph)\s*(\d)?$", style, re.I)
    ppr = par._p.pPr
    num = ppr.numPr if ppr is not None else None
    if m:
        return True, m.group(1).lower() == "number", int(m.group(2) or 1)
    if num is not None:
        ilvl = num.ilvl.val if num.ilvl is not None else 0
        return True, False, int(ilvl) + 1
    return False, False, 1


def _cell_text(cell) -> str:
    parts = []
    for p in cell.paragraphs:
        text = p.text.strip()
        if not text:
            continue
        is_list, _, _ = _list_info(p, p.style.name if p.style is not None else "")
        parts.append(f"- {text}" if is_list and not text.startswith("- ") else text)
    return "\n".join(parts)


def _table(tbl) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """Header row and data rows; a merged cell counts once; repeated header rows are dropped."""
    rows: list[tuple[str, ...]] = []
    header_flags: list[bool] = []
    for row in tbl.rows:
        seen = set()
        cells = []
        for c in row.cells:
            key = id(c._tc)
            cells.append("" if key in seen else _cell_text(c))
            seen.add(key)
        rows.append(tuple(cells))
        trpr = row._tr.trPr
        header_flags.append(trpr is not None and trpr.find(f"{_W}tblHeader") is not None)
    if not rows:
        return (), []
    header = rows[0]
    body = [r for r, flag in zip(rows[1:], header_flags[1:]) if not (flag and r == header)]
    return header, body


def read_docx(path: Path) -> tuple[list[Block], FormatInfo]:
    """Blocks of a .docx in document order; DocumentError for a bad or oversized file."""
    check_zip(path)
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
    except Exception as exc:
        raise DocumentError(f"the Word file cannot be read ({type(exc).__name__}: {str(exc)[:80]})") from exc
    info = FormatInfo("docx")
    blocks: list[Block] = []
    page = 1
    counters: dict[int, int] = {}
    for child in document.element.body.iterchildren():
        if child.tag == f"{_W}tbl":
            header, rows = _table(Table(child, document))
            if header or rows:
                blocks.append(Block("table", header=header, rows=tuple(rows), page=page))
            counters.clear()
            continue
        if child.tag != f"{_W}p":
            continue
        par = Paragraph(child, document)
        breaks = len(child.findall(f".//{_W}br[@{_W}type='page']"))
        if child.find(f".//{_W}lastRenderedPageBreak") is not None and not breaks:
            breaks = 0
        text = par.text.strip()
        style = par.style.name if par.style is not None else ""
        if text:
            level = _heading_level(style)
            is_list, numbered, lvl = _list_info(par, style)
            if level:
                blocks.append(Block("heading", text, level=level, page=page))
                counters.clear()
            elif is_list:
                number = ""
                if numbered:
                    counters[lvl] = counters.get(lvl, 0) + 1
                    for deeper in [k for k in counters if k > lvl]:
                        del counters[deeper]
                    number = str(counters[lvl])
                blocks.append(Block("list_item", text, level=lvl, number=number, page=page))
            else:
                blocks.append(Block("paragraph", text, page=page))
                counters.clear()
        for _ in range(breaks):
            page += 1
            blocks.append(Block("page_break", page=page))
    info.pages = page
    return blocks, info
