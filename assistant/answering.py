"""Answer strategies: evidence answers (driver, funding, budget, content, single deadlines),
deadline windows from the action records, cross-plan answers, and refusals.

Example::

    answerer = Answerer(assistant)
    answer = answerer.answer(question, read_question(question, as_of=today), plans=[], as_of=today)
"""

from __future__ import annotations

from datetime import date
from typing import Any

from assistant.compose import Citations, days_phrase, mentions_in_window, render_action, render_unit, short_name
from assistant.evidence import Unit, focus_terms, has_answer_type, units_of
from assistant.models import Answer
from assistant.retrieve import Hit, query_terms
from assistant.route import Reading
from indexer.models import Action, Plan
from indexer.records import due_date

MIN_COVERAGE = 0.34  # below this the best passage does not support an answer
ANSWER_BUDGET = 1500  # characters of answer text (the hard limit for a useful answer is 2,000)
TIME_WORDS = {"next", "month", "months", "week", "weeks", "year", "years", "days", "day", "due", "deadline",
              "deadlines", "scheduled", "coming", "upcoming", "still", "ahead", "end", "when", "long"}


class Answerer:
    def __init__(self, assistant: Any) -> None:
        self.a = assistant

    # -- entry -----------------------------------------------------------------------------
    def answer(self, question: str, reading: Reading, plans: list[Plan], as_of: date) -> Answer:
        plan_ids = [p.id for p in plans] or None
        plan_words = {w for p in plans for w in query_terms(f"{p.organisation} {p.title} {p.period}")}
        terms = [t for t in query_terms(question) if t not in plan_words] or query_terms(question)
        if reading.route == "cross_plan" and (not plans or len(plans) > 1):
            return self._cross_plan(question, terms, plans, as_of)
        hits = self.a.retriever.search(question, k=8, plan_ids=plan_ids)
        if reading.route == "deadline" and (reading.window or _asks_next_deadline(question)):
            ans = self._deadlines(question, reading, terms, plans, hits, as_of)
            if ans is not None:
                return ans
        return self._evidence(question, reading, terms, plans, hits, as_of, plan_words)

    # -- evidence answers --------------------------------------------------------------------
    def _score(self, unit: Unit, terms: list[str], hit: Hit | None) -> float:
        context = " ".join(unit.section.heading_path)
        cov = self.a.lexicon.coverage(terms, unit.text, context)
        prior = 0.12 / unit.rank
        dense = (hit.dense or 0.0) * 0.15 if hit else 0.0
        return cov + prior + dense

    def _ranked_units(self, hits: list[Hit], terms: list[str]) -> list[tuple[float, Unit, Hit]]:
        scored = []
        for rank, hit in enumerate(hits, start=1):
            for u in units_of(hit.section, rank):
                scored.append((self._score(u, terms, hit), u, hit))
        scored.sort(key=lambda x: -x[0])
        return scored

    def _evidence(self, question: str, reading: Reading, terms: list[str], plans: list[Plan],
                  hits: list[Hit], as_of: date, plan_words: set[str]) -> Answer:
        retrieved = tuple(h.section.id for h in hits)
        ranked = self._ranked_units(hits, terms)
        if not ranked:
            return self._refuse(question, reading, hits, as_of, "nothing in the plans matches it")
        cov = {id(u): self.a.lexicon.coverage(terms, u.text, " ".join(u.section.heading_path))
               for _, u, _ in ranked}
        top_score, top, _ = ranked[0]
        if cov[id(top)] < MIN_COVERAGE:
            return self._refuse(question, reading, hits, as_of, "no passage supports an answer")
        if reading.answer_type:
            focus = focus_terms(question, plan_words, self.a.lexicon)[:1]
            typed = [(s, u, h) for s, u, h in ranked
                     if has_answer_type(reading.answer_type, u.text, reading.count_noun)
                     and cov[id(u)] >= max(MIN_COVERAGE, 0.6 * cov[id(top)])
                     and all(f.lower() in (u.text + " " + " ".join(u.section.heading_path)).lower()
                             for f in focus)]
            if not typed:
                what = {"date_day": "the date", "date": "the date", "amount": "the amount",
                        "count": "the number", "country": "which country", "place": "the place",
                        "findings": "the findings"}[reading.answer_type]
                return self._refuse(question, reading, hits, as_of,
                                    f"they do not give {what} you ask for")
            ranked = typed + [r for r in ranked if r not in typed]
            top_score, top, _ = ranked[0]
        chosen: list[tuple[float, Unit, Hit]] = [ranked[0]]
        limit = 3 if reading.route in ("content",) else 2
        for s, u, h in ranked[1:]:
            if len(chosen) >= limit:
                break
            if s < 0.8 * top_score or cov[id(u)] < MIN_COVERAGE:
                break
            if any(u.section.id == c[1].section.id and u.section.kind == "table_row" for c in chosen):
                continue
            if any(u.text == c[1].text for c in chosen):
                continue
            chosen.append((s, u, h))
        chosen.sort(key=lambda x: (x[1].section.plan_id, x[1].section.ordinal))
        cites = Citations(self.a.records)
        lines = []
        for _, u, _ in chosen:
            lines.append(self._render(u, cites, terms, reading, as_of))
        text = _join(lines, plans, self.a.records)
        return Answer(answer=text, citations=tuple(cites.items), refused=False, route=reading.route,
                      as_of=as_of, retrieved=retrieved, meta={"coverage": round(cov[id(top)], 3)})

    def _render(self, u: Unit, cites: Citations, terms: list[str], reading: Reading, as_of: date) -> str:
        actions = self.a.actions_by_section.get(u.section.id, []) if u.section.kind == "table_row" else []
        if actions:
            best = max(actions, key=lambda a: self.a.lexicon.coverage(terms, f"{a.title} {a.text}"))
            return render_action(best, u.section, cites, terms=terms, lexicon=self.a.lexicon, as_of=as_of,
                                 show_due=reading.route == "deadline")
        line = render_unit(u.text, u.section, cites)
        if reading.route == "deadline":
            for a in self.a.actions_by_section.get(u.section.id, []):
                due = due_date(a, as_of)
                if due:
                    line += f" (next due {due.isoformat()}: {days_phrase(due, as_of)})"
                    break
        return line

    # -- deadlines ---------------------------------------------------------------------------
    def _deadlines(self, question: str, reading: Reading, terms: list[str], plans: list[Plan],
                   hits: list[Hit], as_of: date) -> Answer | None:
        topic = [t for t in terms if t not in TIME_WORDS]
        pool = [a for a in self.a.actions if not plans or a.plan in {p.id for p in plans}]
        lex = self.a.lexicon

        def relevance(a: Action) -> float:
            return lex.coverage(topic, f"{a.title} {a.text} {' '.join(a.drivers)}", a.need) if topic else 1.0

        scored = [(relevance(a), a) for a in pool]
        best_rel = max((r for r, _ in scored), default=0.0)
        if topic and best_rel < MIN_COVERAGE:
            return None
        relevant = [a for r, a in scored if r >= 0.6 * best_rel]
        cites = Citations(self.a.records)
        lines = []
        if reading.window:
            found = []
            for a in relevant:
                for r in mentions_in_window(a, reading.window):
                    found.append((r.start or r.end, a))
                    break
            found.sort(key=lambda x: x[0])
            lo, hi = reading.window
            for _, a in found[:8]:
                lines.append("- " + render_action(a, self.a.records.section(a.section_id), cites,
                                                  terms=topic, lexicon=lex, as_of=as_of))
            if not lines:
                return self._nothing_due(reading, relevant or pool, as_of, hits)
            head = f"Due {reading.window_text} ({lo.isoformat()} to {hi.isoformat()}), as of {as_of.isoformat()}:"
        else:
            upcoming = sorted(((due_date(a, as_of), a) for a in relevant if due_date(a, as_of)),
                              key=lambda x: x[0])
            if not upcoming:
                return self._nothing_due(reading, relevant or pool, as_of, hits)
            first = upcoming[0][0]
            for due, a in [u for u in upcoming if u[0] == first][:3]:
                lines.append("- " + render_action(a, self.a.records.section(a.section_id), cites, terms=topic,
                                                  lexicon=lex, as_of=as_of, show_due=True))
            head = f"The next deadline after {as_of.isoformat()}:"
        text = head + "\n" + "\n".join(lines)
        return Answer(answer=_trim(text), citations=tuple(cites.items), refused=False, route="deadline",
                      as_of=as_of, retrieved=tuple(h.section.id for h in hits))

    def _nothing_due(self, reading: Reading, pool: list[Action], as_of: date, hits: list[Hit]) -> Answer:
        cites = Citations(self.a.records)
        latest = sorted((a for a in pool if a.end), key=lambda a: a.end, reverse=True)[:3]
        when = reading.window_text or "after that date"
        lines = [f"Nothing in the plans falls due {when} (as of {as_of.isoformat()})."]
        if latest:
            lines.append("The latest deadlines they give are:")
            for a in latest:
                lines.append("- " + render_action(a, self.a.records.section(a.section_id), cites, terms=[],
                                                  lexicon=self.a.lexicon, as_of=as_of))
        return Answer(answer="\n".join(lines), citations=tuple(cites.items), refused=False, route="deadline",
                      as_of=as_of, retrieved=tuple(h.section.id for h in hits), meta={"nothing_due": True})

    # -- cross-plan ---------------------------------------------------------------------------
    def _cross_plan(self, question: str, terms: list[str], plans: list[Plan], as_of: date) -> Answer:
        pool = plans or self.a.plans
        cites = Citations(self.a.records)
        lines, missing, retrieved = [], [], []
        for p in pool:
            hits = self.a.retriever.search(question, k=6, plan_ids=[p.id])
            retrieved += [h.section.id for h in hits[:2]]
            ranked = self._ranked_units(hits, terms)
            good = [(s, u) for s, u, _ in ranked
                    if self.a.lexicon.coverage(terms, u.text, " ".join(u.section.heading_path)) >= 0.3]
            if not good:
                missing.append(short_name(p))
                continue
            picked = [good[0][1]]
            for s, u in good[1:]:
                if s >= 0.75 * good[0][0] and u.section.id != picked[0].section.id:
                    picked.append(u)
                    break
            body = " ".join(render_unit(_short(u.text), u.section, cites) for u in picked)
            lines.append(f"- **{short_name(p)}** ({p.title}): {body}")
        if not lines:
            return self._refuse(question, None, [], as_of, "none of the plans addresses it")
        text = "\n".join(lines)
        if missing:
            text += "\n- Not found in: " + ", ".join(missing) + "."
        return Answer(answer=_trim(text), citations=tuple(cites.items), refused=False, route="cross_plan",
                      as_of=as_of, retrieved=tuple(retrieved))

    # -- refusal -------------------------------------------------------------------------------
    def _refuse(self, question: str, reading: Reading | None, hits: list[Hit], as_of: date,
                why: str) -> Answer:
        cites = Citations(self.a.records)
        nearby = [h for h in hits[:2]]
        text = f"The plans do not say: {why}."
        if nearby:
            refs = "; ".join(f"{' › '.join(h.section.heading_path) or 'title'} "
                             f"({short_name(self.a.records.plan(h.section.plan_id))}) "
                             f"{cites.cite(h.section)}" for h in nearby)
            text += f" Nearby, they cover: {refs}."
        return Answer(answer=text, citations=tuple(cites.items), refused=True,
                      route=reading.route if reading else "refusal", as_of=as_of,
                      retrieved=tuple(h.section.id for h in hits), meta={"refusal_reason": why})


def _asks_next_deadline(question: str) -> bool:
    q = question.lower()
    return any(k in q for k in ("next deadline", "overdue", "deadlines", "falls due", "fall due", "due next"))


def _short(text: str, limit: int = 420) -> str:
    return text if len(text) <= limit else text[: text.rfind(" ", 0, limit)] + " …"


def _trim(text: str) -> str:
    if len(text) <= ANSWER_BUDGET:
        return text
    cut = text.rfind("\n", 0, ANSWER_BUDGET)
    return text[: cut if cut > 0 else ANSWER_BUDGET]


def _join(lines: list[str], plans: list[Plan], records: Any) -> str:
    if len(lines) == 1:
        return _trim(lines[0])
    return _trim("\n".join(f"- {line}" for line in lines))
