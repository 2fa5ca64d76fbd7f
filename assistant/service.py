"""The one entry point every interface uses: ``Assistant.ask`` (and the module-level ``ask``).

Example::

    bot = Assistant(get_settings())
    answer = bot.ask("Who drives 3.2 in the Western Balkan plan?", as_of=date(2018, 5, 1))
    print(answer.answer, [c.n for c in answer.citations])
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from functools import lru_cache
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant import vocab
from assistant.acronyms import Acronyms
from assistant.action_index import ActionIndex
from assistant.action_terms import ActionTerms
from assistant.answering import Answerer
from assistant.compose import appended, cite_only_what_is_shown, cut_at_line
from assistant.conversation import ConversationMemory, Turn, refers_back
from assistant.crossplan import topic_query
from assistant.evidence import Lexicon, has_answer_type, stem
from assistant.grounded import grounded_answer
from assistant.intent import Intent, IntentClassifier, mask_plans
from assistant.kinds.base import Ask, Context
from assistant.kinds.order import EVIDENCE_ROUTES, build_kinds, choose_kind
from assistant.kinds.overview import matched_aspect
from assistant.models import Answer
from assistant.names import NameTable, plan_years, title_names, years_named
from assistant.policy import FURTHER_PART_LINES, INTENT_CLOSE, MAX_ANSWER, check_question
from assistant.retrieve import STOPWORDS, HybridRetriever
from assistant.route import Route, question_parts, read_question, without_instructions, without_opener
from assistant.spelling import Speller, write_out_shorthand
from indexer.embed import make_query_embedder
from indexer.models import Plan
from indexer.pipeline import current_generation, open_records, open_vectors
from indexer.records import closest_name, plan_horizons, resolve_plan
from indexer.store import ActionList, RecordStore
from indexer.vectors import LazyVectorStore, VectorStore
from plans.errors import ConfigError
from plans.settings import Settings

SHORTHAND = vocab.shorthand()


class Assistant:
    """Holds the index (records, vectors, lexicon) and the conversation memory."""

    def __init__(self, settings: Settings, *, embedder: Embeddings | None = None,
                 records: RecordStore | None = None, vectors: VectorStore | LazyVectorStore | None = None) -> None:
        self.settings = settings
        self.llm = None  # optional phrasing model (PLANS_LLM), checked first so a bad value fails fast
        if settings.llm:
            from assistant.llm import make_chat_model

            self.llm = make_chat_model(settings)
        self.embedder = embedder or make_query_embedder(settings)
        self.records = records or open_records(settings)
        # opened when an answer first searches by meaning (answers by number never do)
        self.vectors: VectorStore | LazyVectorStore = vectors or LazyVectorStore(
            lambda: open_vectors(settings, self.embedder))
        self.generation = current_generation(settings)
        self.has_unit_vectors = self.records.has_unit_vectors()  # indexes built before them have none
        self.retriever = HybridRetriever(self.records, self.vectors)
        self.lexicon = Lexicon.from_index(self.records)
        self.plans: list[Plan] = self.records.plans()
        self.actions: ActionList = ActionList(self.records)  # records read when an answer needs them
        self.acronyms = Acronyms.from_index(self.records)
        self.periods = plan_horizons(self.records)  # each plan's period bounds its recurring deadlines
        self.action_index = ActionIndex(self.actions, self.records, self.periods)
        self.action_terms = ActionTerms(self.actions, self.records)
        self.plan_names = PlanNames(self.plans, written=lambda w: self.lexicon.df.get(stem(w), 0) > 0)
        # the actions a section belongs to, read from the index, the recently used ones kept
        self.actions_of = lru_cache(maxsize=4096)(self.records.actions_of_section)
        self.memory = ConversationMemory()
        self.speller = Speller.from_vocabulary_file(_vocabulary_file(settings),
                                                    self.records.written_words)
        self.context = Context.of(self)  # what the answer kinds and the evidence answerer see of the index
        self.answerer = Answerer(self.context)
        self.kinds = build_kinds()  # the answer kinds, in KIND_ORDER
        self.intents = _load_intents(settings, self.embedder)

    def has_topic(self, question: str) -> bool:
        """Does a question across plans name a topic (beyond words that frame the comparison)?"""
        q = self.answerer.prepare(question, [])
        return topic_query(self.answerer, q) is not q

    def plans_named_in(self, question: str) -> list[Plan]:
        """The plans a question names: by organisation acronym or distinctive title words,
        narrowed by the years it mentions."""
        return _of_the_years(self.plan_names.named_in(question.lower()), question)

    def ask(self, question: str, *, as_of: date | None = None, conversation_id: str | None = None,
            plan: str | None = None) -> Answer:
        """Answer a question from the plans, with numbered citations, or say the plans do not say."""
        question = without_opener(without_instructions(" ".join(check_question(question).split())))
        question = write_out_shorthand(question, SHORTHAND)  # "which orgs …": the word the plans write
        as_of = as_of or date.today()
        last = self.memory.last(conversation_id)
        plans = [resolve_plan(self.records, plan)] if plan else self.plans_named_in(question)
        taking = ""
        if not plans and not plan and (close := self.plan_names.close_to(question)):
            typed, plans = close[0], _of_the_years(close[1], question)  # a misspelt name: read it, and say so
            taking = f"Taking “{typed}” as the {' and the '.join(p.short_name for p in plans)} plan. "
            if len({p.organisation for p in plans}) == 1:  # read on as if the name had been spelt right
                question = re.sub(rf"\b{re.escape(typed)}\b", plans[0].organisation, question)
        question, respelt = self.speller.correct(question)  # "worskhops": the word meant
        # a plan named by its period ("the BSEC plan for July 2011 - June 2013") asks nothing of that time
        asked = without_plan_periods(question, plans)
        # the new words say what is asked, even in a follow-up; read with the plans they name as a slot
        intent = self.intents.classify(asked, np.asarray(self.embedder.embed_query(mask_plans(asked)),
                                                         dtype=np.float32))
        reading = read_question(asked, as_of=as_of, has_history=last is not None)
        kind = choose_kind(intent, reading.route)
        resolved = question
        follow_up = last is not None and (reading.follow_up or refers_back(question))
        if follow_up and last is not None:
            if not plans:
                plans = [self.records.plan(pid) for pid in last.plan_ids]
                resolved = f"{question} {last.question}"
            else:  # "and the ECO plan?": the last question asked of another plan
                resolved = f"{last.question} {question}"
            # the new words say what is asked ("when does it end?"); the resolved text says of what
            own = Route(kind) if kind in EVIDENCE_ROUTES else reading.route if reading.route != Route.CONTENT \
                else last.route
            if own in (Route.FOLLOW_UP, Route.REFUSAL, Route.CROSS_PLAN) and not plans:
                own = Route.CONTENT
            reading = replace(read_question(resolved, as_of=as_of), route=own, follow_up=True)
        elif kind in EVIDENCE_ROUTES and len({p.organisation for p in plans}) >= 2 and not reading.window:
            reading = replace(reading, route=Route.CROSS_PLAN)  # two plans named: the answer compares them
        elif kind in EVIDENCE_ROUTES and kind != reading.route and not reading.window:
            reading = replace(reading, route=Route(kind))  # the meaning decides the route; the rules fill the slots
        ask = Ask(question=resolved, intent=intent.label, confidence=intent.confidence, plans=tuple(plans),
                  as_of=as_of, reading=reading, follow_up=follow_up, said=question,
                  previous=last.section_ids if follow_up and last is not None else ())
        parts = question_parts(question)
        if len(parts) >= 2 and not follow_up:
            # "how many actions …, and who implements it?": the answer kinds take the first part, the
            # passages the further one (answer_further_part)
            ask = replace(ask, question=parts[0], said=parts[0])
        answer = None
        # "when does the BSEC 2021 plan end?": a date of the plan itself (its period), not of an action
        whole = Route.OVERVIEW if kind == Route.DEADLINE and plans and not reading.window and \
            _PLAN_PERIOD.search(question) else ""
        for name in (Route.FOLLOW_UP, whole, kind, runner_up(intent, self.intents, kind)):
            # the previous answer's subject, then the kind the meaning names, then a close second guess
            if name in self.kinds and answer is None:  # a kind may find the question is not its kind after all
                answer = self.kinds[name].answer(ask, self.context)
                if answer is not None and not answer.refused and reading.answer_type in _NAMED_FACTS \
                        and not has_answer_type(reading.answer_type, answer.answer):
                    answer = None  # "in which city was it adopted?": a card without the place does not answer
        if answer is None and not plans and (
                (reading.route == Route.CROSS_PLAN and not self.has_topic(resolved))
                or (_ALL_PLANS.search(question) and matched_aspect(question, strong_only=True) in WHOLE_PLAN)):
            # "what do the plans have in common?", "who coordinates each of the plans?": about the plans
            # themselves, not a topic within them
            overview = replace(ask, intent="plan_overview", confidence=1.0)
            answer = self.kinds[Route.OVERVIEW].answer(overview, self.context)
        if answer is None:
            answer = grounded_answer(self.answerer, resolved, reading, plans, as_of)
        elif not answer.refused and not follow_up:
            answer = self.answer_further_part(answer, question, plans, as_of)
        answer = cite_only_what_is_shown(answer)
        if taking:
            answer = replace(answer, answer=taking + answer.answer)
        cid = conversation_id or uuid.uuid4().hex
        self.memory.add(cid, Turn(resolved, answer.route, tuple(p.id for p in plans),
                                  tuple(c.section_id for c in answer.citations)))
        route = Route.FOLLOW_UP if follow_up else answer.route
        answer = Answer(answer=answer.answer, citations=answer.citations, refused=answer.refused,
                        route=route, as_of=as_of, retrieved=answer.retrieved, conversation_id=cid,
                        meta={**answer.meta, "resolved_question": resolved, "answered_as": answer.route,
                              "plans": [p.id for p in plans], "intent": intent.label,
                              "respelt": [list(pair) for pair in respelt],
                              "intent_confidence": round(intent.confidence, 3)})
        if self.llm is not None and not answer.refused:
            from assistant.llm import phrase

            answer = phrase(self.llm, resolved, answer)
        return answer

    def answer_further_part(self, answer: Answer, question: str, plans: list[Plan], as_of: date) -> Answer:
        """"How many priority needs were agreed, and at which meeting?": an answer kind answered the
        first part; the further part is answered from the passages (read with the first part's words,
        which say what it is about) and added, when they hold it."""
        parts = question_parts(question)
        if len(parts) < 2 or len(parts[1].split()) < 2:
            return answer
        part = parts[1].strip()
        sub = grounded_answer(self.answerer, f"{part} {parts[0]}", read_question(part, as_of=as_of), plans, as_of)
        if sub.refused or sub.route == Route.CROSS_PLAN:
            return answer
        shown = {c.section_id for c in answer.citations}
        sub_sections = {f"[{c.n}]": c.section_id for c in sub.citations}
        # a line quoting only passages the answer already cites adds nothing
        said = sub.answer.splitlines()[1 if sub.meta.get("lead_says_where") else 0:]
        lines = [ln.removeprefix("- ") for ln in said if ln.strip() and not {
            sub_sections.get(ref) for ref in re.findall(r"\[\d+\]", ln)} <= shown][:FURTHER_PART_LINES]
        room = MAX_ANSWER - len(answer.answer) - 1
        text = cut_at_line("\n".join(lines), room) if room > 0 else ""
        return appended(answer, sub, text) if text and text not in answer.answer else answer


# fact kinds a plan card or a count never makes up: when the kind's answer lacks the one asked for, the
# passages are searched for it (and the answer says the plans do not say, if none holds it)
_NAMED_FACTS = frozenset({"person", "contact", "place", "date_day"})


def runner_up(intent: Intent, classifier: IntentClassifier, kind: str) -> str:
    """The kind of the classifier's second guess when it is a near tie (``INTENT_CLOSE``) with a first
    guess the evidence answerer takes; else "" (nothing more to try)."""
    if kind not in EVIDENCE_ROUTES or len(intent.ranked) < 2:
        return ""
    (_, p1), (label2, p2) = intent.ranked[0], intent.ranked[1]
    second = classifier.kind_of(label2)
    return second if p1 - p2 <= INTENT_CLOSE and second not in EVIDENCE_ROUTES else ""


def _of_the_years(named: list[Plan], question: str) -> list[Plan]:
    """"BSEC 2021": of one organisation's plans, those of the years the question names."""
    if len(named) <= 1:
        return named
    years = years_named(question, {p.organisation for p in named})
    if not years:
        return named
    by_org: dict[str, list[Plan]] = {}
    for p in named:
        by_org.setdefault(p.organisation, []).append(p)
    keep: set[str] = set()
    for group in by_org.values():
        dated = [p for p in group if years & plan_years(p)]
        keep |= {p.id for p in (dated or group)}
    return [p for p in named if p.id in keep]


def without_plan_periods(question: str, plans: list[Plan]) -> str:
    """The question without the periods of the plans it names when they are spans ("for July 2011 - June
    2013", "2018-2020"): there they name the plan, and read as a time window they would make a question
    about its content a deadline question. A single year is left: "due in 2021" may be the window."""
    for p in plans:
        parts = re.findall(r"[A-Za-z]+|\d+", p.period)
        if sum(x.isdigit() for x in parts) < 2:
            continue
        span = r"[\s,/–—-]*(?:to\s+|until\s+)?".join(re.escape(x) for x in parts)
        question = re.sub(rf"(?:\b(?:for|of|from|covering|in)\s+)?\(?\b{span}\b\)?", " ", question, flags=re.I)
    return re.sub(r"\s+([?!.,;:])", r"\1", " ".join(question.split()))


class PlanNames:
    """Every plan's names (organisation, distinctive title words) in one table, so finding the
    plans a question names costs a pass over its words, not a regular expression per plan."""

    def __init__(self, plans: list[Plan], written: Callable[[str], bool] = lambda word: False) -> None:
        self.plans = plans
        self.by_name: dict[str, set[int]] = {}
        for i, p in enumerate(plans):
            titled = title_names(p)
            names = {p.organisation.lower()} | titled
            # the initials of a two-word name of the title ("Western Balkans" -> "wb"), when the plans
            # themselves write them as a word: how people shorten the name in chat ("the wb plan"); never
            # initials that spell a word every question has ("Integrative Security" -> "is")
            initials = {"".join(w[0] for w in n.split()) for n in titled}
            names |= {x for x in initials if written(x) and x not in STOPWORDS}
            for a in names:
                if a:
                    self.by_name.setdefault(a, set()).add(i)
        self.table = NameTable(self.by_name)

    def named_in(self, q: str) -> list[Plan]:
        """The plans named in a lower-cased question, in index order."""
        hits = {i for name in self.table.mentioned(q) for i in self.by_name[name]}
        return [self.plans[i] for i in sorted(hits)]

    def close_to(self, question: str) -> tuple[str, list[Plan]] | None:
        """A misspelt plan name ("the ECOO plan", "WBCSI"): the word as typed and the plans whose
        one-word name it stands for (``indexer.records.closest_name``); None when no word does."""
        words = _NAME_BEFORE_PLAN.findall(question) + _ACRONYM.findall(question)
        single = [n for n in self.by_name if " " not in n]
        for typed in dict.fromkeys(words):
            if typed.lower() in self.by_name or typed.lower() in _NOT_NAMES:
                continue
            if close := closest_name(typed, single):
                return typed, [self.plans[i] for i in sorted(self.by_name[close])]
        return None


# a word right before "plan" ("the ECOO plan"), or a word in capitals: the places a plan's name is typed
_NAME_BEFORE_PLAN = re.compile(r"\b([A-Za-z]{3,})(?:'s|’s)?\s+(?:\d{4}(?:[-–]\d{2,4})?\s+)?(?:action plan|plan|"
                               r"plan of action)\b")
_ACRONYM = re.compile(r"\b[A-Z]{3,}[a-z]?\b")
# the plans spoken of together ("each of the plans", "these plans"), and what a question may ask of
# each of them as a whole (the overview aspects that are about a plan, not a topic in it)
_ALL_PLANS = re.compile(r"\b(?:the|these|those|all|all the|each of the|both|the different|the various|your) plans\b|"
                        r"\b(?:each|every) plan\b", re.I)
WHOLE_PLAN = ("players", "adoption")
# the plan itself as the subject of a date ("when does the BSEC 2021 plan end?", "how long does the plan run")
_PLAN_PERIOD = re.compile(r"\b(?:plan|action plan|plan of action)\s+(?:end|start|begin|expire|run|last|(?:is )?valid)"
                          r"\w*\b", re.I)
_NOT_NAMES = frozenset("the this that which what whole each every any other new old action work main same your "
                       "their its our".split())





def _vocabulary_file(settings: Settings) -> Path | None:
    """The embedding model's word list, which tells a misspelt word from a known one (None without one)."""
    try:
        return Path(settings.model_path()) / "vocab.txt"
    except ConfigError:  # no packaged model: no spelling help
        return None


def _load_intents(settings: Settings, embedder: Embeddings) -> IntentClassifier:
    """The intent classifier over the query embedder; its example vectors are cached in the data folder."""
    return IntentClassifier.load(lambda xs: np.asarray(embedder.embed_documents(xs), dtype=np.float32),
                                 Path(settings.data_dir))


_DEFAULT: Assistant | None = None


def ask(question: str, *, as_of: date | None = None, conversation_id: str | None = None,
        plan: str | None = None) -> Answer:
    """Module-level entry point over the default settings' index."""
    global _DEFAULT
    from plans.settings import get_settings

    if _DEFAULT is None:
        _DEFAULT = Assistant(get_settings())
    return _DEFAULT.ask(question, as_of=as_of, conversation_id=conversation_id, plan=plan)
