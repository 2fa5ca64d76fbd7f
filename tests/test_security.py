"""Security defaults: no secrets in logs, CORS closed, loopback bind, Slack tokens only from the
environment. (Signatures, replays and page escaping: tests/test_slack.py, tests/test_web.py,
tests/test_page.py.)"""

from __future__ import annotations

import hashlib
import hmac
import inspect
import json
import logging
import re
import socket
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import indexer.pipeline as pipeline
from indexer.embed import FakeEmbedder
from indexer.pipeline import run_index
from tests.conftest import ROOT

BOT_TOKEN = "xoxb-4242424242-SECRETBOTTOKENxyz"
SIGNING_SECRET = "SIGNINGSECRETabc0123456789zz"
APP_TOKEN = "xapp-1-SECRETAPPTOKENqrs"
SECRETS = (BOT_TOKEN, SIGNING_SECRET, APP_TOKEN, "SECRETBOTTOKEN", "SIGNINGSECRET", "SECRETAPPTOKEN")
QUESTION = "Who maintains the Interpol database on lost and stolen documents?"


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def indexed(fake_settings):
    run_index(fake_settings, embedder=FakeEmbedder(), progress=False)
    return fake_settings


@pytest.fixture()
def slack_env(monkeypatch):
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    monkeypatch.setenv("SLACK_APP_TOKEN", APP_TOKEN)
    # any call to Slack goes to a closed loopback port: it fails, locally, and the failure is logged
    monkeypatch.setenv("PLANS_SLACK_API_URL", f"http://127.0.0.1:{_closed_port()}/api/")


def _signed(body: bytes, secret: str = SIGNING_SECRET) -> dict:
    ts = str(int(time.time()))
    sig = "v0=" + hmac.new(secret.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sig, "Content-Type": "application/json"}


class _Exploding:
    """An assistant whose ask fails in an unexpected way (a 500 that is logged with its traceback)."""

    def __init__(self, real) -> None:
        self.real = real
        self.records, self.vectors, self.generation, self.plans = (real.records, real.vectors,
                                                                   real.generation, real.plans)

    def ask(self, *args, **kwargs):
        raise RuntimeError("the answerer blew up")


def test_no_secret_reaches_the_logs(indexed, slack_env, caplog, capfd) -> None:
    from assistant.service import Assistant
    from bots.web import create_app
    from tests.conftest import make_settings

    settings = make_settings(indexed.corpus_dir, indexed.data_dir)
    assert settings.slack_bot_token == BOT_TOKEN and settings.slack_signing_secret == SIGNING_SECRET
    caplog.set_level(logging.DEBUG)
    real = Assistant(settings, embedder=FakeEmbedder())
    responses = []
    with TestClient(create_app(settings, assistant=real, warm_up=False), raise_server_exceptions=False) as c:
        assert "/slack/events" in {r.path for r in c.app.routes}
        responses += [c.get("/healthz"), c.get("/readyz"), c.post("/api/ask", json={"question": QUESTION}),
                      c.post("/api/ask", json={"question": ""}), c.get("/api/plans")]
        challenge = json.dumps({"type": "url_verification", "challenge": "abc", "token": "t"}).encode()
        responses.append(c.post("/slack/events", content=challenge, headers=_signed(challenge)))
        assert responses[-1].status_code == 200
        forged = c.post("/slack/events", content=challenge, headers=_signed(challenge, "WRONGsecret0123456789"))
        assert forged.status_code == 401
        responses.append(forged)
        # a signed mention: answering it calls Slack, which is unreachable, and that failure is logged
        event = json.dumps({"type": "event_callback", "team_id": "T1", "api_app_id": "A1",
                            "event_id": "Ev1", "event_time": int(time.time()),
                            "event": {"type": "app_mention", "user": "U0ALICE", "channel": "C1",
                                      "text": f"<@U0BOT> {QUESTION}", "ts": "1700000000.000100"}}).encode()
        responses.append(c.post("/slack/events", content=event, headers=_signed(event)))
    with TestClient(create_app(settings, assistant=_Exploding(real), warm_up=False),
                    raise_server_exceptions=False) as c:
        crash = c.post("/api/ask", json={"question": QUESTION})
        assert crash.status_code == 500
        responses.append(crash)
    time.sleep(2)  # let the Slack worker threads fail and log
    logged = caplog.text + "\n".join(str(r.args) + str(r.msg) for r in caplog.records)
    assert "Unhandled error" in logged  # the crash was logged (with its traceback) ...
    out, err = capfd.readouterr()
    for secret in SECRETS:  # ... and nothing logged, printed or returned holds a secret
        assert secret not in logged, secret
        assert secret not in out and secret not in err, secret
        for r in responses:
            assert secret not in r.text and secret not in str(r.headers), secret


def test_cors_is_closed_by_default(indexed) -> None:
    from assistant.service import Assistant
    from bots.web import create_app

    c = TestClient(create_app(indexed, assistant=Assistant(indexed, embedder=FakeEmbedder()), warm_up=False))
    origin = {"Origin": "https://evil.example"}
    preflight = c.options("/api/ask", headers={**origin, "Access-Control-Request-Method": "POST",
                                               "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code in (404, 405)
    simple = c.post("/api/ask", json={"question": QUESTION}, headers=origin)
    assert simple.status_code == 200
    for r in (preflight, simple, c.get("/api/plans", headers=origin), c.get("/", headers=origin)):
        assert not any(h.lower().startswith("access-control-") for h in r.headers), dict(r.headers)


def test_plans_serve_binds_127_0_0_1_by_default(indexed, monkeypatch) -> None:
    import uvicorn

    import bots.web
    from bots.cli import app, serve
    from plans.settings import get_settings

    assert inspect.signature(serve).parameters["host"].default.default == "127.0.0.1"
    assert inspect.signature(bots.web.serve).parameters["host"].default == "127.0.0.1"
    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: calls.append(kw))
    monkeypatch.setenv("PLANS_CORPUS_DIR", str(indexed.corpus_dir))
    monkeypatch.setenv("PLANS_DATA_DIR", str(indexed.data_dir))
    monkeypatch.setattr(pipeline, "make_embedder", lambda settings, **kw: FakeEmbedder())
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        out = runner.invoke(app, ["serve"])
        assert out.exit_code == 0, out.output
        assert calls[-1]["host"] == "127.0.0.1" and "http://127.0.0.1:8000/" in out.output
        out = runner.invoke(app, ["serve", "--host", "0.0.0.0", "--port", "8123"])  # open to all: not without
        assert out.exit_code != 0 and "--public" in out.output and len(calls) == 1  # --public (tests/test_auth)
        out = runner.invoke(app, ["serve", "--host", "0.0.0.0", "--port", "8123", "--public"])  # only when told
        assert out.exit_code == 0 and calls[-1]["host"] == "0.0.0.0" and calls[-1]["port"] == 8123
    finally:
        get_settings.cache_clear()


def test_slack_tokens_come_only_from_the_environment(monkeypatch, tmp_path) -> None:
    from plans.settings import Settings

    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "PLANS_SLACK_BOT_TOKEN",
                 "PLANS_SLACK_SIGNING_SECRET", "PLANS_SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no .env here
    for field in ("slack_bot_token", "slack_signing_secret", "slack_app_token"):
        assert Settings.model_fields[field].default == ""
    empty = Settings()
    assert (empty.slack_bot_token, empty.slack_signing_secret, empty.slack_app_token) == ("", "", "")
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    assert Settings().slack_bot_token == BOT_TOKEN and Settings().slack_signing_secret == SIGNING_SECRET
    # no token is written into the code or the shipped Slack manifest
    token = re.compile(r"xox[abpr]-\d|xapp-\d")
    for folder in ("plans", "bots", "assistant", "indexer"):
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and path.suffix in {".py", ".yaml", ".yml", ".json", ".toml", ".js", ".html"}:
                assert not token.search(path.read_text(encoding="utf-8", errors="replace")), path
    assert not Path(ROOT / ".env").exists() or not token.search((ROOT / ".env").read_text())


def test_secrets_do_not_show_in_a_printed_settings_object(monkeypatch):
    from plans.settings import Settings

    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-not-to-be-printed")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "signing-not-to-be-printed")
    monkeypatch.setenv("PLANS_LLM_API_KEY", "key-not-to-be-printed")
    s = Settings()
    assert s.slack_bot_token == "xoxb-not-to-be-printed"
    assert "not-to-be-printed" not in repr(s) and "not-to-be-printed" not in str(s)
