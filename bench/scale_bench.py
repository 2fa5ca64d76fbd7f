"""Scale benchmark: synthetic corpora of ×1, ×10, ×100 and ×1000 the real corpus's sections, indexed
and served in embedded mode and against a ``chroma run`` server on loopback.

Per scale and mode it measures, each in its own process so peaks are that process's own:

- index time and sections/s, cold and incremental (1% of files changed), with the time spent
  embedding split out (the target: time outside embedding under 20% of the total);
- index size on disk (the generation folder; in server mode the Chroma server's folder as well);
- peak RSS of ``plans index`` and of ``plans serve`` (VmHWM), and the Chroma server's;
- warm ``ask`` latency over HTTP (p50/p95/p99) per question kind, after one warm-up pass;
- cold start: wall time from launching ``plans ask "..."`` to its answer, and ``plans serve`` to ready.

Documents are embedded with the real model up to ``--real-up-to`` (default ×10). Above that, to keep
×1000 within the hour, passages take *pre-computed* vectors: real MiniLM vectors of a bank of
synthetic passages (built once, cached in the work folder), chosen by a hash of the passage with a
little deterministic noise so that no two are identical. Their embedding time is then the bank
lookup; the report extrapolates the model's time from the measured passages/s. Questions are always
embedded by the real model.

Run: ``.venv/bin/python bench/scale_bench.py [--scales 1,10,100,1000] [--modes embedded,server]``.
Results merge into ``bench/results/scale.json``; ``bench/report.py`` draws the plots. Not a test.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from bench.common import (  # noqa: E402
    ROOT,
    dir_size_mb,
    free_port,
    latency_summary,
    machine,
    own_peak_rss_mb,
    proc_status_mb,
    run_measured,
    time_to_first_line,
)

BIN = Path(sys.executable).parent
BANK_SIZE = 2048
COLD_RUNS = 3


# ---------------------------------------------------------------- embedders used by the index child

class TimedEmbedder:
    """Wraps an embedder and adds up the seconds spent in ``embed_documents``."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.name = getattr(inner, "name", type(inner).__name__)
        self.model_path = getattr(inner, "model_path", "")
        self.seconds = 0.0
        self.texts = 0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        t0 = time.perf_counter()
        out = self.inner.embed_documents(texts)
        self.seconds += time.perf_counter() - t0
        self.texts += len(texts)
        return out

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)

    def __getattr__(self, name: str) -> Any:
        if name == "encode_parts" and hasattr(self.inner, "encode_parts"):
            return self._encode_parts  # the indexer pools units from passages when the embedder can
        raise AttributeError(name)

    def _encode_parts(self, texts: list[str], parts: list[list[str]]) -> Any:
        t0 = time.perf_counter()
        out = self.inner.encode_parts(texts, parts)
        self.seconds += time.perf_counter() - t0
        self.texts += len(texts)
        return out


class BankEmbedder:
    """Pre-computed vectors: a real MiniLM vector from the bank, picked by the passage's hash, plus
    deterministic noise (so HNSW never sees duplicates). Same name as the real model, so the index
    is opened by the real query encoder without complaint."""

    def __init__(self, bank: Path, model_path: str) -> None:
        import numpy as np

        self.bank = np.load(bank)
        self.model_path = model_path
        self.name = "plans-st:" + os.path.basename(model_path.rstrip("/"))

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        import numpy as np

        out = []
        for t in texts:
            h = int.from_bytes(hashlib.blake2b(t.encode("utf-8", "replace"), digest_size=8).digest(), "little")
            rng = np.random.default_rng(h)
            v = self.bank[h % len(self.bank)] + rng.normal(0, 0.01, self.bank.shape[1]).astype(np.float32)
            out.append((v / np.linalg.norm(v)).tolist())
        return out

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


def child_index(args: argparse.Namespace) -> None:
    """Runs in its own process: one ``run_index``; prints a JSON line and its own peak RSS."""
    from indexer.embed import make_embedder
    from indexer.pipeline import run_index
    from plans.settings import Settings, packaged_model_path

    model = packaged_model_path()
    load_s = 0.0
    settings = Settings(corpus_dir=Path(args.corpus), data_dir=Path(args.data), chroma_url=args.chroma_url or "")
    if args.embed == "model":
        inner = make_embedder(settings)  # the indexer's own embedder, as `plans index` has it
        t0 = time.perf_counter()
        inner.embed_query("warm up")  # the model's load is reported apart from indexing
        load_s = time.perf_counter() - t0
    else:
        inner = BankEmbedder(Path(args.bank), model)
    emb = TimedEmbedder(inner)
    summary = run_index(settings, embedder=emb, progress=False)
    print(json.dumps({"seconds": round(summary.seconds, 2), "embed_seconds": round(emb.seconds, 2),
                      "texts_embedded": emb.texts,
                      "passages_embedded": summary.passages_embedded, "units_embedded": summary.units_embedded,
                      "model_load_s": round(load_s, 2),
                      "sections": summary.sections, "actions": summary.actions, "plans": summary.plans,
                      "indexed_files": len(summary.indexed), "unchanged_files": len(summary.unchanged),
                      "skipped": [f"{p.file}: {p.reason}" for p in summary.skipped][:5]}))
    print(f"PEAK_RSS_MB {own_peak_rss_mb():.1f}")


# ---------------------------------------------------------------- the parent: one scale, one mode

def build_bank(work: Path, seed: int) -> Path:
    """Real MiniLM vectors of BANK_SIZE synthetic passages (900-character windows of a ×1 corpus)."""
    path = work / f"bank-{BANK_SIZE}-seed{seed}.npy"
    if path.exists():
        return path
    import numpy as np

    from bench import synth
    from indexer.embed import SentenceEmbedder
    from plans.settings import packaged_model_path

    src = work / "bank-corpus"
    shutil.rmtree(src, ignore_errors=True)
    synth.generate(src, 1 + BANK_SIZE * 900 // 115_000, seed=seed + 1000)  # ~115 KB of text per x1
    windows = []
    for f in sorted(src.glob("*.txt")):
        text = " ".join(f.read_text(encoding="utf-8").split())
        windows += [text[i:i + 900] for i in range(0, len(text), 900)]
    windows = windows[:BANK_SIZE]
    print(f"building the embedding bank: {len(windows)} real vectors ...", flush=True)
    vecs = np.asarray(SentenceEmbedder(packaged_model_path()).embed_documents(windows), dtype=np.float32)
    np.save(path, vecs)
    shutil.rmtree(src, ignore_errors=True)
    return path


def start_chroma(path: Path, log: Path) -> tuple[subprocess.Popen, str]:
    import httpx

    port = free_port()
    env = dict(os.environ, ANONYMIZED_TELEMETRY="False")
    with open(log, "wb") as fh:
        proc = subprocess.Popen([str(BIN / "chroma"), "run", "--path", str(path), "--host", "127.0.0.1",
                                 "--port", str(port)], stdout=fh, stderr=subprocess.STDOUT, env=env,
                                stdin=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"`chroma run` exited: {log.read_text(errors='replace')[-500:]}")
        try:
            if httpx.get(f"{url}/api/v2/heartbeat", timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    proc.kill()
    raise SystemExit("`chroma run` gave no heartbeat in 60 s")


def stop(proc: subprocess.Popen | None) -> None:
    if proc and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def index_once(corpus: Path, data: Path, chroma_url: str, embed: str, bank: Path | None) -> dict:
    cmd = [sys.executable, __file__, "_index", "--corpus", str(corpus), "--data", str(data),
           "--embed", embed, "--chroma-url", chroma_url]
    if bank:
        cmd += ["--bank", str(bank)]
    code, out, err, wall, peak = run_measured(cmd, env=dict(os.environ), cwd=data.parent)
    if code != 0:
        raise SystemExit(f"indexing failed (exit {code}):\n{err[-2000:]}")
    result = json.loads([line for line in out.splitlines() if line.startswith("{")][-1])
    result["wall_s"] = round(wall, 2)
    result["peak_rss_mb"] = round(peak, 1)
    secs = max(result["seconds"], 1e-9)
    result["sections_per_s"] = round(result["sections"] / secs, 1)
    result["outside_embedding_share"] = round((result["seconds"] - result["embed_seconds"]) / secs, 3)
    return result


def plans_env(corpus: Path, data: Path, chroma_url: str) -> dict:
    return dict(os.environ, PLANS_CORPUS_DIR=str(corpus), PLANS_DATA_DIR=str(data),
                PLANS_CHROMA_URL=chroma_url, PLANS_LLM="", PYTHONUNBUFFERED="1")


def serve_and_ask(corpus: Path, data: Path, chroma_url: str, questions: list[dict], repeat: int,
                  ready_timeout: float) -> dict:
    import httpx

    port = free_port()
    t0 = time.perf_counter()
    log = data.parent / f"serve-{data.name}.log"
    with open(log, "wb") as fh:
        server = subprocess.Popen([str(BIN / "plans"), "serve", "--host", "127.0.0.1", "--port", str(port),
                                   "--log-level", "warning"], env=plans_env(corpus, data, chroma_url),
                                  cwd=data.parent, stdout=subprocess.DEVNULL, stderr=fh)
    base = f"http://127.0.0.1:{port}"
    try:
        while True:
            if server.poll() is not None:
                raise SystemExit(f"`plans serve` exited: {log.read_text(errors='replace')[-800:]}")
            try:
                if httpx.get(f"{base}/readyz", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.perf_counter() - t0 > ready_timeout:
                raise SystemExit(f"`plans serve` not ready in {ready_timeout:.0f} s")
            time.sleep(0.25)
        ready_s = time.perf_counter() - t0
        rss_ready = proc_status_mb(server.pid, "VmRSS")
        times: dict[str, list[float]] = {}
        routes: dict[str, dict[str, int]] = {}
        first_ms = None
        with httpx.Client(timeout=600) as client:
            for rep in range(repeat + 1):  # pass 0 warms up and is not counted
                for q in questions:
                    body = {"question": q["question"], "as_of": q.get("as_of")}
                    t = time.perf_counter()
                    r = client.post(f"{base}/api/ask", json=body)
                    ms = (time.perf_counter() - t) * 1000
                    if r.status_code != 200:
                        raise SystemExit(f"/api/ask answered {r.status_code}: {r.text[:300]}")
                    if first_ms is None:
                        first_ms = ms
                    if rep == 0:
                        a = r.json()
                        route = "refused" if a.get("refused") else a.get("route", "?")
                        routes.setdefault(q["kind"], {})
                        routes[q["kind"]][route] = routes[q["kind"]].get(route, 0) + 1
                    else:
                        times.setdefault(q["kind"], []).append(ms)
        every = [t for ts in times.values() for t in ts]
        return {"ready_s": round(ready_s, 2), "first_answer_ms": round(first_ms or 0, 1),
                "rss_ready_mb": round(rss_ready, 1), "rss_mb": round(proc_status_mb(server.pid, "VmRSS"), 1),
                "peak_rss_mb": round(proc_status_mb(server.pid, "VmHWM"), 1),
                "warm": {"overall": latency_summary(every)} | {k: latency_summary(v) for k, v in sorted(times.items())},
                "routes": routes}
    finally:
        stop(server)


def cold_ask(corpus: Path, data: Path, chroma_url: str, question: str, runs: int) -> dict:
    to_answer = []
    for _ in range(runs):
        to_answer.append(time_to_first_line([str(BIN / "plans"), "ask", question],
                                            env=plans_env(corpus, data, chroma_url), cwd=data.parent))
    return {"runs": runs, "median_s": round(statistics.median(to_answer), 2),
            "all_s": [round(x, 2) for x in to_answer]}


def run_one(scale: float, mode: str, args: argparse.Namespace, bank: Path | None,
            earlier: dict | None = None) -> dict:
    """One scale in one mode. ``--phase index`` builds and keeps the index (cold, then incremental);
    ``--phase serve`` measures serving on the kept index, keeping the index figures already written;
    ``--phase incremental`` indexes the kept index again with another 1% of its files changed;
    ``--phase all`` (the default) does both and removes the index unless ``--keep``."""
    from bench import synth

    work = Path(args.work)
    src = work / f"x{scale:g}" / "corpus"
    manifest_path = work / f"x{scale:g}" / "manifest.json"
    run_dir = work / f"x{scale:g}-{mode}"
    corpus, data = run_dir / "corpus", run_dir / "data"
    if args.phase in ("serve", "incremental"):
        if not data.exists() or not manifest_path.exists():
            raise SystemExit(f"no kept index at {run_dir}: run with --phase index first")
        if not earlier or "index_cold" not in earlier:
            raise SystemExit(f"{args.out} holds no index figures for x{scale:g} {mode}")
    elif not manifest_path.exists():
        t0 = time.perf_counter()
        shutil.rmtree(src, ignore_errors=True)
        manifest = synth.generate(src, scale, seed=args.seed)
        manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
        print(f"  generated ×{scale:g} in {time.perf_counter() - t0:.1f} s", flush=True)
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    questions = synth.questions(manifest, per_route=args.per_route, seed=args.seed)
    if args.phase in ("all", "index"):
        shutil.rmtree(run_dir, ignore_errors=True)
        run_dir.mkdir(parents=True)
        shutil.copytree(src, corpus)  # the incremental run changes files: never the generated originals
    files = sorted(p for p in corpus.iterdir() if p.is_file())
    corpus_mb = sum(p.stat().st_size for p in files) / 1e6
    embed = "model" if scale <= args.real_up_to else "bank"
    chroma = None
    chroma_url = ""
    result: dict = {"scale": scale, "mode": mode, "embedding": embed, "files": len(files),
                    "corpus_mb": round(corpus_mb, 1), "questions": len(questions)}
    if args.phase in ("serve", "incremental"):
        result |= {k: v for k, v in earlier.items() if k not in result}
    try:
        if mode == "server":
            chroma, chroma_url = start_chroma(run_dir / "chroma", run_dir / "chroma.log")
        if args.phase in ("all", "index"):
            print(f"  ×{scale:g} {mode}: cold index of {len(files)} files ({corpus_mb:.0f} MB), {embed} embeddings",
                  flush=True)
            result["index_cold"] = index_once(corpus, data, chroma_url, embed, bank)
            print(f"    {json.dumps(result['index_cold'])}", flush=True)
            result["index_measured"] = time.strftime("%Y-%m-%d %H:%M")
        if args.phase != "serve":
            # 1% of the files changed: after the cold run, or again on a kept index (other files)
            result.pop("index_incremental_not_measured", None)
            changed = synth.mutate(corpus, 0.01, seed=args.seed + (args.phase == "incremental"))
            result["index_incremental"] = index_once(corpus, data, chroma_url, embed, bank)
            result["index_incremental"]["changed_files"] = len(changed)
            print(f"    incremental ({len(changed)} files): {json.dumps(result['index_incremental'])}", flush=True)
            result["disk_mb"] = {"data_dir": round(dir_size_mb(data), 1)}
            if chroma:
                result["disk_mb"]["chroma_server"] = round(dir_size_mb(run_dir / "chroma"), 1)
        if args.phase in ("all", "serve"):
            result["serve"] = serve_and_ask(corpus, data, chroma_url, questions, args.repeat, args.ready_timeout)
            print(f"    serve: {json.dumps({k: v for k, v in result['serve'].items() if k != 'routes'})}",
                  flush=True)
            by_number = next((q["question"] for q in questions if q["kind"] == "by_number"),
                             questions[0]["question"])
            result["cold_ask"] = cold_ask(corpus, data, chroma_url, by_number, args.cold)
            print(f"    cold ask: {result['cold_ask']}", flush=True)
        if chroma:
            result["chroma_server_peak_rss_mb"] = round(proc_status_mb(chroma.pid, "VmHWM"), 1)
    finally:
        stop(chroma)
    if args.phase == "all" and not args.keep:
        shutil.rmtree(run_dir, ignore_errors=True)
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd")
    ci = sub.add_parser("_index", help="internal: one indexing run in its own process")
    ci.add_argument("--corpus", required=True)
    ci.add_argument("--data", required=True)
    ci.add_argument("--embed", choices=["model", "bank"], default="model")
    ci.add_argument("--bank", default="")
    ci.add_argument("--chroma-url", default="")
    ap.add_argument("--scales", default="1,10,100,1000")
    ap.add_argument("--modes", default="embedded,server")
    ap.add_argument("--work", default="/tmp/plans-scale", help="where corpora, indexes and the bank go")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--real-up-to", type=float, default=10, help="largest scale embedded by the real model")
    ap.add_argument("--per-route", type=int, default=5, help="questions per kind")
    ap.add_argument("--repeat", type=int, default=3, help="timed passes over the questions")
    ap.add_argument("--cold", type=int, default=COLD_RUNS)
    ap.add_argument("--ready-timeout", type=float, default=3600)
    ap.add_argument("--keep", action="store_true", help="keep the indexes after measuring")
    ap.add_argument("--phase", choices=["all", "index", "serve", "incremental"], default="all",
                    help="index: build and keep the index only; serve: measure serving on a kept index; "
                         "incremental: index a kept index again with another 1%% of its files changed")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "scale.json"))
    args = ap.parse_args()
    if args.cmd == "_index":
        child_index(args)
        return
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    out = Path(args.out)
    results = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {"runs": {}}
    results["machine"] = machine()
    scales = [float(s) for s in args.scales.split(",") if s]
    bank = (build_bank(work, args.seed) if args.phase != "serve" and any(s > args.real_up_to for s in scales)
            else None)
    for scale in scales:
        for mode in [m for m in args.modes.split(",") if m]:
            print(f"×{scale:g} {mode} ...", flush=True)
            t0 = time.perf_counter()
            key = f"x{scale:g}-{mode}"
            r = run_one(scale, mode, args, bank if scale > args.real_up_to else None, results["runs"].get(key))
            r["bench_wall_s"] = round(time.perf_counter() - t0, 1)
            if args.phase in ("all", "serve"):
                r["measured"] = time.strftime("%Y-%m-%d %H:%M")
            r["machine"] = machine()  # rows of one file can come from different hosts
            results["runs"][key] = r
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
