"""Append-only logs and bookkeeping: audit trail, export marks, the change counter."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, new_id, utcnow


class AuditEntry(Base):
    """Who changed what when; written in the same transaction as the change itself.

    Append-only (triggers refuse UPDATE/DELETE) and chained per ``origin``: ``seq`` counts
    the origin's entries, ``hash`` covers the fields and ``prev_hash`` (see
    ``core.security.audit_chain``, which fills the three on insert).
    """

    __tablename__ = "audit_entry"
    __table_args__ = (
        Index("ix_audit_entry_entity_id", "entity_id"),
        Index("ix_audit_entry_at", "at"),
        UniqueConstraint("origin", "seq", name="uq_audit_entry_origin_seq"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    user: Mapped[str] = mapped_column(String(100))
    origin: Mapped[str] = mapped_column(String(100), default="")
    action: Mapped[str] = mapped_column(String(50))
    entity: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[str] = mapped_column(String(36))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    seq: Mapped[int] = mapped_column(BigInteger)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditAnchor(Base):
    """The head of one origin's audit chain, with an HMAC made with a key that lives in
    the data dir's key store, not in the database (``core.security.audit_chain``)."""

    __tablename__ = "audit_anchor"

    origin: Mapped[str] = mapped_column(String(100), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))
    broken: Mapped[str] = mapped_column(Text, default="")
    mac: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class AuditRemoteHead(Base):
    """The last audit chain head of another device, as carried in its signed packages."""

    __tablename__ = "audit_remote_head"

    origin: Mapped[str] = mapped_column(String(100), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))
    to_version: Mapped[int] = mapped_column(BigInteger, default=0)
    package_id: Mapped[str] = mapped_column(String(36))
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    problem: Mapped[str] = mapped_column(Text, default="")


class ExportMark(Base):
    """High-water ``row_version`` of an export, so the next delta starts after it."""

    __tablename__ = "export_mark"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(30))
    target: Mapped[str] = mapped_column(String(100), default="")
    from_version: Mapped[int] = mapped_column(BigInteger, default=0)
    to_version: Mapped[int] = mapped_column(BigInteger)
    file_name: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(100))


class ChangeCounter(Base):
    """One row: the last ``row_version`` handed out in this database."""

    __tablename__ = "change_counter"

    name: Mapped[str] = mapped_column(String(30), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)
