"""Bad PDF, Word and HTML files in the corpus: an encrypted PDF, a corrupt one, a scanned one (no
text layer), a .docx zip bomb, a .docx that is not a zip, a web page full of scripts. Each is named
with its reason and skipped, or indexed without its scripts; the good files are indexed; `plans
index` prints per file its format, pages, sections, actions, tables and warnings."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bench.plan_files import text_to_blocks, write_docx, write_pdf
from indexer import pipeline
from indexer.blocks import Block
from indexer.embed import FakeEmbedder
from indexer.formats import pdf as pdf_reader
from indexer.formats.word import check_zip
from indexer.pipeline import open_records, run_index
from plans.errors import DocumentError
from tests.conftest import CORPUS, make_settings

BSEC = CORPUS / "bsec-plan-of-action-2011-2013.txt"


def _encrypted_pdf(path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(text="Plan of Action 2030: confidential")
    pdf.output(str(path))


def _scanned_pdf(path: Path, tmp: Path) -> None:
    """A page that is only a picture of text, as a scanner makes it."""
    from fpdf import FPDF
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (600, 200), "white")
    ImageDraw.Draw(img).text((20, 80), "PLAN OF ACTION 2030 - Responsible: Member States", fill="black")
    img.save(tmp / "scan.png")
    pdf = FPDF()
    pdf.add_page()
    pdf.image(str(tmp / "scan.png"), x=10, y=10, w=180)
    pdf.output(str(path))


def _zip_bomb(path: Path, megabytes: int = 40) -> None:
    """A .docx whose document part inflates to ``megabytes`` MB of zeros (packed: about 40 KB)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w") as f:
            chunk = b"\0" * 2**20
            for _ in range(megabytes):
                f.write(chunk)


@pytest.fixture
def bad_corpus(tmp_path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_pdf(text_to_blocks(BSEC.read_text(encoding="utf-8")), corpus / "bsec-2011.pdf")
    write_docx(text_to_blocks((CORPUS / "cica-action-plan-new-challenges-2008.txt").read_text(encoding="utf-8")),
               corpus / "cica-2008.docx")
    _encrypted_pdf(corpus / "locked.pdf")
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage without xref\n")
    _scanned_pdf(corpus / "scanned.pdf", tmp_path)
    _zip_bomb(corpus / "bomb.docx")
    (corpus / "not-a-zip.docx").write_bytes(b"PK\x03\x04 this is not really a zip file at all")
    (corpus / "scripts.html").write_text(
        "<html><head><script>window.location='http://evil.example'</script><style>h1{}</style></head><body>"
        "<h1>Action Plan on Cyber Crime 2023-2025</h1><script>document.write('INJECTED')</script>"
        "<table><tr><th>Activity</th><th>Lead</th><th>Timeline</th><th>Comments</th></tr>"
        "<tr><td>Set up a cyber crime unit</td><td>Ministry of Interior</td><td>June 2024</td><td></td></tr>"
        "</table><p onclick=\"alert('x')\">Adopted by the Council.</p></body></html>", encoding="utf-8")
    return corpus


def test_bad_files_are_named_and_skipped_and_the_rest_is_indexed(bad_corpus, tmp_path) -> None:
    settings = make_settings(bad_corpus, tmp_path / "data")
    s = run_index(settings, embedder=FakeEmbedder(), progress=False)
    reasons = {p.file: p.reason for p in s.skipped}
    assert set(reasons) == {"locked.pdf", "broken.pdf", "scanned.pdf", "bomb.docx", "not-a-zip.docx"}, reasons
    assert "encrypted" in reasons["locked.pdf"]
    assert "cannot be read" in reasons["broken.pdf"]
    assert "scanned PDF with no text layer" in reasons["scanned.pdf"] and "OCR" in reasons["scanned.pdf"]
    assert "zip bomb" in reasons["bomb.docx"] and "not unpacked" in reasons["bomb.docx"]
    assert "not a valid .docx" in reasons["not-a-zip.docx"]
    assert sorted(s.indexed) == ["bsec-2011.pdf", "cica-2008.docx", "scripts.html"]
    store = open_records(settings)
    assert {p.id for p in store.plans()} == {"bsec-2011", "cica-2008", "scripts"}
    assert len(store.actions(plan="bsec-2011")) == 12 and len(store.actions(plan="cica-2008")) == 12
    (web,) = store.actions(plan="scripts")
    assert web.drivers == ("Ministry of Interior",) and web.end.isoformat() == "2024-06-30"
    texts = " ".join(x.text for x in store.sections(plan_id="scripts"))
    assert "INJECTED" not in texts and "evil.example" not in texts and "alert" not in texts


def test_a_zip_bomb_is_refused_from_its_directory_without_inflating(tmp_path) -> None:
    _zip_bomb(tmp_path / "bomb.docx", megabytes=40)
    assert (tmp_path / "bomb.docx").stat().st_size < 2**20
    with pytest.raises(DocumentError, match="zip bomb"):
        check_zip(tmp_path / "bomb.docx")
    # an ordinary .docx passes
    check_zip(write_docx([Block("paragraph", "Plan of Action")], tmp_path / "ok.docx"))


def test_plans_index_prints_per_file_format_pages_tables_and_warnings(bad_corpus, tmp_path, monkeypatch) -> None:
    from bots.cli import app
    from plans.settings import get_settings

    monkeypatch.setenv("PLANS_CORPUS_DIR", str(bad_corpus))
    monkeypatch.setenv("PLANS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(pipeline, "make_embedder", lambda settings, **kw: FakeEmbedder())
    bars: list[bool | None] = []  # what the PDF reader is told about its own progress bar
    read_pdf = pdf_reader.read_pdf
    monkeypatch.setattr(pdf_reader, "read_pdf",
                        lambda path, **kw: bars.append(kw.get("progress")) or read_pdf(path, **kw))
    get_settings.cache_clear()
    try:
        out = CliRunner().invoke(app, ["index", "--quiet"])
    finally:
        get_settings.cache_clear()
    assert out.exit_code == 1  # something was skipped
    assert bars and set(bars) == {False}, bars  # --quiet silences a long PDF's bar too
    lines = out.stdout.splitlines()
    bsec = next(ln for ln in lines if ln.startswith("bsec-2011.pdf"))
    assert "[pdf, 2 pages]" in bsec and "12 actions" in bsec
    assert next(ln for ln in lines if ln.startswith("cica-2008.docx")).startswith("cica-2008.docx [docx")
    web = next(ln for ln in lines if ln.startswith("scripts.html"))
    assert "[html]" in web and "1 actions, 1 tables" in web
    assert any("table: action table (Activity · Lead · Timeline · Comments), 1 rows, 1 actions" in ln for ln in lines)
    assert any("warning: table (Activity · Lead · Timeline · Comments): columns not recognised: 'Comments'" in ln
               for ln in lines)
    scanned = next(ln for ln in out.stderr.splitlines() if ln.startswith("skipped scanned.pdf:"))
    assert "no text layer" in scanned


def test_a_long_pdf_is_read_a_page_at_a_time(tmp_path, monkeypatch) -> None:
    """pdfminer keeps each page's content stream (decoded) and the images first loaded for it
    until the file is closed; the reader lets them go page by page, so what it holds of the file
    does not grow with the pages read (measured on 500 pages: bench/big_pdf.py). An image shared
    by every page (a logo) is read again where it is needed, and every page's text is there."""
    import random
    import weakref

    import pdfplumber.page
    from fpdf import FPDF
    from pdfminer.pdftypes import PDFStream
    from PIL import Image

    from indexer.formats.pdf import read_pdf

    rnd = random.Random(0)
    logo = Image.frombytes("RGB", (40, 40), rnd.randbytes(40 * 40 * 3))
    doc = FPDF()
    for i in range(1, 13):
        doc.add_page()
        doc.set_font("Helvetica", size=11)
        doc.multi_cell(0, 6, f"Page {i} of the plan. " + "Measures against organised crime. " * 30)
        doc.image(Image.frombytes("RGB", (120, 120), rnd.randbytes(120 * 120 * 3)), x=20, y=150, w=50)
        doc.image(logo, x=150, y=10, w=15)  # the same image object on every page
    doc.output(str(tmp_path / "long.pdf"))

    streams: weakref.WeakSet = weakref.WeakSet()
    init = PDFStream.__init__

    def tracked(self, *args, **kwargs) -> None:
        init(self, *args, **kwargs)
        streams.add(self)

    held: list[int] = []  # bytes of all live streams of the file, when each page's words are read
    extract_words = pdfplumber.page.Page.extract_words

    def spy(self, *args, **kwargs):
        words = extract_words(self, *args, **kwargs)
        held.append(sum(len(s.data or b"") + len(s.rawdata or b"") for s in list(streams)))
        return words

    monkeypatch.setattr(PDFStream, "__init__", tracked)
    monkeypatch.setattr(pdfplumber.page.Page, "extract_words", spy)
    blocks, info = read_pdf(tmp_path / "long.pdf", progress=False)
    assert info.pages == 12 and len(held) == 12
    one_page = 120 * 120 * 3 // 2  # about what a page's own image takes, compressed or not
    assert max(held) <= held[0] + one_page, held  # kept: grows by an image and a content stream a page
    text = " ".join(b.text for b in blocks)
    assert all(f"Page {i} of the plan." in text for i in range(1, 13))
