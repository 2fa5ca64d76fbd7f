"""What start-up used to compute from every section is stored by the indexer and read back by
lookup: document frequencies, acronym pairs, which actions a section belongs to. Carried-over files
keep all of it, row for row."""

from __future__ import annotations

import pytest

from assistant.evidence import Lexicon
from indexer.embed import FakeEmbedder
from indexer.pipeline import open_records, run_index
from indexer.plan_meta import glossary_pairs
from indexer.store import action_spans
from plans.errors import NotFoundError


def _index(settings):
    return run_index(settings, embedder=FakeEmbedder(), progress=False)


def _snapshot(store):
    return (store.lexicon(), store.acronym_pairs(),
            sorted((sid, [a.id for a in store.actions_of_section(sid)])
                   for sid in {s.id for s in store.sections()}), store.counts())


def test_stored_lexicon_equals_one_counted_from_the_sections(fake_settings):
    _index(fake_settings)
    store = open_records(fake_settings)
    sections = store.sections()
    stored = Lexicon.from_index(store)
    counted = Lexicon.from_sections(sections)
    assert stored.n == counted.n == len(sections)
    assert dict(stored.df) == dict(counted.df)
    assert stored.idf("iPROCEEDS") == counted.idf("iPROCEEDS") > stored.idf("crime")


def test_acronyms_and_action_spans_are_those_of_the_plans(fake_settings):
    _index(fake_settings)
    store = open_records(fake_settings)
    pairs = store.acronym_pairs()
    assert ("CoE", "Council of Europe") in pairs
    assert len(pairs) == len(set(pairs))
    sections, actions = store.sections(), store.actions()
    spans = action_spans(sections, actions)
    for sid, aid in spans[:50]:
        assert aid in [a.id for a in store.actions_of_section(sid)]
    # a table row continued over a page break belongs to the action it continues
    assert len({sid for sid, _ in spans}) > len({a.section_id for a in actions})
    counts = store.counts()
    assert sum(c[0] for c in counts.values()) == len(sections)
    assert sum(c[1] for c in counts.values()) == len(actions)


def test_glossary_pairs_need_the_tab():
    from indexer.models import Section

    text = "CoE\tCouncil of Europe\nnot a pair line\nEU\tEuropean Union\tthird"
    s = Section(id="g", plan_id="p", file="f", heading_path=(), text="", kind="glossary", char_start=0,
                char_end=len(text), line_start=1, line_end=3, ordinal=0)
    assert glossary_pairs(text, [s]) == [("CoE", "Council of Europe")]


def test_carried_files_keep_their_lookups(fake_settings):
    _index(fake_settings)
    before = _snapshot(open_records(fake_settings))
    # touch one file: the others are carried over in SQL, the touched one parsed again
    touched = sorted(fake_settings.corpus_dir.iterdir())[0]
    touched.write_text(touched.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    summary = _index(fake_settings)
    assert len(summary.unchanged) == 4 and len(summary.indexed) == 1
    after = _snapshot(open_records(fake_settings))
    assert after == before


def test_a_missing_section_is_a_clear_error(fake_settings):
    _index(fake_settings)
    store = open_records(fake_settings)
    first = store.sections()[0]
    assert store.section(first.id) == first == store.section(first.id)  # cached or not, the same
    with pytest.raises(NotFoundError, match="no-such-section"):
        store.section("no-such-section")
