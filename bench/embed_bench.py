"""Indexing at the speed of the embedder (issue #17): what the indexer gives the embedder, and how
fast a cold index of a synthetic corpus (``bench/synth.py``, ×10 by default) runs with the real model.

Two parts:

- **Workload** (no model, the tokenizer only): per section, how many passages and units are
  embedded, their length in word pieces, how many texts repeat, how many pass the model's
  256-piece window, and the word pieces the model computes once batches are padded, under the old
  batching (passages in calls of 64, sentence-transformers' batches of 32 sorted within a call;
  units in calls of 64 sorted by characters) and the new one (every distinct text once, all sorted
  by length, batches of about 4,096 padded word pieces).
- **Timed runs**, each in its own process: a reference that embeds the corpus text in 200-piece
  windows (the model's rate at that moment), then ``run_index`` through ``bench/scale_bench.py
  _index`` of each code tree (this one, and ``--before`` if given), then the reference again. Index
  seconds are ``run_index``'s own (the model is loaded before, reported apart); tokens/s is the
  corpus's word pieces over those seconds, as in the issue.

Run: ``.venv/bin/python bench/embed_bench.py [--scale 10] [--before /path/to/older/tree]
[--also PLANS_INDEX_INT8=1] [--label before=...]``.
Writes ``bench/results/embed.json``. Not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import ROOT, machine, name_values, run_measured, write_result  # noqa: E402

WINDOW = 256  # the model's max_seq_length


def _padded(lengths: list[int], call: int, batch: int, presorted: bool = False) -> int:
    """Word pieces computed when ``lengths`` go in calls of ``call`` texts (in the given order),
    each call sorted and cut into batches of ``batch``, every batch padded to its longest."""
    total = 0
    for s in range(0, len(lengths), call):
        part = sorted((min(x, WINDOW) for x in lengths[s:s + call]), reverse=True)
        for b in range(0, len(part), batch):
            total += max(part[b:b + batch]) * len(part[b:b + batch])
    return total


def workload(corpus: Path, model_path: str) -> dict:
    """What the indexer embeds for ``corpus`` (parsed with this tree's parser), in word pieces."""
    import numpy as np
    from tokenizers import Tokenizer

    from indexer.embed import length_batches
    from indexer.load import load_corpus
    from indexer.pipeline import _index_document
    from indexer.store import RecordStore

    docs, _ = load_corpus(corpus, progress=False)
    passages, units = [], []
    of_section: dict[str, list[int]] = {}  # section id -> positions of its passages
    unit_sections: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        store = RecordStore(Path(tmp) / "w.sqlite", create=True)
        for d in docs:
            p, u, _ = _index_document(d, store)
            for x in p:
                of_section.setdefault(x.section_id, []).append(len(passages))
                passages.append(x.text)
            units += [x[3] for x in u]
            unit_sections += [x[0] for x in u]
        sections = store.db.execute("SELECT COUNT(*) FROM sections").fetchone()[0]
        store.close()
    tok = Tokenizer.from_file(os.path.join(model_path, "tokenizer.json"))
    tok.no_padding()
    tok.no_truncation()

    def lengths(texts: list[str]) -> list[int]:
        return [len(e.ids) for e in tok.encode_batch(texts)]  # [CLS] and [SEP] included

    pl, ul = lengths(passages), lengths(units)
    distinct = sorted(set(passages + units), key=len)
    dl = lengths(distinct)
    new_batches = length_batches([min(x, WINDOW) for x in dl], 4096, 128)
    new_padded = sum(len(b) * max(min(dl[i], WINDOW) for i in b) for b in new_batches)
    units_by_chars = [ul[i] for i in sorted(range(len(units)), key=lambda i: len(units[i]))]

    def stats(ls: list[int]) -> dict:
        a = np.asarray(ls)
        return {"n": len(ls), "tokens": int(np.minimum(a, WINDOW).sum()), "median": float(np.median(a)),
                "p95": float(np.percentile(a, 95)), "max": int(a.max()), "over_window": int((a > WINDOW).sum())}

    # units pooled from their passage's forward pass (indexer.embed.embed_with_units): only those no
    # passage of their section holds as a run of word pieces go through the model on their own
    from indexer.minilm_torch import spans

    tok.enable_truncation(WINDOW)
    p_ids = [e.ids for e in tok.encode_batch(passages)]
    u_ids = [e.ids[1:-1] for e in tok.encode_batch(units)]
    alone = [i for i, (sid, ids) in enumerate(zip(unit_sections, u_ids))
             if not any(spans(p_ids[j], [ids])[0][1] for j in of_section.get(sid, ()))]
    tok.no_truncation()
    distinct_passages = sorted(set(passages), key=len)
    pooled_texts = distinct_passages + sorted({units[i] for i in alone}, key=len)
    pooled_lengths = lengths(pooled_texts)

    return {
        "pooled": {"units_alone": len(alone), "units_pooled": len(units) - len(alone),
                   "distinct_texts": len(pooled_texts),
                   "tokens_distinct": sum(min(x, WINDOW) for x in pooled_lengths)},
        "sections": sections, "passages": stats(pl), "units": stats(ul),
        "passages_per_section": round(len(passages) / sections, 3),
        "units_per_section": round(len(units) / sections, 3),
        "texts": len(passages) + len(units), "distinct_texts": len(distinct),
        "tokens_all": sum(min(x, WINDOW) for x in pl + ul), "tokens_distinct": sum(min(x, WINDOW) for x in dl),
        "padded_tokens_old": _padded(pl, 64, 32) + _padded(units_by_chars, 64, 32),
        "padded_tokens_new": new_padded,
        "batches_old": -(-len(pl) // 32) + -(-len(ul) // 32), "batches_new": len(new_batches),
    }


def main() -> None:
    from bench.cold_index_bench import corpus_tokens

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=10)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--work", default="/tmp/plans-embed-bench")
    ap.add_argument("--before", default="", help="an older code tree to index the same corpus too")
    ap.add_argument("--no-after", action="store_true", help="only the --before tree (and the reference)")
    ap.add_argument("--also", action="append", default=[], metavar="NAME=VALUE",
                    help="index once more with this tree and these settings (e.g. PLANS_INDEX_INT8=1)")
    ap.add_argument("--label", action="append", default=[], metavar="SIDE=TEXT",
                    help="how the tables name a side (before, after, also)")
    ap.add_argument("--json", default=str(ROOT / "bench" / "results" / "embed.json"))
    args = ap.parse_args()
    also, labels = name_values(args.also, "--also"), name_values(args.label, "--label")  # before minutes of runs

    from bench import synth
    from plans.settings import packaged_model_path

    model = packaged_model_path()
    work = Path(args.work)
    corpus = work / f"x{args.scale:g}-seed{args.seed}"
    if not (corpus / "manifest.json").exists() and not any(corpus.glob("*.txt")):
        synth.generate(corpus, args.scale, seed=args.seed)
    tokens = corpus_tokens(corpus, os.path.join(model, "tokenizer.json"))
    load = workload(corpus, model)
    print(f"workload: {json.dumps(load)}", flush=True)

    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", ANONYMIZED_TELEMETRY="False")

    def reference() -> dict:
        code, out, err, wall, _ = run_measured(
            [sys.executable, str(ROOT / "bench" / "cold_index_bench.py"), "_reference", "--corpus", str(corpus)],
            env=dict(env, PYTHONPATH=str(ROOT)), cwd=ROOT)
        if code != 0:
            raise SystemExit(f"the reference failed:\n{err[-2000:]}")
        r = json.loads(out.strip().splitlines()[-1])
        r["window_tokens_per_s"] = round(tokens / r["embed_s"], 1)
        print(f"reference: {json.dumps(r)}", flush=True)
        return r

    def index(tree: Path, name: str, settings: dict[str, str] | None = None) -> dict:
        data = work / f"data-{name}"
        shutil.rmtree(data, ignore_errors=True)
        code, out, err, wall, peak = run_measured(
            [sys.executable, str(tree / "bench" / "scale_bench.py"), "_index", "--corpus", str(corpus),
             "--data", str(data), "--embed", "model"], env=dict(env, PYTHONPATH=str(tree), **(settings or {})),
            cwd=tree)
        shutil.rmtree(data, ignore_errors=True)
        if code != 0:
            raise SystemExit(f"indexing ({name}) failed:\n{err[-2000:]}")
        r = json.loads([x for x in out.splitlines() if x.startswith("{")][-1])
        r |= {"wall_s": round(wall, 2), "peak_rss_mb": round(peak, 1),
              "sections_per_s": round(r["sections"] / r["seconds"], 1),
              "tokens_per_s": round(tokens / r["seconds"], 1),
              "tokens_per_s_wall": round(tokens / wall, 1),
              "outside_embedding_share": round((r["seconds"] - r["embed_seconds"]) / r["seconds"], 3)}
        print(f"{name}: {json.dumps(r)}", flush=True)
        return r

    refs = [reference()]
    runs: dict[str, dict] = {}
    if args.before:
        runs["before"] = index(Path(args.before).resolve(), "before")
    if not args.no_after:
        runs["after"] = index(ROOT, "after")
    if args.also:
        runs["also"] = index(ROOT, "also", also)
    refs.append(reference())
    ref_rate = statistics.median(r["window_tokens_per_s"] for r in refs)
    result = {
        "machine": machine(), "measured": time.strftime("%Y-%m-%d %H:%M"),
        "corpus": {"scale": args.scale, "seed": args.seed, "files": len(list(corpus.glob("*.txt"))),
                   "tokens": tokens},
        "workload": load, "reference": refs, "reference_window_tokens_per_s": ref_rate,
        "runs": runs, "also_settings": args.also,
        "labels": labels,
    }
    for r in runs.values():
        r["share_of_reference_rate"] = round(r["tokens_per_s"] / ref_rate, 3)
    if "before" in runs and "after" in runs:
        result["speedup_after_over_before"] = round(runs["before"]["seconds"] / runs["after"]["seconds"], 2)
    print(f"written to {write_result(args.json, result)}")


if __name__ == "__main__":
    main()
