"""Reading and verifying a sync package before anything touches the database.

Order of checks (each failure is one German ``UserError``; the database is not opened
for writing until all have passed): zip readable → manifest present and valid JSON →
our format and a version we understand → every listed file present, size and SHA-256
equal → workbook readable → every entity sheet present with its columns → row counts
equal to the manifest → every cell parses. Cell errors are collected (sheet/row/column)
so the report shows all of them at once.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.errors import UserError
from core.exchange.common import ImportReport, Steps, require_file
from core.exchange.protect import open_package_zip
from core.exchange.sync_format import (
    ADDED_LATER,
    DATA_FILE,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    MIN_FORMAT_VERSION,
    cell_reader,
    entity_specs,
    fingerprint_row,
)
from core.exchange.sync_rows import EntityRows, to_sqlite
from core.exchange.xlsx_read import open_workbook, sheet_rows

WHAT = "Synchronisationspaket"
MAX_MANIFEST_BYTES = 1 << 20


@dataclass(slots=True)
class Package:
    """A verified package: its manifest and the parsed rows per entity."""

    manifest: dict[str, Any]
    data_sha256: str
    rows: dict[str, EntityRows] = field(default_factory=dict)

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
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        raise UserError(f"{WHAT}: {name} ist beschädigt oder unvollständig "
                        f"({type(exc).__name__}). Bitte das Paket neu exportieren.") from exc


def read_manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    raw = _read_member(archive, MANIFEST, MAX_MANIFEST_BYTES)
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UserError(f"{WHAT}: manifest.json ist kein gültiges JSON.") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise UserError(f"{WHAT}: Die Datei ist kein Impfteam-Synchronisationspaket "
                        "(Formatkennung fehlt).")
    version = manifest.get("format_version")
    if not isinstance(version, int):
        raise UserError(f"{WHAT}: Formatversion fehlt im Manifest.")
    if version < MIN_FORMAT_VERSION:
        raise UserError(f"{WHAT}: Das Paket hat die ältere Formatversion {version}, die "
                        "nicht mehr gelesen wird. Bitte das Team-Gerät aktualisieren und "
                        "neu exportieren.")
    if version > FORMAT_VERSION:
        raise UserError(f"{WHAT}: Das Paket hat die neuere Formatversion {version} "
                        f"(diese Anwendung liest bis {FORMAT_VERSION}). Bitte Impfteam "
                        "aktualisieren.")
    for key in ("package_id", "counts", "sheets", "files"):
        if key not in manifest:
            raise UserError(f"{WHAT}: Im Manifest fehlt „{key}“.")
    return manifest


def _verify_files(archive: zipfile.ZipFile, manifest: dict[str, Any]) -> dict[str, bytes]:
    files = manifest["files"]
    if not isinstance(files, dict) or DATA_FILE not in files:
        raise UserError(f"{WHAT}: Das Manifest nennt keine Datendatei.")
    contents = {}
    for name, meta in files.items():
        data = _read_member(archive, name)
        expected = str(meta.get("sha256", "")).lower() if isinstance(meta, dict) else ""
        if hashlib.sha256(data).hexdigest() != expected:
            raise UserError(f"{WHAT}: Die Prüfsumme (SHA-256) von {name} stimmt nicht. Die "
                            "Datei wurde verändert oder beschädigt – nichts übernommen.")
        contents[name] = data
    return contents


def read_package(path: Path, steps: Steps, report: ImportReport) -> Package:
    """Verify and parse ``path``; cell errors go to ``report``, everything else raises."""
    path = Path(path)
    require_file(path, WHAT)
    if not zipfile.is_zipfile(path):
        raise UserError(f"{WHAT}: „{path.name}“ ist keine ZIP-Datei oder ist unvollständig "
                        "(abgeschnitten). Bitte das Paket neu kopieren.")
    try:
        with open_package_zip(path, WHAT) as archive:  # decrypts AES packages in memory
            manifest = read_manifest(archive)
            contents = _verify_files(archive, manifest)
    except zipfile.BadZipFile as exc:
        raise UserError(f"{WHAT}: „{path.name}“ ist beschädigt ({exc}).") from exc
    steps(10, "Prüfsummen in Ordnung, Daten lesen")
    data = contents[DATA_FILE]
    package = Package(manifest, hashlib.sha256(data).hexdigest())
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
    to_tuple = to_sqlite(spec.name)
    for number, cells in iterator:
        values: list[Any] = []
        width, fine = len(cells), True
        for column, pos, read in positions:
            try:
                values.append(read(cells[pos] if pos < width else ""))
            except ValueError as exc:
                report.error(str(exc), name, number, column)
                values.append(None)
                fine = False
        rows.where.append((name, number))
        rows.hashes.append(fingerprint_row(spec, values) if fine else "")
        rows.tuples.append(to_tuple(values) if fine else tuple(values))
