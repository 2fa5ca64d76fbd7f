"""The word lists in assistant/vocab/*.yaml: they load, every entry says why it holds, no key is
written twice, and entries removed as question-specific stay removed."""

from __future__ import annotations

import pytest
import yaml

from assistant import vocab
from assistant.deadlines import TIME_WORDS
from assistant.evidence import SYNONYMS
from assistant.listing import FILLER
from assistant.retrieve import STOPWORDS

WORD_LISTS = ("stopwords", "time_words", "listing_filler")


def test_data_files_load_and_are_what_the_modules_use():
    assert STOPWORDS == vocab.words("stopwords") and "the" in STOPWORDS
    assert TIME_WORDS == vocab.words("time_words") and "deadline" in TIME_WORDS
    assert FILLER == vocab.words("listing_filler") and "unfunded" in FILLER
    assert dict(SYNONYMS) == dict(vocab.synonyms()) and "funding" in SYNONYMS["money"]


@pytest.mark.parametrize("name", WORD_LISTS)
def test_every_word_group_has_a_reason_and_no_word_twice(name):
    groups = vocab.word_groups(name)
    assert groups
    for g in groups:
        assert len(g["reason"]) >= 15, g
        assert g["words"] and all(w == w.lower() and " " not in w for w in g["words"]), g
    found = [w for g in groups for w in g["words"]]
    assert len(found) == len(set(found)), sorted({w for w in found if found.count(w) > 1})


def test_every_synonym_has_a_reason_and_wordings():
    for key, entry in vocab.synonym_entries().items():
        assert key == key.lower(), key
        assert len(entry["reason"].strip()) >= 15, key
        assert "gold" not in entry["reason"].lower() and "dev-" not in entry["reason"], key
        assert entry["means"] and all(isinstance(m, str) and m == m.lower() for m in entry["means"]), key


def test_a_key_written_twice_is_refused(tmp_path):
    with pytest.raises(ValueError, match="twice"):
        yaml.load("money: {means: [funding], reason: x}\nmoney: {means: [budget], reason: y}\n",
                  Loader=vocab._UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass



def test_lists_that_only_see_content_words_hold_no_stop_word():
    # the deadline topic and the listing topic are taken from terms already without stop words
    assert not TIME_WORDS & STOPWORDS
    assert not FILLER & STOPWORDS


# entries that existed for one question (or that the stemmer already covers) and were removed
REMOVED_SYNONYMS = ("interpreters", "kosovo", "named", "sits", "rhythm", "meeting")


@pytest.mark.parametrize("key", REMOVED_SYNONYMS)
def test_a_removed_synonym_is_gone(key):
    assert key not in vocab.synonym_entries() and key not in SYNONYMS
    assert not any("omik" in m for means in SYNONYMS.values() for m in means)


def test_removed_filler_is_gone():
    assert "part" not in FILLER


def test_route_reads_general_forms_not_one_question_fragments():
    from datetime import date

    from assistant.route import read_question

    as_of = date(2018, 5, 1)
    # "who else ..." asks for a driver like any "who ..." question
    assert read_question("Who else drives the training on financial investigations?", as_of=as_of).asks_driver
    # "behind" is not a driver word ("behind schedule", "behind us")
    assert not read_question("Which deadlines are already behind us?", as_of=as_of).asks_driver
    # "from what/which year|date ... start" asks for a date, however the year is asked for
    for q in ("From what year were the seminars supposed to start?",
              "From which date does the training start?", "Since when does the network start operating?"):
        assert read_question(q, as_of=as_of).route == "deadline", q
