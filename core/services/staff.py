"""Staff: the people of a team with their role (one role list for the whole app)."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db.codes import ROLES
from core.db.models import Staff
from core.errors import ValidationError
from core.services import records
from core.services.context import Actor, audit, stamp_new
from core.services.validation import require_code, require_text

_LOGIN = re.compile(r"^[a-z0-9._-]{2,50}$")


@dataclass(slots=True)
class StaffInput:
    family_name: str
    given_name: str
    role: str
    login: str
    external_id: str | None = None


def _clean(session: Session, data: StaffInput, own_id: str | None = None) -> dict[str, object]:
    values = asdict(data)
    values["family_name"] = require_text(data.family_name, "Nachname", 100)
    values["given_name"] = require_text(data.given_name, "Vorname", 100)
    values["role"] = require_code(data.role, ROLES, "Rolle")
    login = data.login.strip().lower()
    if not _LOGIN.match(login):
        raise ValidationError(
            "Benutzername: 2–50 Zeichen, nur Kleinbuchstaben, Ziffern, Punkt, Binde- und "
            "Unterstrich.", field="login")
    clash = session.scalars(select(Staff).where(Staff.login == login)).first()
    if clash is not None and clash.id != own_id:
        raise ValidationError(f"Benutzername: „{login}“ ist schon vergeben.", field="login")
    values["login"] = login
    return values


def create_staff(session: Session, actor: Actor, data: StaffInput) -> Staff:
    staff = Staff(**_clean(session, data))
    stamp_new(staff, actor)
    session.add(staff)
    audit(session, actor, "create", staff)
    return staff


def update_staff(session: Session, actor: Actor, staff_id: str, data: StaffInput) -> Staff:
    staff = records.find(session, Staff, staff_id)
    return records.update(session, actor, staff, _clean(session, data, staff.id))


def void_staff(session: Session, actor: Actor, staff_id: str, reason: str) -> Staff:
    return records.void(session, actor, records.find(session, Staff, staff_id), reason)


def list_staff(session: Session, role: str | None = None) -> list[Staff]:
    query = select(Staff).where(Staff.voided_at.is_(None)).order_by(Staff.family_name)
    if role is not None:
        query = query.where(Staff.role == role)
    return list(session.scalars(query))
