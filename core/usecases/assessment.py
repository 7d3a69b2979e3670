"""What the rules say about one candidate dose: its numbers and the warnings it raises.

Shared by the dose form (which assesses every product in stock) and the dose write
(which re-assesses the chosen product, so a caller cannot skip a warning). The person's
record is loaded and evaluated once per form; each product is then judged by the
cheap candidate check of the rules, not by a second full evaluation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.catalog.products import Product, get_catalog
from core.db.models import Lot, Vaccination
from core.rules import PersonDocument, StatusResult, evaluate_person
from core.rules import Vaccination as RuleDose
from core.rules.candidate import candidate_findings, candidate_numbers
from core.rules.numbering import is_booster
from core.services.person_status import person_document, person_ids


@dataclass(frozen=True, slots=True)
class StoredDose:
    """A stored, non-voided dose of the person (or of a record merged into them)."""

    id: str
    date: date
    product_key: str
    disease: str
    dose_number: int
    series_total: int
    booster: bool
    source: str


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """One load of the person's history: what the form and every check need."""

    person_id: str
    ids: tuple[str, ...]
    document: PersonDocument
    #: None when loaded for a write: numbering and warnings need the document only.
    status: StatusResult | None
    doses: tuple[StoredDose, ...]

    def doses_of(self, disease: str) -> list[StoredDose]:
        return [d for d in self.doses if d.disease == disease]


@dataclass(frozen=True, slots=True)
class Assessment:
    product: Product
    dose_number: int
    series_total: int
    booster: bool
    warnings: list[str] = field(default_factory=list)


def load_record(session: Session, person_id: str, on: date,
                evaluate: bool = True) -> PersonRecord:
    """Walk the merge chain once, read the doses once, evaluate the rules once."""
    ids = person_ids(session, person_id)
    rows = list(session.scalars(select(Vaccination).where(
        Vaccination.person_id.in_(ids), Vaccination.voided_at.is_(None))
        .order_by(Vaccination.date, Vaccination.dose_number)))
    document = person_document(session, ids[0], ids=ids, stored=rows)
    status = evaluate_person(document, on) if evaluate else None
    doses = tuple(StoredDose(v.id, v.date, v.product_key, v.disease, v.dose_number,
                             v.series_total, v.booster, v.source) for v in rows)
    return PersonRecord(ids[0], tuple(ids), document, status, doses)


def candidate_warnings(record: PersonRecord, product: Product, on: date) -> list[str]:
    """German warnings the new dose would raise (interval, age, approval, booster use)."""
    return [f.message for f in candidate_findings(record.document, RuleDose(on, product))]


def assess(record: PersonRecord, product_key: str, on: date) -> Assessment:
    product = get_catalog().require(product_key)
    candidate = RuleDose(on, product)
    number, total, booster = candidate_numbers(record.document, candidate)
    return Assessment(product, number, total, booster,
                      candidate_warnings(record, product, on))


def series_conflict(record: PersonRecord, disease: str, day: date, number: int,
                    total: int) -> str:
    """'' or a German sentence: the numbers contradict the stored series (1/2 after 2/2)."""
    for dose in record.doses_of(disease):
        earlier_higher = dose.date < day and dose.dose_number >= number
        later_lower = dose.date > day and dose.dose_number <= number
        if earlier_higher or later_lower:
            return (f"Dosis {number}/{total} am {day:%d.%m.%Y} widerspricht der gespeicherten "
                    f"Dosis {dose.dose_number}/{dose.series_total} vom {dose.date:%d.%m.%Y}.")
    return ""


def booster_flag(number: int, total: int) -> bool:
    """The one decision on the booster flag (core.rules.numbering, docs/rules.md)."""
    return is_booster(number, total)


def known_lot_expired(session: Session, product_key: str, lot_number: str,
                      day: date) -> str:
    """'' or a German sentence when the app knows the lot expired before ``day``."""
    number = lot_number.strip()
    if not number:
        return ""
    lot = session.scalars(select(Lot).where(Lot.product_key == product_key,
                                            Lot.lot_number == number)).first()
    if lot is not None and lot.expiry_date < day:
        return (f"Charge {number} war am {day:%d.%m.%Y} bereits abgelaufen "
                f"(verwendbar bis {lot.expiry_date:%d.%m.%Y}).")
    return ""
