"""Register a person (defaults, duplicate confirmation) and adopt a scanned certificate.

A likely duplicate (``search.likely_same``) is refused unless the caller confirms a
second time (``force_duplicate``: the GUI's second confirmation, the CLI's
``--force-duplicate``). Adopting a certificate stores the person (when new) and the
certificate's dose as a back-entry ``nachtrag_zertifikat`` in the same transaction, so
the rules see the series the certificate documents.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from core.certificates.holder import Prefill
from core.errors import ValidationError
from core.security.permissions import require
from core.services.context import Actor
from core.services.persons import PersonInput, create_person, resolve_person
from core.services.search import PersonHit, likely_same
from core.usecases.changes import Changes, Written
from core.usecases.doses import BackEntryRequest, record_backentry

#: The defaults of a new person, decided once (the form preselects them).
DEFAULT_SEX = "u"
DEFAULT_TARGET_GROUP = "sonstige"


class DuplicateError(ValidationError):
    """Likely the same person is already registered; carries the hits for the form."""

    def __init__(self, message: str, hits: list[PersonHit]) -> None:
        super().__init__(message, field="duplicate")
        self.hits = hits


@dataclass(frozen=True, slots=True)
class Registered:
    person_id: str
    duplicates: list[PersonHit] = field(default_factory=list)


def person_defaults() -> dict[str, str]:
    return {"sex": DEFAULT_SEX, "target_group": DEFAULT_TARGET_GROUP}


def duplicates_of(session: Session, family: str, given: str,
                  birth: date | None) -> list[PersonHit]:
    query = f"{family.strip()}, {given.strip()}".strip(", ")
    if len(family.strip()) < 2:
        return []
    return likely_same(session, query, birth=birth)


def register_person(session: Session, actor: Actor, data: PersonInput, today: date,
                    force_duplicate: bool = False) -> Written[Registered]:
    require(actor, "person.register")
    hits = duplicates_of(session, data.family_name, data.given_name, data.birth_date)
    if hits and not force_duplicate:
        best = hits[0]
        raise DuplicateError(
            f"Wahrscheinlich schon registriert: {best.family_name}, {best.given_name} "
            f"*{best.birth_date:%d.%m.%Y} ({best.score} % Übereinstimmung). Bitte die "
            "vorhandene Person nehmen oder ausdrücklich bestätigen, dass es eine andere "
            "Person ist.", hits)
    person = create_person(session, actor, data, today)
    return Written(Registered(person.id, hits),
                   Changes(persons=True, person_ids=frozenset({person.id})))


@dataclass(slots=True)
class Adopted:
    person_id: str
    created_person: bool
    dose_ids: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def adopt_certificate(session: Session, actor: Actor, data: Prefill, today: date,
                      person_id: str | None = None,
                      force_duplicate: bool = False) -> Written[Adopted]:
    """The chosen person (or a new one from the certificate) plus its doses as back-entries.

    A dose already documented (same day) or contradicting the stored series is skipped
    with a German reason rather than failing the whole adoption.
    """
    if person_id is None:
        if data.birth_date is None:
            raise ValidationError("Geburtsdatum im Zertifikat unvollständig; bitte die Person "
                                  "von Hand anlegen.", field="birth_date")
        written = register_person(session, actor, PersonInput(
            data.family_name, data.given_name, data.birth_date, sex=DEFAULT_SEX,
            target_group=DEFAULT_TARGET_GROUP), today, force_duplicate)
        result = Adopted(written.value.person_id, True)
    else:
        person = resolve_person(session, person_id)
        if data.birth_date is not None and person.birth_date != data.birth_date:
            raise ValidationError(
                f"Geburtsdatum im Zertifikat ({data.birth_date:%d.%m.%Y}) passt nicht zur "
                f"gewählten Person ({person.birth_date:%d.%m.%Y}).", field="birth_date")
        result = Adopted(person.id, False)
    for dose in data.doses:
        try:
            with session.begin_nested():  # a skipped dose leaves nothing half-written
                stored = record_backentry(session, actor, BackEntryRequest(
                    result.person_id, dose.date, dose.product_key, "nachtrag_zertifikat",
                    dose_number=dose.dose_number, series_total=dose.series_total), today)
        except ValidationError as exc:
            result.skipped.append(f"Impfung vom {dose.date:%d.%m.%Y} nicht übernommen: "
                                  f"{exc.message}")
            continue
        result.dose_ids.append(stored.value.id)
    return Written(result, Changes(persons=True, doses=bool(result.dose_ids),
                                   person_ids=frozenset({result.person_id})))
