"""Citable units: the one cut shared by the answerer and the indexer, and the units' embeddings the
indexer stores (``unit_vectors``): filled for every section, carried over unchanged files, read in
unit order, and atomic with the rest of a generation."""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pytest

from assistant.evidence import units_of
from indexer.embed import DIM, EMBED_CHUNK, FakeEmbedder, embed_each_once
from indexer.models import Section
from indexer.parse import parse_document
from indexer.pipeline import current_generation, open_records, plan_id_for, records_path, run_index
from indexer.store import RecordStore
from indexer.text import fold
from indexer.units import unit_texts
from indexer.vectors import passages_for

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def corpus_sections() -> list[Section]:
    out: list[Section] = []
    for path in sorted(CORPUS.glob("*.txt")) + sorted(CORPUS.glob("*.md")):
        doc = parse_document(path.read_text(encoding="utf-8"), plan_id=plan_id_for(path.name),
                             file=path.name, sha256="")
        out += doc.sections
    return out


def test_units_of_is_unit_texts_on_every_section_of_the_corpus() -> None:
    sections = corpus_sections()
    assert len(sections) > 250
    cut = 0
    for s in sections:
        texts = unit_texts(s)
        units = units_of(s, rank=3)
        assert [u.text for u in units] == texts, s.id
        assert all(u.section is s and u.rank == 3 for u in units)
        # nothing is lost or added by the cut but spacing
        assert fold(" ".join(texts)).replace(" ", "") == fold(s.text).replace(" ", ""), s.id
        cut += len(texts) > 1
    assert cut > 20  # the corpus has long sections that are cut, not only whole ones


def test_bullets_are_units_in_any_case_and_dashes_only_before_a_capital() -> None:
    text = ("Strengthening of the partnership: • strengthening of cross-border cooperation between the "
            "competent authorities of the Member States in combating organised crime; • countering extremist "
            "activities, as well as suppressing channels for smuggling extremist materials; • information "
            "exchange on the state and measures of combating crime. The cross-border - and regional - work "
            "continues with the partners named in the annex to this plan and its updates. - Training of "
            "judges and prosecutors on the seizure of assets in all the participating jurisdictions.")
    section = Section(id="s", plan_id="p", file="p.txt", heading_path=("Goals",), text=text, kind="paragraph",
                      char_start=0, char_end=len(text), line_start=1, line_end=1, ordinal=0)
    units = unit_texts(section)
    assert "• countering extremist activities, as well as suppressing channels for smuggling extremist " \
           "materials;" in units
    assert any(u.startswith("The cross-border - and regional - work") for u in units)  # a dash in a sentence
    assert units[-1].startswith("- Training of judges")


# --- the units' embeddings in the index ------------------------------------------------------------

CICA = "cica-action-plan-new-challenges-2008.txt"


class CountingEmbedder(FakeEmbedder):
    """The fake embedder, remembering every text it was asked to embed and every call."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.calls = 0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.calls += 1
        self.texts += texts
        return super().embed_documents(texts)


def index(settings, emb=None):
    return run_index(settings, embedder=emb or FakeEmbedder(), progress=False)


def fake_vec(text: str) -> np.ndarray:
    return np.asarray(FakeEmbedder().embed_query(text), dtype=np.float32)


def all_unit_vectors(store: RecordStore) -> dict[str, np.ndarray]:
    return store.unit_vectors([s.id for s in store.sections()])


def test_every_section_has_a_vector_per_unit_after_indexing(fake_settings) -> None:
    emb = CountingEmbedder()
    summary = index(fake_settings, emb)
    store = open_records(fake_settings)
    sections = store.sections()
    vecs = all_unit_vectors(store)
    assert store.has_unit_vectors() and set(vecs) == {s.id for s in sections}
    n_units = 0
    for s in sections:
        texts = unit_texts(s)
        n_units += len(texts)
        assert vecs[s.id].shape == (len(texts), DIM) and vecs[s.id].dtype == np.float32
        assert np.allclose(vecs[s.id], np.stack([fake_vec(t) for t in texts]), atol=1e-6), s.id
        assert np.allclose(np.linalg.norm(vecs[s.id], axis=1), 1.0, atol=1e-5)
    assert summary.units_embedded == n_units > len(sections)
    # passages and units go through the embedder together, each distinct text once, shortest first
    assert len(emb.texts) == len(set(emb.texts)) == summary.texts_embedded
    assert summary.texts_embedded <= summary.passages_embedded + n_units
    assert [len(t) for t in emb.texts] == sorted(len(t) for t in emb.texts)
    assert emb.calls == -(-summary.texts_embedded // EMBED_CHUNK)
    assert store.db.execute("SELECT COUNT(*) FROM unit_vectors").fetchone()[0] == n_units


def test_a_real_index_stores_the_embedders_vector_of_each_unit(real_index, embedder) -> None:
    store = open_records(real_index)
    sections = store.sections()
    assert store.has_unit_vectors()
    # a table row, a section cut into several units, and some whole short ones
    row = next(s for s in sections if s.kind == "table_row")
    cut = max(sections, key=lambda s: len(unit_texts(s)))
    picked = [row, cut, *sections[::60]]
    vecs = store.unit_vectors([s.id for s in picked])
    for s in picked:
        texts = unit_texts(s)
        want = np.asarray(embedder.embed_documents(texts), dtype=np.float32)
        assert vecs[s.id].shape == want.shape == (len(texts), DIM)
        assert np.abs(vecs[s.id] - want).max() < 1e-5, s.id
    assert len(unit_texts(cut)) >= 5


def test_changing_one_file_embeds_only_its_units_and_carries_the_others(fake_settings) -> None:
    first = index(fake_settings)
    old = RecordStore(records_path(fake_settings, first.generation))
    old_vecs = all_unit_vectors(old)
    path = Path(fake_settings.corpus_dir) / CICA
    path.write_text(path.read_text(encoding="utf-8") + "\n\nAddendum on zanzibar cooperation.\n",
                    encoding="utf-8")

    emb = CountingEmbedder()
    second = index(fake_settings, emb)
    assert second.indexed == [CICA] and len(second.unchanged) == 4
    store = open_records(fake_settings)
    cica_id = plan_id_for(CICA)
    cica = store.sections(cica_id)
    units = [t for s in cica for t in unit_texts(s)]
    passages = [p.text for s in cica
                for p in passages_for(s.id, cica_id, CICA, store.embed_text(s.id))]
    assert second.units_embedded == len(units) and second.passages_embedded == len(passages)
    # nothing but the changed file's passages and units went through the embedder
    assert sorted(emb.texts) == sorted(set(passages + units))
    assert emb.calls == -(-len(set(passages + units)) // EMBED_CHUNK)
    assert any("zanzibar" in t for t in units)

    vecs = all_unit_vectors(store)
    assert set(vecs) == {s.id for s in store.sections()}
    for sid, v in vecs.items():  # the other plans' rows are the old generation's bytes
        if not sid.startswith(cica_id + ":"):
            assert v.tobytes() == old_vecs[sid].tobytes(), sid
    for s in cica:
        assert np.allclose(vecs[s.id], np.stack([fake_vec(t) for t in unit_texts(s)]), atol=1e-6)
    old.close()


def test_unit_vectors_reads_sections_in_unit_order(fake_settings) -> None:
    index(fake_settings)
    store = open_records(fake_settings)
    sections = store.sections()
    cut = [s for s in sections if len(unit_texts(s)) > 2][:4]
    whole = [s for s in sections if len(unit_texts(s)) == 1][:3]
    asked = [cut[0].id, "no-such-plan:0001", *[s.id for s in cut[1:] + whole], cut[0].id]
    got = store.unit_vectors(asked)
    assert set(got) == {s.id for s in cut + whole}  # an unknown id is absent, a repeated one once
    for s in cut + whole:
        texts = unit_texts(s)
        assert got[s.id].shape == (len(texts), DIM)
        for k, t in enumerate(texts):  # row k is unit k
            assert np.allclose(got[s.id][k], fake_vec(t), atol=1e-6), (s.id, k)
    assert store.unit_vectors([]) == {} and store.unit_vectors(["nope"]) == {}


def test_has_unit_vectors_is_false_for_an_index_without_them(tmp_path) -> None:
    store = RecordStore(tmp_path / "empty.sqlite", create=True)
    assert not store.has_unit_vectors()
    store.db.execute("DROP TABLE unit_vectors")  # an index written before the table existed
    assert not store.has_unit_vectors()


def test_a_crash_while_embedding_units_leaves_the_previous_generation_with_its_vectors(
        fake_settings, monkeypatch) -> None:
    first = index(fake_settings)
    store = open_records(fake_settings)
    before = all_unit_vectors(store)
    store.close()
    for name in sorted(p.name for p in Path(fake_settings.corpus_dir).glob("*.txt"))[:3]:
        path = Path(fake_settings.corpus_dir) / name
        path.write_text(path.read_text(encoding="utf-8") + "\n\nAddendum on zanzibar cooperation.\n",
                        encoding="utf-8")
    real = RecordStore.add_unit_vectors
    calls = {"n": 0}

    def crash_on_second(self, rows):
        calls["n"] += 1
        if calls["n"] == 2:  # one batch of the new units is written, then the process dies
            raise KeyboardInterrupt
        return real(self, rows)

    monkeypatch.setattr(RecordStore, "add_unit_vectors", crash_on_second)
    # small embedder calls, so that some units are written before the crash
    monkeypatch.setattr("indexer.pipeline.embed_each_once", functools.partial(embed_each_once, chunk=64))
    with pytest.raises(KeyboardInterrupt):
        index(fake_settings)
    assert calls["n"] == 2
    assert current_generation(fake_settings) == first.generation
    store = open_records(fake_settings)
    after = all_unit_vectors(store)
    assert after.keys() == before.keys() and all(after[k].tobytes() == before[k].tobytes() for k in before)
    assert store.search("zanzibar") == []
    store.close()

    monkeypatch.undo()
    second = index(fake_settings)
    assert len(second.indexed) == 3 and current_generation(fake_settings) == second.generation
    store = open_records(fake_settings)
    vecs = all_unit_vectors(store)
    assert set(vecs) == {s.id for s in store.sections()}
    assert sum(len(v) for v in vecs.values()) == sum(len(unit_texts(s)) for s in store.sections())
