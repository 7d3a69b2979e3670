"""Cheap checks of one new dose for the dose form (``candidate_findings``).

The form evaluates the person once and then asks for each product in stock which
warnings that dose alone would raise. Dates are explicit: the checks use the rules in
force on the candidate's date.
"""

from __future__ import annotations

from datetime import date

from core.catalog.products import get_catalog
from core.rules import PersonDocument, Vaccination, candidate_findings, evaluate_person

CATALOG = get_catalog()
COMIRNATY = CATALOG.require("Comirnaty")
SPIKEVAX = CATALOG.require("Spikevax")
NUVAXOVID = CATALOG.require("Nuvaxovid")
PRIORIX = CATALOG.require("Priorix")
BORN_1995 = date(1995, 6, 1)  # 26 years old on 01.12.2021


def test_spikevax_under_30_warns_comirnaty_does_not() -> None:
    person = PersonDocument(BORN_1995)
    on = date(2021, 12, 1)
    found = candidate_findings(person, Vaccination(on, SPIKEVAX))
    assert len(found) == 1
    assert "unter 30 Jahren wird Comirnaty empfohlen" in found[0].message
    assert found[0].rule == "covid19-spikevax-unter-30-2021-11-10"
    assert candidate_findings(person, Vaccination(on, COMIRNATY)) == []


def test_second_comirnaty_after_ten_days_warns_interval() -> None:
    person = PersonDocument(BORN_1995, (Vaccination(date(2021, 11, 1), COMIRNATY),))
    found = candidate_findings(person, Vaccination(date(2021, 11, 11), COMIRNATY))
    assert [f.rule for f in found] == ["covid19-mindestabstand-2021-07-01"]
    assert "nur 10 Tage" in found[0].message
    assert candidate_findings(person, Vaccination(date(2021, 11, 22), COMIRNATY)) == []


def test_same_warning_as_the_full_evaluation_after_the_dose() -> None:
    person = PersonDocument(BORN_1995, (Vaccination(date(2021, 11, 1), COMIRNATY),))
    candidate = Vaccination(date(2021, 11, 11), SPIKEVAX)
    cheap = {f.message for f in candidate_findings(person, candidate)}
    after = PersonDocument(BORN_1995, (*person.vaccinations, candidate))
    full = {w.message for w in evaluate_person(after, candidate.date).covid19.warnings}
    assert cheap and cheap <= full


def test_earlier_warnings_are_not_repeated() -> None:
    # the stored Spikevax dose already warns; only the candidate's own findings come back
    person = PersonDocument(BORN_1995, (Vaccination(date(2021, 11, 15), SPIKEVAX),))
    assert candidate_findings(person, Vaccination(date(2021, 12, 20), COMIRNATY)) == []


def test_booster_and_mixed_use_not_allowed() -> None:
    series = (Vaccination(date(2022, 1, 3), COMIRNATY), Vaccination(date(2022, 2, 1), COMIRNATY))
    person = PersonDocument(date(1980, 1, 1), series)
    found = candidate_findings(person, Vaccination(date(2022, 6, 1), NUVAXOVID))
    assert any("als Auffrischimpfung nicht zugelassen" in f.message for f in found)
    mixed = PersonDocument(date(1980, 1, 1), series[:1])
    found = candidate_findings(mixed, Vaccination(date(2022, 2, 15), NUVAXOVID))
    assert any("gemischte Impfserie" in f.message for f in found)


def test_measles_interval_and_age() -> None:
    child = PersonDocument(date(2020, 1, 1), (Vaccination(date(2021, 1, 15), PRIORIX),))
    found = candidate_findings(child, Vaccination(date(2021, 2, 1), PRIORIX))
    assert found and "mindestens 28 Tage" in found[0].message
    baby = PersonDocument(date(2021, 1, 1))
    found = candidate_findings(baby, Vaccination(date(2021, 6, 1), PRIORIX))
    assert found and "zählt erst ab 9 Monaten" in found[0].message
