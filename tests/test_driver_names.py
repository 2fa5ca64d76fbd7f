"""Drivers named by a name inside the plan's driver cell, or by the long form of its acronym."""

from __future__ import annotations

from datetime import date

from assistant.answering import name_parts

DAY = date(2018, 5, 1)


def test_the_names_inside_a_driver_cell() -> None:
    assert name_parts("CoE (iPROCEEDS, Cybercrime Programme Office)") == [
        "CoE", "iPROCEEDS", "Cybercrime Programme Office"]
    assert name_parts("DCAF (cross-pillar action!)") == ["DCAF"]  # a remark in lower case is no name
    assert name_parts("NI-CO (BiH, Kosovo*) – bilateral") == ["NI-CO", "BiH", "Kosovo"]
    assert name_parts("MoI Serbia") == []


def numbers(answer: str) -> set[str]:
    import re

    return set(re.findall(r"\*\*(\d+\.\d+)\s", answer))


def test_a_project_inside_a_driver_cell_lists_all_its_actions(assistant) -> None:
    answer = assistant.ask("what does iPROCEEDS run in the western balkans plan?", as_of=DAY)
    assert answer.answer.startswith("8 actions are driven or co-driven by iPROCEEDS")
    assert {"3.2", "3.3", "3.4"} <= numbers(answer.answer)


def test_the_long_form_of_an_acronym_names_the_driver(assistant) -> None:
    answer = assistant.ask("which actions does the Council of Europe drive in the WBCSCi plan?", as_of=DAY)
    assert "driven or co-driven by CoE" in answer.answer.splitlines()[0]
    assert {"3.2", "3.3"} <= numbers(answer.answer)


def test_a_fronted_phrase_still_reads_as_a_listing(assistant) -> None:
    answer = assistant.ask("Under the cybercrime need, which numbered actions are run by the iPROCEEDS project?",
                           as_of=DAY)
    assert "driven or co-driven by iPROCEEDS" in answer.answer.splitlines()[0]


def test_a_plural_region_name_names_the_plan(assistant) -> None:
    assert [p.organisation for p in assistant.plans_named_in("the western balkans plan")] == ["WBCSCi"]
