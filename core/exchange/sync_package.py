"""Reading and verifying a sync package before anything touches the database.

Order of checks (each failure is one German ``UserError``; the database is not opened
for writing until all have passed): zip readable → manifest present and valid JSON (every
field of the right type and range) → our format and a version we understand →
``signature.json`` present and, given the trusted signers, valid for the exact manifest
bytes → every listed file present, size and SHA-256 equal → workbook readable → every
entity sheet present with its columns → row counts equal to the manifest → every cell
parses and passes the services' field checks (``sync_checks``). Cell errors are
collected (sheet/row/column) so the report shows all of them at once.
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.errors import UserError
from core.exchange.common import ImportReport, Steps, require_file
from core.exchange.protect import open_package_zip
from core.exchange.sync_checks import row_checks
from core.exchange.sync_format import (
    ADDED_LATER,
    DATA_FILE,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    MIN_FORMAT_VERSION,
    SIGNATURE_FILE,
    cell_reader,
    entity_specs,
    fingerprint_row,
)
from core.exchange.sync_rows import EntityRows, to_sqlite
from core.exchange.xlsx_read import open_workbook, sheet_rows
from core.security.signing import verify_signature

WHAT = "Synchronisationspaket"
MAX_MANIFEST_BYTES = 1 << 20
MAX_SIGNATURE_BYTES = 1 << 16
MAX_COUNT = 100_000_000  # rows per entity
MAX_VERSION = 2**62
MAX_DATA_BYTES = 1 << 34
HEX64 = re.compile(r"^[0-9a-f]{64}$")
PACKAGE_ID = re.compile(r"^[0-9A-Za-z-]{1,36}$")


@dataclass(slots=True)
class Package:
    """A verified package: its manifest and the parsed rows per entity."""

    manifest: dict[str, Any]
    data_sha256: str
    rows: dict[str, EntityRows] = field(default_factory=dict)
    manifest_raw: bytes = b""  # the exact bytes the signature covers
    signature: dict[str, Any] | None = None

    @property
    def package_id(self) -> str:
        return str(self.manifest.get("package_id", ""))


def _read_member(archive: zipfile.ZipFile, name: str, limit: int | None = None) -> bytes:
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise UserError(f"{WHAT}: Die Datei {name} fehlt im Paket. Ist das ein "
                        "Impfteam-Synchronisationspaket?") from None
    if limit is not None and info.file_size > limit:
        raise UserError(f"{WHAT}: {name} ist unplausibel groß.")
    try:
        return archive.read(name)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, zlib.error,
            NotImplementedError, RuntimeError) as exc:
        raise UserError(f"{WHAT}: {name} ist beschädigt oder unvollständig "
                        f"({type(exc).__name__}). Bitte das Paket neu exportieren.") from exc


def _json(raw: bytes, name: str) -> Any:
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        # ValueError also covers integers past 4,300 digits; RecursionError deep nesting
        raise UserError(f"{WHAT}: {name} ist kein gültiges JSON.") from exc


def _bad(key: str, what: str) -> UserError:
    return UserError(f"{WHAT}: Im Manifest ist „{key}“ {what} – das Paket ist beschädigt "
                     "oder stammt nicht aus Impfteam.")


def _int(value: Any, key: str, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= high:
        raise _bad(key, f"keine ganze Zahl zwischen 0 und {high}")
    return value


def _check_manifest(manifest: dict[str, Any]) -> None:
    """Every field the import reads, of the right JSON type and in range."""
    for key in ("package_id", "counts", "sheets", "files"):
        if key not in manifest:
            raise UserError(f"{WHAT}: Im Manifest fehlt „{key}“.")
    if not isinstance(manifest["package_id"], str) or not PACKAGE_ID.match(
            manifest["package_id"]):
        raise _bad("package_id", "keine Paket-ID")
    for key in ("impfzentrum_id", "team_id", "device_id", "created_by", "created_at"):
        value = manifest.get(key, "")
        if not isinstance(value, str) or len(value) > 100:
            raise _bad(key, "kein Text bis 100 Zeichen")
    if not isinstance(manifest.get("full", False), bool):
        raise _bad("full", "kein Wahrheitswert")
    low = _int(manifest.get("from_version", 0), "from_version", MAX_VERSION)
    if _int(manifest.get("to_version", 0), "to_version", MAX_VERSION) < low:
        raise _bad("to_version", "kleiner als from_version")
    counts, sheets, files = manifest["counts"], manifest["sheets"], manifest["files"]
    if not isinstance(counts, dict):
        raise _bad("counts", "keine Zuordnung Datenart → Anzahl")
    for name, count in counts.items():
        _int(count, f"counts.{str(name)[:40]}", MAX_COUNT)
    if not isinstance(sheets, dict) or not all(
            isinstance(names, list) and len(names) <= 1000
            and all(isinstance(n, str) and 0 < len(n) <= 31 for n in names)
            for names in sheets.values()):
        raise _bad("sheets", "keine Zuordnung Datenart → Blattnamen")
    if not isinstance(files, dict) or not files:
        raise _bad("files", "keine Liste der Dateien")
    for name, meta in files.items():
        if name != DATA_FILE:
            raise _bad("files", f"mit der unbekannten Datei „{str(name)[:40]}“")
        if not isinstance(meta, dict) or not isinstance(meta.get("sha256"), str) \
                or not HEX64.match(meta["sha256"].lower()):
            raise _bad(f"files.{name}.sha256", "keine SHA-256-Prüfsumme")
        _int(meta.get("bytes"), f"files.{name}.bytes", MAX_DATA_BYTES)
    heads = manifest.get("audit_heads", {})
    if not isinstance(heads, dict) or len(heads) > 10_000:
        raise _bad("audit_heads", "keine Zuordnung Gerät → Kettenkopf")
    for origin, head in heads.items():
        if len(origin) > 100 or not isinstance(head, dict) \
                or not isinstance(head.get("hash"), str) or not HEX64.match(head["hash"]):
            raise _bad("audit_heads", "fehlerhaft")
        _int(head.get("seq"), "audit_heads.seq", MAX_VERSION)


def read_manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    return parse_manifest(_read_member(archive, MANIFEST, MAX_MANIFEST_BYTES))


def parse_manifest(raw: bytes) -> dict[str, Any]:
    manifest = _json(raw, MANIFEST)
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise UserError(f"{WHAT}: Die Datei ist kein Impfteam-Synchronisationspaket "
                        "(Formatkennung fehlt).")
    version = manifest.get("format_version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise UserError(f"{WHAT}: Formatversion fehlt im Manifest.")
    if version < MIN_FORMAT_VERSION:
        raise UserError(f"{WHAT}: Das Paket hat die ältere Formatversion {version}, die "
                        "nicht mehr gelesen wird (nicht signiert). Bitte das Team-Gerät "
                        "aktualisieren und neu exportieren.")
    if version > FORMAT_VERSION:
        shown = version if version < 10**6 else "?"
        raise UserError(f"{WHAT}: Das Paket hat die neuere Formatversion {shown} "
                        f"(diese Anwendung liest bis {FORMAT_VERSION}). Bitte Impfteam "
                        "aktualisieren.")
    _check_manifest(manifest)
    return manifest


def read_signature(archive: zipfile.ZipFile) -> dict[str, Any] | None:
    """``signature.json`` as a dict, or None when the package has none."""
    if SIGNATURE_FILE not in archive.namelist():
        return None
    doc = _json(_read_member(archive, SIGNATURE_FILE, MAX_SIGNATURE_BYTES), SIGNATURE_FILE)
    if not isinstance(doc, dict):
        raise UserError(f"{WHAT}: {SIGNATURE_FILE} hat ein unbekanntes Format – nichts "
                        "übernommen.")
    return doc


def _verify_files(archive: zipfile.ZipFile, manifest: dict[str, Any]) -> dict[str, bytes]:
    files = manifest["files"]
    if not isinstance(files, dict) or DATA_FILE not in files:
        raise UserError(f"{WHAT}: Das Manifest nennt keine Datendatei.")
    contents = {}
    for name, meta in files.items():
        try:
            size = archive.getinfo(name).file_size
        except KeyError:
            size = None
        if size is not None and size != meta["bytes"]:  # checked before inflating it
            raise UserError(f"{WHAT}: Die Prüfsumme (SHA-256) von {name} stimmt nicht "
                            f"({size} statt {meta['bytes']} Bytes). Die Datei wurde verändert "
                            "oder beschädigt – nichts übernommen.")
        data = _read_member(archive, name)
        expected = str(meta.get("sha256", "")).lower() if isinstance(meta, dict) else ""
        if hashlib.sha256(data).hexdigest() != expected:
            raise UserError(f"{WHAT}: Die Prüfsumme (SHA-256) von {name} stimmt nicht. Die "
                            "Datei wurde verändert oder beschädigt – nichts übernommen.")
        contents[name] = data
    return contents


def read_package(path: Path, steps: Steps, report: ImportReport,
                 trusted: dict[str, str] | None = None) -> Package:
    """Verify and parse ``path``; cell errors go to ``report``, everything else raises.

    With ``trusted`` (key id → public key, ``signing.trusted_signers``) the signature is
    checked before any data is read; the importer checks it again in any case."""
    path = Path(path)
    require_file(path, WHAT)
    if not zipfile.is_zipfile(path):
        raise UserError(f"{WHAT}: „{path.name}“ ist keine ZIP-Datei oder ist unvollständig "
                        "(abgeschnitten). Bitte das Paket neu kopieren.")
    try:
        with open_package_zip(path, WHAT) as archive:  # decrypts AES packages in memory
            raw = _read_member(archive, MANIFEST, MAX_MANIFEST_BYTES)
            manifest = parse_manifest(raw)
            signature = read_signature(archive)
            if trusted is not None:
                verify_signature(raw, signature, trusted)
            contents = _verify_files(archive, manifest)
    except zipfile.BadZipFile as exc:
        raise UserError(f"{WHAT}: „{path.name}“ ist beschädigt ({exc}).") from exc
    steps(10, "Prüfsummen in Ordnung, Daten lesen")
    data = contents[DATA_FILE]
    package = Package(manifest, hashlib.sha256(data).hexdigest(), manifest_raw=raw,
                      signature=signature)
    workbook = open_workbook(data, WHAT)
    present = set(workbook.sheet_names)
    counts: dict[str, Any] = manifest["counts"]
    sheets: dict[str, Any] = manifest["sheets"]
    known = {spec.name for spec in entity_specs()}
    unknown = sorted(set(counts) - known)
    if unknown:
        raise UserError(f"{WHAT}: unbekannte Datenarten {', '.join(unknown)} – das Paket "
                        "stammt aus einer neueren Version. Bitte Impfteam aktualisieren.")
    specs = entity_specs()
    for index, spec in enumerate(specs):
        names = sheets.get(spec.name, [])
        missing = [n for n in names if n not in present]
        if missing or spec.name not in counts:
            raise UserError(f"{WHAT}: Das Blatt „{missing[0] if missing else spec.name}“ "
                            "fehlt in data.xlsx.")
        rows = package.rows.setdefault(spec.name, EntityRows())
        for name in names:
            _read_sheet(workbook, name, spec, rows, report)
        if len(rows) != int(counts[spec.name]):
            raise UserError(f"{WHAT}: Blatt „{spec.name}“ hat {len(rows)} Zeilen, laut "
                            f"Manifest {counts[spec.name]}. Das Paket ist unvollständig.")
        steps(10 + int(30 * (index + 1) / len(specs)), f"{spec.name} gelesen")
    return package


def _read_sheet(workbook: Any, name: str, spec: Any, rows: EntityRows,
                report: ImportReport) -> None:
    """Append the sheet's rows: each cell checked and converted to its Python value, the
    row fingerprinted and kept as its SQLite tuple (see ``sync_rows``)."""
    iterator = sheet_rows(workbook, name)
    header_row = next(iterator, None)
    header = [str(h).strip() for h in header_row[1]] if header_row else []
    index = {h: i for i, h in enumerate(header)}
    late = ADDED_LATER.get(spec.name, ())
    missing = [c.name for c in spec.columns if c.name not in index and c.name not in late]
    if missing:
        raise UserError(f"{WHAT}: Im Blatt „{name}“ fehlen die Spalten {', '.join(missing)}.")
    # a column added later and absent from an older package reads as empty everywhere
    absent = len(header) + 1
    positions = [(c.name, index.get(c.name, absent), cell_reader(c)) for c in spec.columns]
    checks = row_checks(spec.name)
    to_tuple = to_sqlite(spec.name)
    for number, cells in iterator:
        values: list[Any] = []
        width, fine = len(cells), True
        for column, pos, read in positions:
            try:
                values.append(read(cells[pos] if pos < width else ""))
            except (ValueError, OverflowError) as exc:
                report.error(str(exc), name, number, column)
                values.append(None)
                fine = False
        if fine:
            for at, column, check in checks:
                problem = check(values[at], values)
                if problem is not None:
                    report.error(problem, name, number, column)
                    fine = False
        rows.where.append((name, number))
        rows.hashes.append(fingerprint_row(spec, values) if fine else "")
        rows.tuples.append(to_tuple(values) if fine else tuple(values))
