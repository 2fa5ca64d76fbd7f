"""`plans index` end to end with real parts: a real embedded Chroma and the real SQLite under
tmp_path, the fake embedder for speed. Incremental, atomic, and honest about skipped files."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import indexer.pipeline as pipeline
from indexer.actions import prose_actions
from indexer.embed import FakeEmbedder
from indexer.parse import parse_document
from indexer.pipeline import (
    IndexSummary,
    current_generation,
    open_records,
    open_vectors,
    plan_id_for,
    records_path,
    run_index,
)
from indexer.tables import row_actions
from indexer.vectors import VectorStore, passages_for
from plans.errors import IndexMissingError
from tests.conftest import stored_passages

CICA = "cica-action-plan-new-challenges-2008.txt"
ECO = "eco-plan-of-action-transnational-organized-crime.txt"
BSEC21 = "bsec-plan-of-action-2021.txt"
FILES = sorted(["bsec-plan-of-action-2011-2013.txt", BSEC21, CICA, ECO,
                "wbcsci-integrative-plan-of-action-2018-2020.txt"])


def index(settings, **kw) -> IndexSummary:
    return run_index(settings, embedder=FakeEmbedder(), progress=False, **kw)


def expected_counts(corpus: Path) -> tuple[int, int, int]:
    """Sections, actions and passages of the corpus, straight from the parser."""
    n_sec = n_act = n_pas = 0
    for path in sorted(corpus.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        pid = plan_id_for(path.name)
        doc = parse_document(text, plan_id=pid, file=path.name, sha256="")
        n_sec += len(doc.sections)
        n_act += len(prose_actions(doc.plan, doc.sections))
        n_act += len(row_actions(list(doc.table_rows), plan_id=pid, file=path.name,
                                 section_ids=doc.row_sections))
        n_pas += sum(len(passages_for(s.id, pid, path.name, s.embed_text(doc.plan.short_name)))
                     for s in doc.sections)
    return n_sec, n_act, n_pas


def gens(settings) -> set[str]:
    return {p.name for p in (Path(settings.data_dir) / "gens").iterdir()}


def snapshot(settings) -> dict:
    """What the serving index holds: plans, sections (id -> text) and action ids."""
    store = open_records(settings)
    try:
        return {"plans": [p.id for p in store.plans()],
                "sections": {s.id: s.text for s in store.sections()},
                "actions": [a.id for a in store.actions()]}
    finally:
        store.close()


def vector_count(settings) -> int:
    return open_vectors(settings, FakeEmbedder()).count()


def edit(settings, name: str, old: str, new: str) -> None:
    path = Path(settings.corpus_dir) / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture()
def cli(monkeypatch, fake_settings):
    """Run the `plans` CLI on fake_settings' folders, with the fake embedder."""
    from bots.cli import app
    from plans.settings import get_settings

    monkeypatch.setenv("PLANS_CORPUS_DIR", str(fake_settings.corpus_dir))
    monkeypatch.setenv("PLANS_DATA_DIR", str(fake_settings.data_dir))
    monkeypatch.setattr(pipeline, "make_embedder", lambda settings, **kw: FakeEmbedder())
    get_settings.cache_clear()
    runner = CliRunner()
    yield lambda *args: runner.invoke(app, list(args))
    get_settings.cache_clear()


# --- a first run, and a run with nothing to do --------------------------------------------------

def test_first_run_indexes_the_corpus(fake_settings) -> None:
    n_sec, n_act, n_pas = expected_counts(Path(fake_settings.corpus_dir))
    s = index(fake_settings)
    assert (s.plans, s.sections, s.actions) == (5, n_sec, n_act)
    assert n_sec > 250 and n_act > 150
    assert sorted(s.indexed) == FILES and s.unchanged == [] and s.skipped == [] and s.removed == []
    assert s.passages_embedded == n_pas == vector_count(fake_settings)
    assert current_generation(fake_settings) == s.generation
    assert "5 plans" in s.line() and "0 skipped" in s.line()
    # the vector store keeps ids, vectors and metadata, no passage texts (the records hold them;
    # Chroma's full-text index of texts took half of each insert)
    got = open_vectors(fake_settings, FakeEmbedder()).collection.get(include=["documents"])
    assert len(got["ids"]) == n_pas and not any(got["documents"])

    store = open_records(fake_settings)
    assert store.meta("complete") == "1" and store.meta("embedder") == "plans-fake"
    assert sorted(store.files()) == FILES
    assert {p.organisation for p in store.plans()} == {"BSEC", "CICA", "ECO", "WBCSCi"}
    # the lexical side: BM25 over FTS5 finds the CICA Interpol item first
    top, _ = store.search("Interpol database lost stolen documents", k=3)[0]
    assert store.section(top).plan_id == plan_id_for(CICA)
    # the dense side answers with section ids of the index
    hits = open_vectors(fake_settings, FakeEmbedder()).query("focal points network", k=5)
    assert hits and all(store.section(sid) for sid, _ in hits)


def test_second_run_with_nothing_changed_does_nothing(fake_settings) -> None:
    first = index(fake_settings)
    before, gens_before = snapshot(fake_settings), gens(fake_settings)
    second = index(fake_settings)
    assert second.generation == first.generation == current_generation(fake_settings)
    assert second.unchanged == FILES and second.indexed == [] and second.passages_embedded == 0
    assert (second.plans, second.sections, second.actions) == (first.plans, first.sections,
                                                                first.actions)
    assert gens(fake_settings) == gens_before and snapshot(fake_settings) == before


def test_force_reembeds_everything(fake_settings) -> None:
    first = index(fake_settings)
    again = index(fake_settings, force=True)
    assert sorted(again.indexed) == FILES and again.generation != first.generation
    assert again.passages_embedded == first.passages_embedded


def test_another_embedder_rebuilds_rather_than_mixing_vectors(fake_settings) -> None:
    class OtherEmbedder(FakeEmbedder):
        name = "plans-other"

    index(fake_settings)
    s = run_index(fake_settings, embedder=OtherEmbedder(), progress=False)
    assert sorted(s.indexed) == FILES and s.unchanged == []
    assert open_records(fake_settings).meta("embedder") == "plans-other"


def test_a_new_parser_reparses_unchanged_files(fake_settings, monkeypatch) -> None:
    """Content hashes alone would keep records made by an older parser; the code version too."""
    index(fake_settings)
    monkeypatch.setattr(pipeline, "code_version", lambda: "another-parser")
    s = index(fake_settings)
    assert sorted(s.indexed) == FILES and s.unchanged == []
    assert open_records(fake_settings).meta("parser") == "another-parser"


# --- incremental: change, delete -----------------------------------------------------------------

def test_changing_one_file_reparses_only_it(fake_settings) -> None:
    first = index(fake_settings)
    before = snapshot(fake_settings)
    edit(fake_settings, CICA, "lost and stolen documents", "forged travel documents")
    s = index(fake_settings)
    assert s.indexed == [CICA] and s.unchanged == [f for f in FILES if f != CICA]
    assert s.generation != first.generation and current_generation(fake_settings) == s.generation
    _, _, n_pas = expected_counts(Path(fake_settings.corpus_dir))
    assert vector_count(fake_settings) == n_pas
    cica = plan_id_for(CICA)
    store = open_records(fake_settings)
    cica_passages = sum(len(passages_for(x.id, cica, CICA, store.embed_text(x.id)))
                        for x in store.sections(plan_id=cica))
    assert s.passages_embedded == cica_passages  # only the changed file was embedded
    # its sections and actions are replaced ...
    assert store.actions(plan=cica)[9].title == ("Modalities for timely sharing of information "
                                                 "through the Interpol database on forged travel "
                                                 "documents")
    texts = [x.text for x in store.sections(plan_id=cica)]
    assert any("forged travel documents" in t for t in texts)
    assert not any("lost and stolen" in t for t in texts)
    assert not [sid for sid, _ in store.search("stolen", k=50) if sid.startswith(cica)]
    vs = open_vectors(fake_settings, FakeEmbedder())
    docs, _ = stored_passages(fake_settings, CICA, vectors=vs)
    assert any("forged travel documents" in p.text for p in docs)
    assert not any("lost and stolen" in p.text for p in docs)
    # ... and every other plan is carried over untouched
    after = snapshot(fake_settings)
    assert {k: v for k, v in after["sections"].items() if not k.startswith(cica)} == {
        k: v for k, v in before["sections"].items() if not k.startswith(cica)}
    assert after["actions"] == before["actions"]
    # the previous generation is kept one step, then cleaned away
    assert gens(fake_settings) == {first.generation, s.generation}
    edit(fake_settings, CICA, "forged travel documents", "lost and stolen documents")
    third = index(fake_settings)
    assert gens(fake_settings) == {s.generation, third.generation}


def test_deleting_a_file_removes_its_records(fake_settings) -> None:
    index(fake_settings)
    (Path(fake_settings.corpus_dir) / ECO).unlink()
    s = index(fake_settings)
    eco = plan_id_for(ECO)
    assert s.removed == [ECO] and s.plans == 4 and s.indexed == []
    store = open_records(fake_settings)
    assert eco not in [p.id for p in store.plans()] and ECO not in store.files()
    assert store.sections(plan_id=eco) == [] and store.actions(plan=eco) == []
    assert store.search("Interpol I 24/7 System", plan_ids=[eco]) == []
    vs = open_vectors(fake_settings, FakeEmbedder())
    assert vs.query("terrorism", plan_ids=[eco]) == []
    assert vs.stored(ECO) == ([], [])
    _, _, n_pas = expected_counts(Path(fake_settings.corpus_dir))
    assert vs.count() == n_pas


# --- files that cannot be used -----------------------------------------------------------------

def _add_bad_files(corpus: Path) -> None:
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "blank.md").write_bytes(b"  \n\t\n")
    (corpus / "scan.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00" + bytes(range(256)))
    shutil.copy(corpus / CICA, corpus / "copy-of-cica.txt")
    (corpus / "notes.pdf").write_bytes(b"%PDF-1.4 not a plan file")  # a PDF that cannot be read


LATIN = ("PLAN OF ACTION ON CAF\xc9 CRIME\n\n(2019 - 2020)\n\nIntroduction\n\n"
         "The d\xe9l\xe9gations agree on the following measures for the caf\xe9 sector, "
         "which is the subject of this short plan.\n\nI. Coop\xe9ration\n\n"
         "1. Exchange information on caf\xe9 fraud;\n - Responsible: Member States;\n"
         " - Deadline: End of 2020.\n")


def test_bad_files_are_reported_by_name_and_the_rest_indexed(fake_settings, caplog) -> None:
    corpus = Path(fake_settings.corpus_dir)
    _add_bad_files(corpus)
    (corpus / "latin.txt").write_bytes(LATIN.encode("cp1252"))
    with caplog.at_level(logging.WARNING):
        s = index(fake_settings)
    reasons = {p.file: p.reason for p in s.skipped}
    assert set(reasons) == {"empty.txt", "blank.md", "scan.txt", "copy-of-cica.txt", "notes.pdf"}
    assert "the PDF cannot be read" in reasons["notes.pdf"]
    assert "empty" in reasons["empty.txt"] and "empty" in reasons["blank.md"]
    assert "binary" in reasons["scan.txt"]
    assert reasons["copy-of-cica.txt"] == f"duplicate of {CICA} (same content)"
    # the non-UTF-8 file is decoded with a warning that names it, and indexed
    assert any("latin.txt" in r.getMessage() and "cp1252" in r.getMessage() for r in caplog.records)
    assert sorted(s.indexed) == sorted([*FILES, "latin.txt"]) and s.plans == 6
    store = open_records(fake_settings)
    latin = store.actions(plan="latin")
    assert [(a.number, a.drivers, a.timeline) for a in latin] == [
        ("I.1", ("Member States",), "End of 2020")]
    assert "café fraud" in latin[0].text
    assert store.plan("latin").title == "Plan of Action on Café Crime (2019 - 2020)"
    # a second run reports them again and changes nothing
    again = index(fake_settings)
    assert again.generation == s.generation and len(again.skipped) == 5


def test_plans_index_exit_code_says_something_was_skipped(cli, fake_settings) -> None:
    ok = cli("index", "--quiet")
    assert ok.exit_code == 0, ok.output
    assert "indexed: 5 plans" in ok.stdout and "0 skipped" in ok.stdout
    _add_bad_files(Path(fake_settings.corpus_dir))
    bad = cli("index", "--quiet")
    assert bad.exit_code == 1
    for name, why in [("empty.txt", "empty"), ("blank.md", "empty"), ("scan.txt", "binary"),
                      ("copy-of-cica.txt", "duplicate"), ("notes.pdf", "cannot be read")]:
        line = next(ln for ln in bad.stderr.splitlines() if f"skipped {name}:" in ln)
        assert why in line
    assert "5 skipped" in bad.stdout


def test_a_file_broken_later_keeps_its_last_good_version(fake_settings) -> None:
    index(fake_settings)
    before = snapshot(fake_settings)
    (Path(fake_settings.corpus_dir) / BSEC21).write_bytes(b"\x00\x01\x02 binary now")
    s = index(fake_settings)
    assert [p.file for p in s.skipped] == [BSEC21]
    assert "binary" in s.skipped[0].reason and "previously indexed version is kept" in s.skipped[0].reason
    assert snapshot(fake_settings) == before and s.plans == 5


def test_a_parser_bug_skips_that_file_only(fake_settings, monkeypatch) -> None:
    real = pipeline._index_document

    def buggy(doc, store):
        if doc.rel == ECO:
            raise ValueError("boom")
        return real(doc, store)

    monkeypatch.setattr(pipeline, "_index_document", buggy)
    s = index(fake_settings)
    assert [(p.file, p.reason) for p in s.skipped] == [(ECO, "could not be parsed (ValueError: boom)")]
    assert s.plans == 4 and ECO not in s.indexed
    # fixed code and a good index; then the parser breaks on a changed file: the old one stays
    monkeypatch.setattr(pipeline, "_index_document", real)
    index(fake_settings)
    before = snapshot(fake_settings)
    edit(fake_settings, ECO, "Interpol's I 24/7 System", "Interpol I-24/7 network")
    monkeypatch.setattr(pipeline, "_index_document", buggy)
    s = index(fake_settings)
    assert s.skipped[0].reason.endswith("(the previously indexed version is kept)")
    assert snapshot(fake_settings) == before


# --- atomic: a crash leaves the previous generation serving --------------------------------------

def _crash_on_call(monkeypatch, target: object, attr: str, exc: BaseException, nth: int = 3) -> None:
    real = getattr(target, attr)
    calls = {"n": 0}

    def wrapper(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == nth:
            raise exc
        return real(*args, **kwargs)

    monkeypatch.setattr(target, attr, wrapper)


def _touch_three(settings) -> list[str]:
    changed = FILES[:3]
    for name in changed:
        path = Path(settings.corpus_dir) / name
        path.write_text(path.read_text(encoding="utf-8") + "\n\nAddendum on zanzibar cooperation.\n",
                        encoding="utf-8")
    return changed


@pytest.mark.parametrize(("where", "exc"), [
    ("parser", KeyboardInterrupt()),  # Ctrl-C while the 3rd file is parsed
    ("vectors", RuntimeError("disk full")),  # the vector store fails on the 3rd write
])
def test_a_crash_mid_index_leaves_the_previous_index_serving(fake_settings, monkeypatch, where,
                                                             exc) -> None:
    first = index(fake_settings)
    before, count = snapshot(fake_settings), vector_count(fake_settings)
    changed = _touch_three(fake_settings)
    if where == "parser":
        _crash_on_call(monkeypatch, pipeline, "_index_document", exc)  # the 3rd file
    else:
        # the first write of new passages (unchanged ones are carried by copying the collection)
        _crash_on_call(monkeypatch, VectorStore, "add", exc, nth=1)
    with pytest.raises(type(exc)):
        index(fake_settings)
    # CURRENT still points at the first generation, which answers as before
    assert current_generation(fake_settings) == first.generation
    assert snapshot(fake_settings) == before and vector_count(fake_settings) == count
    assert open_records(fake_settings).search("zanzibar") == []
    # the next run completes and cleans up the half-built generation
    monkeypatch.undo()
    s = index(fake_settings)
    assert sorted(s.indexed) == changed and current_generation(fake_settings) == s.generation
    assert len(open_records(fake_settings).search("zanzibar", k=10)) == 3
    assert gens(fake_settings) == {first.generation, s.generation}


def test_a_crash_on_the_very_first_run_leaves_no_index(fake_settings, monkeypatch) -> None:
    # the first write of vectors (the corpus's texts go to the embedder in one call of EMBED_CHUNK)
    _crash_on_call(monkeypatch, VectorStore, "add", RuntimeError("disk full"), nth=1)
    with pytest.raises(RuntimeError):
        index(fake_settings)
    assert current_generation(fake_settings) is None
    with pytest.raises(IndexMissingError, match="run `plans index`"):
        open_records(fake_settings)
    monkeypatch.undo()
    assert index(fake_settings).plans == 5


# --- a missing or corrupt index ------------------------------------------------------------------

def test_no_index_yet(fake_settings, cli) -> None:
    with pytest.raises(IndexMissingError) as err:
        open_records(fake_settings)
    assert err.value.message == "No index found: run `plans index` first."
    out = cli("actions")
    assert out.exit_code == 3 and out.stderr.strip() == "error: No index found: run `plans index` first."


@pytest.mark.parametrize("garbage", [b"this is not a database" * 100, b""])
def test_a_corrupt_sqlite_file_asks_for_plans_index(fake_settings, cli, garbage: bytes) -> None:
    first = index(fake_settings)
    records_path(fake_settings, first.generation).write_bytes(garbage)
    with pytest.raises(IndexMissingError) as err:
        open_records(fake_settings)
    msg = err.value.message
    assert "corrupt or unreadable" in msg and msg.endswith("run `plans index`.") and "\n" not in msg
    out = cli("actions", "--plan", "eco")
    assert out.exit_code == 3
    assert len(out.stderr.strip().splitlines()) == 1 and "run `plans index`" in out.stderr
    # plans index rebuilds everything from the corpus
    s = index(fake_settings)
    assert sorted(s.indexed) == FILES and s.plans == 5
    assert len(open_records(fake_settings).actions(plan=plan_id_for(ECO))) > 40
