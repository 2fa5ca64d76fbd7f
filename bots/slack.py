"""The Slack app (slack-bolt): staff ask in channels, DMs and threads; answers cite their passages.

Two ways to run it, both over the same bolt ``App`` built by ``create_slack_app``:

* HTTP mode: ``plans serve`` mounts it on the FastAPI app at ``POST /slack/events`` when
  ``SLACK_BOT_TOKEN`` and ``SLACK_SIGNING_SECRET`` are set. bolt verifies each request's signature
  and timestamp (older than 5 minutes is refused) with the signing secret: 401 and nothing runs.
* Socket Mode: ``plans slack`` with ``SLACK_BOT_TOKEN`` and ``SLACK_APP_TOKEN``, for workspaces
  without a public URL.

``PLANS_SLACK_API_URL`` points the Web API client elsewhere (the tests' local mock of Slack). The
behaviour lives in ``bots.slack_listeners``, the Block Kit in ``bots.slack_render``.

Example::

    bolt = create_slack_app(settings, assistant)      # or a callable that builds the assistant
    mount_slack(fastapi_app, backend)                 # what bots.web.create_app does
    run_socket_mode(settings)                         # what `plans slack` does
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from slack_bolt import App
from slack_bolt.adapter.fastapi import SlackRequestHandler
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from slack_bolt.error import BoltError
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from starlette.responses import Response

from bots.digest_store import now_utc, open_digest_store
from bots.feedback import FeedbackStore, open_feedback
from bots.slack_digest import DigestSlack
from bots.slack_listeners import Listeners
from bots.slack_state import SeenEvents, Threads
from indexer.pipeline import ServingRecords
from plans.errors import ConfigError, PlansError
from plans.settings import SLACK_API_URL, Settings

log = logging.getLogger(__name__)


def _prefix(value: str) -> str:
    return f"{value[:5]}…" if value else "nothing"


def check_bot_token(settings: Settings) -> str:
    token = settings.slack_bot_token.strip()
    if not token:
        raise ConfigError("SLACK_BOT_TOKEN is not set: copy the Bot User OAuth Token (xoxb-…) from the Slack "
                          "app's OAuth & Permissions page.")
    if not re.fullmatch(r"xoxb-[A-Za-z0-9-]+", token):
        raise ConfigError(f"SLACK_BOT_TOKEN is malformed: a bot token starts with xoxb- (the Bot User OAuth "
                          f"Token), this one starts with {_prefix(token)!s}.")
    return token


def check_app_token(settings: Settings) -> str:
    token = settings.slack_app_token.strip()
    if not token:
        raise ConfigError("SLACK_APP_TOKEN is not set: Socket Mode needs an app-level token (xapp-…) with the "
                          "connections:write scope, from the app's Basic Information page.")
    if not re.fullmatch(r"xapp-[A-Za-z0-9-]+", token):
        raise ConfigError(f"SLACK_APP_TOKEN is malformed: an app-level token starts with xapp-, this one starts "
                          f"with {_prefix(token)!s}.")
    return token


def check_signing_secret(settings: Settings) -> str:
    secret = settings.slack_signing_secret.strip()
    if not secret:
        raise ConfigError("SLACK_SIGNING_SECRET is not set: HTTP mode needs the Signing Secret from the Slack "
                          "app's Basic Information page (or use Socket Mode: SLACK_APP_TOKEN and `plans slack`).")
    if secret.startswith(("xox", "xapp-")) or not re.fullmatch(r"[A-Za-z0-9]{16,}", secret):
        raise ConfigError("SLACK_SIGNING_SECRET is malformed: it is the Signing Secret (letters and digits) from "
                          "the app's Basic Information page, not a token.")
    return secret


def api_url(settings: Settings) -> str:
    url = (settings.slack_api_url or SLACK_API_URL).strip()
    if not url.startswith(("http://", "https://")):
        raise ConfigError(f"PLANS_SLACK_API_URL must start with http:// or https://, not {url!r}.")
    return url.rstrip("/") + "/"


def slack_http_enabled(settings: Settings) -> bool:
    """Whether HTTP mode is configured; a half or malformed configuration fails with a sentence."""
    bot = settings.slack_bot_token.strip()
    secret = settings.slack_signing_secret.strip()
    if not bot and not secret:
        return False
    if bot and not secret and settings.slack_app_token.strip():
        return False  # a Socket Mode setup: `plans slack` serves it
    check_bot_token(settings)
    check_signing_secret(settings)
    api_url(settings)
    return True


def digests_for(settings: Settings, index_settings: Settings | None = None, *,
                clock: Callable[[], datetime] = now_utc) -> DigestSlack:
    """Subscriptions (in ``settings.data_dir``) over the index ``index_settings`` serves (the same
    settings unless an assistant over another index was given), read afresh after each re-index."""
    return DigestSlack(settings, ServingRecords(index_settings or settings), open_digest_store(settings), clock=clock)


def create_slack_app(settings: Settings, assistant: Any, *, client: WebClient | None = None,
                     verify_token: bool = False, feedback: FeedbackStore | None = None,
                     threads: Threads | None = None, seen: SeenEvents | None = None,
                     digests: DigestSlack | None = None) -> App:
    """The bolt App with every listener. ``assistant`` is an Assistant or a callable returning one
    (built on first use). ``verify_token`` calls auth.test now (Socket Mode); otherwise bolt calls
    it on the first request, so the web app starts even while Slack is unreachable. ``digests``:
    the subscriptions and App Home (``digests_for(settings)`` when not given)."""
    token = check_bot_token(settings)
    base = api_url(settings)
    client = client or WebClient(token=token, base_url=base)
    get_assistant: Callable[[], Any] = (
        assistant if callable(assistant) and not hasattr(assistant, "ask") else (lambda: assistant))
    try:
        app = App(token=token, signing_secret=settings.slack_signing_secret.strip(),
                  client=client, token_verification_enabled=verify_token, name="plans")
    except BoltError as exc:
        raise ConfigError(f"Slack refused SLACK_BOT_TOKEN (auth.test failed): {exc}") from exc
    except Exception as exc:  # the network: urllib errors
        raise PlansError(f"Slack cannot be reached at {base}: {exc}") from exc
    data_dir = Path(settings.data_dir)
    Listeners(settings, get_assistant, feedback or open_feedback(settings),
              threads or Threads(data_dir / "slack.sqlite"), seen or SeenEvents(),
              digests or digests_for(settings)).register(app)
    return app


class ThreadedSlackHandler(SlackRequestHandler):
    """bolt's FastAPI handler, dispatching in a worker thread so the event loop (the page, the API)
    does not wait on Slack work such as the first auth.test."""

    async def handle(self, req: Request, addition_context_properties: dict | None = None) -> Response:
        if req.method != "POST":
            return await super().handle(req, addition_context_properties)
        body = await req.body()
        bolt_resp = await run_in_threadpool(self.app.dispatch, to_bolt_request(req, body, addition_context_properties))
        return to_starlette_response(bolt_resp)


def mount_slack(app: FastAPI, backend: Any) -> bool:
    """Mount the Slack app at POST /slack/events when SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are set."""
    if not slack_http_enabled(backend.settings):
        return False
    digests = digests_for(backend.settings, backend.index_settings, clock=backend.clock)
    bolt = create_slack_app(backend.settings, backend.assistant, digests=digests)
    handler = ThreadedSlackHandler(bolt)

    async def slack_events(request: Request) -> Response:
        return await handler.handle(request)

    app.add_api_route("/slack/events", slack_events, methods=["POST"], include_in_schema=False)
    app.state.slack = bolt
    app.state.digests = digests  # the web app's lifespan starts and stops its scheduler
    log.info("Slack app mounted at /slack/events")
    return True


def run_socket_mode(settings: Settings, assistant: Any = None, *, block: bool = True) -> Any:
    """Connect to Slack over Socket Mode and answer until interrupted (`plans slack`); with
    ``block=False`` return the connected handler instead (tests, embedding)."""
    check_bot_token(settings)
    app_token = check_app_token(settings)
    api_url(settings)
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    if assistant is None:
        from assistant.service import Assistant

        assistant = Assistant(settings)  # load the index first: a missing one fails before connecting
    digests = digests_for(settings, getattr(assistant, "settings", None))
    bolt = create_slack_app(settings, assistant, verify_token=True, digests=digests)
    handler = SocketModeHandler(bolt, app_token)
    try:
        handler.connect()
    except SlackApiError as exc:
        raise ConfigError(f"Slack refused SLACK_APP_TOKEN ({exc.response.get('error')}): it needs the "
                          f"connections:write scope, with Socket Mode turned on for the app.") from exc
    if not block:
        return handler
    digests.start(bolt.client)  # post subscribed digests on time
    print("plans: connected to Slack in Socket Mode; mention the app, DM it or use /plans (Ctrl-C stops)",
          flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        digests.stop()
        handler.close()
    return None
