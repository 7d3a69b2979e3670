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
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import python_calamine as calamine

from core.errors import UserError

XLSX_MAGIC = b"PK\x03\x04"


def open_workbook(source: Path | bytes, what: str) -> calamine.CalamineWorkbook:
    """Open an xlsx file or its bytes; German message when it is not a readable workbook."""
    name = source.name if isinstance(source, Path) else "data.xlsx"
    try:
        data = source.read_bytes() if isinstance(source, Path) else source
    except OSError as exc:
        raise UserError(f"{what}: {name} kann nicht gelesen werden ({exc.strerror}).") from exc
    if not data.startswith(XLSX_MAGIC):
        raise UserError(f"{what}: „{name}“ ist keine Excel-Arbeitsmappe (.xlsx). "
                        "Bitte die Datei als .xlsx speichern.")
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
