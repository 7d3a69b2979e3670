"""Backups and restore of the SQLite database with the SQLite online backup API.

The backup API (``sqlite3.Connection.backup``, the same on sqlcipher3 connections) copies
the database as a reader sees it, so doses committed but still in the WAL are included,
and it never blocks the writers for long. Every copy is written to a hidden ``.part``
file created with mode 0600, checked with ``PRAGMA integrity_check``, switched to a
single file (``journal_mode=DELETE``), fsynced and only then renamed to its name: a kill
or a full disk never leaves a half copy under a backup's name.

- ``backup_to(db, path)``: one copy (CLI ``backup --out FILE``).
- ``automatic_backup(db, reason)``: into ``backups/`` next to the database (for the
  default database ``<data dir>/backups/``), named ``<stem>.sicherung-<stamp>-<reason>``
  and rotated: the newest 20, plus the newest of each of the last 30 days.
- ``backup_due(last, now, minutes)``: for the GUI's timer (setting ``backup_minutes``).
- ``after_commit_backup(session, reason)``: a backup once ``session`` has committed
  (visit close), never failing the commit.
- ``pre_migration_copy(db, revision)``: the copy before a migration, made once per state
  of the data (its name carries revision and change counter), not on every failed start.
- ``restore_from(db_path, backup_path)``: verifies the file first (SQLite header,
  integrity, an Impfteam schema of a known revision), keeps a copy of the current
  database next to it, then copies the backup in with the backup API (one transaction;
  other open connections see the restored data). A refused file changes nothing.

Every connection to a file outside the engine comes from ``engine.connect_sqlite_file``,
so the encryption layer keys backups where it keys the engine. Encryption: the copy of
an encrypted database is keyed with the same key (backup API between two keyed
sqlcipher3 connections; the same key and salt give it the same database id), so every
backup is encrypted and the key store beside the database opens it. ``backup --out``
also writes ``FILE.keys.json`` (the wrapped password/recovery/batch slots), so a copy
on a stick can be restored on another laptop. ``restore`` of an encrypted database
accepts an encrypted backup (re-keyed to the database's key by the backup API) and a
plain one from before the conversion (exported into an encrypted temporary copy first,
as the backup API cannot encrypt).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from core.db.engine import (
    SQLITE_MAGIC,
    connect_sqlite_file,
    dbapi_errors,
    engine_key,
    file_kind,
    is_dbapi_connection,
)
from core.errors import DatabaseError, UserError
from core.fsync import fsync_dir as _fsync_dir
from core.fsync import fsync_path as _fsync
from core.security import keystore
from core.security.keystore import DatabaseKey, KeyUnlockError

if TYPE_CHECKING:
    from core.db.engine import Database

log = logging.getLogger(__name__)

BACKUP_DIR = "backups"
#: Rotation: the newest KEEP_LAST backups, plus the newest of each of the last KEEP_DAYS days.
KEEP_LAST = 20
KEEP_DAYS = 30
#: Reasons of automatic backups (part of the file name).
REASON_VISIT_CLOSE = "einsatz-abschluss"
REASON_INTERVAL = "intervall"
_STAMP = "%Y%m%d-%H%M%S"
_NAME = re.compile(r"^(?P<stem>.+)\.sicherung-(?P<stamp>\d{8}-\d{6})(?:-(?P<n>\d+))?"
                   r"-(?P<reason>[a-z][a-z-]*)\.sqlite$")
#: Tables every Impfteam database has had since migration 0001.
_REQUIRED_TABLES = frozenset({"alembic_version", "setting", "person", "vaccination",
                              "audit_entry", "change_counter"})


@dataclass(frozen=True, slots=True)
class BackupResult:
    path: Path
    bytes: int
    integrity: str

    def to_json(self) -> dict[str, object]:
        return {"file": str(self.path), "bytes": self.bytes, "integrity": self.integrity}


@dataclass(frozen=True, slots=True)
class RestoreResult:
    restored_from: Path
    previous_copy: Path | None
    revision: str

    def to_json(self) -> dict[str, object]:
        return {"restored_from": str(self.restored_from),
                "previous_copy": str(self.previous_copy) if self.previous_copy else None}


# --- writing a copy -------------------------------------------------------------------


def _engine(db: Database | Engine) -> Engine:
    return db if isinstance(db, Engine) else db.engine


def _database_file(engine: Engine) -> Path:
    if engine.dialect.name != "sqlite" or not engine.url.database:
        raise UserError("Sicherung: nur für die SQLite-Datenbank des Laptops; eine "
                        "PostgreSQL-Datenbank bitte mit pg_dump sichern.")
    return Path(engine.url.database).resolve()


def _own_files(database: Path) -> set[Path]:
    return {database, *(database.with_name(database.name + s)
                        for s in ("-wal", "-shm", "-journal"))}


def _new_private_file(path: Path) -> None:
    """An empty file only the user can read (an empty file is a valid SQLite database)."""
    for suffix in ("", "-journal", "-wal", "-shm"):  # a .part left by a killed attempt
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _integrity(conn: Any) -> str:
    rows = conn.execute("PRAGMA integrity_check").fetchall()
    return "ok" if rows == [("ok",)] else "; ".join(str(r[0]) for r in rows[:3])


def _copy_into(source: Any, target_path: Path, key: DatabaseKey | None) -> None:
    """Backup API copy of ``source`` into a new private file (keyed with ``key`` when
    given), checked and fsynced."""
    _new_private_file(target_path)
    target = connect_sqlite_file(target_path, key=key)
    try:
        source.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        integrity = _integrity(target)
    finally:
        target.close()
    if integrity != "ok":
        target_path.unlink(missing_ok=True)
        raise DatabaseError(f"Sicherung: Die Kopie ist fehlerhaft ({integrity}). Bitte die "
                            "Datenbank prüfen lassen, sie ist vermutlich beschädigt.")
    _fsync(target_path)


def _write_backup(engine: Engine, path: Path) -> BackupResult:
    part = path.with_name(f".{path.name}.part")
    raw = engine.raw_connection()
    try:
        source = raw.driver_connection
        assert is_dbapi_connection(source)
        _copy_into(source, part, engine_key(engine))
    finally:
        raw.close()
    os.replace(part, path)
    _fsync_dir(path.parent)
    return BackupResult(path, path.stat().st_size, "ok")


def backup_to(db: Database | Engine, path: Path | str, *, sidecar: bool = True
              ) -> BackupResult:
    """Copy the open database to ``path`` (a new file, mode 0600, integrity checked;
    encrypted with the database's key, ``FILE.keys.json`` beside it when ``sidecar``)."""
    engine = _engine(db)
    database = _database_file(engine)
    target = Path(path).expanduser().absolute()
    if target.resolve() in _own_files(database):
        raise UserError("Sicherung: Die Zieldatei ist die Datenbank selbst. Bitte einen "
                        "anderen Dateinamen angeben.")
    if target.exists():
        raise UserError(f"Sicherung: {target} gibt es schon. Bitte einen neuen Dateinamen "
                        "angeben (vorhandene Sicherungen werden nicht überschrieben).")
    if not target.parent.is_dir():
        raise UserError(f"Sicherung: Der Ordner {target.parent} existiert nicht. Bitte "
                        "Pfad prüfen.")
    try:
        result = _write_backup(engine, target)
        key = engine_key(engine)
        if sidecar and key is not None:
            keystore.write_sidecar(database, key, target)
    except OSError as exc:
        raise UserError(f"Sicherung nach {target} nicht möglich ({exc.strerror}). Bitte "
                        "Speicherplatz und Schreibrechte prüfen.") from None
    log.info("backup written to %s (%d bytes)", target, result.bytes)
    return result


# --- automatic backups and rotation ---------------------------------------------------


def backup_dir(db: Database | Engine) -> Path:
    """``backups/`` next to the database file (for the default one: ``<data dir>/backups``)."""
    return _database_file(_engine(db)).parent / BACKUP_DIR


def _stamp_of(name: str, stem: str) -> datetime | None:
    match = _NAME.match(name)
    if match is None or match["stem"] != stem:
        return None
    try:
        return datetime.strptime(match["stamp"], _STAMP)
    except ValueError:
        return None


def automatic_backups(directory: Path, stem: str) -> list[tuple[datetime, Path]]:
    """The automatic backups of the database ``stem`` in ``directory``, newest first."""
    if not directory.is_dir():
        return []
    found = [(stamp, path) for path in directory.iterdir()
             if (stamp := _stamp_of(path.name, stem)) is not None]
    return sorted(found, key=lambda item: (item[0], item[1].name), reverse=True)


def to_keep(backups: Iterable[tuple[datetime, Path]], today: date) -> set[Path]:
    """Rotation rule: the newest KEEP_LAST, plus the newest of each of the last KEEP_DAYS days."""
    newest_first = sorted(backups, key=lambda item: (item[0], item[1].name), reverse=True)
    keep = {path for _, path in newest_first[:KEEP_LAST]}
    first_day = today - timedelta(days=KEEP_DAYS - 1)
    days_seen: set[date] = set()
    for stamp, path in newest_first:
        day = stamp.date()
        if first_day <= day <= today and day not in days_seen:
            days_seen.add(day)
            keep.add(path)
    return keep


def rotate(directory: Path, stem: str, now: datetime) -> list[Path]:
    """Delete the automatic backups the rotation rule does not keep; returns them."""
    backups = automatic_backups(directory, stem)
    keep = to_keep(backups, now.date())
    removed = []
    for _, path in backups:
        if path not in keep:
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def _free_name(directory: Path, stem: str, now: datetime, reason: str) -> Path:
    stamp = now.strftime(_STAMP)
    path = directory / f"{stem}.sicherung-{stamp}-{reason}.sqlite"
    n = 2
    while path.exists():
        path = directory / f"{stem}.sicherung-{stamp}-{n}-{reason}.sqlite"
        n += 1
    return path


def automatic_backup(db: Database | Engine, reason: str,
                     now: datetime | None = None) -> BackupResult | None:
    """A rotated backup into ``backups/``; ``None`` for a database that is no SQLite file."""
    engine = _engine(db)
    if engine.dialect.name != "sqlite" or not engine.url.database:
        return None
    if not re.fullmatch(r"[a-z][a-z-]*", reason):
        raise ValueError(f"backup reason must be a lower-case slug, got {reason!r}")
    now = now or datetime.now()
    database = _database_file(engine)
    directory = database.parent / BACKUP_DIR
    directory.mkdir(mode=0o700, exist_ok=True)
    result = backup_to(engine, _free_name(directory, database.stem, now, reason),
                       sidecar=False)  # the key store one folder up opens it
    rotate(directory, database.stem, now)
    return result


def last_backup_at(db: Database | Engine) -> datetime | None:
    """Time stamp of the newest automatic backup (for the GUI's timer after a restart)."""
    engine = _engine(db)
    if engine.dialect.name != "sqlite" or not engine.url.database:
        return None
    database = _database_file(engine)
    backups = automatic_backups(database.parent / BACKUP_DIR, database.stem)
    return backups[0][0] if backups else None


def backup_due(last: datetime | None, now: datetime, minutes: int) -> bool:
    """Is an interval backup due? ``minutes <= 0`` switches interval backups off."""
    if minutes <= 0:
        return False
    return last is None or now - last >= timedelta(minutes=minutes) or now < last


def after_commit_backup(session: Session, reason: str) -> None:
    """Make an automatic backup once ``session`` has committed (e.g. a closed visit).

    Runs after the commit, so the backup holds what was just written and a failing backup
    (disk full) never undoes it: the failure is logged, the caller's result stands.
    """

    def backup(committed: Session) -> None:
        bind = committed.get_bind()
        engine = bind if isinstance(bind, Engine) else bind.engine
        failures: tuple[type[Exception], ...] = (UserError, OSError, *dbapi_errors())
        try:
            automatic_backup(engine, reason)
        except failures:
            log.exception("automatic backup (%s) failed", reason)

    event.listen(session, "after_commit", backup, once=True)


# --- the copy before a migration ------------------------------------------------------


def _change_counter(conn: Any) -> int:
    try:
        value = conn.execute("SELECT max(value) FROM change_counter").fetchone()
    except dbapi_errors():
        return 0
    return int(value[0] or 0) if value else 0


def pre_migration_copy(db: Database, revision: str) -> Path | None:
    """Copy the database before migrating it from ``revision``: once per state of the data.

    The name carries revision and change counter; when a copy of exactly that state
    exists (an earlier start failed or was killed during the migration, which leaves the
    file unchanged), no second copy is made.
    """
    path = db.sqlite_path
    if path is None or not path.exists():
        return None
    raw = db.engine.raw_connection()
    try:
        source = raw.driver_connection
        assert is_dbapi_connection(source)
        counter = _change_counter(source)
    finally:
        raw.close()
    prefix = f"{path.stem}.vor-update-{revision}-{counter}-"
    for stale in path.parent.glob(f".{glob_escape(path.stem)}.vor-update-*.part*"):
        stale.unlink(missing_ok=True)  # a copy a killed start did not finish
    existing = sorted(path.parent.glob(f"{glob_escape(prefix)}*{path.suffix}"))
    if existing:
        log.info("copy before migration exists: %s", existing[-1])
        return existing[-1]
    target = path.with_name(f"{prefix}{datetime.now().strftime(_STAMP)}{path.suffix}")
    result = _write_backup(db.engine, target)
    log.info("copy before migration written to %s", result.path)
    return result.path


def glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


# --- restore --------------------------------------------------------------------------


def _refuse(backup: Path, why: str) -> DatabaseError:
    return DatabaseError(f"Wiederherstellen: {backup.name} {why} Bitte eine andere Sicherung "
                         "wählen; an der Datenbank wurde nichts geändert.")


def backup_key(backup: Path, known: DatabaseKey | None = None) -> DatabaseKey | None:
    """The key of an encrypted backup (None for a plain one): ``known`` when it is the
    same database, else from the key stores beside it, its sidecar or the data dir."""
    if file_kind(backup) != "encrypted":
        return None
    if known is not None and keystore.database_id_of(backup) == known.db_id:
        return known
    try:
        return keystore.unlock(backup)
    except KeyUnlockError:
        raise _refuse(backup, "ist verschlüsselt, und kein Schlüssel dieses Laptops öffnet "
                      "sie (oder sie ist keine Impfteam-Sicherung). Bitte die Datei "
                      f"{backup.name}{keystore.SIDECAR_SUFFIX} daneben legen oder "
                      "IMPFTEAM_PASSPHRASE setzen.") from None


def verify_backup(backup: Path, key: DatabaseKey | None = None) -> str:
    """Check a backup file before it is used; returns its schema revision.

    An encrypted backup is opened with ``key`` (or the key found for it): a wrong key
    and a damaged file are refused alike.
    """
    from core.db.migrate import known_revision

    if not backup.is_file():
        raise DatabaseError(f"Wiederherstellen: Datei {backup} nicht gefunden. Bitte Pfad "
                            "prüfen; an der Datenbank wurde nichts geändert.")
    try:
        with backup.open("rb") as handle:
            header = handle.read(16)
    except OSError as exc:
        raise _refuse(backup, f"ist nicht lesbar ({exc.strerror}).") from None
    if header != SQLITE_MAGIC:
        known = key is not None and key.db_id == header.hex()
        if len(header) < 16 or (not known and keystore.find_entry(backup, header.hex()) is None):
            raise _refuse(backup, "ist keine Impfteam-Sicherung oder ist beschädigt.")
        key = backup_key(backup, key)
    else:
        key = None
    try:
        conn = connect_sqlite_file(backup, readonly=True, key=key)
        try:
            integrity = _integrity(conn)
            tables = {name for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            revisions = ([r for (r,) in conn.execute("SELECT version_num FROM alembic_version")]
                         if "alembic_version" in tables else [])
        finally:
            conn.close()
    except dbapi_errors():
        raise _refuse(backup, "ist beschädigt oder unvollständig.") from None
    if integrity != "ok":
        raise _refuse(backup, "ist beschädigt oder unvollständig.")
    if not _REQUIRED_TABLES.issubset(tables) or len(revisions) != 1:
        raise _refuse(backup, "ist keine Impfteam-Datenbank.")
    if not known_revision(revisions[0]):
        raise _refuse(backup, f"stammt aus einer neueren Impfteam-Version (Schema "
                      f"{revisions[0]}). Bitte zuerst die Anwendung aktualisieren.")
    return str(revisions[0])


def _is_healthy(path: Path, key: DatabaseKey | None) -> bool:
    try:
        conn = connect_sqlite_file(path, key=key)
        try:
            conn.execute("PRAGMA busy_timeout=5000")
            return bool(conn.execute("PRAGMA quick_check").fetchall() == [("ok",)])
        finally:
            conn.close()
    except dbapi_errors():
        return False


def _keep_current(db_path: Path, healthy: bool, now: datetime,
                  key: DatabaseKey | None) -> Path | None:
    """Copy of the current database next to it (backup API; raw bytes when it is broken)."""
    if not db_path.exists() or db_path.stat().st_size == 0:
        return None
    stamp = now.strftime(_STAMP)
    copy = db_path.with_name(f"{db_path.stem}.vor-restore-{stamp}{db_path.suffix}")
    n = 2
    while copy.exists():
        copy = db_path.with_name(f"{db_path.stem}.vor-restore-{stamp}-{n}{db_path.suffix}")
        n += 1
    part = copy.with_name(f".{copy.name}.part")
    if healthy:
        source = connect_sqlite_file(db_path, key=key)
        try:
            source.execute("PRAGMA busy_timeout=5000")
            _copy_into(source, part, key)
        finally:
            source.close()
    else:  # damaged: keep the bytes as they are (encrypted ones stay encrypted), WAL included
        for suffix in ("", "-wal"):
            original = db_path.with_name(db_path.name + suffix)
            if original.exists():
                kept = part.with_name(part.name + suffix)
                _new_private_file(kept)
                shutil.copyfile(original, kept)
                _fsync(kept)
        if (wal := part.with_name(part.name + "-wal")).exists():
            os.replace(wal, copy.with_name(copy.name + "-wal"))
    os.replace(part, copy)
    _fsync_dir(copy.parent)
    return copy


def _current_key(database: Path, key: DatabaseKey | None) -> DatabaseKey | None:
    """The key of the current database file (None when plain, empty or missing);
    a damaged encrypted file whose key store is gone gets None (it is replaced)."""
    if file_kind(database) != "encrypted":
        return None
    if key is not None:
        return key
    try:
        return keystore.unlock(database)
    except KeyUnlockError:
        return None


def restore_from(db_path: Path | str, backup_path: Path | str,
                 now: datetime | None = None, *, key: DatabaseKey | None = None
                 ) -> RestoreResult:
    """Replace the database at ``db_path`` by a verified backup, keeping the current one.

    ``key``: the current database's key when the caller unlocked it (else the key store's
    automatic slots). The restored database keeps the current key when there is one.
    """
    from core.security.dbkey import export_encrypted

    database = Path(db_path).expanduser().resolve()
    backup = Path(backup_path).expanduser().resolve()
    if backup in _own_files(database):
        raise DatabaseError("Wiederherstellen: Die Sicherung ist die Datenbank selbst. Bitte "
                            "eine Sicherungsdatei angeben.")
    if not database.parent.is_dir():
        raise DatabaseError(f"Wiederherstellen: Der Ordner {database.parent} existiert nicht. "
                            "Bitte Pfad prüfen.")
    current_key = _current_key(database, key)
    source_key = backup_key(backup, current_key) if backup.is_file() else None
    revision = verify_backup(backup, source_key)
    now = now or datetime.now()
    healthy = database.exists() and database.stat().st_size > 0 and \
        (file_kind(database) == "plain" or current_key is not None) and \
        _is_healthy(database, current_key)
    encrypted_db = current_key is not None and healthy
    temporary: Path | None = None
    try:
        previous = _keep_current(database, healthy, now, current_key if healthy else None)
        if encrypted_db and source_key is None:  # plain backup into an encrypted database
            assert current_key is not None
            temporary = database.with_name(f".{database.name}.restore-plain.part")
            _new_private_file(temporary)
            export_encrypted(backup, temporary, current_key)
            source = connect_sqlite_file(temporary, readonly=True, key=current_key)
        else:
            source = connect_sqlite_file(backup, readonly=True, key=source_key)
        try:
            if healthy and (encrypted_db or source_key is None):
                _restore_in_place(source, database)
            else:
                _restore_by_replacing(source, database, source_key)
        finally:
            source.close()
    except OSError as exc:
        raise DatabaseError(f"Wiederherstellen nicht möglich ({exc.strerror}). Bitte "
                            "Speicherplatz und Schreibrechte prüfen.") from None
    finally:
        if temporary is not None:
            from core.security.dbkey import wipe_file

            wipe_file(temporary)
    if not (healthy and encrypted_db) and source_key is not None:
        keystore.adopt_entry(backup, source_key, database)
    log.info("restored %s from %s (schema %s), previous copy %s", database, backup,
             revision, previous)
    return RestoreResult(backup, previous, revision)


def _restore_in_place(source: Any, database: Path) -> None:
    """Backup API into the live file: one write transaction, WAL mode kept, open
    connections of other processes read the restored data afterwards."""
    target = connect_sqlite_file(database)
    try:
        target.execute("PRAGMA busy_timeout=5000")
        try:
            source.backup(target)
        except dbapi_errors():
            raise DatabaseError("Wiederherstellen: Die Sicherung passt nicht in die Datenbank "
                                "(Seitengröße). Bitte die Anwendung schließen und erneut "
                                "versuchen; an der Datenbank wurde nichts geändert.") from None
        integrity = _integrity(target)
    finally:
        target.close()
    if integrity != "ok":  # pragma: no cover - the source was checked just before
        raise DatabaseError(f"Wiederherstellen: Ergebnis fehlerhaft ({integrity}). Bitte die "
                            "Kopie vor dem Wiederherstellen (vor-restore) einspielen.")


def _restore_by_replacing(source: Any, database: Path, key: DatabaseKey | None) -> None:
    """The current file is missing, damaged or still plain (its bytes were kept): put a
    fresh copy in (encrypted with the backup's key when the backup is encrypted)."""
    part = database.with_name(f".{database.name}.restore.part")
    _copy_into(source, part, key)
    for suffix in ("-wal", "-shm", "-journal"):  # they belong to the damaged file
        database.with_name(database.name + suffix).unlink(missing_ok=True)
    os.replace(part, database)
    _fsync_dir(database.parent)
