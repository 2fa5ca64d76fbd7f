"""One reading of what people type, whichever interface they type it in: the funding words the CLI,
the API and Slack accept are the same (any case, and the everyday words), and the API answers
every invalid input with one status, 422, whatever part of the request it is in."""

from __future__ import annotations

import json
import shutil

import pytest
from fastapi.testclient import TestClient

from bots.slack_query import parse_command
from plans.errors import InputError
from tests.conftest import CORPUS, command_line, make_settings

SAME = ["seeking", "Seeking", "SEEKING", " seeking ", "sought", "Unfunded", "funded", "AVAILABLE", "Negotiated",
        "negotiating", "unknown", "Unknown"]
BAD = ["free", "maybe", "seeking funding", "yes"]


@pytest.fixture(scope="module")
def indexed(tmp_path_factory):
    from indexer.embed import FakeEmbedder
    from indexer.pipeline import run_index

    base = tmp_path_factory.mktemp("rules")
    shutil.copytree(CORPUS, base / "corpus")
    settings = make_settings(base / "corpus", base / "data")
    run_index(settings, embedder=FakeEmbedder(), progress=False)
    return settings


@pytest.fixture(scope="module")
def api(indexed):
    from bots.web import create_app

    with TestClient(create_app(indexed, warm_up=False)) as c:
        yield c


@pytest.fixture(scope="module")
def cli(indexed):
    with command_line(indexed) as plans:
        yield plans


@pytest.mark.parametrize("word", SAME)
def test_the_cli_the_api_and_slack_read_a_funding_word_alike(api, cli, word):
    r = api.get("/api/actions", params={"funding": word, "as_of": "2018-05-01"})
    assert r.status_code == 200, r.text
    from_api = [a["id"] for a in r.json()["actions"]]
    out = cli("actions", "--funding", word, "--as-of", "2018-05-01", "--json")
    assert out.exit_code == 0, out.output
    assert [a["id"] for a in json.loads(out.stdout)] == from_api and from_api
    assert {a["funding_status"] for a in r.json()["actions"]} == {parse_command(f"actions funding:{word.strip()}")
                                                                   .funding}


@pytest.mark.parametrize("word", BAD)
def test_an_unknown_funding_word_is_refused_alike(api, cli, word):
    r = api.get("/api/actions", params={"funding": word})
    assert r.status_code == 422 and "must be one of available, seeking, negotiating, unknown" in r.json()["error"]
    out = cli("actions", "--funding", word)
    assert out.exit_code == 2 and "--funding must be one of available, seeking, negotiating, unknown" in out.stderr
    with pytest.raises(InputError, match="funding: must be one of available, seeking, negotiating, unknown"):
        parse_command(f'actions "funding:{word}"')


INVALID = [
    ("post", "/api/ask", {"json": {"question": ""}}),
    ("post", "/api/ask", {"json": {"question": "x" * 2001}}),
    ("post", "/api/ask", {"json": {"question": "Who drives 3.2?", "as_of": "2018-02-30"}}),
    ("post", "/api/ask", {"json": {"question": ["a list"]}}),
    ("post", "/api/ask", {"json": {}}),
    ("post", "/api/ask", {"content": b'{"question": ', "headers": {"content-type": "application/json"}}),
    ("post", "/api/ask/stream", {"json": {"question": " "}}),
    ("get", "/api/actions?due_within=-1", {}),
    ("get", "/api/actions?due_within=ten", {}),
    ("get", "/api/actions?as_of=01/05/2018", {}),
    ("get", "/api/actions?funding=free", {}),
    ("get", "/api/actions?overdue=perhaps", {}),
]


@pytest.mark.parametrize(("method", "url", "kwargs"), INVALID, ids=[f"{m} {u} {k}"[:80] for m, u, k in INVALID])
def test_every_invalid_input_is_422_with_a_sentence(api, method, url, kwargs):
    r = getattr(api, method)(url, **kwargs)
    assert r.status_code == 422, r.text
    body = r.json()
    assert set(body) == {"error", "detail"} and body["error"].endswith(".")
