"""Reading the Impfzentrum's master data workbook, tolerant of what real people send.

Accepted: sheets and headers in any order and spelling of case/umlauts/spaces
(``Einsätze`` = ``Einsaetze``, ``Kreis (AGS)`` = ``Kreis``), extra columns (ignored),
blank rows anywhere, trailing spaces, numbers typed as text and text typed as numbers
(PLZ ``1067`` → ``01067``), dates as Excel dates or text (``20.12.2026``, ``20.12.26``,
``2026-12-20``), times as Excel times or text (``9:00``, ``09.00``, ``9 Uhr``). Every
problem is reported with sheet, Excel row number and column, so the sender can fix the
file; nothing is applied while there is any error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from core.catalog.districts import get_districts
from core.catalog.products import get_catalog
from core.dates import parse_date
from core.errors import UserError
from core.exchange.common import ImportReport, require_file
from core.exchange.xlsx_read import MASTERDATA_LIMITS, norm_header, open_workbook, sheet_rows

WHAT = "Stammdaten"


@dataclass(frozen=True, slots=True)
class Field:
    key: str  # normalised header
    header: str  # as in design.md and the template
    kind: str = "text"  # text | date | time | int | plz | ags | list
    required: bool = False
    aliases: tuple[str, ...] = ()


SHEETS: dict[str, tuple[Field, ...]] = {
    "Standorte": (
        Field("id", "ID", required=True), Field("name", "Name", required=True),
        Field("art", "Art", required=True), Field("strasse", "Straße"),
        Field("plz", "PLZ", "plz", aliases=("postleitzahl",)), Field("ort", "Ort"),
        Field("kreis", "Kreis (AGS)", "ags", True, ("ags", "kreisags")),
        Field("ansprechperson", "Ansprechperson", aliases=("kontakt",)),
        Field("telefon", "Telefon", aliases=("tel",))),
    "Einsaetze": (
        Field("id", "ID", required=True), Field("standortid", "Standort-ID", required=True),
        Field("datum", "Datum", "date", True), Field("beginn", "Beginn", "time", True),
        Field("ende", "Ende", "time", True),
        Field("kapazitaet", "Kapazität", "int", aliases=("kapazitat",)),
        Field("status", "Status")),
    "Personal": (
        Field("id", "ID", required=True), Field("nachname", "Nachname", required=True),
        Field("vorname", "Vorname", required=True), Field("rolle", "Rolle", required=True),
        Field("benutzername", "Benutzername", aliases=("login",)),
        Field("einsatzids", "Einsatz-IDs", "list", aliases=("einsaetze", "einsatzid"))),
    "Chargen": (
        Field("produkt", "Produkt", required=True), Field("charge", "Charge", required=True),
        Field("verfallsdatum", "Verfallsdatum", "date", True, ("verfall", "ablaufdatum")),
        Field("dosen", "Dosen", "int", True), Field("einsatzid", "Einsatz-ID")),
}
SITE_KINDS_IN = {"jobcenter": "jobcenter", "kommunaleliegenschaft": "kommunal",
                 "kommunal": "kommunal", "sonstige": "sonstige", "sonstiges": "sonstige"}
STATUS_IN = {"geplant": "geplant", "aktiv": "aktiv", "abgeschlossen": "abgeschlossen"}
ROLES_IN = {"arzt": "arzt", "aerztin": "arzt", "aerztinarzt": "arzt", "arztin": "arzt",
            "impfend": "impfend", "impfende": "impfend", "impfender": "impfend",
            "mfa": "impfend", "verwaltung": "verwaltung", "leitung": "leitung",
            "teamleitung": "leitung", "admin": "admin"}
EXCEL_EPOCH = date(1899, 12, 30)
_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?(?:[:.](\d{2}))?\s*(?:uhr)?$", re.IGNORECASE)
_SHORT_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{2})$")


@dataclass(slots=True)
class Row:
    sheet: str
    number: int
    values: dict[str, Any]
    headers: dict[str, str]  # field key -> header as written in the file

    def column(self, key: str) -> str:
        return self.headers.get(key, key)


@dataclass(slots=True)
class MasterData:
    rows: dict[str, list[Row]] = field(default_factory=dict)


def text_of(cell: Any) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime | date | time):
        return cell.isoformat()
    return re.sub(r"\s+", " ", str(cell)).strip()


def to_date(cell: Any) -> date:
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if isinstance(cell, int | float) and not isinstance(cell, bool) and 1 < cell < 2958466:
        return EXCEL_EPOCH + timedelta(days=int(cell))
    value = text_of(cell)
    short = _SHORT_DATE.match(value)
    if short:
        value = f"{short[1]}.{short[2]}.20{short[3]}"
    try:
        return parse_date(value.split(" ")[0].split("T")[0])
    except UserError as exc:  # "Datum: Den Tag 31.02.2026 gibt es nicht. …"
        raise ValueError(exc.message.split(": ", 1)[-1].rstrip(".")) from None


def to_time(cell: Any) -> time:
    if isinstance(cell, datetime):
        return cell.time()
    if isinstance(cell, time):
        return cell
    if isinstance(cell, float) and 0 <= cell < 1:
        seconds = round(cell * 86400)
        return time(seconds // 3600, seconds % 3600 // 60)
    if isinstance(cell, timedelta):
        return (datetime.min + cell).time()
    match = _TIME.match(text_of(cell))
    if match:
        try:
            return time(int(match[1]), int(match[2] or 0), int(match[3] or 0))
        except ValueError:
            pass
    raise ValueError(f"„{text_of(cell)}“ ist keine Uhrzeit (HH:MM)")


def to_int(cell: Any) -> int:
    value = text_of(cell).replace(".", "") if isinstance(cell, str) else cell
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"„{text_of(cell)}“ ist keine ganze Zahl") from None
    if not number.is_integer() or number < 0:
        raise ValueError(f"„{text_of(cell)}“ ist keine ganze Zahl ≥ 0")
    return int(number)


def to_ags(cell: Any) -> str:
    value = text_of(cell)
    districts = get_districts()
    if value.isdigit():
        value = value.zfill(5)
        if districts.get(value) is not None:
            return value
        raise ValueError(f"Kreis „{value}“ ist unbekannt (5-stelliger AGS erwartet)")
    for district in districts.districts:
        if norm_header(district.name) == norm_header(value):
            return district.ags
    raise ValueError(f"Kreis „{value}“ ist unbekannt (5-stelliger AGS erwartet)")


def to_plz(cell: Any) -> str:
    value = text_of(cell)
    if value.isdigit() and len(value) <= 5:
        return value.zfill(5)
    raise ValueError(f"„{value}“ ist keine PLZ (fünf Ziffern)")


CONVERT = {"date": to_date, "time": to_time, "int": to_int, "ags": to_ags, "plz": to_plz,
           "list": lambda c: [p.strip() for p in re.split(r"[,;]", text_of(c)) if p.strip()],
           "text": text_of}


def convert_codes(sheet: str, row: Row, report: ImportReport) -> None:
    """Map German labels to codes (Art, Status, Rolle, Produkt)."""
    checks = {"Standorte": [("art", SITE_KINDS_IN, "Jobcenter, Kommunale Liegenschaft, "
                             "Sonstige")],
              "Einsaetze": [("status", STATUS_IN, "geplant, aktiv, abgeschlossen")],
              "Personal": [("rolle", ROLES_IN, "Arzt, Impfend, Verwaltung, Leitung")]}
    for key, codes, allowed in checks.get(sheet, []):
        raw = row.values.get(key)
        if raw in (None, ""):
            if key == "status":
                row.values[key] = "geplant"
            continue
        code = codes.get(norm_header(raw))
        if code is None:
            report.error(f"„{raw}“ ist nicht erlaubt. Möglich: {allowed}.", sheet, row.number,
                         row.column(key))
        row.values[key] = code
    if sheet == "Chargen" and row.values.get("produkt"):
        product = get_catalog().resolve(str(row.values["produkt"]))
        if product is None:
            report.error(f"Unbekannter Impfstoff „{row.values['produkt']}“.", sheet,
                         row.number, row.column("produkt"))
        row.values["produkt"] = product.key if product else None


def _find_sheet(names: list[str], wanted: str) -> str | None:
    for name in names:
        if norm_header(name) == norm_header(wanted):
            return name
    return None


def read_masterdata(path: Path, report: ImportReport) -> MasterData:
    """Parse and check cell by cell; problems go to ``report``; unreadable files raise."""
    path = Path(path)
    require_file(path, WHAT)
    workbook = open_workbook(path, WHAT, limits=MASTERDATA_LIMITS)
    data = MasterData()
    for sheet, fields in SHEETS.items():
        actual = _find_sheet(list(workbook.sheet_names), sheet)
        if actual is None:
            report.error(f"Das Blatt „{sheet}“ fehlt (nötig: {', '.join(SHEETS)}).", sheet)
            continue
        rows = data.rows.setdefault(sheet, [])
        iterator = sheet_rows(workbook, actual)
        header = next(iterator, None)
        if header is None:
            continue  # an empty sheet: nothing to import there
        positions: dict[str, int] = {}
        headers: dict[str, str] = {}
        for index, cell in enumerate(header[1]):
            key = norm_header(cell)
            for f in fields:
                if key in (f.key, *f.aliases) and f.key not in positions:
                    positions[f.key], headers[f.key] = index, str(cell).strip()
        missing = [f.header for f in fields if f.required and f.key not in positions]
        for name in missing:
            report.error(f"Die Spalte „{name}“ fehlt.", sheet, header[0], name)
        if missing:
            continue
        for number, cells in iterator:
            row = Row(sheet, number, {}, headers)
            for f in fields:
                pos = positions.get(f.key)
                cell = cells[pos] if pos is not None and pos < len(cells) else ""
                if cell is None or text_of(cell) == "":
                    if f.required:
                        report.error("Bitte ausfüllen.", sheet, number, row.column(f.key)
                                     if f.key in headers else f.header)
                    row.values[f.key] = [] if f.kind == "list" else None
                    continue
                try:
                    row.values[f.key] = CONVERT[f.kind](cell)
                except ValueError as exc:
                    report.error(f"{exc}.", sheet, number, row.column(f.key))
                    row.values[f.key] = None
            convert_codes(sheet, row, report)
            rows.append(row)
    if not report.errors and not any(data.rows.values()):
        raise UserError(f"{WHAT}: „{path.name}“ enthält keine Daten (nur leere Zeilen).")
    return data
