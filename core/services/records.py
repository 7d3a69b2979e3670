"""Generic record operations: find by UUID or external id, edit, void — all audited."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db.base import Tracked, Voidable, utcnow
from core.errors import NotFoundError, ValidationError
from core.services.context import Actor, apply_changes, audit

T = TypeVar("T", bound=Tracked)

LABELS = {
    "site": "Standort",
    "staff": "Mitarbeiter/in",
    "visit": "Einsatz",
    "visit_member": "Teammitglied",
    "lot": "Charge",
    "lot_allocation": "Chargenzuteilung",
    "person": "Person",
    "vaccination": "Impfung",
    "infection": "Infektion",
    "measles_evidence": "Masernnachweis",
    "certificate": "Zertifikat",
}


def label(model: type[Any]) -> str:
    return LABELS.get(model.__tablename__, model.__tablename__)


def find(session: Session, model: type[T], key: str) -> T:
    """Look up by UUID first, then by the Impfzentrum's ``external_id``."""
    key = (key or "").strip()
    obj = session.get(model, key) if key else None
    if obj is None and key:
        obj = session.scalars(select(model).where(model.external_id == key).limit(2)).first()
    if obj is None:
        raise NotFoundError(f"{label(model)} „{key}“ nicht gefunden.")
    return obj


def find_active(session: Session, model: type[T], key: str) -> T:
    obj = find(session, model, key)
    if isinstance(obj, Voidable) and obj.is_voided:
        raise ValidationError(f"{label(model)} „{key}“ ist storniert.")
    return obj


def update(session: Session, actor: Actor, obj: T, values: dict[str, Any]) -> T:
    if isinstance(obj, Voidable) and obj.is_voided:
        raise ValidationError(f"{label(type(obj))} ist storniert und kann nicht geändert werden.")
    before = apply_changes(obj, values)
    audit(session, actor, "update", obj, before)
    return obj


def void(session: Session, actor: Actor, obj: T, reason: str) -> T:
    """Mark as void (never delete); the reason is mandatory and audited."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Begründung: Bitte einen Grund für die Stornierung angeben.",
                              field="reason")
    if not isinstance(obj, Voidable):
        raise TypeError(type(obj).__name__)
    if obj.is_voided:
        raise ValidationError(f"{label(type(obj))} ist bereits storniert.")
    before = apply_changes(obj, {"voided_at": utcnow(), "voided_by": actor.user,
                                 "void_reason": reason})
    audit(session, actor, "void", obj, before)
    return obj
