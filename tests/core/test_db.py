"""Engine, pragmas, migrations and model constraints on a real SQLite file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import IntegrityError

from core.db.engine import Database, connect_sqlite_file
from core.db.models import AuditEntry, Base, Person, Site
from core.errors import DatabaseError
from core.services.context import Actor
from core.services.sites import SiteInput, create_site


def test_migration_from_empty_creates_every_model_table(tmp_path: Path) -> None:
    db = Database.open(str(tmp_path / "new.sqlite"))
    tables = set(inspect(db.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == [], f"models and migrations differ: {diff}"
    db.dispose()


def test_pragmas_for_crash_safety(db: Database) -> None:
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL


def test_settings_are_created_once(db: Database, db_path: Path) -> None:
    with db.session() as s:
        device = s.execute(text("SELECT value FROM setting WHERE key='device_id'")).scalar()
    reopened = Database.open(str(db_path))
    with reopened.session() as s:
        again = s.execute(text("SELECT value FROM setting WHERE key='device_id'")).scalar()
    assert device and device == again
    reopened.dispose()


def test_garbage_file_is_refused_and_left_untouched(tmp_path: Path) -> None:
    bad = tmp_path / "impfteam.sqlite"
    bad.write_bytes(b"this is not a database" * 10)
    with pytest.raises(DatabaseError, match="keine Impfteam-Datenbank"):
        Database.open(str(bad))
    assert bad.read_bytes() == b"this is not a database" * 10


def test_damaged_sqlite_file_gives_german_error(tmp_path: Path, template_db: Path) -> None:
    damaged = tmp_path / "damaged.sqlite"
    data = bytearray(template_db.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # keep the magic header, destroy the schema page
    damaged.write_bytes(bytes(data))
    with pytest.raises(DatabaseError, match="beschädigt"):
        Database.open(str(damaged))


def test_missing_folder_and_directory_paths(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="existiert nicht"):
        Database.open(str(tmp_path / "nope" / "x.sqlite"))
    with pytest.raises(DatabaseError, match="Ordner"):
        Database.open(str(tmp_path))


def test_database_from_newer_app_version_is_refused(db_path: Path) -> None:
    with connect_sqlite_file(db_path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'zzzz_future'")
    with pytest.raises(DatabaseError, match="neueren Impfteam-Version"):
        Database.open(str(db_path))


def test_row_version_grows_with_every_change(db: Database, actor: Actor) -> None:
    with db.session() as s:
        site = create_site(s, actor, SiteInput("Rathaus Bielefeld", "kommunal", "05711"))
        first = site.row_version
    with db.session() as s:
        site = s.get(Site, site.id)
        assert site is not None
        site.name = "Neues Rathaus Bielefeld"
    with db.session() as s:
        site = s.get(Site, site.id)
        assert site is not None and site.row_version > first
        assert site.created_by == "t.tester" and site.origin == actor.origin


def test_check_constraints_reject_unknown_codes(db: Database) -> None:
    with pytest.raises(IntegrityError), db.session() as s:
        s.add(Person(family_name="X", given_name="Y", birth_date=date(1990, 1, 1), sex="x",
                     created_by="t", origin="t"))


def test_audit_entry_is_in_same_transaction(db: Database, actor: Actor) -> None:
    with pytest.raises(RuntimeError), db.session() as s:
        create_site(s, actor, SiteInput("Jobcenter Kassel", "jobcenter", "06611"))
        raise RuntimeError("crash before commit")
    with db.session() as s:
        assert s.scalars(select(Site)).all() == []
        assert s.scalars(select(AuditEntry)).all() == []


def _check_sql(path: Path) -> list[str]:
    with connect_sqlite_file(path) as conn:
        return [sql for (sql,) in conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND sql LIKE '%CHECK%'")]


def test_check_constraints_are_or_chains_after_migration_0005(tmp_path: Path,
                                                             actor: Actor) -> None:
    """SQLite rebuilds an IN list for every checked row; 0005 rewrites them in place,
    keeping the rows and what the checks allow."""
    from alembic import command

    from core.db.migrate import alembic_config

    path = tmp_path / "alt.sqlite"
    db = Database.open(str(path))
    with db.session() as s:
        create_site(s, actor, SiteInput("Jobcenter Gütersloh", "jobcenter", "05754"))
    config = alembic_config()
    with db.engine.begin() as conn:  # back to the schema before 0005
        config.attributes["connection"] = conn
        command.downgrade(config, "0004")
    db.dispose()
    assert any("kind IN ('jobcenter', 'kommunal', 'sonstige')" in sql for sql in _check_sql(path))
    assert not any(" OR kind = " in sql for sql in _check_sql(path))
    db = Database.open(str(path))  # migrates to head again
    checks = _check_sql(path)
    assert len(checks) >= 9 and not any(" IN (" in sql for sql in checks)
    assert any("(kind = 'jobcenter' OR kind = 'kommunal' OR kind = 'sonstige')" in sql
               for sql in checks)
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        assert conn.exec_driver_sql("SELECT kind FROM site").scalar() == "jobcenter"
    with pytest.raises(IntegrityError), db.session() as s:
        s.execute(text("UPDATE site SET kind = 'zelt'"))
    with pytest.raises(IntegrityError), db.session() as s:
        s.add(Person(family_name="X", given_name="Y", birth_date=date(1990, 1, 1), sex="w",
                     target_group="unbekannt", created_by="t", origin="t"))
    db.dispose()
