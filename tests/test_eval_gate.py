"""The quality gate: the grounded composer on the dev gold set must stay above a floor set a
little under the measured value (see README, "Results"). A check of quality, not of speed."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from tests.conftest import GOLD

ANSWER_ACCURACY_FLOOR = 0.88  # measured 0.92 on 2026-11-23 (README)
ANSWERABLE_FLOOR = 0.85  # the assistant issue's target on answerable items
MIN_REFUSED = 6  # of the 7 unanswerable dev items


def test_dev_gold_accuracy_stays_above_the_floor(real_index, assistant):
    from eval.run import run_eval

    result = run_eval(real_index, GOLD, assistant=assistant, progress=False)
    items = result["items"]
    answerable = [i for i in items if i["type"] != "unanswerable"]
    refused_right = sum(1 for i in items if i["type"] == "unanswerable" and i["correct"])
    failures = [(i["id"], i["missing"]) for i in items if not i["correct"]]
    assert result["answer_accuracy"] >= ANSWER_ACCURACY_FLOOR, failures
    assert sum(i["correct"] for i in answerable) / len(answerable) >= ANSWERABLE_FLOOR, failures
    assert refused_right >= MIN_REFUSED, failures
    # every answer that is not a refusal carries at least one citation
    assert all(i["citations"] for i in items if not i["refused"])


def test_plans_eval_runs_on_any_gold_file(real_index, tmp_path, monkeypatch):
    """`plans eval --gold FILE --json out.json` on questions it has never seen exits 0."""
    from plans import settings as settings_mod
    from plans.cli import app

    gold = tmp_path / "unseen.jsonl"
    rows = [
        {"id": "u1", "question": "Which body monitors the BSEC trafficking action plan?", "type": "driver",
         "as_of": None, "must_include": ["Member States"], "source_doc": "bsec-plan-of-action-2011-2013.txt",
         "source_quote": "Member States and Country Coordinator of the Working Group"},
        {"id": "u2", "question": "Who won the 2018 football world cup?", "type": "unanswerable",
         "as_of": None, "must_include": [], "expect_refusal": True},
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
    assert data["n"] == 2
    assert set(data["latency_ms"]) == {"p50", "p95"}
    assert {"id", "type", "correct", "missing", "answer", "citations", "refused", "hit_rank",
            "latency_ms"} <= set(data["items"][0])
    assert data["items"][1]["refused"] is True
