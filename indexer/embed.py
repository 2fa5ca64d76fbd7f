"""The embedder seam: sentence-transformers with the packaged MiniLM, or a fake for unit tests.

Both speak LangChain's ``Embeddings`` interface (``embed_documents`` / ``embed_query``) and can
be handed to Chroma through :func:`chroma_function`. Only this module imports
sentence-transformers; nothing here downloads anything (``HF_HUB_OFFLINE=1``).

Example::

    emb = SentenceEmbedder(get_settings().model_path())
    vectors = emb.embed_documents(["Who drives action 3.2?"])
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import threading
from typing import Any, Literal

from langchain_core.embeddings import Embeddings

from plans.errors import ConfigError
from plans.settings import Settings

DIM = 384


class SentenceEmbedder(Embeddings):
    """all-MiniLM-L6-v2 (or any local sentence-transformers folder), loaded lazily once."""

    def __init__(self, model_path: str, *, batch_size: int = 32) -> None:
        self.model_path = model_path
        self.batch_size = batch_size
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return "plans-st:" + os.path.basename(self.model_path.rstrip("/"))

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                if not os.path.isdir(self.model_path):
                    raise ConfigError(
                        f"The embedding model folder {self.model_path} does not exist; "
                        "set PLANS_EMBEDDING_MODEL to a local sentence-transformers folder.")
                try:
                    import torch
                    from sentence_transformers import SentenceTransformer
                    from transformers.utils import logging as transformers_logging

                    torch.set_num_threads(max(1, os.cpu_count() or 1))
                    # its "Loading weights" bar (local weights, ~10 ms) would show in every log,
                    # CI's included, and under `plans index --quiet`
                    transformers_logging.disable_progress_bar()
                    self._model = SentenceTransformer(self.model_path, device="cpu")
                except Exception as exc:  # translate SDK errors at the boundary
                    raise ConfigError(f"The embedding model at {self.model_path} cannot be "
                                      f"loaded: {exc}") from exc
        return self._model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        model = self._load()
        vecs = model.encode(list(texts), batch_size=self.batch_size, normalize_embeddings=True,
                            show_progress_bar=False, convert_to_numpy=True)
        return vecs.tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


class FakeEmbedder(Embeddings):
    """Deterministic hashed bag-of-words vectors: fast and good enough for flow tests."""

    name = "plans-fake"

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._vec(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vec(text)

    @staticmethod
    def _vec(text: str) -> list[float]:
        v = [0.0] * DIM
        for tok in re.findall(r"\w+", text.lower()):
            h = int.from_bytes(hashlib.blake2b(tok.encode(), digest_size=4).digest(), "little")
            v[h % DIM] += 1.0 if h & 1 else -1.0
        norm = math.sqrt(sum(x * x for x in v)) or 1.0
        return [x / norm for x in v]


def chroma_function(embedder: Embeddings) -> Any:
    """Wrap an embedder as a Chroma EmbeddingFunction, so Chroma never falls back to its own
    default (which would download a model)."""
    from chromadb.api.types import EmbeddingFunction

    class _Function(EmbeddingFunction):
        def __init__(self) -> None:
            self._embedder = embedder

        def __call__(self, input: Any) -> Any:  # noqa: A002 - Chroma's parameter name
            import numpy as np

            return [np.asarray(v, dtype=np.float32) for v in self._embedder.embed_documents(list(input))]

        @staticmethod
        def name() -> str:
            return "plans"

        def get_config(self) -> dict:
            return {"embedder": getattr(embedder, "name", "plans"),
                    "model_path": getattr(embedder, "model_path", "")}

        @staticmethod
        def build_from_config(config: dict) -> Any:
            """Rebuild from a stored config (Chroma asks when it reopens a collection)."""
            if config.get("embedder") == FakeEmbedder.name:
                return chroma_function(FakeEmbedder())
            if config.get("model_path"):
                from indexer.minilm import MiniLMEncoder, supports

                path = config["model_path"]
                return chroma_function(MiniLMEncoder(path) if supports(path) else SentenceEmbedder(path))
            raise ConfigError("The plans collection must be opened with the plans embedder.")

        def default_space(self) -> Literal["cosine"]:
            return "cosine"

    return _Function()


def make_embedder(settings: Settings, *, fake: bool = False) -> Embeddings:
    """The embedder for indexing (``fake=True`` for unit tests): sentence-transformers, whose
    batched PyTorch forward pass is the fastest here for many passages."""
    if fake:
        return FakeEmbedder()
    return SentenceEmbedder(settings.model_path())


def make_query_embedder(settings: Settings) -> Embeddings:
    """The embedder for questions: the NumPy encoder of :mod:`indexer.minilm` when the model
    folder suits it (the same vectors, without importing PyTorch: a cold ``plans ask`` starts in
    about a second instead of ten, and a server holds about 400 MB less), else sentence-transformers."""
    from indexer.minilm import MiniLMEncoder, supports

    path = settings.model_path()
    return MiniLMEncoder(path) if supports(path) else SentenceEmbedder(path)
