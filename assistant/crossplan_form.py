"""Cross-plan questions about the plans' form ("which plans put deadlines on their actions, and
which don't?"), answered by counting the action records' fields per plan, and the word lists of
``crossplan_fields.yaml`` that tell such a question and a question's framing words apart.

Example::

    field = form_field("Which plans name who is responsible for each action?", topic_terms=[])  # "drivers"
    form_answer(ctx, plans, field, as_of)
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml

from assistant.compose import Citations, cut_at_line, shorten
from assistant.kinds.base import Context
from assistant.models import Answer
from assistant.policy import CROSS_PLAN_BUDGET
from assistant.route import Route
from indexer.models import Action, Plan
from indexer.store import take

WORDS_FILE = Path(__file__).with_name("crossplan_fields.yaml")
EXAMPLE_CHARS = 170  # characters of an example action's title shown
_SUFFIX = r"(?:s|es|d|ed|ing|ly|ally|y|ies|ion|ions|al)?"
NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                "eleven", "twelve")

# what a field is, in words: (what most/some/none of the plans do, the fact shown of an example)
_FIELD = {
    "timeline": ("put a date, deadline or timeline on", "dated"),
    "drivers": ("name who is responsible for", "with a responsible body"),
    "funding": ("say how they are funded for", "with a funding line"),
}


@lru_cache(maxsize=1)
def _words() -> dict[str, list[dict[str, str]]]:
    return yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8"))


def is_framing(term: str) -> bool:
    """A word that frames a cross-plan question ("which plans actually deal with …") rather than
    naming its topic."""
    return any(re.fullmatch(re.escape(e["word"]) + _SUFFIX, term) for e in _words()["framing"])


def field_words_in(question: str) -> list[tuple[int, str, str]]:
    """(position, word, field) of each form word the question holds, in order."""
    low = question.lower()
    found = []
    for e in _words()["fields"]:
        m = re.search(rf"(?<![a-z]){re.escape(e['word'])}", low)
        if m:
            found.append((m.start(), e["word"], e["field"]))
    return sorted(found)


def form_field(question: str, topic_terms: list[str]) -> str | None:
    """The record field a question about the plans' form asks about (timeline | drivers | funding),
    or None: a question naming a topic besides ("deadlines for cybercrime actions") is a topic
    question."""
    found = field_words_in(question)
    if not found:
        return None
    words = [w for _, w, _ in found]
    rest = [t for t in topic_terms if not any(re.fullmatch(re.escape(w) + _SUFFIX, t) or t.startswith(w)
                                              for w in words)]
    return None if rest else found[0][2]


def _has(a: Action, field: str) -> bool:
    if field == "timeline":
        return bool(a.timeline or a.end)
    if field == "drivers":
        return bool(a.drivers)
    return bool(a.funding)


def _fact(a: Action, field: str) -> str:
    if field == "timeline":
        return a.timeline or (a.end.isoformat() if a.end else "")
    if field == "drivers":
        return ", ".join(a.drivers)
    return a.funding


def _example(acts: list[Action], field: str) -> Action:
    """An action that shows the field best: a dated end, a named body; else the first one."""
    with_it = [a for a in acts if _has(a, field)]
    if field == "timeline":
        with_it.sort(key=lambda a: (a.end is None, a.recurrence is not None))
    return (with_it or acts)[0]


def number_word(n: int) -> str:
    return NUMBER_WORDS[n] if n < len(NUMBER_WORDS) else str(n)


def join_names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def form_answer(ctx: Context, plans: list[Plan], field: str, as_of: date) -> Answer:
    """Per plan: how many of its actions carry the field, with one example action cited."""
    cites = Citations(ctx.records)
    doing, what = _FIELD[field]
    rows = []
    for p in plans:
        acts = take(ctx.actions, ctx.action_index.positions([p.id]))
        n = sum(_has(x, field) for x in acts)
        rows.append((p, acts, n))
    rows.sort(key=lambda r: (-(r[2] / len(r[1]) if r[1] else -1), r[0].short_name))
    most = [r for r in rows if r[1] and r[2] * 2 >= len(r[1]) and r[2]]
    few = [r for r in rows if r[1] and 0 < r[2] * 2 < len(r[1])]
    none = [r for r in rows if not r[2]]
    head = (f"{number_word(len(most)).capitalize()} of the {number_word(len(plans))} plans {doing} most of "
            f"their actions" + (f": {join_names([r[0].short_name for r in most])}" if most else ""))
    if few:
        head += f"; {join_names([r[0].short_name for r in few])} only on a few"
    if none:
        head += f"; {join_names([r[0].short_name for r in none])} on none"
    lines, retrieved = [head + "."], []
    for p, acts, n in rows:
        if not acts:
            lines.append(f"- **{p.short_name}**: no action records were read from it.")
            continue
        ex = _example(acts, field)
        sec = ctx.records.section(ex.section_id)
        retrieved.append(sec.id)
        name = shorten(" ".join(x for x in (ex.number, ex.title) if x) or ex.text, EXAMPLE_CHARS)
        if n:
            fact = shorten(_fact(ex, field), 120)
            fact = "" if fact.lower() in name.lower() else f" — {fact}"
            lines.append(f"- **{p.short_name}**: {n} of {len(acts)} actions {what}, e.g. {name}{fact} "
                         f"{cites.cite(sec)}")
        else:
            lines.append(f"- **{p.short_name}**: none of its {len(acts)} actions {what}; they read like "
                         f"{name} {cites.cite(sec)}")
    text = cut_at_line("\n".join(lines), CROSS_PLAN_BUDGET)
    return Answer(answer=text, citations=tuple(cites.items), refused=False, route=Route.CROSS_PLAN,
                  as_of=as_of, retrieved=tuple(retrieved), meta={"cross_plan": f"form:{field}"})
