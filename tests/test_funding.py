"""Funding status words and money amounts, on the real FUNDING cells and "e) Funding" section."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.funding import funding_status, parse_amounts
from indexer.models import Amount

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
WBCSCI = CORPUS / "wbcsci-integrative-plan-of-action-2018-2020.txt"


@pytest.mark.parametrize(("text", "status"), [
    ("Funding being negotiated", "negotiating"),
    ("negotiated", "negotiating"),
    ("Seeking funding", "seeking"),
    ("seeking additional funding", "seeking"),
    ("Seeking additional funding seeking funding", "seeking"),
    ("funding sought", "seeking"),
    ("WB participation – funding sought", "seeking"),
    ("More funding sought", "seeking"),
    ("Seeking funding for publishing", "seeking"),
    ("seeking", "seeking"),
    ("available", "available"),
    ("Available (UK)", "available"),
    ("IPA II 2014", "available"),
    ('IPA II 2017 strand "Countering Serious Crime in the Western Balkans"', "available"),
    ('IPAI12017 strand "Pilot project to deploy Europol Liaison Officers in the WB"', "available"),
    ("SELEC work programme", "available"),
    ("Interpol's Strategy for the European Region 2017-2020", "available"),
    ("PCC SEE core funding", "available"),
    ("Cepol core activities", "available"),
    ("SELEC Budget for 2018", "available"),
    ("SELEC work programme (seeking additional funding)", "seeking"),
    ("SELEC Budget for 2018; seeking funding for 2019-2020", "seeking"),
    ("PCC SEE core funding (seeking additional funding)", "seeking"),
    ("Project SIRAS 2017-2018; funding sought for 2019-2020", "seeking"),
    ("Funding sought starting 2020 Available (OSCE, UK F.C.O.)", "seeking"),
    ("Seeking funding negotiated", "negotiating"),
    ("", "unknown"),
    ("lorem ipsum", "unknown"),
])
def test_funding_status(text: str, status: str) -> None:
    assert funding_status(text) == status


def _funding_section() -> list[str]:
    return [line for line in WBCSCI.read_text(encoding="utf-8").splitlines() if "EUR " in line]


def test_funding_section_amounts() -> None:
    lines = _funding_section()
    assert len(lines) == 5
    found = [parse_amounts(line) for line in lines]
    assert found[0] == (
        Amount("EUR", 21625000.0, "total", "EUR 21 625 000"),
        Amount("EUR", 20000000.0, "EU contribution", "EUR 20 000 000"),
    )
    assert found[1] == (
        Amount("EUR", 14500000.0, "total", "EUR 14 500 000"),
        Amount("EUR", 13000000.0, "EU contribution", "EUR 13 000 000"),
        Amount("EUR", 150000.0, "German Government", "EUR 1 500 00"),  # as written
    )
    assert found[2] == (
        Amount("EUR", 2612964.0, "total", "EUR 2 612 964"),
        Amount("EUR", 2500000.0, "EU contribution", "EUR 2 500 000"),
    )
    assert found[3] == (Amount("EUR", 2000000.0, "EU contribution", "EUR 2 000 000"),)
    assert found[4] == (Amount("EUR", 2500000.0, "EU contribution", "EUR 2 500 000"),)


@pytest.mark.parametrize(("text", "value", "written"), [
    ("€2.5 million", 2_500_000.0, "€2.5 million"),
    ("2,000,000 EUR", 2_000_000.0, "2,000,000 EUR"),
    ("EUR 13 000 000", 13_000_000.0, "EUR 13 000 000"),
    ("EUR 1 500 00", 150_000.0, "EUR 1 500 00"),
    ("EUR 2612964", 2_612_964.0, "EUR 2612964"),
])
def test_amount_forms(text: str, value: float, written: str) -> None:
    (amount,) = parse_amounts(text)
    assert (amount.currency, amount.value, amount.text) == ("EUR", value, written)


def test_label_is_the_nearest_in_its_clause() -> None:
    text = ("The total budget is EUR 10 000 000 (EU Contribution: EUR 8 000 000; "
            "German Government: EUR 2 000 000). A new sentence costs EUR 5 000.")
    labels = [a.label for a in parse_amounts(text)]
    assert labels == ["total", "EU contribution", "German Government", ""]


def test_years_are_not_amounts() -> None:
    assert parse_amounts("launched in December 2017, Programme 2017-2019") == ()
    assert [a.value for a in parse_amounts("in 2017 EUR 5 000")] == [5000.0]
    assert parse_amounts("") == ()
