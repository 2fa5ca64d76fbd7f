"""How the indexer feeds the embedder (#17): each distinct text once, shortest first, vectors back in
input order; and the real embedder's length batches. Fast: a fake embedder, except one test that
compares the real model's batched vectors with one text at a time."""

from __future__ import annotations

import numpy as np
import pytest

from indexer.embed import DIM, EMBED_CHUNK, FakeEmbedder, embed_each_once, length_batches
from indexer.pipeline import open_records, run_index
from indexer.vectors import VectorStore
from tests.conftest import stored_passages


class Recording(FakeEmbedder):
    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.calls.append(list(texts))
        return super().embed_documents(texts)


def collect(emb, texts: list[str], **kw) -> np.ndarray:
    out = np.full((len(texts), DIM), np.nan, dtype=np.float32)

    def sink(positions: list[int], vecs: np.ndarray) -> None:
        assert len(positions) == len(vecs)
        assert np.isnan(out[positions]).all(), "a position was given a vector twice"
        out[positions] = vecs

    embed_each_once(emb, texts, sink, **kw)
    return out


def test_each_distinct_text_is_embedded_once_and_every_position_gets_its_vector() -> None:
    texts = ["money laundering", "a much longer text about witness protection", "money laundering",
             "cybercrime", "a much longer text about witness protection", "money laundering", "drugs"]
    emb = Recording()
    got = collect(emb, texts, chunk=2)
    sent = [t for call in emb.calls for t in call]
    assert sorted(sent) == sorted(set(texts))  # once each
    assert [len(t) for t in sent] == sorted(len(t) for t in sent)  # shortest first
    assert all(len(call) <= 2 for call in emb.calls)
    want = np.asarray(FakeEmbedder().embed_documents(texts), dtype=np.float32)
    assert np.array_equal(got, want)  # in input order, duplicates the same vector


def test_embed_each_once_returns_the_distinct_count_and_handles_nothing() -> None:
    assert embed_each_once(Recording(), [], lambda p, v: None) == 0
    assert embed_each_once(Recording(), ["a", "b", "a"], lambda p, v: None) == 2


def test_length_batches_keep_every_position_once_shortest_first_within_the_budget() -> None:
    rng = np.random.default_rng(0)
    lengths = [int(x) for x in rng.integers(3, 257, size=500)]
    batches = length_batches(lengths, batch_tokens=2048, max_batch=64)
    flat = [i for b in batches for i in b]
    assert sorted(flat) == list(range(len(lengths)))
    assert [lengths[i] for i in flat] == sorted(lengths)
    for b in batches:
        assert 1 <= len(b) <= 64
        assert len(b) == 1 or len(b) * max(lengths[i] for i in b) <= 2048
    # one text longer than the budget still gets a batch of its own
    assert length_batches([5000, 3], batch_tokens=100, max_batch=8) == [[1], [0]]


def test_identical_passages_keep_their_own_ids_and_share_one_vector(fake_settings) -> None:
    from pathlib import Path

    corpus = Path(fake_settings.corpus_dir)
    src = sorted(corpus.iterdir())[0]
    # the same plan under another name: all its passage and unit texts but the plan line are repeats
    copy = corpus / ("copy-of-" + src.name)
    copy.write_text(src.read_text(encoding="utf-8") + "\n\nOne more line so that the file differs.\n",
                    encoding="utf-8")
    emb = Recording()
    summary = run_index(fake_settings, embedder=emb, progress=False)
    sent = [t for call in emb.calls for t in call]
    assert len(sent) == len(set(sent)) == summary.texts_embedded
    assert summary.texts_embedded < summary.passages_embedded + summary.units_embedded
    assert len(emb.calls) == -(-summary.texts_embedded // EMBED_CHUNK)
    store = open_records(fake_settings)
    vs = VectorStore.open(fake_settings, generation=summary.generation, embedder=FakeEmbedder())
    got = vs.collection.get(include=[])
    assert len(got["ids"]) == len(set(got["ids"])) == summary.passages_embedded
    fake = FakeEmbedder()
    for file in {s.file for s in store.sections()}:  # each passage's vector is its own text's
        passages, vecs = stored_passages(fake_settings, file, summary.generation)
        assert passages and len(passages) == len(vecs)
        for p, vec in zip(passages, vecs, strict=True):
            assert np.allclose(vec, fake.embed_query(p.text), atol=1e-6)
    units = store.unit_vectors([s.id for s in store.sections()])
    assert sum(len(v) for v in units.values()) == summary.units_embedded


@pytest.mark.slow
def test_the_real_embedder_gives_each_text_its_own_vector_whatever_the_batching(embedder) -> None:
    texts = ["Who drives action 3.2?", "money laundering " * 200, "cybercrime", "witness protection in the region",
             "x", "Training of judges and prosecutors on the confiscation of criminal assets " * 3]
    one_by_one = np.asarray([embedder.embed_query(t) for t in texts], dtype=np.float32)
    small = type(embedder)(embedder.model_path, batch_tokens=64, max_batch=2)
    for emb in (embedder, small):
        batched = np.asarray(emb.embed_documents(texts), dtype=np.float32)
        assert np.abs(batched - one_by_one).max() < 1e-5
    # a text past the model's window is cut to it (256 word pieces for MiniLM), not refused
    assert max(embedder.token_lengths(texts)) == embedder.max_tokens == 256


class PoolingFake(Recording):
    """A fake that pools parts: a part found in the text gets the fake vector of "part|text" (so a
    test can tell which passage gave it); a part not in it gets None."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[list[list[str]]] = []

    def encode_parts(self, texts: list[str], parts: list[list[str]]):
        self.asked.append(parts)
        vecs = np.asarray(self.embed_documents(texts), dtype=np.float32)
        pooled = [[np.asarray(self._vec(f"{p}|{t}"), dtype=np.float32) if p in t else None for p in ps]
                  for t, ps in zip(texts, parts)]
        return vecs, pooled


def test_units_come_from_the_passage_that_holds_them_else_alone() -> None:
    from indexer.embed import embed_with_units

    passages = ["P › A\nOne. Two half", "P › A\nof it. Three.", "P › B\nOne."]
    units = [((0, 1), "One."), ((0, 1), "Two half of it."), ((0, 1), "Three."), ((2,), "One.")]
    emb = PoolingFake()
    got_p = np.full((3, DIM), np.nan, dtype=np.float32)
    got_u = np.full((4, DIM), np.nan, dtype=np.float32)

    def usink(pos, vecs):
        assert np.isnan(got_u[pos]).all(), "a unit was given a vector twice"
        got_u[pos] = vecs

    counts = embed_with_units(emb, passages, units, lambda pos, v: got_p.__setitem__(pos, v), usink, chunk=2)
    assert not np.isnan(got_p).any() and not np.isnan(got_u).any()
    assert np.allclose(got_p[0], emb._vec(passages[0]))
    # each unit pooled from its own section's passage, the straddling one embedded on its own
    assert np.allclose(got_u[0], emb._vec(f"One.|{passages[0]}"))
    assert np.allclose(got_u[2], emb._vec(f"Three.|{passages[1]}"))
    assert np.allclose(got_u[3], emb._vec(f"One.|{passages[2]}"))
    assert np.allclose(got_u[1], emb._vec("Two half of it."))
    assert (counts.pooled, counts.alone, counts.texts) == (3, 1, 4)
    assert emb.calls[-1] == ["Two half of it."]  # only the straddling unit went through alone


def test_the_indexer_pools_units_with_an_encoder_that_can(fake_settings) -> None:
    from indexer.units import unit_texts

    emb = PoolingFake()
    summary = run_index(fake_settings, embedder=emb)
    store = open_records(fake_settings)
    sections = store.sections()
    vecs = store.unit_vectors([s.id for s in sections])
    assert {s.id for s in sections} == set(vecs)
    assert sum(len(v) for v in vecs.values()) == sum(len(unit_texts(s)) for s in sections)
    # most units pooled from their passages: far fewer texts through the model than passages and units
    assert summary.texts_embedded == sum(len(c) for c in emb.calls)
    assert summary.texts_embedded < summary.passages_embedded + summary.units_embedded / 2
