"""Loaders for plans as people have them — PDF, Word (``.docx``), web pages (``.html``) — each
turning a file into the blocks of :mod:`indexer.blocks`. Plain text and Markdown are read as
text by :mod:`indexer.load` and need no loader.

Example::

    rendered, info = load_blocks(Path("corpus/plan.pdf"), data)
    info.format, info.pages, rendered.text[:80]
"""

from __future__ import annotations

from pathlib import Path

from indexer.blocks import Rendered, render
from indexer.formats.pdf import FormatInfo
from plans.errors import DocumentError

FORMATS = {".pdf": "pdf", ".docx": "docx", ".html": "html", ".htm": "html"}


def load_blocks(path: Path, data: bytes, *, html_text: str | None = None,
                progress: bool | None = None) -> tuple[Rendered, FormatInfo]:
    """The rendered blocks of one PDF, Word or HTML file; DocumentError says why it cannot be used.
    ``progress``: a long PDF's progress bar (None: on a terminal only; False: never)."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt == "pdf":
        if not data.lstrip()[:5].startswith(b"%PDF"):
            raise DocumentError("the file is not a PDF (no %PDF header)")
        from indexer.formats.pdf import read_pdf

        blocks, info = read_pdf(path, progress=progress)
    elif fmt == "docx":
        from indexer.formats.word import read_docx

        blocks, info = read_docx(path)
    elif fmt == "html":
        from indexer.formats.html import read_html

        blocks, info = read_html(html_text if html_text is not None else data.decode("utf-8", "replace"))
    else:
        raise DocumentError(f"{path.suffix} files are not supported")
    rendered = render(blocks)
    if not rendered.text.strip():
        raise DocumentError(f"no text could be read from the {fmt.upper()} file")
    return rendered, info


__all__ = ["FORMATS", "FormatInfo", "load_blocks"]
