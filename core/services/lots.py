"""Vaccine lots (Chargen) and their allocation to visits.

A lot is keyed by product + lot number. Used doses are counted from non-voided
vaccinations so the figure can never drift from the dose records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.catalog.products import get_catalog
from core.db.models import Lot, LotAllocation, Vaccination, Visit
from core.errors import ValidationError
from core.services import records
from core.services.context import Actor, apply_changes, audit, stamp_new
from core.services.validation import require_line, require_text


@dataclass(frozen=True, slots=True)
class LotUsage:
    lot_id: str
    product_key: str
    lot_number: str
    expiry_date: date
    allocated: int
    used: int
    discarded: int

    @property
    def left(self) -> int:
        return max(self.allocated - self.used - self.discarded, 0)


def create_lot(
    session: Session,
    actor: Actor,
    product: str,
    lot_number: str,
    expiry_date: date,
    doses_received: int,
    external_id: str | None = None,
) -> Lot:
    key = get_catalog().require(product).key
    number = require_line(lot_number, "Charge", 50)
    if doses_received < 0:
        raise ValidationError("Dosen: Die Anzahl darf nicht negativ sein.", field="doses")
    clash = session.scalars(
        select(Lot).where(Lot.product_key == key, Lot.lot_number == number)
    ).first()
    if clash is not None:
        raise ValidationError(f"Charge {number} für dieses Produkt gibt es schon.", field="lot")
    lot = Lot(product_key=key, lot_number=number, expiry_date=expiry_date,
              doses_received=doses_received, external_id=external_id)
    stamp_new(lot, actor)
    session.add(lot)
    audit(session, actor, "create", lot)
    return lot


def find_lot(session: Session, product: str, lot_number: str) -> Lot | None:
    key = get_catalog().require(product).key
    return session.scalars(
        select(Lot).where(Lot.product_key == key, Lot.lot_number == lot_number.strip())
    ).first()


def allocate_lot(
    session: Session, actor: Actor, visit_id: str, lot_id: str, doses: int
) -> LotAllocation:
    """Give a visit ``doses`` of a lot (replaces an earlier allocation of the same lot)."""
    visit = records.find_active(session, Visit, visit_id)
    lot = records.find_active(session, Lot, lot_id)
    if doses < 0:
        raise ValidationError("Dosen: Die Anzahl darf nicht negativ sein.", field="doses")
    if lot.expiry_date < visit.date:
        raise ValidationError(
            f"Charge {lot.lot_number} ist am {lot.expiry_date:%d.%m.%Y} abgelaufen, "
            f"vor dem Einsatz am {visit.date:%d.%m.%Y}.", field="lot")
    allocation = session.scalars(
        select(LotAllocation).where(LotAllocation.lot_id == lot.id,
                                    LotAllocation.visit_id == visit.id)
    ).first()
    if allocation is None:
        allocation = LotAllocation(lot_id=lot.id, visit_id=visit.id, doses=doses)
        stamp_new(allocation, actor)
        session.add(allocation)
        audit(session, actor, "create", allocation)
    else:
        before = apply_changes(allocation, {"doses": doses, "voided_at": None})
        audit(session, actor, "update", allocation, before)
    return allocation


def discard_doses(session: Session, actor: Actor, lot_id: str, doses: int, reason: str) -> Lot:
    lot = records.find_active(session, Lot, lot_id)
    if doses <= 0:
        raise ValidationError("Verworfene Dosen: mindestens 1.", field="doses")
    reason = require_text(reason, "Grund", 500)
    note = f"{lot.discard_reason}\n{doses}: {reason}".strip()
    return records.update(session, actor, lot, {
        "doses_discarded": lot.doses_discarded + doses, "discard_reason": note})


def visit_lot_usage(session: Session, visit_id: str) -> list[LotUsage]:
    """Lots allocated to a visit with doses used there (voided doses do not count)."""
    used = (
        select(Vaccination.lot_id, func.count().label("n"))
        .where(Vaccination.visit_id == visit_id, Vaccination.voided_at.is_(None))
        .group_by(Vaccination.lot_id)
        .subquery()
    )
    rows = session.execute(
        select(Lot, LotAllocation.doses, func.coalesce(used.c.n, 0))
        .join(LotAllocation, LotAllocation.lot_id == Lot.id)
        .outerjoin(used, used.c.lot_id == Lot.id)
        .where(LotAllocation.visit_id == visit_id, LotAllocation.voided_at.is_(None))
        .order_by(Lot.product_key, Lot.expiry_date)
    ).all()
    return [
        LotUsage(lot.id, lot.product_key, lot.lot_number, lot.expiry_date, int(allocated),
                 int(n), lot.doses_discarded)
        for lot, allocated, n in rows
    ]
