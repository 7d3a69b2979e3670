"""The visit side of the field day: starting a visit and changing its team.

A visit starts (geplant → aktiv) only on its own date; a stand-in vaccinator is added to
the team (audited) instead of being typed in silently (core.services.dose_checks).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db.codes import ROLES
from core.db.models import Visit, VisitMember
from core.errors import ValidationError
from core.security.permissions import require
from core.services import records
from core.services.context import Actor, apply_changes, audit
from core.services.dose_checks import find_staff
from core.services.field_day import TeamMember, team
from core.services.validation import require_code
from core.services.visits import add_member, set_visit_status
from core.usecases.changes import Changes, Written


def start_visit(session: Session, actor: Actor, visit_id: str, today: date) -> Written[Visit]:
    """geplant → aktiv, only on the visit's own date."""
    require(actor, "visit.start")
    visit = records.find_active(session, Visit, visit_id)
    if visit.status == "aktiv":
        raise ValidationError("Der Einsatz ist bereits begonnen.")
    if visit.status == "abgeschlossen":
        raise ValidationError("Der Einsatz ist abgeschlossen und kann nicht neu beginnen.")
    if visit.date != today:
        raise ValidationError(f"Der Einsatz ist für den {visit.date:%d.%m.%Y} geplant und kann "
                              "nur an diesem Tag begonnen werden.")
    set_visit_status(session, actor, visit.id, "aktiv")
    return Written(visit, Changes(visits=True, visit_ids=frozenset({visit.id})))


@dataclass(frozen=True, slots=True)
class TeamChange:
    visit_id: str
    team: list[TeamMember]


def add_team_member(session: Session, actor: Actor, visit_id: str, staff_key: str,
                    role: str | None = None) -> Written[TeamChange]:
    """Add a stand-in (or anyone) to the visit's team; the role defaults to their own."""
    require(actor, "visit.team")
    visit = records.find_active(session, Visit, visit_id)
    if visit.status == "abgeschlossen":
        raise ValidationError("Der Einsatz ist abgeschlossen; das Team bleibt, wie es war.")
    staff = find_staff(session, staff_key)
    code = require_code(role or staff.role, ROLES, "Rolle")
    earlier = session.scalars(select(VisitMember).where(
        VisitMember.visit_id == visit.id, VisitMember.staff_id == staff.id)).first()
    if earlier is not None and earlier.is_voided:  # taken off the team before: back again
        before = apply_changes(earlier, {"voided_at": None, "voided_by": None,
                                         "void_reason": None, "role": code})
        audit(session, actor, "update", earlier, before)
    else:
        add_member(session, actor, visit.id, staff.id, code)
    return Written(TeamChange(visit.id, team(session, visit.id)),
                   Changes(visits=True, staff=True, visit_ids=frozenset({visit.id})))


def remove_team_member(session: Session, actor: Actor, visit_id: str,
                       staff_key: str) -> Written[TeamChange]:
    require(actor, "visit.team")
    visit = records.find_active(session, Visit, visit_id)
    if visit.status == "abgeschlossen":
        raise ValidationError("Der Einsatz ist abgeschlossen; das Team bleibt, wie es war.")
    staff = find_staff(session, staff_key)
    member = session.scalars(select(VisitMember).where(
        VisitMember.visit_id == visit.id, VisitMember.staff_id == staff.id,
        VisitMember.voided_at.is_(None))).first()
    if member is None:
        raise ValidationError(f"{staff.display_name} gehört nicht zum Team dieses Einsatzes.")
    records.void(session, actor, member, "aus dem Team genommen")
    return Written(TeamChange(visit.id, team(session, visit.id)),
                   Changes(visits=True, staff=True, visit_ids=frozenset({visit.id})))


@dataclass(frozen=True, slots=True)
class Closed:
    doses_by_product: dict[str, int]
    lots: list[dict[str, object]]
    voided: int
    discards: list[dict[str, object]]

    def to_json(self) -> dict[str, object]:
        return {"doses_by_product": self.doses_by_product, "lots": self.lots,
                "voided": self.voided, "discards": self.discards}


def close_visit(session: Session, actor: Actor, visit_id: str,
                discards: list[tuple[str, int, str]]) -> Written[Closed]:
    """Book discarded doses (lot id or number, count, reason), then close the visit."""
    from core.db.backup import REASON_VISIT_CLOSE, after_commit_backup
    from core.services.field_day import close_visit as close
    from core.services.field_day import closing_summary
    from core.services.lots import visit_lot_usage

    require(actor, "visit.close")
    visit = records.find_active(session, Visit, visit_id)
    usage = visit_lot_usage(session, visit.id)
    by_key = {u.lot_id: u.lot_id for u in usage} | {u.lot_number: u.lot_id for u in usage}
    resolved = []
    for key, count, reason in discards:
        if key not in by_key:
            raise ValidationError(f"Verworfene Dosen: Charge „{key}“ gehört nicht zu diesem "
                                  "Einsatz.", field="discard")
        if count < 0:
            raise ValidationError("Verworfene Dosen: Anzahl darf nicht negativ sein.",
                                  field="discard")
        if count and not reason.strip():
            raise ValidationError("Verworfene Dosen: bitte einen Grund angeben.",
                                  field="discard")
        resolved.append((by_key[key], count, reason.strip()))
    close(session, actor, visit.id, resolved)
    # Once the caller commits (CLI or the GUI's write path): a rotated backup of the day.
    after_commit_backup(session, REASON_VISIT_CLOSE)
    summary = closing_summary(session, visit.id)
    lots = [{"id": u.lot_id, "number": u.lot_number, "product": u.product_key,
             "used": u.used, "discarded": u.discarded, "left": u.left}
            for u in summary.lots]
    booked = [{"lot_id": lot_id, "doses": count, "reason": reason}
              for lot_id, count, reason in resolved if count]
    return Written(Closed(summary.doses_by_product, lots, summary.voided, booked),
                   Changes(visits=True, lots=True, checkins=True,
                           visit_ids=frozenset({visit.id})))
