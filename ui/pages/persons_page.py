"""Person search as you type (name, Kölner Phonetik, typos, birth date)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from core.db.engine import Database
from core.errors import UserError
from core.services.search import PersonHit
from core.usecases.changes import Changes
from ui.models.persons_model import PersonHitModel
from ui.widgets.live_search import LiveSearch
from ui.widgets.tables import list_view
from ui.write_path import WritePath

DEBOUNCE_MS = 120


class PersonsPage(QWidget):
    results_shown = Signal(int)
    person_activated = Signal(str)

    def __init__(self, db: Database, parent: QWidget | None = None,
                 write_path: WritePath | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.title = QLabel(self)
        self.title.setObjectName("pageTitle")
        self.search = QLineEdit(self)
        self.search.setObjectName("personSearch")
        self.search.setClearButtonEnabled(True)
        self.model = PersonHitModel(self)
        self.view = list_view(self.model, self, "personResults")
        self.status = QLabel(self)
        layout = QVBoxLayout(self)
        for widget in (self.title, self.search, self.view, self.status):
            layout.addWidget(widget)
        self.live = LiveSearch(db, DEBOUNCE_MS, 50, self)
        self.live.found.connect(self._show)
        self.live.failed.connect(self._failed)
        self.search.textChanged.connect(self.live.schedule)
        self.search.returnPressed.connect(self.run_search)
        self.view.activated.connect(
            lambda index: self.person_activated.emit(self.model.row_at(index.row()).id))
        self.retranslate()
        if write_path is not None:
            write_path.track(self, self.on_data_changed)

    def on_data_changed(self, changes: Changes) -> None:
        if changes.persons and self.search.text().strip():
            self.run_search()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Personen suchen"))
        self.search.setPlaceholderText(
            self.tr("Nachname, Vorname oder Geburtsdatum (TT.MM.JJJJ) – Tippfehler erlaubt"))
        self.search.setToolTip(self.tr("Suche (Strg+F)"))

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def run_search(self) -> None:
        self.live.run(self.search.text())

    def _show(self, hits: list[PersonHit]) -> None:
        self.model.set_rows(hits)
        if self.search.text().strip() and not hits:
            self.status.setText(self.tr("Keine Treffer. Person neu aufnehmen?"))
        else:
            self.status.setText(self.tr("%n Treffer", "", len(hits)))
        self.results_shown.emit(len(hits))

    def _failed(self, exc: Exception) -> None:
        self.model.set_rows([])
        message = exc.message if isinstance(exc, UserError) else str(exc)
        self.status.setText(message)
        self.results_shown.emit(0)
