"""What a new user tries first (the answers issue's list): each question gets an answer of the right
kind with its key facts and citations, never a refusal. Real index, real model."""

from __future__ import annotations

import re

import pytest


def _ask(assistant, question, conversation_id=None):
    answer = assistant.ask(question, conversation_id=conversation_id)
    assert not answer.refused, answer.answer
    assert answer.citations, answer.answer
    assert len(answer.answer) <= 2000
    return answer


@pytest.mark.parametrize("question", ["hi, what can you do?", "What plans do you know about?"])
def test_capabilities_name_every_plan(assistant, question):
    answer = _ask(assistant, question)
    assert answer.meta["answered_as"] == "capabilities"
    for plan in assistant.plans:
        assert plan.short_name in answer.answer


def test_priorities_list_the_plans_own_points(assistant):
    answer = _ask(assistant, "What are the main priorities of the BSEC 2021 plan?")
    assert answer.meta["answered_as"] == "overview"
    assert "cross-border cooperation" in answer.answer
    assert answer.answer.splitlines()[0].startswith("The BSEC 2021 plan")


def test_an_overview_says_what_the_plan_is_and_its_areas(assistant):
    answer = _ask(assistant, "Give me an overview of the ECO plan.")
    assert answer.meta["answered_as"] == "overview"
    for area in ("Illicit Drugs", "Terrorism", "Border Control"):
        assert area in answer.answer
    assert len(answer.citations) >= 3


def test_no_funding_yet_lists_what_still_seeks_money(assistant):
    answer = _ask(assistant, "which actions in the wbcsci plan have no funding yet?")
    first = answer.answer.splitlines()[0]
    assert re.match(r"\d+ actions are still seeking funding", first), first


def test_the_total_is_the_one_the_plan_states(assistant):
    answer = _ask(assistant, "How much money is in the WBCSCi plan in total?")
    assert "21 625 000" in answer.answer


def test_who_is_involved_most_is_a_ranking(assistant):
    answer = _ask(assistant, "Which organisations are involved the most?")
    assert answer.meta["answered_as"] == "aggregate"
    assert answer.answer.index("Europol") < 200  # the top of the ranking, in the opening sentence


def test_slack_wording_and_its_follow_up_name_the_responsible_party(assistant):
    first = _ask(assistant, "hey who's on the hook for the anti-terror workshops in the 2011-13 BSEC plan?")
    assert "Member States" in first.answer.splitlines()[0]
    follow = _ask(assistant, "ok and who owns that bit?", conversation_id=first.conversation_id)
    assert follow.route == "follow_up"
    assert "Member States" in follow.answer.splitlines()[0]


def test_a_follow_up_answers_the_new_question_about_the_same_action(assistant):
    first = _ask(assistant, "Who drives 3.2 in the Western Balkan plan?")
    assert first.answer.startswith("3.2 is driven by CoE")
    funds = _ask(assistant, "and who funds it?", conversation_id=first.conversation_id)
    assert funds.answer.startswith("3.2 is funded by IPA II 2014 [1].")
    ends = _ask(assistant, "and when does it end?", conversation_id=first.conversation_id)
    assert ends.answer.startswith("3.2 ended on 14 June 2019 (timeline: Ongoing 15.12.2015-14.6.2019-) [1].")
    # a follow-up narrows to the asked fact: not the whole block again, nor each other's facts
    for follow in (funds, ends):
        assert len(follow.answer.splitlines()) == 2 and follow.answer.splitlines()[1].startswith("(About **3.2 ")
        assert "CoE" not in follow.answer and "Outputs:" not in follow.answer and len(follow.answer) < 400
    assert "2019" not in funds.answer.splitlines()[0] and "IPA" not in ends.answer


def test_a_fact_the_plan_leaves_out_is_an_honest_partial_answer(assistant):
    answer = assistant.ask("Is C.1 in the old BSEC plan funded?")
    assert answer.refused
    assert answer.answer.startswith("The plan does not say how C.1 is funded")
    assert "Country Coordinator" in answer.answer and answer.citations


def test_a_misspelt_plan_name_is_read_and_said(assistant):
    answer = _ask(assistant, "What does the ECOO plan say about cybercrime?")
    assert answer.answer.startswith("Taking “ECOO” as the ECO plan.")
    assert answer.meta["plans"] == ["eco-plan-of-action-transnational-organized-crime"]
    assert all(c.file.startswith("eco-") for c in answer.citations)
    dated = _ask(assistant, "What is the BESC 2021 plan about?")  # letters swapped, and the year narrows it
    assert dated.answer.startswith("Taking “BESC” as the BSEC 2021 plan.")
    plain = _ask(assistant, "What do the plans say about cybercrime?")
    assert not plain.answer.startswith("Taking")


def test_a_misspelt_plan_option_suggests_the_plan(assistant):
    from indexer.records import resolve_plan
    from plans.errors import NotFoundError

    with pytest.raises(NotFoundError, match=r"Did you mean wbcsci \(wbcsci-integrative"):
        resolve_plan(assistant.records, "wbcsi")


@pytest.mark.parametrize("question, first, further", [
    ("How many actions does the ECO plan have, and who is responsible for implementing it?",
     r"^The ECO plan has \d+ actions", "Steering Committee"),
    ("What are the priorities of the CICA plan, and who reviews its implementation?",
     r"^The CICA plan sets out 4 main areas", "reviewed every year by SWG and SOC"),
])
def test_a_two_part_question_gets_both_parts(assistant, question, first, further):
    # an answer kind (a count, a plan's areas) takes the first part; the passages answer the further one
    answer = _ask(assistant, question)
    assert re.match(first, answer.answer), answer.answer
    assert further in answer.answer, answer.answer
    assert sorted(int(n) for n in re.findall(r"\[(\d+)\]", answer.answer))[-1] == len(answer.citations)
