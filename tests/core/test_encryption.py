"""Encryption at rest (issue 12 §2): SQLCipher database, WAL and backups; key slots.

What a stolen copy of the disk exposes is checked as an attacker would: every byte of
every file in the folder (database, its WAL before a checkpoint, SHM, backups, key
store, logs) is searched for the names, in UTF-8 and UTF-16 and ASCII-folded.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import stat
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from core.db.backup import automatic_backup, backup_to, restore_from
from core.db.engine import SQLITE_MAGIC, Database, connect_sqlite_file, file_kind, sqlcipher
from core.errors import DatabaseError, UserError
from core.security import keystore
from core.security.dbkey import WIPE_INFIX
from core.security.keystore import DatabaseKey, KeyUnlockError
from core.services.context import Actor

ROOT = Path(__file__).resolve().parents[2]
NAMES = ("Wiśniewski", "Παπαδόπουλος", "Zofia", "Eleni")
FOLDED = (b"wisniewski", b"papadopoulos")


def needles() -> list[bytes]:
    found = []
    for name in NAMES:
        for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
            found.append(name.encode(encoding))
    return found


def files_with_names(folder: Path) -> list[str]:
    """Every file under ``folder`` holding one of the names (also ASCII-folded)."""
    hits = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        lower = data.lower()
        if any(n in data for n in needles()) or any(f in lower for f in FOLDED):
            hits.append(str(path.relative_to(folder)))
    return hits


def add_people(db: Database) -> None:
    from core.services.persons import PersonInput, create_person

    with db.session() as s:
        actor = Actor.for_session(s, "t.tester")
        create_person(s, actor, PersonInput("Wiśniewski", "Zofia", date(1961, 3, 7), "w",
                                            postcode="33330"))
        create_person(s, actor, PersonInput("Παπαδόπουλος", "Eleni", date(1975, 5, 1), "w"))


def fresh(tmp_path: Path, name: str = "impfteam.sqlite") -> tuple[Database, Path]:
    path = tmp_path / name
    return Database.open(str(path)), path


def person_count(db: Database) -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM person")).scalar_one())


# --- without the key the file is noise -----------------------------------------------


def test_plain_sqlite3_cannot_read_the_database(db_path: Path) -> None:
    assert db_path.read_bytes()[:16] != SQLITE_MAGIC
    conn = sqlite3.connect(db_path)
    with pytest.raises(sqlite3.DatabaseError, match="file is not a database"):
        conn.execute("SELECT count(*) FROM sqlite_master").fetchall()
    conn.close()


def test_a_wrong_key_is_refused_with_a_german_message(db_path: Path,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    db_id = keystore.database_id_of(db_path)
    assert db_id is not None
    wrong = DatabaseKey(db_id, os.urandom(32))
    raw = sqlcipher().connect(str(db_path))
    raw.execute(wrong.pragma())
    with pytest.raises(sqlcipher().DatabaseError, match="file is not a database"):
        raw.execute("SELECT count(*) FROM sqlite_master").fetchall()
    raw.close()
    keystore.forget()
    with pytest.raises(DatabaseError, match="konnte nicht entsperrt werden") as refused:
        Database.open(str(db_path), key=wrong)
    assert wrong.key.hex() not in refused.value.message
    right = keystore.unlock(db_path)
    assert right.key.hex() not in caplog.text and right.key.hex() not in repr(right)


def test_without_any_slot_the_database_does_not_open(db_path: Path) -> None:
    keystore.forget()
    (db_path.parent / "keys" / keystore.DEVICE_KEY_NAME).unlink()
    with pytest.raises(KeyUnlockError, match="verschlüsselt und konnte nicht entsperrt werden"):
        Database.open(str(db_path))
    keystore.forget()
    for child in (db_path.parent / "keys").iterdir():
        child.unlink()
    with pytest.raises(DatabaseError, match="Schlüsselspeicher keys/ fehlt"):
        Database.open(str(db_path))


def test_a_plain_url_never_opens_an_encrypted_database(db_path: Path) -> None:
    before = db_path.read_bytes()
    with pytest.raises(DatabaseError, match="verschlüsselt; sie wird nicht unverschlüsselt"):
        Database.open(f"sqlite:///{db_path}?plain=1")
    with pytest.raises(DatabaseError, match="gehören nicht in die URL"):
        Database.open(f"sqlite+pysqlcipher://:geheim@/{db_path}")
    assert db_path.read_bytes() == before


# --- no name in any byte ----------------------------------------------------------------


def test_no_byte_of_database_wal_backups_or_key_store_holds_a_name(tmp_path: Path) -> None:
    """What a stolen copy of the disk exposes: no names; only sizes, times and names of
    files, and the key store's wrapped keys (docs/security.md)."""
    from core.paths import data_dir

    folder = data_dir()
    db, path = fresh(folder)
    add_people(db)
    wal = path.with_name(path.name + "-wal")
    assert wal.stat().st_size > 0, "the names must still be in the WAL (no checkpoint)"
    automatic_backup(db, "intervall")
    backup_to(db, folder / "stick.sqlite")
    db.engine.dispose()  # checkpoint on close: the names move into the main file
    db2 = Database.open(str(path))
    assert person_count(db2) == 2  # the data is all there, readable with the key
    add_people(db2)  # and once more in a fresh WAL
    from core.logging_setup import setup_logging

    setup_logging()
    import logging

    logging.getLogger("core").warning("ids only: %s", db2.database_id)
    assert files_with_names(folder) == []
    key = db2.database_key
    assert key is not None
    for file in folder.rglob("*"):
        if file.is_file():
            data = file.read_bytes()
            assert key.key not in data and key.key.hex().encode() not in data, file
    assert {keystore.DEVICE_KEY_NAME, keystore.STORE_NAME} <= {
        p.name for p in (folder / "keys").iterdir()}
    # the device slot does not travel with a copy: no sidecar without another slot
    assert not keystore.sidecar_path(folder / "stick.sqlite").exists()
    db2.dispose()


def test_conversion_of_a_plain_database_keeps_every_row_and_leaves_no_plain_byte(
        tmp_path: Path) -> None:
    path = tmp_path / "impfteam.sqlite"
    plain = Database.open(f"sqlite:///{path}?plain=1")
    assert plain.database_key is None and file_kind(path) == "plain"
    add_people(plain)
    backup_to(plain, tmp_path / "impfteam.vor-update-0006-3-20250101-000000.sqlite")
    automatic_backup(plain, "intervall")
    with plain.engine.connect() as conn:
        tables = [r[0] for r in conn.execute(text(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"))]
        counts = {t: conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar() for t in tables}
    plain.engine.dispose()
    link = tmp_path / "link-to-the-plain-inode"
    os.link(path, link)  # shares the inode: shows whether the plain bytes were overwritten
    assert files_with_names(tmp_path)

    db = Database.open(str(path))
    assert db.encrypted and file_kind(path) == "encrypted"
    with db.engine.connect() as conn:
        assert {t: conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar()
                for t in tables} == counts
        assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    assert set(link.read_bytes()) == {0}, "the plain file was not overwritten"
    link.unlink()
    assert files_with_names(tmp_path) == []
    assert not list(tmp_path.glob(f".*{WIPE_INFIX}")) and not list(tmp_path.glob(".*.part"))
    for copy in [*tmp_path.glob("impfteam.vor-update-*"), *(tmp_path / "backups").iterdir()]:
        assert file_kind(copy) == "encrypted"
        conn = connect_sqlite_file(copy)
        assert conn.execute("SELECT count(*) FROM person").fetchone()[0] == 2
        conn.close()
    db.dispose()


def test_an_interrupted_conversion_is_finished_or_undone(tmp_path: Path) -> None:
    path = tmp_path / "impfteam.sqlite"
    plain = Database.open(f"sqlite:///{path}?plain=1")
    add_people(plain)
    plain.dispose()
    leftover = path.with_name(f".{path.name}{WIPE_INFIX}")
    os.replace(path, leftover)  # killed between the two renames
    db = Database.open(str(path))
    assert db.encrypted and person_count(db) == 2 and not leftover.exists()
    db.dispose()
    leftover.write_bytes(SQLITE_MAGIC + "Wiśniewski".encode())  # killed before the wipe
    Database.open(str(path)).dispose()
    assert not leftover.exists()


def test_a_damaged_plain_file_is_not_converted_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "impfteam.sqlite"
    damaged = SQLITE_MAGIC + b"\xff" * 8000
    path.write_bytes(damaged)
    with pytest.raises(DatabaseError, match="beschädigt"):
        Database.open(str(path))
    assert path.read_bytes() == damaged
    assert keystore.read_store(keystore.store_path(path))["databases"] == {}


# --- backups ----------------------------------------------------------------------------


def test_backups_are_encrypted_with_the_same_key_and_restore(tmp_path: Path, db: Database,
                                                             db_path: Path) -> None:
    add_people(db)
    copy = backup_to(db, tmp_path / "sicherung.sqlite").path
    assert file_kind(copy) == "encrypted"
    assert keystore.database_id_of(copy) == db.database_id
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    db.dispose()
    restore_from(db_path, copy)
    assert file_kind(db_path) == "encrypted"
    reopened = Database.open(str(db_path))
    assert person_count(reopened) == 2
    reopened.dispose()


def test_a_plain_backup_restored_into_an_encrypted_database_stays_encrypted(
        tmp_path: Path, db: Database, db_path: Path) -> None:
    old = tmp_path / "alt" / "impfteam.sqlite"
    old.parent.mkdir()
    plain = Database.open(f"sqlite:///{old}?plain=1")
    add_people(plain)
    saved = backup_to(plain, tmp_path / "alt-sicherung.sqlite").path
    plain.dispose()
    assert file_kind(saved) == "plain"
    db.dispose()
    restore_from(db_path, saved)
    assert file_kind(db_path) == "encrypted"
    for file in db_path.parent.glob("impfteam.sqlite*"):
        assert not any(n in file.read_bytes() for n in needles()), file
    reopened = Database.open(str(db_path))
    assert person_count(reopened) == 2
    reopened.dispose()


def test_a_backup_on_a_stick_restores_on_another_laptop_with_the_passphrase(
        tmp_path: Path, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    add_people(db)
    keystore.set_batch_slot(db, "Stapel-Passphrase-2026")
    stick = tmp_path / "stick"
    stick.mkdir()
    saved = backup_to(db, stick / "sicherung.sqlite").path
    sidecar = json.loads(keystore.sidecar_path(saved).read_text())
    (entry,) = sidecar["databases"].values()
    assert {s["type"] for s in entry["slots"]} == {"batch"}  # no device/keyring slot
    db.dispose()
    keystore.forget()
    laptop = tmp_path / "neuer-laptop" / "impfteam.sqlite"
    laptop.parent.mkdir()
    with pytest.raises(DatabaseError, match="kein Schlüssel dieses Laptops"):
        restore_from(laptop, saved)
    monkeypatch.setenv(keystore.PASSPHRASE_ENV, "Stapel-Passphrase-2026")
    restore_from(laptop, saved)
    keystore.forget()
    reopened = Database.open(str(laptop))
    assert person_count(reopened) == 2
    reopened.dispose()


# --- slots --------------------------------------------------------------------------------


def test_password_slot_unlocks_and_a_wrong_password_does_not(db: Database,
                                                             db_path: Path) -> None:
    assert keystore.add_password_slot(db, "a.admin", "Richtig-Passwort-1")
    keystore.remove_slot(db, keystore.SLOT_DEVICE)
    db.dispose()
    keystore.forget()
    with pytest.raises(KeyUnlockError, match="Benutzername oder Passwort passen nicht"):
        keystore.unlock_with_password(db_path, "a.admin", "falsch")
    with pytest.raises(KeyUnlockError):
        keystore.unlock_with_password(db_path, "b.other", "Richtig-Passwort-1")
    with pytest.raises(KeyUnlockError, match="kein Zugang passt"):
        Database.open(str(db_path))
    key = keystore.unlock_with_password(db_path, "a.admin", "Richtig-Passwort-1")
    assert key.db_id == keystore.database_id_of(db_path)
    keystore.forget()
    reopened = Database.open(str(db_path), login="a.admin", password="Richtig-Passwort-1")
    assert reopened.database_key == key
    keystore.add_password_slot(reopened, "a.admin", "Neues-Passwort-2")  # a changed password
    keystore.forget()
    with pytest.raises(KeyUnlockError):
        keystore.unlock_with_password(db_path, "a.admin", "Richtig-Passwort-1")
    assert keystore.unlock_with_password(db_path, "a.admin", "Neues-Passwort-2") == key
    with pytest.raises(UserError, match="letzte Zugang"):
        keystore.remove_slot(reopened, keystore.SLOT_PASSWORD)
    reopened.dispose()


def test_recovery_key_unlocks_and_recover_adds_new_slots(db: Database, db_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    recovery = keystore.new_recovery_key(db)
    assert recovery is not None
    assert re.fullmatch(r"([A-Z2-7]{4}-){7}[A-Z2-7]{4}", recovery)
    store = keystore.store_path(db_path).read_text()
    assert recovery not in store and recovery.replace("-", "") not in store
    keystore.remove_slot(db, keystore.SLOT_DEVICE)
    key = db.database_key
    db.dispose()
    keystore.forget()
    with pytest.raises(KeyUnlockError, match="passt nicht zu dieser Datenbank"):
        keystore.unlock_with_recovery_key(db_path, "AAAA-" * 7 + "AAAA")
    with pytest.raises(UserError, match="acht Gruppen"):
        keystore.unlock_with_recovery_key(db_path, "1234")
    typed = recovery.lower().replace("-", " ").replace("o", "0")
    assert keystore.unlock_with_recovery_key(db_path, typed) == key
    keystore.forget()

    env = dict(os.environ, IMPFTEAM_PASSPHRASE="Neue-Stapel-Passphrase")
    result = subprocess.run([sys.executable, "main.py", "--db", str(db_path), "dbkey", "recover",
                             "--json"], cwd=ROOT, capture_output=True, text=True, check=False,
                            timeout=120, env=dict(env, IMPFTEAM_RECOVERY_KEY="AAAA" * 8))
    assert result.returncode == 1 and result.stderr.startswith("Fehler: ")
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1
    result = subprocess.run([sys.executable, "main.py", "--db", str(db_path), "dbkey", "recover",
                             "--recovery-key", recovery, "--json"], cwd=ROOT,
                            capture_output=True, text=True, check=False, timeout=120, env=env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["slots_added"] == ["batch"]
    assert recovery not in result.stdout
    keystore.forget()
    monkeypatch.setenv(keystore.PASSPHRASE_ENV, "Neue-Stapel-Passphrase")
    Database.open(str(db_path)).dispose()
    keystore.forget()
    monkeypatch.setenv(keystore.PASSPHRASE_ENV, "eine falsche Passphrase")
    with pytest.raises(KeyUnlockError, match="IMPFTEAM_PASSPHRASE"):
        Database.open(str(db_path))


def test_batch_slot_from_the_environment(tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(keystore.PASSPHRASE_ENV, "Stapel-Passphrase-0815")
    db, path = fresh(tmp_path)
    slots = {s["type"] for s in keystore.describe_slots(path, db.database_id or "")}
    assert slots == {"batch"}  # a passphrase given: no device slot
    assert not (tmp_path / "keys" / keystore.DEVICE_KEY_NAME).exists()
    db.dispose()
    keystore.forget()
    Database.open(str(path)).dispose()
    keystore.forget()
    monkeypatch.delenv(keystore.PASSPHRASE_ENV)
    with pytest.raises(KeyUnlockError, match="konnte nicht entsperrt werden"):
        Database.open(str(path))
    with pytest.raises(UserError, match="mindestens 12"):
        keystore.set_batch_slot(Database.open(str(path), key=keystore.unlock(
            path, passphrase="Stapel-Passphrase-0815")), "kurz")


def test_tampered_key_store_slots_are_refused(db: Database, db_path: Path) -> None:
    keystore.add_password_slot(db, "a.admin", "Richtig-Passwort-1")
    db.dispose()
    keystore.forget()
    path = keystore.store_path(db_path)
    store = json.loads(path.read_text())
    (entry,) = store["databases"].values()
    for slot in entry["slots"]:
        if slot["type"] == "password":
            slot["login"] = "m.angreifer"  # moving a slot to another login breaks its tag
            slot["kdf"]["n"] = 2**30  # and a hostile cost is not even tried
    path.write_text(json.dumps(store))
    with pytest.raises(KeyUnlockError):
        keystore.unlock_with_password(db_path, "m.angreifer", "Richtig-Passwort-1")
    path.write_text("{kaputt")
    with pytest.raises(DatabaseError, match=r"Schlüsselspeicher .* beschädigt"):
        Database.open(str(db_path))


# --- modes and costs ------------------------------------------------------------------------


def test_files_are_0600_and_folders_0700(tmp_path: Path) -> None:
    from core.paths import data_dir

    home = data_dir()
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    os.chmod(home, 0o755)
    assert stat.S_IMODE(data_dir().stat().st_mode) == 0o700  # narrowed again
    db, path = fresh(home)
    add_people(db)
    backup_to(db, home / "kopie.sqlite")
    automatic_backup(db, "intervall")
    for file in [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"),
                 *(home / "keys").iterdir(), home / "kopie.sqlite", *(home / "backups").iterdir()]:
        assert stat.S_IMODE(file.stat().st_mode) == 0o600, file
    for folder in (home / "keys", home / "backups"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    db.dispose()
    legacy = tmp_path / "alt.sqlite"  # a plain 0644 file of today's laptops
    Database.open(f"sqlite:///{legacy}?plain=1").dispose()
    os.chmod(legacy, 0o644)
    Database.open(str(legacy)).dispose()  # converted, and its mode narrowed
    assert file_kind(legacy) == "encrypted"
    assert stat.S_IMODE(legacy.stat().st_mode) == 0o600


def test_a_raw_key_costs_far_less_than_a_passphrase_per_connection(db_path: Path) -> None:
    key = keystore.unlock(db_path)
    from core.db.engine import keyed_connect

    start = time.perf_counter()
    for _ in range(20):
        conn = keyed_connect(db_path, key)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.close()
    raw_ms = (time.perf_counter() - start) / 20 * 1000
    assert raw_ms < 25, f"raw key connection {raw_ms:.1f} ms"


def test_password_slot_from_a_session_is_written_only_after_the_commit(db: Database,
                                                                       db_path: Path) -> None:
    with pytest.raises(RuntimeError), db.session() as s:
        keystore.password_slot_after_commit(s, "r.rollback", "Passwort-Rollback-1")
        raise RuntimeError("rolled back")
    assert not [x for x in keystore.describe_slots(db_path, db.database_id or "")
                if x["login"] == "r.rollback"]
    with db.session() as s:
        keystore.password_slot_after_commit(s, "c.commit", "Passwort-Commit-1")
    keystore.forget()
    assert keystore.unlock_with_password(db_path, "c.commit", "Passwort-Commit-1") \
        == db.database_key
    with db.engine.connect() as conn:
        assert keystore.add_password_slot(conn, "e.engine", "Passwort-Engine-1")
    plain = Database.open(f"sqlite:///{db_path.parent / 'plain.sqlite'}?plain=1")
    assert not keystore.add_password_slot(plain, "p.plain", "Passwort-Plain-1")
    plain.dispose()
