"""Alembic driven from code, so the app and the CLI migrate without an alembic.ini.

``upgrade`` runs every pending migration in one transaction (on SQLite opened with
``BEGIN IMMEDIATE`` through the engine's transactional-DDL recipe), so a kill or an error
anywhere leaves the schema of before, never a half-built one.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Connection, Engine

from core.errors import DatabaseError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def _known(script: ScriptDirectory, revision: str) -> bool:
    try:
        return script.get_revision(revision) is not None
    except CommandError:
        return False


def known_revision(revision: str) -> bool:
    """Is ``revision`` one of this app's migrations (not from a newer version)?"""
    return _known(ScriptDirectory.from_config(alembic_config()), revision)


def check_known(current: str | None) -> None:
    """Refuse a database from a newer app version (before anything is copied or changed)."""
    if current is not None and not known_revision(current):
        raise DatabaseError(
            f"Datenbank stammt aus einer neueren Impfteam-Version (Schema {current}). "
            "Bitte die Anwendung aktualisieren."
        )


def upgrade(engine: Engine, current: str | None) -> None:
    check_known(current)
    config = alembic_config()
    # One outer transaction: env.py hands Alembic this connection, and Alembic opens no
    # transaction of its own inside an external one. IMMEDIATE takes the write lock
    # before Alembic reads the revision, so a second starting instance waits and then
    # finds nothing left to do.
    with engine.execution_options(sqlite_begin="BEGIN IMMEDIATE").begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
