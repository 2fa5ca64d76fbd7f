"""What the assistant returns: an Answer with numbered Citations (frozen, JSON-ready)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

from assistant.route import Route


@dataclass(frozen=True)
class Citation:
    n: int
    plan: str  # plan title
    section: str  # heading path, " › " joined
    quote: str  # the cited passage (markup stripped, whitespace folded)
    file: str
    line_start: int
    line_end: int
    section_id: str
    page_start: int | None = None  # the PDF pages of the passage (None for text files)
    page_end: int | None = None


@dataclass(frozen=True)
class Answer:
    answer: str  # markdown with [n] markers
    citations: tuple[Citation, ...]
    refused: bool
    route: Route  # capabilities|overview|aggregate|driver|funding|deadline|budget|content|cross_plan|follow_up|refusal
    as_of: date
    retrieved: tuple[str, ...] = ()  # section ids, best first (for retrieval metrics)
    conversation_id: str | None = None
    meta: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return {
            "answer": self.answer,
            "citations": [asdict(c) for c in self.citations],
            "refused": self.refused,
            "route": str(self.route),  # the plain name ("driver")
            "as_of": self.as_of.isoformat(),
            "retrieved": list(self.retrieved),
            "conversation_id": self.conversation_id,
            "meta": self.meta,
        }
