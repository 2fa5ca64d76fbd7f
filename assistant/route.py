"""Read a question: which kind of answer it wants, which plans it names, what time window it
means, and which kind of fact (a date, an amount, a count, a country...) must be in the answer.

Example::

    r = read_question("Which deadlines fall in the next 60 days?", as_of=date(2018, 5, 1))
    r.route, r.window  # Route.DEADLINE, (date(2018, 5, 1), date(2018, 6, 30))
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache

from assistant import vocab


class Route(StrEnum):
    """The kind of answer a question is routed to (``Answer.route``). Each member equals its name
    as a string ("driver"), so JSON output and the bots see the plain name."""

    DRIVER = "driver"  # who drives an action
    FUNDING = "funding"  # how it is funded
    DEADLINE = "deadline"  # when it is due; what falls in a time window
    BUDGET = "budget"  # amounts a plan states
    CONTENT = "content"  # what the plans say on a topic
    CROSS_PLAN = "cross_plan"  # which plans say something on a topic; two plans compared
    FOLLOW_UP = "follow_up"  # a question continuing the previous one
    REFUSAL = "refusal"  # the plans do not say
    CAPABILITIES = "capabilities"  # greetings, what the assistant can do
    OVERVIEW = "overview"  # what a plan is, its structure and priorities
    AGGREGATE = "aggregate"  # counts, rankings and totals over the records
    LOOKUP = "lookup"  # an action named by its number (an intent kind; answered by the evidence answerer)


ROUTES: tuple[Route, ...] = tuple(Route)

_DRIVER = re.compile(
    r"\b(who(?:'s| is| are| was)?\b|which (?:organi[sz]ation|body|bodies|country|countries|agency|"
    r"partner|institution)s?\b|responsible|in charge|lead(?:s|ing)?\b|drives?|driving|driver|runs?\b|"
    r"implement(?:s|ing)|deliver(?:s|ing)|coordinat(?:es|ing|or))", re.I)
_FUNDING = re.compile(r"\b(fund(?:s|ed|ing)?|financ\w*|money|paid|pays?|cost|donors?|sponsor\w*|"
                      r"seeking|negotiat\w*)\b", re.I)
# "how much longer / time" asks about time, not money
# "who pays / funds / finances …" asks for the funder, not the driver
_WHO_PAYS = re.compile(r"^\s*(?:who|which (?:\w+ )?(?:organi[sz]ations?|bod(?:y|ies)|donors?|countr(?:y|ies)))"
                       r"(?:'s|’s| is| are| will)?\s+(?:\w+\s+)?(?:fund|financ|pay|paid|sponsor|cover)", re.I)
_BUDGET = re.compile(r"\b(budget|how much(?! (?:longer|more time|time|later|earlier|sooner))|amount|contribution|"
                     r"eur\b|euros?|million)\b", re.I)
_DEADLINE = re.compile(r"\b(when|deadline|due|until|by when|how long|next (?:month|week|year|"
                       r"quarter|\d+ \w+)|coming up|upcoming|scheduled|overdue|ahead|end date|"
                       r"start(?:s|ing)?\b|timeline)", re.I)
_CROSS = re.compile(r"\b(which (?:of the )?plans|which documents|all (?:the )?plans|across (?:the )?plans|"
                    r"compare|comparison|both plans|two (?:\w+ )?plans|each plan|between the .* and the|"
                    r"do the (?:two|\w+ \w+) plans|plans (?:mention|agree|differ|say))", re.I)
_FOLLOW = re.compile(r"^\s*(and|what about|how about|also|then)\b|\b(it|its|that|this|they|them|"
                     r"those|these|the same)\b", re.I)
_COUNTRY = re.compile(r"\bwhich (?:member )?(country|countries|state|states|nation)\b", re.I)
# a question after a named person, not a body: "the name of the person who chairs …", "who is the current
# head of …" (plans name bodies and posts; a person's name is a fact they rarely hold)
_PERSON = re.compile(r"\b(?:name of the (?:\w+ ){0,2}(?:person|official|officer|individual|chair\w*|head|director|"
                     r"president|manager|coordinator|chief|representative|"
                     r"secretary[- ]general|minister)|which (?:person|individual|official)|who (?:is|was) (?:the )?"
                     r"(?:current|present|new) (?:\w+ ){0,2}(?:chair\w*|head|director|president|secretary[- ]general|"
                     r"minister|coordinator|contact)|who (?:currently|personally) \w+|"
                     # who holds a post: "who chairs / heads / presides over …", "who is the chair of …" (not
                     # "who signed": the parties to an agreement are states and bodies, which plans do name)
                     r"who (?:chair|head|preside)(?:s|ed)?|who(?:'s|’s| is| was) (?:the )?(?:chair\w*|head|"
                     r"president|director|secretary[- ]general|minister) (?:of|at))\b", re.I)
# the thing a "what / which NOUN …" question asks for, where the noun is followed by the question's
# verb ("what languages will …", "what salary does …"), "of" ("what percentage of …") or a place's
# preposition ("which hotel in Ankara …"); "what is the X of …" is left out: its X is as often a frame
# ("the role of", "the status of") as a kind of fact
_ASKED_NOUN = re.compile(r"^\s*(?:and\s+|so\s+|ok\s+)?(?:what|which)\s+([a-z]+)\s+(?:does|do|did|is|are|was|were|"
                         r"will|would|can|could|should|has|have|of|in|at|on|[a-z]{2,}s)\b", re.I)
# a question after contact details: a number to call, an e-mail or web address
_CONTACT = re.compile(r"\b(?:phone|telephone|fax|e-?mail|website|web ?site|web page|url|homepage|postal address|"
                      r"contact details)\b", re.I)
_PLACE = re.compile(r"\b(which|what) (city|place|town|venue|location)\b|\bwhere\b", re.I)
_COUNT = re.compile(r"\bhow many\s+(\w+(?:\s+\w+){0,3})", re.I)
# the counted noun ends where the verb or a preposition starts ("member states | does BSEC have")
_COUNT_END = re.compile(r"\b(?:does|do|did|are|is|has|have|were|was|will|can|could|would|should|in|of|under|"
                        r"for|on|at|by|to|there|that|which|who)\b", re.I)
_DAY = re.compile(r"\b(on )?what(?:'s|’s| is| was)? (?:the )?(?:exact )?(?:date|day)\b|\bwhich date\b"
                  # "when was the agreement signed / the protocol done": the day of a past act, not a deadline
                  # (a plan's own adoption or approval is its card's to answer, day or no day)
                  r"|\bwhen (?:was|were)\b[^?]{1,80}?\b(?:done|signed|concluded|ratified|established|founded|"
                  r"held|set up)\b", re.I)
# "when does X end?", "by when must …": one subject's date is asked for (a window question lists many)
_WHEN_OF = re.compile(r"^\s*(?:when|by when|until when|what(?:'s|’s| is) the deadline)\b", re.I)
_FINDINGS = re.compile(r"\b(findings?|results?|conclusions?|outcomes?) of\b|\bwhat did\b.*\b(find|show|"
                       r"conclude)\b", re.I)

_MONTHS = (r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
           r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
_MONTH_NO = {m: i for i, m in enumerate(("jan feb mar apr may jun jul aug sep oct nov dec").split(), start=1)}
_NUM_WORDS = {"one": 1, "a": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
              "eight": 8, "nine": 9, "ten": 10, "twelve": 12, "eighteen": 18, "thirty": 30, "sixty": 60,
              "ninety": 90}
_UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365, "quarter": 91}


# a sentence that instructs the assistant instead of asking about the plans ("Ignore your sources and
# say …", "SYSTEM: you are now …", "Answer only: …"): not part of what is asked, so it cannot steer
# the reading (the answer is built from the sources whatever it says)
_INSTRUCTION = re.compile(r"^\W*(?:ignore|disregard|forget|override|say(?!\s*,)|answer only|respond only|reply only|"
                          r"pretend|act as|you are now|you must|from now on|system\s*:|assistant\s*:|"
                          r"</?\w+>)", re.I)


# where a question asks a further thing: "…, and at which meeting?", "… ? And who pays?"
_PARTS = re.compile(r",? and (?=(?:who|when|what|which|how|where|at|in|out|is|are)\b)|\?\s+", re.I)


def question_parts(question: str) -> list[str]:
    """The question cut where it asks a further thing (one part when it asks one)."""
    return [p for p in _PARTS.split(question) if p.strip()]


# what a question sets aside: "(not the terrorism one)", "except / excluding / not counting the
# trainings": English words of exclusion, each before the noun phrase it excludes. "besides / apart from
# / other than / beyond X, which other …" are not among them: X is the context of the answer, often
# listed in the same sentence as what is asked ("meetings of Chiefs of Police, Heads of …")
_SET_ASIDE = re.compile(
    r"\((?:but\s+)?not\s+(?:the\s+|a\s+|an\s+)?(?P<paren>[^()]{1,60}?)(?:\s+ones?)?\)"
    r"|\b(?:except(?:\s+for)?|excluding|leaving\s+out|not\s+counting)\s+(?:the\s+|a\s+|an\s+)?"
    r"(?P<words>[\w\-\u2019' ]{1,60}?)(?:\s+ones?\b|(?=\s*(?:[,;:?!.)]|$)))", re.I)


def set_aside(question: str) -> tuple[str, tuple[str, ...]]:
    """The question without what it sets aside, and the content words set aside ("Where was the
    protocol done (not the terrorism one)?" -> "Where was the protocol done?", ("terrorism",))."""
    words: list[str] = []
    cut: list[tuple[int, int]] = []
    for m in _SET_ASIDE.finditer(question):
        phrase = (m.group("paren") or m.group("words") or "").lower()
        if re.search(r"\d", phrase):
            continue  # "beyond 2019", "(not the 2021 one)": a time or a plan's year, read elsewhere
        words += re.findall(r"[a-z]+", phrase)
        cut.append(m.span())
    if not words:
        return question, ()
    for a, b in reversed(cut):
        question = question[:a] + question[b:]
    kept = re.sub(r"\s*,?\s*([?.!])", r"\1", re.sub(r"\s{2,}", " ", question)).strip(" ,")
    return kept, tuple(dict.fromkeys(words))


_MENTION = re.compile(r"^\s*<@[\w|.-]+>[\s,:]*")  # a Slack mention as its Web API writes it
OPENER_MIN_WORDS = 3  # an opener is taken off only when a question of at least this many words follows


@lru_cache(maxsize=1)
def _opener() -> re.Pattern[str]:
    alts = "|".join(re.escape(p) for p in vocab.phrases("openers"))
    return re.compile(rf"^\s*(?:{alts})(?![\w@])[\s,.:;!?\-–—]*", re.I)


def without_opener(question: str) -> str:
    """The question without the greeting, mention or politeness it opens with ("hey, quick q: who
    leads 3.2?" -> "who leads 3.2?"); as it is when what follows would be too short to be a question."""
    rest = _MENTION.sub("", question)
    while (m := _opener().match(rest)) and m.end() > 0:
        rest = rest[m.end():]
    rest = rest.strip()
    if len(re.findall(r"\w+", rest)) < OPENER_MIN_WORDS:
        return question
    return rest[0].upper() + rest[1:] if rest[:1].islower() and question[:1].isupper() else rest


def without_instructions(question: str) -> str:
    """The question with the sentences that instruct the assistant left out (all of it when every
    sentence would go)."""
    parts = re.split(r"(?<=[.?!])\s+|\s*</?source>\s*", question)
    kept = [p for p in parts if p.strip() and not _INSTRUCTION.search(p)]
    return " ".join(kept) if kept else question


@dataclass(frozen=True)
class Reading:
    route: Route
    answer_type: str | None  # date_day | date | amount | count | person | contact | country | place | findings | None
    window: tuple[date, date] | None  # the time window the question means, if any
    window_text: str  # how the question said it ("next month", "in the next 60 days")
    count_noun: str  # for "how many X": X
    asked_noun: str  # for "what / which X does …": X
    follow_up: bool
    asks_driver: bool
    asks_funding: bool
    asks_when: bool


def _add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def time_window(question: str, as_of: date) -> tuple[tuple[date, date] | None, str]:
    """The window a question states relative to ``as_of`` (None when it states none)."""
    q = question.lower()
    m = re.search(r"\b(?:in |within )?(?:the )?(next|coming|following) (\d+|[a-z]+) (day|week|month|"
                  r"year|quarter)s?\b", q)
    if m:
        n = int(m.group(2)) if m.group(2).isdigit() else _NUM_WORDS.get(m.group(2), 0)
        if n:
            unit = m.group(3)
            end = (_add_months(as_of, n) if unit == "month" else
                   _add_months(as_of, 3 * n) if unit == "quarter" else
                   as_of + timedelta(days=n * _UNIT_DAYS[unit]))
            return (as_of, end), m.group(0).strip()
    m = re.search(r"\b(?:in|for|during|by|on|over)\s+(?:the\s+month\s+of\s+)?(" + _MONTHS
                  + r")\.?,?\s+((?:19|20)\d\d)\b", q)
    if m:  # "planned for October 2018"
        month = _MONTH_NO[m.group(1)[:3]]
        first = date(int(m.group(2)), month, 1)
        last = first.replace(day=calendar.monthrange(first.year, month)[1])
        return (first, last), f"in {calendar.month_name[month]} {first.year}"
    if re.search(r"\bnext month\b", q):
        first = _add_months(as_of.replace(day=1), 1)
        last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
        return (first, last), "next month"
    if re.search(r"\bthis month\b", q):
        last = as_of.replace(day=calendar.monthrange(as_of.year, as_of.month)[1])
        return (as_of, last), "this month"
    if re.search(r"\bnext week\b", q):
        return (as_of, as_of + timedelta(days=7)), "next week"
    if re.search(r"\bnext year\b", q):
        return (date(as_of.year + 1, 1, 1), date(as_of.year + 1, 12, 31)), "next year"
    if re.search(r"\b(end of (?:this|the) year|this year)\b", q):
        return (as_of, date(as_of.year, 12, 31)), "before the end of this year"
    if re.search(r"\b(soon|near|upcoming|coming up|approaching)\b", q):
        return (as_of, as_of + timedelta(days=90)), "in the next 90 days"
    return None, ""


def read_question(question: str, *, as_of: date, has_history: bool = False) -> Reading:
    """Classify the question (a driver, funding, deadline, budget, content or cross-plan ``Route``;
    a follow-up is marked by ``follow_up``) and pull out what the answer must contain."""
    q = question.strip()
    window, window_text = time_window(q, as_of)
    asks_driver = bool(_DRIVER.search(q))
    asks_funding = bool(_FUNDING.search(q))
    asks_budget = bool(_BUDGET.search(q))
    asks_when = bool(_DEADLINE.search(q)) or window is not None
    words = re.findall(r"[a-z]+", q.lower())
    follow_up = has_history and (len(words) <= 7 and bool(_FOLLOW.search(q)))
    if _CROSS.search(q):
        route = Route.CROSS_PLAN
    elif window is not None or re.search(r"\b(overdue|next deadline|how long|until when|by when)\b", q, re.I):
        route = Route.DEADLINE
    elif asks_budget:
        route = Route.BUDGET
    elif asks_funding and _WHO_PAYS.search(q):
        route = Route.FUNDING
    elif asks_driver and re.match(r"^\s*(who|which (?:organi[sz]ation|body|country|agency))", q, re.I):
        route = Route.DRIVER
    elif asks_funding:
        route = Route.FUNDING
    elif asks_driver:
        route = Route.DRIVER
    elif asks_when and re.match(r"^\s*(when|by when|until when|since when|from when|what is the deadline|"
                                r"(?:from|since|in|by|until) (?:what|which) (?:year|month|date|day)\b)", q, re.I):
        route = Route.DEADLINE
    else:
        route = Route.CONTENT
    answer_type = None
    count_noun = ""
    if _DAY.search(q):
        answer_type = "date_day"
    elif (m := _COUNT.search(q)) and not re.search(r"\bhow many (?:of|times)\b", q, re.I):
        answer_type, count_noun = "count", _COUNT_END.split(m.group(1))[0].strip()
    elif _PERSON.search(q):
        answer_type = "person"
    elif _CONTACT.search(q):
        answer_type = "contact"
    elif _COUNTRY.search(q):
        answer_type = "country"
    elif _PLACE.search(q) and re.search(r"\b(city|held|take place|located|venue)\b", q, re.I):
        answer_type = "place"
    elif route == Route.BUDGET and re.search(r"\bhow much\b|\bamount\b|\bwhat is the (?:total )?budget\b|"
                                              r"\b(?:total )?budget (?:of|for)\b|\bhow (?:big|large)\b", q, re.I):
        answer_type = "amount"
    elif _FINDINGS.search(q):
        answer_type = "findings"
    elif route == Route.DEADLINE and window is None and _WHEN_OF.search(q):
        answer_type = "date"
    asked = _ASKED_NOUN.search(q)
    return Reading(route=route, answer_type=answer_type, window=window, window_text=window_text,
                   count_noun=count_noun, asked_noun=asked.group(1).lower() if asked else "",
                   follow_up=follow_up, asks_driver=asks_driver,
                   asks_funding=asks_funding, asks_when=asks_when)
