"""Shared pieces of the exchange code: progress/cancel plumbing and the import report.

The report has exactly the shape design.md promises for ``import ... --json``, so the CLI,
the GUI and the tests all read the same structure.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.errors import UserError

Progress = Callable[[int, str], None]


class Cancelled(UserError):
    """The user stopped a long export/import; nothing was written or applied."""

    def __init__(self) -> None:
        super().__init__("Abgebrochen: Es wurde nichts geschrieben oder übernommen.")


class Cancel:
    """Thread-safe cancel flag: the GUI sets it, the worker checks it between chunks."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def set(self) -> None:
        self._event.set()

    @property
    def is_set(self) -> bool:
        return self._event.is_set()


class Steps:
    """Reports progress and raises ``Cancelled`` at the checkpoints of a long job."""

    def __init__(self, progress: Progress | None, cancel: Cancel | None) -> None:
        self._progress = progress
        self._cancel = cancel

    def __call__(self, percent: int, message: str) -> None:
        self.check()
        if self._progress is not None:
            self._progress(max(0, min(100, percent)), message)

    def check(self) -> None:
        if self._cancel is not None and self._cancel.is_set:
            raise Cancelled()


@dataclass(slots=True)
class RowError:
    """One problem in an input file, located as a person would look for it."""

    message: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "column": self.column,
                "message": self.message}

    def text(self) -> str:
        where = [part for part in (
            f"Blatt „{self.sheet}“" if self.sheet else "",
            f"Zeile {self.row}" if self.row else "",
            f"Spalte „{self.column}“" if self.column else "") if part]
        return f"{', '.join(where)}: {self.message}" if where else self.message


# what the counts of a report are called for the reader, most important first
REPORT_NAMES = {
    "vaccination": "Impfungen", "person": "Personen", "check_in": "Anmeldungen",
    "infection": "Infektionen", "measles_evidence": "Masernnachweise",
    "certificate": "Zertifikate", "visit": "Einsätze", "visit_member": "Teammitglieder",
    "site": "Standorte", "staff": "Personal", "lot": "Chargen",
    "lot_allocation": "Chargenzuteilungen",
}


@dataclass(slots=True)
class ImportReport:
    """Result of ``import sync`` / ``import masterdata`` (design.md JSON shape)."""

    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    conflicts: int = 0
    duplicates: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, bucket: str, entity: str, n: int = 1) -> None:
        target: dict[str, int] = getattr(self, bucket)
        target[entity] = target.get(entity, 0) + n

    def add(self, other: ImportReport) -> None:
        """Sum another report into this one (several packages in one import)."""
        for bucket in ("created", "updated", "unchanged"):
            for entity, n in getattr(other, bucket).items():
                self.count(bucket, entity, n)
        self.conflicts += other.conflicts
        self.duplicates += other.duplicates
        self.errors += other.errors

    def error(self, message: str, sheet: str | None = None, row: int | None = None,
              column: str | None = None) -> None:
        self.errors.append(RowError(message, sheet, row, column))

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "created": dict(self.created), "updated": dict(self.updated),
                "unchanged": dict(self.unchanged), "conflicts": self.conflicts,
                "errors": [e.to_json() for e in self.errors]}

    def text(self) -> str:
        """German summary for the CLI and the GUI's result dialog."""
        if self.errors:
            head = (f"{len(self.errors)} Fehler gefunden – es wurde nichts übernommen."
                    if not self.dry_run else f"Prüfung: {len(self.errors)} Fehler gefunden.")
            return "\n".join([head, *(f"  {e.text()}" for e in self.errors[:200])]
                             + ([f"  … und {len(self.errors) - 200} weitere"]
                                if len(self.errors) > 200 else []))

        def fmt(counts: dict[str, int]) -> str:
            order = list(REPORT_NAMES)
            known = sorted(counts, key=lambda k: (order.index(k) if k in order else 99, k))
            return ", ".join(f"{REPORT_NAMES.get(k, k)} {counts[k]:,}".replace(",", ".")
                             for k in known if counts[k]) or "keine"

        lines = ["Prüfung ohne Fehler – nichts übernommen (--dry-run)." if self.dry_run
                 else "Import abgeschlossen.",
                 f"  neu: {fmt(self.created)}", f"  geändert: {fmt(self.updated)}",
                 f"  unverändert: {fmt(self.unchanged)}",
                 f"  Konflikte: {self.conflicts}"]
        if self.duplicates:
            lines.append(f"  mögliche Doppelimpfungen: {self.duplicates} (siehe „conflicts“)")
        return "\n".join(lines)


@contextmanager
def atomic_output(path: Path) -> Iterator[Path]:
    """Write to ``<name>.part`` and rename at the end: a cancelled or failed export never
    leaves a half-written file that looks complete on a USB stick."""
    path = Path(path)
    if path.parent and not path.parent.exists():
        raise UserError(f"Ausgabe: Der Ordner {path.parent} existiert nicht.")
    if path.is_dir():
        raise UserError(f"Ausgabe: {path} ist ein Ordner. Bitte einen Dateinamen angeben.")
    part = path.with_name(path.name + ".part")
    try:
        yield part
        os.replace(part, path)
    finally:
        if part.exists():
            part.unlink()


def require_suffix(path: Path, suffix: str, what: str) -> None:
    """Refuse an obviously wrong file type before reading it (German message)."""
    if path.suffix.lower() != suffix:
        raise UserError(f"{what}: „{path.name}“ ist keine {suffix}-Datei.")


def require_file(path: Path, what: str) -> None:
    if not path.exists():
        raise UserError(f"{what}: Die Datei {path} gibt es nicht.")
    if path.is_dir():
        raise UserError(f"{what}: {path} ist ein Ordner, keine Datei.")
