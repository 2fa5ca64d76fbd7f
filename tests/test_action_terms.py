"""The inverted-index prefilter of deadline topics keeps exactly the actions a full scan keeps."""

from __future__ import annotations

import random

import pytest

from assistant.action_terms import ActionTerms, action_text
from assistant.evidence import Lexicon
from assistant.service import Assistant
from indexer.embed import FakeEmbedder
from tests.conftest import synthetic_index

FLOOR, SHARE = 0.25, 0.6


@pytest.fixture(scope="module")
def bot(tmp_path_factory):
    base = tmp_path_factory.mktemp("terms")
    settings, _ = synthetic_index(base, 3, seed=11)
    return Assistant(settings, embedder=FakeEmbedder())


def full_scan(lex: Lexicon, actions, positions, topic, aliases):
    scored = [(lex.coverage(topic, action_text(actions[i]), "", aliases), actions[i]) for i in positions]
    best = max((s for s, _ in scored), default=0.0)
    return [(s, x) for s, x in scored if s >= max(FLOOR, SHARE * best)], best


def test_same_actions_as_a_full_scan(bot):
    rng = random.Random(5)
    words = sorted({w for x in bot.actions[:200] for w in action_text(x).lower().split() if w.isalpha()})
    topics = [["cybercrime"], ["money", "laundering"], ["witness", "protection"], ["annual"], ["funded"],
              ["zzzz"], ["police", "training", "border"]]
    topics += [rng.sample(words, k=rng.randint(1, 3)) for _ in range(40)]
    terms = ActionTerms(bot.actions, bot.records)
    plans = sorted({x.plan for x in bot.actions})
    for k, topic in enumerate(topics):
        aliases = {topic[0]: ("siras",)} if k % 5 == 0 else {}
        if k % 2:
            positions = [i for i, x in enumerate(bot.actions) if x.plan == plans[k % len(plans)]]
        else:
            positions = list(range(len(bot.actions)))
        fast = terms.about(positions, topic, bot.lexicon, aliases, floor=FLOOR, share=SHARE)
        slow = full_scan(bot.lexicon, bot.actions, positions, topic, aliases)
        assert [bot.actions[i].id for _, i in fast[0]] == [x.id for _, x in slow[0]], topic
        if slow[1] >= FLOOR:
            assert fast[1] == pytest.approx(slow[1])
        else:
            assert fast[1] < FLOOR


def test_nothing_to_score(bot):
    terms = ActionTerms(bot.actions, bot.records)
    assert terms.relevant([], ["cybercrime"], weight=bot.lexicon.idf, credit=lambda t: 0.0,
                          exact=lambda x: 1.0, floor=FLOOR, share=SHARE) == ([], 0.0)


def test_a_text_narrower_than_the_indexed_one_keeps_the_full_scans_actions(bot):
    """Funding and driver lists match the topic against need, title and text (no drivers)."""
    listed = lambda x: f"{x.need} {x.title} {x.text}"  # noqa: E731
    terms = ActionTerms(bot.actions, bot.records)
    everything = list(range(len(bot.actions)))
    for topic in (["cybercrime"], ["money", "laundering"], ["police", "training"], ["ministry"], ["zzzz"]):
        fast, _ = terms.about(everything, topic, bot.lexicon, {}, floor=0.34, share=0.0, text=listed)
        slow = [i for i in everything if bot.lexicon.coverage(topic, listed(bot.actions[i]), "", {}) >= 0.34]
        assert [i for _, i in fast] == slow, topic


def test_the_posting_lists_are_the_stems_of_every_action(bot):
    """``action_postings``, written by the indexer, holds for each stem the positions of the actions
    whose text holds it: what stemming every record's text gives (the way it was built before, at
    the first topical question)."""
    from indexer.text import stem, tokens

    want: dict[str, list[int]] = {}
    for i, x in enumerate(bot.records.actions()):
        for s in sorted({stem(t) for t in tokens(action_text(x))}):
            want.setdefault(s, []).append(i)
    got = bot.records.action_postings(list(want) + ["zzzz"])
    assert {s: p.tolist() for s, p in got.items()} == want
    some = sorted(want)[len(want) // 2][:3]
    assert {s: p.tolist() for s, p in bot.records.action_postings_starting(some).items()} == \
        {s: p for s, p in want.items() if s.startswith(some)}
