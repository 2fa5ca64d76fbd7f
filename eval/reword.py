"""Reworded gold: the same questions typed the way chat is typed, to measure whether the wording of a
question (not its meaning) changes the answer.

Three rewordings, each deterministic per item id:

* ``lower``: all lower case, no closing question mark ("who leads 3.2 in the wb plan");
* ``opener``: a chat opener first ("hey, quick q: who leads …", "@plans who leads …");
* ``typo``: two neighbouring letters swapped in the question's longest word of six or more letters.

Only the tune part of the split (``eval.score.part_of``) is reworded by default, so the holdout part
stays unseen. Run ``python -m eval.reword eval/gold/dev.jsonl eval/gold/dev2.jsonl --out /tmp/reworded``,
then ``plans eval /tmp/reworded/lower.jsonl`` etc.; ``bench/reword.py`` does both and writes
``bench/results/reword.json``.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections.abc import Callable
from pathlib import Path

from eval.score import part_of

OPENERS = ("hey, quick q: ", "hi! ", "sorry to bother, ", "@plans ", "q: ")


def lower(question: str, rng: random.Random) -> str:
    return question.lower().rstrip("?").strip()


def opener(question: str, rng: random.Random) -> str:
    return rng.choice(OPENERS) + question[:1].lower() + question[1:]


def typo(question: str, rng: random.Random) -> str:
    words = list(re.finditer(r"[a-z]{6,}", question))
    if not words:
        return question
    m = max(words, key=lambda w: len(w.group(0)))
    w = m.group(0)
    i = rng.randrange(1, len(w) - 2)
    return question[:m.start()] + w[:i] + w[i + 1] + w[i] + w[i + 2:] + question[m.end():]


REWORDINGS: dict[str, Callable[[str, random.Random], str]] = {"lower": lower, "opener": opener, "typo": typo}


def reword(gold_files: list[Path], out_dir: Path, part: str | None = "tune") -> dict[str, Path]:
    """Write one gold file per rewording (items of ``part`` only; all with None); their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    items = [json.loads(line) for f in gold_files for line in Path(f).read_text(encoding="utf-8").splitlines()
             if line.strip()]
    items = [d for d in items if part is None or part_of(d["id"]) == part]
    written = {}
    for name, fn in REWORDINGS.items():
        path = out_dir / f"{name}.jsonl"
        with path.open("w", encoding="utf-8") as fh:
            for d in items:
                fh.write(json.dumps({**d, "question": fn(d["question"], random.Random(d["id"] + name))}) + "\n")
        written[name] = path
    part_path = out_dir / "asked.jsonl"  # the same items as asked, for the comparison
    part_path.write_text("".join(json.dumps(d) + "\n" for d in items), encoding="utf-8")
    written["asked"] = part_path
    return written


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gold", nargs="+", type=Path)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--part", choices=["tune", "holdout", "all"], default="tune")
    args = ap.parse_args(argv)
    for name, path in reword(args.gold, args.out, None if args.part == "all" else args.part).items():
        print(f"{name}: {path}")


if __name__ == "__main__":
    main()
