"""Adopting a 2/2 certificate: the stored back-entry counts as a complete series.

Issue 11, defect 1: the person registered from a scanned "2/2" has one stored dose;
the rules must read its dn/sd (``person_document`` passes them for back-entries), give
"geimpft" from the 15th day and number the next dose as the booster it is.
"""

from __future__ import annotations

from datetime import date

from core.catalog.products import get_catalog
from core.certificates.holder import prefill
from core.db.engine import Database
from core.rules import Vaccination, candidate_numbers
from core.services.context import Actor
from core.services.person_status import person_document, person_status
from core.usecases.assessment import assess, load_record
from core.usecases.registration import adopt_certificate
from tests.core.certificates.helpers import VACCINATION


def _certificate(day: str, dn: int, sd: int) -> dict[str, object]:
    return VACCINATION | {"v": [VACCINATION["v"][0] | {"dt": day, "dn": dn, "sd": sd}]}


def test_adopted_2_of_2_is_geimpft_from_day_15(db: Database, actor: Actor) -> None:
    with db.session() as s:
        person_id = adopt_certificate(s, actor, prefill(_certificate("2021-06-01", 2, 2)),
                                      date(2021, 12, 1)).value.person_id
    with db.session() as s:
        before = person_status(s, person_id, date(2021, 6, 15)).covid19
        after = person_status(s, person_id, date(2021, 6, 16)).covid19
        doc = person_document(s, person_id)
        suggestion = assess(load_record(s, person_id, date(2021, 12, 1)), "Comirnaty",
                            date(2021, 12, 1))
    assert before.status == "unvollstaendig" and before.series_complete
    assert after.status == "geimpft" and after.protected_from == date(2021, 6, 16)
    assert doc.vaccinations[0].documented == (2, 2)
    comirnaty = get_catalog().require("Comirnaty")
    assert candidate_numbers(doc, Vaccination(date(2021, 12, 1), comirnaty)) == (3, 3, True)
    assert (suggestion.dose_number, suggestion.series_total, suggestion.booster) == (3, 3, True)


def test_adopted_3_of_3_is_stored_and_evaluated_as_booster(db: Database, actor: Actor) -> None:
    with db.session() as s:
        result = adopt_certificate(s, actor, prefill(_certificate("2021-12-01", 3, 3)),
                                   date(2021, 12, 20)).value
    with db.session() as s:
        covid = person_status(s, result.person_id, date(2021, 12, 20)).covid19
    assert covid.series_complete and covid.booster and covid.status == "geimpft"
