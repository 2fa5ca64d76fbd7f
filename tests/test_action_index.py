"""The action lookups give what a scan of every action gives (or, for the date prefilters, a
superset of what the exact check keeps), on a synthetic corpus in all five plan shapes."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from assistant.action_index import ActionIndex, number_key
from assistant.compose import mentions_in_window
from assistant.service import Assistant
from indexer.embed import FakeEmbedder
from indexer.records import due_date
from tests.conftest import synthetic_index


@pytest.fixture(scope="module")
def bot(tmp_path_factory):
    base = tmp_path_factory.mktemp("action-index")
    settings, _ = synthetic_index(base, 3, seed=23)
    return Assistant(settings, embedder=FakeEmbedder())


def days(rng: random.Random) -> date:
    return date(2008, 1, 1) + timedelta(days=rng.randint(0, 365 * 20))


def test_numbers_drivers_statuses_and_plans(bot):
    index: ActionIndex = bot.action_index
    xs = bot.actions
    plans = sorted({x.plan for x in xs})
    assert index.positions(None) == list(range(len(xs)))
    assert index.positions({plans[1]}) == [i for i, x in enumerate(xs) if x.plan == plans[1]]
    numbers = sorted({x.number for x in xs if x.number})
    assert len(numbers) > 20
    for k, num in enumerate(numbers):
        scope = {plans[k % len(plans)]} if k % 2 else set()
        want = [i for i, x in enumerate(xs) if number_key(x.number) in (number_key(num), number_key(num) + "A")
                and (not scope or x.plan in scope)]
        assert index.numbered((num, num + "A"), scope) == want
        assert index.numbered((num.lower() + ".",), scope) == [i for i in want if number_key(xs[i].number)
                                                               == number_key(num)]
    drivers = index.driver_names()
    assert drivers == sorted({d for x in xs for d in x.drivers if len(d) <= 60})
    for name in drivers[:30] + ["police", "Ministry", "zzz"]:
        assert index.driven_by(name) == {i for i, x in enumerate(xs)
                                         if any(name.lower() in d.lower() for d in x.drivers)}
    for status in ("available", "seeking", "negotiating", "unknown"):
        assert index.with_status(status) == {i for i, x in enumerate(xs) if x.funding_status == status}


def test_date_filters_keep_everything_the_exact_checks_keep(bot):
    index: ActionIndex = bot.action_index
    xs = bot.actions
    periods = bot.answerer.periods
    rng = random.Random(7)
    everything = index.positions(None)
    assert index.dates()["mention_lo"].max() > 0  # the corpus has dated timelines
    seen_window = seen_due = 0
    # half the windows start on a day some action falls due (its end or start), where >= and > differ
    edges = sorted({d for x in xs for d in (x.start, x.end) if d})
    for _ in range(60):
        lo = days(rng) if rng.random() < 0.5 else rng.choice(edges)
        hi = lo + timedelta(days=rng.choice((30, 60, 90, 365)))
        pool = everything if rng.random() < 0.5 else index.positions({rng.choice(xs).plan})
        in_window = [i for i in pool if mentions_in_window(xs[i], (lo, hi), periods.get(xs[i].plan))]
        near = index.in_window(pool, lo, hi)
        assert set(in_window) <= set(near) and near == sorted(near)
        seen_window += len(in_window)
        assert index.ending_in(pool, lo, hi) == [i for i in pool if xs[i].end and lo <= xs[i].end <= hi]
        due = {i: d for i in pool if (d := due_date(xs[i], lo, periods.get(xs[i].plan)))}
        may = index.may_fall_due(pool, lo)
        assert set(due) <= set(may)
        seen_due += len(due)
        within = index.may_fall_due(pool, lo, hi)  # what can fall due in [lo, hi]
        assert {i for i, d in due.items() if d <= hi} <= set(within) <= set(may) and within == sorted(within)
        assert all(due.get(i) for i in within if not xs[i].recurrence)  # exact for what does not recur
        first = min(due.values(), default=None)
        candidates = index.may_be_due_first(pool, lo)
        assert {i for i, d in due.items() if d == first} <= set(candidates) <= set(may)
        assert len(candidates) <= len(may)
        assert index.overdue(pool, lo) == [i for i in pool if xs[i].end and xs[i].end < lo
                                           and xs[i].status not in ("done", "permanent")]
        latest = sorted((i for i in pool if xs[i].end), key=lambda i: xs[i].end, reverse=True)[:3]
        assert index.latest_ending(pool, 3) == latest
    assert seen_window > 0 and seen_due > 0  # the windows did catch something


def test_date_arrays_are_what_decoding_every_record_gives(bot):
    """``dates()`` reads day numbers the indexer wrote to SQL; they are the ones parsing every
    record's timeline gives (the way it was computed before, kept here as the reference)."""
    import numpy as np

    from assistant.action_index import EVER, NONE
    from indexer.dates import timeline_dates
    from indexer.models import DateRange
    from indexer.records import within_period

    d = bot.action_index.dates()
    periods = bot.answerer.periods
    xs = bot.records.actions()
    assert len(d["start"]) == len(xs) and d["recurs_lo"].max() > 0 and d["recurrence"].any()
    for i, x in enumerate(xs):
        assert d["start"][i] == (x.start.toordinal() if x.start else NONE)
        assert d["end"][i] == (x.end.toordinal() if x.end else NONE)
        assert (d["recurrence"][i], d["permanent"][i], d["closed"][i]) == (
            bool(x.recurrence), x.status == "permanent", x.status in ("done", "permanent"))
        spans, recurs = [], []
        for r in timeline_dates(x.timeline) if x.timeline else ():
            a, b = r.start or r.end, r.end or r.start
            if a and b:
                spans.append((a.toordinal(), b.toordinal()))
            if r.recurrence:
                r = within_period(r, periods.get(x.plan))
                recurs.append((r.start.toordinal() if r.start else 0, r.end.toordinal() if r.end else EVER))
        for name, pairs in (("mention", spans), ("recurs", recurs)):
            want = (min(a for a, _ in pairs), max(b for _, b in pairs)) if pairs else (NONE, NONE)
            assert (d[f"{name}_lo"][i], d[f"{name}_hi"][i]) == want, (x.id, name)
        if x.recurrence:
            own = within_period(DateRange(x.start, x.end, recurrence=x.recurrence), periods.get(x.plan))
            assert (d["due_lo"][i], d["due_hi"][i]) == (own.start.toordinal() if own.start else 0,
                                                        own.end.toordinal() if own.end else EVER)
    assert np.all(d["mention_lo"] <= d["mention_hi"])


def test_empty_pools(bot):
    index: ActionIndex = bot.action_index
    d = date(2020, 1, 1)
    assert index.in_window([], d, d) == [] and index.may_fall_due([], d) == []
    assert index.may_fall_due([], d, d) == [] and index.may_be_due_first([], d) == []
    assert index.latest_ending([], 3) == [] and index.numbered(("9.99",), None) == []
    assert index.positions({"no-such-plan"}) == []


def test_lazily_read_records_are_the_records(bot):
    """ActionList reads a record by position from SQLite; every way of reading gives what decoding
    all of them at once (``RecordStore.actions()``, the start-up before) gives, in the same order."""
    from indexer.store import ActionList, take

    every = bot.records.actions()
    lazy = ActionList(bot.records, cache=16)  # a small cache: most reads go to SQLite
    assert len(lazy) == len(every) > 100
    rng = random.Random(3)
    picks = [rng.randrange(len(every)) for _ in range(200)]
    assert [lazy[i] for i in picks] == [every[i] for i in picks]
    assert lazy[-1] == every[-1] and lazy[3:9] == every[3:9]
    few = picks[:len(every) // 8]
    assert take(lazy, few) == [every[i] for i in few]  # one query, duplicates kept in order
    assert lazy._all is None  # nothing so far needed every record
    assert take(lazy, picks) == [every[i] for i in picks]  # a quarter or more: all read once, kept
    assert lazy._all == every
    with pytest.raises(IndexError):
        ActionList(bot.records)[len(every)]
    assert list(lazy) == every and lazy.index(every[5]) == 5  # walking them reads all, once


def test_sql_filters_match_the_in_memory_lookups(bot):
    """The filters ActionIndex runs in SQL, against the dictionaries it used to build from every
    record at start-up."""
    xs = bot.records.actions()
    index: ActionIndex = bot.action_index
    by_plan: dict[str, list[int]] = {}
    by_number: dict[str, list[int]] = {}
    by_driver: dict[str, list[int]] = {}
    for i, x in enumerate(xs):
        by_plan.setdefault(x.plan, []).append(i)
        if x.number:
            by_number.setdefault(number_key(x.number), []).append(i)
        for d in dict.fromkeys(x.drivers):
            by_driver.setdefault(d, []).append(i)
    for plan, pos in by_plan.items():
        assert index.positions([plan]) == pos
        assert all(index.plan_of(i) == plan for i in pos[:5])
    assert index.driver_counts() == {d: len(p) for d, p in by_driver.items()}
    for key, pos in by_number.items():
        assert index.numbered([key], None) == pos
    names = sorted(by_driver)[:40]
    assert index.driven_by_any(names) == {i for d in names for i in by_driver[d]}


def test_start_up_decodes_no_action_record(tmp_path_factory, monkeypatch):
    """Building the assistant and answering a question by number read no record beyond the ones
    shown (``RecordStore.actions()``, which decodes all, is not called)."""
    from indexer.store import RecordStore

    base = tmp_path_factory.mktemp("action-lazy")
    settings, _ = synthetic_index(base, 1, seed=5)

    def no_full_read(self, plan=None):
        if plan is None:
            raise AssertionError("every action record was decoded")
        return real(self, plan)

    real = RecordStore.actions
    monkeypatch.setattr(RecordStore, "actions", no_full_read)
    fresh = Assistant(settings, embedder=FakeEmbedder())
    number = fresh.actions[len(fresh.actions) // 2]
    plan = fresh.records.plan(number.plan)
    answer = fresh.ask(f"Who is responsible for action {number.number} in the {plan.short_name} plan?")
    assert not answer.refused and fresh.actions._all is None
    # deadline answers: their date filters and topic postings are columns the indexer wrote
    ends = sorted(x.end for x in fresh.records.actions(number.plan) if x.end)
    as_of = ends[len(ends) // 2] - timedelta(days=10)
    from indexer.text import stem

    words = [w for w in number.title.lower().split() if w.isalpha() and len(w) > 4]
    post = fresh.records.action_postings([stem(w) for w in words])
    rare = min(words, key=lambda w: len(post.get(stem(w), range(10**6))))  # few actions to score exactly
    for question in ("Which deadlines fall in the next 60 days?", "What is the next deadline?",
                     f"What deadlines on {rare} are coming up?"):
        answer = fresh.ask(question, as_of=as_of)
        assert answer.route.value == "deadline" and not answer.refused, (question, answer.answer)
    assert fresh.actions._all is None


def test_the_vector_store_opens_only_for_a_search_by_meaning(tmp_path_factory):
    # a cold `plans ask` by number need not import chromadb nor open the collection
    base = tmp_path_factory.mktemp("vectors-lazy")
    settings, _ = synthetic_index(base, 1, seed=7)
    fresh = Assistant(settings, embedder=FakeEmbedder())
    assert not fresh.vectors.is_open
    number = fresh.actions[0]
    plan = fresh.records.plan(number.plan)
    fresh.ask(f"Who is responsible for action {number.number} in the {plan.short_name} plan?")
    assert not fresh.vectors.is_open
    fresh.ask("Which plans say something about money laundering?")
    assert fresh.vectors.is_open and fresh.vectors.count() > 0


def test_plan_periods_are_parsed_when_asked_for():
    from indexer.models import DateRange
    from indexer.records import PlanHorizons

    h = PlanHorizons({"a": "2018-2020", "b": "", "c": ""}, {"c": (2011, 2013)})
    assert not h._done  # nothing parsed at start
    a = h.get("a")
    assert a is not None and (a.start.year, a.end.year) == (2018, 2020) and list(h._done) == ["a"]
    assert h.get("b") is None and h.get("b", "none") == "none" and "b" not in h
    assert h["c"] == DateRange(date(2011, 1, 1), date(2013, 12, 31), "year")  # the years its text mentions
    assert sorted(h) == ["a", "c"] and len(h) == 2
    with pytest.raises(KeyError):
        h["zzz"]


def test_a_missing_vector_collection_is_a_clear_error_at_the_first_search(tmp_path_factory):
    # the store is opened on first use: a collection that is gone does not stop answers by number, and
    # the first search by meaning reports it as open_vectors does (IndexMissingError, "run `plans index`")
    from indexer.vectors import LazyVectorStore
    from plans.errors import IndexMissingError

    base = tmp_path_factory.mktemp("vectors-missing")
    settings, _ = synthetic_index(base, 1, seed=9)
    opened = []

    def gone():
        opened.append(1)
        raise IndexMissingError("The vector index plans-x is missing; run `plans index`.")

    fresh = Assistant(settings, embedder=FakeEmbedder(), vectors=LazyVectorStore(gone))
    number = fresh.actions[0]
    plan = fresh.records.plan(number.plan)
    answer = fresh.ask(f"Who is responsible for action {number.number} in the {plan.short_name} plan?")
    assert not answer.refused and not opened  # answered without the vectors
    with pytest.raises(IndexMissingError, match="run `plans index`"):
        fresh.ask("Which plans say something about money laundering?")
    assert opened


def test_an_index_without_the_date_columns_says_to_run_plans_index(bot, tmp_path):
    """An index written before the indexer stored day numbers and posting lists: the deadline and
    topic filters say what to do (IndexMissingError, "run `plans index`"), not SQLite's "no such column"."""
    import shutil
    import sqlite3

    from indexer.store import RecordStore
    from plans.errors import IndexMissingError

    old = tmp_path / "records.sqlite"
    shutil.copy(bot.records.path, old)
    with sqlite3.connect(old) as db:
        db.execute("DROP TABLE action_recurs")
        db.execute("DROP TABLE action_postings")
        db.execute("ALTER TABLE action_order DROP COLUMN mention_hi")
    store = RecordStore(old)
    try:
        with pytest.raises(IndexMissingError, match="run `plans index`"):
            store.action_days()
        with pytest.raises(IndexMissingError, match="run `plans index`"):
            store.action_recurring_mentions()
        with pytest.raises(IndexMissingError, match="run `plans index`"):
            store.action_postings(["polic"])
        assert store.action_count() == len(bot.actions)  # what an older index has still reads
    finally:
        store.close()
