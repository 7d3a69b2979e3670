"""Engine and session factory: bound at start-up, never at import.

``Database.open`` takes a file path or SQLAlchemy URL, checks a SQLite file before use
(a damaged or foreign file gets a German message instead of a traceback), sets the
pragmas that make a laptop crash survivable (WAL, synchronous=FULL, foreign keys) and
migrates the schema with Alembic, copying the file with the SQLite backup API first.

SQLite engines use SQLAlchemy's documented pysqlite recipe for real transactions
(``_sqlite_transactional_ddl``): the driver's own transaction handling is off and every
SQLAlchemy transaction starts with ``BEGIN``, so DDL (``CREATE TABLE`` of the first start,
every migration) is inside the transaction and a kill leaves the old or the new schema.
"""

from __future__ import annotations

import getpass
import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from core.db import versioning
from core.db.migrate import check_known, current_revision, head_revision, upgrade
from core.errors import DatabaseError

log = logging.getLogger(__name__)
SQLITE_MAGIC = b"SQLite format 3\x00"


def cli_user() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (OSError, KeyError):
        return "cli:unbekannt"


def to_url(url_or_path: str) -> str:
    """Accept a plain file path as well as a SQLAlchemy URL."""
    if "://" in url_or_path:
        return url_or_path
    return f"sqlite:///{Path(url_or_path).expanduser().resolve()}"


def _check_sqlite_file(path: Path) -> None:
    if path.is_dir():
        raise DatabaseError(f"Datenbank: {path} ist ein Ordner, keine Datenbankdatei.")
    if not path.parent.exists():
        raise DatabaseError(
            f"Datenbank: Der Ordner {path.parent} existiert nicht. Bitte Pfad prüfen."
        )
    if not os.access(path.parent, os.W_OK):
        raise DatabaseError(f"Datenbank: Keine Schreibrechte im Ordner {path.parent}.")
    if path.exists() and path.stat().st_size > 0:
        with path.open("rb") as handle:
            if handle.read(16) != SQLITE_MAGIC:
                raise DatabaseError(
                    f"Datenbank: {path.name} ist keine Impfteam-Datenbank oder ist beschädigt. "
                    "Bitte die Datei nicht verändern und eine Sicherung einspielen (restore)."
                )


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


#: Execution option naming the statement that opens a transaction on SQLite
#: (``"BEGIN IMMEDIATE"`` for migrations: take the write lock before reading the revision).
SQLITE_BEGIN = "sqlite_begin"


def _sqlite_transactional_ddl(engine: Engine) -> None:
    """SQLAlchemy's pysqlite recipe: SQLAlchemy, not the driver, emits ``BEGIN``.

    Left alone, Python's sqlite3 driver (and sqlcipher3, built on it) opens a transaction
    only before INSERT/UPDATE/DELETE, so a ``CREATE TABLE`` inside ``engine.begin()`` is
    committed on its own and survives a rollback or a kill. With ``isolation_level=None``
    the driver sends nothing itself; the ``begin`` event sends ``BEGIN`` (it still commits
    and rolls back correctly), so DDL and reads share the transaction like any write.
    """

    def driver_leaves_transactions_to_us(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None

    def begin(conn: Connection) -> None:
        conn.exec_driver_sql(conn.get_execution_options().get(SQLITE_BEGIN, "BEGIN"))

    event.listen(engine, "connect", driver_leaves_transactions_to_us)
    event.listen(engine, "begin", begin)


def connect_sqlite_file(path: Path, *, readonly: bool = False) -> sqlite3.Connection:
    """A DBAPI connection to a SQLite file outside any engine (backup copies, restore).

    Backups and restores go through here only, so the encryption layer keys these
    connections in one place, as it does the engine's.
    """
    if readonly:
        return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                               isolation_level=None)
    return sqlite3.connect(str(path), isolation_level=None)


class Database:
    """An open, migrated database with its session factory."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._factory = sessionmaker(engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def sqlite_path(self) -> Path | None:
        database = self.engine.url.database
        return Path(database) if self.is_sqlite and database else None

    @classmethod
    def open(cls, url_or_path: str, *, migrate: bool = True) -> Database:
        url = to_url(url_or_path)
        parsed = make_url(url)
        is_sqlite = parsed.get_backend_name() == "sqlite"
        if is_sqlite and parsed.database:
            _check_sqlite_file(Path(parsed.database))
        engine = create_engine(url, future=True)
        if is_sqlite:
            _sqlite_transactional_ddl(engine)
            event.listen(engine, "connect", _sqlite_pragmas)
        versioning.install()
        db = cls(engine)
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            if migrate:
                db.migrate()
        except (SADatabaseError, OperationalError) as exc:
            engine.dispose()
            raise DatabaseError(
                "Datenbank kann nicht geöffnet werden oder ist beschädigt "
                f"({type(exc.orig).__name__ if exc.orig else 'Fehler'}). "
                "Bitte Pfad prüfen oder eine Sicherung einspielen."
            ) from exc
        return db

    def migrate(self) -> None:
        """Bring the schema to the newest revision in one transaction; copy the file first.

        The copy (SQLite backup API, ``core.db.backup.pre_migration_copy``) is made once
        per state of the data, so repeated failed starts do not pile up copies.
        """
        with self.engine.connect() as conn:
            current = current_revision(conn)
        head = head_revision()
        if current == head:
            self._ensure_settings()
            return
        check_known(current)
        if current is not None and self.sqlite_path is not None:
            from core.db.backup import pre_migration_copy

            pre_migration_copy(self, current)
        upgrade(self.engine, current)
        # Connections that ran the migration keep their parsed schema (0005 rewrites it
        # in place); new ones read the committed one.
        self.engine.dispose()
        self._ensure_settings()

    def _ensure_settings(self) -> None:
        from core.settings import ensure_defaults

        with self.session() as session:
            ensure_defaults(session)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: commits on success, rolls back on any error."""
        session = self._factory()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()
