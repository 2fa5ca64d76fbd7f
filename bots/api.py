"""The HTTP API's routes: ask (JSON and server-sent events), actions, plans, sections, health.

Each route is thin: it checks its input, calls the assistant or the record store, and returns
JSON. Errors are ``plans.errors`` exceptions, rendered as ``{"error", "detail"}`` by ``bots.web``.

Example::

    install_routes(app, backend)   # backend.assistant() and backend.records() give the index
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

from fastapi import FastAPI, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from assistant.policy import MAX_QUESTION, check_question
from indexer.records import action_json, parse_as_of, read_funding
from plans.errors import InputError


class AskRequest(BaseModel):
    """A question, optionally pinned to a reference date, a conversation and a plan."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"question": "Who is implementing the PAMECA V project in Albania?", "as_of": "2018-05-01"}]})

    question: str = Field(description=f"The question, 1 to {MAX_QUESTION} characters.")
    as_of: str | None = Field(None, description="Reference date YYYY-MM-DD (default today).",
                              json_schema_extra={"format": "date"})
    conversation_id: str | None = Field(None, max_length=200,
                                        description="Returned by the previous answer; keeps follow-ups in context.")
    plan: str | None = Field(None, description="Only this plan: its id, organisation or a word of its title.")


def sentences(text: str) -> list[str]:
    """Cut an answer into sentence- and line-sized chunks whose concatenation is the answer."""
    return [part for part in re.split(r"(?<=\n)|(?<=[.!?])(?= )", text) if part]


def sse(event: str, data: Any) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def answer_events(answer: Any) -> Iterator[str]:
    """Server-sent events: the text by sentence, then the citations, then the whole Answer."""
    body = answer.to_json()
    for chunk in sentences(body["answer"]):
        yield sse("token", {"text": chunk})
    yield sse("citations", body["citations"])
    yield sse("done", body)


def section_json(s: Any) -> dict:
    return {"id": s.id, "plan_id": s.plan_id, "heading_path": list(s.heading_path),
            "section": " › ".join(s.heading_path), "kind": s.kind, "text": s.text, "file": s.file,
            "line_start": s.line_start, "line_end": s.line_end, "page_start": s.page_start, "page_end": s.page_end}


def ask_with(backend: Any, body: AskRequest) -> Any:
    question = check_question(body.question)  # before the model loads
    as_of = parse_as_of(body.as_of)
    plan = (body.plan or "").strip() or None
    return backend.assistant().ask(question, as_of=as_of, conversation_id=body.conversation_id or None,
                                   plan=plan)


def install_routes(app: FastAPI, backend: Any) -> None:
    @app.post("/api/ask", tags=["ask"], summary="Ask a question; the Answer with numbered citations")
    def ask(body: AskRequest) -> dict:
        """The same JSON as `plans ask --json`, with the conversation_id to send with a follow-up."""
        return ask_with(backend, body).to_json()

    @app.post("/api/ask/stream", tags=["ask"], summary="Ask a question; the answer as server-sent events",
              response_class=StreamingResponse,
              responses={200: {"content": {"text/event-stream": {}},
                               "description": "`token` events ({text}) by sentence, then `citations` "
                                              "(the list), then `done` (the whole Answer JSON)."}})
    async def ask_stream(body: AskRequest) -> StreamingResponse:
        answer = await run_in_threadpool(ask_with, backend, body)  # errors here are still JSON
        return StreamingResponse(answer_events(answer), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    @app.get("/api/actions", tags=["browse"], summary="Action records, filtered")
    def actions(
        plan: str | None = Query(None, description="Plan id, organisation or a word of its title."),
        driver: str | None = Query(None, description="Driver, case-insensitive substring."),
        funding: str | None = Query(None, description="available | seeking | negotiating | unknown, any case "
                                                      "(also funded, unfunded, sought, negotiated)"),
        due_within: int | None = Query(None, description="Due within this many days of as_of."),
        as_of: str | None = Query(None, description="Reference date YYYY-MM-DD (default today)."),
        overdue: bool = Query(False, description="Only actions whose end date is before as_of."),
    ) -> dict:
        from indexer.records import ActionFilter, filter_actions, with_due

        funding = read_funding(funding, "funding")  # any case, and the everyday words, as the CLI and Slack
        if due_within is not None and due_within < 0:
            raise InputError("due_within must be a number of days, 0 or more.")
        day = parse_as_of(as_of) or date.today()
        flt = ActionFilter(plan=(plan or "").strip() or None, driver=(driver or "").strip() or None,
                           funding=funding, due_within=due_within, as_of=day, overdue=overdue)
        store = backend.records()
        rows = [action_json(a, due) for a, due in with_due(store, filter_actions(store, flt), day)]
        return {"as_of": day.isoformat(), "count": len(rows), "actions": rows}

    @app.get("/api/plans", tags=["browse"], summary="The indexed plans with section and action counts")
    def plans() -> dict:
        store = backend.records()
        counts = store.counts()
        return {"plans": [{"id": p.id, "title": p.title, "organisation": p.organisation, "period": p.period,
                           "short_name": p.short_name, "file": p.file,
                           "sections": counts.get(p.id, (0, 0))[0],
                           "actions": counts.get(p.id, (0, 0))[1]} for p in store.plans()]}

    @app.get("/api/sections/{section_id}", tags=["browse"],
             summary="A passage with its heading path, line span and its neighbours in the plan")
    def section(section_id: str) -> dict:
        store = backend.records()
        s = store.section(section_id)
        siblings = store.sections(plan_id=s.plan_id)
        i = next((k for k, x in enumerate(siblings) if x.id == s.id), 0)
        plan = store.plan(s.plan_id)
        from bots.passages import row_tables

        return {**section_json(s),
                "plan": {"id": plan.id, "title": plan.title, "short_name": plan.short_name},
                "tables": row_tables(store, s),  # a table row as its cells (bots.passages)
                "previous": section_json(siblings[i - 1]) if i > 0 else None,
                "next": section_json(siblings[i + 1]) if i + 1 < len(siblings) else None}

    @app.get("/healthz", tags=["health"], summary="The process is up")
    def healthz() -> dict:
        return {"status": "ok", "assistant_loaded": backend.loaded}

    @app.get("/readyz", tags=["health"], summary="The index is loaded and the vector store reachable",
             responses={503: {"description": "Not ready: the reason is in `error`."}})
    def readyz() -> JSONResponse:
        status, body = backend.readiness()
        return JSONResponse(body, status_code=status)
