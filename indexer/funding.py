"""Read the FUNDING cells and funding paragraphs of plans: a status word and money amounts.

The funding-status vocabulary lives here (``STATUSES``, ``STATUS_PHRASES``, ``FUNDING_WORDS``,
``status_in``): the assistant and the bots import it. Standard library only; nothing here raises on bad input.
"""

from __future__ import annotations

import re

from indexer.models import Amount

# the funding statuses of the action records (``Action.funding_status``)
AVAILABLE, SEEKING, NEGOTIATING, UNKNOWN = "available", "seeking", "negotiating", "unknown"
STATUSES = (AVAILABLE, SEEKING, NEGOTIATING, UNKNOWN)
# a list of actions with a status, described after its count ("12 actions seeking funding")
STATUS_PHRASES = {SEEKING: "seeking funding", AVAILABLE: "with funding available",
                  NEGOTIATING: "with funding being negotiated", UNKNOWN: "with funding not stated"}
# what a person may type for a status (`plans actions --funding`, `/api/actions?funding=`, Slack's
# `funding:`), any case: the statuses themselves and the everyday words for them
FUNDING_WORDS = {SEEKING: SEEKING, "sought": SEEKING, "seek": SEEKING, "unfunded": SEEKING,
                 AVAILABLE: AVAILABLE, "funded": AVAILABLE, NEGOTIATING: NEGOTIATING,
                 "negotiated": NEGOTIATING, "negotiation": NEGOTIATING, UNKNOWN: UNKNOWN}
NEGOTIATING_WORDS = re.compile(r"\bnegotiat\w*", re.IGNORECASE)  # a plan's cell and a question alike
_SEEKING = re.compile(r"\bseek\w*|\bsought\b|\blooking for (?:additional )?fund|\bfunding (?:is )?"
                      r"(?:needed|required|to be (?:found|identified|secured))", re.IGNORECASE)
_AVAILABLE = re.compile(r"""
    \bavailable\b | \bsecured\b | \b(?:funded|financed|covered)\s+by\b
  | \bIP[AB][I1l]*\b | \bIP[AB][I1l/]*\d{4}                      # IPA II 2017, IPAI/2017, IPAI12017
  | \bwork\s*programme\b | \bcore\s+(?:funding|activities|budget)\b | \bbudget\b
  | \bstrategy\s+for\b | \bproject\b | \bprogramme\b | \bgrant\b
""", re.IGNORECASE | re.VERBOSE)

_CURRENCY = {"eur": "EUR", "euro": "EUR", "euros": "EUR", "€": "EUR", "usd": "USD", "$": "USD",
             "us$": "USD", "gbp": "GBP", "£": "GBP", "chf": "CHF"}
_CUR = r"(?:EUR|euros?|€|US\$|USD|\$|GBP|£|CHF)"
_NUM = r"\d{1,3}(?:[ \u00a0,.']\d{2,3}(?!\d))+|\d+(?:[.,]\d+)?"
_MULT = r"(?:million|mln|bn|billion|thousand|m|k)\b"
_AMOUNT = re.compile(rf"""
    (?P<c1>{_CUR})\s*(?P<n1>{_NUM})(?:\s*(?P<m1>{_MULT}))?
  | (?<![\w.,])(?P<n2>{_NUM})(?:\s*(?P<m2>{_MULT}))?\s*(?P<c2>{_CUR})(?![A-Za-z]|\s*\d)
""", re.IGNORECASE | re.VERBOSE)
_FACTOR = {"million": 1e6, "mln": 1e6, "m": 1e6, "bn": 1e9, "billion": 1e9, "thousand": 1e3,
           "k": 1e3}
_LABELS = (
    ("total", re.compile(r"\btotal\b", re.IGNORECASE)),
    ("EU contribution", re.compile(r"\bEU\s+contribution\b|\bcontribution\s+of\s+the\s+EU\b"
                                   r"|\bEU\s+funding\b", re.IGNORECASE)),
    ("German Government", re.compile(r"\bGerman\s+Government\b|\bGovernment\s+of\s+Germany\b",
                                     re.IGNORECASE)),
)
_GENERIC_LABEL = re.compile(r"([A-Z][\w'’.&-]*(?:\s+[A-Z][\w'’.&-]*){0,3})\s*:\s*$")
_SENTENCE_END = re.compile(r"[.!?](?=\s+[A-Z\"“(])|\n")


def status_in(text: str, seeking: re.Pattern[str], available: re.Pattern[str]) -> str | None:
    """The status ``text`` signals, by the signs ``seeking`` and ``available`` (a plan's cells and a
    user's question word them differently); negotiating beats seeking beats available; None when
    there is no sign."""
    if NEGOTIATING_WORDS.search(text):
        return NEGOTIATING
    if seeking.search(text):
        return SEEKING
    if available.search(text):
        return AVAILABLE
    return None


def funding_status(text: str) -> str:
    """available | seeking | negotiating | unknown, as a plan's funding text states it.

    >>> funding_status("SELEC Budget for 2018; seeking funding for 2019-2020")
    'seeking'
    """
    return status_in(text or "", _SEEKING, _AVAILABLE) or UNKNOWN


def _value(number: str, mult: str | None) -> float:
    """The number as written: spaces, and commas/dots before 3 digits, separate thousands."""
    s = re.sub(r"[\s\u00a0']", "", number)
    tail = re.search(r"[.,](\d+)$", s)
    single = len(re.findall(r"[.,]", s)) == 1
    if tail and (len(tail.group(1)) != 3 or (mult and single)):
        value = float(re.sub(r"[.,]", "", s[:tail.start()]) + "." + tail.group(1))
    else:
        value = float(re.sub(r"[.,]", "", s))
    return value * _FACTOR.get((mult or "").lower(), 1.0)


def _scope(text: str, pos: int) -> str:
    """The clause an amount at ``pos`` belongs to: its open parenthesis or its sentence,
    without closed parentheses, after the last semicolon."""
    ends = [m.end() for m in _SENTENCE_END.finditer(text, 0, pos)]
    before = text[ends[-1] if ends else 0:pos]
    opens: list[int] = []
    for i, ch in enumerate(before):
        if ch == "(":
            opens.append(i)
        elif ch == ")" and opens:
            opens.pop()
    if opens:
        before = before[opens[-1] + 1:]
    before = re.sub(r"\([^()]*\)", " ", before)
    return before.rsplit(";", 1)[-1]


def _label(scope: str) -> str:
    best = max(((m.start(), name) for name, rx in _LABELS for m in rx.finditer(scope)),
               default=None)
    if best:
        return best[1]
    generic = _GENERIC_LABEL.search(scope)
    return generic.group(1) if generic else ""


def parse_amounts(text: str) -> tuple[Amount, ...]:
    """Every money amount in ``text``, labelled by the nearest label before it in its clause.

    >>> parse_amounts("total budget is: EUR 14 500 000 (EU Contribution: EUR 13 000 000)")[1]
    Amount(currency='EUR', value=13000000.0, label='EU contribution', text='EUR 13 000 000')
    """
    text = text or ""
    found = []
    for m in _AMOUNT.finditer(text):
        cur = (m.group("c1") or m.group("c2")).lower()
        number, mult = (m.group("n1"), m.group("m1")) if m.group("n1") else (m.group("n2"),
                                                                          m.group("m2"))
        try:
            value = _value(number, mult)
        except ValueError:
            continue
        found.append(Amount(_CURRENCY.get(cur, cur.upper()), value,
                            _label(_scope(text, m.start())), m.group().strip()))
    return tuple(found)
