"""DIM CSV: layout, pseudonyms that follow merges, what is left out, escaping."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest

from core.cli import main
from core.db.engine import Database
from core.exchange.dim_export import COLUMNS, export_dim
from core.services.context import Actor
from core.services.persons import PersonInput, create_person, merge_persons
from core.services.vaccinations import VaccinationInput, record_vaccination, void_vaccination
from tests.cli_env import signed_db
from tests.conftest import TODAY, World


def give(db: Database, actor: Actor, world: World, person_id: str, product: str = "Comirnaty",
         **extra: object) -> str:
    with db.session() as s:
        data = VaccinationInput(person_id, TODAY, product, 1, 2, visit_id=world.visit_id,
                                lot_id=world.lot_id, indication="beruf",
                                physician_id=world.doctor_id, vaccinator_id=world.vaccinator_id,
                                consent_recorded=True, anamnesis_recorded=True)
        for key, value in extra.items():
            setattr(data, key, value)
        return record_vaccination(s, actor, data).id


def read(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    return list(csv.DictReader(raw.decode("utf-8").splitlines(), delimiter=";"))


def test_dim_layout_and_values(db: Database, actor: Actor, world: World, tmp_path: Path) -> None:
    dose_id = give(db, actor, world, world.person_id)
    out = tmp_path / "dim.csv"
    with db.session() as s:
        result = export_dim(s, out, TODAY, TODAY)
    assert result.rows == 1
    rows = read(out)
    assert list(rows[0]) == list(COLUMNS)
    row = rows[0]
    assert row["impfung_id"] == dose_id and row["geburtsmonat"] == "1980-04"
    assert row["geschlecht"] == "w" and row["plz_wohnort"] == "33330"
    assert row["kreis_wohnort"] == "05754" and row["impfstelle_kreis"] == "05754"
    assert row["impfdatum"] == TODAY.isoformat() and row["dosis"] == "1"
    assert row["serie_gesamt"] == "2" and row["auffrischung"] == "0"
    assert row["impfstoff_code"] == "EU/1/20/1528" and row["impfstoff_name"] == "Comirnaty"
    assert row["charge"] == "FK1234" and row["indikation"] == "beruf"
    assert row["impfzentrum_id"] == "IZ" and row["team_id"] == "T1"
    assert len(row["personen_pseudonym"]) == 24 and world.person_id not in out.read_text()
    assert "Müller" not in out.read_text(encoding="utf-8")


def test_dim_pseudonym_follows_merges_and_skips_voided(db: Database, actor: Actor,
                                                       world: World, tmp_path: Path) -> None:
    with db.session() as s:
        twin = create_person(s, actor, PersonInput("Mueller", "Anna", date(1980, 4, 10), "w"))
    give(db, actor, world, world.person_id)
    give(db, actor, world, twin.id)
    with db.session() as s:
        merge_persons(s, actor, twin.id, world.person_id)
    with db.session() as s:
        gone = create_person(s, actor, PersonInput("Weg", "Willi", date(1970, 1, 1), "m"))
    voided = give(db, actor, world, gone.id)
    with db.session() as s:
        void_vaccination(s, actor, voided, "falsch erfasst")
    out = tmp_path / "dim.csv"
    with db.session() as s:
        export_dim(s, out, TODAY, TODAY)
    rows = read(out)
    assert len(rows) == 2 and voided not in {r["impfung_id"] for r in rows}
    assert rows[0]["personen_pseudonym"] == rows[1]["personen_pseudonym"]


def test_dim_escapes_formula_text(db: Database, actor: Actor, world: World,
                                  tmp_path: Path) -> None:
    from sqlalchemy import update

    from core.db.models import Vaccination
    dose_id = give(db, actor, world, world.person_id)
    with db.session() as s:
        s.execute(update(Vaccination).where(Vaccination.id == dose_id)
                  .values(lot_number="=cmd|' /C calc'!A0"))
    out = tmp_path / "dim.csv"
    with db.session() as s:
        export_dim(s, out, TODAY, TODAY)
    assert read(out)[0]["charge"] == "'=cmd|' /C calc'!A0"


def test_dim_cli(db: Database, db_path: Path, actor: Actor, world: World, tmp_path: Path,
                 capsys: pytest.CaptureFixture[str]) -> None:
    give(db, actor, world, world.person_id)
    out = tmp_path / "dim.csv"
    assert main([*signed_db(db_path), "export", "dim", "--from", "01.01.2020", "--to",
                 TODAY.isoformat(), "--out", str(out), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["rows"] == 1
    assert main([*signed_db(db_path), "export", "dim", "--from", "2026-02-01", "--to",
                 "2026-01-01", "--out", str(out)]) == 1
    assert "--to liegt vor --from" in capsys.readouterr().err
