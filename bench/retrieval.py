"""Retrieval quality on a gold file: hit@k and MRR for dense alone, lexical alone and fused.

Run: ``.venv/bin/python bench/retrieval.py [--gold eval/gold/dev.jsonl] [--k 5]``. Uses the serving
index and the assistant's own query preparation (plan filter, acronyms, synonyms).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.service import Assistant  # noqa: E402
from eval.run import RawTexts  # noqa: E402
from eval.score import hit_rank, load_gold  # noqa: E402
from plans.settings import get_settings  # noqa: E402

CONFIGS = {
    "score fusion 1:1": ("hybrid", {"dense": 1.0, "lexical": 1.0}, "score"),
    "score fusion 1:2": ("hybrid", {"dense": 1.0, "lexical": 2.0}, "score"),
    "score fusion 1:1.5": ("hybrid", {"dense": 1.0, "lexical": 1.5}, "score"),
    "dense": ("dense", {"dense": 1.0, "lexical": 1.0}),
    "lexical": ("lexical", {"dense": 1.0, "lexical": 1.0}),
    "fused (RRF 1:1)": ("hybrid", {"dense": 1.0, "lexical": 1.0}),
    "fused (RRF 1:1.5)": ("hybrid", {"dense": 1.0, "lexical": 1.5}),
    "fused (RRF 1:2)": ("hybrid", {"dense": 1.0, "lexical": 2.0}),
    "fused (RRF 1:3)": ("hybrid", {"dense": 1.0, "lexical": 3.0}),
}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gold", default="eval/gold/dev.jsonl")
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    settings = get_settings()
    bot = Assistant(settings)
    texts = RawTexts(settings.corpus_dir)
    items = [i for i in load_gold(args.gold) if not i.expect_refusal]
    results = {}
    for name, (mode, weights, *fusion) in CONFIGS.items():
        bot.retriever.weights = weights
        bot.retriever.fusion = fusion[0] if fusion else "rrf"
        ranks = []
        for item in items:
            plans = bot.plans_named_in(item.question)
            q = bot.answerer.prepare(item.question, plans)
            hits = bot.retriever.search(q.text, k=args.k, plan_ids=[p.id for p in plans] or None,
                                        mode=mode, lexical_query=q.lexical)
            ranked = [(h.section, texts.span(h.section)) for h in hits]
            ranks.append(hit_rank(item, ranked, args.k))
        hit = sum(r is not None for r in ranks) / len(ranks)
        mrr = sum(1 / r for r in ranks if r) / len(ranks)
        results[name] = {"hit_at_k": round(hit, 3), "mrr": round(mrr, 3)}
        print(f"{name:20s} hit@{args.k} {hit:.1%}  MRR {mrr:.3f}")
    if args.json:
        Path(args.json).write_text(json.dumps({"k": args.k, "n": len(items), "results": results}, indent=2))


if __name__ == "__main__":
    main()
