"""Rules evaluation for stored persons, and the dose the rules suggest next.

Builds the rules engine's ``PersonDocument`` from the database (non-voided doses and
infections, measles evidence) so the GUI shows exactly what ``status`` would compute.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.catalog.products import get_catalog
from core.db.models import Infection, MeaslesEvidence, Person, Vaccination
from core.rules import Infection as RuleInfection
from core.rules import MeaslesEvidence as RuleEvidence
from core.rules import (
    PersonDocument,
    StatusResult,
    evaluate_person,
)
from core.rules import Vaccination as RuleDose
from core.services.persons import resolve_person


def person_ids(session: Session, person_id: str) -> list[str]:
    """The surviving person and every record merged into it (their doses count too)."""
    survivor = resolve_person(session, person_id)
    ids, frontier = [survivor.id], [survivor.id]
    while frontier:
        merged = list(session.scalars(select(Person.id).where(
            Person.merged_into_id.in_(frontier))))
        ids += merged
        frontier = merged
    return ids


def stored_doses(session: Session, person_id: str) -> list[Vaccination]:
    ids = person_ids(session, person_id)
    return list(session.scalars(select(Vaccination).where(
        Vaccination.person_id.in_(ids), Vaccination.voided_at.is_(None))
        .order_by(Vaccination.date, Vaccination.dose_number)))


def person_document(session: Session, person_id: str,
                    extra: list[RuleDose] | None = None, *,
                    ids: list[str] | None = None,
                    stored: list[Vaccination] | None = None) -> PersonDocument:
    """The rules' view of a stored person. Back-entered doses carry the dn/sd their
    proof states (a certificate holds only the last dose, so a stored "2/2" stands for
    the whole series); doses given here are counted by the rules as they are.

    ``ids`` (``person_ids``, survivor first) and ``stored`` (``stored_doses``) may be
    passed by a caller that already loaded them, so the merge chain is walked once."""
    back_entries = ("nachtrag_zertifikat", "nachtrag_impfpass")  # core.db.codes.SOURCES
    ids = ids if ids is not None else person_ids(session, person_id)
    person = session.get_one(Person, ids[0])
    if stored is None:
        stored = list(session.scalars(select(Vaccination).where(
            Vaccination.person_id.in_(ids), Vaccination.voided_at.is_(None))
            .order_by(Vaccination.date, Vaccination.dose_number)))
    catalog = get_catalog()
    doses = [RuleDose(v.date, catalog.require(v.product_key),
                      (v.dose_number, v.series_total) if v.source in back_entries else None)
             for v in stored]
    infections = tuple(RuleInfection(i.positive_test_date, i.test_type) for i in session.scalars(
        select(Infection).where(Infection.person_id.in_(ids), Infection.voided_at.is_(None))))
    evidence = tuple(RuleEvidence(e.kind, e.date) for e in session.scalars(
        select(MeaslesEvidence).where(MeaslesEvidence.person_id.in_(ids),
                                      MeaslesEvidence.voided_at.is_(None))))
    return PersonDocument(person.birth_date, tuple(doses + list(extra or [])), infections,
                          (), evidence)


def person_status(session: Session, person_id: str, on: date) -> StatusResult:
    return evaluate_person(person_document(session, person_id), on)
