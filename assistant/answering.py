"""The evidence answerer: a question prepared (``Query``), the units of the passages found ranked,
and an answer from the best of them (driver, funding, budget, content, single deadlines), or a
refusal. Which strategy answers a question is chosen in ``assistant.grounded``; deadline windows are
in ``assistant.deadlines``, listings in ``assistant.listing``, cross-plan answers in
``assistant.crossplan``.

Example::

    answerer = Answerer(Context.of(assistant))
    q = answerer.prepare(question, plans=[])
    answer = answerer.evidence(q, reading, answerer.ctx.retriever.search(q.text, k=SEARCH_K), as_of=today)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from assistant import vocab
from assistant.compose import (
    MISSING_FACT,
    Citations,
    cut_at_line,
    days_phrase,
    lead_sentence,
    not_stated,
    render_action,
    render_unit,
    shorten,
    states,
    where_said,
)
from assistant.evidence import DATE_DAY, MONEY_WORDS, SYNONYMS, Unit, focus_terms, has_answer_type, stem, units_of
from assistant.kinds.base import Context
from assistant.models import Answer
from assistant.names import NameTable, plan_years, title_names
from assistant.policy import (
    ACTION_RECORD_BONUS,
    ANSWER_BUDGET,
    DENSE_WEIGHT,
    FLOOR_BROAD,
    FLOOR_NARROW,
    GLOSSARY_DAMPING,
    HEADING_FACT_CHARS,
    LEAD_IN_CHARS,
    LONG_UNIT_CHARS,
    LONG_UNIT_FLOOR,
    LOWER_NAME_CHARS,
    MIN_COVERAGE,
    ONE_FACT_COVER,
    RANK_WEIGHT,
    RELATED_CHARS,
    ROW_ACTION_SHARE,
    ROW_ACTIONS,
    SEMANTIC_SUPPORT,
    SET_ASIDE_DAMPING,
    STATED_SHARE,
    TITLE_BLOCK_DAMPING,
    TYPED_COVER,
    UNIT_MEANING,
    UNITS_BROAD,
    UNITS_NARROW,
)
from assistant.retrieve import STOPWORDS, Hit, query_terms
from assistant.route import Reading, Route, question_parts, set_aside
from indexer.dates import parse_timeline
from indexer.models import Action, Plan
from indexer.records import due_date
from indexer.store import take

# "which organisations / countries …": the asker's word for an actor, never a fact the plans must write
ACTOR_NOUNS = vocab.words("actor_nouns")
_GLOSSARY_Q = re.compile(r"\b(stand for|abbreviation|acronym|short for)\b", re.I)
_MULTI = re.compile(r",? and (?:who|when|what|which|how|where|whether|is|are|at|in|out|does|did|has)\b|"
                    r"\? .+\?", re.I)
_TYPE_NAME = {"date_day": "the date", "date": "the date", "amount": "the amount", "count": "the number",
              "country": "which country", "person": "the person's name", "contact": "the contact details",
              "place": "the place",
              "findings": "the findings"}


_PART_SPLIT = re.compile(r"\s*(?:[(),;/]|\s[–-]\s)\s*")


def name_parts(name: str) -> list[str]:
    """The names inside a driver as a plan writes it: the name before a parenthesis and the names in
    it ("CoE (iPROCEEDS, Cybercrime Programme Office)" -> "CoE", "iPROCEEDS", "Cybercrime Programme
    Office"); a part in lower case ("cross-pillar action!") or with no letters is not a name."""
    parts = [p.strip(" .!*") for p in _PART_SPLIT.split(name)]
    return [p for p in parts if p != name and len(p) >= 3 and any(c.isupper() for c in p)]


# a sentence that continues the one before it and is not understood alone ("Also, the gains … are
# another factor"; "However, …"; "These measures …"): English connectives and pointing words
_LEANS_BACK = re.compile(r"\W*(?:also|for example|for instance|moreover|furthermore|in addition|additionally|however|"
                         r"therefore|thus|hence|consequently|as a result|this|these|such|that|it|they)\b", re.I)
_ANOTHER = re.compile(r"\b(?:another|other (?:factor|reason|cause)s?|further (?:factor|reason|cause)s?)\b", re.I)
LEANS_BACK_CHARS = 160  # "another" this early in a sentence points back

# "the date of the next meeting": a day still to come is asked for, not one the plan looks back on
_AHEAD = re.compile(r"\b(?:next|upcoming|forthcoming|future)\b", re.I)


# the prefix ``render`` puts before a line whose asked-for fact is in its heading
_UNDER = re.compile(r"Under “([^”]*)”: ")


def _once_under(lines: list[str]) -> list[str]:
    """A heading quoted before several lines ("Under “A. …”: ") is quoted before the first only."""
    seen: set[str] = set()
    out = []
    for line in lines:
        m = _UNDER.match(line)
        if m and m.group(0) in seen:
            line = line[m.end():]
        elif m:
            seen.add(m.group(0))
        out.append(line)
    return out


def _heading(u: Unit) -> str:
    """The heading a unit sits under (the nearest one), or ""."""
    return u.section.heading_path[-1] if u.section.heading_path else ""


def _dated_from(text: str, as_of: date) -> bool:
    """Does the text give a day on or after ``as_of`` (read by the indexer's date parser)?"""
    for m in DATE_DAY.finditer(text):
        r = parse_timeline(m.group(0)).range
        if (r.end or r.start or date.min) >= as_of:
            return True
    return False


@dataclass(frozen=True)
class Query:
    """A question prepared for answering: its terms (plan names left out) and aliases."""

    text: str  # the question plus the acronyms of names it spells out (dense search)
    question: str  # as asked
    lexical: str  # content words (plan names left out when a plan is chosen), acronyms, synonyms
    terms: list[str]
    aliases: dict[str, tuple[str, ...]]
    plans: list[Plan]
    plan_words: set[str]
    set_aside: tuple[str, ...] = ()  # stems of what the question excludes ("(not the terrorism one)")


class Answerer:
    """The grounded evidence answerer over the index as ``Context`` gives it: prepares a question,
    ranks the units of the passages found and answers from the best of them, or refuses."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        # every driver as the plans write it, for "what does X lead?" questions
        # with the names inside them: "CoE (iPROCEEDS, Cybercrime Programme Office)" is also "CoE" and
        # "iPROCEEDS", so "what does iPROCEEDS run?" finds it
        self.driver_names = list(dict.fromkeys(
            part for n in ctx.driver_names for part in (n, *name_parts(n))))
        self.driver_table = NameTable(n.lower() for n in self.driver_names if len(n) >= 3)
        # each plan's own period bounds its recurring deadlines
        self.periods = ctx.periods
        # which facts each plan states for most of its actions (its convention: "- Responsible: …"),
        # read per plan when first needed
        self._conventions: dict[tuple[str, Route], bool] = {}

    def prepare(self, question: str, plans: list[Plan]) -> Query:
        plan_words = {w for p in plans for w in query_terms(f"{p.organisation} {p.title} {p.period}")}
        # a plan's years as chat shortens them ("bsec 21", "2011-13") name the plan, not a topic
        plan_words |= {y[2:] for p in plans for y in plan_years(p)}
        # a plan's names in any form ("the western balkans plan": its "Western Balkan") are not topic words
        name_stems = {stem(w) for p in plans for n in {p.organisation.lower()} | title_names(p) for w in n.split()}
        asked, aside = set_aside(question)  # what the question sets aside is not searched for
        terms = [t for t in query_terms(asked) if t not in plan_words and stem(t) not in name_stems] \
            or query_terms(asked)
        aliases, extra = self.ctx.acronyms.aliases(asked)
        # a word the plans never use cannot match: search for its synonyms instead
        syn = [f"{w}*" for t in terms if self.ctx.lexicon.df.get(stem(t), 0) == 0
               for w in SYNONYMS.get(t, ()) if " " not in w]
        lexical = " ".join([*terms, *query_terms(extra), *syn])
        return Query(f"{asked} {extra}".strip(), question, lexical, terms, aliases, plans, plan_words,
                     tuple(stem(w) for w in aside if w not in STOPWORDS))

    def coverage(self, q: Query, unit_text: str, context: str = "") -> float:
        return self.ctx.lexicon.coverage(q.terms, unit_text, context, q.aliases)

    def names_something_in_the_plans(self, question: str) -> bool:
        """An acronym, coined or proper name the plans use ("SIRAS", "iPROCEEDS", "Prüm", "Jable") puts a
        short question on topic even when its embedding is far from every passage: a word with two
        capitals, or a capitalised word that is not common English, after the question's first word. Typed
        in lower case, as chat is ("osce", "iproceeds"), a word the plans write that is not common English
        counts too."""
        for m in re.finditer(r"\b\w+\b", question):
            w = m.group(0)
            if len(w) < 3 or self.ctx.lexicon.df.get(stem(w), 0) == 0:
                continue
            if w.islower():
                if len(w) >= LOWER_NAME_CHARS and not w.isdigit() and not self.ctx.common_word(w):
                    return True
            elif sum(c.isupper() for c in w) >= 2 or (m.start() > 0 and not self.ctx.common_word(w.lower())):
                return True
        return False

    # -- evidence answers --------------------------------------------------------------------
    def score(self, q: Query, unit: Unit, hit: Hit | None, reading: Reading | None,
              cov: float) -> float:
        """Rank a unit: its coverage of the question, the retrieval rank and similarity, its kind."""
        s = cov + RANK_WEIGHT / unit.rank + ((hit.dense or 0.0) * DENSE_WEIGHT if hit else 0.0)
        if unit.section.kind == "glossary" and not _GLOSSARY_Q.search(q.question):
            s *= GLOSSARY_DAMPING
        elif unit.section.kind == "heading":  # the title block: names everything, says little
            s *= TITLE_BLOCK_DAMPING
        elif unit.section.kind != "table_row" and len(unit.text) > LONG_UNIT_CHARS:
            # a long run-on unit covers words by bulk
            s *= max(LONG_UNIT_FLOOR, (LONG_UNIT_CHARS / len(unit.text)) ** 0.5)
        if q.set_aside and any(stem(w) in q.set_aside
                               for w in query_terms(f"{unit.text} {' '.join(unit.section.heading_path[-1:])}")):
            s *= SET_ASIDE_DAMPING  # about what the question sets aside: after the passages it asks for
        if reading and reading.route in (Route.DRIVER, Route.FUNDING, Route.DEADLINE) and \
                self.ctx.actions_of(unit.section.id):
            s += ACTION_RECORD_BONUS  # who/funded/when questions are about actions: their records answer them
        return s

    def ranked_units(self, q: Query, hits: list[Hit],
                     reading: Reading | None) -> list[tuple[float, Unit, float]]:
        """(score, unit, coverage) for every unit of the hits, best first."""
        scored = []
        sims = self.unit_similarities(q, hits)
        for rank, hit in enumerate(hits, start=1):
            near = sims.get(hit.section.id)
            for k, u in enumerate(units_of(hit.section, rank)):
                cov = self.coverage(q, u.text, " ".join(u.section.heading_path))
                s = self.score(q, u, hit, reading, cov)
                if near is not None and k < len(near):
                    u = replace(u, meaning=float(near[k]))
                    s += UNIT_MEANING * u.meaning  # closeness in meaning ranks units worded unlike the question
                scored.append((s, u, cov))
        scored.sort(key=lambda x: -x[0])
        return scored

    def unit_similarities(self, q: Query, hits: list[Hit]) -> dict[str, Any]:
        """Per section, the cosine of each of its units (in unit order) to the question, from the unit
        vectors the indexer stored (empty when the index has none)."""
        if not self.ctx.vectors_present or not hits or not self.ctx.has_unit_vectors:
            return {}
        vectors = self.ctx.records.unit_vectors([h.section.id for h in hits])
        if not vectors:
            return {}
        import numpy as np

        question = np.asarray(self.ctx.embed_query(q.text), dtype=np.float32)
        return {sid: v @ question for sid, v in vectors.items()}

    def evidence(self, q: Query, reading: Reading, hits: list[Hit], as_of: date) -> Answer:
        retrieved = tuple(h.section.id for h in hits)
        scored = self.ranked_units(q, hits, reading)
        if not scored:
            return self.refuse(reading, hits, as_of, "nothing in the plans matches it")
        cov = {id(u): c for _, u, c in scored}
        ranked = [(s, u) for s, u, _ in scored]
        top = ranked[0][1]
        best_dense = max((h.dense or 0.0 for h in hits), default=0.0)
        # the words may differ (paraphrase, informal wording) while the meaning is close: an on-topic
        # question is answered from its closest passages, not refused for a missing keyword
        if cov[id(top)] < MIN_COVERAGE and best_dense < SEMANTIC_SUPPORT:
            return self.refuse(reading, hits, as_of, "no passage supports an answer")
        if reading.asked_noun and reading.asked_noun not in ACTOR_NOUNS \
                and not self.written(reading.asked_noun, [p.id for p in q.plans]):
            # "what salary / which languages …": the kind of fact asked for is a word the plans (the
            # plans the question names, when it names some) never write, so none of their passages
            # holds it; what they do say nearby is shown
            who = f"the {' and '.join(p.short_name for p in q.plans)} plan{'s' if len(q.plans) > 1 else ''}" \
                if q.plans else "they"
            return self.refuse(reading, hits, as_of, f"{who} never speak{'s' if len(q.plans) == 1 else ''} of "
                               f"{reading.asked_noun}", related=ranked[0][1])
        need = min(MIN_COVERAGE, cov[id(top)])  # the lexical support a further passage must have
        if reading.answer_type:
            focus = focus_terms(q.question, q.plan_words, self.ctx.lexicon)[:1]
            ahead = reading.answer_type == "date_day" and bool(_AHEAD.search(q.question))
            typed = [(s, u) for s, u in ranked
                     if any(has_answer_type(reading.answer_type, t, reading.count_noun)
                            and (not ahead or _dated_from(t, as_of)) for t in (u.text, _heading(u)))
                     and cov[id(u)] >= max(need, TYPED_COVER * cov[id(top)])
                     and all(f.lower() in f"{u.text} {' '.join(u.section.heading_path)}".lower() for f in focus)]
            if not typed:  # an honest partial answer: the fact is missing, what they do say is shown
                return self.refuse(reading, hits, as_of,
                                   f"they do not give {_TYPE_NAME[reading.answer_type]} you ask for",
                                   related=ranked[0][1])
            ranked = typed + [r for r in ranked if r not in typed]
        if reading.route == Route.FUNDING and not reading.answer_type:
            # a funding question needs a passage that says something of money: a funding line of an
            # action, or the words plans use for it; else an honest partial answer
            funded = [(s, u) for s, u in ranked if cov[id(u)] >= need and self.speaks_of_money(u)]
            if not funded:
                return self.refuse(reading, hits, as_of, "they do not say how it is funded", related=ranked[0][1])
            ranked = funded + [r for r in ranked if r not in funded]
        multi = bool(_MULTI.search(q.question))
        limit = UNITS_BROAD if (reading.route == Route.CONTENT or multi) else UNITS_NARROW
        floor = FLOOR_BROAD if (reading.route == Route.CONTENT or multi) else FLOOR_NARROW
        top_score = ranked[0][0]
        chosen = [ranked[0][1]]
        for s, u in ranked[1:]:
            if len(chosen) >= limit or s < floor * top_score:
                break
            if (cov[id(u)] < need and u.meaning < SEMANTIC_SUPPORT) or any(u.text == c.text for c in chosen):
                continue  # a further passage holds the question's words, or is as close in meaning
            if u.section.kind == "table_row" and any(c.section.id == u.section.id for c in chosen):
                continue
            if ((u.section.kind == "table_row" or not multi)
                    and reading.route in (Route.DRIVER, Route.FUNDING, Route.DEADLINE, Route.BUDGET)
                    and cov[id(u)] < ONE_FACT_COVER * cov[id(top)]):
                continue  # one thing was asked about: add another only when it fits as well
            chosen.append(u)
        if multi:  # each further part of the question ("…, and who is in charge?") gets its best unit
            for part in question_parts(q.question)[1:]:
                part_terms = [t for t in query_terms(part) if t not in q.plan_words]
                if not part_terms:
                    continue
                others = [u for _, u in ranked if all(u.text != c.text for c in chosen)]
                if not others or len(chosen) > limit:
                    break
                best = max(others, key=lambda u: self.ctx.lexicon.coverage(
                    part_terms + q.terms, u.text, " ".join(u.section.heading_path)))
                if cov[id(best)] >= need and best.section.kind != "table_row":
                    chosen.append(best)
        # best first; units of one section stay together, in the order the plan has them
        first_seen: dict[str, int] = {}
        for k, u in enumerate(chosen):
            first_seen.setdefault(u.section.id, k)
        chosen.sort(key=lambda u: (first_seen[u.section.id], u.section.text.find(u.text)))
        cites = Citations(self.ctx.records)
        lines = _once_under([self.render(u, cites, q, reading, as_of) for u in chosen])
        heading_says = _UNDER.match(lines[0])
        if heading_says:  # the asked-for fact is in the heading: the heading, quoted, answers first
            lines[0] = lines[0][heading_says.end():]
        text = cut_at_line(lines[0] if len(lines) == 1 else "\n".join(f"- {ln}" for ln in lines), ANSWER_BUDGET)
        where = False  # the first line says where the plans say it (not a fact of its own)
        subject = self.subject(chosen[0], q) if reading.route in MISSING_FACT else None
        if subject is not None and not states(subject, reading.route) \
                and self.states_as_a_rule(subject.plan, reading.route) \
                and all(u.section.id == chosen[0].section.id for u in chosen):
            # the plan states this fact for its actions as a rule, and not for this one: an honest
            # partial answer ("The plan does not say who drives B.1. What it says of it: …")
            said, why = not_stated(subject, reading.route, text)
            return Answer(answer=said, citations=tuple(cites.items), refused=True, route=reading.route,
                          as_of=as_of, retrieved=retrieved, meta=why)
        if heading_says:
            plan = self.ctx.records.plan(chosen[0].section.plan_id).short_name
            text = (f"The {plan} plan's heading says: “{heading_says.group(1)}” "
                    f"{cites.cite(chosen[0].section)}.\n{text}")
        elif subject is not None and states(subject, reading.route):  # the asked fact first, in a sentence
            text = lead_sentence(subject, reading.route, cites.cite(chosen[0].section)) + "\n" + text
        elif reading.route == Route.CONTENT:  # which plan says it, and where, in a sentence
            names = {p.id: p.short_name for p in self.ctx.plans}
            lead = where_said([u.section for u in chosen], names, q.question, cites.cite)
            text = cut_at_line(f"{lead}\n{text}", ANSWER_BUDGET) if lead else text
            where = bool(lead)
        return Answer(answer=text, citations=tuple(cites.items), refused=False, route=reading.route,
                      as_of=as_of, retrieved=retrieved,
                      meta={"coverage": round(cov[id(top)], 3), "lead_says_where": where})

    def states_as_a_rule(self, plan_id: str, route: Route) -> bool:
        """Does the plan state this fact (drivers, funding, timeline) for at least ``STATED_SHARE`` of its
        actions? Then where it has the fact it writes it, and an action without it goes without."""
        key = (plan_id, route)
        if key not in self._conventions:
            own = take(self.ctx.actions, self.ctx.action_index.positions([plan_id]))
            self._conventions[key] = bool(own) and sum(states(a, route) for a in own) >= STATED_SHARE * len(own)
        return self._conventions[key]

    def written(self, word: str, plan_ids: list[str] | None = None) -> bool:
        """Do the plans (these plans, when given) write this word (any form of it), or is it a word of
        framing or a synonym the scorer reads as the plans' own words?"""
        if word in STOPWORDS or word in SYNONYMS or stem(word) in SYNONYMS:
            return True
        if plan_ids:
            in_plans = self.ctx.records.plans_write(plan_ids, stem(word))
            if in_plans is not None:
                return in_plans
        return self.ctx.lexicon.df.get(stem(word), 0) > 0

    def speaks_of_money(self, u: Unit) -> bool:
        return bool(MONEY_WORDS.search(u.text)) or any(states(a, Route.FUNDING)
                                                       for a in self.ctx.actions_of(u.section.id))

    def subject(self, u: Unit, q: Query) -> Action | None:
        """The action a passage is about (the one the question's words fit best, when several)."""
        actions = self.ctx.actions_of(u.section.id)
        if not actions:
            return None
        return max(actions, key=lambda a: self.action_fit(q, a))

    def action_fit(self, q: Query, a: Action) -> float:
        """How well an action (its title, text and drivers) covers the question's words."""
        return self.coverage(q, f"{a.title} {a.text} {' '.join(a.drivers)}")

    def render(self, u: Unit, cites: Citations, q: Query, reading: Reading, as_of: date) -> str:
        actions = self.ctx.actions_of(u.section.id) if u.section.kind == "table_row" else []
        if actions:
            if len(actions) > 1:  # a row holding several actions: the ones the question is about
                cov = {a.id: self.action_fit(q, a) for a in actions}
                best = max(cov.values())
                actions = [a for a in actions if cov[a.id] >= ROW_ACTION_SHARE * best][:ROW_ACTIONS]
            return " ".join(render_action(a, u.section, cites, terms=q.terms, lexicon=self.ctx.lexicon,
                                          as_of=as_of, show_due=reading.route == Route.DEADLINE,
                                          period=self.periods.get(a.plan), focus=reading.route)
                            for a in actions)
        text = u.text
        if _LEANS_BACK.match(text) or _ANOTHER.search(text[:LEANS_BACK_CHARS]):
            # "Also, … are another factor": the sentence it continues is shown with it
            texts = [x.text for x in units_of(u.section, u.rank)]
            k = texts.index(text) if text in texts else 0
            if k > 0 and not texts[k - 1].rstrip().endswith(":"):
                text = f"{texts[k - 1]} {text}"
        if text.rstrip().endswith(":"):  # a lead-in: the list it introduces is the answer
            rest = u.section.text[u.section.text.find(text) + len(text):].strip()
            if rest:
                text = f"{text} {rest[:LEAD_IN_CHARS]}"
        line = render_unit(text, u.section, cites)
        heading = _heading(u)
        if (reading.answer_type and heading and heading not in text
                and not has_answer_type(reading.answer_type, text, reading.count_noun)
                and has_answer_type(reading.answer_type, heading, reading.count_noun)):
            # the asked-for fact is written in the heading the passage sits under ("A. … done in Kyiv
            # on March the 15th, 2002"): the heading is quoted with it
            line = f"Under “{shorten(heading, HEADING_FACT_CHARS)}”: {line}"
        if reading.route == Route.DEADLINE:
            for a in self.ctx.actions_of(u.section.id):
                due = due_date(a, as_of, self.periods.get(a.plan))
                if due:
                    line += f" (next due {due.isoformat()}: {days_phrase(due, as_of)})"
                    break
        return line

    # -- refusal -------------------------------------------------------------------------------
    def refuse(self, reading: Reading | None, hits: list[Hit], as_of: date, why: str,
               related: Unit | None = None) -> Answer:
        """Say plainly that the plans do not say, and point at what they cover nearby (``related``:
        the closest passage, shown as what the plans do say)."""
        cites = Citations(self.ctx.records)
        text = f"The plans do not say: {why}."
        if related is not None:
            text += f" What they do say: {render_unit(shorten(related.text, RELATED_CHARS), related.section, cites)}"
        elif hits and "outside" in why:
            names = ", ".join(p.short_name for p in self.ctx.plans)
            text += f" They are plans of action on combating organised crime ({names})."
        elif hits:
            refs = "; ".join(f"{' › '.join(h.section.heading_path[-2:]) or 'title'} "
                             f"({self.ctx.records.plan(h.section.plan_id).short_name}) {cites.cite(h.section)}"
                             for h in hits[:2])
            text += f" Nearby, they cover: {refs}."
        return Answer(answer=text, citations=tuple(cites.items), refused=True,
                      route=reading.route if reading else Route.REFUSAL, as_of=as_of,
                      retrieved=tuple(h.section.id for h in hits), meta={"refusal_reason": why})
