"""The deadlines routes: ``GET /api/deadlines.ics`` (a calendar feed to subscribe to) and
``GET /api/digest`` (what is due in the next days and what is overdue, as JSON).

Both take the filters of ``/api/actions`` (plan, driver, funding) and ``as_of``; bad values are
``plans.errors`` sentences (422 for a malformed value, 404 for an unknown plan), as everywhere in the
API. The feed's passage links point at ``PLANS_PUBLIC_URL``, else at the address the request came to.

Example::

    install_deadline_routes(app, backend)
    # GET /api/deadlines.ics?plan=wbcsci&funding=seeking     -> text/calendar
    # GET /api/digest?as_of=2018-05-01&within=60             -> {"due": [...], "overdue": [...], ...}
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import FastAPI, Query, Request
from fastapi.responses import Response

from assistant.digest import DigestQuery, build_digest
from assistant.policy import DIGEST_DAYS, DIGEST_MAX_DAYS
from bots.ics import deadline_calendar
from indexer.records import ActionFilter, filter_actions, parse_as_of, plan_horizons, read_funding, resolve_plan

PLAN_HELP = "Plan id, organisation or a word of its title."
DRIVER_HELP = "Driver, case-insensitive substring."
FUNDING_HELP = "available | seeking | negotiating | unknown"


def _clean(value: str | None) -> str | None:
    return (value or "").strip() or None


def _funding(value: str | None) -> str | None:
    return read_funding(_clean(value), "funding")  # any case and the everyday words, as /api/actions


def _plan_id(store: Any, plan: str | None) -> str | None:
    name = _clean(plan)
    return resolve_plan(store, name).id if name else None


def install_deadline_routes(app: FastAPI, backend: Any) -> None:
    @app.get("/api/deadlines.ics", tags=["deadlines"], response_class=Response,
             summary="The deadlines as a calendar feed (iCalendar)",
             responses={200: {"content": {"text/calendar": {}},
                              "description": "One all-day event per action end date and per recurrence "
                                             "within its plan's period, with a link to its passage."}})
    def deadlines_ics(request: Request,
                      plan: str | None = Query(None, description=PLAN_HELP),
                      driver: str | None = Query(None, description=DRIVER_HELP),
                      funding: str | None = Query(None, description=FUNDING_HELP),
                      as_of: str | None = Query(None, description="Reference date YYYY-MM-DD (default today): "
                                                                  "open-ended recurrences run two years past it.")
                      ) -> Response:
        store = backend.records()
        day = parse_as_of(as_of) or date.today()
        plan_id = _plan_id(store, plan)
        flt = ActionFilter(plan=plan_id, driver=_clean(driver), funding=_funding(funding), as_of=day)
        base = backend.settings.public_url or str(request.base_url)
        name = "Plans of action: deadlines" + (f" ({store.plan(plan_id).short_name})" if plan_id else "")
        body = deadline_calendar(store, filter_actions(store, flt), plan_horizons(store), base_url=base, as_of=day,
                                 name=name)
        return Response(content=body, media_type="text/calendar; charset=utf-8",
                        headers={"Content-Disposition": 'inline; filename="deadlines.ics"',
                                 "Cache-Control": "no-cache"})

    @app.get("/api/digest", tags=["deadlines"], summary="What is due in the next days and what is overdue")
    def digest(plan: str | None = Query(None, description=PLAN_HELP),
               driver: str | None = Query(None, description=DRIVER_HELP),
               funding: str | None = Query(None, description=FUNDING_HELP),
               within: int = Query(DIGEST_DAYS, description=f"Days ahead, 0 to {DIGEST_MAX_DAYS}."),
               as_of: str | None = Query(None, description="Reference date YYYY-MM-DD (default today).")) -> dict:
        """The digest `plans digest --json` prints, without the changes (a GET changes nothing, and what
        changed is kept per Slack subscription or `plans digest` key). Every item cites its passage."""
        store = backend.records()
        day = parse_as_of(as_of) or date.today()
        plan_id = _plan_id(store, plan)
        query = DigestQuery(as_of=day, within=within, plan=plan_id, driver=_clean(driver), funding=_funding(funding))
        out = build_digest(store, query, tracking=False).to_json()
        out.pop("changed")
        out.pop("since")
        out["counts"].pop("changed")
        return out
