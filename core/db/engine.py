"""Engine and session factory: bound at start-up, never at import.

``Database.open`` takes a file path or SQLAlchemy URL, checks a SQLite file before use
(a damaged or foreign file gets a German message instead of a traceback), sets the
pragmas that make a laptop crash survivable (WAL, synchronous=FULL, foreign keys) and
migrates the schema with Alembic, copying the file with the SQLite backup API first.

SQLite engines use SQLAlchemy's documented pysqlite recipe for real transactions
(``_sqlite_transactional_ddl``): the driver's own transaction handling is off and every
SQLAlchemy transaction starts with ``BEGIN``, so DDL (``CREATE TABLE`` of the first start,
every migration) is inside the transaction and a kill leaves the old or the new schema.

Encryption at rest (``core.security.keystore``, docs/security.md): a SQLite *file* is
SQLCipher-encrypted (sqlcipher3, the pysqlite dialect with ``module=`` and a ``creator``
that sends ``PRAGMA key`` with the raw key as the very first statement, before the WAL
pragmas). A new file gets a new key; an existing plain file is converted once
(``ATTACH … KEY`` + ``sqlcipher_export()``, verified, the plain file overwritten and
deleted). ``?plain=1`` on a ``sqlite:///`` URL asks for an unencrypted file (hub tools,
tests) and is refused for an encrypted one. ``sqlite://`` (in memory) stays plain.
"""

from __future__ import annotations

import getpass
import logging
import os
import sqlite3
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from core.db import versioning
from core.db.migrate import check_known, current_revision, head_revision, upgrade
from core.errors import DatabaseError
from core.security import keystore
from core.security.keystore import DatabaseKey

log = logging.getLogger(__name__)
SQLITE_MAGIC = b"SQLite format 3\x00"
#: URL query flag for an unencrypted SQLite file: ``sqlite:///PATH?plain=1``
PLAIN_FLAG = "plain"


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


def sqlcipher() -> ModuleType:
    """The sqlcipher3 DBAPI module (SQLCipher 4 bundled in the wheel)."""
    try:
        from sqlcipher3 import dbapi2
    except ImportError:  # pragma: no cover - a broken installation
        raise DatabaseError("Verschlüsselung nicht verfügbar: Das Paket sqlcipher3 fehlt. "
                            "Bitte Impfteam neu installieren.") from None
    return dbapi2


def dbapi_errors() -> tuple[type[Exception], ...]:
    """DatabaseError of both drivers (stdlib sqlite3 for plain files, sqlcipher3)."""
    return (sqlite3.DatabaseError, sqlcipher().DatabaseError)


def is_dbapi_connection(conn: Any) -> bool:
    return isinstance(conn, sqlite3.Connection | sqlcipher().Connection)


def _check_sqlite_file(path: Path) -> None:
    """Folder checks; the header is judged by ``file_kind`` (an encrypted file has none)."""
    if path.is_dir():
        raise DatabaseError(f"Datenbank: {path} ist ein Ordner, keine Datenbankdatei.")
    if not path.parent.exists():
        raise DatabaseError(
            f"Datenbank: Der Ordner {path.parent} existiert nicht. Bitte Pfad prüfen."
        )
    if not os.access(path.parent, os.W_OK):
        raise DatabaseError(f"Datenbank: Keine Schreibrechte im Ordner {path.parent}.")


def file_kind(path: Path) -> str:
    """``"new"`` (missing or empty), ``"plain"`` (SQLite header) or ``"encrypted"``
    (anything else: SQLCipher files start with their random salt, not a header)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(16)
    except FileNotFoundError:
        return "new"
    except OSError as exc:
        raise DatabaseError(f"Datenbank: {path.name} ist nicht lesbar ({exc.strerror}).") \
            from None
    if not head:
        return "new"
    return "plain" if head == SQLITE_MAGIC else "encrypted"


def private_file(path: Path) -> None:
    """Mode 0600 for the database and its -wal/-shm (SQLite gives them the file's mode)."""
    if os.name != "posix":
        return
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    for suffix in ("", "-wal", "-shm", "-journal"):
        companion = path.with_name(path.name + suffix)
        if companion.exists() and companion.stat().st_mode & 0o077:
            os.chmod(companion, 0o600)


def keyed_connect(path: Path | str, key: DatabaseKey, *, readonly: bool = False) -> Any:
    """A sqlcipher3 connection whose first statement is ``PRAGMA key`` (raw key)."""
    dbapi = sqlcipher()
    if readonly:
        conn = dbapi.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True,
                             isolation_level=None, check_same_thread=False)
    else:
        conn = dbapi.connect(str(path), isolation_level=None, check_same_thread=False)
    conn.execute(key.pragma())
    conn.execute("PRAGMA cipher_log_level = NONE")  # wrong keys: our message, no stderr noise
    return conn


def connect_sqlite_file(path: Path | str, *, readonly: bool = False,
                        key: DatabaseKey | None = None) -> Any:
    """A DBAPI connection to a SQLite file outside any engine (backup copies, restore).

    With ``key``: a keyed sqlcipher3 connection. Without: an encrypted file is unlocked
    from its key store (``keystore.unlock``), a plain or new file gets the stdlib driver.
    Backups and restores go through here only (and tests that edit a file directly).
    """
    path = Path(path)
    if key is None and file_kind(path) == "encrypted":
        key = keystore.unlock(path)
    if key is not None:
        return keyed_connect(path, key, readonly=readonly)
    if readonly:
        return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                               isolation_level=None)
    return sqlite3.connect(str(path), isolation_level=None)


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


def _wants_plain(url: URL) -> bool:
    value = url.query.get(PLAIN_FLAG)
    if isinstance(value, tuple):
        value = value[-1]
    return value is not None and str(value).strip().lower() in {"1", "true", "ja", "yes", ""}


def _prepare_file(path: Path, plain: bool, key: DatabaseKey | None, login: str | None,
                  password: str | None) -> DatabaseKey | None:
    """Decide plain or encrypted for ``path`` and return the key to open it with."""
    from core.security import dbkey as encryption

    kind = file_kind(path)
    if plain:
        if kind == "encrypted":
            raise DatabaseError(f"Datenbank: {path.name} ist verschlüsselt; sie wird nicht "
                                "unverschlüsselt (plain) geöffnet. Bitte die URL ohne "
                                "„?plain=1“ angeben.")
        private_file(path)
        return None
    encryption.finish_interrupted_conversion(path)
    kind = file_kind(path)
    if kind == "new":
        private_file(path)
        return keystore.create_key(path)
    if kind == "plain":
        private_file(path)
        return encryption.convert_plain_database(path)
    private_file(path)
    if key is not None:
        return key  # remembered once it opened the file (Database.open)
    return keystore.unlock(path, login=login, password=password)


def _create_engine(url: URL, key: DatabaseKey | None) -> Engine:
    if key is None:
        return create_engine(url, future=True)
    path = Path(str(url.database))

    def creator() -> Any:
        return keyed_connect(path, key)

    return create_engine(url.set(drivername="sqlite+pysqlite"), future=True,
                         module=sqlcipher(), creator=creator)


class Database:
    """An open, migrated database with its session factory."""

    def __init__(self, engine: Engine, key: DatabaseKey | None = None) -> None:
        self.engine = engine
        #: the unlocked key of an encrypted SQLite file (None: plain or PostgreSQL)
        self.database_key = key
        self._factory = sessionmaker(engine, expire_on_commit=False)
        if key is not None:
            _ENGINE_KEYS[engine] = key

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def encrypted(self) -> bool:
        return self.database_key is not None

    @property
    def database_id(self) -> str | None:
        return self.database_key.db_id if self.database_key else None

    @property
    def sqlite_path(self) -> Path | None:
        database = self.engine.url.database
        return Path(database) if self.is_sqlite and database else None

    @classmethod
    def open(cls, url_or_path: str, *, migrate: bool = True, key: DatabaseKey | None = None,
             login: str | None = None, password: str | None = None) -> Database:
        """Open (create, convert) and migrate; ``key`` when the caller unlocked it,
        else ``login``/``password`` or the automatic slots of the key store unlock it."""
        url = to_url(url_or_path)
        parsed = make_url(url)
        is_sqlite = parsed.get_backend_name() == "sqlite"
        dbkey: DatabaseKey | None = None
        if is_sqlite:
            if parsed.password or parsed.username:
                raise DatabaseError("Datenbank: Schlüssel und Passwörter gehören nicht in die "
                                    "URL. Bitte nur den Pfad angeben.")
            plain = _wants_plain(parsed)
            parsed = parsed.difference_update_query([PLAIN_FLAG])
            if parsed.database and parsed.database != ":memory:":
                path = Path(parsed.database)
                _check_sqlite_file(path)
                dbkey = _prepare_file(path, plain, key, login, password)
        engine = _create_engine(parsed, dbkey)
        if is_sqlite:
            _sqlite_transactional_ddl(engine)
            event.listen(engine, "connect", _sqlite_pragmas)
        versioning.install()
        db = cls(engine, dbkey)
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1 FROM sqlite_master LIMIT 1") if is_sqlite
                             else text("SELECT 1"))
            if dbkey is not None:
                keystore.remember(dbkey)
            if migrate:
                db.migrate()
        except (SADatabaseError, OperationalError) as exc:
            engine.dispose()
            if dbkey is not None and "not a database" in str(exc.orig or exc):
                raise DatabaseError(
                    keystore.UNLOCK_FAILED + "Der Schlüssel passt nicht oder die Datei ist "
                    "beschädigt. Bitte eine Sicherung einspielen (restore) oder den "
                    "Wiederherstellungsschlüssel verwenden (dbkey recover).") from None
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


#: engine -> key, so code holding only an engine (backups after a commit) finds it.
_ENGINE_KEYS: weakref.WeakKeyDictionary[Engine, DatabaseKey] = weakref.WeakKeyDictionary()


def engine_key(engine: Engine) -> DatabaseKey | None:
    """The key of an engine made by ``Database.open`` (None: plain or PostgreSQL)."""
    return _ENGINE_KEYS.get(engine)
