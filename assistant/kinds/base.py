"""What every answer kind receives: the question as read (``Ask``) and a read-only ``Context``.

Example::

    ctx = Context.of(assistant)
    ask = Ask(question="what can you do?", intent="capabilities", confidence=0.9, plans=(),
              as_of=date.today(), reading=read_question("what can you do?", as_of=date.today()))
    answer = CapabilitiesKind().answer(ask, ctx)   # an Answer, or None when not its kind
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from assistant.models import Answer
from assistant.route import Reading
from indexer.models import Action, DateRange, Plan
from indexer.store import RecordStore

if TYPE_CHECKING:
    from assistant.acronyms import Acronyms
    from assistant.action_index import ActionIndex
    from assistant.action_terms import ActionTerms
    from assistant.evidence import Lexicon
    from assistant.retrieve import HybridRetriever


@dataclass(frozen=True)
class Ask:
    """A question as read: its text (a follow-up carries its subject), the intent the classifier
    gave it and how sure it was, the plans it names, the reference date and the rule reading
    (time window, asked-for fact)."""

    question: str
    intent: str
    confidence: float
    plans: tuple[Plan, ...]
    as_of: date
    reading: Reading
    follow_up: bool = False
    said: str = ""  # the question as asked (``question`` may carry a follow-up's subject)
    previous: tuple[str, ...] = ()  # the sections the previous answer of the conversation cited


@dataclass(frozen=True)
class Context:
    """The index as the answer kinds and the evidence answerer see it (read-only)."""

    records: RecordStore
    plans: tuple[Plan, ...]
    actions: Sequence[Action]  # every action in plan order, read when asked for (indexer.store.ActionList)
    action_index: ActionIndex
    action_terms: ActionTerms
    lexicon: Lexicon
    acronyms: Acronyms
    retriever: HybridRetriever
    periods: Mapping[str, DateRange]  # each plan's period (bounds recurring deadlines)
    extra: dict[str, Any]  # built once per index by kinds that need it (plan cards...)
    # the actions a section belongs to (the index's lookup, the recently used ones cached)
    actions_of: Callable[[str], Sequence[Action]]
    vectors_present: bool  # the index has a vector store (dense similarity is known)
    has_unit_vectors: bool  # the index stored a vector per unit (indexes built before them have none)
    embed_query: Callable[[str], Sequence[float]]  # the question's embedding, by the index's query embedder
    driver_names: list[str]  # every driver as the plans write it
    # is this (lower-case) word common English, as the embedding model's vocabulary knows it?
    common_word: Callable[[str], bool] = lambda word: False

    @classmethod
    def of(cls, assistant: Any) -> Context:
        return cls(records=assistant.records, plans=tuple(assistant.plans), actions=assistant.actions,
                   action_index=assistant.action_index, action_terms=assistant.action_terms,
                   lexicon=assistant.lexicon, acronyms=assistant.acronyms, retriever=assistant.retriever,
                   periods=assistant.periods, extra={}, actions_of=assistant.actions_of,
                   vectors_present=assistant.vectors is not None, has_unit_vectors=assistant.has_unit_vectors,
                   embed_query=assistant.embedder.embed_query,
                   driver_names=assistant.action_index.driver_names(),
                   common_word=assistant.speller.knows)


class AnswerKind(Protocol):
    """One kind of answer. ``answer`` returns None when the question is not of this kind."""

    name: str

    def answer(self, ask: Ask, ctx: Context) -> Answer | None: ...
