"""The lookup table of plan names finds exactly the plans that one regular expression per name
finds, on every gold question and on edge cases of word boundaries."""

from __future__ import annotations

import json
import re

from assistant.service import PlanNames, _title_aliases
from indexer.embed import FakeEmbedder
from indexer.pipeline import open_records, run_index
from tests.conftest import GOLD


def _by_regex(plans, q: str):
    return [p for p in plans
            if any(re.search(rf"(?<![\w-]){re.escape(a)}(?![\w-])", q)
                   for a in {p.organisation.lower()} | _title_aliases(p) if a)]


def test_the_table_agrees_with_a_regex_per_name(fake_settings):
    run_index(fake_settings, embedder=FakeEmbedder(), progress=False)
    plans = open_records(fake_settings).plans()
    names = PlanNames(plans)
    questions = [json.loads(line)["question"] for line in GOLD.read_text(encoding="utf-8").splitlines() if line]
    questions += ["What does the Western  Balkan plan say?", "the western balkan's plan", "eco-plan of bsec?",
                  "(ECO) and BSEC/CICA", "black sea economic cooperation", "western\nbalkan", ""]
    named_any = 0
    for q in questions:
        low = q.lower()
        assert [p.id for p in names.named_in(low)] == [p.id for p in _by_regex(plans, low)], q
        named_any += bool(names.named_in(low))
    assert named_any > 20
