"""Timeline parsing: every STATUS / TIMELINE and Deadline form found in the corpus."""

from __future__ import annotations

from datetime import date

import pytest

from indexer.dates import Timeline, next_due, parse_status, parse_timeline
from indexer.models import DateRange

D = date

# text -> (start, end, precision, status)
FORMS = {
    "1.1.2018-31.12.2019": (D(2018, 1, 1), D(2019, 12, 31), "day", "unknown"),
    "Ongoing 1.1.2018- 31.12.2019": (D(2018, 1, 1), D(2019, 12, 31), "day", "ongoing"),
    "Ongoing (1.1.17-30.9.19)": (D(2017, 1, 1), D(2019, 9, 30), "day", "ongoing"),
    "31.12.17 – 31.12.19": (D(2017, 12, 31), D(2019, 12, 31), "day", "unknown"),
    "Ongoing 31.12.17 – 31.12.19": (D(2017, 12, 31), D(2019, 12, 31), "day", "ongoing"),
    "ongoing 1 Jan 18 – 31 Dec 19": (D(2018, 1, 1), D(2019, 12, 31), "day", "ongoing"),
    "Ongoing 15.12.2015-14.6.2019-": (D(2015, 12, 15), D(2019, 6, 14), "day", "ongoing"),
    "Ongoing 15.12.2015- 14.6.2019": (D(2015, 12, 15), D(2019, 6, 14), "day", "ongoing"),
    "Planned (June 2018)": (D(2018, 6, 1), D(2018, 6, 30), "month", "planned"),
    "Q2-3 2018": (D(2018, 4, 1), D(2018, 9, 30), "quarter", "unknown"),
    "Foreseen 2019": (D(2019, 1, 1), D(2019, 12, 31), "year", "foreseen"),
    "Foreseen 2018-2020": (D(2018, 1, 1), D(2020, 12, 31), "year", "foreseen"),
    "Sep-Oct 2018": (D(2018, 9, 1), D(2018, 10, 31), "month", "unknown"),
    "April 2012": (D(2012, 4, 1), D(2012, 4, 30), "month", "unknown"),
    "End of 2012": (None, D(2012, 12, 31), "year", "unknown"),
    "Starting: 2013": (D(2013, 1, 1), None, "year", "unknown"),
    "ongoing (20 Apr 2017 -) 40 months": (D(2017, 4, 20), D(2020, 8, 20), "day", "ongoing"),
    "Foreseen (June 2019 – end 2020)": (D(2019, 6, 1), D(2020, 12, 31), "year", "foreseen"),
    "May 2017 – April 2019": (D(2017, 5, 1), D(2019, 4, 30), "month", "unknown"),
    "WINPRO III (2016-Dec 2018)": (D(2016, 1, 1), D(2018, 12, 31), "year", "unknown"),
    "Foreseen; 2 years duration; tentative start 1.4. 2018":
        (D(2018, 4, 1), D(2020, 3, 31), "day", "foreseen"),
    "Ongoing 1.9. 2017 – 1.4. 2018": (D(2017, 9, 1), D(2018, 4, 1), "day", "ongoing"),
    "Done (9-10 Nov 2017)": (D(2017, 11, 9), D(2017, 11, 10), "day", "done"),
    "Ongoing (8.9.17 – 31.12.19)": (D(2017, 9, 8), D(2019, 12, 31), "day", "ongoing"),
    "Needs assessment foreseen in June 2018": (D(2018, 6, 1), D(2018, 6, 30), "month", "foreseen"),
    "Foreseen for 2018-2019": (D(2018, 1, 1), D(2019, 12, 31), "year", "foreseen"),
    "Nov 2018": (D(2018, 11, 1), D(2018, 11, 30), "month", "unknown"),
    "Mar 2018": (D(2018, 3, 1), D(2018, 3, 31), "month", "unknown"),
    "Ongoing Mar 2018": (D(2018, 3, 1), D(2018, 3, 31), "month", "ongoing"),
    "Feb 2018 available": (D(2018, 2, 1), D(2018, 2, 28), "month", "unknown"),
    "Foreseen 2019 Nov 2018 June 2018": (D(2018, 6, 1), D(2019, 12, 31), "year", "foreseen"),
    "2018": (D(2018, 1, 1), D(2018, 12, 31), "year", "unknown"),
    "Ongoing 2017-2018": (D(2017, 1, 1), D(2018, 12, 31), "year", "ongoing"),
    "Ongoing (2017-2018)": (D(2017, 1, 1), D(2018, 12, 31), "year", "ongoing"),
    "Planned 2018-2020": (D(2018, 1, 1), D(2020, 12, 31), "year", "planned"),
    "Ongoing": (None, None, None, "ongoing"),
    "": (None, None, None, "unknown"),
    "Delivery planned in Q2-3 2018.": (D(2018, 4, 1), D(2018, 9, 30), "quarter", "planned"),
    "next one to be finalized by July 2018": (None, D(2018, 7, 31), "month", "unknown"),
}


@pytest.mark.parametrize("text", list(FORMS))
def test_corpus_forms(text: str) -> None:
    start, end, precision, status = FORMS[text]
    t = parse_timeline(text)
    assert isinstance(t, Timeline)
    assert (t.range.start, t.range.end, t.range.precision) == (start, end, precision)
    assert t.status == status
    assert not t.range.permanent and t.range.recurrence is None


def test_text_is_whitespace_folded() -> None:
    t = parse_timeline("  Ongoing\t1.1.2018-\n 31.12.2019 ")
    assert t.text == "Ongoing 1.1.2018- 31.12.2019"


def test_separate_mentions_in_order() -> None:
    t = parse_timeline("Foreseen 2019 Nov 2018 June 2018")
    assert t.dates == (
        DateRange(D(2019, 1, 1), D(2019, 12, 31), "year"),
        DateRange(D(2018, 11, 1), D(2018, 11, 30), "month"),
        DateRange(D(2018, 6, 1), D(2018, 6, 30), "month"),
    )


def test_one_range_is_one_mention() -> None:
    assert parse_timeline("Ongoing 15.12.2015-14.6.2019-").dates == (
        DateRange(D(2015, 12, 15), D(2019, 6, 14), "day"),)
    assert len(parse_timeline("Sep-Oct 2018 Dec 2018").dates) == 2


def test_recurrences_and_permanent() -> None:
    sem = parse_timeline("Each semester, organizing back-to-back meetings of the Network")
    assert sem.range == DateRange(recurrence="each semester")
    assert sem.dates == (DateRange(recurrence="each semester"),)
    july = parse_timeline("Each July following the year to evaluate")
    assert july.range.recurrence == "annual (July)"
    assert (july.range.start, july.range.end) == (None, None)
    perm = parse_timeline("Permanent")
    assert perm.range.permanent and perm.status == "permanent"
    assert (perm.range.start, perm.range.end) == (None, None)


@pytest.mark.parametrize("text", [
    'IPB II 2017 strand "Countering Serious Crime in WB"',
    "IPA II 2014",
    "IPA II 2017",
    'IPAI/2017 strand "Building Regional Anti-Money Laundering and Counter-Financing"',
    'IPAI 2017 strand "Countering Serious Crime in WB"',
    'IPAI12017 strand "Pilot project to deploy Europol Liaison Officers in the WB"',
    "Strand of the IPA II 2017 Multi-Country Action",
    "IPA 2017/039-402.09/MC/Security Governance",
])
def test_programme_years_are_not_dates(text: str) -> None:
    t = parse_timeline(text)
    assert t.dates == ()
    assert t.range == DateRange()


def test_programme_year_beside_a_real_date() -> None:
    t = parse_timeline('IPB II 2017 strand "Countering Serious Crime in WB" Ongoing 2018')
    assert t.status == "ongoing"
    assert t.dates == (DateRange(D(2018, 1, 1), D(2018, 12, 31), "year"),)


def test_context_year_for_a_month_without_year() -> None:
    assert parse_timeline("by July").range == DateRange()
    assert parse_timeline("by July", context_year=2012).range == DateRange(
        None, D(2012, 7, 31), "month")


@pytest.mark.parametrize(("text", "status"), [
    ("Being planned", "planned"),
    ("Requested by Albania", "requested"),
    ("Done (9-10 Nov 2017)", "done"),
    ("Permanent", "permanent"),
    ("Deadline: Permanent.", "permanent"),
    ("tentative start 1.4. 2018", "foreseen"),
    ("Foreseen", "foreseen"),
    ("initiated", "initiated"),
    ("initiated foreseen", "initiated"),
    ("ongoing Planned 2018", "ongoing"),
    ("Ongoing available", "ongoing"),
    ("planned", "planned"),
    ("Each semester", "unknown"),
    ("", "unknown"),
    ("lorem ipsum", "unknown"),
])
def test_parse_status(text: str, status: str) -> None:
    assert parse_status(text) == status


def test_next_due_annual_july() -> None:
    r = parse_timeline("Each July following the year to evaluate").range
    assert next_due(r, D(2012, 3, 1)) == D(2012, 7, 31)
    assert next_due(r, D(2012, 7, 31)) == D(2012, 7, 31)
    assert next_due(r, D(2012, 8, 1)) == D(2013, 7, 31)


def test_next_due_semester() -> None:
    r = parse_timeline("Each semester").range
    assert next_due(r, D(2012, 3, 1)) == D(2012, 6, 30)
    assert next_due(r, D(2012, 7, 1)) == D(2012, 12, 31)


def test_next_due_ranges() -> None:
    r = parse_timeline("Ongoing 15.12.2015-14.6.2019-").range
    assert next_due(r, D(2018, 5, 1)) == D(2019, 6, 14)
    assert next_due(r, D(2019, 6, 14)) == D(2019, 6, 14)
    assert next_due(r, D(2019, 6, 15)) is None
    assert next_due(parse_timeline("End of 2012").range, D(2012, 3, 1)) == D(2012, 12, 31)
    assert next_due(parse_timeline("April 2012").range, D(2012, 3, 1)) == D(2012, 4, 30)
    assert next_due(parse_timeline("Starting: 2013").range, D(2012, 3, 1)) == D(2013, 1, 1)
    assert next_due(parse_timeline("Starting: 2013").range, D(2014, 3, 1)) is None


def test_next_due_permanent_and_empty() -> None:
    assert next_due(parse_timeline("Permanent").range, D(2012, 3, 1)) is None
    assert next_due(DateRange(), D(2012, 3, 1)) is None


def test_bsec_deadlines_from_the_corpus() -> None:
    """Every Deadline:/Starting: value in the BSEC 2011-2013 plan parses to something."""
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "corpus" / "bsec-plan-of-action-2011-2013.txt"
    text = path.read_text(encoding="utf-8").replace("*", "")
    import re

    values = re.findall(r"(?:Deadline|Starting):\s*([^\n.;]+)", text)
    assert len(values) >= 7
    for value in values:
        r = parse_timeline(value).range
        assert r.start or r.end or r.recurrence or r.permanent, value


def test_never_raises_on_odd_input() -> None:
    for text in ["31.2.2018", "99.99.99", "Q5 2018", "2019-2018", "1.1.2018 - 1.1.2017",
                 "0 months", "999 years start 1.1.2018", "-", "( - )", "end of", "Sep-", "\x00"]:
        t = parse_timeline(text)
        if t.range.start and t.range.end:
            assert t.range.start <= t.range.end


hypothesis = pytest.importorskip("hypothesis")
st = pytest.importorskip("hypothesis.strategies")

_PIECES = ["Ongoing", "Foreseen", "(", ")", "-", " – ", " ", "1.4. ", "2018", "17", "31.12.",
           "Dec ", "Q2", "-3 ", "end of ", "Starting: ", "Each ", "July", "semester", "40 months",
           "2 years", "IPA II ", "Permanent", "9-10 Nov ", "by ", "Sep-Oct "]


@hypothesis.settings(max_examples=300, deadline=None)
@hypothesis.given(st.one_of(st.text(), st.lists(st.sampled_from(_PIECES)).map("".join)))
def test_any_text_parses_without_error(text: str) -> None:
    t = parse_timeline(text)
    assert t.status in {"ongoing", "planned", "foreseen", "initiated", "done", "permanent",
                        "requested", "unknown"}
    for r in (t.range, *t.dates):
        if r.start and r.end:
            assert r.start <= r.end
