"""Property tests (hypothesis) for the evaluator.

* Adding a later COVID-19 dose never makes a person less protected on a later date.
* Evaluation never raises on any well-formed person document.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from core.catalog.products import get_catalog
from core.rules import evaluate_document, evaluate_person, parse_person_document
from core.rules.model import PersonDocument, Vaccination

CATALOG = get_catalog()
COVID = [p for p in CATALOG.products if p.disease == "covid19"]
SPELLINGS = [s for p in CATALOG.products for s in (p.key, p.name, *p.aliases)]
RANK = {"ungeimpft": 0, "unvollstaendig": 1, "getestet": 2, "genesen": 3, "geimpft": 4}

days = st.dates(min_value=date(2020, 6, 1), max_value=date(2023, 6, 30))
births = st.dates(min_value=date(1925, 1, 1), max_value=date(2021, 6, 1))


def _text(day: date, german: bool) -> str:
    return day.strftime("%d.%m.%Y") if german else day.isoformat()


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    """Any well-formed person document: events on or after the birth date, any order."""
    birth = draw(births)
    after_birth = st.dates(min_value=birth, max_value=date(2023, 6, 30))
    german = draw(st.booleans())
    vaccinations = [
        {"date": _text(d, german), "product": draw(st.sampled_from(SPELLINGS))}
        for d in draw(st.lists(after_birth, max_size=6))
    ]
    infections = [
        {"date": _text(d, german), "test": draw(st.sampled_from(["PCR", "NAAT", "RAT", "pcr"]))}
        for d in draw(st.lists(after_birth, max_size=3))
    ]
    tests = []
    for d in draw(st.lists(after_birth, max_size=3)):
        moment = _text(d, german)
        if draw(st.booleans()):
            moment += "T" + draw(st.times()).strftime("%H:%M")
        tests.append(
            {
                "at": moment,
                "type": draw(st.sampled_from(["RAT", "PCR", "NAAT"])),
                "result": draw(st.sampled_from(["negativ", "positiv"])),
            }
        )
    evidence = [
        {
            "kind": draw(st.sampled_from(["immunitaet", "kontraindikation", "bestaetigung"])),
            "date": _text(d, german),
        }
        for d in draw(st.lists(after_birth, max_size=2))
    ]
    return {
        "birth_date": _text(birth, german),
        "vaccinations": vaccinations,
        "infections": infections,
        "tests": tests,
        "measles_evidence": evidence,
    }


evaluation_moments = st.one_of(days, st.builds(datetime.combine, days, st.times()))


@settings(max_examples=400, deadline=None)
@given(doc=documents(), on=evaluation_moments)
def test_evaluation_never_raises_on_well_formed_documents(doc: dict[str, Any], on: date) -> None:
    result = evaluate_document(doc, on)
    covid = result["covid19"]
    assert covid["status"] in RANK
    assert result["measles"]["status"] in {
        "erfuellt",
        "nicht_erfuellt",
        "nicht_erforderlich",
        "befreit",
    }
    assert covid["reasons"] and all(isinstance(r, str) and r for r in covid["reasons"])
    if covid["status"] == "geimpft":
        assert covid["series_complete"] and covid["protected_from"] <= result["on"][:10]


@st.composite
def person_and_later_dose(draw: st.DrawFn) -> tuple[PersonDocument, Vaccination, date]:
    doc = parse_person_document(draw(documents()))
    covid_dates = [v.date for v in doc.vaccinations if v.product.disease == "covid19"]
    floor = max([doc.birth_date, *covid_dates])
    if floor > date(2023, 6, 1):
        floor = date(2023, 6, 1)
    new_day = draw(st.dates(min_value=floor, max_value=floor + timedelta(days=400)))
    dose = Vaccination(new_day, draw(st.sampled_from(COVID)))
    on = draw(st.dates(min_value=new_day, max_value=new_day + timedelta(days=500)))
    return doc, dose, on


@settings(max_examples=400, deadline=None)
@given(case=person_and_later_dose(), at_time=st.one_of(st.none(), st.times()))
def test_a_later_dose_never_lowers_protection(
    case: tuple[PersonDocument, Vaccination, date], at_time: time | None
) -> None:
    doc, dose, on_day = case
    on: date | datetime = on_day if at_time is None else datetime.combine(on_day, at_time)
    more = PersonDocument(
        doc.birth_date, (*doc.vaccinations, dose), doc.infections, doc.tests, doc.measles_evidence
    )
    before = evaluate_person(doc, on).covid19
    after = evaluate_person(more, on).covid19
    assert RANK[after.status] >= RANK[before.status], (before.reasons, after.reasons)
    assert after.series_complete >= before.series_complete
    assert after.test_exempt >= before.test_exempt, (before.reasons, after.reasons)
    if before.status == "geimpft" and before.protected_from and after.protected_from:
        assert after.protected_from <= before.protected_from
