"""App Home end to end: a correctly signed ``app_home_opened`` event and button clicks over real HTTP to
the Slack app (tests.test_subscriptions' workspace: a private index copy, the mock Slack Web API, a
fake clock); the published view holds the user's digests and the next 30 days' deadlines and overdue
items of the digest for the clock's date, each with a button to its passage."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime

import pytest

from assistant.digest import DigestQuery, build_digest
from bots.slack_digest_render import HOME_OVERDUE
from indexer.pipeline import open_records
from tests.test_slack import PUBLIC, MockSlack
from tests.test_subscriptions import FakeClock, Workspace, berlin, fake_index

WBCSCI = "wbcsci-integrative-plan-of-action-2018-2020"


@pytest.fixture(scope="module")
def indexed(tmp_path_factory):
    return fake_index(tmp_path_factory.mktemp("home-index"))


@pytest.fixture(scope="module")
def mock():
    m = MockSlack()
    yield m
    m.server.shutdown()


@pytest.fixture()
def clock():
    return FakeClock(datetime(2018, 6, 10, 10, 0, tzinfo=UTC))


def open_home(space: Workspace, user: str) -> dict:
    before = len(space.mock.posts("views.publish", user_id=user))
    r = space.server.event({"type": "app_home_opened", "user": user, "channel": "D0HOME", "tab": "home",
                            "event_ts": f"{time.time():.6f}"})
    assert r.status_code == 200, r.text
    return space.mock.wait("views.publish", before + 1, user_id=user)[-1]["view"]


def buttons(view: dict, action_id: str) -> list[dict]:
    found = [b["accessory"] for b in view["blocks"] if b.get("accessory", {}).get("action_id") == action_id]
    found += [e for b in view["blocks"] for e in b.get("elements", []) if e.get("action_id") == action_id]
    return found


def shown(view: dict) -> str:
    out = []
    for b in view["blocks"]:
        if isinstance(b.get("text"), dict):
            out.append(b["text"]["text"])
        out += [e["text"] for e in b.get("elements", []) if isinstance(e.get("text"), str)]
    return "\n".join(out)


def test_app_home_shows_the_users_digests_and_the_next_30_days(indexed, mock, tmp_path, clock):
    space = Workspace(indexed, mock, tmp_path, clock)
    try:
        space.command("subscribe weekly plan wbcsci", channel="C0HOMECH", user="U0HOME")
        space.command("subscribe daily", channel="C0ELSE", user="U0OTHER")  # someone else's
        view = open_home(space, "U0HOME")
        assert view["type"] == "home" and len(view["blocks"]) <= 100
        text = shown(view)
        assert "As of 2018-06-10" in text
        assert "*#1* weekly on Monday at 09:00 (Europe/Berlin) · WBCSCi 2018-2020 plan (typed “wbcsci”)" in text
        assert "#2" not in text
        assert [b["value"] for b in buttons(view, "home_unsubscribe")] == ["1"]
        assert {b["value"] for b in view["blocks"][4]["elements"]} == {"weekly", "daily", "monthly"}

        digest = build_digest(open_records(indexed), DigestQuery(as_of=date(2018, 6, 10), within=30))
        assert len(digest.due) == 3 and 0 < len(digest.overdue) <= HOME_OVERDUE
        passages = [b["value"] for b in buttons(view, "open_passage")]
        expected = [i.section_id for i in digest.due] + [i.section_id for i in digest.overdue[:HOME_OVERDUE]]
        assert passages == expected
        assert all(b["url"] == f"{PUBLIC}/#section={b['value']}" for b in buttons(view, "open_passage"))
        assert f"*Due in the next 30 days* ({len(digest.due)})" in text
        assert f"*Overdue* ({len(digest.overdue)}: past their end date and not marked done)" in text
        assert "*2018-06-30* · *WBCSCi 2018-2020 3.11* Provision of equipment" in text
        assert f"_{WBCSCI}.txt, line 392 · {WBCSCI}:0117_" in text

        # subscribe from App Home: a daily digest in the user's DM, in the user's own time zone
        mock.user_tz["U0HOME"] = "Asia/Tokyo"
        space.server.click("home_subscribe_daily", "daily", channel="D0HOME", user="U0HOME",
                           response_url=mock.response_url("home-sub"), message={"ts": "1"})
        view = space.mock.wait("views.publish", 2, user_id="U0HOME")[-1]["view"]
        assert "*#3* every day at 09:00 (Asia/Tokyo) · all plans · next 30 days · in <@U0HOME>" in shown(view)
        # unsubscribe from App Home
        space.server.click("home_unsubscribe", "1", channel="D0HOME", user="U0HOME",
                           response_url=mock.response_url("home-unsub"), message={"ts": "1"})
        view = space.mock.wait("views.publish", 3, user_id="U0HOME")[-1]["view"]
        assert [b["value"] for b in buttons(view, "home_unsubscribe")] == ["3"]
        space.server.click("home_unsubscribe", "2", channel="D0HOME", user="U0HOME",  # not theirs
                           response_url=mock.response_url("home-unsub2"), message={"ts": "1"})
        space.mock.wait("views.publish", 4, user_id="U0HOME")
        assert space.app.state.digests.store.get(2).active

        clock.set(datetime(2018, 6, 11, 0, 0, 5, tzinfo=UTC))  # 09:00 in Tokyo
        assert space.scheduler().tick() == {3: "posted"}  # #2 (Berlin, made at noon) is not due till 09:00
        assert len(space.posts("U0HOME")) == 1 and not space.posts("C0HOMECH")
        clock.set(berlin(2018, 6, 11, 9, 0).astimezone(UTC))
        assert space.scheduler().tick() == {2: "posted"}  # #1 was stopped from App Home
    finally:
        space.stop()


def test_without_a_public_page_a_passage_opens_in_a_modal(indexed, mock, tmp_path, clock):
    space = Workspace(indexed, mock, tmp_path, clock)
    space.settings = space.settings.model_copy(update={"public_url": ""})
    server, _ = space.start()
    space.server = server
    try:
        view = open_home(space, "U0MODAL")
        first = buttons(view, "open_passage")[0]
        assert "url" not in first
        server.click("open_passage", first["value"], channel="D0HOME", user="U0MODAL",
                     response_url=mock.response_url("modal"), message={"ts": "1"})
        modal = mock.wait("views.open")[-1]
        assert modal["trigger_id"] == "1.2.3" and modal["view"]["type"] == "modal"
        section = open_records(indexed).section(first["value"])
        text = shown(modal["view"])
        assert section.text[:80] in text and first["value"] in text
    finally:
        space.stop()


def test_the_manifest_enables_app_home_and_the_digest_commands():
    from pathlib import Path

    import yaml

    manifest = yaml.safe_load((Path(__file__).parents[1] / "bots" / "slack_manifest.yaml").read_text())
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert "app_home_opened" in manifest["settings"]["event_subscriptions"]["bot_events"]
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"users:read", "chat:write", "chat:write.public", "commands"} <= scopes
    hint = manifest["features"]["slash_commands"][0]["usage_hint"]
    assert "subscribe [daily|weekly|monthly] [plan <name>] [driver <name>]" in hint and "unsubscribe <n>" in hint
