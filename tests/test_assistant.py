"""The assistant end to end over the real index (the session ``assistant`` fixture, real MiniLM):
each route, as_of windows, refusals, follow-ups, input errors, and the citation check on every
gold question (each quote is found in its file within the stated lines)."""

from __future__ import annotations

import json
import time
from datetime import date
from functools import cache
from pathlib import Path

import pytest

from assistant.conversation import ConversationMemory, Turn
from assistant.policy import MAX_QUESTION
from indexer.load import read_document
from indexer.text import fold, strip_markup
from plans.errors import InputError, NotFoundError
from tests.conftest import GOLD

WB_FILE = "wbcsci-integrative-plan-of-action-2018-2020.txt"
GOLD_ITEMS = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
REFUSALS = [g for g in GOLD_ITEMS if g.get("expect_refusal")]


def files_of(answer) -> set[str]:
    return {c.file for c in answer.citations}


# -- routes -----------------------------------------------------------------------------------------

def test_driver(assistant):
    a = assistant.ask("Who is implementing the PAMECA V project in Albania?")
    assert a.route == "driver" and not a.refused
    assert all(w in a.answer for w in ("Austria", "France", "Italian"))
    assert WB_FILE in files_of(a) and "[1]" in a.answer


def test_funding(assistant):
    a = assistant.ask("Is there money in place yet for DCAF's common action days against organised criminal groups?")
    assert a.route == "funding" and not a.refused
    assert "seeking funding" in a.answer.lower() and "DCAF" in a.answer
    assert files_of(a) == {WB_FILE}


def test_budget(assistant):
    a = assistant.ask("What is the total budget of the IPA II 2017 Multi-Country Action 'Support to Western "
                      "Balkan Integrative Internal Security Governance', and how much of that is the EU contribution?")
    assert a.route == "budget" and not a.refused
    assert "21 625 000" in a.answer and "20 000 000" in a.answer
    assert any("21 625 000" in c.quote for c in a.citations)


def test_content(assistant):
    a = assistant.ask("Which international bodies does the ECO plan encourage member states to build "
                      "police cooperation with?")
    assert a.route == "content" and not a.refused
    assert all(w in a.answer for w in ("INTERPOL", "OSCE", "IOM", "CICA"))
    assert files_of(a) == {"eco-plan-of-action-transnational-organized-crime.txt"}


def test_cross_plan(assistant):
    a = assistant.ask("Which plans mention Interpol?")
    assert a.route == "cross_plan" and not a.refused
    assert "CICA" in a.answer and "ECO" in a.answer
    assert {"cica-action-plan-new-challenges-2008.txt",
            "eco-plan-of-action-transnational-organized-crime.txt"} <= files_of(a)


# -- deadlines and as_of windows -------------------------------------------------------------------

def test_deadline_next_month(assistant):
    a = assistant.ask("Which cybercrime-related WBCSCi activities are scheduled for next month?",
                      as_of=date(2018, 5, 1))
    assert a.route == "deadline" and not a.refused and a.as_of == date(2018, 5, 1)
    assert "June 2018" in a.answer and "Serbia" in a.answer
    assert files_of(a) == {WB_FILE}


def test_next_deadline_as_of(assistant):
    a = assistant.ask("What is the next deadline on the BSEC anti-corruption action plan?", as_of=date(2012, 1, 16))
    assert a.route == "deadline" and not a.refused
    assert "April 2012" in a.answer and "Country Coordinator" in a.answer
    assert files_of(a) == {"bsec-plan-of-action-2011-2013.txt"}


def test_as_of_changes_the_answer(assistant):
    q = "Which cybercrime-related WBCSCi activities are scheduled for next month?"
    may, sep = assistant.ask(q, as_of=date(2018, 5, 1)), assistant.ask(q, as_of=date(2018, 9, 1))
    assert "2018-06-01" in may.answer and "2018-10-01" in sep.answer and may.answer != sep.answer


def test_nothing_due_names_the_latest_deadlines(assistant):
    a = assistant.ask("Which deadlines fall in the next 60 days?", as_of=date(2026, 6, 1))
    assert a.route == "deadline" and not a.refused
    assert "nothing" in a.answer.lower() and "latest deadlines" in a.answer.lower()
    assert a.citations


def test_nothing_due_in_one_plan(assistant):
    a = assistant.ask("Which WBCSCi deadlines fall in the next 60 days?", as_of=date(2026, 6, 1))
    assert not a.refused
    assert "nothing" in a.answer.lower() and "latest deadlines" in a.answer.lower()
    assert files_of(a) == {WB_FILE}


# -- refusals --------------------------------------------------------------------------------------

@pytest.mark.parametrize("item", REFUSALS, ids=[g["id"] for g in REFUSALS])
def test_gold_unanswerable_is_refused(assistant, item):
    as_of = date.fromisoformat(item["as_of"]) if item.get("as_of") else None
    a = assistant.ask(item["question"], as_of=as_of)
    assert a.refused, a.answer
    assert "do not say" in a.answer


def test_off_topic_is_refused(assistant):
    a = assistant.ask("What is the capital of France?")
    assert a.refused and "do not say" in a.answer
    assert "Paris" not in a.answer


def test_refusal_points_nearby_with_citations(assistant):
    a = assistant.ask("What were the main findings of the WBCSCi mid-term evaluation?")
    assert a.refused and a.answer.startswith("The plans do not say")
    assert a.citations and all(f"[{c.n}]" in a.answer for c in a.citations)


# -- follow-ups and memory -------------------------------------------------------------------------

def test_follow_up_resolves_against_the_subject(assistant):
    first = assistant.ask("Who drives the regional pool of interpreters action in the WBCSCi plan?",
                          conversation_id="t-interpreters")
    assert not first.refused and "MARRI" in first.answer
    second = assistant.ask("and who funds it?", conversation_id="t-interpreters")
    assert second.route == "follow_up" and not second.refused
    assert "interpreters" in second.answer.lower()
    assert {c.section_id for c in first.citations} & {c.section_id for c in second.citations}
    assert second.conversation_id == "t-interpreters"


def test_follow_up_switches_plan(assistant):
    first = assistant.ask("What does the ECO plan say about cybercrime?", conversation_id="t-switch")
    assert files_of(first) == {"eco-plan-of-action-transnational-organized-crime.txt"}
    second = assistant.ask("and the BSEC 2021 plan?", conversation_id="t-switch")
    assert second.route == "follow_up" and not second.refused
    assert files_of(second) == {"bsec-plan-of-action-2021.txt"}
    assert "ICT" in second.answer or "cyber" in second.answer.lower()


def test_follow_up_without_history_is_not_resolved(assistant):
    a = assistant.ask("and who funds it?", conversation_id="t-fresh")
    assert a.meta["resolved_question"] == "and who funds it?"


def test_memory_is_bounded():
    memory = ConversationMemory(max_conversations=2, max_turns=2, ttl=60)
    for i in range(3):
        memory.add(f"c{i}", Turn(f"q{i}", "content", (), ()))
    assert len(memory) == 2 and memory.last("c0") is None and memory.last("c2").question == "q2"
    for i in range(5):
        memory.add("c2", Turn(f"again {i}", "content", (), ()))
    assert len(memory._data["c2"][1]) == 2 and memory.last("c2").question == "again 4"
    assert memory.last(None) is None


def test_memory_expires():
    memory = ConversationMemory(ttl=0.05)
    memory.add("c", Turn("q", "content", (), ()))
    assert memory.last("c") is not None
    time.sleep(0.1)
    assert memory.last("c") is None and len(memory) == 0


def test_expired_conversation_does_not_resolve_follow_ups(assistant):
    saved = assistant.memory
    assistant.memory = ConversationMemory(ttl=0.05)
    try:
        assistant.ask("Who drives the regional pool of interpreters action in the WBCSCi plan?",
                      conversation_id="t-exp")
        time.sleep(0.1)
        a = assistant.ask("and who funds it?", conversation_id="t-exp")
        assert a.meta["resolved_question"] == "and who funds it?"
    finally:
        assistant.memory = saved


# -- input errors ----------------------------------------------------------------------------------

@pytest.mark.parametrize("question", ["", "   \n\t ", "x" * (MAX_QUESTION + 1)])
def test_bad_question_raises_input_error(assistant, question):
    with pytest.raises(InputError):
        assistant.ask(question)


def test_question_at_the_limit_is_accepted(assistant):
    a = assistant.ask(("Who drives the regional pool of interpreters? " * 50)[:MAX_QUESTION])
    assert a.answer


def test_unknown_plan_raises_not_found(assistant):
    with pytest.raises(NotFoundError):
        assistant.ask("Who drives 3.2?", plan="atlantis")


# -- the citation check on every gold question -----------------------------------------------------

@cache
def file_lines(corpus_dir: str, rel: str) -> list[str]:
    root = Path(corpus_dir)
    return read_document(root / rel, root).text.split("\n")


@pytest.fixture(scope="module")
def gold_answers(assistant):
    """Every gold question asked once (with its as_of), shared by the checks below."""
    return {g["id"]: assistant.ask(g["question"], as_of=date.fromisoformat(g["as_of"]) if g.get("as_of") else None)
            for g in GOLD_ITEMS}


@pytest.mark.parametrize("item", GOLD_ITEMS, ids=[g["id"] for g in GOLD_ITEMS])
def test_gold_citations_are_found_in_their_files(gold_answers, real_index, item):
    a = gold_answers[item["id"]]
    if not a.refused:
        assert a.citations, f"{item['id']}: an answer without citations"
    for c in a.citations:
        lines = file_lines(str(real_index.corpus_dir), c.file)
        assert 1 <= c.line_start <= c.line_end <= len(lines)
        passage = strip_markup("\n".join(lines[c.line_start - 1:c.line_end]))
        assert fold(c.quote) in passage, f"{item['id']} [{c.n}]: quote not in {c.file}:{c.line_start}-{c.line_end}"


_CUT = ("assistant bug: the answer text is cut to its character budget (answering._trim at ANSWER_BUDGET=1500, "
        "deadlines._cut at 1800) after the citations were numbered, so the dropped lines' citations stay listed "
        "with no [n] pointing to them: ")
@pytest.mark.parametrize("item", GOLD_ITEMS, ids=[g["id"] for g in GOLD_ITEMS])
def test_gold_citations_are_all_referenced(gold_answers, item):
    """Every listed citation is used by an [n] in the answer (a source nothing points to misleads)."""
    a = gold_answers[item["id"]]
    unused = [c.n for c in a.citations if f"[{c.n}]" not in a.answer]
    assert not unused, f"{item['id']}: citations {unused} are never referenced"
