"""The aggregate answer kind over a real index of the corpus (built in tmp_path by the session
fixture): counts per need, driver ranking, funding-status counts, list-item counts, plan periods,
and None for a question that is not an aggregate. Expected figures are counted here from the
records, not copied from the answers."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

import pytest

from assistant.kinds.aggregate import AggregateKind
from assistant.kinds.aggregate_common import number_runs
from assistant.kinds.aggregate_names import canonical, driver_in
from assistant.kinds.base import Ask, Context
from assistant.route import read_question
from indexer.dates import parse_timeline

AS_OF = date(2018, 5, 1)


@pytest.fixture(scope="module")
def ctx(assistant):
    return Context.of(assistant)


def _ask(assistant, ctx, question: str):
    ask = Ask(question=question, intent="aggregate", confidence=1.0,
              plans=tuple(assistant.plans_named_in(question)), as_of=AS_OF,
              reading=read_question(question, as_of=AS_OF))
    return AggregateKind().answer(ask, ctx)


def _plan(ctx, word: str):
    return next(p for p in ctx.plans if word.lower() in p.id)


def _numbers(actions) -> list[str]:
    return list(dict.fromkeys(x.number for x in actions if x.number))


def _cited(answer) -> None:
    assert answer.citations, answer.answer
    assert all(f"[{c.n}]" in answer.answer for c in answer.citations)
    assert len(answer.answer) <= 2000


def test_number_runs() -> None:
    assert number_runs(["3.1", "3.2", "3.3", "3.4", "5"]) == "3.1–3.4, 5"
    assert number_runs(["I.1", "I.2", "II.1"]) == "I.1, I.2, II.1"
    assert number_runs(["1.1", "1.3"]) == "1.1, 1.3"


def test_count_under_a_need(assistant, ctx) -> None:
    wb = _plan(ctx, "wbcsci")
    need = next(x.need for x in ctx.actions if x.plan == wb.id and "corruption" in x.need.lower())
    expected = _numbers(x for x in ctx.actions if x.plan == wb.id and x.need == need)
    answer = _ask(assistant, ctx, "How many distinct actions sit under the corruption need of the Western Balkan plan?")
    first = answer.answer.splitlines()[0]
    assert f"has {len(expected)} actions" in first and need in first
    assert number_runs(expected) in first
    _cited(answer)


def test_need_with_most_actions(assistant, ctx) -> None:
    wb = _plan(ctx, "wbcsci")
    per_need = Counter()
    for need, _num in {(x.need, x.number) for x in ctx.actions if x.plan == wb.id and x.number}:
        per_need[need] += 1
    (top, n), (_, second) = per_need.most_common(2)
    assert n > second  # the corpus has one clear top need
    answer = _ask(assistant, ctx, "Which need of the Western Balkan plan holds the most actions?")
    first = answer.answer.splitlines()[0]
    assert top in first and f"most actions: {n}" in first
    _cited(answer)


def test_driver_ranking(assistant, ctx) -> None:
    wb = _plan(ctx, "wbcsci")
    per_org: dict[str, set[str]] = {}
    for x in ctx.actions:
        if x.plan == wb.id:
            for d in x.drivers:
                per_org.setdefault(canonical(d), set()).add(x.number or x.id)
    top = max(per_org.items(), key=lambda kv: len(kv[1]))
    answer = _ask(assistant, ctx, "Which organisation is named as driver most often in the Western Balkan plan?")
    first = answer.answer.splitlines()[0]
    assert top[0] in first.lower() and f": {len(top[1])} (" in first
    _cited(answer)


def test_funding_status_count(assistant, ctx) -> None:
    wb = _plan(ctx, "wbcsci")
    seeking = _numbers(x for x in ctx.actions if x.plan == wb.id and x.funding_status == "seeking")
    answer = _ask(assistant, ctx, "How many actions in the Western Balkan plan are still seeking funding?")
    first = answer.answer.splitlines()[0]
    assert first.startswith(f"{len(seeking)} actions") and "seeking funding" in first
    _cited(answer)


def test_organisation_still_looking_for_money(assistant, ctx) -> None:
    answer = _ask(assistant, ctx, "Is SELEC still looking for money for any of its activities?")
    rows = [x for x in ctx.actions if any(re.search(r"\bSELEC\b", d) for d in x.drivers)]
    seeking = [x for x in rows if x.funding_status == "seeking"]
    assert seeking  # the corpus has some
    assert answer.answer.startswith("Yes") and f"of the {len(rows)} activities" in answer.answer
    _cited(answer)


def test_driver_named_by_initials_and_acronym(ctx) -> None:
    found = driver_in(ctx, "Is the OSCE Mission in Kosovo looking for money?")
    assert found is not None and found.name.lower() == "omik"
    found = driver_in(ctx, "Which actions does the Council of Europe's iPROCEEDS project run?")
    assert found is not None and "iproceeds" in found.name.lower()


def test_list_item_count(assistant, ctx) -> None:
    answer = _ask(assistant, ctx, "How many priority areas does the ECO plan have?")
    assert answer.answer.startswith("The ECO plan lists 5 priority areas")
    answer = _ask(assistant, ctx, "How many general objectives does the BSEC 2021 plan list?")
    assert "lists 9 general objectives" in answer.answer.splitlines()[0]
    _cited(answer)


def test_plan_periods(assistant, ctx) -> None:
    spans = {}
    for p in ctx.plans:
        rng = parse_timeline(p.period).range if p.period else None
        if rng and rng.start and rng.end:
            spans[p] = (rng.end - rng.start).days
    longest = max(spans, key=spans.get)
    answer = _ask(assistant, ctx, "Which plans have a fixed time period, and which runs the longest?")
    first = answer.answer.splitlines()[0]
    assert f"{len(spans)} plans of {len(ctx.plans)} state a fixed period" in first
    assert f"the longest is the {longest.short_name} plan" in first
    assert "states no period" in answer.answer  # the plans without one are said to state none
    answer = _ask(assistant, ctx, "which plan is the most recent?")
    assert answer.answer.startswith("The most recent is the BSEC 2021 plan")


def test_not_an_aggregate(assistant, ctx) -> None:
    assert _ask(assistant, ctx, "Who drives 3.2 in the Western Balkan plan?") is None
    assert _ask(assistant, ctx, "What does the ECO plan say about cybercrime?") is None
