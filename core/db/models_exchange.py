"""Bookkeeping of the Impfzentrum merge: conflicts, duplicate doses, merge bases, packages.

These tables are local to the database that merges packages (usually the hub). They are
not exchanged themselves, so they carry no ``Tracked`` columns and never bump
``row_version``: reviewing a conflict must not make the record look changed to the next
delta export.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, new_id, utcnow


class ImportedPackage(Base):
    """A sync package merged here; its data checksum makes a second import a no-op."""

    __tablename__ = "imported_package"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    package_id: Mapped[str] = mapped_column(String(36), index=True)
    data_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    imported_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    imported_by: Mapped[str] = mapped_column(String(100))
    team_id: Mapped[str] = mapped_column(String(50), default="")
    device_id: Mapped[str] = mapped_column(String(50), default="")
    from_version: Mapped[int] = mapped_column(BigInteger, default=0)
    to_version: Mapped[int] = mapped_column(BigInteger, default=0)
    counts: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class SyncBase(Base):
    """Fingerprint of the version of a record last taken from a package (the merge base).

    Comparing the local row and the incoming row with this base tells a plain update
    (only the team changed it) from a conflict (both sides changed it since).
    """

    __tablename__ = "sync_base"

    entity: Mapped[str] = mapped_column(String(50), primary_key=True)
    entity_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    base_hash: Mapped[str] = mapped_column(String(64))
    package_id: Mapped[str] = mapped_column(String(36))


class ConflictEntry(Base):
    """Both sides changed a record: which version was kept, why, and both images."""

    __tablename__ = "conflict_entry"
    __table_args__ = (
        Index("ix_conflict_entry_entity_id", "entity_id"),
        Index("ix_conflict_entry_at", "at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    user: Mapped[str] = mapped_column(String(100))
    package_id: Mapped[str] = mapped_column(String(36))
    entity: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[str] = mapped_column(String(36))
    winner: Mapped[str] = mapped_column(String(10))  # "lokal" | "paket"
    rule: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str] = mapped_column(Text)
    fields: Mapped[str] = mapped_column(Text, default="")
    local: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    incoming: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class DuplicateDoseFlag(Base):
    """Same person, same vaccine, same day recorded by two teams: probably one dose twice."""

    __tablename__ = "duplicate_dose_flag"
    __table_args__ = (
        UniqueConstraint("vaccination_id", "other_vaccination_id", name="uq_duplicate_dose_pair"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    user: Mapped[str] = mapped_column(String(100))
    package_id: Mapped[str] = mapped_column(String(36))
    vaccination_id: Mapped[str] = mapped_column(ForeignKey("vaccination.id"), index=True)
    other_vaccination_id: Mapped[str] = mapped_column(ForeignKey("vaccination.id"), index=True)
    person_id: Mapped[str] = mapped_column(String(36))
    other_person_id: Mapped[str] = mapped_column(String(36))
    date: Mapped[date] = mapped_column(Date)
    product_key: Mapped[str] = mapped_column(String(50))
    origin: Mapped[str] = mapped_column(String(100))
    other_origin: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20), default="offen")
    dose_count: Mapped[int] = mapped_column(Integer, default=2)
