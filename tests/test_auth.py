"""Who may use the page and the API (``PLANS_AUTH``), over real HTTP (uvicorn on a loopback port):
none lets everyone in and ignores any proxy header; token wants ``Authorization: Bearer`` or the
sign-in form's cookie; proxy believes its header only from the proxy's address. Slack's endpoint
and the health probes stay open in every mode; `plans serve` will not serve an open server on a
non-loopback address unless told ``--public``."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from datetime import date

import pytest

from plans.errors import ConfigError
from tests.conftest import LiveServer, command_line, make_settings
from tests.test_page import browser  # noqa: F401  (the headless Chromium fixture)

TOKEN = "s3cret-token-for-the-tests-0123456789"
SECRET = "8f742231b10e8888abcd99edabcdef12"
PLAN = """# Test Plan of Action 2020-2021

## 1. Cooperation

1. Member States will exchange information on cybercrime.
Responsible: Country Coordinator
Deadline: End of 2021
"""


class StubAssistant:
    """Answers every question with one cited sentence, over the small index's records."""

    def __init__(self, settings, records) -> None:
        self.settings, self.records = settings, records

    def ask(self, question, *, as_of=None, conversation_id=None, plan=None):
        from assistant.models import Answer

        return Answer(answer="The plans say so.", citations=(), refused=False, route="content",
                      as_of=as_of or date.today(), conversation_id=conversation_id or "c1")


@pytest.fixture(scope="module")
def small_index(tmp_path_factory):
    from indexer.embed import FakeEmbedder
    from indexer.pipeline import run_index

    base = tmp_path_factory.mktemp("auth")
    (base / "corpus").mkdir()
    (base / "corpus" / "test-plan-of-action-2020.txt").write_text(PLAN, encoding="utf-8")
    settings = make_settings(base / "corpus", base / "data")
    run_index(settings, embedder=FakeEmbedder(), progress=False)
    return settings


@pytest.fixture()
def serve(small_index):
    """Start the app with settings changed by keyword; every server is stopped after the test."""
    from bots.web import create_app
    from indexer.pipeline import open_records

    servers: list[LiveServer] = []

    def start(**update: object) -> LiveServer:
        settings = small_index.model_copy(update=update)
        bot = StubAssistant(settings, open_records(settings))
        servers.append(LiveServer(create_app(settings, assistant=bot, warm_up=False)))
        return servers[-1]

    yield start
    for s in servers:
        s.stop()


def slack_challenge(server: LiveServer) -> object:
    """A correctly signed url_verification request, the first thing Slack sends to /slack/events."""
    body = json.dumps({"token": "legacy", "challenge": "c-123", "type": "url_verification"})
    ts = str(int(time.time()))
    sig = "v0=" + hmac.new(SECRET.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return server.http.post("/slack/events", content=body, headers={
        "Content-Type": "application/json", "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sig})


SLACK = {"slack_bot_token": "xoxb-1234-5678-test-token", "slack_signing_secret": SECRET,
         "slack_api_url": "http://127.0.0.1:9/api/"}


def test_none_lets_everyone_in_and_ignores_a_forged_proxy_header(serve):
    server = serve()
    assert server.http.get("/api/plans").status_code == 200
    assert server.http.get("/", headers={"Accept": "text/html"}).status_code == 200
    session = server.http.get("/auth/session", headers={"X-Forwarded-User": "admin"}).json()
    assert session == {"mode": "none", "signed_in": True, "user": None, "can_sign_out": False}


def test_token_mode_wants_the_bearer_token(serve):
    server = serve(auth="token", auth_token=TOKEN)
    r = server.http.get("/api/plans")
    assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Bearer")
    assert r.headers["content-type"] == "application/json" and "Authorization: Bearer" in r.json()["error"]
    assert server.http.get("/api/plans", headers={"Authorization": "Bearer wrong-token-0123456789"}).status_code == 401
    assert server.http.get("/api/plans", headers={"Authorization": f"Basic {TOKEN}"}).status_code == 401
    assert server.http.get("/api/plans", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    ask = server.http.post("/api/ask", json={"question": "What do the plans say?"},
                           headers={"Authorization": f"Bearer {TOKEN}"})
    assert ask.status_code == 200 and ask.json()["answer"] == "The plans say so."
    assert server.http.post("/api/ask", json={"question": "What do the plans say?"}).status_code == 401
    assert server.http.get("/openapi.json").status_code == 401


def test_token_mode_ignores_a_forged_proxy_header(serve):
    server = serve(auth="token", auth_token=TOKEN)
    for name in ("X-Forwarded-User", "X-Forwarded-Email", "X-Auth-Request-User", "Remote-User"):
        assert server.http.get("/api/plans", headers={name: "admin"}).status_code == 401
    assert server.http.get("/auth/session", headers={"X-Forwarded-User": "admin"}).json()["signed_in"] is False


def test_health_probes_and_slack_stay_open_in_every_mode(serve):
    for update in ({"auth": "token", "auth_token": TOKEN}, {"auth": "proxy"}):
        server = serve(**update, **SLACK)
        assert server.http.get("/healthz").status_code == 200
        assert server.http.get("/readyz").status_code in (200, 503)  # answered by the app, not the gate
        assert server.http.get("/readyz").json().get("detail") != {"auth": update["auth"]}
        r = slack_challenge(server)
        assert r.status_code == 200 and r.json() == {"challenge": "c-123"}, r.text
        assert server.http.get("/api/plans").status_code == 401


def test_the_sign_in_form_sets_a_session_cookie(serve):
    server = serve(auth="token", auth_token=TOKEN)
    http = server.http
    page = http.get("/?x=1", headers={"Accept": "text/html"})
    assert page.status_code == 303 and page.headers["location"] == "/login?next=/%3Fx%3D1"
    form = http.get(page.headers["location"])
    assert form.status_code == 200 and 'name="token"' in form.text and 'value="/?x=1"' in form.text
    assert "default-src 'self'" in form.headers["content-security-policy"]
    assert http.get("/static/style.css").status_code == 200  # the form's look
    assert http.get("/static/app.js").status_code == 401

    wrong = http.post("/login", data={"token": "not-the-token", "next": "/?x=1"})
    assert wrong.status_code == 401 and "not the access token" in wrong.text and "plans_session" not in http.cookies

    right = http.post("/login", data={"token": TOKEN, "next": "/?x=1"})
    assert right.status_code == 303 and right.headers["location"] == "/?x=1"
    cookie = right.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and TOKEN not in cookie
    assert http.get("/", headers={"Accept": "text/html"}).status_code == 200
    assert http.get("/api/plans").status_code == 200
    assert http.get("/auth/session").json() == {"mode": "token", "signed_in": True, "user": None,
                                                "can_sign_out": True}
    assert http.get("/login").status_code == 303  # already signed in: straight on

    good = http.cookies["plans_session"]
    stamp, sig = good.split(".")
    for bad in (f"{stamp}.{sig[:-1]}{'1' if sig[-1] == '0' else '0'}", f"{int(stamp) + 1}.{sig}", TOKEN):
        http.cookies.clear()
        http.cookies.set("plans_session", bad)
        assert http.get("/api/plans").status_code == 401, bad
    http.post("/login", data={"token": TOKEN})
    out = http.post("/logout")
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert http.get("/api/plans").status_code == 401


def test_sign_in_goes_back_only_to_this_site(serve):
    server = serve(auth="token", auth_token=TOKEN)
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"):
        r = server.http.post("/login", data={"token": TOKEN, "next": target})
        assert r.status_code == 303 and r.headers["location"] == "/", target


def test_a_session_expires_and_is_bound_to_the_token():
    from bots.auth import SESSION_SECONDS, make_session, valid_session

    value = make_session(TOKEN, now=1_000_000)
    assert valid_session(value, TOKEN, now=1_000_000 + 60)
    assert not valid_session(value, TOKEN, now=1_000_000 + SESSION_SECONDS + 1)
    assert not valid_session(value, TOKEN + "-rotated", now=1_000_000 + 60)
    assert not valid_session(f"9999999999.{value.split('.')[1]}", TOKEN, now=1_000_000)
    assert not valid_session("garbage", TOKEN) and not valid_session("", TOKEN)


def test_tokens_are_compared_in_constant_time(serve, monkeypatch):
    import bots.auth

    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(bots.auth.hmac, "compare_digest", spy)
    server = serve(auth="token", auth_token=TOKEN)
    assert server.http.get("/api/plans", headers={"Authorization": "Bearer guess-guess-guess"}).status_code == 401
    assert (b"guess-guess-guess", TOKEN.encode()) in calls


def test_proxy_mode_believes_its_header_only_from_the_proxy(serve):
    server = serve(auth="proxy")  # the proxy is on this machine (the default PLANS_AUTH_PROXY_FROM)
    assert server.http.get("/api/plans").status_code == 401
    r = server.http.get("/api/plans", headers={"X-Forwarded-User": "alice@example.org"})
    assert r.status_code == 200
    assert server.http.get("/auth/session", headers={"X-Forwarded-User": "alice@example.org"}).json() == {
        "mode": "proxy", "signed_in": True, "user": "alice@example.org", "can_sign_out": False}
    assert server.http.get("/api/plans", headers={"X-Forwarded-User": ""}).status_code == 401
    page = server.http.get("/", headers={"Accept": "text/html"})
    assert page.status_code == 401 and "proxy" in page.json()["error"]

    renamed = serve(auth="proxy", auth_proxy_header="X-Auth-Request-Email")
    assert renamed.http.get("/api/plans", headers={"X-Forwarded-User": "alice"}).status_code == 401
    assert renamed.http.get("/api/plans", headers={"X-Auth-Request-Email": "alice@example.org"}).status_code == 200

    elsewhere = serve(auth="proxy", auth_proxy_from=["10.9.9.9/32"])  # requests from 127.0.0.1 are not the proxy's
    assert elsewhere.http.get("/api/plans", headers={"X-Forwarded-User": "alice"}).status_code == 401


def test_a_token_mode_without_a_good_token_does_not_start(small_index, monkeypatch):
    from bots.web import create_app
    from plans.settings import get_settings

    with pytest.raises(ConfigError, match="PLANS_AUTH_TOKEN"):
        create_app(small_index.model_copy(update={"auth": "token"}), warm_up=False)
    with pytest.raises(ConfigError, match="too short"):
        create_app(small_index.model_copy(update={"auth": "token", "auth_token": "short"}), warm_up=False)
    monkeypatch.setenv("PLANS_AUTH", "password")
    get_settings.cache_clear()
    try:
        with pytest.raises(ConfigError, match="PLANS_AUTH is none, token or proxy"):
            get_settings()
        monkeypatch.setenv("PLANS_AUTH", "proxy")
        monkeypatch.setenv("PLANS_AUTH_PROXY_FROM", "10.0.0.0/8, not-an-address")
        with pytest.raises(ConfigError, match="PLANS_AUTH_PROXY_FROM"):
            get_settings()
    finally:
        get_settings.cache_clear()


@pytest.mark.parametrize(("host", "env", "args", "starts"), [
    ("127.0.0.1", {}, [], True),
    ("localhost", {}, [], True),
    ("0.0.0.0", {}, [], False),
    ("192.168.1.20", {}, [], False),
    ("0.0.0.0", {}, ["--public"], True),
    ("0.0.0.0", {"PLANS_AUTH": "token", "PLANS_AUTH_TOKEN": TOKEN}, [], True),
    ("0.0.0.0", {"PLANS_AUTH": "proxy"}, [], True),
    ("0.0.0.0", {"PLANS_AUTH": "token"}, [], False),  # no token
])
def test_serve_refuses_an_open_server_off_loopback(small_index, monkeypatch, host, env, args, starts):
    import uvicorn

    runs: list[dict] = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: runs.append(kw))
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    with command_line(small_index) as plans:
        result = plans("serve", "--host", host, *args)
    if starts:
        assert result.exit_code == 0, result.output
        assert runs and runs[0]["host"] == host and runs[0]["proxy_headers"] is False
    else:
        assert result.exit_code != 0 and not runs
        assert "PLANS_AUTH" in result.output
        if not env:
            assert f"Not serving on {host} with PLANS_AUTH=none" in result.output and "--public" in result.output


def test_signing_in_on_the_page_in_a_browser(serve, browser):  # noqa: F811 (the fixture)
    from playwright.sync_api import expect

    server = serve(auth="token", auth_token=TOKEN)
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        page.goto(f"{server.url}/")
        expect(page).to_have_url(f"{server.url}/login?next=/")
        page.fill("#token", "a wrong guess")
        page.click("button[type=submit]")
        expect(page.locator(".login-error")).to_contain_text("not the access token")
        page.fill("#token", TOKEN)
        page.click("button[type=submit]")
        expect(page).to_have_url(f"{server.url}/")
        page.locator("#plan option").nth(1).wait_for(state="attached")  # the API answers the page
        page.goto(f"{server.url}/#section=test-plan-of-action-2020:0001")  # a passage link from Slack
        expect(page.locator("#panel .passage")).to_contain_text("cybercrime")
        sign_out = page.get_by_role("button", name="Sign out")
        expect(sign_out).to_be_visible()
        sign_out.click()
        expect(page).to_have_url(f"{server.url}/login")
        page.goto(f"{server.url}/#section=test-plan-of-action-2020:0001")  # signed out: sign in first,
        expect(page.locator("#token")).to_be_visible()
        page.fill("#token", TOKEN)
        page.click("button[type=submit]")
        expect(page.locator("#panel .passage")).to_contain_text("cybercrime")  # then the passage opens
    finally:
        context.close()
