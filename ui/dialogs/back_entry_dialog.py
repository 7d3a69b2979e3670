"""Back-entry of an earlier dose from the Impfpass or a certificate (no visit, no lot).

Sends a ``BackEntryRequest`` to ``record_backentry`` through the write path; core numbers
the dose and decides the booster flag. When core asks for a confirmation (field
``confirm``: a lot the app knows expired, numbers contradicting the stored series) the
dialog shows why and a "Begründung" field; saving again with a reason stores it.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core.catalog.products import get_catalog
from core.errors import UserError
from core.services.context import Actor
from core.usecases.doses import BACKENTRY_SOURCES, BackEntryRequest, record_backentry
from ui.labels import SOURCES, label
from ui.widgets.date_edit import DateEdit
from ui.write_path import WritePath


class BackEntryDialog(QDialog):
    def __init__(self, write_path: WritePath, actor: Actor, person_id: str, today: date,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("backEntryDialog")
        self.setWindowTitle(self.tr("Frühere Impfung nachtragen"))
        self.write_path, self.actor = write_path, actor
        self.person_id, self.today = person_id, today
        self.saved_dose_id: str | None = None
        self.saving = False
        self.day = DateEdit(self)
        self.day.setObjectName("backDate")
        self.product = QComboBox(self)
        self.product.setObjectName("backProduct")
        for product in get_catalog().products:
            self.product.addItem(product.name, product.key)
        self.lot = QLineEdit(self)
        self.lot.setObjectName("backLot")
        self.dose_number = QSpinBox(self)
        self.dose_number.setObjectName("backDoseNumber")
        self.dose_number.setRange(1, 10)
        self.series_total = QSpinBox(self)
        self.series_total.setObjectName("backSeriesTotal")
        self.series_total.setRange(1, 10)
        self.series_total.setValue(2)
        self.source = QComboBox(self)
        self.source.setObjectName("backSource")
        for code in BACKENTRY_SOURCES:
            self.source.addItem(label(SOURCES, code), code)
        self.reason_label = QLabel(self.tr("&Begründung"), self)
        self.reason = QLineEdit(self)
        self.reason.setObjectName("confirmReason")
        self.reason.setPlaceholderText(self.tr("z. B. Impfpass geprüft, Angaben stimmen"))
        self.reason_label.setBuddy(self.reason)
        self.message = QLabel(self)
        self.message.setObjectName("backMessage")
        self.message.setStyleSheet("color: #b00020;")
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Impf&datum"), self.day)
        form.addRow(self.tr("&Impfstoff"), self.product)
        form.addRow(self.tr("&Charge"), self.lot)
        form.addRow(self.tr("Dosis-Nr."), self.dose_number)
        form.addRow(self.tr("Dosen der Serie"), self.series_total)
        form.addRow(self.tr("&Quelle"), self.source)
        form.addRow(self.reason_label, self.reason)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self._show_reason(False)

    def _show_reason(self, visible: bool) -> None:
        self.reason_label.setVisible(visible)
        self.reason.setVisible(visible)

    def request(self) -> BackEntryRequest:
        return BackEntryRequest(
            person_id=self.person_id, date=self.day.value("Impfdatum"),
            product=self.product.currentData(), source=self.source.currentData(),
            lot_number=self.lot.text().strip(), dose_number=self.dose_number.value(),
            series_total=self.series_total.value(),
            confirm_reason=self.reason.text().strip() if self.reason.isVisibleTo(self)
            else "")

    def save(self) -> None:
        if self.saving:
            return
        try:
            request = self.request()
        except UserError as exc:
            self._refused(exc)
            return
        actor, today = self.actor, self.today
        self.saving = True
        self.save_button.setEnabled(False)
        self.write_path.submit(lambda s: record_backentry(s, actor, request, today),
                               self._saved, self._refused, owner=self,
                               label=f"record_backentry person={self.person_id}",
                               on_queued=self.message.setText)

    def _saved(self, dose: object) -> None:
        self.saving = False
        self.saved_dose_id = str(getattr(dose, "id", "")) or None
        self.accept()

    def _refused(self, exc: UserError) -> None:
        self.saving = False
        self.save_button.setEnabled(True)
        self.message.setText(exc.message)
        if exc.field == "confirm":
            self._show_reason(True)
            self.reason.setFocus()

    def reject(self) -> None:
        if not self.saving:
            super().reject()
