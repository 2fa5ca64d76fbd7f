"""Structured answers from the action records, the retriever's LangChain face, and `plans chat`."""

from __future__ import annotations

from datetime import date

import pytest
from typer.testing import CliRunner

WBCSCI = "wbcsci-integrative-plan-of-action-2018-2020"


def test_action_named_by_number_is_answered_from_its_record(assistant):
    a = assistant.ask("Who drives 3.2 in the Western Balkan plan?")
    assert not a.refused and a.meta.get("listing") == "by number"
    assert "CoE (iPROCEEDS, Cybercrime Programme Office)" in a.answer and "IPA II 2014" in a.answer
    assert a.citations[0].line_start == 372


def test_lettered_action_number_in_a_named_plan(assistant):
    a = assistant.ask("What is C.1 in the BSEC 2011-2013 plan?")
    assert "Country Coordinator of the Working Group" in a.answer and "April 2012" in a.answer


def test_what_is_seeking_funding_lists_the_records(assistant):
    a = assistant.ask("What is still seeking funding in the WBCSCi plan?")
    records = [x for x in assistant.actions if x.plan == WBCSCI and x.funding_status == "seeking"]
    assert a.meta["count"] == len(records) > 10
    assert a.answer.startswith(f"{len(records)} actions are still seeking funding")
    assert "more, numbered" in a.answer and len(a.answer) <= 2000  # the rest is counted, not pasted
    assert a.meta["browse"] == {"funding": "seeking", "plan": WBCSCI}  # and the page's Browse view has it all


def test_what_a_driver_leads(assistant):
    a = assistant.ask("Which actions does SELEC lead?")
    assert a.meta["count"] >= 5 and "SELEC" in a.answer
    for c in a.citations:
        assert c.file.startswith("wbcsci")


def test_recurring_deadlines_stay_inside_their_plan(assistant):
    """'Each semester' in the 2011-2013 BSEC plan is due in 2012, not in 2026."""
    a2012 = assistant.ask("Which deadlines fall in the next 60 days?", as_of=date(2012, 5, 1))
    assert "Organizing the Meetings of the BSEC Network" in a2012.answer
    a2026 = assistant.ask("Which deadlines fall in the next 60 days?", as_of=date(2026, 5, 1))
    assert "Nothing in the plans falls due" in a2026.answer


def test_langchain_retriever_face(assistant):
    from assistant.retrieve import SectionRetriever

    retriever = SectionRetriever(hybrid=assistant.retriever, k=3)
    docs = retriever.invoke("regional pool of interpreters MARRI")
    assert len(docs) == 3
    assert any("MARRI" in d.page_content for d in docs)
    assert {"section_id", "plan_id", "file", "heading_path", "line_start", "line_end"} <= set(docs[0].metadata)


def test_retrieval_modes_and_fusions(assistant):
    r = assistant.retriever
    q = "Which organisation produces the Organized Crime Threat Assessment for Southeast Europe?"
    for mode in ("dense", "lexical", "hybrid"):
        hits = r.search(q, k=5, mode=mode)
        assert hits and all(h.section.file for h in hits)
    lexical = r.search(q, k=5, mode="lexical")
    assert all(h.dense is None for h in lexical) and all(h.lexical is not None for h in lexical)
    saved = r.fusion
    try:
        r.fusion = "rrf"
        rrf = r.search(q, k=5)
    finally:
        r.fusion = saved
    assert any("SELEC" in h.section.text for h in rrf)


def test_plans_chat_follows_up(real_index, monkeypatch):
    from bots.cli import app
    from plans import settings as settings_mod

    monkeypatch.setenv("PLANS_CORPUS_DIR", str(real_index.corpus_dir))
    monkeypatch.setenv("PLANS_DATA_DIR", str(real_index.data_dir))
    settings_mod.get_settings.cache_clear()
    try:
        res = CliRunner().invoke(app, ["chat"], input="Who is implementing the PAMECA V project?\n"
                                                     "When does it end?\n\n")
    finally:
        settings_mod.get_settings.cache_clear()
    assert res.exit_code == 0, res.output
    assert "Austria" in res.output and "Sources:" in res.output
    assert "ended on 20 August 2020" in res.output  # the follow-up knew what "it" was


def test_a_named_month_is_a_window(assistant):
    a = assistant.ask("What WBCSCi activities are planned for October 2018?", as_of=date(2018, 9, 15))
    assert a.route == "deadline" and a.answer.startswith("Scheduled in October 2018 (2018-10-01 to 2018-10-31)")
    assert "Oct 2018" in a.answer
    assert "15.12.2015-14.6.2019" not in a.answer  # runs through October, but is not dated in it


def test_which_actions_end_within_a_window(assistant):
    a = assistant.ask("Which WBCSCi actions end within the next three months?", as_of=date(2019, 4, 1))
    assert a.answer.startswith("Ending within the next three months (2019-04-01 to 2019-07-01)")
    ending = [x for x in assistant.actions if x.plan == WBCSCI and x.end
              and date(2019, 4, 1) <= x.end <= date(2019, 7, 1)]
    assert ending and a.meta.get("nothing_due") is None
    assert "14.6.2019" in a.answer  # the iPROCEEDS actions end on 14 June 2019
    assert "31.12.2019" not in a.answer and "31 Dec 19" not in a.answer  # those end later


def test_overdue_lists_past_end_dates_not_done(assistant):
    a = assistant.ask("What was overdue in the BSEC 2011-2013 plan?", as_of=date(2013, 1, 2))
    assert a.answer.startswith("Past their end date and not marked done, as of 2013-01-02")
    assert "April 2012" in a.answer and "End of 2012" in a.answer
    assert "Permanent" not in a.answer


def test_an_acronym_the_plans_use_keeps_a_short_question_on_topic(assistant):
    a = assistant.ask("Who funds the SIRAS project?")
    assert not a.refused and "SIRAS" in a.answer
    assert assistant.ask("What is the capital of France?").refused


@pytest.mark.parametrize("question", ["Which actions are still looking for donors?",
                                      "Is there a donor for the witness protection action?"])
def test_donors_ask_about_funding(question):
    from assistant.route import read_question

    assert read_question(question, as_of=date(2019, 1, 1)).asks_funding
