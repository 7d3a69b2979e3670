"""Adopting a scanned certificate (core.usecases.registration): new person or chosen one,
doses as back-entries."""

from __future__ import annotations

from datetime import date

import pytest

from core.certificates.holder import prefill
from core.db.engine import Database
from core.db.models import Person, Vaccination
from core.errors import ValidationError
from core.services.context import Actor
from core.usecases.registration import adopt_certificate
from tests.conftest import World
from tests.core.certificates.helpers import VACCINATION

ON = date(2026, 12, 1)


def test_new_person_with_back_entry(db: Database, actor: Actor) -> None:
    data = prefill(VACCINATION)
    assert (data.family_name, data.given_name, data.birth_date) == (
        "Müller", "Anna", date(1980, 4, 10))
    with db.session() as s:
        result = adopt_certificate(s, actor, data, ON).value
        person_id, dose_id = result.person_id, result.dose_ids[0]
    assert result.created_person and result.skipped == []
    with db.session() as s:
        person = s.get(Person, person_id)
        dose = s.get(Vaccination, dose_id)
        assert person is not None and person.family_name == "Müller"
        assert dose is not None and dose.source == "nachtrag_zertifikat"
        assert (dose.date, dose.product_key, dose.dose_number, dose.series_total,
                dose.booster) == (date(2026, 9, 1), "EU/1/20/1528", 2, 2, False)


def test_existing_person_and_duplicate_dose_skipped(db: Database, actor: Actor,
                                                    world: World) -> None:
    data = prefill(VACCINATION)
    with db.session() as s:
        first = adopt_certificate(s, actor, data, ON, world.person_id).value
    with db.session() as s:
        second = adopt_certificate(s, actor, data, ON, world.person_id).value
    assert not first.created_person and len(first.dose_ids) == 1
    assert second.dose_ids == [] and "nicht übernommen" in second.skipped[0]


def test_birth_date_mismatch_and_partial_dob(db: Database, actor: Actor, world: World) -> None:
    other = prefill(VACCINATION | {"dob": "1981-01-01"})
    with db.session() as s, pytest.raises(ValidationError, match="passt nicht"):
        adopt_certificate(s, actor, other, ON, world.person_id)
    partial = prefill(VACCINATION | {"dob": "1980"})
    assert partial.birth_date is None and partial.problems
    with db.session() as s, pytest.raises(ValidationError, match="unvollständig"):
        adopt_certificate(s, actor, partial, ON)


def test_unknown_vaccine_is_not_adopted() -> None:
    payload = VACCINATION | {"v": [VACCINATION["v"][0] | {"mp": "Sputnik-V"}]}
    data = prefill(payload)
    assert data.doses == () and "nicht im Katalog" in data.problems[0]
