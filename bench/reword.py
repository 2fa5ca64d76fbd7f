"""Does the wording of a question change its answer? The tune part of the gold, asked as written and
reworded the way chat is typed (``eval/reword.py``: lower case without "?", a chat opener, one typo),
scored by the same rules with one Assistant in one run. Writes ``bench/results/reword.json``.

Run: ``.venv/bin/python bench/reword.py`` from the project folder, after ``plans index``. A benchmark,
not a test (the tests check the mechanisms: tests/test_set_aside_and_headings.py).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

GOLD = [ROOT / "eval/gold/dev.jsonl", ROOT / "eval/gold/dev2.jsonl"]


def main() -> None:
    from assistant.service import Assistant
    from eval.reword import reword
    from eval.run import run_eval
    from plans.settings import get_settings

    settings = get_settings()
    bot = Assistant(settings)
    out: dict = {"date": date.today().isoformat(), "part": "tune", "wordings": {}}
    with tempfile.TemporaryDirectory() as tmp:
        files = reword(GOLD, Path(tmp))
        right: dict[str, set[str]] = {}
        for name in ("asked", "lower", "opener", "typo"):
            result = run_eval(settings, files[name], assistant=bot, progress=False)
            rows = result["items"]
            right[name] = {r["id"] for r in rows if r["correct"]}
            out["wordings"][name] = {"n": len(rows), "right": len(right[name]),
                                     "accuracy": round(len(right[name]) / len(rows), 4)}
        for name in ("lower", "opener", "typo"):
            out["wordings"][name]["lost"] = sorted(right["asked"] - right[name])
            out["wordings"][name]["gained"] = sorted(right[name] - right["asked"])
    path = ROOT / "bench/results/reword.json"
    path.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    for name, w in out["wordings"].items():
        print(f"{name:7} {w['right']}/{w['n']} ({w['accuracy']:.0%})"
              + (f"  lost {len(w['lost'])}, gained {len(w['gained'])}" if "lost" in w else ""))
    print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
