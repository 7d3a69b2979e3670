"""Backups with the SQLite backup API: WAL content, rotation, restore, the pre-update copy."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import stat
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from core.db import backup as backups
from core.db.backup import (
    KEEP_DAYS,
    KEEP_LAST,
    automatic_backup,
    backup_due,
    backup_to,
    last_backup_at,
    restore_from,
    rotate,
)
from core.db.engine import Database, connect_sqlite_file
from core.errors import DatabaseError, UserError
from core.services.context import Actor
from tests.conftest import TODAY, World

ROOT = Path(__file__).resolve().parents[2]


PASSWORD = "sicherung-test"


def cli(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, IMPFTEAM_PASSWORD=PASSWORD)
    return subprocess.run([sys.executable, "main.py", "--db", str(db), *args], cwd=ROOT,
                          capture_output=True, text=True, check=False, timeout=120, env=env)


def record_dose(db: Database, world: World, given: str = "Anna") -> str:
    from core.services.persons import PersonInput, create_person
    from core.services.vaccinations import VaccinationInput, record_vaccination

    with db.session() as s:
        actor = Actor.for_session(s, "t.koch")
        person = create_person(s, actor, PersonInput("Wal", given, date(1970, 1, 1), "w"))
        s.flush()
        dose = record_vaccination(s, actor, VaccinationInput(
            person_id=person.id, date=TODAY, product="EU/1/20/1528", dose_number=1,
            series_total=2, visit_id=world.visit_id, lot_id=world.lot_id, indication="alter",
            injection_site="oa_links", physician_id=world.doctor_id,
            vaccinator_id=world.vaccinator_id, consent_recorded=True,
            anamnesis_recorded=True, form_version="2021-11"))
        return dose.id


def dose_ids(path: Path) -> set[str]:
    conn = connect_sqlite_file(path)
    try:
        return {row[0] for row in conn.execute("SELECT id FROM vaccination")}
    finally:
        conn.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_backup_contains_dose_still_in_the_wal(tmp_path: Path, db: Database, db_path: Path,
                                               world: World) -> None:
    dose = record_dose(db, world)
    wal = db_path.with_name(db_path.name + "-wal")
    assert wal.stat().st_size > 0
    main_only = tmp_path / "main-only.sqlite"  # what a plain file copy would keep
    main_only.write_bytes(db_path.read_bytes())
    assert dose not in dose_ids(main_only), "dose should still be in the WAL only"

    result = backup_to(db, tmp_path / "sicherung.sqlite")
    assert result.integrity == "ok" and result.bytes == result.path.stat().st_size
    assert dose in dose_ids(result.path)
    assert stat.S_IMODE(result.path.stat().st_mode) == 0o600
    conn = connect_sqlite_file(result.path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one file
    conn.close()
    assert not list(tmp_path.glob(".*.part"))


def test_backup_refuses_existing_file_the_database_and_missing_folder(
        tmp_path: Path, db: Database, db_path: Path) -> None:
    existing = tmp_path / "da.sqlite"
    existing.write_bytes(b"alt")
    with pytest.raises(UserError, match="gibt es schon"):
        backup_to(db, existing)
    assert existing.read_bytes() == b"alt"
    with pytest.raises(UserError, match="Datenbank selbst"):
        backup_to(db, db_path)
    with pytest.raises(UserError, match="existiert nicht"):
        backup_to(db, tmp_path / "nope" / "x.sqlite")


def test_cli_backup_json(tmp_path: Path, db_path: Path) -> None:
    setup = cli("setup", "--admin", "a.admin", db=db_path)
    assert setup.returncode == 0, setup.stderr
    out = tmp_path / "cli-sicherung.sqlite"
    result = cli("--user", "a.admin", "backup", "--out", str(out), "--json", db=db_path)
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload == {"file": str(out), "bytes": out.stat().st_size, "integrity": "ok"}
    again = cli("--user", "a.admin", "backup", "--out", str(out), db=db_path)
    assert again.returncode == 1
    assert again.stderr.count("\n") == 1 and again.stderr.startswith("Fehler: Sicherung")
    assert "Traceback" not in again.stderr


# --- rotation -------------------------------------------------------------------------


def test_rotation_keeps_last_twenty_and_one_per_day_for_thirty_days(tmp_path: Path) -> None:
    now = datetime(2026, 12, 20, 18, 0, 0)
    stamps = []
    for day in range(60):  # two months, four backups a day (every 3 hours from 6:00)
        for hour in (6, 9, 12, 15):
            stamps.append(now - timedelta(days=day, hours=18 - hour))
    for stamp in stamps:
        (tmp_path / f"impfteam.sicherung-{stamp:%Y%m%d-%H%M%S}-intervall.sqlite").touch()
    other = tmp_path / "andere.sicherung-20261201-100000-intervall.sqlite"
    other.touch()
    unrelated = tmp_path / "notiz.txt"
    unrelated.touch()

    removed = rotate(tmp_path, "impfteam", now)

    kept = sorted(backups.automatic_backups(tmp_path, "impfteam"), reverse=True)
    kept_stamps = [stamp for stamp, _ in kept]
    newest = sorted(stamps, reverse=True)
    last_twenty = newest[:KEEP_LAST]
    per_day = [max(s for s in stamps if s.date() == now.date() - timedelta(days=d))
               for d in range(KEEP_DAYS)]
    assert set(kept_stamps) == set(last_twenty) | set(per_day)
    assert len(kept_stamps) == KEEP_LAST + (KEEP_DAYS - 5)  # days 0-4 are inside the 20
    assert len(removed) == len(stamps) - len(kept_stamps)
    assert min(kept_stamps).date() == now.date() - timedelta(days=KEEP_DAYS - 1)
    assert other.exists() and unrelated.exists()  # other databases' files, other files


def test_automatic_backup_names_rotates_and_reports_the_last(db: Database,
                                                             db_path: Path) -> None:
    start = datetime(2026, 12, 1, 8, 0, 0)
    for n in range(KEEP_LAST + 3):
        result = automatic_backup(db, "intervall", now=start + timedelta(minutes=15 * n))
        assert result is not None
    folder = db_path.parent / "backups"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    files = backups.automatic_backups(folder, db_path.stem)
    assert len(files) == KEEP_LAST  # all on one day: the newest 20
    assert files[0][1].name == "impfteam.sicherung-20261201-133000-intervall.sqlite"
    assert last_backup_at(db) == start + timedelta(minutes=15 * (KEEP_LAST + 2))
    same_second = automatic_backup(db, "intervall", now=start + timedelta(minutes=15 * 22))
    assert same_second is not None
    assert same_second.path.name == "impfteam.sicherung-20261201-133000-2-intervall.sqlite"


def test_backup_due() -> None:
    now = datetime(2026, 12, 1, 12, 0)
    assert backup_due(None, now, 15)
    assert not backup_due(now - timedelta(minutes=14), now, 15)
    assert backup_due(now - timedelta(minutes=15), now, 15)
    assert not backup_due(now - timedelta(days=1), now, 0)  # switched off
    assert backup_due(now + timedelta(hours=1), now, 15)  # clock was set back


def test_backup_minutes_setting(db: Database) -> None:
    from core.errors import ValidationError
    from core.settings import get_setting, set_setting

    with db.session() as s:
        assert get_setting(s, "backup_minutes") == "15"
        set_setting(s, "backup_minutes", "30")
        with pytest.raises(ValidationError, match="Automatische Sicherung"):
            set_setting(s, "backup_minutes", "7")


def test_closing_a_visit_makes_a_backup_after_the_commit(db: Database, db_path: Path,
                                                         world: World, actor: Actor) -> None:
    from core.usecases.visit_rules import close_visit

    dose = record_dose(db, world)
    folder = db_path.parent / "backups"
    with pytest.raises(RuntimeError), db.session() as s:
        close_visit(s, actor, world.visit_id, [])
        raise RuntimeError("rolled back")
    assert not folder.exists() or not list(folder.iterdir())
    with db.session() as s:
        close_visit(s, actor, world.visit_id, [])
        assert not folder.exists()  # not before the commit
    (_stamp, path), = backups.automatic_backups(folder, db_path.stem)
    assert path.name.endswith("-einsatz-abschluss.sqlite")
    assert dose in dose_ids(path)
    conn = connect_sqlite_file(path)
    assert conn.execute("SELECT status FROM visit WHERE id = ?",
                        (world.visit_id,)).fetchone()[0] == "abgeschlossen"
    conn.close()


def test_failing_backup_after_close_keeps_the_closed_visit(db: Database, world: World,
                                                           actor: Actor,
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           caplog: pytest.LogCaptureFixture
                                                           ) -> None:
    from core.db.models import Visit
    from core.usecases.visit_rules import close_visit

    def full_disk(*_args: object, **_kwargs: object) -> None:
        raise UserError("Sicherung nicht möglich (No space left on device).")

    monkeypatch.setattr(backups, "automatic_backup", full_disk)
    with db.session() as s:
        close_visit(s, actor, world.visit_id, [])
    with db.session() as s:
        visit = s.get(Visit, world.visit_id)
        assert visit is not None and visit.status == "abgeschlossen"
    assert "automatic backup (einsatz-abschluss) failed" in caplog.text


# --- restore --------------------------------------------------------------------------


def state(folder: Path) -> dict[str, str]:
    return {p.name: digest(p) for p in sorted(folder.iterdir()) if p.is_file()}


def test_restore_garbage_and_truncated_files_change_nothing(tmp_path: Path, db: Database,
                                                            db_path: Path,
                                                            world: World) -> None:
    record_dose(db, world)
    good = backup_to(db, tmp_path / "gut.sqlite").path
    db.dispose()
    garbage = tmp_path / "müll.sqlite"
    garbage.write_bytes(b"kein SQLite" * 500)
    truncated = tmp_path / "abgeschnitten.sqlite"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    foreign = tmp_path / "fremd.sqlite"
    conn = connect_sqlite_file(foreign)
    conn.execute("CREATE TABLE kunden (name TEXT)")
    conn.commit()
    conn.close()
    before = state(db_path.parent)
    for bad, why in ((garbage, "keine Impfteam-Sicherung"),
                     (truncated, "beschädigt oder unvollständig"),
                     (foreign, "keine Impfteam-Datenbank"),
                     (tmp_path / "fehlt.sqlite", "nicht gefunden")):
        result = cli("restore", str(bad), db=db_path)
        assert result.returncode == 1, (bad, result.stdout)
        assert result.stderr.count("\n") == 1 and result.stderr.startswith("Fehler: "), \
            result.stderr
        assert why in result.stderr and "nichts geändert" in result.stderr
        assert "Traceback" not in result.stderr
        assert state(db_path.parent) == before, f"{bad.name} changed the database folder"


def test_restore_from_a_newer_version_is_refused(tmp_path: Path, db: Database) -> None:
    newer = backup_to(db, tmp_path / "neu.sqlite").path
    conn = connect_sqlite_file(newer)
    conn.execute("UPDATE alembic_version SET version_num = 'zzzz_future'")
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseError, match="neueren Impfteam-Version"):
        restore_from(db.sqlite_path or Path(), newer)


def test_restore_replaces_data_and_keeps_the_current_database(tmp_path: Path, db: Database,
                                                              db_path: Path,
                                                              world: World) -> None:
    first = record_dose(db, world, "Erste")
    saved = backup_to(db, tmp_path / "mittag.sqlite").path
    later = record_dose(db, world, "Spaeter")
    result = cli("restore", str(saved), "--json", db=db_path)
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    previous = Path(payload["previous_copy"])
    assert payload == {"restored_from": str(saved), "previous_copy": str(previous)}
    assert previous.parent == db_path.parent and ".vor-restore-" in previous.name
    assert stat.S_IMODE(previous.stat().st_mode) == 0o600
    assert {first, later} <= dose_ids(previous)
    # the engine opened before the restore reads the restored data
    with db.engine.connect() as conn:
        stored = {row[0] for row in conn.exec_driver_sql("SELECT id FROM vaccination")}
    assert first in stored and later not in stored
    db.dispose()
    reopened = Database.open(str(db_path))
    with reopened.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    reopened.dispose()


def test_restore_repairs_a_damaged_database_and_keeps_its_bytes(tmp_path: Path, db: Database,
                                                                db_path: Path,
                                                                world: World) -> None:
    dose = record_dose(db, world)
    saved = backup_to(db, tmp_path / "sicherung.sqlite").path
    db.dispose()
    damaged = b"SQLite format 3\x00" + b"\xff" * 8000
    db_path.write_bytes(damaged)
    with pytest.raises(DatabaseError, match="beschädigt"):
        Database.open(str(db_path))
    result = restore_from(db_path, saved)
    assert result.previous_copy is not None
    assert result.previous_copy.read_bytes() == damaged
    reopened = Database.open(str(db_path))
    reopened.dispose()
    assert dose in dose_ids(db_path)


def test_restore_onto_a_new_installation(tmp_path: Path, db: Database) -> None:
    saved = backup_to(db, tmp_path / "sicherung.sqlite").path
    target = tmp_path / "neu" / "impfteam.sqlite"
    target.parent.mkdir()
    result = restore_from(target, saved)
    assert result.previous_copy is None
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    Database.open(str(target)).dispose()


# --- the copy before a migration ------------------------------------------------------


def _downgraded(db: Database, revision: str) -> None:
    from alembic import command

    from core.db.migrate import alembic_config

    config = alembic_config()
    with db.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, revision)
    db.dispose()


def test_pre_migration_copy_is_made_once_with_the_backup_api(
        db: Database, db_path: Path, world: World,
        monkeypatch: pytest.MonkeyPatch) -> None:
    import core.db.engine as engine_module

    _downgraded(db, "0004")
    writer = connect_sqlite_file(db_path)  # keeps a row in the WAL: no checkpoint while open
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute("UPDATE setting SET value = 'WALTEAM' WHERE key = 'team_id'")
    writer.commit()

    def failing_upgrade(*_args: object) -> None:
        raise OperationalError("upgrade", {}, sqlite3.OperationalError("disk I/O error"))

    monkeypatch.setattr(engine_module, "upgrade", failing_upgrade)
    for _ in range(2):
        with pytest.raises(DatabaseError):
            Database.open(str(db_path))
    copies = sorted(db_path.parent.glob("impfteam.vor-update-*"))
    assert len(copies) == 1, copies
    assert copies[0].name.startswith("impfteam.vor-update-0004-")
    conn = connect_sqlite_file(copies[0])
    assert conn.execute("SELECT value FROM setting WHERE key = 'team_id'").fetchone()[0] \
        == "WALTEAM"
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    assert stat.S_IMODE(copies[0].stat().st_mode) == 0o600

    writer.execute("UPDATE change_counter SET value = value + 1")  # a record changed
    writer.commit()
    writer.close()
    monkeypatch.undo()
    Database.open(str(db_path)).dispose()  # migrates; the data changed: a second copy
    assert len(list(db_path.parent.glob("impfteam.vor-update-*"))) == 2
