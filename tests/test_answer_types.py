"""The fact a question asks for (a person's name, a count of something) must be in the passage that
answers it; else the answer says the plans do not say, and shows what they do say."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.evidence import has_answer_type
from assistant.kinds.aggregate_counts import _introduces, _names_the_list
from assistant.route import read_question

DAY = date(2018, 5, 1)


@pytest.mark.parametrize("question, noun", [
    ("How many countries are members of ECO?", "countries"),
    ("how many member states does BSEC have?", "member states"),
    ("how many priority needs were agreed for the iPA?", "priority needs"),
    ("How many actions are there in the ECO plan?", "actions"),
])
def test_the_counted_noun_ends_where_the_verb_starts(question: str, noun: str) -> None:
    reading = read_question(question, as_of=DAY)
    assert (reading.answer_type, reading.count_noun) == ("count", noun)


@pytest.mark.parametrize("question", [
    "What is the name of the person who chairs the Steering Committee?",
    "who is the current head of the secretariat?",
    "which official signed the plan?",
    "Who chairs the Steering Committee?",
    "who heads the secretariat?",
    "What's the name of the project manager at GIZ?",
])
def test_questions_after_a_person(question: str) -> None:
    assert read_question(question, as_of=DAY).answer_type == "person"


@pytest.mark.parametrize("question", ["Who leads the interpreters pool?", "who coordinates the annual review?",
                                      "What is the name of the project?"])
def test_a_driver_or_a_name_of_a_thing_is_not_a_person(question: str) -> None:
    assert read_question(question, as_of=DAY).answer_type != "person"


@pytest.mark.parametrize("question, noun", [
    ("What languages will the seminar be held in?", "languages"),
    ("what salary does a liaison officer get?", "salary"),
    ("which hotel hosts the meetings?", "hotel"),
    ("What percentage of the budget goes to cybercrime?", "percentage"),
    ("What is the budget of the plan?", ""),
    ("What happens next?", ""),
])
def test_the_asked_noun_is_the_word_after_what_before_the_verb(question: str, noun: str) -> None:
    assert read_question(question, as_of=DAY).asked_noun == noun


def test_a_body_is_not_a_person_but_a_titled_name_is() -> None:
    assert not has_answer_type("person", "The Steering Committee comprises the ECO Coordinating Countries.")
    assert has_answer_type("person", "The meeting was chaired by Mr. Ivan Petrov, Head of Division.")
    assert has_answer_type("person", "H.E. Ambassador Anna Lee opened the session.")


def test_a_list_is_of_the_noun_it_ends_with_or_numbers() -> None:
    assert _introduces("The action has the following four components: a, b", ["components"])
    assert _introduces("Following measures are considered vital to ensure the security of borders: a", ["measures"])
    assert not _introduces("training of law enforcement agencies of the BSEC Member States in various fields: "
                           "a; b", ["member", "states"])
    # a noun a preposition ties to the list is a party to the items, not the items
    assert not _introduces("Issues for possible consideration and approval by Member States: 1. a; 2. b",
                           ["member", "states"])
    assert _introduces("The plan proposes a list of measures: a; b", ["measures"])


def test_a_heading_lists_its_head_noun_not_a_qualifier() -> None:
    assert _names_the_list("4) PRIORITY AREAS", ["priority", "areas"])
    assert _names_the_list("General objectives in accordance with the BSEC Economic Agenda", ["general", "objectives"])
    assert _names_the_list("Needs identified at the Jable meeting", ["needs"])  # a participle, same form
    assert not _names_the_list("e) Migrant Smuggling and Human Trafficking", ["migrants"])
    assert not _names_the_list("Enhancing use of Joint Investigation Teams", ["teams"])


@pytest.mark.parametrize("question", [
    "How many countries are members of ECO?",
    "how many member states does BSEC have?",
    "What is the name of the person who chairs the ECO Steering Committee?",
])
def test_missing_facts_are_refused_with_what_the_plans_do_say(assistant, question: str) -> None:
    answer = assistant.ask(question, as_of=DAY)
    assert answer.refused, answer.answer
    assert answer.answer.startswith("The plans do not say")


def test_a_list_the_plan_has_is_still_counted(assistant) -> None:
    answer = assistant.ask("how many priority areas does the ECO plan have?", as_of=DAY)
    assert not answer.refused
    assert answer.answer.startswith("The ECO plan lists 5 priority areas")


def test_words_of_any_script_are_one_token() -> None:
    from indexer.text import tokens

    assert tokens("an EU WB Prüm-like instrument, Türkiye’s plan") == [
        "an", "eu", "wb", "prüm", "like", "instrument", "türkiye", "plan"]


def test_a_proper_name_the_plans_use_keeps_a_short_question_on_topic(assistant) -> None:
    """'Prüm' is neither common English nor spelt with two capitals, yet the plans use it: the
    question is answered from them, not refused as outside what they cover."""
    answer = assistant.ask("is the Prüm-like thing funded?", as_of=DAY)
    assert not answer.refused
    assert answer.answer.startswith("4.1 is funded by IPA II 2017")
    off = assistant.ask("What is the capital of Australia?", as_of=DAY)
    assert off.refused


def test_contact_details_are_an_answer_type() -> None:
    assert read_question("What is the phone number of the PCC SEE Secretariat?", as_of=DAY).answer_type == "contact"
    assert has_answer_type("contact", "updated versions on the IISG website (http://wbcsci.wb-iisg.com/)")
    assert has_answer_type("contact", "Tel: +381 11 123 4567")
    assert not has_answer_type("contact", "The Secretariat convened a meeting on 9-10 November 2017.")


def test_a_general_assembly_is_not_a_person() -> None:
    assert not has_answer_type("person", "the resolution of the UN General Assembly № 74/247")
    assert read_question("Who is the current BSEC Secretary General?", as_of=DAY).answer_type == "person"
