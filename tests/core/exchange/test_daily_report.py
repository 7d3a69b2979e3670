"""Daily report: four sheets, German headers, real dates, frozen header, filter, chart."""

from __future__ import annotations

import json
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from core.cli import main
from core.db.engine import Database
from core.exchange.daily_report import age_group, export_daily
from core.services.context import Actor
from core.services.persons import PersonInput, create_person
from core.services.vaccinations import VaccinationInput, record_vaccination
from tests.cli_env import signed_db
from tests.conftest import TODAY, World


def dose(db: Database, actor: Actor, world: World, family: str = "Müller",
         birth: date = date(1980, 4, 10), target: str = "sgb2_kunde") -> str:
    with db.session() as s:
        person = create_person(s, actor, PersonInput(family, "Anna", birth, "w",
                                                     target_group=target))
        v = record_vaccination(s, actor, VaccinationInput(
            person.id, TODAY, "Comirnaty", 1, 2, visit_id=world.visit_id, lot_id=world.lot_id,
            indication="alter", physician_id=world.doctor_id, vaccinator_id=world.vaccinator_id,
            consent_recorded=True, anamnesis_recorded=True))
        return v.id


def test_age_groups() -> None:
    assert [age_group(a) for a in (0, 4, 5, 11, 12, 17, 18, 59, 60, 99)] == [
        "00–04", "00–04", "05–11", "05–11", "12–17", "12–17", "18–59", "18–59", "60+", "60+"]


def test_daily_report_layout(db: Database, actor: Actor, world: World, tmp_path: Path) -> None:
    ids = [dose(db, actor, world), dose(db, actor, world, "=HYPERLINK(\"x\")",
                                        date(1950, 1, 1), "jobcenter_personal")]
    out = tmp_path / "bericht.xlsx"
    with db.session() as s:
        result = export_daily(s, out, visit_id=world.visit_id)
    assert result.doses == 2 and result.visits == 1
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Übersicht", "Impfungen", "Chargen", "Einsatz"]
    over = wb["Übersicht"]
    assert [c.value for c in over[4]] == ["Impfstoff", "Dosis", "Zielgruppe", "00–04", "05–11",
                                          "12–17", "18–59", "60+", "Summe"]
    assert over.freeze_panes == "A5" and over.auto_filter.ref == "A4:I6"
    total = [c.value for c in over[7]]
    assert total[0] == "Summe" and total[6:9] == [1, 1, 2]
    doses = wb["Impfungen"]
    assert doses.freeze_panes == "A2" and doses.auto_filter.ref.startswith("A1:")
    header = [c.value for c in doses[1]]
    assert header[:3] == ["Datum", "Nachname", "Vorname"]
    assert header[-3:] == ["Impfung-ID", "Person-ID", "Einsatz-ID"]
    rows = [dict(zip(header, (c.value for c in r), strict=True))
            for r in doses.iter_rows(min_row=2)]
    assert {r["Impfung-ID"] for r in rows} == set(ids)
    assert rows[0]["Datum"].date() == TODAY and doses["A2"].number_format == "dd.mm.yyyy"
    assert doses["D2"].number_format == "dd.mm.yyyy"  # birth date: a real date too
    names = {r["Nachname"] for r in rows}
    assert "'=HYPERLINK(\"x\")" in names  # escaped: shown as text, never run
    assert {r["Zielgruppe"] for r in rows} == {"SGB-II-Kundschaft", "Jobcenter-Personal"}
    assert all(doses.column_dimensions[col].width >= 10 for col in "ABCD")
    assert doses.column_dimensions["T"].width >= 36
    lots = [[c.value for c in r] for r in wb["Chargen"].iter_rows(min_row=2)]
    assert lots[0][3] == "FK1234" and lots[0][5:9] == [30, 2, 0, 28]
    visit = [[c.value for c in r] for r in wb["Einsatz"].iter_rows(min_row=2)]
    assert visit[0][10] == 2 and visit[0][11] == world.visit_id
    assert wb["Einsatz"].auto_filter.ref == "A1:L2"
    team = {tuple(r[1:3]) for r in visit[3:]}
    assert ("Eva Wagner", "Ärztin/Arzt") in team and ("Tim Koch", "Impfende/r (inkl. MFA)") in team
    with zipfile.ZipFile(out) as archive:  # the bar chart sits on Übersicht
        assert any(n.startswith("xl/charts/chart") for n in archive.namelist())
        drawing_rels = archive.read("xl/worksheets/_rels/sheet1.xml.rels").decode()
        assert "drawing" in drawing_rels
        chart = archive.read("xl/charts/chart1.xml").decode()
        assert "<c:barChart>" in chart and "Übersicht" in chart


def test_daily_report_by_date_and_cli(db: Database, db_path: Path, actor: Actor, world: World,
                                      tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dose(db, actor, world)
    out = tmp_path / "tag.xlsx"
    assert main([*signed_db(db_path), "export", "daily", "--date", f"{TODAY:%d.%m.%Y}",
                 "--out", str(out), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"file": str(out), "doses": 1, "visits": 1}
    assert main([*signed_db(db_path), "export", "daily", "--visit", "gibtsnicht",
                 "--out", str(out)]) == 1
    assert "nicht gefunden" in capsys.readouterr().err
    assert main([*signed_db(db_path), "export", "daily", "--date", "2026-01-01",
                 "--out", str(tmp_path / "x.csv")]) == 1
    assert "keine .xlsx-Datei" in capsys.readouterr().err


def test_daily_report_for_1000_doses(db: Database, world: World,
                                      tmp_path: Path) -> None:
    from datetime import timedelta

    from sqlalchemy import insert

    from core.db.models import Person, Vaccination
    from core.db.versioning import next_versions

    with db.session() as s:  # 1,000 doses on the visit, bulk-inserted like the demo data
        first = next_versions(s, 2000) - 2000
        s.execute(insert(Person), [{
            "id": f"00000000-0000-4000-8000-{i:012d}", "family_name": f"Muster{i}",
            "given_name": "Kim", "birth_date": TODAY - timedelta(days=365 * (5 + i % 80)),
            "sex": "wmdu"[i % 4], "created_by": "t", "origin": "t",
            "row_version": first + i + 1} for i in range(1000)])
        s.execute(insert(Vaccination), [{
            "id": f"10000000-0000-4000-8000-{i:012d}",
            "person_id": f"00000000-0000-4000-8000-{i:012d}", "visit_id": world.visit_id,
            "date": TODAY, "product_key": "EU/1/20/1528", "lot_id": world.lot_id,
            "lot_number": "FK1234", "disease": "covid19", "dose_number": 1 + i % 3,
            "series_total": 2, "booster": i % 3 == 2, "indication": "alter",
            "created_by": "t", "origin": "t", "row_version": first + 1001 + i}
            for i in range(1000)])
    with db.session() as s:  # the time goal (1 s) is measured in benchmarks/bench_exchange.py
        result = export_daily(s, tmp_path / "gross.xlsx", visit_id=world.visit_id)
    assert result.doses == 1000
