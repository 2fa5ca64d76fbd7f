"""Index the corpus: incremental (content hash per file) and atomic (build aside, then swap).

Each run that changes anything builds a new *generation* (a SQLite file and a Chroma collection)
next to the serving one, carrying unchanged files' records and embeddings over, and only then
points ``<data_dir>/CURRENT`` at it. A crash mid-way leaves the previous generation serving.

Example::

    summary = run_index(get_settings())
    print(summary.line())
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import sqlite3
import threading
import time
import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from indexer.actions import prose_actions
from indexer.embed import embed_each_once, embed_with_units, make_embedder, pools_parts
from indexer.load import Document, Problem, load_corpus
from indexer.models import Action
from indexer.parse import ParsedDocument, parse_document
from indexer.plan_meta import glossary_pairs
from indexer.plan_overrides import FILE_NAME as OVERRIDES_FILE
from indexer.plan_overrides import apply as apply_overrides
from indexer.plan_overrides import entry_hash, read_overrides
from indexer.store import RecordStore
from indexer.tables import row_actions
from indexer.units import units_to_embed
from indexer.vectors import Passage, VectorStore, collection_name, file_tag, passages_for
from plans.errors import IndexMissingError, PlansError, StoreError
from plans.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class FileReport:
    """What indexing found in one file, for the per-file lines of ``plans index``."""

    file: str
    format: str
    pages: int
    sections: int
    actions: int
    tables: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    def line(self) -> str:
        pages = f", {self.pages} pages" if self.pages else ""
        return (f"{self.file} [{self.format}{pages}]: {self.sections} sections, {self.actions} actions, "
                f"{len(self.tables)} tables")


@dataclass
class IndexSummary:
    plans: int = 0
    sections: int = 0
    actions: int = 0
    passages_embedded: int = 0
    units_embedded: int = 0  # sentences / list items / rows embedded for the answerer to rank by meaning
    texts_embedded: int = 0  # distinct texts through the embedder (passages and units; a repeated text once)
    indexed: list[str] = field(default_factory=list)  # files parsed and embedded this run
    unchanged: list[str] = field(default_factory=list)  # files carried over
    removed: list[str] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)
    reports: list[FileReport] = field(default_factory=list)  # one per file parsed this run
    seconds: float = 0.0
    generation: str = ""

    def line(self) -> str:
        return (f"{self.plans} plans, {self.sections} sections, {self.actions} actions; "
                f"{len(self.indexed)} indexed, {len(self.unchanged)} unchanged, "
                f"{len(self.removed)} removed, {len(self.skipped)} skipped; {self.seconds:.1f} s")


def plan_id_for(rel: str) -> str:
    stem = rel.rsplit(".", 1)[0]
    return re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")


PARSER_MODULES = ("text", "lines", "parse", "plan_meta", "tables", "table_cells", "actions", "dates", "funding",
                  "action_columns", "vectors", "store", "units", "blocks", "columns", "action_tables", "load",
                  "formats/__init__", "formats/pdf", "formats/word", "formats/html", "plan_overrides")
PARSER_DATA = ("data/columns.yaml",)


def code_version() -> str:
    """A hash of the modules that turn files into records and passages: when they change, an
    unchanged file must still be parsed again."""
    h = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for path in [here / f"{name}.py" for name in PARSER_MODULES] + [here / n for n in PARSER_DATA]:
        if path.exists():
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


def current_generation(settings: Settings) -> str | None:
    pointer = Path(settings.data_dir) / "CURRENT"
    try:
        gen = pointer.read_text().strip()
    except OSError:
        return None
    return gen or None


def records_path(settings: Settings, generation: str) -> Path:
    return Path(settings.data_dir) / "gens" / generation / "plans.sqlite"


def open_records(settings: Settings) -> RecordStore:
    gen = current_generation(settings)
    if not gen:
        raise IndexMissingError("No index found: run `plans index` first.")
    return RecordStore(records_path(settings, gen))


class ServingRecords:
    """The record store of the generation serving now, opened again after `plans index` (or
    ``--watch``) swapped in a new one: for long-running work (the digest scheduler) that must see
    re-indexed plans without a restart.

    Example::

        records = ServingRecords(settings)
        records().actions()        # the current generation's records, whenever it is called
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._generation: str | None = None
        self._store: RecordStore | None = None
        self._lock = threading.Lock()

    def __call__(self) -> RecordStore:
        gen = current_generation(self.settings)
        with self._lock:
            if self._store is None or gen != self._generation:
                self._store = open_records(self.settings)  # the old one is left to readers still holding it
                self._generation = gen
            return self._store


def open_vectors(settings: Settings, embedder: Embeddings) -> VectorStore:
    gen = current_generation(settings)
    if not gen:
        raise IndexMissingError("No index found: run `plans index` first.")
    name, tags = _collection_of(settings, gen)
    return VectorStore.open(settings, generation=gen, embedder=embedder, name=name,
                            live=frozenset(tags) if tags else None)


def _collection_of(settings: Settings, generation: str) -> tuple[str | None, set[str]]:
    """A generation's vector collection (None: the one named after it) and its file tags (server
    mode: the passages of the collection it sees)."""
    try:
        store = RecordStore(records_path(settings, generation))
    except IndexMissingError:
        return None, set()
    try:
        return store.meta("collection"), store.file_tags()
    except sqlite3.DatabaseError:
        return None, set()
    finally:
        store.close()


def _swap(settings: Settings, generation: str) -> None:
    data = Path(settings.data_dir)
    tmp = data / f"CURRENT.{uuid.uuid4().hex}.tmp"
    tmp.write_text(generation)
    os.replace(tmp, data / "CURRENT")


def _clean_old(settings: Settings, keep: set[str]) -> None:
    """Remove generations other than ``keep`` (the serving one and the one before it). In server
    mode a generation's collection is dropped when no kept generation shares it; when one does,
    only the passages of file versions no kept generation holds are deleted from it."""
    gens = Path(settings.data_dir) / "gens"
    if not gens.is_dir():
        return
    old = [child for child in gens.iterdir() if child.name not in keep]
    if settings.chroma_url and old:
        from indexer.embed import FakeEmbedder

        kept = {g: _collection_of(settings, g) for g in keep}
        kept_names = {name or collection_name(settings, g) for g, (name, _) in kept.items()}
        kept_tags = {t for _, tags in kept.values() for t in tags}
        for child in old:
            name, tags = _collection_of(settings, child.name)
            name = name or collection_name(settings, child.name)
            try:
                vs = VectorStore.open(settings, generation=child.name, embedder=FakeEmbedder(), name=name)
                if name not in kept_names:
                    vs.drop()
                elif tags - kept_tags:
                    vs.delete_tags(tags - kept_tags)
            except PlansError:
                pass
    for child in old:
        shutil.rmtree(child, ignore_errors=True)


def run_index(settings: Settings, *, embedder: Embeddings | None = None, force: bool = False,
              progress: bool | None = None) -> IndexSummary:
    """Bring the index up to date with the corpus folder; returns what was done."""
    t0 = time.perf_counter()
    data = Path(settings.data_dir)
    data.mkdir(parents=True, exist_ok=True)
    docs, problems = load_corpus(Path(settings.corpus_dir), progress=progress)
    overrides, toml_problems = read_overrides(Path(settings.corpus_dir))
    problems += [Problem(OVERRIDES_FILE, why) for why in toml_problems]
    docs = [replace(d, sha256=entry_hash(d.sha256, overrides[d.rel]), plan_fields=tuple(overrides[d.rel].items()))
            if d.rel in overrides else d for d in docs]
    docs, dupes = _drop_duplicates(docs)
    problems += dupes
    emb = embedder or make_embedder(settings)
    emb_name = getattr(emb, "name", type(emb).__name__)
    version = code_version()

    old_gen = current_generation(settings)
    old_store = old_vs = None
    if old_gen:
        try:
            old_store = RecordStore(records_path(settings, old_gen))
            if (old_store.meta("embedder") != emb_name or old_store.meta("complete") != "1"
                    or old_store.meta("parser") != version):
                old_store = None  # another model or another parser: everything is rebuilt
        except IndexMissingError:
            old_store = None
    if old_store and old_gen:
        try:
            name, tags = _collection_of(settings, old_gen)
            old_vs = VectorStore.open(settings, generation=old_gen, embedder=emb, name=name,
                                      live=frozenset(tags) if tags else None)
        except IndexMissingError:  # the records survived but the vectors are gone: rebuild all
            old_store = None
        except StoreError:
            old_vs = None
    old_files = old_store.files() if old_store else {}
    new_files = {d.rel: d.sha256 for d in docs}
    # a file that was fine before and is broken now keeps its last good version
    keep_old = [p.file for p in problems if p.file in old_files and p.file not in new_files]
    for f in keep_old:
        new_files[f] = old_files[f]
    problems = [Problem(p.file, p.reason + (" (the previously indexed version is kept)"
                                            if p.file in keep_old else "")) for p in problems]
    summary = IndexSummary(skipped=problems)
    if old_store and not force and old_files == new_files:
        summary.unchanged = sorted(new_files)
        _fill_counts(summary, old_store)
        summary.generation = old_gen or ""
        summary.seconds = time.perf_counter() - t0
        return summary

    gen = datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
    store = RecordStore(records_path(settings, gen), create=True)
    # server mode: a run that carries files over adds to the collection the serving generation
    # reads (each file version's passages under its own tag), instead of copying them
    # (an old generation built before tags shares nothing: its passages would all look live to it)
    old_collection = old_store.meta("collection") if old_store and old_store.file_tags() else None
    shared = bool(settings.chroma_url and old_vs and old_collection and not force)
    collection = old_collection if shared and old_collection else collection_name(settings, gen)
    store.set_meta("collection", collection)  # first: a crash from here on is cleaned up by the next run
    tagger = (lambda rel, sha: file_tag(rel, sha, version, emb_name)) if settings.chroma_url else None
    to_embed: list[Passage] = []
    units: list[tuple[str, int, str, str]] = []
    carry = list(keep_old) if old_vs else []  # files whose last indexed version goes on as it was
    for doc in _progress(docs, progress, "parsing"):
        if not force and old_vs and old_files.get(doc.rel) == doc.sha256:
            carry.append(doc.rel)
            summary.unchanged.append(doc.rel)
            continue
        try:
            tag = (tagger(doc.rel, doc.sha256),) if tagger else ()  # server mode: the version's tag
            passages, doc_units, report = _index_document(doc, store, *tag)
            summary.reports.append(report)
            to_embed += passages
            units += doc_units
        except Exception as exc:  # a parser bug must not lose the other files
            if isinstance(exc, PlansError):
                reason = exc.message
            else:
                log.exception("parsing %s failed", doc.rel)
                reason = f"could not be parsed ({type(exc).__name__}: {exc})"
            if old_vs and doc.rel in old_files:  # like an unreadable file: keep the last good one
                carry.append(doc.rel)
                reason += " (the previously indexed version is kept)"
            problems.append(Problem(doc.rel, reason))
            continue
        summary.indexed.append(doc.rel)
    if old_store is not None:  # carry is empty without an old index
        for f in carry:
            store.copy_file_from(old_store, f)
    vs = _vectors(settings, gen, emb, old_gen, old_vs, carry, set(old_files), collection if shared else None)
    summary.texts_embedded = _embed(vs, store, emb, to_embed, units, progress)
    summary.passages_embedded = len(to_embed)
    summary.units_embedded = len(units)
    summary.removed = sorted(set(old_files) - set(new_files))
    store.finish()
    store.set_meta("embedder", emb_name)
    store.set_meta("parser", version)
    store.set_meta("created", datetime.now(UTC).isoformat())
    store.set_meta("complete", "1")
    _fill_counts(summary, store)
    store.close()
    _swap(settings, gen)
    _clean_old(settings, keep={gen, old_gen} if old_gen else {gen})
    summary.generation = gen
    summary.seconds = time.perf_counter() - t0
    return summary


def _vectors(settings: Settings, gen: str, emb: Embeddings, old_gen: str | None, old_vs: VectorStore | None,
             carry: list[str], old_files: set[str], shared: str | None) -> VectorStore:
    """The new generation's vector collection, holding the carried files' passages already.

    Server mode with an old generation (``shared``, its collection's name): the same collection,
    which the serving generation goes on reading; the new file versions' passages are added
    under their own tags and nothing is copied. The old generation sees none of them (it keeps
    only its own tags), the new one none of the old versions; which one answers is CURRENT."""
    if shared:
        return VectorStore.open(settings, generation=gen, embedder=emb, name=shared)
    if not (old_vs and old_gen and carry) or settings.chroma_url:
        return VectorStore.open(settings, generation=gen, embedder=emb, create=True)
    # embedded: copy the folder, drop what is not carried
    vs = VectorStore.fork(settings, old_generation=old_gen, generation=gen, embedder=emb)
    vs.delete_files(old_files - set(carry))
    return vs


def _embed(vs: VectorStore, store: RecordStore, emb: Embeddings, passages: list[Passage],
           units: list[tuple[str, int, str, str]], progress: bool | None) -> int:
    """Embed the new passages (into the vector store) and units (into the records) in one pass:
    each distinct text once, shortest first, in calls of ``EMBED_CHUNK`` texts. With an embedder that
    pools parts (the PyTorch MiniLM), a unit's vector comes from the forward pass of its section's
    passage that holds it (:func:`indexer.embed.embed_with_units`), so the corpus text goes through
    the model about once; else units are embedded as texts of their own
    (:func:`indexer.embed.embed_each_once`). Returns how many distinct texts went through the model."""
    n = len(passages)

    def sink(positions: list[int], vecs: Any) -> None:
        rows = [r for r, i in enumerate(positions) if i < n]
        if rows:
            vs.add([passages[positions[r]] for r in rows], embeddings=vecs[rows].tolist())
        unit_rows = [(r, units[positions[r] - n]) for r, i in enumerate(positions) if i >= n]
        if unit_rows:
            store.add_unit_vectors([(sid, k, plan_id, vecs[r]) for r, (sid, k, plan_id, _) in unit_rows])

    def steps(chunks: Any) -> Any:
        return _progress(chunks, progress, "embedding")

    if pools_parts(emb):  # each unit's vector from its passage's forward pass: the text is read once
        of_section: dict[str, list[int]] = {}
        for i, p in enumerate(passages):
            of_section.setdefault(p.section_id, []).append(i)
        counts = embed_with_units(
            emb, [p.text for p in passages], [(tuple(of_section.get(u[0], ())), u[3]) for u in units],
            sink, lambda pos, vecs: sink([n + i for i in pos], vecs), progress=steps)
        return counts.texts
    texts = [p.text for p in passages] + [u[3] for u in units]
    return embed_each_once(emb, texts, sink, progress=steps)


def _index_document(doc: Document, store: RecordStore, tag: str = "",
                    ) -> tuple[list[Passage], list[tuple[str, int, str, str]], FileReport]:
    """Parse one file and write its records (its plans.toml entry applied); returns its passages
    (under ``tag``, server mode), its units to embed and its report."""
    plan_id = plan_id_for(doc.rel)
    parsed = parse_file(doc)
    if doc.plan_fields:
        parsed = replace(parsed, plan=apply_overrides(parsed.plan, dict(doc.plan_fields)))
    if not parsed.sections:
        raise PlansError("no text sections could be found in it")
    actions = document_actions(parsed, plan_id, doc.rel)
    out: list[Passage] = []
    for s in parsed.sections:
        out += passages_for(s.id, plan_id, doc.rel, s.embed_text(parsed.plan.short_name), tag)
    acronyms = glossary_pairs(doc.text, list(parsed.sections))
    store.add_file(parsed.plan, list(parsed.sections), actions, acronyms, tag)  # last: all or nothing
    report = FileReport(doc.rel, doc.format, doc.pages, len(parsed.sections), len(actions),
                        parsed.tables_found, (*doc.warnings, *parsed.warnings))
    return out, units_to_embed(list(parsed.sections)), report


def parse_file(doc: Document) -> ParsedDocument:
    """Parse one read file, with what its loader knew: tables as cells, pages, list items."""
    return parse_document(doc.text, plan_id=plan_id_for(doc.rel), file=doc.rel, sha256=doc.sha256,
                          cell_tables=doc.tables, page_starts=doc.page_starts, item_lines=doc.item_lines)


def document_actions(parsed: ParsedDocument, plan_id: str, file: str) -> list[Action]:
    """All action records of a parsed plan: prose items, WBCSCi-layout rows, other tables' rows."""
    actions = prose_actions(parsed.plan, parsed.sections)
    if parsed.table_rows:
        actions += row_actions(list(parsed.table_rows), plan_id=plan_id, file=file,
                               section_ids=parsed.row_sections)
    return actions + list(parsed.table_actions)


def _drop_duplicates(docs: list[Document]) -> tuple[list[Document], list[Problem]]:
    seen: dict[str, str] = {}
    keep, problems = [], []
    for d in docs:
        if d.sha256 in seen:
            problems.append(Problem(d.rel, f"duplicate of {seen[d.sha256]} (same content)"))
        else:
            seen[d.sha256] = d.rel
            keep.append(d)
    return keep, problems


def _fill_counts(summary: IndexSummary, store: RecordStore) -> None:
    db = store.db
    summary.plans = db.execute("SELECT COUNT(*) FROM plans").fetchone()[0]
    summary.sections = db.execute("SELECT COUNT(*) FROM sections").fetchone()[0]
    summary.actions = db.execute("SELECT COUNT(*) FROM actions").fetchone()[0]


def _progress(items: Any, enabled: bool | None, desc: str) -> Any:
    if enabled is False:
        return items
    from tqdm import tqdm

    return tqdm(items, desc=desc, disable=None if enabled is None else not enabled, leave=False)
