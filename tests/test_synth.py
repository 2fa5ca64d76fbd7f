"""The synthetic corpus of ``bench/synth.py`` read by the real parser: deterministic by seed, as many
sections as it promises, actions with drivers, dates and funding where the real shape has them,
``mutate`` touching only what it says, and questions the assistant answers (fake embedder)."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest

from bench.synth import REAL_SECTIONS, SHAPES, generate, manifest_path, mutate, questions
from indexer.actions import prose_actions
from indexer.embed import FakeEmbedder
from indexer.load import load_corpus
from indexer.parse import parse_document
from indexer.pipeline import plan_id_for, run_index
from indexer.tables import row_actions
from tests.conftest import make_settings

KINDS = {"by_number", "driver_list", "funding_list", "deadline", "topic", "cross_plan", "refusal"}


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def parse_all(folder: Path) -> dict[str, tuple[int, list]]:
    """file -> (sections, actions), the way ``indexer.pipeline._index_document`` reads it."""
    docs, problems = load_corpus(folder)
    assert not problems
    out = {}
    for d in docs:
        pid = plan_id_for(d.rel)
        parsed = parse_document(d.text, plan_id=pid, file=d.rel, sha256=d.sha256)
        actions = prose_actions(parsed.plan, parsed.sections)
        if parsed.table_rows:
            actions += row_actions(list(parsed.table_rows), plan_id=pid, file=d.rel,
                                   section_ids=parsed.row_sections)
        out[d.rel] = (len(parsed.sections), actions)
    return out


def test_same_seed_same_bytes_other_seed_other_files(tmp_path) -> None:
    a = generate(tmp_path / "a", 1, seed=0)
    generate(tmp_path / "b", 1, seed=0)
    generate(tmp_path / "c", 1, seed=1)
    assert digests(tmp_path / "a") == digests(tmp_path / "b")
    assert set(digests(tmp_path / "a").values()).isdisjoint(digests(tmp_path / "c").values())
    assert manifest_path(tmp_path / "a").is_file() and not list((tmp_path / "a").glob("*.json"))
    assert len(a["files"]) == len(list((tmp_path / "a").glob("*.txt")))
    again = generate(tmp_path / "a", 2, seed=0)  # a second run replaces the first run's files
    assert len(list((tmp_path / "a").glob("*.txt"))) == len(again["files"]) > len(a["files"])


def test_refuses_a_folder_with_other_files(tmp_path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(ValueError):
        generate(tmp_path, 1)


@pytest.mark.parametrize("scale", [1, 3])
def test_the_parser_finds_the_promised_sections_and_actions(tmp_path, scale) -> None:
    m = generate(tmp_path / "corpus", scale, seed=scale)
    parsed = parse_all(tmp_path / "corpus")
    shape_of = {f["file"]: f for f in m["files"]}
    sections: dict[str, int] = defaultdict(int)
    actions: dict[str, list] = defaultdict(list)
    for file, (n, acts) in parsed.items():
        sections[shape_of[file]["shape"]] += n
        actions[shape_of[file]["shape"]] += acts
    total = sum(sections.values())
    target = round(scale * REAL_SECTIONS)
    assert abs(total - target) <= 0.1 * target, (total, target)
    assert abs(total - m["estimated_sections"]) <= 0.02 * total
    n_actions = sum(len(a) for a in actions.values())
    assert 0.4 * total <= n_actions <= 0.8 * total  # the real corpus: 169 actions in 307 sections
    assert abs(n_actions - m["estimated_actions"]) <= 0.05 * n_actions
    # most sections come from the table shape, as in the real corpus; every shape is there
    assert sections["table"] > total / 2 and all(sections[s] > 0 for s in SHAPES), dict(sections)
    for shape in ("table", "directions", "headed"):  # actions with drivers, dates and funding
        acts = actions[shape]
        assert len(acts) >= 5, shape
        assert sum(bool(a.drivers) for a in acts) >= 0.7 * len(acts), shape
        assert sum(bool(a.start or a.end or a.recurrence) for a in acts) >= 0.4 * len(acts), shape
        assert sum(a.funding_status != "unknown" for a in acts) >= 0.3 * len(acts), shape
        assert {a.funding_status for a in actions["table"]} >= {"available", "seeking", "negotiating"}
    assert any(a.drivers for a in actions["measures"]) and actions["brief"]
    # each plan is named by its own fictional organisation, dated inside its own period
    for f in m["files"]:
        acts = parsed[f["file"]][1]
        assert f["org"] in f["file"].upper() or f["org"].lower() in f["file"]
        if f["period"]:
            ends = [a.end.isoformat() for a in acts if a.end]
            assert all(f["period"][0] <= e <= f["period"][1] for e in ends), f["file"]


def test_mutate_changes_only_the_files_it_names(tmp_path) -> None:
    corpus = tmp_path / "corpus"
    generate(corpus, 3, seed=2)
    n = len(list(corpus.glob("*.txt")))
    before = digests(corpus)
    changed = mutate(corpus, fraction=0.01, seed=1)
    assert len(changed) == 1
    after = digests(corpus)
    assert {f for f in before if before[f] != after[f]} == set(changed)
    changed = mutate(corpus, fraction=0.3, seed=2)
    assert len(changed) == round(0.3 * n)
    assert {f for f in after if after[f] != digests(corpus)[f]} == set(changed)
    assert len(parse_all(corpus)) == n  # still plans the parser reads


def test_questions_are_answered_from_a_synthetic_index(tmp_path) -> None:
    from assistant.service import Assistant

    m = generate(tmp_path / "corpus", 1, seed=0)
    qs = questions(m, per_route=3, seed=0)
    assert questions(m, per_route=3, seed=0) == qs
    assert {q["kind"] for q in qs} == KINDS
    for q in qs:
        assert set(q) >= {"question", "as_of", "kind"} and q["question"].strip()
        assert q["as_of"] is None or date.fromisoformat(q["as_of"])
    periods = [f["period"] for f in m["files"] if f["period"]]
    for q in (q for q in qs if q["kind"] == "deadline"):
        assert any(p[0] <= q["as_of"] <= p[1] for p in periods)

    settings = make_settings(tmp_path / "corpus", tmp_path / "data")
    summary = run_index(settings, embedder=FakeEmbedder(), progress=False)
    assert summary.plans == len(m["files"]) and not summary.skipped
    bot = Assistant(settings, embedder=FakeEmbedder())

    def ask(q: dict):
        return bot.ask(q["question"], as_of=date.fromisoformat(q["as_of"]) if q["as_of"] else None)

    for q in qs:
        if q["kind"] == "by_number":  # the answer names that action's driver
            answer = ask(q)
            assert not answer.refused and q["expect"][0].lower() in answer.answer.lower(), (q, answer.answer)
        elif q["kind"] == "funding_list":  # a list of actions, not a refusal
            answer = ask(q)
            assert not answer.refused and answer.meta.get("count", 0) >= 1, (q, answer.answer)
            assert "seeking" in answer.answer.lower()
        elif q["kind"] == "refusal":
            assert ask(q).refused, q
