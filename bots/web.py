"""The web API and the chat page: FastAPI over the same ``Assistant.ask`` every interface uses.

The app is built by a factory (no import-time globals). The assistant (index + embedding model)
is built on first use, or warmed up in the background when the server starts, so ``/healthz``
answers at once and ``/readyz`` says when questions can be answered.

Example::

    app = create_app(get_settings())               # tests: create_app(settings, assistant=bot)
    serve(get_settings(), port=8000)               # uvicorn on http://127.0.0.1:8000/
    # uvicorn --factory bots.web:app_from_env      # what `plans serve` runs
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException

from plans.errors import PlansError
from plans.settings import Settings

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
DOCS_PATHS = ("/docs", "/redoc", "/static-offline-docs", "/openapi.json")
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


class Backend:
    """Holds the assistant, built once on first use (or by a background warm-up)."""

    def __init__(self, settings: Settings, assistant: Any = None, clock: Callable[[], datetime] | None = None) -> None:
        self.settings = settings
        self._assistant = assistant
        self.clock = clock or (lambda: datetime.now(UTC))  # the digests' time (tests drive it by hand)
        self._records: Any = None
        self._lock = threading.Lock()
        self._records_lock = threading.Lock()
        self._loader: threading.Thread | None = None
        self.load_error: PlansError | None = None

    @property
    def index_settings(self) -> Settings:
        """The settings of the index served: the given assistant's, else the app's."""
        return getattr(self._assistant, "settings", None) or self.settings

    @property
    def loaded(self) -> bool:
        return self._assistant is not None

    def assistant(self) -> Any:
        if self._assistant is None:
            with self._lock:
                if self._assistant is None:
                    from assistant.service import Assistant

                    try:
                        self._assistant = Assistant(self.settings)
                    except PlansError as exc:
                        self.load_error = exc
                        raise
                    self.load_error = None
        return self._assistant

    def records(self) -> Any:
        """The record store: the assistant's, or one opened on its own while the model loads."""
        if self._assistant is not None:
            return self._assistant.records
        with self._records_lock:
            if self._records is None:
                from indexer.pipeline import open_records

                self._records = open_records(self.settings)
            return self._records

    def warm_up(self) -> None:
        """Build the assistant in a background thread (no-op when built or already loading)."""
        if self._assistant is not None or (self._loader and self._loader.is_alive()):
            return

        def load() -> None:
            try:
                self.assistant()
            except PlansError as exc:
                log.warning("The assistant could not load: %s", exc.message)
            except Exception:  # logged, and the next request tries again
                log.exception("The assistant could not load")

        self._loader = threading.Thread(target=load, name="plans-warm-up", daemon=True)
        self._loader.start()

    def readiness(self) -> tuple[int, dict]:
        if self._assistant is None:
            self.warm_up()
            if self.load_error is not None:
                return 503, {"error": self.load_error.message, "detail": {"ready": False}}
            return 503, {"error": "The assistant is still loading the index and the embedding model.",
                         "detail": {"ready": False, "loading": True}}
        bot = self._assistant
        try:
            passages = bot.vectors.count()
        except PlansError as exc:
            return 503, {"error": exc.message, "detail": {"ready": False}}
        except Exception as exc:  # a store that fails in a way its seam did not translate
            return 503, {"error": f"The vector store cannot be reached: {exc}", "detail": {"ready": False}}
        if not passages:
            return 503, {"error": "The vector store holds no passages: run `plans index`.",
                         "detail": {"ready": False}}
        return 200, {"status": "ready", "generation": getattr(bot, "generation", None), "passages": passages,
                     "plans": len(getattr(bot, "plans", []) or [])}


def error_response(status: int, message: str, detail: Any = None) -> JSONResponse:
    return JSONResponse({"error": message, "detail": detail}, status_code=status)


# One rule for invalid input: whatever a request carries that the API cannot use (a missing or
# mistyped field, a bad date, number or funding word, an empty or over-long question, JSON that does
# not parse) is 422 with a sentence saying what is wrong. Apart from it: 415 for a body that is not
# JSON at all (its Content-Type), 404 for a plan or section that does not exist, 401 when signing in
# is needed (bots.auth).
INVALID = 422


def _validation_sentence(request: Request, errors: list[dict]) -> tuple[int, str]:
    first = errors[0] if errors else {"loc": (), "msg": "invalid request", "type": ""}
    in_body = any(tuple(e.get("loc", ()))[:1] == ("body",) for e in errors)
    ctype = request.headers.get("content-type", "").lower()
    if in_body and request.method == "POST" and "json" not in ctype:
        return 415, "Send the request body as JSON (Content-Type: application/json)."
    if first.get("type") == "json_invalid":
        return INVALID, "The request body is not valid JSON."
    loc = [str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path")]
    if in_body and not loc:
        return INVALID, 'The request body must be a JSON object like {"question": "..."}.'
    return INVALID, f"{'.'.join(loc) or 'request'}: {first.get('msg', 'invalid value')}."


def _install_errors(app: FastAPI) -> None:
    @app.exception_handler(PlansError)
    async def plans_error(_: Request, exc: PlansError) -> JSONResponse:
        return error_response(exc.http_status, exc.message, exc.detail)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = list(exc.errors())
        status, message = _validation_sentence(request, errors)
        detail = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
                  for e in errors]
        return error_response(status, message, detail)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return error_response(exc.status_code, str(exc.detail), None)

    @app.exception_handler(Exception)
    async def crash(_: Request, exc: Exception) -> JSONResponse:
        log.exception("Unhandled error", exc_info=exc)
        return error_response(500, "Something went wrong on the server; the error was logged.")


class SecurityHeaders:
    """A strict Content-Security-Policy on the page and API (not on the Swagger pages)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        docs = scope["path"].startswith(DOCS_PATHS)

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "no-referrer")
                if not docs:
                    headers.setdefault("Content-Security-Policy", CSP)
                    headers.setdefault("X-Frame-Options", "DENY")
            await send(message)

        await self.app(scope, receive, send_with_headers)


class ApiCors:
    """CORS for the API's paths (``/api/...``) only, from the origins ``PLANS_CORS_ORIGINS`` names:
    preflight requests are answered, and responses to those origins carry the allow headers. The
    page, the docs and ``/slack/events`` stay same-origin."""

    def __init__(self, app: Any, origins: list[str]) -> None:
        from starlette.middleware.cors import CORSMiddleware

        self.app = app
        self.cors = CORSMiddleware(app, allow_origins=origins, allow_methods=["GET", "POST"],
                                   allow_headers=["Content-Type", "Authorization"], max_age=600)

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        api = scope["type"] == "http" and scope["path"].startswith("/api/")
        await (self.cors if api else self.app)(scope, receive, send)


def create_app(settings: Settings | None = None, *, assistant: Any = None, warm_up: bool = True,
               clock: Callable[[], datetime] | None = None) -> FastAPI:
    """The FastAPI app. ``assistant`` is built from ``settings`` on first use when not given;
    ``warm_up`` starts building it in the background when the server starts. With Slack set up, the
    server's lifespan runs the digest scheduler; ``clock`` is its time (UTC now when not given)."""
    if settings is None and assistant is not None:
        settings = assistant.settings
    if settings is None:
        from plans.settings import get_settings

        settings = get_settings()
    backend = Backend(settings, assistant, clock)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if warm_up:
            backend.warm_up()
        digests = getattr(app.state, "digests", None)
        if digests is not None:  # Slack is mounted: post subscribed digests on time
            digests.start(app.state.slack.client)
        try:
            yield
        finally:
            if digests is not None:
                digests.stop()

    app = FastAPIOffline(title="plans", version="0.1.0", lifespan=lifespan,
                         description="Ask the plans of action on combating organised crime. "
                                     "Every answer cites the passages it rests on.")
    app.state.backend = backend
    _install_errors(app)
    from bots.auth import AuthGate, check_auth  # PLANS_AUTH: who may use the page and the API

    check_auth(settings)  # now, not at the first request
    app.add_middleware(AuthGate, settings=settings)  # inside the security headers and CORS
    app.add_middleware(SecurityHeaders)
    if settings.cors_origins:  # closed by default: only PLANS_CORS_ORIGINS opens the API to other pages
        app.add_middleware(ApiCors, origins=settings.cors_origins)
    from bots.api import install_routes

    install_routes(app, backend)
    from bots.api_deadlines import install_deadline_routes

    install_deadline_routes(app, backend)  # GET /api/deadlines.ics, /api/digest
    if settings.slack_bot_token or settings.slack_signing_secret:
        from bots.slack import mount_slack  # POST /slack/events (slack-bolt), over backend.assistant()

        mount_slack(app, backend)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})

    return app


def app_from_env() -> FastAPI:
    """The app over the environment's settings (``uvicorn --factory bots.web:app_from_env``)."""
    from plans.settings import get_settings

    return create_app(get_settings())


def serve(settings: Settings | None = None, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the page and the API with uvicorn until interrupted."""
    import uvicorn

    app = create_app(settings)
    print(f"Serving the plans page and API at http://{host}:{port}/ (API docs at /docs; Ctrl-C stops)",
          flush=True)
    uvicorn.run(app, host=host, port=port, log_level="info")
