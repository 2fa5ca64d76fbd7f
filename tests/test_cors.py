"""CORS over real HTTP (uvicorn on a loopback port): closed unless ``PLANS_CORS_ORIGINS`` names
origins; then the API answers a browser's preflight for those origins only, and the page does not."""

from __future__ import annotations

import pytest

from indexer.embed import FakeEmbedder
from indexer.pipeline import run_index
from plans.errors import ConfigError
from tests.conftest import LiveServer, make_settings

ALLOWED = "https://maps.example.org"
PREFLIGHT = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}


def _cors_headers(response) -> dict[str, str]:
    return {k.lower(): v for k, v in response.headers.items() if k.lower().startswith("access-control-")}


@pytest.fixture()
def served(fake_settings, monkeypatch):
    """Start the app over a fake-embedder index with the environment's settings; stopped after."""
    run_index(fake_settings, embedder=FakeEmbedder(), progress=False)
    servers: list[LiveServer] = []

    def serve(origins: str | None) -> LiveServer:
        from bots.web import create_app

        if origins is None:
            monkeypatch.delenv("PLANS_CORS_ORIGINS", raising=False)
        else:
            monkeypatch.setenv("PLANS_CORS_ORIGINS", origins)
        settings = make_settings(fake_settings.corpus_dir, fake_settings.data_dir)  # reads the environment
        servers.append(LiveServer(create_app(settings, warm_up=False)))
        return servers[-1]

    yield serve
    for s in servers:
        s.stop()


def test_preflight_is_answered_for_the_origins_the_setting_names(served) -> None:
    server = served(f"http://localhost:3000, {ALLOWED}/")
    r = server.http.options("/api/ask", headers={"Origin": ALLOWED, **PREFLIGHT})
    assert r.status_code == 200, r.text
    cors = _cors_headers(r)
    assert cors["access-control-allow-origin"] == ALLOWED
    assert "POST" in cors["access-control-allow-methods"]
    assert "content-type" in cors["access-control-allow-headers"].lower()
    assert cors["access-control-max-age"] == "600"

    get = server.http.get("/api/plans", headers={"Origin": ALLOWED})
    assert get.status_code == 200 and get.json()["plans"]
    assert _cors_headers(get)["access-control-allow-origin"] == ALLOWED

    other = server.http.options("/api/ask", headers={"Origin": "https://evil.example", **PREFLIGHT})
    assert other.status_code == 400 and "access-control-allow-origin" not in _cors_headers(other)
    assert "access-control-allow-origin" not in _cors_headers(
        server.http.get("/api/plans", headers={"Origin": "https://evil.example"}))
    page = server.http.get("/", headers={"Origin": ALLOWED})  # the page is same-origin only
    assert page.status_code == 200 and not _cors_headers(page)


def test_without_the_setting_no_cors_header_is_sent(served) -> None:
    server = served(None)
    preflight = server.http.options("/api/ask", headers={"Origin": ALLOWED, **PREFLIGHT})
    assert preflight.status_code in (404, 405) and not _cors_headers(preflight)
    get = server.http.get("/api/plans", headers={"Origin": ALLOWED})
    assert get.status_code == 200 and not _cors_headers(get)


def test_a_value_that_is_not_an_origin_fails_at_start(monkeypatch) -> None:
    from plans.settings import get_settings

    monkeypatch.setenv("PLANS_CORS_ORIGINS", "maps.example.org")
    get_settings.cache_clear()
    try:
        with pytest.raises(ConfigError, match="PLANS_CORS_ORIGINS"):
            get_settings()
    finally:
        get_settings.cache_clear()
