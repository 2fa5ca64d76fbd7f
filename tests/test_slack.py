"""The Slack app end to end: correctly signed Events API, slash-command and interactivity payloads
sent over real HTTP to the FastAPI app (uvicorn on a free loopback port) with the real bolt app
mounted at /slack/events, answering from the session's real index, and talking to a local mock of
the Slack Web API (a real HTTP server on another free port, the way slack-bolt tests itself)."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import threading
import time
import uuid
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode

import httpx
import pytest
from typer.testing import CliRunner

from assistant.models import Answer, Citation
from bots.slack_render import APOLOGY, MAX_BLOCKS, to_mrkdwn
from indexer.records import ActionFilter, filter_actions
from plans.errors import ConfigError
from tests.conftest import LiveServer

BOT_TOKEN = "xoxb-1234-5678-test-token"
APP_TOKEN = "xapp-1-A0APP-1234-test"
SECRET = "8f742231b10e8888abcd99edabcdef12"
BOT_USER, BOT_ID, TEAM = "U0BOT", "B0BOT", "T0TEST"
PUBLIC = "https://plans.example.org"
PAMECA = "Who is implementing the PAMECA V project in Albania?"
PAMECA_SECTION = "wbcsci-integrative-plan-of-action-2018-2020:0079"


# --- a local Slack Web API ----------------------------------------------------------------------

class MockSlack:
    """Answers auth.test and users.info (a user's time zone: ``user_tz``, else America/New_York), refuses
    posts to the channels in ``refuse``; records
    chat.postMessage, chat.postEphemeral, chat.update, views.publish, views.open and posts to
    response_url endpoints (/response/<name>)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict, dict]] = []
        self.user_tz: dict[str, str] = {}
        self.refuse: dict[str, str] = {}  # channel -> the error chat.postMessage answers there
        self.lock = threading.Lock()
        self.counter = 0
        mock = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                if "json" in (self.headers.get("Content-Type") or ""):
                    body = json.loads(raw or "{}")
                else:
                    body = {k: v[0] for k, v in parse_qs(raw).items()}
                for key in ("blocks", "attachments", "view"):
                    if isinstance(body.get(key), str):
                        body[key] = json.loads(body[key])
                self.answer(self.path, body)

            def do_GET(self) -> None:  # slack_sdk sends users.info as a GET with a query string
                path, _, query = self.path.partition("?")
                self.answer(path, {k: v[0] for k, v in parse_qs(query).items()})

            def answer(self, path: str, body: dict) -> None:
                status, reply = mock.reply(path, body, dict(self.headers))
                data = reply.encode() if isinstance(reply, str) else json.dumps(reply).encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/plain" if isinstance(reply, str) else "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/response/{name}"

    def reply(self, path: str, body: dict, headers: dict) -> tuple[int, object]:
        name = path.split("/api/", 1)[1] if path.startswith("/api/") else path
        with self.lock:
            self.counter += 1
            ts = f"1800000000.{self.counter:06d}"
            self.calls.append((name, body, headers))
        if path.startswith("/response/"):
            return 200, "ok"
        if headers.get("Authorization") != f"Bearer {BOT_TOKEN}":
            return 200, {"ok": False, "error": "not_authed"}
        if name == "auth.test":
            return 200, {"ok": True, "url": "https://test.slack.com/", "team": "Test", "user": "plans",
                         "team_id": TEAM, "user_id": BOT_USER, "bot_id": BOT_ID, "is_enterprise_install": False}
        if name == "chat.postMessage" and body.get("channel") in self.refuse:
            return 200, {"ok": False, "error": self.refuse[body["channel"]]}
        if name == "chat.postMessage":
            return 200, {"ok": True, "channel": body.get("channel"), "ts": ts, "message": {**body, "ts": ts}}
        if name == "chat.postEphemeral":
            return 200, {"ok": True, "message_ts": ts}
        if name == "chat.update":
            return 200, {"ok": True, "channel": body.get("channel"), "ts": body.get("ts")}
        if name == "users.info":
            user = body.get("user")
            return 200, {"ok": True, "user": {"id": user, "tz": self.user_tz.get(user, "America/New_York")}}
        return 200, {"ok": True}

    def posts(self, method: str, **match: object) -> list[dict]:
        with self.lock:
            return [b for n, b, _ in self.calls if n == method and all(b.get(k) == v for k, v in match.items())]

    def wait(self, method: str, count: int = 1, timeout: float = 60, **match: object) -> list[dict]:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            found = self.posts(method, **match)
            if len(found) >= count:
                return found
            time.sleep(0.05)
        raise AssertionError(f"{method} {match}: {len(self.posts(method, **match))} of {count} within {timeout}s")


# --- the app over HTTP --------------------------------------------------------------------------

class Server(LiveServer):
    """The FastAPI app on a free loopback port (``tests.conftest.LiveServer``), sending Slack's
    signed requests."""

    def send(self, body: str, content_type: str, *, secret: str = SECRET, age: float = 0,
             signature: str | None = None, headers: dict | None = None) -> httpx.Response:
        ts = str(int(time.time() - age))
        sig = "v0=" + hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
        sent = {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts,
                "X-Slack-Signature": signature if signature is not None else sig, **(headers or {})}
        return self.http.post("/slack/events", content=body, headers=sent)

    def event(self, event: dict, *, event_id: str | None = None, **kw: object) -> httpx.Response:
        body = {"token": "legacy", "team_id": TEAM, "api_app_id": "A0APP", "type": "event_callback",
                "event_id": event_id or f"Ev{uuid.uuid4().hex[:10]}", "event_time": int(time.time()),
                "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True}], "event": event}
        return self.send(json.dumps(body), "application/json", **kw)

    def command(self, text: str, *, channel: str, response_url: str, user: str = "U0ALICE",
                **kw: object) -> httpx.Response:
        form = {"token": "legacy", "team_id": TEAM, "channel_id": channel, "channel_name": "plans",
                "user_id": user, "user_name": "alice", "command": "/plans", "text": text,
                "api_app_id": "A0APP", "response_url": response_url, "trigger_id": "1.2.3"}
        return self.send(urlencode(form), "application/x-www-form-urlencoded", **kw)

    def click(self, action_id: str, value: str, *, channel: str, response_url: str, user: str = "U0ALICE",
              message: dict | None = None, **kw: object) -> httpx.Response:
        payload = {"type": "block_actions", "team": {"id": TEAM}, "user": {"id": user, "name": user.lower()},
                   "api_app_id": "A0APP", "token": "legacy", "trigger_id": "1.2.3", "response_url": response_url,
                   "channel": {"id": channel, "name": "plans"},
                   "container": {"type": "message", "channel_id": channel, "is_ephemeral": message is None,
                                 "message_ts": (message or {}).get("ts", "1800000000.999999")},
                   "actions": [{"type": "button", "action_id": action_id, "block_id": "plans_feedback",
                                "value": value, "action_ts": str(time.time())}]}
        if message is not None:
            payload["message"] = {"type": "message", "user": BOT_USER, "bot_id": BOT_ID, **message}
        return self.send(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded", **kw)


def mention(text: str, channel: str, ts: str, *, thread_ts: str | None = None, user: str = "U0ALICE") -> dict:
    event = {"type": "app_mention", "user": user, "text": f"<@{BOT_USER}> {text}", "ts": ts, "channel": channel,
             "event_ts": ts, "client_msg_id": str(uuid.uuid4())}
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def message(text: str, channel: str, ts: str, *, channel_type: str = "channel", thread_ts: str | None = None,
            user: str | None = "U0ALICE", **extra: object) -> dict:
    event = {"type": "message", "text": text, "ts": ts, "channel": channel, "channel_type": channel_type,
             "event_ts": ts, **extra}
    if user:
        event["user"] = user
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def texts(blocks: list[dict]) -> str:
    out = []
    for b in blocks:
        if "text" in b:
            out.append(b["text"]["text"])
        for e in b.get("elements", []):
            out.append(e["text"]["text"] if isinstance(e.get("text"), dict) else e.get("text", ""))
    return "\n".join(out)


def button_value(blocks: list[dict], action_id: str) -> str:
    for b in blocks:
        for e in b.get("elements", []):
            if e.get("action_id") == action_id:
                return e["value"]
    raise AssertionError(f"no {action_id} button")


def slack_settings(base, mock: MockSlack, name: str, **extra: object):
    return base.model_copy(update={"slack_bot_token": BOT_TOKEN, "slack_signing_secret": SECRET,
                                   "slack_app_token": "", "slack_api_url": mock.url, "public_url": PUBLIC,
                                   "data_dir": name, **extra})


@pytest.fixture(scope="module")
def mock() -> MockSlack:
    m = MockSlack()
    yield m
    m.server.shutdown()


@pytest.fixture(scope="module")
def settings(real_index, mock, tmp_path_factory):
    """The real index's settings with Slack configured; feedback and threads in a private data dir
    (the assistant keeps reading its index from real_index)."""
    return slack_settings(real_index, mock, tmp_path_factory.mktemp("slack"))


@pytest.fixture(scope="module")
def app(settings, assistant):
    from bots.web import create_app

    server = Server(create_app(settings, assistant=assistant))
    yield server
    server.stop()


def serve_with(settings, bot) -> Server:
    from bots.web import create_app

    return Server(create_app(settings, assistant=bot, warm_up=False))


# --- mentions, threads, DMs ----------------------------------------------------------------------

def test_a_mention_gets_a_threaded_answer_with_citations(app, mock):
    r = app.event(mention(PAMECA, "C0MENTION", "1700000001.000100"))
    assert r.status_code == 200, r.text
    post = mock.wait("chat.postMessage", channel="C0MENTION")[0]
    assert post["thread_ts"] == "1700000001.000100"
    shown = texts(post["blocks"])
    assert "PAMECA V" in shown and "Italian Gov't" in shown and "[1]" in shown
    assert "**" not in shown and "*1.2 Law enforcement and judiciary training*" in shown  # mrkdwn bold
    assert "*Sources*" in shown
    assert ("[1] <https://plans.example.org/#section=" + PAMECA_SECTION + "|WBCSCi 2018-2020 › … › Need 1 To "
            "improve efficiency of Serious Crime investigations › 1.2 Law enforcement and judiciary training>") in shown
    assert "(line 316)" in shown and "“Albania – PAMECA V Project" in shown
    assert button_value(post["blocks"], "feedback_up") == button_value(post["blocks"], "feedback_down")
    assert "PAMECA" in post["text"]  # the notification text
    assert all(len(b["text"]["text"]) <= 3000 for b in post["blocks"] if b["type"] == "section")


def test_a_thread_follow_up_without_a_mention_resolves_it(app, mock):
    channel, root = "C0THREAD", "1700000002.000100"
    app.event(mention(PAMECA, channel, root))
    mock.wait("chat.postMessage", channel=channel)
    app.event(message("and who funds it?", channel, "1700000002.000200", thread_ts=root))
    posts = mock.wait("chat.postMessage", 2, channel=channel)
    follow = posts[1]
    assert follow["thread_ts"] == root
    shown = texts(follow["blocks"])
    assert "IPA II 2015" in shown and "PAMECA" in shown
    assert f"#section={PAMECA_SECTION}|" in shown


def test_a_direct_message_is_answered_in_the_dm(app, mock):
    app.event(message("What is still seeking funding?", "D0DIRECT", "1700000003.000100", channel_type="im"))
    post = mock.wait("chat.postMessage", channel="D0DIRECT")[0]
    assert not post.get("thread_ts")
    assert "seeking funding" in texts(post["blocks"]) and "[1]" in texts(post["blocks"])


def test_it_ignores_itself_other_bots_and_threads_it_was_not_asked_into(app, mock):
    joined = "1700000004.000100"
    app.event(mention(PAMECA, "C0QUIET", joined))
    mock.wait("chat.postMessage", channel="C0QUIET")
    app.event(message("and who funds it?", "C0QUIET", "1700000004.000200", thread_ts=joined, user=BOT_USER))
    app.event(message("and who funds it?", "C0QUIET", "1700000004.000300", thread_ts=joined, user=None,
                      bot_id="B0OTHER", subtype="bot_message"))
    app.event(message("who funds PAMECA V?", "C0QUIET", "1700000004.000400", thread_ts=joined, user="U0BOT2",
                      bot_id="B0OTHER"))
    app.event({**mention(PAMECA, "C0OTHERBOT", "1700000004.000500"), "bot_id": "B0OTHER"})
    app.event(message("and who funds it?", "C0QUIET", "1700000004.000600", thread_ts="1700000004.999999"))
    app.event(message(PAMECA, "C0QUIET", "1700000004.000700"))  # top level, no mention
    app.event(message("and who funds it?", "C0QUIET", "1700000004.000800", thread_ts=joined,
                      subtype="message_changed"))
    app.event(mention(PAMECA, "C0SENTINEL", "1700000004.000900"))
    mock.wait("chat.postMessage", channel="C0SENTINEL")
    time.sleep(0.5)
    assert len(mock.posts("chat.postMessage", channel="C0QUIET")) == 1
    assert not mock.posts("chat.postMessage", channel="C0OTHERBOT")


def test_a_retried_event_is_not_answered_twice(app, mock):
    event = mention(PAMECA, "C0RETRY", "1700000005.000100")
    assert app.event(event, event_id="Ev0RETRY1").status_code == 200
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    assert app.event(event, event_id="Ev0RETRY1", headers=retry).status_code == 200
    mock.wait("chat.postMessage", channel="C0RETRY")
    assert app.event(event, event_id="Ev0RETRY1", headers={**retry, "X-Slack-Retry-Num": "2"}).status_code == 200
    # the same message delivered again as another event (app_mention and message.channels) is one question
    assert app.event(event, event_id="Ev0RETRY2").status_code == 200
    time.sleep(1.0)
    assert len(mock.posts("chat.postMessage", channel="C0RETRY")) == 1


def test_a_refusal_says_plainly_the_plans_do_not_say(app, mock):
    app.event(mention("What do the plans say about space tourism?", "C0REFUSE", "1700000006.000100"))
    shown = texts(mock.wait("chat.postMessage", channel="C0REFUSE")[0]["blocks"])
    assert ":grey_question:" in shown and "do not say" in shown
    assert "Nearby" in shown or ("*The plans cover*" in shown and "WBCSCi 2018-2020" in shown)  # what they do


def test_an_oversized_question_gets_a_polite_reply(app, mock):
    app.event(mention("Who drives " + "the action " * 600 + "?", "C0LONGQ", "1700000007.000100"))
    post = mock.wait("chat.postMessage", channel="C0LONGQ")[0]
    assert "characters long" in post["text"] and "2,000" in post["text"]
    assert "Traceback" not in json.dumps(post)


# --- the slash command -------------------------------------------------------------------------

def test_plans_ask_acks_fast_and_posts_to_the_response_url(app, mock):
    start = time.monotonic()
    r = app.command(f"ask {PAMECA}", channel="C0SLASH", response_url=mock.response_url("ask1"))
    assert r.status_code == 200 and time.monotonic() - start < 3
    posted = mock.wait("/response/ask1")[0]
    assert posted["response_type"] == "ephemeral"
    shown = texts(posted["blocks"])
    assert "PAMECA" in shown and "*Sources*" in shown and "/plans" not in posted["text"]
    assert button_value(posted["blocks"], "share_in_channel")


def test_share_in_channel_reposts_publicly_and_feedback_on_an_ephemeral_answer(app, mock):
    app.command(f"ask {PAMECA}", channel="C0SHARE", response_url=mock.response_url("ask2"))
    posted = mock.wait("/response/ask2")[0]
    rid = button_value(posted["blocks"], "share_in_channel")
    app.click("share_in_channel", rid, channel="C0SHARE", response_url=mock.response_url("share2"))
    shared, deleted = mock.wait("/response/share2", 2)
    assert shared["response_type"] == "in_channel" and shared["replace_original"] is False
    assert "Shared by <@U0ALICE>" in texts(shared["blocks"]) and "PAMECA" in texts(shared["blocks"])
    assert "share_in_channel" not in json.dumps(shared["blocks"])
    assert deleted["delete_original"] is True
    app.click("feedback_down", rid, channel="C0SHARE", response_url=mock.response_url("fb-eph"))
    ack = mock.wait("/response/fb-eph")[0]
    assert ack["replace_original"] is True and ":-1: 1" in texts(ack["blocks"])


def test_plans_actions_lists_what_seeks_funding(app, mock, assistant):
    app.command("actions funding:seeking", channel="C0ACT", response_url=mock.response_url("act"))
    posted = mock.wait("/response/act")[0]
    n = len(filter_actions(assistant.records, ActionFilter(funding="seeking")))
    shown = texts(posted["blocks"])
    assert n > 10 and f"*{n} actions seeking funding*" in shown
    assert len(re.findall(r"(?m)^• ", shown)) == min(n, 40) and "longer than fits" not in shown
    assert "funding: Seeking funding" in shown and "WBCSCi 2018-2020, line 304" in shown
    assert posted["response_type"] == "ephemeral" and button_value(posted["blocks"], "share_in_channel")


def test_plans_deadlines_as_of_a_date_within_60_days(app, mock, assistant):
    app.command("deadlines as-of:2018-05-01 60d", channel="C0DUE", response_url=mock.response_url("due"))
    shown = texts(mock.wait("/response/due")[0]["blocks"])
    flt = ActionFilter(due_within=60, as_of=date(2018, 5, 1))
    n = len(filter_actions(assistant.records, flt))
    assert n >= 1 and "due within 60 days of 2018-05-01" in shown and f"*{n} deadline" in shown
    assert "*due 2018-06-30*" in shown and "Provision of equipment" in shown


def test_plans_help_and_bad_input_answer_in_the_ack(app, mock):
    r = app.command("help", channel="C0HELP", response_url=mock.response_url("help"))
    assert r.status_code == 200 and "/plans deadlines" in r.text
    r = app.command("", channel="C0HELP", response_url=mock.response_url("help"))
    assert "/plans actions" in r.text
    r = app.command("actions funding:maybe", channel="C0HELP", response_url=mock.response_url("help"))
    assert "funding: must be one of available, seeking" in r.text
    time.sleep(0.3)
    assert not mock.posts("/response/help")


# --- feedback ---------------------------------------------------------------------------------

def test_a_feedback_click_is_stored_acknowledged_in_place_and_counted(app, mock, settings, monkeypatch):
    app.event(mention(PAMECA, "C0VOTE", "1700000008.000100"))
    post = mock.wait("chat.postMessage", channel="C0VOTE")[0]
    rid = button_value(post["blocks"], "feedback_up")
    shown_ts = "1800000000.424242"  # the posted message, as Slack sends it back with the click
    posted = {"ts": shown_ts, "text": post["text"], "blocks": post["blocks"]}
    app.click("feedback_up", rid, channel="C0VOTE", response_url=mock.response_url("fb1"), message=posted)
    update = mock.wait("chat.update", channel="C0VOTE")[0]
    assert update["ts"] == shown_ts
    assert "Thanks for the feedback, <@U0ALICE>. :+1: 1 · :-1: 0" in texts(update["blocks"])
    assert button_value(update["blocks"], "feedback_up") == rid  # others can still vote
    app.click("feedback_down", rid, channel="C0VOTE", response_url=mock.response_url("fb2"), user="U0BOB",
              message={**posted, "blocks": update["blocks"]})
    second = mock.wait("chat.update", 2, channel="C0VOTE")[1]
    assert ":+1: 1 · :-1: 1" in texts(second["blocks"])
    assert sum(b.get("block_id") == "plans_feedback_tally" for b in second["blocks"]) == 1

    from bots.feedback import open_feedback

    votes = [v for v in open_feedback(settings).votes() if v["answer_id"] == rid]
    assert {(v["user"], v["vote"], v["channel"]) for v in votes} == {("U0ALICE", "up", "C0VOTE"),
                                                                      ("U0BOB", "down", "C0VOTE")}
    assert votes[0]["question"] == PAMECA and "PAMECA V" in votes[0]["answer"]
    assert votes[0]["citations"][0]["section_id"] == PAMECA_SECTION and votes[0]["created"]

    from bots.cli import app as cli
    from plans.settings import get_settings

    monkeypatch.setenv("PLANS_DATA_DIR", str(settings.data_dir))
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["feedback", "--json"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    counts = json.loads(result.stdout)
    mine = [a for a in counts["by_answer"] if a["answer_id"] == rid][0]
    assert (mine["up"], mine["down"], mine["question"]) == (1, 1, PAMECA)
    assert counts["votes"] == counts["up"] + counts["down"] >= 2


# --- signatures ----------------------------------------------------------------------------------

def test_missing_wrong_and_stale_signatures_are_rejected_and_nothing_runs(app, mock):
    event = mention(PAMECA, "C0FORGED", "1700000009.000100")
    assert app.event(event, signature="").status_code in (401, 403)
    assert app.event(event, signature="v0=" + "0" * 64).status_code in (401, 403)
    assert app.event(event, secret="a-different-secret").status_code in (401, 403)
    assert app.event(event, age=6 * 60).status_code in (401, 403)  # correctly signed, but stale
    body = json.dumps({"type": "event_callback", "event": event, "event_id": "Ev0FORGED"})
    assert app.http.post("/slack/events", content=body,
                         headers={"Content-Type": "application/json"}).status_code in (401, 403)
    r = app.command(f"ask {PAMECA}", channel="C0FORGED", response_url=mock.response_url("forged"), age=600)
    assert r.status_code in (401, 403)
    app.event(mention(PAMECA, "C0SENTINEL2", "1700000009.000200"))
    mock.wait("chat.postMessage", channel="C0SENTINEL2")
    time.sleep(0.3)
    assert not mock.posts("chat.postMessage", channel="C0FORGED") and not mock.posts("/response/forged")


def test_url_verification_answers_the_challenge(app):
    r = app.send(json.dumps({"type": "url_verification", "token": "legacy", "challenge": "ch4ll3nge"}),
                 "application/json")
    assert r.status_code == 200 and "ch4ll3nge" in r.text


# --- failures become polite replies ------------------------------------------------------------------

class Exploding:
    def ask(self, question, **kw):
        raise RuntimeError("database exploded: secret internal detail")


class Verbose:
    """An assistant whose answer is far too long for one Slack message."""

    def ask(self, question, **kw):
        cites = tuple(Citation(n, "Some plan", f"Part {n} › Item {n}", "quoted " * 80, "plan.txt", n, n + 1,
                               f"plan:{n:04d}") for n in range(1, 61))
        body = "\n".join(f"- **Item {i}** " + "word " * 150 + f"[{i % 60 + 1}]" for i in range(400))
        return Answer(body, cites, False, "content", date(2018, 5, 1), conversation_id=kw.get("conversation_id"))


def test_an_internal_error_becomes_an_apology_not_a_stack_trace(real_index, mock, tmp_path, caplog):
    caplog.set_level(logging.ERROR)
    server = serve_with(slack_settings(real_index, mock, tmp_path), Exploding())
    try:
        server.event(mention(PAMECA, "C0BOOM", "1700000010.000100"))
        post = mock.wait("chat.postMessage", channel="C0BOOM")[0]
        server.command(f"ask {PAMECA}", channel="C0BOOM", response_url=mock.response_url("boom"))
        slash = mock.wait("/response/boom")[0]
    finally:
        server.stop()
    assert post["thread_ts"] == "1700000010.000100" and post["text"] == APOLOGY
    for sent in (post, slash):
        assert "exploded" not in json.dumps(sent) and "Traceback" not in json.dumps(sent)
    assert "database exploded" in caplog.text  # logged with detail


def test_an_oversized_answer_is_split_within_slack_limits_and_cut_politely(real_index, mock, tmp_path):
    server = serve_with(slack_settings(real_index, mock, tmp_path), Verbose())
    try:
        server.event(mention("tell me everything", "C0LONGA", "1700000011.000100"))
        post = mock.wait("chat.postMessage", channel="C0LONGA")[0]
    finally:
        server.stop()
    blocks = post["blocks"]
    assert len(blocks) <= MAX_BLOCKS - 1  # room left for the feedback tally
    assert sum(b["type"] == "section" for b in blocks) >= 2
    for b in blocks:
        if b["type"] == "section":
            assert len(b["text"]["text"]) <= 3000
        if b["type"] == "context":
            assert len(b["elements"]) <= 10 and all(len(e["text"]) <= 3000 for e in b["elements"])
    shown = texts(blocks)
    assert "longer than fits in one Slack message" in shown and PUBLIC in shown
    assert "+21 more sources" in shown and len(post["text"]) <= 3000


# --- starting up ----------------------------------------------------------------------------------

def test_tokens_are_checked_at_start_with_a_sentence_naming_the_variable(real_index, mock, tmp_path):
    from bots.slack import create_slack_app, slack_http_enabled
    from bots.web import create_app

    base = slack_settings(real_index, mock, tmp_path)
    with pytest.raises(ConfigError, match=r"^SLACK_BOT_TOKEN is not set"):
        create_slack_app(base.model_copy(update={"slack_bot_token": ""}), None)
    with pytest.raises(ConfigError, match=r"^SLACK_BOT_TOKEN is malformed: a bot token starts with xoxb-"):
        create_slack_app(base.model_copy(update={"slack_bot_token": "xoxp-user-token"}), None)
    with pytest.raises(ConfigError, match=r"^SLACK_BOT_TOKEN is not set"):
        create_app(base.model_copy(update={"slack_bot_token": ""}), assistant=Exploding())
    with pytest.raises(ConfigError, match=r"^SLACK_SIGNING_SECRET is not set"):
        create_app(base.model_copy(update={"slack_signing_secret": ""}), assistant=Exploding())
    with pytest.raises(ConfigError, match=r"^SLACK_SIGNING_SECRET is malformed"):
        slack_http_enabled(base.model_copy(update={"slack_signing_secret": BOT_TOKEN}))
    with pytest.raises(ConfigError, match=r"^PLANS_SLACK_API_URL must start with http"):
        slack_http_enabled(base.model_copy(update={"slack_api_url": "slack.com/api"}))
    off = base.model_copy(update={"slack_bot_token": "", "slack_signing_secret": ""})
    assert not slack_http_enabled(off)
    assert not any(getattr(r, "path", "") == "/slack/events" for r in create_app(off, assistant=Exploding()).routes)
    socket_only = base.model_copy(update={"slack_signing_secret": "", "slack_app_token": APP_TOKEN})
    assert not slack_http_enabled(socket_only)  # `plans slack` serves it; `plans serve` does not fail


def test_tokens_are_read_from_slacks_own_variable_names(monkeypatch):
    from plans.settings import Settings

    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SECRET)
    monkeypatch.setenv("SLACK_APP_TOKEN", APP_TOKEN)
    monkeypatch.setenv("PLANS_SLACK_API_URL", "http://127.0.0.1:9/api/")
    s = Settings()
    assert (s.slack_bot_token, s.slack_signing_secret, s.slack_app_token, s.slack_api_url) == (
        BOT_TOKEN, SECRET, APP_TOKEN, "http://127.0.0.1:9/api/")


def test_plans_slack_fails_fast_naming_the_missing_or_malformed_token(monkeypatch, tmp_path):
    from bots.cli import app as cli
    from plans.settings import get_settings

    monkeypatch.setenv("PLANS_DATA_DIR", str(tmp_path))
    cases = [({"SLACK_BOT_TOKEN": ""}, "SLACK_BOT_TOKEN is not set"),
             ({"SLACK_BOT_TOKEN": "xoxp-1-2"}, "SLACK_BOT_TOKEN is malformed"),
             ({"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_APP_TOKEN": ""}, "SLACK_APP_TOKEN is not set"),
             ({"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_APP_TOKEN": BOT_TOKEN}, "starts with xapp-")]
    for env, expected in cases:
        for key in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"):
            monkeypatch.setenv(key, env.get(key, ""))
        get_settings.cache_clear()
        try:
            result = CliRunner().invoke(cli, ["slack"])
        finally:
            get_settings.cache_clear()
        assert result.exit_code == 2, (env, result.output)
        assert expected in result.output and "Traceback" not in result.output
        assert len([line for line in result.output.splitlines() if line.strip()]) == 1


def test_socket_mode_checks_the_token_against_slack_then_connects(real_index, mock, tmp_path, monkeypatch,
                                                                 assistant):
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bots.slack import run_socket_mode

    connected = []
    monkeypatch.setattr(SocketModeHandler, "connect", lambda self: connected.append(self))
    before = len(mock.posts("auth.test"))
    s = slack_settings(real_index, mock, tmp_path, slack_signing_secret="", slack_app_token=APP_TOKEN)
    handler = run_socket_mode(s, assistant, block=False)
    assert connected == [handler] and handler.app_token == APP_TOKEN
    assert len(mock.posts("auth.test")) == before + 1  # the bot token was verified at start
    with pytest.raises(ConfigError, match="SLACK_BOT_TOKEN"):
        run_socket_mode(s.model_copy(update={"slack_bot_token": "xoxb-wrong"}), assistant, block=False)


# --- rendering and parsing ---------------------------------------------------------------------------

def test_markdown_becomes_slack_mrkdwn_and_keeps_citation_markers():
    md = "## Drivers\n- **3.2 Cybercrime** — Kosovo* police & <EULEX> [1][2]\n* see [the page](https://x.org/a)"
    out = to_mrkdwn(md)
    assert out.splitlines()[0] == "*Drivers*"
    assert out.splitlines()[1] == "• *3.2 Cybercrime* — Kosovo∗ police &amp; &lt;EULEX&gt; [1][2]"
    assert out.splitlines()[2] == "• see <https://x.org/a|the page>"


def test_slash_command_parsing():
    from bots.slack_query import clean_text, parse_command

    c = parse_command('actions driver:"PCC SEE" funding:seeking due:60d plan:wbcsci as-of:2018-05-01')
    assert (c.kind, c.driver, c.funding, c.due_within, c.plan, c.as_of) == (
        "actions", "PCC SEE", "seeking", 60, "wbcsci", date(2018, 5, 1))
    d = parse_command("deadlines")
    assert (d.kind, d.due_within, d.as_of) == ("deadlines", 60, None)
    assert parse_command("who drives 3.2?").question == "who drives 3.2?"
    a = parse_command("ask what is due? as-of:2018-05-01 plan:eco")
    assert (a.question, a.as_of, a.plan) == ("what is due?", date(2018, 5, 1), "eco")
    assert clean_text(f"<@{BOT_USER}> ask <@U1|bob> about <https://x.org|this> &amp; that", BOT_USER) == \
        "ask @bob about this & that"


def test_seen_events_forget_after_the_ttl_and_stay_bounded():
    from bots.slack_state import SeenEvents

    now = [0.0]
    seen = SeenEvents(ttl=60, max_size=3, clock=lambda: now[0])
    assert seen.first_time("a") and not seen.first_time("a")
    now[0] = 61
    assert seen.first_time("a")
    for key in "bcde":
        seen.first_time(key)
    assert len(seen) == 3 and seen.first_time("a")
