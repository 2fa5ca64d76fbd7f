"""Long list answers: each action number named once, no command in backticks, and the whole list
where each interface keeps it — the page's Browse view with the same filters (``meta["browse"]``),
Slack's link to it through PLANS_PUBLIC_URL (or `/plans actions`), `plans actions` on the command
line. A deadline window from ``as_of`` lists what the Browse view's "due within" lists: the same
rule (``indexer.records.due_date``, recurring items within their plan's period), the same count."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from bots.slack_render import MAX_ITEMS, Links, render_actions, render_answer
from indexer.records import ActionFilter, filter_actions, with_due
from tests.conftest import command_line
from tests.test_slack import texts

PUBLIC = "https://plans.example.org"
WINDOWS = [("2018-05-01", 60), ("2018-05-01", 90), ("2012-03-01", 90), ("2012-05-01", 365), ("2019-04-01", 60),
           ("2021-06-01", 365), ("2018-01-15", 30)]
_DUE = re.compile(r"^- \*\*(\S+) .*?\*\*: next due (\d{1,2} \w+ \d{4})")


@pytest.mark.parametrize(("day", "days"), WINDOWS)
def test_a_deadline_window_lists_what_browse_lists(assistant, day, days):
    as_of = date.fromisoformat(day)
    rows = with_due(assistant.records, filter_actions(assistant.records, ActionFilter(due_within=days, as_of=as_of)),
                    as_of)
    assert all(as_of <= due <= as_of + timedelta(days=days) for _, due in rows)  # the Due column agrees
    answer = assistant.ask(f"Which deadlines fall in the next {days} days?", as_of=as_of)
    if not rows:
        assert answer.answer.startswith(f"Nothing in the plans falls due in the next {days} days"), answer.answer
        return
    assert answer.answer.startswith(f"Due in the next {days} days"), answer.answer
    shown = [(m.group(1), m.group(2)) for line in answer.answer.splitlines() if (m := _DUE.match(line))]
    expected = {(a.number, due.strftime("%d %B %Y").lstrip("0")) for a, due in rows}
    assert shown and set(shown) <= expected
    assert answer.meta["count"] == len(rows) and answer.meta["more"] == len(rows) - len(shown)
    assert answer.meta["browse"] == {"due_within": days, "as_of": day}


def test_a_recurring_deadline_is_due_only_within_its_plan(assistant):
    """BSEC 2011-2013's "each semester" meetings fall due in 2012, not in 2018, in the answer and in Browse."""
    inside = assistant.ask("Which deadlines fall in the next 365 days?", as_of=date(2012, 5, 1))
    assert "BSEC" in " ".join(c.plan for c in inside.citations)
    after = filter_actions(assistant.records, ActionFilter(due_within=365, as_of=date(2018, 5, 1),
                                                           plan="bsec-plan-of-action-2011-2013"))
    assert after == []


def test_a_long_list_names_each_number_once_and_no_command(assistant):
    answer = assistant.ask("What is still seeking funding?", as_of=date(2018, 5, 1))
    last = answer.answer.splitlines()[-1]
    m = re.fullmatch(r"…and (\d+) more, numbered (.+)\.", last)
    assert m, last
    numbers = m.group(2).removesuffix(", …").split(", ")
    assert len(numbers) == len(set(numbers))
    assert "`" not in answer.answer and "plans actions" not in answer.answer
    seeking = filter_actions(assistant.records, ActionFilter(funding="seeking"))
    assert answer.meta["browse"] == {"funding": "seeking"} and answer.meta["count"] == len(seeking)
    assert answer.meta["more"] == int(m.group(1))


def test_slack_links_a_long_list_to_the_page_or_names_the_command(assistant):
    answer = assistant.ask("What is still seeking funding?")
    n = answer.meta["count"]
    linked = texts(render_answer(answer, Links(PUBLIC)).blocks)
    assert f"<{PUBLIC}/#browse?funding=seeking|See all {n} on the web page>" in linked
    plain = texts(render_answer(answer, Links("")).blocks)
    assert f"All {n}: `/plans actions funding:seeking`" in plain and "plans.example.org" not in plain
    wb = "wbcsci-integrative-plan-of-action-2018-2020"
    rows = with_due(assistant.records, filter_actions(assistant.records, ActionFilter(plan=wb)), date(2018, 5, 1))
    assert len(rows) > MAX_ITEMS  # `/plans actions plan:wbcsci` shows the first ones and links to all
    listing = texts(render_actions(f"{len(rows)} actions", rows, Links(PUBLIC), browse={"plan": wb}).blocks)
    assert f"<{PUBLIC}/#browse?plan={wb}|See all {len(rows)} on the web page>" in listing


def test_plans_ask_names_the_command_for_the_whole_list(real_index):
    with command_line(real_index) as plans:
        result = plans("ask", "What is still seeking funding?")
    assert result.exit_code == 0, result.output
    assert re.search(r"^All \d+ of them: plans actions --funding seeking$", result.stdout, re.M)
