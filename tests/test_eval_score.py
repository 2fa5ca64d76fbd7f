"""The eval's scoring rules (../shared/README.md) on hand-made answers, sections and gold lines,
and the shape of run_eval's JSON with a stub assistant over a tiny record store."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from assistant.models import Answer, Citation
from eval.run import ITEM_KEYS, METRICS, format_table, run_eval, write_markdown
from eval.score import GoldItem, Source, citation_hit, hit_rank, load_gold, norm, score_answer, section_holds_quote
from indexer.models import Plan, Section
from indexer.store import RecordStore
from plans.errors import InputError
from plans.settings import Settings
from tests.conftest import make_settings

DOC = "wbcsci-integrative-plan-of-action-2018-2020.txt"


def item(**kw: object) -> GoldItem:
    base: dict = dict(id="q1", question="Who implements PAMECA V?", type="driver", as_of=None,
                      must_include=("Austria", "France"), source_doc=DOC,
                      source_quote="Italian Gov't with Austria and France")
    base.update(kw)
    return GoldItem(**base)


def section(text: str, file: str = DOC, sid: str = "wb:0001", start: int = 0) -> Section:
    return Section(id=sid, plan_id="wb", file=file, heading_path=("A",), text=text,
                   kind="paragraph", char_start=start, char_end=start + len(text), line_start=1,
                   line_end=1, ordinal=1)


# -- answers -------------------------------------------------------------------------------------
def test_norm_folds_case_and_whitespace() -> None:
    assert norm("  PCC\tSEE \n Secretariat ") == "pcc see secretariat"


def test_correct_answer() -> None:
    s = score_answer(item(any_of=(("Italian", "Italy"),)),
                     "It is run by the **Italian** government with  AUSTRIA and\nfrance [1].", False)
    assert s.correct and s.missing == [] and s.forbidden == [] and not s.too_long


def test_missing_fact() -> None:
    s = score_answer(item(), "Italy and Austria implement it [1].", False)
    assert not s.correct and s.missing == ["France"]


def test_any_of_group_unmet() -> None:
    s = score_answer(item(any_of=(("Italian", "Italy"),)), "Austria and France [1].", False)
    assert not s.correct and s.missing == ["one of: Italian | Italy"]


def test_wrong_extra_fact() -> None:
    s = score_answer(item(must_not_include=("GIZ",)), "Austria, France and giz [1].", False)
    assert not s.correct and s.forbidden == ["GIZ"] and s.missing == []


def test_right_refusal() -> None:
    gold = item(type="unanswerable", must_include=(), expect_refusal=True,
                must_not_include=("Russian Federation",))
    assert score_answer(gold, "The plans do not say which country it is.", True).correct
    assert not score_answer(gold, "The plans do not name it.", False).correct
    assert not score_answer(gold, "Not said (2021: the Russian Federation).", True).correct


def test_false_refusal() -> None:
    s = score_answer(item(), "The plans do not say (they mention Austria and France).", True)
    assert not s.correct and s.missing == []


def test_over_long_answer() -> None:
    text = "Austria and France [1]. " + "x" * 2000
    s = score_answer(item(), text, False)
    assert s.too_long and not s.correct and s.missing == []
    assert score_answer(item(), ("Austria and France. " * 100)[:2000], False).correct


# -- quotes in sections ------------------------------------------------------------------------
QUOTE = ("The Police Cooperation Convention for Southeast Europe (PCC SEE) Secretariat was "
         "appointed by the ministers as the Lead Partner of the WBCSci (Pillar II).")


def test_quote_inside_a_section() -> None:
    assert section_holds_quote("Intro. " + QUOTE.upper().replace(" ", "\n  ") + " More.", QUOTE)
    assert not section_holds_quote("Something else entirely.", QUOTE)


def test_quote_cut_by_a_section_boundary() -> None:
    first_part, second_part = QUOTE[:70], QUOTE[70:]
    assert len(second_part) >= 60
    assert section_holds_quote("Earlier words. " + first_part, QUOTE)  # holds the first 60
    assert section_holds_quote(second_part + " Next paragraph.", QUOTE)  # holds the last 60
    assert not section_holds_quote(QUOTE[20:75], QUOTE)  # neither end
    assert not section_holds_quote("Secretariat was", "PCC SEE Secretariat was appointed")


def test_quote_matched_in_raw_text_with_markup_and_tabs() -> None:
    raw = ("1. Monitoring of the *Regional BSEC Action Plan in the Black Sea Region Responsible:* "
           "Member States and Country Coordinator of the Working Group; *Deadline:* Permanent.")
    quote = ("Black Sea Region Responsible:* Member States and Country Coordinator of the Working "
             "Group; *Deadline:* Permanent.")
    clean = section(raw.replace("*", ""))
    assert not section_holds_quote(clean.text, quote)
    assert section_holds_quote(raw, quote)
    gold = item(source_doc="bsec.txt", source_quote=quote)
    assert hit_rank(gold, [(section(clean.text, file="bsec.txt"), raw)], k=5) == 1
    tab_quote = ("CoE (iPROCEEDS, Cybercrime Programme Office)\tOngoing 15.12.2015-14.6.2019-"
                 "\tIPA II 2014")
    row = f"3.2 Improved reporting\t<ul> - Analysis </ul>\t{tab_quote}\t"
    assert hit_rank(item(source_quote=tab_quote), [(section("unrelated"), row)], k=5) == 1


def test_hit_rank_file_k_and_additional_sources() -> None:
    other = Source("bsec.txt", "will be held at least once a year (online format is possible).")
    gold = item(source_quote=QUOTE, additional_sources=(other,))
    wrong_file = (section(QUOTE, file="eco.txt", sid="e:1"), QUOTE)
    noise = (section("Nothing relevant here.", sid="w:2"), "Nothing relevant here.")
    extra = (section("Meetings will be held at least once a year (online format is possible).",
                     file="bsec.txt", sid="b:3"), "")
    main = (section(QUOTE, sid="w:4"), QUOTE)
    assert hit_rank(gold, [wrong_file, noise, extra, main], k=5) == 3
    assert hit_rank(gold, [wrong_file, noise, main, extra], k=5) == 3
    assert hit_rank(gold, [wrong_file, noise, extra], k=2) is None
    assert hit_rank(item(source_quote=QUOTE), [wrong_file, noise, extra], k=5) is None
    assert citation_hit(gold, [noise, extra]) and not citation_hit(gold, [wrong_file, noise])


# -- gold files ----------------------------------------------------------------------------------
def _line(**kw: object) -> str:
    data = {"id": "a", "question": "Q?", "type": "driver", "as_of": None, "must_include": ["x"],
            "source_doc": DOC, "source_quote": "quote"}
    data.update(kw)
    return json.dumps({k: v for k, v in data.items() if v != "DROP"})


def test_load_gold_reads_items_and_tolerates_extra_fields(tmp_path: Path) -> None:
    path = tmp_path / "g.jsonl"
    path.write_text("\n".join([
        _line(any_of=[["a", "b"]], reviewer="someone"), "",
        _line(id="b", type="unanswerable", expect_refusal=True, must_include=[],
              source_doc="DROP", source_quote="DROP", as_of="2018-05-01",
              additional_sources=[{"source_doc": "x.txt", "source_quote": "y"}])]) + "\n")
    a, b = load_gold(path)
    assert a.any_of == (("a", "b"),) and a.line == 1 and not a.expect_refusal
    assert b.expect_refusal and b.as_of_date() == date(2018, 5, 1) and b.line == 3
    assert b.sources() == (Source("x.txt", "y"),)


@pytest.mark.parametrize(("bad", "words"), [
    ('{"id": "b", "question": ', "malformed JSON"),
    (_line(id="b", must_include="DROP"), "must_include"),
    (_line(id="b", source_quote="DROP"), "source_quote"),
    (_line(id="b", as_of="May 2018"), "as_of"),
    (_line(id="a"), "duplicate"),
])
def test_load_gold_names_the_bad_line(tmp_path: Path, bad: str, words: str) -> None:
    path = tmp_path / "g.jsonl"
    path.write_text(_line() + "\n" + bad + "\n")
    with pytest.raises(InputError) as err:
        load_gold(path)
    assert "line 2" in err.value.message and words in err.value.message


# -- run_eval with a stub assistant -------------------------------------------------------------
TEXT = ("# Plan\n\nThe *PCC SEE* Secretariat was appointed by the ministers\tas the Lead Partner.\n\n"
        "Nothing about budgets.\n")


class StubAssistant:
    def __init__(self, records: RecordStore) -> None:
        self.records = records

    def ask(self, question: str, *, as_of: date | None = None, **_: object) -> Answer:
        cite = Citation(1, "Plan", "Plan", "The PCC SEE Secretariat...", "p.txt", 3, 3, "p:0002")
        if "budget" in question:
            return Answer("The plans do not say.", (), True, "refusal", as_of or date.today(),
                          ("p:0003",))
        return Answer("The PCC SEE Secretariat, appointed by the ministers [1].", (cite,), False,
                      "driver", as_of or date.today(), ("p:0003", "p:0002", "nope"))


def _store(tmp_path: Path) -> RecordStore:
    plan = Plan("p", "Plan", "Org", "2018", "p.txt", "0" * 64)
    spans = [(0, 6), (8, TEXT.index("\n\nNothing")), (TEXT.index("Nothing"), len(TEXT) - 1)]
    sections = [Section(f"p:{n:04d}", "p", "p.txt", ("Plan",),
                        TEXT[a:b].replace("*", "").replace("\t", " "), "paragraph", a, b,
                        1, 1, n) for n, (a, b) in enumerate(spans, start=1)]
    store = RecordStore(tmp_path / "r.sqlite", create=True)
    store.add_file(plan, sections, [])
    return store


def test_run_eval_json_shape(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "p.txt").write_text(TEXT)
    gold = tmp_path / "gold.jsonl"
    gold.write_text(_line(id="d1", question="Who leads?", must_include=["PCC SEE", "ministers"],
                          source_doc="p.txt",
                          source_quote="The *PCC SEE* Secretariat was appointed by the ministers\tas")
                    + "\n" + _line(id="u1", question="What budget?", type="unanswerable",
                                   must_include=[], expect_refusal=True, as_of="2018-01-01",
                                   source_doc="p.txt", source_quote="Nothing about budgets.") + "\n")
    settings = make_settings(corpus, tmp_path / "data")
    result = run_eval(settings, gold, k=5, progress=False, assistant=StubAssistant(_store(tmp_path)))
    top = set(METRICS) | {"by_type", "items", "k", "gold", "date", "part"}
    assert set(result) == top
    assert set(result["latency_ms"]) == {"p50", "p95"}
    assert set(result["by_type"]) == {"driver", "unanswerable"}
    assert all(set(m) == set(METRICS) for m in result["by_type"].values())
    assert all(set(i) == set(ITEM_KEYS) for i in result["items"])
    assert result["n"] == 2 and result["answer_accuracy"] == 1.0
    assert result["refusal_accuracy"] == 1.0 and result["false_refusals"] == 0
    assert result["hit_at_k"] == 1.0 and result["mrr"] == 0.5 and result["citation_hit"] == 1.0
    assert result["by_type"]["unanswerable"]["hit_at_k"] is None
    assert result["items"][0]["hit_rank"] == 2 and result["items"][0]["citations"][0]["n"] == 1
    json.dumps(result)
    assert "overall" in format_table(result)
    write_markdown(result, tmp_path / "r.md")
    assert "Who leads?" in (tmp_path / "r.md").read_text()


def _tiny_run(tmp_path: Path) -> tuple[Settings, Path, StubAssistant]:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "p.txt").write_text(TEXT)
    gold = tmp_path / "gold.jsonl"
    gold.write_text(_line(id="d1", question="Who leads?", must_include=["PCC SEE"],
                          source_doc="p.txt", source_quote="Secretariat was appointed") + "\n")
    return make_settings(corpus, tmp_path / "data"), gold, StubAssistant(_store(tmp_path))


def test_run_eval_with_baseline(tmp_path: Path) -> None:
    from indexer.embed import FakeEmbedder

    settings, gold, stub = _tiny_run(tmp_path)
    result = run_eval(settings, gold, k=3, progress=False, baseline=True, assistant=stub,
                      embedder=FakeEmbedder())
    base = result["baseline"]
    assert set(base) == set(METRICS) | {"by_type"} and base["n"] == 1
    assert base["hit_at_k"] == 1.0 and base["false_refusals"] == 0
    assert " / " in format_table(result)


def test_eval_command_exit_codes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import typer
    from typer.testing import CliRunner

    import eval.run
    from eval.cli import eval_command
    from plans.errors import IndexMissingError

    settings, gold, stub = _tiny_run(tmp_path)
    real = eval.run.run_eval
    monkeypatch.setattr(eval.run, "run_eval",
                        lambda s, g, **kw: real(settings, g, **{**kw, "assistant": stub}))
    app = typer.Typer()
    app.command("eval")(eval_command)
    app.command("other")(lambda: None)
    runner = CliRunner()
    out = tmp_path / "r.json"
    ok = runner.invoke(app, ["eval", str(gold), "--json", str(out), "--min-accuracy", "0.5"])
    assert ok.exit_code == 0, ok.output
    assert "overall" in ok.output and json.loads(out.read_text())["n"] == 1
    low = runner.invoke(app, ["eval", str(gold), "--min-accuracy", "1.01"])
    assert low.exit_code == 1 and "below" in low.output

    def boom(*_: object, **__: object) -> dict:
        raise IndexMissingError("No index found: run `plans index` first.")

    monkeypatch.setattr(eval.run, "run_eval", boom)
    bad = runner.invoke(app, ["eval", str(gold)])
    assert bad.exit_code == 3 and "plans index" in bad.output


class ConversationStub(StubAssistant):
    """Records each question with the conversation it was asked in."""

    def __init__(self, records: RecordStore) -> None:
        super().__init__(records)
        self.asked: list[tuple[str, str | None]] = []

    def ask(self, question: str, *, as_of: date | None = None, conversation_id: str | None = None,
            **_: object) -> Answer:
        self.asked.append((question, conversation_id))
        answer = super().ask(question, as_of=as_of)
        return Answer(answer.answer, answer.citations, answer.refused, answer.route, answer.as_of,
                      answer.retrieved, conversation_id or "c-1")


def test_history_is_asked_first_in_one_conversation_and_only_the_last_answer_scored(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "p.txt").write_text(TEXT)
    gold = tmp_path / "gold.jsonl"
    gold.write_text(_line(id="f1", question="and who leads it?", must_include=["PCC SEE"], source_doc="p.txt",
                          source_quote="The *PCC SEE* Secretariat was appointed by the ministers\tas",
                          history=["what budget is there?", "what about the secretariat?"]) + "\n")
    stub = ConversationStub(_store(tmp_path))
    settings = make_settings(corpus, tmp_path / "data")
    result = run_eval(settings, gold, k=5, progress=False, assistant=stub)
    assert stub.asked == [("what budget is there?", None), ("what about the secretariat?", "c-1"),
                          ("and who leads it?", "c-1")]
    # the first history answer is a refusal; only the last answer counts
    assert result["items"][0]["correct"] and not result["items"][0]["refused"]


def test_a_bad_history_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "g.jsonl"
    path.write_text(_line(history="not a list") + "\n")
    with pytest.raises(InputError, match="history"):
        load_gold(path)


def test_the_split_is_fixed_and_holds_out_about_two_fifths() -> None:
    from eval.score import part_of

    ids = [f"q-{n}" for n in range(2000)]
    parts = [part_of(i) for i in ids]
    assert parts == [part_of(i) for i in ids]  # the same every run
    assert 0.35 < parts.count("holdout") / len(ids) < 0.45
    with pytest.raises(InputError, match="tune"):
        from eval.run import _select

        _select([], None, part="train")
