"""PDF plans (pdfplumber): text lines with their positions, ruled tables as cells, page numbers.

Headings are the lines set larger than the body text (or bold at body size, short and alone);
their level is the rank of their size. Lines join into a paragraph unless the gap above is wider
than line spacing or a line starts a list item (``-``, ``•``). A table is read cell by cell from
the page's ruling lines; a table continued on the next page whose first row repeats the header
is joined to it without that row, and a first row that carries on a row cut by the page break is
flagged (``Block.continued``). Pages are read one at a time and released once read: their layout
objects, decoded content streams and images (:func:`_release`); what stays is their lines and
cells, and the compressed content of the pages not yet read. No text layer at all means a scanned
PDF: named and skipped.

Example::

    blocks, info = read_pdf(Path("corpus/plan.pdf"))
    info.pages, [b.kind for b in blocks][:3]
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from indexer.blocks import Block
from plans.errors import DocumentError

BULLET = re.compile(r"^\s*[-•▪◦–]\s+")
MAX_PAGES = 2000


@dataclass
class FormatInfo:
    format: str
    pages: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass(slots=True)  # a long PDF keeps every page's lines until the last page sets the body size
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool


def _lines(words: list[dict]) -> list[_Line]:
    """Words grouped into lines by their top (2 pt tolerance), left to right."""
    rows: list[list[dict]] = []
    for w in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if rows and abs(rows[-1][0]["top"] - w["top"]) <= 2:
            rows[-1].append(w)
        else:
            rows.append([w])
    out = []
    for ws in rows:
        ws.sort(key=lambda w: w["x0"])
        out.append(_Line(" ".join(w["text"] for w in ws), ws[0]["x0"], ws[-1]["x1"],
                         min(w["top"] for w in ws), max(w["bottom"] for w in ws),
                         max(round(w.get("size", 0), 1) for w in ws),
                         all("bold" in str(w.get("fontname", "")).lower() for w in ws)))
    return out


def _paragraphs(lines: list[_Line], width: float) -> list[tuple[_Line, str]]:
    """Join wrapped lines: (first line, text) per paragraph or list item."""
    out: list[tuple[_Line, str]] = []
    prev: _Line | None = None
    for ln in lines:
        new = (prev is None or BULLET.match(ln.text) or abs(ln.size - prev.size) > 0.4
               or ln.bold != prev.bold
               or ln.top - prev.bottom > 0.45 * max(ln.size, 1)
               or (prev.text.rstrip().endswith((".", ":", ";")) and prev.x1 - prev.x0 < 0.7 * width))
        if new:
            out.append((ln, ln.text))
        else:
            first, text = out[-1]
            out[-1] = (first, text[:-1] + ln.text if text.endswith("-") and text[-2:-1].isalpha()
                       and ln.text[:1].islower() else f"{text} {ln.text}")
        prev = ln
    return out


def cell_text(words: list[dict]) -> str:
    """A cell's paragraphs and list items, one per line (``- `` before a list item)."""
    lines = _lines(words)
    if not lines:
        return ""
    width = max(ln.x1 for ln in lines) - min(ln.x0 for ln in lines)
    parts = []
    for _, text in _paragraphs(lines, width):
        m = BULLET.match(text)
        parts.append("- " + text[m.end():] if m else text)
    return "\n".join(parts)


def _in(word: dict, box: tuple[float, float, float, float]) -> bool:
    cx, cy = (word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2
    return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]


def _same(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    norm = [re.sub(r"\W+", "", x).casefold() for x in a], [re.sub(r"\W+", "", x).casefold() for x in b]
    return norm[0] == norm[1] and any(norm[0])


def read_pdf(path: Path, *, progress: bool | None = None) -> tuple[list[Block], FormatInfo]:
    """Blocks of a PDF; DocumentError for an encrypted, corrupt or scanned (no text) file. A long
    PDF (over 50 pages) shows a progress bar on a terminal unless ``progress`` is False."""
    import pdfplumber

    info = FormatInfo("pdf")
    try:
        pdf = pdfplumber.open(str(path))
    except Exception as exc:  # pdfminer raises many types: password, syntax, EOF...
        name = type(exc).__name__
        if "password" in name.lower() or "encrypt" in str(exc).lower() or "Password" in repr(exc):
            raise DocumentError("the PDF is encrypted (it needs a password)") from exc
        raise DocumentError(f"the PDF cannot be read ({name}: {str(exc)[:80] or 'corrupt'})") from exc
    pages: list[tuple[list[_Line], list[tuple[tuple, list[tuple[str, ...]], float]], float]] = []
    sizes: Counter = Counter()
    chars = 0
    images = 0
    try:
        n = len(pdf.pages)
        if n > MAX_PAGES:
            raise DocumentError(f"the PDF has {n} pages, over the {MAX_PAGES}-page limit")
        info.pages = n
        from tqdm import tqdm

        show = progress is True or (progress is None and n > 50)
        for page in tqdm(pdf.pages, desc=f"reading {path.name}", disable=None if show else True, leave=False):
            cached = _cached_ids(pdf)
            words = page.extract_words(extra_attrs=["fontname", "size"], keep_blank_chars=False)
            chars += sum(len(w["text"]) for w in words)
            images += len(page.images)
            tables = []
            for t in page.find_tables():
                rows = []
                for row in t.rows:
                    rows.append(tuple(cell_text([w for w in words if _in(w, c)]) if c else ""
                                      for c in row.cells))
                tables.append((t.bbox, rows, t.rows[-1].bbox[3] if t.rows else t.bbox[3]))
            free = [w for w in words if not any(_in(w, tb[0]) for tb in tables)]
            lines = _lines(free)
            for ln in lines:
                sizes[ln.size] += len(ln.text)
            pages.append((lines, tables, float(page.width)))
            _release(pdf, page, cached)
    except DocumentError:
        raise
    except Exception as exc:
        raise DocumentError(f"the PDF cannot be read ({type(exc).__name__}: {str(exc)[:80]})") from exc
    finally:
        pdf.close()
    if chars == 0:
        why = f"{images} images and " if images else ""
        raise DocumentError(f"a scanned PDF with no text layer ({why}no characters on {info.pages} pages); "
                            "OCR is not supported")
    return _blocks(pages, sizes), info


def _cached_ids(pdf: Any) -> set[int]:
    """The ids of the objects in pdfminer's document cache (before a page is read)."""
    return set(getattr(pdf.doc, "_cached_objs", ()))


def _release(pdf: Any, page: Any, cached_before: set[int]) -> None:
    """Forget what was kept of a page once it is read. pdfplumber's ``close`` drops its layout
    objects, but pdfminer holds the page's content streams (decoded, on the page object and in the
    document's object cache) and every stream first loaded for it (images, forms) until the file is
    closed: a 500-page file would end holding all of them. Dropped here; a stream another page
    shares is read again from the file when that page needs it (fonts stay cached). The cache is
    a private attribute of pdfminer: without it, only the page object's streams are dropped (the
    test of a long PDF would say so)."""
    from pdfminer.pdftypes import PDFStream

    cache = getattr(pdf.doc, "_cached_objs", None)
    own = {id(s) for s in page.page_obj.contents}
    if isinstance(cache, dict):
        for objid in [k for k, (obj, _) in cache.items()
                      if isinstance(obj, PDFStream) and (k not in cached_before or id(obj) in own)]:
            del cache[objid]
    page.page_obj.contents = []
    page.close()  # pdfplumber's own caches: characters, words, layout


def _blocks(pages: list, sizes: Counter) -> list[Block]:
    body = sizes.most_common(1)[0][0] if sizes else 10.0
    bigger = sorted({s for s in sizes if s > body + 0.4}, reverse=True)
    level_of = {s: i + 1 for i, s in enumerate(bigger)}
    bottom = max((tb[2] for _, tables, _ in pages for tb in tables), default=0.0)
    blocks: list[Block] = []
    last_table_bottom = 0.0
    for no, (lines, tables, width) in enumerate(pages, start=1):
        blocks.append(Block("page_break", page=no))
        items: list[tuple[float, Any]] = [(tb[0][1], tb) for tb in tables]  # a table's (bbox, rows, bottom) or a
        # paragraph's (first line, text)
        text_width = (max((ln.x1 for ln in lines), default=0) - min((ln.x0 for ln in lines), default=0)) or width
        left = min((ln.x0 for ln in lines), default=0.0)
        for first, text in _paragraphs(lines, text_width):
            items.append((first.top, (first, text)))
        items.sort(key=lambda it: it[0])
        for _, item in items:
            if isinstance(item, tuple) and len(item) == 3 and isinstance(item[1], list):
                bbox, rows, row_bottom = item
                rows = [r for r in rows if any(c.strip() for c in r)]
                if not rows:
                    continue
                prev = _last_table(blocks)
                if prev is not None and len(rows[0]) == len(prev.header or prev.rows[0]):
                    if _same(rows[0], prev.header):
                        rows = rows[1:]
                    cut = last_table_bottom >= bottom - 14  # the row above ran to the page's end
                    k = len(prev.rows)
                    blocks[blocks.index(prev)] = Block(
                        "table", header=prev.header, rows=prev.rows + tuple(rows), page=prev.page,
                        continued=prev.continued + ((k,) if cut and rows else ()),
                        row_pages=prev.row_pages + (no,) * len(rows))
                else:
                    blocks.append(Block("table", header=rows[0], rows=tuple(rows[1:]), page=no,
                                        row_pages=(no,) * (len(rows) - 1)))
                last_table_bottom = row_bottom
                continue
            first, text = item
            m = BULLET.match(text)
            if first.size in level_of and len(text) < 200:
                blocks.append(Block("heading", text, level=level_of[first.size], page=no))
            elif first.bold and abs(first.size - body) <= 0.4 and len(text) < 120 and not m:
                blocks.append(Block("heading", text, level=len(bigger) + 1, page=no))
            elif m:
                level = 1 + max(0, round((first.x0 - left) / 12))
                blocks.append(Block("list_item", text[m.end():], level=level, page=no))
            elif blocks and blocks[-1].kind == "page_break" and text[:1].islower() and \
                    (found := _last_text(blocks)) is not None:
                k, prev = found
                blocks[k] = Block(prev.kind, f"{prev.text} {text}", level=prev.level, page=prev.page)
            else:
                blocks.append(Block("paragraph", text, page=no))
            last_table_bottom = 0.0
    return blocks


def _last_table(blocks: list[Block]) -> Block | None:
    """The table just before (only page breaks between): the one a table at a page top continues."""
    for b in reversed(blocks):
        if b.kind == "table":
            return b
        if b.kind != "page_break":
            return None
    return None


def _last_text(blocks: list[Block]) -> tuple[int, Block] | None:
    for k in range(len(blocks) - 1, -1, -1):
        if blocks[k].kind in ("paragraph", "list_item"):
            return k, blocks[k]
        if blocks[k].kind != "page_break":
            return None
    return None
