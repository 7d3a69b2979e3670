"""Stamp ``row_version``/``updated_at`` on every flushed change.

A single database-wide counter (one row in ``change_counter``) makes "everything changed
since version N" one indexed query per table, which is what delta sync packages need.
The counter is bumped with UPDATE ... RETURNING so two writers never get the same value.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, text
from sqlalchemy.orm import Session

from core.db.base import Tracked, utcnow

COUNTER = "row_version"


def next_versions(session: Session, count: int) -> int:
    """Reserve ``count`` versions; returns the last one reserved."""
    row = session.execute(
        text("UPDATE change_counter SET value = value + :n WHERE name = :name RETURNING value"),
        {"n": count, "name": COUNTER},
    ).first()
    if row is None:
        session.execute(
            text("INSERT INTO change_counter (name, value) VALUES (:name, :n)"),
            {"n": count, "name": COUNTER},
        )
        return count
    return int(row[0])


def current_version(session: Session) -> int:
    value = session.execute(
        text("SELECT value FROM change_counter WHERE name = :name"), {"name": COUNTER}
    ).scalar()
    return int(value or 0)


def _stamp(session: Session, _context: Any, _instances: Any) -> None:
    changed = [
        obj
        for obj in (*session.new, *session.dirty)
        if isinstance(obj, Tracked) and (obj in session.new or session.is_modified(obj))
    ]
    if not changed:
        return
    last = next_versions(session, len(changed))
    now = utcnow()
    for offset, obj in enumerate(changed):
        obj.row_version = last - len(changed) + 1 + offset
        obj.updated_at = now
        if obj in session.new and obj.created_at is None:
            obj.created_at = now


def install() -> None:
    """Register the flush hook once for all sessions."""
    if not event.contains(Session, "before_flush", _stamp):
        event.listen(Session, "before_flush", _stamp)
