"""How people shorten things in chat: a plan's year in two digits ("bsec 21", "2011-13"), shorthand
("orgs", "govt"), and the noun a question asks for in the "which X in …" form.
Unit tests of the readers, then the real index: the shortened plan is the one meant, a who-question
worded with "orgs" is answered, and a fact of a kind the plans never write is refused."""

from __future__ import annotations

from datetime import date

import pytest

from assistant import vocab
from assistant.compose import shorten
from assistant.names import years_named
from assistant.route import read_question
from assistant.service import without_plan_periods
from assistant.spelling import write_out_shorthand


@pytest.mark.parametrize("question, years", [
    ("hey who is the coordinator for bsec 21?", {"2021"}),
    ("BSEC '21 plan", {"2021"}),
    ("bsec 2011-13 vs bsec 21", {"2011", "2013", "2021"}),
    ("the 2018-2020 plan", {"2018", "2020"}),
    ("BSEC 2021", {"2021"}),
    ("action 21 of bsec", set()),  # a number after other words is an action or a count
    ("bsec 21.3", set()),  # an action number, not a year
    ("what does bsec 12 say", {"2012"}),
])
def test_years_written_short_after_a_plan_name(question, years):
    assert years_named(question, {"BSEC"}) == years


@pytest.mark.parametrize("typed, meant", [
    ("which orgs run it?", "which organisations run it?"),
    ("Orgs involved?", "Organisations involved?"),
    ("any govt funding? pls send info", "any government funding? pls send information"),
    ("ORG and info@org.example and e-info", "ORG and info@org.example and e-info"),  # capitals, addresses, joined
    ("organisations", "organisations"),
])
def test_shorthand_is_written_out(typed, meant):
    assert write_out_shorthand(typed, vocab.shorthand()) == meant


def test_every_shorthand_entry_has_a_reason_and_one_word():
    for key, entry in vocab.shorthand_entries().items():
        assert key.isalpha() and key == key.lower(), key
        assert len(entry["reason"]) >= 15 and "gold" not in entry["reason"].lower(), key
        assert entry["means"].isalpha() and len(entry["means"]) > len(key), key


@pytest.mark.parametrize("question, noun", [
    ("what salary does the ECO secretariat staff get?", "salary"),
    ("What is the role of Europol?", ""),  # "the X of" is as often a frame ("role", "status") as a fact
    ("Which restaurant in Tehran hosted the ministers?", "restaurant"),
    ("which languages is the guidebook available in?", "languages"),
    ("what does the plan say on corruption?", ""),
])
def test_the_noun_a_question_asks_for(question, noun):
    assert read_question(question, as_of=date(2018, 5, 1)).asked_noun == noun


def test_a_name_is_not_cut_just_before_its_acronym():
    text = "Lead Partner: the Secretariat of the Police Cooperation Convention for Southeast Europe (PCC SEE) and more"
    assert shorten(text, 80).endswith("Southeast Europe (PCC SEE) …")
    assert shorten("abc def ghi jkl (XY) more", 12) == "abc def ghi …"  # lower-case words are not a name


@pytest.mark.slow
def test_a_plan_year_in_two_digits_names_that_plan(assistant):
    assert [p.short_name for p in assistant.plans_named_in("hey who coordinates bsec 21?")] == ["BSEC 2021"]
    assert [p.short_name for p in assistant.plans_named_in("what's in bsec 2011-13?")] == ["BSEC 2011-2013"]
    assert len(assistant.plans_named_in("what do the bsec plans say?")) == 2


@pytest.mark.slow
def test_no_shorthand_is_a_name_the_plans_use(assistant):
    names = {a.lower() for a, _ in assistant.records.acronym_pairs()}
    names |= {p.organisation.lower() for p in assistant.records.plans()}
    assert not names & set(vocab.shorthand())


@pytest.mark.slow
def test_who_questions_in_chat_words_are_answered_and_unwritten_facts_refused(assistant):
    a = assistant.ask("which orgs run the cybercrime actions in the wb plan?")
    assert not a.refused and "Europol" in a.answer
    # "stakeholders" is a word the CICA plan never writes: the asker's word for an actor, not a missing fact
    assert not assistant.ask("which stakeholders are responsible for the border control measures in the CICA "
                             "plan?").refused
    for q in ("what salary do the ECO secretariat staff get?",
              "Which restaurant in Tehran hosted the ECO interior ministers?"):
        a = assistant.ask(q)
        assert a.refused, q
        assert a.citations, q  # what the plans do say nearby is still shown


@pytest.mark.slow
def test_a_plan_named_by_its_period_is_not_a_deadline_question(assistant):
    q = "what does the bsec plan for july 2011 - june 2013 say about corruption?"
    plans = assistant.plans_named_in(q)
    assert without_plan_periods(q, plans) == "what does the bsec plan say about corruption?"
    assert without_plan_periods("what is due in 2021 in the bsec 2021 plan?",
                                assistant.plans_named_in("bsec 2021")) == "what is due in 2021 in the bsec 2021 plan?"
    a = assistant.ask(q)
    assert a.meta["answered_as"] != "deadline" and not a.answer.startswith("Nothing in the plans falls due")
    assert "corruption" in a.answer.lower()


@pytest.mark.parametrize("table, message", [
    ({"orgs": {"means": "organisations"}}, "'orgs' has no reason"),
    ({"orgs": {"means": "", "reason": "the chat plural of organisation"}}, "needs the word meant"),
    ({"Orgs": {"means": "organisations", "reason": "the chat plural of organisation"}}, "a lower-case word"),
])
def test_a_bad_shorthand_entry_is_refused_with_a_sentence(monkeypatch, table, message):
    monkeypatch.setattr(vocab, "load", lambda name: table)
    with pytest.raises(ValueError, match=message):
        vocab.shorthand_entries()
