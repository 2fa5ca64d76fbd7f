"""Frozen dataclasses that cross package boundaries: Plan, Section, DateRange, Amount, Action.

Offsets are 0-based character offsets into the file's decoded text (``end`` exclusive);
lines are 1-based and inclusive.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date


@dataclass(frozen=True)
class Plan:
    id: str  # slug of the file name, e.g. "bsec-plan-of-action-2021"
    title: str
    organisation: str
    period: str  # as written, e.g. "2018-2020", "July 2011 - June 2013"
    file: str  # path relative to the corpus dir
    sha256: str
    short: str = ""  # a short name set in corpus/plans.toml; empty: built from organisation and period

    @property
    def short_name(self) -> str:
        """How people name the plan: 'BSEC 2011-2013', 'WBCSCi 2018-2020', 'ECO'."""
        if self.short:
            return self.short
        years = re.findall(r"(?:19|20)\d\d", self.period)
        span = "-".join(dict.fromkeys(years)) if years else ""
        return f"{self.organisation} {span}".strip()


@dataclass(frozen=True)
class Section:
    """The unit of retrieval and citation: a paragraph, a numbered item, a list, one table row."""

    id: str  # f"{plan_id}:{ordinal:04d}"
    plan_id: str
    file: str
    heading_path: tuple[str, ...]  # (part, item, ...) below the plan title
    text: str  # markup stripped, whitespace folded: what is shown and cited
    kind: str  # "heading" | "paragraph" | "item" | "list" | "table_row"
    char_start: int
    char_end: int
    line_start: int
    line_end: int
    ordinal: int
    page_start: int | None = None  # PDF (and Word page breaks): the pages the passage lies on
    page_end: int | None = None

    def embed_text(self, plan_name: str) -> str:
        """Text given to the embedder and to BM25: the plan's (short) title and the heading path
        as context, then the section text."""
        path = " › ".join((plan_name, *self.heading_path))
        return f"{path}\n{self.text}"


@dataclass(frozen=True)
class DateRange:
    """A parsed timeline: when it starts and ends, how precisely, and whether it recurs."""

    start: date | None = None
    end: date | None = None
    precision: str | None = None  # "day" | "month" | "quarter" | "year"
    recurrence: str | None = None  # e.g. "each semester", "annual (July)"
    permanent: bool = False


@dataclass(frozen=True)
class Amount:
    currency: str  # "EUR"
    value: float
    label: str = ""  # e.g. "total", "EU contribution", "German Government"
    text: str = ""  # as written


@dataclass(frozen=True)
class Action:
    """A unit of work a plan assigns: a numbered item with a responsible party, a table row..."""

    id: str
    plan: str  # plan id
    number: str  # "3.2", "C.1", "II.3", "" when the plan does not number it
    need: str  # the objective it serves
    title: str
    text: str
    drivers: tuple[str, ...]
    status: str  # ongoing|planned|foreseen|initiated|done|permanent|requested|unknown
    timeline: str  # as written
    start: date | None
    end: date | None
    precision: str | None
    recurrence: str | None
    funding: str  # as written
    funding_status: str  # available|seeking|negotiating|unknown
    amounts: tuple[Amount, ...]
    section_id: str
    file: str
    line_start: int
    line_end: int
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_json(self) -> dict:
        """The record with exactly the documented field names (dates as ISO strings)."""
        data = asdict(self)
        for key in ("start", "end"):
            data[key] = data[key].isoformat() if data[key] else None
        data["drivers"] = list(self.drivers)
        data["amounts"] = [asdict(a) for a in self.amounts]
        data["notes"] = list(self.notes)
        data["source"] = {"file": data.pop("file"), "line_start": data.pop("line_start"),
                          "line_end": data.pop("line_end")}
        return data
