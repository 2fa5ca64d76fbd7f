"""Optional ``corpus/plans.toml``: set or correct a plan's title, short name, organisation and period
per file, where what the indexer reads from the document is not what people call the plan.

Example ``corpus/plans.toml``::

    ["asean-work-programme.pdf"]
    title = "Work Programme to Implement the ASEAN Plan of Action to Combat Transnational Crime"
    short_name = "ASEAN 2002"
    organisation = "ASEAN"
    period = "2002"

Keys are file names relative to the corpus folder (as ``plans status`` lists them). Changing an
entry re-indexes that file on the next ``plans index``.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import replace
from pathlib import Path

from indexer.models import Plan

FILE_NAME = "plans.toml"
FIELDS = {"title": "title", "short_name": "short", "organisation": "organisation", "period": "period"}


def read_overrides(corpus_dir: Path) -> tuple[dict[str, dict[str, str]], list[str]]:
    """The entries per file, and what is wrong with the file (a sentence each; the rest still applies)."""
    path = Path(corpus_dir) / FILE_NAME
    if not path.is_file():
        return {}, []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return {}, [f"cannot be read ({exc}); no plan metadata is overridden"]
    out: dict[str, dict[str, str]] = {}
    problems: list[str] = []
    for file, entry in data.items():
        if not isinstance(entry, dict):
            problems.append(f"[{file!r}] must be a table of fields ({', '.join(FIELDS)})")
            continue
        bad = sorted(set(entry) - set(FIELDS))
        if bad:
            problems.append(f"[{file!r}]: unknown fields {bad}; known: {', '.join(FIELDS)}")
        good = {k: str(v).strip() for k, v in entry.items() if k in FIELDS and str(v).strip()}
        if good:
            out[file] = good
    return out, problems


def entry_hash(sha256: str, entry: dict[str, str] | None) -> str:
    """A file's content hash folded with its plans.toml entry: a changed entry re-indexes the file."""
    if not entry:
        return sha256
    return hashlib.sha256((sha256 + json.dumps(entry, sort_keys=True)).encode()).hexdigest()


def apply(plan: Plan, entry: dict[str, str] | None) -> Plan:
    """The plan with the entry's fields set."""
    if not entry:
        return plan
    return replace(plan, **{FIELDS[k]: v for k, v in entry.items()})
