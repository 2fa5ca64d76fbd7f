"""Gold accuracy with the corpus as PDF and as Word files against the text corpus.

For each format the five plans are written (``bench/plan_files.py``) into a temporary corpus
folder, indexed with the real model by ``plans index`` (``PLANS_CORPUS_DIR`` and
``PLANS_DATA_DIR`` pointed there) and asked the gold questions by ``plans eval``. The gold files'
``source_doc`` names are given the format's extension so retrieval and citations are scored too.
Writes ``bench/results/formats_gold.json``.

    python bench/formats_gold.py                 # text, pdf, docx on dev and dev2
    python bench/formats_gold.py --formats pdf
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.plan_files import write_as  # noqa: E402

GOLD = (ROOT / "eval" / "gold" / "dev.jsonl", ROOT / "eval" / "gold" / "dev2.jsonl")


def _gold_for(gold: Path, fmt: str, out: Path) -> Path:
    """The gold file with its source documents named as the format's files."""
    text = gold.read_text(encoding="utf-8")
    if fmt != "txt":
        text = re.sub(r'("source_doc":\s*"[^"]+)\.txt"', rf'\1.{fmt}"', text)
    path = out / gold.name
    path.write_text(text, encoding="utf-8")
    return path


def run(fmt: str, work: Path) -> dict:
    corpus, data = work / f"corpus-{fmt}", work / f"data-{fmt}"
    corpus.mkdir(parents=True)
    for src in sorted((ROOT / "corpus").glob("*.txt")):
        if fmt == "txt":
            shutil.copy(src, corpus / src.name)
        else:
            write_as(src, corpus, fmt)
    env = dict(os.environ, PLANS_CORPUS_DIR=str(corpus), PLANS_DATA_DIR=str(data),
               PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    cli = [sys.executable, "-m", "bots.cli"]
    idx = subprocess.run([*cli, "index", "--quiet"], env=env, cwd=ROOT, capture_output=True, text=True)
    result = {"index": [ln for ln in idx.stdout.splitlines() if not ln.startswith("Loading")]}
    for gold in GOLD:
        g = _gold_for(gold, fmt, work)
        out = work / f"{fmt}-{gold.stem}.json"
        subprocess.run([*cli, "eval", str(g), "--json", str(out)], env=env, cwd=ROOT, capture_output=True,
                       text=True, check=True)
        r = json.loads(out.read_text())
        result[gold.stem] = {k: r[k] for k in ("n", "answer_accuracy", "hit_at_k", "citation_hit")}
        result[gold.stem]["correct"] = [i["id"] for i in r["items"] if i.get("correct")]
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--formats", default="txt,pdf,docx")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "formats_gold.json")
    args = ap.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in args.formats.split(","):
            results[fmt] = run(fmt, Path(tmp))
            print(fmt, {g: results[fmt][g]["answer_accuracy"] for g in ("dev", "dev2")}, flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
