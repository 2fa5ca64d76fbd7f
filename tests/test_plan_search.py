"""Searches within named plans take shortcuts on a large corpus: BM25 seeks into each plan's run of
full-text rows, and the dense side scores the plans' passages fetched by id. Both give what the
plain filtered searches give (real SQLite FTS5, real embedded Chroma)."""

from __future__ import annotations

import random

import pytest

from assistant.retrieve import HybridRetriever
from bench.synth import mutate
from indexer.embed import FakeEmbedder
from indexer.pipeline import open_records, open_vectors, run_index
from tests.conftest import synthetic_index

QUERIES = ["witness protection", "money laundering training", "border police cooperation", "cybercrime",
           "annual meeting of experts", "funding donors", "zzzz nothing", "drug trafficking routes", "2019"]


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    base = tmp_path_factory.mktemp("plan-search")
    settings, _ = synthetic_index(base, 3, seed=31)
    mutate(base / "corpus", 0.2, seed=3)  # a second generation: carried files are copied row for row
    run_index(settings, embedder=FakeEmbedder(), progress=False)
    records = open_records(settings)
    return records, open_vectors(settings, FakeEmbedder())


def plain_bm25(records, query, k, plan_ids):
    saved = records._fts_ranges
    records._fts_ranges = {}  # no ranges known: the plain filtered query
    try:
        return records.search(query, k=k, plan_ids=plan_ids)
    finally:
        records._fts_ranges = saved


def test_every_plan_is_one_run_of_rows_even_after_an_incremental_index(index):
    records, _ = index
    plans = [p.id for p in records.plans()]
    assert sorted(records.fts_ranges()) == sorted(plans)


def test_bm25_within_plans_equals_the_filtered_query(index):
    records, _ = index
    plans = [p.id for p in records.plans()]
    rng = random.Random(3)
    for query in QUERIES:
        for n in (1, 1, 2, 3):
            chosen = rng.sample(plans, n)
            fast = records.search(query, k=10, plan_ids=chosen)
            slow = plain_bm25(records, query, 10, chosen)
            assert [s for s, _ in fast] == [s for s, _ in slow], (query, chosen)
            assert [round(x, 9) for _, x in fast] == [round(x, 9) for _, x in slow]


def test_a_plan_whose_rows_are_broken_up_falls_back_to_the_filter(index):
    records, _ = index
    plans = [p.id for p in records.plans()]
    ranges = dict(records.fts_ranges())
    lo, hi = ranges[plans[0]]
    broken = {**ranges, plans[0]: (lo, lo)}  # a wrong range would lose rows: it must not be used
    records._fts_ranges = {p: r for p, r in broken.items() if p != plans[0]}
    try:
        got = records.search("cooperation", k=50, plan_ids=[plans[0]])
    finally:
        records._fts_ranges = ranges
    assert got == plain_bm25(records, "cooperation", 50, [plans[0]]) and len(got) > 1


def test_dense_search_among_a_plans_passages_equals_the_filtered_query(index):
    records, vectors = index
    retriever = HybridRetriever(records, vectors)
    plans = [p.id for p in records.plans()]
    for k, query in enumerate(QUERIES):
        chosen = [plans[k % len(plans)]] if k % 3 else plans[k % len(plans):k % len(plans) + 2]
        ids = retriever.passage_ids(chosen)
        assert ids and all(i.rsplit("#", 1)[0] in {s.id for p in chosen for s in records.sections(p)} for i in ids)
        fast = vectors.query(query, k=8, plan_ids=chosen, passage_ids=ids)
        slow = vectors.query(query, k=8, plan_ids=chosen)
        # the same similarities, best first; sections tied to float precision may swap places
        assert [x for _, x in fast] == pytest.approx([x for _, x in slow], abs=1e-5), query
        every = dict(vectors.query(query, k=1000, plan_ids=chosen))
        assert all(every[s] == pytest.approx(x, abs=1e-5) for s, x in fast)
        assert sum(a != b for (a, _), (b, _) in zip(fast, slow)) <= 2 * sum(
            abs(x - y) < 1e-5 for (_, x), (_, y) in zip(fast[1:], fast))
    assert retriever.passage_ids(None) is None and retriever.passage_ids(plans[:9]) is None


def test_a_broad_corpus_wide_search_takes_the_rows_holding_every_word(index, monkeypatch):
    import indexer.store as store

    records, _ = index
    changed = 0
    for query, stems in (("border police cooperation", ("border", "police", "cooperat")),
                         ("money laundering training", ("money", "launder", "train")),
                         ("money trafficking", ("money", "traffick")),
                         ("training cybercrime", ("train", "cybercrime"))):
        monkeypatch.setattr(store, "LEXICAL_CAP", 10 ** 9)
        every = dict(records.search(query, k=100_000))
        monkeypatch.setattr(store, "LEXICAL_CAP", 10)
        got = records.search(query, k=5)
        holding = [sid for sid in every if all(w in records.embed_text(sid).lower() for w in stems)]
        if len(holding) < 5:
            continue
        # the best five of the rows holding every word, scored as the OR query scores them
        assert [sid for sid, _ in got] == holding[:5], query
        assert all(score == pytest.approx(every[sid]) for sid, score in got)
        changed += holding[:5] != list(every)[:5]
    assert changed  # on some query the cap did change what was found
    # words sharing a stem ("train", "training") are one row count
    assert len(records.search("training trained cybercrime", k=3)) == 3
    # too few rows hold every word: the OR query, as without the cap
    rare = "cybercrime zzzz witness"
    monkeypatch.setattr(store, "LEXICAL_CAP", 10 ** 9)
    plain = records.search(rare, k=50)
    monkeypatch.setattr(store, "LEXICAL_CAP", 1)
    assert records.search(rare, k=50) == plain  # "zzzz" is in no row: the AND of the other two is short
