"""Password protection of exported files that contain personal data.

Why: daily reports, DIM files and sync packages travel on USB sticks and by mail. When the
installation setting ``export_protection`` is ``"passwort"``, every such file is written
encrypted, so a lost stick does not expose names, birth dates and doses.

How each file is protected (the formats people already open):

* daily report ``.xlsx`` – an Office-encrypted workbook (ECMA-376 agile encryption,
  AES-256, via msoffcrypto-tool); Excel and LibreOffice ask for the password on opening;
* DIM ``.csv`` – the CSV inside an AES-256 zip (WinZip AES, via pyzipper) named
  ``<name>.csv.zip``; 7-Zip, WinZip and the macOS/Linux archive tools open it;
* sync package ``.zip`` – the same package members (manifest and data workbook), each
  AES-256 encrypted inside the zip; ``import sync`` reads it when given the password.

The password is never stored in the database (a database backup must not carry the key to
its exports): the CLI takes it from an environment variable, the GUI from a dialog. The
plain file is only ever written into a private temporary directory (mode 0700) that is
removed before the function returns, also on errors and on cancel; the target itself is
written atomically (``atomic_output``), so the stick only ever sees the encrypted file.
"""

from __future__ import annotations

import io
import os
import tempfile
import threading
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from core.errors import UserError
from core.exchange.common import Cancel, Progress, Steps, atomic_output, require_suffix
from core.security.permissions import require
from core.settings import get_setting

if TYPE_CHECKING:  # the exporters (XlsxWriter & co.) load only when an export runs
    from core.exchange.daily_report import DailyReportResult
    from core.exchange.dim_export import DimExportResult
    from core.exchange.sync_export import SyncExportResult
    from core.services.context import Actor

#: environment variable read when no ``--password-env NAME`` is given
PASSWORD_ENV = "IMPFTEAM_EXPORT_PASSWORD"
#: WinZip AES derives its key with only 1,000 PBKDF2 rounds, so the password itself has to
#: carry the strength against offline guessing on a lost stick: 12 characters at least.
MIN_PASSWORD_LENGTH = 12
SETTING = "export_protection"
#: share of the progress bar for writing the plain file; the rest is encryption
_WRITE_SHARE = 90


# --- configuration and password ----------------------------------------------------------

def protection_required(session: Session) -> bool:
    """True when the installation demands password-protected exports."""
    return get_setting(session, SETTING) == "passwort"


def check_password(password: str) -> str:
    """Return ``password`` if it is long enough; German ``UserError`` otherwise."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"Das Export-Passwort ist zu kurz: mindestens {MIN_PASSWORD_LENGTH} "
                        f"Zeichen (waren {len(password)}).")
    return password


def password_from_env(name: str | None = None,
                      environ: Mapping[str, str] | None = None) -> str | None:
    """The password from the environment variable ``name`` (or ``IMPFTEAM_EXPORT_PASSWORD``).

    An explicitly named variable that is missing or empty is an error: the user asked for
    it, and silently writing an unprotected file would be the worst outcome. The default
    variable is optional (``None`` when unset or empty).
    """
    env = os.environ if environ is None else environ
    if name:
        value = env.get(name)
        if not value:
            raise UserError(f"Die Umgebungsvariable {name} (--password-env) ist nicht gesetzt "
                            "oder leer. Bitte dort das Export-Passwort hinterlegen.")
        return value
    return env.get(PASSWORD_ENV) or None


def export_password(session: Session, password: str | None) -> str | None:
    """The password to encrypt with, or ``None`` for an unprotected export.

    A given password always protects (the user asked for it); with the setting
    ``export_protection = passwort`` a missing password is a German ``UserError`` raised
    before anything is written.
    """
    if password:
        return check_password(password)
    if protection_required(session):
        raise UserError("Exportschutz ist eingeschaltet: Bitte ein Export-Passwort angeben "
                        f"(--password-env NAME oder Umgebungsvariable {PASSWORD_ENV}) – "
                        "es wurde keine Datei geschrieben.")
    return None


# --- building blocks ---------------------------------------------------------------------

@contextmanager
def private_tempdir() -> Iterator[Path]:
    """A temporary directory only this user can read (mkdtemp uses mode 0700), removed on
    exit – the only place a plain copy of a protected export ever exists."""
    with tempfile.TemporaryDirectory(prefix="impfteam-protect-") as tmp:
        yield Path(tmp)


def _check_target(out: Path) -> None:
    """Fail before the (possibly long) export when the target cannot be written."""
    if not out.parent.exists():
        raise UserError(f"Ausgabe: Der Ordner {out.parent} existiert nicht.")
    if out.is_dir():
        raise UserError(f"Ausgabe: {out} ist ein Ordner. Bitte einen Dateinamen angeben.")


def _scaled(progress: Progress | None) -> Progress | None:
    """Map the plain export's 0–100 % onto the first part of the bar."""
    if progress is None:
        return None
    report = progress

    def scaled(percent: int, message: str) -> None:
        if percent < 100:  # the plain export's "Fertig" is not the end: encryption follows
            report(percent * _WRITE_SHARE // 100, message)

    return scaled


def encrypt_workbook(plain: Path, target: Path, password: str) -> None:
    """Write ``plain`` (an .xlsx) to ``target`` as an Office-encrypted workbook."""
    from msoffcrypto.exceptions import EncryptionError
    from msoffcrypto.format.ooxml import OOXMLFile

    with plain.open("rb") as source, target.open("wb") as sink:
        try:
            OOXMLFile(source).encrypt(password, sink)
        except EncryptionError as exc:  # pragma: no cover - our own xlsx is always plain
            raise UserError(f"Die Arbeitsmappe konnte nicht verschlüsselt werden ({exc}).") \
                from exc


def write_aes_zip(target: Path, members: Iterable[tuple[str, Path, int]], password: str) -> None:
    """Write ``(name in zip, file, compress_type)`` members into an AES-256 zip.

    Streams each file in 1 MiB blocks, so a large sync package needs no extra memory.
    """
    import pyzipper

    with pyzipper.AESZipFile(target, "w", encryption=pyzipper.WZ_AES) as archive:
        archive.setpassword(password.encode("utf-8"))
        archive.setencryption(pyzipper.WZ_AES, nbits=256)
        for name, path, compress_type in members:
            info = archive.zipinfo_cls.from_file(path, name)
            info.compress_type = compress_type
            with path.open("rb") as source, archive.open(info, "w") as sink:
                for block in iter(lambda: source.read(1 << 20), b""):
                    sink.write(block)


def is_encrypted_zip(path: Path) -> bool:
    """True when any member of the zip at ``path`` is encrypted (False for non-zips)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return any(info.flag_bits & 0x1 for info in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        return False


# --- protected exports -------------------------------------------------------------------

def protected_export_daily(session: Session, out: Path, password: str | None, *,
                           visit_id: str | None = None, day: date | None = None,
                           progress: Progress | None = None,
                           cancel: Cancel | None = None) -> DailyReportResult:
    """``export_daily`` honouring the export protection (see ``export_password``).

    Without a password (and protection off) this is exactly ``export_daily``.
    """
    from core.exchange.daily_report import export_daily

    key = export_password(session, password)
    if key is None:
        return export_daily(session, out, visit_id=visit_id, day=day, progress=progress,
                            cancel=cancel)
    out = Path(out)
    require_suffix(out, ".xlsx", "Tagesbericht")
    _check_target(out)
    steps = Steps(progress, cancel)
    with private_tempdir() as tmp:
        result = export_daily(session, tmp / out.name, visit_id=visit_id, day=day,
                              progress=_scaled(progress), cancel=cancel)
        steps(_WRITE_SHARE, "Arbeitsmappe verschlüsseln")
        with atomic_output(out) as part:
            encrypt_workbook(result.path, part, key)
            steps.check()
    steps(100, "Fertig")
    return replace(result, path=out)


def dim_zip_path(out: Path) -> Path:
    """Where the protected DIM file goes: ``x.csv`` → ``x.csv.zip``; ``*.zip`` stays."""
    out = Path(out)
    if out.suffix.lower() == ".zip":
        return out
    require_suffix(out, ".csv", "DIM-Export")
    return out.with_name(out.name + ".zip")


def _dim_member_name(target: Path) -> str:
    """The CSV's name inside the zip: ``x.csv.zip`` → ``x.csv``, ``x.zip`` → ``x.csv``."""
    inner = target.name[: -len(".zip")]
    return inner if inner.lower().endswith(".csv") else f"{inner or 'dim'}.csv"


def protected_export_dim(session: Session, out: Path, date_from: date, date_to: date,
                         password: str | None, *, progress: Progress | None = None,
                         cancel: Cancel | None = None) -> DimExportResult:
    """``export_dim`` honouring the export protection.

    Protected, the CSV goes into an AES-256 zip at ``dim_zip_path(out)``; the result's
    ``path`` is that zip.
    """
    from core.exchange.dim_export import export_dim

    key = export_password(session, password)
    if key is None:
        return export_dim(session, out, date_from, date_to, progress=progress, cancel=cancel)
    target = dim_zip_path(out)
    _check_target(target)
    steps = Steps(progress, cancel)
    with private_tempdir() as tmp:
        result = export_dim(session, tmp / _dim_member_name(target), date_from, date_to,
                            progress=_scaled(progress), cancel=cancel)
        steps(_WRITE_SHARE, "DIM-Datei verschlüsseln")
        with atomic_output(target) as part:
            write_aes_zip(part, [(result.path.name, result.path, zipfile.ZIP_DEFLATED)], key)
            steps.check()
    steps(100, "Fertig")
    return replace(result, path=target)


def protected_export_sync(session: Session, actor: Actor, out: Path, password: str | None, *,
                          full: bool = False, progress: Progress | None = None,
                          cancel: Cancel | None = None, **options: int) -> SyncExportResult:
    """``export_sync`` honouring the export protection.

    Protected, the package's members are re-packed, each AES-256 encrypted, with the same
    names, compression and SHA-256 in the manifest (the checksums are of the plain
    content, so the hub verifies them after decrypting). The plain package is written
    under the target's own name in the private temp dir, so the ``ExportMark`` records
    the real file name. ``options`` are passed on (``rows_per_sheet``).
    """
    from core.exchange.sync_export import export_sync

    require(actor, "export")
    key = export_password(session, password)
    if key is None:
        return export_sync(session, actor, out, full=full, progress=progress, cancel=cancel,
                           **options)
    out = Path(out)
    require_suffix(out, ".zip", "Synchronisationspaket")
    _check_target(out)
    steps = Steps(progress, cancel)
    with private_tempdir() as tmp:
        plain = tmp / out.name
        result = export_sync(session, actor, plain, full=full, progress=_scaled(progress),
                             cancel=cancel, **options)
        steps(_WRITE_SHARE, "Paket verschlüsseln")
        unpacked = tmp / "inhalt"
        unpacked.mkdir()
        members = []
        with zipfile.ZipFile(plain) as archive:
            for info in archive.infolist():
                path = Path(archive.extract(info, unpacked))
                members.append((info.filename, path, info.compress_type))
        with atomic_output(out) as part:
            write_aes_zip(part, members, key)
            steps.check()
    steps(100, "Fertig")
    return replace(result, path=out)


# --- reading encrypted sync packages -----------------------------------------------------

_lock = threading.Lock()
_package_passwords: dict[Path, str] = {}


@contextmanager
def package_passwords(paths: Iterable[Path], password: str | None) -> Iterator[None]:
    """Make ``password`` known for reading these packages during the ``with`` block.

    A plain registry keyed by the resolved path (not a context variable), so any thread
    finds it; ``import_sync_many``'s helper process gets the password of each package
    it reads over its private pipe. It is emptied again on exit, and a password applies
    only to the files it was given for.
    """
    keys = [Path(p).resolve() for p in paths] if password else []
    with _lock:
        for key in keys:
            _package_passwords[key] = password or ""
    try:
        yield
    finally:
        with _lock:
            for key in keys:
                _package_passwords.pop(key, None)


def password_for(path: Path) -> str | None:
    with _lock:
        return _package_passwords.get(Path(path).resolve())


@contextmanager
def open_package_zip(path: Path, what: str = "Synchronisationspaket"
                     ) -> Iterator[zipfile.ZipFile]:
    """Open a (possibly AES-encrypted) sync package as a plain ``zipfile.ZipFile``.

    A plain package is opened as before. An encrypted one is decrypted with the password
    registered by ``package_passwords`` into an in-memory plain zip – nothing plain on
    disk, and the package checks that follow (manifest, SHA-256, sheets) run unchanged.
    Without or with a wrong password: a German ``UserError``.
    """
    path = Path(path)
    if not is_encrypted_zip(path):
        with zipfile.ZipFile(path) as archive:
            yield archive
        return
    password = password_for(path)
    if not password:
        raise UserError(f"{what}: „{path.name}“ ist mit einem Passwort geschützt. Bitte das "
                        f"Export-Passwort angeben (--password-env NAME oder {PASSWORD_ENV}).")
    with zipfile.ZipFile(_decrypt_to_memory(path, password, what)) as archive:
        yield archive


def _decrypt_to_memory(path: Path, password: str, what: str) -> io.BytesIO:
    import pyzipper

    plain = io.BytesIO()
    try:
        with pyzipper.AESZipFile(path) as source, zipfile.ZipFile(plain, "w") as sink:
            source.setpassword(password.encode("utf-8"))
            # smallest member first: a wrong password fails fast on the manifest
            for info in sorted(source.infolist(), key=lambda i: i.file_size):
                data = source.read(info.filename)
                sink.writestr(zipfile.ZipInfo(info.filename, info.date_time), data,
                              compress_type=zipfile.ZIP_STORED)
                del data
    except RuntimeError as exc:  # pyzipper: "Bad password for file …"
        raise UserError(f"{what}: Das Passwort für „{path.name}“ ist falsch – nichts "
                        "übernommen.") from exc
    except (pyzipper.BadZipFile, zlib.error, EOFError, OSError, ValueError,
            NotImplementedError) as exc:
        raise UserError(f"{what}: „{path.name}“ ist beschädigt oder das Passwort ist falsch "
                        f"({type(exc).__name__}) – nichts übernommen.") from exc
    plain.seek(0)
    return plain
