"""Acronym aliases found with a substring test first are the ones a pattern per pair finds."""

from __future__ import annotations

import random
import re

from assistant.acronyms import _SMALL, _WORD, Acronyms

PAIRS = [("CoE", "Council of Europe"), ("SELEC", "Southeast European Law Enforcement Center"),
         ("UNODC", "United Nations Office on Drugs and Crime"), ("EU", "European Union"),
         ("SE-Police", "South-East Police Chiefs"), ("ILO", "International Labour Organization"),
         ("C.O.E", "Centre of Excellence"), ("EU/SEE", "EU South-East Europe programme")]


def by_pattern(pairs, question):
    """The rule as first written: a regular expression for every pair."""
    low = question.lower()
    aliases, extra = {}, []
    for acr, long in Acronyms(pairs).pairs:
        long_low = long.lower()
        if long_low in low:
            extra.append(acr)
            for w in _WORD.findall(long_low):
                if w not in _SMALL:
                    aliases[w] = aliases.get(w, ()) + (acr.lower(),)
        elif re.search(rf"(?<![\w-]){re.escape(acr.lower())}(?![\w-])", low):
            aliases[acr.lower()] = aliases.get(acr.lower(), ()) + (long_low,)
    return aliases, " ".join(dict.fromkeys(extra))


def test_same_aliases_as_a_pattern_per_pair():
    rng = random.Random(2)
    pieces = [a for a, _ in PAIRS] + [b for _, b in PAIRS] + ["the", "who", "leads", "EUROPOL", "coe-led",
                                                                "(SELEC)", "eu's", "police", "-EU", "UNODC."]
    acr = Acronyms(PAIRS)
    questions = ["Who chairs the CoE group?", "What does the Council of Europe fund?", "Is SE-Police in it?",
                 "Does the EU lead?", "EU/SEE or eu-see?", "coe-led work", "SELECted"]
    questions += [" ".join(rng.choice(pieces) for _ in range(rng.randint(1, 8))) + "?" for _ in range(400)]
    for q in questions:
        assert acr.aliases(q) == by_pattern(PAIRS, q), q


def test_a_long_form_spelt_the_other_way_still_names_the_acronym():
    """A plan's 'International Organisation for Migration' is the question's 'Organization' (and back):
    the acronym joins the search and is each of the question's own words' alias."""
    acr = Acronyms([("IOM", "International Organisation for Migration")])
    aliases, extra = acr.aliases("What does the plan say about the International Organization for Migration?")
    assert extra == "IOM"
    assert aliases["organization"] == ("iom",) and aliases["migration"] == ("iom",)
    aliases, extra = Acronyms([("ILO", "International Labor Organization")]).aliases(
        "any work with the international labor organisation?")
    assert extra == "ILO" and aliases["organisation"] == ("ilo",)
