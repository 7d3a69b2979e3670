""""Übernehmen": store what a scanned certificate says as a person and back-entered doses.

The scan page first lets the user pick an existing person (the Foundation's duplicate
search) or decide to create one; this service then writes the doses as back-entries
with source ``nachtrag_zertifikat`` through the normal ``record_vaccination`` path, so
every check and audit entry of a typed back-entry applies. A dose already documented on
that day is skipped with a German reason instead of failing the whole adoption.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from core.certificates.holder import Prefill
from core.errors import ValidationError
from core.rules.numbering import is_booster
from core.services.context import Actor
from core.services.persons import PersonInput, create_person, resolve_person
from core.services.vaccinations import VaccinationInput, record_vaccination

SOURCE = "nachtrag_zertifikat"


@dataclass(slots=True)
class AdoptResult:
    """What was stored: the person, whether it is new, the new dose ids and the skips."""

    person_id: str
    created_person: bool
    dose_ids: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def adopt_certificate(session: Session, actor: Actor, data: Prefill,
                      person_id: str | None = None) -> AdoptResult:
    """Create the person (``person_id`` None) or use the chosen one, then add the doses."""
    if person_id is None:
        if data.birth_date is None:
            raise ValidationError("Geburtsdatum im Zertifikat unvollständig; bitte die Person "
                                  "von Hand anlegen.", field="birth_date")
        person = create_person(session, actor, PersonInput(
            data.family_name, data.given_name, data.birth_date))
        result = AdoptResult(person.id, True)
    else:
        person = resolve_person(session, person_id)
        if data.birth_date is not None and person.birth_date != data.birth_date:
            raise ValidationError(
                f"Geburtsdatum im Zertifikat ({data.birth_date:%d.%m.%Y}) passt nicht zur "
                f"gewählten Person ({person.birth_date:%d.%m.%Y}).", field="birth_date")
        result = AdoptResult(person.id, False)
    for dose in data.doses:
        try:
            stored = record_vaccination(session, actor, VaccinationInput(
                person_id=person.id, date=dose.date, product=dose.product_key,
                dose_number=dose.dose_number, series_total=dose.series_total,
                booster=is_booster(dose.dose_number, dose.series_total), source=SOURCE))
        except ValidationError as exc:
            result.skipped.append(f"Impfung vom {dose.date:%d.%m.%Y} nicht übernommen: "
                                  f"{exc.message}")
            continue
        result.dose_ids.append(stored.id)
    return result
