"""The budget answer kind: amounts read from the plans' sentences and the comparisons their figures
allow, over the real index of the corpus (session fixture) and over a small synthetic plan in shapes
the corpus lacks (a label line, "X receives EUR N", "EUR N is allocated to X", comma thousands),
indexed in tmp_path with the fake embedder."""

from __future__ import annotations

import re
from datetime import date

import pytest

from assistant.kinds.base import Ask, Context
from assistant.kinds.budget import BudgetKind
from assistant.kinds.budget_answers import wholes
from assistant.kinds.budget_read import like, sentences, stated_amounts
from assistant.route import read_question

AS_OF = date(2018, 5, 1)


def _ask(bot, ctx, question: str):
    ask = Ask(question=question, intent="budget", confidence=1.0, plans=tuple(bot.plans_named_in(question)),
              as_of=AS_OF, reading=read_question(question, as_of=AS_OF))
    return BudgetKind().answer(ask, ctx)


def _cited(answer) -> None:
    assert answer is not None
    assert answer.citations, answer.answer
    assert all(f"[{c.n}]" in answer.answer for c in answer.citations)
    assert len(answer.answer) <= 2000
    assert answer.route == "budget"


def _first_line(answer) -> str:
    return answer.answer.split("\n")[0]


# -- pieces ------------------------------------------------------------------------------------------
def test_amounts_written_like_the_plan() -> None:
    assert like(1_625_000, "EUR 21 625 000") == "EUR 1 625 000"
    assert like(300_000, "EUR 2,000,000") == "EUR 300,000"
    assert like(2_500_000, "EUR 1.2 million") == "EUR 2.5 million"
    assert like(1_000, "€500") == "€1000"


def test_sentences_keep_a_bracketed_breakdown_whole() -> None:
    text = "The total is: EUR 5 (A: EUR 2; B: EUR 3). It ends in 2021."
    assert sentences(text) == ["The total is: EUR 5 (A: EUR 2; B: EUR 3).", "It ends in 2021."]


# -- the real corpus -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def ctx(assistant):
    return Context.of(assistant)


def _wb(ctx):
    return next(p for p in ctx.plans if "wbcsci" in p.id)


def test_amounts_are_read_once_with_their_subjects(ctx) -> None:
    items = stated_amounts(ctx, _wb(ctx))
    assert stated_amounts(ctx, _wb(ctx)) is items  # cached in ctx.extra
    every = [m.group(0) for s in ctx.records.sections(_wb(ctx).id) for m in re.finditer(r"EUR \d[\d ]*\d", s.text)]
    read = [f.text for i in items for f in i.figures]
    assert sorted(read) == sorted(every)  # every amount the plan writes, as it writes it
    assert all(i.subject for i in items)
    assert any(i.body and "Europol" in i.body for i in items)


def test_named_amount(assistant, ctx) -> None:
    q = "How much EU money goes to the Europol liaison officers pilot in the Western Balkans?"
    answer = _ask(assistant, ctx, q)
    _cited(answer)
    item = next(i for i in stated_amounts(ctx, _wb(ctx)) if "Liaison Officers" in i.subject)
    figure = item.figure("EU contribution")
    assert figure.text in _first_line(answer) and not answer.refused
    assert answer.citations[0].section_id == item.section.id


def test_stated_total_and_its_eu_share(assistant, ctx) -> None:
    q = "What is the total budget of the 'Countering Serious Crime in the Western Balkans' component?"
    answer = _ask(assistant, ctx, q)
    _cited(answer)
    item = next(i for i in stated_amounts(ctx, _wb(ctx)) if "Countering Serious Crime" in i.subject)
    head = _first_line(answer)
    assert head.startswith("The total budget of the component Countering Serious Crime")
    assert item.figure("total").text in head and item.figure("EU contribution").text in head


def test_least_among_the_parts(assistant, ctx) -> None:
    answer = _ask(assistant, ctx, "Which IPA II 2017 component gets the smallest EU contribution?")
    _cited(answer)
    items = stated_amounts(ctx, _wb(ctx))
    whole = wholes(items)
    parts = [i for i in items if i.order not in whole and i.figure("EU contribution")]
    lowest = min(parts, key=lambda i: i.figure("EU contribution").value)
    assert lowest.figure("EU contribution").text in _first_line(answer)
    assert "Europol" in _first_line(answer)
    most = _ask(assistant, ctx, "Which IPA II 2017 component gets the largest EU contribution?")
    top = max(parts, key=lambda i: i.figure("EU contribution").value)
    assert top.figure("EU contribution").text in _first_line(most)


def test_equal_amounts(assistant, ctx) -> None:
    answer = _ask(assistant, ctx, "Which two strands get exactly the same EU contribution?")
    _cited(answer)
    head = _first_line(answer)
    assert "EUR 2 500 000" in head and "UNODC" in head and "Law Enforcement Training" in head
    assert len(answer.citations) == 2


def test_difference_is_computed_and_said_to_be(assistant, ctx) -> None:
    answer = _ask(assistant, ctx, "How much of the IPA II 2017 programme budget is not EU money?")
    _cited(answer)
    assert "EUR 21 625 000 total minus EUR 20 000 000 EU contribution = EUR 1 625 000 (computed from the plan's " \
           "figures)" in answer.answer


def test_share_of_the_whole(assistant, ctx) -> None:
    q = "How does the budget of the Countering Serious Crime component compare with the whole IPA 2017 package?"
    answer = _ask(assistant, ctx, q)
    _cited(answer)
    head = _first_line(answer)
    assert "EUR 14 500 000" in head and "EUR 21 625 000" in head and "67.1%" in head and "computed" in head


def test_refusal_when_the_plan_states_no_amount(assistant, ctx) -> None:
    answer = _ask(assistant, ctx, "What is the total budget of the ECO plan?")
    assert answer is not None and answer.refused
    assert answer.answer.startswith("The plans do not say: they give no budget for the ECO plan")
    assert answer.citations  # the closest amount sentence, shown and cited
    assert all(c.file.startswith("wbcsci") for c in answer.citations)


def test_not_a_budget_question(assistant, ctx) -> None:
    assert _ask(assistant, ctx, "Who is the Lead Partner of the Western Balkan initiative?") is None
    assert _ask(assistant, ctx, "Is there money in place yet for DCAF's common action days?") is None


# -- a plan in other shapes ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def harbour(tmp_path_factory):
    from tests.conftest import one_plan_assistant

    bot = one_plan_assistant(tmp_path_factory.mktemp("budget"), "acme-harbour-plan-2025-2027.md",
        "# ACME Harbour Security Plan of Action 2025-2027\n\n"
        "Adopted by the ACME Council of Ministers on 1 February 2025.\n\n"
        "## 1. Purpose\n\nThe plan strengthens the security of the ports of the region.\n\n"
        "## 2. Financing\n\n"
        "The overall budget of the Safe Harbours Programme is EUR 4,000,000. It runs until 2027.\n\n"
        "The Coast Guard Training strand receives EUR 1,000,000.\n\n"
        "Port Security Upgrade: EUR 2,000,000 (Council contribution: EUR 1,700,000; Host Country: EUR 300,000).\n\n"
        "EUR 1,000,000 is allocated to the Fishermen Hotline project, implemented by the Maritime Institute.\n\n"
        "## 3. Implementation\n\nThe Council Secretariat coordinates this plan and reports each year.\n")
    return bot, Context.of(bot)


def test_shapes_are_read(harbour) -> None:
    bot, ctx = harbour
    items = {i.subject: i for i in stated_amounts(ctx, bot.plans[0])}
    assert set(items) == {"the Safe Harbours Programme", "The Coast Guard Training strand", "Port Security Upgrade",
                          "the Fishermen Hotline project"}
    port = items["Port Security Upgrade"]
    assert [(f.role, f.text) for f in port.figures] == [("total", "EUR 2,000,000"),
                                                        ("Council contribution", "EUR 1,700,000"),
                                                        ("Host Country", "EUR 300,000")]
    assert items["the Fishermen Hotline project"].body == "the Maritime Institute"
    assert wholes(list(items.values())) == {items["the Safe Harbours Programme"].order}


def test_synthetic_named_most_equal_difference_share(harbour) -> None:
    bot, ctx = harbour
    named = _ask(bot, ctx, "How much goes to the Fishermen Hotline project?")
    _cited(named)
    assert "EUR 1,000,000" in _first_line(named) and "Maritime Institute" in _first_line(named)

    most = _ask(bot, ctx, "Which strand gets the most money?")
    _cited(most)
    assert _first_line(most).startswith("Port Security Upgrade gets the most money: EUR 2,000,000")

    equal = _ask(bot, ctx, "Which two get exactly the same amount?")
    _cited(equal)
    assert "EUR 1,000,000" in _first_line(equal) and "Coast Guard" in _first_line(equal) \
        and "Fishermen Hotline" in _first_line(equal)

    diff = _ask(bot, ctx, "How much of the Port Security Upgrade is not Council money?")
    _cited(diff)
    assert "EUR 2,000,000 total minus EUR 1,700,000 Council contribution = EUR 300,000 (computed" in diff.answer

    share = _ask(bot, ctx, "How does the budget of the Port Security Upgrade compare with the whole programme?")
    _cited(share)
    assert "50.0% of the EUR 4,000,000" in _first_line(share)


def test_synthetic_total_sum_refusal_and_none(harbour) -> None:
    bot, ctx = harbour
    total = _ask(bot, ctx, "What is the overall budget of the Safe Harbours Programme?")
    _cited(total)
    assert _first_line(total).startswith("The total budget of the Safe Harbours Programme is EUR 4,000,000")

    summed = _ask(bot, ctx, "How much money do the strands add up to altogether?")
    _cited(summed)
    assert "EUR 4,000,000" in _first_line(summed) and "our sum" in _first_line(summed)

    refused = _ask(bot, ctx, "What is the budget for the lighthouse renovation?")
    assert refused is not None and refused.refused and refused.citations
    assert refused.answer.startswith("The plans do not say: they state no amount for that")

    assert _ask(bot, ctx, "Who coordinates the plan?") is None
