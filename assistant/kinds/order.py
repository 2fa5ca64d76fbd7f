"""The answer kinds in the order they are tried, in one visible list.

A follow-up about the previous answer's subject is tried first (``follow_up``); then the intent
classifier names a kind, which answers, or returns None when the question is not its kind after
all, and the grounded evidence answerer (lookup by number, listings, deadlines, cross-plan, cited
passages) answers instead.

Example::

    kinds = build_kinds()
    kinds[Route.OVERVIEW].answer(ask, ctx)
"""

from __future__ import annotations

from assistant.intent import UNSURE, Intent
from assistant.kinds.aggregate import AggregateKind
from assistant.kinds.base import AnswerKind
from assistant.kinds.budget import BudgetKind
from assistant.kinds.capabilities import CapabilitiesKind
from assistant.kinds.followup import FollowUpKind
from assistant.kinds.overview import OverviewKind
from assistant.policy import INTENT_SURE
from assistant.route import Route

# the routes of the grounded evidence answerer that an intent may choose (budget also has a kind of its
# own, tried first); each kind of its own is named in KIND_ORDER
EVIDENCE_ROUTES = (Route.DRIVER, Route.FUNDING, Route.BUDGET, Route.DEADLINE, Route.CONTENT, Route.CROSS_PLAN)
KIND_ORDER: tuple[type, ...] = (CapabilitiesKind, OverviewKind, AggregateKind, BudgetKind, FollowUpKind)


def build_kinds() -> dict[str, AnswerKind]:
    """One instance of each kind, by name, in :data:`KIND_ORDER`."""
    return {inst.name: inst for inst in (cls() for cls in KIND_ORDER)}


def choose_kind(intent: Intent, rule_route: Route) -> str:
    """The kind that answers: the intent's kind when the classifier is sure of it (not "unsure"),
    else the route the question's form gives (the rule reading). Where the form asks across plans
    ("which plans…", two plans named), that route stands unless the classifier is sure
    (``INTENT_SURE``) of another."""
    if intent.kind == UNSURE:
        return rule_route
    if intent.kind in EVIDENCE_ROUTES and rule_route == Route.CROSS_PLAN and intent.kind != rule_route \
            and intent.confidence < INTENT_SURE:
        return rule_route
    return intent.kind
