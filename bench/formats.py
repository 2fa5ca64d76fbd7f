"""Do plans read from PDF, Word and HTML give the same action records as the text files?

Each corpus plan is written as a PDF (fpdf2), a .docx (python-docx) and a web page
(``bench/plan_files.py``), read back by the loaders, parsed, and its action records compared with
the text file's on (number, drivers, dates, funding status). Writes ``bench/results/formats.json``.

    python bench/formats.py            # all five plans, all three formats
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.plan_files import write_as  # noqa: E402

FORMATS = ("pdf", "docx", "html")


def signature(action: dict) -> tuple:
    """What must agree: number, drivers (as a set, case aside), start and end dates, funding status."""
    return (action["number"], tuple(sorted({d.casefold() for d in action["drivers"]})),
            action["start"], action["end"], action["funding_status"])


def records(path: Path, corpus: Path) -> list[dict]:
    """The action records of one file, read and parsed as ``plans index`` does."""
    from indexer.load import read_document
    from indexer.pipeline import document_actions, parse_file, plan_id_for

    doc = read_document(path, corpus)
    pid = plan_id_for(doc.rel)
    parsed = parse_file(doc)
    return [a.to_json() for a in document_actions(parsed, pid, doc.rel)]


def agreement(base: list[dict], other: list[dict]) -> tuple[int, int]:
    """(records of ``base`` matched one to one by a record of ``other`` with the same signature,
    the larger of the two counts): extra or missing records count against agreement."""
    have = Counter(signature(a) for a in other)
    matched = 0
    for a in base:
        s = signature(a)
        if have[s] > 0:
            have[s] -= 1
            matched += 1
    return matched, max(len(base), len(other))


def compare(corpus: Path, out_dir: Path, formats: tuple[str, ...] = FORMATS) -> dict:
    result: dict = {"plans": {}, "formats": {}}
    totals = {f: [0, 0] for f in formats}
    for text_path in sorted(corpus.glob("*.txt")):
        base = records(text_path, corpus)
        entry = {"text_records": len(base)}
        for fmt in formats:
            t0 = time.perf_counter()
            path = write_as(text_path, out_dir, fmt)
            write_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            got = records(path, out_dir)
            matched, total = agreement(base, got)
            entry[fmt] = {"records": len(got), "matched": matched, "ratio": round(matched / max(total, 1), 4),
                          "write_s": round(write_s, 2), "read_parse_s": round(time.perf_counter() - t0, 2)}
            totals[fmt][0] += matched
            totals[fmt][1] += total
        result["plans"][text_path.stem] = entry
    for fmt, (m, t) in totals.items():
        result["formats"][fmt] = {"matched": m, "of": t, "ratio": round(m / max(t, 1), 4)}
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "formats.json")
    ap.add_argument("--keep", type=Path, help="write the generated files here (else a temp folder)")
    args = ap.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        result = compare(args.corpus, args.keep)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            result = compare(args.corpus, Path(tmp))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    for fmt, r in result["formats"].items():
        print(f"{fmt}: {r['matched']}/{r['of']} records agree ({r['ratio']:.1%})")


if __name__ == "__main__":
    main()
