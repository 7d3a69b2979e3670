"""Applying the database key to files: the one-time conversion of plain SQLite files.

The laptops have plain files today. The SQLite backup API cannot encrypt a plain
database (SQLCipher refuses to copy pages between a plain and an encrypted database), so
``convert_plain_database`` uses SQLCipher's documented procedure instead:

1. open the plain file with sqlcipher3 (no key = plain), checkpoint its WAL into it and
   count the rows of every table;
2. ``ATTACH DATABASE '<part>' AS enc KEY "x'…'"`` and ``SELECT sqlcipher_export('enc')``
   into a hidden ``.part`` file created 0600 (``user_version`` copied as well);
3. count the source again (a writer in between would show: the conversion is abandoned
   and tried at the next start), open the copy with the key, ``PRAGMA integrity_check``,
   the same tables and row counts, fsync;
4. rename the plain file to ``.<name>.unverschluesselt``, the verified copy to the
   database's name, fsync the folder; then overwrite the plain file (and its WAL, SHM)
   with zeros, fsync and delete it.

A kill before step 4 leaves the plain file as it was (the ``.part`` is removed at the
next start); a kill inside step 4 is finished by ``finish_interrupted_conversion`` at the
next start (plain back in place when the encrypted copy was not yet renamed, else the
plain leftover wiped). Plain copies of the same database (``vor-update``,
``vor-restore``, ``backups/…sicherung…``) are converted the same way right after.

Limits of the wipe (docs/security.md): on SSDs and copy-on-write or journalling file
systems, overwriting a file does not reliably overwrite the blocks that held it; old
plain data may survive in free blocks until the drive reuses them (full-disk encryption
such as BitLocker is what covers that).
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
from pathlib import Path
from typing import Any

from core.errors import DatabaseError
from core.fsync import fsync_dir as _fsync_dir
from core.fsync import fsync_path as _fsync
from core.security import keystore
from core.security.keystore import DatabaseKey

log = logging.getLogger(__name__)

PART_INFIX = ".verschluesseln.part"
WIPE_INFIX = ".unverschluesselt"
_CHUNK = 1 << 20


def _part(path: Path) -> Path:
    return path.with_name(f".{path.name}{PART_INFIX}")


def _leftover(path: Path) -> Path:
    return path.with_name(f".{path.name}{WIPE_INFIX}")


def wipe_file(path: Path) -> None:
    """Overwrite ``path`` with zeros (its whole length), fsync, delete. See the module
    docstring for what this cannot guarantee on SSDs."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    try:
        with path.open("r+b", buffering=0) as handle:
            zeros = bytes(_CHUNK)
            left = size
            while left > 0:
                left -= handle.write(zeros[:min(left, _CHUNK)])
            os.fsync(handle.fileno())
    except OSError:
        log.warning("could not overwrite %s before deleting it", path)
    path.unlink(missing_ok=True)


def _tables(conn: Any, schema: str = "main") -> dict[str, int]:
    names = [name for (name,) in conn.execute(
        f"SELECT name FROM {schema}.sqlite_master WHERE type = 'table' "
        "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return {name: int(conn.execute(
        f'SELECT count(*) FROM {schema}."{name.replace(chr(34), chr(34) * 2)}"').fetchone()[0])
        for name in names}


def _integrity(conn: Any) -> str:
    rows = conn.execute("PRAGMA integrity_check").fetchall()
    return "ok" if rows == [("ok",)] else "; ".join(str(r[0]) for r in rows[:3])


def finish_interrupted_conversion(path: Path) -> None:
    """Clean up after a conversion that was killed (see the module docstring)."""
    part, leftover = _part(path), _leftover(path)
    if leftover.exists():
        if path.exists():
            wipe_file(leftover)  # the encrypted copy is in place: finish the wipe
        else:
            os.replace(leftover, path)  # killed between the renames: plain file back
            _fsync_dir(path.parent)
    if part.exists():
        part.unlink()


def export_encrypted(path: Path, target: Path, key: DatabaseKey) -> dict[str, int]:
    """Write an encrypted, verified copy of the plain SQLite file ``path`` to the new
    (empty, private) file ``target``; returns the row counts per table. The plain file
    is not changed. ``DatabaseError`` when the copy cannot be made or does not match."""
    from core.db.engine import file_kind, keyed_connect, sqlcipher

    dbapi = sqlcipher()
    errors = (sqlite3.DatabaseError, dbapi.DatabaseError)
    try:
        source = dbapi.connect(str(path), isolation_level=None)
        try:
            source.execute("PRAGMA busy_timeout=5000")
            before = _tables(source)
            user_version = int(source.execute("PRAGMA user_version").fetchone()[0])
            source.execute(f"ATTACH DATABASE ? AS enc KEY {key.literal()}", (str(target),))
            source.execute("SELECT sqlcipher_export('enc')")
            source.execute(f"PRAGMA enc.user_version = {user_version}")
            source.execute("DETACH DATABASE enc")
            after = _tables(source)
        finally:
            source.close()
        copy = keyed_connect(target, key)
        try:
            copy.execute("PRAGMA journal_mode=DELETE")
            integrity = _integrity(copy)
            copied = _tables(copy)
        finally:
            copy.close()
    except errors as exc:
        target.unlink(missing_ok=True)
        raise DatabaseError(f"Datenbank {path.name} kann nicht verschlüsselt werden: Sie ist "
                            f"beschädigt oder nicht lesbar ({type(exc).__name__}). Die Datei "
                            "bleibt unverändert; bitte eine Sicherung einspielen (restore)."
                            ) from None
    if integrity != "ok" or not (before == after == copied) or file_kind(target) != "encrypted":
        target.unlink(missing_ok=True)
        raise DatabaseError(f"Verschlüsseln von {path.name}: Die Kopie stimmt nicht mit dem "
                            "Original überein (gleichzeitig geändert?). Die Datei bleibt "
                            "unverändert; bitte alle Impfteam-Fenster schließen und neu "
                            "starten.")
    _fsync(target)
    return copied


def _checkpoint(path: Path) -> None:
    """Move a plain file's WAL into it, so the export and the wipe see everything."""
    from core.db.engine import sqlcipher

    if not path.with_name(path.name + "-wal").exists():
        return
    conn = sqlcipher().connect(str(path), isolation_level=None)
    try:
        conn.execute("PRAGMA busy_timeout=5000")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def encrypt_file(path: Path, key: DatabaseKey) -> dict[str, int]:
    """Replace the plain SQLite file ``path`` by an encrypted, verified copy with
    ``key``; returns the row counts per table. ``DatabaseError`` leaves it unchanged."""
    part = _part(path)
    part.unlink(missing_ok=True)
    os.close(os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    _checkpoint(path)
    copied = export_encrypted(path, part, key)
    leftover = _leftover(path)
    os.replace(path, leftover)
    for suffix in ("-wal", "-shm", "-journal"):  # checkpointed; they belong to the plain file
        wipe_file(path.with_name(path.name + suffix))
    os.replace(part, path)
    _fsync_dir(path.parent)
    wipe_file(leftover)
    _fsync_dir(path.parent)
    return copied


def plain_copies(path: Path) -> list[Path]:
    """Plain copies of the database ``path`` that the app made (pre-update, pre-restore,
    automatic backups), to be encrypted with it."""
    from core.db.engine import SQLITE_MAGIC

    stem, suffix = re.escape(path.stem), re.escape(path.suffix)
    pattern = re.compile(rf"^{stem}\.(vor-update-|vor-restore-|sicherung-).*{suffix}$")
    found = []
    for folder in (path.parent, path.parent / "backups"):
        if not folder.is_dir():
            continue
        for candidate in folder.iterdir():
            if pattern.match(candidate.name) and candidate.is_file():
                try:
                    with candidate.open("rb") as handle:
                        if handle.read(16) == SQLITE_MAGIC:
                            found.append(candidate)
                except OSError:
                    continue
    return sorted(found)


def convert_plain_database(path: Path) -> DatabaseKey:
    """The one-time conversion at the first start of this version (see module doc)."""
    key = keystore.create_key(path)
    try:
        counts = encrypt_file(path, key)
    except BaseException:
        keystore.drop_entry(path, key)  # the key of a copy that was never made
        raise
    log.info("database %s encrypted (%d tables, %d rows)", key.db_id, len(counts),
             sum(counts.values()))
    for copy in plain_copies(path):
        try:
            encrypt_file(copy, key)
            log.info("copy %s encrypted", copy.name)
        except DatabaseError:
            log.warning("copy %s could not be encrypted; it stays plain", copy.name)
    return key
