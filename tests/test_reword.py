"""eval/reword.py: chat rewordings of the tune part, deterministic, holdout left out."""

from __future__ import annotations

import json
import random
from pathlib import Path

from eval.reword import lower, opener, reword, typo
from eval.score import load_gold, part_of

GOLD = Path(__file__).resolve().parents[1] / "eval/gold"


def test_rewordings_keep_the_words_but_not_the_typing() -> None:
    rng = random.Random(0)
    assert lower("Who leads 3.2 in the WB plan?", rng) == "who leads 3.2 in the wb plan"
    assert opener("Who leads 3.2?", random.Random(1)).endswith("who leads 3.2?")
    swapped = typo("Which organisation leads?", random.Random(2))
    assert swapped != "Which organisation leads?" and sorted(swapped) == sorted("Which organisation leads?")


def test_only_the_tune_part_is_reworded_and_the_files_load(tmp_path: Path) -> None:
    files = reword([GOLD / "dev.jsonl", GOLD / "dev2.jsonl"], tmp_path)
    assert set(files) == {"lower", "opener", "typo", "asked"}
    for path in files.values():
        items = load_gold(path)
        assert items and all(part_of(i.id) == "tune" for i in items)
    again = reword([GOLD / "dev.jsonl"], tmp_path / "again")
    first = {json.loads(x)["id"]: json.loads(x)["question"] for x in files["typo"].read_text().splitlines()}
    second = {json.loads(x)["id"]: json.loads(x)["question"] for x in again["typo"].read_text().splitlines()}
    assert all(first[k] == v for k, v in second.items())  # the same item is reworded the same way
