"""Trusted signers of sync packages (``keys signer add FILE``); local, never exchanged."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, utcnow


class Signer(Base):
    """A device's public Ed25519 key whose packages this database accepts.

    Registered by hand from the file ``keys signing export`` wrote on the device; a key
    inside a package is never trusted. ``revoked_at`` set: its packages are refused.
    """

    __tablename__ = "signer"

    key_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    algorithm: Mapped[str] = mapped_column(String(20))
    public_key: Mapped[str] = mapped_column(String(100))  # base64 of the raw key
    label: Mapped[str] = mapped_column(String(200), default="")
    team_id: Mapped[str] = mapped_column(String(100), default="")
    device_id: Mapped[str] = mapped_column(String(100), default="")
    added_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    added_by: Mapped[str] = mapped_column(String(100))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
