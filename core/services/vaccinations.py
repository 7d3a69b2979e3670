"""Record, undo and void doses; list a visit's doses.

``record_vaccination`` is the one path by which a dose enters the database: it checks
everything § 22 IfSG and the visit's stock require, and writes dose + audit entry in the
caller's transaction, so either both are stored or neither.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.catalog.products import get_catalog
from core.db.base import utcnow
from core.db.codes import INDICATIONS, INJECTION_SITES, SOURCES, VOID_REASON_UNDO
from core.db.models import Lot, LotAllocation, Person, Staff, Vaccination, Visit
from core.errors import ValidationError
from core.services import records
from core.services.context import Actor, audit, stamp_new
from core.services.dose_checks import (
    PHYSICIAN_ROLES,
    VACCINATOR_ROLES,
    require_dose_day,
    require_member,
)
from core.services.persons import resolve_person
from core.services.validation import not_in_future, optional_line, require_code

UNDO_WINDOW = timedelta(minutes=10)


@dataclass(slots=True)
class VaccinationInput:
    person_id: str
    date: date
    product: str
    dose_number: int
    series_total: int
    visit_id: str | None = None
    lot_id: str | None = None
    lot_number: str = ""
    booster: bool = False
    indication: str | None = None
    injection_site: str | None = None
    physician_id: str | None = None
    vaccinator_id: str | None = None
    informed_by_id: str | None = None
    consent_recorded: bool = False
    anamnesis_recorded: bool = False
    form_version: str = ""
    consent_items: str = ""  # JSON list of confirmed item keys (core.usecases.consent)
    anamnesis: str = ""  # JSON list of answers
    source: str = "verabreicht"
    override_reason: str = ""
    external_id: str | None = None


@dataclass(frozen=True, slots=True)
class DoseRow:
    id: str
    person_id: str
    family_name: str
    given_name: str
    birth_date: date
    date: date
    product_key: str
    lot_number: str
    dose_number: int
    series_total: int
    booster: bool
    created_at: datetime
    created_by: str
    voided: bool = False
    void_reason: str = ""


def _check_lot(session: Session, visit: Visit, lot: Lot, product_key: str, on: date) -> None:
    if lot.product_key != product_key:
        raise ValidationError(f"Charge {lot.lot_number} gehört zu einem anderen Impfstoff.",
                              field="lot")
    if lot.expiry_date < on:
        raise ValidationError(
            f"Charge {lot.lot_number} ist seit {lot.expiry_date:%d.%m.%Y} abgelaufen und darf "
            "nicht mehr verimpft werden.", field="lot")
    allocation = session.scalars(select(LotAllocation).where(
        LotAllocation.lot_id == lot.id, LotAllocation.visit_id == visit.id,
        LotAllocation.voided_at.is_(None))).first()
    if allocation is None:
        raise ValidationError(
            f"Charge {lot.lot_number} ist diesem Einsatz nicht zugeteilt.", field="lot")
    used = session.scalar(select(func.count()).select_from(Vaccination).where(
        Vaccination.lot_id == lot.id, Vaccination.visit_id == visit.id,
        Vaccination.voided_at.is_(None))) or 0
    if used >= allocation.doses:
        raise ValidationError(
            f"Charge {lot.lot_number}: alle {allocation.doses} zugeteilten Dosen sind verimpft.",
            field="lot")


def _staff(session: Session, staff_id: str | None, field: str, role: str | None) -> str | None:
    if not staff_id:
        return None
    staff = records.find_active(session, Staff, staff_id)
    if role is not None and staff.role != role:
        raise ValidationError(f"{field}: {staff.display_name} ist nicht als Ärztin/Arzt "
                              "eingetragen.", field=field)
    return staff.id


def record_vaccination(
    session: Session, actor: Actor, data: VaccinationInput, today: date | None = None
) -> Vaccination:
    today = today or date.today()
    person = resolve_person(session, data.person_id)
    if person.is_voided:
        raise ValidationError("Person ist storniert; bitte die richtige Person wählen.")
    product = get_catalog().require(data.product)
    source = require_code(data.source, SOURCES, "Quelle")
    not_in_future(data.date, today, "Impfdatum")
    if data.date < person.birth_date:
        raise ValidationError("Impfdatum: liegt vor dem Geburtsdatum.", field="date")
    if not 1 <= data.dose_number <= 10 or not 1 <= data.series_total <= 10:
        raise ValidationError("Dosis: Nummer und Serienlänge zwischen 1 und 10.", field="dose")
    if data.indication is not None:
        require_code(data.indication, INDICATIONS, "Indikation")
    if data.injection_site is not None:
        require_code(data.injection_site, INJECTION_SITES, "Injektionsstelle")
    same_day = session.scalar(select(func.count()).select_from(Vaccination).where(
        Vaccination.person_id == person.id, Vaccination.date == data.date,
        Vaccination.disease == product.disease, Vaccination.voided_at.is_(None))) or 0
    if same_day:
        raise ValidationError(
            f"Für diese Person ist am {data.date:%d.%m.%Y} schon eine Impfung gegen "
            "dieselbe Krankheit dokumentiert.", field="date")
    lot_id, lot_number, visit_id = None, optional_line(data.lot_number, "Charge", 50), None
    physician_id = vaccinator_id = None
    if source == "verabreicht":
        if not data.visit_id or not data.lot_id:
            raise ValidationError("Einsatz und Charge sind für eine verabreichte Impfung nötig.",
                                  field="lot")
        visit = records.find_active(session, Visit, data.visit_id)
        require_dose_day(visit, today)
        if data.date != today:
            raise ValidationError(
                f"Impfdatum: eine verabreichte Impfung wird am selben Tag dokumentiert "
                f"({today:%d.%m.%Y}); frühere Impfungen bitte als Nachtrag.", field="date")
        lot = records.find_active(session, Lot, data.lot_id)
        _check_lot(session, visit, lot, product.key, data.date)
        if not (data.consent_recorded and data.anamnesis_recorded):
            raise ValidationError("Einwilligung und Anamnese/Aufklärung müssen bestätigt sein.",
                                  field="consent")
        if not data.physician_id:
            raise ValidationError("Verantwortliche Ärztin/verantwortlicher Arzt fehlt.",
                                  field="physician")
        physician_id = require_member(session, visit, data.physician_id, "Ärztin/Arzt",
                                      PHYSICIAN_ROLES).id
        vaccinator_id = require_member(session, visit, data.vaccinator_id, "Impfende/r",
                                       VACCINATOR_ROLES).id
        lot_id, lot_number, visit_id = lot.id, lot.lot_number, visit.id
    dose = Vaccination(
        person_id=person.id, visit_id=visit_id, date=data.date, product_key=product.key,
        lot_id=lot_id, lot_number=lot_number, disease=product.disease,
        dose_number=data.dose_number, series_total=data.series_total, booster=data.booster,
        indication=data.indication, injection_site=data.injection_site,
        physician_id=physician_id, vaccinator_id=vaccinator_id,
        informed_by_id=_staff(session, data.informed_by_id, "Aufklärung", None),
        consent_recorded=data.consent_recorded, anamnesis_recorded=data.anamnesis_recorded,
        form_version=data.form_version, consent_items=data.consent_items,
        anamnesis=data.anamnesis, source=source,
        override_reason=data.override_reason.strip(), external_id=data.external_id,
    )
    stamp_new(dose, actor)
    session.add(dose)
    audit(session, actor, "create", dose)
    return dose


def void_vaccination(session: Session, actor: Actor, dose_id: str, reason: str) -> Vaccination:
    return records.void(session, actor, records.find(session, Vaccination, dose_id), reason)


def undo_vaccination(
    session: Session, actor: Actor, dose_id: str, now: datetime | None = None
) -> Vaccination:
    """Take back a fresh dose: same user, within ten minutes; later only a voiding."""
    dose = records.find(session, Vaccination, dose_id)
    now = now or utcnow()
    if dose.created_by != actor.user:
        raise ValidationError("Rückgängig kann nur, wer die Impfung erfasst hat. "
                              "Bitte stattdessen stornieren.")
    if now - dose.created_at > UNDO_WINDOW:
        raise ValidationError("Rückgängig geht nur in den ersten 10 Minuten. "
                              "Bitte stattdessen mit Begründung stornieren.")
    return records.void(session, actor, dose, VOID_REASON_UNDO)


def list_visit_doses(
    session: Session, visit_id: str, include_voided: bool = False
) -> list[DoseRow]:
    visit = records.find(session, Visit, visit_id)
    query = (
        select(Vaccination, Person)
        .join(Person, Person.id == Vaccination.person_id)
        .where(Vaccination.visit_id == visit.id)
        .order_by(Vaccination.created_at)
    )
    if not include_voided:
        query = query.where(Vaccination.voided_at.is_(None))
    return [
        DoseRow(v.id, p.id, p.family_name, p.given_name, p.birth_date, v.date, v.product_key,
                v.lot_number, v.dose_number, v.series_total, v.booster, v.created_at,
                v.created_by, v.is_voided, v.void_reason or "")
        for v, p in session.execute(query).all()
    ]
