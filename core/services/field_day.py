"""The field day around one visit: dashboard counters, saving a dose, closing the visit."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.catalog.products import get_catalog
from core.db.models import EXCHANGED, ExportMark, Staff, Vaccination, Visit, VisitMember
from core.db.models_field import CheckIn
from core.errors import ValidationError
from core.services import records
from core.services.checkin import set_queue_status
from core.services.context import Actor
from core.services.lots import LotUsage, discard_doses, visit_lot_usage
from core.services.visits import set_visit_status


@dataclass(frozen=True, slots=True)
class TeamMember:
    staff_id: str
    name: str
    role: str


@dataclass(frozen=True, slots=True)
class LotOnHand:
    usage: LotUsage
    product_name: str
    usable: bool
    reason: str  # why not usable ('' when usable)


@dataclass(frozen=True, slots=True)
class Dashboard:
    visit_id: str
    site_name: str
    date: date
    status: str
    team: list[TeamMember]
    lots: list[LotOnHand]
    registered: int
    vaccinated: int
    waiting: int
    unsynced: int


@dataclass(frozen=True, slots=True)
class ClosingSummary:
    doses_by_product: dict[str, int]
    lots: list[LotUsage]
    voided: int
    discards: list[str] = field(default_factory=list)


def team(session: Session, visit_id: str) -> list[TeamMember]:
    rows = session.execute(
        select(VisitMember, Staff).join(Staff, Staff.id == VisitMember.staff_id)
        .where(VisitMember.visit_id == visit_id, VisitMember.voided_at.is_(None))
        .order_by(VisitMember.role, Staff.family_name)).all()
    return [TeamMember(s.id, s.display_name, m.role) for m, s in rows]


def lots_on_hand(session: Session, visit_id: str, on: date) -> list[LotOnHand]:
    """Allocated lots with what is left; expired or exhausted ones marked unusable."""
    catalog = get_catalog()
    result = []
    for usage in visit_lot_usage(session, visit_id):
        product = catalog.resolve(usage.product_key)
        reason = ""
        if usage.expiry_date < on:
            reason = f"abgelaufen am {usage.expiry_date:%d.%m.%Y}"
        elif usage.left <= 0:
            reason = "aufgebraucht"
        result.append(LotOnHand(usage, product.name if product else usage.product_key,
                                not reason, reason))
    return result


def unsynced_count(session: Session) -> int:
    """Records changed since the last sync export (what a package would carry)."""
    mark = session.scalar(select(func.max(ExportMark.to_version))
                          .where(ExportMark.kind == "sync")) or 0
    return sum(int(session.scalar(select(func.count()).select_from(model)
                                  .where(model.row_version > mark)) or 0)
               for model in EXCHANGED)


def dashboard(session: Session, visit_id: str, on: date) -> Dashboard:
    visit = records.find(session, Visit, visit_id)
    counts = dict(session.execute(
        select(CheckIn.status, func.count()).where(CheckIn.visit_id == visit.id,
                                                   CheckIn.voided_at.is_(None))
        .group_by(CheckIn.status)).all())
    vaccinated = session.scalar(select(func.count()).select_from(Vaccination).where(
        Vaccination.visit_id == visit.id, Vaccination.voided_at.is_(None))) or 0
    return Dashboard(visit.id, visit.site.name, visit.date, visit.status,
                     team(session, visit.id), lots_on_hand(session, visit.id, on),
                     sum(int(n) for n in counts.values()), int(vaccinated),
                     int(counts.get("wartend", 0)), unsynced_count(session))


def closing_summary(session: Session, visit_id: str) -> ClosingSummary:
    visit = records.find(session, Visit, visit_id)
    catalog = get_catalog()
    by_product: dict[str, int] = {}
    voided = 0
    for dose in session.scalars(select(Vaccination).where(Vaccination.visit_id == visit.id)):
        if dose.is_voided:
            voided += 1
            continue
        product = catalog.resolve(dose.product_key)
        name = product.name if product else dose.product_key
        by_product[name] = by_product.get(name, 0) + 1
    return ClosingSummary(dict(sorted(by_product.items())), visit_lot_usage(session, visit.id),
                          voided)


def close_visit(session: Session, actor: Actor, visit_id: str,
                discards: list[tuple[str, int, str]]) -> Visit:
    """Book discarded doses (lot id, count, reason), then mark the visit closed."""
    visit = records.find_active(session, Visit, visit_id)
    if visit.status == "abgeschlossen":
        raise ValidationError("Der Einsatz ist bereits abgeschlossen.")
    allocated = {u.lot_id for u in visit_lot_usage(session, visit.id)}
    for lot_id, count, reason in discards:
        if lot_id not in allocated:
            raise ValidationError("Verworfene Dosen: Charge gehört nicht zu diesem Einsatz.")
        if count:
            discard_doses(session, actor, lot_id, count, reason)
    for row in session.scalars(select(CheckIn).where(CheckIn.visit_id == visit.id,
                                                     CheckIn.status == "wartend")):
        set_queue_status(session, actor, visit.id, row.person_id, "gegangen")
    return set_visit_status(session, actor, visit.id, "abgeschlossen")
