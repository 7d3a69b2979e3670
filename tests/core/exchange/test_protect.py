"""Password-protected exports: encrypted xlsx, AES zips for DIM and sync, and the rules.

The files must open with the password and only with it, the configured protection must
stop an export without a password before anything is written, and no plain copy may be
left behind next to the target.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import msoffcrypto
import openpyxl
import pytest
import pyzipper
from msoffcrypto.exceptions import InvalidKeyError

from core.cli import main
from core.db.engine import Database
from core.errors import UserError, ValidationError
from core.exchange.protect import (
    PASSWORD_ENV,
    is_encrypted_zip,
    package_passwords,
    password_from_env,
    protected_export_daily,
    protected_export_dim,
    protected_export_sync,
)
from core.exchange.sync_import import import_sync, import_sync_many
from core.services.context import Actor
from core.settings import get_setting, set_setting
from tests.cli_env import full_actor, signed_db
from tests.conftest import TODAY, World
from tests.core.exchange.conftest import DEMO_DAY
from tests.core.exchange.helpers import all_rows, counts

PASSWORD = "Sommer-Impfung-2026!"
REPO = Path(__file__).resolve().parents[3]


def give_dose(db: Database, actor: Actor, world: World) -> None:
    from core.services.vaccinations import VaccinationInput, record_vaccination

    with db.session() as s:
        record_vaccination(s, actor, VaccinationInput(
            world.person_id, TODAY, "Comirnaty", 1, 2, visit_id=world.visit_id,
            lot_id=world.lot_id, indication="alter", physician_id=world.doctor_id,
            vaccinator_id=world.vaccinator_id, consent_recorded=True,
            anamnesis_recorded=True))


def protect(db: Database) -> None:
    with db.session() as s:
        set_setting(s, "export_protection", "passwort")


def only_file(folder: Path) -> list[str]:
    """Every file in ``folder`` (to prove no plain copy or .part was left behind)."""
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def outdir(tmp_path: Path) -> Path:
    """An empty folder for the exports (the test database lives in ``tmp_path``)."""
    folder = tmp_path / "ausgabe"
    folder.mkdir()
    return folder


# --- the setting and the password rules --------------------------------------------------

def test_setting_defaults_to_off_and_accepts_only_its_values(db: Database) -> None:
    with db.session() as s:
        assert get_setting(s, "export_protection") == "aus"
        set_setting(s, "export_protection", " passwort ")
        assert get_setting(s, "export_protection") == "passwort"
        with pytest.raises(ValidationError, match="erlaubt sind nur „aus“ oder „passwort“"):
            set_setting(s, "export_protection", "ja")


def test_short_password_is_rejected_and_nothing_written(db: Database, world: World,
                                                        outdir: Path) -> None:
    out = outdir / "bericht.xlsx"
    with db.session() as s, pytest.raises(UserError, match="mindestens 12 Zeichen"):
        protected_export_daily(s, out, "kurz-123", visit_id=world.visit_id)
    assert only_file(outdir) == []


def test_password_from_environment() -> None:
    assert password_from_env(None, {PASSWORD_ENV: PASSWORD}) == PASSWORD
    assert password_from_env(None, {}) is None
    assert password_from_env("MEIN_PW", {"MEIN_PW": PASSWORD, PASSWORD_ENV: "x"}) == PASSWORD
    with pytest.raises(UserError, match=r"MEIN_PW .* nicht gesetzt"):
        password_from_env("MEIN_PW", {PASSWORD_ENV: PASSWORD})


def test_configured_protection_without_password_refuses(db: Database, world: World,
                                                        outdir: Path) -> None:
    protect(db)
    with db.session() as s, pytest.raises(UserError, match="Exportschutz ist eingeschaltet"):
        protected_export_dim(s, outdir / "dim.csv", TODAY, TODAY, None)
    assert only_file(outdir) == []


# --- daily report: Office-encrypted workbook ---------------------------------------------

def test_daily_report_is_office_encrypted_and_reads_back(db: Database, actor: Actor,
                                                         world: World, outdir: Path) -> None:
    give_dose(db, actor, world)
    out = outdir / "bericht.xlsx"
    with db.session() as s:
        result = protected_export_daily(s, out, PASSWORD, visit_id=world.visit_id)
    assert result.path == out and result.doses == 1
    assert only_file(outdir) == ["bericht.xlsx"]
    assert not zipfile.is_zipfile(out)  # an OLE container, no readable xlsx inside
    with out.open("rb") as handle:
        office = msoffcrypto.OfficeFile(handle)
        assert office.is_encrypted()
        office.load_key(password="falsches-Passwort-123")
        with pytest.raises(InvalidKeyError):
            office.decrypt(io.BytesIO())
        office.load_key(password=PASSWORD)
        plain = io.BytesIO()
        office.decrypt(plain)
    workbook = openpyxl.load_workbook(plain)
    assert workbook.sheetnames == ["Übersicht", "Impfungen", "Chargen", "Einsatz"]
    header = [c.value for c in workbook["Impfungen"][1]]
    row = dict(zip(header, (c.value for c in workbook["Impfungen"][2]), strict=True))
    assert row["Nachname"] == "Müller" and row["Person-ID"] == world.person_id


def test_unprotected_export_is_unchanged(db: Database, actor: Actor, world: World,
                                         outdir: Path) -> None:
    give_dose(db, actor, world)
    out = outdir / "bericht.xlsx"
    with db.session() as s:
        protected_export_daily(s, out, None, visit_id=world.visit_id)
    assert openpyxl.load_workbook(out).sheetnames[0] == "Übersicht"


def test_cancelled_protected_export_leaves_nothing(db: Database, actor: Actor, world: World,
                                                   outdir: Path) -> None:
    from core.exchange.common import Cancel, Cancelled

    give_dose(db, actor, world)
    cancel = Cancel()

    def stop_at_encryption(percent: int, message: str) -> None:
        if "verschlüsseln" in message:
            cancel.set()

    with db.session() as s, pytest.raises(Cancelled):
        protected_export_daily(s, outdir / "bericht.xlsx", PASSWORD,
                               visit_id=world.visit_id, progress=stop_at_encryption,
                               cancel=cancel)
    assert only_file(outdir) == []


def test_progress_rises_to_one_final_fertig(db: Database, actor: Actor, world: World,
                                            outdir: Path) -> None:
    give_dose(db, actor, world)
    seen: list[tuple[int, str]] = []
    with db.session() as s:
        protected_export_daily(s, outdir / "bericht.xlsx", PASSWORD, visit_id=world.visit_id,
                               progress=lambda p, m: seen.append((p, m)))
    percents = [p for p, _ in seen]
    assert percents == sorted(percents) and seen[-1] == (100, "Fertig")
    assert [m for _, m in seen].count("Fertig") == 1


# --- DIM: CSV inside an AES-256 zip ------------------------------------------------------

def test_dim_zip_opens_with_password_only(db: Database, actor: Actor, world: World,
                                          outdir: Path) -> None:
    give_dose(db, actor, world)
    with db.session() as s:
        result = protected_export_dim(s, outdir / "dim.csv", TODAY, TODAY, PASSWORD)
    target = outdir / "dim.csv.zip"
    assert result.path == target and result.rows == 1
    assert only_file(outdir) == ["dim.csv.zip"]
    assert is_encrypted_zip(target)
    with zipfile.ZipFile(target) as plain_reader:  # the standard library cannot read it
        assert plain_reader.namelist() == ["dim.csv"]
        with pytest.raises(RuntimeError, match="password required"):
            plain_reader.read("dim.csv")
    with pyzipper.AESZipFile(target) as archive:
        info = archive.getinfo("dim.csv")
        assert info.wz_aes_strength == 3  # AES-256
        archive.setpassword(b"falsches-Passwort-123")
        with pytest.raises(RuntimeError, match="Bad password"):
            archive.read("dim.csv")
        archive.setpassword(PASSWORD.encode())
        text = archive.read("dim.csv").decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert len(rows) == 1 and rows[0]["impfdatum"] == TODAY.isoformat()


def test_dim_out_ending_in_zip_is_kept(db: Database, world: World, outdir: Path) -> None:
    with db.session() as s:
        result = protected_export_dim(s, outdir / "meldung.zip", TODAY, TODAY, PASSWORD)
    assert result.path == outdir / "meldung.zip" and result.rows == 0
    with pyzipper.AESZipFile(result.path) as archive:
        assert archive.namelist() == ["meldung.csv"]


# --- sync package: AES zip, imported with the password -----------------------------------

@pytest.fixture
def locked_package(team_a: Database, tmp_path: Path) -> Path:
    out = tmp_path / "paket.zip"
    with team_a.session() as s:
        protected_export_sync(s, full_actor(s, "leitung"), out, PASSWORD, full=True)
    return out


def test_sync_package_is_encrypted_and_mark_names_the_real_file(
        team_a: Database, locked_package: Path) -> None:
    from sqlalchemy import select

    from core.db.models import ExportMark

    assert is_encrypted_zip(locked_package)
    assert sorted(p.name for p in locked_package.parent.glob("paket*")) == ["paket.zip"]
    with pyzipper.AESZipFile(locked_package) as archive:
        assert {i.filename for i in archive.infolist()} == {"manifest.json", "signature.json",
                                                            "data.xlsx"}
        assert all(i.flag_bits & 0x1 and i.wz_aes_strength == 3 for i in archive.infolist())
    with team_a.session() as s:
        marks = s.scalars(select(ExportMark)).all()
        assert [m.file_name for m in marks] == ["paket.zip"]


def test_encrypted_package_imports_with_password(team_a: Database, hub: Database,
                                                 locked_package: Path) -> None:
    with hub.session() as s, package_passwords([locked_package], PASSWORD):
        report = import_sync(s, full_actor(s, "iz.admin"), locked_package)
    assert report.ok and report.conflicts == 0
    team_rows, hub_rows = all_rows(team_a), all_rows(hub)
    for entity, rows in team_rows.items():
        assert hub_rows[entity] == rows, entity


def test_encrypted_packages_import_as_one_batch(team_a: Database, team_b: Database,
                                                hub: Database, locked_package: Path,
                                                tmp_path: Path) -> None:
    """The next package of a batch is read in a helper process: it needs the password
    too (it is handed over the helper's private pipe, never on the command line)."""
    second = tmp_path / "paket_b.zip"
    with team_b.session() as s:
        protected_export_sync(s, full_actor(s, "leitung"), second, PASSWORD, full=True)
    packages = [locked_package, second, locked_package]
    with hub.session() as s, package_passwords(packages, PASSWORD):
        report = import_sync_many(s, full_actor(s, "iz.admin"), packages)
    assert report.ok and report.conflicts == 0
    hub_rows = all_rows(hub)
    for team in (team_a, team_b):
        for entity, rows in all_rows(team).items():
            assert {k: hub_rows[entity][k] for k in rows} == rows, entity


@pytest.mark.parametrize("password", [None, "falsches-Passwort-123"])
def test_encrypted_package_without_or_with_wrong_password(
        hub: Database, locked_package: Path, password: str | None) -> None:
    before = counts(hub)
    expected = "Passwort geschützt" if password is None else r"Passwort .* ist falsch"
    with hub.session() as s, package_passwords([locked_package], password), \
            pytest.raises(UserError, match=expected):
        import_sync(s, full_actor(s, "iz.admin"), locked_package)
    assert counts(hub) == before


def test_cli_export_and_import_with_password_env(
        team_a: Database, hub: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    import json

    monkeypatch.setenv("TEAM_PW", PASSWORD)
    out = tmp_path / "cli.zip"
    assert main([*signed_db(team_a.sqlite_path), "export", "sync", "--out", str(out),
                 "--full", "--password-env", "TEAM_PW", "--json"]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert exported["encrypted"] is True and is_encrypted_zip(out)
    assert main([*signed_db(hub.sqlite_path), "import", "sync", str(out)]) == 1
    assert "mit einem Passwort geschützt" in capsys.readouterr().err
    monkeypatch.setenv(PASSWORD_ENV, "falsches-Passwort-123")
    assert main([*signed_db(hub.sqlite_path), "import", "sync", str(out)]) == 1
    assert "Passwort für „cli.zip“ ist falsch" in capsys.readouterr().err
    assert main([*signed_db(hub.sqlite_path), "import", "sync", str(out),
                 "--password-env", "TEAM_PW", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] and report["created"]["vaccination"] == exported["counts"]["vaccination"]


def test_cli_protection_command(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*signed_db(db_path), "export", "protection"]) == 0
    assert "Exportschutz: aus" in capsys.readouterr().out
    assert main([*signed_db(db_path), "export", "protection", "passwort"]) == 0
    assert "Exportschutz: passwort" in capsys.readouterr().out


# --- the real process: configured, but no password given ---------------------------------

@pytest.mark.parametrize("command", [
    ["daily", "--date", DEMO_DAY.isoformat(), "--out", "bericht.xlsx"],
    ["dim", "--from", "2026-01-01", "--to", DEMO_DAY.isoformat(), "--out", "dim.csv"],
    ["sync", "--full", "--out", "paket.zip"],
])
def test_configured_but_no_password_exits_1_without_a_file(
        team_a: Database, tmp_path: Path, command: list[str]) -> None:
    protect(team_a)
    folder = tmp_path / "ausgabe"
    folder.mkdir()
    argv = [arg if not arg.endswith((".xlsx", ".csv", ".zip")) else str(folder / arg)
            for arg in command]
    env = {k: v for k, v in os.environ.items() if k != PASSWORD_ENV}
    done = subprocess.run([sys.executable, "main.py", *signed_db(team_a.sqlite_path),
                           "export", *argv], cwd=REPO, env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Fehler: Exportschutz ist eingeschaltet")
    assert only_file(folder) == []


def test_subprocess_with_short_password_exits_1(team_a: Database, tmp_path: Path) -> None:
    protect(team_a)
    env = {**os.environ, "KURZ": "zu-kurz"}
    done = subprocess.run([sys.executable, "main.py", *signed_db(team_a.sqlite_path),
                           "export", "daily", "--date", f"{date(2026, 11, 20):%d.%m.%Y}",
                           "--out", str(tmp_path / "b.xlsx"), "--password-env", "KURZ"],
                          cwd=REPO, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 1 and "mindestens 12 Zeichen" in done.stderr
    assert not (tmp_path / "b.xlsx").exists()
