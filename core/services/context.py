"""Who is acting, and the audit entry every change writes in the same transaction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from core.db.base import Tracked
from core.db.models import AuditEntry
from core.settings import get_setting


@dataclass(frozen=True, slots=True)
class Actor:
    """Who writes: the login, the device, and the roles the permission table checks.

    An authenticated actor comes from ``core.security.users.authenticate`` (CLI and GUI
    sign-in); ``staff_id`` is the staff member behind the login (None for an IT account).
    An actor without roles may read but every write use case refuses it
    (``core.security.permissions.require``).
    """

    user: str
    origin: str
    staff_id: str | None = None
    roles: frozenset[str] = frozenset()

    @classmethod
    def for_session(cls, session: Session, user: str, roles: Iterable[str] = (),
                    staff_id: str | None = None) -> Actor:
        return cls(user=user, origin=get_setting(session, "device_id"), staff_id=staff_id,
                   roles=frozenset(roles))


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return value


def snapshot(obj: Any) -> dict[str, Any]:
    """Column values of an ORM object as JSON-safe dict (for before/after in the audit)."""
    mapper = inspect(obj).mapper
    return {attr.key: _plain(getattr(obj, attr.key)) for attr in mapper.column_attrs}


def stamp_new(obj: Tracked, actor: Actor) -> None:
    obj.created_by = actor.user
    obj.origin = actor.origin


def audit(
    session: Session,
    actor: Actor,
    action: str,
    obj: Any,
    before: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append an audit entry for ``obj`` (flushes so the id and row_version are set)."""
    session.flush()
    entry = AuditEntry(
        user=actor.user,
        origin=actor.origin,
        action=action,
        entity=obj.__tablename__,
        entity_id=obj.id,
        before=before,
        after=snapshot(obj),
    )
    session.add(entry)
    return entry


def apply_changes(obj: Any, values: dict[str, Any]) -> dict[str, Any]:
    """Set attributes; returns the before-snapshot for the audit entry."""
    before = snapshot(obj)
    for key, value in values.items():
        if not hasattr(obj, key):
            raise AttributeError(key)
        setattr(obj, key, value)
    return before
