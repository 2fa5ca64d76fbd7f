"""Slack digest subscriptions end to end: correctly signed `/plans subscribe|subscriptions|unsubscribe`
commands over real HTTP to the FastAPI app with the bolt app mounted, digests posted to the local mock
of the Slack Web API (tests.test_slack), the subscriptions and claimed runs in the data dir's SQLite,
and a fake clock driving the scheduler (``DigestScheduler.tick``; the APScheduler jobs call the same).

Each test gets its own copy of a fake-embedder index of the corpus (digests read only action records),
so its subscriptions and runs are its own."""

from __future__ import annotations

import shutil
import threading
import time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bots.digest_schedule import DigestScheduler, last_period
from indexer.embed import FakeEmbedder
from indexer.pipeline import run_index
from tests.conftest import CORPUS, make_settings
from tests.test_slack import PUBLIC, MockSlack, Server, slack_settings, texts

BERLIN = ZoneInfo("Europe/Berlin")
WBCSCI = "wbcsci-integrative-plan-of-action-2018-2020"
ECO = "eco-plan-of-action-transnational-organized-crime"


class FakeClock:
    """The scheduler's time, set by the test."""

    def __init__(self, when: datetime) -> None:
        self.now = when

    def __call__(self) -> datetime:
        return self.now

    def set(self, when: datetime) -> None:
        self.now = when


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


def fake_index(base):
    """Settings of the corpus copied to ``base`` and indexed with the fake embedder."""
    shutil.copytree(CORPUS, base / "corpus")
    settings = make_settings(base / "corpus", base / "data")
    run_index(settings, embedder=FakeEmbedder(), progress=False)
    return settings


@pytest.fixture(scope="module")
def indexed(tmp_path_factory):
    return fake_index(tmp_path_factory.mktemp("subs-index"))


@pytest.fixture(scope="module")
def mock():
    m = MockSlack()
    yield m
    m.server.shutdown()


class Workspace:
    """A private copy of the index (corpus and data dir) with the Slack app served over it; ``start()``
    builds another app over the same data dir, as a restarted or second process would."""

    def __init__(self, indexed, mock: MockSlack, base, clock: FakeClock) -> None:
        shutil.copytree(indexed.corpus_dir, base / "corpus")
        shutil.copytree(indexed.data_dir, base / "data")
        self.mock, self.clock = mock, clock
        self.settings = slack_settings(indexed, mock, base / "data", corpus_dir=base / "corpus",
                                       slack_timezone="Europe/Berlin")
        self.servers: list[Server] = []
        self.server, self.app = self.start()

    def start(self):
        from bots.web import create_app

        app = create_app(self.settings, warm_up=False, clock=self.clock)
        server = Server(app)
        self.servers.append(server)
        return server, app

    def scheduler(self, app=None) -> DigestScheduler:
        """The scheduler of an app (its digests, its Slack client) on the fake clock, not started."""
        app = app or self.app
        return DigestScheduler(app.state.digests.store, app.state.digests.deliverer(app.state.slack.client),
                               clock=self.clock)

    def command(self, text: str, *, channel: str, user: str = "U0ALICE") -> str:
        name = f"r{time.monotonic_ns()}"
        r = self.server.command(text, channel=channel, response_url=self.mock.response_url(name), user=user)
        assert r.status_code == 200, r.text
        if r.text:  # what cannot be read is answered in the acknowledgement itself
            return r.text
        return texts(self.mock.wait(f"/response/{name}")[0]["blocks"])

    def posts(self, channel: str) -> list[dict]:
        return self.mock.posts("chat.postMessage", channel=channel)

    def stop(self) -> None:
        for s in self.servers:
            s.stop()
        for app in (s.server.config.app for s in self.servers):
            app.state.digests.stop()


@pytest.fixture()
def clock():
    return FakeClock(datetime(2018, 5, 2, 8, 0, tzinfo=UTC))  # a Wednesday


@pytest.fixture()
def space(indexed, mock, tmp_path, clock):
    ws = Workspace(indexed, mock, tmp_path, clock)
    yield ws
    ws.stop()


def test_a_weekly_subscription_posts_once_a_week_at_nine_local_time(space, clock):
    said = space.command("subscribe weekly plan wbcsi 60d", channel="C0WEEKLY")
    assert "Taking “wbcsi” as WBCSCi 2018-2020." in said
    assert "Subscribed: digest #1, weekly on Monday at 09:00 (Europe/Berlin), first on Mon 07 May 2018 09:00" in said
    [sub] = space.app.state.digests.store.active()
    assert (sub.channel, sub.plan_id, sub.plan_typed, sub.tz, sub.within) == ("C0WEEKLY", WBCSCI, "wbcsi",
                                                                            "Europe/Berlin", 60)
    # the real APScheduler job is a cron on Mondays at 09:00 Berlin time
    running = space.app.state.digests.start(space.app.state.slack.client)
    next_run = running.jobs()["digest:1"].astimezone(BERLIN)
    assert (next_run.weekday(), next_run.hour, next_run.minute) == (0, 9, 0)
    assert running.caught_up.wait(10)
    space.app.state.digests.stop()

    sched = space.scheduler()
    for when, posted in ((berlin(2018, 5, 7, 8, 59), 0), (berlin(2018, 5, 7, 9, 0, 5), 1),
                         (berlin(2018, 5, 7, 9, 30), 1), (berlin(2018, 5, 13, 23, 59), 1),
                         (berlin(2018, 5, 14, 9, 0, 1), 2), (berlin(2018, 5, 14, 17, 0), 2)):
        clock.set(when.astimezone(UTC))
        sched.tick()
        assert len(space.posts("C0WEEKLY")) == posted, when
    first, second = space.posts("C0WEEKLY")
    shown = texts(first["blocks"])
    assert "Digest #1 · weekly on Monday at 09:00 (Europe/Berlin) · `/plans unsubscribe 1` stops it" in shown
    assert "*Deadlines digest for the WBCSCi 2018-2020 plan, as of 2018-05-07*" in shown
    assert "*Due in the next 60 days* (3):" in shown and "3.11* Provision of equipment" in shown
    assert "*Sources*" in shown and f"<{PUBLIC}/#section={WBCSCI}:0117|" in shown
    assert "No deadline, status, driver or funding changed since the last digest (of 2018-05-07)." in \
        texts(second["blocks"])
    runs = space.app.state.digests.store.runs(1)
    assert [(r["period"], r["status"]) for r in runs] == [("2018-05-07T09:00:00+02:00", "posted"),
                                                         ("2018-05-14T09:00:00+02:00", "posted")]


def test_a_restart_or_a_second_process_posts_nothing_twice(space, clock):
    space.command("subscribe weekly", channel="C0RESTART")
    clock.set(berlin(2018, 5, 7, 9, 0, 30).astimezone(UTC))
    assert space.scheduler().tick() == {1: "posted"}
    # the server restarts at 09:10: a new app over the same data dir, its scheduler started for real
    clock.set(berlin(2018, 5, 7, 9, 10).astimezone(UTC))
    _, restarted = space.start()
    caught_up = restarted.state.digests.start(restarted.state.slack.client).caught_up  # in its own thread
    assert caught_up.wait(10)
    assert restarted.state.digests.scheduler.tick() == {}
    assert len(space.posts("C0RESTART")) == 1
    # next Monday both processes run, at the same moment: one claim wins, one digest
    clock.set(berlin(2018, 5, 14, 9, 0, 2).astimezone(UTC))
    schedulers = [space.scheduler(), space.scheduler(restarted)] * 2
    gate = threading.Barrier(len(schedulers))
    results: list[dict] = []

    def run(s: DigestScheduler) -> None:
        gate.wait()
        results.append(s.tick())

    threads = [threading.Thread(target=run, args=(s,)) for s in schedulers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(map(len, results)) == [0, 0, 0, 1]
    assert len(space.posts("C0RESTART")) == 2
    assert [r["period"] for r in space.app.state.digests.store.runs(1)] == [
        "2018-05-07T09:00:00+02:00", "2018-05-14T09:00:00+02:00"]


def test_a_run_missed_while_the_server_was_down_posts_once_at_start_up(space, clock):
    space.command("subscribe weekly plan wbcsci", channel="C0MISSED")
    # no process runs on Monday 7 or Monday 14; one starts on Tuesday 15 at 10:00
    clock.set(berlin(2018, 5, 15, 10, 0).astimezone(UTC))
    _, later = space.start()
    assert later.state.digests.start(later.state.slack.client).caught_up.wait(30)
    assert later.state.digests.scheduler.tick() == {}
    [post] = space.posts("C0MISSED")
    assert "as of 2018-05-14" in texts(post["blocks"])  # the latest missed period, once
    clock.set(berlin(2018, 5, 21, 9, 0).astimezone(UTC))
    assert later.state.digests.scheduler.tick() == {1: "posted"}
    assert len(space.posts("C0MISSED")) == 2


def test_unsubscribe_stops_it(space, clock):
    space.command("subscribe weekly plan eco", channel="C0STOP")
    space.command("subscribe monthly", channel="C0OTHER", user="U0BOB")
    listed = space.command("subscriptions", channel="C0STOP")
    assert "*#1* weekly on Monday at 09:00 (Europe/Berlin) · ECO plan · next 30 days · in <#C0STOP>" in listed
    assert "#2" not in listed  # another channel's, made by someone else
    running = space.app.state.digests.start(space.app.state.slack.client)
    assert {"digest:1", "digest:2"} <= set(running.jobs())
    assert running.caught_up.wait(10)  # nothing was due yet
    clock.set(berlin(2018, 5, 7, 9, 1).astimezone(UTC))
    space.scheduler().tick()
    assert len(space.posts("C0STOP")) == 1
    refused = space.command("unsubscribe 1", channel="C0OTHER", user="U0BOB")
    assert "There is no digest #1 in this channel or of yours" in refused
    done = space.command("unsubscribe 1", channel="C0STOP")
    assert "Digest #1 (weekly on Monday at 09:00 (Europe/Berlin)) is stopped" in done
    assert "digest:1" not in running.jobs() and "digest:2" in running.jobs()
    space.app.state.digests.stop()
    clock.set(berlin(2018, 5, 14, 9, 1).astimezone(UTC))
    space.scheduler().tick()
    assert len(space.posts("C0STOP")) == 1
    assert "No digest is set up here" in space.command("subscriptions", channel="C0STOP")
    assert "There is no digest #1" in space.command("unsubscribe 1", channel="C0STOP")


def test_a_dm_digest_follows_the_users_time_zone_and_quiet_ones_stay_silent_when_empty(space, clock, mock):
    mock.user_tz["U0NY"] = "America/New_York"
    said = space.command("subscribe daily plan bsec 2021 quiet", channel="D0NYDM", user="U0NY")
    assert "every day at 09:00 (America/New_York)" in said and "an empty one posts nothing" in said
    space.command("subscribe daily plan bsec 2021", channel="D0NYDM", user="U0NY")
    clock.set(datetime(2018, 5, 2, 12, 59, tzinfo=UTC))  # 08:59 in New York (EDT), the day it was made
    assert space.scheduler().tick() == {}
    clock.set(datetime(2018, 5, 2, 13, 0, tzinfo=UTC))
    assert space.scheduler().tick() == {1: "silent", 2: "posted"}
    [post] = space.posts("D0NYDM")
    assert "Nothing due in the next 30 days (to 2018-06-01)." in texts(post["blocks"])


def test_a_refused_post_is_tried_again_unless_the_refusal_lasts(space, clock, mock):
    space.command("subscribe weekly", channel="C0BUSY")
    space.command("subscribe weekly", channel="C0GONE")
    mock.refuse.update({"C0BUSY": "ratelimited", "C0GONE": "channel_not_found"})
    clock.set(berlin(2018, 5, 7, 9, 0).astimezone(UTC))
    sched = space.scheduler()
    done = sched.tick()
    assert done[1].startswith("failed:") and done[2] == "refused: channel_not_found"
    del mock.refuse["C0BUSY"]
    clock.set(berlin(2018, 5, 7, 9, 1).astimezone(UTC))  # the minute's re-read tries again
    assert sched.tick() == {1: "posted"}
    assert len(space.posts("C0BUSY")) == 2  # the refused attempt and the post
    store = space.app.state.digests.store
    assert [r["status"] for r in store.runs(1)] == ["posted"]
    assert [r["status"] for r in store.runs(2)] == ["refused: channel_not_found"]
    mock.refuse.clear()


def test_bad_subscriptions_are_refused_with_a_sentence(space):
    assert "No plan matches 'atlantis'" in space.command("subscribe plan atlantis", channel="C0BAD")
    assert "'Mars/Olympus' is not a time zone" in space.command("subscribe tz Mars/Olympus", channel="C0BAD")
    assert "No action names 'Nobody Inc' among its drivers" in space.command('subscribe driver "Nobody Inc"',
                                                                             channel="C0BAD")
    assert "I do not understand 'fortnightly'" in space.command("subscribe fortnightly", channel="C0BAD")
    assert space.app.state.digests.store.active() == []


def test_the_plan_is_found_again_after_re_indexing_renamed_it(space, clock):
    space.command("subscribe weekly plan eco", channel="C0RENAME")
    corpus = space.settings.corpus_dir
    (corpus / f"{ECO}.txt").rename(corpus / "eco-plan-of-action-2026.txt")
    run_index(space.settings, embedder=FakeEmbedder(), progress=False)  # the server keeps running
    clock.set(berlin(2018, 5, 7, 9, 0).astimezone(UTC))
    assert space.scheduler().tick() == {1: "posted"}
    assert "*Deadlines digest for the ECO plan, as of 2018-05-07*" in texts(space.posts("C0RENAME")[0]["blocks"])
    sub = space.app.state.digests.store.get(1)
    assert (sub.plan_id, sub.plan_typed) == ("eco-plan-of-action-2026", "eco")


def test_periods_are_the_latest_scheduled_time_not_before_the_subscription():
    from bots.digest_store import Subscription

    sub = Subscription(channel="C1", user="U1", frequency="monthly", tz="Asia/Tokyo", within=30,
                       created=datetime(2018, 5, 2, tzinfo=UTC).isoformat())
    assert last_period(sub, datetime(2018, 5, 31, tzinfo=UTC)) is None
    june = last_period(sub, datetime(2018, 6, 20, tzinfo=UTC))
    assert june is not None and june.isoformat() == "2018-06-01T09:00:00+09:00"
