"""One due date per action, whatever the interface: `plans actions --json`, `GET /api/actions` (over
real HTTP) and the Slack `/plans actions` command (a correctly signed slash command over real HTTP, its
result posted to a local mock of Slack) give the same ``due`` for every action of the corpus at a
fixed ``as_of``. The dates are those of ``indexer.records.with_due`` (an action's next due date
within its plan's period), so a 2011-2013 plan's "each semester" meetings are due in 2012 and not
in 2018 in all three."""

from __future__ import annotations

import json
import re

import pytest

import bots.slack_render
from assistant.service import Assistant
from bots.slack_render import lit
from bots.web import create_app
from indexer.embed import FakeEmbedder
from indexer.pipeline import run_index
from tests.conftest import LiveServer, command_line
from tests.test_slack import MockSlack, Server, slack_settings, texts

BSEC11 = "bsec-plan-of-action-2011-2013"
DAYS = ("2012-05-01", "2018-05-01")  # within the BSEC 2011-2013 plan's period, and after it
_DUE = re.compile(r"• \*due (\d{4}-\d{2}-\d{2})\* · ")


@pytest.fixture(scope="module")
def indexed(tmp_path_factory):
    """The corpus indexed with the fake embedder (due dates do not depend on the embeddings)."""
    import shutil

    from tests.conftest import CORPUS, make_settings

    base = tmp_path_factory.mktemp("due")
    shutil.copytree(CORPUS, base / "corpus")
    settings = make_settings(base / "corpus", base / "data")
    run_index(settings, embedder=FakeEmbedder(), progress=False)
    return settings


@pytest.fixture(scope="module")
def cli_rows(indexed):
    """``as_of`` -> the CLI's JSON records of every action."""
    out = {}
    with command_line(indexed) as plans:
        for day in DAYS:
            result = plans("actions", "--json", "--as-of", day)
            assert result.exit_code == 0, result.output
            out[day] = json.loads(result.stdout)
    return out


@pytest.fixture(scope="module")
def slack(indexed, tmp_path_factory):
    """The web app with the Slack app mounted, over an assistant of the fake-embedder index."""
    mock = MockSlack()
    settings = slack_settings(indexed, mock, tmp_path_factory.mktemp("slack-due"))
    bot = Assistant(indexed, embedder=FakeEmbedder())
    server = Server(create_app(settings, assistant=bot, warm_up=False))
    yield server, mock
    server.stop()
    mock.server.shutdown()


@pytest.mark.parametrize("day", DAYS)
def test_the_cli_the_api_and_slack_give_the_same_due_date_for_every_action(day, indexed, cli_rows, slack,
                                                                            monkeypatch) -> None:
    rows = cli_rows[day]
    assert len(rows) > 150 and all("due" in r for r in rows)
    cli_due = {r["id"]: r["due"] for r in rows}

    api = LiveServer(create_app(indexed, warm_up=False))
    try:
        body = api.http.get("/api/actions", params={"as_of": day}).json()
    finally:
        api.stop()
    assert body["as_of"] == day and body["count"] == len(rows)
    assert {a["id"]: a["due"] for a in body["actions"]} == cli_due

    # one Slack message per plan; the per-message list limits (they cut long lists, not dates) lifted
    monkeypatch.setattr(bots.slack_render, "MAX_ITEMS", 1000)
    monkeypatch.setattr(bots.slack_render, "MAX_LIST_CHARS", 1_000_000)
    server, mock = slack
    slack_due = {}
    for plan in sorted({r["plan"] for r in rows}):
        listed = [r for r in rows if r["plan"] == plan]  # the CLI lists a plan's actions in the same order
        name = f"due-{day}-{plan}"
        server.command(f"actions plan:{plan} as-of:{day}", channel="C0DUE", response_url=mock.response_url(name))
        shown = texts(mock.wait(f"/response/{name}")[0]["blocks"])
        lines = [ln for ln in shown.splitlines() if ln.startswith("• ")]
        assert len(lines) == len(listed), plan
        for r, line in zip(listed, lines, strict=True):
            assert lit(" ".join(x for x in (r["number"], r["title"]) if x)) in line, (r["id"], line)
            m = _DUE.match(line)
            slack_due[r["id"]] = m.group(1) if m else None
    assert slack_due == cli_due

    dated = sum(1 for d in cli_due.values() if d)
    assert dated > 20  # the check is not vacuous: many actions are due at this date
    # the recurring BSEC 2011-2013 meetings ("each semester") are due within their plan's years only
    recurring = [r["id"] for r in rows if r["plan"] == BSEC11 and r["recurrence"]]
    assert recurring
    assert all((cli_due[i] is not None) == (day == "2012-05-01") for i in recurring)
