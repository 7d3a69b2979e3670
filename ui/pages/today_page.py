"""Start page: today's visits and the ones coming up, straight from the database."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QSortFilterProxyModel, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.db.engine import Database
from core.errors import UserError
from core.paths import data_dir
from core.services.visits import VisitRow, list_visits
from core.usecases.changes import Changes
from ui.models.visits_model import COL_DATE, COL_SITE, ROW_ROLE, VisitTableModel
from ui.tasks import run_task
from ui.widgets.tables import list_view
from ui.write_path import WritePath

UPCOMING_DAYS = 14


def _table(model: VisitTableModel, parent: QWidget) -> QTableView:
    proxy = QSortFilterProxyModel(parent)
    proxy.setSourceModel(model)
    proxy.setSortRole(Qt.ItemDataRole.EditRole)
    view = list_view(proxy, parent, "")
    view.setSortingEnabled(True)
    header = view.horizontalHeader()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(COL_SITE, QHeaderView.ResizeMode.Stretch)
    view.sortByColumn(COL_DATE, Qt.SortOrder.AscendingOrder)
    return view


class TodayPage(QWidget):
    """Shows visits; ``visit_activated`` fires on Enter/double-click for later pages."""

    visit_activated = Signal(object)
    loaded = Signal()

    def __init__(self, db: Database, parent: QWidget | None = None,
                 today: date | None = None, write_path: WritePath | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.today = today or date.today()
        self.today_model = VisitTableModel(self)
        self.upcoming_model = VisitTableModel(self)
        self.title = QLabel(self)
        self.title.setObjectName("pageTitle")
        self.today_label = QLabel(self)
        self.upcoming_label = QLabel(self)
        self.today_view = _table(self.today_model, self)
        self.upcoming_view = _table(self.upcoming_model, self)
        self.today_view.setObjectName("todayVisits")
        self.upcoming_view.setObjectName("upcomingVisits")
        self.tickets_button = QPushButton(self)
        self.tickets_button.setObjectName("printTickets")
        self.tickets_button.clicked.connect(lambda: self.print_tickets())
        self.message = QLabel(self)
        self.message.setObjectName("errorMessage")
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        for widget in (self.title, self.today_label, self.today_view, self.upcoming_label,
                       self.upcoming_view, self.tickets_button, self.message):
            layout.addWidget(widget)
        layout.setStretchFactor(self.today_view, 1)
        layout.setStretchFactor(self.upcoming_view, 2)
        for view in (self.today_view, self.upcoming_view):
            view.activated.connect(self._activated)
        self.retranslate()
        if write_path is not None:
            write_path.track(self, self.on_data_changed)

    def on_data_changed(self, changes: Changes) -> None:
        """Visits, their status and their dose counts: reload (in a worker)."""
        if changes.visits or changes.doses or changes.checkins or changes.sites:
            self.refresh()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Einsätze – %1").replace("%1", self.today.strftime("%d.%m.%Y")))
        self.today_label.setText(self.tr("Heute"))
        self.tickets_button.setText(self.tr("&Wartenummern drucken… (markierter Einsatz)"))
        self.tickets_button.setToolTip(self.tr(
            "Nummerierte Karten mit Check-in-QR-Code, ohne persönliche Daten"))
        self.upcoming_label.setText(
            self.tr("Demnächst (nächste %n Tage)", "", UPCOMING_DAYS))

    def refresh(self) -> None:
        start, end = self.today, self.today + timedelta(days=UPCOMING_DAYS)

        def load() -> list[VisitRow]:
            with self.db.session() as session:
                return list_visits(session, start, end)

        run_task(load, self._show, self._failed)

    def _show(self, rows: list[VisitRow]) -> None:
        self.today_model.set_rows([r for r in rows if r.date == self.today])
        self.upcoming_model.set_rows([r for r in rows if r.date > self.today])
        self.message.clear()
        if not rows:
            self.message.setText(self.tr(
                "Keine Einsätze in den nächsten 14 Tagen. Die Einsätze kommen mit den "
                "Stammdaten des Impfzentrums (Austausch → Stammdaten einlesen, Strg+6)."))
        elif not self.today_model.rowCount():
            self.message.setText(self.tr("Für heute ist kein Einsatz geplant."))
        self.loaded.emit()

    def _failed(self, exc: Exception) -> None:
        self.message.setText(self.tr("Einsätze konnten nicht geladen werden: %1")
                             .replace("%1", str(exc)))
        self.loaded.emit()

    def selected_visit(self) -> VisitRow | None:
        for view in (self.today_view, self.upcoming_view):
            index = view.currentIndex()
            if index.isValid():
                row: VisitRow = view.model().data(index, ROW_ROLE)
                return row
        return None

    def print_tickets(self, count: int | None = None) -> Path | None:
        visit = self.selected_visit()
        if visit is None:
            self.message.setText(self.tr("Bitte zuerst einen Einsatz markieren."))
            return None
        if count is None:
            count, ok = QInputDialog.getInt(self, self.tr("Wartenummern drucken"),
                                            self.tr("Anzahl Karten:"), 24, 1, 500)
            if not ok:
                return None
        folder = data_dir() / "wartenummern"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{visit.date:%Y%m%d}-{visit.id[:8]}.pdf"
        from core.services.queue_tickets import ticket_pdf  # PDF libs load on demand

        try:
            with self.db.session() as session:
                first, last = ticket_pdf(session, visit.id, count, path)
        except UserError as exc:
            self.message.setText(exc.message)
            return None
        self.message.setText(self.tr("Wartenummern %1–%2 erstellt: %3").replace(
            "%1", str(first)).replace("%2", str(last)).replace("%3", str(path)))
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
        return path

    def _activated(self, index: object) -> None:
        view = self.sender()
        if isinstance(view, QTableView):
            self.visit_activated.emit(view.model().data(index, ROW_ROLE))  # type: ignore[arg-type]
