"""Record an administered dose, back-enter an earlier one, void and undo.

These are the only ways the GUI and the CLI write doses. Every rule that decides whether
a dose may be stored is checked here or in ``record_vaccination`` beneath it, so a
caller that skips a dialog step (or a script) gets the same refusal as the form.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import Session

from core.catalog.products import get_catalog
from core.db.models import Person, Vaccination
from core.errors import ValidationError
from core.security.permissions import require
from core.services import records
from core.services.checkin import set_queue_status
from core.services.context import Actor
from core.services.vaccinations import (
    VaccinationInput,
    record_vaccination,
    undo_vaccination,
    void_vaccination,
)
from core.usecases.assessment import (
    assess,
    booster_flag,
    known_lot_expired,
    load_record,
    series_conflict,
)
from core.usecases.changes import Changes, Written
from core.usecases.consent import check_consent
from core.usecases.dose_form import DEFAULT_INJECTION_SITE, default_indication

BACKENTRY_SOURCES = ("nachtrag_impfpass", "nachtrag_zertifikat")


@dataclass(slots=True)
class DoseRequest:
    """What the form (or ``dose record``) sends: the choices, never a decision."""

    person_id: str
    visit_id: str
    product: str
    lot_id: str
    vaccinator_id: str | None
    physician_id: str | None
    form: str  # "id:version" of the consent form shown
    confirmed: tuple[str, ...]
    anamnesis: Mapping[str, str] = field(default_factory=dict)
    informed_by_id: str | None = None
    indication: str | None = None
    injection_site: str | None = None
    dose_number: int | None = None
    series_total: int | None = None
    booster: bool | None = None
    override_reason: str = ""


@dataclass(slots=True)
class BackEntryRequest:
    person_id: str
    date: date
    product: str
    source: str
    lot_number: str = ""
    dose_number: int | None = None
    series_total: int | None = None
    confirm_reason: str = ""


def _dose_changes(dose: Vaccination) -> Changes:
    visits = frozenset({dose.visit_id}) if dose.visit_id else frozenset()
    return Changes(doses=True, checkins=bool(dose.visit_id), lots=bool(dose.lot_id),
                   person_ids=frozenset({dose.person_id}), visit_ids=visits)


def _numbers(number: int | None, total: int | None, booster: bool | None,
             suggested: tuple[int, int]) -> tuple[int, int, bool]:
    """Given numbers (or the suggestion) and the booster flag the one function gives."""
    if (number is None) != (total is None):
        raise ValidationError("Dosis: bitte Nummer und Serienlänge zusammen angeben "
                              "(z. B. 2 von 2).", field="dose")
    n, m = (number, total) if number is not None and total is not None else suggested
    if not 1 <= n <= 10 or not 1 <= m <= 10:
        raise ValidationError("Dosis: Nummer und Serienlänge zwischen 1 und 10.", field="dose")
    flag = booster_flag(n, m)
    if booster is not None and booster != flag:
        kind = "eine Auffrischimpfung" if flag else "keine Auffrischimpfung"
        raise ValidationError(f"Dosis {n}/{m} ist nach der deutschen Zählweise {kind} "
                              "(docs/rules.md); bitte Nummer/Serie prüfen.", field="dose")
    return n, m, flag


def record_dose(session: Session, actor: Actor, request: DoseRequest,
                today: date) -> Written[Vaccination]:
    """Record a dose given today at an active visit (all rules of issue 11)."""
    require(actor, "dose.record")
    record = load_record(session, request.person_id, today, evaluate=False)
    product = get_catalog().require(request.product)
    consent = check_consent(product.disease, today, request.form, request.confirmed,
                            request.anamnesis)
    assessment = assess(record, product.key, today)
    number, total, booster = _numbers(request.dose_number, request.series_total,
                                      request.booster,
                                      (assessment.dose_number, assessment.series_total))
    warnings = list(assessment.warnings) + consent.warnings
    conflict = series_conflict(record, product.disease, today, number, total)
    if conflict:
        warnings.append(conflict)
    reason = request.override_reason.strip()
    if warnings and not reason:
        raise ValidationError("Warnung: " + " ".join(warnings) + " Impfen nur mit „Trotz "
                              "Warnung impfen“ und einer Begründung.", field="override")
    person = records.find(session, Person, record.person_id)
    dose = record_vaccination(session, actor, VaccinationInput(
        person_id=record.person_id, date=today, product=product.key, dose_number=number,
        series_total=total, visit_id=request.visit_id, lot_id=request.lot_id,
        booster=booster,
        indication=request.indication or default_indication(person.target_group),
        injection_site=request.injection_site or DEFAULT_INJECTION_SITE,
        physician_id=request.physician_id, vaccinator_id=request.vaccinator_id,
        informed_by_id=request.informed_by_id, consent_recorded=True,
        anamnesis_recorded=True, form_version=consent.form.label,
        consent_items=consent.items_json, anamnesis=consent.anamnesis_json,
        override_reason=reason if warnings else ""), today)
    assert dose.visit_id is not None
    set_queue_status(session, actor, dose.visit_id, dose.person_id, "geimpft")
    return Written(dose, _dose_changes(dose))


def record_backentry(session: Session, actor: Actor, request: BackEntryRequest,
                     today: date) -> Written[Vaccination]:
    """An earlier dose from the Impfpass or a certificate, checked against what is stored."""
    require(actor, "dose.backentry")
    if request.source not in BACKENTRY_SOURCES:
        raise ValidationError("Quelle: nachtrag_impfpass oder nachtrag_zertifikat.",
                              field="source")
    record = load_record(session, request.person_id, min(request.date, today),
                         evaluate=False)
    product = get_catalog().require(request.product)
    if request.dose_number is None and request.series_total is None:
        guess = assess(record, product.key, request.date)  # what the rules would number
        suggested = (guess.dose_number, guess.series_total)
    else:
        number = request.dose_number or 1
        suggested = (number, request.series_total or max(product.standard_doses, number))
    number, total, booster = _numbers(suggested[0], suggested[1], None, suggested)
    problems = [p for p in (
        known_lot_expired(session, product.key, request.lot_number, request.date),
        series_conflict(record, product.disease, request.date, number, total)) if p]
    reason = request.confirm_reason.strip()
    if problems and not reason:
        raise ValidationError(" ".join(problems) + " Bitte die Angaben prüfen; nur mit "
                              "Begründung speichern.", field="confirm")
    dose = record_vaccination(session, actor, VaccinationInput(
        person_id=record.person_id, date=request.date, product=product.key,
        dose_number=number, series_total=total, lot_number=request.lot_number.strip(),
        booster=booster, source=request.source,
        override_reason=reason if problems else ""), today)
    return Written(dose, _dose_changes(dose))


def void_dose(session: Session, actor: Actor, dose_id: str, reason: str) -> Written[Vaccination]:
    """Void with a reason: one's own dose (vaccinating roles, lead), anyone's (lead)."""
    stored = records.find(session, Vaccination, dose_id)
    require(actor, "dose.void_own" if stored.created_by == actor.user else "dose.void_other")
    dose = void_vaccination(session, actor, dose_id, reason)
    return Written(dose, _dose_changes(dose))


def undo_dose(session: Session, actor: Actor, dose_id: str,
              now: datetime | None = None) -> Written[Vaccination]:
    require(actor, "dose.void_own")
    dose = undo_vaccination(session, actor, dose_id, now)
    if dose.visit_id is not None:
        set_queue_status(session, actor, dose.visit_id, dose.person_id, "wartend")
    return Written(dose, _dose_changes(dose))
