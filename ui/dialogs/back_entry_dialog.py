"""Back-entry of an earlier dose from the Impfpass or a certificate (no visit, no lot)."""

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
from core.db.engine import Database
from core.errors import UserError
from core.services.context import Actor
from core.services.vaccinations import VaccinationInput, record_vaccination
from ui.labels import SOURCES, label
from ui.widgets.date_edit import DateEdit


class BackEntryDialog(QDialog):
    def __init__(self, db: Database, actor: Actor, person_id: str, today: date,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("backEntryDialog")
        self.setWindowTitle(self.tr("Frühere Impfung nachtragen"))
        self.db, self.actor, self.person_id, self.today = db, actor, person_id, today
        self.saved_dose_id: str | None = None
        self.day = DateEdit(self)
        self.day.setObjectName("backDate")
        self.product = QComboBox(self)
        self.product.setObjectName("backProduct")
        for product in get_catalog().products:
            self.product.addItem(product.name, product.key)
        self.lot = QLineEdit(self)
        self.lot.setObjectName("backLot")
        self.dose_number = QSpinBox(self)
        self.dose_number.setRange(1, 10)
        self.series_total = QSpinBox(self)
        self.series_total.setRange(1, 10)
        self.series_total.setValue(2)
        self.source = QComboBox(self)
        for code in ("nachtrag_impfpass", "nachtrag_zertifikat"):
            self.source.addItem(label(SOURCES, code), code)
        self.message = QLabel(self)
        self.message.setStyleSheet("color: #b00020;")
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Impf&datum"), self.day)
        form.addRow(self.tr("&Impfstoff"), self.product)
        form.addRow(self.tr("&Charge"), self.lot)
        form.addRow(self.tr("Dosis-Nr."), self.dose_number)
        form.addRow(self.tr("Dosen der Serie"), self.series_total)
        form.addRow(self.tr("&Quelle"), self.source)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def save(self) -> None:
        try:
            data = VaccinationInput(
                person_id=self.person_id, date=self.day.value("Impfdatum"),
                product=self.product.currentData(), dose_number=self.dose_number.value(),
                series_total=max(self.series_total.value(), self.dose_number.value()),
                lot_number=self.lot.text().strip(), source=self.source.currentData(),
                booster=self.dose_number.value() > self.series_total.value())
            with self.db.session() as s:
                self.saved_dose_id = record_vaccination(s, self.actor, data, self.today).id
        except UserError as exc:
            self.message.setText(exc.message)
            return
        self.accept()
