"""The vector-store seam: Chroma, embedded (PersistentClient) or a `chroma run` server (HttpClient).

Only this module imports chromadb. Each section is stored as one or more passages (long sections
are cut into windows so the whole text is embedded); dense search collapses passages back to
sections, best passage first.

Example::

    vs = VectorStore.open(settings, generation="g1", embedder=emb, create=True)
    vs.add(section_rows)
    vs.query("who funds the cybercrime workshops", k=10)
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from indexer.embed import chroma_function
from plans.errors import IndexMissingError, StoreError
from plans.settings import Settings

log = logging.getLogger(__name__)
WINDOW = 900  # characters of text per embedded passage (MiniLM reads ~256 word pieces)


@dataclass(frozen=True)
class Passage:
    id: str
    section_id: str
    plan_id: str
    file: str
    text: str
    tag: str = ""  # server mode: the file version it was cut from (see ``file_tag``)


def passages_for(section_id: str, plan_id: str, file: str, embed_text: str, tag: str = "") -> list[Passage]:
    """Cut a section's embed text (context line + body) into windows; each keeps the context.
    A passage's id is ``<section id>#<window>``, then ``@<tag>`` when its file version has a tag."""
    suffix = f"@{tag}" if tag else ""
    head, _, body = embed_text.partition("\n")
    if len(body) <= WINDOW:
        return [Passage(f"{section_id}#0{suffix}", section_id, plan_id, file, embed_text, tag)]
    out, start, k = [], 0, 0
    while start < len(body):
        end = min(len(body), start + WINDOW)
        if end < len(body):
            cut = body.rfind(" ", start + WINDOW // 2, end)
            end = cut if cut > 0 else end
        out.append(Passage(f"{section_id}#{k}{suffix}", section_id, plan_id, file,
                           f"{head}\n{body[start:end].strip()}", tag))
        start, k = end, k + 1
    return out


def _client(settings: Settings, generation: str) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    try:
        if settings.chroma_url:
            from urllib.parse import urlparse

            url = urlparse(settings.chroma_url)
            return chromadb.HttpClient(host=url.hostname or "127.0.0.1", port=url.port or 8000,
                                       ssl=url.scheme == "https", settings=chroma_settings)
        path = Path(settings.data_dir) / "gens" / generation / "chroma"
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except Exception as exc:
        where = settings.chroma_url or "the embedded store"
        raise StoreError(f"Cannot reach the vector store at {where}: {exc}") from exc


def file_tag(file: str, sha256: str, parser: str, embedder: str) -> str:
    """Server mode: the tag of one version of a file's passages (its name, content, the parser and
    the embedder that made them). Generations share a collection; each keeps the passages whose
    tag is one of its files' tags."""
    return hashlib.sha256(f"{file}\0{sha256}\0{parser}\0{embedder}".encode()).hexdigest()[:12]


def tag_of(passage_id: str) -> str:
    """The file-version tag of a passage id (empty for an untagged passage)."""
    return passage_id.rpartition("#")[2].partition("@")[2]


class VectorStore:
    """Sections' passages in one Chroma collection (cosine space).

    With ``live`` (server mode), the collection is shared by the generations of an index, each
    file version's passages under its own tag: this store sees only the passages whose tag is in
    ``live`` (its generation's files), so a generation being built beside it changes nothing it
    answers."""

    def __init__(self, client: Any, collection: Any, embedder: Embeddings, name: str,
                 live: frozenset[str] | None = None) -> None:
        self.client, self.collection, self.embedder, self.name = client, collection, embedder, name
        self.live = live

    @classmethod
    def open(cls, settings: Settings, *, generation: str, embedder: Embeddings,
             create: bool = False, name: str | None = None, live: frozenset[str] | None = None) -> VectorStore:
        client = _client(settings, generation)
        name = name or collection_name(settings, generation)
        ef = chroma_function(embedder)
        try:
            if create:
                try:
                    client.delete_collection(name)
                except Exception:  # not there: fine
                    pass
                col = client.create_collection(name, embedding_function=ef,
                                               metadata={"hnsw:space": "cosine", "hnsw:construction_ef": 200,
                                                         "hnsw:search_ef": 200, "hnsw:M": 32})
            else:
                col = client.get_collection(name, embedding_function=ef)
        except Exception as exc:
            if not create and type(exc).__name__ == "NotFoundError":  # chromadb.errors.NotFoundError
                raise IndexMissingError(f"The vector index {name} is missing ({exc}); run `plans index`.",
                                        detail={"collection": name}) from exc
            raise StoreError(f"Cannot open the vector collection {name}: {exc}") from exc
        return cls(client, col, embedder, name, live)

    def add(self, passages: list[Passage], embeddings: list[list[float]] | None = None,
            batch: int = 256) -> None:
        if not passages:
            return
        if embeddings is None:
            embeddings = self.embedder.embed_documents([p.text for p in passages])
        try:
            for i in range(0, len(passages), batch):
                chunk = passages[i:i + batch]
                # upsert: a run that crashed may have written the same file version's passages
                # no documents: the records hold each section's embed text (the passages are cut
                # from it again when needed), and Chroma's full-text index of documents took half
                # of every upsert's time (issue #17)
                self.collection.upsert(
                    ids=[p.id for p in chunk], embeddings=embeddings[i:i + batch],
                    metadatas=[{"section_id": p.section_id, "plan_id": p.plan_id, "file": p.file}
                               | ({"tag": p.tag} if p.tag else {}) for p in chunk])
        except Exception as exc:
            raise StoreError(f"Writing to the vector store failed: {exc}") from exc

    @classmethod
    def fork(cls, settings: Settings, *, old_generation: str, generation: str, embedder: Embeddings) -> VectorStore:
        """Embedded mode: the new generation starts as a file copy of the old one's Chroma folder,
        its collection renamed; nothing is re-inserted, so carrying N unchanged passages costs a
        copy of their bytes, not N HNSW insertions."""
        data = Path(settings.data_dir) / "gens"
        src, dst = data / old_generation / "chroma", data / generation / "chroma"
        shutil.rmtree(dst, ignore_errors=True)
        shutil.copytree(src, dst)
        client = _client(settings, generation)
        try:
            col = client.get_collection(collection_name(settings, old_generation),
                                        embedding_function=chroma_function(embedder))
            col.modify(name=collection_name(settings, generation))
        except Exception as exc:
            raise StoreError(f"Cannot copy the vector collection of {old_generation}: {exc}") from exc
        return cls.open(settings, generation=generation, embedder=embedder)

    def delete_files(self, files: set[str]) -> None:
        """Remove every passage of these files."""
        self._delete_where("file", files)

    def delete_tags(self, tags: set[str]) -> None:
        """Server mode: remove the passages of these file versions (no generation kept holds them)."""
        self._delete_where("tag", tags)

    def _delete_where(self, field: str, values: set[str]) -> None:
        try:
            for chunk in _chunks(sorted(values)):
                self.collection.delete(where=_any_of(field, chunk))
        except Exception as exc:
            raise StoreError(f"Deleting from the vector store failed: {exc}") from exc

    def stored(self, file: str) -> tuple[list[str], list[list[float]]]:
        """A file's passage ids (the live ones, in server mode) with their stored embeddings. Chroma
        keeps no passage text: :func:`passages_for` cuts it again from the records' embed text."""
        try:
            got = self.collection.get(where={"file": file}, include=["embeddings"])
        except Exception as exc:
            raise StoreError(f"Reading from the vector store failed: {exc}") from exc
        keep = [k for k, i in enumerate(got["ids"]) if self._is_live(i)]
        return [got["ids"][k] for k in keep], [list(map(float, got["embeddings"][k])) for k in keep]

    def _is_live(self, passage_id: str) -> bool:
        return self.live is None or tag_of(passage_id) in self.live

    def live_count(self) -> int:
        """The passages this generation sees (``count`` is the whole collection, which in server
        mode also holds the previous generation's versions of changed files until the next run)."""
        if self.live is None:
            return self.count()
        n = 0
        try:
            for chunk in _chunks(sorted(self.live)):
                n += len(self.collection.get(where=_any_of("tag", chunk), include=[])["ids"])
        except Exception as exc:
            raise StoreError(f"The vector store cannot be reached: {exc}") from exc
        return n

    def _embed_query(self, text: str) -> list[float]:
        """Query embeddings, cached: a cross-plan answer searches every plan with one question."""
        cache = self.__dict__.setdefault("_query_cache", {})
        if text not in cache:
            if len(cache) >= 256:
                cache.pop(next(iter(cache)))
            cache[text] = self.embedder.embed_query(text)
        return cache[text]

    def count(self) -> int:
        try:
            return self.collection.count()
        except Exception as exc:
            raise StoreError(f"The vector store cannot be reached: {exc}") from exc

    def query(self, text: str, k: int = 20, plan_ids: list[str] | None = None,
              embedding: list[float] | None = None, passage_ids: list[str] | None = None,
              ) -> list[tuple[str, float]]:
        """Dense search: (section_id, cosine similarity), best first, one entry per section.

        With ``passage_ids`` (a few plans' passages), those vectors are fetched by id and every one
        is scored: exact, and far cheaper than the collection's metadata filter on a large corpus."""
        vec = embedding if embedding is not None else self._embed_query(text)
        if passage_ids is not None:
            return self._query_among(vec, k, passage_ids)
        where = None
        if plan_ids:
            where = _any_of("plan_id", plan_ids)
        want = n = max(1, k * 3)
        while True:
            try:  # the section is in the passage's id: no metadata to read back
                res = self.collection.query(query_embeddings=[vec], n_results=n, where=where, include=["distances"])
            except Exception as exc:
                raise StoreError(f"The vector store cannot be reached: {exc}") from exc
            pairs = [(i, 1.0 - float(d)) for i, d in zip(res["ids"][0], res["distances"][0]) if self._is_live(i)]
            # passages of another generation (a file changed since) took places: ask for more, so
            # the best ``want`` live ones are what a collection of this generation alone gives
            if len(pairs) >= want or len(res["ids"][0]) < n:
                break
            n += 2 * (n - len(pairs))
        pairs = pairs[:want]
        return _best_per_section([i for i, _ in pairs], [s for _, s in pairs], k)

    def _query_among(self, vec: list[float], k: int, passage_ids: list[str]) -> list[tuple[str, float]]:
        import numpy as np

        if not passage_ids:
            return []
        try:
            got = self.collection.get(ids=passage_ids, include=["embeddings"])
        except Exception as exc:
            raise StoreError(f"The vector store cannot be reached: {exc}") from exc
        if not len(got["ids"]):
            return []
        mat = np.asarray(got["embeddings"], dtype=np.float32)
        q = np.asarray(vec, dtype=np.float32)
        sims = mat @ q / np.maximum(np.linalg.norm(mat, axis=1) * np.linalg.norm(q), 1e-12)
        return _best_per_section(got["ids"], sims.tolist(), k)

    def drop(self) -> None:
        try:
            self.client.delete_collection(self.name)
        except Exception as exc:  # pragma: no cover - best effort clean-up
            log.warning("Could not delete collection %s: %s", self.name, exc)


def section_of(passage_id: str) -> str:
    """The section a passage was cut from (its id is ``<section id>#<window>[@<tag>]``)."""
    return passage_id.rsplit("#", 1)[0]


def _best_per_section(ids: list[str], sims: list[float], k: int) -> list[tuple[str, float]]:
    best: dict[str, float] = {}
    for pid, sim in zip(ids, sims):
        sid = section_of(pid)
        if sim > best.get(sid, -2.0):
            best[sid] = sim
    return sorted(best.items(), key=lambda kv: -kv[1])[:k]


def collection_name(settings: Settings, generation: str) -> str:
    return f"{settings.collection}-{generation}"


def _chunks(values: list[str], size: int = 100) -> list[list[str]]:
    """The values in runs of ``size`` (one Chroma filter each)."""
    return [values[i:i + size] for i in range(0, len(values), size)]


def _any_of(field: str, values: list[str]) -> dict[str, Any]:
    """A Chroma metadata filter: ``field`` is one of ``values``."""
    return {field: values[0]} if len(values) == 1 else {field: {"$in": values}}


class LazyVectorStore:
    """A vector store opened on first use: importing chromadb and opening the collection (a second or
    more of a cold ``plans ask``) is paid only by an answer that searches by meaning; one by number,
    a listing or a deadline window never opens it. Errors (a missing collection, a server that
    cannot be reached) are raised where it is first used, as ``IndexMissingError`` / ``StoreError``.

    Example::

        vs = LazyVectorStore(lambda: open_vectors(settings, embedder))
        vs.query("money laundering", k=5)  # opens the store here
    """

    def __init__(self, opener: Callable[[], VectorStore]) -> None:
        self._opener = opener
        self._opened: VectorStore | None = None
        self._lock = threading.Lock()

    @property
    def store(self) -> VectorStore:
        if self._opened is None:
            with self._lock:
                if self._opened is None:
                    self._opened = self._opener()
        return self._opened

    @property
    def is_open(self) -> bool:
        return self._opened is not None

    def query(self, text: str, k: int = 20, plan_ids: list[str] | None = None,
              embedding: list[float] | None = None, passage_ids: list[str] | None = None,
              ) -> list[tuple[str, float]]:
        return self.store.query(text, k, plan_ids, embedding, passage_ids)

    def count(self) -> int:
        return self.store.count()

    def live_count(self) -> int:
        return self.store.live_count()

    def __getattr__(self, name: str) -> Any:  # the rest of VectorStore's face
        return getattr(self.store, name)
