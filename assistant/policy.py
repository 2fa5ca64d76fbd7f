"""Thresholds and length budgets of the answering core, in one place, each with how it was set.

Tuned only on the "tune" part of the gold split (``eval.score.part_of``); the "holdout" part is
reported, never looked at while choosing these.
"""

from __future__ import annotations

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

# -- lengths (characters of answer text; the hard limit for a useful answer is 2,000) -------------
ANSWER_BUDGET = 1500  # evidence answers (a few cited passages)
LIST_BUDGET = 1500  # listed actions
DEADLINE_BUDGET = 1800  # deadline windows (a head line and up to six actions)
CROSS_PLAN_BUDGET = 1900  # one short passage per plan
OVERVIEW_BUDGET = 1800  # plan overviews, capabilities, counts
RELATED_CHARS = 400  # the closest passage shown when the asked-for fact is missing
