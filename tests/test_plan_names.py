"""The lookup table of plan names finds exactly the plans that one regular expression per name
finds, on every gold question and on edge cases of word boundaries."""

from __future__ import annotations

import json
import re

from assistant.names import title_names
from assistant.service import PlanNames
from indexer.embed import FakeEmbedder
from indexer.pipeline import open_records, run_index
from tests.conftest import GOLD


def _by_regex(plans, q: str):
    return [p for p in plans
            if any(re.search(rf"(?<![\w-]){re.escape(a)}(?![\w-])", q)
                   for a in {p.organisation.lower()} | title_names(p) if a)]


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


def test_driver_names_found_as_one_regex_per_name_finds_them(fake_settings):
    from assistant.listing import _driver_named
    from assistant.names import NameTable

    run_index(fake_settings, embedder=FakeEmbedder(), progress=False)
    actions = open_records(fake_settings).actions()
    names = sorted({d for x in actions for d in x.drivers if len(d) <= 60})
    table = NameTable(n.lower() for n in names if len(n) >= 3)
    questions = [f"What does {n} lead?" for n in names] + [f"Is {n}'s (or {n}-led) work funded?" for n in names[:40]]
    questions += ["What does the U.S. Embassy drive?", "what does interpol and europol lead", ""]
    for q in questions:
        low = q.lower()
        slow = None
        for n in names:
            if len(n) >= 3 and re.search(rf"(?<![\w-]){re.escape(n.lower())}(?![\w-])", low):
                # the longest; of equally long ones, the one spelt as asked ("Cepol", not "CEPOL")
                if slow is None or len(n) > len(slow) or (len(n) == len(slow) and n in q and slow not in q):
                    slow = n
        assert _driver_named(names, q, table) == slow, q
