"""The chat page in a real headless Chromium (Debian's ``chromium`` driven by Python playwright),
against uvicorn serving the real app on a free loopback port. Saves the README screenshots."""

from __future__ import annotations

import os
import re
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]
# the README's screenshots are rewritten only when asked (PLANS_UPDATE_SCREENSHOTS=1), so that
# `make test` leaves the work tree as it found it; otherwise they go to a temporary folder
DOCS = (Path(__file__).resolve().parents[1] / "docs" if os.environ.get("PLANS_UPDATE_SCREENSHOTS")
        else Path(tempfile.mkdtemp(prefix="plans-shots-")))
GOLD_Q = "Who is implementing the PAMECA V project in Albania?"
WAIT = 60_000  # ms: the first answer may wait for the model to warm up
HTML_ANSWER = ("The plan asks Member States to publish <script>alert(1)</script> and "
               "<img src=x onerror=alert(2)> warnings **by 2021** [1].\n- a <b>bold</b> claim [1]")


@contextmanager
def running(app) -> Iterator[str]:
    """uvicorn serving ``app`` on a free 127.0.0.1 port in a background thread; yields the URL."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed at /usr/bin/chromium, so the browser tests cannot run: "
                    "install it with `apt-get install -y chromium` (`make test` does when it can).")
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="the playwright package is missing: `pip install -e '.[dev]'`")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="module")
def site(real_index, assistant):
    from bots.web import create_app

    with running(create_app(real_index, assistant=assistant)) as url:
        yield url


class HtmlAnswerAssistant:
    """Answers every question with HTML in the text, citing a passage that holds a <script> tag;
    a question with "fail" in it raises, to show the error state."""

    def __init__(self, settings, records) -> None:
        self.settings, self.records = settings, records

    def ask(self, question, *, as_of=None, conversation_id=None, plan=None):
        from assistant.models import Answer, Citation
        from plans.errors import StoreError

        if "fail" in question:
            raise StoreError("The vector store cannot be reached: connection refused")
        s = self.records.section("xss-plan-of-action-2020:0001")
        cite = Citation(n=1, plan="XSS Plan of Action 2020-2021", section=" › ".join(s.heading_path), quote=s.text,
                        file=s.file, line_start=s.line_start, line_end=s.line_end, section_id=s.id)
        return Answer(answer=HTML_ANSWER, citations=(cite,), refused=False, route="content",
                      as_of=as_of or date.today(), conversation_id=conversation_id or "stub-conversation")


@pytest.fixture(scope="module")
def html_site(tmp_path_factory, embedder):
    from bots.web import create_app
    from indexer.pipeline import open_records
    from tests.test_web import xss_index

    settings = xss_index(tmp_path_factory.mktemp("xss"), embedder)
    bot = HtmlAnswerAssistant(settings, open_records(settings))
    with running(create_app(settings, assistant=bot)) as url:
        yield url


@pytest.fixture()
def desktop(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(WAIT)
    yield page
    context.close()


@pytest.fixture()
def phone(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(WAIT)
    yield page
    context.close()


def open_page(page, url: str) -> None:
    page.goto(url)
    page.locator("#plan option").nth(1).wait_for(state="attached")  # the plans have loaded


def ask(page, question: str) -> object:
    """Type a question, send it with Enter, and wait for the finished answer; returns its locator."""
    before = page.locator(".turn").count()
    page.fill("#question", question)
    page.press("#question", "Enter")
    answer = page.locator(".turn").nth(before).locator(".a")
    answer.locator(".meta").wait_for()  # rendered from the final `done` event
    return answer


def test_ask_a_gold_question_and_read_the_cited_passage(desktop, site):
    page = desktop
    open_page(page, site)
    assert page.locator(".starter").count() >= 4
    page.fill("#as-of", "2018-05-01")
    page.get_by_role("button", name="What does the ECO plan say about cybercrime?").click()
    first = page.locator(".turn").nth(0).locator(".a")
    first.locator(".meta").wait_for()
    assert first.locator(".cite").count() >= 1
    answer = ask(page, GOLD_Q)
    assert "Italian" in answer.inner_text() and "As of 2018-05-01" in answer.inner_text()
    cite = answer.locator(".md .cite").first
    assert cite.evaluate("el => el.tagName") == "BUTTON"  # reachable with Tab
    cite.click()
    panel = page.locator("#panel")
    panel.locator(".passage").wait_for()
    assert "PAMECA V" in panel.locator(".passage").inner_text()
    assert "1.2 Law enforcement and judiciary training" in panel.locator(".crumbs").inner_text()
    where = panel.locator(".file").inner_text()
    assert "wbcsci-integrative-plan-of-action-2018-2020.txt" in where and re.search(r"lines? \d+", where)
    assert panel.locator(".neighbour").count() == 2
    DOCS.mkdir(exist_ok=True)
    page.screenshot(path=str(DOCS / "screenshot-chat.png"))
    page.keyboard.press("Escape")
    assert panel.is_hidden()
    assert page.evaluate("document.activeElement.classList.contains('cite')")  # focus goes back


def test_keyboard_only_conversation_keeps_its_id(desktop, site):
    page = desktop
    open_page(page, site)
    page.focus("#question")
    page.keyboard.type(GOLD_Q)
    page.keyboard.press("Enter")
    first = page.locator(".turn").nth(0).locator(".a")
    first.locator(".meta").wait_for()
    ids = []
    page.on("request", lambda r: ids.append(r.post_data) if r.url.endswith("/api/ask/stream") else None)
    second = ask(page, "and who funds it?")
    assert "follow-up" in second.locator(".meta").inner_text()
    assert ids and '"conversation_id"' in ids[-1]
    page.focus("#question")
    for _ in range(40):  # Shift+Tab back from the question box reaches a citation
        page.keyboard.press("Shift+Tab")
        if page.evaluate("document.activeElement.matches('.cite, .source')"):
            break
    assert page.evaluate("document.activeElement.matches('.cite, .source')")
    page.keyboard.press("Enter")
    page.locator("#panel .passage").wait_for()
    page.keyboard.press("Escape")
    assert page.locator("#panel").is_hidden()


def test_actions_table_filtered_by_seeking_funding(desktop, site):
    from playwright.sync_api import expect

    page = desktop
    open_page(page, site)
    page.get_by_role("tab", name="Browse actions").click()
    rows = page.locator("#actions-table tbody tr")
    summary = page.locator("#actions-summary")
    expect(summary).to_have_text(re.compile(r"^\d+ actions"))
    everything = rows.count()
    before = summary.inner_text()
    page.select_option("#f-funding", "seeking")
    expect(summary).not_to_have_text(before)
    expect(summary).to_have_text(re.compile(r"^\d+ actions?"))
    n = rows.count()
    assert summary.inner_text().startswith(f"{n} action")
    assert 0 < n < everything
    badges = page.locator("#actions-table tbody .badge.f-seeking")
    assert badges.count() == n and set(badges.all_inner_texts()) == {"Seeking"}
    rows.first.get_by_role("button").click()
    page.locator("#panel .passage").wait_for()


def test_phone_width_answer_and_bottom_sheet(phone, site):
    page = phone
    open_page(page, site)
    answer = ask(page, GOLD_Q)
    answer.locator(".md .cite").first.click()
    panel = page.locator("#panel")
    panel.locator(".passage").wait_for()
    box = panel.bounding_box()
    assert box["width"] == 390 and abs(box["y"] + box["height"] - 844) < 2  # a sheet at the bottom
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing overflows sideways
    DOCS.mkdir(exist_ok=True)
    page.screenshot(path=str(DOCS / "screenshot-phone.png"))


def test_html_in_answers_and_passages_is_shown_as_text(desktop, html_site):
    page = desktop
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    open_page(page, html_site)
    answer = ask(page, "What will they publish?")
    text = answer.locator(".md").inner_text()
    assert "<script>alert(1)</script>" in text and "<img src=x onerror=alert(2)>" in text and "<b>bold</b>" in text
    assert answer.locator("script, img, b").count() == 0
    assert answer.locator("strong").inner_text() == "by 2021"  # markdown still applies, after escaping
    answer.locator(".md .cite").first.click()
    passage = page.locator("#panel .passage")
    passage.wait_for()
    assert "<script>alert(1)</script>" in passage.inner_text()
    assert page.locator("#panel script, #panel img").count() == 0
    page.wait_for_timeout(300)
    assert dialogs == []


def test_errors_are_shown(desktop, html_site):
    page = desktop
    open_page(page, html_site)
    page.fill("#question", "please fail")
    page.press("#question", "Enter")
    alert = page.locator(".a.error [role=alert]")
    alert.wait_for()
    assert "connection refused" in alert.inner_text()
    assert page.locator("#send").is_enabled()


def test_a_passage_link_opens_the_passage(desktop, site):
    """Slack's source links point at <page>/#section=<id>; the page opens that passage."""
    page = desktop
    section_id = "wbcsci-integrative-plan-of-action-2018-2020:0001"
    page.goto(f"{site}#section={section_id}")
    passage = page.locator("#panel .passage")
    passage.wait_for()
    assert passage.inner_text().strip()
    assert page.locator("#panel").is_visible()


@pytest.fixture(scope="module")
def deadline_site(tmp_path_factory):
    """The page over a fake-embedder index of the corpus, no assistant: the Deadlines view reads only
    the action records (/api/plans, /api/digest, /api/deadlines.ics)."""
    import shutil

    from bots.web import create_app
    from indexer.embed import FakeEmbedder
    from indexer.pipeline import run_index
    from tests.conftest import CORPUS, make_settings

    base = tmp_path_factory.mktemp("deadlines-page")
    shutil.copytree(CORPUS, base / "corpus")
    settings = make_settings(base / "corpus", base / "data")
    run_index(settings, embedder=FakeEmbedder(), progress=False)
    with running(create_app(settings, warm_up=False)) as url:
        yield url


def test_the_deadlines_view_lists_due_and_overdue_and_links_the_calendar_feed(desktop, deadline_site):
    from icalendar import Calendar
    from playwright.sync_api import expect

    page = desktop
    open_page(page, deadline_site)
    page.fill("#as-of", "2018-05-01")
    page.get_by_role("tab", name="Deadlines").click()
    summary = page.locator("#d-summary")
    expect(summary).to_have_text(re.compile(r"^Nothing due in the next 30 days \(to 2018-05-31\); 9 overdue"))
    page.select_option("#d-within", "60")
    expect(summary).to_have_text("3 due in the next 60 days (to 2018-06-30); 9 overdue (past their end date, "
                                 "not marked done), as of 2018-05-01.")
    due = page.locator("#d-due tbody tr")
    assert due.count() == 3 and page.locator("#d-overdue tbody tr").count() == 9
    assert "Provision of equipment" in due.nth(2).inner_text() and "2018-06-30" in due.nth(2).inner_text()
    link = page.locator("#d-calendar")
    assert link.get_attribute("href") == deadline_site.replace("http://", "webcal://") + "/api/deadlines.ics"
    DOCS.mkdir(exist_ok=True)
    page.screenshot(path=str(DOCS / "screenshot-deadlines.png"))
    # the feed's address follows the filters, and the feed behind it holds only what they keep
    page.select_option("#d-plan", "wbcsci-integrative-plan-of-action-2018-2020")
    page.select_option("#d-funding", "seeking")
    expect(summary).to_have_text(re.compile(r"^Nothing due in the next 60 days .*; 1 overdue"))
    address = page.locator("#d-calendar-url").input_value()
    assert address == (f"{deadline_site}/api/deadlines.ics?plan=wbcsci-integrative-plan-of-action-2018-2020"
                       "&funding=seeking")
    assert link.get_attribute("href") == address.replace("http://", "webcal://")
    feed = page.request.get(address)
    assert feed.ok and feed.headers["content-type"].startswith("text/calendar")
    events = list(Calendar.from_ical(feed.body()).walk("VEVENT"))
    assert events and all(str(e.get("summary")).startswith("WBCSCi 2018-2020 ") for e in events)
    assert all("funding seeking" in e.get("categories").to_ical().decode() for e in events)
    # each action opens its passage
    page.locator("#d-overdue tbody tr").first.get_by_role("button", name=re.compile("^Read the passage")).click()
    page.locator("#panel .passage").wait_for()
    assert page.locator("#panel .file").inner_text().startswith("wbcsci-integrative-plan-of-action-2018-2020.txt")
    page.fill("#d-driver", "nobody at all")
    page.press("#d-driver", "Enter")
    expect(summary).to_have_text(re.compile(r"^Nothing due in the next 60 days \(to 2018-06-30\), as of 2018-05-01"))
    assert page.locator("#d-due").is_hidden() and page.locator("#d-overdue").is_hidden()


# --- issue 14: the starters, follow-ups, Browse and errors, at desktop and phone width -----------------

SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(params=list(SIZES))
def sized(request, browser):
    """A page at desktop (1280 px) and at phone (390 px) width; yields (page, width)."""
    size = SIZES[request.param]
    context = browser.new_context(viewport=size, **({"device_scale_factor": 2, "has_touch": True}
                                                    if size["width"] < 720 else {}))
    page = context.new_page()
    page.set_default_timeout(WAIT)
    yield page, size["width"]
    context.close()


def shot(page, name: str, width: int) -> None:
    DOCS.mkdir(exist_ok=True)
    page.screenshot(path=str(DOCS / f"screenshot-{name}-{width}.png"))


def test_every_starter_question_answers(sized, site):
    page, width = sized
    open_page(page, site)
    starters = page.locator(".starter")
    n = starters.count()
    assert n >= 5
    for i in range(n):
        if page.locator("#welcome").is_hidden():
            page.get_by_role("button", name="New conversation").click()
        question = starters.nth(i).inner_text()
        starters.nth(i).click()
        answer = page.locator(".turn").last.locator(".a")
        answer.locator(".meta").wait_for()
        text = answer.locator(".md").inner_text()
        assert "refused" not in (answer.get_attribute("class") or ""), (question, text)
        assert not text.startswith(("The plans do not say", "Nothing in the plans")), (question, text)
        assert answer.locator(".cite").count() >= 1, question
        assert "`" not in text, question  # commands are shown as code, not as raw backticks
    shot(page, "starters", width)


def test_follow_ups_narrow_to_the_asked_fact(sized, site):
    page, width = sized
    open_page(page, site)
    first = ask(page, "Who drives 3.2 in the Western Balkan plan?")
    assert "CoE" in first.inner_text()
    funds = ask(page, "and who funds it?").locator(".md").inner_text()
    ends = ask(page, "and when does it end?").locator(".md").inner_text()
    assert funds.startswith("3.2 is funded by IPA II 2014") and "CoE" not in funds and "Outputs" not in funds
    assert ends.startswith("3.2 ended on 14 June 2019") and "IPA" not in ends and "CoE" not in ends
    # a cited table row opens as a small table: its cells under their column names, several as a list
    page.locator(".turn").last.locator(".md .cite").first.click()
    table = page.locator("#panel .row-table")
    table.first.wait_for()
    heads = table.first.locator("th").all_inner_texts()
    assert [h.lower() for h in heads[:2]] == ["need", "action"] and "DRIVERS" in [h.upper() for h in heads]
    assert "3.2 Improved/establish public reporting systems" in table.first.inner_text()
    assert page.locator("#panel .as-written").count() == 1  # the row as written, a click away
    shot(page, "follow-ups", width)


def test_browse_agrees_with_the_due_column_the_api_and_the_assistant(sized, site):
    from playwright.sync_api import expect

    page, width = sized
    open_page(page, site)
    page.fill("#as-of", "2018-05-01")
    answer = ask(page, "Which deadlines fall in the next 60 days?")
    assert answer.locator(".md").inner_text().startswith("Due in the next 60 days (2018-05-01 to 2018-06-30)")
    listed = answer.locator(".md li").count()
    api = page.request.get(f"{site}/api/actions?due_within=60&as_of=2018-05-01").json()
    assert api["count"] == listed + int((re.search(r"\((\d+) more\)", answer.inner_text()) or [0, 0])[1])
    # the same list in Browse: its Due column within the window, as many rows as the API gives
    page.fill("#question", "")
    page.get_by_role("tab", name="Browse actions").click()
    page.select_option("#f-due", "60")
    summary = page.locator("#actions-summary")
    expect(summary).to_have_text(re.compile(rf"^{api['count']} actions? \(as of 2018-05-01\)"))
    dues = page.locator("#actions-table tbody td[data-label=Due]").all_inner_texts()
    assert len(dues) == api["count"] and all("2018-05-01" <= d <= "2018-06-30" for d in dues), dues
    # the header's Plan selector filters Browse
    page.select_option("#f-due", "")
    page.select_option("#plan", "wbcsci-integrative-plan-of-action-2018-2020")
    expect(summary).to_have_text(re.compile(r"^\d+ actions"))
    plans = set(page.locator("#actions-table tbody td.plan").all_inner_texts())
    assert plans == {"WBCSCi 2018-2020"}
    # rows sharing a number tell themselves apart by their activity text
    number = page.locator("td[data-label='No.']", has_text=re.compile(r"^3\.1$"))
    rows = page.locator("#actions-table tbody tr", has=number)
    assert rows.count() >= 2
    activities = rows.locator(".activity").all_inner_texts()
    assert len(activities) == rows.count() and len(set(activities)) == len(activities)
    # a passage opened from a row does not cover the filters, and closes when the view changes
    rows.first.get_by_role("button", name=re.compile("^Read the passage")).click()
    panel = page.locator("#panel")
    panel.locator(".passage").wait_for()
    if width < 720:  # the filters stay in view, and the sheet stops below them
        filters = page.locator("#filters").bounding_box()
        assert filters["y"] >= 0 and panel.bounding_box()["y"] >= filters["y"] + filters["height"] - 1
    for control in ("#f-driver", "#f-funding", "#f-due", "#f-overdue"):
        page.locator(control).click(trial=True)  # reachable: nothing covers it
    page.locator("#f-funding").select_option("seeking")  # the filters stay usable with the panel open
    expect(summary).not_to_have_text(re.compile(r"^0 "))
    shot(page, "browse", width)
    page.get_by_role("tab", name="Ask").click()
    expect(panel).to_be_hidden()


def test_a_long_list_links_to_browse_with_its_filters(sized, site):
    from playwright.sync_api import expect

    page, width = sized
    open_page(page, site)
    answer = ask(page, "What is still seeking funding?")
    text = answer.locator(".md").inner_text()
    more = re.search(r"…and (\d+) more, numbered (.+)\.$", text)
    assert more and "plans actions" not in text and "`" not in text
    numbers = more.group(2).split(", ")
    assert len(numbers) == len(set(numbers))  # each number once
    answer.get_by_role("button", name=re.compile(r"^Show all \d+ in Browse actions$")).click()
    expect(page.locator("#view-browse")).to_be_visible()
    assert page.locator("#f-funding").input_value() == "seeking"
    total = int(re.search(r"Show all (\d+)", answer.locator(".see-all").inner_text()).group(1))
    expect(page.locator("#actions-summary")).to_have_text(re.compile(rf"^{total} actions"))
    page.goto(f"{site}/#browse?funding=available&due_within=45&as_of=2018-05-01")  # a link from Slack
    expect(page.locator("#actions-summary")).to_have_text(re.compile(r"\(as of 2018-05-01\)"))
    assert page.locator("#f-due").input_value() == "45" and page.locator("#f-funding").input_value() == "available"


def test_a_network_failure_keeps_the_question_and_offers_a_retry(sized, site):
    page, width = sized
    open_page(page, site)
    # the hint says the window deadline answers use when none is asked for
    hint = page.locator("#as-of-hint").text_content()
    window = re.search(r"next (\d+) days", hint)
    coming = ask(page, "Which deadlines are coming up?").locator(".md").inner_text()
    assert window and f"next {window.group(1)} days" in coming.splitlines()[0]
    page.route("**/api/ask/stream", lambda route: route.abort("internetdisconnected"))
    page.fill("#question", "Who drives 3.2 in the Western Balkan plan?")
    page.press("#question", "Enter")
    alert = page.locator(".a.error [role=alert]")
    alert.wait_for()
    assert "Could not reach the server" in alert.inner_text() and "still in the box" in alert.inner_text()
    assert page.locator("#question").input_value() == "Who drives 3.2 in the Western Balkan plan?"
    shot(page, "error", width)
    page.unroute("**/api/ask/stream")
    page.get_by_role("button", name="Try again").click()
    answer = page.locator(".turn").last.locator(".a")
    answer.locator(".meta").wait_for()
    assert "CoE" in answer.inner_text() and page.locator(".a.error").count() == 0
    assert page.locator("#question").input_value() == ""  # answered: the box is free again
