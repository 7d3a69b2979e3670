"""End-to-end field day through the real widgets, asserting on the database."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from core.certificates.issue import issue_certificate
from core.certificates.keys import make_training_pki
from core.db.engine import Database
from core.db.models import AuditEntry, Person, Vaccination, Visit
from core.db.models_field import CheckIn
from core.services.context import Actor
from core.services.persons import PersonInput, create_person
from core.services.vaccinations import VaccinationInput, record_vaccination
from tests.conftest import TODAY, World
from tests.ui.helpers import Actions, wait_for, wait_writes, when_modal
from ui.dialogs.close_visit_dialog import CloseVisitDialog
from ui.dialogs.dose_dialog import DoseDialog
from ui.dialogs.registration_dialog import RegistrationDialog
from ui.main_window import PAGE_PERSON, MainWindow


def doses(db: Database) -> list[Vaccination]:
    with db.session() as s:
        return list(s.scalars(select(Vaccination).where(Vaccination.source == "verabreicht")))


def certificate_for(db: Database, actor: Actor, world: World) -> str:
    """An HC1 for the world's person from an earlier (back-entered) dose."""
    with db.session() as s:
        earlier = record_vaccination(s, actor, VaccinationInput(
            world.person_id, date(2021, 6, 1), "Comirnaty", 2, 2, lot_number="EW1",
            source="nachtrag_impfpass"))
        _csca, identity = make_training_pki()
        cert = issue_certificate(s, actor, earlier.id, identity.key, identity.certificate)
        return cert.hc1


FAILURES: list[str] = []


def confirm_and_save(actions: Actions) -> None:
    """Action: "Alle bestätigt"; action: Enter (saves). A dialog left open fails the test."""
    def act(dialog: DoseDialog) -> None:
        actions(dialog.all_confirmed.click)
        actions(lambda: QtBot.keyClick(dialog.product, Qt.Key.Key_Return))
        wait_for(lambda: not dialog.saving)  # the write path answers on the GUI thread
        if dialog.isVisible():
            FAILURES.append(dialog.message.text() or "dose dialog still open")
            dialog.reject()
    when_modal(DoseDialog, act)


def test_returning_person_by_certificate_in_five_actions(
        qtbot: QtBot, window: MainWindow, db: Database, actor: Actor, world: World) -> None:
    hc1 = certificate_for(db, actor, world)
    page = window.field_page
    assert page is not None and page.scan.isVisible()
    actions = Actions()
    # 1: the USB scanner types the code and presses Enter: the registered holder is
    #    checked in at once (the certificate's dose is already stored: skipped)
    actions(lambda: (page.scan.setText(hc1), QtBot.keyClick(page.scan, Qt.Key.Key_Return)))
    wait_writes(window.write_path)
    assert page.queue.rowCount() == 1, page.message.text()
    assert page.queue_view.hasFocus()
    # 2: Enter on the queue opens the dose dialog; 3+4: confirm all, Enter
    confirm_and_save(actions)
    actions(lambda: QtBot.keyClick(page.queue_view, Qt.Key.Key_Return))
    assert actions.count <= 5
    assert FAILURES == []
    saved = doses(db)
    assert len(saved) == 1
    dose = saved[0]
    assert (dose.person_id, dose.lot_id, dose.visit_id) == (world.person_id, world.lot_id,
                                                            world.visit_id)
    assert dose.dose_number == 3 and dose.booster  # after a complete 2-dose series
    assert dose.consent_recorded and dose.form_version.startswith("aufklaerung_covid19")
    with db.session() as s:
        entry = s.scalars(select(CheckIn)).one()
        assert entry.status == "geimpft"
        assert s.scalar(select(func.count()).select_from(AuditEntry)
                        .where(AuditEntry.entity_id == dose.id)) == 1


def test_walk_in_registered_consented_vaccinated(qtbot: QtBot, window: MainWindow,
                                                 db: Database, world: World) -> None:
    page = window.field_page
    assert page is not None
    page.scan.setText("Neumann Lea")
    QtBot.keyClick(page.scan, Qt.Key.Key_Return)
    assert "Niemand gefunden" in page.message.text()

    def fill(dialog: RegistrationDialog) -> None:
        QtBot.keyClicks(dialog.family, "Neumann")
        QtBot.keyClicks(dialog.given, "Lea")
        QtBot.keyClicks(dialog.birth, "03071995")  # typed without dots
        dialog.sex.setCurrentIndex(dialog.sex.findData("w"))
        QtBot.keyClicks(dialog.postcode, "33330")
        dialog.target.setCurrentIndex(dialog.target.findData("sgb2_kunde"))
        assert dialog.city.text() == "Gütersloh"
        dialog.save()

    when_modal(RegistrationDialog, fill)
    page.new_button.click()
    wait_writes(window.write_path)
    with db.session() as s:
        person = s.scalars(select(Person).where(Person.family_name == "Neumann")).one()
        assert (person.birth_date, person.district_ags) == (date(1995, 7, 3), "05754")
    assert [r.family_name for r in page.queue.rows()] == ["Neumann"]
    confirm_and_save(Actions())
    QtBot.keyClick(page.queue_view, Qt.Key.Key_Return)
    saved = doses(db)
    assert [(d.person_id, d.dose_number, d.booster) for d in saved] == [(person.id, 1, False)]


def test_duplicate_warning_uses_existing_person(qtbot: QtBot, window: MainWindow,
                                               db: Database, world: World) -> None:
    page = window.field_page
    assert page is not None

    def fill(dialog: RegistrationDialog) -> None:
        QtBot.keyClicks(dialog.family, "Mueller")
        QtBot.keyClicks(dialog.given, "Anna")
        QtBot.keyClicks(dialog.birth, "10.04.1980")
        dialog.check_duplicates()
        assert dialog.duplicates.count() == 1 and dialog.same_button.isVisibleTo(dialog)
        dialog.same_button.click()

    when_modal(RegistrationDialog, fill)
    page.register()
    wait_writes(window.write_path)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Person)) == 1
    assert [r.person_id for r in page.queue.rows()] == [world.person_id]


def test_duplicate_records_merged_on_person_page(window: MainWindow, db: Database,
                                                actor: Actor, world: World) -> None:
    with db.session() as s:
        other = create_person(s, actor, PersonInput("Müller", "Anna", date(1980, 4, 10), "w",
                                                    postcode="33330")).id
        record_vaccination(s, actor, VaccinationInput(other, date(2021, 5, 3), "Comirnaty", 1,
                                                      2, lot_number="EX1",
                                                      source="nachtrag_impfpass"))
    window.open_person(world.person_id)
    assert window.stack.currentIndex() == PAGE_PERSON
    page = window.person_page
    assert page.duplicates.count() == 1
    page.merge_button.click()
    wait_writes(window.write_path)
    with db.session() as s:
        merged = s.get(Person, other)
        assert merged is not None and merged.merged_into_id == world.person_id
        assert s.scalars(select(AuditEntry.action).where(AuditEntry.entity_id == other)
                         ).all() == ["create", "merge"]
    assert page.history.rowCount() == 1  # the other record's dose now shows here
    assert page.duplicates.count() == 0


def vaccinate_world_person(page: object, world: World) -> None:
    page.check_in(world.person_id)  # type: ignore[attr-defined]
    wait_writes(page.write_path)  # type: ignore[attr-defined]
    confirm_and_save(Actions())
    page.vaccinate(world.person_id)  # type: ignore[attr-defined]


def test_undo_within_ten_minutes(qtbot: QtBot, window: MainWindow, db: Database,
                                 world: World) -> None:
    page = window.field_page
    vaccinate_world_person(page, world)
    assert len(doses(db)) == 1 and page is not None
    shortcuts = {a.shortcut().toString() for a in page.actions()}
    assert {"Ctrl+Z", "Ctrl+N", "Ctrl+I", "F2"} <= shortcuts
    page.undo_button.click()
    wait_writes(window.write_path)
    dose = doses(db)[0]
    assert dose.void_reason == "rueckgaengig" and dose.voided_by == "t.koch"
    assert page.doses.rows()[0].voided


def test_void_with_reason(qtbot: QtBot, window: MainWindow, db: Database, world: World,
                          monkeypatch: object) -> None:
    from PySide6.QtWidgets import QInputDialog

    page = window.field_page
    assert page is not None
    vaccinate_world_person(page, world)
    page.last_dose_id = None  # too late for undo: only voiding is left
    page.dose_view.selectRow(0)
    monkeypatch.setattr(QInputDialog, "getText",  # type: ignore[attr-defined]
                        staticmethod(lambda *a, **k: ("Falsche Person", True)))
    page.void_button.click()
    wait_writes(window.write_path)
    assert doses(db)[0].void_reason == "Falsche Person"


def test_close_visit_with_discard(qtbot: QtBot, window: MainWindow, db: Database,
                                  world: World) -> None:
    page = window.field_page
    assert page is not None
    vaccinate_world_person(page, world)

    def close(dialog: CloseVisitDialog) -> None:
        assert "Comirnaty: 1" in dialog.summary.text()
        _lot_id, spin, reason = dialog.discards[0]
        spin.setValue(5)
        reason.setText("angebrochenes Vial")
        dialog.save()

    when_modal(CloseVisitDialog, close)
    page.close_button.click()
    wait_writes(window.write_path)
    with db.session() as s:
        visit = s.get(Visit, world.visit_id)
        assert visit is not None and visit.status == "abgeschlossen"
    assert not page.scan.isEnabled()
    assert "29" not in page.header.lots.text() and "24 übrig" in page.header.lots.text()


def test_expired_lot_is_not_offered(qtbot: QtBot, window: MainWindow, db: Database,
                                    actor: Actor, world: World) -> None:
    from core.services.lots import allocate_lot, create_lot

    with db.session() as s:
        lot = create_lot(s, actor, "Spikevax", "OLD9", TODAY, 10)
        allocate_lot(s, actor, world.visit_id, lot.id, 10)
    later = TODAY + timedelta(days=1)
    dialog = DoseDialog(window.write_path, actor, window.session, world.visit_id,
                        world.person_id, later)
    qtbot.addWidget(dialog)
    assert dialog.product.findData("EU/1/20/1507") < 0  # expired Spikevax lot hidden
    assert dialog.lot.count() == 1


def test_print_certificate_after_dose(qtbot: QtBot, window: MainWindow, db: Database,
                                      world: World, tmp_path: object,
                                      monkeypatch: object) -> None:
    from pathlib import Path

    from PySide6.QtGui import QDesktopServices

    from core.certificates.keys import install_identity, write_training_files
    from core.db.models import Certificate

    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl",  # type: ignore[attr-defined]
                        staticmethod(lambda url: opened.append(url.toLocalFile()) or True))
    page = window.field_page
    assert page is not None
    vaccinate_world_person(page, world)
    page.print_button.click()  # no key installed yet: a clear message, dose kept
    wait_writes(window.write_path)
    assert "Kein Signaturschlüssel" in page.message.text() and len(doses(db)) == 1
    keys = Path(str(tmp_path)) / "keys"
    write_training_files(keys)
    install_identity(keys / "dsc.key.pem", keys / "dsc.pem")
    page.print_button.click()
    wait_writes(window.write_path)
    page.print_button.click()  # a reprint uses the stored certificate
    wait_writes(window.write_path)
    with db.session() as s:
        certificates = s.scalars(select(Certificate)).all()
    assert len(certificates) == 1 and certificates[0].vaccination_id == doses(db)[0].id
    assert len(opened) == 2 and opened[0] == opened[1]
    assert Path(opened[0]).read_bytes().startswith(b"%PDF")


def test_queue_tickets_printed_and_scanned(qtbot: QtBot, window: MainWindow, db: Database,
                                           world: World, monkeypatch: object) -> None:
    """Tickets from the visits page decode to the visit; scanning one opens registration."""
    from pathlib import Path

    from PySide6.QtGui import QDesktopServices

    from core.scanning.decode import decode_image_file

    monkeypatch.setattr(QDesktopServices, "openUrl",  # type: ignore[attr-defined]
                        staticmethod(lambda url: True))
    visits = window.today_page
    with qtbot.waitSignal(visits.loaded, timeout=5000):
        visits.refresh()
    visits.today_view.selectRow(0)
    path = visits.print_tickets(count=3)
    assert path is not None and Path(path).read_bytes().startswith(b"%PDF")
    assert "1–3" in visits.message.text()
    import subprocess

    png = Path(path).with_suffix("")
    subprocess.run(["pdftoppm", "-png", "-r", "100", "-f", "1", "-l", "1", str(path), str(png)],
                   check=True)
    texts = decode_image_file(Path(f"{png}-1.png"))
    assert f"IMPFTEAM-T1:{world.visit_id}:2" in texts

    page = window.field_page
    assert page is not None

    def register(dialog: RegistrationDialog) -> None:
        QtBot.keyClicks(dialog.family, "Ticket")
        QtBot.keyClicks(dialog.given, "Tina")
        QtBot.keyClicks(dialog.birth, "01.02.2000")
        dialog.save()

    when_modal(RegistrationDialog, register)
    page.scan.setText(f"IMPFTEAM-T1:{world.visit_id}:2")
    QtBot.keyClick(page.scan, Qt.Key.Key_Return)
    wait_writes(window.write_path)
    rows = page.queue.rows()
    assert [(r.family_name, r.ticket_number) for r in rows] == [("Ticket", 2)]
    page.scan.setText("IMPFTEAM-T1:00000000-0000-0000-0000-000000000000:5")
    QtBot.keyClick(page.scan, Qt.Key.Key_Return)
    assert "anderen Einsatz" in page.message.text()
    page.scan.setText("ABC:123456789:XYZ")
    QtBot.keyClick(page.scan, Qt.Key.Key_Return)
    assert "nicht erkannt" in page.message.text()


def test_dose_dialog_without_usable_lot_says_so(qtbot: QtBot, window: MainWindow,
                                                db: Database, actor: Actor,
                                                world: World) -> None:
    later = TODAY + timedelta(days=90)  # the world's only lot has expired by then
    dialog = DoseDialog(window.write_path, actor, window.session, world.visit_id,
                        world.person_id, later)
    qtbot.addWidget(dialog)
    assert not dialog.save_button.isEnabled()  # the read model says why: blocked
    dialog.save()
    assert dialog.form.blocked and dialog.message.text() == dialog.form.blocked
    assert dialog.saved_dose_id is None and doses(db) == []


def test_check_in_line_searches_as_you_type(qtbot: QtBot, window: MainWindow,
                                            world: World) -> None:
    page = window.field_page
    assert page is not None
    with qtbot.waitSignal(page.live.found, timeout=5000):
        QtBot.keyClicks(page.scan, "Muel")  # QTest types ASCII only; "ue" finds Müller
    assert [h.id for h in page.hits.rows()] == [world.person_id]
    assert page.hit_view.currentIndex().row() == 0
    page.scan.clear()
    QtBot.keyClicks(page.scan, "IMPFTEAM-T1:")  # a scanner typing a ticket: no name search
    assert not page.live.timer.isActive()
