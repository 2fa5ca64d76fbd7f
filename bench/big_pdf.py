"""A long PDF plan: does ``plans index`` read a 500-page PDF in bounded memory, and how long per page?

A plan of N pages (fpdf2, seeded) is written the way long national action plans look: chapters,
each with a heading, a few paragraphs of context and an action table (No. / Action / Responsible
/ Deadline / Funding) running over several pages with its header repeated at the top of each
page, rows of one to four sentences, one or two agencies, a deadline and a funding line; an
annex of notes fills the last pages so the file has exactly N pages.

Per size (default 50, 200 and 500 pages), each step in its own fresh process:

- ``read``: :func:`indexer.formats.pdf.read_pdf` alone, its wall time and the process's peak RSS
  (VmHWM) after the imports and after reading; repeated, the median reported;
- ``index``: the real ``plans index`` (``bots.cli``, the packaged model) on a fresh data folder,
  over the PDF placed next to the corpus text files (or alone with ``--alone``): wall time, peak
  RSS, and what the index printed for the PDF (pages, sections, actions) and for the text files
  (which must be what they are without the PDF: nothing lost).

A size 0 index run (the text files only) is the baseline. Writes ``bench/results/big_pdf.json``.
Not a test. Run::

    python bench/big_pdf.py                       # 50, 200, 500 pages
    python bench/big_pdf.py --pages 50 --repeat 1 --no-index
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import machine, own_peak_rss_mb, proc_status_mb, run_measured  # noqa: E402

HEADER = ("No.", "Action", "Responsible", "Deadline", "Funding")
THEMES = ("Trafficking in human beings", "Migrant smuggling", "Drug trafficking", "Money laundering",
          "Cybercrime", "Corruption in public procurement", "Firearms trafficking", "Environmental crime",
          "Trafficking in cultural goods", "Organised property crime", "Document fraud", "Excise fraud")
AGENCIES = ("Ministry of Interior", "Ministry of Justice", "General Police Directorate", "Border Police",
            "Customs Administration", "Financial Intelligence Unit", "Prosecutor's Office",
            "Anti-Corruption Agency", "Labour Inspectorate", "Ministry of Finance", "National Coordinator",
            "Judicial Academy", "Tax Administration", "Ministry of Foreign Affairs", "Cybercrime Centre",
            "Ministry of Social Affairs", "Environmental Inspectorate", "NGO La Strada")
VERBS = ("Set up", "Train", "Review", "Draft", "Strengthen", "Publish", "Establish", "Evaluate", "Extend",
         "Equip", "Coordinate", "Introduce")
OBJECTS = ("a joint investigation team on {t}", "a risk analysis unit for {t}",
           "the national referral mechanism", "guidelines for prosecutors on {t}",
           "a secure channel for exchanging intelligence with neighbouring countries",
           "the case management system of the courts", "an annual report on {t}",
           "mobile units at the main border crossings", "a hotline for victims and witnesses",
           "the legal framework on confiscation of criminal assets")
DETAILS = ("Two regional workshops are held each year with the participation of the liaison officers.",
           "The results are reported to the steering group every six months.",
           "Each participating agency names a contact point and keeps the register up to date.",
           "A needs assessment precedes the procurement of equipment and software.",
           "Civil society organisations are consulted on the draft before its adoption.",
           "Statistics are broken down by sex, age and nationality of the persons concerned.",
           "The measure builds on the findings of the mid-term evaluation of the previous plan.")
DEADLINES = ("December {y}", "June {y}", "Q{q} {y}", "Ongoing 2025-2030", "March {y}", "by the end of {y}",
             "September {y}")
FUNDING = ("Available (state budget)", "Seeking funding", "EUR {k},000 from the EU (available)",
           "Funding being negotiated", "Regular budget of the institution", "Donor support sought (EUR {k},000)")
PROSE = ("Organised crime groups adapt quickly to the measures taken against them, moving their activities "
         "across borders and into the legal economy. ",
         "The assessment carried out in {y} found that the cooperation between the agencies concerned is good "
         "at the operational level but weak in the exchange of strategic information. ",
         "This chapter sets out the measures the Government will take in the field of {t} until 2030, the "
         "institutions responsible for each of them, their deadlines and how they are funded. ",
         "The measures take into account the recommendations of international monitoring bodies and the "
         "obligations arising from the conventions the country has ratified. ",
         "Progress is monitored by the National Coordinator, who reports to the Government once a year. ")


def _row(rng: random.Random, chapter: int, k: int, theme: str) -> tuple[str, ...]:
    t = theme.lower()
    action = f"{rng.choice(VERBS)} {rng.choice(OBJECTS).format(t=t)}."
    action += "".join(" " + rng.choice(DETAILS) for _ in range(rng.randint(0, 3)))
    who = "\n".join(rng.sample(AGENCIES, rng.choice((1, 1, 2, 3))))
    y = rng.randint(2025, 2030)
    deadline = rng.choice(DEADLINES).format(y=y, q=rng.randint(1, 4))
    funding = rng.choice(FUNDING).format(k=rng.randint(2, 90) * 10)
    return (f"{chapter}.{k}", action, who, deadline, funding)


def _paragraph(rng: random.Random, theme: str) -> str:
    return "".join(rng.choice(PROSE).format(t=theme.lower(), y=rng.randint(2019, 2024))
                   for _ in range(rng.randint(3, 6))).strip()


def write_plan(path: Path, pages: int, *, seed: int = 0, rows_per_chapter: int = 40) -> dict:
    """Write a plan of exactly ``pages`` pages (see the module doc); returns what it holds."""
    from bench.plan_files import HEADING_SIZES, _Pdf

    rng = random.Random(seed)
    doc = _Pdf(split_rows=False, landscape=True)
    pdf = doc.pdf
    doc.para(f"National Action Plan against Serious and Organised Crime 2025-2030 ({pages} pages)",
             HEADING_SIZES[1], bold=True)
    doc.para(_paragraph(rng, "organised crime"))
    chapters = rows = 0
    pages_per_chapter = 0.0
    while True:
        if chapters and pdf.page_no() + pages_per_chapter + 1 > pages:
            break
        start = pdf.page_no()
        chapters += 1
        theme = THEMES[(chapters - 1) % len(THEMES)]
        doc.para(f"Chapter {chapters}. {theme}", HEADING_SIZES[1], bold=True)
        doc.para(f"{chapters}.1 Situation and aims", HEADING_SIZES[2], bold=True)
        for _ in range(rng.randint(2, 4)):
            doc.para(_paragraph(rng, theme))
        doc.para(f"{chapters}.2 Measures", HEADING_SIZES[2], bold=True)
        table = [_row(rng, chapters, k, theme) for k in range(1, rows_per_chapter + 1)]
        rows += len(table)
        doc.table(HEADER, tuple(table))
        pages_per_chapter = max(pages_per_chapter, pdf.page_no() - start + 1)
    notes = 0
    if pdf.page_no() < pages:
        doc.para("Annex. Notes on implementation", HEADING_SIZES[1], bold=True)
    while pdf.page_no() < pages:
        notes += 1
        doc.para(f"Note {notes}. " + _paragraph(rng, "implementation"))
    pdf.output(str(path))
    return {"pages": pdf.page_no(), "chapters": chapters, "table_rows": rows, "annex_notes": notes,
            "file_mb": round(path.stat().st_size / 2**20, 2)}


# ---------------------------------------------------------------- children: each in a fresh process

def child_read(pdf: Path) -> None:
    """``read_pdf`` alone: prints a JSON line (time, RSS after the imports, blocks) and the peak."""
    import pdfplumber  # noqa: F401 - imported before the baseline: reading is what is measured
    import tqdm  # noqa: F401

    from indexer.formats.pdf import read_pdf

    base = proc_status_mb(os.getpid(), "VmRSS")
    t0 = time.perf_counter()
    blocks, info = read_pdf(pdf, progress=False)
    print(json.dumps({"seconds": round(time.perf_counter() - t0, 2), "pages": info.pages,
                      "blocks": len(blocks), "rss_before_mb": round(base, 1)}))
    print(f"PEAK_RSS_MB {own_peak_rss_mb():.1f}")


def child_index() -> None:
    """The real ``plans index`` (settings from the environment), with the peak RSS when reading the
    corpus ended and at exit, and the reading time, taken by wrapping ``load_corpus``."""
    from bots import cli
    from indexer import pipeline

    read: dict = {}
    load_corpus = pipeline.load_corpus

    def timed_load(corpus: Path, **kw):  # type: ignore[no-untyped-def]
        t0 = time.perf_counter()
        out = load_corpus(corpus, **kw)
        read.update(read_s=round(time.perf_counter() - t0, 2), read_peak_rss_mb=round(own_peak_rss_mb(), 1))
        return out

    pipeline.load_corpus = timed_load  # type: ignore[assignment]
    sys.argv = ["plans", "index"]
    try:
        cli.main()
    except SystemExit as exc:
        read["exit"] = exc.code
    finally:
        print("READ " + json.dumps(read), flush=True)
        print(f"PEAK_RSS_MB {own_peak_rss_mb():.1f}", flush=True)


# ---------------------------------------------------------------- the parent

REPORT = re.compile(r"^(?P<file>\S+) \[(?P<format>\w+)(?:, (?P<pages>\d+) pages)?\]: (?P<sections>\d+) sections, "
                    r"(?P<actions>\d+) actions")


def run_read(pdf: Path, repeat: int) -> dict:
    runs = []
    for _ in range(repeat):
        code, out, err, wall, peak = run_measured([sys.executable, __file__, "_read", str(pdf)], env=_env())
        if code != 0:
            raise SystemExit(f"read_pdf failed (exit {code}):\n{err[-2000:]}")
        r = json.loads([line for line in out.splitlines() if line.startswith("{")][-1])
        r["peak_rss_mb"] = round(peak, 1)
        r["read_rss_mb"] = round(peak - r["rss_before_mb"], 1)
        runs.append(r)
    med = {k: statistics.median(r[k] for r in runs) for k in ("seconds", "peak_rss_mb", "read_rss_mb")}
    return {"runs": runs, "pages": runs[0]["pages"], "blocks": runs[0]["blocks"], "median_s": med["seconds"],
            "median_s_per_page": round(med["seconds"] / max(runs[0]["pages"], 1), 3),
            "median_peak_rss_mb": med["peak_rss_mb"], "median_read_rss_mb": med["read_rss_mb"]}


def run_index(corpus: Path, data: Path) -> dict:
    env = _env(PLANS_CORPUS_DIR=str(corpus), PLANS_DATA_DIR=str(data))
    code, out, err, wall, peak = run_measured([sys.executable, __file__, "_index"], env=env, cwd=data.parent)
    read = json.loads([line[5:] for line in out.splitlines() if line.startswith("READ ")][-1])
    files = {m["file"]: {"format": m["format"], "pages": int(m["pages"] or 0), "sections": int(m["sections"]),
                         "actions": int(m["actions"])}
             for m in map(REPORT.match, out.splitlines()) if m}
    summary = next((line for line in out.splitlines() if line.startswith("indexed: ")), "")
    if code != 0 or not summary:
        raise SystemExit(f"plans index failed (exit {code}):\n{out[-1500:]}\n{err[-2000:]}")
    return {"exit": code, "wall_s": round(wall, 2), "peak_rss_mb": round(peak, 1), **read, "files": files,
            "summary": summary[len("indexed: "):],
            "skipped": [line for line in err.splitlines() if line.startswith("skipped ")]}


def _env(**extra: str) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
               ANONYMIZED_TELEMETRY="False", PLANS_LLM="", PLANS_CHROMA_URL="")
    env.update(extra)
    return env


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", default="50,200,500", help="comma-separated sizes")
    ap.add_argument("--repeat", type=int, default=3, help="read_pdf runs per size (the median is kept)")
    ap.add_argument("--no-index", action="store_true", help="measure read_pdf only")
    ap.add_argument("--alone", action="store_true", help="index the PDF alone, not next to the corpus text files")
    ap.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    ap.add_argument("--label", default="", help="the key the results go under (default: the commit)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "big_pdf.json")
    args = ap.parse_args()
    sizes = [int(x) for x in args.pages.split(",") if x.strip()]
    label = args.label or subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                                         capture_output=True, text=True).stdout.strip()
    result: dict = {"label": label, "machine": machine(), "measured": time.strftime("%Y-%m-%d %H:%M"),
                    "repeat": args.repeat, "alone": args.alone, "sizes": {}}
    with tempfile.TemporaryDirectory(prefix="plans-bigpdf-") as tmp:
        work = Path(tmp)
        plan_files = [] if args.alone else sorted(p for p in args.corpus.iterdir() if p.suffix in (".txt", ".md"))
        if not args.no_index and not args.alone:
            sizes_run = [0, *sizes]
        else:
            sizes_run = sizes
        for n in sizes_run:
            corpus = work / f"corpus-{n}"
            corpus.mkdir()
            for p in plan_files:
                shutil.copy2(p, corpus / p.name)
            entry: dict = {}
            if n:
                pdf = corpus / f"national-action-plan-{n}-pages.pdf"
                t0 = time.perf_counter()
                entry["file"] = write_plan(pdf, n)
                entry["file"]["write_s"] = round(time.perf_counter() - t0, 1)
                entry["read_pdf"] = run_read(pdf, args.repeat)
                r = entry["read_pdf"]
                print(f"{n} pages: read_pdf {r['median_s']:.1f} s ({r['median_s_per_page']:.3f} s/page), "
                      f"peak RSS {r['median_peak_rss_mb']:.0f} MB (+{r['median_read_rss_mb']:.0f} MB reading)",
                      flush=True)
            if not args.no_index:
                entry["index"] = ix = run_index(corpus, work / f"data-{n}")
                print(f"{n} pages: plans index {ix['wall_s']:.1f} s, peak RSS {ix['peak_rss_mb']:.0f} MB "
                      f"(reading ended at {ix['read_peak_rss_mb']:.0f} MB after {ix['read_s']:.1f} s); "
                      f"{ix['summary']}", flush=True)
            result["sizes"][str(n)] = entry
            shutil.rmtree(corpus, ignore_errors=True)
            shutil.rmtree(work / f"data-{n}", ignore_errors=True)
    if not args.no_index and not args.alone:
        _check_nothing_lost(result)
    saved = json.loads(args.out.read_text()) if args.out.exists() else {}
    saved[label] = result
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(saved, indent=2) + "\n")


def _check_nothing_lost(result: dict) -> None:
    """The text files give the same sections and actions beside the big PDF as without it."""
    base = result["sizes"]["0"]["index"]["files"]
    for n, entry in result["sizes"].items():
        files = entry["index"]["files"]
        lost = {f: (c, files.get(f)) for f, c in base.items() if files.get(f) != c}
        entry["index"]["text_files_unchanged"] = not lost
        if lost:
            print(f"{n} pages: the text files changed beside the PDF: {lost}", flush=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_read":
        child_read(Path(sys.argv[2]))
    elif len(sys.argv) > 1 and sys.argv[1] == "_index":
        child_index()
    else:
        main()
