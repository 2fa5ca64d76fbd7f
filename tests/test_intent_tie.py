"""A near tie between an evidence route and a kind of its own: the kind of its own is tried too."""

from __future__ import annotations

from assistant.intent import Intent
from assistant.service import runner_up


class Kinds:
    KINDS = {"aggregate": "aggregate", "driver": "driver", "content": "content", "plan_overview": "overview"}

    def kind_of(self, label: str) -> str:
        return self.KINDS[label]


def intent(*ranked: tuple[str, float]) -> Intent:
    return Intent(ranked[0][0], Kinds.KINDS[ranked[0][0]], ranked[0][1], tuple(ranked))


def test_a_close_second_kind_of_its_own_is_tried() -> None:
    assert runner_up(intent(("driver", 0.50), ("aggregate", 0.49)), Kinds(), "driver") == "aggregate"


def test_a_distant_second_or_another_evidence_route_is_not() -> None:
    assert runner_up(intent(("driver", 0.80), ("aggregate", 0.15)), Kinds(), "driver") == ""
    assert runner_up(intent(("driver", 0.50), ("content", 0.49)), Kinds(), "driver") == ""


def test_a_kind_of_its_own_first_needs_no_second() -> None:
    assert runner_up(intent(("aggregate", 0.50), ("driver", 0.49)), Kinds(), "aggregate") == ""
