"""The quality gate: the grounded composer on both shared gold files (dev.jsonl, tuned on by earlier
work; dev2.jsonl, realistic phrasing, split into a tune and a holdout part) must stay above floors
set a little under the measured values (see README, "Results"). A check of quality, not of speed."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from tests.conftest import GOLD

GOLD2 = GOLD.with_name("dev2.jsonl")
# measured 2026-12-01, fifth session (README): dev 92%, dev2 86%, the 187 items together 88%
OVERALL_FLOOR = 0.85
DEV_FLOOR = 0.87
DEV2_FLOOR = 0.82
REFUSED_FLOOR = 0.84  # share of the 19 unanswerable items refused (measured 0.95)


def _run(real_index, assistant, gold):
    from eval.run import run_eval

    return run_eval(real_index, gold, assistant=assistant, progress=False)["items"]


def _share(items) -> float:
    return sum(i["correct"] for i in items) / len(items)


def test_gold_accuracy_stays_above_the_floors(real_index, assistant):
    dev, dev2 = _run(real_index, assistant, GOLD), _run(real_index, assistant, GOLD2)
    failures = [(i["id"], i["missing"]) for i in dev + dev2 if not i["correct"]]
    assert _share(dev) >= DEV_FLOOR, failures
    assert _share(dev2) >= DEV2_FLOOR, failures
    assert _share(dev + dev2) >= OVERALL_FLOOR, failures
    unanswerable = [i for i in dev + dev2 if i["type"] == "unanswerable"]
    assert sum(i["refused"] for i in unanswerable) / len(unanswerable) >= REFUSED_FLOOR, failures
    # every answer that is not a refusal carries at least one citation, and none is over 2,000 characters
    assert all(i["citations"] for i in dev + dev2 if not i["refused"])
    assert all(len(i["answer"]) <= 2000 for i in dev + dev2)


def test_plans_eval_runs_on_any_gold_file(real_index, tmp_path, monkeypatch):
    """`plans eval --gold FILE --json out.json` on questions it has never seen exits 0."""
    from bots.cli import app
    from plans import settings as settings_mod

    gold = tmp_path / "unseen.jsonl"
    rows = [
        {"id": "u1", "question": "Which body monitors the BSEC trafficking action plan?", "type": "driver",
         "as_of": None, "must_include": ["Member States"], "source_doc": "bsec-plan-of-action-2011-2013.txt",
         "source_quote": "Member States and Country Coordinator of the Working Group"},
        {"id": "u2", "question": "Who won the 2018 football world cup?", "type": "unanswerable",
         "as_of": None, "must_include": [], "expect_refusal": True},
        {"id": "u3", "question": "and who is responsible for it?", "type": "driver", "as_of": None,
         "history": ["What does the 2011-2013 BSEC plan say about the annual review of crime trends?"],
         "must_include": ["Country Coordinator"], "source_doc": "bsec-plan-of-action-2011-2013.txt",
         "source_quote": "Elaboration of the Annual Review of the trends of transnational crime"},
    ]
    gold.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    out = tmp_path / "out.json"
    monkeypatch.setenv("PLANS_CORPUS_DIR", str(real_index.corpus_dir))
    monkeypatch.setenv("PLANS_DATA_DIR", str(real_index.data_dir))
    settings_mod.get_settings.cache_clear()
    try:
        res = CliRunner().invoke(app, ["eval", str(gold), "--json", str(out)])
    finally:
        settings_mod.get_settings.cache_clear()
    assert res.exit_code == 0, res.output
    data = json.loads(out.read_text())
    for key in ("n", "answer_accuracy", "refusal_accuracy", "false_refusals", "hit_at_k", "mrr",
                "citation_hit", "latency_ms", "by_type", "items"):
        assert key in data
    assert data["n"] == 3
    assert set(data["latency_ms"]) == {"p50", "p95"}
    follow = next(i for i in data["items"] if i["id"] == "u3")
    assert follow["correct"], follow  # the history was asked first, in the same conversation
