"""Comparing databases table by table (values, not just counts)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from core.db.engine import Database
from core.exchange.sync_format import entity_specs

SKIP = {"row_version"}


def table_rows(db: Database, name: str) -> dict[str, dict[str, Any]]:
    spec = next(s for s in entity_specs() if s.name == name)
    with db.engine.connect() as conn:
        rows = conn.execute(select(*spec.table.c)).mappings().all()
    return {r["id"]: {k: v for k, v in r.items() if k not in SKIP} for r in rows}


def all_rows(db: Database) -> dict[str, dict[str, dict[str, Any]]]:
    return {spec.name: table_rows(db, spec.name) for spec in entity_specs()}


def counts(db: Database) -> dict[str, int]:
    """Row counts of every table, bookkeeping included (for "changes nothing" checks)."""
    from core.db.models import Base

    with db.engine.connect() as conn:
        return {name: int(conn.execute(select(func.count()).select_from(table)).scalar() or 0)
                for name, table in Base.metadata.tables.items()}


def max_version(db: Database) -> int:
    from core.db.versioning import current_version

    with db.session() as s:
        return current_version(s)


def actor(session: Any, user: str, roles: tuple[str, ...] = ("leitung", "admin")) -> Any:
    """An actor of this database's device with ``roles`` (where ``Actor`` has roles)."""
    import dataclasses

    from core.services.context import Actor

    base = Actor.for_session(session, user)
    try:
        return dataclasses.replace(base, roles=frozenset(roles))
    except TypeError:  # an Actor without roles
        return base


def export(db: Database, out: Path, full: bool = False) -> Path:
    """A team's sync package (delta, or ``full``), written by its team lead."""
    from core.exchange.sync_export import export_sync

    with db.session() as s:
        export_sync(s, actor(s, "leitung"), out, full=full)
    return out


def merge(db: Database, package: Path) -> dict[str, Any]:
    """``import sync`` of one package on the hub; the report as JSON."""
    from core.exchange.sync_import import import_sync

    with db.session() as s:
        return import_sync(s, actor(s, "iz.admin"), package).to_json()
