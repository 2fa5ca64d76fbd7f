"""Cold ``plans ask`` of two code trees on their own indexes of the same corpus, alternating
(A, B, A, B …) so both see the same machine noise: the start-up before/after on a synthetic corpus.

Run: ``.venv/bin/python bench/startup_ab.py --a-src <old checkout> --a-data <its index> --b-src . \\
--b-data <index> --corpus <corpus> --question "..." [--runs 5] --out bench/results/startup_ab.json``.
Each side imports its own code (PYTHONPATH) and reads its own data folder. A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import machine, time_to_first_line  # noqa: E402


def cold(src: str, data: str, corpus: str, question: str) -> float:
    env = dict(os.environ, PYTHONPATH=src, PLANS_DATA_DIR=data, PLANS_CORPUS_DIR=corpus, PLANS_LLM="",
               HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", ANONYMIZED_TELEMETRY="False")
    return time_to_first_line([sys.executable, "-c", "from bots.cli import main; main()", "ask", question],
                              env=env, cwd=Path(src))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for side in ("a", "b"):
        ap.add_argument(f"--{side}-src", required=True)
        ap.add_argument(f"--{side}-data", required=True)
        ap.add_argument(f"--{side}-name", default={"a": "before", "b": "after"}[side])
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--question", required=True)
    ap.add_argument("--label", default="", help="what the corpus is (×100, …), for the record")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    sides = {args.a_name: (args.a_src, args.a_data), args.b_name: (args.b_src, args.b_data)}
    for src, data in sides.values():  # a first run of each, not counted (caches of the data folder)
        cold(src, data, args.corpus, args.question)
    times: dict[str, list[float]] = {name: [] for name in sides}
    for _ in range(args.runs):
        for name, (src, data) in sides.items():
            times[name].append(cold(src, data, args.corpus, args.question))
    a, b = (statistics.median(times[n]) for n in sides)
    result = {"machine": machine(), "label": args.label, "question": args.question, "runs": args.runs,
              "measured": time.strftime("%Y-%m-%d %H:%M"),
              "sides": {n: {"src": s, "cold_ask_median_s": round(statistics.median(times[n]), 2),
                            "all_s": [round(x, 2) for x in times[n]]} for n, (s, _) in sides.items()},
              "ratio_a_over_b": round(a / b, 2),
              "load_average_at_end": os.getloadavg()}
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
