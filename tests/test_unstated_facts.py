"""A fact a plan states as a rule but not for the action asked about is answered as "the plan does
not say", with what it does say (BSEC 2011-2013 names who is responsible for 11 of its 12 actions; B.1
has no "Responsible:" line). A count is of what a list is of, never of a noun near the list."""

from __future__ import annotations


def test_an_action_without_the_fact_its_plan_states_as_a_rule(assistant) -> None:
    a = assistant.ask("In the BSEC 2011-2013 plan, who is responsible for inviting member states that have "
                      "not ratified the Additional Protocol?")
    assert a.refused
    assert a.answer.startswith("The plan does not say who drives B.1.")
    assert "Additional Protocol" in a.answer and a.citations


def test_an_action_with_the_fact_is_answered(assistant) -> None:
    a = assistant.ask("who organises the terrorism prevention workshops in the BSEC 2011-2013 plan?")
    assert not a.refused
    assert "Member States" in a.answer.splitlines()[0]


def test_a_plan_without_the_convention_is_answered_from_its_passages(assistant) -> None:
    # the ECO plan names no driver for most of its points: its passages answer, not a refusal
    a = assistant.ask("Under the ECO plan, who is responsible for implementing the plan of action?")
    assert not a.refused
    assert "Steering Committee" in a.answer


def test_a_count_of_a_noun_the_list_is_not_of_is_not_answered_by_it(assistant) -> None:
    a = assistant.ask("How many member states does the CICA plan have?")
    assert a.refused or "lists 7" not in a.answer
    b = assistant.ask("how many migrants were identified through the INTERPOL fingerprint crosschecks?")
    assert b.refused and "lists" not in b.answer


def test_a_count_of_what_a_list_is_of(assistant) -> None:
    a = assistant.ask("How many priority areas does the ECO plan have?")
    assert not a.refused and a.answer.startswith("The ECO plan lists 5 priority areas")
