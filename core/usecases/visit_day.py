"""Whether doses may be recorded at a visit today: the field page's banner.

Additive read for the GUI: the same sentence the dose form's ``blocked`` gives, for the
visit as a whole (a visit of another day opened for planning, a planned visit not yet
begun, a closed one).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from core.db.models import Visit
from core.services import records
from core.services.dose_checks import dose_day_problem


def visit_day_problem(session: Session, visit_id: str, on: date) -> str:
    """'' when doses may be recorded at ``visit_id`` on ``on``; else a German reason."""
    return dose_day_problem(records.find(session, Visit, visit_id), on)


def can_start(session: Session, visit_id: str, on: date) -> bool:
    """True for a planned visit of ``on`` (the GUI offers "Einsatz beginnen")."""
    visit = records.find(session, Visit, visit_id)
    return not visit.is_voided and visit.status == "geplant" and visit.date == on
