"""Local user accounts: login, roles, password and PIN hashes, lockout (issue 12 §1).

Never exchanged: a sync package carries no credentials, each laptop and the hub keep
their own accounts (the table is not in ``core.db.models.EXCHANGED``). A staff member
from master data has no account until the admin sets a one-time password.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, new_id, utcnow


class UserAccount(Base):
    """One login on this database; ``roles`` is a comma-separated list of role codes."""

    __tablename__ = "user_account"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    login: Mapped[str] = mapped_column(String(100), unique=True)
    #: the staff member this login belongs to (null for IT accounts without staff row)
    staff_id: Mapped[str | None] = mapped_column(String(36), index=True)
    roles: Mapped[str] = mapped_column(String(200), default="")
    #: argon2id hash (PHC string); null: no password set yet (cannot sign in)
    password_hash: Mapped[str | None] = mapped_column(Text)
    pin_hash: Mapped[str | None] = mapped_column(Text)
    #: the password is a one-time password set by the admin: change it on first sign-in
    must_change: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: back-off after failed attempts: no sign-in before this moment (UTC, naive)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    #: locked by an admin (``users lock``) until ``users unlock``
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100), default="")
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)

    @property
    def role_set(self) -> frozenset[str]:
        return frozenset(r for r in self.roles.split(",") if r)
