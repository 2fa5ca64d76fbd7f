"""Plots and tables for docs/performance.md from the benchmarks' JSON (``bench/results/``).

Run: ``.venv/bin/python bench/report.py`` after ``bench/scale_bench.py`` (``make bench`` does both).
Draws one PNG per figure into ``docs/perf/`` and rewrites the part of ``docs/performance.md``
between the ``generated`` markers; the prose around them is kept.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import ROOT  # noqa: E402

RESULTS = ROOT / "bench" / "results"
DOC = ROOT / "docs" / "performance.md"
PLOTS = ROOT / "docs" / "perf"
START, END = "<!-- generated:start -->", "<!-- generated:end -->"
MODES = ("embedded", "server")
STYLE = {"embedded": "o-", "server": "s--"}


def runs_by_mode(scale: dict) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {m: [] for m in MODES}
    for r in scale["runs"].values():
        if "serve" in r:  # an index kept by --phase index is not served yet
            out.setdefault(r["mode"], []).append(r)
    return {m: sorted(rs, key=lambda r: r["scale"]) for m, rs in out.items() if rs}


def _axes(title: str, ylabel: str, log: bool = True):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 4.0), dpi=110)
    ax.set_title(title)
    ax.set_xlabel("corpus size (sections, log scale)")
    ax.set_ylabel(ylabel)
    ax.set_xscale("log")
    if log:
        ax.set_yscale("log")
    ax.grid(True, which="both", alpha=0.3)
    return fig, ax


def _save(fig, name: str) -> str:
    PLOTS.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(PLOTS / name)
    import matplotlib.pyplot as plt

    plt.close(fig)
    return f"perf/{name}"


def _sections(r: dict) -> int:
    return r["index_cold"]["sections"]


def _incremental(r: dict) -> float | None:
    """The incremental index time, None where it was not measured (see the run's note)."""
    return r["index_incremental"]["seconds"] if "index_incremental" in r else None


def _seconds(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def _figure(by_mode: dict[str, list[dict]], title: str, ylabel: str, series: list, file: str, *,
            target: tuple[float, str] | None = None, log: bool = True, legend: dict | None = None) -> str:
    """One plot: for each mode, each (value of a run, label suffix, alpha) series against size."""
    fig, ax = _axes(title, ylabel, log)
    for m, rs in by_mode.items():
        xs = [_sections(r) for r in rs]
        for value, suffix, alpha in series:
            ax.plot(xs, [value(r) for r in rs], STYLE[m], alpha=alpha, label=f"{m}{suffix}")
    if target:
        ax.axhline(target[0], color="red", lw=0.8, label=target[1])
    ax.legend(**(legend or {"fontsize": 8}))
    return _save(fig, file)


def plots(by_mode: dict[str, list[dict]]) -> list[tuple[str, str]]:
    latency = [(lambda r, p=p: r["serve"]["warm"]["overall"][p], f" {p[:3]}", alpha)
               for p, alpha in (("p50_ms", 1.0), ("p95_ms", 0.6), ("p99_ms", 0.3))]
    made = [
        ("Index time, cold and incremental",
         _figure(by_mode, "Index time", "seconds",
                 [(lambda r: r["index_cold"]["seconds"], ": cold", 1.0),
                  (lambda r: _incremental(r) or float("nan"), ": 1% of files changed", 0.5)], "index_time.png")),
        ("Share of indexing time spent outside the embedder",
         _figure(by_mode, "Time outside embedding (cold index)", "share of index time",
                 [(lambda r: r["index_cold"]["outside_embedding_share"], "", 1.0)], "outside_embedding.png",
                 target=(0.2, "target 20%"), log=False)),
        ("Index size on disk",
         _figure(by_mode, "Index size on disk", "MB", [(lambda r: sum(r["disk_mb"].values()), "", 1.0)],
                 "disk.png")),
        ("Peak resident memory of indexing and serving",
         _figure(by_mode, "Peak memory (RSS)", "MB",
                 [(lambda r: r["index_cold"]["peak_rss_mb"], ": plans index", 1.0),
                  (lambda r: r["serve"]["peak_rss_mb"], ": plans serve", 0.5)], "memory.png",
                 target=(1536, "serve target at x1000 (1.5 GB)"))),
        ("Warm ask latency, all question kinds",
         _figure(by_mode, "Warm ask latency over HTTP", "ms", latency, "latency.png",
                 target=(300, "p95 target at x1000"), legend={"fontsize": 7, "ncol": 2})),
    ]

    rs = by_mode.get("embedded", [])
    if rs:
        fig, ax = _axes("Warm ask p95 by question kind (embedded)", "ms")
        kinds = sorted({k for r in rs for k in r["serve"]["warm"] if k != "overall"})
        for k in kinds:
            pts = [(_sections(r), r["serve"]["warm"][k]["p95_ms"]) for r in rs if k in r["serve"]["warm"]]
            ax.plot([p[0] for p in pts], [p[1] for p in pts], "o-", label=k)
        ax.legend(fontsize=7, ncol=2)
        made.append(("Warm ask p95 per question kind", _save(fig, "latency_by_kind.png")))

    made.append(("Cold start of plans ask and plans serve",
                 _figure(by_mode, "Cold start", "seconds",
                         [(lambda r: r["cold_ask"]["median_s"], ": plans ask to answer", 1.0),
                          (lambda r: r["serve"]["ready_s"], ": plans serve to ready", 0.5)], "cold_start.png",
                         target=(4, "target for plans ask at x1 (4 s)"), log=False)))
    return made


def tables(scale: dict, by_mode: dict[str, list[dict]]) -> str:
    hosts: dict[str, list[str]] = {}  # a host's description -> the rows measured on it
    for m, rs in by_mode.items():
        for r in rs:
            mc = r.get("machine") or scale.get("machine", {})
            hosts.setdefault(f"{mc.get('cores')} cores, {mc.get('memory_gb')} GB, {mc.get('cpu', '')}{_isa(mc)}, "
                             f"Python {mc.get('python')}", []).append(f"×{r['scale']:g} {m}")
    lines = [x for h, rows in hosts.items()
             for x in (f"Machine: {h}." if len(hosts) == 1 else f"Machine for {', '.join(rows)}: {h}.", "")]
    lines += ["| scale | mode | files | sections | embeddings | cold index s | sections/s | outside embedding "
              "| 1% changed s | disk MB | index RSS MB | serve RSS MB | p50 ms | p95 ms | p99 ms | cold ask s "
              "| serve ready s | serve measured |",
              "|---" * 18 + "|"]
    for m, rs in by_mode.items():
        for r in rs:
            c, w = r["index_cold"], r["serve"]["warm"]["overall"]
            lines.append(
                f"| ×{r['scale']:g} | {m} | {r['files']} | {c['sections']:,} | {r['embedding']} | {c['seconds']:.1f} "
                f"| {c['sections_per_s']:.0f} | {c['outside_embedding_share']:.0%} | {_seconds(_incremental(r))} "
                f"| {sum(r['disk_mb'].values()):.0f} | {c['peak_rss_mb']:.0f} | {r['serve']['peak_rss_mb']:.0f} "
                f"| {w['p50_ms']:.0f} | {w['p95_ms']:.0f} | {w['p99_ms']:.0f} | {r['cold_ask']['median_s']:.1f} "
                f"| {r['serve']['ready_s']:.1f} | {r.get('measured', '')} |")
    every = [(m, r) for m, rs in by_mode.items() for r in rs]
    if every:
        kinds = sorted({k for _, r in every for k in r["serve"]["warm"] if k != "overall"})
        lines += ["", "Warm latency per question kind (p50 / p95 ms):", "",
                  "| scale | mode | " + " | ".join(kinds) + " |", "|---" * (len(kinds) + 2) + "|"]
        for m, r in every:
            cells = [f"{r['serve']['warm'][k]['p50_ms']:.0f} / {r['serve']['warm'][k]['p95_ms']:.0f}"
                     if k in r["serve"]["warm"] else "–" for k in kinds]
            lines.append(f"| ×{r['scale']:g} | {m} | " + " | ".join(cells) + " |")
    ba = RESULTS / "before_after.json"
    if ba.exists():
        d = json.loads(ba.read_text())
        b, a = d["sides"]["before"], d["sides"]["after"]
        lines += ["", f"Before ({d['ref']}) and after, real corpus, one run, alternating sides:", "",
                  "| | cold `plans ask` s | Assistant build s | warm p50 ms | warm p95 ms | peak RSS MB "
                  "| answer accuracy |", "|---|---|---|---|---|---|---|"]
        for name, s in (("before", b), ("after", a)):
            lines.append(f"| {name} | {s['cold_ask_s']} | {s['build_s']} | {s['warm']['p50_ms']} "
                         f"| {s['warm']['p95_ms']} | {s['peak_rss_mb']:.0f} | {s['eval']['answer_accuracy']} |")
        r = d["ratios_before_over_after"]
        lines.append(f"| ratio before/after | {r['cold_ask']}× | {r['build']}× | {r['warm_p50']}× | {r['warm_p95']}× "
                     f"| {r['peak_rss']}× | |")
    return "\n".join(lines)


def readme_table(by_mode: dict[str, list[dict]]) -> str:
    lines = ["| scale (sections) | mode | cold index (outside embedding) | 1% changed | disk | serve RSS "
             "| warm p50 / p95 | cold `plans ask` |", "|---|---|---|---|---|---|---|---|"]
    for m, rs in by_mode.items():
        for r in rs:
            c, w = r["index_cold"], r["serve"]["warm"]["overall"]
            lines.append(f"| ×{r['scale']:g} ({c['sections']:,}) | {m} | {c['seconds']:.0f} s "
                         f"({c['outside_embedding_share']:.0%}{'' if r['embedding'] == 'model' else ', bank vectors'}) "
                         f"| {_seconds(_incremental(r))} s | {sum(r['disk_mb'].values()):.0f} MB "
                         f"| {r['serve']['peak_rss_mb']:.0f} MB | {w['p50_ms']:.0f} / {w['p95_ms']:.0f} ms "
                         f"| {r['cold_ask']['median_s']:.1f} s |")
    return "\n".join(lines)


EMB_START, EMB_END = "<!-- embedder:start -->", "<!-- embedder:end -->"


def _isa(machine: dict) -> str:
    """' (avx2, avx512f)': the vector units a result's machine entry lists, or nothing."""
    return f" ({', '.join(machine['isa'])})" if machine.get("isa") else ""


def _host(d: dict) -> str:
    """'a 2-core Intel(R) Xeon(R) Processor (avx2, avx512f)' from a result's machine entry."""
    m = d.get("machine", {})
    return f"a {m.get('cores', '?')}-core {m.get('cpu') or 'unknown CPU'}{_isa(m)}"


def embedder_tables() -> str:
    """Issue #17 from ``cold_index.json``, ``embed.json`` and ``embed_quality.json`` (those present)."""
    lines: list[str] = []
    cold = RESULTS / "cold_index.json"
    if cold.exists():
        d = json.loads(cold.read_text())
        med, walls = d["median_s"], d["wall_s"]
        lines += [f"Cold `plans index` of the corpus as a whole process, against a fresh process that imports and "
                  f"loads the model ({d['reference_backend']} backend) and embeds the corpus text "
                  f"({d['corpus']['tokens']:,} word pieces) once in {d['window_tokens']}-piece windows; "
                  f"{d['runs']} runs each, alternating, measured {d['measured']} on {_host(d)}:", "",
                  "| process | median s | runs s | ratio to the reference |", "|---|---|---|---|"]
        names = {"reference": "reference: import, load, embed windows", "index": "`plans index`, after",
                 "index_before": "`plans index`, before"} | d.get("labels", {})
        for side in ("reference", "index", "index_before"):
            if side in med:
                ratio = med[side] / med["reference"]
                lines.append(f"| {names[side]} | {med[side]:.2f} | {', '.join(f'{x:.1f}' for x in walls[side])} "
                             f"| {ratio:.2f} |")
    emb = RESULTS / "embed.json"
    if emb.exists():
        d = json.loads(emb.read_text())
        w = d["workload"]
        lines += ["", f"What the indexer gives the embedder, ×{d['corpus']['scale']:g} synthetic corpus "
                  f"({w['sections']:,} sections, {d['corpus']['tokens']:,} word pieces of text):", "",
                  "| | passages | units | per section | word pieces (median / max) | distinct texts "
                  "| word pieces embedded | padded word pieces | batches |", "|---|---|---|---|---|---|---|---|---|"]
        lines.append(f"| one text at a time, calls of 64 | {w['passages']['n']:,} | {w['units']['n']:,} "
                     f"| {w['passages_per_section']:.2f} + {w['units_per_section']:.2f} "
                     f"| {w['passages']['median']:.0f} / {w['passages']['max']} and {w['units']['median']:.0f} / "
                     f"{w['units']['max']} | {w['texts']:,} (all) | {w['tokens_all']:,} | {w['padded_tokens_old']:,} "
                     f"| {w['batches_old']:,} |")
        lines.append(f"| each distinct text once, length batches | same | same | same | same | {w['distinct_texts']:,} "
                     f"| {w['tokens_distinct']:,} | {w['padded_tokens_new']:,} | {w['batches_new']:,} |")
        if "pooled" in w:  # units' vectors from their passages' forward pass
            pw = w["pooled"]
            lines.append(f"| and units pooled from their passages ({pw['units_alone']:,} units embedded alone) "
                         f"| same | same | same | same | {pw['distinct_texts']:,} | {pw['tokens_distinct']:,} | | |")
        lines += ["", f"×{d['corpus']['scale']:g} cold index with the real model, one run each, measured "
                  f"{d['measured']} on {_host(d)}; the model embedded the corpus text in 200-piece windows at "
                  f"{d['reference_window_tokens_per_s']:,.0f} word pieces/s in the same run (median of the runs "
                  "before and after):", "",
                  "| code | index s | embedding s | outside embedding | sections/s | word pieces/s "
                  "| of the model's window rate | word pieces/s, whole process | texts through the model "
                  "| peak RSS MB |",
                  "|---|---|---|---|---|---|---|---|---|---|"]
        for name, r in d["runs"].items():
            name = d.get("labels", {}).get(name, name)
            lines.append(f"| {name} | {r['seconds']:.1f} | {r['embed_seconds']:.1f} "
                         f"| {r['outside_embedding_share']:.0%} "
                         f"| {r['sections_per_s']:.1f} | {r['tokens_per_s']:,.0f} "
                         f"| {r['tokens_per_s'] / d['reference_window_tokens_per_s']:.2f} "
                         f"| {r['tokens_per_s_wall']:,.0f} "
                         f"| {r['texts_embedded']:,} | {r['peak_rss_mb']:.0f} |")
    quality = (
        ("embed_quality_pre17.json", "an index built by the code before #17 (5ccb0cb, before) and now (after), "
                                     "each asked by its own code"),
        ("embed_quality.json", "an index built by the fourth session's code before (5ccb0cb) and after its changes"),
        ("embed_quality_int8.json", "an index built in float32 (before) and with `PLANS_INDEX_INT8=1` (after)"))
    for name, what in quality:
        qual = RESULTS / name
        if not qual.exists():
            continue
        d = json.loads(qual.read_text())
        lines += ["", f"Answers and retrieval, `plans eval` on {what} (measured {d['measured']}):", "",
                  "| gold | code | questions | answer accuracy | hit@5 | MRR | citation hit | items changed |",
                  "|---|---|---|---|---|---|---|---|"]
        for gold in ("dev", "dev2"):
            if gold in d:
                for side in ("before", "after"):
                    m = d[gold][side]
                    lines.append(f"| {gold} | {side} | {m['n']} | {m['answer_accuracy']:.1%} | {m['hit_at_k']:.1%} "
                                 f"| {m['mrr']:.3f} | {m['citation_hit']:.1%} "
                                 f"| {len(d[gold]['items_changed']) if side == 'after' else ''} |")
    return "\n".join(lines)


def deadline_table() -> str:
    """``bench/deadline_bench.py``'s sides side by side (empty when it has not been run)."""
    path = RESULTS / "deadline.json"
    if not path.exists():
        return ""
    d = json.loads(path.read_text(encoding="utf-8"))
    sides = d["sides"]
    cold_qs = list(next(iter(sides.values()))["cold_s"])
    lines = [f"Deadline and topic questions on the ×1000 server-mode index, {d['questions']} warm questions "
             f"(window and topical), cold asks as of {d['cold_as_of']}, measured {d['measured']} "
             "(`bench/deadline_bench.py`):", "",
             "| code | " + " | ".join(f"cold `plans ask`: {q}" for q in cold_qs)
             + " | first answer of a warm process | warm p50, windows | warm p50, topical | warm max "
               "| answers differing |",
             "|---|" + "---|" * (len(cold_qs) + 5)]
    for name, r in sides.items():
        cold = " | ".join(f"{r['cold_s'][q]['median']:.1f} s ({', '.join(f'{x:.1f}' for x in r['cold_s'][q]['runs'])})"
                          for q in cold_qs)
        differ = next(v for k, v in r.items() if k.startswith("answers_differ_from_"))
        lines.append(f"| {name} | {cold} | {r['warm_first_s']:.2f} s | {r['warm_p50_ms']['window']:.0f} ms "
                     f"| {r['warm_p50_ms']['topical']:.0f} ms | {r['warm_max_ms']:.0f} ms | {len(differ)} |")
    return "\n".join(lines)


def replace_between(path: Path, start: str, end: str, body: str) -> None:
    text = path.read_text(encoding="utf-8")
    if start in text and end in text:
        head, rest = text.split(start, 1)
        path.write_text(f"{head}{start}\n{body}\n{end}{rest.split(end, 1)[1]}", encoding="utf-8")


def main() -> None:
    replace_between(DOC, EMB_START, EMB_END, embedder_tables())
    replace_between(DOC, "<!-- deadline:start -->", "<!-- deadline:end -->", deadline_table())
    if "--embedder-only" in sys.argv:  # issue #17's tables alone, the plots and scale tables left as they are
        print(f"wrote the embedder tables in {DOC.relative_to(ROOT)}")
        return
    scale = json.loads((RESULTS / "scale.json").read_text(encoding="utf-8"))
    by_mode = runs_by_mode(scale)
    made = plots(by_mode)
    body = tables(scale, by_mode) + "\n\n" + "\n\n".join(f"![{title}]({path})" for title, path in made)
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else f"# Performance\n\n{START}\n{END}\n"
    if START not in text:
        text += f"\n{START}\n{END}\n"
    head, rest = text.split(START, 1)
    tail = rest.split(END, 1)[1] if END in rest else ""
    DOC.write_text(f"{head}{START}\n{body}\n{END}{tail}", encoding="utf-8")
    replace_between(ROOT / "README.md", "<!-- scale:start -->", "<!-- scale:end -->", readme_table(by_mode))
    print(f"wrote {DOC.relative_to(ROOT)} and {len(made)} plots in {PLOTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
