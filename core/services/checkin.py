"""Check-in at a visit: tickets, the queue, and its counters.

A check-in ticket (on the invitation letter and on printed queue tickets) carries
``IMPFTEAM-T1:<visit id>:<ticket number>`` and no personal data, so a lost ticket
reveals nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.db.base import utcnow
from core.db.models import Person, Visit
from core.db.models_field import CheckIn
from core.errors import ValidationError
from core.services import records
from core.services.context import Actor, apply_changes, audit, stamp_new
from core.services.persons import resolve_person

TICKET_PREFIX = "IMPFTEAM-T1:"
_TICKET = re.compile(r"^IMPFTEAM-T1:([0-9a-fA-F-]{36}|[^:]{1,100}):(\d{1,6})$")


@dataclass(frozen=True, slots=True)
class Ticket:
    visit_id: str
    number: int

    def text(self) -> str:
        return f"{TICKET_PREFIX}{self.visit_id}:{self.number}"


@dataclass(frozen=True, slots=True)
class QueueRow:
    check_in_id: str
    person_id: str
    family_name: str
    given_name: str
    birth_date: date
    ticket_number: int | None
    status: str
    checked_in_at: datetime


def is_ticket(text: str) -> bool:
    return text.strip().upper().startswith(TICKET_PREFIX)


def parse_ticket(text: str) -> Ticket:
    """Parse a scanned ticket; German error for anything that only looks like one."""
    value = text.strip()
    match = _TICKET.match(value[: len(TICKET_PREFIX)].upper() + value[len(TICKET_PREFIX):])
    if not match:
        raise ValidationError("Das ist kein gültiges Impfteam-Ticket. Bitte erneut scannen "
                              "oder den Namen eingeben.", field="scan")
    return Ticket(match.group(1), int(match.group(2)))


def next_ticket_number(session: Session, visit_id: str) -> int:
    last = session.scalar(select(func.max(CheckIn.ticket_number))
                          .where(CheckIn.visit_id == visit_id))
    return int(last or 0) + 1


def check_in_person(
    session: Session, actor: Actor, visit_id: str, person_id: str,
    ticket_number: int | None = None,
) -> CheckIn:
    """Put a person in the visit's queue (again, if they had left); idempotent if waiting."""
    visit = records.find_active(session, Visit, visit_id)
    if visit.status == "abgeschlossen":
        raise ValidationError("Der Einsatz ist abgeschlossen; keine Anmeldungen mehr.")
    person = resolve_person(session, person_id)
    existing = session.scalars(select(CheckIn).where(
        CheckIn.visit_id == visit.id, CheckIn.person_id == person.id)).first()
    if existing is not None:
        if existing.status == "gegangen" or existing.is_voided:
            before = apply_changes(existing, {"status": "wartend", "voided_at": None,
                                              "checked_in_at": utcnow()})
            audit(session, actor, "update", existing, before)
        return existing
    entry = CheckIn(visit_id=visit.id, person_id=person.id, status="wartend",
                    ticket_number=ticket_number or next_ticket_number(session, visit.id),
                    checked_in_at=utcnow())
    stamp_new(entry, actor)
    session.add(entry)
    audit(session, actor, "create", entry)
    return entry


def set_queue_status(session: Session, actor: Actor, visit_id: str, person_id: str,
                     status: str) -> CheckIn | None:
    entry = session.scalars(select(CheckIn).where(
        CheckIn.visit_id == visit_id, CheckIn.person_id == person_id)).first()
    if entry is None or entry.status == status:
        return entry
    before = apply_changes(entry, {"status": status})
    audit(session, actor, "update", entry, before)
    return entry


def visit_queue(session: Session, visit_id: str) -> list[QueueRow]:
    rows = session.execute(
        select(CheckIn, Person).join(Person, Person.id == CheckIn.person_id)
        .where(CheckIn.visit_id == visit_id, CheckIn.voided_at.is_(None))
        .order_by(CheckIn.checked_in_at)
    ).all()
    return [QueueRow(c.id, p.id, p.family_name, p.given_name, p.birth_date, c.ticket_number,
                     c.status, c.checked_in_at) for c, p in rows]
