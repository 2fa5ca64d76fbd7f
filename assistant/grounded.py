"""The grounded evidence answer: which strategy answers a question no answer kind took — a
comparison across plans, a listing from the action records, a deadline window, or the cited
passages (``Answerer.evidence``), or a refusal when the question is outside the plans.

Example::

    answerer = Answerer(Context.of(assistant))
    answer = grounded_answer(answerer, question, read_question(question, as_of=today), plans=[], as_of=today)
"""

from __future__ import annotations

from datetime import date

from assistant.answering import Answerer
from assistant.crossplan import cross_plan_answer
from assistant.deadlines import asks_deadline_list, deadline_answer
from assistant.listing import list_answer
from assistant.models import Answer
from assistant.policy import MIN_DENSE, SEARCH_K
from assistant.route import Reading, Route
from indexer.models import Plan


def grounded_answer(ans: Answerer, question: str, reading: Reading, plans: list[Plan], as_of: date) -> Answer:
    """Answer from the plans' records and passages, the strategy chosen by the question's reading."""
    q = ans.prepare(question, plans)
    if reading.route == Route.CROSS_PLAN and (not plans or len(plans) > 1):
        return cross_plan_answer(ans, q, as_of)
    listed = list_answer(ans, q, reading, as_of)
    if listed is not None:
        return listed
    hits = ans.ctx.retriever.search(q.text, k=SEARCH_K, plan_ids=[p.id for p in plans] or None,
                                    lexical_query=q.lexical)
    if reading.route == Route.DEADLINE and (reading.window or asks_deadline_list(question)):
        answer = deadline_answer(ans, q, reading, hits, as_of)
        if answer is not None:
            return answer
    if (ans.ctx.vectors_present and max((h.dense or 0.0 for h in hits), default=0.0) < MIN_DENSE
            and not ans.names_something_in_the_plans(question)):
        return ans.refuse(reading, hits, as_of, "the question is outside what they cover")
    return ans.evidence(q, reading, hits, as_of)
