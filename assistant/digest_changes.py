"""What changed in the action records between two digests of the same subscription: an action
whose deadline, status, drivers or funding changed on re-indexing, a new action, a removed one.

A *snapshot* is the plain-JSON state of the actions a digest looked at (keyed by action id, which is
``<plan id>:<number>`` and so survives re-indexing an edited plan), kept by the caller between
digests; :func:`changes` compares the previous snapshot with the records now.

Example::

    before = snapshot(actions, as_of=date(2018, 5, 1))
    ...                                   # the plan is edited and re-indexed
    for action_id, kind, fields in changes(before, snapshot(store.actions(), as_of=date(2018, 5, 8))):
        print(kind, action_id, [(f.field, f.before, f.after) for f in fields])
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from indexer.models import Action

SNAPSHOT_VERSION = 1
# what a digest reports as changed, and the record fields each is read from
WATCHED = {
    "deadline": ("timeline", "start", "end", "recurrence"),
    "status": ("status",),
    "drivers": ("drivers",),
    "funding": ("funding", "funding_status"),
}


@dataclass(frozen=True)
class FieldChange:
    field: str  # deadline | status | drivers | funding
    before: str  # as the plan wrote it before ("April 2012"), or "(none)"
    after: str


def action_state(a: Action) -> dict:
    """The watched fields of an action and where it is, as plain JSON."""
    return {"plan": a.plan, "number": a.number, "title": a.title, "section_id": a.section_id, "file": a.file,
            "line_start": a.line_start, "line_end": a.line_end, "timeline": a.timeline,
            "start": a.start.isoformat() if a.start else None, "end": a.end.isoformat() if a.end else None,
            "recurrence": a.recurrence, "status": a.status, "drivers": list(a.drivers), "funding": a.funding,
            "funding_status": a.funding_status}


def snapshot(actions: Iterable[Action], *, as_of: date) -> dict:
    """The state of these actions on ``as_of``, to compare the next digest with."""
    return {"version": SNAPSHOT_VERSION, "as_of": as_of.isoformat(),
            "actions": {a.id: action_state(a) for a in actions}}


def _shown(field: str, state: dict) -> str:
    """A watched field as a person reads it: the plan's own words, the parsed dates when the words
    say nothing (or did not change)."""
    if field == "deadline":
        dates = " to ".join(d for d in (state.get("start"), state.get("end")) if d)
        words = state.get("timeline") or ""
        return words or dates or (state.get("recurrence") or "(none)")
    if field == "drivers":
        return ", ".join(state.get("drivers") or []) or "(none)"
    if field == "funding":
        text = state.get("funding") or ""
        return f"{text} ({state.get('funding_status')})" if text else str(state.get("funding_status") or "(none)")
    return str(state.get(field) or "(none)")


def field_changes(before: dict, after: dict) -> tuple[FieldChange, ...]:
    """The watched fields that differ between two states of one action."""
    out = []
    for field, keys in WATCHED.items():
        if any(before.get(k) != after.get(k) for k in keys):
            old, new = _shown(field, before), _shown(field, after)
            if old == new and field == "deadline":  # same words, other dates: say the dates
                old = " to ".join(str(before.get(k)) for k in ("start", "end"))
                new = " to ".join(str(after.get(k)) for k in ("start", "end"))
            out.append(FieldChange(field, old, new))
    return tuple(out)


def changes(previous: dict, current: dict, *, still_indexed: dict[str, dict] | None = None,
            ) -> list[tuple[str, str, tuple[FieldChange, ...]]]:
    """(action id, kind, changed fields) for every action new, removed or changed between two
    snapshots, in the current snapshot's order (removed ones last). ``still_indexed`` holds the
    states of actions that left the snapshot's filter but are still in the index (their drivers
    changed, say): those are *changed*, not removed."""
    old, new = previous.get("actions", {}), current.get("actions", {})
    out: list[tuple[str, str, tuple[FieldChange, ...]]] = []
    for aid, state in new.items():
        if aid not in old:
            out.append((aid, "new", ()))
        elif fields := field_changes(old[aid], state):
            out.append((aid, "changed", fields))
    for aid, state in old.items():
        if aid in new:
            continue
        elsewhere = (still_indexed or {}).get(aid)
        if elsewhere is not None and (fields := field_changes(state, elsewhere)):
            out.append((aid, "changed", fields))
        elif elsewhere is None:
            out.append((aid, "removed", ()))
    return out
