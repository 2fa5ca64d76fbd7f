"""Plan metadata for plans the parser has not seen (title, organisation, period, short name), the
optional corpus/plans.toml that sets or corrects them, `plans status` showing them, and
`plans index --watch` re-indexing a folder as files are dropped into it."""

from __future__ import annotations

import threading
import time

from typer.testing import CliRunner

from bench.plan_files import text_to_blocks, write_docx
from indexer.embed import FakeEmbedder
from indexer.parse import parse_document
from indexer.pipeline import open_records, run_index
from indexer.plan_overrides import read_overrides
from tests.conftest import make_settings

WORK_PROGRAMME = """WORK PROGRAMME TO IMPLEMENT THE ASEAN PLAN OF ACTION TO COMBAT TRANSNATIONAL CRIME

ASEAN Ministerial Meeting on Transnational Crime, Kuala Lumpur, 17 May 2002

The ASEAN Member States agree on the following work programme.

I. Information Exchange

Action Line: Establish a database of wanted persons.
Lead: Indonesia
"""

NO_TITLE_LINE = """The Ministry of Justice and the Ministry of Interior have agreed, after long consultations with \
civil society and partners, the measures below to reduce trafficking in human beings in the years 2017-2020, \
which are set out in the following sections and tables.

Measures against trafficking in human beings

1. Train labour inspectors.
"""


def _plan(text: str, name: str = "x.txt"):
    return parse_document(text, plan_id=name.split(".")[0], file=name, sha256="0").plan


def test_unseen_plans_get_a_real_title_organisation_period_and_short_name() -> None:
    wp = _plan(WORK_PROGRAMME)
    assert wp.title == "Work Programme to Implement the ASEAN Plan of Action to Combat Transnational Crime"
    assert wp.organisation == "ASEAN" and wp.short_name == "ASEAN"
    nap = _plan(NO_TITLE_LINE)
    assert nap.title == "Measures against trafficking in human beings"  # not the first paragraph
    assert nap.period == "2017-2020" and nap.organisation == ""
    assert nap.short_name == "Trafficking human beings 2017-2020"


def test_plans_toml_sets_title_short_name_organisation_and_period(tmp_path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "asean-wp.txt").write_text(WORK_PROGRAMME, encoding="utf-8")
    write_docx(text_to_blocks(NO_TITLE_LINE), corpus / "nap.docx")
    (corpus / "plans.toml").write_text(
        '["nap.docx"]\ntitle = "National Action Plan against Trafficking in Human Beings 2017-2020"\n'
        'short_name = "TIP 2017-2020"\norganisation = "Ministry of Justice"\nperiod = "2017-2020"\n\n'
        '["asean-wp.txt"]\nshort_name = "ASEAN 2002"\nperiod = "2002"\ncolour = "blue"\n', encoding="utf-8")
    settings = make_settings(corpus, tmp_path / "data")
    s = run_index(settings, embedder=FakeEmbedder(), progress=False)
    assert [p.file for p in s.skipped] == ["plans.toml"] and "unknown fields ['colour']" in s.skipped[0].reason
    store = open_records(settings)
    nap, wp = store.plan("nap"), store.plan("asean-wp")
    assert (nap.title, nap.short_name, nap.organisation, nap.period) == (
        "National Action Plan against Trafficking in Human Beings 2017-2020", "TIP 2017-2020",
        "Ministry of Justice", "2017-2020")
    assert (wp.short_name, wp.period, wp.organisation) == ("ASEAN 2002", "2002", "ASEAN")
    # `plans status` shows what was detected and what plans.toml set
    from bots.cli import app
    from plans.settings import get_settings

    get_settings.cache_clear()
    env = {"PLANS_CORPUS_DIR": str(corpus), "PLANS_DATA_DIR": str(tmp_path / "data")}
    out = CliRunner().invoke(app, ["status"], env=env)
    get_settings.cache_clear()
    assert out.exit_code == 0, out.output
    assert "nap.docx: short name 'TIP 2017-2020', organisation Ministry of Justice, period 2017-2020 (set in " \
           "plans.toml: title, short_name, organisation, period)" in out.stdout
    # changing an entry re-indexes that file only
    (corpus / "plans.toml").write_text('["nap.docx"]\nshort_name = "NAP THB"\n', encoding="utf-8")
    again = run_index(settings, embedder=FakeEmbedder(), progress=False)
    assert again.indexed == ["asean-wp.txt", "nap.docx"] or again.indexed == ["nap.docx", "asean-wp.txt"]
    assert open_records(settings).plan("nap").short_name == "NAP THB"


def test_a_broken_plans_toml_is_reported_and_the_plans_still_index(tmp_path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "plans.toml").write_text('["a.txt"\ntitle = ', encoding="utf-8")
    assert read_overrides(corpus)[0] == {} and "cannot be read" in read_overrides(corpus)[1][0]
    (corpus / "asean-wp.txt").write_text(WORK_PROGRAMME, encoding="utf-8")
    s = run_index(make_settings(corpus, tmp_path / "data"), embedder=FakeEmbedder(), progress=False)
    assert s.indexed == ["asean-wp.txt"] and [p.file for p in s.skipped] == ["plans.toml"]


def test_index_watch_reindexes_a_plan_dropped_into_the_folder(tmp_path) -> None:
    from indexer.watch import watch_index

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "asean-wp.txt").write_text(WORK_PROGRAMME, encoding="utf-8")
    settings = make_settings(corpus, tmp_path / "data")
    run_index(settings, embedder=FakeEmbedder(), progress=False)
    seen: list = []
    stop = threading.Event()
    t = threading.Thread(target=watch_index, args=(settings,), daemon=True, kwargs=dict(
        on_summary=seen.append, stop_event=stop, debounce_ms=200, embedder=FakeEmbedder()))
    t.start()
    time.sleep(1.0)
    write_docx(text_to_blocks(NO_TITLE_LINE), corpus / "nap.docx")
    (corpus / ".~lock.nap.docx#").write_text("editor lock file", encoding="utf-8")  # ignored
    deadline = time.time() + 30
    while not any("nap.docx" in s.indexed for s in seen) and time.time() < deadline:
        time.sleep(0.2)
    stop.set()
    t.join(timeout=10)
    assert any(s.indexed == ["nap.docx"] and s.unchanged == ["asean-wp.txt"] for s in seen), seen
    assert {p.id for p in open_records(settings).plans()} == {"asean-wp", "nap"}
    assert not t.is_alive()
