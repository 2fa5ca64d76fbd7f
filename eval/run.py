"""Ask every gold question through the assistant, score it, and report (JSON, table, Markdown).

Example::

    result = run_eval(get_settings(), Path("eval/gold/dev.jsonl"), k=5, baseline=True)
    print(format_table(result))
    write_markdown(result, Path("eval-report.md"))
"""

from __future__ import annotations

import logging
import math
import sys
import time
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

from eval.score import GoldItem, Ranked, citation_hit, hit_rank, load_gold, part_of, score_answer
from indexer.models import Section
from plans.errors import InputError, NotFoundError, PlansError
from plans.settings import Settings

log = logging.getLogger(__name__)
METRICS = ("n", "answer_accuracy", "refusal_accuracy", "false_refusals", "hit_at_k", "mrr",
           "citation_hit", "latency_ms")


class RawTexts:
    """Corpus file texts, read once, decoded as the indexer decodes them (offsets agree)."""

    def __init__(self, corpus_dir: Path) -> None:
        self.corpus_dir = Path(corpus_dir)
        self._texts: dict[str, str] = {}

    def file(self, rel: str) -> str:
        if rel not in self._texts:
            from indexer.load import read_document

            try:
                self._texts[rel] = read_document(self.corpus_dir / rel, self.corpus_dir).text
            except PlansError as exc:
                log.warning("cannot read %s for scoring: %s", rel, exc.message)
                self._texts[rel] = ""
        return self._texts[rel]

    def span(self, section: Section) -> str:
        return self.file(section.file)[section.char_start:section.char_end]


def _resolve(records: Any, ids: Any, texts: RawTexts) -> Ranked:
    """Section ids (duplicates dropped, unknown ids skipped) to (section, raw text) pairs."""
    out: Ranked = []
    for sid in dict.fromkeys(ids):
        try:
            section = records.section(sid)
        except NotFoundError:
            log.warning("the assistant returned an unknown section id %r", sid)
            continue
        out.append((section, texts.span(section)))
    return out


def _percentile(values: list[float], q: float) -> float | None:
    """Linear-interpolated percentile (as numpy's default); None for no values."""
    if not values:
        return None
    xs = sorted(values)
    pos = (len(xs) - 1) * q
    lo, hi = math.floor(pos), math.ceil(pos)
    return round(xs[lo] + (xs[hi] - xs[lo]) * (pos - lo), 1)


def _ratio(num: float, den: int) -> float | None:
    return round(num / den, 4) if den else None


def metrics(rows: list[dict]) -> dict:
    """Aggregate per-item rows (correct, refused, expect_refusal, hit_rank, cited, latency_ms)."""
    answerable = [r for r in rows if not r["expect_refusal"]]
    refusals = [r for r in rows if r["expect_refusal"]]
    lat = [r["latency_ms"] for r in rows]
    return {
        "n": len(rows),
        "answer_accuracy": _ratio(sum(r["correct"] for r in rows), len(rows)),
        "refusal_accuracy": _ratio(sum(r["refused"] for r in refusals), len(refusals)),
        "false_refusals": sum(1 for r in answerable if r["refused"]),
        "hit_at_k": _ratio(sum(r["hit_rank"] is not None for r in answerable), len(answerable)),
        "mrr": _ratio(sum(1 / r["hit_rank"] for r in answerable if r["hit_rank"]), len(answerable)),
        "citation_hit": _ratio(sum(r["cited"] for r in answerable), len(answerable)),
        "latency_ms": {"p50": _percentile(lat, 0.5), "p95": _percentile(lat, 0.95)},
    }


def summarise(rows: list[dict]) -> dict:
    """Top-level metrics plus the same metrics per question type."""
    by_type: dict[str, list[dict]] = {}
    for r in rows:
        by_type.setdefault(r["type"], []).append(r)
    return {**metrics(rows), "by_type": {t: metrics(rs) for t, rs in by_type.items()}}


def _reasons(item: GoldItem, score: Any, refused: bool) -> list[str]:
    """What made an answer wrong: unmet facts first, then the other failures in words."""
    out = list(score.missing) + [f"must not include: {s}" for s in score.forbidden]
    if score.too_long:
        out.append("answer over 2,000 characters")
    if item.expect_refusal and not refused:
        out.append("should have said the plans do not answer this")
    if not item.expect_refusal and refused:
        out.append("refused an answerable question")
    return out


def _ask(assistant: Any, item: GoldItem) -> tuple[Any, float, str]:
    """The answer (None when the question failed), the latency in ms and why it failed."""
    answer, error = None, ""
    t0 = time.perf_counter()
    try:
        # a follow-up is scored in its conversation: the earlier questions are asked first
        conversation = None
        for earlier in item.history:
            conversation = assistant.ask(earlier, as_of=item.as_of_date() or None,
                                         conversation_id=conversation).conversation_id
        t0 = time.perf_counter()  # the latency is the scored question's
        answer = assistant.ask(item.question, as_of=item.as_of_date() or None, conversation_id=conversation)
    except (InputError, NotFoundError) as exc:  # a rejected question is a wrong answer
        error = f"the question was rejected: {exc.message}"
    except PlansError:  # no index, store down...: the whole run is meaningless
        raise
    except Exception as exc:  # a bug on one question must not lose the others
        log.exception("%s: the assistant failed", item.id)
        error = f"the assistant failed: {type(exc).__name__}: {exc}"
    return answer, round((time.perf_counter() - t0) * 1000, 1), error


def _select(items: list[GoldItem], only_type: str | None, part: str | None = None) -> list[GoldItem]:
    if part:
        if part not in ("tune", "holdout"):
            raise InputError(f"The part must be 'tune' or 'holdout', not {part!r}.")
        items = [i for i in items if part_of(i.id) == part]
    if not only_type:
        return items
    chosen = [i for i in items if i.type == only_type]
    if not chosen:
        types = ", ".join(sorted({i.type for i in items}))
        raise InputError(f"No gold question has type {only_type!r} (types: {types}).")
    return chosen


def run_eval(settings: Settings, gold_path: Path | str, *, k: int = 5, only_type: str | None = None,
             baseline: bool = False, progress: bool = True, assistant: Any = None,
             embedder: Any = None, part: str | None = None) -> dict:
    """Ask, time and score every gold item; ``assistant`` (anything with ``.ask`` and
    ``.records``) and ``embedder`` (for the baseline) default to the real ones."""
    from tqdm import tqdm

    if k < 1:
        raise InputError("k must be at least 1.")
    items = _select(load_gold(gold_path), only_type, part)
    texts = RawTexts(Path(settings.corpus_dir))
    if assistant is None:
        from assistant.service import Assistant

        assistant = Assistant(settings, embedder=embedder) if embedder else Assistant(settings)
    if baseline and embedder is None:  # share the assistant's model: it loads once
        from indexer.embed import make_embedder

        embedder = getattr(assistant, "embedder", None) or make_embedder(settings)
    base = None
    if baseline:
        from eval.baseline import Baseline

        base = Baseline(settings, embedder, k=k)
    rows, base_rows = [], []
    try:
        for item in tqdm(items, desc="eval", unit="q", file=sys.stderr, disable=not progress):
            rows.append(_score_ours(item, assistant, texts, k))
            if base is not None:
                base_rows.append(_score_baseline(item, base, k))
    finally:
        if base is not None:
            base.close()
    result: dict = {**summarise(rows), "k": k, "gold": str(gold_path), "part": part or "all",
                    "date": date.today().isoformat(),
                    "items": [{key: r[key] for key in ITEM_KEYS} for r in rows]}
    if base is not None:
        result["baseline"] = summarise(base_rows)
    return result


ITEM_KEYS = ("id", "type", "correct", "missing", "answer", "citations", "refused", "hit_rank",
             "latency_ms")


def _score_ours(item: GoldItem, assistant: Any, texts: RawTexts, k: int) -> dict:
    answer, latency, error = _ask(assistant, item)
    text = answer.answer if answer else ""
    refused = bool(answer.refused) if answer else False
    citations = list(answer.citations) if answer else []
    ranked = _resolve(assistant.records, answer.retrieved if answer else (), texts)
    cited = _resolve(assistant.records, [c.section_id for c in citations], texts)
    score = score_answer(item, text, refused)
    return {"id": item.id, "type": item.type, "correct": score.correct,
            "missing": _reasons(item, score, refused) if answer else [error],
            "answer": text, "citations": [asdict(c) for c in citations], "refused": refused,
            "hit_rank": hit_rank(item, ranked, k), "latency_ms": latency,
            "expect_refusal": item.expect_refusal, "cited": citation_hit(item, cited)}


def _score_baseline(item: GoldItem, base: Any, k: int) -> dict:
    t0 = time.perf_counter()
    chunks = base.search(item.question)
    text = base.answer_text(chunks)
    latency = round((time.perf_counter() - t0) * 1000, 1)
    score = score_answer(item, text, False)
    return {"id": item.id, "type": item.type, "correct": score.correct, "refused": False,
            "hit_rank": hit_rank(item, chunks, k), "latency_ms": latency,
            "expect_refusal": item.expect_refusal, "cited": citation_hit(item, chunks)}


# -- reports -------------------------------------------------------------------------------------
def _pct(v: float | None) -> str:
    return "-" if v is None else f"{v * 100:.0f}%"


def _cells(m: dict) -> list[str]:
    lat = m["latency_ms"]
    return [str(m["n"]), _pct(m["answer_accuracy"]), _pct(m["refusal_accuracy"]),
            str(m["false_refusals"]), _pct(m["hit_at_k"]),
            "-" if m["mrr"] is None else f"{m['mrr']:.2f}", _pct(m["citation_hit"]),
            "-" if lat["p50"] is None else f"{lat['p50']:.0f}",
            "-" if lat["p95"] is None else f"{lat['p95']:.0f}"]


def _table_rows(result: dict) -> tuple[list[str], list[list[str]]]:
    k = result.get("k", 5)
    head = ["scope", "n", "answer", "refusal", "false ref", f"hit@{k}", "MRR", "cite hit",
            "p50 ms", "p95 ms"]
    base = result.get("baseline")
    scopes = [("overall", result, base)] + [
        (t, m, (base or {}).get("by_type", {}).get(t)) for t, m in sorted(result["by_type"].items())]
    rows = []
    for name, ours, theirs in scopes:
        cells = _cells(ours)
        if theirs is not None:
            cells = [a if i == 0 else f"{a} / {b}" for i, (a, b) in enumerate(zip(cells, _cells(theirs)))]
        rows.append([name, *cells])
    return head, rows


def format_table(result: dict) -> str:
    """Plain-text table, overall then per type; "ours / baseline" cells when a baseline ran."""
    head, rows = _table_rows(result)
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    line = lambda r: "  ".join(c.ljust(w) if i == 0 else c.rjust(w)  # noqa: E731
                               for i, (c, w) in enumerate(zip(r, widths)))
    out = [line(head), "  ".join("-" * w for w in widths), *map(line, rows)]
    if "baseline" in result:
        out.append("cells: ours / baseline (plain LangChain RAG: 1000-char chunks, top-k joined)")
    return "\n".join(out)


def _questions(gold: str) -> dict[str, str]:
    try:
        return {i.id: i.question for i in load_gold(gold)}
    except PlansError:
        return {}


def _md_item(item: dict, question: str | None) -> list[str]:
    verdict = "PASS" if item["correct"] else "FAIL"
    rank = item["hit_rank"] if item["hit_rank"] is not None else "miss"
    out = [f"### {item['id']} ({item['type']}): {verdict}", ""]
    if question:
        out += [f"**Question:** {question}", ""]
    out.append(f"refused: {'yes' if item['refused'] else 'no'} · retrieval rank: {rank} · "
               f"{item['latency_ms']:.0f} ms")
    if item["missing"]:
        out += ["", "**Missing / wrong:**", *[f"- {m}" for m in item["missing"]]]
    answer = item["answer"].strip() or "(empty)"
    out += ["", "**Answer:**", "", *[f"> {ln}" for ln in answer.splitlines()]]
    if item["citations"]:
        out += ["", "**Citations:**"]
        out += [f"- [{c['n']}] {c['file']}:{c['line_start']}-{c['line_end']} "
                f"({c['section_id']}): {c['quote'][:200]}" for c in item["citations"]]
    return out + [""]


def write_markdown(result: dict, path: Path | str) -> None:
    """A report to read: summary table, then the failures (what was missing), then the passes."""
    head, rows = _table_rows(result)
    md = [f"# plans eval: {result.get('gold', '')} ({result.get('date', '')})", "",
          "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    md += ["| " + " | ".join(r) + " |" for r in rows]
    if "baseline" in result:
        md += ["", "Cells read *ours / baseline* (a plain LangChain RAG whose answer is its top "
                   "chunks joined, and whose citations are those chunks)."]
    questions = _questions(result.get("gold", ""))
    fails = [i for i in result["items"] if not i["correct"]]
    passes = [i for i in result["items"] if i["correct"]]
    md += ["", f"## Failures ({len(fails)})", ""]
    for item in fails:
        md += _md_item(item, questions.get(item["id"]))
    md += [f"## Passes ({len(passes)})", ""]
    for item in passes:
        md += _md_item(item, questions.get(item["id"]))
    Path(path).write_text("\n".join(md), encoding="utf-8")
