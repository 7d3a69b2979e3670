"""Field-day entities: who checked in at a visit and where they are in the queue."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, Tracked, Voidable
from core.db.codes import CHECKIN_STATUSES, check_in


class CheckIn(Tracked, Voidable, Base):
    """A person at a visit: waiting, vaccinated or gone (left without a dose)."""

    __tablename__ = "check_in"
    __table_args__ = (
        UniqueConstraint("visit_id", "person_id", name="uq_check_in_visit_person"),
        CheckConstraint(check_in("status", CHECKIN_STATUSES), name="status"),
    )

    visit_id: Mapped[str] = mapped_column(ForeignKey("visit.id"), index=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id"), index=True)
    ticket_number: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="wartend")
    checked_in_at: Mapped[datetime] = mapped_column(DateTime)
