"""One person: details, status today with reasons, dose history, duplicates, back-entry."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.services.context import Actor
from core.services.person_status import person_status
from core.services.person_view import (
    HistoryRow,
    dose_history,
    person_details,
    possible_duplicates,
)
from core.usecases.changes import Changes
from core.usecases.persons import merge_persons
from ui.dialogs.back_entry_dialog import BackEntryDialog
from ui.labels import COVID_STATUSES, MEASLES_STATUSES, SOURCES, TARGET_GROUPS, label
from ui.models.row_model import Column, RowTableModel
from ui.widgets.tables import list_view
from ui.write_path import WritePath


class HistoryModel(RowTableModel[HistoryRow]):
    context = "HistoryModel"
    columns = (
        Column(QT_TRANSLATE_NOOP("HistoryModel", "Datum"),
               lambda r: r.date.strftime("%d.%m.%Y"), lambda r: r.date),
        Column(QT_TRANSLATE_NOOP("HistoryModel", "Impfstoff"), lambda r: r.product),
        Column(QT_TRANSLATE_NOOP("HistoryModel", "Charge"), lambda r: r.lot_number),
        Column(QT_TRANSLATE_NOOP("HistoryModel", "Dosis"),
               lambda r: f"{r.dose_number}/{r.series_total}"),
        Column(QT_TRANSLATE_NOOP("HistoryModel", "Quelle"), lambda r: label(SOURCES, r.source)),
        Column(QT_TRANSLATE_NOOP("HistoryModel", "Ort"), lambda r: r.place),
        Column(QT_TRANSLATE_NOOP("HistoryModel", "Storniert"),
               lambda r: r.void_reason if r.voided else ""),
    )

    def muted(self, row: HistoryRow) -> bool:
        return row.voided


class PersonPage(QWidget):
    def __init__(self, write_path: WritePath, actor: Actor, today: date,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.write_path, self.db = write_path, write_path.db
        self.actor, self.today = actor, today
        self.person_id: str | None = None
        self.title = QLabel(self)
        self.title.setObjectName("pageTitle")
        self.details = QLabel(self)
        self.details.setWordWrap(True)
        self.covid = QLabel(self)
        self.covid.setObjectName("covidStatus")
        self.covid.setWordWrap(True)
        self.measles = QLabel(self)
        self.measles.setObjectName("measlesStatus")
        self.measles.setWordWrap(True)
        self.history = HistoryModel(self)
        self.history_view = list_view(self.history, self, "historyView")
        self.dup_label = QLabel(self.tr("Mögliche Dubletten (gleicher Name und Geburtstag):"),
                                self)
        self.duplicates = QListWidget(self)
        self.duplicates.setObjectName("personDuplicates")
        self.duplicates.setMaximumHeight(80)
        self.merge_button = QPushButton(self.tr("Ist dieselbe Person – &zusammenführen"), self)
        self.merge_button.setObjectName("mergeDuplicate")
        self.merge_button.clicked.connect(self.merge_selected)
        self.back_button = QPushButton(self.tr("Frühere Impfung &nachtragen…"), self)
        self.back_button.setObjectName("backEntry")
        self.back_button.clicked.connect(self.back_entry)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        parts: list[QWidget] = [self.title, self.details, self.covid, self.measles,
                                QLabel(self.tr("Impfungen"), self)]
        for part in parts:
            layout.addWidget(part)
        layout.addWidget(self.history_view, 1)
        for part in (self.dup_label, self.duplicates, self.merge_button, self.message):
            layout.addWidget(part)
        layout.addLayout(buttons)
        self.title.setText(self.tr("Person"))
        write_path.track(self, self.on_data_changed)

    def on_data_changed(self, changes: Changes) -> None:
        if self.person_id is not None and changes.touches_person(self.person_id):
            self.refresh()

    def show_person(self, person_id: str) -> None:
        self.person_id = person_id
        self.message.clear()
        self.refresh()

    def refresh(self) -> None:
        if self.person_id is None:
            return
        with self.db.session() as s:
            person = person_details(s, self.person_id)
            self.person_id = person.id  # follows a merge to the surviving record
            status = person_status(s, person.id, self.today)
            history = dose_history(s, person.id)
            duplicates = possible_duplicates(s, person.id)
        self.title.setText(f"{person.family_name}, {person.given_name}")
        self.details.setText(
            f"*{person.birth_date:%d.%m.%Y} · {person.address or '–'} · "
            f"{label(TARGET_GROUPS, person.target_group)}")
        c = status.covid19
        covid = self.tr("COVID-19 heute: <b>%1</b>").replace("%1", label(COVID_STATUSES, c.status))
        if c.next_dose_earliest:
            covid += " · " + self.tr("nächste Dosis ab %1").replace(
                "%1", c.next_dose_earliest.strftime("%d.%m.%Y"))
        self.covid.setText(covid + "<br>" + "<br>".join(c.reasons[:5]))
        m = status.measles
        self.measles.setText(self.tr("Masernschutz: <b>%1</b>").replace(
            "%1", label(MEASLES_STATUSES, m.status)) + "<br>" + "<br>".join(m.reasons[:3]))
        self.history.set_rows(history)
        self.duplicates.clear()
        for hit in duplicates:
            item = QListWidgetItem(f"{hit.family_name}, {hit.given_name} "
                                   f"*{hit.birth_date:%d.%m.%Y} {hit.postcode} ({hit.score} %)")
            item.setData(256, hit.id)
            self.duplicates.addItem(item)
        for widget in (self.dup_label, self.duplicates, self.merge_button):
            widget.setVisible(bool(duplicates))
        if duplicates:
            self.duplicates.setCurrentRow(0)

    def merge_selected(self) -> None:
        item = self.duplicates.currentItem()
        if item is None or self.person_id is None:
            return
        actor, duplicate, survivor = self.actor, str(item.data(256)), self.person_id
        self.write_path.submit(
            lambda s: merge_persons(s, actor, duplicate, survivor), self._merged,
            lambda exc: self.message.setText(exc.message), owner=self,
            label=f"merge_persons duplicate={duplicate} survivor={survivor}",
            on_queued=self.message.setText)

    def _merged(self, _survivor: str) -> None:
        self.message.setText(QCoreApplication.translate(
            "PersonPage", "Zusammengeführt; die Impfungen beider Einträge zählen jetzt hier."))

    def back_entry(self) -> None:
        if self.person_id is None:
            return
        BackEntryDialog(self.write_path, self.actor, self.person_id, self.today, self).exec()
