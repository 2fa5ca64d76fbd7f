"""The plain LangChain RAG a newcomer builds from the tutorials, to compare the assistant with.

Raw corpus files cut by ``RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=150)``,
embedded with the same MiniLM into a temporary Chroma collection (cosine), top-k similarity
search, and the "answer" is the top chunks' text joined: no routing, no records, no refusals.
It is usually over the 2,000-character limit, as the scoring rules say: the honest baseline.

Example::

    base = Baseline(settings, embedder, k=5)
    chunks = base.search("Who funds the cybercrime workshops?")  # [(Section, raw_text), ...]
    text = base.answer_text(chunks)
    base.close()
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Any

from eval.score import Ranked
from indexer.models import Section
from indexer.pipeline import plan_id_for
from indexer.text import strip_markup
from plans.errors import PlansError, StoreError
from plans.settings import Settings

CHUNK_SIZE = 1000
CHUNK_OVERLAP = 150


def _embeddings(settings: Settings, embedder: Any) -> Any:
    """The project's embedder when given (the model loads once); else the tutorial's class."""
    if embedder is not None:
        return embedder
    from langchain_huggingface import HuggingFaceEmbeddings

    return HuggingFaceEmbeddings(model_name=settings.model_path(),
                                 encode_kwargs={"normalize_embeddings": True})


def _chunk_section(n: int, file: str, plan_id: str, start: int, chunk: str, text: str) -> Section:
    """A chunk dressed as a Section, so the same hit rule scores it (its raw text is ``chunk``)."""
    line_start = text.count("\n", 0, start) + 1
    return Section(id=f"baseline:{plan_id}:{n:04d}", plan_id=plan_id, file=file, heading_path=(),
                   text=strip_markup(chunk), kind="chunk", char_start=start,
                   char_end=start + len(chunk), line_start=line_start,
                   line_end=line_start + chunk.count("\n"), ordinal=n)


class Baseline:
    """Index the corpus once into a temp-dir Chroma; ``close()`` removes it."""

    def __init__(self, settings: Settings, embedder: Any = None, *, k: int = 5) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from langchain_chroma import Chroma
        from langchain_core.documents import Document
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        from indexer.load import corpus_files, read_document

        self.k = k
        self.tmp = Path(tempfile.mkdtemp(prefix="plans-baseline-"))
        self.client: Any = None
        corpus = Path(settings.corpus_dir)
        docs, self.texts = [], {}
        for path in corpus_files(corpus):
            try:
                doc = read_document(path, corpus)
            except PlansError:
                continue  # the indexer skips it too
            self.texts[doc.rel] = doc.text
            docs.append(Document(page_content=doc.text, metadata={"source": doc.rel}))
        splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE,
                                                  chunk_overlap=CHUNK_OVERLAP, add_start_index=True)
        chunks = splitter.split_documents(docs)
        self.sections: dict[str, tuple[Section, str]] = {}
        for n, c in enumerate(chunks):
            file = c.metadata["source"]
            s = _chunk_section(n, file, plan_id_for(file), c.metadata["start_index"],
                               c.page_content, self.texts[file])
            self.sections[s.id] = (s, c.page_content)
            c.metadata["id"] = s.id
        try:
            self.client = chromadb.PersistentClient(
                path=str(self.tmp), settings=ChromaSettings(anonymized_telemetry=False))
            self.store = Chroma(collection_name=f"baseline-{uuid.uuid4().hex[:8]}",
                                embedding_function=_embeddings(settings, embedder),
                                client=self.client,
                                collection_metadata={"hnsw:space": "cosine"})
            if chunks:
                self.store.add_documents(chunks, ids=[c.metadata["id"] for c in chunks])
        except PlansError:
            self.close()
            raise
        except Exception as exc:
            self.close()
            raise StoreError(f"The baseline's Chroma index could not be built: {exc}") from exc

    def search(self, question: str, k: int | None = None) -> Ranked:
        """Top-k chunks, best first, as (Section, raw chunk text)."""
        if not self.sections:
            return []
        try:
            found = self.store.similarity_search(question, k=k or self.k)
        except Exception as exc:
            raise StoreError(f"The baseline search failed: {exc}") from exc
        return [self.sections[d.metadata["id"]] for d in found if d.metadata.get("id") in self.sections]

    @staticmethod
    def answer_text(chunks: Ranked) -> str:
        """The tutorial's answer: the retrieved context pasted back, chunk after chunk."""
        return "\n\n".join(raw for _, raw in chunks)

    def close(self) -> None:
        """Drop the temporary index (best effort: Chroma may keep files open on some systems)."""
        if self.client is not None:
            try:
                self.client.clear_system_cache()
            except Exception:  # noqa: BLE001 - cleanup only
                pass
            self.client = None
        shutil.rmtree(self.tmp, ignore_errors=True)
