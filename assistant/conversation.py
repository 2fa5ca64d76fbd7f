"""Bounded, expiring conversation memory: a follow-up resolves against the previous turns.

Example::

    memory = ConversationMemory()
    memory.add("c1", Turn("who drives 3.2?", Route.DRIVER, ("wbcsci-..."), ("wbcsci-...:0123",)))
    memory.last("c1").question
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from assistant.route import Route

# a question that continues the conversation: it opens as a continuation or points back at what
# was just discussed ("and who funds it?", "ok and who owns that bit?", "is that going to continue?")
_CONTINUES = re.compile(r"^\s*(?:(?:ok(?:ay)?|so|and|also|then)\b|what about\b|how about\b)", re.I)
_POINTS_BACK = re.compile(r"\b(?:it|its|that|this|those|these|they|them|their|the same|the latter|the former)\b",
                          re.I)


def refers_back(question: str) -> bool:
    """Does the question continue the previous one (only meaningful when there is one)?"""
    return bool(_CONTINUES.search(question) or _POINTS_BACK.search(question))


@dataclass(frozen=True)
class Turn:
    question: str  # the question as resolved (a follow-up carries its subject)
    route: Route  # the route of the turn's answer
    plan_ids: tuple[str, ...]
    section_ids: tuple[str, ...]  # what the answer cited


class ConversationMemory:
    """At most ``max_conversations`` conversations of ``max_turns`` turns, each kept ``ttl`` s."""

    def __init__(self, max_conversations: int = 1000, max_turns: int = 6, ttl: float = 3600.0) -> None:
        self.max_conversations, self.max_turns, self.ttl = max_conversations, max_turns, ttl
        self._data: OrderedDict[str, tuple[float, list[Turn]]] = OrderedDict()
        self._lock = threading.Lock()

    def last(self, conversation_id: str | None) -> Turn | None:
        if not conversation_id:
            return None
        with self._lock:
            entry = self._data.get(conversation_id)
            if entry is None:
                return None
            stamp, turns = entry
            if time.monotonic() - stamp > self.ttl:
                del self._data[conversation_id]
                return None
            return turns[-1] if turns else None

    def add(self, conversation_id: str | None, turn: Turn) -> None:
        if not conversation_id:
            return
        with self._lock:
            _, turns = self._data.pop(conversation_id, (0.0, []))
            turns = (turns + [turn])[-self.max_turns:]
            self._data[conversation_id] = (time.monotonic(), turns)
            while len(self._data) > self.max_conversations:
                self._data.popitem(last=False)

    def __len__(self) -> int:
        return len(self._data)
