"""Answer latency: warm ``Assistant.ask`` over the gold set, and the cold start of ``plans ask``.

Run: ``.venv/bin/python bench/ask_bench.py [--gold eval/gold/dev.jsonl] [--repeat 3] [--cold 3]``
from the project folder, after ``plans index``. The Assistant is built once; every gold question
is asked once to warm up, then ``--repeat`` more times, each call timed. The cold start is the
wall time from launching ``plans ask "..."`` to its answer on stdout (median of ``--cold`` runs).
Prints a table and writes JSON to ``bench/results/ask.json``. A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from bench.common import latency_summary  # noqa: E402

COLD_QUESTION = "Who is implementing the PAMECA V project in Albania?"


def warm_latency(gold: Path, repeat: int) -> tuple[dict, float]:
    from assistant.service import Assistant
    from plans.settings import get_settings

    t0 = time.perf_counter()
    bot = Assistant(get_settings())
    build_s = time.perf_counter() - t0
    items = [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    asks = [(g["question"], date.fromisoformat(g["as_of"]) if g.get("as_of") else None) for g in items]
    routes = {}
    for q, as_of in asks:  # warm-up pass
        a = bot.ask(q, as_of=as_of)
        routes[q] = "refused" if a.refused else a.route
    times: dict[str, list[float]] = {}
    for _ in range(repeat):
        # each pass embeds its questions afresh: the query-embedding cache would otherwise make
        # every repeated question a cache hit and the figures meaningless
        bot.vectors.__dict__.pop("_query_cache", None)
        for q, as_of in asks:
            t = time.perf_counter()
            bot.ask(q, as_of=as_of)
            times.setdefault(routes[q], []).append((time.perf_counter() - t) * 1000)
    everything = [t for ts in times.values() for t in ts]
    table = {"overall": latency_summary(everything)} | {r: latency_summary(ts) for r, ts in sorted(times.items())}
    return table, build_s


def cold_start(runs: int) -> dict:
    exe = ROOT / ".venv" / "bin" / "plans"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-c", "from bots.cli import main; main()"]
    cmd += ["ask", COLD_QUESTION]
    first_output, total = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        first = proc.stdout.readline()  # the answer's first line: printed once it is composed
        t1 = time.perf_counter()
        rest = proc.stdout.read()
        proc.wait()
        t2 = time.perf_counter()
        if proc.returncode != 0 or not first.strip():
            raise SystemExit(f"`plans ask` failed (exit {proc.returncode}): {(first + rest).decode()[:300]}")
        first_output.append(t1 - t0)
        total.append(t2 - t0)
    return {"runs": runs, "question": COLD_QUESTION, "to_answer_s": round(statistics.median(first_output), 2),
            "to_exit_s": round(statistics.median(total), 2), "all_to_answer_s": [round(x, 2) for x in first_output]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", default=str(ROOT / "eval" / "gold" / "dev.jsonl"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--cold", type=int, default=3)
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "ask.json"))
    args = ap.parse_args()
    os.chdir(ROOT)  # settings paths (corpus/, .plans/) are relative to the project folder

    warm, build_s = warm_latency(Path(args.gold), args.repeat)
    cold = cold_start(args.cold)

    print(f"warm ask latency over {args.gold} ({args.repeat} timed passes after one warm-up; "
          f"Assistant built once in {build_s:.1f} s)")
    print(f"{'route':<12}{'n':>5}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for route, s in warm.items():
        print(f"{route:<12}{s['n']:>5}{s['p50_ms']:>9.1f}{s['p95_ms']:>9.1f}{s['p99_ms']:>9.1f}{s['max_ms']:>9.1f}")
    print(f"\ncold start `plans ask \"{COLD_QUESTION}\"` (median of {cold['runs']}): "
          f"{cold['to_answer_s']:.2f} s to the answer, {cold['to_exit_s']:.2f} s to exit "
          f"(runs: {', '.join(f'{x:.2f}' for x in cold['all_to_answer_s'])} s)")

    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    result = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
              "gold": args.gold, "repeat": args.repeat, "assistant_build_s": round(build_s, 2),
              "warm": warm, "cold_start": cold, "llm": os.environ.get("PLANS_LLM", "") or None}
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")


if __name__ == "__main__":
    main()
