"""Find and read the corpus: every ``.txt``, ``.md``, ``.pdf``, ``.docx`` and ``.html`` file under the
corpus dir. Text is read as it is; the other formats go through their loader
(:mod:`indexer.formats`) into blocks, rendered as the text the parser reads and citations quote.

Example::

    docs, problems = load_corpus(Path("corpus"))
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

from indexer.blocks import TableSpan
from plans.errors import DocumentError

log = logging.getLogger(__name__)

SUFFIXES = (".txt", ".md", ".pdf", ".docx", ".html", ".htm")
MAX_BYTES = 10 * 1024 * 1024  # 100x the largest plan: bigger is not a plan of action
MAX_BINARY_BYTES = 100 * 1024 * 1024  # a PDF or .docx carries fonts and images: a 500-page PDF fits


@dataclass(frozen=True)
class Document:
    path: Path  # absolute
    rel: str  # relative to the corpus dir, with forward slashes
    text: str
    sha256: str
    encoding: str
    format: str = "text"  # text | markdown | pdf | docx | html
    pages: int = 0  # 0 when the format has no pages
    page_starts: tuple[int, ...] = ()  # offset in ``text`` where each page starts
    tables: tuple[TableSpan, ...] = ()  # tables read as cells (PDF, Word, HTML)
    item_lines: frozenset[int] = frozenset()  # lines the loader knows are list items
    plan_fields: tuple[tuple[str, str], ...] = ()  # its corpus/plans.toml entry (indexer.plan_overrides)
    warnings: tuple[str, ...] = field(default=())

    def page_at(self, offset: int) -> int | None:
        """The 1-based page holding ``offset`` of ``text``; None for formats without pages."""
        if not self.page_starts:
            return None
        import bisect

        return max(1, bisect.bisect_right(self.page_starts, offset))


@dataclass(frozen=True)
class Problem:
    file: str
    reason: str


def corpus_files(corpus_dir: Path) -> list[Path]:
    """The plan files under ``corpus_dir``, sorted (hidden files and folders are skipped)."""
    if not corpus_dir.is_dir():
        raise DocumentError(f"The corpus folder {corpus_dir} does not exist.")
    files = [
        p for p in corpus_dir.rglob("*")
        if p.is_file() and p.suffix.lower() in SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(corpus_dir).parts)
    ]
    return sorted(files)


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def decode(data: bytes, name: str) -> tuple[str, str]:
    """Decode UTF-8 (with or without BOM); fall back to cp1252/latin-1 with a warning.

    Raises DocumentError for empty or binary content.
    """
    if not data.strip():
        raise DocumentError(f"{name}: the file is empty.")
    if b"\x00" in data[:8192]:
        raise DocumentError(f"{name}: the file looks binary (it contains NUL bytes).")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    for enc in ("cp1252", "latin-1"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        log.warning("%s is not UTF-8; decoded as %s", name, enc)
        return text, enc
    raise DocumentError(f"{name}: the text cannot be decoded.")  # pragma: no cover


def read_document(path: Path, corpus_dir: Path, *, progress: bool | None = None) -> Document:
    """Read one file; DocumentError says why it cannot be used. ``progress``: a long PDF's
    progress bar (None: on a terminal only; False: never)."""
    rel = path.relative_to(corpus_dir).as_posix()
    suffix = path.suffix.lower()
    limit = MAX_BINARY_BYTES if suffix in (".pdf", ".docx") else MAX_BYTES
    try:
        size = path.stat().st_size
        if size > limit:
            raise DocumentError(f"{rel}: the file is {size / 2**20:.0f} MB, over the "
                                f"{limit // 2**20} MB limit.")
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"{rel}: cannot be read ({exc.strerror}).") from exc
    if suffix in (".pdf", ".docx", ".html", ".htm"):
        return _read_formatted(path, rel, data, progress)
    text, encoding = decode(data, rel)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return Document(path=path, rel=rel, text=text, sha256=file_hash(data), encoding=encoding,
                    format="markdown" if suffix == ".md" else "text")


def _read_formatted(path: Path, rel: str, data: bytes, progress: bool | None) -> Document:
    from indexer.formats import FORMATS, load_blocks

    if not data.strip():
        raise DocumentError(f"{rel}: the file is empty.")
    html_text, encoding = None, "binary"
    if FORMATS[path.suffix.lower()] == "html":
        html_text, encoding = decode(data, rel)
    try:
        rendered, info = load_blocks(path, data, html_text=html_text, progress=progress)
    except DocumentError as exc:
        raise DocumentError(f"{rel}: {exc.message}") from exc
    except Exception as exc:  # a loader library's own error on a malformed file
        log.exception("reading %s failed", rel)
        raise DocumentError(f"{rel}: cannot be read ({type(exc).__name__}: {str(exc)[:80]})") from exc
    return Document(path=path, rel=rel, text=rendered.text, sha256=file_hash(data), encoding=encoding,
                    format=info.format, pages=info.pages, page_starts=rendered.page_starts,
                    tables=rendered.tables, item_lines=rendered.item_lines, warnings=tuple(info.warnings))


def load_corpus(corpus_dir: Path, *, progress: bool | None = None) -> tuple[list[Document], list[Problem]]:
    """Read every plan file; files that cannot be used are returned as problems, not raised.
    ``progress`` as for :func:`read_document` (``plans index --quiet`` passes False)."""
    docs: list[Document] = []
    problems: list[Problem] = []
    for path in corpus_files(corpus_dir):
        try:
            docs.append(read_document(path, corpus_dir, progress=progress))
        except DocumentError as exc:
            problems.append(Problem(path.relative_to(corpus_dir).as_posix(), exc.message))
    return docs, problems
