"""Web-page plans (beautifulsoup4): headings, paragraphs, lists, tables. Scripts, styles and other
non-content elements are removed before anything is read; nothing on the page is ever run.

Example::

    blocks, info = read_html("<h1>Plan</h1><ul><li>Train judges</li></ul>")
"""

from __future__ import annotations

import re

from indexer.blocks import Block
from indexer.formats.pdf import FormatInfo

DROP = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas",
        "head", "nav", "footer", "form", "button", "select")
BLOCKS = {"p", "div", "section", "article", "main", "body", "blockquote", "header", "aside", "pre",
          "figure", "figcaption", "address", "dd", "dt", "dl", "center"}


def _text(el) -> str:
    return re.sub(r"\s+", " ", el.get_text(" ", strip=True)).strip()


def _cell(el) -> str:
    """A cell's paragraphs and list items, one per line."""
    parts = []
    items = el.find_all(["p", "li"])
    if not items:
        return _text(el)
    for it in items:
        if it.find(["p", "li"]):
            continue
        t = _text(it)
        if t:
            parts.append(f"- {t}" if it.name == "li" else t)
    return "\n".join(parts)


def _table(tbl) -> Block | None:
    rows = []
    header = None
    for tr in tbl.find_all("tr"):
        if tr.find_parent("table") is not tbl:
            continue
        cells = tr.find_all(["td", "th"], recursive=False)
        row = []
        for c in cells:
            row.append(_cell(c))
            row += [""] * (min(int(c.get("colspan", 1) or 1), 20) - 1 if str(c.get("colspan", "1")).isdigit() else 0)
        if header is None and cells and all(c.name == "th" for c in cells):
            header = tuple(row)
        elif header is not None and tuple(row) == header:
            continue  # a header repeated inside the body
        else:
            rows.append(tuple(row))
    if header is None and rows:
        header, rows = rows[0], rows[1:]
    return Block("table", header=header or (), rows=tuple(rows)) if (header or rows) else None


def read_html(markup: str) -> tuple[list[Block], FormatInfo]:
    """Blocks of a web page, in document order."""
    from bs4 import BeautifulSoup, Comment

    soup = BeautifulSoup(markup, "html.parser")
    title_tag = soup.find("title")
    title = _text(title_tag) if title_tag else ""
    for el in soup.find_all(DROP):
        el.decompose()
    for c in soup.find_all(string=lambda s: isinstance(s, Comment)):
        c.extract()
    blocks: list[Block] = []
    info = FormatInfo("html")

    def walk(el, depth: int = 0) -> None:
        for child in el.children:
            name = getattr(child, "name", None)
            if name is None:
                t = re.sub(r"\s+", " ", str(child)).strip()
                if t and el.name in BLOCKS | {"[document]", "li"}:
                    blocks.append(Block("paragraph", t))
                continue
            if re.fullmatch(r"h[1-6]", name):
                t = _text(child)
                if t:
                    blocks.append(Block("heading", t, level=int(name[1])))
            elif name == "table":
                b = _table(child)
                if b:
                    blocks.append(b)
            elif name in ("ul", "ol"):
                n = 0
                for li in child.find_all("li", recursive=False):
                    n += 1
                    inner = [x for x in li.children if getattr(x, "name", None) not in ("ul", "ol", "table")]
                    t = re.sub(r"\s+", " ", " ".join(
                        x.get_text(" ", strip=True) if getattr(x, "name", None) else str(x) for x in inner)).strip()
                    if t:
                        blocks.append(Block("list_item", t, level=depth + 1,
                                            number=str(n) if name == "ol" else ""))
                    for sub in li.find_all(["ul", "ol", "table"], recursive=False):
                        walk_one(sub, depth + 1)
            elif name == "p" or (name in BLOCKS and not child.find(["p", "div", "table", "ul", "ol",
                                                                     "h1", "h2", "h3", "h4", "h5", "h6"])):
                t = _text(child)
                if t:
                    blocks.append(Block("paragraph", t))
            elif name == "br":
                continue
            else:
                walk(child, depth)

    def walk_one(el, depth: int) -> None:
        holder = type("Holder", (), {"children": [el], "name": "div"})()
        walk(holder, depth)

    walk(soup.body or soup)
    if title and not any(b.kind == "heading" for b in blocks[:3]):
        blocks.insert(0, Block("heading", title, level=1))
    return blocks, info
