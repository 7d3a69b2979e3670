"""Master data import: tolerant reading, all-or-nothing, dry-run report, template."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter
from sqlalchemy import select

from core.cli import main
from core.db.engine import Database
from core.db.models import Lot, LotAllocation, Site, Staff, Visit, VisitMember
from core.exchange.masterdata import import_masterdata
from core.exchange.sync_import import ImportFailed
from tests.cli_env import full_actor, signed_db, with_admin
from tests.core.exchange.helpers import counts

Sheet = tuple[list[str], list[list[Any]]]


def good_sheets() -> dict[str, Sheet]:
    """What a real sender does: odd header order and spelling, extra columns, spaces."""
    return {
        "Standorte": (["Name", " ID ", "Kreis (AGS)", "Art", "PLZ", "Ort", "Straße",
                       "Bemerkung intern", "Telefon", "Ansprechperson"], [
            ["Jobcenter Gütersloh  ", "S-1", 5754, "Jobcenter", 33330, "Gütersloh",
             "Berliner Str. 1", "egal", "05241 1234", "Frau Özdemir"],
            [],
            ["Bürgerhaus Bockenheim", "S-2", "Frankfurt am Main ", "kommunale Liegenschaft",
             "6048", "Frankfurt",
             "", "", "", ""],
        ]),
        "Einsätze": (["Standort-ID", "ID", "Datum", "Beginn", "Ende", "Status", "Kapazität"], [
            ["S-1", "E-101", "20.12.2026", "09:00", "15:30", "geplant", "120"],
            ["S-2 ", "E-102", date(2026, 12, 21), datetime(1899, 12, 30, 8, 30),
             "14.00", "", 80],
        ]),
        "Personal": (["ID", "Vorname", "Nachname", "Rolle", "Benutzername", "Einsatz-IDs"], [
            ["P-1", "Jürgen", "Weiß", "Arzt", "j.weiss", "E-101, E-102"],
            ["P-2", "Ayşe", "Yılmaz ", "impfend", "", "E-101"],
        ]),
        "Chargen": (["Produkt", "Charge", "Verfallsdatum", "Dosen", "Einsatz-ID"], [
            ["Comirnaty", "FK9999", "31.03.2027", 60, "E-101"],
            ["EU/1/20/1528", "FK9999", date(2027, 3, 31), 40, "E-102"],
            ["priorix", "A7X", "30.06.27", 10, ""],
        ]),
    }


def write_book(path: Path, sheets: dict[str, Sheet], blank_rows: int = 0) -> Path:
    """Write with XlsxWriter (not openpyxl), real dates where the cell holds a date."""
    wb = xlsxwriter.Workbook(str(path))
    fmt_date = wb.add_format({"num_format": "dd.mm.yyyy"})
    fmt_time = wb.add_format({"num_format": "hh:mm"})
    fmt_blank = wb.add_format({"bg_color": "#FFFFCC"})
    for name, (header, rows) in sheets.items():
        ws = wb.add_worksheet(name)
        ws.write_row(0, 0, header)
        r = 0
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                if isinstance(value, datetime):
                    ws.write_datetime(r, c, value, fmt_time)
                elif isinstance(value, date):
                    ws.write_datetime(r, c, value, fmt_date)
                elif value != "":
                    ws.write(r, c, value)
        for extra in range(blank_rows):  # formatted but empty: counts as a row in Excel
            ws.write_blank(r + 1 + extra, 0, None, fmt_blank)
    wb.close()
    return path


def run(db: Database, path: Path, dry_run: bool = False) -> dict:
    with db.session() as s:
        return import_masterdata(s, full_actor(s, "iz"), path, dry_run=dry_run).to_json()


def test_tolerant_import_of_xlsxwriter_workbook(db: Database, tmp_path: Path) -> None:
    report = run(db, write_book(tmp_path / "stamm.xlsx", good_sheets()))
    assert report["ok"]
    assert report["created"] == {"site": 2, "visit": 2, "staff": 2, "visit_member": 3,
                                 "lot": 2, "lot_allocation": 2}
    with db.session() as s:
        sites = {x.external_id: x for x in s.scalars(select(Site))}
        assert sites["S-1"].name == "Jobcenter Gütersloh" and sites["S-1"].district_ags == "05754"
        assert sites["S-2"].postcode == "06048" and sites["S-2"].kind == "kommunal"
        assert sites["S-2"].district_ags == "06412"
        visits = {x.external_id: x for x in s.scalars(select(Visit))}
        assert visits["E-101"].date == date(2026, 12, 20)
        assert visits["E-102"].date == date(2026, 12, 21)
        assert visits["E-102"].start_time.isoformat() == "08:30:00"
        assert visits["E-102"].end_time.isoformat() == "14:00:00"
        assert visits["E-101"].planned_capacity == 120 and visits["E-102"].status == "geplant"
        assert visits["E-101"].site_id == sites["S-1"].id
        staff = {x.external_id: x for x in s.scalars(select(Staff))}
        assert staff["P-2"].family_name == "Yılmaz" and staff["P-2"].login == "a.yilmaz"
        assert staff["P-1"].role == "arzt" and staff["P-2"].role == "impfend"
        assert len(s.scalars(select(VisitMember)).all()) == 3
        lot = s.scalars(select(Lot).where(Lot.lot_number == "FK9999")).one()
        assert lot.product_key == "EU/1/20/1528" and lot.doses_received == 100
        assert lot.expiry_date == date(2027, 3, 31)
        assert sorted(a.doses for a in s.scalars(select(LotAllocation))) == [40, 60]
        measles = s.scalars(select(Lot).where(Lot.lot_number == "A7X")).one()
        assert measles.expiry_date == date(2027, 6, 30)


def test_reimport_is_idempotent_and_updates_changes(db: Database, tmp_path: Path) -> None:
    path = write_book(tmp_path / "stamm.xlsx", good_sheets())
    run(db, path)
    before = counts(with_admin(db))
    again = run(db, path)
    assert again["created"] == {} and again["updated"] == {} and counts(db) == before
    sheets = good_sheets()
    sheets["Einsätze"][1][0][6] = "150"
    changed = run(db, write_book(tmp_path / "stamm2.xlsx", sheets))
    assert changed["updated"] == {"visit": 1} and changed["created"] == {}


def test_same_workbook_gives_same_uuids_on_every_team(db: Database, tmp_path: Path,
                                                      template_db: Path) -> None:
    path = write_book(tmp_path / "stamm.xlsx", good_sheets())
    run(db, path)
    other_path = tmp_path / "other.sqlite"
    shutil.copy(template_db, other_path)
    other = Database.open(str(other_path))
    run(other, path)
    with db.session() as a, other.session() as b:
        for model in (Site, Visit, Staff, Lot, LotAllocation, VisitMember):
            assert set(a.scalars(select(model.id))) == set(b.scalars(select(model.id)))
    other.dispose()


def broken_sheets() -> dict[str, Sheet]:
    sheets = good_sheets()
    sheets["Standorte"][1][0][3] = "Turnhalle"  # Art
    sheets["Einsätze"][1][0][2] = "31.02.2026"  # no such day
    sheets["Einsätze"][1][1][0] = "S-9"  # unknown site
    sheets["Chargen"][1][2][3] = "viele"  # Dosen
    return sheets


def test_errors_are_reported_by_sheet_row_column_and_nothing_applied(
        db: Database, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_book(tmp_path / "kaputt.xlsx", broken_sheets())
    before = counts(with_admin(db))
    with pytest.raises(ImportFailed) as failed:
        run(db, path)
    where = {(e.sheet, e.row, e.column) for e in failed.value.report.errors}
    assert where == {("Standorte", 2, "Art"), ("Einsaetze", 2, "Datum"),
                     ("Einsaetze", 3, "Standort-ID"), ("Chargen", 4, "Dosen")}
    assert counts(db) == before
    assert main([*signed_db(db_path), "import", "masterdata", str(path), "--dry-run",
                 "--json"]) == 1
    out = capsys.readouterr()
    report = json.loads(out.out)
    assert set(report) == {"ok", "created", "updated", "unchanged", "conflicts", "errors"}
    assert report["ok"] is False and len(report["errors"]) == 4
    assert {"sheet": "Chargen", "row": 4, "column": "Dosen",
            "message": "„viele“ ist keine ganze Zahl."} in report["errors"]
    assert out.err.startswith("Fehler: 4 Fehler")
    assert main([*signed_db(db_path), "import", "masterdata", str(path), "--dry-run"]) == 1
    text = capsys.readouterr().out
    assert "Blatt „Einsaetze“, Zeile 2, Spalte „Datum“: Den Tag 31.02.2026 gibt es nicht" in text
    assert counts(db) == before


def test_dry_run_counts_but_applies_nothing(db: Database, db_path: Path, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    path = write_book(tmp_path / "stamm.xlsx", good_sheets())
    before = counts(with_admin(db))
    assert main([*signed_db(db_path), "import", "masterdata", str(path), "--dry-run",
                 "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] and report["created"]["site"] == 2
    assert counts(db) == before
    assert main([*signed_db(db_path), "import", "masterdata", str(path)]) == 0
    assert "Import abgeschlossen" in capsys.readouterr().out
    assert counts(db) != before


@pytest.mark.parametrize(("sheets_edit", "message"), [
    (lambda s: s.pop("Personal"), "Das Blatt „Personal“ fehlt"),
    (lambda s: s["Chargen"][0].__setitem__(1, "Los"), "Die Spalte „Charge“ fehlt"),
])
def test_missing_sheet_or_column(db: Database, tmp_path: Path, sheets_edit: Any,
                                 message: str) -> None:
    sheets = good_sheets()
    sheets_edit(sheets)
    with pytest.raises(ImportFailed) as failed:
        run(db, write_book(tmp_path / "x.xlsx", sheets))
    assert message in failed.value.report.errors[0].message


def test_100000_blank_rows(db: Database, db_path: Path, tmp_path: Path,
                           capsys: pytest.CaptureFixture[str]) -> None:
    path = write_book(tmp_path / "leer.xlsx", good_sheets(), blank_rows=100_000)
    assert run(db, path)["created"]["site"] == 2  # time: benchmarks/README_exchange.md
    only_blank = {name: (header, []) for name, (header, _rows) in good_sheets().items()}
    empty = write_book(tmp_path / "nurleer.xlsx", only_blank, blank_rows=100_000)
    before = counts(with_admin(db))
    assert main([*signed_db(db_path), "import", "masterdata", str(empty)]) == 1
    assert "enthält keine Daten" in capsys.readouterr().err
    assert counts(db) == before


def test_wrong_file_type(db_path: Path, tmp_path: Path,
                         capsys: pytest.CaptureFixture[str]) -> None:
    fake = tmp_path / "stamm.xlsx"
    fake.write_text("ID;Name\n1;x\n", encoding="utf-8")
    assert main([*signed_db(db_path), "import", "masterdata", str(fake)]) == 1
    assert "keine Excel-Arbeitsmappe" in capsys.readouterr().err
    cut = write_book(tmp_path / "ganz.xlsx", good_sheets())
    (tmp_path / "halb.xlsx").write_bytes(cut.read_bytes()[:2000])
    assert main([*signed_db(db_path), "import", "masterdata", str(tmp_path / "halb.xlsx")]) == 1
    assert "beschädigt oder unvollständig" in capsys.readouterr().err


def test_template(db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "vorlage.xlsx"
    assert main([*signed_db(db_path), "import", "masterdata", "--template", str(out)]) == 0
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Standorte", "Einsaetze", "Personal", "Chargen", "Hinweise"]
    assert [c.value for c in wb["Einsaetze"][1]] == ["ID", "Standort-ID", "Datum", "Beginn",
                                                     "Ende", "Kapazität", "Status"]
    assert [c.value for c in wb["Chargen"][1]] == ["Produkt", "Charge", "Verfallsdatum",
                                                   "Dosen", "Einsatz-ID"]
    assert "Vorlage geschrieben" in capsys.readouterr().out
    # the empty template itself is refused with a clear message, not silently "imported"
    assert main([*signed_db(db_path), "import", "masterdata", str(out)]) == 1
    assert "keine Daten" in capsys.readouterr().err


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice fehlt")
def test_workbook_saved_by_libreoffice(db: Database, tmp_path: Path) -> None:
    """Round trip through LibreOffice: its xlsx writer differs from XlsxWriter's."""
    source = write_book(tmp_path / "quelle.xlsx", good_sheets())
    outdir = tmp_path / "lo"
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-prof",
                    "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(outdir),
                    str(source)], check=True, capture_output=True, timeout=120)
    report = run(db, outdir / "quelle.xlsx")
    assert report["created"]["visit"] == 2 and report["created"]["lot_allocation"] == 2
