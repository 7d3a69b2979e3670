"""Reading xlsx with python-calamine (about ten times faster than openpyxl).

Real workbooks come from Excel, LibreOffice, XlsxWriter or a colleague's macro: this
module turns every way they can be broken (not an xlsx at all, a truncated file, a
password, a missing sheet) into one German ``UserError`` and leaves value cleaning to the
callers. Blank rows are skipped without cost per empty cell, so a sheet with 100,000
empty rows reads as fast as one without.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import python_calamine as calamine

from core.errors import UserError
from core.exchange.zip_limits import check_archive, stream_member
from core.input_limits import MAX_WORKBOOK, read_file_bounded

XLSX_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True, slots=True)
class WorkbookLimits:
    """What a workbook may cost before calamine sees it (calamine cannot be capped).

    calamine allocates a dense grid of 32 bytes per cell from the first to the last
    filled cell, so one value at XFD1048576 asks for 512 GB and aborts the process; and
    it inflates shared strings whole. The checks stream every member once, counting the
    real inflated bytes and the extent of the filled cells of every sheet.
    """

    max_file: int = MAX_WORKBOOK
    max_members: int = 2_000
    max_member_bytes: int = 100 * 1024 * 1024
    max_total_bytes: int = 200 * 1024 * 1024
    #: cells of the dense grid per sheet (2 million cells are 64 MB in calamine)
    max_sheet_cells: int = 2_000_000


#: The limits for the Impfzentrum's master data (``import masterdata``).
MASTERDATA_LIMITS = WorkbookLimits()

_TOKEN = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)\b([^>]*)>")
_REF = re.compile(rb"(?:^|\s)r\s*=\s*[\"']([A-Za-z]*)([0-9]*)[\"']")


class _Extent:
    """Running extent of the filled cells of one sheet, as calamine will size its grid."""

    def __init__(self) -> None:
        self.row = 0
        self.col = 0
        self.rows: list[int] = []  # min, max
        self.cols: list[int] = []

    def area(self) -> int:
        if not self.rows:
            return 0
        return (self.rows[1] - self.rows[0] + 1) * (self.cols[1] - self.cols[0] + 1)

    def feed(self, tag: bytes, attrs: bytes) -> None:
        ref = _REF.search(attrs)
        if tag == b"row":
            self.row = int(ref[2]) if ref and ref[2] and len(ref[2]) < 12 else self.row + 1
            self.col = 0
            return
        if ref and (ref[1] or ref[2]) and len(ref[1]) < 8 and len(ref[2]) < 12:
            col = 0
            for ch in ref[1].upper():
                col = col * 26 + ch - 64
            self.col = col or self.col + 1
            if ref[2]:
                self.row = int(ref[2])
        else:
            self.col += 1
        if attrs.rstrip().endswith(b"/"):
            return  # an empty (styled) cell: calamine leaves it out of the grid
        for bounds, value in ((self.rows, self.row), (self.cols, self.col)):
            if bounds:
                bounds[0], bounds[1] = min(bounds[0], value), max(bounds[1], value)
            else:
                bounds += [value, value]


def _num(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def check_workbook(data: bytes, what: str, name: str,
                   limits: WorkbookLimits = MASTERDATA_LIMITS) -> None:
    """Refuse a workbook that would make calamine allocate without bound (German message).

    Inflates every member once in chunks (real sizes, not the declared ones) and, for the
    worksheets, tracks the extent of the filled cells; nothing is kept in memory.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError) as exc:
        raise UserError(f"{what}: „{name}“ ist beschädigt oder unvollständig "
                        f"({type(exc).__name__}). Bitte die Datei neu speichern.") from None
    with archive:
        members = check_archive(archive, max_members=limits.max_members,
                                max_member_bytes=limits.max_member_bytes,
                                max_total_bytes=limits.max_total_bytes, what=what)
        total = 0
        for info in members:
            is_sheet = info.filename.lower().startswith("xl/worksheets/") and \
                info.filename.lower().endswith(".xml")
            extent = _Extent() if is_sheet else None
            tail = b""
            for block in stream_member(archive, info, limits.max_member_bytes, what=what):
                total += len(block)
                if total > limits.max_total_bytes:
                    raise UserError(f"{what}: „{name}“ ist entpackt größer als "
                                    f"{limits.max_total_bytes // (1024 * 1024)} MB – die "
                                    "Datei wird nicht gelesen.")
                if extent is None:
                    continue
                buffer = tail + block
                cut = buffer.rfind(b"<")
                cut = len(buffer) if cut < 0 else cut
                for match in _TOKEN.finditer(buffer, 0, cut):
                    extent.feed(match[1], match[2])
                tail = buffer[cut:]
                if extent.area() > limits.max_sheet_cells:
                    sheet = info.filename.rsplit("/", 1)[-1]
                    raise UserError(
                        f"{what}: Ein Blatt in „{name}“ ({sheet}) reicht bis Zeile "
                        f"{_num(extent.rows[1])}, Spalte {_num(extent.cols[1])} – mehr als "
                        f"{_num(limits.max_sheet_cells)} Zellen. Bitte nur den Datenbereich "
                        "in eine neue Arbeitsmappe kopieren und diese speichern.")
            if extent is not None and tail:
                for match in _TOKEN.finditer(tail):
                    extent.feed(match[1], match[2])


def open_workbook(source: Path | bytes, what: str, *,
                  limits: WorkbookLimits | None = None) -> calamine.CalamineWorkbook:
    """Open an xlsx file or its bytes; German message when it is not a readable workbook.

    With ``limits`` the file is read only up to ``limits.max_file`` bytes (and only when it
    is a regular file) and checked by ``check_workbook`` before calamine opens it.
    """
    name = source.name if isinstance(source, Path) else "data.xlsx"
    try:
        if isinstance(source, Path):
            data = (read_file_bounded(source, limits.max_file, what) if limits
                    else source.read_bytes())
        else:
            data = source
    except OSError as exc:
        raise UserError(f"{what}: {name} kann nicht gelesen werden ({exc.strerror}).") from exc
    if not data.startswith(XLSX_MAGIC):
        raise UserError(f"{what}: „{name}“ ist keine Excel-Arbeitsmappe (.xlsx). "
                        "Bitte die Datei als .xlsx speichern.")
    if limits is not None:
        check_workbook(data, what, name, limits)
    try:
        return calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except calamine.PasswordError as exc:
        raise UserError(f"{what}: „{name}“ ist mit einem Kennwort geschützt. "
                        "Bitte ohne Kennwort speichern.") from exc
    except Exception as exc:  # calamine raises several unrelated types for broken files
        raise UserError(f"{what}: „{name}“ ist beschädigt oder unvollständig "
                        f"({type(exc).__name__}). Bitte die Datei neu speichern.") from exc


def sheet_rows(workbook: calamine.CalamineWorkbook, sheet: str) -> Iterator[tuple[int, list[Any]]]:
    """(Excel row number, cells) of every row that holds at least one value."""
    try:
        data = workbook.get_sheet_by_name(sheet)
    except Exception as exc:
        raise UserError(f"Blatt „{sheet}“ kann nicht gelesen werden "
                        f"({type(exc).__name__}).") from exc
    first = data.start[0] + 1 if data.start else 1
    for offset, row in enumerate(data.iter_rows()):
        if any(cell != "" and cell is not None for cell in row):
            yield first + offset, row


_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def norm_header(text: Any) -> str:
    """Header as a comparable key: ``" Straße "``, ``"STRASSE"``, ``"Kreis (AGS)"`` …

    Case, umlaut spelling, spaces, hyphens and a trailing parenthesis do not matter, so
    ``Standort-ID`` = ``standort id`` and ``Kreis (AGS)`` = ``Kreis``.
    """
    value = str(text).strip().casefold().translate(_FOLD)
    value = re.sub(r"\(.*\)$", "", value).strip()
    value = unicodedata.normalize("NFKD", value)
    return "".join(ch for ch in value if ch.isalnum())
