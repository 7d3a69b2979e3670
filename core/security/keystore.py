"""The database key and its slots (encryption at rest, docs/security.md).

Every encrypted SQLite database has one random 256-bit key, used by SQLCipher as a *raw*
key (no PBKDF2 per connection: ~0.2 ms instead of ~130 ms). The key is never stored in
the clear; it is kept *wrapped* (AES-256-GCM) in slots, any one of which unlocks it:

- ``keyring``: the key itself in the OS keyring (Windows: Credential Manager, protected by
  DPAPI with the Windows login), when the optional ``keyring`` package has a backend;
- ``password``: one per user account, key-encryption key from scrypt(password), so
  signing in unlocks the database (``add_password_slot``/``unlock_with_password``);
- ``recovery``: a random 160-bit recovery key shown once (``new_recovery_key``), eight
  groups of four base32 characters; KEK from HKDF (it needs no stretching);
- ``batch``: scrypt of ``IMPFTEAM_PASSPHRASE`` for batch jobs and servers;
- ``device``: only where no keyring exists (Linux without a Secret Service) and no
  passphrase was given: a random KEK in a separate 0600 file beside the key store. It is
  as strong as the file permissions of the OS account, which a stolen disk does not keep.

Identity: the database id is the 16-byte SQLCipher salt, the first 16 bytes of the file,
readable without the key. The raw key is given with that salt (``x'<key><salt>'``), so
every copy and every backup made with the key carries the same id: one key store entry
serves the database and all its backups, and tests can copy files freely.

Where: ``<folder of the database>/keys/database-keys.json`` (folder 0700, file 0600),
one entry per database id. ``backup --out FILE`` writes ``FILE.keys.json`` beside the
copy (its entry without the keyring and device slots), so a backup on a stick can be
opened on another laptop with a password, the batch passphrase or the recovery key.

Unlocked keys are remembered for the life of the process (``remember``/``forget``), so
backups and re-opens of an open database need no second unlock. Keys never appear in
URLs, log lines or messages.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import os
import re
import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from core.errors import DatabaseError, UserError

log = logging.getLogger(__name__)

FORMAT = "impfteam-keystore"
VERSION = 1
KEY_DIR = "keys"
STORE_NAME = "database-keys.json"
DEVICE_KEY_NAME = "database-device.key"
SIDECAR_SUFFIX = ".keys.json"
#: environment variable opening the batch slot
PASSPHRASE_ENV = "IMPFTEAM_PASSPHRASE"
#: "0"/"aus" switches the OS keyring off (tests, shared machines)
KEYRING_ENV = "IMPFTEAM_KEYRING"
KEYRING_SERVICE = "Impfteam-Datenbank"

SLOT_KEYRING = "keyring"
SLOT_PASSWORD = "password"
SLOT_RECOVERY = "recovery"
SLOT_BATCH = "batch"
SLOT_DEVICE = "device"
SLOT_TYPES = (SLOT_KEYRING, SLOT_PASSWORD, SLOT_RECOVERY, SLOT_BATCH, SLOT_DEVICE)

#: scrypt cost of password and batch slots: 64 MiB, ~170 ms on the 2-core CI machine.
#: Each slot records its own parameters, so raising these later keeps old slots readable.
SCRYPT_N = 2**16
SCRYPT_R = 8
SCRYPT_P = 1

_RECOVERY_BYTES = 20  # 160 bits = 32 base32 characters
_RECOVERY_GROUPS = 8

UNLOCK_FAILED = "Datenbank ist verschlüsselt und konnte nicht entsperrt werden: "


class KeyUnlockError(DatabaseError):
    """No slot of the key store opened the database key (German message, no secrets)."""


@dataclass(frozen=True, slots=True)
class DatabaseKey:
    """The raw SQLCipher key of one database and the database id (= SQLCipher salt)."""

    db_id: str  # 32 lower-case hex digits
    key: bytes  # 32 bytes

    def __post_init__(self) -> None:
        if len(self.key) != 32 or not re.fullmatch(r"[0-9a-f]{32}", self.db_id):
            raise ValueError("database key must be 32 bytes with a 16-byte hex id")

    def __repr__(self) -> str:  # never the key
        return f"DatabaseKey(db_id={self.db_id!r})"

    __str__ = __repr__

    @property
    def salt(self) -> bytes:
        return bytes.fromhex(self.db_id)

    def pragma(self, schema: str | None = None) -> str:
        """``PRAGMA key`` with the raw key and salt (do not log the statement)."""
        target = f"{schema}." if schema else ""
        return f"PRAGMA {target}key = \"x'{self.key.hex()}{self.db_id}'\""

    def literal(self) -> str:
        """The key literal for ``ATTACH … KEY`` (do not log it)."""
        return f"\"x'{self.key.hex()}{self.db_id}'\""

    @classmethod
    def generate(cls) -> DatabaseKey:
        return cls(secrets.token_hex(16), secrets.token_bytes(32))


# --- the in-process cache of unlocked keys ----------------------------------------------

_UNLOCKED: dict[str, bytes] = {}
_LOCK = threading.RLock()


def remember(key: DatabaseKey) -> None:
    with _LOCK:
        _UNLOCKED[key.db_id] = key.key


def remembered(db_id: str) -> DatabaseKey | None:
    with _LOCK:
        raw = _UNLOCKED.get(db_id)
    return DatabaseKey(db_id, raw) if raw is not None else None


def forget(db_id: str | None = None) -> None:
    """Drop one (or every) unlocked key from this process (sign-out, tests)."""
    with _LOCK:
        if db_id is None:
            _UNLOCKED.clear()
        else:
            _UNLOCKED.pop(db_id, None)


# --- files ------------------------------------------------------------------------------


def database_id_of(path: Path) -> str | None:
    """The id (SQLCipher salt) in the first 16 bytes of an encrypted file, else None."""
    try:
        with path.open("rb") as handle:
            head = handle.read(16)
    except OSError:
        return None
    return head.hex() if len(head) == 16 else None


def store_dir(db_file: Path) -> Path:
    return db_file.absolute().parent / KEY_DIR


def store_path(db_file: Path) -> Path:
    return store_dir(db_file) / STORE_NAME


def sidecar_path(db_file: Path) -> Path:
    return db_file.with_name(db_file.name + SIDECAR_SUFFIX)


def private_dir(path: Path) -> Path:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if os.name == "posix":
        os.chmod(path, 0o700)
    return path


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` atomically with mode 0600 (temporary file, fsync, rename)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)


def _empty_store() -> dict[str, Any]:
    return {"format": FORMAT, "version": VERSION, "databases": {}}


def read_store(path: Path) -> dict[str, Any]:
    """The key store at ``path`` (empty when missing); German error when unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return _empty_store()
    except (OSError, ValueError, UnicodeDecodeError):
        raise DatabaseError(f"Schlüsselspeicher {path} ist nicht lesbar oder beschädigt. "
                            "Bitte den Wiederherstellungsschlüssel verwenden (dbkey recover) "
                            "oder eine Kopie des Ordners keys einspielen.") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT \
            or not isinstance(data.get("databases"), dict):
        raise DatabaseError(f"Schlüsselspeicher {path} hat ein unbekanntes Format.")
    return data


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An advisory lock around read-modify-write of a key store (GUI and CLI at once)."""
    lock_path = path.with_name(path.name + ".lock")
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        if os.name == "posix":
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX)
        else:  # pragma: no cover - Windows
            import msvcrt

            msvcrt.locking(fd, msvcrt.LK_LOCK, 1)  # type: ignore[attr-defined,unused-ignore]
        yield
    finally:
        os.close(fd)


def _update_entry(db_file: Path, db_id: str, change: Any) -> None:
    """Apply ``change(entry)`` to the entry of ``db_id`` in the store beside ``db_file``."""
    path = store_path(db_file)
    private_dir(path.parent)
    with _locked(path):
        store = read_store(path)
        entry = store["databases"].setdefault(
            db_id, {"created_at": _now(), "file": db_file.name, "slots": []})
        change(entry)
        write_private(path, json.dumps(store, indent=1, sort_keys=True).encode())


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def find_entry(db_file: Path, db_id: str) -> dict[str, Any] | None:
    """The key store entry of ``db_id``: beside the file, its sidecar, one folder up
    (``backups/``), or in the data dir."""
    from core.paths import data_dir_path

    candidates = [store_path(db_file), sidecar_path(db_file),
                  store_path(db_file.absolute().parent), data_dir_path() / KEY_DIR / STORE_NAME]
    seen: set[Path] = set()
    for candidate in candidates:
        if candidate in seen or not candidate.is_file():
            continue
        seen.add(candidate)
        entry = read_store(candidate)["databases"].get(db_id)
        if isinstance(entry, dict) and isinstance(entry.get("slots"), list):
            return entry
    return None


def slots_of(db_file: Path, db_id: str) -> list[dict[str, Any]]:
    entry = find_entry(db_file, db_id)
    return [slot for slot in (entry or {}).get("slots", []) if isinstance(slot, dict)]


def describe_slots(db_file: Path, db_id: str) -> list[dict[str, str]]:
    """Type, login and date of each slot (for ``dbkey status``; nothing secret)."""
    return [{"type": str(s.get("type")), "login": str(s.get("login", "")),
             "created_at": str(s.get("created_at", ""))} for s in slots_of(db_file, db_id)]


# --- wrapping ---------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any) -> bytes:
    if not isinstance(text, str):
        raise ValueError("not base64 text")
    return base64.b64decode(text, validate=True)


def _aad(db_id: str, slot_type: str, login: str = "") -> bytes:
    return f"impfteam-db-key|{db_id}|{slot_type}|{login}".encode()


def _scrypt(secret: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(secret.encode("utf-8"))


def _hkdf(secret: bytes, salt: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt,
                info=b"impfteam recovery slot").derive(secret)


def _seal(key: DatabaseKey, kek: bytes, slot_type: str, login: str = "") -> dict[str, Any]:
    nonce = secrets.token_bytes(12)
    wrapped = AESGCM(kek).encrypt(nonce, key.key, _aad(key.db_id, slot_type, login))
    return {"nonce": _b64(nonce), "wrapped": _b64(wrapped)}


def _open(slot: dict[str, Any], db_id: str, kek: bytes) -> DatabaseKey | None:
    try:
        raw = AESGCM(kek).decrypt(_unb64(slot.get("nonce")), _unb64(slot.get("wrapped")),
                                  _aad(db_id, str(slot.get("type")),
                                       str(slot.get("login", ""))))
    except (InvalidTag, ValueError, TypeError):
        return None
    return DatabaseKey(db_id, raw) if len(raw) == 32 else None


def _scrypt_slot(key: DatabaseKey, secret: str, slot_type: str, login: str = ""
                 ) -> dict[str, Any]:
    salt = secrets.token_bytes(16)
    kdf = {"name": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P, "salt": _b64(salt)}
    kek = _scrypt(secret, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    slot: dict[str, Any] = {"type": slot_type, "kdf": kdf, "created_at": _now(),
                            **_seal(key, kek, slot_type, login)}
    if login:
        slot["login"] = login
    return slot


def _open_scrypt_slot(slot: dict[str, Any], db_id: str, secret: str) -> DatabaseKey | None:
    kdf = slot.get("kdf")
    if not isinstance(kdf, dict) or kdf.get("name") != "scrypt":
        return None
    try:
        n, r, p = int(kdf["n"]), int(kdf["r"]), int(kdf["p"])
        if not (2 <= n <= 2**22 and 1 <= r <= 32 and 1 <= p <= 16):
            return None  # a hostile store must not ask for gigabytes
        kek = _scrypt(secret, _unb64(kdf.get("salt")), n, r, p)
    except (KeyError, ValueError, TypeError, MemoryError):
        return None
    return _open(slot, db_id, kek)


# --- keyring and device key -------------------------------------------------------------


def _keyring() -> Any | None:
    """The OS keyring module when one with a real backend is there, else None."""
    if os.environ.get(KEYRING_ENV, "").strip().lower() in {"0", "aus", "off", "no", "nein"}:
        return None
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return None
    try:
        backend = keyring.get_keyring()
    except Exception:  # pragma: no cover - a broken backend configuration
        return None
    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 0) <= 0:
        return None
    if type(backend).__module__.startswith("keyrings.alt"):  # plain files, not protected
        return None
    return keyring


def keyring_available() -> bool:
    return _keyring() is not None


def _keyring_put(key: DatabaseKey) -> bool:
    module = _keyring()
    if module is None:
        return False
    try:
        module.set_password(KEYRING_SERVICE, key.db_id, key.key.hex())
    except Exception:
        log.warning("OS keyring refused the database key; no keyring slot")
        return False
    return True


def _keyring_get(db_id: str) -> DatabaseKey | None:
    module = _keyring()
    if module is None:
        return None
    try:
        value = module.get_password(KEYRING_SERVICE, db_id)
        return DatabaseKey(db_id, bytes.fromhex(value)) if value else None
    except Exception:
        return None


def _device_key(folder: Path, create: bool) -> bytes | None:
    path = folder / DEVICE_KEY_NAME
    try:
        data = path.read_bytes()
        if len(data) == 32:
            return data
    except FileNotFoundError:
        pass
    except OSError:
        return None
    if not create:
        return None
    private_dir(folder)
    data = secrets.token_bytes(32)
    write_private(path, data)
    return data


# --- creating keys and slots ------------------------------------------------------------


def _local_slots(db_file: Path, key: DatabaseKey, passphrase: str | None
                 ) -> list[dict[str, Any]]:
    """The automatic slots of a database here: the OS keyring where present, the batch
    slot when a passphrase is given, the device slot when neither is there."""
    slots: list[dict[str, Any]] = []
    if _keyring_put(key):
        slots.append({"type": SLOT_KEYRING, "service": KEYRING_SERVICE, "created_at": _now()})
    if passphrase:
        slots.append(_scrypt_slot(key, passphrase, SLOT_BATCH))
    if not slots:
        kek = _device_key(store_dir(db_file), create=True)
        assert kek is not None
        slots.append({"type": SLOT_DEVICE, "created_at": _now(),
                      **_seal(key, kek, SLOT_DEVICE)})
    return slots


def create_key(db_file: Path, *, passphrase: str | None = None) -> DatabaseKey:
    """A new key for the (new or to-be-converted) database ``db_file`` with its first
    slots (``_local_slots``; the batch slot from ``IMPFTEAM_PASSPHRASE`` when set).
    Returns the unlocked key."""
    key = DatabaseKey.generate()
    if passphrase is None:
        passphrase = os.environ.get(PASSPHRASE_ENV) or None
    slots = _local_slots(db_file, key, passphrase)

    def add(entry: dict[str, Any]) -> None:
        entry["slots"] = slots

    _update_entry(db_file, key.db_id, add)
    remember(key)
    log.info("new database key %s with slots %s", key.db_id, [s["type"] for s in slots])
    return key


def drop_entry(db_file: Path, key: DatabaseKey) -> None:
    """Remove the entry of ``key`` beside ``db_file`` (a conversion that failed)."""
    path = store_path(db_file)
    with _locked(path):
        store = read_store(path)
        if store["databases"].pop(key.db_id, None) is not None:
            write_private(path, json.dumps(store, indent=1, sort_keys=True).encode())
    forget(key.db_id)


def _replace_slots(db_file: Path, key: DatabaseKey, slot_type: str, login: str,
                   new: dict[str, Any] | None) -> None:
    def change(entry: dict[str, Any]) -> None:
        kept = [s for s in entry.get("slots", []) if not (
            isinstance(s, dict) and s.get("type") == slot_type
            and str(s.get("login", "")) == login)]
        entry["slots"] = [*kept, new] if new is not None else kept

    _update_entry(db_file, key.db_id, change)


def _target(db: Any) -> tuple[Path, DatabaseKey] | None:
    """(file, key) of an open encrypted database: a ``Database``, its ``Engine`` or a
    ``Session``/``Connection`` bound to it; None for plain SQLite or PostgreSQL."""
    key = getattr(db, "database_key", None)
    path = getattr(db, "sqlite_path", None)
    if key is None and not hasattr(db, "database_key"):
        from sqlalchemy import Engine

        from core.db.engine import engine_key

        bind = db.get_bind() if hasattr(db, "get_bind") else db
        engine = bind if isinstance(bind, Engine) else getattr(bind, "engine", None)
        if isinstance(engine, Engine):
            key = engine_key(engine)
            path = engine.url.database if engine.dialect.name == "sqlite" else None
    if key is None or path is None:
        return None
    return Path(path), key


def password_slot_after_commit(session: Any, login: str, password: str) -> None:
    """``add_password_slot`` once ``session`` has committed (with the new password
    hash), so a rolled-back password change leaves the old slot in place."""
    from sqlalchemy import event

    def add(committed: Any) -> None:
        add_password_slot(committed, login, password)

    event.listen(session, "after_commit", add, once=True)


def add_password_slot(db: Any, login: str, password: str) -> bool:
    """Let ``login``'s ``password`` unlock the open database ``db`` (a ``Database``,
    ``Engine`` or ``Session``; replaces the login's old slot). Call after setting or
    changing a password (inside a unit of work: ``password_slot_after_commit``); returns
    False for a database that is not encrypted (PostgreSQL, ``?plain=1``)."""
    target = _target(db)
    if target is None:
        return False
    if not login or not password:
        raise UserError("Passwort-Schlüssel: Benutzername und Passwort dürfen nicht leer sein.")
    path, key = target
    _replace_slots(path, key, SLOT_PASSWORD, login, _scrypt_slot(key, password, SLOT_PASSWORD,
                                                                 login))
    return True


def remove_password_slot(db: Any, login: str) -> bool:
    """Remove ``login``'s slot (account deleted or renamed)."""
    target = _target(db)
    if target is None:
        return False
    path, key = target
    _replace_slots(path, key, SLOT_PASSWORD, login, None)
    return True


def set_batch_slot(db: Any, passphrase: str | None) -> bool:
    """Set (or with None remove) the batch slot opened by ``IMPFTEAM_PASSPHRASE``."""
    target = _target(db)
    if target is None:
        return False
    path, key = target
    if passphrase is not None and len(passphrase) < 12:
        raise UserError("Passphrase: bitte mindestens 12 Zeichen verwenden.", field="passphrase")
    new = _scrypt_slot(key, passphrase, SLOT_BATCH) if passphrase else None
    _replace_slots(path, key, SLOT_BATCH, "", new)
    return True


def set_keyring_slot(db: Any) -> bool:
    """Put the key into the OS keyring (when there is one) and record the slot."""
    target = _target(db)
    if target is None or not _keyring_put(target[1]):
        return False
    _replace_slots(*target, SLOT_KEYRING, "", {"type": SLOT_KEYRING, "service": KEYRING_SERVICE,
                                               "created_at": _now()})
    return True


def remove_slot(db: Any, slot_type: str) -> bool:
    """Remove every slot of ``slot_type`` (e.g. ``device`` once passwords unlock it).

    Refused when no other slot would be left: the database would be lost.
    """
    target = _target(db)
    if target is None:
        return False
    path, key = target
    rest = [s for s in slots_of(path, key.db_id) if s.get("type") != slot_type]
    if not rest:
        raise UserError("Schlüssel: Das ist der letzte Zugang zur Datenbank; er wird nicht "
                        "entfernt. Bitte zuerst einen anderen anlegen.")
    if slot_type == SLOT_KEYRING and (module := _keyring()) is not None:
        with contextlib.suppress(Exception):
            module.delete_password(KEYRING_SERVICE, key.db_id)

    def change(entry: dict[str, Any]) -> None:
        entry["slots"] = [s for s in entry.get("slots", []) if s.get("type") != slot_type]

    _update_entry(path, key.db_id, change)
    return True


def format_recovery_key(raw: bytes) -> str:
    text = base64.b32encode(raw).decode("ascii").rstrip("=")
    return "-".join(text[i:i + 4] for i in range(0, len(text), 4))


def parse_recovery_key(text: str) -> bytes:
    """The bytes of a typed recovery key (spaces, dashes and case do not matter; 0/1/8
    read as O/I/B); German error when it cannot be one."""
    cleaned = re.sub(r"[\s\-]", "", text.upper()).translate(str.maketrans("018", "OIB"))
    if len(cleaned) != _RECOVERY_GROUPS * 4 or not re.fullmatch(r"[A-Z2-7]+", cleaned):
        raise UserError("Wiederherstellungsschlüssel: Er besteht aus acht Gruppen zu je vier "
                        "Zeichen (A–Z, 2–7). Bitte genau so eingeben, wie er ausgedruckt "
                        "wurde.", field="recovery_key")
    return base64.b32decode(cleaned)


def new_recovery_key(db: Any) -> str | None:
    """Create (or replace) the recovery slot; returns the recovery key to show ONCE.

    Call at set-up (after the first admin account exists) and print or show the result;
    it is stored nowhere in the clear. None for a database that is not encrypted.
    """
    target = _target(db)
    if target is None:
        return None
    path, key = target
    raw = secrets.token_bytes(_RECOVERY_BYTES)
    salt = secrets.token_bytes(16)
    slot = {"type": SLOT_RECOVERY, "kdf": {"name": "hkdf-sha256", "salt": _b64(salt)},
            "created_at": _now(), **_seal(key, _hkdf(raw, salt), SLOT_RECOVERY)}
    _replace_slots(path, key, SLOT_RECOVERY, "", slot)
    return format_recovery_key(raw)


def write_sidecar(db_file: Path, key: DatabaseKey, copy: Path) -> Path | None:
    """``<copy>.keys.json``: the slots of ``key`` that travel (password, recovery, batch)."""
    slots = [s for s in slots_of(db_file, key.db_id)
             if s.get("type") in (SLOT_PASSWORD, SLOT_RECOVERY, SLOT_BATCH)]
    if not slots:
        return None
    store = _empty_store()
    store["databases"][key.db_id] = {"created_at": _now(), "file": copy.name, "slots": slots}
    path = sidecar_path(copy)
    write_private(path, json.dumps(store, indent=1, sort_keys=True).encode())
    return path


def adopt_entry(source_file: Path, key: DatabaseKey, db_file: Path) -> None:
    """After a restore gave ``db_file`` the key of ``source_file`` (a backup found via
    its sidecar or another folder): the travelling slots (password, recovery, batch) of
    that entry plus new automatic slots here go into the store beside ``db_file``."""
    if read_store(store_path(db_file))["databases"].get(key.db_id) is not None:
        return
    travelling = [s for s in slots_of(source_file, key.db_id)
                  if s.get("type") in (SLOT_PASSWORD, SLOT_RECOVERY, SLOT_BATCH)]
    has_batch = any(s.get("type") == SLOT_BATCH for s in travelling)
    local = _local_slots(db_file, key, None) if not has_batch or keyring_available() else []

    def change(entry: dict[str, Any]) -> None:
        entry["slots"] = [*travelling, *local]

    _update_entry(db_file, key.db_id, change)


# --- unlocking --------------------------------------------------------------------------


def unlock_with_password(db_file: Path | str, login: str, password: str) -> DatabaseKey:
    """The key of the encrypted database ``db_file`` from ``login``'s password slot.

    For the sign-in before the database is open (GUI): then ``Database.open(path,
    key=…)``. The account's own check (argon2 hash, lockout) still follows in
    ``core.security.users``. German ``KeyUnlockError`` when the slot does not open.
    """
    path = Path(db_file)
    db_id = _require_id(path)
    for slot in slots_of(path, db_id):
        if slot.get("type") == SLOT_PASSWORD and slot.get("login") == login:
            key = _open_scrypt_slot(slot, db_id, password)
            if key is not None:
                remember(key)
                return key
    raise KeyUnlockError(UNLOCK_FAILED + "Benutzername oder Passwort passen nicht.")


def unlock_with_recovery_key(db_file: Path | str, recovery_key: str) -> DatabaseKey:
    path = Path(db_file)
    db_id = _require_id(path)
    raw = parse_recovery_key(recovery_key)
    for slot in slots_of(path, db_id):
        if slot.get("type") != SLOT_RECOVERY:
            continue
        kdf = slot.get("kdf")
        try:
            salt = _unb64(kdf.get("salt")) if isinstance(kdf, dict) else b""
        except ValueError:
            continue
        key = _open(slot, db_id, _hkdf(raw, salt))
        if key is not None:
            remember(key)
            return key
    raise KeyUnlockError(UNLOCK_FAILED + "Der Wiederherstellungsschlüssel passt nicht zu "
                         "dieser Datenbank.")


def recover(db_file: Path | str, recovery_key: str, passphrase: str | None = None
            ) -> list[str]:
    """Open the key with the recovery key and give the database new automatic slots
    here (OS keyring or device slot, and the batch slot when ``passphrase`` is given);
    returns their types. Passwords are then set anew (``users passwd``)."""
    path = Path(db_file)
    key = unlock_with_recovery_key(path, recovery_key)
    if passphrase is not None and len(passphrase) < 12:
        raise UserError("Passphrase: bitte mindestens 12 Zeichen verwenden.", field="passphrase")
    slots = _local_slots(path, key, passphrase)
    kinds = {s["type"] for s in slots}

    def change(entry: dict[str, Any]) -> None:
        entry["slots"] = [*(s for s in entry.get("slots", []) if s.get("type") not in kinds),
                          *slots]

    _update_entry(path, key.db_id, change)
    return [s["type"] for s in slots]


def _require_id(path: Path) -> str:
    if not path.is_file():
        raise DatabaseError(f"Datenbank: {path} nicht gefunden.")
    db_id = database_id_of(path)
    if db_id is None:
        raise KeyUnlockError(f"Datenbank: {path.name} ist keine Impfteam-Datenbank oder ist "
                             "beschädigt. Bitte die Datei nicht verändern und eine Sicherung "
                             "einspielen (restore).")
    return db_id


def unlock(db_file: Path | str, *, login: str | None = None, password: str | None = None,
           passphrase: str | None = None) -> DatabaseKey:
    """The key of the encrypted database ``db_file`` from the first slot that opens:
    already unlocked in this process, ``login``'s password slot, the batch slot
    (``passphrase`` or ``IMPFTEAM_PASSPHRASE``), the OS keyring, the device slot."""
    path = Path(db_file)
    db_id = _require_id(path)
    cached = remembered(db_id)
    if cached is not None:
        return cached
    slots = slots_of(path, db_id)
    if not slots:
        raise KeyUnlockError(f"Datenbank: {path.name} ist keine Impfteam-Datenbank oder ist "
                             "beschädigt (oder ihr Schlüsselspeicher keys/ fehlt). Bitte die "
                             "Datei nicht verändern und eine Sicherung einspielen (restore).")
    tried: list[str] = []
    if login and password:
        tried.append("Passwort")
        for slot in slots:
            if slot.get("type") == SLOT_PASSWORD and slot.get("login") == login \
                    and (key := _open_scrypt_slot(slot, db_id, password)) is not None:
                return _found(key)
    phrase = passphrase if passphrase is not None else os.environ.get(PASSPHRASE_ENV)
    if phrase:
        tried.append(PASSPHRASE_ENV)
        for slot in slots:
            if slot.get("type") == SLOT_BATCH and \
                    (key := _open_scrypt_slot(slot, db_id, phrase)) is not None:
                return _found(key)
    if any(s.get("type") == SLOT_KEYRING for s in slots):
        tried.append("Schlüsselbund")
        if (key := _keyring_get(db_id)) is not None:
            return _found(key)
    for folder in {store_dir(path), store_dir(path.absolute().parent)}:
        kek = _device_key(folder, create=False)
        if kek is None:
            continue
        for slot in slots:
            if slot.get("type") == SLOT_DEVICE and (key := _open(slot, db_id, kek)) is not None:
                return _found(key)
    if any(s.get("type") == SLOT_DEVICE for s in slots):
        tried.append("Geräteschlüssel")
    hint = ", ".join(tried) if tried else "kein Zugang angegeben"
    raise KeyUnlockError(UNLOCK_FAILED + f"kein Zugang passt ({hint}). Bitte mit "
                         "Benutzername und Passwort anmelden, IMPFTEAM_PASSPHRASE setzen oder "
                         "den Wiederherstellungsschlüssel verwenden (dbkey recover).")


def _found(key: DatabaseKey) -> DatabaseKey:
    remember(key)
    return key


def key_for_file(path: Path) -> DatabaseKey | None:
    """The key of ``path`` when it is encrypted (from the first slot that opens); None
    for a plain SQLite file or an empty/missing one."""
    from core.db.engine import SQLITE_MAGIC

    try:
        with path.open("rb") as handle:
            head = handle.read(16)
    except OSError:
        return None
    if len(head) < 16 or head == SQLITE_MAGIC:
        return None
    return unlock(path)
