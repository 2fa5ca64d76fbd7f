"""Misspelt question words are read as the words meant (assistant.spelling)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.spelling import Speller

VOCAB = ["workshops", "workshop", "priorities", "funding", "looking", "what", "hats", "government",
         "movement", "committee", "committed", "intelligence", "the", "who", "runs"]
PLAN_WORDS = ["workshops", "priorities", "funding", "europol", "cybercrime", "intelligence", "committee",
              "traffickers"]


def speller(plan_words: list[str] = PLAN_WORDS) -> Speller:
    return Speller(lambda: list(VOCAB), lambda: plan_words)


@pytest.mark.parametrize("typed, meant", [
    ("worskhops", "workshops"),      # two letters swapped: one edit
    ("priorites", "priorities"),     # a letter dropped
    ("fundng", "funding"),
    ("cybercrme", "cybercrime"),     # a word only the plans know (not the model's vocabulary)
    ("intelligance", "intelligence"),  # same stem as the right word: still put right for the model
    ("comittee", "committee"),
])
def test_misspelt_words_are_read_as_the_words_meant(typed: str, meant: str) -> None:
    assert speller().suggestion(typed) == meant


@pytest.mark.parametrize("word", [
    "workshop",   # known to the model
    "europol",    # the plans' own word, unknown to the model
    "traffickers",
    "runs",       # too short to guess
    "zqxwvbnm",   # nothing close: left as typed
])
def test_known_short_and_hopeless_words_are_left_alone(word: str) -> None:
    assert speller().suggestion(word) is None


def test_a_question_keeps_its_capitals_acronyms_and_numbers() -> None:
    text, fixes = speller().correct("Worskhops of the WBCSCi plan: who runs 3.2 and the comittee?")
    assert text == "Workshops of the WBCSCi plan: who runs 3.2 and the committee?"
    assert fixes == [("Worskhops", "workshops"), ("comittee", "committee")]


def test_without_a_vocabulary_nothing_is_changed() -> None:
    s = Speller.from_vocabulary_file(Path("/nonexistent/vocab.txt"))
    assert s.correct("who runs the worskhops?") == ("who runs the worskhops?", [])


def test_the_index_keeps_the_plans_written_forms(assistant) -> None:
    """The indexer stores the words the plans write; the assistant reads misspelt
    questions with it and says what it read in the answer's meta."""
    words = assistant.records.written_words()
    assert {"workshops", "trafficking", "europol"} <= words
    answer = assistant.ask("who is responsible for the anti-terror worskhops in the BSEC 2011-2013 plan?")
    assert ["worskhops", "workshops"] in answer.meta["respelt"]
    assert "Member States" in answer.answer
