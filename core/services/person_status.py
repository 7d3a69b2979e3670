"""Rules evaluation for stored persons, and the dose the rules suggest next.

Builds the rules engine's ``PersonDocument`` from the database (non-voided doses and
infections, measles evidence) so the GUI shows exactly what ``status`` would compute.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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


@dataclass(frozen=True, slots=True)
class DoseSuggestion:
    """What the form pre-fills: dose number, series length, booster, and why."""

    dose_number: int
    series_total: int
    booster: bool
    reasons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


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
                    extra: list[RuleDose] | None = None) -> PersonDocument:
    """The rules' view of a stored person. Back-entered doses carry the dn/sd their
    proof states (a certificate holds only the last dose, so a stored "2/2" stands for
    the whole series); doses given here are counted by the rules as they are."""
    back_entries = ("nachtrag_zertifikat", "nachtrag_impfpass")  # core.db.codes.SOURCES
    person = resolve_person(session, person_id)
    ids = person_ids(session, person_id)
    catalog = get_catalog()
    doses = [RuleDose(v.date, catalog.require(v.product_key),
                      (v.dose_number, v.series_total) if v.source in back_entries else None)
             for v in stored_doses(session, person_id)]
    infections = tuple(RuleInfection(i.positive_test_date, i.test_type) for i in session.scalars(
        select(Infection).where(Infection.person_id.in_(ids), Infection.voided_at.is_(None))))
    evidence = tuple(RuleEvidence(e.kind, e.date) for e in session.scalars(
        select(MeaslesEvidence).where(MeaslesEvidence.person_id.in_(ids),
                                      MeaslesEvidence.voided_at.is_(None))))
    return PersonDocument(person.birth_date, tuple(doses + list(extra or [])), infections,
                          (), evidence)


def person_status(session: Session, person_id: str, on: date) -> StatusResult:
    return evaluate_person(person_document(session, person_id), on)


def suggest_dose(session: Session, person_id: str, product: str, on: date) -> DoseSuggestion:
    """Dose number and booster flag for a new dose, with the warnings it would raise."""
    item = get_catalog().require(product)
    before = person_status(session, person_id, on)
    prior = [v for v in stored_doses(session, person_id)
             if v.disease == item.disease and v.date <= on]
    # A back-entered "2/2" from a certificate is often the only record of a series, so
    # the documented dose numbers count as much as the number of stored doses.
    number = max(len(prior), *(v.dose_number for v in prior), 0) + 1
    documented_complete = any(v.dose_number >= v.series_total for v in prior)
    if item.disease == "covid19":
        booster = before.covid19.series_complete or documented_complete or item.booster_only
        total = number if booster else max(item.standard_doses, number)
        reasons = list(before.covid19.reasons)
    else:
        booster, total = False, max(item.standard_doses, number)
        reasons = list(before.measles.reasons)
    after = evaluate_person(person_document(session, person_id, [RuleDose(on, item)]), on)
    old = {w.message for w in (*before.covid19.warnings, *before.measles.warnings)}
    new = [w.message for w in (*after.covid19.warnings, *after.measles.warnings)
           if w.message not in old]
    return DoseSuggestion(number, total, booster, reasons, new)
