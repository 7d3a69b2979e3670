"""A stored person as the rules evaluator's ``PersonDocument``.

The certificate PDF needs the next-dose date and the measles confirmation needs the
measles status; both come from ``core.rules.evaluate_person`` over the person's active
(non-voided) records, so the printout and the status page can never disagree.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.catalog.products import get_catalog
from core.db.models import Infection, MeaslesEvidence, Person, Vaccination
from core.rules import evaluate_person
from core.rules import model as rm
from core.rules.result import StatusResult


def person_document(session: Session, person: Person) -> rm.PersonDocument:
    """Doses, infections and measles evidence of ``person`` (voided ones left out)."""
    catalog = get_catalog()
    doses = session.scalars(select(Vaccination).where(
        Vaccination.person_id == person.id, Vaccination.voided_at.is_(None)))
    infections = session.scalars(select(Infection).where(
        Infection.person_id == person.id, Infection.voided_at.is_(None)))
    evidence = session.scalars(select(MeaslesEvidence).where(
        MeaslesEvidence.person_id == person.id, MeaslesEvidence.voided_at.is_(None)))
    return rm.PersonDocument(
        birth_date=person.birth_date,
        vaccinations=tuple(rm.Vaccination(d.date, catalog.require(d.product_key))
                           for d in doses),
        infections=tuple(rm.Infection(i.positive_test_date, i.test_type) for i in infections),
        measles_evidence=tuple(rm.MeaslesEvidence(e.kind, e.date) for e in evidence),
    )


def evaluate_stored(session: Session, person: Person,
                    on: date | datetime | None = None) -> StatusResult:
    """The ``status`` evaluation of a stored person on ``on`` (default today)."""
    return evaluate_person(person_document(session, person), on or date.today())
