"""A NumPy forward pass of a BERT sentence encoder (the packaged all-MiniLM-L6-v2), for queries.

Why: answering a question needs one short embedding, yet importing sentence-transformers pulls in
PyTorch, transformers and scikit-learn (about 9 s and 400 MB here). This module reads the same
folder (``model.safetensors``, ``tokenizer.json``, ``config.json``, the pooling config) with
``safetensors`` and ``tokenizers`` only, and computes the same vectors (mean pooling over the
attention mask, then L2 normalisation) to within float32 rounding: about 1e-6 in cosine, checked
in ``tests/test_minilm.py`` against sentence-transformers.

It handles the BERT family with absolute positions, GELU and mean pooling, which is what the
packaged model is; :func:`supports` says whether a folder fits, and :func:`indexer.embed.make_query_embedder`
falls back to sentence-transformers when it does not.

Example::

    enc = MiniLMEncoder(packaged_model_path())
    vec = enc.embed_query("Who drives action 3.2?")   # 384 floats, unit length
"""

from __future__ import annotations

import functools
import json
import math
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from plans.errors import ConfigError

_NEEDED = ("config.json", "model.safetensors", "tokenizer.json")


def embedder_name(model_path: str) -> str:
    """The name an index records for the vectors of this model folder. SentenceEmbedder, MiniLMEncoder
    and TorchMiniLM give the same vectors, so they share it: an index built by one is opened and
    queried by the others without a rebuild."""
    return "plans-st:" + os.path.basename(model_path.rstrip("/"))


def supports(model_path: str) -> bool:
    """True if the folder holds a BERT encoder with mean pooling that this module can run."""
    folder = Path(model_path)
    if not all((folder / n).is_file() for n in _NEEDED):
        return False
    try:
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        pooling = _pooling_config(folder)
    except (OSError, ValueError):
        return False
    return (config.get("model_type") == "bert" and config.get("hidden_act") == "gelu"
            and config.get("position_embedding_type", "absolute") == "absolute"
            and pooling.get("pooling_mode_mean_tokens", False)
            and not any(pooling.get(k) for k in ("pooling_mode_cls_token", "pooling_mode_max_tokens",
                                                  "pooling_mode_mean_sqrt_len_tokens")))


def _modules(folder: Path) -> list[dict] | None:
    """The sentence-transformers modules.json of the folder (None when it has none)."""
    path = folder / "modules.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def _pooling_config(folder: Path) -> dict:
    """The sentence-transformers pooling module's config (mean pooling if the folder has none)."""
    for m in _modules(folder) or []:
        if m.get("type", "").endswith("Pooling"):
            cfg = folder / m.get("path", "") / "config.json"
            if cfg.is_file():
                return json.loads(cfg.read_text(encoding="utf-8"))
    return {"pooling_mode_mean_tokens": True}


def _normalises(folder: Path) -> bool:
    modules = _modules(folder)
    return modules is None or any(m.get("type", "").endswith("Normalize") for m in modules)


def _erf(x: Any) -> Any:
    """erf for a float array (NumPy has none): Abramowitz and Stegun's formula 7.1.26, at most
    1.5e-7 off, which is below float32 rounding of the activations it feeds."""
    import numpy as np

    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return sign * (1.0 - poly * np.exp(-a * a))


@dataclass
class BertFolder:
    """What both encoders read from a model folder besides the weights: the config, the window, the
    tokenizer (truncating at the window, no padding), the attention heads, LayerNorm's epsilon and
    whether vectors are normalised."""

    config: dict
    max_tokens: int
    tokenizer: Any
    heads: int
    eps: float
    normalise: bool

    @classmethod
    def read(cls, model_path: str, engine: str, max_tokens: int | None = None) -> BertFolder:
        """Check the folder suits a BERT mean-pooling encoder (``engine`` names the one asking, for the
        error) and read it."""
        from tokenizers import Tokenizer

        folder = Path(model_path)
        if not supports(model_path):
            raise ConfigError(f"The model at {model_path} is not a BERT mean-pooling encoder "
                              f"that the {engine} encoder can run.")
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        st_config = folder / "sentence_bert_config.json"
        max_len = json.loads(st_config.read_text(encoding="utf-8")).get("max_seq_length") \
            if st_config.is_file() else None
        window = int(max_tokens or max_len or config.get("max_position_embeddings", 512))
        tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        tokenizer.enable_truncation(window)
        tokenizer.no_padding()
        return cls(config, window, tokenizer, int(config["num_attention_heads"]),
                   float(config.get("layer_norm_eps", 1e-12)), _normalises(folder))


def weight_prefix(weights: Any) -> str:
    """"bert." when the safetensors name the encoder's weights under it, else ""."""
    return "bert." if "bert.embeddings.word_embeddings.weight" in weights else ""


class MiniLMEncoder(Embeddings):
    """BERT encoder + mean pooling + normalisation in NumPy; weights loaded lazily, once."""

    def __init__(self, model_path: str, *, max_tokens: int | None = None, batch_size: int = 16) -> None:
        self.model_path = model_path
        self.batch_size = batch_size
        self._max_tokens = max_tokens
        self._lock = threading.Lock()
        self._ready = False

    @property
    def name(self) -> str:
        return embedder_name(self.model_path)

    def _load(self) -> None:
        with self._lock:
            if self._ready:
                return
            import numpy as np
            from safetensors.numpy import load_file

            spec = BertFolder.read(self.model_path, "NumPy", self._max_tokens)
            config, self.max_tokens, self.tokenizer = spec.config, spec.max_tokens, spec.tokenizer
            self.heads, self.eps, self.normalise = spec.heads, spec.eps, spec.normalise
            w = load_file(str(Path(self.model_path) / "model.safetensors"))
            prefix = weight_prefix(w)

            def g(name: str) -> Any:
                return np.ascontiguousarray(w[prefix + name], dtype=np.float32)

            self.word = g("embeddings.word_embeddings.weight")
            self.position = g("embeddings.position_embeddings.weight")
            self.token_type = g("embeddings.token_type_embeddings.weight")
            self.emb_ln = (g("embeddings.LayerNorm.weight"), g("embeddings.LayerNorm.bias"))
            self.layers = []
            for i in range(int(config["num_hidden_layers"])):
                p = f"encoder.layer.{i}."
                # one fused QKV matrix: a single matmul per layer instead of three
                qkv_w = np.concatenate([g(p + f"attention.self.{n}.weight") for n in ("query", "key", "value")]).T
                qkv_b = np.concatenate([g(p + f"attention.self.{n}.bias") for n in ("query", "key", "value")])
                self.layers.append({
                    "qkv": (np.ascontiguousarray(qkv_w), qkv_b),
                    "out": (np.ascontiguousarray(g(p + "attention.output.dense.weight").T),
                            g(p + "attention.output.dense.bias")),
                    "ln1": (g(p + "attention.output.LayerNorm.weight"), g(p + "attention.output.LayerNorm.bias")),
                    "up": (np.ascontiguousarray(g(p + "intermediate.dense.weight").T),
                           g(p + "intermediate.dense.bias")),
                    "down": (np.ascontiguousarray(g(p + "output.dense.weight").T), g(p + "output.dense.bias")),
                    "ln2": (g(p + "output.LayerNorm.weight"), g(p + "output.LayerNorm.bias")),
                })
            self._ready = True

    def _layer_norm(self, x: Any, wb: tuple[Any, Any]) -> Any:
        import numpy as np

        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        return (x - mean) / np.sqrt(var + self.eps) * wb[0] + wb[1]

    def _forward(self, ids: Any, mask: Any) -> Any:
        """ids, mask: (batch, seq) int arrays → (batch, hidden) pooled embeddings."""
        import numpy as np

        b, n = ids.shape
        x = self.word[ids] + self.position[:n][None, :, :] + self.token_type[0][None, None, :]
        x = self._layer_norm(x, self.emb_ln)
        h = x.shape[-1]
        d = h // self.heads
        bias = np.where(mask[:, None, None, :] > 0, 0.0, np.finfo(np.float32).min).astype(np.float32)
        scale = np.float32(1.0 / math.sqrt(d))
        for L in self.layers:
            qkv = x @ L["qkv"][0] + L["qkv"][1]
            q, k, v = (qkv[..., i * h:(i + 1) * h].reshape(b, n, self.heads, d).transpose(0, 2, 1, 3)
                       for i in range(3))
            scores = (q @ k.transpose(0, 1, 3, 2)) * scale + bias
            scores -= scores.max(-1, keepdims=True)
            probs = np.exp(scores)
            probs /= probs.sum(-1, keepdims=True)
            ctx = (probs @ v).transpose(0, 2, 1, 3).reshape(b, n, h)
            x = self._layer_norm(ctx @ L["out"][0] + L["out"][1] + x, L["ln1"])
            up = x @ L["up"][0] + L["up"][1]
            up = 0.5 * up * (1.0 + _erf(up * np.float32(1 / math.sqrt(2))))
            x = self._layer_norm(up @ L["down"][0] + L["down"][1] + x, L["ln2"])
        m = mask[:, :, None].astype(np.float32)
        pooled = (x * m).sum(1) / np.maximum(m.sum(1), 1e-9)
        if self.normalise:
            pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return pooled

    def encode(self, texts: list[str]) -> Any:
        """(len(texts), hidden) float32 array; texts of similar length are batched together."""
        import numpy as np

        self._load()
        encs = self.tokenizer.encode_batch(list(texts))
        out = np.zeros((len(encs), self.word.shape[1]), dtype=np.float32)
        order = sorted(range(len(encs)), key=lambda i: len(encs[i].ids))
        for start in range(0, len(order), self.batch_size):
            idx = order[start:start + self.batch_size]
            n = max(len(encs[i].ids) for i in idx)
            ids = np.zeros((len(idx), n), dtype=np.int64)
            mask = np.zeros((len(idx), n), dtype=np.int64)
            for row, i in enumerate(idx):
                ids[row, :len(encs[i].ids)] = encs[i].ids
                mask[row, :len(encs[i].ids)] = 1
            out[idx] = self._forward(ids, mask)
        return out

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        return self.encode(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        """One question's vector; the recent ones are kept, since one question is embedded by more
        than one reader (the intent classifier, the dense search, the unit ranking)."""
        return list(self._query_vector(text))

    @functools.lru_cache(maxsize=256)  # noqa: B019 - one encoder per process, kept for its lifetime
    def _query_vector(self, text: str) -> tuple[float, ...]:
        return tuple(self.encode([text])[0].tolist())
