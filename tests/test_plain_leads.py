"""Plain opening sentences for passage answers, and word families in the evidence coverage."""

from __future__ import annotations

from assistant.compose import where_said
from assistant.evidence import Lexicon, same_family
from indexer.models import Section
from indexer.text import stem


def section(sid: str, plan: str, heading: tuple[str, ...], kind: str = "item") -> Section:
    return Section(id=sid, plan_id=plan, file=f"{plan}.txt", heading_path=heading, text="x", kind=kind,
                   char_start=0, char_end=1, line_start=1, line_end=1, ordinal=0)


def cite(s: Section) -> str:
    return f"[{s.id}]"


NAMES = {"eco": "ECO", "cica": "CICA"}


def test_one_plan_names_each_heading_once_with_its_citation() -> None:
    secs = [section("1", "eco", ("4) PRIORITY AREAS", "d) Border Control and Management")),
            section("2", "eco", ("4) PRIORITY AREAS", "d) Border Control and Management")),
            section("3", "eco", ("4) PRIORITY AREAS", "c) Terrorism"))]
    lead = where_said(secs, NAMES, "What does the ECO plan say about border attacks?", cite)
    assert lead == "The ECO plan deals with this under “d) Border Control and Management” [1] and “c) Terrorism” [3]."


def test_a_yes_no_question_is_answered_yes_and_several_plans_are_each_named() -> None:
    secs = [section("1", "eco", ("c) Terrorism",)), section("2", "cica", ("III. Terrorism",))]
    lead = where_said(secs, NAMES, "Do the plans deal with terrorism?", cite)
    assert lead == "Yes: these plans deal with this: the ECO plan under “c) Terrorism” [1]; " \
                   "the CICA plan under “III. Terrorism” [2]."


def test_no_heading_means_no_lead() -> None:
    assert where_said([section("1", "eco", (), kind="heading")], NAMES, "what about drugs?", cite) == ""


def test_a_table_row_is_placed_under_its_group_not_its_own_title() -> None:
    secs = [section("1", "eco", ("Need 3 Fight against cybercrime", "3.2 Training"), kind="table_row")]
    assert "“Need 3 Fight against cybercrime”" in where_said(secs, NAMES, "cyber?", cite)


def test_word_families_the_stemmer_keeps_apart() -> None:
    assert same_family(stem("extremism"), stem("extremist"))
    assert same_family(stem("terrorism"), stem("terrorist"))
    assert not same_family(stem("state"), stem("statement"))  # too short a start to be one family
    lex = Lexicon({stem("extremism"): 1, stem("extremist"): 1, stem("activities"): 5}, 10)
    partial = lex.coverage(["extremism"], "countering extremist activities")
    assert 0.5 < partial < 1.0  # most, not all, of the word's weight
    assert lex.coverage(["extremism"], "extremism propaganda") == 1.0


def action(funding: str, status: str):
    from indexer.models import Action

    return Action(id="a", plan="p", number="1.2", need="", title="Training", text="", drivers=("SELEC",),
                  status="ongoing", timeline="", start=None, end=None, precision=None, recurrence=None,
                  funding=funding, funding_status=status, amounts=(), section_id="s", file="p.txt",
                  line_start=1, line_end=1)


def test_the_funding_lead_is_one_plain_sentence_for_every_status() -> None:
    from assistant.compose import lead_sentence
    from assistant.route import Route

    assert lead_sentence(action("Seeking funding; Project SIRAS", "seeking"), Route.FUNDING, "[1]") == \
        "1.2 is still seeking funding (Seeking funding; Project SIRAS) [1]."
    assert lead_sentence(action("being negotiated", "negotiating"), Route.FUNDING, "[1]") == \
        "1.2's funding is being negotiated [1]."
    assert lead_sentence(action("available", "available"), Route.FUNDING, "[1]") == "1.2's funding is available [1]."
    assert lead_sentence(action("IPA II 2017", "available"), Route.FUNDING, "[1]") == \
        "1.2 is funded by IPA II 2017 [1]."


def test_a_sentence_that_continues_another_is_shown_with_it(assistant):
    # "Also, the enormous gains … are another factor" is not understood alone: the sentence it
    # continues (instability and the gap between developing and developed countries) comes with it
    answer = assistant.ask("What makes migrant smuggling grow in the ECO region?")
    line = next(ln for ln in answer.answer.splitlines() if "another factor" in ln)
    assert "instability" in line and line.index("instability") < line.index("Also,"), line
