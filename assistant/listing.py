"""Structured answers straight from the action records: an action named by its number ("who
drives 3.2?"), everything with a funding status ("what is still seeking funding?"), and
everything a driver runs ("what does SELEC lead?").

Example::

    list_answer(answerer, query, reading, as_of)  # None when the question is not of this kind
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from assistant import vocab
from assistant.action_index import number_key
from assistant.answering import Answerer, Query
from assistant.compose import Citations, lead_sentence, not_stated, render_action, shorten, states
from assistant.kinds.base import Context
from assistant.models import Answer
from assistant.names import NameTable
from assistant.policy import LIST_BUDGET, LIST_TOPIC_SHARE, NUMBERED_MAX
from assistant.route import Reading, Route
from indexer.funding import SEEKING, STATUS_PHRASES, status_in
from indexer.models import Action
from indexer.store import take
from indexer.text import stem

SHOW = 8  # actions listed in full; the rest are counted
MORE_NUMBERS = 25  # the numbers of the rest named, each once
TOPIC_COVERAGE = 0.34  # a listed action must cover this much of the question's other words
_NUMBER = re.compile(r"(?<![\w.])(?:action|measure|item|number|no\.?)?\s*([A-H]\.\d{1,2}|[IVX]{1,4}\.\d{1,2}|"
                     r"\d{1,2}\.\d{1,2}(?:\.\d{1,2})?)(?![\w.]|\.\d)", re.I)
# asking for what still lacks money, in the ways English says it (negations included)
_SEEKING = re.compile(r"\b(seek\w*|sought|unfunded|not (?:yet )?(?:been )?(?:funded|financed|covered)|"
                      r"without (?:any )?(?:funding|money)|no (?:funding|money|funds|donors?)(?: yet)?|"
                      r"lack(?:s|ing)? (?:of )?(?:funding|money|funds)|needs? (?:more )?(?:funding|money)|"
                      r"looking for (?:funding|money|donors)|(?:have|has|got)(?:n't| not) (?:got )?(?:any )?"
                      r"(?:funding|money))\b", re.I)
_AVAILABLE = re.compile(r"\b(funding (?:is )?available|already funded|fully funded|funded already|"
                        r"have funding|has funding|secured)\b", re.I)
# a listing question, its frame word first or after a fronted phrase ("Under the cybercrime need, which …")
_LIST = re.compile(r"^\s*(?:[^,?]{1,60},\s*)?(what|which|list|show|are there|is there anything|anything)\b", re.I)
_DRIVES = re.compile(r"\b(lead|leads|led|drive|drives|driven|run|runs|implement\w*|responsible|in charge)\b",
                     re.I)
# words that state the listing criterion, not its topic (assistant/vocab/listing_filler.yaml)
FILLER = vocab.words("listing_filler")


def numbered_actions(ctx: Context, question: str, plan_ids: set[str]) -> list[Action]:
    """Actions the question names by number, within the named plans (or all plans)."""
    found: list[Action] = []
    for m in _NUMBER.finditer(question):
        num = number_key(m.group(1))
        if re.fullmatch(r"\d{1,2}\.\d{1,2}", num) and int(num.split(".")[0]) > 31:
            continue
        found += take(ctx.actions, ctx.action_index.numbered((num, num + "A"), plan_ids))
    return list(dict.fromkeys(found))


def funding_wanted(question: str) -> str | None:
    """The funding status a question asks about (the indexer's vocabulary and precedence, read
    with the ways a question words it), or None."""
    return status_in(question, _SEEKING, _AVAILABLE)


def list_answer(ans: Answerer, q: Query, reading: Reading, as_of: date) -> Answer | None:
    ctx = ans.ctx
    plan_ids = {p.id for p in q.plans}
    by_number = numbered_actions(ctx, q.question, plan_ids)
    if by_number and len(by_number) <= NUMBERED_MAX:
        return _render(ans, by_number, "", as_of, reading, q)
    if not _LIST.search(q.question):
        return None
    named_plan = {stem(w) for w in q.plan_words}  # "balkans" names the plan's "Balkan": not a topic to filter by
    topic = [t for t in q.terms if t not in FILLER and stem(t) not in named_plan]
    status = funding_wanted(q.question) if reading.asks_funding or reading.route == Route.FUNDING else None
    # q.text: the question and the acronyms of the names it spells out ("Council of Europe" -> "CoE")
    driver = _driver_named(ans.driver_names, q.text, ans.driver_table) if _DRIVES.search(q.question) else None
    if status is None and driver is None:
        return None
    index = ctx.action_index
    wanted = [index.driven_by(driver) if driver else None, index.with_status(status) if status else None]
    if plan_ids:
        wanted.append(set(index.positions(plan_ids)))
    pool = sorted(set.intersection(*sorted((w for w in wanted if w is not None), key=len)))
    if driver:  # the driver's own words are not a topic, nor the long form it was named by ("Council of Europe")
        named = {w for n in ans.driver_names if driver.lower() in n.lower() for w in re.findall(r"\w+", n.lower())}
        topic = [t for t in topic if t not in named and not named & set(q.aliases.get(t, ()))]
    if topic:  # the same cut as scoring every one: ctx.lexicon.coverage(...) >= TOPIC_COVERAGE
        pairs, _ = ctx.action_terms.about(pool, topic, ctx.lexicon, q.aliases, floor=TOPIC_COVERAGE,
                                          share=LIST_TOPIC_SHARE,
                                        text=lambda x: f"{x.need} {x.title} {x.text}")
        pool = [i for _, i in pairs]
    found = take(ctx.actions, pool)
    phrase = {**STATUS_PHRASES, SEEKING: "still " + STATUS_PHRASES[SEEKING]}
    what = " and ".join(filter(None, [f"driven or co-driven by {driver}" if driver else "",
                                      phrase[status] if status else ""]))
    if not found:
        return Answer(answer=f"No action in the plans is recorded as {what}.", citations=(), refused=False,
                      route=reading.route, as_of=as_of, meta={"listing": what, "count": 0})
    answer = _render(ans, found, what, as_of, reading, q)
    if not topic and len(plan_ids) <= 1:  # the same list, whole, as the action filters give it
        browse = {"funding": status, "driver": driver, "plan": next(iter(plan_ids), None)}
        answer = replace(answer, meta={**answer.meta, "browse": {k: v for k, v in browse.items() if v}})
    return answer


def _driver_named(names: list[str], question: str, table: NameTable | None = None) -> str | None:
    """The longest driver name (as the plans write it) that the question mentions."""
    table = table or NameTable(n.lower() for n in names if len(n) >= 3)
    found = table.mentioned(question.lower())
    best = None
    for name in names:  # as the plans write it: the longest; of equally long ones, the one spelt as asked
        if len(name) >= 3 and name.lower() in found and (
                best is None or len(name) > len(best) or (len(name) == len(best) and name in question
                                                          and best not in question)):
            best = name
    return best


def _render(ans: Answerer, actions: list[Action], what: str, as_of: date, reading: Reading, q: Query) -> Answer:
    """The actions as lines, as many as fit the answer budget; the rest counted by number."""
    ctx = ans.ctx
    cites = Citations(ctx.records)
    head = f"{len(actions)} action{'s are' if len(actions) != 1 else ' is'} {what}:" if what else ""
    lines: list[str] = []
    budget = LIST_BUDGET - len(head)
    for x in actions[:SHOW]:
        # a line that does not fit is not shown; its citation is dropped where the answer is finished
        line = render_action(x, ctx.records.section(x.section_id), cites, terms=q.terms, lexicon=ctx.lexicon,
                             as_of=as_of, show_due=reading.route == Route.DEADLINE, period=ans.periods.get(x.plan),
                             brief=bool(what), focus=reading.route)
        if lines and sum(len(ln) for ln in lines) + len(line) > budget:
            break
        lines.append(line)
    if not head and len(actions) == 1:  # one action asked for by number: the asked fact first, in a sentence
        x = actions[0]
        if not states(x, reading.route):  # an honest partial answer: the fact is not stated
            text, _ = not_stated(x, reading.route, lines[0])
            return replace(_answer(text, cites, reading, as_of, actions, what), refused=True)
        head = lead_sentence(x, reading.route, cites.cite(ctx.records.section(x.section_id)))
        return _answer(head + "\n" + lines[0], cites, reading, as_of, actions, what)
    bullet = bool(head) or len(lines) > 1
    text = "\n".join(([head] if head else []) + [f"- {ln}" if bullet else ln for ln in lines])
    rest = actions[len(lines):]
    if rest:  # each number once (several rows of a table share one); each interface says where the rest are
        numbers = list(dict.fromkeys(x.number or shorten(x.title, 30) for x in rest))
        shown = ", ".join(numbers[:MORE_NUMBERS]) + (", …" if len(numbers) > MORE_NUMBERS else "")
        text += f"\n…and {len(rest)} more, numbered {shown}."
    return _answer(text, cites, reading, as_of, actions, what, more=len(rest))


def _answer(text: str, cites: Citations, reading: Reading, as_of: date, actions: list[Action], what: str,
            more: int = 0) -> Answer:
    return Answer(answer=text, citations=tuple(cites.items), refused=False, route=reading.route, as_of=as_of,
                  retrieved=tuple(dict.fromkeys(x.section_id for x in actions)),
                  meta={"listing": what or "by number", "count": len(actions), "more": more})
