"""Scan page (frames from images, scanner line, image file, übernehmen) and admin page."""

from __future__ import annotations

import json
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from core.certificates.issue import issue_with
from core.certificates.keys import install_identity, write_training_files
from core.certificates.printing import write_certificate
from core.db.engine import Database
from core.db.models import Person, Vaccination
from core.services.context import Actor
from core.services.persons import PersonInput, create_person
from core.services.vaccinations import VaccinationInput, record_vaccination
from tests.conftest import TODAY, World
from tests.ui.conftest import signed_in
from ui.camera import CameraFrameSource, ImageFrameSource
from ui.pages.admin_page import AdminPage
from ui.pages.scan_page import ScanPage
from ui.write_path import WritePath


@pytest.fixture
def training(tmp_path: Path) -> None:
    """Training key + DSC installed as the installation's own (its DSC is then trusted)."""
    write_training_files(tmp_path / "keys")
    install_identity(tmp_path / "keys" / "dsc.key.pem", tmp_path / "keys" / "dsc.pem")


def issue_png(db: Database, actor: Actor, person_id: str, out: Path) -> tuple[str, Path]:
    from core.certificates.keys import installed_identity

    identity = installed_identity()
    assert identity is not None
    with db.session() as s:
        dose = record_vaccination(s, actor, VaccinationInput(
            person_id, date(2021, 6, 1), "Comirnaty", 2, 2, lot_number="EW9",
            source="nachtrag_impfpass"))
        cert = issue_with(s, actor, dose.id, identity)
        png = write_certificate(s, cert, out)
        return cert.hc1, png


def test_camera_frame_to_verified_status(qtbot: QtBot, db: Database, actor: Actor,
                                         world: World, training: None,
                                         tmp_path: Path) -> None:
    _hc1, png = issue_png(db, actor, world.person_id, tmp_path / "cert.png")
    source = ImageFrameSource()
    page = ScanPage(WritePath(db), actor, source)
    qtbot.addWidget(page)
    page.show()
    assert source.running
    with qtbot.waitSignal(page.result_shown, timeout=10000) as signal:
        source.push(QImage(str(png)))
    result = signal.args[0]
    assert result.status == "vollstaendig" and result.signature == "valid"
    assert "Müller" in page.person.text()
    # the registered person is offered first for "übernehmen"
    assert page.matches.item(0).data(256) == world.person_id


def test_no_camera_says_so(qtbot: QtBot, db: Database, actor: Actor) -> None:
    source = CameraFrameSource()
    page = ScanPage(WritePath(db), actor, source)
    qtbot.addWidget(page)
    page.show()
    if not source.available():
        assert "Keine Kamera" in page.camera_label.text()


def test_app_works_without_qtmultimedia(qtbot: QtBot, db: Database, actor: Actor,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine without libpulse cannot import QtMultimedia: the scan page still works."""
    monkeypatch.setitem(sys.modules, "PySide6.QtMultimedia", None)  # import raises
    source = CameraFrameSource()
    page = ScanPage(WritePath(db), actor, source)
    qtbot.addWidget(page)
    page.show()
    assert not source.available()
    assert "Keine Kamera" in page.camera_label.text()


def test_scanner_line_and_adopt_new_person(qtbot: QtBot, db: Database, actor: Actor,
                                           world: World, training: None,
                                           tmp_path: Path) -> None:
    with db.session() as s:
        stranger = create_person(s, actor, PersonInput("Öztürk", "Elif", date(1990, 2, 3))).id
    hc1, _png = issue_png(db, actor, stranger, tmp_path / "c.png")
    with db.session() as s:  # the team at the other site does not know her yet
        person = s.get(Person, stranger)
        assert person is not None
        person.family_name = "Anders"
        person.family_norm = "anders"
        person.family_phon = "0627"
    page = ScanPage(WritePath(db), actor, ImageFrameSource())
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.result_shown, timeout=10000):
        page.check_text(hc1)
    assert page.matches.item(page.matches.count() - 1).data(256) is None  # "neue Person"
    page.matches.setCurrentRow(page.matches.count() - 1)
    with qtbot.waitSignal(page.adopted, timeout=5000) as signal:
        page.adopt_button.click()
    with db.session() as s:
        new = s.get(Person, signal.args[0])
        assert new is not None and new.family_name == "Öztürk" and new.id != stranger
        doses = s.scalars(select(Vaccination).where(Vaccination.person_id == new.id)).all()
        assert [(d.source, d.dose_number) for d in doses] == [("nachtrag_zertifikat", 2)]


def test_image_without_code_is_kein_code(qtbot: QtBot, db: Database, actor: Actor,
                                         tmp_path: Path) -> None:
    blank = QImage(400, 300, QImage.Format.Format_RGB32)
    blank.fill(0xFFFFFF)
    path = tmp_path / "blank.png"
    blank.save(str(path))
    page = ScanPage(WritePath(db), actor, ImageFrameSource())
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.result_shown, timeout=10000) as signal:
        page.open_image(str(path))
    assert signal.args[0].status == "kein_code"
    assert not page.adopt_button.isEnabled()


def test_admin_trust_list_import_and_age_warning(qtbot: QtBot, tmp_path: Path) -> None:
    files_dir = tmp_path / "training"
    write_training_files(files_dir)
    listing = json.loads((files_dir / "trustlist.json").read_text())
    old = (datetime.now(UTC) - timedelta(days=9)).isoformat(timespec="seconds")
    for entry in listing["certificates"]:
        entry["timestamp"] = old
    stale = tmp_path / "stale.json"
    stale.write_text(json.dumps(listing))
    page = AdminPage()
    qtbot.addWidget(page)
    page.refresh()
    assert "älter als 7 Tage oder fehlt" in page.warning.text()
    assert "Kein Signaturschlüssel" in page.key.text()
    page.import_list(str(stale))
    assert "1 Signaturzertifikate" in page.trust.text()
    assert "älter als 7 Tage" in page.warning.text()
    page.import_list(str(files_dir / "trustlist.json"))
    assert page.warning.text() == ""
    bad = tmp_path / "bad.json"
    bad.write_text("{kaputt")
    page.import_list(str(bad))
    assert "nicht übernommen" in page.message.text()
    assert "1 Signaturzertifikate" in page.trust.text()  # the good list stays


def test_window_has_scan_and_admin_pages(qtbot: QtBot, db: Database, world: World) -> None:
    from ui.main_window import PAGE_ADMIN, PAGE_SCAN, MainWindow

    window = MainWindow(db, signed_in(db), TODAY, ImageFrameSource())
    qtbot.addWidget(window)
    window.nav.setCurrentRow(PAGE_SCAN)
    assert window.stack.currentWidget() is window.scan_page
    window.nav.setCurrentRow(PAGE_ADMIN)
    assert window.stack.currentWidget() is window.admin_page
