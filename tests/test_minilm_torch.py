"""The PyTorch indexing encoder gives sentence-transformers' vectors (and the NumPy query encoder's),
in input order whatever its length batches; `plans index` uses it for the packaged model, without
importing sentence-transformers; folders it cannot run fall back to sentence-transformers."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import numpy as np
import pytest

from indexer.embed import SentenceEmbedder, make_embedder
from indexer.minilm_torch import TorchMiniLM
from plans.settings import packaged_model_path
from tests.conftest import ROOT, make_settings
from tests.test_minilm import TEXTS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def torch_encoder():
    return TorchMiniLM(packaged_model_path())


def test_same_vectors_as_sentence_transformers_in_input_order(torch_encoder, embedder):
    texts = TEXTS + ["money laundering", TEXTS[1], "a" * 3]
    theirs = np.asarray(embedder.embed_documents(texts))
    for emb in (torch_encoder, TorchMiniLM(packaged_model_path(), batch_tokens=32, max_batch=2)):
        ours = np.asarray(emb.embed_documents(texts))
        assert ours.shape == theirs.shape == (len(texts), 384)
        assert np.abs(ours - theirs).max() < 1e-5
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    assert torch_encoder.embed_query(TEXTS[0]) == pytest.approx(list(theirs[0]), abs=1e-5)


def test_long_texts_are_cut_at_the_models_window(torch_encoder):
    long = TEXTS[-1]
    assert torch_encoder.max_tokens == 256
    assert torch_encoder.token_lengths([long, "x"]) == [256, 3]
    # what lies past the window does not change the vector
    a, b = torch_encoder.embed_documents([long, long + " and a tail the model never reads"])
    assert np.abs(np.asarray(a) - np.asarray(b)).max() < 1e-6


def test_the_packaged_model_is_indexed_with_the_torch_encoder(tmp_path):
    emb = make_embedder(make_settings(tmp_path, tmp_path))
    assert isinstance(emb, TorchMiniLM)
    assert emb.name == SentenceEmbedder(packaged_model_path()).name  # indexes built by either stay valid


def test_indexing_with_the_packaged_model_does_not_import_sentence_transformers(tmp_path):
    code = ("import sys; from indexer.embed import make_embedder; from tests.conftest import make_settings; "
            "from pathlib import Path; p = Path(sys.argv[1]); "
            "make_embedder(make_settings(p, p)).embed_documents(['money laundering']); "
            "print(sorted(m for m in ('sentence_transformers', 'transformers', 'sklearn', 'scipy') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], cwd=ROOT, capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


def test_a_folder_it_cannot_run_falls_back_to_sentence_transformers(tmp_path):
    folder = tmp_path / "model"
    shutil.copytree(packaged_model_path(), folder)
    config = json.loads((folder / "config.json").read_text())
    config["hidden_act"] = "relu"
    (folder / "config.json").write_text(json.dumps(config))
    emb = make_embedder(make_settings(tmp_path, tmp_path, embedding_model=str(folder)))
    assert isinstance(emb, SentenceEmbedder)


def test_a_part_is_pooled_from_the_texts_own_forward_pass(torch_encoder):
    from indexer.minilm_torch import spans

    text = "Plan › Monitoring\nThe Support Group will monitor the plan. The frequency of reporting is annual."
    parts = ["The Support Group will monitor the plan.", "The frequency of reporting is annual.", "Not in it."]
    vecs, pooled = torch_encoder.encode_parts([text, "money laundering"], [parts, []])
    assert np.abs(vecs - torch_encoder.encode([text, "money laundering"])).max() < 1e-5
    assert pooled[1] == [] and pooled[0][2] is None
    alone = torch_encoder.encode(parts[:2])
    for k in range(2):
        v = pooled[0][k]
        assert v.shape == (384,) and abs(float(np.linalg.norm(v)) - 1.0) < 1e-5
        # in context, yet nearer its own words alone than the other part's
        assert float(v @ alone[k]) > float(v @ alone[1 - k])
    assert spans([101, 5, 6, 5, 6, 102], [[5, 6], [5, 6], [9]]) == [(1, 3), (3, 5), (0, 0)]


def test_int8_indexing_gives_nearly_the_float_vectors(torch_encoder):
    """PLANS_INDEX_INT8: the layers' matrix products in int8. The vectors move a little (the
    questions stay float32 and find the same passages in bench/embed_quality.py's study), and
    they really are another computation, not the float one under another name."""
    texts = TEXTS + ["Enhancing capacities of specialized bodies in charge of fighting corruption",
                     "Exchange of information on money laundering and the financing of terrorism"]
    quick = TorchMiniLM(packaged_model_path(), int8=True)
    ours, theirs = quick.encode(texts), torch_encoder.encode(texts)
    assert quick.int8 is True
    cosines = (ours * theirs).sum(1)
    assert cosines.min() > 0.97 and np.abs(ours - theirs).max() > 1e-4
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    # each text is still nearest its own float vector
    assert list((ours @ theirs.T).argmax(1)) == list(range(len(texts)))


def test_int8_falls_back_to_float_when_pytorch_has_no_quantised_kernels(monkeypatch, torch_encoder, caplog):
    import torch

    def missing(*args, **kwargs):
        raise RuntimeError("Didn't find engine for operation quantized::linear_prepack NoQEngine")

    monkeypatch.setattr(torch.ops.quantized, "linear_prepack", missing)
    emb = TorchMiniLM(packaged_model_path(), int8=True)
    with caplog.at_level("WARNING"):
        vecs = emb.encode(TEXTS)
    assert emb.int8 is False and "indexing in float32" in caplog.text
    assert np.abs(vecs - torch_encoder.encode(TEXTS)).max() < 1e-6


def test_the_setting_turns_int8_on(tmp_path):
    assert make_embedder(make_settings(tmp_path, tmp_path)).int8 is False
    assert make_embedder(make_settings(tmp_path, tmp_path, index_int8=True)).int8 is True
