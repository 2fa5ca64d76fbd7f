"""Load benchmark (not a test): N concurrent clients on loopback ask the gold questions of a real
`plans serve` for a bounded time; reports throughput, latency percentiles, errors and the
server's memory before and after.

Run: ``.venv/bin/python bench/load_bench.py [--clients 4] [--seconds 30]`` (uses the serving
index under PLANS_DATA_DIR; run ``plans index`` first). Writes bench/results/load.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import ROOT, free_port, percentile, proc_status_mb  # noqa: E402


def rss_mb(pid: int) -> float:
    return proc_status_mb(pid, "VmRSS")


def pct(values: list[float], q: float) -> float:
    return percentile(values, q) if values else float("nan")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--gold", default=str(ROOT / "eval/gold/dev.jsonl"))
    ap.add_argument("--max-growth-mb", type=float, default=150.0,
                    help="the server's RSS may grow at most this much over the run")
    args = ap.parse_args()
    items = [json.loads(line) for line in Path(args.gold).read_text().splitlines() if line.strip()]
    port = free_port()
    server = subprocess.Popen([str(ROOT / ".venv/bin/plans"), "serve", "--port", str(port), "--log-level",
                               "warning"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        else:
            sys.exit("the server did not become ready in 120 s")
        # one warm-up pass so the first questions do not pay for lazy loading
        with httpx.Client(timeout=60) as c:
            for it in items[:5]:
                c.post(f"{base}/api/ask", json={"question": it["question"], "as_of": it.get("as_of")})
        rss_before = rss_mb(server.pid)
        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        stop_at = time.monotonic() + args.seconds

        def client(k: int) -> None:
            i = k
            with httpx.Client(timeout=60) as c:
                while time.monotonic() < stop_at:
                    it = items[i % len(items)]
                    i += args.clients
                    t0 = time.perf_counter()
                    try:
                        r = c.post(f"{base}/api/ask", json={"question": it["question"], "as_of": it.get("as_of")})
                        ok = r.status_code == 200 and "answer" in r.json()
                        err = None if ok else f"{r.status_code}"
                    except httpx.HTTPError as exc:
                        err = type(exc).__name__
                    ms = (time.perf_counter() - t0) * 1000
                    with lock:
                        latencies.append(ms)
                        if err:
                            errors.append(err)

        threads = [threading.Thread(target=client, args=(k,)) for k in range(args.clients)]
        t0 = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - t0
        rss_after = rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    result = {
        "clients": args.clients, "seconds": round(elapsed, 1), "requests": len(latencies),
        "errors": len(errors), "error_kinds": sorted(set(errors)),
        "throughput_rps": round(len(latencies) / elapsed, 2),
        "latency_ms": {"p50": round(pct(latencies, 50), 1), "p95": round(pct(latencies, 95), 1),
                       "p99": round(pct(latencies, 99), 1),
                       "mean": round(statistics.fmean(latencies), 1) if latencies else None},
        "server_rss_mb": {"before": round(rss_before, 1), "after": round(rss_after, 1),
                          "bound_growth": args.max_growth_mb},
        "machine": {"cores": os.cpu_count()},
    }
    out = ROOT / "bench/results/load.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"{args.clients} clients for {elapsed:.0f} s on loopback: {len(latencies)} requests, "
          f"{result['throughput_rps']} req/s, errors {len(errors)}")
    print(f"latency ms p50 {result['latency_ms']['p50']}  p95 {result['latency_ms']['p95']}  "
          f"p99 {result['latency_ms']['p99']}")
    print(f"server RSS {rss_before:.0f} MB before, {rss_after:.0f} MB after ({os.cpu_count()} cores)")
    print(f"wrote {out.relative_to(ROOT)}")
    growth = rss_after - rss_before
    if errors or growth > args.max_growth_mb:
        sys.exit(f"FAIL: {len(errors)} errors, RSS grew {growth:.0f} MB (bound {args.max_growth_mb:.0f} MB)")
    print(f"PASS: no errors, RSS grew {growth:.0f} MB (bound {args.max_growth_mb:.0f} MB)")


if __name__ == "__main__":
    main()
