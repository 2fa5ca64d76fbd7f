"""The answer kinds in the order they are tried, in one visible list.

A follow-up about the previous answer's subject is tried first (``follow_up``); then the intent
classifier names a kind, which answers, or returns None when the question is not its kind after
all, and the grounded evidence answerer (lookup by number, listings, deadlines, cross-plan, cited
passages) answers instead.

Example::

    kinds = build_kinds()
    kinds["overview"].answer(ask, ctx)
"""

from __future__ import annotations

from assistant.kinds.aggregate import AggregateKind
from assistant.kinds.base import AnswerKind
from assistant.kinds.capabilities import CapabilitiesKind
from assistant.kinds.followup import FollowUpKind
from assistant.kinds.overview import OverviewKind

# each kind of its own, by the name the intent classifier gives it; the rest of the kinds (driver,
# funding, budget, deadline, content, cross_plan, lookup) are routes of the evidence answerer
KIND_ORDER: tuple[type, ...] = (CapabilitiesKind, OverviewKind, AggregateKind, FollowUpKind)


def build_kinds() -> dict[str, AnswerKind]:
    """One instance of each kind, by name, in :data:`KIND_ORDER`."""
    return {inst.name: inst for inst in (cls() for cls in KIND_ORDER)}
