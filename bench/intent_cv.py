"""Intent heads compared: kNN vs logistic vs logistic + form features.

Run: ``.venv/bin/python bench/intent_cv.py [--gold /tmp/gold_tune.jsonl] [--folds 5] [--seeds 3]``
from the project folder. Measures, per head, the cross-validated accuracy over the examples of
``assistant/intents.yaml`` (held-out phrasings; stratified folds, several seeds) and the accuracy of
the answer *kind* on the gold tuning questions (gold ``type`` mapped to a kind; ``unanswerable``
skipped), trained on all examples. Also a small grid of each head's settings (scored by CV only,
never by the gold questions), how right the out-of-fold predictions are per confidence band (for the
threshold), the warm start-up time and the classify latency. Prints tables and writes
``bench/results/intent.json``. A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant import intent as ic  # noqa: E402
from bench.common import latency_summary  # noqa: E402

TYPE_TO_KIND = {"driver": "driver", "funding": "funding", "budget": "budget", "deadline": "deadline",
                "content": "content", "cross_plan": "cross_plan", "overview": "overview",
                "aggregate": "aggregate", "meta": "capabilities"}
GRIDS: dict[str, list[dict[str, float]]] = {
    "knn": [{"k": k, "temperature": t} for k in (1, 5, 7, 11) for t in (0.02, 0.05, 0.1)],
    "logistic": [{"l2": l2} for l2 in (1e-5, 1e-4, 1e-3)],
    "logistic+form": [{"l2": l2, "form_weight": fw} for l2 in (1e-5, 1e-4, 1e-3) for fw in (0.25, 0.5, 1.0)],
}


def cv_accuracy(ex: ic.Examples, vecs: np.ndarray, head: str, folds: int, seeds: int, *, kind: bool = False,
                **kw: float) -> float:
    """Mean held-out accuracy of the intent label (or, with ``kind``, of the answer kind)."""
    to = np.array([ex.kinds[n] for n in ex.names]) if kind else np.arange(len(ex.names))
    accs = [float((to[ic.cross_validate(ex, vecs, head, folds=folds, seed=s, **kw).argmax(1)] == to[ex.labels]).mean())
            for s in range(seeds)]
    return round(float(np.mean(accs)), 4)


def gold_kind_accuracy(ex: ic.Examples, vecs: np.ndarray, head: str, questions: list[str], kinds: list[str],
                       qvecs: np.ndarray, types: list[str], **kw: float) -> dict:
    fw = kw.pop("form_weight", ic.FORM_WEIGHT)
    model = ic.fit_head(head, ic.design(vecs, ex.texts, head, fw), ex.labels, len(ex.names), **kw)
    probs = model.proba(ic.design(qvecs, questions, head, fw))
    got = [ex.kinds[ex.names[i]] for i in probs.argmax(1)]
    conf = probs.max(1)
    per: dict[str, list[int]] = defaultdict(list)
    for g, k, t in zip(got, kinds, types):
        per[t].append(int(g == k))
    confident = conf >= ic.THRESHOLD
    right = np.array([g == k for g, k in zip(got, kinds)])
    return {"accuracy": round(float(right.mean()), 4),
            "per_type": {t: f"{sum(v)}/{len(v)}" for t, v in sorted(per.items())},
            "unsure": int((~confident).sum()),
            "accuracy_when_sure": round(float(right[confident].mean()), 4) if confident.any() else None,
            "errors": [{"type": t, "got": g, "conf": round(float(c), 2)}
                       for g, k, t, c in zip(got, kinds, types, conf) if g != k]}


def confidence_bands(ex: ic.Examples, vecs: np.ndarray, folds: int, seeds: int) -> list[dict]:
    conf, right = [], []
    for s in range(seeds):
        p = ic.cross_validate(ex, vecs, "logistic+form", folds=folds, seed=s)
        conf.append(p.max(1))
        right.append(p.argmax(1) == ex.labels)
    c, r = np.concatenate(conf), np.concatenate(right)
    edges = [0.0, 0.3, 0.4, 0.5, 0.6, 0.8, 1.01]
    bands = [{"band": f"{lo:.2f}-{hi:.2f}", "n": int(m.sum()), "accuracy": round(float(r[m].mean()), 3)}
             for lo, hi in zip(edges, edges[1:]) if (m := (c >= lo) & (c < hi)).any()]
    sweep = [{"threshold": t, "unsure_share": round(float((c < t).mean()), 3),
              "accuracy_below": round(float(r[c < t].mean()), 3) if (c < t).any() else None,
              "accuracy_above": round(float(r[c >= t].mean()), 3)} for t in (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)]
    return bands + sweep


def phrasing_accuracy(clf: ic.IntentClassifier) -> dict[str, dict]:
    """The chosen head's intent accuracy on the hand-written phrasing sets in eval/phrasings/."""
    out = {}
    for path in sorted((ROOT / "eval" / "phrasings").glob("*.tsv")):
        rows = [line.split("\t", 1) for line in path.read_text().splitlines() if "\t" in line]
        got = clf.classify_many([q for _, q in rows])
        misses = [f"{q} ({want} -> {g.label})" for (want, q), g in zip(rows, got) if g.label != want]
        out[path.stem] = {"n": len(rows), "right": len(rows) - len(misses), "misses": misses}
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gold", default="/tmp/gold_tune.jsonl")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--cache-dir", default=str(Path(tempfile.gettempdir()) / "plans-intent-cache"))
    args = ap.parse_args()

    from indexer.embed import make_query_embedder
    from plans.settings import get_settings

    emb = make_query_embedder(get_settings())

    def embed(xs: list[str]) -> np.ndarray:
        return np.array(emb.embed_documents(xs), dtype=np.float32)

    t0 = time.perf_counter()
    ex = ic.load_examples()
    vecs = ic.example_vectors(ex, embed, Path(args.cache_dir), ic._model_name(emb.embed_documents))
    first_load_s = time.perf_counter() - t0
    gold = [json.loads(line) for line in Path(args.gold).read_text().splitlines() if line.strip()]
    gold = [g for g in gold if g["type"] in TYPE_TO_KIND]
    questions = [g["question"] for g in gold]
    kinds, types = [TYPE_TO_KIND[g["type"]] for g in gold], [g["type"] for g in gold]
    qvecs = embed(questions)
    print(f"{len(ex.texts)} examples over {len(ex.names)} intents "
          f"({dict(Counter(ex.names[i] for i in ex.labels))}); {len(gold)} gold questions")

    grid: dict[str, list[dict]] = {}
    best: dict[str, dict[str, float]] = {}
    for head, options in GRIDS.items():
        grid[head] = [{**kw, "cv": cv_accuracy(ex, vecs, head, args.folds, args.seeds, **kw)} for kw in options]
        best[head] = {k: v for k, v in max(grid[head], key=lambda r: r["cv"]).items() if k != "cv"}
        print(f"grid {head}: " + ", ".join(f"{ {k: v for k, v in r.items() if k != 'cv'} }={r['cv']}"
                                            for r in grid[head]))

    heads: dict[str, dict] = {}
    print(f"\n{'head':16} {'settings':34} {'cv acc':>7} {'cv kind':>7} {'gold kind':>9}  per type")
    for head in ic.HEADS:
        defaults = ({"k": ic.KNN_K, "temperature": ic.KNN_TEMPERATURE} if head == "knn" else
                    {"l2": ic.L2} | ({"form_weight": ic.FORM_WEIGHT} if head == "logistic+form" else {}))
        cv = cv_accuracy(ex, vecs, head, args.folds, args.seeds, **defaults)
        cvk = cv_accuracy(ex, vecs, head, args.folds, args.seeds, kind=True, **defaults)
        gk = gold_kind_accuracy(ex, vecs, head, questions, kinds, qvecs, types, **dict(defaults))
        heads[head] = {"settings": defaults, "best_cv_settings": best[head], "cv_accuracy": cv,
                       "cv_kind_accuracy": cvk, "gold": gk}
        print(f"{head:16} {json.dumps(defaults):34} {cv:7.3f} {cvk:7.3f} {gk['accuracy']:9.3f}  {gk['per_type']}")

    bands = confidence_bands(ex, vecs, args.folds, args.seeds)
    print("\nout-of-fold confidence (logistic+form), bands then threshold sweep:")
    for row in bands:
        print("  ", row)

    t0 = time.perf_counter()
    clf = ic.IntentClassifier.load(embed, args.cache_dir, model_name=ic._model_name(emb.embed_documents))
    warm_start_ms = (time.perf_counter() - t0) * 1000
    embed(["warm up"])
    full, head_only = [], []
    for q, v in zip(questions, qvecs):
        t = time.perf_counter()
        clf.classify(q)
        full.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        clf.classify(q, v)
        head_only.append((time.perf_counter() - t) * 1000)
    phrasings = phrasing_accuracy(clf)
    print("hand-written phrasings:", {k: f"{v['right']}/{v['n']}" for k, v in phrasings.items()})
    print(f"\nfirst load (embedding examples unless cached) {first_load_s:.2f} s; warm start {warm_start_ms:.0f} ms; "
          f"classify incl. embedding {latency_summary(full)}; head only {latency_summary(head_only)}")

    out = {"examples": len(ex.texts), "intents": list(ex.names), "gold_questions": len(gold),
           "folds": args.folds, "seeds": args.seeds, "chosen_head": "logistic+form", "threshold": ic.THRESHOLD,
           "heads": heads, "grid": grid, "phrasings": phrasings, "confidence_bands": bands,
           "warm_start_ms": round(warm_start_ms, 1), "classify_ms": latency_summary(full),
           "classify_head_only_ms": latency_summary(head_only)}
    path = ROOT / "bench" / "results" / "intent.json"
    path.write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
