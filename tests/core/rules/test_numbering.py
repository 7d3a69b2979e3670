"""One function decides dn/sd and the booster flag (issue 11, defect 7).

One test row per line of the table "Auffrischimpfung oder Grundimmunisierung? (dn/sd)"
in docs/rules.md, then ``next_numbers`` for the next dose, and the agreement between
the certificate numbering (``german_dose_numbers``) and the stored dose. Dates are
explicit where the rules' series split is involved.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from core.catalog.products import Product, get_catalog
from core.certificates.holder import is_booster as holder_is_booster
from core.certificates.payload import DoseEvent, german_dose_numbers
from core.rules import (
    Infection,
    PersonDocument,
    Series,
    Vaccination,
    candidate_numbers,
    evaluate_person,
    get_rulebook,
    is_booster,
    next_numbers,
    split_series,
)

CATALOG = get_catalog()
COMIRNATY = CATALOG.require("Comirnaty")
SPIKEVAX = CATALOG.require("Spikevax")
JANSSEN = CATALOG.require("Janssen")
VAXZEVRIA = CATALOG.require("Vaxzevria")
PRIORIX = CATALOG.require("Priorix")
BIRTH = date(1985, 3, 14)


# One row per case of the docs table (dn, sd, booster, case).
TABLE = [
    (1, 2, False, "1/2 erste Dosis einer Zwei-Dosen-Serie"),
    (2, 2, False, "2/2 Abschluss der Grundimmunisierung (auch Kreuzimpfung)"),
    (1, 1, False, "1/1 Janssen-Grundimmunisierung"),
    (1, 1, False, "1/1 Impfung nach Genesung"),
    (2, 1, True, "2/1 nach Janssen"),
    (2, 1, True, "2/1 nach Genesung + 1 Dosis"),
    (3, 3, True, "3/3 nach 2-Dosen-Grundimmunisierung"),
    (4, 4, True, "4/4 zweite Auffrischimpfung"),
    (3, 1, True, "3/1 zweite Auffrischimpfung nach Janssen/Genesung"),
    (2, 1, True, "2/1 Kreuzimpfung nach Janssen-Erstimpfung"),
    (1, 3, False, "1/3 Serie mit drei Dosen, erste Dosis"),
    (2, 3, False, "2/3 Serie mit drei Dosen, zweite Dosis"),
]


@pytest.mark.parametrize(("dn", "sd", "booster", "case"), TABLE,
                         ids=[row[3] for row in TABLE])
def test_table_row(dn: int, sd: int, booster: bool, case: str) -> None:
    assert is_booster(dn, sd) is booster, case
    assert holder_is_booster(dn, sd) is booster  # the old import path is the same function


def test_docs_table_has_every_row() -> None:
    docs = (Path(__file__).resolve().parents[3] / "docs" / "rules.md").read_text("utf-8")
    assert "Auffrischimpfung oder Grundimmunisierung? (dn/sd)" in docs
    for dn, sd, _, _ in TABLE:
        assert f"| {dn}/{sd} |" in docs, f"{dn}/{sd}"


def _dose(day: str, product: Product = COMIRNATY,
          documented: tuple[int, int] | None = None) -> Vaccination:
    return Vaccination(date.fromisoformat(day), product, documented)


def _series(doses: list[Vaccination], on: str, infections: tuple[Infection, ...] = ()) -> Series:
    return split_series(doses, list(infections), get_rulebook().on(date.fromisoformat(on)))


def test_after_two_comirnaty_3_of_3_booster() -> None:
    prior = [_dose("2021-05-01"), _dose("2021-06-01")]
    series = _series(prior, "2021-12-01")
    assert next_numbers(prior, SPIKEVAX, series, on=date(2021, 12, 1)) == (3, 3, True)
    assert next_numbers(prior, COMIRNATY) == (3, 3, True)  # convention alone agrees


def test_after_three_doses_4_of_4() -> None:
    prior = [_dose("2021-05-01"), _dose("2021-06-01"), _dose("2021-12-01")]
    assert next_numbers(prior, COMIRNATY) == (4, 4, True)


def test_after_janssen_2_of_1_booster() -> None:
    prior = [_dose("2021-05-01", JANSSEN)]
    for on in ("2021-07-01", "2022-03-01"):  # also after Janssen needs two doses (15.01.2022)
        series = _series(prior, on)
        assert next_numbers(prior, COMIRNATY, series, on=date.fromisoformat(on)) == (2, 1, True)
    assert next_numbers([*prior, _dose("2021-07-01")], COMIRNATY) == (3, 1, True)


def test_after_one_dose_and_pcr_infection_2_of_1_booster() -> None:
    prior = [_dose("2021-05-01")]
    infection = Infection(date(2021, 7, 1), "PCR")
    series = _series(prior, "2021-12-01", (infection,))
    assert series.complete and series.via_infection == infection
    assert next_numbers(prior, COMIRNATY, series, on=date(2021, 12, 1)) == (2, 1, True)


def test_infection_before_first_dose_gives_1_of_1() -> None:
    assert next_numbers([], COMIRNATY, infection_before=True) == (1, 1, False)
    doc = PersonDocument(BIRTH, infections=(Infection(date(2021, 3, 1), "PCR"),))
    assert candidate_numbers(doc, _dose("2021-06-01")) == (1, 1, False)
    rat = PersonDocument(BIRTH, infections=(Infection(date(2021, 3, 1), "RAT"),))
    assert candidate_numbers(rat, _dose("2021-06-01")) == (1, 2, False)  # RAT is no proof


def test_inside_the_base_2_of_2_not_booster() -> None:
    prior = [_dose("2021-05-01")]
    series = _series(prior, "2021-06-01")
    assert next_numbers(prior, COMIRNATY, series, on=date(2021, 6, 1)) == (2, 2, False)
    assert next_numbers([], COMIRNATY) == (1, 2, False)
    assert next_numbers([], JANSSEN) == (1, 1, False)
    # cross vaccination after Vaxzevria stays 2/2
    assert next_numbers([_dose("2021-05-01", VAXZEVRIA)], COMIRNATY) == (2, 2, False)


def test_infection_shortly_before_second_dose_keeps_the_standard_series() -> None:
    # Dose 2 protects from 16.06., dose 1 + infection only from 17.06.: the rules keep
    # the standard series, so dose 2 is 2/2 (the certificate says the same).
    prior = [_dose("2021-05-01")]
    series = _series(prior, "2021-06-01", (Infection(date(2021, 5, 20), "PCR"),))
    assert next_numbers(prior, COMIRNATY, series, on=date(2021, 6, 1)) == (2, 2, False)


def test_documented_numbers_count_undated_doses() -> None:
    lone = [_dose("2021-06-01", documented=(2, 2))]
    assert next_numbers(lone, COMIRNATY) == (3, 3, True)
    after_recovery = [_dose("2021-06-01", documented=(1, 1))]
    assert next_numbers(after_recovery, COMIRNATY) == (2, 1, True)
    booster = [_dose("2021-12-01", documented=(2, 1))]
    assert next_numbers(booster, COMIRNATY) == (3, 1, True)
    assert next_numbers([], COMIRNATY, recorded_number=3) == (3, 3, True)


def test_other_vaccines_never_boosters() -> None:
    assert next_numbers([], PRIORIX) == (1, 2, False)
    assert next_numbers([_dose("2021-01-01", PRIORIX), _dose("2021-03-01", PRIORIX)],
                        PRIORIX) == (3, 3, False)


def test_status_series_feeds_next_numbers() -> None:
    """A caller with a StatusResult (the dose form) passes its series."""
    prior = (_dose("2021-06-01", documented=(2, 2)),)
    result = evaluate_person(PersonDocument(BIRTH, prior), date(2021, 12, 1))
    assert result.covid19.series is not None
    numbers = next_numbers(prior, COMIRNATY, result.covid19.series, on=date(2021, 12, 1))
    assert numbers == (3, 3, True)


@pytest.mark.parametrize(("history", "dose", "infections"), [
    ([], ("2021-05-01", COMIRNATY), []),
    ([("2021-05-01", COMIRNATY)], ("2021-06-01", COMIRNATY), []),
    ([("2021-05-01", COMIRNATY), ("2021-06-01", COMIRNATY)], ("2021-12-01", SPIKEVAX), []),
    ([("2021-05-01", JANSSEN)], ("2021-07-01", COMIRNATY), []),
    ([("2021-05-01", COMIRNATY)], ("2021-12-01", COMIRNATY), ["2021-07-01"]),
    ([("2021-05-01", COMIRNATY)], ("2021-06-01", COMIRNATY), ["2021-05-20"]),
    ([], ("2021-05-01", COMIRNATY), ["2021-02-01"]),
])
def test_certificate_and_stored_dose_agree(history: list[tuple[str, Product]],
                                           dose: tuple[str, Product],
                                           infections: list[str]) -> None:
    events = [DoseEvent(date.fromisoformat(d), p) for d, p in history]
    day, product = date.fromisoformat(dose[0]), dose[1]
    certificate = german_dose_numbers(events, DoseEvent(day, product),
                                      [date.fromisoformat(i) for i in infections])
    doc = PersonDocument(BIRTH, tuple(_dose(d, p) for d, p in history),
                         tuple(Infection(date.fromisoformat(i), "PCR") for i in infections))
    stored = candidate_numbers(doc, Vaccination(day, product))
    assert certificate == stored[:2]
    assert is_booster(*certificate) is stored[2]
