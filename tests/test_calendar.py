"""The calendar feed and the digest over real HTTP (uvicorn on a free port, the real FastAPI app) on an
index of a copy of the corpus (fake embedder: the feed reads only action records). The feed is parsed
back with icalendar and holds the expected events for a fixed as_of."""

from __future__ import annotations

import shutil
from datetime import date, timedelta

import pytest
from icalendar import Calendar

from indexer.embed import FakeEmbedder
from indexer.pipeline import open_records, run_index
from indexer.records import ActionFilter, filter_actions
from tests.conftest import CORPUS, LiveServer, make_settings

BSEC11 = "bsec-plan-of-action-2011-2013"
WBCSCI = "wbcsci-integrative-plan-of-action-2018-2020"
PUBLIC = "https://plans.example.org"


@pytest.fixture(scope="module")
def indexed(tmp_path_factory):
    base = tmp_path_factory.mktemp("ics")
    shutil.copytree(CORPUS, base / "corpus")
    settings = make_settings(base / "corpus", base / "data")
    run_index(settings, embedder=FakeEmbedder(), progress=False)
    return settings


@pytest.fixture(scope="module")
def server(indexed):
    from bots.web import create_app

    live = LiveServer(create_app(indexed, warm_up=False))  # no assistant: these routes read the records only
    yield live
    live.stop()


def feed(server, **params) -> tuple[list, object]:
    r = server.http.get("/api/deadlines.ics", params=params)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/calendar")
    cal = Calendar.from_ical(r.content)
    return list(cal.walk("VEVENT")), cal


def by_summary(events, text: str) -> list:
    return sorted((e for e in events if text in str(e.get("summary"))), key=lambda e: e.get("dtstart").dt)


def test_the_feed_parses_back_with_one_event_per_end_date_and_recurrence(server, indexed):
    events, cal = feed(server, as_of="2018-05-01")
    assert str(cal.get("x-wr-calname")) == "Plans of action: deadlines" and str(cal.get("version")) == "2.0"
    uids = [str(e.get("uid")) for e in events]
    assert len(uids) == len(set(uids)) and len(events) > 40
    # recurrences stay within their plan's period (BSEC 2011-2013 runs July 2011 to June 2013)
    semester = by_summary(events, "BSEC 2011-2013 A.1:")
    assert [e.get("dtstart").dt for e in semester] == [date(2011, 12, 31), date(2012, 6, 30), date(2012, 12, 31),
                                                      date(2013, 6, 30)]
    assert "(each semester)" in str(semester[0].get("summary"))
    july = by_summary(events, "BSEC 2011-2013 A.2:")
    assert [e.get("dtstart").dt for e in july] == [date(2011, 7, 31), date(2012, 7, 31)]
    # an end date: one all-day event, with the action, its drivers and a link to its passage
    [equipment] = by_summary(events, "WBCSCi 2018-2020 3.11: Provision of equipment")
    assert equipment.get("dtstart").dt == date(2018, 6, 30) and equipment.get("dtend").dt == date(2018, 7, 1)
    assert equipment.get("uid") == f"{WBCSCI}:3.11/2018-06-30@plans"
    description = str(equipment.get("description"))
    assert "Drivers: OMiK" in description and "Timeline: June 2018" in description
    assert f"({WBCSCI}.txt, line 392)" in description
    assert str(equipment.get("url")) == f"{server.url}/#section={WBCSCI}:0117"  # the request's base
    # every action with an end date and no recurrence has exactly one event, on its end date
    store = open_records(indexed)
    for a in store.actions():
        if a.end and not a.recurrence and a.status != "permanent":
            days = [e.get("dtstart").dt for e in events if str(e.get("uid")).startswith(f"{a.id}/")]
            assert days == [a.end], a.id
        if not a.end and not a.recurrence:
            assert not any(str(e.get("uid")).startswith(f"{a.id}/") for e in events), a.id


def test_the_feed_filters_by_plan_driver_and_funding(server, indexed):
    events, cal = feed(server, plan="bsec 2011")
    assert events and all(str(e.get("summary")).startswith("BSEC 2011-2013 ") for e in events)
    assert str(cal.get("x-wr-calname")) == "Plans of action: deadlines (BSEC 2011-2013)"
    seeking, _ = feed(server, funding="seeking")
    assert seeking and all("funding seeking" in e.get("categories").to_ical().decode() for e in seeking)
    store = open_records(indexed)
    omik = {a.id for a in filter_actions(store, ActionFilter(driver="omik"))}
    events, _ = feed(server, driver="omik")
    assert events and {str(e.get("uid")).split("/")[0] for e in events} <= omik


def test_passage_links_use_the_public_url_when_set(indexed):
    from bots.web import create_app

    live = LiveServer(create_app(indexed.model_copy(update={"public_url": PUBLIC + "/"}), warm_up=False))
    try:
        events, _ = feed(live, plan=WBCSCI)
    finally:
        live.stop()
    assert all(str(e.get("url")).startswith(f"{PUBLIC}/#section={WBCSCI}:") for e in events)


def test_the_digest_as_json_cites_each_item(server, indexed):
    r = server.http.get("/api/digest", params={"as_of": "2018-05-01", "within": 60})
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["as_of"], body["within"], body["until"]) == ("2018-05-01", 60, "2018-06-30")
    store = open_records(indexed)
    due = filter_actions(store, ActionFilter(due_within=60, as_of=date(2018, 5, 1)))
    assert {i["action_id"] for i in body["due"]} == {a.id for a in due} and body["counts"]["due"] == len(due)
    overdue = filter_actions(store, ActionFilter(overdue=True, as_of=date(2018, 5, 1)))
    assert {i["action_id"] for i in body["overdue"]} == {a.id for a in overdue}
    cites = {c["n"]: c for c in body["citations"]}
    for item in body["due"] + body["overdue"]:
        assert cites[item["cite"]]["section_id"] == item["section_id"]
    assert "changed" not in body and "Changes" not in body["text"]
    one = server.http.get("/api/digest", params={"as_of": "2012-05-01", "within": 60, "plan": BSEC11}).json()
    assert [(i["number"], i["date"]) for i in one["due"]] == [("A.1", "2012-06-30")]
    assert one["plan_name"] == "BSEC 2011-2013"


@pytest.mark.parametrize(("path", "params", "status", "sentence"), [
    ("/api/deadlines.ics", {"funding": "maybe"}, 422, "funding must be one of available, seeking"),
    ("/api/deadlines.ics", {"plan": "atlantis"}, 404, "No plan matches 'atlantis'"),
    ("/api/deadlines.ics", {"as_of": "May 2018"}, 422, "as_of must be a date like 2018-05-01"),
    ("/api/digest", {"within": "-1"}, 422, "within must be a number of days from 0 to 3660"),
    ("/api/digest", {"within": "lots"}, 422, "within: Input should be a valid integer"),
    ("/api/digest", {"plan": "BSEC"}, 422, "matches several plans"),
])
def test_bad_query_parameters_get_a_sentence(server, path, params, status, sentence):
    r = server.http.get(path, params=params)
    assert r.status_code == status, r.text
    body = r.json()
    assert sentence in body["error"] and set(body) == {"error", "detail"}


def test_an_open_recurrence_runs_two_years_past_as_of(tmp_path):
    from bots.ics import occurrences
    from indexer.models import Action

    monthly = Action(id="p:1", plan="p", number="1", need="", title="Monthly report", text="", drivers=(),
                     status="unknown", timeline="each month", start=None, end=None, precision=None,
                     recurrence="each month", funding="", funding_status="unknown", amounts=(), section_id="p:0001",
                     file="p.txt", line_start=1, line_end=1)
    days = [o.day for o in occurrences(monthly, None, as_of=date(2026, 1, 15))]
    assert days[0] == date(2026, 1, 31) and len(days) == 24 and days[-1] <= date(2026, 1, 15) + timedelta(days=730)
