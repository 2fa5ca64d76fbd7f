"""Sections and plan metadata, parsed from the real corpus files.

Every section must cite an exact span of its file: the span lies inside the file, its cleaned
text is the section text, and its line numbers agree with its character offsets. Heading paths
and plan metadata below were checked by hand against corpus/*.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.load import load_corpus
from indexer.models import Section
from indexer.parse import ParsedDocument, parse_document, split_lines
from indexer.pipeline import plan_id_for
from indexer.tables import is_header_row
from indexer.text import fold, strip_markup

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
BSEC11 = "bsec-plan-of-action-2011-2013.txt"
BSEC21 = "bsec-plan-of-action-2021.txt"
CICA = "cica-action-plan-new-challenges-2008.txt"
ECO = "eco-plan-of-action-transnational-organized-crime.txt"
WBCSCI = "wbcsci-integrative-plan-of-action-2018-2020.txt"
FILES = [BSEC11, BSEC21, CICA, ECO, WBCSCI]


def _parse(text: str, name: str = "doc.txt") -> ParsedDocument:
    return parse_document(text, plan_id=plan_id_for(name), file=name, sha256="0" * 64)


@pytest.fixture(scope="module")
def corpus() -> dict[str, tuple[str, ParsedDocument]]:
    docs, problems = load_corpus(CORPUS)
    assert not problems
    assert sorted(d.rel for d in docs) == sorted(FILES)
    return {d.rel: (d.text, parse_document(d.text, plan_id=plan_id_for(d.rel), file=d.rel,
                                           sha256=d.sha256)) for d in docs}


def _at(parsed: ParsedDocument, line: int) -> Section:
    """The section whose lines cover ``line`` (the first one, when a line is split)."""
    return next(s for s in parsed.sections if s.line_start <= line <= s.line_end)


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


# --- spans -------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", FILES)
def test_every_span_is_exact(corpus, name: str) -> None:
    text, parsed = corpus[name]
    assert len(parsed.sections) >= 10
    for s in parsed.sections:
        assert 0 <= s.char_start < s.char_end <= len(text), s.id
        raw = text[s.char_start:s.char_end]
        assert strip_markup(raw) == s.text, s.id
        assert s.text and re.search(r"\w", s.text), s.id
        assert s.line_start == _line_of(text, s.char_start), s.id
        assert s.line_end == _line_of(text, s.char_end - 1), s.id
        assert s.line_start <= s.line_end


@pytest.mark.parametrize("name", FILES)
def test_sections_never_mix_plans_and_do_not_overlap(corpus, name: str) -> None:
    text, parsed = corpus[name]
    plan_id = plan_id_for(name)
    assert parsed.plan.id == plan_id and parsed.plan.file == name
    ids = [s.id for s in parsed.sections]
    assert len(set(ids)) == len(ids)
    for k, s in enumerate(parsed.sections):
        assert (s.plan_id, s.file, s.ordinal) == (plan_id, name, k)
        assert s.id == f"{plan_id}:{k:04d}"
    spans = sorted((s.char_start, s.char_end) for s in parsed.sections)
    for (_, end), (start, _) in zip(spans, spans[1:]):
        assert end <= start, "two sections cite overlapping text"
    # no other plan's words leak in: each section's text comes from its own file only
    others = {n: corpus[n][0] for n in FILES if n != name}
    for s in parsed.sections:
        if len(s.text) > 80:
            assert not any(s.text in fold(strip_markup(t)) for t in others.values()), s.id


@pytest.mark.parametrize("name", FILES)
def test_every_word_of_the_body_is_in_some_section(corpus, name: str) -> None:
    """Nothing is dropped: each line with words after the title block is cited by a section."""
    text, parsed = corpus[name]
    covered = set()
    for s in parsed.sections:
        covered.update(range(s.line_start, s.line_end + 1))
    missing = [ln.no for ln in split_lines(text)
               if re.search(r"[A-Za-z]{3}", strip_markup(ln.text)) and ln.no not in covered
               and ln.no > parsed.sections[0].line_end]
    # a heading line is folded into the path of the sections below it, not cited on its own;
    # the table's header row, repeated at each page break, is not content
    lines = text.split("\n")
    body = [n for n in missing if not _is_heading_line(text, n, parsed)
            and not is_header_row(lines[n - 1].split("\t"))]
    assert body == []


def _is_heading_line(text: str, no: int, parsed: ParsedDocument) -> bool:
    line = strip_markup(text.split("\n")[no - 1]).strip(" :-*#")
    return any(line in s.heading_path or any(line.endswith(h) or h.endswith(line)
                                             for h in s.heading_path) for s in parsed.sections)


def test_section_kinds(corpus) -> None:
    kinds = {s.kind for _, p in corpus.values() for s in p.sections}
    assert kinds <= {"heading", "paragraph", "item", "list", "table_row", "glossary"}
    _, wb = corpus[WBCSCI]
    rows = [s for s in wb.sections if s.kind == "table_row"]
    assert len(rows) >= 80
    assert {s.line_start for s in rows} == set(wb.row_sections)


def test_sections_are_short_enough_to_cite(corpus) -> None:
    for _, parsed in corpus.values():
        for s in parsed.sections:
            if s.kind != "table_row":
                assert len(s.text) <= 1400, s.id


# --- heading paths, checked by hand -----------------------------------------------------------

def test_bsec_2011_item_c1_under_direction_c(corpus) -> None:
    text, parsed = corpus[BSEC11]
    s = _at(parsed, 28)
    assert s.kind == "item"
    assert s.heading_path == ("C. Elaboration, approval and implementation of a BSEC Action Plan "
                              "on regional efforts to prevent and combat corruption",)
    assert s.text.startswith("- 1. Elaboration of the draft of the BSEC Action Plan")
    assert "Deadline: April 2012." in s.text  # its sub-lines belong to it
    assert (s.line_start, s.line_end) == (28, 30)
    # C.3 comes after a blank line and still sits under C.
    c3 = _at(parsed, 35)
    assert c3.heading_path == s.heading_path and "Starting: 2013" in c3.text
    # D.1 sits under D, not C
    d1 = _at(parsed, 41)
    assert d1.heading_path[0].startswith("D. Implementation by the Member States")


def test_bsec_2011_title_block(corpus) -> None:
    _, parsed = corpus[BSEC11]
    head = parsed.sections[0]
    assert head.kind == "heading" and head.heading_path == ()
    assert "(JULY 2011 - JUNE 2013)" in head.text


def test_eco_measure_under_strategic_police_cooperation(corpus) -> None:
    _, parsed = corpus[ECO]
    s = _at(parsed, 66)
    assert s.heading_path == ("4) PRIORITY AREAS", "b) Strategic Police Cooperation")
    assert s.text == ("4. Promotion of cooperation and exchange of information among the ECO Member "
                      "States through the Interpol's I 24/7 System.")
    # Markdown levels are inconsistent in the file (###, ####, ##); the numbering wins
    assert _at(parsed, 95).heading_path == ("4) PRIORITY AREAS", "d) Border Control and Management")
    assert _at(parsed, 122).heading_path == ("5) THE MEASURES ADDRESSING ALL KINDS OF TRANSNATIONAL "
                                             "ORGANIZED CRIMES",)
    assert _at(parsed, 41).heading_path == ("3) OBJECTIVES", "b) Specific Objective")
    # the title block stops at "## 1) INTRODUCTION": the introduction sits under its heading
    assert parsed.sections[0].line_end == 7
    assert _at(parsed, 13).heading_path == ("1) INTRODUCTION",)


def test_cica_interpol_lost_and_stolen_documents(corpus) -> None:
    _, parsed = corpus[CICA]
    s = _at(parsed, 33)
    assert s.kind == "item"
    assert s.heading_path == ("II. Police Related Issues",)
    assert s.text == ("3. Modalities for timely sharing of information through the Interpol "
                      "database on lost and stolen documents;")
    assert _at(parsed, 19).heading_path == ("I. Border Control and Management",)
    assert _at(parsed, 43).heading_path == ("IV. Trafficking Issues",)


def test_bsec_2021_ministerial_meetings_not_planned(corpus) -> None:
    _, parsed = corpus[BSEC21]
    s = _at(parsed, 65)
    assert s.heading_path == ("Ministerial meetings",)
    assert s.text.endswith("Not planned.")
    assert (s.line_start, s.line_end) == (63, 65)
    lo = _at(parsed, 77)
    assert lo.heading_path == ("Meetings in the framework of the BSEC Liaison Officers Network in "
                               "Combating Crime",)
    assert "once a year just after the meeting" in lo.text
    # the country-coordinator line is in the title block, cited with it
    assert "THE RUSSIAN FEDERATION IS THE COUNTRY-COORDINATOR" in parsed.sections[0].text


def test_wbcsci_table_row_path(corpus) -> None:
    text, parsed = corpus[WBCSCI]
    row_3_2 = next(s for s in parsed.sections
                   if s.kind == "table_row" and s.heading_path[-1].startswith("3.2 "))
    assert row_3_2.heading_path[:2] == ("II. Methodology",
                                        "j) Identified Needs translated into Objectives and Actions")
    assert row_3_2.heading_path[2].startswith("Need 3")
    assert row_3_2.line_start == row_3_2.line_end
    assert text[row_3_2.char_start:row_3_2.char_end] == text.split("\n")[row_3_2.line_start - 1]


def test_embed_text_carries_plan_and_path(corpus) -> None:
    _, parsed = corpus[ECO]
    s = _at(parsed, 66)
    head, body = s.embed_text(parsed.plan.short_name).split("\n", 1)
    assert head == "ECO › 4) PRIORITY AREAS › b) Strategic Police Cooperation"
    assert body == s.text


# --- plan metadata ------------------------------------------------------------------------------

PLANS = {
    BSEC11: ("Plan of Action of the BSEC Working Group on Cooperation in Combating Crime, in "
             "particular in its Organized Forms (July 2011 - June 2013)", "BSEC",
             "JULY 2011 - JUNE 2013", "BSEC 2011-2013"),
    BSEC21: ("Plan of Action of the Working Group of the Organization of the Black Sea Economic "
             "Cooperation (BSEC) on Cooperation in Combating Crime, particularly in its Organized "
             "Forms 2021", "BSEC", "2021", "BSEC 2021"),
    # CICA and ECO state no period for the plan itself (only dates of meetings): left empty
    CICA: ("Action Plan for Cooperation among CICA Member States in New Challenges and Threats",
           "CICA", "", "CICA"),
    ECO: ("ECO Plan of Action on Combating Transnational Organized Crimes", "ECO", "", "ECO"),
    WBCSCI: ("Western Balkan Counter Serious Crime initiative Integrative Plan of Action 2018-2020",
             "WBCSCi", "2018-2020", "WBCSCi 2018-2020"),
}


@pytest.mark.parametrize("name", FILES)
def test_plan_metadata(corpus, name: str) -> None:
    _, parsed = corpus[name]
    title, org, period, short = PLANS[name]
    plan = parsed.plan
    assert (plan.title, plan.organisation, plan.period, plan.short_name) == (title, org, period, short)
    assert plan.id == name.removesuffix(".txt") and plan.file == name


# --- markup -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "clean"), [
    ('<ul style="list-style-type: none"><li>one</li><li>two</li></ul>', "one two"),
    ("<p><u>Kosovo*</u></p>", "Kosovo*"),
    ("<p>terrorism</p><p>financing</p>", "terrorism financing"),
    ("<u><i>Albania</i></u>", "Albania"),
    ("held on 27<sup>th</sup> May, 2008", "held on 27th May, 2008"),
    ("*Deadline:* Permanent", "Deadline: Permanent"),
    ("the *Regional BSEC Action Plan*", "the Regional BSEC Action Plan"),
    ("**ECO PLAN OF ACTION ON**", "ECO PLAN OF ACTION ON"),
    ("## 1) INTRODUCTION", "1) INTRODUCTION"),
    ("#### 4) **PRIORITY AREAS**", "4) PRIORITY AREAS"),
    ("<https://wb-iisg.com/wbcsci/>", "https://wb-iisg.com/wbcsci/"),
    ("BS/WGCC&amp;LONCC", "BS/WGCC&LONCC"),
    ("2 * 3 and Kosovo* stay", "2 * 3 and Kosovo* stay"),
    ("a\t\tb\u00a0\u00a0c\n\nd", "a b c d"),
])
def test_strip_markup_keeps_the_words(raw: str, clean: str) -> None:
    assert strip_markup(raw) == clean


def test_markup_stripped_in_corpus_sections(corpus) -> None:
    """No tag or Markdown marker survives; every word of a section is a word of its raw span."""
    for text, parsed in corpus.values():
        for s in parsed.sections:
            assert not re.search(r"</?(?:ul|li|p|u|i|sup)\b[^>]*>", s.text), s.id
            assert "**" not in s.text and not s.text.startswith("#"), s.id
            raw_words = set(re.findall(r"[A-Za-z]{2,}", text[s.char_start:s.char_end]))
            assert set(re.findall(r"[A-Za-z]{2,}", s.text)) <= raw_words, s.id
    _, eco = corpus[ECO]
    assert "27th May, 2008 in Ashgabat" in _at(eco, 13).text


def test_parse_small_markdown_document() -> None:
    text = ("# Plan of Action on Things\n\n## 1) FIRST PART\n\nSome *important* words about the "
            "first part that are long enough to be a paragraph of their own, really.\n\n"
            "### a) **Sub part**\n\n1. Do the <u>first</u> thing;\n2. Do the <i>second</i> thing.\n"
            " - Responsible: Member States;\n - *Deadline:* End of 2012.\n")
    parsed = _parse(text)
    by_text = {s.text: s for s in parsed.sections}
    first = by_text["1. Do the first thing;"]
    assert first.heading_path == ("1) FIRST PART", "a) Sub part")
    second = next(s for s in parsed.sections if s.text.startswith("2. Do the second thing."))
    assert second.text.endswith("Deadline: End of 2012.")
    assert "important words" in next(s.text for s in parsed.sections if "important" in s.text)
    for s in parsed.sections:
        assert strip_markup(text[s.char_start:s.char_end]) == s.text


def test_parse_empty_and_blank_documents() -> None:
    for text in ["", "\n\n", "   \n\t\n", "-\n-\n"]:
        parsed = _parse(text)
        assert parsed.sections == ()


# --- robustness ---------------------------------------------------------------------------------

_PIECES = ["\n", "\n\n", "\t", " ", "# ", "## ", "1. ", "2) ", "a) ", "A. ", "IV. ", "- ", "• ",
           "*", "**", "<p>", "</p>", "<ul>", "<li>", "<u>", "</u>", "<sup>", "Responsible: ",
           "Deadline: ", "Member States", "Plan of Action", "2018", ".", ";", ":", "Note: ",
           "INTRODUCTION", "word ", "Kosovo*", "\u00a0", "é", "NEED ADDRESSED", "ACTION"]
_CELLS = ["", "-", "1 Need title", "1.1 Action title", "<p>Europol</p>",
          "<ul style=\"x\"> - a - b </ul>", "Ongoing 1.1.2018-31.12.2019", "Seeking funding",
          "NEED ADDRESSED", "ACTION", "EXPECTED OUTPUTS", "DRIVER (S)", "STATUS / TIMELINE",
          "FUNDING", "text with words", "Q2-3 2018", "available"]


def _check_spans(text: str) -> None:
    parsed = _parse(text)
    for s in parsed.sections:
        assert 0 <= s.char_start < s.char_end <= len(text)
        assert s.line_start <= s.line_end
        assert s.text == strip_markup(text[s.char_start:s.char_end])


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=400),
                 st.lists(st.sampled_from(_PIECES), max_size=80).map("".join)))
def test_random_text_never_crashes(text: str) -> None:
    _check_spans(text)


@settings(max_examples=120, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_CELLS), min_size=1, max_size=7).map("\t".join),
                max_size=10),
       st.sampled_from(["", "Intro paragraph.\n\n", "## j) Actions\n\n"]))
def test_random_tab_separated_rows_never_crash(rows: list[str], lead: str) -> None:
    _check_spans(lead + "\n".join(rows))
