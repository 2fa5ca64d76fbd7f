"""Before/after in one run: the code at an earlier commit against the work tree, on the real corpus.

Each side gets its own checkout (a git worktree for the earlier commit), its own index, and runs in
its own processes with the same virtualenv; the runs alternate (before, after, before, after …) so
both sides see the same machine noise. Measured per side:

- cold ``plans ask``: wall time from launch to the answer's first line (median of ``--runs``);
- the Assistant's build time, warm ``ask`` latency over the gold questions (p50/p95/p99 after one
  warm-up pass), and the process's peak RSS;
- ``plans eval`` answer accuracy, so a speed-up that costs answers shows.

Run: ``.venv/bin/python bench/before_after.py [--ref ed2836c] [--runs 5]``. Writes
``bench/results/before_after.json``. A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import ROOT, latency_summary, machine, time_to_first_line  # noqa: E402

QUESTION = "Who is implementing the PAMECA V project in Albania?"
WARM = r"""
import json, sys, time
from datetime import date
from assistant.service import Assistant
from plans.settings import get_settings
t0 = time.perf_counter()
bot = Assistant(get_settings())
build = time.perf_counter() - t0
items = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
asks = [(g["question"], date.fromisoformat(g["as_of"]) if g.get("as_of") else None) for g in items]
for q, d in asks:
    bot.ask(q, as_of=d)
ms = []
for _ in range(int(sys.argv[2])):
    bot.vectors.__dict__.pop("_query_cache", None)  # embed every question afresh
    for q, d in asks:
        t = time.perf_counter()
        bot.ask(q, as_of=d)
        ms.append((time.perf_counter() - t) * 1000)
peak = [int(x.split()[1]) / 1024 for x in open("/proc/self/status") if x.startswith("VmHWM")][0]
print(json.dumps({"build_s": build, "ms": ms, "peak_rss_mb": peak}))
"""


def side_env(src: Path, data: Path) -> dict:
    # PYTHONPATH first: the checkout's packages win over the editable install of the work tree
    return dict(os.environ, PYTHONPATH=str(src), PLANS_DATA_DIR=str(data), PLANS_LLM="",
                HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", ANONYMIZED_TELEMETRY="False")


def plans_cmd(*args: str) -> list[str]:
    return [sys.executable, "-c", "from bots.cli import main; main()", *args]


def check_side(src: Path, data: Path) -> None:
    out = subprocess.run([sys.executable, "-c", "import assistant.service as m; print(m.__file__)"],
                         env=side_env(src, data), cwd=src, capture_output=True, text=True, check=True).stdout
    if not out.strip().startswith(str(src)):
        raise SystemExit(f"{src} does not import its own code ({out.strip()})")


def cold(src: Path, data: Path) -> float:
    return time_to_first_line(plans_cmd("ask", QUESTION), env=side_env(src, data), cwd=src)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ref", default="ed2836c", help="the earlier commit (default: before the #7 work)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--repeat", type=int, default=2, help="timed passes over the gold questions")
    ap.add_argument("--work", default="/tmp/plans-before-after")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "before_after.json"))
    args = ap.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    before = work / "checkout"
    if not before.exists():
        subprocess.run(["git", "worktree", "add", "--detach", str(before), args.ref], cwd=ROOT, check=True,
                       capture_output=True)
    sides = {"before": (before, work / "data-before"), "after": (ROOT, work / "data-after")}
    gold = ROOT / "eval" / "gold" / "dev.jsonl"
    result: dict = {"ref": args.ref, "machine": machine(), "runs": args.runs, "sides": {}}
    for name, (src, data) in sides.items():
        check_side(src, data)
        subprocess.run(plans_cmd("index"), env=side_env(src, data), cwd=src, check=True, capture_output=True)
        ev = subprocess.run(plans_cmd("eval", str(gold), "--json", str(work / f"eval-{name}.json")),
                            env=side_env(src, data), cwd=src, capture_output=True, text=True)
        scored = json.loads((work / f"eval-{name}.json").read_text())
        result["sides"][name] = {"eval_exit": ev.returncode,
                                 "eval": {k: scored.get(k) for k in ("answer_accuracy", "hit_at_k", "mrr",
                                                                     "citation_hit", "refusal_accuracy")}}
    colds: dict[str, list[float]] = {"before": [], "after": []}
    warms: dict[str, list[dict]] = {"before": [], "after": []}
    for _ in range(args.runs):
        for name, (src, data) in sides.items():
            colds[name].append(cold(src, data))
    for _ in range(2):
        for name, (src, data) in sides.items():
            out = subprocess.run([sys.executable, "-c", WARM, str(gold), str(args.repeat)], env=side_env(src, data),
                                 cwd=src, capture_output=True, text=True, check=True).stdout
            warms[name].append(json.loads(out.strip().splitlines()[-1]))
    for name in sides:
        ms = [m for w in warms[name] for m in w["ms"]]
        result["sides"][name] |= {
            "cold_ask_s": round(statistics.median(colds[name]), 2), "cold_all_s": [round(x, 2) for x in colds[name]],
            "build_s": round(statistics.median(w["build_s"] for w in warms[name]), 2),
            "warm": latency_summary(ms), "peak_rss_mb": round(max(w["peak_rss_mb"] for w in warms[name]), 1)}
    b, a = result["sides"]["before"], result["sides"]["after"]
    result["ratios_before_over_after"] = {
        "cold_ask": round(b["cold_ask_s"] / a["cold_ask_s"], 2), "build": round(b["build_s"] / a["build_s"], 2),
        "warm_p50": round(b["warm"]["p50_ms"] / a["warm"]["p50_ms"], 2),
        "warm_p95": round(b["warm"]["p95_ms"] / a["warm"]["p95_ms"], 2),
        "peak_rss": round(b["peak_rss_mb"] / a["peak_rss_mb"], 2)}
    out = Path(args.out)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result["ratios_before_over_after"]))
    for name in sides:
        s = result["sides"][name]
        print(f"{name:>6}: cold ask {s['cold_ask_s']} s, build {s['build_s']} s, warm p50 {s['warm']['p50_ms']} ms "
              f"p95 {s['warm']['p95_ms']} ms, peak RSS {s['peak_rss_mb']} MB")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
