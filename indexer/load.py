"""Find and read the corpus: every ``.txt`` and ``.md`` file under the corpus dir.

Example::

    docs, problems = load_corpus(Path("corpus"))
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

from plans.errors import DocumentError

log = logging.getLogger(__name__)

SUFFIXES = (".txt", ".md")
MAX_BYTES = 10 * 1024 * 1024  # 100x the largest plan: bigger is not a plan of action


@dataclass(frozen=True)
class Document:
    path: Path  # absolute
    rel: str  # relative to the corpus dir, with forward slashes
    text: str
    sha256: str
    encoding: str


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


def read_document(path: Path, corpus_dir: Path) -> Document:
    """Read one file; DocumentError says why it cannot be used."""
    rel = path.relative_to(corpus_dir).as_posix()
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise DocumentError(f"{rel}: the file is {size / 2**20:.0f} MB, over the "
                                f"{MAX_BYTES // 2**20} MB limit.")
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"{rel}: cannot be read ({exc.strerror}).") from exc
    text, encoding = decode(data, rel)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return Document(path=path, rel=rel, text=text, sha256=file_hash(data), encoding=encoding)


def load_corpus(corpus_dir: Path) -> tuple[list[Document], list[Problem]]:
    """Read every plan file; files that cannot be used are returned as problems, not raised."""
    docs: list[Document] = []
    problems: list[Problem] = []
    for path in corpus_files(corpus_dir):
        try:
            docs.append(read_document(path, corpus_dir))
        except DocumentError as exc:
            problems.append(Problem(path.relative_to(corpus_dir).as_posix(), exc.message))
    return docs, problems
