"""Paths whose cost must not grow with the number of plans: a cross-plan question over many plans
runs a bounded number of searches; start-up reads stored lookups. Synthetic corpus, fake embedder."""

from __future__ import annotations

from datetime import date

import pytest

from assistant import crossplan
from assistant.service import Assistant
from indexer.embed import FakeEmbedder
from tests.conftest import synthetic_index


@pytest.fixture(scope="module")
def many_plans(tmp_path_factory):
    base = tmp_path_factory.mktemp("many")
    settings, summary = synthetic_index(base, 5, seed=4)
    assert summary.plans > crossplan.MAX_PLANS
    return settings, Assistant(settings, embedder=FakeEmbedder())


def test_a_cross_plan_question_over_many_plans_runs_one_search(many_plans, monkeypatch):
    _, bot = many_plans
    calls = []
    real = bot.retriever.search
    monkeypatch.setattr(bot.retriever, "search", lambda *a, **kw: calls.append(kw.get("plan_ids")) or real(*a, **kw))
    topic = "trafficking in human beings"
    answer = bot.ask(f"Which plans address {topic}?", as_of=date(2020, 1, 1))
    assert answer.route == "cross_plan" and not answer.refused, answer.answer
    assert len(calls) == 1  # one search over all plans, grouped by plan
    assert f"of {len(bot.plans)}" in answer.answer and "matched best" in answer.answer
    assert answer.citations


def test_start_up_does_not_read_every_section(many_plans, monkeypatch):
    settings, _ = many_plans
    from indexer.store import RecordStore

    def forbidden(self, plan_id=None):
        raise AssertionError("start-up must not load every section")

    monkeypatch.setattr(RecordStore, "sections", forbidden)
    bot = Assistant(settings, embedder=FakeEmbedder())
    assert bot.lexicon.n > 1000 and bot.acronyms.pairs
