"""Answer and retrieval quality of an index built by this tree and by an older one (issue #17: the
embedder's work changed, the answers must not get worse).

For each tree: a cold ``plans index`` of the corpus into a fresh data folder, then ``plans eval`` on
each gold file, both run from that tree. Reports answer accuracy, hit@5, MRR and citation hit per
gold file and tree, and which items' correctness or hit rank differ.

Run: ``.venv/bin/python bench/embed_quality.py --before /path/to/older/tree``.
Writes ``bench/results/embed_quality.json``. Not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import ROOT, name_values, run_measured, write_result  # noqa: E402

GOLD = ("eval/gold/dev.jsonl", "eval/gold/dev2.jsonl")
KEEP = ("n", "answer_accuracy", "refusal_accuracy", "false_refusals", "hit_at_k", "mrr", "citation_hit")


def evaluate(tree: Path, corpus: Path, work: Path, name: str, extra: dict[str, str]) -> dict:
    data = work / f"data-{name}"
    env = dict(os.environ, **extra, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", ANONYMIZED_TELEMETRY="False",
               PLANS_CORPUS_DIR=str(corpus), PLANS_DATA_DIR=str(data), PLANS_CHROMA_URL="", PLANS_LLM="",
               PYTHONPATH=str(tree))
    code, out, err, wall, _ = run_measured([sys.executable, "-m", "bots.cli", "index", "--quiet"], env=env, cwd=tree)
    if code != 0:
        raise SystemExit(f"plans index ({name}) failed:\n{err[-2000:]}")
    result: dict = {"tree": str(tree), "index": out.strip().splitlines()[-1]}
    for gold in GOLD:
        dest = work / f"eval-{name}-{Path(gold).stem}.json"
        code, out, err, wall, _ = run_measured(
            [sys.executable, "-m", "bots.cli", "eval", str(ROOT / gold), "--json", str(dest)], env=env, cwd=tree)
        if code != 0 or not dest.exists():
            raise SystemExit(f"plans eval ({name}, {gold}) failed:\n{err[-2000:]}")
        full = json.loads(dest.read_text(encoding="utf-8"))
        result[Path(gold).stem] = {k: full.get(k) for k in KEEP} | {
            "items": {i["id"]: {"correct": i.get("correct"), "hit_rank": i.get("hit_rank")} for i in full["items"]}}
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before", default=str(ROOT), help="the older code tree (default: this one)")
    ap.add_argument("--before-env", action="append", default=[], metavar="NAME=VALUE",
                    help="a setting for the before side only (e.g. PLANS_INDEX_INT8=0)")
    ap.add_argument("--after-env", action="append", default=[], metavar="NAME=VALUE",
                    help="a setting for the after side only (e.g. PLANS_INDEX_INT8=1)")
    ap.add_argument("--corpus", default=str(ROOT / "corpus"))
    ap.add_argument("--json", default=str(ROOT / "bench" / "results" / "embed_quality.json"))
    args = ap.parse_args()
    env = {side: name_values(getattr(args, f"{side}_env"), f"--{side}-env") for side in ("before", "after")}
    work = Path(tempfile.mkdtemp(prefix="plans-embed-quality-"))
    try:
        corpus = work / "corpus"
        shutil.copytree(args.corpus, corpus)
        sides = {"before": evaluate(Path(args.before).resolve(), corpus, work, "before", env["before"]),
                 "after": evaluate(ROOT, corpus, work, "after", env["after"])}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    out: dict = {"measured": time.strftime("%Y-%m-%d %H:%M"), "before_tree": args.before,
                 "before_env": args.before_env, "after_env": args.after_env}
    for gold in GOLD:
        stem = Path(gold).stem
        b, a = sides["before"][stem], sides["after"][stem]
        changed = {i: {"before": b["items"][i], "after": a["items"].get(i)} for i in b["items"]
                   if b["items"][i] != a["items"].get(i)}
        out[stem] = {"before": {k: b[k] for k in KEEP}, "after": {k: a[k] for k in KEEP}, "items_changed": changed}
        print(f"{stem}: before {json.dumps(out[stem]['before'])}\n{' ' * len(stem)}  after  "
              f"{json.dumps(out[stem]['after'])}; {len(changed)} items changed", flush=True)
    print(f"written to {write_result(args.json, out)}")


if __name__ == "__main__":
    main()
