"""Main window: navigation between pages, menus with shortcuts, saved window state."""

from __future__ import annotations

from PySide6.QtCore import QSettings
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
from ui.pages.persons_page import PersonsPage
from ui.pages.today_page import TodayPage


class MainWindow(QMainWindow):
    def __init__(self, db: Database, user: str) -> None:
        super().__init__()
        self.db = db
        self.user = user
        self.setObjectName("mainWindow")
        self.setStyleSheet("QLabel#pageTitle { font-size: 16pt; font-weight: 600; }"
                           " QLabel#errorMessage { color: #a00000; }")
        self.today_page = TodayPage(db, self)
        self.persons_page = PersonsPage(db, self)
        self.pages: list[QWidget] = [self.today_page, self.persons_page]
        self.nav = QListWidget(self)
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(170)
        self.stack = QStackedWidget(self)
        for page in self.pages:
            self.stack.addWidget(page)
        central = QWidget(self)
        layout = QHBoxLayout(central)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        self._build_menus()
        self.retranslate()
        self.nav.setCurrentRow(0)
        self._restore_state()
        self.today_page.refresh()

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu("")
        self.view_menu = bar.addMenu("")
        self.help_menu = bar.addMenu("")
        self.act_refresh = QAction(self)
        self.act_refresh.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
        self.act_refresh.triggered.connect(self.today_page.refresh)
        self.act_quit = QAction(self)
        self.act_quit.setShortcut(QKeySequence(QKeySequence.StandardKey.Quit))
        self.act_quit.triggered.connect(self.close)
        self.file_menu.addActions([self.act_refresh, self.act_quit])
        self.act_today = QAction(self)
        self.act_today.setShortcut(QKeySequence("Ctrl+1"))
        self.act_today.triggered.connect(lambda: self.nav.setCurrentRow(0))
        self.act_persons = QAction(self)
        self.act_persons.setShortcut(QKeySequence("Ctrl+2"))
        self.act_persons.triggered.connect(lambda: self.nav.setCurrentRow(1))
        self.act_find = QAction(self)
        self.act_find.setShortcut(QKeySequence(QKeySequence.StandardKey.Find))
        self.act_find.triggered.connect(self._find_person)
        self.view_menu.addActions([self.act_today, self.act_persons, self.act_find])
        self.act_about = QAction(self)
        self.act_about.triggered.connect(self._about)
        self.help_menu.addAction(self.act_about)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Impfteam"))
        self.file_menu.setTitle(self.tr("&Datei"))
        self.view_menu.setTitle(self.tr("&Ansicht"))
        self.help_menu.setTitle(self.tr("&Hilfe"))
        self.act_refresh.setText(self.tr("&Aktualisieren"))
        self.act_quit.setText(self.tr("&Beenden"))
        self.act_today.setText(self.tr("&Einsätze"))
        self.act_persons.setText(self.tr("&Personen"))
        self.act_find.setText(self.tr("Person &suchen"))
        self.act_about.setText(self.tr("Ü&ber Impfteam"))
        self.nav.clear()
        for action in (self.act_today, self.act_persons):
            label = action.text().replace("&", "")
            self.nav.addItem(f"{label}\t{action.shortcut().toString()}")
            self.nav.item(self.nav.count() - 1).setToolTip(
                f"{label} ({action.shortcut().toString()})")
        self.statusBar().showMessage(
            self.tr("Angemeldet: %1 · Datenbank: %2").replace("%1", self.user)
            .replace("%2", str(self.db.sqlite_path or self.db.engine.url.render_as_string())))

    def _find_person(self) -> None:
        self.nav.setCurrentRow(1)
        self.persons_page.focus_search()

    def _about(self) -> None:
        QMessageBox.about(self, self.tr("Über Impfteam"), self.tr(
            "Impfteam – Offline-Dokumentation für mobile Impfteams.\n"
            "Kreisdaten: RKI/Destatis (dl-de/by-2-0); PLZ: OpenStreetMap (ODbL)."))

    def _restore_state(self) -> None:
        settings = QSettings()
        geometry = settings.value("mainWindow/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1100, 700)

    def closeEvent(self, event: QCloseEvent) -> None:
        QSettings().setValue("mainWindow/geometry", self.saveGeometry())
        super().closeEvent(event)
