"""Parse the timeline / deadline cells of plans of action into DateRanges and a status word.

Handles numeric dates (``1.1.2018``, ``8.9.17``, ``1.4. 2018``), written dates (``1 Jan 18``),
months, quarters (``Q2-3 2018``), years, ranges joined by a dash or "to", open ranges
(``20 Apr 2017 -``), durations (``40 months``), "end of", "starting", recurrences
(``Each semester``, ``Each July``) and ``Permanent``. Years that belong to a funding programme
name (``IPA II 2017``) are not dates. Standard library only; nothing here raises on bad input.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache

from indexer.models import DateRange

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MON = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
        r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?")
_Y = r"(?:19|20)\d{2}"
_YY = r"(?:\d{4}|\d{2})(?!\d)"
_ATOM = re.compile(rf"""
    \bQ(?P<q1>[1-4])\s*-\s*Q?(?P<q2>[1-4])\s+(?P<qry>{_Y})\b
  | \bQ(?P<q>[1-4])[\s/]*(?P<qy>{_Y})\b
  | (?<![\d.])(?P<nd>\d{{1,2}})(?P<sep>[./])(?P<nm>\d{{1,2}})(?P=sep)(?P<ny>{_YY})
  | \b(?P<rd1>\d{{1,2}})\s*-\s*(?P<rd2>\d{{1,2}})\s+(?P<rm>{_MON})\s+(?P<ry>{_YY})
  | \b(?P<td>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<tm>{_MON})\s*,?\s+(?P<ty>{_YY})
  | \b(?P<am>{_MON})\s+(?P<ad>\d{{1,2}})(?:st|nd|rd|th)?,\s*(?P<ay>{_Y})\b
  | \b(?P<mm1>{_MON})\s*-\s*(?P<mm2>{_MON})\s+(?P<mmy>{_Y})\b
  | \b(?P<m>{_MON})\s+(?:of\s+)?(?P<my>{_Y})\b
  | (?<![\d.,/])(?P<sy1>{_Y})\s*-\s*(?P<sy2>\d{{2}})(?![\d.])
  | (?<![\d.,/])(?P<y>{_Y})(?![\d])
  | \b(?P<bm>{_MON})
""", re.IGNORECASE | re.VERBOSE)
_PROGRAMME = re.compile(rf"""
    \bIP[AB][I1l]*(?:\s*I{{1,3}}\b)?\s*/?\s*{_Y}(?:/[\w.\-]+)*
  | \b(?:strategy|policy\s+cycle)\b[^;()|.]{{0,50}}?{_Y}(?:\s*-\s*{_Y})?
  | \bchairmanship\s+{_Y}
""", re.IGNORECASE | re.VERBOSE)
_JOIN = re.compile(r"\s*(?:-|to|until|till|through)\s*(?:the\s+)?(?:end\s+(?:of\s+)?)?",
                   re.IGNORECASE)
_OPEN = re.compile(r"\s*-\s*(?:\)|$|[;,])|\s*(?:onwards?|and beyond)\b", re.IGNORECASE)
_END_ONLY = re.compile(r"(?:\bend(?:\s+of)?(?:\s+the)?|\bby(?:\s+the\s+end\s+of)?|\buntil|\btill"
                       r"|\bno later than|\bbefore)\s*:?\s*$", re.IGNORECASE)
_START_ONLY = re.compile(r"(?:\bstart(?:s|ing|ed)?(?:\s+(?:on|in|from))?|\bfrom|\bas of|\bsince"
                         r"|\bbeginning(?:\s+(?:of|in))?)\s*:?\s*$", re.IGNORECASE)
_DURATION = re.compile(r"\b(?P<n>[1-9]\d{0,2})[\s-]*(?P<unit>year|month)s?\b", re.IGNORECASE)
_RECUR = re.compile(rf"""
    (?P<sem>\b(?:each|every)\s+semester\b|\bsemi-?annual(?:ly)?\b|\btwice\s+(?:a\s+|per\s+)?year(?:ly)?\b)
  | (?:\b(?:each|every)\s+|\bannually\s+in\s+)(?P<month>{_MON})
  | (?P<qtr>\b(?:each|every)\s+quarter\b|\bquarterly\b)
  | (?P<mon>\b(?:each|every)\s+month\b|\bmonthly\b)
  | (?P<ann>\b(?:each|every)\s+year\b|\bonce\s+(?:a|per)\s+year\b|\bannual(?:ly)?\b|\byearly\b)
""", re.IGNORECASE | re.VERBOSE)
_PERMANENT = re.compile(r"\bpermanent(?:ly)?\b", re.IGNORECASE)
_STATUS = (
    ("ongoing", r"\bon-?going\b|\bunderway\b|\bin progress\b"),
    ("planned", r"\bplanned\b|\bplanning\b"),
    ("foreseen", r"\bforeseen\b|\btentative(?:ly)?\b|\benvisaged\b"),
    ("initiated", r"\binitiated\b|\blaunched\b"),
    ("done", r"\bdone\b|\bcompleted\b|\bfinished\b|\baccomplished\b"),
    ("permanent", r"\bpermanent(?:ly)?\b|\bcontinuous(?:ly)?\b"),
    ("requested", r"\brequested\b"),
)
_STATUS_RE = re.compile("|".join(f"(?P<{name}>{pat})" for name, pat in _STATUS), re.IGNORECASE)
_COARSE = ("day", "month", "quarter", "year")


@dataclass(frozen=True)
class Timeline:
    text: str  # as written (input, whitespace folded)
    status: str  # ongoing|planned|foreseen|initiated|done|permanent|requested|unknown
    range: DateRange  # the overall span
    dates: tuple[DateRange, ...]  # every separate date/range mention, in order


def parse_status(text: str) -> str:
    """The first status word in ``text`` ("Being planned" -> planned), else "unknown"."""
    m = _STATUS_RE.search(text or "")
    return m.lastgroup if m and m.lastgroup else "unknown"


def _month(name: str) -> int:
    return _MONTHS.index(name.lower()[:3]) + 1


def _year(digits: str) -> int:
    y = int(digits)
    return y if y >= 100 else (2000 + y if y < 70 else 1900 + y)


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _add_months(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    y += d.year
    return date(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1]))


def _atom(m: re.Match[str], context_year: int | None) -> DateRange | None:
    """One date mention as a DateRange; None for an impossible date or a yearless month."""
    g = m.groupdict()
    if g["q1"]:
        y, q1, q2 = int(g["qry"]), int(g["q1"]), int(g["q2"])
        return DateRange(date(y, 3 * min(q1, q2) - 2, 1), _month_end(y, 3 * max(q1, q2)),
                         "quarter")
    if g["q"]:
        y, q = int(g["qy"]), int(g["q"])
        return DateRange(date(y, 3 * q - 2, 1), _month_end(y, 3 * q), "quarter")
    if g["nd"]:
        d = date(_year(g["ny"]), int(g["nm"]), int(g["nd"]))
        return DateRange(d, d, "day")
    if g["rd1"]:
        y, mo = _year(g["ry"]), _month(g["rm"])
        a, b = sorted((int(g["rd1"]), int(g["rd2"])))
        return DateRange(date(y, mo, a), date(y, mo, b), "day")
    if g["td"] or g["ad"]:
        day, mon, yr = (g["td"], g["tm"], g["ty"]) if g["td"] else (g["ad"], g["am"], g["ay"])
        d = date(_year(yr), _month(mon), int(day))
        return DateRange(d, d, "day")
    if g["mm1"]:
        y = int(g["mmy"])
        a, b = sorted((_month(g["mm1"]), _month(g["mm2"])))
        return DateRange(date(y, a, 1), _month_end(y, b), "month")
    if g["m"]:
        y, mo = int(g["my"]), _month(g["m"])
        return DateRange(date(y, mo, 1), _month_end(y, mo), "month")
    if g["sy1"]:
        a = int(g["sy1"])
        b = a // 100 * 100 + int(g["sy2"])
        return DateRange(date(a, 1, 1), date(b, 12, 31), "year") if b > a else None
    if g["y"]:
        y = int(g["y"])
        return DateRange(date(y, 1, 1), date(y, 12, 31), "year")
    if g["bm"] and context_year and g["bm"][0].isupper():
        mo = _month(g["bm"])
        return DateRange(date(context_year, mo, 1), _month_end(context_year, mo), "month")
    return None


def _coarsest(*precisions: str | None) -> str | None:
    known = [p for p in precisions if p in _COARSE]
    return max(known, key=_COARSE.index) if known else None


def _normalise(text: str) -> str:
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    text = re.sub(r"(\d{1,2}\.\d{1,2}\.)\s+(\d{4})\b", r"\1\2", text)
    return _PROGRAMME.sub(lambda m: "|" * len(m.group()), text)


def _mentions(text: str, context_year: int | None) -> list[tuple[int, DateRange]]:
    """(position, DateRange) for every date, range, recurrence and "permanent" mention."""
    found: list[tuple[int, DateRange]] = []
    taken: list[tuple[int, int]] = []
    for m in _RECUR.finditer(text):
        if m.group("month"):
            rec = f"annual ({calendar.month_name[_month(m.group('month'))]})"
        else:
            rec = {"sem": "each semester", "qtr": "each quarter", "mon": "each month",
                   "ann": "annual"}[m.lastgroup or "ann"]
        found.append((m.start(), DateRange(recurrence=rec)))
        taken.append(m.span())
    found += [(m.start(), DateRange(permanent=True)) for m in _PERMANENT.finditer(text)]
    atoms: list[tuple[re.Match[str], DateRange]] = []
    for m in _ATOM.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        try:
            r = _atom(m, context_year)
        except ValueError:
            r = None
        if r is not None:
            atoms.append((m, r))
    i = 0
    while i < len(atoms):
        m, r = atoms[i]
        nxt = atoms[i + 1] if i + 1 < len(atoms) else None
        if nxt and _JOIN.fullmatch(text, m.end(), nxt[0].start()):
            lo, hi = sorted((r.start, nxt[1].end))  # type: ignore[type-var]
            r = DateRange(lo, hi, _coarsest(r.precision, nxt[1].precision))
            i += 1
        elif _OPEN.match(text, m.end()) or _START_ONLY.search(text, max(0, m.start() - 40),
                                                              m.start()):
            r = replace(r, end=None)
        elif _END_ONLY.search(text, max(0, m.start() - 40), m.start()):
            r = replace(r, start=None)
        found.append((m.start(), r))
        i += 1
    found.sort(key=lambda pair: pair[0])
    return _apply_duration(text, found, [m.span() for m, _ in atoms])


def _apply_duration(text: str, found: list[tuple[int, DateRange]],
                    spans: list[tuple[int, int]]) -> list[tuple[int, DateRange]]:
    """Give the first start-only date an end from a duration such as "2 years" or "40 months".

    A span starting on the 1st of a month ends on the last day of the month before
    (1.4.2018 + 2 years -> 31.3.2020); otherwise on the same day n months later.
    """
    for m in _DURATION.finditer(text):
        if any(a <= m.start() < b for a, b in spans):
            continue
        months = int(m.group("n")) * (12 if m.group("unit").lower() == "year" else 1)
        for k, (pos, r) in enumerate(found):
            if r.start and r.end is None:
                try:
                    end = _add_months(r.start, months)
                except (ValueError, OverflowError):
                    return found
                if r.start.day == 1:
                    end -= timedelta(days=1)
                found[k] = (pos, replace(r, end=end))
                return found
        return found
    return found


def parse_timeline(text: str, *, context_year: int | None = None) -> Timeline:
    """Parse a STATUS / TIMELINE or Deadline cell into a status and date ranges.

    ``context_year`` gives a year to month names written without one ("by July").

    >>> t = parse_timeline("Ongoing (8.9.17 – 31.12.19)")
    >>> t.status, t.range.start.isoformat(), t.range.end.isoformat(), t.range.precision
    ('ongoing', '2017-09-08', '2019-12-31', 'day')
    >>> parse_timeline("Each July following the year to evaluate").range.recurrence
    'annual (July)'
    """
    folded = " ".join(str(text or "").split())
    dates = tuple(r for _, r in _mentions(_normalise(folded), context_year))
    starts = [r.start for r in dates if r.start]
    ends = [r.end for r in dates if r.end]
    known = starts + ends
    overall = DateRange(
        start=min(known) if starts else None,
        end=max(known) if ends else None,
        precision=_coarsest(*(r.precision for r in dates)),
        recurrence=next((r.recurrence for r in dates if r.recurrence), None),
        permanent=any(r.permanent for r in dates),
    )
    return Timeline(folded, parse_status(folded), overall, dates)


@lru_cache(maxsize=65536)
def timeline_dates(text: str) -> tuple[DateRange, ...]:
    """A timeline cell's date mentions, parsed once per distinct text."""
    return tuple(parse_timeline(text).dates)


def _next_recurrence(recurrence: str, d: date) -> date | None:
    """The end of the recurring period that contains or follows ``d``."""
    if recurrence == "each semester":
        return date(d.year, 6, 30) if d.month <= 6 else date(d.year, 12, 31)
    if recurrence == "each quarter":
        return _month_end(d.year, (d.month + 2) // 3 * 3)
    if recurrence == "each month":
        return _month_end(d.year, d.month)
    if recurrence == "annual":
        return date(d.year, 12, 31)
    m = re.fullmatch(r"annual \((\w+)\)", recurrence)
    if not m or m.group(1)[:3].lower() not in _MONTHS:
        return None
    due = _month_end(d.year, _month(m.group(1)))
    return due if due >= d else _month_end(d.year + 1, _month(m.group(1)))


def next_due(r: DateRange, as_of: date) -> date | None:
    """The next date on/after ``as_of`` when ``r`` is due; None if permanent or nothing is due.

    A recurrence is due at the end of its current period (within ``r``'s bounds when set);
    a range at its end; a start-only range at its start.
    """
    if r.permanent:
        return None
    if r.recurrence:
        due = _next_recurrence(r.recurrence, max(as_of, r.start) if r.start else as_of)
        return due if due and (r.end is None or due <= r.end) else None
    if r.end is not None:
        return r.end if r.end >= as_of else None
    if r.start is not None and r.start >= as_of:
        return r.start
    return None
