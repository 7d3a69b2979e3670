"""Persons: register, edit, void, merge duplicates (``merged_into_id``)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from sqlalchemy.orm import Session

from core.catalog.districts import get_districts
from core.certificates.names import transliterate_part
from core.db.codes import SEXES, TARGET_GROUPS
from core.db.models import Person
from core.errors import ValidationError
from core.services import records
from core.services.context import Actor, apply_changes, audit, stamp_new
from core.services.names import fold, phonetic
from core.services.validation import (
    not_in_future,
    optional_plz,
    require_code,
    require_district,
    require_text,
)


@dataclass(slots=True)
class PersonInput:
    family_name: str
    given_name: str
    birth_date: date
    sex: str = "u"
    street: str = ""
    postcode: str = ""
    city: str = ""
    district_ags: str | None = None
    phone: str = ""
    target_group: str = "sonstige"
    notes: str = ""
    external_id: str | None = None


def _clean(data: PersonInput, today: date) -> dict[str, object]:
    values = asdict(data)
    values["family_name"] = require_text(data.family_name, "Nachname", 100)
    values["given_name"] = require_text(data.given_name, "Vorname", 100)
    # Certificates need the name in a script ICAO 9303 / ELOT 743 can transliterate; a
    # name in Arabic (or another) script is refused here, at the desk, with the request to
    # enter the Latin spelling from the ID document, not later when printing.
    transliterate_part(values["family_name"], "Nachname")
    transliterate_part(values["given_name"], "Vorname")
    not_in_future(data.birth_date, today, "Geburtsdatum")
    if data.birth_date.year < 1900:
        raise ValidationError("Geburtsdatum: Bitte das Jahr prüfen (vor 1900).",
                              field="birth_date")
    values["sex"] = require_code(data.sex, SEXES, "Geschlecht")
    values["target_group"] = require_code(data.target_group, TARGET_GROUPS, "Zielgruppe")
    values["postcode"] = optional_plz(data.postcode)
    ags = data.district_ags
    if ags:
        values["district_ags"] = require_district(ags)
    elif values["postcode"]:
        # A PLZ in one Kreis fills it; a PLZ spanning two Kreise stays open for the user.
        candidates = get_districts().districts_for_plz(str(values["postcode"]))
        values["district_ags"] = candidates[0].ags if len(candidates) == 1 else None
    values["family_norm"] = fold(values["family_name"])
    values["given_norm"] = fold(values["given_name"])
    values["family_phon"] = phonetic(values["family_name"])
    values["given_phon"] = phonetic(values["given_name"])
    return values


def create_person(
    session: Session, actor: Actor, data: PersonInput, today: date | None = None
) -> Person:
    person = Person(**_clean(data, today or date.today()))
    stamp_new(person, actor)
    session.add(person)
    audit(session, actor, "create", person)
    return person


def update_person(
    session: Session, actor: Actor, person_id: str, data: PersonInput, today: date | None = None
) -> Person:
    person = records.find(session, Person, person_id)
    return records.update(session, actor, person, _clean(data, today or date.today()))


def void_person(session: Session, actor: Actor, person_id: str, reason: str) -> Person:
    return records.void(session, actor, records.find(session, Person, person_id), reason)


def resolve_person(session: Session, person_id: str) -> Person:
    """The person a record points to, following merges to the surviving record."""
    person = records.find(session, Person, person_id)
    seen = {person.id}
    while person.merged_into_id is not None:
        person = records.find(session, Person, person.merged_into_id)
        if person.id in seen:
            raise ValidationError("Personen-Zusammenführung bildet einen Kreis.")
        seen.add(person.id)
    return person


def merge_persons(session: Session, actor: Actor, duplicate_id: str, survivor_id: str) -> Person:
    """Mark ``duplicate`` as the same person as ``survivor``; both records stay."""
    duplicate = records.find_active(session, Person, duplicate_id)
    survivor = resolve_person(session, survivor_id)
    if survivor.id == duplicate.id:
        raise ValidationError("Eine Person kann nicht mit sich selbst zusammengeführt werden.")
    before = apply_changes(duplicate, {"merged_into_id": survivor.id})
    audit(session, actor, "merge", duplicate, before)
    return survivor
