"""Main window: navigation between pages, menus with shortcuts, saved window state.

The window owns the application's one ``WritePath``; every page gets it and refreshes
itself from its ``data_changed`` signal (F5 broadcasts ``Changes.everything()``). On exit
the window waits for queued writes and asks first when an import is still running.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from core.db.engine import Database
from core.services.context import Actor
from core.services.visits import VisitRow
from core.settings import get_setting
from core.usecases.changes import Changes
from ui.backup_timer import BackupTimer
from ui.camera import CameraFrameSource, FrameSource
from ui.dialogs.close_visit_dialog import CloseVisitDialog
from ui.field_session import FieldSession
from ui.pages.admin_page import AdminPage
from ui.pages.exchange_page import ExchangePage
from ui.pages.field_page import FieldPage
from ui.pages.person_page import PersonPage
from ui.pages.persons_page import PersonsPage
from ui.pages.scan_page import ScanPage
from ui.pages.today_page import TodayPage
from ui.write_path import WritePath

(PAGE_VISITS, PAGE_FIELD, PAGE_PERSONS, PAGE_PERSON, PAGE_SCAN, PAGE_EXCHANGE,
 PAGE_ADMIN) = range(7)


class MainWindow(QMainWindow):
    def __init__(self, db: Database, session: FieldSession | str,
                 today: date | None = None, frame_source: FrameSource | None = None,
                 write_path: WritePath | None = None) -> None:
        super().__init__()
        self.db = db
        self.write_path = write_path or WritePath(db, self)
        self.backups = BackupTimer(db, self)
        self.today = today or date.today()
        if isinstance(session, str):
            session = FieldSession("", session, session, "admin", None)
        self.session = session
        with db.session() as s:  # a demo database is marked as training data (setting)
            self.training = get_setting(s, "training_data") == "ja"
        if session.actor is not None:  # signed in (ui/dialogs/signin_dialog.py)
            self.actor = session.actor
        else:  # no sign-in: an actor without roles, core refuses every write
            with db.session() as s:
                self.actor = Actor.for_session(s, session.login)
        self.setObjectName("mainWindow")
        self.setStyleSheet("QLabel#pageTitle { font-size: 16pt; font-weight: 600; }"
                           " QLabel#errorMessage { color: #a00000; }")
        writes = self.write_path
        self.today_page = TodayPage(db, self, self.today, writes)
        self.field_page: FieldPage | None = None
        self.field_holder = QStackedWidget(self)
        self.persons_page = PersonsPage(db, self, writes)
        self.person_page = PersonPage(writes, self.actor, self.today, self)
        self.scan_page = ScanPage(writes, self.actor, frame_source or CameraFrameSource(self),
                                  self, self.today)
        self.exchange_page = ExchangePage(db, self.actor, self.today, self, writes)
        self.admin_page = AdminPage(self)
        self.nav = QListWidget(self)
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(230)
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.stack = QStackedWidget(self)
        for page in (self.today_page, self.field_holder, self.persons_page, self.person_page,
                     self.scan_page, self.exchange_page, self.admin_page):
            self.stack.addWidget(page)
        central = QWidget(self)
        layout = QHBoxLayout(central)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.nav.currentRowChanged.connect(self._show_page)
        self.today_page.visit_activated.connect(self._visit_activated)
        self.persons_page.person_activated.connect(self.open_person)
        self.scan_page.adopted.connect(self.open_person)
        writes.queued.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self._build_menus()
        self.retranslate()
        self._restore_state()
        self.today_page.refresh()
        if session.visit_id:
            self.open_visit(session.visit_id)
        else:
            self.nav.setCurrentRow(PAGE_VISITS)

    # -- navigation -------------------------------------------------------------------
    def _show_page(self, row: int) -> None:
        if row >= 0:
            self.stack.setCurrentIndex(row)
        if row == PAGE_FIELD and self.field_page is not None:
            self.field_page.focus_scan()
        if row == PAGE_PERSONS:
            self.persons_page.focus_search()

    def open_visit(self, visit_id: str) -> None:
        """Show the field page for ``visit_id`` (replacing the one of another visit)."""
        self.session = self.session.with_visit(visit_id)
        if self.field_page is not None:
            self.field_holder.removeWidget(self.field_page)
            self.field_page.deleteLater()
        self.field_page = FieldPage(self.write_path, self.actor, self.session, self.today,
                                    self)
        self.field_page.person_opened.connect(self.open_person)
        self.field_page.close_requested.connect(self.close_visit)
        self.field_holder.addWidget(self.field_page)
        self.nav.setCurrentRow(PAGE_FIELD)
        self._update_title()

    def _visit_activated(self, row: VisitRow) -> None:
        self.open_visit(row.id)

    def open_person(self, person_id: str) -> None:
        self.person_page.show_person(person_id)
        self.nav.setCurrentRow(PAGE_PERSON)

    def close_visit(self) -> None:
        if self.field_page is None:
            return
        CloseVisitDialog(self.write_path, self.actor, self.field_page.visit_id, self).exec()

    def refresh_all(self) -> None:
        """F5: every page reloads through the one signal."""
        self.write_path.broadcast(Changes.everything())

    # -- menus ------------------------------------------------------------------------
    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu("")
        self.view_menu = bar.addMenu("")
        self.help_menu = bar.addMenu("")
        self.act_refresh = QAction(self)
        self.act_refresh.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
        self.act_refresh.triggered.connect(self.refresh_all)
        self.act_quit = QAction(self)
        self.act_quit.setShortcut(QKeySequence(QKeySequence.StandardKey.Quit))
        self.act_quit.triggered.connect(self.close)
        self.file_menu.addActions([self.act_refresh, self.act_quit])
        self.page_actions: list[QAction] = []
        for index in range(7):
            action = QAction(self)
            action.setShortcut(QKeySequence(f"Ctrl+{index + 1}"))
            action.triggered.connect(lambda _c=False, i=index: self.nav.setCurrentRow(i))
            self.page_actions.append(action)
        self.act_find = QAction(self)
        self.act_find.setShortcut(QKeySequence(QKeySequence.StandardKey.Find))
        self.act_find.triggered.connect(self._find_person)
        self.view_menu.addActions([*self.page_actions, self.act_find])
        self.act_about = QAction(self)
        self.act_about.triggered.connect(self._about)
        self.help_menu.addAction(self.act_about)
        self.act_today, self.act_persons = self.page_actions[PAGE_VISITS], self.page_actions[
            PAGE_PERSONS]

    def retranslate(self) -> None:
        self.file_menu.setTitle(self.tr("&Datei"))
        self.view_menu.setTitle(self.tr("&Ansicht"))
        self.help_menu.setTitle(self.tr("&Hilfe"))
        self.act_refresh.setText(self.tr("&Aktualisieren"))
        self.act_quit.setText(self.tr("&Beenden"))
        names = (self.tr("&Einsätze"), self.tr("Einsatz &heute"), self.tr("&Personen"),
                 self.tr("Person &Details"), self.tr("Zertifikat &prüfen"),
                 self.tr("Aus&tausch"), self.tr("&Verwaltung"))
        for action, name in zip(self.page_actions, names, strict=True):
            action.setText(name)
        self.act_find.setText(self.tr("Person &suchen"))
        self.act_about.setText(self.tr("Ü&ber Impfteam"))
        self.nav.clear()
        for action in self.page_actions:
            text = action.text().replace("&", "")
            shortcut = action.shortcut().toString()
            self.nav.addItem(text)
            self.nav.item(self.nav.count() - 1).setToolTip(f"{text} ({shortcut})")
        self._update_title()

    def _update_title(self) -> None:
        site = ""
        if self.field_page is not None:
            site = self.field_page.header.title.text()
        training = self.tr("SCHULUNGSDATEN") if self.training else ""  # demo database
        parts = [self.tr("Impfteam"), training, self.session.name, site]
        self.setWindowTitle(" – ".join(p for p in parts if p))
        self.statusBar().showMessage(
            self.tr("Angemeldet: %1 · Datenbank: %2").replace("%1", self.session.name)
            .replace("%2", str(self.db.sqlite_path or self.db.engine.url.render_as_string())))

    def _find_person(self) -> None:
        self.nav.setCurrentRow(PAGE_PERSONS)

    def _about(self) -> None:
        QMessageBox.about(self, self.tr("Über Impfteam"), self.tr(
            "Impfteam – Offline-Dokumentation für mobile Impfteams.\n"
            "Kreisdaten: RKI/Destatis (dl-de/by-2-0); PLZ: OpenStreetMap (ODbL)."))

    def _restore_state(self) -> None:
        # Versions before issue 11 kept a registration draft (name, birth date, address,
        # phone) in QSettings; personal data has no place there: remove what is left.
        QSettings().remove("drafts")
        geometry = QSettings().value("mainWindow/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 760)

    def confirm_close_during_import(self) -> bool:
        """True: wait for the running import and then quit; False: keep working."""
        answer = QMessageBox.question(
            self, self.tr("Import läuft"), self.tr(
                "Ein Import läuft noch. Warten, bis er fertig ist, und dann beenden?"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        return bool(answer == QMessageBox.StandardButton.Yes)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.write_path.long_running and not self.confirm_close_during_import():
            event.ignore()
            return
        self.write_path.drain()  # queued writes (a dose behind an import) are committed
        QSettings().setValue("mainWindow/geometry", self.saveGeometry())
        super().closeEvent(event)
