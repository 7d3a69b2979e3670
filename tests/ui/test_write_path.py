"""The one write path: locked database with retry, saves queued behind an import, pages
refreshed from data_changed (a master-data import shows on the visits page without F5),
connections dropped with their widget, unexpected errors logged without names, exit."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import event, select

from core.db.engine import Database, connect_sqlite_file
from core.errors import UserError
from core.usecases.changes import Changes, Written
from tests.conftest import TODAY, World
from tests.ui.helpers import Actions, wait_for, wait_writes
from tests.ui.test_field_day import confirm_and_save, doses
from ui.main_window import MainWindow
from ui.tasks import write_pool
from ui.write_path import WritePath


def short_busy_timeout(db: Database, ms: int = 150) -> None:
    """New connections give up after ``ms`` instead of 5 s (the pool is emptied)."""
    def pragma(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute(f"PRAGMA busy_timeout={ms}")

    event.listen(db.engine, "connect", pragma)
    db.engine.dispose()


def test_locked_database_asks_and_the_retry_stores_the_dose(
        window: MainWindow, db: Database, world: World,
        monkeypatch: pytest.MonkeyPatch) -> None:
    page = window.field_page
    assert page is not None and db.sqlite_path is not None
    page.check_in(world.person_id)
    wait_writes(window.write_path)
    short_busy_timeout(db)
    other = connect_sqlite_file(str(db.sqlite_path))
    other.execute("BEGIN IMMEDIATE")  # another writer (an import elsewhere) holds the lock
    asked: list[str] = []

    def answer(box: QMessageBox) -> int:
        asked.append(box.text())
        assert box.button(QMessageBox.StandardButton.Retry).text() == "Erneut versuchen"
        assert doses(db) == []  # nothing stored yet, the dialog still open
        other.execute("ROLLBACK")  # the other writer is done
        return QMessageBox.StandardButton.Retry.value

    monkeypatch.setattr(QMessageBox, "exec", answer)
    try:
        confirm_and_save(Actions())
        page.vaccinate(world.person_id)
    finally:
        other.close()
    assert len(asked) == 1
    assert asked[0] == ("Die Datenbank ist gerade belegt (z. B. durch einen Import). "
                        "Erneut versuchen?")
    saved = doses(db)
    assert len(saved) == 1 and saved[0].person_id == world.person_id


def test_locked_database_cancel_keeps_the_dialog_open(
        qtbot: QtBot, window: MainWindow, db: Database, world: World,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from ui.dialogs.dose_dialog import DoseDialog

    assert db.sqlite_path is not None
    short_busy_timeout(db)
    dialog = DoseDialog(window.write_path, window.actor, window.session, world.visit_id,
                        world.person_id, TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.confirm_all()
    other = connect_sqlite_file(str(db.sqlite_path))
    other.execute("BEGIN IMMEDIATE")
    monkeypatch.setattr(QMessageBox, "exec",
                        lambda _box: QMessageBox.StandardButton.Cancel.value)
    try:
        dialog.save()
        wait_for(lambda: not dialog.saving)
    finally:
        other.close()
    assert dialog.isVisible() and "belegt" in dialog.message.text()
    assert all(c.isChecked() for c in dialog.checks) and dialog.save_button.isEnabled()
    dialog.save()  # the lock is gone: the same dialog saves
    wait_for(lambda: not dialog.saving)
    assert len(doses(db)) == 1


def blocking_import(writes: WritePath) -> threading.Event:
    """A long job on the write pool that runs until the returned event is set."""
    release = threading.Event()
    finished: list[Any] = []

    def job(progress: Callable[[int, str], None]) -> str:
        progress(10, "liest …")
        release.wait(10)
        return "ok"

    writes.submit_long(job, lambda _p, _t: None, finished.append, finished.append,
                       what="der Import")
    return release


def test_save_during_an_import_is_queued_and_says_so(window: MainWindow, db: Database,
                                                     world: World) -> None:
    page = window.field_page
    assert page is not None
    release = blocking_import(window.write_path)
    try:
        assert window.write_path.long_running
        page.check_in(world.person_id)
        assert page.message.text() == "Wird gespeichert, sobald der Import fertig ist …"
        QCoreApplication.processEvents()
        assert page.queue.rowCount() == 0  # still waiting behind the import
    finally:
        release.set()
    wait_writes(window.write_path)
    assert [r.person_id for r in page.queue.rows()] == [world.person_id]
    assert not window.write_path.long_running


def test_master_data_import_shows_the_new_visit_without_refresh(
        qtbot: QtBot, window: MainWindow, db: Database, world: World,
        tmp_path: Path) -> None:
    from tests.core.exchange.test_masterdata import good_sheets, write_book

    visits = window.today_page
    qtbot.waitUntil(lambda: visits.today_model.rowCount() == 1, timeout=5000)
    sheets = good_sheets()
    header, rows = sheets["Einsätze"]
    sheets["Einsätze"] = (header, [[rows[0][0], "E-101", TODAY, "09:00", "15:30", "geplant",
                                    "120"]])
    sheets["Chargen"] = (sheets["Chargen"][0], [])
    staff_header, staff = sheets["Personal"]
    sheets["Personal"] = (staff_header, [[*row[:-1], "E-101"] for row in staff])
    book = write_book(tmp_path / "stamm.xlsx", sheets)
    window.exchange_page.import_master(dry_run=False, path=str(book))
    qtbot.waitUntil(lambda: not window.exchange_page.running, timeout=20000)
    assert window.exchange_page.status.text() == "Eingelesen.", \
        window.exchange_page.status.text()
    qtbot.waitUntil(lambda: visits.today_model.rowCount() == 2, timeout=5000)
    shown = {visits.today_model.row_at(i).external_id for i in range(2)}
    assert shown == {None, "E-101"}  # the world's visit and the imported one


def test_page_connections_are_dropped_with_the_page(window: MainWindow,
                                                    world: World) -> None:
    writes = window.write_path
    before = writes.tracked_count()
    old = window.field_page
    window.open_visit(world.visit_id)  # a new field page replaces the old one
    assert window.field_page is not old
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()
    assert writes.tracked_count() == before
    writes.broadcast(Changes.everything())  # reaches only living pages, no error


def test_unexpected_error_is_logged_with_ids_only(window: MainWindow,
                                                 caplog: pytest.LogCaptureFixture,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[str] = []
    refused: list[UserError] = []
    monkeypatch.setattr(WritePath, "show_error", lambda _self, _owner, text: shown.append(text))

    def broken(_session: Any) -> Written[None]:
        raise RuntimeError("Kowalczyk, Zofia *17.11.1961")

    with caplog.at_level(logging.ERROR, logger="impfteam.ui.write"):
        window.write_path.submit(broken, None, refused.append,
                                 label="record_dose person=1234")
        wait_writes(window.write_path)
    assert len(shown) == 1 and "Speichern fehlgeschlagen (RuntimeError)" in shown[0]
    assert "Protokoll" in shown[0] and refused and refused[0].message == shown[0]
    logged = caplog.text
    assert "record_dose person=1234" in logged and "RuntimeError" in logged
    assert "Kowalczyk" not in logged and "1961" not in logged


def test_closing_waits_for_queued_writes_and_asks_during_an_import(
        window: MainWindow, db: Database, world: World,
        monkeypatch: pytest.MonkeyPatch) -> None:
    page = window.field_page
    assert page is not None
    release = blocking_import(window.write_path)
    monkeypatch.setattr(window, "confirm_close_during_import", lambda: False)
    try:
        page.check_in(world.person_id)  # queued behind the import
        window.close()
        assert window.isVisible()  # "keep working"
        monkeypatch.setattr(window, "confirm_close_during_import", lambda: True)
        threading.Timer(0.2, release.set).start()
        window.close()  # waits for the import and the queued check-in
    finally:
        release.set()
    assert not window.isVisible() and window.write_path.pending == 0
    write_pool().waitForDone()
    with db.session() as s:
        from core.db.models_field import CheckIn

        assert s.scalars(select(CheckIn.person_id)).all() == [world.person_id]
    assert doses(db) == []
