"""The NumPy query encoder gives the same vectors as sentence-transformers, for short and long
texts, alone and in padded batches; folders it cannot run fall back to sentence-transformers."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from indexer.embed import SentenceEmbedder, make_query_embedder
from indexer.minilm import MiniLMEncoder, supports
from plans.errors import ConfigError
from plans.settings import packaged_model_path
from tests.conftest import make_settings

TEXTS = [
    "Who drives action 3.2?",
    "What is still seeking funding in the Western Balkan plan?",
    "x",
    "Ένα κείμενο με ελληνικά και emoji 🚓 and accents: café, Škoda, Zürich.",
    # longer than the model's 256 word pieces: both must truncate at the same place
    " ".join(["Regional cooperation against trafficking in human beings and firearms"] * 60),
]


@pytest.fixture(scope="module")
def encoder():
    return MiniLMEncoder(packaged_model_path())


def test_same_vectors_as_sentence_transformers(encoder, embedder):
    ours = np.asarray(encoder.embed_documents(TEXTS))
    theirs = np.asarray(embedder.embed_documents(TEXTS))
    assert ours.shape == theirs.shape == (len(TEXTS), 384)
    assert np.abs(ours - theirs).max() < 1e-5
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)


def test_a_query_alone_equals_the_same_text_in_a_padded_batch(encoder):
    alone = np.asarray(encoder.embed_query(TEXTS[0]))
    batched = np.asarray(encoder.embed_documents(TEXTS)[0])
    assert np.abs(alone - batched).max() < 1e-5


def test_different_texts_differ(encoder):
    a, b = encoder.embed_documents(["money laundering", "witness protection"])
    assert float(np.dot(a, b)) < 0.9


def test_the_packaged_model_is_queried_without_pytorch(tmp_path):
    settings = make_settings(tmp_path, tmp_path)
    emb = make_query_embedder(settings)
    assert isinstance(emb, MiniLMEncoder)
    assert emb.name == SentenceEmbedder(packaged_model_path()).name  # an index built by one serves the other


def test_a_folder_it_cannot_run_falls_back(tmp_path):
    folder = tmp_path / "model"
    shutil.copytree(packaged_model_path(), folder)
    config = json.loads((folder / "config.json").read_text())
    (folder / "config.json").write_text(json.dumps(config | {"model_type": "roberta"}))
    assert not supports(str(folder))
    emb = make_query_embedder(make_settings(tmp_path, tmp_path, embedding_model=str(folder)))
    assert isinstance(emb, SentenceEmbedder)
    with pytest.raises(ConfigError):
        MiniLMEncoder(str(folder)).embed_query("x")


def test_a_missing_folder_is_not_supported(tmp_path):
    assert not supports(str(tmp_path / "nothing"))
