"""The deadlines digest over a real index of a temporary copy of the corpus (fake embedder: digests
read only the action records): what is due in the window and overdue, with the due dates every
interface uses, each line citing its passage; and change detection through `plans digest`: a plan's
deadline, drivers and actions edited in the corpus, re-indexed, and the next digest lists them."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from assistant.digest import DigestQuery, build_digest
from indexer.embed import FakeEmbedder
from indexer.pipeline import open_records, run_index
from indexer.records import ActionFilter, filter_actions, match_plan, plan_horizons, with_due
from plans.errors import InputError, NotFoundError
from tests.conftest import command_line

BSEC11 = "bsec-plan-of-action-2011-2013"
WBCSCI = "wbcsci-integrative-plan-of-action-2018-2020"
BSEC_FILE = "bsec-plan-of-action-2011-2013.txt"


@pytest.fixture()
def indexed(fake_settings):
    run_index(fake_settings, embedder=FakeEmbedder(), progress=False)
    return fake_settings


def digest_json(plans, *args: str) -> dict:
    result = plans("digest", "--json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_due_and_overdue_are_the_records_due_dates_and_every_line_cites(indexed):
    store = open_records(indexed)
    day = date(2018, 5, 1)
    digest = build_digest(store, DigestQuery(as_of=day, within=60))
    expected = {(a.id, d) for a, d in with_due(store, filter_actions(store, ActionFilter(due_within=60, as_of=day)),
                                               day)}
    assert {(i.action_id, i.date) for i in digest.due} == expected and len(expected) >= 3
    assert [i.date for i in digest.due] == sorted(i.date for i in digest.due)
    overdue = filter_actions(store, ActionFilter(overdue=True, as_of=day))
    assert {i.action_id for i in digest.overdue} == {a.id for a in overdue}
    ends = [i.date for i in digest.overdue]
    assert ends == sorted(ends, reverse=True)  # the most recently ended first
    # every line of the text names plan and action number and carries a citation of the action's passage
    lines = [x for x in digest.text.splitlines() if x.startswith("- ")]
    assert len(lines) == len(digest.due) + len(digest.overdue)
    by_n = {c.n: c for c in digest.citations}
    for item, text in zip([*digest.due, *digest.overdue], lines):
        assert f"**{item.plan_name} {item.number}**" in text
        n = int(re.search(r"\[(\d+)\]$", text).group(1))
        assert n == item.cite and by_n[n].section_id == item.section_id
        assert by_n[n].quote and by_n[n].line_start >= 1
    assert "_Changes to deadlines" in digest.text  # the first digest: nothing to compare with yet


def test_recurring_deadlines_stay_within_their_plans_period(indexed):
    store = open_records(indexed)
    inside = build_digest(store, DigestQuery(as_of=date(2012, 5, 1), within=60, plan=BSEC11))
    assert [(i.number, i.date) for i in inside.due] == [("A.1", date(2012, 6, 30))]  # each semester
    assert plan_horizons(store)[BSEC11].end == date(2013, 6, 30)
    after = build_digest(store, DigestQuery(as_of=date(2018, 5, 1), within=365, plan=BSEC11))
    assert after.due == () and "Nothing due in the next 365 days (to 2019-05-01)." in after.text


def test_filters_and_bad_input(indexed):
    store = open_records(indexed)
    digest = build_digest(store, DigestQuery(as_of=date(2018, 5, 1), within=60, driver="omik"))
    assert digest.due and all(any("omik" in d.lower() for d in i.drivers) for i in digest.due + digest.overdue)
    assert "driver omik" in digest.text.splitlines()[0]
    plan, note = match_plan(store, "WBCSI")
    assert plan.id == WBCSCI and note == "Taking “WBCSI” as WBCSCi 2018-2020."
    assert match_plan(store, "eco") == (store.plan("eco-plan-of-action-transnational-organized-crime"), None)
    with pytest.raises(NotFoundError, match="No plan matches 'space'"):
        match_plan(store, "space")
    with pytest.raises(InputError, match="within must be a number of days from 0 to 3660"):
        DigestQuery(as_of=date(2018, 5, 1), within=-1)
    with pytest.raises(InputError, match="funding must be one of"):
        DigestQuery(as_of=date(2018, 5, 1), funding="maybe")


def edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_edited_deadline_is_listed_as_changed_after_re_indexing(indexed):
    with command_line(indexed) as plans:
        first = digest_json(plans, "--as-of", "2012-03-01", "--within", "120", "--plan", "BSEC 2011")
        assert first["since"] is None and first["changed"] == []
        assert first["key"] == f"cli:{BSEC11}:*"
        assert ("C.1", "2012-04-30") in {(i["number"], i["date"]) for i in first["due"]}

        plan_file = indexed.corpus_dir / BSEC_FILE
        edit(plan_file, " - *Deadline:* April 2012.", " - *Deadline:* June 2012.")  # C.1's deadline
        edit(plan_file, " - Responsible: BSEC Working Group;\n - Deadline: End of 2012.",  # C.2's drivers
             " - Responsible: BSEC Working Group and Member States;\n - Deadline: End of 2012.")
        edit(plan_file, "- 2. Organizing workshops in the field of prevention and combating terrorism\n"
                        " - Responsible: Member States;\n", "")  # B.2 removed
        edit(plan_file, " - Starting: 2013.\n", " - Starting: 2013.\n\n- 4. Monitoring of the BSEC Action Plan\n"
                                                " - Responsible: Member States;\n - Deadline: End of 2013.\n")  # C.4
        summary = run_index(indexed, embedder=FakeEmbedder(), progress=False)
        assert summary.indexed == [BSEC_FILE]

        second = digest_json(plans, "--as-of", "2012-03-08", "--within", "120", "--plan", "BSEC 2011")
        third = plans("digest", "--as-of", "2012-03-15", "--within", "120", "--plan", "BSEC 2011")

    assert second["since"] == "2012-03-01"
    changed = {(i["number"], i["kind"]): i for i in second["changed"]}
    assert set(changed) == {("C.1", "changed"), ("C.2", "changed"), ("C.4", "new"), ("B.2", "removed")}
    c1 = changed["C.1", "changed"]
    deadline = next(c for c in c1["changes"] if c["field"] == "deadline")
    assert "April 2012" in deadline["before"] and "June 2012" in deadline["after"]
    assert changed["C.2", "changed"]["changes"] == [{"field": "drivers", "before": "BSEC Working Group",
                                                     "after": "BSEC Working Group, Member States"}]
    cites = {c["n"]: c for c in second["citations"]}
    assert cites[c1["cite"]]["section_id"] == c1["section_id"] and "June 2012" in cites[c1["cite"]]["quote"]
    assert changed["B.2", "removed"]["cite"] is None  # its passage is gone: the line says where it was
    text = second["text"]
    assert "**Changed since the last digest** (of 2012-03-01, 4):" in text
    assert re.search(r"- \*\*BSEC 2011-2013 C\.1\*\* .*: deadline April 2012\.? → June 2012\.? \[\d+\]", text)
    assert f"- removed: **BSEC 2011-2013 B.2** Organizing workshops in the field of prevention and combating " \
           f"terrorism (was at {BSEC_FILE}, lines" in text
    assert re.search(r"- new: \*\*BSEC 2011-2013 C\.4\*\* Monitoring of the BSEC Action Plan .*\[\d+\]", text)
    assert ("C.1", "2012-06-30") in {(i["number"], i["date"]) for i in second["due"]}  # the new date counts
    assert third.exit_code == 0, third.output
    assert "No deadline, status, driver or funding changed since the last digest (of 2012-03-08)." in third.stdout
    assert "Sources:\n[1] " in third.stdout and "; section bsec-plan-of-action-2011-2013:" in third.stdout


def test_plans_digest_says_bad_input_in_one_line(indexed):
    with command_line(indexed) as plans:
        for args, expected in ((("--as-of", "May 2018"), "--as-of must be a date like 2018-05-01"),
                               (("--within", "-3"), "within must be a number of days from 0 to 3660"),
                               (("--plan", "atlantis"), "No plan matches 'atlantis'")):
            result = plans("digest", *args)
            assert result.exit_code == 2, result.output
            assert expected in result.output and "Traceback" not in result.output
