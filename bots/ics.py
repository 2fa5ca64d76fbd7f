"""The deadlines as a calendar feed (iCalendar, RFC 5545, written with ``icalendar``): one all-day event
per action end date and per recurrence within its plan's period, each with the action, its drivers,
timeline and funding, and a link to its passage on the page. The only module that imports icalendar.

The dates are those every interface uses: ``indexer.records.due_dates`` (``due_date`` again and
again), so a 2011-2013 plan's "each semester" meetings are events of 2011 to 2013 only.

Example::

    ics = deadline_calendar(store, filter_actions(store, flt), plan_horizons(store),
                            base_url="https://plans.example.org", as_of=date(2018, 5, 1))
    Path("deadlines.ics").write_bytes(ics)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import quote

from icalendar import Calendar, Event

from indexer.models import Action, DateRange, Plan
from indexer.records import due_dates
from indexer.store import RecordStore
from plans.errors import NotFoundError

OPEN_YEARS = 2  # a recurrence with no end and no plan period is listed this many years past as_of
DESCRIPTION_CHARS = 600


@dataclass(frozen=True)
class Occurrence:
    action: Action
    day: date
    kind: str  # "ends" (the action's end date) | "recurs" (one recurrence)


def occurrences(a: Action, period: DateRange | None, *, as_of: date) -> list[Occurrence]:
    """The days the action falls due: its end date, or each recurrence from its start (else its plan's)
    to its end (else its plan's); a recurrence bounded by neither runs ``OPEN_YEARS`` past ``as_of``."""
    if not (a.recurrence or a.end):
        return []  # a start alone is no deadline
    if a.recurrence:
        lo = a.start or (period.start if period else None) or as_of
    else:  # the end date itself, found the way due_date finds it
        lo = a.start if a.start and a.end and a.start <= a.end else a.end or as_of
    hi = a.end or (period.end if period else None) or as_of + timedelta(days=365 * OPEN_YEARS)
    out = []
    for day in due_dates(a, period, lo, hi):
        if a.recurrence:
            out.append(Occurrence(a, day, "recurs"))
        elif day == a.end:
            out.append(Occurrence(a, day, "ends"))
    return out


def passage_url(base_url: str, section_id: str) -> str:
    return f"{base_url.rstrip('/')}/#section={quote(section_id, safe=':')}"


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def _event(o: Occurrence, plan: Plan | None, heading: str, base_url: str, stamp: datetime) -> Event:
    a = o.action
    name = " ".join(x for x in ((plan.short_name if plan else a.plan), a.number) if x)
    title = _shorten(a.title or a.text or "(untitled action)", 120)
    when = f" ({a.recurrence})" if o.kind == "recurs" else ""
    url = passage_url(base_url, a.section_id) if a.section_id else ""
    lines = f"line {a.line_start}" if a.line_start == a.line_end else f"lines {a.line_start}-{a.line_end}"
    description = [
        _shorten(a.text, DESCRIPTION_CHARS) if a.text and a.text != a.title else title,
        f"Drivers: {', '.join(a.drivers) or 'none named'}",
        f"Timeline: {a.timeline or '-'}",
        f"Funding: {a.funding or '-'} ({a.funding_status})",
        f"Passage: {plan.title if plan else a.plan} › {heading} ({a.file}, {lines})",
    ]
    if url:
        description.append(f"Read it: {url}")
    e = Event()
    e.add("uid", f"{a.id}/{o.day.isoformat()}@plans")
    e.add("dtstamp", stamp)
    e.add("dtstart", o.day)
    e.add("dtend", o.day + timedelta(days=1))
    e.add("summary", f"{name}: {title}{when}")
    e.add("description", "\n".join(description))
    e.add("categories", [plan.short_name if plan else a.plan, f"funding {a.funding_status}"])
    e.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
    if url:
        e.add("url", url)
    return e


def deadline_calendar(store: RecordStore, actions: Iterable[Action], periods: Mapping[str, DateRange], *,
                      base_url: str, as_of: date, name: str = "Plans of action: deadlines") -> bytes:
    """The feed of these actions' deadlines, events in date order."""
    cal = Calendar()
    cal.add("prodid", "-//plans//Deadlines of the plans of action//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    plans = {p.id: p for p in store.plans()}
    stamp = datetime.now(UTC).replace(microsecond=0)
    found = sorted((o for a in actions for o in occurrences(a, periods.get(a.plan), as_of=as_of)),
                   key=lambda o: (o.day, o.action.plan, o.action.number))
    for o in found:
        try:
            heading = " › ".join(store.section(o.action.section_id).heading_path)
        except NotFoundError:
            heading = ""
        cal.add_component(_event(o, plans.get(o.action.plan), heading, base_url, stamp))
    return cal.to_ical()
