"""Thresholds, weights and length budgets of the answering core, in one place, each with what it does.

Tuned only on the "tune" part of the gold split (``eval.score.part_of``); the "holdout" part is
reported, never looked at while choosing these.
"""

from __future__ import annotations

from plans.errors import InputError

# -- questions ----------------------------------------------------------------------------------
MAX_QUESTION = 2000  # characters of a question any interface accepts (Assistant.ask, the API, Slack)


def check_question(question: str) -> str:
    """``question`` when it is one the assistant reads: not empty, at most MAX_QUESTION characters;
    else an InputError with a sentence (and the length and limit as its detail)."""
    if not isinstance(question, str) or not question.strip():
        raise InputError("The question is empty: ask something about the plans.")
    if len(question) > MAX_QUESTION:
        raise InputError(f"The question is {len(question):,} characters long; the limit is {MAX_QUESTION:,}.",
                         detail={"length": len(question), "limit": MAX_QUESTION})
    return question


# -- topic and support ------------------------------------------------------------------------
# below this cosine similarity no passage is about the question at all (off-topic questions such as
# "capital of France" or "football world cup" stay <= 0.39; on-topic ones >= 0.45)
MIN_DENSE = 0.40
# IDF-weighted share of the question's words a passage must hold to count as lexical support
MIN_COVERAGE = 0.34
# a passage at least this close in meaning supports an answer even when the question's words differ
# from the plan's (paraphrase, informal wording): halfway between the off-topic ceiling (0.39) and the
# median best similarity of on-topic tune questions (0.68)
SEMANTIC_SUPPORT = 0.55
# a word typed in lower case names something of the plans ("osce", "jable") when the plans write it, it is
# not common English and it has at least this many letters (shorter ones, "wb", "eu", are too ambiguous)
LOWER_NAME_CHARS = 4

# how much a unit's closeness in meaning to the question (cosine of the stored unit vectors) adds to its
# rank beside its lexical coverage (0 to 1) and retrieval rank; tune-part accuracy is flat from 0.25 to
# 1.0 (dev2 tune 78% at each, 75% without), so the middle is taken
UNIT_MEANING = 0.5

# -- intent reading ---------------------------------------------------------------------------
# (below the classifier's own threshold, assistant.intent.THRESHOLD, the rule reading decides)
# at or above this the classifier's kind stands even where the question's form suggests another; below
# it, the form breaks a tie between the classifier's two best guesses (cross-validated examples above
# 0.8 are right 97% of the time, between 0.5 and 0.8 about 75%: bench/results/intent.json)
INTENT_SURE = 0.8
# When the classifier's second guess is a kind of its own (aggregate, overview, budget…) and within this
# much of its first, which is a route of the evidence answerer, the second kind is tried before the
# evidence answer: a kind of its own declines when the question is not its kind, the evidence answer never
# does ("How many components …, and who leads each one?" is a count as much as a "who").
INTENT_CLOSE = 0.1

# -- lengths (characters of answer text; the hard limit for a useful answer is 2,000) -------------
ANSWER_BUDGET = 1500  # evidence answers (a few cited passages)
MAX_ANSWER = 2000  # characters an answer may take in all (a further part is added only within it)
FURTHER_PART_LINES = 2  # lines of the passages' answer to a question's further part ("…, and at which meeting?")
LIST_BUDGET = 1500  # listed actions
DEADLINE_BUDGET = 1800  # deadline windows (a head line and up to six actions)
CROSS_PLAN_BUDGET = 1900  # one short passage per plan
OVERVIEW_BUDGET = 1800  # plan overviews, capabilities, counts
RELATED_CHARS = 400  # the closest passage shown when the asked-for fact is missing
HEADING_FACT_CHARS = 300  # a heading quoted because it holds the asked-for fact (the fact may end it)

# -- ranking a passage's units (assistant.answering.Answerer.score) --------------------------------
RANK_WEIGHT = 0.12  # added to a unit's score, divided by its passage's retrieval rank (1st +0.12, 2nd +0.06...)
DENSE_WEIGHT = 0.15  # times its passage's cosine similarity to the question, added to a unit's score
GLOSSARY_DAMPING = 0.5  # a glossary entry's score is multiplied by this unless the question asks what a term means
TITLE_BLOCK_DAMPING = 0.7  # the title block's score is multiplied by this: it names everything and says little
LONG_UNIT_CHARS = 700  # a unit longer than this (a table row aside) is damped by sqrt(LONG_UNIT_CHARS / its length)
LONG_UNIT_FLOOR = 0.75  # the long-unit damping never goes below this factor (a run-on unit covers words by bulk)
# a unit holding what the question sets aside ("not the terrorism one", "beyond the steering committee")
# is multiplied by this: it ranks below the passages the question asks for, yet answers when it is the
# only one (the exclusion may be read too widely)
SET_ASIDE_DAMPING = 0.5
# a plan that states a fact (drivers, funding, timeline) for at least this share of its actions states it
# where it has it: an action of that plan without it is answered as "the plan does not say"
STATED_SHARE = 0.5
ACTION_RECORD_BONUS = 0.15  # added to a unit of an action's record on a who / funded / when question

# -- choosing the units an evidence answer shows (Answerer.evidence, Answerer.render) ---------------
SEARCH_K = 8  # passages searched for an evidence answer (and per plan for a cross-plan one)
UNITS_BROAD = 3  # at most this many units answer a content question or one asking several things
UNITS_NARROW = 2  # at most this many answer a question about one fact (driver, funding, deadline, budget)
FLOOR_BROAD = 0.7  # a further unit of a broad answer scores at least this share of the best unit's score
FLOOR_NARROW = 0.8  # the same for a one-fact answer
ONE_FACT_COVER = 0.9  # a further unit of a one-fact answer covers at least this share of the best unit's coverage
TYPED_COVER = 0.6  # a unit holding the asked-for kind of fact covers at least this share of the best unit's coverage
ROW_ACTION_SHARE = 0.6  # of a table row's several actions, those covering this share of the best one's coverage show
ROW_ACTIONS = 3  # at most this many of a table row's actions are shown
LEAD_IN_CHARS = 700  # characters of the list a lead-in unit ("…as follows:") introduces, shown with it

# -- listings and deadline windows (assistant.listing, assistant.deadlines) -----------------------
NUMBERED_MAX = 4  # at most this many actions named by number are answered as a listing of them
LIST_TOPIC_SHARE = 0.0  # a listed action need not come near the best one's topic fit (TOPIC_COVERAGE alone cuts)
DEADLINE_TOPIC_SHARE = 0.6  # a deadline answer names actions fitting the topic at least this share as well as the best
DEADLINE_LINES = 6  # actions shown in a deadline window or overdue list; the rest are counted
NEXT_DUE_LINES = 3  # actions shown that share the next deadline
LATEST_DEADLINES = 3  # the latest deadlines named when nothing falls due in the window

# -- digests (assistant.digest: `plans digest`, Slack subscriptions, App Home, the Deadlines page) ---
DIGEST_DAYS = 30  # the window a digest looks ahead when none is asked for
DIGEST_MAX_DAYS = 3660  # the longest window a digest or a subscription may ask for (ten years)
DIGEST_DUE_LINES = 20  # actions due in the window shown in a digest's text; the rest are counted
DIGEST_OVERDUE_LINES = 10  # overdue actions shown (the most recently ended first); the rest are counted
DIGEST_CHANGED_LINES = 20  # changed, new and removed actions shown

# -- cross-plan answers (assistant.crossplan) ------------------------------------------------------
HELD_WORD_COVER = 0.5  # a topic word counts as held by a plan's passages at this coverage (two plans compared)
UNITS_READ = 4  # a plan's best units looked at for a further unit to show (several plans listed)
PAIR_UNITS_READ = 6  # the same when two plans are compared (each has more room)
MIN_ROOM = 90  # characters left below which no further unit is shown for a plan
SEARCH_DEPTH_PER_PLAN = 10  # a corpus-wide cross-plan search reads this many candidates per plan shown
