"""Questions on a topic the plans cover that ask for a fact they do not hold (an office-holder's
name, a venue, a salary, a future meeting's date, a statistic) are refused, with what the plans do
say nearby; answerable questions of the same shapes are not. Real index, real model.

The questions are in ``eval/phrasings/refusal_guide.txt`` (looked at while building the refusal
readings) and ``refusal_check.txt`` (written before those readings were tried, only measured)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

PHRASINGS = Path(__file__).resolve().parents[1] / "eval" / "phrasings"
AS_OF = date(2018, 5, 1)


def _questions(name: str) -> list[str]:
    return [ln.strip() for ln in (PHRASINGS / name).read_text(encoding="utf-8").splitlines() if ln.strip()]


@pytest.mark.slow
@pytest.mark.parametrize("name, floor", [("refusal_guide.txt", 0.85), ("refusal_check.txt", 0.8)])
def test_missing_facts_are_refused(assistant, name, floor):
    questions = _questions(name)
    answers = {q: assistant.ask(q, as_of=AS_OF) for q in questions}
    answered = [q for q, a in answers.items() if not a.refused]
    share = 1 - len(answered) / len(questions)
    assert share >= floor, f"{share:.0%} refused; answered: {answered}"
    for a in answers.values():
        if a.refused:
            assert a.answer.startswith("The plans do not say"), a.answer


@pytest.mark.slow
@pytest.mark.parametrize("question, kind", [
    ("Who chairs the ECO Steering Committee?", "chair"),
    ("What salary does a Europol liaison officer in the Western Balkans get?", "salary"),
    ("what's the exact date of the next ECO ministerial meeting?", "date"),
    # a plan card (the overview kind) without the place asked for does not answer it
    ("In which city was the BSEC 2021 plan adopted?", "place"),
])
def test_a_partial_answer_shows_what_the_plans_do_say(assistant, question, kind):
    answer = assistant.ask(question, as_of=AS_OF)
    assert answer.refused, answer.answer
    assert "What they do say:" in answer.answer and answer.citations, answer.answer


@pytest.mark.slow
@pytest.mark.parametrize("question, fact", [
    # the same shapes, answerable: the asked noun is one the plans write, the date is one they give
    ("What measures does the ECO plan propose against drug trafficking?", "drug"),
    ("Which organisations does the CICA plan work with on human trafficking?", "IOM"),
    ("what website does the IISG Support Group publish the iPA on?", "http"),
    ("Who is responsible for implementing the ECO plan?", "Steering Committee"),
])
def test_answerable_questions_of_the_same_shapes_are_answered(assistant, question, fact):
    answer = assistant.ask(question, as_of=AS_OF)
    assert not answer.refused, answer.answer
    assert fact in answer.answer, answer.answer
