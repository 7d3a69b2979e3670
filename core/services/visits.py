"""Visits (Einsätze): planning, team, status, and the list the start page shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.db.codes import ROLES, VISIT_STATUSES
from core.db.models import Site, Staff, Vaccination, Visit, VisitMember
from core.errors import ValidationError
from core.services import records
from core.services.context import Actor, audit, stamp_new
from core.services.validation import require_code


@dataclass(slots=True)
class VisitInput:
    site_id: str
    date: date
    start_time: time
    end_time: time
    planned_capacity: int = 0
    status: str = "geplant"
    notes: str = ""
    external_id: str | None = None
    members: list[tuple[str, str]] = field(default_factory=list)  # (staff id, role)


@dataclass(frozen=True, slots=True)
class VisitRow:
    """One line of ``visits list`` (the CLI JSON shape of design.md)."""

    id: str
    external_id: str | None
    date: date
    start: str
    end: str
    site_id: str
    site_name: str
    site_kind: str
    district_ags: str
    status: str
    planned_capacity: int
    doses_given: int

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id, "external_id": self.external_id, "date": self.date.isoformat(),
            "start": self.start, "end": self.end, "site_id": self.site_id,
            "site_name": self.site_name, "site_kind": self.site_kind,
            "district_ags": self.district_ags, "status": self.status,
            "planned_capacity": self.planned_capacity, "doses_given": self.doses_given,
        }


def _clean(session: Session, data: VisitInput) -> dict[str, object]:
    site = records.find_active(session, Site, data.site_id)
    if data.end_time <= data.start_time:
        raise ValidationError("Ende: Das Ende muss nach dem Beginn liegen.", field="end_time")
    if data.planned_capacity < 0:
        raise ValidationError("Kapazität: darf nicht negativ sein.", field="planned_capacity")
    return {
        "site_id": site.id, "date": data.date, "start_time": data.start_time,
        "end_time": data.end_time, "planned_capacity": data.planned_capacity,
        "status": require_code(data.status, VISIT_STATUSES, "Status"),
        "notes": data.notes.strip(), "external_id": data.external_id,
    }


def create_visit(session: Session, actor: Actor, data: VisitInput) -> Visit:
    visit = Visit(**_clean(session, data))
    stamp_new(visit, actor)
    session.add(visit)
    audit(session, actor, "create", visit)
    for staff_id, role in data.members:
        add_member(session, actor, visit.id, staff_id, role)
    return visit


def update_visit(session: Session, actor: Actor, visit_id: str, data: VisitInput) -> Visit:
    visit = records.find(session, Visit, visit_id)
    return records.update(session, actor, visit, _clean(session, data))


def set_visit_status(session: Session, actor: Actor, visit_id: str, status: str) -> Visit:
    visit = records.find_active(session, Visit, visit_id)
    return records.update(session, actor, visit,
                          {"status": require_code(status, VISIT_STATUSES, "Status")})


def void_visit(session: Session, actor: Actor, visit_id: str, reason: str) -> Visit:
    return records.void(session, actor, records.find(session, Visit, visit_id), reason)


def add_member(
    session: Session, actor: Actor, visit_id: str, staff_id: str, role: str
) -> VisitMember:
    visit = records.find_active(session, Visit, visit_id)
    staff = records.find_active(session, Staff, staff_id)
    existing = session.scalars(select(VisitMember).where(
        VisitMember.visit_id == visit.id, VisitMember.staff_id == staff.id)).first()
    if existing is not None and not existing.is_voided:
        raise ValidationError(f"{staff.display_name} gehört schon zum Team dieses Einsatzes.")
    member = VisitMember(visit_id=visit.id, staff_id=staff.id,
                         role=require_code(role, ROLES, "Rolle"))
    stamp_new(member, actor)
    session.add(member)
    audit(session, actor, "create", member)
    return member


def list_visits(
    session: Session, date_from: date | None = None, date_to: date | None = None
) -> list[VisitRow]:
    """Non-voided visits in the range (inclusive), oldest first, with doses given."""
    doses = (
        select(Vaccination.visit_id, func.count().label("n"))
        .where(Vaccination.voided_at.is_(None), Vaccination.visit_id.is_not(None))
        .group_by(Vaccination.visit_id)
        .subquery()
    )
    query = (
        select(Visit, Site, func.coalesce(doses.c.n, 0))
        .join(Site, Site.id == Visit.site_id)
        .outerjoin(doses, doses.c.visit_id == Visit.id)
        .where(Visit.voided_at.is_(None))
        .order_by(Visit.date, Visit.start_time, Site.name)
    )
    if date_from is not None:
        query = query.where(Visit.date >= date_from)
    if date_to is not None:
        query = query.where(Visit.date <= date_to)
    return [
        VisitRow(v.id, v.external_id, v.date, v.start_time.strftime("%H:%M"),
                 v.end_time.strftime("%H:%M"), s.id, s.name, s.kind, s.district_ags, v.status,
                 v.planned_capacity, int(n))
        for v, s, n in session.execute(query).all()
    ]
