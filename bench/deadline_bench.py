"""Deadline and topic questions on a kept scale-benchmark index, for one or more code trees side by side.

Why: the scale benchmark's warm-up pass hides what the first deadline question after a start costs,
and its questions name no topic. This bench measures, on indexes that ``bench/scale_bench.py --keep``
left (each side its own index, built by its own tree):

- *cold*: a fresh ``plans ask`` process per question (import, open the index, answer), alternating
  the sides, ``--cold`` rounds, for a corpus-wide window ("What is due in the next 60 days?") and the
  same window on a topic;
- *warm*: one process per side answers the scale bench's deadline questions and as many topical ones
  (same reference dates, a topic of the corpus each, across all plans), first the whole list once
  (the first answer is timed alone), then three timed passes; the median of each question's passes.

Both sides must give the same answers (the bench says which differ). Each side is
``NAME=TREE,DATA_DIR,CHROMA_URL`` (an empty URL for embedded Chroma).

Run (after two ``scale_bench.py --scales 1000 --modes server --keep`` runs, one per tree, each with its
``chroma run`` started on the kept folder)::

    .venv/bin/python bench/deadline_bench.py --manifest /tmp/plans-scale/x1000/manifest.json \\
        --side before=/tmp/old-tree,/tmp/old/x1000-server/data,http://127.0.0.1:8765 \\
        --side after=.,/tmp/plans-scale/x1000-server/data,http://127.0.0.1:8766

Writes ``bench/results/deadline.json``. Not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

# after PYTHONPATH: a side's warm run imports that side's tree (its PYTHONPATH), not this one
sys.path.append(str(Path(__file__).resolve().parents[1]))

from bench.common import ROOT, machine, name_values, run_measured, write_result  # noqa: E402

COLD_QUESTIONS = ("What is due in the next 60 days?", "Which deadlines on money laundering fall in the next 60 days?")
COLD_AS_OF = "2012-01-12"  # inside most generated plans' periods (2008-2022)
WARM_PASSES = 3


def questions(manifest: dict, per_route: int) -> list[dict]:
    """The scale bench's deadline questions, and as many on a topic across all plans (same dates)."""
    from bench import synth

    dated = [q for q in synth.questions(manifest, per_route=per_route) if q["kind"] == "deadline"]
    rng = random.Random("deadline-bench")
    topics = sorted({t for f in manifest["files"] for t in f["topics"]})
    topical = [{"question": rng.choice((f"Which deadlines on {t} fall in the next 60 days?",
                                        f"What is the next deadline on {t}?")),
                "as_of": q["as_of"], "kind": "topical"} for q, t in zip(dated, (rng.choice(topics) for _ in dated),
                                                                        strict=True)]
    return [q | {"kind": "window"} for q in dated] + topical


def child_warm(args: argparse.Namespace) -> None:
    """In the side's tree (PYTHONPATH): answer every question once (the first timed alone), then
    ``WARM_PASSES`` timed passes; print one JSON line."""
    from datetime import date

    from assistant.service import Assistant
    from plans.settings import Settings

    qs = json.loads(Path(args.questions).read_text(encoding="utf-8"))
    data = Path(args.data)
    bot = Assistant(Settings(corpus_dir=data.parent / "corpus", data_dir=data, chroma_url=args.chroma_url))
    answers, first_s = [], 0.0
    for k, q in enumerate(qs):
        t = time.perf_counter()
        answers.append(bot.ask(q["question"], as_of=date.fromisoformat(q["as_of"])).answer)
        if k == 0:
            first_s = time.perf_counter() - t
    times: list[list[float]] = [[] for _ in qs]
    for _ in range(WARM_PASSES):
        for k, q in enumerate(qs):
            t = time.perf_counter()
            bot.ask(q["question"], as_of=date.fromisoformat(q["as_of"]))
            times[k].append((time.perf_counter() - t) * 1000)
    print(json.dumps({"first_s": round(first_s, 2), "ms": [statistics.median(t) for t in times],
                      "answers": answers}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd")
    w = sub.add_parser("_warm")
    w.add_argument("--questions", required=True)
    w.add_argument("--data", required=True)
    w.add_argument("--chroma-url", default="")
    ap.add_argument("--manifest", default="/tmp/plans-scale/x1000/manifest.json")
    ap.add_argument("--side", action="append", default=[], metavar="NAME=TREE,DATA_DIR,CHROMA_URL")
    ap.add_argument("--per-route", type=int, default=5)
    ap.add_argument("--cold", type=int, default=3, help="rounds of fresh-process questions")
    ap.add_argument("--json", default=str(ROOT / "bench" / "results" / "deadline.json"))
    args = ap.parse_args()
    if args.cmd == "_warm":
        return child_warm(args)
    sides: dict[str, dict[str, Any]] = {}
    for name, spec in name_values(args.side, "--side").items():
        parts = spec.split(",")
        if len(parts) != 3:
            raise SystemExit(f"--side {name}= takes TREE,DATA_DIR,CHROMA_URL, not {spec!r}")
        sides[name] = {"tree": Path(parts[0]).resolve(), "data": Path(parts[1]), "chroma_url": parts[2]}
    if not sides:
        raise SystemExit("give at least one --side NAME=TREE,DATA_DIR,CHROMA_URL")
    qs = questions(json.loads(Path(args.manifest).read_text(encoding="utf-8")), args.per_route)
    qfile = Path(args.json).with_suffix(".questions.json")
    qfile.parent.mkdir(parents=True, exist_ok=True)
    qfile.write_text(json.dumps(qs), encoding="utf-8")
    plans = Path(sys.executable).parent / "plans"

    def env(side: dict) -> dict:
        return dict(os.environ, PYTHONPATH=str(side["tree"]), PLANS_DATA_DIR=str(side["data"]),
                    PLANS_CORPUS_DIR=str(side["data"].parent / "corpus"), PLANS_CHROMA_URL=side["chroma_url"],
                    PLANS_LLM="", HF_HUB_OFFLINE="1", ANONYMIZED_TELEMETRY="False")

    cold: dict[str, dict[str, list[float]]] = {n: {q: [] for q in COLD_QUESTIONS} for n in sides}
    cold_answers: dict[str, dict[str, str]] = {n: {} for n in sides}
    for r in range(args.cold):
        for q in COLD_QUESTIONS:
            for name, side in sides.items():
                code, out, err, wall, _ = run_measured([str(plans), "ask", q, "--as-of", COLD_AS_OF], env=env(side),
                                                       cwd=side["data"].parent)
                if code != 0:
                    raise SystemExit(f"{name}: plans ask failed:\n{err[-1500:]}")
                cold[name][q].append(round(wall, 2))
                cold_answers[name][q] = out
                print(f"cold {r + 1} {name}: {wall:.2f} s  {q}", flush=True)
    warm = {}
    for name, side in sides.items():
        code, out, err, _, _ = run_measured(
            [sys.executable, str(Path(__file__).resolve()), "_warm", "--questions", str(qfile),
             "--data", str(side["data"]), "--chroma-url", side["chroma_url"]], env=env(side), cwd=side["tree"])
        if code != 0:
            raise SystemExit(f"{name}: the warm run failed:\n{err[-1500:]}")
        warm[name] = json.loads(out.strip().splitlines()[-1])
        print(f"warm {name}: first {warm[name]['first_s']} s", flush=True)
    first = next(iter(sides))
    result: dict = {"measured": time.strftime("%Y-%m-%d %H:%M"), "machine": machine(), "questions": len(qs),
                    "cold_as_of": COLD_AS_OF, "sides": {}}
    for name, side in sides.items():
        ms = warm[name]["ms"]

        def p50(kind: str, ms: list[float] = ms) -> float:
            return round(statistics.median(m for m, q in zip(ms, qs, strict=True) if q["kind"] == kind), 1)

        result["sides"][name] = {
            "tree": str(side["tree"]), "data": str(side["data"]),
            "cold_s": {q: {"median": statistics.median(v), "runs": v} for q, v in cold[name].items()},
            "warm_first_s": warm[name]["first_s"],
            "warm_p50_ms": {"window": p50("window"), "topical": p50("topical"),
                            "all": round(statistics.median(ms), 1)},
            "warm_max_ms": round(max(ms), 1),
            "warm_ms": {q["question"] + " @ " + q["as_of"]: round(m, 1) for q, m in zip(qs, ms, strict=True)},
            "answers_differ_from_" + first: [q["question"] + " @ " + q["as_of"] for q, a, b in
                                             zip(qs, warm[name]["answers"], warm[first]["answers"], strict=True)
                                             if a != b] + [q for q in COLD_QUESTIONS
                                                           if cold_answers[name][q] != cold_answers[first][q]],
        }
    print(json.dumps({n: {k: v for k, v in s.items() if k not in ("tree", "data")}
                      for n, s in result["sides"].items()}, indent=1))
    print(f"wrote {write_result(args.json, result)}")


if __name__ == "__main__":
    main()
