"""Who may use the page and the API: ``PLANS_AUTH`` = none | token | proxy.

* **none** (the default): everyone who can reach the server. ``plans serve`` allows it only on a
  loopback address unless ``--public`` says the server is meant to be open (``is_loopback``).
* **token**: one shared secret, ``PLANS_AUTH_TOKEN``. A program sends ``Authorization: Bearer <token>``;
  a person signs in once on the page's small form (``/login``), which sets a session cookie: the
  cookie holds an expiry and an HMAC of it keyed by the token (never the token itself), so changing
  the token signs everybody out. Tokens and signatures are compared in constant time.
* **proxy**: an authenticating reverse proxy (oauth2-proxy, a corporate SSO gateway) signs people in
  and passes the user's name in a header (``PLANS_AUTH_PROXY_HEADER``, default ``X-Forwarded-User``).
  The header is believed only on requests whose peer address is in ``PLANS_AUTH_PROXY_FROM`` (default
  loopback), so a client that reaches the server directly cannot forge it. In the other modes the
  header means nothing and is ignored.

Always open: ``/slack/events`` (Slack signs its requests; bolt checks the signature), ``/healthz`` and
``/readyz`` (probes), the sign-in page and its stylesheet and script. A browser asking for a page
without a session is sent to the sign-in form; an API call gets 401 with a JSON sentence.

Example::

    check_auth(settings)                          # a token mode without a token fails here, with a sentence
    app.add_middleware(AuthGate, settings=settings)
    is_loopback("0.0.0.0")                        # False: `plans serve` wants auth or --public there
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import html
import ipaddress
import json
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qs, quote

from plans.errors import ConfigError
from plans.settings import Settings

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

OPEN_PATHS = frozenset({"/healthz", "/readyz", "/slack/events", "/static/style.css", "/static/login.js"})
LOGIN, LOGOUT, SESSION = "/login", "/logout", "/auth/session"
COOKIE = "plans_session"
SESSION_SECONDS = 14 * 24 * 3600
MIN_TOKEN = 16
MAX_FORM = 4096  # bytes of a sign-in form
FAILED_SIGN_IN_DELAY = 0.5  # s: slows guessing down without blocking the server


def check_auth(settings: Settings) -> None:
    """Fail with a sentence when the chosen mode lacks what it needs."""
    if settings.auth == "token":
        token = settings.auth_token.strip()
        if not token:
            raise ConfigError("PLANS_AUTH=token needs PLANS_AUTH_TOKEN: a long random secret, e.g. from "
                              "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`.")
        if len(token) < MIN_TOKEN:
            raise ConfigError(f"PLANS_AUTH_TOKEN is too short to keep people out: use {MIN_TOKEN} characters or "
                              f"more (e.g. `python -c 'import secrets; print(secrets.token_urlsafe(32))'`).")


def is_loopback(host: str) -> bool:
    """Whether binding to ``host`` keeps the server on this machine (127.0.0.0/8, ::1, localhost)."""
    host = host.strip().strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def same_secret(given: str, expected: str) -> bool:
    """Constant-time comparison of two secrets (of any length and characters)."""
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def _signature(token: str, expires: int) -> str:
    return hmac.new(token.encode("utf-8"), f"plans-session:{expires}".encode(), hashlib.sha256).hexdigest()


def make_session(token: str, now: float | None = None) -> str:
    """A session cookie value: its expiry and the token's HMAC of it."""
    expires = int((now if now is not None else time.time()) + SESSION_SECONDS)
    return f"{expires}.{_signature(token, expires)}"


def valid_session(value: str, token: str, now: float | None = None) -> bool:
    stamp, _, sig = value.partition(".")
    if not stamp.isdigit() or not sig:
        return False
    if int(stamp) < (now if now is not None else time.time()):
        return False
    return hmac.compare_digest(sig.encode("ascii", "replace"), _signature(token, int(stamp)).encode("ascii"))


def _headers(scope: Scope) -> dict[str, str]:
    out: dict[str, str] = {}
    for k, v in scope.get("headers", []):
        out.setdefault(k.decode("latin-1").lower(), v.decode("latin-1"))
    return out


def _cookies(header: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in header.split(";"):
        name, sep, value = part.strip().partition("=")
        if sep:
            out.setdefault(name, value)
    return out


def _safe_next(target: str) -> str:
    """Only a path on this site (no //host, no scheme): where to go after signing in."""
    target = target.strip()
    if not target.startswith("/") or target.startswith(("//", "/\\")) or any(c in target for c in "\r\n"):
        return "/"
    return target


class AuthGate:
    """ASGI middleware in front of the app: lets a request through when its mode says who it is,
    answers the sign-in form, and turns everything else away (401)."""

    def __init__(self, app: Any, settings: Settings) -> None:
        check_auth(settings)
        self.app = app
        self.mode = settings.auth
        self.token = settings.auth_token.strip()
        self.header = settings.auth_proxy_header.lower()
        self.proxies = [ipaddress.ip_network(n, strict=False) for n in settings.auth_proxy_from]
        self.secure = settings.public_url.startswith("https://")

    # --- who is asking ----------------------------------------------------------------------------
    def user(self, scope: Scope, headers: dict[str, str]) -> str | None:
        """The signed-in user ("" for a token holder without a name), or None when not signed in."""
        if self.mode == "none":
            return ""
        if self.mode == "proxy":
            name = headers.get(self.header, "").strip()
            return name if name and self._from_proxy(scope) else None
        kind, _, given = headers.get("authorization", "").partition(" ")
        if kind.lower() == "bearer" and given.strip() and same_secret(given.strip(), self.token):
            return ""
        session = _cookies(headers.get("cookie", "")).get(COOKIE, "")
        return "" if session and valid_session(session, self.token) else None

    def _from_proxy(self, scope: Scope) -> bool:
        client = scope.get("client")
        if not client:
            return False
        try:
            peer = ipaddress.ip_address(client[0])
        except ValueError:
            return False
        return any(peer in net for net in self.proxies)

    # --- the gate ---------------------------------------------------------------------------------
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.mode == "none" and scope["path"] != SESSION:
            await self.app(scope, receive, send)
            return
        path, method = scope["path"], scope["method"]
        headers = _headers(scope)
        if path == SESSION:
            user = self.user(scope, headers)
            await _json(send, 200, {"mode": self.mode, "signed_in": user is not None, "user": user or None,
                                    "can_sign_out": self.mode == "token"})
            return
        if path in OPEN_PATHS:
            await self.app(scope, receive, send)
            return
        if self.mode == "token" and path == LOGIN:
            await self.login(scope, receive, send, headers)
            return
        if self.mode == "token" and path == LOGOUT:
            await _redirect(send, LOGIN, cookie=self._cookie("", 0))
            return
        user = self.user(scope, headers)
        if user is not None:
            scope.setdefault("state", {})["plans_user"] = user
            await self.app(scope, receive, send)
            return
        wants_page = method == "GET" and not path.startswith("/api/") and "text/html" in headers.get("accept", "")
        if self.mode == "token" and wants_page:
            query = scope.get("query_string", b"").decode("latin-1")
            target = path + (f"?{query}" if query else "")
            await _redirect(send, f"{LOGIN}?next={quote(target, safe='/')}")
            return
        if self.mode == "token":
            await _json(send, 401, {"error": "Sign in first: send 'Authorization: Bearer <PLANS_AUTH_TOKEN>', "
                                             "or sign in on the page at /login.", "detail": {"auth": "token"}},
                        extra=[(b"www-authenticate", b'Bearer realm="plans"')])
            return
        await _json(send, 401, {"error": "Sign in through the organisation's sign-in proxy: this server answers "
                                         "only requests that come through it.", "detail": {"auth": "proxy"}})

    async def login(self, scope: Scope, receive: Receive, send: Send, headers: dict[str, str]) -> None:
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        target = _safe_next(query.get("next", ["/"])[0])
        if scope["method"] != "POST":
            if self.user(scope, headers) is not None:
                await _redirect(send, target)
            else:
                await _html(send, 200, login_page(target))
            return
        form = parse_qs((await _body(receive, MAX_FORM)).decode("utf-8", "replace"))
        target = _safe_next(form.get("next", [target])[0])
        given = form.get("token", [""])[0].strip()
        if given and same_secret(given, self.token):
            await _redirect(send, target, cookie=self._cookie(make_session(self.token), SESSION_SECONDS))
            return
        await asyncio.sleep(FAILED_SIGN_IN_DELAY)
        await _html(send, 401, login_page(target, "That is not the access token. Ask whoever runs this "
                                                  "server for it."))

    def _cookie(self, value: str, max_age: int) -> bytes:
        secure = "; Secure" if self.secure else ""
        return f"{COOKIE}={value}; Max-Age={max_age}; Path=/; HttpOnly; SameSite=Lax{secure}".encode("latin-1")


def login_page(target: str, error: str = "") -> str:
    """The sign-in form (plain HTML; its one script only carries a passage link's #section over)."""
    alert = f'<p class="login-error" role="alert">{html.escape(error)}</p>' if error else ""
    return f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Sign in — Plans of action</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="/static/style.css">
  <script src="/static/login.js" defer></script>
</head>
<body class="login-body">
  <main class="login">
    <h1>Plans of action</h1>
    <p>This server asks for an access token. Whoever runs it can give you one.</p>
    {alert}
    <form method="post" action="{LOGIN}">
      <input type="hidden" name="next" value="{html.escape(target)}">
      <label for="token">Access token</label>
      <input type="password" id="token" name="token" required autocomplete="current-password" autofocus>
      <button type="submit" class="primary">Sign in</button>
    </form>
  </main>
</body>
</html>
"""


async def _body(receive: Receive, limit: int) -> bytes:
    data = b""
    while True:
        message = await receive()
        data += message.get("body", b"")
        if len(data) > limit:
            return b""
        if not message.get("more_body"):
            return data


async def _respond(send: Send, status: int, body: bytes, content_type: str,
                   extra: list[tuple[bytes, bytes]] | None = None) -> None:
    headers = [(b"content-type", content_type.encode()), (b"content-length", str(len(body)).encode()),
               (b"cache-control", b"no-store"), *(extra or [])]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _json(send: Send, status: int, data: dict, extra: list[tuple[bytes, bytes]] | None = None) -> None:
    await _respond(send, status, json.dumps(data).encode(), "application/json", extra)


async def _html(send: Send, status: int, text: str) -> None:
    await _respond(send, status, text.encode(), "text/html; charset=utf-8")


async def _redirect(send: Send, location: str, cookie: bytes | None = None) -> None:
    extra = [(b"location", quote(location, safe="/?=&%#:;,+@").encode("latin-1"))]
    if cookie:
        extra.append((b"set-cookie", cookie))
    await _respond(send, 303, b"", "text/plain", extra)
