"""``import masterdata --template FILE``: an empty workbook the Impfzentrum can fill in.

Written with XlsxWriter: the four sheets with their headers, date/time formats on the
date/time columns, drop-down lists for Art/Status/Rolle, and a ``Hinweise`` sheet that
says what goes where. An example row would risk being imported by mistake, so the
examples live in the notes only.
"""

from __future__ import annotations

from pathlib import Path

import xlsxwriter

from core.exchange.common import atomic_output, require_suffix
from core.exchange.masterdata_read import SHEETS

LISTS = {"Art": ["Jobcenter", "Kommunale Liegenschaft", "Sonstige"],
         "Status": ["geplant", "aktiv", "abgeschlossen"],
         "Rolle": ["Arzt", "Impfend", "Verwaltung", "Leitung"]}
NOTES = [
    ("Allgemein", "Spalten dürfen in beliebiger Reihenfolge stehen; zusätzliche Spalten "
                  "werden ignoriert. ID-Spalten enthalten Ihre eigenen Schlüssel (beliebiger "
                  "eindeutiger Text)."),
    ("Standorte", "Art: Jobcenter, Kommunale Liegenschaft oder Sonstige. Kreis: 5-stelliger "
                  "AGS (z. B. 05754) oder der Name des Kreises."),
    ("Einsaetze", "Datum als Datum oder Text (20.12.2026); Beginn/Ende als Uhrzeit (09:00). "
                  "Status: geplant, aktiv oder abgeschlossen (leer = geplant)."),
    ("Personal", "Rolle: Arzt, Impfend, Verwaltung oder Leitung. Einsatz-IDs durch Komma "
                 "getrennt (z. B. E-101, E-102). Benutzername leer = v.nachname."),
    ("Chargen", "Produkt: EU-Nummer (EU/1/20/1528) oder Name (Comirnaty). Eine Zeile teilt "
                "einem Einsatz Dosen der Charge zu; Einsatz-ID leer = nur Charge anlegen."),
]


def write_template(path: Path) -> Path:
    path = Path(path)
    require_suffix(path, ".xlsx", "Vorlage")
    with atomic_output(path) as part:
        workbook = xlsxwriter.Workbook(str(part))
        header = workbook.add_format({"bold": True, "bg_color": "#DDE7F0", "border": 1})
        date_fmt = workbook.add_format({"num_format": "dd.mm.yyyy"})
        time_fmt = workbook.add_format({"num_format": "hh:mm"})
        text_fmt = workbook.add_format({"num_format": "@"})
        for sheet, fields in SHEETS.items():
            ws = workbook.add_worksheet(sheet)
            for col, f in enumerate(fields):
                ws.write_string(0, col, f.header, header)
                fmt = {"date": date_fmt, "time": time_fmt}.get(f.kind, text_fmt
                                                                if f.kind in ("plz", "ags")
                                                                else None)
                ws.set_column(col, col, max(len(f.header) + 4, 14), fmt)
                if f.header in LISTS:
                    ws.data_validation(1, col, 5000, col, {"validate": "list",
                                                           "source": LISTS[f.header],
                                                           "error_type": "warning"})
            ws.freeze_panes(1, 0)
        notes = workbook.add_worksheet("Hinweise")
        notes.set_column(0, 0, 14)
        notes.set_column(1, 1, 100, workbook.add_format({"text_wrap": True}))
        for row, (sheet, text) in enumerate(NOTES):
            notes.write_string(row, 0, sheet, header)
            notes.write_string(row, 1, text)
        workbook.close()
    return path
