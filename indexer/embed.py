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
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from langchain_core.embeddings import Embeddings

from indexer.minilm import embedder_name
from plans.errors import ConfigError
from plans.settings import Settings

DIM = 384


class SentenceEmbedder(Embeddings):
    """all-MiniLM-L6-v2 (or any local sentence-transformers folder), loaded lazily once.

    ``embed_documents`` orders its texts by token length and cuts the order into batches of about
    ``batch_tokens`` word pieces (at most ``max_batch`` texts), so a batch pads little and short
    texts go many at a time; vectors come back in input order. A text longer than the model's window
    (``max_seq_length``, 256 word pieces for MiniLM) is truncated to it, as sentence-transformers
    does; the indexer's passages are cut to fit it (:data:`indexer.vectors.WINDOW`)."""

    def __init__(self, model_path: str, *, batch_tokens: int = 4096, max_batch: int = 128) -> None:
        self.model_path = model_path
        self.batch_tokens = batch_tokens
        self.max_batch = max_batch
        self._model: Any = None
        self._tokenizer: Any = None
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return embedder_name(self.model_path)

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

    @property
    def max_tokens(self) -> int:
        """The model's window in word pieces, special tokens included (``max_seq_length``)."""
        return int(self._load().max_seq_length)

    def token_lengths(self, texts: list[str]) -> list[int]:
        """Word pieces each text gives the model ([CLS] and [SEP] included), capped at its window."""
        model = self._load()
        if self._tokenizer is None:
            self._tokenizer = model.tokenizer
        cap = self.max_tokens
        enc = self._tokenizer(list(texts), add_special_tokens=True, truncation=True, max_length=cap,
                              return_attention_mask=False, return_token_type_ids=False)
        return [len(ids) for ids in enc["input_ids"]]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        return self.encode(list(texts)).tolist()

    def encode(self, texts: list[str]) -> Any:
        """(len(texts), dim) float32 array, unit length, in input order."""
        import numpy as np

        model = self._load()
        lengths = self.token_lengths(texts)
        out: Any = None
        for idx in length_batches(lengths, self.batch_tokens, self.max_batch):
            vecs = model.encode([texts[i] for i in idx], batch_size=len(idx), normalize_embeddings=True,
                                show_progress_bar=False, convert_to_numpy=True)
            if out is None:
                out = np.empty((len(texts), vecs.shape[1]), dtype=np.float32)
            out[idx] = vecs
        return out

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


def length_batches(lengths: list[int], batch_tokens: int, max_batch: int) -> list[list[int]]:
    """Positions of ``lengths`` in batches, shortest first: each batch holds texts of near-equal
    length, as many as fit ``batch_tokens`` once padded to its longest (at least one, at most
    ``max_batch``)."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    batches: list[list[int]] = []
    cur: list[int] = []
    for i in order:
        if cur and (len(cur) >= max_batch or (len(cur) + 1) * lengths[i] > batch_tokens):
            batches.append(cur)
            cur = []
        cur.append(i)
    if cur:
        batches.append(cur)
    return batches


EMBED_CHUNK = 1024  # distinct texts per embedder call when indexing


def embed_each_once(embedder: Embeddings, texts: list[str],
                    sink: Callable[[list[int], Any], None], *, chunk: int = EMBED_CHUNK,
                    progress: Callable[[Any], Any] | None = None) -> int:
    """Embed ``texts`` with each distinct text embedded once, the distinct texts in order of length
    (so the embedder's batches pad little), ``chunk`` texts per ``embed_documents`` call. After each
    call, ``sink(positions, vectors)`` receives the vectors (a float32 array, one row per position)
    of every position in ``texts`` whose text was in that call: a text that occurs twice is given
    the same vector at both positions. Nothing but one chunk's vectors is held at a time. Returns
    the number of distinct texts embedded.

    Example::

        vecs = np.empty((len(texts), DIM), np.float32)
        embed_each_once(emb, texts, lambda pos, v: vecs.__setitem__(pos, v))
    """
    import numpy as np

    where = _positions(texts)
    distinct = sorted(where, key=len)
    steps = range(0, len(distinct), chunk)
    for start in progress(steps) if progress else steps:
        part = distinct[start:start + chunk]
        _spread(part, where, np.asarray(embedder.embed_documents(part), dtype=np.float32), sink)
    return len(distinct)


def _positions(texts: list[str]) -> dict[str, list[int]]:
    where: dict[str, list[int]] = {}
    for i, t in enumerate(texts):
        where.setdefault(t, []).append(i)
    return where


def _spread(part: list[str], where: dict[str, list[int]], vecs: Any,
            sink: Callable[[list[int], Any], None]) -> None:
    """Give each position of each distinct text its vector (a row of ``vecs``, in ``part`` order)."""
    positions: list[int] = []
    rows: list[int] = []
    for row, t in enumerate(part):
        positions += where[t]
        rows += [row] * len(where[t])
    sink(positions, vecs[rows] if len(rows) > len(part) else vecs)


@dataclass(frozen=True)
class EmbedCounts:
    texts: int  # distinct texts through the model: passages, and the units embedded on their own
    pooled: int  # units whose vector came from their passage's forward pass
    alone: int  # units embedded on their own (not a run of any of their passages' word pieces)


def pools_parts(embedder: Embeddings) -> bool:
    """Can the embedder give the vectors of a text's parts from the text's forward pass?"""
    return callable(getattr(embedder, "encode_parts", None))


def embed_with_units(embedder: Any, passages: list[str], units: list[tuple[tuple[int, ...], str]],
                     passage_sink: Callable[[list[int], Any], None],
                     unit_sink: Callable[[list[int], Any], None], *, chunk: int = EMBED_CHUNK,
                     progress: Callable[[Any], Any] | None = None) -> EmbedCounts:
    """Embed the passages (each distinct text once, shortest first, ``chunk`` a call, as
    :func:`embed_each_once`) and take each unit's vector from the forward pass of a passage that holds
    it: ``units[u] = (positions of the passages that may hold it, its text)``; the mean of that
    passage's last-layer states over the unit's word pieces (``embedder.encode_parts``). The model
    then reads the corpus text about once instead of twice. A unit no passage holds as a run of word
    pieces (it straddles two windows) is embedded on its own at the end. ``passage_sink`` gets
    passages' positions and vectors, ``unit_sink`` units' positions (in ``units``) and vectors.

    Example::

        embed_with_units(enc, ["Plan › Intro\nOne. Two."], [((0,), "One."), ((0,), "Two.")], psink, usink)
    """
    import numpy as np

    where = _positions(passages)
    held: dict[int, list[int]] = {}  # passage position -> the units it may hold, in order
    for u, (cands, _) in enumerate(units):
        for pos in cands:
            held.setdefault(pos, []).append(u)
    done = np.zeros(len(units), dtype=bool)
    distinct = sorted(where, key=len)
    steps = range(0, len(distinct), chunk)
    for start in progress(steps) if progress else steps:
        part = distinct[start:start + chunk]
        asked = [sorted({u for pos in where[t] for u in held.get(pos, ()) if not done[u]}) for t in part]
        vecs, pooled = embedder.encode_parts(part, [[units[u][1] for u in us] for us in asked])
        _spread(part, where, np.asarray(vecs, dtype=np.float32), passage_sink)
        got: dict[int, Any] = {}
        for us, vs in zip(asked, pooled):
            for u, v in zip(us, vs):
                if v is not None and u not in got:
                    got[u] = v
        if got:
            done[list(got)] = True
            unit_sink(list(got), np.asarray(list(got.values()), dtype=np.float32))
    rest = [int(u) for u in np.flatnonzero(~done)]
    alone = embed_each_once(embedder, [units[u][1] for u in rest],
                            lambda pos, v: unit_sink([rest[i] for i in pos], v), chunk=chunk)
    return EmbedCounts(len(distinct) + alone, len(units) - len(rest), len(rest))


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
    """The embedder for indexing (``fake=True`` for unit tests): the PyTorch encoder of
    :mod:`indexer.minilm_torch` when the model folder suits it (sentence-transformers' vectors and
    PyTorch's batched speed, without importing sentence-transformers, transformers, scikit-learn
    and SciPy: seconds off every cold ``plans index``), else sentence-transformers."""
    if fake:
        return FakeEmbedder()
    from indexer.minilm import supports

    path = settings.model_path()
    if supports(path):
        from indexer.minilm_torch import TorchMiniLM

        return TorchMiniLM(path, int8=settings.index_int8)
    return SentenceEmbedder(path)


def make_query_embedder(settings: Settings) -> Embeddings:
    """The embedder for questions: the NumPy encoder of :mod:`indexer.minilm` when the model
    folder suits it (the same vectors, without importing PyTorch: a cold ``plans ask`` starts in
    about a second instead of ten, and a server holds about 400 MB less), else sentence-transformers."""
    from indexer.minilm import MiniLMEncoder, supports

    path = settings.model_path()
    return MiniLMEncoder(path) if supports(path) else SentenceEmbedder(path)
