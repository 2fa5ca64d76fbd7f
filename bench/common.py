"""Small helpers the benchmarks share: percentiles, ports, process memory, the machine's size."""

from __future__ import annotations

import json
import math
import os
import platform
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (no interpolation: every figure is a measured value)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def latency_summary(ms: list[float]) -> dict:
    return {"n": len(ms), "p50_ms": round(percentile(ms, 50), 1), "p95_ms": round(percentile(ms, 95), 1),
            "p99_ms": round(percentile(ms, 99), 1), "max_ms": round(max(ms), 1)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_status_mb(pid: int, field: str = "VmHWM") -> float:
    """A memory line of /proc/<pid>/status in MB: VmHWM is the peak resident set, VmRSS the current."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run_measured(cmd: list[str], *, env: dict | None = None, cwd: Path | None = None,
                 timeout: float | None = None) -> tuple[int, str, str, float, float]:
    """Run a command to its end: (exit code, stdout, stderr, wall seconds, peak RSS in MB of that
    process alone, which the child prints as a ``PEAK_RSS_MB <mb>`` line; NaN if it does not)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
    wall = time.perf_counter() - t0
    peak = float("nan")
    for line in reversed(out.splitlines()):
        if line.startswith("PEAK_RSS_MB "):
            peak = float(line.split()[1])
            break
    return proc.returncode, out, err, wall, peak


def time_to_first_line(cmd: list[str], *, env: dict | None = None, cwd: Path | None = None) -> float:
    """Seconds from launching ``cmd`` to its first line of output (a cold ``plans ask``'s answer);
    the process is then read to its end. Exits the bench when it fails or prints nothing."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert proc.stdout is not None
    first = proc.stdout.readline()
    took = time.perf_counter() - t0
    proc.stdout.read()
    proc.wait()
    if proc.returncode != 0 or not first.strip():
        raise SystemExit(f"`{' '.join(cmd[-3:])}` failed in {cwd} (exit {proc.returncode})")
    return took


def name_values(items: list[str], option: str) -> dict[str, str]:
    """Repeated ``--option NAME=VALUE`` arguments as a dict; one without "=" stops the bench with a sentence."""
    bad = [x for x in items if "=" not in x]
    if bad:
        raise SystemExit(f"{option} takes NAME=VALUE, not {bad[0]!r}")
    return dict(x.split("=", 1) for x in items)


def write_result(path: Path | str, result: dict) -> Path:
    """Write a bench's result as indented JSON (its folder made if needed); returns the path."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return out


def own_peak_rss_mb() -> float:
    """This process's peak RSS. On Linux from VmHWM: ``ru_maxrss`` survives exec, so a child started
    by a large parent would report the parent's peak."""
    if Path("/proc/self/status").exists():
        return proc_status_mb(os.getpid(), "VmHWM")
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def dir_size_mb(path: Path) -> float:
    total = 0
    for p in Path(path).rglob("*"):
        if p.is_file() and not p.is_symlink():
            total += p.stat().st_size
    return total / (1024 * 1024)


def machine() -> dict:
    mem_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    cpu, flags = "", set()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name") and not cpu:
                cpu = line.split(":", 1)[1].strip()
            elif line.startswith("flags") and not flags:
                flags = set(line.split(":", 1)[1].split())
    except OSError:
        pass
    # the vector units the model's matrix products can use: the same code runs at very different
    # rates on hosts with and without them, so a result says which it had
    isa = [f for f in ("avx2", "avx512f", "avx512_vnni", "avx512_bf16", "amx_bf16", "amx_int8") if f in flags]
    return {"cores": os.cpu_count(), "memory_gb": mem_gb, "cpu": cpu, "isa": isa,
            "python": platform.python_version(), "platform": platform.platform()}
