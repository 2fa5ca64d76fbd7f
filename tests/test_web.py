"""The web API over HTTP: the real FastAPI app (TestClient) on the session's real index and
assistant, plus a tiny index whose plan contains HTML, and stubs for a down vector store."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.conftest import make_settings

GOLD_Q = "Who is implementing the PAMECA V project in Albania?"
ANSWER_KEYS = {"answer", "citations", "refused", "route", "as_of", "retrieved", "conversation_id", "meta"}
CITATION_KEYS = {"n", "plan", "section", "quote", "file", "line_start", "line_end", "section_id", "page_start",
                 "page_end"}
XSS_PLAN = """# XSS Plan of Action 2020-2021

## 1. Web safety

1. Member States will publish <script>alert(1)</script> warnings about <img src=x onerror=alert(2)> phishing by 2021.
Responsible: Country Coordinator
Deadline: End of 2021

2. Member States will exchange information on cybercrime.
"""


def xss_index(base: Path, embedder):
    """Settings of a one-plan index whose passage holds a <script> tag."""
    from indexer.pipeline import run_index

    corpus = base / "corpus"
    corpus.mkdir(parents=True)
    (corpus / "xss-plan-of-action-2020.txt").write_text(XSS_PLAN, encoding="utf-8")
    settings = make_settings(corpus, base / "data")
    run_index(settings, embedder=embedder, progress=False)
    return settings


@pytest.fixture(scope="module")
def client(real_index, assistant):
    from bots.web import create_app

    with TestClient(create_app(real_index, assistant=assistant)) as c:
        yield c


def sse_events(text: str) -> list[tuple[str, object]]:
    events = []
    for block in text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((lines["event"], json.loads(lines["data"])))
    return events


def test_ask_a_gold_question_returns_the_answer_with_citations(client):
    r = client.post("/api/ask", json={"question": GOLD_Q, "as_of": "2018-05-01"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == ANSWER_KEYS
    assert body["citations"] and set(body["citations"][0]) == CITATION_KEYS
    assert "Italian" in body["answer"] and "[1]" in body["answer"]
    assert body["citations"][0]["file"] == "wbcsci-integrative-plan-of-action-2018-2020.txt"
    assert body["as_of"] == "2018-05-01" and not body["refused"] and body["conversation_id"]


def test_conversation_id_is_kept_across_turns(client):
    first = client.post("/api/ask", json={"question": GOLD_Q}).json()
    cid = first["conversation_id"]
    second = client.post("/api/ask", json={"question": "and who funds it?", "conversation_id": cid})
    assert second.status_code == 200
    assert second.json()["conversation_id"] == cid
    assert second.json()["route"] == "follow_up"


def test_ask_with_a_plan_filter(client):
    r = client.post("/api/ask", json={"question": "What does the plan say about cyber crimes?", "plan": "eco"})
    assert r.status_code == 200
    assert all(c["file"].startswith("eco-") for c in r.json()["citations"])


def test_stream_yields_tokens_then_citations_then_done(client):
    with client.stream("POST", "/api/ask/stream", json={"question": GOLD_Q}) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        text = "".join(r.iter_text())
    events = sse_events(text)
    names = [e for e, _ in events]
    assert names[-2:] == ["citations", "done"] and set(names[:-2]) == {"token"} and len(names) >= 3
    done = events[-1][1]
    assert set(done) == ANSWER_KEYS
    assert "".join(d["text"] for e, d in events if e == "token") == done["answer"]
    assert events[-2][1] == done["citations"] and done["citations"]


def test_stream_errors_are_json_before_the_stream_starts(client):
    r = client.post("/api/ask/stream", json={"question": "  "})
    assert r.status_code == 422 and r.headers["content-type"] == "application/json"
    assert "empty" in r.json()["error"]


def test_actions_filters(client):
    every = client.get("/api/actions").json()
    assert every["count"] == len(every["actions"]) > 100
    seeking = client.get("/api/actions", params={"funding": "seeking"}).json()
    assert seeking["count"] > 0 and {a["funding_status"] for a in seeking["actions"]} == {"seeking"}
    wb = client.get("/api/actions", params={"plan": "wbcsci", "funding": "seeking"}).json()
    assert wb["count"] > 0 and {a["plan"] for a in wb["actions"]} == {"wbcsci-integrative-plan-of-action-2018-2020"}
    marri = client.get("/api/actions", params={"driver": "marri"}).json()
    assert marri["count"] > 0 and all(any("marri" in d.lower() for d in a["drivers"]) for a in marri["actions"])
    due = client.get("/api/actions", params={"due_within": 60, "as_of": "2018-05-01"}).json()
    assert due["as_of"] == "2018-05-01" and 0 < due["count"] < every["count"]
    assert all("2018-05-01" <= a["due"] <= "2018-06-30" for a in due["actions"])
    overdue = client.get("/api/actions", params={"overdue": "true", "as_of": "2019-06-01"}).json()
    assert overdue["count"] > 0 and all(a["end"] < "2019-06-01" for a in overdue["actions"])
    row = seeking["actions"][0]
    assert {"id", "plan", "number", "title", "drivers", "timeline", "funding", "section_id", "source"} <= set(row)


def test_plans_lists_the_five_plans_with_counts(client):
    plans = client.get("/api/plans").json()["plans"]
    assert len(plans) == 5
    wb = next(p for p in plans if p["organisation"] == "WBCSCi")
    assert wb["short_name"] == "WBCSCi 2018-2020" and wb["period"] == "2018-2020"
    assert all(p["sections"] > 0 and p["actions"] >= 0 and p["title"] for p in plans)
    assert wb["actions"] > 50


def test_section_with_heading_path_lines_and_neighbours(client):
    cited = client.post("/api/ask", json={"question": GOLD_Q}).json()["citations"][0]
    r = client.get(f"/api/sections/{cited['section_id']}")
    assert r.status_code == 200
    s = r.json()
    assert s["id"] == cited["section_id"] and "PAMECA V" in s["text"]
    assert s["section"] == cited["section"] and s["heading_path"][-1] == "1.2 Law enforcement and judiciary training"
    assert (s["file"], s["line_start"], s["line_end"]) == (cited["file"], cited["line_start"], cited["line_end"])
    assert s["plan"]["short_name"] == "WBCSCi 2018-2020"
    prev, nxt = s["previous"], s["next"]
    assert prev["plan_id"] == nxt["plan_id"] == s["plan_id"]
    assert prev["line_start"] <= s["line_start"] <= nxt["line_start"] and prev["id"] < s["id"] < nxt["id"]


def test_first_section_of_a_plan_has_no_previous(client):
    plan = client.get("/api/plans").json()["plans"][0]
    s = client.get(f"/api/sections/{plan['id']}:0000").json()
    assert s["previous"] is None and s["next"]["id"] == f"{plan['id']}:0001"


def test_health_ready_and_docs(client):
    assert client.get("/healthz").json()["status"] == "ok"
    r = client.get("/readyz")
    assert r.status_code == 200 and r.json()["status"] == "ready" and r.json()["passages"] > 0
    assert client.get("/openapi.json").json()["paths"].keys() >= {"/api/ask", "/api/ask/stream", "/api/actions",
                                                                   "/api/plans", "/api/sections/{section_id}"}
    docs = client.get("/docs")
    assert docs.status_code == 200 and "cdn" not in docs.text.lower()  # served from the package, offline


def test_page_and_static_files_are_served_with_a_strict_policy(client):
    page = client.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert '<script src="/static/app.js"' in page.text and "http" not in page.text.split("<body>")[0]
    for name in ("app.js", "style.css"):
        assert client.get(f"/static/{name}").status_code == 200
    assert "@import" not in client.get("/static/style.css").text  # no external fonts


class _DownVectors:
    def count(self) -> int:
        from plans.errors import StoreError

        raise StoreError("The vector store cannot be reached: connection refused")


class _DownAssistant:
    vectors = _DownVectors()
    generation = "g-test"


def test_readyz_is_503_with_the_reason_when_the_vector_store_fails(real_index):
    from bots.web import create_app

    c = TestClient(create_app(real_index, assistant=_DownAssistant()))
    r = c.get("/readyz")
    assert r.status_code == 503 and "connection refused" in r.json()["error"]
    assert c.get("/healthz").status_code == 200


def test_without_an_index_healthz_answers_and_the_rest_says_why(tmp_path):
    from bots.web import create_app

    settings = make_settings(tmp_path / "corpus", tmp_path / "data")
    c = TestClient(create_app(settings, warm_up=False))
    t0 = time.perf_counter()
    assert c.get("/healthz").json() == {"status": "ok", "assistant_loaded": False}
    assert time.perf_counter() - t0 < 2
    for r in (c.get("/api/plans"), c.post("/api/ask", json={"question": GOLD_Q})):
        assert r.status_code == 503 and "plans index" in r.json()["error"]
    deadline = time.monotonic() + 60
    while True:  # readyz starts loading in the background; it fails and says why
        r = c.get("/readyz")
        assert r.status_code == 503 and r.json()["error"]
        if "plans index" in r.json()["error"] or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert "plans index" in r.json()["error"]


BAD_REQUESTS = [
    ("post", "/api/ask", {"json": {"question": ""}}, 422, "empty"),
    ("post", "/api/ask", {"json": {"question": " \n\t "}}, 422, "empty"),
    ("post", "/api/ask", {"json": {"question": "x" * 2001}}, 422, "2,000"),
    ("post", "/api/ask", {"json": {"question": GOLD_Q, "as_of": "2018-13-45"}}, 422, "date"),
    ("post", "/api/ask", {"json": {"question": GOLD_Q, "as_of": "tomorrow"}}, 422, "date"),
    ("post", "/api/ask", {"json": {"question": GOLD_Q, "plan": "atlantis"}}, 404, "No plan"),
    ("post", "/api/ask", {"json": {}}, 422, "question"),
    ("post", "/api/ask", {"json": {"question": 42}}, 422, "question"),
    ("post", "/api/ask", {"json": ["a", "list"]}, 422, "JSON object"),
    ("post", "/api/ask", {"content": b'{"question": "unclosed', "headers": {"content-type": "application/json"}},
     422, "not valid JSON"),
    ("post", "/api/ask", {"content": b"question=hello",
                          "headers": {"content-type": "application/x-www-form-urlencoded"}},
     415, "Content-Type: application/json"),
    ("post", "/api/ask/stream", {"content": b"{", "headers": {"content-type": "application/json"}}, 422, "JSON"),
    ("get", "/api/actions?as_of=2018-02-30", {}, 422, "date"),
    ("get", "/api/actions?funding=free", {}, 422, "funding must be one of"),
    ("get", "/api/actions?due_within=-3", {}, 422, "due_within"),
    ("get", "/api/actions?due_within=soon", {}, 422, "due_within"),
    ("get", "/api/actions?plan=atlantis", {}, 404, "No plan"),
    ("get", "/api/sections/no-such-plan:0001", {}, 404, "No section"),
    ("get", "/api/no-such-route", {}, 404, "Not Found"),
]


@pytest.mark.parametrize(("method", "url", "kwargs", "status", "words"), BAD_REQUESTS,
                         ids=[f"{m} {u} {s}" for m, u, _, s, _ in BAD_REQUESTS])
def test_bad_requests_get_a_clear_json_error(client, method, url, kwargs, status, words):
    r = getattr(client, method)(url, **kwargs)
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/json"
    body = r.json()
    assert set(body) == {"error", "detail"} and words in body["error"]


def test_html_in_a_question_or_a_document_comes_back_as_json_data(client, tmp_path, embedder):
    from assistant.service import Assistant
    from bots.web import create_app

    r = client.post("/api/ask", json={"question": "<script>alert(1)</script> Who implements PAMECA V?"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    assert "<script>" in r.json()["meta"]["resolved_question"]  # data, as given; the page escapes it

    settings = xss_index(tmp_path, embedder)
    c = TestClient(create_app(settings, assistant=Assistant(settings, embedder=embedder)))
    s = c.get("/api/sections/xss-plan-of-action-2020:0001")
    assert s.status_code == 200 and s.headers["content-type"] == "application/json"
    assert "<script>alert(1)</script>" in s.json()["text"]
    answer = c.post("/api/ask", json={"question": "Who is responsible for publishing warnings about phishing?"}).json()
    assert any("<script>" in cit["quote"] for cit in answer["citations"]), answer


def test_a_table_row_comes_with_its_cells_under_their_columns(client):
    """The source panel shows a cited table row as a small table (bots.passages), not one
    run-together paragraph; a cell of several items is a list."""
    row = client.get("/api/sections/wbcsci-integrative-plan-of-action-2018-2020:0079").json()
    assert row["kind"] == "table_row" and len(row["tables"]) == 1
    table = row["tables"][0]
    cells = dict(zip(table["columns"], table["cells"]))
    assert table["columns"] == ["Need", "Action", "Activities and outputs", "Drivers", "Status / timeline", "Funding"]
    assert cells["Action"] == ["1.2 Law enforcement and judiciary training"]
    assert cells["Drivers"] == ["Italian Gov't", "Austria", "France", "EULEX"]
    activities = cells["Activities and outputs"]
    assert activities[0] == "Albania – PAMECA V Project:" and len(activities) > 2
    assert cells["Funding"][-1] == "available" and table["notes"]
    prose = client.get("/api/sections/eco-plan-of-action-transnational-organized-crime:0001").json()
    assert prose["kind"] != "table_row" and prose["tables"] == []
