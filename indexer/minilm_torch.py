"""The packaged MiniLM's forward pass in plain PyTorch, for indexing (issue #17).

Why: indexing needs PyTorch's fast batched matrix products, but not sentence-transformers, whose
import pulls in transformers, scikit-learn, SciPy and SymPy (several seconds of every cold
``plans index``, more than the model's load). This module reads the same folder as
:mod:`indexer.minilm` (``model.safetensors``, ``tokenizer.json``, the configs) with ``safetensors``
and ``tokenizers``, and computes the same vectors as sentence-transformers (BERT, mean pooling over
the attention mask, L2 normalisation; checked in ``tests/test_minilm_torch.py``).

Texts are tokenised once, ordered by length and cut into batches of about ``batch_tokens`` word
pieces once padded (:func:`indexer.embed.length_batches`), so short texts go many at a time and a
batch pads little; vectors come back in input order. A text longer than the model's window
(``max_seq_length`` of the folder, 256 word pieces for MiniLM) is truncated to it, as
sentence-transformers does.

With ``int8=True`` (``PLANS_INDEX_INT8``) each layer's four matrix products run with int8 weights
and activations quantised per call (about 1.5× faster here; vectors at mean cosine 0.993 to the
float ones, see docs/performance.md); questions are always embedded in float32.

Example::

    enc = TorchMiniLM(packaged_model_path())
    vecs = enc.embed_documents(["Who drives action 3.2?", "money laundering"])
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from indexer.minilm import BertFolder, embedder_name, weight_prefix

log = logging.getLogger(__name__)
INT8_LAYERS = ("qkv", "out", "up", "down")  # every matrix product of a layer; attention's own stays float


class TorchMiniLM(Embeddings):
    """BERT encoder + mean pooling + normalisation in PyTorch; weights loaded lazily, once."""

    def __init__(self, model_path: str, *, batch_tokens: int = 4096, max_batch: int = 128,
                 int8: bool = False) -> None:
        self.model_path = model_path
        self.batch_tokens = batch_tokens
        self.max_batch = max_batch
        self.int8 = int8  # asked for; after loading, whether the layers really run in int8
        self._lock = threading.Lock()
        self._ready = False

    @property
    def name(self) -> str:
        return embedder_name(self.model_path)

    def _load(self) -> None:
        with self._lock:
            if self._ready:
                return
            import torch
            from safetensors.torch import load_file

            torch.set_num_threads(max(1, os.cpu_count() or 1))
            spec = BertFolder.read(self.model_path, "PyTorch")
            config, self.max_tokens, self.tokenizer = spec.config, spec.max_tokens, spec.tokenizer
            self.heads, self.eps, self.normalise = spec.heads, spec.eps, spec.normalise
            w = load_file(str(Path(self.model_path) / "model.safetensors"))
            prefix = weight_prefix(w)

            def g(name: str) -> Any:
                return w[prefix + name].to(torch.float32).contiguous()

            self.word = g("embeddings.word_embeddings.weight")
            self.position = g("embeddings.position_embeddings.weight")
            self.token_type = g("embeddings.token_type_embeddings.weight")
            self.emb_ln = (g("embeddings.LayerNorm.weight"), g("embeddings.LayerNorm.bias"))
            self.layers = []
            for i in range(int(config["num_hidden_layers"])):
                p = f"encoder.layer.{i}.attention."
                o = f"encoder.layer.{i}."
                self.layers.append({
                    # one fused QKV projection: a single matrix product per layer instead of three
                    "qkv": (torch.cat([g(p + f"self.{n}.weight") for n in ("query", "key", "value")]),
                            torch.cat([g(p + f"self.{n}.bias") for n in ("query", "key", "value")])),
                    "out": (g(p + "output.dense.weight"), g(p + "output.dense.bias")),
                    "ln1": (g(p + "output.LayerNorm.weight"), g(p + "output.LayerNorm.bias")),
                    "up": (g(o + "intermediate.dense.weight"), g(o + "intermediate.dense.bias")),
                    "down": (g(o + "output.dense.weight"), g(o + "output.dense.bias")),
                    "ln2": (g(o + "output.LayerNorm.weight"), g(o + "output.LayerNorm.bias")),
                })
            if self.int8:
                self.int8 = _pack_int8(self.layers)
            self._ready = True

    def _forward(self, ids: Any, mask: Any) -> Any:
        """ids, mask: (batch, seq) int64 tensors → (batch, hidden) pooled (and normalised) vectors."""
        return self._pool(self._states(ids, mask), mask)

    def _pool(self, x: Any, mask: Any) -> Any:
        """Mean over the word pieces the mask keeps (and L2 normalisation, as the folder says)."""
        import torch
        import torch.nn.functional as F

        m = mask.unsqueeze(-1).to(x.dtype)
        pooled = (x * m).sum(1) / torch.clamp(m.sum(1), min=1e-9)
        return F.normalize(pooled, p=2, dim=-1) if self.normalise else pooled

    def _states(self, ids: Any, mask: Any) -> Any:
        """ids, mask: (batch, seq) int64 tensors → (batch, seq, hidden): the last layer's word-piece states."""
        import torch.nn.functional as F

        b, n = ids.shape
        h = self.word.shape[1]
        d = h // self.heads
        x = self.word[ids] + self.position[:n].unsqueeze(0) + self.token_type[0]
        x = F.layer_norm(x, (h,), *self.emb_ln, eps=self.eps)
        attend = mask[:, None, None, :].bool()  # (b, 1, 1, n): keys a query may attend to
        for L in self.layers:
            q, k, v = _linear(x, L, "qkv").view(b, n, 3, self.heads, d).permute(2, 0, 3, 1, 4)
            ctx = F.scaled_dot_product_attention(q, k, v, attn_mask=attend)
            ctx = ctx.transpose(1, 2).reshape(b, n, h)
            x = F.layer_norm(_linear(ctx, L, "out") + x, (h,), *L["ln1"], eps=self.eps)
            up = F.gelu(_linear(x, L, "up"))
            x = F.layer_norm(_linear(up, L, "down") + x, (h,), *L["ln2"], eps=self.eps)
        return x

    def token_lengths(self, texts: list[str]) -> list[int]:
        """Word pieces each text gives the model ([CLS] and [SEP] included), capped at its window."""
        self._load()
        return [len(e.ids) for e in self.tokenizer.encode_batch(list(texts))]

    def encode(self, texts: list[str]) -> Any:
        """(len(texts), hidden) float32 NumPy array, in input order."""
        return self.encode_parts(texts, [[] for _ in texts])[0]

    def encode_parts(self, texts: list[str], parts: list[list[str]]) -> tuple[Any, list[list[Any]]]:
        """Each text's vector, and from the same forward pass the vector of each of its parts (a
        sentence of a passage, say): the mean of the text's last-layer states over the part's word
        pieces, normalised as the text's. A part whose word pieces are not a run of the text's (it
        starts in one window and ends in the next, or is not in this text) gets None. Returns (a
        (len(texts), hidden) float32 array in input order, per text a list per part)."""
        import numpy as np
        import torch

        from indexer.embed import length_batches

        self._load()
        encs = self.tokenizer.encode_batch(list(texts))
        flat = [e.ids[1:-1] for e in self.tokenizer.encode_batch([p for ps in parts for p in ps])]
        wanted, at = [], 0  # each text's parts as word pieces (one tokenizer call for all of them)
        for ps in parts:
            wanted.append(flat[at:at + len(ps)])
            at += len(ps)
        out = np.empty((len(encs), self.word.shape[1]), dtype=np.float32)
        pooled: list[list[Any]] = [[None] * len(ps) for ps in parts]
        with torch.inference_mode():
            for idx in length_batches([len(e.ids) for e in encs], self.batch_tokens, self.max_batch):
                n = max(len(encs[i].ids) for i in idx)
                ids = torch.zeros((len(idx), n), dtype=torch.int64)
                mask = torch.zeros((len(idx), n), dtype=torch.int64)
                for row, i in enumerate(idx):
                    k = len(encs[i].ids)
                    ids[row, :k] = torch.tensor(encs[i].ids, dtype=torch.int64)
                    mask[row, :k] = 1
                x = self._states(ids, mask)
                out[idx] = self._pool(x, mask).numpy()
                for row, i in enumerate(idx):
                    for j, (start, end) in enumerate(spans(encs[i].ids, wanted[i])):
                        if end > start:
                            v = x[row, start:end].mean(0)
                            pooled[i][j] = (torch.nn.functional.normalize(v, p=2, dim=0) if self.normalise
                                            else v).numpy()
        return out, pooled

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        return self.encode(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


def _linear(x: Any, layer: dict, kind: str) -> Any:
    """One of a layer's matrix products: int8 weights with the activations quantised per call when
    the layer has them packed (``kind + "_int8"``), else float32."""
    import torch
    import torch.nn.functional as F

    packed = layer.get(kind + "_int8")
    if packed is not None:
        # reduce_range=False: all 8 bits for the activations (7 bits lost 3x the cosine in our study)
        return torch.ops.quantized.linear_dynamic(x, packed, False)
    return F.linear(x, *layer[kind])


def _pack_int8(layers: list[dict]) -> bool:
    """Pack each layer's :data:`INT8_LAYERS` weights as int8, one scale per output row (symmetric), for
    PyTorch's dynamic quantised matrix product. False, and the layers left in float32, when this
    PyTorch build has no quantised CPU kernels."""
    import warnings

    import torch

    try:
        packs = []
        for L in layers:
            row = {}
            for kind in INT8_LAYERS:
                w, b = L[kind]
                scale = (w.abs().amax(1) / 127).clamp(min=1e-8).to(torch.float64)
                with warnings.catch_warnings():  # quantised tensors are "deprecated" in favour of a
                    warnings.simplefilter("ignore")  # package we do not install; torch is pinned
                    qw = torch.quantize_per_channel(w, scale, torch.zeros(len(scale), dtype=torch.int64), 0,
                                                    torch.qint8)
                row[kind + "_int8"] = torch.ops.quantized.linear_prepack(qw, b)
            packs.append(row)
        # packing can succeed where the product has no kernel: one product on zeros tells
        torch.ops.quantized.linear_dynamic(torch.zeros((1, layers[0]["qkv"][0].shape[1])), packs[0]["qkv_int8"], False)
    except (RuntimeError, AttributeError, NotImplementedError) as exc:
        log.warning("int8 matrix products are not available in this PyTorch (%s); indexing in float32", exc)
        return False
    for L, row in zip(layers, packs, strict=True):
        L.update(row)
    return True


def spans(ids: list[int], parts: list[list[int]]) -> list[tuple[int, int]]:
    """Where each part's word pieces run in ``ids`` ([CLS] and [SEP] excluded), searched in order from
    the end of the part before (a repeated sentence is found at its own place); (0, 0) when a part
    is not a run of them. Example: ``spans([101, 5, 6, 7, 102], [[5, 6], [7]]) == [(1, 3), (3, 4)]``."""
    body = ids[1:-1]
    out: list[tuple[int, int]] = []
    at = 0
    for part in parts:
        found = _find(body, part, at) if part else -1
        if found < 0 and at:
            found = _find(body, part, 0) if part else -1  # parts out of order: search from the start
        if found < 0:
            out.append((0, 0))
            continue
        out.append((found + 1, found + 1 + len(part)))
        at = found + len(part)
    return out


def _find(seq: list[int], part: list[int], start: int) -> int:
    first, n = part[0], len(part)
    i = start
    while True:
        try:
            i = seq.index(first, i)
        except ValueError:
            return -1
        if seq[i:i + n] == part:
            return i
        i += 1
