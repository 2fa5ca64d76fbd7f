"""Indexing benchmark: a full index of the corpus with the real model, then a run with nothing
changed and a run with one file touched. Not a test: it prints a table and writes JSON.

Run: ``.venv/bin/python bench/index_bench.py [--corpus corpus] [--json bench/results/index.json]``.

The corpus is copied to a temporary folder (the real one is never touched) and indexed into an
embedded Chroma there. The model is loaded once, before any timing; its load time is reported on
its own line. Peak memory is the process's resident peak (``ru_maxrss``, model included) and,
from a separate forced re-index run under ``tracemalloc`` (which slows Python down, so it is not
the timed run), the peak of Python allocations.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from indexer.embed import SentenceEmbedder  # noqa: E402
from indexer.pipeline import IndexSummary, run_index  # noqa: E402
from plans.settings import Settings, packaged_model_path  # noqa: E402


def rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (Linux reports KB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def timed(settings: Settings, emb: SentenceEmbedder, **kw) -> tuple[IndexSummary, float]:
    t0 = time.perf_counter()
    summary = run_index(settings, embedder=emb, progress=False, **kw)
    return summary, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", default=str(ROOT / "corpus"))
    ap.add_argument("--model", default="", help="sentence-transformers folder (default: packaged)")
    ap.add_argument("--json", default=str(ROOT / "bench" / "results" / "index.json"))
    ap.add_argument("--no-trace", action="store_true", help="skip the tracemalloc run")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="plans-bench-") as tmp:
        base = Path(tmp)
        corpus = base / "corpus"
        shutil.copytree(args.corpus, corpus)
        files = sorted(p.name for p in corpus.iterdir() if p.suffix in (".txt", ".md"))
        settings = Settings(corpus_dir=corpus, data_dir=base / "data")

        rss_start = rss_mb()
        emb = SentenceEmbedder(args.model or packaged_model_path())
        t0 = time.perf_counter()
        emb.embed_query("warm up")  # loads the weights and runs one forward pass
        load_s = time.perf_counter() - t0
        rss_model = rss_mb()

        full, full_s = timed(settings, emb)
        rss_full = rss_mb()
        same, same_s = timed(settings, emb)
        touched_file = corpus / files[len(files) // 2]
        with open(touched_file, "a", encoding="utf-8") as fh:
            fh.write("\n\nBenchmark addendum: one more paragraph so that this file changes.\n")
        one, one_s = timed(settings, emb)

        trace: dict = {}
        if not args.no_trace:
            traced_settings = Settings(corpus_dir=corpus, data_dir=base / "traced")
            tracemalloc.start()
            t0 = time.perf_counter()
            run_index(traced_settings, embedder=emb, progress=False)
            traced_s = time.perf_counter() - t0
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            trace = {"seconds_under_tracemalloc": round(traced_s, 2),
                     "python_peak_mb": round(peak / 2**20, 1)}

    assert not full.skipped and full.plans == len(files), full.line()
    assert same.indexed == [] and one.indexed == [touched_file.name], (same.line(), one.line())
    results = {
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": os.cpu_count()},
        "corpus": {"files": len(files), "plans": full.plans, "sections": full.sections,
                   "actions": full.actions},
        "model": {"path": emb.model_path, "load_seconds": round(load_s, 2)},
        "full": {"seconds": round(full_s, 2), "sections_per_second": round(full.sections / full_s, 1),
                 "passages_embedded": full.passages_embedded, "files_indexed": len(full.indexed)},
        "unchanged": {"seconds": round(same_s, 3), "ratio_to_full": round(same_s / full_s, 4),
                      "passages_embedded": same.passages_embedded,
                      "files_indexed": len(same.indexed)},
        "one_file_changed": {"file": touched_file.name, "seconds": round(one_s, 2),
                             "ratio_to_full": round(one_s / full_s, 3),
                             "passages_embedded": one.passages_embedded,
                             "files_indexed": len(one.indexed), "files_carried": len(one.unchanged)},
        "memory": {"rss_peak_mb_before_model": round(rss_start, 1),
                   "rss_peak_mb_after_model_load": round(rss_model, 1),
                   "rss_peak_mb_after_full_index": round(rss_full, 1), **trace},
    }

    rows = [
        ("model load (once, not in the runs)", f"{load_s:8.2f} s", ""),
        ("full index, 5 of 5 files", f"{full_s:8.2f} s",
         f"{full.sections} sections, {full.sections / full_s:.1f} sections/s, "
         f"{full.passages_embedded} passages embedded"),
        ("nothing changed", f"{same_s:8.3f} s",
         f"{same_s / full_s:.2%} of full, {same.passages_embedded} passages embedded"),
        ("1 of 5 files changed", f"{one_s:8.2f} s",
         f"{one_s / full_s:.1%} of full, {one.passages_embedded} passages embedded "
         f"({touched_file.name})"),
        ("peak RSS (ru_maxrss)", f"{rss_full:8.1f} MB",
         f"{rss_model:.1f} MB after model load, {rss_start:.1f} MB before"),
    ]
    if trace:
        rows.append(("peak Python allocations", f"{trace['python_peak_mb']:8.1f} MB",
                     f"tracemalloc, separate full run ({trace['seconds_under_tracemalloc']:.1f} s "
                     "traced)"))
    width = max(len(r[0]) for r in rows)
    print(f"plans index benchmark: {full.plans} plans, {full.sections} sections, {full.actions} "
          f"actions ({os.cpu_count()} CPUs, Python {platform.python_version()})")
    for name, value, detail in rows:
        print(f"  {name:<{width}}  {value}  {detail}")
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written to {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")


if __name__ == "__main__":
    main()
