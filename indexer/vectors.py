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

import logging
import shutil
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


def passages_for(section_id: str, plan_id: str, file: str, embed_text: str) -> list[Passage]:
    """Cut a section's embed text (context line + body) into windows; each keeps the context."""
    head, _, body = embed_text.partition("\n")
    if len(body) <= WINDOW:
        return [Passage(f"{section_id}#0", section_id, plan_id, file, embed_text)]
    out, start, k = [], 0, 0
    while start < len(body):
        end = min(len(body), start + WINDOW)
        if end < len(body):
            cut = body.rfind(" ", start + WINDOW // 2, end)
            end = cut if cut > 0 else end
        out.append(Passage(f"{section_id}#{k}", section_id, plan_id, file,
                           f"{head}\n{body[start:end].strip()}"))
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


class VectorStore:
    """Sections' passages in one Chroma collection (cosine space)."""

    def __init__(self, client: Any, collection: Any, embedder: Embeddings, name: str) -> None:
        self.client, self.collection, self.embedder, self.name = client, collection, embedder, name

    @classmethod
    def open(cls, settings: Settings, *, generation: str, embedder: Embeddings,
             create: bool = False) -> VectorStore:
        client = _client(settings, generation)
        name = collection_name(settings, generation)
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
        return cls(client, col, embedder, name)

    def add(self, passages: list[Passage], embeddings: list[list[float]] | None = None,
            batch: int = 256) -> None:
        if not passages:
            return
        if embeddings is None:
            embeddings = self.embedder.embed_documents([p.text for p in passages])
        try:
            for i in range(0, len(passages), batch):
                chunk = passages[i:i + batch]
                self.collection.add(
                    ids=[p.id for p in chunk], documents=[p.text for p in chunk],
                    embeddings=embeddings[i:i + batch],
                    metadatas=[{"section_id": p.section_id, "plan_id": p.plan_id, "file": p.file}
                               for p in chunk])
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
        names = sorted(files)
        try:
            for i in range(0, len(names), 100):
                chunk = names[i:i + 100]
                self.collection.delete(where={"file": chunk[0]} if len(chunk) == 1 else {"file": {"$in": chunk}})
        except Exception as exc:
            raise StoreError(f"Deleting from the vector store failed: {exc}") from exc

    def copy_files_from(self, old: VectorStore, files: set[str], page: int = 2000) -> int:
        """Server mode: copy the passages (with their embeddings) of these files from the old
        collection, a page at a time. Returns how many were copied."""
        copied, offset = 0, 0
        while True:
            try:
                got = old.collection.get(include=["embeddings", "documents", "metadatas"], limit=page,
                                         offset=offset)
            except Exception as exc:
                raise StoreError(f"Reading from the vector store failed: {exc}") from exc
            if not got["ids"]:
                return copied
            offset += len(got["ids"])
            keep = [k for k, m in enumerate(got["metadatas"]) if m["file"] in files]
            passages = [Passage(got["ids"][k], got["metadatas"][k]["section_id"], got["metadatas"][k]["plan_id"],
                                got["metadatas"][k]["file"], got["documents"][k]) for k in keep]
            self.add(passages, [got["embeddings"][k] for k in keep])
            copied += len(keep)

    def passages_of(self, file: str) -> tuple[list[Passage], list[list[float]]]:
        """A file's passages with their stored embeddings (to carry them into a new generation)."""
        try:
            got = self.collection.get(where={"file": file},
                                      include=["embeddings", "documents", "metadatas"])
        except Exception as exc:
            raise StoreError(f"Reading from the vector store failed: {exc}") from exc
        passages = [Passage(i, m["section_id"], m["plan_id"], m["file"], d)
                    for i, d, m in zip(got["ids"], got["documents"], got["metadatas"])]
        return passages, [list(map(float, e)) for e in got["embeddings"]]

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
            where = {"plan_id": plan_ids[0]} if len(plan_ids) == 1 else {"plan_id": {"$in": plan_ids}}
        try:  # the section is in the passage's id: no metadata to read back
            res = self.collection.query(query_embeddings=[vec], n_results=max(1, k * 3),
                                        where=where, include=["distances"])
        except Exception as exc:
            raise StoreError(f"The vector store cannot be reached: {exc}") from exc
        return _best_per_section(res["ids"][0], [1.0 - float(d) for d in res["distances"][0]], k)

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
    """The section a passage was cut from (its id is ``<section id>#<window>``)."""
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
