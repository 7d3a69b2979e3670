"""Persons and doses: validation, audit in the same transaction, undo and void."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from core.db.engine import Database
from core.db.models import AuditEntry, Person, Vaccination
from core.errors import NotFoundError, ValidationError
from core.services.context import Actor
from core.services.lots import allocate_lot, create_lot
from core.services.persons import (
    PersonInput,
    create_person,
    merge_persons,
    resolve_person,
    update_person,
)
from core.services.vaccinations import (
    VaccinationInput,
    list_visit_doses,
    record_vaccination,
    undo_vaccination,
    void_vaccination,
)
from tests.conftest import TODAY, World


def dose(world: World, **changes: object) -> VaccinationInput:
    base = VaccinationInput(
        person_id=world.person_id, date=TODAY, product="EU/1/20/1528", dose_number=1,
        series_total=2, visit_id=world.visit_id, lot_id=world.lot_id, indication="alter",
        injection_site="oa_links", physician_id=world.doctor_id,
        vaccinator_id=world.vaccinator_id, consent_recorded=True, anamnesis_recorded=True,
        form_version="2021-11")
    return replace(base, **changes)  # type: ignore[arg-type]


def count(db: Database, model: type) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_person_fields_and_district_from_plz(db: Database, actor: Actor) -> None:
    with db.session() as s:
        one = create_person(s, actor, PersonInput("Öztürk", "Ayşe", date(1975, 1, 2), "w",
                                                  postcode="33689"))
        two = create_person(s, actor, PersonInput("Becker", "Jan", date(1990, 5, 6), "m",
                                                  postcode="34127"))
        assert one.district_ags == "05711"
        assert two.district_ags is None  # Kassel Stadt or Landkreis: the user chooses
        assert one.family_norm == "oeztuerk"


@pytest.mark.parametrize(("data", "message"), [
    (PersonInput("A", "B", TODAY + timedelta(days=1)), "Zukunft"),
    (PersonInput("A", "B", date(1850, 1, 1)), "vor 1900"),
    (PersonInput("", "B", date(1990, 1, 1)), "Nachname"),
    (PersonInput("A", "B", date(1990, 1, 1), sex="x"), "Geschlecht"),
    (PersonInput("A", "B", date(1990, 1, 1), district_ags="01001"), "Kreisschlüssel"),
])
def test_person_rejections(db: Database, actor: Actor, data: PersonInput, message: str) -> None:
    with pytest.raises(ValidationError, match=message), db.session() as s:
        create_person(s, actor, data)
    assert count(db, Person) == 0


def test_merge_keeps_both_records_and_is_audited(db: Database, actor: Actor,
                                                 world: World) -> None:
    with db.session() as s:
        dup = create_person(s, actor, PersonInput("Mueller", "Anna", date(1980, 4, 10), "w"))
        survivor = merge_persons(s, actor, dup.id, world.person_id)
        assert survivor.id == world.person_id
        assert resolve_person(s, dup.id).id == world.person_id
        actions = s.scalars(select(AuditEntry.action).where(AuditEntry.entity_id == dup.id))
        assert list(actions) == ["create", "merge"]
    with pytest.raises(ValidationError, match="mit sich selbst"), db.session() as s:
        merge_persons(s, actor, world.person_id, dup.id)


def test_record_dose_writes_dose_and_audit(db: Database, actor: Actor, world: World) -> None:
    audits_before = count(db, AuditEntry)
    with db.session() as s:
        stored = record_vaccination(s, actor, dose(world))
    with db.session() as s:
        row = s.get(Vaccination, stored.id)
        assert row is not None
        assert (row.lot_number, row.disease, row.physician_id) == ("FK1234", "covid19",
                                                                   world.doctor_id)
        entry = s.scalars(select(AuditEntry).where(AuditEntry.entity_id == stored.id)).one()
        assert entry.action == "create" and entry.after is not None
        assert entry.after["product_key"] == "EU/1/20/1528"
        doses = list_visit_doses(s, world.visit_id)
    assert count(db, AuditEntry) == audits_before + 1
    assert [(d.family_name, d.dose_number) for d in doses] == [("Müller", 1)]


@pytest.mark.parametrize(("changes", "error", "message"), [
    ({"product": "Sputnik V"}, ValidationError, "Unbekannter Impfstoff"),
    ({"product": "Spikevax"}, ValidationError, "anderen Impfstoff"),
    ({"date": TODAY + timedelta(days=1)}, ValidationError, "Zukunft"),
    ({"date": date(1979, 1, 1)}, ValidationError, "vor dem Geburtsdatum"),
    ({"person_id": "nobody"}, NotFoundError, "Person"),
    ({"visit_id": "nowhere"}, NotFoundError, "Einsatz"),
    ({"consent_recorded": False}, ValidationError, "Einwilligung"),
    ({"physician_id": None}, ValidationError, "Arzt"),
    ({"indication": "laune"}, ValidationError, "Indikation"),
    ({"dose_number": 0}, ValidationError, "Dosis"),
])
def test_record_dose_rejections_change_nothing(db: Database, actor: Actor, world: World,
                                               changes: dict[str, object], error: type,
                                               message: str) -> None:
    audits_before = count(db, AuditEntry)
    with pytest.raises(error, match=message), db.session() as s:
        record_vaccination(s, actor, dose(world, **changes))
    assert count(db, Vaccination) == 0
    assert count(db, AuditEntry) == audits_before


def test_lot_rules_expired_unallocated_exhausted(db: Database, actor: Actor,
                                                 world: World) -> None:
    with db.session() as s:
        other = create_lot(s, actor, "Comirnaty", "NOTHERE", TODAY + timedelta(days=9), 10)
        small = create_lot(s, actor, "Comirnaty", "ONE", TODAY + timedelta(days=9), 1)
        allocate_lot(s, actor, world.visit_id, small.id, 1)
        expiring = create_lot(s, actor, "Comirnaty", "EXP", TODAY, 5)
        allocate_lot(s, actor, world.visit_id, expiring.id, 5)
        expiring.expiry_date = TODAY - timedelta(days=1)  # allocated, expired since
        second = create_person(s, actor, PersonInput("Klein", "Ida", date(1970, 1, 1), "w"))
    with pytest.raises(ValidationError, match="nicht zugeteilt"), db.session() as s:
        record_vaccination(s, actor, dose(world, lot_id=other.id))
    with db.session() as s:  # usable up to and including its expiry day
        record_vaccination(s, actor, dose(world, lot_id=small.id))
    with pytest.raises(ValidationError, match="alle 1 zugeteilten"), db.session() as s:
        record_vaccination(s, actor, dose(world, lot_id=small.id, person_id=second.id))
    with pytest.raises(ValidationError, match="abgelaufen"), db.session() as s:
        record_vaccination(s, actor, dose(world, lot_id=expiring.id, person_id=second.id))


def test_second_dose_same_disease_same_day_rejected(db: Database, actor: Actor,
                                                    world: World) -> None:
    with db.session() as s:
        record_vaccination(s, actor, dose(world))
    with pytest.raises(ValidationError, match="schon eine Impfung"), db.session() as s:
        record_vaccination(s, actor, dose(world, dose_number=2))


def test_back_entry_needs_no_visit_or_lot(db: Database, actor: Actor, world: World) -> None:
    with db.session() as s:
        back = record_vaccination(s, actor, dose(
            world, date=date(2021, 6, 1), visit_id=None, lot_id=None, lot_number="EW2239",
            source="nachtrag_impfpass", physician_id=None, vaccinator_id=None,
            consent_recorded=False, anamnesis_recorded=False))
        assert back.visit_id is None and back.lot_number == "EW2239"


def test_undo_same_user_within_ten_minutes(db: Database, actor: Actor, world: World) -> None:
    with db.session() as s:
        stored = record_vaccination(s, actor, dose(world))
    other = Actor("someone.else", actor.origin)
    with pytest.raises(ValidationError, match="erfasst hat"), db.session() as s:
        undo_vaccination(s, other, stored.id)
    late = stored.created_at + timedelta(minutes=11)
    with pytest.raises(ValidationError, match="10 Minuten"), db.session() as s:
        undo_vaccination(s, actor, stored.id, now=late)
    with db.session() as s:
        undone = undo_vaccination(s, actor, stored.id,
                                  now=stored.created_at + timedelta(minutes=9))
        assert undone.void_reason == "rueckgaengig"
        assert list_visit_doses(s, world.visit_id) == []
        assert len(list_visit_doses(s, world.visit_id, include_voided=True)) == 1
    with db.session() as s:  # the dose can be recorded again after the undo
        record_vaccination(s, actor, dose(world))


def test_void_with_reason_keeps_the_record(db: Database, actor: Actor, world: World) -> None:
    with db.session() as s:
        stored = record_vaccination(s, actor, dose(world))
    with pytest.raises(ValidationError, match="Grund"), db.session() as s:
        void_vaccination(s, actor, stored.id, "")
    with db.session() as s:
        void_vaccination(s, actor, stored.id, "falsche Person")
    with pytest.raises(ValidationError, match="bereits storniert"), db.session() as s:
        void_vaccination(s, actor, stored.id, "nochmal")
    assert count(db, Vaccination) == 1


def test_edit_person_refreshes_search_keys(db: Database, actor: Actor, world: World) -> None:
    with db.session() as s:
        person = update_person(s, actor, world.person_id,
                               PersonInput("Meyer", "Anna", date(1980, 4, 10), "w"))
        assert (person.family_norm, person.family_phon) == ("meyer", "67")
