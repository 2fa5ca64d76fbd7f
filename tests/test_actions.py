"""Action records of the prose plans (BSEC 2011-2013, CICA, ECO), pinned by hand.

Each expected value was read off the corpus file at the line given; the tests also check that
the record cites those lines and that drivers and timelines are quoted as written. (The WBCSCi
table rows are pinned in test_tables.py.)
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from indexer.actions import prose_actions, split_drivers
from indexer.models import Action, Plan, Section
from indexer.parse import parse_document
from indexer.pipeline import plan_id_for
from indexer.text import fold, strip_markup

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
BSEC11 = "bsec-plan-of-action-2011-2013.txt"
BSEC21 = "bsec-plan-of-action-2021.txt"
CICA = "cica-action-plan-new-challenges-2008.txt"
ECO = "eco-plan-of-action-transnational-organized-crime.txt"
PROSE = [BSEC11, CICA, ECO]
STATUSES = {"ongoing", "planned", "foreseen", "initiated", "done", "permanent", "requested", "unknown"}

CC = "Country Coordinator of the Working Group"
MS = "Member States"
DIR_A = ("A. Continuation of implementation of the provisions of the Additional Protocol to the BSEC "
         "Agreement, done in Kyiv on March the 15th, 2002")
DIR_C = ("C. Elaboration, approval and implementation of a BSEC Action Plan on regional efforts to "
         "prevent and combat corruption")


class Parsed:
    def __init__(self, name: str) -> None:
        self.name = name
        self.text = (CORPUS / name).read_text(encoding="utf-8")
        doc = parse_document(self.text, plan_id=plan_id_for(name), file=name, sha256="x")
        self.plan: Plan = doc.plan
        self.sections: dict[str, Section] = {s.id: s for s in doc.sections}
        self.actions: list[Action] = prose_actions(doc.plan, doc.sections)
        self.by_number = {a.number: a for a in self.actions}

    def line(self, no: int) -> str:
        return self.text.split("\n")[no - 1]


@pytest.fixture(scope="module")
def plans() -> dict[str, Parsed]:
    return {name: Parsed(name) for name in [*PROSE, BSEC21]}


@pytest.fixture(scope="module")
def bsec(plans) -> Parsed:
    return plans[BSEC11]


@pytest.fixture(scope="module")
def cica(plans) -> Parsed:
    return plans[CICA]


@pytest.fixture(scope="module")
def eco(plans) -> Parsed:
    return plans[ECO]


def _check(p: Parsed, number: str, *, lines: tuple[int, int], **want) -> Action:
    """The action numbered ``number``: it cites ``lines`` and has the ``want`` field values."""
    a = p.by_number[number]
    assert a.id == f"{p.plan.id}:{number}"
    assert (a.file, a.line_start, a.line_end) == (p.name, *lines)
    for key, value in want.items():
        assert getattr(a, key) == value, (number, key, getattr(a, key))
    return a


# --- BSEC 2011-2013: lettered directions, numbered actions, Responsible/Deadline lines --------

def test_bsec_a1_each_semester(bsec: Parsed) -> None:
    # lines 11-13: "- 1. Organizing the Meetings of the BSEC Network of Liaison Officers ...
    #  - Responsible: Country Coordinator of the Working Group and the Chairmanships-in-Office of BSEC:
    #  - *Deadline:* Each semester, organizing back-to-back meetings ..."
    a = _check(bsec, "A.1", lines=(11, 13), need=DIR_A,
               title="Organizing the Meetings of the BSEC Network of Liaison Officers and practical "
                     "operationalization of the work of the Network",
               drivers=(CC, "Chairmanships-in-Office of BSEC"), status="unknown",
               timeline="Each semester, organizing back-to-back meetings of the Network and of the "
                        "Working Group",
               recurrence="each semester", funding="", funding_status="unknown", amounts=(),
               notes=())
    # the record keeps what is written: no dates of its own (queries bound the recurrence by
    # the plan's period, July 2011 - June 2013: see test_cli.py)
    assert (a.start, a.end, a.precision) == (None, None, None)


def test_bsec_a2_annual_july(bsec: Parsed) -> None:
    # lines 17-19: "Responsible: Country Coordinator of the Working Group and the Member States;
    #  - *Deadline:* Each July following the year to evaluate."
    _check(bsec, "A.2", lines=(17, 19), need=DIR_A,
           title="Elaboration of the Annual Review of the trends of transnational crime in the "
                 "BSEC Region",
           drivers=(CC, MS), timeline="Each July following the year to evaluate",
           recurrence="annual (July)", status="unknown", start=None, end=None)


def test_bsec_b1_has_no_driver(bsec: Parsed) -> None:
    # line 21: an invitation with no Responsible line: the plan does not say who
    _check(bsec, "B.1", lines=(21, 21), drivers=(), timeline="", start=None, end=None,
           title="Inviting BSEC Member States that have not ratified the Additional Protocol to "
                 "undertake all necessary steps to enforce it")


def test_bsec_b2_title_has_no_trailing_dash(bsec: Parsed) -> None:
    # lines 25-26: "- 2. Organizing workshops in the field of prevention and combating terrorism
    #  - Responsible: Member States;"
    _check(bsec, "B.2", lines=(25, 26), drivers=(MS,), timeline="",
           title="Organizing workshops in the field of prevention and combating terrorism",
           text="Organizing workshops in the field of prevention and combating terrorism")


def test_bsec_c1_april_2012(bsec: Parsed) -> None:
    # lines 28-30: "Responsible: Country Coordinator of the Working Group; *Deadline:* April 2012."
    _check(bsec, "C.1", lines=(28, 30), need=DIR_C, drivers=(CC,),
           title="Elaboration of the draft of the BSEC Action Plan", timeline="April 2012",
           start=date(2012, 4, 1), end=date(2012, 4, 30), precision="month", recurrence=None,
           status="unknown", notes=())


def test_bsec_c2_end_of_2012(bsec: Parsed) -> None:
    # lines 31-33: "Responsible: BSEC Working Group; - Deadline: End of 2012."
    _check(bsec, "C.2", lines=(31, 33), need=DIR_C, drivers=("BSEC Working Group",),
           title="Approval of the BSEC Action Plan", timeline="End of 2012", start=None,
           end=date(2012, 12, 31), precision="year")


def test_bsec_c3_starting_2013(bsec: Parsed) -> None:
    # lines 35-37 (after a blank line, still under C): "Responsible: Member States and Country
    # Coordinator of the Working Group; - Starting: 2013."
    _check(bsec, "C.3", lines=(35, 37), need=DIR_C, drivers=(MS, CC),
           title="Implementation of the BSEC Action Plan", timeline="Starting: 2013",
           start=date(2013, 1, 1), end=None, precision="year")


def test_bsec_d1_permanent_inline_attributes(bsec: Parsed) -> None:
    # line 41: one line, "... Black Sea Region Responsible:* Member States and Country
    # Coordinator of the Working Group; *Deadline:* Permanent."
    a = _check(bsec, "D.1", lines=(41, 41), drivers=(MS, CC), timeline="Permanent",
               status="permanent", start=None, end=None, recurrence=None)
    assert a.need.startswith("D. Implementation by the Member States of the Regional BSEC")
    assert a.text == ("Monitoring of the implementation by the Member States of the Regional BSEC "
                      "Action Plan for Strengthening the Criminal Justice Response to Trafficking "
                      "in Persons in the Black Sea Region")


def test_bsec_e1_and_e2(bsec: Parsed) -> None:
    # lines 45-47 and 48-49
    _check(bsec, "E.1", lines=(45, 47), drivers=(MS, CC), status="permanent", timeline="Permanent")
    _check(bsec, "E.2", lines=(48, 49), timeline="",
           drivers=("BSEC Member States which are members of the European Union",))


def test_bsec_e3_responsible_after_a_blank_line(bsec: Parsed) -> None:
    # lines 50-52: "- 3. Enhancing cooperation ..." / blank / "Responsible: BSEC Working Group"
    _check(bsec, "E.3", lines=(50, 52), drivers=("BSEC Working Group",), timeline="",
           need="E. Development of the cooperation with the international organizations",
           title="Enhancing cooperation with other relevant international organizations")


def test_bsec_f_direction_without_numbered_actions(bsec: Parsed) -> None:
    # lines 54-57: the heading "F. Preparing and organizing the Ninth Meeting ..." followed only
    # by "- Responsible: Country Coordinator ... and the Chairmanship in Office of BSEC;" and
    # "- *Deadline:* 2013."
    title = ("Preparing and organizing the Ninth Meeting of the Ministers of Interior/Public Order "
             "of the BSEC Member States")
    _check(bsec, "F", lines=(56, 57), title=title, text=title,
           drivers=(CC, "Chairmanship in Office of BSEC"), timeline="2013",
           start=date(2013, 1, 1), end=date(2013, 12, 31), precision="year")


def test_bsec_numbers_are_complete(bsec: Parsed) -> None:
    assert [a.number for a in bsec.actions] == ["A.1", "A.2", "B.1", "B.2", "C.1", "C.2", "C.3",
                                                "D.1", "E.1", "E.2", "E.3", "F"]


# --- CICA: Roman areas, numbered issues --------------------------------------------------------

def test_cica_i1_focal_points_network(cica: Parsed) -> None:
    # line 19: "1. Establishment of a CICA focal points network;" under "I. Border Control and
    # Management"; "Issues for possible consideration and approval by Member States" names no driver
    _check(cica, "I.1", lines=(19, 19), need="I. Border Control and Management",
           title="Establishment of a CICA focal points network",
           text="Establishment of a CICA focal points network;", drivers=(), status="unknown",
           timeline="", start=None, end=None, funding_status="unknown")


def test_cica_ii1_twice_yearly_seminars_beginning_2009(cica: Parsed) -> None:
    # line 31: "1. Establishment of a calendar for twice yearly seminars on police related issues
    # beginning 2009;" — no Deadline line: the timeline is read from the text, and noted
    a = _check(cica, "II.1", lines=(31, 31), need="II. Police Related Issues",
               title="Establishment of a calendar for twice yearly seminars on police related "
                     "issues beginning 2009",
               timeline="twice yearly seminars on police related issues beginning 2009",
               start=date(2009, 1, 1), end=None, precision="year", recurrence="each semester",
               drivers=())
    assert a.notes == ("no Deadline line: timeline read from the action text",)


def test_cica_ii3_interpol_lost_and_stolen_documents(cica: Parsed) -> None:
    _check(cica, "II.3", lines=(33, 33), need="II. Police Related Issues",
           title="Modalities for timely sharing of information through the Interpol database on "
                 "lost and stolen documents", timeline="", drivers=())


def test_cica_numbers(cica: Parsed) -> None:
    assert [a.number for a in cica.actions] == [f"I.{k}" for k in range(1, 8)] + [
        f"II.{k}" for k in range(1, 6)]
    # areas III and IV are one paragraph each, without numbered issues: no actions invented
    assert not any(a.number.startswith(("III", "IV")) for a in cica.actions)


# --- ECO: Markdown headings, numbered measures --------------------------------------------------

ECO_5 = "5) THE MEASURES ADDRESSING ALL KINDS OF TRANSNATIONAL ORGANIZED CRIMES"


def test_eco_5_1_driver_read_from_the_text(eco: Parsed) -> None:
    # line 122: "Experiences of Quadrilateral Working Group comprising Pakistan, Iran, Turkey and
    # Greece (with Afghanistan also added) shall be studied and disseminated by the IOM ..."
    # There is no Responsible line; the sentence itself names who does it (the IOM), so the
    # record carries it and a note says where it came from.
    a = _check(eco, "5.1", lines=(122, 122), need=ECO_5, drivers=("IOM",), timeline="",
               status="unknown")
    assert a.text.startswith("Experiences of Quadrilateral Working Group comprising Pakistan, "
                             "Iran, Turkey and Greece (with Afghanistan also added)")
    assert len(a.notes) == 1 and "disseminated by the IOM" in a.notes[0]
    # a long title is cut at a word, and says so
    assert a.title.endswith(" …") and len(a.title) <= 202
    assert a.text.startswith(a.title.removesuffix(" …"))


def test_eco_member_states_will(eco: Parsed) -> None:
    # line 126: "4. Member States will cooperate in exchanging information ... on Cyber Crimes ..."
    a = _check(eco, "5.4", lines=(126, 126), need=ECO_5, drivers=(MS,))
    assert a.notes and "Member States will" in a.notes[0]
    # line 124: "... shall be strictly controlled by sharing of information ..." names nobody
    _check(eco, "5.3", lines=(124, 124), drivers=(), notes=())


def test_eco_4b4_interpol_i_24_7(eco: Parsed) -> None:
    # line 66, under "##### b) **Strategic Police Cooperation**" of "#### 4) **PRIORITY AREAS**"
    _check(eco, "4.b.4", lines=(66, 66), need="b) Strategic Police Cooperation",
           title="Promotion of cooperation and exchange of information among the ECO Member "
                 "States through the Interpol's I 24/7 System", drivers=(), timeline="")
    assert eco.sections[eco.by_number["4.b.4"].section_id].heading_path == (
        "4) PRIORITY AREAS", "b) Strategic Police Cooperation")


def test_eco_title_without_trailing_comma(eco: Parsed) -> None:
    # line 103 ends with a comma in the list: "... or follow up any crime,"
    _check(eco, "4.d.9", lines=(103, 103), need="d) Border Control and Management",
           title="Facilitating instant contacts by border authorities in their capacities to "
                 "exchange information and taking specific measures to prevent crimes or follow "
                 "up any crime")


def test_eco_numbering_follows_the_headings(eco: Parsed) -> None:
    numbers = [a.number for a in eco.actions]
    for prefix, count in [("4.b.", 7), ("4.c.", 6), ("4.d.", 9), ("4.e.", 6), ("5.", 8), ("6.", 3)]:
        assert [n for n in numbers if n.startswith(prefix)] == [f"{prefix}{k}" for k in
                                                                range(1, count + 1)], prefix
    assert not any(n.startswith("4.a") for n in numbers)  # a) Illicit Drugs has no measures


# --- every prose record -------------------------------------------------------------------------

@pytest.mark.parametrize("name", PROSE)
def test_records_are_grounded_in_their_section(plans, name: str) -> None:
    p = plans[name]
    assert p.actions
    assert len({a.id for a in p.actions}) == len(p.actions)
    for a in p.actions:
        assert a.plan == p.plan.id and a.file == name
        assert re.fullmatch(r"[A-H]|[A-H]\.\d+|[IVX]+\.\d+|\d+(?:\.[a-k])?\.\d+", a.number), a.number
        s = p.sections[a.section_id]
        assert (a.line_start, a.line_end) == (s.line_start, s.line_end)
        raw = fold(strip_markup(p.text[s.char_start:s.char_end])).casefold()
        for d in a.drivers:  # as written
            assert d.casefold() in raw, (a.id, d)
        if a.timeline:
            assert fold(a.timeline).casefold() in raw, (a.id, a.timeline)
        assert a.title and a.title[-1] not in ",;:-", a.id
        assert a.text and a.status in STATUSES
        assert a.funding_status in {"available", "seeking", "negotiating", "unknown"}
        if a.start and a.end:
            assert a.start <= a.end
        # the JSON record round-trips with exactly the documented field names
        assert list(a.to_json()) == ["id", "plan", "number", "need", "title", "text", "drivers",
                                     "status", "timeline", "start", "end", "precision",
                                     "recurrence", "funding", "funding_status", "amounts",
                                     "section_id", "notes", "source"]


def test_split_drivers() -> None:
    assert split_drivers("Member States and Country Coordinator of the Working Group;") == (MS, CC)
    assert split_drivers("Country Coordinator of the Working Group and the Chairmanships-in-Office "
                         "of BSEC:") == (CC, "Chairmanships-in-Office of BSEC")
    assert split_drivers("BSEC Working Group") == ("BSEC Working Group",)
    assert split_drivers("") == ()


def test_bsec_2021_yields_actions(plans) -> None:
    """BSEC 2021 numbers every heading "1."; its headed activities become actions in order."""
    acts = {a.title: a for a in plans[BSEC21].actions}
    assert [a.number for a in plans[BSEC21].actions] == [str(i) for i in range(1, len(acts) + 1)]
    assert acts["Ministerial meetings"].text == "Not planned."
    wg = acts["Meetings of the Working Group"]
    assert wg.recurrence == "annual" and "once a year" in wg.timeline
    lo = acts["Meetings in the framework of the BSEC Liaison Officers Network in Combating Crime"]
    assert lo.recurrence == "annual" and "just after" in lo.text
    assert acts["Cooperation with other BSEC bodies"].drivers == ("Working Group",)
    assert any("numbered" in n for n in wg.notes)
