"""A deadlines digest: what falls due in the next days, what is overdue (past its end, not done), and
what changed since the previous digest of the same subscription, every line citing its passage.

Due dates are the ones every interface shows (``indexer.records.due_date``: an action's end, or its
next recurrence within its plan's period); overdue is ``indexer.records.is_overdue``; the filters are
those of ``indexer.records.filter_actions``. The same digest feeds `plans digest`, the Slack
subscriptions and App Home, ``GET /api/digest`` and the page's Deadlines view.

Example::

    query = DigestQuery(as_of=date(2018, 5, 1), within=60, plan="wbcsci-integrative-plan-of-action-2018-2020")
    digest = build_digest(store, query, previous=kept_snapshot)   # kept_snapshot: None the first time
    print(digest.text)                 # markdown, each line with a [n] marker
    digest.citations                   # the passages, numbered
    keep(digest.snapshot)              # what the next digest of this subscription compares with
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

from assistant.compose import Citations
from assistant.digest_changes import FieldChange, action_state, changes, snapshot
from assistant.models import Citation
from assistant.policy import DIGEST_CHANGED_LINES, DIGEST_DAYS, DIGEST_DUE_LINES, DIGEST_MAX_DAYS, DIGEST_OVERDUE_LINES
from indexer.funding import STATUSES
from indexer.models import Action, DateRange
from indexer.records import ActionFilter, due_date, filter_actions, is_overdue, plan_horizons
from indexer.store import RecordStore
from plans.errors import InputError, NotFoundError


@dataclass(frozen=True)
class DigestQuery:
    """What a digest is about: a reference date, how many days ahead, and optional filters (a plan
    id, a driver as a case-insensitive substring, a funding status)."""

    as_of: date
    within: int = DIGEST_DAYS
    plan: str | None = None
    driver: str | None = None
    funding: str | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.within <= DIGEST_MAX_DAYS:
            raise InputError(f"within must be a number of days from 0 to {DIGEST_MAX_DAYS}, not {self.within}.")
        if self.funding and self.funding not in STATUSES:
            raise InputError(f"funding must be one of {', '.join(STATUSES)}, not {self.funding!r}.")


@dataclass(frozen=True)
class DigestItem:
    """One line of a digest: an action (due, overdue, new, changed or removed) and where it is."""

    kind: str  # due | overdue | new | changed | removed
    action_id: str
    plan: str  # plan id
    plan_name: str  # the plan's short name
    number: str
    title: str
    section_id: str
    date: date | None = None  # due: the due date; overdue: the end date
    drivers: tuple[str, ...] = ()
    timeline: str = ""
    funding: str = ""
    funding_status: str = "unknown"
    changes: tuple[FieldChange, ...] = ()
    cite: int | None = None  # the citation number; None when the passage is gone (removed)
    where: str = ""  # file and lines (for a removed action: where it was)

    def to_json(self) -> dict:
        out = asdict(self)
        out["date"] = self.date.isoformat() if self.date else None
        out["drivers"] = list(self.drivers)
        out["changes"] = [asdict(c) for c in self.changes]
        return out


@dataclass(frozen=True)
class Digest:
    query: DigestQuery
    plan_name: str | None
    due: tuple[DigestItem, ...]
    overdue: tuple[DigestItem, ...]
    changed: tuple[DigestItem, ...]
    since: str | None  # the previous digest's as_of; None: the first digest (changes tracked from now on)
    text: str  # markdown with [n] markers
    citations: tuple[Citation, ...]
    snapshot: dict = field(repr=False, default_factory=dict)

    @property
    def empty(self) -> bool:
        """Nothing due, overdue or changed: a subscription asking for silence posts nothing."""
        return not (self.due or self.overdue or self.changed)

    def to_json(self) -> dict:
        q = self.query
        return {"as_of": q.as_of.isoformat(), "within": q.within, "until": (q.as_of + timedelta(q.within)).isoformat(),
                "plan": q.plan, "plan_name": self.plan_name, "driver": q.driver, "funding": q.funding,
                "since": self.since, "counts": {"due": len(self.due), "overdue": len(self.overdue),
                                                "changed": len(self.changed)},
                "due": [i.to_json() for i in self.due], "overdue": [i.to_json() for i in self.overdue],
                "changed": [i.to_json() for i in self.changed], "text": self.text,
                "citations": [asdict(c) for c in self.citations]}


def build_digest(store: RecordStore, query: DigestQuery, *, previous: dict | None = None,
                 periods: Mapping[str, DateRange] | None = None, tracking: bool = True) -> Digest:
    """The digest of ``query`` over the records in ``store``; ``previous`` is the snapshot of the
    previous digest of the same subscription (None the first time: nothing is reported as changed).
    ``tracking=False``: a one-off digest (the page, App Home) whose text says nothing of changes."""
    periods = plan_horizons(store) if periods is None else periods
    names = {p.id: p.short_name for p in store.plans()}
    as_of, until = query.as_of, query.as_of + timedelta(days=query.within)
    matching = filter_actions(store, ActionFilter(plan=query.plan, driver=query.driver, funding=query.funding,
                                                  as_of=as_of))
    cites = Citations(store)
    due_rows = sorted(((d, a) for a in matching if (d := due_date(a, as_of, periods.get(a.plan))) and d <= until),
                      key=lambda r: (r[0], r[1].plan, r[1].number))
    late = sorted((a for a in matching if is_overdue(a, as_of)), key=lambda a: (-(a.end or as_of).toordinal(),
                                                                                   a.plan, a.number))
    current = snapshot(matching, as_of=as_of)
    found = []
    if previous is not None:
        gone = {s["plan"] for aid, s in previous.get("actions", {}).items() if aid not in current["actions"]}
        elsewhere = {a.id: action_state(a) for p in gone for a in _actions_of(store, p)}
        by_id = {a.id: a for a in matching}
        for aid, kind, fields in changes(previous, current, still_indexed=elsewhere):
            state = current["actions"].get(aid) or elsewhere.get(aid) or previous["actions"][aid]
            found.append((kind, aid, state, fields, by_id.get(aid)))
    # citations are numbered in the order the text shows them: due, overdue, changed
    due = tuple(_item("due", a, names, cites, when=d, cite=k < DIGEST_DUE_LINES) for k, (d, a) in enumerate(due_rows))
    overdue = tuple(_item("overdue", a, names, cites, when=a.end, cite=k < DIGEST_OVERDUE_LINES)
                    for k, a in enumerate(late))
    changed = tuple(_changed_item(kind, aid, state, fields, names, cites, cite=k < DIGEST_CHANGED_LINES)
                    for k, (kind, aid, state, fields, _) in enumerate(found))
    plan_name = names.get(query.plan or "") if query.plan else None
    since = previous.get("as_of") if previous is not None else None
    text = compose(query, plan_name, due, overdue, changed, since, first=previous is None, tracking=tracking)
    return Digest(query, plan_name, due, overdue, changed, since, text, tuple(cites.items), current)


def _actions_of(store: RecordStore, plan_id: str) -> list[Action]:
    try:
        return store.actions(plan=plan_id)
    except NotFoundError:
        return []


def _cite(cites: Citations, store_section_id: str) -> int | None:
    if not store_section_id:
        return None
    try:
        ref = cites.cite(cites.records.section(store_section_id))
    except NotFoundError:
        return None
    return int(ref.strip("[]"))


def _where(state: dict) -> str:
    a, b = state.get("line_start"), state.get("line_end")
    lines = f"line {a}" if a == b else f"lines {a}–{b}"
    return f"{state.get('file')}, {lines}"


def _item(kind: str, a: Action, names: dict[str, str], cites: Citations, *, when: date | None,
          cite: bool) -> DigestItem:
    return DigestItem(kind=kind, action_id=a.id, plan=a.plan, plan_name=names.get(a.plan, a.plan), number=a.number,
                      title=a.title, section_id=a.section_id, date=when, drivers=a.drivers, timeline=a.timeline,
                      funding=a.funding, funding_status=a.funding_status,
                      cite=_cite(cites, a.section_id) if cite else None, where=_where(action_state(a)))


def _changed_item(kind: str, aid: str, state: dict, fields: tuple[FieldChange, ...], names: dict[str, str],
                  cites: Citations, *, cite: bool) -> DigestItem:
    return DigestItem(kind=kind, action_id=aid, plan=state["plan"], plan_name=names.get(state["plan"], state["plan"]),
                      number=state.get("number") or "", title=state.get("title") or "",
                      section_id=state.get("section_id") or "", drivers=tuple(state.get("drivers") or ()),
                      timeline=state.get("timeline") or "", funding=state.get("funding") or "",
                      funding_status=state.get("funding_status") or "unknown", changes=fields,
                      cite=_cite(cites, state.get("section_id") or "") if cite and kind != "removed" else None,
                      where=_where(state))


# -- the text -------------------------------------------------------------------------------------

def _name(i: DigestItem) -> str:
    ref = " ".join(x for x in (i.plan_name, i.number) if x)
    title = i.title if len(i.title) <= 110 else i.title[:110].rsplit(" ", 1)[0] + " …"
    return f"**{ref}** {title}".rstrip()


def _facts(i: DigestItem) -> str:
    facts = [f"driven by {', '.join(i.drivers)}" if i.drivers else "",
             f"timeline: {i.timeline}" if i.timeline else "",
             f"funding: {i.funding_status}" if i.funding_status != "unknown" else ""]
    return "; ".join(f for f in facts if f)


def _ref(i: DigestItem) -> str:
    return f" [{i.cite}]" if i.cite else f" ({i.where}, section {i.section_id})" if i.section_id else f" ({i.where})"


def line(i: DigestItem) -> str:
    """One digest line: when, which action of which plan, the facts, and the citation."""
    if i.kind == "due":
        head = f"{i.date.isoformat() if i.date else '?'} · {_name(i)}"
    elif i.kind == "overdue":
        head = f"ended {i.date.isoformat() if i.date else '?'} · {_name(i)}"
    elif i.kind == "changed":
        head = f"{_name(i)}: " + "; ".join(f"{c.field} {c.before} → {c.after}" for c in i.changes)
        return f"- {head}{_ref(i)}"
    elif i.kind == "new":
        head = f"new: {_name(i)}"
    else:
        return f"- removed: {_name(i)} (was at {i.where}, section {i.section_id})"
    facts = _facts(i)
    return f"- {head}" + (f" — {facts}" if facts else "") + _ref(i)


def heading(query: DigestQuery, plan_name: str | None) -> str:
    about = [f"the {plan_name} plan" if plan_name else "all plans"]
    if query.driver:
        about.append(f"driver {query.driver}")
    if query.funding:
        about.append(f"funding {query.funding}")
    return f"Deadlines digest for {', '.join(about)}, as of {query.as_of.isoformat()}"


def compose(query: DigestQuery, plan_name: str | None, due: tuple[DigestItem, ...], overdue: tuple[DigestItem, ...],
            changed: tuple[DigestItem, ...], since: str | None, *, first: bool, tracking: bool = True) -> str:
    window = f"the next {query.within} days"
    out = [f"**{heading(query, plan_name)}**"]
    if due:
        out.append(f"**Due in {window}** ({len(due)}):")
        out += [line(i) for i in due[:DIGEST_DUE_LINES]]
        if len(due) > DIGEST_DUE_LINES:
            out.append(f"- … and {len(due) - DIGEST_DUE_LINES} more")
    else:
        out.append(f"Nothing due in {window} (to {(query.as_of + timedelta(query.within)).isoformat()}).")
    if overdue:
        shown = min(len(overdue), DIGEST_OVERDUE_LINES)
        more = f"; the {shown} most recently ended" if len(overdue) > shown else ""
        out.append(f"**Overdue** ({len(overdue)}: past their end date and not marked done{more}):")
        out += [line(i) for i in overdue[:DIGEST_OVERDUE_LINES]]
    if changed:
        out.append(f"**Changed since the last digest** (of {since}, {len(changed)}):")
        out += [line(i) for i in changed[:DIGEST_CHANGED_LINES]]
        if len(changed) > DIGEST_CHANGED_LINES:
            out.append(f"- … and {len(changed) - DIGEST_CHANGED_LINES} more")
    elif tracking and first:
        out.append("_Changes to deadlines, status, drivers and funding are reported from the next digest on._")
    elif tracking:
        out.append(f"No deadline, status, driver or funding changed since the last digest (of {since}).")
    return "\n".join(out)
