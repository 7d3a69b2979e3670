"""Checks every dose given at a visit must pass, whoever records it.

A dose given (``verabreicht``) belongs to an active visit on the laptop's local date;
the performing vaccinator and the responsible physician are members of that visit's
team in a role that may do it. ``record_vaccination`` runs these for every caller, the
use cases and the CLI alike.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db.codes import ROLES
from core.db.models import Staff, Visit, VisitMember
from core.errors import ValidationError
from core.services import records

VACCINATOR_ROLES = ("impfend", "arzt")
PHYSICIAN_ROLES = ("arzt",)


def dose_day_problem(visit: Visit, on: date) -> str:
    """'' when doses may be recorded on ``visit`` on ``on``; else a German reason."""
    if visit.is_voided:
        return "Der Einsatz ist storniert."
    if visit.status == "abgeschlossen":
        return "Der Einsatz ist abgeschlossen; keine neuen Impfungen."
    if visit.date != on:
        return (f"Der Einsatz ist für den {visit.date:%d.%m.%Y} geplant; heute ist der "
                f"{on:%d.%m.%Y}. Impfungen werden nur am Einsatztag dokumentiert.")
    if visit.status != "aktiv":
        return "Der Einsatz ist noch nicht begonnen. Bitte zuerst „Einsatz beginnen“."
    return ""


def require_dose_day(visit: Visit, on: date) -> None:
    problem = dose_day_problem(visit, on)
    if problem:
        raise ValidationError(problem, field="visit")


def find_staff(session: Session, key: str) -> Staff:
    """A staff member by id, external id or login (the CLI's STAFF argument)."""
    value = (key or "").strip()
    by_login = session.scalars(select(Staff).where(Staff.login == value.lower())).first()
    staff = by_login or records.find(session, Staff, value)
    if staff.is_voided:
        raise ValidationError(f"Mitarbeiter/in „{value}“ ist storniert.")
    return staff


def team_role(session: Session, visit_id: str, staff_id: str) -> str | None:
    """The member's role on this visit, or None when they are not on its team."""
    member = session.scalars(select(VisitMember).where(
        VisitMember.visit_id == visit_id, VisitMember.staff_id == staff_id,
        VisitMember.voided_at.is_(None))).first()
    return member.role if member else None


def require_member(session: Session, visit: Visit, staff_id: str | None, what: str,
                   roles: tuple[str, ...]) -> Staff:
    """The staff member, refused unless on the visit's team in one of ``roles``."""
    if not staff_id:
        raise ValidationError(f"{what}: bitte auswählen.", field=what)
    staff = find_staff(session, staff_id)
    role = team_role(session, visit.id, staff.id)
    if role is None:
        raise ValidationError(
            f"{what}: {staff.display_name} gehört nicht zum Team dieses Einsatzes. "
            "Bitte als Vertretung ins Team aufnehmen (Teamleitung) oder eine andere Person "
            "wählen.", field=what)
    if role not in roles:
        names = " oder ".join(ROLES[r] for r in roles)
        raise ValidationError(f"{what}: {staff.display_name} ist in diesem Einsatz als "
                              f"{ROLES[role]} eingetragen, nicht als {names}.", field=what)
    return staff
