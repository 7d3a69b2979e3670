"""Exchange page: exports and imports run in workers with progress; errors reported."""

from __future__ import annotations

import zipfile
from pathlib import Path

from openpyxl import load_workbook
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from core.db.engine import Database
from core.db.models import Person
from core.services.context import Actor
from tests.conftest import TODAY, World
from tests.core.exchange.conftest import trust_own_signer
from ui.pages.exchange_page import ExchangePage


def page_for(qtbot: QtBot, db: Database, actor: Actor) -> ExchangePage:
    page = ExchangePage(db, actor, TODAY)
    qtbot.addWidget(page)
    return page


def wait_done(qtbot: QtBot, page: ExchangePage) -> None:
    qtbot.waitUntil(lambda: not page.running, timeout=20000)


def test_daily_report_and_sync_package(qtbot: QtBot, db: Database, actor: Actor,
                                       world: World, tmp_path: Path) -> None:
    page = page_for(qtbot, db, actor)
    page.export_daily(str(tmp_path / "tag.xlsx"))
    assert page.running and not page.buttons["daily"].isEnabled()
    wait_done(qtbot, page)
    assert "Tagesbericht gespeichert" in page.status.text(), page.status.text()
    workbook = load_workbook(tmp_path / "tag.xlsx", read_only=True)
    assert {"Übersicht", "Impfungen", "Chargen", "Einsatz"} <= set(workbook.sheetnames)
    page.export_sync(str(tmp_path / "paket.zip"))
    wait_done(qtbot, page)
    assert "Paket gespeichert" in page.status.text(), page.status.text()
    assert page.progress.value() == 100
    with zipfile.ZipFile(tmp_path / "paket.zip") as archive:
        assert "manifest.json" in archive.namelist()


def test_bad_master_data_is_reported_and_nothing_applied(qtbot: QtBot, db: Database,
                                                         actor: Actor, tmp_path: Path) -> None:
    page = page_for(qtbot, db, actor)
    page.save_template(str(tmp_path / "vorlage.xlsx"))
    wait_done(qtbot, page)
    workbook = load_workbook(tmp_path / "vorlage.xlsx")
    sheet = workbook["Standorte"]
    headers = [cell.value for cell in sheet[1]]
    row = {"ID": "S1", "Name": "Jobcenter Test", "Art": "Raumstation", "PLZ": "33330",
           "Ort": "Gütersloh", "Kreis (AGS)": "05754"}
    sheet.append([row.get(str(h), "") for h in headers])
    workbook.save(tmp_path / "stamm.xlsx")
    page.import_master(dry_run=True, path=str(tmp_path / "stamm.xlsx"))
    wait_done(qtbot, page)
    assert "Fehler" in page.status.text(), page.status.text()
    assert "Standorte" in page.report.toPlainText()
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Person)) == 0


def test_wrong_file_type_gives_german_message(qtbot: QtBot, db: Database, actor: Actor,
                                              tmp_path: Path) -> None:
    page = page_for(qtbot, db, actor)
    bogus = tmp_path / "paket.zip"
    bogus.write_text("kein zip")
    page.import_sync(str(bogus))
    wait_done(qtbot, page)
    assert page.status.text() and "Traceback" not in page.status.text()
    assert all(button.isEnabled() for button in page.buttons.values())


def test_cancel_leaves_no_file(qtbot: QtBot, db: Database, actor: Actor,
                               tmp_path: Path) -> None:
    from core.demo.generator import generate_demo

    with db.session() as s:
        generate_demo(s, actor.user, actor.origin, persons=3000, seed=4, today=TODAY)
    page = page_for(qtbot, db, actor)
    page.full_sync.setChecked(True)
    page.export_sync(str(tmp_path / "gross.zip"))
    page.stop_button.click()
    wait_done(qtbot, page)
    assert "abgebrochen" in page.status.text().lower(), page.status.text()
    assert not (tmp_path / "gross.zip").exists()


def test_protected_export_needs_the_password(qtbot: QtBot, db: Database, actor: Actor,
                                             world: World, tmp_path: Path) -> None:
    from core.exchange.protect import is_encrypted_zip
    from core.settings import set_setting

    with db.session() as s:
        set_setting(s, "export_protection", "passwort")
    page = page_for(qtbot, db, actor)
    page.export_sync(str(tmp_path / "ohne.zip"))
    wait_done(qtbot, page)
    assert "Passwort" in page.status.text() and not (tmp_path / "ohne.zip").exists()
    page.password.setText("ein-langes-Passwort-2026")
    page.export_sync(str(tmp_path / "mit.zip"))
    wait_done(qtbot, page)
    assert "Paket gespeichert" in page.status.text(), page.status.text()
    assert is_encrypted_zip(tmp_path / "mit.zip")
    assert page.password.echoMode() == page.password.EchoMode.Password


def test_several_packages_import_as_one_batch(qtbot: QtBot, db: Database, actor: Actor,
                                              world: World, tmp_path: Path) -> None:
    from core.db.models import ImportedPackage, Vaccination
    from core.demo.generator import generate_demo

    page = page_for(qtbot, db, actor)
    page.export_sync(str(tmp_path / "eins.zip"))
    wait_done(qtbot, page)
    with db.session() as s:
        generate_demo(s, actor.user, actor.origin, persons=40, seed=5, today=TODAY)
    page.export_sync(str(tmp_path / "zwei.zip"))
    wait_done(qtbot, page)
    hub = Database.open(str(tmp_path / "hub.sqlite"))
    trust_own_signer(hub)  # the hub trusts this laptop's registered package key
    try:
        hub_page = page_for(qtbot, hub, actor)
        assert hub_page.buttons["import_sync"].text() == "Pakete &einlesen…"
        hub_page.import_sync([str(tmp_path / "eins.zip"), str(tmp_path / "zwei.zip")])
        wait_done(qtbot, hub_page)
        assert hub_page.status.text() == "Eingelesen.", hub_page.status.text()
        with hub.session() as s, db.session() as team:
            assert s.scalar(select(func.count()).select_from(ImportedPackage)) == 2
            doses = select(func.count()).select_from(Vaccination)
            assert s.scalar(doses) == team.scalar(doses) > 0
        assert "neu: Impfungen " in hub_page.report.toPlainText()
    finally:
        hub.dispose()
