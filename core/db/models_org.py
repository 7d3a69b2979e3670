"""Organisation entities: sites, visits (Einsätze) with team and lots, staff, settings."""

from __future__ import annotations

from datetime import date, time

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db.base import Base, Tracked, Voidable
from core.db.codes import ROLES, SITE_KINDS, VISIT_STATUSES, check_in


class Setting(Base):
    """Installation settings declared in ``core.settings`` (Impfzentrum ID, team ID, device)."""

    __tablename__ = "setting"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Site(Tracked, Voidable, Base):
    __tablename__ = "site"
    __table_args__ = (CheckConstraint(check_in("kind", SITE_KINDS), name="kind"),)

    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    street: Mapped[str] = mapped_column(String(200), default="")
    postcode: Mapped[str] = mapped_column(String(5), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    district_ags: Mapped[str] = mapped_column(String(5), index=True)
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_phone: Mapped[str] = mapped_column(String(50), default="")

    visits: Mapped[list[Visit]] = relationship(back_populates="site")


class Staff(Tracked, Voidable, Base):
    __tablename__ = "staff"
    __table_args__ = (CheckConstraint(check_in("role", ROLES), name="role"),)

    family_name: Mapped[str] = mapped_column(String(100))
    given_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    login: Mapped[str] = mapped_column(String(100), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    @property
    def display_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


class Visit(Tracked, Voidable, Base):
    """A site visit (Einsatz): site, day, time window, capacity, team and lots."""

    __tablename__ = "visit"
    __table_args__ = (
        CheckConstraint(check_in("status", VISIT_STATUSES), name="status"),
        CheckConstraint("planned_capacity >= 0", name="capacity"),
    )

    site_id: Mapped[str] = mapped_column(ForeignKey("site.id"), index=True)
    date: Mapped[date] = mapped_column(Date, index=True)
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    planned_capacity: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default="geplant")
    notes: Mapped[str] = mapped_column(Text, default="")

    site: Mapped[Site] = relationship(back_populates="visits")
    members: Mapped[list[VisitMember]] = relationship(back_populates="visit")
    allocations: Mapped[list[LotAllocation]] = relationship(back_populates="visit")


class VisitMember(Tracked, Voidable, Base):
    """A staff member's part in one visit, with the role they take that day."""

    __tablename__ = "visit_member"
    __table_args__ = (
        UniqueConstraint("visit_id", "staff_id", name="uq_visit_member_visit_staff"),
        CheckConstraint(check_in("role", ROLES), name="role"),
    )

    visit_id: Mapped[str] = mapped_column(ForeignKey("visit.id"), index=True)
    staff_id: Mapped[str] = mapped_column(ForeignKey("staff.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))

    visit: Mapped[Visit] = relationship(back_populates="members")
    staff: Mapped[Staff] = relationship()


class Lot(Tracked, Voidable, Base):
    """A vaccine lot (Charge). Used doses are counted from vaccinations, never stored."""

    __tablename__ = "lot"
    __table_args__ = (
        UniqueConstraint("product_key", "lot_number", name="uq_lot_product_number"),
        CheckConstraint("doses_received >= 0 AND doses_discarded >= 0", name="doses"),
    )

    product_key: Mapped[str] = mapped_column(String(50))
    lot_number: Mapped[str] = mapped_column(String(50))
    expiry_date: Mapped[date] = mapped_column(Date)
    doses_received: Mapped[int] = mapped_column(Integer, default=0)
    doses_discarded: Mapped[int] = mapped_column(Integer, default=0)
    discard_reason: Mapped[str] = mapped_column(Text, default="")

    allocations: Mapped[list[LotAllocation]] = relationship(back_populates="lot")


class LotAllocation(Tracked, Voidable, Base):
    """Doses of a lot taken along to a visit."""

    __tablename__ = "lot_allocation"
    __table_args__ = (
        UniqueConstraint("lot_id", "visit_id", name="uq_lot_allocation_lot_visit"),
        CheckConstraint("doses >= 0", name="doses"),
    )

    lot_id: Mapped[str] = mapped_column(ForeignKey("lot.id"), index=True)
    visit_id: Mapped[str] = mapped_column(ForeignKey("visit.id"), index=True)
    doses: Mapped[int] = mapped_column(Integer, default=0)

    lot: Mapped[Lot] = relationship(back_populates="allocations")
    visit: Mapped[Visit] = relationship(back_populates="allocations")
