"""Read models for the person page: details, dose history, possible duplicates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.catalog.products import get_catalog
from core.db.models import Site, Vaccination, Visit
from core.services.person_status import person_ids
from core.services.persons import resolve_person
from core.services.search import PersonHit, likely_same


@dataclass(frozen=True, slots=True)
class PersonDetails:
    id: str
    family_name: str
    given_name: str
    birth_date: date
    sex: str
    address: str
    district_ags: str | None
    target_group: str
    phone: str
    notes: str


@dataclass(frozen=True, slots=True)
class HistoryRow:
    id: str
    date: date
    product: str
    lot_number: str
    dose_number: int
    series_total: int
    booster: bool
    source: str
    place: str
    voided: bool
    void_reason: str


def person_details(session: Session, person_id: str) -> PersonDetails:
    p = resolve_person(session, person_id)
    address = ", ".join(x for x in (p.street, f"{p.postcode} {p.city}".strip()) if x)
    return PersonDetails(p.id, p.family_name, p.given_name, p.birth_date, p.sex, address,
                         p.district_ags, p.target_group, p.phone, p.notes)


def dose_history(session: Session, person_id: str) -> list[HistoryRow]:
    """All doses of the person and of records merged into them, voided ones included."""
    catalog = get_catalog()
    rows = session.execute(
        select(Vaccination, Site.name)
        .outerjoin(Visit, Visit.id == Vaccination.visit_id)
        .outerjoin(Site, Site.id == Visit.site_id)
        .where(Vaccination.person_id.in_(person_ids(session, person_id)))
        .order_by(Vaccination.date, Vaccination.dose_number)).all()
    result = []
    for dose, site_name in rows:
        product = catalog.resolve(dose.product_key)
        result.append(HistoryRow(
            dose.id, dose.date, product.name if product else dose.product_key, dose.lot_number,
            dose.dose_number, dose.series_total, dose.booster, dose.source, site_name or "",
            dose.is_voided, dose.void_reason or ""))
    return result


def possible_duplicates(session: Session, person_id: str) -> list[PersonHit]:
    """Other active records that look like the same person (name + birth date)."""
    person = resolve_person(session, person_id)
    query = f"{person.family_name}, {person.given_name}"
    hits = likely_same(session, query, birth=person.birth_date, limit=10)
    return [h for h in hits if h.id != person.id and h.birth_date == person.birth_date]
