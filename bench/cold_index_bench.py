"""Whole-process cold ``plans index`` against a reference process that only imports and loads the
same model and embeds the corpus text once, in 200-token windows (issue #17).

Each side runs in its own fresh process, alternately (reference, index, [index of an older code
tree], reference, ...), so all see the same machine noise; the figure is the median of ``--runs``
wall times per side and the ratio of the medians. Each ``plans index`` gets a fresh data folder (a
cold index: every file parsed and embedded, the model loaded in the process).

The reference process (``_reference``): ``import`` the embedder, load the packaged model, read the
corpus files as the indexer does, tokenise their text and embed it in windows of 200 word pieces
(whitespace-joined, cut at word-piece boundaries on the original text), nothing else. ``--backend``
picks which embedder the reference uses: ``st`` (sentence-transformers with PyTorch, what the issue
measured) or ``indexer`` (whatever ``indexer.embed.make_embedder`` gives on that code tree).

Run: ``.venv/bin/python bench/cold_index_bench.py [--runs 3] [--before /path/to/older/tree]``.
Writes ``bench/results/cold_index.json``. Not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import ROOT, machine, name_values, run_measured, write_result  # noqa: E402

WINDOW_TOKENS = 200


def corpus_windows(corpus: Path, tokenizer_json: str, window: int = WINDOW_TOKENS) -> list[str]:
    """The corpus text (files as the indexer reads them, whitespace-joined) cut into windows of
    ``window`` word pieces, at word-piece boundaries of the original text."""
    from tokenizers import Tokenizer

    from indexer.load import load_corpus

    docs, _ = load_corpus(corpus, progress=False)
    tok = Tokenizer.from_file(tokenizer_json)
    tok.no_padding()
    tok.no_truncation()
    out: list[str] = []
    for d in docs:
        text = " ".join(d.text.split())
        offsets = tok.encode(text, add_special_tokens=False).offsets
        for i in range(0, len(offsets), window):
            piece = offsets[i:i + window]
            out.append(text[piece[0][0]:piece[-1][1]])
    return out


def corpus_tokens(corpus: Path, tokenizer_json: str) -> int:
    """Word pieces in the corpus text (no special tokens): the 'tokens' of tokens/s."""
    from tokenizers import Tokenizer

    from indexer.load import load_corpus

    docs, _ = load_corpus(corpus, progress=False)
    tok = Tokenizer.from_file(tokenizer_json)
    tok.no_padding()
    tok.no_truncation()
    return sum(len(tok.encode(" ".join(d.text.split()), add_special_tokens=False).ids) for d in docs)


def child_reference(args: argparse.Namespace) -> None:
    """A fresh process: import and load the model, embed the corpus windows once, print a line."""
    t0 = time.perf_counter()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from plans.settings import Settings, packaged_model_path

    model = packaged_model_path()
    if args.backend == "st":
        from indexer.embed import SentenceEmbedder

        emb = SentenceEmbedder(model)
    else:
        from indexer.embed import make_embedder

        emb = make_embedder(Settings(corpus_dir=Path(args.corpus), data_dir=Path(tempfile.gettempdir())))
    emb.embed_query("load")  # loads the weights
    t_loaded = time.perf_counter()
    windows = corpus_windows(Path(args.corpus), os.path.join(model, "tokenizer.json"))
    vecs = emb.embed_documents(windows)
    t_end = time.perf_counter()
    print(json.dumps({"windows": len(windows), "vectors": len(vecs), "import_load_s": round(t_loaded - t0, 2),
                      "embed_s": round(t_end - t_loaded, 2)}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd")
    ref = sub.add_parser("_reference", help="internal: the reference process")
    ref.add_argument("--corpus", required=True)
    ref.add_argument("--backend", choices=["st", "indexer"], default="st")
    ap.add_argument("--corpus", default=str(ROOT / "corpus"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--backend", choices=["st", "indexer"], default="st", help="the reference's embedder")
    ap.add_argument("--before", default="", help="an older code tree whose plans index runs alternately too")
    ap.add_argument("--label", action="append", default=[], metavar="SIDE=TEXT",
                    help="how the tables name a side (reference, index, index_before)")
    ap.add_argument("--json", default=str(ROOT / "bench" / "results" / "cold_index.json"))
    args = ap.parse_args()
    if args.cmd == "_reference":
        child_reference(args)
        return
    labels = name_values(args.label, "--label")  # before minutes of runs

    from plans.settings import packaged_model_path

    work = Path(tempfile.mkdtemp(prefix="plans-cold-index-"))
    corpus = work / "corpus"
    shutil.copytree(args.corpus, corpus)
    tokens = corpus_tokens(corpus, os.path.join(packaged_model_path(), "tokenizer.json"))
    base_env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", ANONYMIZED_TELEMETRY="False",
                    PLANS_CORPUS_DIR=str(corpus), PLANS_CHROMA_URL="", PLANS_LLM="")
    sides: dict[str, list[float]] = {"reference": [], "index": []}
    details: dict[str, list[dict]] = {"reference": [], "index": []}
    trees = {"index": ROOT}
    if args.before:
        trees["index_before"] = Path(args.before).resolve()
        sides["index_before"] = []
        details["index_before"] = []
    try:
        for run in range(args.runs):
            code, out, err, wall, _ = run_measured(
                [sys.executable, str(Path(__file__).resolve()), "_reference", "--corpus", str(corpus),
                 "--backend", args.backend], env=dict(base_env, PYTHONPATH=str(ROOT)), cwd=ROOT)
            if code != 0:
                raise SystemExit(f"the reference process failed (exit {code}):\n{err[-2000:]}")
            sides["reference"].append(wall)
            details["reference"].append(json.loads(out.strip().splitlines()[-1]))
            for side, tree in trees.items():
                data = work / f"data-{side}-{run}"
                code, out, err, wall, _ = run_measured(
                    [sys.executable, "-m", "bots.cli", "index", "--quiet"],
                    env=dict(base_env, PYTHONPATH=str(tree), PLANS_DATA_DIR=str(data)), cwd=tree)
                if code != 0:
                    raise SystemExit(f"plans index ({side}) failed (exit {code}):\n{err[-2000:]}")
                sides[side].append(wall)
                details[side].append({"summary": out.strip().splitlines()[-1]})
                shutil.rmtree(data, ignore_errors=True)
            print(f"run {run + 1}: " + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in sides.items()), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    med = {k: statistics.median(v) for k, v in sides.items()}
    result = {
        "machine": machine(),
        "measured": time.strftime("%Y-%m-%d %H:%M"),
        "corpus": {"path": str(args.corpus), "tokens": tokens},
        "reference_backend": args.backend,
        "window_tokens": WINDOW_TOKENS,
        "runs": args.runs,
        "wall_s": {k: [round(x, 2) for x in v] for k, v in sides.items()},
        "median_s": {k: round(v, 2) for k, v in med.items()},
        "ratio_index_to_reference": round(med["index"] / med["reference"], 3),
        "details": details,
    }
    if "index_before" in med:
        result["ratio_before_to_reference"] = round(med["index_before"] / med["reference"], 3)
        result["before_tree"] = str(args.before)
    if labels:
        result["labels"] = labels
    out_path = write_result(args.json, result)
    print(json.dumps({k: result[k] for k in ("median_s", "ratio_index_to_reference")}
                     | ({"ratio_before_to_reference": result["ratio_before_to_reference"]}
                        if "index_before" in med else {})))
    print(f"written to {out_path}")


if __name__ == "__main__":
    main()
