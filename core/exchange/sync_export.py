"""``export sync``: the team's changes as a zip package for the Impfzentrum.

Delta by default: every exchanged row with ``last ExportMark < row_version <= now``.
``full=True`` sends everything (a new hub, or a lost package). The data workbook is
streamed with XlsxWriter in constant-memory mode, so a million doses need no more memory
than a thousand; the manifest carries the SHA-256 of the workbook, checked by the hub
before it touches its database. ``signature.json`` holds the device's Ed25519 signature
over the exact manifest bytes (``core.security.signing``); the manifest also carries the
heads of this database's audit chains, so the hub keeps a copy outside this laptop.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import uuid
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import xlsxwriter
from sqlalchemy import String, func, select, type_coerce
from sqlalchemy.orm import Session

from core.db.models import AuditEntry, ExportMark
from core.db.versioning import current_version
from core.exchange.common import Cancel, Progress, Steps, atomic_output, require_suffix
from core.exchange.sync_format import (
    DATA_FILE,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    MAX_ROWS_PER_SHEET,
    SIGNATURE_FILE,
    EntitySpec,
    cell_writers,
    entity_specs,
)
from core.security.audit_chain import chain_heads
from core.security.signing import sign_manifest
from core.services.context import Actor
from core.settings import get_setting

FETCH_CHUNK = 5_000
WORKBOOK_OPTIONS = {"constant_memory": True, "strings_to_numbers": False,
                    "strings_to_formulas": False, "strings_to_urls": False}


@dataclass(slots=True)
class SyncExportResult:
    path: Path
    package_id: str
    full: bool
    from_version: int
    to_version: int
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(self.counts.values())

    def to_json(self) -> dict[str, Any]:
        return {"file": str(self.path), "package_id": self.package_id, "full": self.full,
                "from_version": self.from_version, "to_version": self.to_version,
                "counts": dict(self.counts), "rows": self.rows}


def last_export_version(session: Session) -> int:
    """High-water mark of the previous sync export (0 when there was none)."""
    value = session.scalar(select(func.max(ExportMark.to_version))
                           .where(ExportMark.kind == "sync"))
    return int(value or 0)


def write_entity(workbook: Any, session: Session, spec: EntitySpec, low: int, high: int,
                 steps: Steps, done: list[int], total: int,
                 per_sheet: int = MAX_ROWS_PER_SHEET) -> tuple[int, list[str]]:
    """Stream one table's rows into one or more sheets; returns (rows, sheet names).

    On SQLite, dates and timestamps are taken as the stored ISO text: parsing a million
    of them into ``datetime`` only to format them again would cost more than writing.
    The reader accepts both ``2026-11-20 10:00:00.000000`` and ``…T10:00:00``.
    """
    table = spec.table
    raw_dates = session.get_bind().dialect.name == "sqlite"
    columns = [type_coerce(c, String).label(c.name)
               if raw_dates and kind in ("date", "datetime", "time") else c
               for c, kind in zip(table.c, (col.kind for col in spec.columns), strict=True)]
    query = (select(*columns).where(table.c.row_version > low, table.c.row_version <= high)
             .order_by(table.c.row_version).execution_options(yield_per=FETCH_CHUNK))
    header = spec.column_names
    sheets: list[str] = []
    worksheet: Any = None
    writers: list[Any] = []
    row_in_sheet = per_sheet
    count = 0
    for partition in session.connection().execute(query).partitions():
        for row in partition:
            if row_in_sheet >= per_sheet:
                name = spec.name if not sheets else f"{spec.name}_{len(sheets) + 1}"
                worksheet = workbook.add_worksheet(name)
                worksheet.write_row(0, 0, header)
                writers = cell_writers(worksheet, spec)
                sheets.append(name)
                row_in_sheet = 0
            row_in_sheet += 1
            for col, value in enumerate(row):
                if value is not None:  # empty cells are simply not written
                    writers[col](worksheet, row_in_sheet, col, value)
        count += len(partition)
        done[0] += len(partition)
        steps(5 + int(85 * done[0] / max(total, 1)), f"{spec.name}: {count} Zeilen")
    if not sheets:
        worksheet = workbook.add_worksheet(spec.name)
        worksheet.write_row(0, 0, header)
        sheets.append(spec.name)
    return count, sheets


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def export_sync(session: Session, actor: Actor, out: Path, *, full: bool = False,
                progress: Progress | None = None, cancel: Cancel | None = None,
                rows_per_sheet: int = MAX_ROWS_PER_SHEET) -> SyncExportResult:
    """Write a sync package to ``out`` and record the ExportMark in the caller's session.

    The mark is only added after the zip is complete, and the caller's commit makes it
    permanent: a cancelled or failed export leaves neither file nor mark behind.
    """
    out = Path(out)
    require_suffix(out, ".zip", "Synchronisationspaket")
    steps = Steps(progress, cancel)
    steps(0, "Änderungen zählen")
    low = 0 if full else last_export_version(session)
    high = current_version(session)
    specs = entity_specs()
    totals = {spec.name: int(session.scalar(
        select(func.count()).select_from(spec.table)
        .where(spec.table.c.row_version > low, spec.table.c.row_version <= high)) or 0)
        for spec in specs}
    total = sum(totals.values())
    package_id = str(uuid.uuid4())
    counts: dict[str, int] = {}
    sheets: dict[str, list[str]] = {}
    with tempfile.TemporaryDirectory(prefix="impfteam-sync-") as tmp:
        data_path = Path(tmp) / DATA_FILE
        workbook = xlsxwriter.Workbook(str(data_path), WORKBOOK_OPTIONS)
        workbook.set_properties({"title": "Impfteam Synchronisationspaket",
                                 "subject": "Enthält personenbezogene Daten – vertraulich",
                                 "keywords": "impfteam-sync, personenbezogen"})
        done = [0]
        for spec in specs:
            counts[spec.name], sheets[spec.name] = write_entity(
                workbook, session, spec, low, high, steps, done, total, rows_per_sheet)
        steps(92, "Arbeitsmappe abschließen")
        workbook.close()
        steps.check()
        manifest = {
            "format": FORMAT, "format_version": FORMAT_VERSION, "package_id": package_id,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "impfzentrum_id": get_setting(session, "impfzentrum_id"),
            "team_id": get_setting(session, "team_id"),
            "device_id": get_setting(session, "device_id"),
            "created_by": actor.user, "full": full,
            "from_version": low, "to_version": high, "personal_data": True,
            "counts": counts, "sheets": sheets,
            "files": {DATA_FILE: {"sha256": _sha256(data_path),
                                  "bytes": data_path.stat().st_size}},
            "audit_heads": chain_heads(session),
        }
        raw_manifest = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
        signature = json.dumps(sign_manifest(raw_manifest), indent=2).encode("utf-8")
        steps(96, "Paket schreiben")
        with atomic_output(out) as part, zipfile.ZipFile(part, "w") as archive:
            archive.writestr(MANIFEST, raw_manifest, compress_type=zipfile.ZIP_DEFLATED)
            archive.writestr(SIGNATURE_FILE, signature, compress_type=zipfile.ZIP_DEFLATED)
            archive.write(data_path, DATA_FILE, compress_type=zipfile.ZIP_STORED)
    mark = ExportMark(kind="sync", target=manifest["impfzentrum_id"], from_version=low,
                      to_version=high, file_name=out.name, created_by=actor.user)
    session.add(mark)
    session.flush()
    session.add(AuditEntry(user=actor.user, origin=actor.origin, action="export.sync",
                           entity="export_mark", entity_id=mark.id,
                           after={"package_id": package_id, "full": full, "counts": counts}))
    steps(100, "Fertig")
    return SyncExportResult(out, package_id, full, low, high, counts)
