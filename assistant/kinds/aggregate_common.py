"""Shared pieces of the aggregate answer kind: its signal words (``assistant/data/aggregate_words.yaml``),
how actions are counted (one per distinct number), how number runs are written ("3.1–3.11"), and
the answer builder that keeps every line cited and the whole within the length budget.

Example::

    WORDS.has("count", "How many actions?")       # True
    number_runs(["3.1", "3.2", "3.3", "5"])        # "3.1–3.3, 5"
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from assistant.action_index import number_key
from assistant.compose import Citations, cite_only_what_is_shown
from assistant.kinds.base import Ask, Context
from assistant.models import Answer
from assistant.policy import OVERVIEW_BUDGET
from assistant.route import Route
from indexer.funding import AVAILABLE, NEGOTIATING, SEEKING, STATUS_PHRASES
from indexer.models import Action, Plan, Section

WORDS_FILE = Path(__file__).resolve().parents[1] / "data" / "aggregate_words.yaml"
LINE_MAX = 260  # one detail line


class Words:
    """The signal words, one compiled pattern per group."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.lists: dict[str, list[str]] = {k: [str(w).lower() for w in v["words"]] for k, v in data.items()}
        self.patterns = {k: _pattern(ws) for k, ws in self.lists.items()}

    def has(self, group: str, text: str) -> bool:
        """Whether ``text`` holds a word of ``group`` (as a whole word)."""
        return bool(self.patterns[group].search(text))

    def find(self, group: str, text: str) -> list[str]:
        return [m.group(0).lower() for m in self.patterns[group].finditer(text)]

    def set(self, group: str) -> set[str]:
        return set(self.lists[group])


def _pattern(words: list[str]) -> re.Pattern:
    alts = sorted((re.escape(w.rstrip("*")) + (r"\w*" if w.endswith("*") else "") for w in words),
                  key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(alts) + r")(?![\w-])", re.I)


@lru_cache(maxsize=1)
def load_words() -> Words:
    with WORDS_FILE.open(encoding="utf-8") as fh:
        return Words(yaml.safe_load(fh))


WORDS = load_words()
STATUS_WORDS = {SEEKING: f"recorded as {STATUS_PHRASES[SEEKING]}",
                NEGOTIATING: f"recorded {STATUS_PHRASES[NEGOTIATING]}",
                AVAILABLE: f"recorded {STATUS_PHRASES[AVAILABLE]}"}


def action_key(x: Action) -> str:
    """What counts as one action: its number (rows continuing a numbered action are the same
    action), or the record itself when the plan does not number it."""
    return number_key(x.number) if x.number else x.id


def distinct(actions: list[Action]) -> list[Action]:
    """The first record of each action, in plan order."""
    seen: dict[str, Action] = {}
    for x in actions:
        seen.setdefault(action_key(x), x)
    return list(seen.values())


def _split_number(n: str) -> tuple[str, int] | None:
    m = re.fullmatch(r"(.*?)(\d+)", n)
    return (m.group(1), int(m.group(2))) if m else None


def number_runs(numbers: list[str], limit: int = 30) -> str:
    """Numbers as runs: consecutive numbers with the same prefix become "first–last"."""
    nums = [n for n in dict.fromkeys(numbers) if n]
    runs: list[list[str]] = []
    for n in nums:
        cur = _split_number(n)
        prev = _split_number(runs[-1][-1]) if runs else None
        if cur and prev and cur[0] == prev[0] and cur[1] == prev[1] + 1 and cur[0]:
            runs[-1].append(n)
        else:
            runs.append([n])
    parts = [r[0] if len(r) == 1 else (f"{r[0]}, {r[1]}" if len(r) == 2 else f"{r[0]}–{r[-1]}") for r in runs]
    text = ", ".join(parts[:limit])
    return text + (", …" if len(parts) > limit else "")


def plan_label(plan: Plan) -> str:
    """How an answer names a plan: its short name ("WBCSCi 2018-2020", "ECO")."""
    return plan.short_name or plan.title


def plans_phrase(plans: list[Plan], all_plans: tuple[Plan, ...]) -> str:
    """ "the ECO plan", "the BSEC 2021 and CICA plans", "all 5 plans"."""
    if not plans or len(plans) == len(all_plans):
        return f"all {len(all_plans)} plans" if len(all_plans) != 1 else f"the {plan_label(all_plans[0])} plan"
    names = [plan_label(p) for p in plans]
    if len(names) == 1:
        return f"the {names[0]} plan"
    return "the " + ", ".join(names[:-1]) + f" and {names[-1]} plans"


def noun_in(q: str, default: str = "actions") -> str:
    """The plural item noun the question counts ("measures"), else ``default``."""
    found = WORDS.find("item_nouns", q)
    return found[0] if found and found[0].endswith("s") else default


def plan_of(ctx: Context, plan_id: str) -> Plan:
    return next(p for p in ctx.plans if p.id == plan_id)


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def shorten(text: str, limit: int = 110) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > 0 else limit].rstrip(",;:") + " …"


@dataclass
class Out:
    """An answer being written: a head sentence, detail lines, citations numbered as they are used."""

    ask: Ask
    ctx: Context
    kind: str
    cites: Citations = field(init=False)
    lines: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.cites = Citations(self.ctx.records)

    def cite(self, section: Section | str | None) -> str:
        if section is None:
            return ""
        if isinstance(section, str):
            section = self.ctx.records.section(section)
        return self.cites.cite(section)

    def cite_action(self, x: Action) -> str:
        return self.cite(x.section_id)

    def add(self, text: str, *refs: str) -> None:
        """One detail line: ``text`` (shortened to a line) and its citation markers."""
        self.lines.append(" ".join([shorten(text, LINE_MAX), *(r for r in refs if r)]))

    def finish(self, head: str, meta: dict[str, Any] | None = None, budget: int = OVERVIEW_BUDGET) -> Answer:
        """The head sentence, then as many detail lines as fit ``budget``; the rest counted."""
        text = head
        shown = 0
        for line in self.lines:
            if len(text) + len(line) + 3 > budget - 40:
                break
            text += "\n- " + line
            shown += 1
        if shown < len(self.lines):
            text += f"\n…and {len(self.lines) - shown} more."
        answer = Answer(answer=text, citations=tuple(self.cites.items), refused=False,
                        route=Route.AGGREGATE, as_of=self.ask.as_of,
                        retrieved=tuple(c.section_id for c in self.cites.items),
                        meta={"kind": self.kind, **(meta or {})})
        return cite_only_what_is_shown(answer)  # lines left out take their citations with them
