"""Plan outlines, plan cards and the overview / capabilities answer kinds, on the real index of
the five plans (each in its own shape) and on a small plan in a shape none of them has."""

from __future__ import annotations

import re
from datetime import date

import pytest

from assistant.kinds.base import Ask, Context
from assistant.kinds.capabilities import CapabilitiesKind
from assistant.kinds.overview import OverviewKind
from assistant.outline import OutlineNode, build_outline, walk
from assistant.plan_cards import plan_card
from assistant.route import read_question

AS_OF = date(2018, 5, 1)
ECO = "eco-plan-of-action-transnational-organized-crime"
CICA = "cica-action-plan-new-challenges-2008"
BSEC11 = "bsec-plan-of-action-2011-2013"
BSEC21 = "bsec-plan-of-action-2021"
WB = "wbcsci-integrative-plan-of-action-2018-2020"


@pytest.fixture(scope="module")
def ctx(assistant):
    return Context.of(assistant)


def node(nodes: tuple[OutlineNode, ...], start: str) -> OutlineNode:
    return next(n for n in walk(nodes) if n.title.startswith(start))


def ask_of(assistant, question: str, intent: str) -> Ask:
    return Ask(question=question, intent=intent, confidence=0.9, plans=tuple(assistant.plans_named_in(question)),
               as_of=AS_OF, reading=read_question(question, as_of=AS_OF))


def check_cited(answer) -> None:
    """Opens with a sentence, stays in budget, every line but the examples cites a shown source."""
    assert answer is not None and not answer.refused
    assert len(answer.answer) <= 1800
    assert re.match(r"[A-Z]", answer.answer)
    numbers = {c.n for c in answer.citations}
    for line in answer.answer.splitlines():
        refs = {int(n) for n in re.findall(r"\[(\d+)\]", line)}
        assert refs <= numbers
        assert refs or line.endswith(":") or line.startswith("Try"), line


# -- outlines ---------------------------------------------------------------------------------
def test_eco_outline_has_priority_areas_with_numbered_measures(assistant):
    nodes = build_outline(assistant.records, ECO)
    assert [n.title[:2] for n in nodes] == ["1)", "2)", "3)", "4)", "5)", "6)"]
    areas = node(nodes, "4) PRIORITY AREAS")
    assert [c.title[:2] for c in areas.children] == ["a)", "b)", "c)", "d)", "e)"]
    police = node(nodes, "b) Strategic Police")
    assert len(police.items) == 7 and police.level == 2


def test_cica_outline_has_roman_areas_with_numbered_issues(assistant):
    nodes = build_outline(assistant.records, CICA)
    assert [n.title.split(".")[0] for n in nodes] == ["Introduction", "I", "II", "III", "IV"]
    assert len(node(nodes, "I. Border").items) == 7
    assert len(node(nodes, "II. Police").items) == 5


def test_bsec_2011_outline_has_directions_a_to_f(assistant):
    nodes = build_outline(assistant.records, BSEC11)
    assert [n.title[0] for n in nodes] == list("ABCDEF")
    assert [t.split()[0] for t, _ in node(nodes, "C.").items] == ["C.1", "C.2", "C.3"]


def test_bsec_2021_outline_turns_a_lead_in_list_into_a_node(assistant):
    nodes = build_outline(assistant.records, BSEC21)
    objectives = next(n for n in walk(nodes) if "General objectives" in n.title)
    assert len(objectives.items) == 9
    assert objectives.items[0][0].startswith("strengthening of cross-border cooperation")


def test_wbcsci_outline_has_needs_with_table_actions(assistant):
    nodes = build_outline(assistant.records, WB)
    cyber = node(nodes, "Need 3")
    assert [t.split()[0] for t, _ in cyber.items] == [f"3.{i}" for i in range(1, 12)]
    assert not cyber.children  # a table row's own heading is an item, not a node
    assert build_outline(assistant.records, WB) is nodes  # cached


# -- plan cards --------------------------------------------------------------------------------
def test_cards_read_who_when_purpose_areas(ctx):
    eco = plan_card(ctx, ECO)
    assert eco.areas_heading.text == "4) PRIORITY AREAS"
    assert [a.title for a in eco.areas][2] == "c) Terrorism"
    assert "general objective" in eco.purpose[0].text.lower()
    assert eco.n_actions == 45
    bsec = plan_card(ctx, BSEC11)
    assert bsec.adopted_by.text == "BSEC Working Group" and bsec.adopted_by.kind == "name"
    assert "JUNE 2013" in bsec.adopted_when.text.upper()
    assert [a.title[0] for a in bsec.areas] == list("ABCDEF")
    cica = plan_card(ctx, CICA)
    assert "Ankara" in cica.adopted_when.text
    assert plan_card(ctx, CICA) is cica  # built once


def test_wbcsci_card_counts_drivers_funding_and_table(ctx):
    wb = plan_card(ctx, WB)
    assert [a.title.split()[:2] for a in wb.areas][:2] == [["Need", "1"], ["Need", "2"]]
    assert sum(n for _, n in wb.funding) == wb.n_actions
    assert "Europol" in [d for d, _, _ in wb.drivers]
    assert "driver(s)" in wb.table_fields and "funding" in wb.table_fields
    assert wb.adopted_by.text == "IISG Support Group"


def test_a_plan_in_a_new_shape(tmp_path):
    """Markdown with pillars and an adoption line: the same code reads it, nothing plan-specific."""
    from tests.conftest import one_plan_assistant

    bot = one_plan_assistant(tmp_path, "gulf-plan-of-action-2030.md",
        "# GULF Maritime Council Plan of Action 2025-2030\n\n"
        "Adopted by the Ministers of the Interior of the GULF Maritime Council in Muscat on 3 March 2025.\n\n"
        "## 1. Purpose\n\nThe purpose of this plan is to strengthen joint patrols against piracy at sea.\n\n"
        "## 2. Thematic pillars\n\n### Pillar A: Piracy\n\n1. Joint naval patrols.\n2. A shared vessel registry.\n\n"
        "### Pillar B: Smuggling at sea\n\n1. Training of coast guards.\n2. Liaison officers in ports.\n"
        "3. A hotline for fishermen.\n\n## 3. Implementation\n\nThe Council Secretariat coordinates this plan.\n")
    card = plan_card(Context.of(bot), bot.plans[0].id)
    assert [a.title for a in card.areas] == ["Pillar A: Piracy", "Pillar B: Smuggling at sea"]
    assert [a.items for a in card.areas] == [2, 3]
    assert card.adopted_by.text.startswith("Ministers of the Interior")
    assert "3 March 2025" in card.adopted_when.text
    assert card.purpose[0].text.startswith("The purpose of this plan")
    answer = OverviewKind().answer(ask_of(bot, "What are the priorities of the GULF plan?", "plan_priorities"),
                                   Context.of(bot))
    check_cited(answer)
    assert "Pillar B: Smuggling at sea" in answer.answer


# -- answer kinds ------------------------------------------------------------------------------
def test_priorities_of_bsec_2021(assistant, ctx):
    q = "What are the main priorities of the BSEC 2021 plan?"
    answer = OverviewKind().answer(ask_of(assistant, q, "plan_priorities"), ctx)
    check_cited(answer)
    assert answer.answer.startswith("The BSEC 2021 plan")
    for fact in ("cross-border cooperation", "Liaison Officers Network", "extremist", "COVID-19"):
        assert fact in answer.answer
    assert all(c.file == "bsec-plan-of-action-2021.txt" for c in answer.citations)


def test_overview_of_eco(assistant, ctx):
    answer = OverviewKind().answer(ask_of(assistant, "Give me an overview of the ECO plan.", "plan_overview"), ctx)
    check_cited(answer)
    assert answer.meta["aspect"] == "overview"
    for fact in ("general objective", "regional level", "Illicit Drugs", "Terrorism", "Border Control", "45"):
        assert fact in answer.answer
    assert 3 <= len(answer.answer.splitlines()) <= 6


def test_structure_and_players_and_period(assistant, ctx):
    kind = OverviewKind()
    laid = kind.answer(ask_of(assistant, "How is the WBCSCi plan laid out?", "plan_structure"), ctx)
    check_cited(laid)
    assert "I. Introduction" in laid.answer and "II. Methodology" in laid.answer and "driver(s)" in laid.answer
    who = kind.answer(ask_of(assistant, "Who are the main players in the Western Balkan plan?", "other"), ctx)
    check_cited(who)
    assert who.meta["aspect"] == "players" and "PCC SEE" in who.answer and "Support Group" in who.answer
    when = kind.answer(ask_of(assistant, "who put out the 2011-13 BSEC plan, and what period?", "plan_overview"), ctx)
    assert "BSEC Working Group" in when.answer and "July 2011 - June 2013" in when.answer
    assert kind.answer(ask_of(assistant, "Who drives 3.2 in the WBCSCi plan?", "driver"), ctx) is None


def test_no_plan_named_gives_each_plan(assistant, ctx):
    answer = OverviewKind().answer(ask_of(assistant, "What kind of documents are these plans?", "plan_overview"), ctx)
    check_cited(answer)
    assert all(f"**{p.short_name}**" in answer.answer for p in assistant.plans)


def test_capabilities(assistant, ctx):
    kind = CapabilitiesKind()
    hello = kind.answer(ask_of(assistant, "hi, what can you do?", "capabilities"), ctx)
    check_cited(hello)
    assert hello.answer.startswith("Hello!")
    assert len(hello.citations) == len(assistant.plans)
    known = kind.answer(ask_of(assistant, "What plans do you know about?", "capabilities"), ctx)
    check_cited(known)
    for p in assistant.plans:
        assert p.short_name in known.answer and p.organisation in known.answer
    numbers = {a.number for a in assistant.actions}
    example = re.search(r"action (\S+) in the", known.answer)
    assert example and example.group(1) in numbers  # a real action number, not a canned one
    bsec = kind.answer(ask_of(assistant, "do you cover BSEC?", "capabilities"), ctx)
    assert bsec.answer.startswith("Yes") and "2011" in bsec.answer.splitlines()[0] and "2021" in bsec.answer
    # a year written short names that plan only, as the question reader reads it ("bsec 21")
    short = kind.answer(ask_of(assistant, "do you cover bsec 21?", "capabilities"), ctx)
    assert short.answer.splitlines()[0].startswith("Yes — I cover BSEC 2021.")
    other = kind.answer(ask_of(assistant, "do you cover the Arctic Council?", "capabilities"), ctx)
    assert other.answer.startswith("No") and not other.refused
    assert kind.answer(ask_of(assistant, "Who drives 3.2 in the WBCSCi plan?", "driver"), ctx) is None


@pytest.mark.parametrize("question,kind", [
    ("What are the main priorities of the BSEC 2021 plan?", "overview"),
    ("Give me an overview of the ECO plan.", "overview"),
    ("hi, what can you do?", "capabilities"),
    ("What plans do you know about?", "capabilities"),
])
def test_the_assistant_routes_to_these_kinds(assistant, question, kind):
    answer = assistant.ask(question, as_of=AS_OF)
    assert answer.meta.get("answered_as", answer.route) == kind
    assert not answer.refused and len(answer.answer) <= 1800


def test_who_coordinates_each_plan_is_answered_plan_by_plan(assistant) -> None:
    """A question about every plan as a whole ("who coordinates each of the plans?") gets one line per
    plan saying who coordinates it (or its main drivers), not a passage search."""
    from datetime import date

    answer = assistant.ask("who coordinates each of the plans?", as_of=date(2018, 5, 1))
    lines = [ln for ln in answer.answer.splitlines() if ln.startswith("- **")]
    assert len(lines) == 5
    assert all("Who coordinates:" in ln or "Main drivers" in ln for ln in lines)
    assert "Steering Committee" in answer.answer or "Coordinating Countries" in answer.answer


def test_an_overview_says_what_the_organisation_is_when_the_plan_does(assistant) -> None:
    from datetime import date

    answer = assistant.ask("newbie here: what is the BSEC 2021 plan?", as_of=date(2018, 5, 1))
    assert "About BSEC: “The Organization of the Black Sea Economic Cooperation (BSEC) is a regional economic" \
           in answer.answer


def test_when_a_plan_ends_is_its_period(assistant) -> None:
    from datetime import date

    answer = assistant.ask("when does the BSEC 2021 plan end?", as_of=date(2018, 5, 1))
    assert answer.answer.startswith("The BSEC 2021 plan") and "covers 2021" in answer.answer.splitlines()[0]
