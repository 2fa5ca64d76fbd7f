"""Pure scoring of gold questions: answer correctness, retrieval hit rank and citation hit.

The rules are those of ``../shared/README.md`` ("Scoring rules used by the project's plans eval").

Example::

    items = load_gold(Path("eval/gold/dev.jsonl"))
    score = score_answer(items[0], answer.answer, answer.refused)
    rank = hit_rank(items[0], [(section, raw_text), ...], k=5)
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from indexer.models import Section
from indexer.text import fold_lower, strip_markup
from plans.errors import InputError

MAX_ANSWER_CHARS = 2000  # a longer answer is wrong: pasting the sources is not an answer
CUT_CHARS = 60  # a quote cut by a section boundary counts on its first or last 60 characters

Ranked = list[tuple[Section, str]]  # (section, its raw file text), best first


@dataclass(frozen=True)
class Source:
    source_doc: str
    source_quote: str


@dataclass(frozen=True)
class GoldItem:
    """One gold question, as written in the JSON Lines file (optional fields defaulted)."""

    id: str
    question: str
    type: str
    as_of: str | None
    must_include: tuple[str, ...]
    source_doc: str
    source_quote: str
    any_of: tuple[tuple[str, ...], ...] = ()
    must_not_include: tuple[str, ...] = ()
    expect_refusal: bool = False
    additional_sources: tuple[Source, ...] = ()
    note: str | None = None
    line: int = 0  # 1-based line number in the gold file
    history: tuple[str, ...] = ()  # earlier questions of the same conversation, asked first in order

    def as_of_date(self) -> date | None:
        return date.fromisoformat(self.as_of) if self.as_of else None

    def sources(self) -> tuple[Source, ...]:
        """The main source and the additional ones: a hit on any of them counts."""
        main = (Source(self.source_doc, self.source_quote),) if self.source_quote else ()
        return main + self.additional_sources


@dataclass(frozen=True)
class AnswerScore:
    correct: bool
    missing: list[str]  # unmet must_include strings and "one of: a | b" for unmet groups
    forbidden: list[str]  # must_not_include strings found in the answer
    too_long: bool


# -- loading ---------------------------------------------------------------------------------
def _strings(value: object, name: str, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(f"{where}: {name!r} must be a list of strings.")
    return tuple(value)


def _parse_item(data: object, where: str, line: int) -> GoldItem:
    if not isinstance(data, dict):
        raise InputError(f"{where}: expected a JSON object.")
    expect_refusal = data.get("expect_refusal", False)
    if not isinstance(expect_refusal, bool):
        raise InputError(f"{where}: 'expect_refusal' must be true or false.")
    required = ["id", "question", "type", "must_include"]
    if not expect_refusal:
        required += ["source_doc", "source_quote"]
    absent = [f for f in required if data.get(f) is None]
    if absent:
        raise InputError(f"{where}: missing required field(s) {', '.join(absent)}.")
    for f in ("id", "question", "type", "source_doc", "source_quote"):
        if data.get(f) is not None and (not isinstance(data[f], str) or not data[f].strip()):
            raise InputError(f"{where}: {f!r} must be a non-empty string.")
    as_of = data.get("as_of")
    if as_of is not None:
        try:
            date.fromisoformat(as_of)
        except (TypeError, ValueError):
            raise InputError(f"{where}: 'as_of' must be a date like 2018-05-01 or null.") from None
    groups = data.get("any_of") or []
    if not isinstance(groups, list):
        raise InputError(f"{where}: 'any_of' must be a list of lists of strings.")
    extra = data.get("additional_sources") or []
    if not isinstance(extra, list) or not all(
            isinstance(s, dict) and isinstance(s.get("source_doc"), str)
            and isinstance(s.get("source_quote"), str) for s in extra):
        raise InputError(f"{where}: 'additional_sources' must be a list of "
                         "{source_doc, source_quote} objects.")
    note = data.get("note")
    history = _strings(data.get("history") or [], "history", where)
    return GoldItem(
        id=data["id"], question=data["question"], type=data["type"], as_of=as_of,
        must_include=_strings(data["must_include"], "must_include", where),
        source_doc=data.get("source_doc") or "", source_quote=data.get("source_quote") or "",
        any_of=tuple(_strings(g, "any_of", where) for g in groups),
        must_not_include=_strings(data.get("must_not_include") or [], "must_not_include", where),
        expect_refusal=expect_refusal,
        additional_sources=tuple(Source(s["source_doc"], s["source_quote"]) for s in extra),
        note=note if isinstance(note, str) else None, line=line, history=history)


def load_gold(path: Path | str) -> list[GoldItem]:
    """Read and validate a gold file; InputError names the line of the first bad item."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except OSError as exc:
        raise InputError(f"Cannot read the gold file {path} ({exc.strerror}).") from exc
    items: list[GoldItem] = []
    seen: set[str] = set()
    for n, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        where = f"{path} line {n}"
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise InputError(f"{where}: malformed JSON ({exc.msg}).") from exc
        item = _parse_item(data, where, n)
        if item.id in seen:
            raise InputError(f"{where}: duplicate id {item.id!r}.")
        seen.add(item.id)
        items.append(item)
    if not items:
        raise InputError(f"The gold file {path} holds no questions.")
    return items


def part_of(item_id: str, holdout_share: float = 0.4) -> str:
    """"tune" or "holdout": a fixed split by a hash of the id, so the held-out questions stay the
    same across runs and sessions (mechanisms are tuned on "tune" only; "holdout" is reported)."""
    h = int(hashlib.sha256(item_id.encode("utf-8")).hexdigest()[:8], 16) / 0xFFFFFFFF
    return "holdout" if h < holdout_share else "tune"


# -- answers ---------------------------------------------------------------------------------
def norm(s: str) -> str:
    """Comparison form: whitespace folded and case folded."""
    return fold_lower(s)


def score_answer(item: GoldItem, answer_text: str, refused: bool) -> AnswerScore:
    """Score one answer text (without its list of sources) against a gold item."""
    text = norm(answer_text)
    forbidden = [s for s in item.must_not_include if norm(s) and norm(s) in text]
    too_long = len(answer_text.strip()) > MAX_ANSWER_CHARS
    if item.expect_refusal:
        return AnswerScore(refused and not forbidden and not too_long, [], forbidden, too_long)
    missing = [s for s in item.must_include if norm(s) not in text]
    for group in item.any_of:
        if group and not any(norm(s) in text for s in group):
            missing.append("one of: " + " | ".join(group))
    correct = not refused and not missing and not forbidden and not too_long
    return AnswerScore(correct, missing, forbidden, too_long)


# -- retrieval and citations -----------------------------------------------------------------
def section_holds_quote(section_text: str, quote: str) -> bool:
    """The text holds the quote (folded), or its first or last 60 characters (a cut quote)."""
    text, q = norm(section_text), norm(quote)
    if not q or not text:
        return False
    if q in text:
        return True
    if len(q) <= CUT_CHARS:
        return False
    head, tail = q[:CUT_CHARS].strip(), q[-CUT_CHARS:].strip()
    return head in text or tail in text


def _holds(section: Section, raw_text: str, quote: str) -> bool:
    """Raw file text or clean text (the quote as written, or with its markup stripped too)."""
    return (section_holds_quote(raw_text, quote) or section_holds_quote(section.text, quote)
            or section_holds_quote(section.text, strip_markup(quote)))


def is_hit(item: GoldItem, section: Section, raw_text: str) -> bool:
    """The section comes from a source document of the item and holds that source's quote."""
    return any(section.file == src.source_doc and _holds(section, raw_text, src.source_quote)
               for src in item.sources())


def hit_rank(item: GoldItem, ranked_sections: Ranked, k: int) -> int | None:
    """1-based rank of the first of the top-k sections that is a hit, or None."""
    for rank, (section, raw) in enumerate(ranked_sections[:k], start=1):
        if is_hit(item, section, raw):
            return rank
    return None


def citation_hit(item: GoldItem, cited_sections: Ranked) -> bool:
    """One of the answer's cited sections is a hit."""
    return any(is_hit(item, section, raw) for section, raw in cited_sections)
